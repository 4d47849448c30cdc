package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fieldErrors shows error messages under the form fields they name (posdesk.Error.Field), and
// the others on a general line.
type fieldErrors struct {
	lines   map[string]*widget.Label
	general *widget.Label
}

func newFieldErrors() *fieldErrors {
	return &fieldErrors{lines: map[string]*widget.Label{}, general: errorLabel()}
}

// field returns obj with an error line under it, for the named field.
func (e *fieldErrors) field(obj fyne.CanvasObject, field string) fyne.CanvasObject {
	l := errorLabel()
	e.lines[field] = l
	return container.NewVBox(obj, l)
}

// clear hides every error line.
func (e *fieldErrors) clear() {
	setError(e.general, "")
	for _, l := range e.lines {
		setError(l, "")
	}
}

// show places err's messages (one or several posdesk errors) on their fields.
func (e *fieldErrors) show(err error) {
	e.clear()
	msgs := map[*widget.Label][]string{}
	place := func(field, msg string) {
		l, ok := e.lines[field]
		if !ok {
			l = e.general
		}
		msgs[l] = append(msgs[l], msg)
	}
	var es posdesk.Errors
	var pe *posdesk.Error
	switch {
	case errors.As(err, &es):
		for _, x := range es {
			place(x.Field, i18n.Message(x))
		}
	case errors.As(err, &pe):
		place(pe.Field, i18n.Message(pe))
	default:
		place("", i18n.Message(err))
	}
	for l, m := range msgs {
		setError(l, strings.Join(m, "\n"))
	}
}

// text returns the error shown for field ("" for the general line), for tests.
func (e *fieldErrors) text(field string) string {
	l, ok := e.lines[field]
	if !ok {
		l = e.general
	}
	if !l.Visible() {
		return ""
	}
	return l.Text
}

// ShopForm edits the shop's details: name, merchant ID, address, phone, contact, acquirer and,
// in Settings, the time zone. The first-run wizard and the Shop settings pane both use it.
type ShopForm struct {
	Name, MerchantID, Address, Phone, Contact, Acquirer, Timezone *Entry

	errs *fieldErrors
	form *fyne.Container
}

// newShopForm returns the form; withTimezone adds the time zone field.
func newShopForm(w *Window, withTimezone bool) *ShopForm {
	f := &ShopForm{Name: w.NewEntry(), MerchantID: w.NewEntry(), Address: w.NewEntry(), Phone: w.NewEntry(),
		Contact: w.NewEntry(), Acquirer: w.NewEntry(), Timezone: w.NewEntry(), errs: newFieldErrors()}
	f.Name.SetPlaceHolder(i18n.T("As on the merchant contract; shown at the top and on evidence packets"))
	f.MerchantID.SetPlaceHolder(i18n.T("15 digits, printed on every slip (商户号)"))
	f.Address.SetPlaceHolder(i18n.T("Street, district, city"))
	f.Phone.SetPlaceHolder(i18n.T("Where the bank can call the shop"))
	f.Contact.SetPlaceHolder(i18n.T("The person the bank should ask for"))
	f.Acquirer.SetPlaceHolder(i18n.T("Who gave you the terminal, e.g. 拉卡拉, 银联商务, a bank"))
	f.Timezone.SetPlaceHolder(i18n.T("For example Asia/Shanghai; empty means this PC's time zone"))
	rows := []fyne.CanvasObject{
		fieldLabel(i18n.T("Shop name")), f.errs.field(f.Name, "name"),
		fieldLabel(i18n.T("Merchant ID")), f.errs.field(f.MerchantID, "merchant_id"),
		fieldLabel(i18n.T("Address")), f.errs.field(f.Address, "address"),
		fieldLabel(i18n.T("Phone")), f.errs.field(f.Phone, "phone"),
		fieldLabel(i18n.T("Contact person")), f.errs.field(f.Contact, "contact"),
		fieldLabel(i18n.T("Acquirer")), f.errs.field(f.Acquirer, "acquirer"),
	}
	if withTimezone {
		rows = append(rows, fieldLabel(i18n.T("Time zone")), f.errs.field(f.Timezone, "timezone"))
	}
	f.form = container.New(&formLayout{}, rows...)
	return f
}

// entries returns the form's entries in tab order.
func (f *ShopForm) entries() []*Entry {
	return []*Entry{f.Name, f.MerchantID, f.Address, f.Phone, f.Contact, f.Acquirer, f.Timezone}
}

// Load fills the form from the settings.
func (f *ShopForm) Load(ctx context.Context, s SettingsService) error {
	shop, err := loadShop(ctx, s)
	if err != nil {
		return err
	}
	f.Set(shop)
	return nil
}

// Set fills the form with shop.
func (f *ShopForm) Set(shop posdesk.Shop) {
	f.Name.SetText(shop.Name)
	f.MerchantID.SetText(shop.MerchantID)
	f.Address.SetText(shop.Address)
	f.Phone.SetText(shop.Phone)
	f.Contact.SetText(shop.Contact)
	f.Acquirer.SetText(shop.Acquirer)
	f.Timezone.SetText(shop.Timezone)
}

