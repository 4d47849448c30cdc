// Package ui holds posdesk's Fyne screens. Screens get the services they need as posdesk
// interfaces; this package never imports the storage adapter or fyne/v2/app (cmd/posdesk
// creates the app and wires the services).
//
// # Adding a section
//
// The window is a navigation rail, a top bar and the current section's content. A room of the
// product adds a screen without editing this file:
//
//  1. Add the service it needs to Services (one field, a posdesk interface) and wire it in
//     cmd/posdesk/gui.go.
//
//  2. In its own file, register the section from init:
//
//     func init() {
//     RegisterSection(Section{
//     ID: "incidents", Title: "Incidents", Icon: theme.WarningIcon(), Order: OrderIncidents,
//     Visible: func(w *Window) bool { return w.Services.Incidents != nil },
//     Build:   func(w *Window) fyne.CanvasObject { return newIncidentsScreen(w) },
//     })
//     }
//
//  3. Put the English Title in your catalog (assets/i18n/zh-Hans/<room>.json); a test fails on a
//     registered title without a translation.
//
// Build runs once per window, the first time the section is opened; the content is kept while
// the app runs, so a screen remembers its filters. If the content implements Searcher, Ctrl+F
// calls it. Top-bar buttons with a keyboard shortcut (the large "Log incident" button, Ctrl+N)
// are registered the same way with RegisterAction. Slow work goes through Window.Async and its
// result back through fyne.Do.
package ui

