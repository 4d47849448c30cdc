package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Restorer replaces the database with a backup. cmd/posdesk implements it: it checks the
// user may restore and the backup is sound while everything stays open, then closes the
// database, restores and keeps the replaced file.
type Restorer interface {
	// Restore puts file in place of the database and returns where the replaced database is
	// kept. closed reports that the database was closed (after success, and after a failure
	// past the checks): the window must then close, since its services are bound to it.
	Restore(ctx context.Context, file string) (previous string, closed bool, err error)
}

// OrderStaff is the rail position of the Staff section, just above Settings.
const OrderStaff = 85

func init() {
	RegisterSection(Section{ID: "staff", Title: "Staff", Order: OrderStaff,
		Icon:    theme.IconNameAccount,
		Visible: func(w *Window) bool { return w.Services.Staff != nil && w.Can(posdesk.ActManageStaff) },
		Build:   func(w *Window) fyne.CanvasObject { return NewStaffScreen(w) }})
	RegisterSettingsPane(SettingsPane{ID: "security", Title: "Sign-in and lock", Order: 20, Build: buildSecurityPane,
		Visible: func(w *Window) bool { return w.Services.Staff != nil && w.Services.Settings != nil }})
	RegisterSettingsPane(SettingsPane{ID: "my-pin", Title: "My PIN", Order: 25, Build: buildMyPINPane,
		Visible: func(w *Window) bool { return w.Services.Staff != nil && w.User() != nil && w.User().ID != 0 }})
	RegisterSettingsPane(SettingsPane{ID: "backups", Title: "Backups", Order: 30, Build: buildBackupPane,
		Visible: func(w *Window) bool { return w.Services.Backups != nil && w.Can(posdesk.ActBackup) }})
	RegisterSettingsPane(SettingsPane{ID: "audit", Title: "Audit trail", Order: 40, Build: buildAuditPane,
		Visible: func(w *Window) bool { return w.Services.Audit != nil && w.User() != nil }})
}

// StaffScreen lists the staff accounts and lets the owner add people, change roles, set PINs
// and disable or enable accounts. Its logic is in plain methods (Add, SetRole, SetDisabled,
// SetPIN) that the dialogs call and tests call directly.
type StaffScreen struct {
	widget.BaseWidget
	w        *Window
	users    []*posdesk.User
	selected int
	list     *widget.List
	status   *widget.Label
	add      *widget.Button
	role     *widget.Button
	pin      *widget.Button
	toggle   *widget.Button
}

// NewStaffScreen builds the Staff section of w.
func NewStaffScreen(w *Window) *StaffScreen {
	s := &StaffScreen{w: w, selected: -1, status: &widget.Label{Wrapping: fyne.TextWrapWord}}
	s.list = widget.NewList(func() int { return len(s.users) },
		func() fyne.CanvasObject { return &widget.Label{} },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.rowText(s.users[i])) })
	s.list.OnSelected = func(i widget.ListItemID) { s.selected = i; s.refreshButtons() }
	s.list.OnUnselected = func(widget.ListItemID) { s.selected = -1; s.refreshButtons() }
	s.add = &widget.Button{Text: i18n.T("Add a person…"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: s.onAdd}
	s.role = &widget.Button{Text: i18n.T("Change role…"), OnTapped: s.onRole}
	s.pin = &widget.Button{Text: i18n.T("Set PIN…"), OnTapped: s.onPIN}
	s.toggle = &widget.Button{Text: i18n.T("Disable"), OnTapped: s.onToggle}
	s.ExtendBaseWidget(s)
	s.Reload()
	return s
}

// CreateRenderer lays out the buttons above the list.
func (s *StaffScreen) CreateRenderer() fyne.WidgetRenderer {
	bar := container.NewHBox(s.add, s.role, s.pin, s.toggle)
	return widget.NewSimpleRenderer(container.NewBorder(container.NewVBox(bar, s.status), nil, nil, nil, s.list))
}

// Users returns the accounts shown, disabled ones included.
func (s *StaffScreen) Users() []*posdesk.User { return s.users }

// Select selects the account at row i (-1: none).
func (s *StaffScreen) Select(i int) {
	if i < 0 {
		s.list.UnselectAll()
		return
	}
	s.list.Select(i)
}

func (s *StaffScreen) rowText(u *posdesk.User) string {
	state := i18n.T("active")
	if u.Disabled {
		state = i18n.T("disabled")
	} else if u.LockedUntil.After(s.w.Now()) {
		state = i18n.T("locked until %s", u.LockedUntil.In(s.w.Location).Format("15:04:05"))
	}
	return fmt.Sprintf("%s    %s    %s", u.Name, i18n.T(u.Role.Title()), state)
}

