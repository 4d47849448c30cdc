package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

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
	RegisterSettingsPane(SettingsPane{ID: "refund-rules", Title: "Refunds and reminders", Order: 50, Build: buildRefundRulesPane, Visible: hasSettings})
	RegisterSettingsPane(SettingsPane{ID: "holidays", Title: "Holidays", Order: 55, Build: buildHolidaysPane,
		Visible: func(w *Window) bool { return w.Services.Holidays != nil }})
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

// RefundRulesPane sets the refund approval threshold and the reminder days before a deadline.
type RefundRulesPane struct {
	w            *Window
	Threshold    *Entry
	ReminderDays *Entry
	Save         *widget.Button
	Status       *widget.Label
	errs         *fieldErrors
}

func buildRefundRulesPane(w *Window) fyne.CanvasObject {
	_, obj := NewRefundRulesPane(w)
	return obj
}

// NewRefundRulesPane returns the pane and its content.
func NewRefundRulesPane(w *Window) (*RefundRulesPane, fyne.CanvasObject) {
	p := &RefundRulesPane{w: w, Threshold: w.NewEntry(), ReminderDays: w.NewEntry(), errs: newFieldErrors(),
		Status: &widget.Label{Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord}}
	s := w.Services.Settings
	th, err := setting(w.Ctx(), s, posdesk.RefundThresholdSetting, posdesk.DefaultApprovalThreshold.Plain())
	if err == nil {
		var days string
		days, err = setting(w.Ctx(), s, posdesk.SettingReminderDays, posdesk.FormatReminderDays(posdesk.ReminderDays))
		p.ReminderDays.SetText(days)
	}
	p.Threshold.SetText(th)
	p.Threshold.SetPlaceHolder(posdesk.DefaultApprovalThreshold.Plain())
	p.ReminderDays.SetPlaceHolder("7, 3, 1, 0")
	p.Save = &widget.Button{Text: i18n.T("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: p.OnSave}
	p.Threshold.OnSubmitted = func(string) { p.OnSave() }
	p.ReminderDays.OnSubmitted = func(string) { p.OnSave() }
	form := container.New(&formLayout{},
		fieldLabel(i18n.T("Approval from (CNY)")), p.errs.field(container.NewVBox(p.Threshold,
			hint(i18n.T("Refunds the shop pays of this amount or more need a manager or the owner to approve; the person who asked cannot approve."))), "threshold"),
		fieldLabel(i18n.T("Remind days before")), p.errs.field(container.NewVBox(p.ReminderDays,
			hint(i18n.T("Days before a deadline on which posdesk reminds you; 0 is the day itself. Applies from the next start."))), "reminder_days"))
	box := container.NewVBox(form, p.errs.general, container.NewBorder(nil, nil, p.Save, nil, p.Status))
	if err != nil {
		p.errs.show(err)
	}
	if !w.Can(posdesk.ActEditSettings) {
		p.Threshold.Disable()
		p.ReminderDays.Disable()
		p.Save.Disable()
		box.Add(readOnlyNote())
	}
	return p, box
}

// hint returns a small grey explanation under a field.
func hint(text string) *widget.Label {
	return &widget.Label{Text: text, Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
}

// OnSave checks both values and stores them; errors show under their fields.
func (p *RefundRulesPane) OnSave() {
	p.Status.SetText("")
	var es posdesk.Errors
	m, err := posdesk.ParseApprovalThreshold(p.Threshold.Text)
	if err != nil {
		es = append(es, asError(err, "threshold"))
	}
	days, err := posdesk.ParseReminderDays(p.ReminderDays.Text)
	if err != nil {
		es = append(es, asError(err, "reminder_days"))
	}
	if len(es) > 0 {
		p.errs.show(es)
		return
	}
	pairs := []posdesk.SettingPair{{Key: posdesk.RefundThresholdSetting, Value: m.Plain()},
		{Key: posdesk.SettingReminderDays, Value: posdesk.FormatReminderDays(days)}}
	if err := saveSettings(p.w.Ctx(), p.w.Services.Settings, pairs); err != nil {
		p.errs.show(err)
		return
	}
	p.errs.clear()
	p.Threshold.SetText(m.Plain())
	p.ReminderDays.SetText(posdesk.FormatReminderDays(days))
	p.Status.SetText(i18n.T("Saved."))
}

// asError returns err as a *posdesk.Error on field.
func asError(err error, field string) *posdesk.Error {
	if e, ok := err.(*posdesk.Error); ok {
		return e
	}
	return &posdesk.Error{Code: posdesk.EINTERNAL, Field: field, Format: posdesk.Internal(err).Format, Err: err}
}

// HolidaysPane edits the holiday list that working-day deadlines and refund arrival dates skip:
// public holidays, and weekend days the banks work (调休).
type HolidaysPane struct {
	w       *Window
	List    *widget.List
	Date    *Entry
	Name    *Entry
	Workday *widget.Check
	Add     *widget.Button
	Delete  *widget.Button
	Status  *widget.Label
	errs    *fieldErrors

	holidays []*posdesk.Holiday
	selected int
}

func buildHolidaysPane(w *Window) fyne.CanvasObject {
	_, obj := NewHolidaysPane(w)
	return obj
}

// NewHolidaysPane returns the pane, listing this year's and next year's entries.
func NewHolidaysPane(w *Window) (*HolidaysPane, fyne.CanvasObject) {
	p := &HolidaysPane{w: w, Date: w.NewEntry(), Name: w.NewEntry(), errs: newFieldErrors(), selected: -1,
		Status: &widget.Label{Wrapping: fyne.TextWrapWord}}
	p.Workday = widget.NewCheck(i18n.T("A weekend day the banks work (make-up working day, 调休)"), nil)
	p.Date.SetPlaceHolder("2026-10-01")
	p.Name.SetPlaceHolder(i18n.T("For example 国庆节"))
	p.List = &widget.List{
		Length:     func() int { return len(p.holidays) },
		CreateItem: func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(holidayLine(p.holidays[i])) },
		OnSelected: func(i widget.ListItemID) {
			p.selected = i
			if p.w.Can(posdesk.ActEditSettings) {
				p.Delete.Enable()
			}
		},
		OnUnselected: func(widget.ListItemID) { p.selected = -1; p.Delete.Disable() },
	}
	p.Add = &widget.Button{Text: i18n.T("Add to the list"), Icon: theme.ContentAddIcon(), OnTapped: p.OnAdd}
	p.Delete = &widget.Button{Text: i18n.T("Remove the chosen day"), Icon: theme.DeleteIcon(), OnTapped: p.OnDelete}
	p.Delete.Disable()
	p.Name.OnSubmitted = func(string) { p.OnAdd() }
	form := container.New(&formLayout{},
		fieldLabel(i18n.T("Day")), p.errs.field(p.Date, "date"),
		fieldLabel(i18n.T("Holiday name")), p.errs.field(p.Name, "name"),
		widget.NewLabel(""), p.Workday)
	list := container.NewGridWrap(fyne.NewSize(520, 180), p.List)
	box := container.NewVBox(hint(i18n.T("Banks do not count these days when a deadline or a refund is counted in working days. Add the public holidays of the year, and the weekend days the banks work.")),
		list, p.Delete, form, p.errs.general, container.NewBorder(nil, nil, p.Add, nil, p.Status))
	if !w.Can(posdesk.ActEditSettings) {
		p.Date.Disable()
		p.Name.Disable()
		p.Workday.Disable()
		p.Add.Disable()
		box.Add(readOnlyNote())
	}
	p.Reload()
	return p, box
}

// holidayLine is one line of the list: "2026-10-01 Thu  国庆节 (day off)".
func holidayLine(h *posdesk.Holiday) string {
	kind := i18n.T("day off")
	if h.Workday {
		kind = i18n.T("make-up working day")
	}
	return fmt.Sprintf("%s %s  %s (%s)", h.Date, weekdayShort(h.Date.Weekday()), h.Name, kind)
}

// weekdayShort returns the short name of d: Mon, 周一.
func weekdayShort(d time.Weekday) string {
	return [...]string{i18n.T("Sun"), i18n.T("Mon"), i18n.T("Tue"), i18n.T("Wed"), i18n.T("Thu"), i18n.T("Fri"), i18n.T("Sat")}[d]
}

// Reload reads this year's and next year's entries.
func (p *HolidaysPane) Reload() {
	today := posdesk.DateOf(p.w.Now(), p.w.Location)
	from, to := posdesk.NewDate(today.Year, 1, 1), posdesk.NewDate(today.Year+1, 12, 31)
	hs, err := p.w.Services.Holidays.FindHolidays(p.w.Ctx(), from, to)
	if err != nil {
		p.errs.show(err)
		return
	}
	p.holidays = hs
	p.selected = -1
	p.List.UnselectAll()
	p.List.Refresh()
	p.Delete.Disable()
	if len(hs) == 0 {
		p.Status.SetText(i18n.T("No holidays listed for %d and %d yet.", from.Year, to.Year))
	} else {
		p.Status.SetText("")
	}
}

// Holidays returns the entries listed.
func (p *HolidaysPane) Holidays() []*posdesk.Holiday { return p.holidays }

// OnAdd adds (or replaces) the entry of the date typed.
func (p *HolidaysPane) OnAdd() {
	p.errs.clear()
	d, err := posdesk.ParseDate(p.Date.Text)
	if err != nil {
		p.errs.show(err)
		return
	}
	h := &posdesk.Holiday{Date: d, Name: strings.TrimSpace(p.Name.Text), Workday: p.Workday.Checked}
	if err := h.Validate(); err != nil {
		p.errs.show(err)
		return
	}
	if h.Workday && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
		p.errs.show(posdesk.Invalid("date", "%s is a weekday; a make-up working day is a Saturday or Sunday the banks work.", d.String()))
		return
	}
	if err := p.w.Services.Holidays.SetHoliday(p.w.Ctx(), h); err != nil {
		p.errs.show(err)
		return
	}
	p.Date.SetText("")
	p.Name.SetText("")
	p.Workday.SetChecked(false)
	p.Reload()
	p.Status.SetText(i18n.T("Added %s.", d.String()))
}

// OnDelete removes the chosen entry.
func (p *HolidaysPane) OnDelete() {
	if p.selected < 0 || p.selected >= len(p.holidays) {
		return
	}
	d := p.holidays[p.selected].Date
	if err := p.w.Services.Holidays.DeleteHoliday(p.w.Ctx(), d); err != nil {
		p.errs.show(err)
		return
	}
	p.Reload()
	p.Status.SetText(i18n.T("Removed %s.", d.String()))
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
			msg := &widget.Label{Text: DataRiskMessage(r) + "\n\n" + path, Wrapping: fyne.TextWrapWord}
			d := dialog.NewCustom(i18n.T("Where your records are"), i18n.T("Close"), container.NewGridWrap(fyne.NewSize(520, msg.MinSize().Height*3), msg), w)
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