import (
	"context"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Services are the domain services the screens use. cmd/posdesk fills them in; a section whose
// service is nil is not shown. Rooms add their service here as one field each.
type Services struct {
	Transactions posdesk.TransactionService
	Settings     SettingsService
	Incidents    posdesk.IncidentService
	Intake       AttachmentIntake      // checks files staff attach to incidents (attach.Intake)
	Staff        posdesk.StaffService  // sign-in, staff accounts (signin.go, staff.go)
	Audit        posdesk.AuditService  // audit head and check (staff.go)
	Backups      posdesk.BackupService // backups (staff.go)
	Restore      Restorer              // restore from a backup (staff.go)
	FollowUps    FollowUpService       // Home dashboard and Follow-ups (refunds room)
	DataFile     string                // the database file, shown in Settings (settings_panes.go)
	Demo         DemoData              // demo records offered by the first-run wizard (firstrun.go)
	Packets      PacketBuilder         // evidence packs of incidents (packet.go)
	Reports      ReportService         // monthly report and CSV exports (reports.go)
	Imports      ImportMatcher         // Import & match: statements, reconciliation (imports.go)
}

// SettingsService reads and writes the shop's settings (key/value text). Writing needs the
// owner's permission.
type SettingsService interface {
	// Setting returns the value of key, or def when it is not set.
	Setting(ctx context.Context, key, def string) (string, error)
	// SetSetting stores value under key, with an audit entry.
	SetSetting(ctx context.Context, key, value string) error
}

// Shop setting keys the window reads.
const (
	SettingShopName     = "shop.name"     // shown in the top bar
	SettingShopTimezone = "shop.timezone" // IANA name, e.g. Asia/Shanghai; times are shown in it
)

// Rail positions of the sections UI.md lists, for Section.Order.
const (
	OrderHome      = 10
	OrderLedger    = 20
	OrderIncidents = 30
	OrderFollowUps = 40
	OrderImport    = 50
	OrderReports   = 60
	OrderSettings  = 90
)

// Section is one screen reachable from the navigation rail.
type Section struct {
	ID    string             // stable identifier, e.g. "ledger"; Window.Open takes it
	Title string             // English label; also its translation key
	Icon  fyne.ThemeIconName // rail icon, e.g. theme.IconNameList (resolved when drawn)
	Order int                // position in the rail, small first (see the Order constants)
	// Build creates the section's content for w. It runs once per window, on first open.
	Build func(w *Window) fyne.CanvasObject
	// Visible reports whether the section works for w's services and user; nil means always.
	Visible func(w *Window) bool
}

// Action is a button in the top bar, optionally with a keyboard shortcut that works anywhere in
// the window (also while typing in a form entry made by Window.NewEntry).
type Action struct {
	ID       string             // stable identifier, e.g. "log-incident"
	Title    string             // English label; also its translation key
	Icon     fyne.ThemeIconName // optional, e.g. theme.IconNameWarning
	Order    int                // position among the top-bar buttons, small first
	Primary  bool               // a large, high-importance button (the "Log incident" button)
	Shortcut *desktop.CustomShortcut
	Run      func(w *Window)
	// Visible reports whether the action works for w's services and user; nil means always.
	Visible func(w *Window) bool
}

// Searcher is implemented by section content that has a search box; Ctrl+F focuses it.
type Searcher interface {
	FocusSearch()
}

var (
	sections []Section
	actions  []Action
)

// RegisterSection adds a section to every window created afterwards. Call it from init.
func RegisterSection(s Section) {
	for _, o := range sections {
		if o.ID == s.ID {
			panic("ui: section registered twice: " + s.ID)
		}
	}
	sections = append(sections, s)
	sort.SliceStable(sections, func(i, j int) bool { return sections[i].Order < sections[j].Order })
}

// RegisterAction adds a top-bar action to every window created afterwards. Call it from init.
func RegisterAction(a Action) {
	for _, o := range actions {
		if o.ID == a.ID {
			panic("ui: action registered twice: " + a.ID)
		}
	}
	actions = append(actions, a)
	sort.SliceStable(actions, func(i, j int) bool { return actions[i].Order < actions[j].Order })
}

// Sections returns the registered sections in rail order.
func Sections() []Section { return append([]Section(nil), sections...) }

// Actions returns the registered top-bar actions in order.
func Actions() []Action { return append([]Action(nil), actions...) }

// Config is what the window needs besides the services.
type Config struct {
	User     *posdesk.User     // the person signed in; nil shows read-only screens, or none with a Staff service
	Now      func() time.Time  // the clock; nil means time.Now
	Location *time.Location    // shop time zone; nil means the shop.timezone setting or local
	Async    func(work func()) // runs slow work off the UI goroutine; nil means a goroutine
	Size     fyne.Size         // initial size; zero means 1280x800
	Prefs    fyne.Preferences  // per-PC preferences (language); nil means the app's
	// Notice is shown, in the user's language, in a banner under the top bar of every section
	// and on the sign-in view: the database is open read-only, and why. nil shows none.
	Notice error
}

// Window is posdesk's main window: a navigation rail, a top bar and the current section.
type Window struct {
	fyne.Window
	App      fyne.App
	Services Services
	Now      func() time.Time
	Location *time.Location
	Prefs    fyne.Preferences
	// Async runs slow work off the UI goroutine; the work applies its result with fyne.Do.
	// Tests replace it to run the work inline.
	Async func(work func())
	// OnActivity is called on signs that somebody is using the window (keys, opening a
	// section, service calls); the sign-in gate uses it for the lock after idle.
	OnActivity func()

	user     *posdesk.User
	ctx      context.Context
	current  string
	built    map[string]fyne.CanvasObject
	rail     *fyne.Container
	content  *fyne.Container
	shopName *widget.Label
	userName *widget.Label
	buttons  *fyne.Container
	notice   *widget.Label // the banner's text, nil without Config.Notice
	escapes  []func()
	// shortcuts are the window's own shortcuts by name; entries made by NewEntry pass them on.
	shortcuts map[string]func()
}

// NewMainWindow builds posdesk's main window on a and opens the first visible section.
func NewMainWindow(a fyne.App, s Services, c Config) *Window {
	w := &Window{
		Window:    a.NewWindow(i18n.T("posdesk")),
		App:       a,
		Services:  s,
		Now:       c.Now,
		Location:  c.Location,
		Prefs:     c.Prefs,
		Async:     c.Async,
		built:     map[string]fyne.CanvasObject{},
		shortcuts: map[string]func(){},
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Async == nil {
		w.Async = func(work func()) { go work() }
	}
	if w.Prefs == nil {
		w.Prefs = a.Preferences()
	}
	w.setUser(c.User)
	if w.Location == nil {
		w.Location = w.shopLocation()
	}
	w.shopName = &widget.Label{Text: w.shopTitle(), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Truncation: fyne.TextTruncateEllipsis}
	w.userName = &widget.Label{}
	w.buttons = container.NewHBox()
	w.rail = container.NewVBox()
	w.content = container.NewStack()
	top := container.NewBorder(nil, nil, nil, container.NewHBox(w.userName, w.buttons), w.shopName)
	header := container.NewVBox(container.NewPadded(top), widget.NewSeparator())
	if c.Notice != nil {
		w.notice = noticeLabel(c.Notice)
		header.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, w.notice))
		header.Add(widget.NewSeparator())
	}
	left := container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewVScroll(w.rail))
	w.SetContent(container.NewBorder(header, nil, left, nil, w.content))
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		w.activity()
		if k.Name == fyne.KeyEscape {
			w.Escape()
		}
	})
	w.addShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func() {
		if s, ok := w.built[w.current].(Searcher); ok {
			s.FocusSearch()
		}
	})
	size := c.Size
	if size.IsZero() {
		size = fyne.NewSize(1280, 800)
	}
	w.Resize(size)
	w.Rebuild()
	traceWindow(a)
	return w
}