// Read returns the shop as typed, normalized and checked; problems show under their fields.
func (f *ShopForm) Read() (posdesk.Shop, bool) {
	shop := posdesk.Shop{Name: f.Name.Text, MerchantID: f.MerchantID.Text, Address: f.Address.Text, Phone: f.Phone.Text,
		Contact: f.Contact.Text, Acquirer: f.Acquirer.Text, Timezone: f.Timezone.Text}
	shop.Normalize()
	if err := shop.Validate(); err != nil {
		f.errs.show(err)
		return shop, false
	}
	f.errs.clear()
	return shop, true
}

// Error returns the message shown under field ("" for the general line), for tests.
func (f *ShopForm) Error(field string) string { return f.errs.text(field) }

// ShowError places err's messages under their fields.
func (f *ShopForm) ShowError(err error) { f.errs.show(err) }

func (f *ShopForm) setEnabled(on bool) {
	for _, e := range f.entries() {
		if on {
			e.Enable()
		} else {
			e.Disable()
		}
	}
}

// loadShop reads the shop's details from the settings.
func loadShop(ctx context.Context, s SettingsService) (posdesk.Shop, error) {
	var shop posdesk.Shop
	fields := map[string]*string{
		posdesk.SettingShopName: &shop.Name, posdesk.SettingShopMerchantID: &shop.MerchantID, posdesk.SettingShopAddress: &shop.Address,
		posdesk.SettingShopPhone: &shop.Phone, posdesk.SettingShopContact: &shop.Contact, posdesk.SettingShopAcquirer: &shop.Acquirer,
		posdesk.SettingShopTimezone: &shop.Timezone,
	}
	for key, p := range fields {
		v, err := s.Setting(ctx, key, "")
		if err != nil {
			return shop, err
		}
		*p = v
	}
	return shop, nil
}

// settingFields names the form field of each setting the panes write, for errors.
var settingFields = map[string]string{
	posdesk.SettingShopName: "name", posdesk.SettingShopMerchantID: "merchant_id", posdesk.SettingShopAddress: "address",
	posdesk.SettingShopPhone: "phone", posdesk.SettingShopContact: "contact", posdesk.SettingShopAcquirer: "acquirer",
	posdesk.SettingShopTimezone: "timezone", posdesk.RefundThresholdSetting: "threshold", posdesk.SettingReminderDays: "reminder_days",
	posdesk.SettingPacketPreset: "preset", posdesk.SettingPacketParty: "party",
}

// saveSettings writes pairs whose value changed, then reads each back: storage masks anything
// that looks like a card number, and a value that did not survive as typed is reported on its
// field rather than silently kept.
func saveSettings(ctx context.Context, s SettingsService, pairs []posdesk.SettingPair) error {
	var es posdesk.Errors
	for _, p := range pairs {
		old, err := s.Setting(ctx, p.Key, "")
		if err != nil {
			return err
		}
		if old == p.Value {
			continue
		}
		if err := s.SetSetting(ctx, p.Key, p.Value); err != nil {
			var pe *posdesk.Error
			if errors.As(err, &pe) && pe.Field == "" && posdesk.ErrorCode(err) != posdesk.EINTERNAL {
				c := *pe
				c.Field = settingFields[p.Key]
				return &c
			}
			return err
		}
		back, err := s.Setting(ctx, p.Key, "")
		if err != nil {
			return err
		}
		if back != p.Value {
			es = append(es, posdesk.Invalid(settingFields[p.Key], "This was stored as %q: digits that look like a card number are masked before they are stored. Check the number.", back))
		}
	}
	return es.Err()
}

// ShopPane is the Shop settings pane: the shop's details and time zone, saved by the owner.
type ShopPane struct {
	w      *Window
	Form   *ShopForm
	Save   *widget.Button
	Status *widget.Label
}

func buildShopPane(w *Window) fyne.CanvasObject {
	_, obj := NewShopPane(w)
	return obj
}

// NewShopPane returns the Shop pane of w and its content.
func NewShopPane(w *Window) (*ShopPane, fyne.CanvasObject) {
	p := &ShopPane{w: w, Form: newShopForm(w, true), Status: &widget.Label{Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord}}
	if err := p.Form.Load(w.Ctx(), w.Services.Settings); err != nil {
		p.Form.ShowError(err)
	}
	p.Save = &widget.Button{Text: i18n.T("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: p.OnSave}
	for _, e := range p.Form.entries() {
		e.OnSubmitted = func(string) { p.OnSave() }
	}
	if !w.Can(posdesk.ActEditSettings) {
		p.Form.setEnabled(false)
		p.Save.Disable()
		p.Status.Importance = widget.LowImportance
		p.Status.SetText(i18n.T("Only the owner can change the shop's details."))
	}
	return p, container.NewVBox(p.Form.form, p.Form.errs.general, container.NewBorder(nil, nil, p.Save, nil, p.Status))
}

// OnSave checks and stores the details; the top bar and the time zone follow at once.
func (p *ShopPane) OnSave() {
	p.Status.SetText("")
	shop, ok := p.Form.Read()
	if !ok {
		return
	}
	if err := saveSettings(p.w.Ctx(), p.w.Services.Settings, shop.Settings()); err != nil {
		p.Form.ShowError(err)
		return
	}
	p.Form.Set(shop)
	p.w.SetShopName(shop.Name)
	p.w.Location = time.Local
	if shop.Timezone != "" {
		if loc, err := time.LoadLocation(shop.Timezone); err == nil {
			p.w.Location = loc
		}
	}
	p.Status.SetText(i18n.T("Saved."))
}
