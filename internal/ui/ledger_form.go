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

// currencies offered by the transaction form, the default first.
var currencies = []string{"CNY", "HKD", "MOP", "TWD", "USD", "EUR", "GBP", "JPY", "KRW", "SGD", "MYR", "THB", "AUD", "CAD", "NZD", "CHF", "VND"}

// txForm is the add/edit transaction dialog. Each field has an error line under it; errors from
// parsing, from Validate and from the service land on the line of the field they name.
type txForm struct {
	l    *Ledger
	w    *Window
	orig *posdesk.Transaction // nil when adding

	when, amount, merchant, terminal, batch, trace, rrn, auth, scheme, card, note, reason *Entry
	currency, kind, channel, status                                                       *widget.Select

	initial map[*Entry]string
	errs    map[string]*widget.Label // field -> its error line
	general *widget.Label            // errors that name no field on the form
	save    *widget.Button
	dlg     *dialog.CustomDialog
}

// newTxForm builds the form for adding (orig nil) or correcting orig.
func newTxForm(l *Ledger, orig *posdesk.Transaction) *txForm {
	w := l.w
	f := &txForm{l: l, w: w, orig: orig, initial: map[*Entry]string{}, errs: map[string]*widget.Label{}, general: errorLabel()}
	entries := []**Entry{&f.when, &f.amount, &f.merchant, &f.terminal, &f.batch, &f.trace, &f.rrn, &f.auth, &f.scheme, &f.card, &f.note, &f.reason}
	for _, e := range entries {
		*e = w.NewEntry()
		(*e).OnSubmitted = func(string) { f.Save() }
	}
	f.currency = widget.NewSelect(currencies, nil)
	f.kind = widget.NewSelect(titles(posdesk.TxKinds), nil)
	f.channel = widget.NewSelect(titles(posdesk.Channels), nil)
	f.status = widget.NewSelect(titles(posdesk.TxStatuses), nil)

	f.when.SetPlaceHolder("2024-05-31 14:05")
	f.amount.SetPlaceHolder("1,288.00")
	f.card.SetPlaceHolder(i18n.T("Masked, e.g. 622848******1234, or last 4"))
	f.note.SetPlaceHolder(i18n.T("What happened, in a few words"))
	f.reason.SetPlaceHolder(i18n.T("Why is this record corrected?"))

	t := orig
	if t == nil {
		t = &posdesk.Transaction{Time: w.Now(), Amount: posdesk.Money{Currency: posdesk.DefaultCurrency},
			Kind: posdesk.KindSale, Channel: posdesk.ChannelUnknownCard, Status: posdesk.StatusApproved}
	}
	f.when.SetText(t.Time.In(w.Location).Format(dateTimeLayout))
	if orig != nil {
		f.amount.SetText(t.Amount.Plain())
	}
	for e, v := range map[*Entry]string{f.merchant: t.Merchant, f.terminal: t.Terminal, f.batch: t.Batch, f.trace: t.Trace,
		f.rrn: t.RRN, f.auth: t.AuthCode, f.scheme: t.Scheme, f.card: t.Card, f.note: t.Note} {
		e.SetText(v)
	}
	for _, e := range entries {
		f.initial[*e] = (*e).Text
	}
	f.currency.SetSelected(t.Amount.Currency)
	if f.currency.Selected == "" {
		f.currency.SetSelected(posdesk.DefaultCurrency)
	}
	f.kind.SetSelectedIndex(slices.Index(posdesk.TxKinds, t.Kind))
	f.channel.SetSelectedIndex(slices.Index(posdesk.Channels, t.Channel))
	f.status.SetSelectedIndex(slices.Index(posdesk.TxStatuses, t.Status))
	return f
}

// field returns a form cell: the widget with its error line under it, registered for fields.
func (f *txForm) field(obj fyne.CanvasObject, fields ...string) fyne.CanvasObject {
	e := errorLabel()
	for _, name := range fields {
		f.errs[name] = e
	}
	return container.NewVBox(obj, e)
}

