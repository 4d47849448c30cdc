package ui

import (
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// incidentFormErrors places error messages on the line of the field they name.
type incidentFormErrors struct {
	lines   map[string]*widget.Label
	general *widget.Label
	dlg     *dialog.CustomDialog // resized to lay the form out again when errors show
	size    fyne.Size
}

func newIncidentFormErrors() *incidentFormErrors {
	return &incidentFormErrors{lines: map[string]*widget.Label{}, general: errorLabel()}
}

// field returns obj with an error line under it, registered for the named fields.
func (e *incidentFormErrors) field(obj fyne.CanvasObject, fields ...string) fyne.CanvasObject {
	l := errorLabel()
	for _, f := range fields {
		e.lines[f] = l
	}
	return container.NewVBox(obj, l)
}

func (e *incidentFormErrors) clear() {
	setError(e.general, "")
	for _, l := range e.lines {
		setError(l, "")
	}
}

func (e *incidentFormErrors) show(err error) {
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
	if e.dlg != nil {
		e.dlg.Resize(e.size)
	}
}

// contactForm logs a call, visit or message about an incident.
type contactForm struct {
	d                               *IncidentDetail
	party, channel                  *widget.Select
	when, person, ticket, next, due *Entry
	summary                         *Entry
	errs                            *incidentFormErrors
	save                            *widget.Button
	dlg                             *dialog.CustomDialog
}

// OpenContactForm opens the "Add contact" form.
func (d *IncidentDetail) OpenContactForm() {
	d.contactDlg = newContactForm(d)
	d.contactDlg.show()
}

func newContactForm(d *IncidentDetail) *contactForm {
	w := d.w
	f := &contactForm{d: d, errs: newIncidentFormErrors()}
	f.party = widget.NewSelect(titles(posdesk.ContactParties), nil)
	f.party.SetSelectedIndex(0)
	f.channel = widget.NewSelect(titles(posdesk.ContactChannels), nil)
	f.channel.SetSelectedIndex(0)
	for _, e := range []**Entry{&f.when, &f.person, &f.ticket, &f.next, &f.due} {
		*e = w.NewEntry()
		(*e).OnSubmitted = func(string) { f.Save() }
	}
	f.summary = w.NewMultiLineEntry()
	f.summary.SetMinRowsVisible(3)
	f.when.SetText(w.Now().In(w.Location).Format(dateTimeLayout))
	f.person.SetPlaceHolder(i18n.T("Who you talked to (optional)"))
	f.ticket.SetPlaceHolder(i18n.T("Their ticket / case number (工单号)"))
	f.summary.SetPlaceHolder(i18n.T("What was said"))
	f.next.SetPlaceHolder(i18n.T("Next step, e.g. call back to check the credit"))
	f.due.SetPlaceHolder("2024-06-05")
	return f
}

func (f *contactForm) show() {
	form := container.New(formLayout{},
		fieldLabel(i18n.T("Contacted")), f.errs.field(f.party, "party"),
		fieldLabel(i18n.T("Contact channel")), f.errs.field(f.channel, "channel"),
		fieldLabel(i18n.T("Time")), f.errs.field(f.when, "time"),
		fieldLabel(i18n.T("Person")), f.errs.field(f.person, "person"),
		fieldLabel(i18n.T("Ticket number")), f.errs.field(f.ticket, "ticket"),
		fieldLabel(i18n.T("What was said")), f.errs.field(f.summary, "summary"),
		fieldLabel(i18n.T("Next step")), f.errs.field(f.next, "next"),
		fieldLabel(i18n.T("Due")), f.errs.field(f.due, "due"),
	)
	f.save = &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance, OnTapped: f.Save}
	cancel := &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { f.dlg.Hide() }}
	f.dlg = dialog.NewCustomWithoutButtons(i18n.T("Add contact to %s", f.d.inc.Number), container.NewVBox(f.errs.general, form), f.d.w)
	f.dlg.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.dlg.Resize(fyne.NewSize(640, 0))
	f.errs.dlg, f.errs.size = f.dlg, fyne.NewSize(640, 0)
	f.d.w.ShowDialog(f.dlg)
	f.d.w.Canvas().Focus(f.summary)
}