// Reload reads the accounts again.
func (s *StaffScreen) Reload() {
	users, err := s.w.Services.Staff.FindUsers(s.w.Ctx(), posdesk.StaffFilter{IncludeDisabled: true})
	if err != nil {
		s.status.SetText(i18n.Message(err))
		return
	}
	s.users = users
	if s.selected >= len(users) {
		s.selected = -1
	}
	s.list.Refresh()
	s.refreshButtons()
}

func (s *StaffScreen) refreshButtons() {
	u := s.current()
	for _, b := range []*widget.Button{s.role, s.pin, s.toggle} {
		if u == nil {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if u != nil && u.Disabled {
		s.toggle.SetText(i18n.T("Enable"))
	} else {
		s.toggle.SetText(i18n.T("Disable"))
	}
}

func (s *StaffScreen) current() *posdesk.User {
	if s.selected < 0 || s.selected >= len(s.users) {
		return nil
	}
	return s.users[s.selected]
}

// Add creates an account; pin and repeat must agree.
func (s *StaffScreen) Add(name string, role posdesk.Role, pin, repeat string) error {
	if pin != repeat {
		return posdesk.Invalid("pin", "The two PINs differ; nothing was changed.")
	}
	u, err := s.w.Services.Staff.CreateUser(s.w.Ctx(), name, role, pin)
	if err != nil {
		return err
	}
	s.Reload()
	s.status.SetText(i18n.T("Added %[1]s as %[2]s.", u.Name, i18n.T(u.Role.Title())))
	return nil
}

// SetRole changes the role of account id.
func (s *StaffScreen) SetRole(id int64, role posdesk.Role) error {
	u, err := s.w.Services.Staff.UpdateUser(s.w.Ctx(), id, posdesk.StaffUpdate{Role: &role})
	if err != nil {
		return err
	}
	s.Reload()
	s.status.SetText(i18n.T("%[1]s is now %[2]s.", u.Name, i18n.T(u.Role.Title())))
	return nil
}

// SetDisabled disables or enables account id.
func (s *StaffScreen) SetDisabled(id int64, disabled bool) error {
	u, err := s.w.Services.Staff.UpdateUser(s.w.Ctx(), id, posdesk.StaffUpdate{Disabled: &disabled})
	if err != nil {
		return err
	}
	s.Reload()
	if u.Disabled {
		s.status.SetText(i18n.T("%s can no longer sign in.", u.Name))
	} else {
		s.status.SetText(i18n.T("%s can sign in again.", u.Name))
	}
	return nil
}

// SetPIN sets the PIN of account id; pin and repeat must agree.
func (s *StaffScreen) SetPIN(id int64, pin, repeat string) error {
	if pin != repeat {
		return posdesk.Invalid("pin", "The two PINs differ; nothing was changed.")
	}
	if err := s.w.Services.Staff.SetPIN(s.w.Ctx(), id, pin); err != nil {
		return err
	}
	s.Reload()
	s.status.SetText(i18n.T("The PIN was changed."))
	return nil
}

// roleOptions are the roles in menu order, with their labels.
func roleOptions() ([]posdesk.Role, []string) {
	roles := []posdesk.Role{posdesk.RoleCashier, posdesk.RoleManager, posdesk.RoleOwner}
	labels := make([]string, len(roles))
	for i, r := range roles {
		labels[i] = i18n.T(r.Title())
	}
	return roles, labels
}

// formDialog shows a small form whose OK runs submit; an error keeps the dialog open with the
// message under the form.
func (s *StaffScreen) formDialog(title string, items []fyne.CanvasObject, submit func() error) {
	errLine := errorLabel()
	form := container.New(&formLayout{}, items...)
	var d dialog.Dialog
	ok := &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance}
	cancel := &widget.Button{Text: i18n.T("Cancel")}
	content := container.NewVBox(form, errLine, container.NewHBox(layout.NewSpacer(), cancel, ok))
	d = dialog.NewCustomWithoutButtons(title, content, s.w)
	ok.OnTapped = func() {
		if err := submit(); err != nil {
			setError(errLine, i18n.Message(err))
			return
		}
		d.Hide()
	}
	cancel.OnTapped = d.Hide
	d.Resize(fyne.NewSize(480, content.MinSize().Height+80))
	s.w.ShowDialog(d)
}

func (s *StaffScreen) onAdd() {
	name, pin, repeat := s.w.NewEntry(), s.w.NewEntry(), s.w.NewEntry()
	pin.Password, repeat.Password = true, true
	roles, labels := roleOptions()
	role := widget.NewSelect(labels, nil)
	role.SetSelectedIndex(0)
	pin.SetPlaceHolder(i18n.T("Cashiers at least %[1]d digits, managers and owners %[2]d", posdesk.MinPINCashier, posdesk.MinPINManager))
	s.formDialog(i18n.T("Add a person"), []fyne.CanvasObject{
		fieldLabel(i18n.T("Name")), name, fieldLabel(i18n.T("Role")), role,
		fieldLabel(i18n.T("PIN")), pin, fieldLabel(i18n.T("PIN again")), repeat,
	}, func() error { return s.Add(name.Text, roles[role.SelectedIndex()], pin.Text, repeat.Text) })
}

func (s *StaffScreen) onRole() {
	u := s.current()
	if u == nil {
		return
	}
	roles, labels := roleOptions()
	role := widget.NewSelect(labels, nil)
	for i, r := range roles {
		if r == u.Role {
			role.SetSelectedIndex(i)
		}
	}
	s.formDialog(i18n.T("Role of %s", u.Name), []fyne.CanvasObject{fieldLabel(i18n.T("Role")), role},
		func() error { return s.SetRole(u.ID, roles[role.SelectedIndex()]) })
}

func (s *StaffScreen) onPIN() {
	u := s.current()
	if u == nil {
		return
	}
	pin, repeat := s.w.NewEntry(), s.w.NewEntry()
	pin.Password, repeat.Password = true, true
	s.formDialog(i18n.T("New PIN for %s", u.Name), []fyne.CanvasObject{
		fieldLabel(i18n.T("PIN")), pin, fieldLabel(i18n.T("PIN again")), repeat,
	}, func() error { return s.SetPIN(u.ID, pin.Text, repeat.Text) })
}

func (s *StaffScreen) onToggle() {
	u := s.current()
	if u == nil {
		return
	}
	if err := s.SetDisabled(u.ID, !u.Disabled); err != nil {
		s.w.ShowError(err)
	}
}

// securityPane sets the idle time after which the window locks.
type securityPane struct {
	w      *Window
	Idle   *Entry
	Err    *widget.Label
	Status *widget.Label
}

func buildSecurityPane(w *Window) fyne.CanvasObject {
	_, c := newSecurityPane(w)
	return c
}

func newSecurityPane(w *Window) (*securityPane, fyne.CanvasObject) {
	p := &securityPane{w: w, Idle: w.NewEntry(), Err: errorLabel(), Status: &widget.Label{Importance: widget.SuccessImportance}}
	v, _ := w.Services.Settings.Setting(w.Ctx(), posdesk.SettingIdleLock, strconv.Itoa(int(posdesk.DefaultIdleLock/time.Minute)))
	p.Idle.SetText(v)
	p.Idle.OnSubmitted = func(string) { p.Save() }
	save := &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance, OnTapped: p.Save}
	if !w.Can(posdesk.ActEditSettings) {
		p.Idle.Disable()
		save.Disable()
	}
	note := &widget.Label{Text: i18n.T("After this many minutes without use the window locks and asks for a PIN; 0 never locks. Ctrl+L locks it at once (Switch user)."), Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	form := container.New(&formLayout{}, fieldLabel(i18n.T("Lock after (minutes)")), container.NewVBox(p.Idle, p.Err))
	return p, container.NewVBox(form, note, container.NewHBox(save, p.Status))
}

// Save stores the idle time and applies it to this window.
func (p *securityPane) Save() {
	setError(p.Err, "")
	p.Status.SetText("")
	m, err := strconv.Atoi(strings.TrimSpace(p.Idle.Text))
	if err != nil || m < 0 || m > 24*60 {
		setError(p.Err, i18n.T("Enter whole minutes from 0 to 1440."))
		return
	}
	if err := p.w.Services.Settings.SetSetting(p.w.Ctx(), posdesk.SettingIdleLock, strconv.Itoa(m)); err != nil {
		setError(p.Err, i18n.Message(err))
		return
	}
	if g := gates[p.w]; g != nil {
		g.SetIdle(time.Duration(m) * time.Minute)
	}
	p.Status.SetText(i18n.T("Saved."))
}

// myPINPane lets the signed-in person change their own PIN.
type myPINPane struct {
	w                    *Window
	Current, PIN, Repeat *Entry
	Err                  *widget.Label
	Status               *widget.Label
}

func buildMyPINPane(w *Window) fyne.CanvasObject {
	_, c := newMyPINPane(w)
	return c
}

func newMyPINPane(w *Window) (*myPINPane, fyne.CanvasObject) {
	p := &myPINPane{w: w, Current: w.NewEntry(), PIN: w.NewEntry(), Repeat: w.NewEntry(), Err: errorLabel(),
		Status: &widget.Label{Importance: widget.SuccessImportance}}
	for _, e := range []*Entry{p.Current, p.PIN, p.Repeat} {
		e.Password = true
	}
	p.Repeat.OnSubmitted = func(string) { p.Save() }
	save := &widget.Button{Text: i18n.T("Change my PIN"), OnTapped: p.Save}
	form := container.New(&formLayout{}, fieldLabel(i18n.T("Current PIN")), p.Current, fieldLabel(i18n.T("New PIN")), p.PIN,
		fieldLabel(i18n.T("New PIN again")), p.Repeat)
	return p, container.NewVBox(form, p.Err, container.NewHBox(save, p.Status))
}

// Save checks the current PIN (a wrong one counts as a failed sign-in) and sets the new one.
func (p *myPINPane) Save() {
	setError(p.Err, "")
	p.Status.SetText("")
	u := p.w.User()
	if p.PIN.Text != p.Repeat.Text {
		setError(p.Err, i18n.T("The two PINs differ; type the same PIN twice."))
		return
	}
	if _, err := p.w.Services.Staff.SignIn(context.Background(), u.Name, p.Current.Text); err != nil {
		setError(p.Err, i18n.Message(err))
		return
	}
	if err := p.w.Services.Staff.SetPIN(p.w.Ctx(), u.ID, p.PIN.Text); err != nil {
		setError(p.Err, i18n.Message(err))
		return
	}
	for _, e := range []*Entry{p.Current, p.PIN, p.Repeat} {
		e.SetText("")
	}
	p.Status.SetText(i18n.T("Your PIN was changed."))
}

// backupPane sets the automatic backups, takes one now and restores.
type backupPane struct {
	w            *Window
	Folder, Keep *Entry
	Err          *widget.Label
	Status       *widget.Label
}

func buildBackupPane(w *Window) fyne.CanvasObject {
	_, c := newBackupPane(w)
	return c
}

func newBackupPane(w *Window) (*backupPane, fyne.CanvasObject) {
	p := &backupPane{w: w, Folder: w.NewEntry(), Keep: w.NewEntry(), Err: errorLabel(), Status: &widget.Label{Wrapping: fyne.TextWrapWord}}
	folder, keep, err := w.Services.Backups.BackupSettings(w.Ctx())
	if err != nil {
		setError(p.Err, i18n.Message(err))
	}
	p.Folder.SetText(folder)
	p.Keep.SetText(strconv.Itoa(keep))
	save := &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance, OnTapped: p.Save}
	now := &widget.Button{Text: i18n.T("Back up now…"), Icon: theme.DocumentSaveIcon(), OnTapped: p.onBackup}
	restore := &widget.Button{Text: i18n.T("Restore a backup…"), Icon: theme.HistoryIcon(), OnTapped: p.onRestore}
	if w.Services.Restore == nil || !w.Can(posdesk.ActRestore) {
		restore.Disable()
	}
	note := &widget.Label{Text: i18n.T("posdesk takes one backup a day into this folder while it is open. Choose a folder on another disk (a USB drive): a backup on the same disk does not survive the disk."), Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	form := container.New(&formLayout{}, fieldLabel(i18n.T("Backup folder")), p.Folder, fieldLabel(i18n.T("Days to keep")), p.Keep)
	return p, container.NewVBox(form, note, p.Err, container.NewHBox(save, now, restore), p.Status)
}

// Save stores the folder and the days to keep.
func (p *backupPane) Save() {
	setError(p.Err, "")
	keep, err := strconv.Atoi(strings.TrimSpace(p.Keep.Text))
	if err != nil || keep < 0 {
		setError(p.Err, i18n.T("Enter the days to keep as a whole number (0 keeps every backup)."))
		return
	}
	s := p.w.Services.Settings
	if s == nil {
		return
	}
	if err := s.SetSetting(p.w.Ctx(), posdesk.SettingBackupFolder, strings.TrimSpace(p.Folder.Text)); err != nil {
		setError(p.Err, i18n.Message(err))
		return
	}
	if err := s.SetSetting(p.w.Ctx(), posdesk.SettingBackupKeepDays, strconv.Itoa(keep)); err != nil {
		setError(p.Err, i18n.Message(err))
		return
	}
	p.Status.SetText(i18n.T("Saved."))
}

// BackupTo writes a backup to path, off the UI goroutine, and reports it.
func (p *backupPane) BackupTo(path string) {
	p.Status.SetText(i18n.T("Backing up…"))
	backups, ctx := p.w.Services.Backups, p.w.Ctx()
	p.w.Async(func() {
		info, err := backups.Backup(ctx, path)
		fyne.Do(func() {
			if err != nil {
				p.Status.SetText("")
				setError(p.Err, i18n.Message(err))
				return
			}
			p.Status.SetText(i18n.T("Backup written: %[1]s (%[2]d KiB, audit head %[3]s).", info.Path, (info.Size+1023)/1024, info.Head.Short()))
		})
	})
}

func (p *backupPane) onBackup() {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		// The dialog created an empty file; Backup refuses to overwrite, so write beside it
		// under the chosen name.
		removeEmpty(path)
		p.BackupTo(path)
	}, p.w)
	d.SetFileName("posdesk-backup-" + p.w.Now().In(p.w.Location).Format("2006-01-02-1504") + ".db")
	d.Show()
}