// content lays the form out in two columns, with the note (and the reason when correcting)
// across the width.
func (f *txForm) content() fyne.CanvasObject {
	left := container.New(formLayout{},
		fieldLabel(i18n.T("Date and time")), f.field(f.when, "time"),
		fieldLabel(i18n.T("Amount")), f.field(container.NewBorder(nil, nil, nil, f.currency, f.amount), "amount", "currency"),
		fieldLabel(i18n.T("Kind")), f.field(f.kind, "kind"),
		fieldLabel(i18n.T("Channel")), f.field(f.channel, "channel"),
		fieldLabel(i18n.T("Status")), f.field(f.status, "status"),
		fieldLabel(i18n.T("Card number")), f.field(f.card, "card"),
	)
	right := container.New(formLayout{},
		fieldLabel(i18n.T("Merchant ID")), f.field(f.merchant, "merchant"),
		fieldLabel(i18n.T("Terminal ID")), f.field(f.terminal, "terminal"),
		fieldLabel(i18n.T("Batch")), f.field(f.batch, "batch"),
		fieldLabel(i18n.T("Trace")), f.field(f.trace, "trace"),
		fieldLabel(i18n.T("RRN")), f.field(f.rrn, "rrn"),
		fieldLabel(i18n.T("Auth code")), f.field(f.auth, "auth"),
		fieldLabel(i18n.T("Card scheme")), f.field(f.scheme, "scheme"),
	)
	bottom := []fyne.CanvasObject{fieldLabel(i18n.T("Note")), f.field(f.note, "note")}
	if f.orig != nil {
		bottom = append(bottom, fieldLabel(i18n.T("Reason")), f.field(f.reason, "reason"))
	}
	return container.NewVBox(f.general, container.NewGridWithColumns(2, left, right), container.New(formLayout{}, bottom...))
}

// show opens the form as a dialog: Enter in any entry saves, Esc closes.
func (f *txForm) show() {
	title := i18n.T("Add transaction")
	if f.orig != nil {
		title = i18n.T("Correct transaction %d", f.orig.ID)
	}
	f.save = &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance, OnTapped: f.Save}
	cancel := &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { f.dlg.Hide() }}
	f.dlg = dialog.NewCustomWithoutButtons(title, f.content(), f.w)
	f.dlg.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.dlg.Resize(fyne.NewSize(860, 0))
	f.w.ShowDialog(f.dlg)
	if f.orig == nil {
		f.w.Canvas().Focus(f.amount)
	} else {
		f.w.Canvas().Focus(f.when)
	}
}

// clearErrors hides every error line.
func (f *txForm) clearErrors() {
	setError(f.general, "")
	for _, e := range f.errs {
		setError(e, "")
	}
}

// showErrors puts each message of err on the line of the field it names, or at the top.
func (f *txForm) showErrors(err error) {
	msgs := map[*widget.Label][]string{}
	place := func(field, msg string) {
		line, ok := f.errs[field]
		if !ok {
			line = f.general
		}
		msgs[line] = append(msgs[line], msg)
	}
	var es posdesk.Errors
	var e *posdesk.Error
	switch {
	case errors.As(err, &es):
		for _, e := range es {
			place(e.Field, errorMessage(e))
		}
	case errors.As(err, &e):
		place(e.Field, errorMessage(e))
	default:
		place("", i18n.Message(err))
	}
	for line, m := range msgs {
		setError(line, strings.Join(m, "\n"))
	}
	if f.dlg != nil {
		f.dlg.Resize(fyne.NewSize(860, 0)) // grow with the error lines
	}
}

// errorMessage is i18n.Message for one field error, with its string arguments that are
// catalog keys (field labels such as "Trace number", which Validate passes as arguments)
// translated too.
func errorMessage(e *posdesk.Error) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if s, ok := a.(string); ok && i18n.Has(i18n.Current(), s) {
			a = i18n.T(s)
		}
		args[i] = a
	}
	return i18n.Message(&posdesk.Error{Code: e.Code, Field: e.Field, Format: e.Format, Args: args})
}

