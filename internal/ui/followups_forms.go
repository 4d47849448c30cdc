package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fuForm is the frame of the follow-up forms: labelled fields with an error line under each,
// a general error line, Save and Cancel, in a dialog that Esc closes.
type fuForm struct {
	w       *Window
	grid    *fyne.Container
	errs    map[string]*widget.Label // field -> its error line
	general *widget.Label
	save    *widget.Button
	cancel  *widget.Button
	dlg     dialog.Dialog
	saving  bool
}

func newFuForm(w *Window) *fuForm {
	return &fuForm{w: w, grid: container.New(&formLayout{}), errs: map[string]*widget.Label{}, general: errorLabel()}
}

// add puts a labelled field on the form; field names the domain error field shown under it.
func (f *fuForm) add(label string, obj fyne.CanvasObject, fields ...string) {
	e := errorLabel()
	for _, name := range fields {
		f.errs[name] = e
	}
	f.grid.Add(fieldLabel(label))
	f.grid.Add(container.NewVBox(obj, e))
}

// show opens the form in a dialog titled title; onSave runs when Save is tapped.
func (f *fuForm) show(title string, onSave func()) {
	f.save = &widget.Button{Text: i18n.T("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: onSave}
	f.cancel = &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { f.dlg.Hide() }}
	content := container.NewBorder(nil, container.NewVBox(f.general, container.NewHBox(layoutSpacer(), f.cancel, f.save)), nil, nil,
		container.NewVScroll(f.grid))
	f.dlg = dialog.NewCustomWithoutButtons(title, content, f.w)
	f.dlg.Resize(fyne.NewSize(760, 740))
	f.w.ShowDialog(f.dlg)
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// clearErrors hides every error line.
func (f *fuForm) clearErrors() {
	for _, l := range f.errs {
		setError(l, "")
	}
	setError(f.general, "")
}

// showError puts each problem of err under its field, the others in the general line.
func (f *fuForm) showError(err error) {
	f.clearErrors()
	var es posdesk.Errors
	list := []*posdesk.Error(nil)
	var one *posdesk.Error
	switch {
	case errors.As(err, &es):
		list = es
	case errors.As(err, &one):
		list = []*posdesk.Error{one}
	default:
		setError(f.general, i18n.Message(err))
		return
	}
	var general []string
	for _, e := range list {
		msg := i18n.Message(e)
		if l, ok := f.errs[e.Field]; ok && e.Field != "" {
			if l.Visible() {
				msg = l.Text + "\n" + msg
			}
			setError(l, msg)
		} else {
			general = append(general, msg)
		}
	}
	if len(general) > 0 {
		setError(f.general, strings.Join(general, "\n"))
	}
}

// run saves off the UI goroutine: work returns the saved follow-up or an error; done runs on
// success, on the UI goroutine, after the dialog closed.
func (f *fuForm) run(work func() (*posdesk.Refund, error), done func(*posdesk.Refund)) {
	if f.saving {
		return
	}
	f.saving = true
	f.clearErrors()
	f.save.Disable()
	f.w.Async(func() {
		r, err := work()
		fyne.Do(func() {
			f.saving = false
			f.save.Enable()
			if err != nil {
				f.showError(err)
				return
			}
			f.dlg.Hide()
			done(r)
		})
	})
}

// parseMoneyField parses an amount typed in field, as an EINVALID error on that field.
func parseMoneyField(field, s, cur string) (posdesk.Money, error) {
	m, err := posdesk.ParseMoney(s, cur)
	if err != nil {
		if e := (*posdesk.Error)(nil); errors.As(err, &e) {
			c := *e
			c.Field = field
			return m, &c
		}
	}
	return m, err
}

// parseDateField parses a date typed in field, as an EINVALID error on that field.
func parseDateField(field, s string) (posdesk.Date, error) {
	d, err := posdesk.ParseDate(s)
	if err != nil {
		if e := (*posdesk.Error)(nil); errors.As(err, &e) {
			c := *e
			c.Field = field
			return d, &c
		}
	}
	return d, err
}

// refundForm adds a refund follow-up.
type refundForm struct {
	*fuForm
	incident, expected, fees, feesReason, counterparty, customer, reason, caseRef *Entry
	due, arrival, next, nextOn, requestedBy                                       *Entry
	direction, method, preset                                                     *widget.Select
}

func (f *FollowUps) onAdd() {
	w := f.w
	fm := &refundForm{fuForm: newFuForm(w)}
	f.addForm = fm
	for _, e := range []**Entry{&fm.incident, &fm.expected, &fm.fees, &fm.feesReason, &fm.counterparty, &fm.customer, &fm.caseRef,
		&fm.due, &fm.arrival, &fm.next, &fm.nextOn, &fm.requestedBy} {
		*e = w.NewEntry()
	}
	fm.reason = w.NewMultiLineEntry()
	fm.incident.SetPlaceHolder(i18n.T("INC-2026-0007; empty for a customer refund without an incident"))
	fm.expected.SetPlaceHolder(i18n.T("e.g. 1,288.00; empty takes the incident's amount"))
	fm.fees.SetPlaceHolder(i18n.T("fees the payer keeps, e.g. 7.73"))
	fm.due.SetPlaceHolder(i18n.T("the date in the bank's letter or SMS, e.g. 2026-10-20"))
	fm.arrival.SetPlaceHolder(i18n.T("7wd = 7 working days, 10d = 10 calendar days; empty: usual for the method"))
	fm.nextOn.SetPlaceHolder(i18n.T("e.g. 2026-10-08"))
	if u := w.User(); u != nil {
		fm.requestedBy.SetText(u.Name)
	}
	dirs := []string{i18n.T("Suggested by the incident's kind")}
	for _, d := range posdesk.RefundDirections {
		dirs = append(dirs, i18n.T(d.Title()))
	}
	fm.direction = widget.NewSelect(dirs, nil)
	fm.direction.SetSelectedIndex(0)
	var methods []string
	for _, m := range posdesk.RefundMethods {
		methods = append(methods, i18n.T(m.Title()))
	}
	fm.method = widget.NewSelect(methods, nil)
	fm.method.SetSelectedIndex(0)
	presets := []string{i18n.T("No preset")}
	for _, p := range posdesk.DeadlinePresets {
		presets = append(presets, i18n.T(p.Title))
	}
	fm.preset = widget.NewSelect(presets, nil)
	fm.preset.SetSelectedIndex(0)
	fm.add(i18n.T("Incident"), fm.incident, "incident")
	fm.add(i18n.T("Direction"), fm.direction, "direction")
	fm.add(i18n.T("Method"), fm.method, "method")
	fm.add(i18n.T("Expected"), fm.expected, "expected", "amount", "currency")
	fm.add(i18n.T("Fees"), fm.fees, "fees")
	fm.add(i18n.T("Reason for the fees"), fm.feesReason, "fees_reason")
	fm.add(i18n.T("Counterparty"), fm.counterparty, "counterparty")
	fm.add(i18n.T("Customer"), fm.customer, "customer")
	fm.add(i18n.T("Reason for the refund"), fm.reason, "reason")
	fm.add(i18n.T("Case number"), fm.caseRef, "case_ref")
	fm.add(i18n.T("Deadline"), fm.due, "due", "date")
	fm.add(i18n.T("No letter? Preset"), fm.preset, "preset")
	fm.add(i18n.T("Expected arrival"), fm.arrival, "arrival", "days")
	fm.add(i18n.T("Next action"), fm.next, "next_action")
	fm.add(i18n.T("Next action date"), fm.nextOn, "next_action_on")
	fm.add(i18n.T("Requested by"), fm.requestedBy, "requested_by", "opened")
	fm.show(i18n.T("Add refund follow-up"), func() { f.saveAdd(fm) })
}

// build reads the form into a follow-up; incident lookups happen in save.
func (fm *refundForm) build() (*posdesk.Refund, string, error) {
	r := &posdesk.Refund{FeesReason: fm.feesReason.Text, Counterparty: fm.counterparty.Text, Customer: fm.customer.Text,
		Reason: fm.reason.Text, CaseRef: fm.caseRef.Text, NextAction: fm.next.Text, RequestedBy: fm.requestedBy.Text}
	var es posdesk.Errors
	collect := func(err error) {
		var e *posdesk.Error
		if errors.As(err, &e) {
			es = append(es, e)
		}
	}
	if i := fm.direction.SelectedIndex(); i > 0 {
		r.Direction = posdesk.RefundDirections[i-1]
	}
	r.Method = posdesk.RefundMethods[max(0, fm.method.SelectedIndex())]
	var err error
	if s := strings.TrimSpace(fm.expected.Text); s != "" {
		if r.Expected, err = parseMoneyField("expected", s, posdesk.DefaultCurrency); err != nil {
			collect(err)
		}
	}
	if s := strings.TrimSpace(fm.fees.Text); s != "" {
		if r.Fees, err = parseMoneyField("fees", s, posdesk.DefaultCurrency); err != nil {
			collect(err)
		}
	}
	if r.Due, err = parseDateField("due", fm.due.Text); err != nil {
		collect(err)
	}
	if r.NextActionOn, err = parseDateField("next_action_on", fm.nextOn.Text); err != nil {
		collect(err)
	}
	if s := strings.TrimSpace(fm.arrival.Text); s != "" {
		if r.Arrival, err = posdesk.ParseSpan(s); err != nil {
			collect(err)
		}
	} else {
		r.Arrival = r.Method.DefaultArrival()
	}
	return r, strings.TrimSpace(fm.incident.Text), es.Err()
}

func (f *FollowUps) saveAdd(fm *refundForm) {
	r, incRef, err := fm.build()
	if err != nil {
		fm.showError(err)
		return
	}
	presetIdx := fm.preset.SelectedIndex()
	ctx, today := f.w.Ctx(), f.w.today()
	fm.run(func() (*posdesk.Refund, error) {
		if incRef != "" {
			inc, err := f.svc.FindIncidentByNumber(ctx, incRef)
			if err != nil {
				var e *posdesk.Error
				if errors.As(err, &e) {
					c := *e
					c.Field = "incident"
					return nil, &c
				}
				return nil, err
			}
			r.IncidentID = inc.ID
			if r.Direction == "" {
				r.Direction = posdesk.SuggestDirection(inc.Kind)
			}
			if r.Expected.Currency == "" {
				r.Expected = inc.Amount
			}
		} else if r.Direction == "" {
			r.Direction = posdesk.DirShopToCustomer
		}
		if r.Expected.Currency == "" {
			return nil, posdesk.Invalid("expected", "Enter the amount expected, greater than zero.")
		}
		if r.Due.IsZero() && presetIdx > 0 {
			p := posdesk.DeadlinePresets[presetIdx-1]
			r.Due, r.DueSource = p.Deadline(today, false), p.ID
		}
		if err := f.svc.CreateRefund(ctx, r); err != nil {
			return nil, err
		}
		return r, nil
	}, f.changed)
}

// receiveForm records money that arrived.
type receiveForm struct {
	*fuForm
	amount, date, note *Entry
	over               *widget.Check
	refund             *posdesk.Refund
}

func (f *FollowUps) onReceive() {
	r := f.selected
	if r == nil {
		return
	}
	fm := &receiveForm{fuForm: newFuForm(f.w), amount: f.w.NewEntry(), date: f.w.NewEntry(), note: f.w.NewEntry(), refund: r}
	f.receiveForm = fm
	if out := r.Outstanding(); out.Amount.IsPositive() {
		fm.amount.SetText(out.Plain())
	}
	fm.date.SetText(f.w.today().String())
	fm.over = widget.NewCheck(i18n.T("Yes, the payer sent more than was outstanding (over-payment)"), nil)
	fm.over.Hide()
	fm.add(i18n.T("Amount received"), fm.amount, "amount")
	fm.add(i18n.T("Date it arrived"), fm.date, "date")
	fm.add(i18n.T("Note"), fm.note, "note")
	fm.grid.Add(layoutSpacer())
	fm.grid.Add(fm.over)
	fm.show(i18n.T("Money received on refund %d", r.ID), func() { f.saveReceive(fm) })
}

func (f *FollowUps) saveReceive(fm *receiveForm) {
	rc := &posdesk.RefundReceipt{Note: fm.note.Text, OverPayment: fm.over.Checked}
	var es posdesk.Errors
	var err error
	if rc.Amount, err = parseMoneyField("amount", fm.amount.Text, fm.refund.Expected.Currency); err != nil {
		es = append(es, err.(*posdesk.Error))
	}
	if rc.On, err = parseDateField("date", fm.date.Text); err != nil {
		es = append(es, err.(*posdesk.Error))
	}
	if len(es) > 0 {
		fm.showError(es)
		return
	}
	ctx, id := f.w.Ctx(), fm.refund.ID
	fm.run(func() (*posdesk.Refund, error) {
		r, err := f.svc.CreateRefundReceipt(ctx, id, rc)
		if posdesk.ErrorCode(err) == posdesk.ECONFLICT && !rc.OverPayment && rc.Amount.Cmp(fm.refund.Outstanding()) > 0 {
			fyne.Do(func() { fm.over.Show() })
		}
		return r, err
	}, f.changed)
}

// approveForm records a manager's approval.
type approveForm struct {
	*fuForm
	by     *Entry
	refund *posdesk.Refund
}

func (f *FollowUps) onApprove() {
	r := f.selected
	if r == nil {
		return
	}
	fm := &approveForm{fuForm: newFuForm(f.w), by: f.w.NewEntry(), refund: r}
	f.approveForm = fm
	if u := f.w.User(); u != nil && !posdesk.SamePerson(u.Name, r.RequestedBy) {
		fm.by.SetText(u.Name)
	}
	fm.grid.Add(layoutSpacer())
	fm.grid.Add(&widget.Label{Text: i18n.T("%[1]s asked for this refund of %[2]s; another manager approves it.", r.RequestedBy, r.Expected.Display()), Wrapping: fyne.TextWrapWord})
	fm.add(i18n.T("Approved by"), fm.by, "by")
	fm.show(i18n.T("Approve refund %d", r.ID), func() {
		ctx, id, by := f.w.Ctx(), r.ID, fm.by.Text
		fm.run(func() (*posdesk.Refund, error) { return f.svc.ApproveRefund(ctx, id, by) }, f.changed)
	})
}

// statusForm moves a follow-up along its ladder.
type statusForm struct {
	*fuForm
	to     *widget.Select
	reason *Entry
	next   []posdesk.RefundStatus
	refund *posdesk.Refund
}

func (f *FollowUps) onStatus() {
	r := f.selected
	if r == nil {
		return
	}
	fm := &statusForm{fuForm: newFuForm(f.w), reason: f.w.NewEntry(), refund: r, next: posdesk.NextRefundStatuses(r.Direction, r.Status)}
	f.statusForm = fm
	var titles []string
	for _, s := range fm.next {
		titles = append(titles, i18n.T(s.Title()))
	}
	fm.to = widget.NewSelect(titles, nil)
	if len(titles) > 0 {
		fm.to.SetSelectedIndex(0)
	}
	fm.reason.SetPlaceHolder(i18n.T("required for rejected and written off"))
	fm.add(i18n.T("New status"), fm.to, "status")
	fm.add(i18n.T("Reason"), fm.reason, "reason")
	fm.show(i18n.T("Change the status of refund %d", r.ID), func() {
		i := fm.to.SelectedIndex()
		if i < 0 {
			return
		}
		ctx, id, to, reason := f.w.Ctx(), r.ID, fm.next[i], fm.reason.Text
		fm.run(func() (*posdesk.Refund, error) { return f.svc.SetRefundStatus(ctx, id, to, reason) }, f.changed)
	})
}

// editForm changes the next action and the dates of a follow-up.
type editForm struct {
	*fuForm
	next, nextOn, due, expectedBy, counterparty, caseRef *Entry
	refund                                               *posdesk.Refund
}

func (f *FollowUps) onEdit() {
	r := f.selected
	if r == nil {
		return
	}
	w := f.w
	fm := &editForm{fuForm: newFuForm(w), next: w.NewEntry(), nextOn: w.NewEntry(), due: w.NewEntry(), expectedBy: w.NewEntry(),
		counterparty: w.NewEntry(), caseRef: w.NewEntry(), refund: r}
	f.editForm = fm
	fm.next.SetText(r.NextAction)
	fm.nextOn.SetText(r.NextActionOn.String())
	fm.due.SetText(r.Due.String())
	fm.expectedBy.SetText(r.ExpectedBy.String())
	fm.counterparty.SetText(r.Counterparty)
	fm.caseRef.SetText(r.CaseRef)
	fm.add(i18n.T("Next action"), fm.next, "next_action")
	fm.add(i18n.T("Next action date"), fm.nextOn, "next_action_on")
	fm.add(i18n.T("Deadline"), fm.due, "due")
	fm.add(i18n.T("Expected arrival"), fm.expectedBy, "expected_by", "arrival")
	fm.add(i18n.T("Counterparty"), fm.counterparty, "counterparty")
	fm.add(i18n.T("Case number"), fm.caseRef, "case_ref")
	fm.show(i18n.T("Refund %d: next action and dates", r.ID), func() { f.saveEdit(fm) })
}

func (f *FollowUps) saveEdit(fm *editForm) {
	r := fm.refund
	var upd posdesk.RefundUpdate
	var es posdesk.Errors
	date := func(field string, e *Entry, old posdesk.Date, dst **posdesk.Date) {
		d, err := parseDateField(field, e.Text)
		if err != nil {
			es = append(es, err.(*posdesk.Error))
			return
		}
		if d != old {
			*dst = &d
		}
	}
	date("next_action_on", fm.nextOn, r.NextActionOn, &upd.NextActionOn)
	date("due", fm.due, r.Due, &upd.Due)
	date("expected_by", fm.expectedBy, r.ExpectedBy, &upd.ExpectedBy)
	text := func(e *Entry, old string, dst **string) {
		if s := strings.TrimSpace(e.Text); s != old {
			*dst = &s
		}
	}
	text(fm.next, r.NextAction, &upd.NextAction)
	text(fm.counterparty, r.Counterparty, &upd.Counterparty)
	text(fm.caseRef, r.CaseRef, &upd.CaseRef)
	if len(es) > 0 {
		fm.showError(es)
		return
	}
	ctx, id := f.w.Ctx(), r.ID
	fm.run(func() (*posdesk.Refund, error) { return f.svc.UpdateRefund(ctx, id, upd) }, f.changed)
}