// RestoreFrom restores file after the user confirmed. Once the database was closed the app
// quits when the message is closed: posdesk starts again on the restored file.
func (p *backupPane) RestoreFrom(file string) error {
	prev, closed, err := p.w.Services.Restore.Restore(p.w.Ctx(), file)
	var d dialog.Dialog
	switch {
	case err != nil && !closed:
		return err
	case err != nil:
		d = dialog.NewError(errors.New(i18n.Message(err)+"\n"+i18n.T("posdesk closes now; open it again to continue.")), p.w)
	default:
		msg := i18n.T("The backup %[1]s was restored. The database it replaced is kept as %[2]s. posdesk closes now; open it again to continue.", filepath.Base(file), prev)
		d = dialog.NewInformation(i18n.T("Restored"), msg, p.w)
	}
	d.SetOnClosed(p.w.App.Quit)
	d.Show()
	return err
}

func (p *backupPane) onRestore() {
	dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		file := rc.URI().Path()
		rc.Close()
		q := i18n.T("Replace all records with the backup %s? The current database is kept beside it, and posdesk closes afterwards.", filepath.Base(file))
		dialog.ShowConfirm(i18n.T("Restore a backup"), q, func(ok bool) {
			if !ok {
				return
			}
			if err := p.RestoreFrom(file); err != nil {
				p.w.ShowError(err)
			}
		}, p.w)
	}, p.w)
}