// noticeLabel returns the text of a notice banner: err's message, in amber, wrapped.
func noticeLabel(err error) *widget.Label {
	return &widget.Label{Text: i18n.Message(err), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
}

// Notice returns the text of the banner Config.Notice put under the top bar, or "".
func (w *Window) Notice() string {
	if w.notice == nil {
		return ""
	}
	return w.notice.Text
}

// Ctx returns a context acting as the signed-in user, for service calls.
func (w *Window) Ctx() context.Context {
	w.activity()
	return w.ctx
}

// activity reports a sign of use to OnActivity.
func (w *Window) activity() {
	if w.OnActivity != nil {
		w.OnActivity()
	}
}

// User returns the signed-in user, or nil.
func (w *Window) User() *posdesk.User { return w.user }

// Can reports whether the signed-in user may do action.
func (w *Window) Can(action posdesk.Action) bool {
	return w.user != nil && !w.user.Disabled && posdesk.Can(w.user.Role, action)
}

// SetUser switches the signed-in user and shows the sections and actions they may use. Screens
// are built afresh for the new user.
func (w *Window) SetUser(u *posdesk.User) {
	if u != nil {
		traceEvent("signed in", 0)
	}
	w.setUser(u)
	w.built = map[string]fyne.CanvasObject{}
	w.Rebuild()
}

func (w *Window) setUser(u *posdesk.User) {
	w.user = u
	w.ctx = context.Background()
	if u != nil {
		w.ctx = posdesk.NewContextWithUser(w.ctx, u)
	}
}

// Current returns the ID of the section on screen.
func (w *Window) Current() string { return w.current }

// Built returns the content of section id if it was built, or nil.
func (w *Window) Built(id string) fyne.CanvasObject { return w.built[id] }

// Open shows section id, building it on first use. It reports whether the section exists and
// is visible.
func (w *Window) Open(id string) bool {
	for _, s := range sections {
		if s.ID != id || !w.visible(s.Visible) {
			continue
		}
		w.activity()
		obj, ok := w.built[id]
		if !ok {
			obj = s.Build(w)
			w.built[id] = obj
		}
		w.current = id
		w.content.Objects = []fyne.CanvasObject{obj}
		w.content.Refresh()
		w.refreshRail()
		return true
	}
	return false
}

// Rebuild re-reads which sections and actions are visible (after a change of user or
// services), redraws the rail and the top bar, and keeps the current section if it is still
// visible.
func (w *Window) Rebuild() {
	if w.user != nil {
		w.userName.SetText(i18n.T("%[1]s (%[2]s)", w.user.Name, i18n.T(w.user.Role.Title())))
	} else {
		w.userName.SetText(i18n.T("Nobody signed in"))
	}
	for _, a := range actions {
		if a.Shortcut != nil {
			w.Canvas().RemoveShortcut(a.Shortcut)
			delete(w.shortcuts, a.Shortcut.ShortcutName())
		}
	}
	w.buttons.RemoveAll()
	for _, a := range actions {
		if !w.visible(a.Visible) {
			continue
		}
		b := &widget.Button{Text: i18n.T(a.Title), Icon: icon(a.Icon), OnTapped: func() { a.Run(w) }}
		if a.Primary {
			b.Importance = widget.HighImportance
		}
		w.buttons.Add(b)
		if a.Shortcut != nil {
			w.addShortcut(a.Shortcut, func() { a.Run(w) })
		}
	}
	if w.current == "" || !w.Open(w.current) {
		w.current = ""
		w.content.Objects = nil
		for _, s := range sections {
			if w.Open(s.ID) {
				break
			}
		}
	}
	w.refreshRail()
}

func (w *Window) refreshRail() {
	w.rail.RemoveAll()
	for _, s := range sections {
		if !w.visible(s.Visible) {
			continue
		}
		b := &widget.Button{Text: i18n.T(s.Title), Icon: icon(s.Icon), Alignment: widget.ButtonAlignLeading, Importance: widget.LowImportance,
			OnTapped: func() { w.Open(s.ID) }}
		if s.ID == w.current {
			b.Importance = widget.HighImportance
		}
		w.rail.Add(b)
	}
}

// visible reports whether a section or action with the visibility f shows. Nothing does while
// the window waits for somebody to sign in (a staff service and no user: the sign-in gate is in
// front); building a section then would read records as nobody, behind the gate's back.
func (w *Window) visible(f func(*Window) bool) bool {
	if w.signedOut() {
		return false
	}
	return f == nil || f(w)
}

// signedOut reports whether the window has staff accounts to sign in with and nobody signed in.
func (w *Window) signedOut() bool { return w.user == nil && w.Services.Staff != nil }

func (w *Window) shopTitle() string {
	name := ""
	if w.Services.Settings != nil {
		name, _ = w.Services.Settings.Setting(w.ctx, SettingShopName, "")
	}
	if name == "" {
		return i18n.T("posdesk")
	}
	return name
}

// SetShopName changes the shop name in the top bar (after Settings saved it).
func (w *Window) SetShopName(name string) {
	if name == "" {
		name = i18n.T("posdesk")
	}
	w.shopName.SetText(name)
}

func (w *Window) shopLocation() *time.Location {
	if w.Services.Settings != nil {
		if name, err := w.Services.Settings.Setting(w.ctx, SettingShopTimezone, ""); err == nil && name != "" {
			if loc, err := time.LoadLocation(name); err == nil {
				return loc
			}
		}
	}
	return time.Local
}

// Escape closes the dialog opened last with ShowDialog, if any. Esc calls it.
func (w *Window) Escape() {
	if n := len(w.escapes); n > 0 {
		w.escapes[n-1]()
	}
}

// ShowDialog shows d and lets Esc close it.
func (w *Window) ShowDialog(d dialog.Dialog) {
	hide := d.Hide
	w.escapes = append(w.escapes, hide)
	n := len(w.escapes)
	d.SetOnClosed(func() {
		if len(w.escapes) >= n {
			w.escapes = w.escapes[:n-1]
		}
	})
	d.Show()
}

// ShowError shows err's message in the user's language in a dialog.
func (w *Window) ShowError(err error) {
	msg := &widget.Label{Text: i18n.Message(err)}
	d := dialog.NewCustom(i18n.T("Something needs your attention"), i18n.T("Close"), msg, w)
	w.ShowDialog(d)
}

// NewEntry returns a single-line entry whose app shortcuts (Ctrl+N, Ctrl+F) and Esc still work
// while it has the focus; use it for form fields.
func (w *Window) NewEntry() *Entry {
	e := &Entry{win: w}
	e.ExtendBaseWidget(e)
	return e
}

// NewMultiLineEntry is NewEntry for several lines of text.
func (w *Window) NewMultiLineEntry() *Entry {
	e := w.NewEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// Entry is a widget.Entry that passes the window's shortcuts and Esc on to the window instead of
// swallowing them.
type Entry struct {
	widget.Entry
	win *Window
}

// TypedShortcut lets the window handle its shortcuts (Ctrl+N, Ctrl+F) while the entry has the
// focus, and passes the others (copy, paste...) to the entry.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	if e.win != nil && e.win.TypedShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedRune types r and counts as activity.
func (e *Entry) TypedRune(r rune) {
	if e.win != nil {
		e.win.activity()
	}
	e.Entry.TypedRune(r)
}

// TypedKey closes the current dialog on Esc and otherwise edits text.
func (e *Entry) TypedKey(k *fyne.KeyEvent) {
	if e.win != nil {
		e.win.activity()
	}
	if k.Name == fyne.KeyEscape && e.win != nil {
		e.win.Escape()
		return
	}
	e.Entry.TypedKey(k)
}

// addShortcut registers a window shortcut on the canvas and for the window's entries.
func (w *Window) addShortcut(sc *desktop.CustomShortcut, run func()) {
	w.shortcuts[sc.ShortcutName()] = run
	w.Canvas().AddShortcut(sc, func(fyne.Shortcut) { run() })
}

// TypedShortcut runs s if it is one of the window's shortcuts and reports whether it was.
func (w *Window) TypedShortcut(s fyne.Shortcut) bool {
	run, ok := w.shortcuts[s.ShortcutName()]
	if ok {
		run()
	}
	return ok
}

// icon returns the current theme's icon called name, or nil for no name.
func icon(name fyne.ThemeIconName) fyne.Resource {
	if name == "" {
		return nil
	}
	return theme.Icon(name)
}
