package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/datadir"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func init() {
	hasSettings := func(w *Window) bool { return w.Services.Settings != nil }
	// The approval threshold and the holiday list are in the refunds room's pane (refund_settings.go).
	RegisterSettingsPane(SettingsPane{ID: "reminders", Title: "Reminders", Order: 45, Build: buildRemindersPane, Visible: hasSettings})
	RegisterSettingsPane(SettingsPane{ID: "packets", Title: "Evidence packets", Order: 60, Build: buildPacketPane, Visible: hasSettings})
	RegisterSettingsPane(SettingsPane{ID: "data", Title: "Where your records are", Order: 70, Build: buildDataPane,
		Visible: func(w *Window) bool { return w.Services.DataFile != "" }})
}

// readOnlyNote is the line a pane shows to people who may not change it.
func readOnlyNote() *widget.Label {
	return &widget.Label{Text: i18n.T("Only the owner can change these settings."), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
}

// setting reads key, falling back to def on an empty value.
func setting(ctx context.Context, s SettingsService, key, def string) (string, error) {
	v, err := s.Setting(ctx, key, def)
	if err == nil && strings.TrimSpace(v) == "" {
		v = def
	}
	return v, err
}

// RemindersPane sets the days before a deadline on which posdesk reminds (setting
// refund.reminder_days, applied at the next start).
type RemindersPane struct {
	w      *Window
	Days   *Entry
	Save   *widget.Button
	Status *widget.Label
	errs   *fieldErrors
}

func buildRemindersPane(w *Window) fyne.CanvasObject {
	_, obj := NewRemindersPane(w)
	return obj
}

// NewRemindersPane returns the pane and its content.
func NewRemindersPane(w *Window) (*RemindersPane, fyne.CanvasObject) {
	p := &RemindersPane{w: w, Days: w.NewEntry(), errs: newFieldErrors(),
		Status: &widget.Label{Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord}}
	days, err := setting(w.Ctx(), w.Services.Settings, posdesk.SettingReminderDays, posdesk.FormatReminderDays(posdesk.ReminderDays))
	p.Days.SetText(days)
	p.Days.SetPlaceHolder("7, 3, 1, 0")
	p.Save = &widget.Button{Text: i18n.T("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: p.OnSave}
	p.Days.OnSubmitted = func(string) { p.OnSave() }
	form := container.New(&formLayout{},
		fieldLabel(i18n.T("Remind days before")), p.errs.field(container.NewVBox(p.Days,
			hint(i18n.T("Days before a deadline on which posdesk reminds you; 0 is the day itself. Applies from the next start."))), "reminder_days"))
	box := container.NewVBox(form, p.errs.general, container.NewBorder(nil, nil, p.Save, nil, p.Status))
	if err != nil {
		p.errs.show(err)
	}
	if !w.Can(posdesk.ActEditSettings) {
		p.Days.Disable()
		p.Save.Disable()
		box.Add(readOnlyNote())
	}
	return p, box
}

// hint returns a small explanation under a field.
func hint(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
}

// OnSave checks the days and stores them; an error shows under the field.
func (p *RemindersPane) OnSave() {
	p.Status.SetText("")
	days, err := posdesk.ParseReminderDays(p.Days.Text)
	if err != nil {
		p.errs.show(err)
		return
	}
	pairs := []posdesk.SettingPair{{Key: posdesk.SettingReminderDays, Value: posdesk.FormatReminderDays(days)}}
	if err := saveSettings(p.w.Ctx(), p.w.Services.Settings, pairs); err != nil {
		p.errs.show(err)
		return
	}
	p.errs.clear()
	p.Days.SetText(posdesk.FormatReminderDays(days))
	p.Status.SetText(i18n.T("Saved."))
}

// asError returns err as a *posdesk.Error on field.
func asError(err error, field string) *posdesk.Error {
	if e, ok := err.(*posdesk.Error); ok {
		return e
	}
	return &posdesk.Error{Code: posdesk.EINTERNAL, Field: field, Format: posdesk.Internal(err).Format, Err: err}
}

// packetParty is an addressee an evidence packet can have, with its label.
type packetParty struct {
	party pdf.Party
	title string
}

// packetParties are the addressees in menu order.
var packetParties = []packetParty{
	{pdf.Acquirer, "The shop's acquirer"},
	{pdf.IssuingBank, "The cardholder's bank (issuing bank)"},
	{pdf.QRPlatform, "The QR payment platform (Alipay, WeChat Pay, UnionPay QR)"},
}

// PacketPane sets the defaults of new evidence packets: the destination preset (file size and
// page limits) and the party the cover letter is addressed to.
type PacketPane struct {
	w      *Window
	Preset *widget.Select
	Party  *widget.Select
	Save   *widget.Button
	Status *widget.Label
	errs   *fieldErrors
}

func buildPacketPane(w *Window) fyne.CanvasObject {
	_, obj := NewPacketPane(w)
	return obj
}

// NewPacketPane returns the pane and its content. A stored value that is not known (edited by
// hand, or from a newer version) shows an error under its field.
func NewPacketPane(w *Window) (*PacketPane, fyne.CanvasObject) {
	p := &PacketPane{w: w, errs: newFieldErrors(), Status: &widget.Label{Importance: widget.SuccessImportance}}
	var presets, parties []string
	for _, pr := range pdf.Presets {
		presets = append(presets, i18n.T(pr.Title))
	}
	for _, pa := range packetParties {
		parties = append(parties, i18n.T(pa.title))
	}
	p.Preset = widget.NewSelect(presets, nil)
	p.Party = widget.NewSelect(parties, nil)
	p.Save = &widget.Button{Text: i18n.T("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: p.OnSave}
	form := container.New(&formLayout{},
		fieldLabel(i18n.T("Send to")), p.errs.field(container.NewVBox(p.Preset,
			hint(i18n.T("Sets the file size and page limits the packet is fitted to."))), "preset"),
		fieldLabel(i18n.T("Addressed to")), p.errs.field(p.Party, "party"))
	box := container.NewVBox(form, p.errs.general, container.NewBorder(nil, nil, p.Save, nil, p.Status))
	p.load()
	if !w.Can(posdesk.ActEditSettings) {
		p.Preset.Disable()
		p.Party.Disable()
		p.Save.Disable()
		box.Add(readOnlyNote())
	}
	return p, box
}

func (p *PacketPane) load() {
	s := p.w.Services.Settings
	var es posdesk.Errors
	preset, err := s.Setting(p.w.Ctx(), posdesk.SettingPacketPreset, "")
	if err != nil {
		p.errs.show(err)
		return
	}
	if pr, err := pdf.FindPreset(preset); err != nil {
		es = append(es, asError(err, "preset"))
		p.Preset.SetSelectedIndex(0)
	} else {
		p.Preset.SetSelectedIndex(slices.IndexFunc(pdf.Presets, func(x pdf.Preset) bool { return x.Name == pr.Name }))
	}
	party, err := s.Setting(p.w.Ctx(), posdesk.SettingPacketParty, "")
	if err != nil {
		p.errs.show(err)
		return
	}
	i := 0
	if party != "" {
		if pa, err := pdf.ParseParty(party); err != nil {
			es = append(es, asError(err, "party"))
		} else {
			i = slices.IndexFunc(packetParties, func(x packetParty) bool { return x.party == pa })
		}
	}
	p.Party.SetSelectedIndex(max(i, 0))
	if len(es) > 0 {
		p.errs.show(es)
	}
}

// OnSave stores the chosen preset and party.
func (p *PacketPane) OnSave() {
	p.Status.SetText("")
	i, j := p.Preset.SelectedIndex(), p.Party.SelectedIndex()
	var es posdesk.Errors
	if i < 0 {
		es = append(es, posdesk.Invalid("preset", "Choose where packets are usually sent."))
	}
	if j < 0 {
		es = append(es, posdesk.Invalid("party", "Choose who packets are usually addressed to."))
	}
	if len(es) > 0 {
		p.errs.show(es)
		return
	}
	pairs := []posdesk.SettingPair{{Key: posdesk.SettingPacketPreset, Value: pdf.Presets[i].Name},
		{Key: posdesk.SettingPacketParty, Value: string(packetParties[j].party)}}
	if err := saveSettings(p.w.Ctx(), p.w.Services.Settings, pairs); err != nil {
		p.errs.show(err)
		return
	}
	p.errs.clear()
	p.Status.SetText(i18n.T("Saved."))
}

// DataPane says where the database is, opens its folder, and warns when the folder is on a
// network share or a cloud-synced folder.
type DataPane struct {
	w       *Window
	Path    *widget.Label
	Open    *widget.Button
	Warning *widget.Label
	path    string // the database file, absolute
	risk    datadir.Risk
}

func buildDataPane(w *Window) fyne.CanvasObject {
	_, obj := NewDataPane(w)
	return obj
}

// NewDataPane returns the pane and its content. The file system is examined off the UI
// goroutine (a network share may be slow to answer).
func NewDataPane(w *Window) (*DataPane, fyne.CanvasObject) {
	path := w.Services.DataFile
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p := &DataPane{w: w, path: path, Path: &widget.Label{Text: path, Wrapping: fyne.TextWrapBreak, Selectable: true},
		Warning: &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}}
	p.Warning.Hide()
	p.Open = &widget.Button{Text: i18n.T("Open folder"), Icon: theme.FolderOpenIcon(), OnTapped: p.OnOpen}
	intro := hint(i18n.T("Everything posdesk records (ledger, incidents, photos, refunds, audit trail) is in this one database file. Back it up from Settings; do not copy it while posdesk is open."))
	box := container.NewVBox(intro, container.NewBorder(nil, nil, fieldLabel(i18n.T("Database file")), nil, p.Path),
		container.NewHBox(p.Open), p.Warning)
	w.Async(func() {
		r := datadir.Check(path)
		fyne.Do(func() { p.SetRisk(r) })
	})
	return p, box
}

// SetRisk shows the verdict on the database's folder.
func (p *DataPane) SetRisk(r datadir.Risk) {
	p.risk = r
	if msg := DataRiskMessage(r); msg != "" {
		p.Warning.SetText(msg)
		p.Warning.Show()
	} else {
		p.Warning.Hide()
	}
}

// DataRiskMessage returns the warning for a database in a place judged r, or "" for a local
// disk.
func DataRiskMessage(r datadir.Risk) string {
	switch r.Kind {
	case datadir.Network:
		return i18n.T("Warning: the database is on a network drive (%s). SQLite databases on shared or network folders can be corrupted or lose recent changes. Move it to this PC's own disk and use Backups to keep copies elsewhere.", r.Why)
	case datadir.Cloud:
		return i18n.T("Warning: the database is in a folder synced by %s. A sync client can copy the file half-written or bring back an older copy, which corrupts the records. Move it out of the synced folder and let Backups put copies there instead.", r.Why)
	}
	return ""
}

// WarnDataPlace checks the database's folder off the UI goroutine and, when it is on a network
// share or in a cloud-synced folder, says so in a dialog. cmd/posdesk calls it at start.
func WarnDataPlace(w *Window) {
	path := w.Services.DataFile
	if path == "" {
		return
	}
	w.Async(func() {
		r := datadir.Check(path)
		if !r.Risky() {
			return
		}
		fyne.Do(func() {
			msg := container.NewVBox(&widget.Label{Text: DataRiskMessage(r), Wrapping: fyne.TextWrapWord},
				&widget.Label{Text: path, Wrapping: fyne.TextWrapBreak})
			d := dialog.NewCustom(i18n.T("Where your records are"), i18n.T("Close"), msg, w)
			d.Resize(fyne.NewSize(560, 300))
			w.ShowDialog(d)
		})
	})
}

// OnOpen opens the database's folder in the file manager.
func (p *DataPane) OnOpen() {
	dir := filepath.Dir(p.path)
	if err := p.w.App.OpenURL(datadir.FolderURL(dir)); err != nil {
		p.w.ShowError(posdesk.Errorf(posdesk.EINTERNAL, "Could not open the folder %s; open it in the file manager yourself.", dir))
	}
}