// Save checks the fields and logs the contact; errors show at their fields.
func (f *contactForm) Save() {
	if f.save != nil && f.save.Disabled() {
		return
	}
	f.errs.clear()
	w := f.d.w
	c := &posdesk.Contact{IncidentID: f.d.id, Person: f.person.Text, Ticket: f.ticket.Text, Summary: f.summary.Text, NextStep: f.next.Text}
	var errs posdesk.Errors
	if i := f.party.SelectedIndex(); i >= 0 {
		c.Party = posdesk.ContactParties[i]
	}
	if i := f.channel.SelectedIndex(); i >= 0 {
		c.Channel = posdesk.ContactChannels[i]
	}
	if t, err := parseDateTime("time", f.when.Text, w.Location); err != nil {
		errs = appendFieldError(errs, err)
	} else {
		c.Time = t
	}
	if d, err := posdesk.ParseDate(f.due.Text); err != nil {
		errs = appendFieldError(errs, posdesk.Invalid("due", "Date %q is not a date; write it like 2026-09-30.", f.due.Text))
	} else {
		c.Due = d
	}
	check := *c
	check.Normalize()
	for _, e := range appendFieldError(nil, check.Validate()) {
		if !slices.ContainsFunc(errs, func(h *posdesk.Error) bool { return h.Field == e.Field }) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		f.errs.show(errs)
		return
	}
	if f.save != nil {
		f.save.Disable()
	}
	ctx, svc := w.Ctx(), f.d.svc
	w.Async(func() {
		err := svc.AddContact(ctx, c)
		fyne.Do(func() {
			if f.save != nil {
				f.save.Enable()
			}
			if err != nil {
				f.errs.show(err)
				return
			}
			if f.dlg != nil {
				f.dlg.Hide()
			}
			f.d.Reload()
		})
	})
}

// editIncidentForm changes an incident's kind, cause, amount, case number, deadline and story,
// and the customer's name and phone of a customer refund (managers).
type editIncidentForm struct {
	d                           *IncidentDetail
	kind, cause, preset         *widget.Select
	working                     *widget.Check
	caseNo, deadline, amount    *Entry
	story                       *Entry
	customerName, customerPhone *Entry
	customer                    []fyne.CanvasObject // the customer's labels and fields, shown for a customer refund
	form                        *fyne.Container
	source                      string // where the deadline in the entry came from
	errs                        *incidentFormErrors
	save                        *widget.Button
	dlg                         *dialog.CustomDialog
}

// OpenEditForm opens the form that changes the incident's facts.
func (d *IncidentDetail) OpenEditForm() {
	d.editDlg = newEditIncidentForm(d)
	d.editDlg.show()
}

func newEditIncidentForm(d *IncidentDetail) *editIncidentForm {
	w, inc := d.w, d.inc
	f := &editIncidentForm{d: d, errs: newIncidentFormErrors(), source: inc.DeadlineSource}
	var kinds []string
	for _, k := range posdesk.IncidentKinds {
		kinds = append(kinds, KindLabel(k))
	}
	f.kind = widget.NewSelect(kinds, nil)
	f.kind.SetSelectedIndex(slices.Index(posdesk.IncidentKinds, inc.Kind))
	f.kind.OnChanged = func(string) { f.showCustomer() }
	f.customerName, f.customerPhone = w.NewEntry(), w.NewEntry()
	f.customerName.SetText(inc.CustomerName)
	f.customerPhone.SetText(inc.CustomerPhone)
	f.customerPhone.SetPlaceHolder("138 0000 0000")
	f.cause = widget.NewSelect(titles(posdesk.Causes), nil)
	for i, c := range posdesk.Causes {
		if c == inc.Cause {
			f.cause.SetSelectedIndex(i)
		}
	}
	f.caseNo, f.deadline, f.amount = w.NewEntry(), w.NewEntry(), w.NewEntry()
	f.caseNo.SetText(inc.CaseNumber)
	f.deadline.SetText(inc.Deadline.String())
	f.deadline.SetPlaceHolder(i18n.T("The date in the bank's letter, e.g. 2026-10-20"))
	f.deadline.OnChanged = func(string) { f.source = posdesk.DeadlineFromLetter }
	f.amount.SetText(inc.Amount.Plain())
	f.story = w.NewMultiLineEntry()
	f.story.SetText(inc.Story)
	f.story.SetMinRowsVisible(3)
	var presets []string
	for _, p := range posdesk.DeadlinePresets {
		presets = append(presets, i18n.T(p.Title))
	}
	for _, e := range []*Entry{f.caseNo, f.deadline, f.amount, f.customerName, f.customerPhone} {
		e.OnSubmitted = func(string) { f.Save() } // Enter saves
	}
	f.preset = widget.NewSelect(presets, func(string) { f.applyPreset() })
	f.preset.PlaceHolder = i18n.T("No letter? Suggest from a preset")
	f.working = widget.NewCheck(i18n.T("Working days"), func(bool) { f.applyPreset() })
	return f
}

// applyPreset fills the deadline from the chosen preset, counted from today.
func (f *editIncidentForm) applyPreset() {
	i := f.preset.SelectedIndex()
	if i < 0 {
		return
	}
	p := posdesk.DeadlinePresets[i]
	today := posdesk.DateOf(f.d.w.Now(), f.d.w.Location)
	f.deadline.SetText(p.Deadline(today, f.working.Checked).String())
	f.source = p.ID
}