// readTransaction builds a new record from the fields; errs holds every problem found by
// parsing and by Validate, each naming its field.
func (f *txForm) readTransaction() (*posdesk.Transaction, posdesk.Errors) {
	var errs posdesk.Errors
	t := &posdesk.Transaction{
		Merchant: f.merchant.Text, Terminal: f.terminal.Text, Batch: f.batch.Text, Trace: f.trace.Text,
		RRN: f.rrn.Text, AuthCode: f.auth.Text, Scheme: f.scheme.Text, Card: f.card.Text, Note: f.note.Text,
		Source: posdesk.SourceManual,
	}
	if tm, err := parseDateTime("time", f.when.Text, f.w.Location); err != nil {
		errs = append(errs, err.(*posdesk.Error))
	} else {
		t.Time = tm
	}
	if strings.TrimSpace(f.amount.Text) == "" {
		errs = append(errs, posdesk.Invalid("amount", "Enter an amount greater than zero."))
	} else if m, err := posdesk.ParseMoney(f.amount.Text, f.currency.Selected); err != nil {
		var pe *posdesk.Error
		if errors.As(err, &pe) {
			errs = append(errs, pe)
		}
	} else {
		t.Amount = m
	}
	t.Amount.Currency = f.currency.Selected
	if i := f.kind.SelectedIndex(); i >= 0 {
		t.Kind = posdesk.TxKinds[i]
	}
	if i := f.channel.SelectedIndex(); i >= 0 {
		t.Channel = posdesk.Channels[i]
	}
	if i := f.status.SelectedIndex(); i >= 0 {
		t.Status = posdesk.TxStatuses[i]
	}
	return t, append(errs, validateRest(t, errs)...)
}

// validateRest returns the problems Validate finds in a normalised copy of t, leaving out the
// fields that already have an error.
func validateRest(t *posdesk.Transaction, have posdesk.Errors) posdesk.Errors {
	c := *t
	c.Normalize()
	var es posdesk.Errors
	if !errors.As(c.Validate(), &es) {
		return nil
	}
	var out posdesk.Errors
	for _, e := range es {
		if !slices.ContainsFunc(have, func(h *posdesk.Error) bool { return h.Field == e.Field }) {
			out = append(out, e)
		}
	}
	return out
}

// readUpdate builds the correction of f.orig from the fields that changed.
func (f *txForm) readUpdate() (posdesk.TransactionUpdate, posdesk.Errors) {
	t, errs := f.readTransaction()
	var u posdesk.TransactionUpdate
	changed := func(e *Entry) bool { return e.Text != f.initial[e] }
	if changed(f.when) && !t.Time.IsZero() {
		u.Time = &t.Time
	}
	if (changed(f.amount) || f.currency.Selected != f.orig.Amount.Currency) && !t.Amount.Equal(f.orig.Amount) {
		u.Amount = &t.Amount
	}
	if t.Kind != f.orig.Kind {
		u.Kind = &t.Kind
	}
	if t.Channel != f.orig.Channel {
		u.Channel = &t.Channel
	}
	if t.Status != f.orig.Status {
		u.Status = &t.Status
	}
	for _, p := range []struct {
		e   *Entry
		v   string
		dst **string
	}{{f.merchant, t.Merchant, &u.Merchant}, {f.terminal, t.Terminal, &u.Terminal}, {f.batch, t.Batch, &u.Batch},
		{f.trace, t.Trace, &u.Trace}, {f.rrn, t.RRN, &u.RRN}, {f.auth, t.AuthCode, &u.AuthCode}, {f.scheme, t.Scheme, &u.Scheme},
		{f.card, t.Card, &u.Card}, {f.note, t.Note, &u.Note}} {
		if changed(p.e) {
			v := p.v
			*p.dst = &v
		}
	}
	u.Reason = strings.TrimSpace(f.reason.Text)
	if u.Reason == "" {
		errs = append(errs, posdesk.Invalid("reason", "Say why the record is corrected; the old values are kept with your reason."))
	}
	if len(errs) == 0 && u == (posdesk.TransactionUpdate{Reason: u.Reason}) {
		errs = append(errs, posdesk.Errorf(posdesk.EINVALID, "Nothing was changed; correct a field, or press Cancel."))
	}
	return u, errs
}

// Save checks the fields and, when they are right, adds or corrects the record off the UI
// goroutine; the dialog closes on success and shows the errors at their fields otherwise.
func (f *txForm) Save() {
	if f.save.Disabled() {
		return
	}
	f.clearErrors()
	svc, ctx := f.l.svc, f.w.Ctx()
	if f.orig == nil {
		t, errs := f.readTransaction()
		if len(errs) > 0 {
			f.showErrors(errs)
			return
		}
		f.save.Disable()
		f.w.Async(func() {
			err := svc.CreateTransaction(ctx, t)
			fyne.Do(func() {
				f.save.Enable()
				if err != nil {
					f.showErrors(err)
					return
				}
				f.dlg.Hide()
				f.l.reload()
			})
		})
		return
	}
	u, errs := f.readUpdate()
	if len(errs) > 0 {
		f.showErrors(errs)
		return
	}
	f.save.Disable()
	id := f.orig.ID
	f.w.Async(func() {
		t, err := svc.UpdateTransaction(ctx, id, u)
		fyne.Do(func() {
			f.save.Enable()
			if err != nil {
				f.showErrors(err)
				return
			}
			f.dlg.Hide()
			f.l.changed(t)
		})
	})
}