// auditPane shows the audit head and checks the chain on demand.
type auditPane struct {
	w      *Window
	Head   *widget.Label
	Status *widget.Label
}

func buildAuditPane(w *Window) fyne.CanvasObject {
	_, c := newAuditPane(w)
	return c
}

func newAuditPane(w *Window) (*auditPane, fyne.CanvasObject) {
	p := &auditPane{w: w, Head: &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}}, Status: &widget.Label{Wrapping: fyne.TextWrapWord}}
	if h, err := w.Services.Audit.AuditHead(w.Ctx()); err == nil {
		p.Head.SetText(h.Short())
	} else {
		p.Head.SetText(i18n.Message(err))
	}
	check := &widget.Button{Text: i18n.T("Check the audit trail"), OnTapped: p.Check}
	note := &widget.Label{Text: i18n.T("Every change is recorded with who made it, chained by hashes. The head above is printed on evidence packets: anyone can later check the trail still holds it."), Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	form := container.New(&formLayout{}, fieldLabel(i18n.T("Audit head")), p.Head)
	return p, container.NewVBox(form, note, check, p.Status)
}

// Check verifies the whole chain, off the UI goroutine.
func (p *auditPane) Check() {
	p.Status.Importance = widget.MediumImportance
	p.Status.SetText(i18n.T("Checking…"))
	audit, ctx := p.w.Services.Audit, p.w.Ctx()
	p.w.Async(func() {
		head, n, bad, err := audit.VerifyAudit(ctx)
		fyne.Do(func() {
			switch {
			case bad != nil:
				p.Status.Importance = widget.DangerImportance
				p.Status.SetText(i18n.Message(err))
			case err != nil:
				p.Status.Importance = widget.DangerImportance
				p.Status.SetText(i18n.Message(err))
			default:
				p.Status.Importance = widget.SuccessImportance
				p.Status.SetText(i18n.T("audit chain: %[1]d entries intact, head %[2]s", n, (posdesk.AuditHead{Seq: int64(n), Hash: head}).Short()))
			}
			p.Status.Refresh()
		})
	})
}

// removeEmpty deletes path if it is an empty file (the one a save dialog creates).
func removeEmpty(path string) {
	if st, err := os.Stat(path); err == nil && st.Size() == 0 {
		os.Remove(path)
	}
}