// selectedKind returns the kind chosen in the form.
func (f *editIncidentForm) selectedKind() posdesk.IncidentKind {
	if i := f.kind.SelectedIndex(); i >= 0 {
		return posdesk.IncidentKinds[i]
	}
	return f.d.inc.Kind
}

// showCustomer shows the customer's name and phone for a customer refund, and whenever they
// hold something (another kind may not keep them: the error then shows at these fields).
func (f *editIncidentForm) showCustomer() {
	show := f.selectedKind() == posdesk.IncidentCustomerRefund || f.customerName.Text != "" || f.customerPhone.Text != ""
	for _, o := range f.customer {
		if show {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if f.form != nil {
		f.form.Refresh()
	}
	if f.dlg != nil {
		f.dlg.Resize(f.errs.size)
	}
}

func (f *editIncidentForm) show() {
	f.customer = []fyne.CanvasObject{
		fieldLabel(i18n.T("Customer name")), f.errs.field(f.customerName, "customer", "customer_name"),
		fieldLabel(i18n.T("Customer phone")), f.errs.field(f.customerPhone, "customer_phone"),
	}
	f.form = container.New(formLayout{}, append([]fyne.CanvasObject{
		fieldLabel(i18n.T("Kind of problem")), f.errs.field(f.kind, "kind"),
		fieldLabel(i18n.T("Cause")), f.errs.field(f.cause, "cause"),
		fieldLabel(i18n.T("Amount")), f.errs.field(f.amount, "amount"),
		fieldLabel(i18n.T("Bank case number")), f.errs.field(f.caseNo, "case"),
		fieldLabel(i18n.T("Deadline")), f.errs.field(container.NewVBox(f.deadline, container.NewBorder(nil, nil, nil, f.working, f.preset)), "deadline"),
		fieldLabel(i18n.T("What happened")), f.errs.field(f.story, "story"),
	}, f.customer...)...)
	f.showCustomer()
	f.save = &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance, OnTapped: f.Save}
	cancel := &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { f.dlg.Hide() }}
	f.dlg = dialog.NewCustomWithoutButtons(i18n.T("Edit %s", f.d.inc.Number), container.NewVBox(f.errs.general, f.form), f.d.w)
	f.dlg.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.dlg.Resize(fyne.NewSize(680, 0))
	f.errs.dlg, f.errs.size = f.dlg, fyne.NewSize(680, 0)
	f.d.w.ShowDialog(f.dlg)
}

// Save sends the fields that changed.
func (f *editIncidentForm) Save() {
	if f.save != nil && f.save.Disabled() {
		return
	}
	f.errs.clear()
	inc := f.d.inc
	var upd posdesk.IncidentUpdate
	var errs posdesk.Errors
	if k := f.selectedKind(); k != inc.Kind {
		upd.Kind = &k
	}
	if v := strings.TrimSpace(f.customerName.Text); v != inc.CustomerName {
		upd.CustomerName = &v
	}
	if v := strings.TrimSpace(f.customerPhone.Text); v != inc.CustomerPhone {
		upd.CustomerPhone = &v
	}
	if i := f.cause.SelectedIndex(); i >= 0 && posdesk.Causes[i] != inc.Cause {
		upd.Cause = &posdesk.Causes[i]
	}
	if m, err := posdesk.ParseMoney(f.amount.Text, inc.Amount.Currency); err != nil {
		errs = appendFieldError(errs, err)
	} else if !m.Equal(inc.Amount) {
		upd.Amount = &m
	}
	if v := strings.TrimSpace(f.caseNo.Text); v != inc.CaseNumber {
		upd.CaseNumber = &v
	}
	if v := strings.TrimSpace(f.story.Text); v != inc.Story {
		upd.Story = &v
	}
	if d, err := posdesk.ParseDate(f.deadline.Text); err != nil {
		errs = appendFieldError(errs, posdesk.Invalid("deadline", "Date %q is not a date; write it like 2026-09-30.", f.deadline.Text))
	} else if d != inc.Deadline || (!d.IsZero() && f.source != inc.DeadlineSource) {
		src := f.source
		if d.IsZero() {
			src = ""
		}
		upd.Deadline, upd.DeadlineSource = &d, &src
	}
	if len(errs) > 0 {
		f.errs.show(errs)
		return
	}
	if f.save != nil {
		f.save.Disable()
	}
	ctx, svc, id := f.d.w.Ctx(), f.d.svc, f.d.id
	f.d.w.Async(func() {
		_, err := svc.UpdateIncident(ctx, id, upd)
		fyne.Do(func() {
			if f.save != nil {
				f.save.Enable()
			}
			if err != nil {
				f.errs.show(err)
				return
			}
			if f.dlg != nil {
				f.dlg.Hide()
			}
			f.d.Reload()
		})
	})
}