// changed shows the new version of a corrected or voided record and reloads the totals.
func (l *Ledger) changed(t *posdesk.Transaction) {
	if t == nil || (t.Voided() && !l.filter.IncludeVoided) || !l.cache.replace(t) {
		l.reload()
		return
	}
	l.selectRow(l.selected)
	l.refreshTable()
	l.loadTotals()
}

func (l *Ledger) onAdd() {
	l.form = newTxForm(l, nil)
	l.form.show()
}

func (l *Ledger) onEdit() {
	if t := l.selectedTx(); t != nil && !t.Voided() {
		l.form = newTxForm(l, t)
		l.form.show()
	}
}

// onVoid asks for a reason and confirmation, then voids the selected record.
func (l *Ledger) onVoid() {
	t := l.selectedTx()
	if t == nil || t.Voided() {
		return
	}
	l.voidDlg = newVoidDialog(l, t)
	l.voidDlg.show()
}

// voidDialog confirms voiding one record and asks why.
type voidDialog struct {
	l       *Ledger
	t       *posdesk.Transaction
	reason  *Entry
	errLine *widget.Label
	confirm *widget.Button
	dlg     *dialog.CustomDialog
}

func newVoidDialog(l *Ledger, t *posdesk.Transaction) *voidDialog {
	v := &voidDialog{l: l, t: t, reason: l.w.NewEntry(), errLine: errorLabel()}
	v.reason.SetPlaceHolder(i18n.T("Why is this record wrong? e.g. entered twice"))
	v.reason.OnSubmitted = func(string) { v.Confirm() }
	return v
}

func (v *voidDialog) show() {
	t, w := v.t, v.l.w
	msg := &widget.Label{Text: i18n.T("Void the record of %[1]s: %[2]s %[3]s?", t.Time.In(w.Location).Format(dateTimeLayout),
		i18n.T(t.Kind.Title()), t.Amount.Display())}
	note := &widget.Label{Text: i18n.T("The record stays in the ledger, struck through, with your reason."), Importance: widget.LowImportance}
	form := container.New(formLayout{}, fieldLabel(i18n.T("Reason")), container.NewVBox(v.reason, v.errLine))
	v.confirm = &widget.Button{Text: i18n.T("Void record"), Importance: widget.DangerImportance, OnTapped: v.Confirm}
	cancel := &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { v.dlg.Hide() }}
	v.dlg = dialog.NewCustomWithoutButtons(i18n.T("Void transaction %d", t.ID), container.NewVBox(msg, note, form), w)
	v.dlg.SetButtons([]fyne.CanvasObject{cancel, v.confirm})
	v.dlg.Resize(fyne.NewSize(560, 0))
	w.ShowDialog(v.dlg)
	w.Canvas().Focus(v.reason)
}

// Confirm voids the record with the reason typed, or shows why it cannot.
func (v *voidDialog) Confirm() {
	if v.confirm.Disabled() {
		return
	}
	setError(v.errLine, "")
	reason := strings.TrimSpace(v.reason.Text)
	if reason == "" {
		setError(v.errLine, i18n.Message(posdesk.Invalid("reason", "Say why the record is voided; it stays in the ledger with your reason.")))
		return
	}
	v.confirm.Disable()
	svc, ctx, id := v.l.svc, v.l.w.Ctx(), v.t.ID
	v.l.w.Async(func() {
		err := svc.VoidTransaction(ctx, id, reason)
		var t *posdesk.Transaction
		if err == nil {
			t, _ = svc.FindTransactionByID(ctx, id)
		}
		fyne.Do(func() {
			v.confirm.Enable()
			if err != nil {
				setError(v.errLine, i18n.Message(err))
				return
			}
			v.dlg.Hide()
			v.l.changed(t)
		})
	})
}
