package ui

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// AttachmentIntake checks one file staff attach to an incident and returns it ready to store
// (cmd/posdesk wires attach.Intake). A refused file is an EINVALID error whose message names the
// file and says why.
type AttachmentIntake func(name string, r io.Reader, kind posdesk.AttachmentKind, caption string) (*posdesk.Attachment, error)

// attachmentExtensions are the file types the file dialogs offer.
var attachmentExtensions = []string{".jpg", ".jpeg", ".png", ".gif", ".pdf", ".txt", ".log", ".JPG", ".JPEG", ".PNG", ".GIF", ".PDF", ".TXT"}

func init() {
	RegisterAction(Action{ID: "log-incident", Title: "Log incident", Icon: theme.IconNameWarning, Order: 10, Primary: true,
		Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault},
		Visible:  func(w *Window) bool { return w.Services.Incidents != nil && w.Can(posdesk.ActLogIncident) },
		Run:      func(w *Window) { OpenLogIncident(w) }})
}

// LogIncidentForm is the cashier's one-screen form: what went wrong (large choices), the amount,
// the time (now unless changed), the slip's terminal, trace and RRN if at hand, and photos
// chosen or dropped on the window. Files are checked as soon as they are added, so a bad photo
// is named at once and the cashier can take another.
type LogIncidentForm struct {
	w   *Window
	svc posdesk.IncidentService

	kind        posdesk.IncidentKind
	kindButtons []*widget.Button
	suggested   *widget.Label // says the kind was suggested from the payment's status

	// payment is the ledger record the incident is about when it was opened from the ledger
	// (LogIncidentFor): the incident links it instead of creating a record from the slip.
	payment *posdesk.Transaction

	amount, when, terminal, trace, rrn, customerName, customerPhone, story *Entry
	cause                                                                  *widget.Select
	customer                                                               *fyne.Container

	files    []*pendingFile
	checking int // files still being checked
	fileList *fyne.Container
	choose   *widget.Button

	errs    map[string]*widget.Label
	general *widget.Label
	save    *widget.Button
	scroll  *container.Scroll
	dlg     *dialog.CustomDialog

	// Logged is the incident saved last, and Refused the files that could not be stored with it.
	Logged  *posdesk.Incident
	Refused []error
}

// pendingFile is a file added to the form: checked and ready (att), or refused (err).
type pendingFile struct {
	name string
	att  *posdesk.Attachment
	err  error
}

// OpenLogIncident opens the "Log incident" form on w (the top bar's button and Ctrl+N).
func OpenLogIncident(w *Window) *LogIncidentForm {
	f := NewLogIncidentForm(w)
	f.show()
	return f
}

// OpenLogIncidentFor opens the "Log incident" form for a payment already in the ledger (the
// ledger's "Log incident for this payment…"): the payment's amount is filled in, its time and
// identifiers are shown as a summary line, and the incident is linked to it when saved.
func OpenLogIncidentFor(w *Window, t *posdesk.Transaction) *LogIncidentForm {
	f := NewLogIncidentFormFor(w, t)
	f.show()
	return f
}

// NewLogIncidentFormFor builds the form for payment t without showing it. The kind suggested
// by t's status (SuggestKind) is chosen; the cashier may choose another.
func NewLogIncidentFormFor(w *Window, t *posdesk.Transaction) *LogIncidentForm {
	f := NewLogIncidentForm(w)
	f.payment = t
	f.amount.SetText(t.Amount.Plain())
	f.when.SetText(t.Time.In(w.Location).Format(dateTimeLayout)) // not shown: the summary says it
	if k := SuggestKind(t.Status); k != "" {
		f.ChooseKind(k)
		f.suggested = &widget.Label{Text: i18n.T("Suggested from the payment's status (%s); choose another if it fits better.", i18n.T(t.Status.Title())),
			Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
	}
	return f
}

// SuggestKind returns the kind of incident a ledger record's status points to (a failed payment
// is most likely "Charged but failed"), or "" when the status says nothing about it. It is the
// reverse of IncidentKind.SlipStatus for the statuses that only one kind of slip has.
func SuggestKind(s posdesk.TxStatus) posdesk.IncidentKind {
	if s == posdesk.StatusApproved {
		return "" // most kinds start from an approved sale
	}
	for _, k := range posdesk.IncidentKinds {
		if k.SlipStatus() == s {
			return k
		}
	}
	return ""
}

// Payment returns the ledger record the form links the incident to, or nil for a new slip.
func (f *LogIncidentForm) Payment() *posdesk.Transaction { return f.payment }

// paymentSummary is the line that stands for the slip's fields when the incident is about a
// ledger record, on the form's "Payment" line: "#12: ¥ 58.00 at 2026-09-20 14:31, Failed,
// terminal T0000001, …".
func (f *LogIncidentForm) paymentSummary() string {
	t := f.payment
	parts := []string{i18n.T("#%[1]d: %[2]s at %[3]s", t.ID, t.Amount.Display(), t.Time.In(f.w.Location).Format(dateTimeLayout)),
		i18n.T(t.Status.Title())}
	parts = append(parts, labelled([2]string{"terminal", t.Terminal}, [2]string{"trace", t.Trace}, [2]string{"RRN", t.RRN}, [2]string{"card", t.Card})...)
	return strings.Join(parts, i18n.T(", "))
}

// NewLogIncidentForm builds the form without showing it.
func NewLogIncidentForm(w *Window) *LogIncidentForm {
	f := &LogIncidentForm{w: w, svc: w.Services.Incidents, errs: map[string]*widget.Label{}, general: errorLabel()}
	for _, e := range []**Entry{&f.amount, &f.when, &f.terminal, &f.trace, &f.rrn, &f.customerName, &f.customerPhone} {
		*e = w.NewEntry()
		(*e).OnSubmitted = func(string) { f.Save() }
	}
	f.story = w.NewMultiLineEntry()
	f.story.SetMinRowsVisible(3)
	f.amount.SetPlaceHolder("58.00")
	f.when.SetText(w.Now().In(w.Location).Format(dateTimeLayout))
	f.terminal.SetPlaceHolder(i18n.T("Terminal ID (optional)"))
	f.trace.SetPlaceHolder(i18n.T("Trace no. (optional)"))
	f.rrn.SetPlaceHolder(i18n.T("RRN (optional)"))
	f.story.SetPlaceHolder(i18n.T("What happened, in your own words (optional)"))
	f.customerPhone.SetPlaceHolder("138 0000 0000")
	f.cause = widget.NewSelect(append([]string{i18n.T("Cause not known yet")}, titles(posdesk.Causes[:len(posdesk.Causes)-1])...), nil)
	f.cause.SetSelectedIndex(0)
	for _, k := range posdesk.IncidentKinds {
		b := &widget.Button{Text: KindLabel(k), OnTapped: func() { f.ChooseKind(k) }}
		f.kindButtons = append(f.kindButtons, b)
	}
	f.fileList = container.NewVBox()
	f.choose = &widget.Button{Text: i18n.T("Choose photo or file…"), Icon: theme.FolderOpenIcon(), OnTapped: f.onChoose}
	return f
}

// ChooseKind selects what went wrong and highlights its button.
func (f *LogIncidentForm) ChooseKind(k posdesk.IncidentKind) {
	f.kind = k
	for i, b := range f.kindButtons {
		if posdesk.IncidentKinds[i] == k {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	if line := f.errs["kind"]; line != nil { // nil until the form is laid out
		setError(line, "")
	}
	if f.suggested != nil {
		f.suggested.Hidden = k != SuggestKind(f.payment.Status)
		f.suggested.Refresh()
	}
	if f.customer != nil {
		if k == posdesk.IncidentCustomerRefund {
			f.customer.Show()
		} else {
			f.customer.Hide()
		}
	}
	if f.dlg != nil {
		f.w.Canvas().Focus(f.amount)
	}
}

// Kind returns the kind chosen, or "".
func (f *LogIncidentForm) Kind() posdesk.IncidentKind { return f.kind }

func (f *LogIncidentForm) field(obj fyne.CanvasObject, fields ...string) fyne.CanvasObject {
	e := errorLabel()
	for _, name := range fields {
		f.errs[name] = e
	}
	return container.NewVBox(obj, e)
}

func (f *LogIncidentForm) content() fyne.CanvasObject {
	kinds := container.NewGridWithColumns(2)
	for _, b := range f.kindButtons {
		kinds.Add(b)
	}
	f.customer = container.New(formLayout{},
		fieldLabel(i18n.T("Customer name")), f.field(f.customerName, "customer", "customer_name"),
		fieldLabel(i18n.T("Customer phone")), f.field(f.customerPhone, "customer_phone"),
	)
	if f.kind != posdesk.IncidentCustomerRefund {
		f.customer.Hide()
	}
	slipLabel, currency := i18n.T("From the slip"), posdesk.DefaultCurrency
	var slip fyne.CanvasObject
	if f.payment != nil {
		// The record's identifiers are facts of the ledger: shown, not typed again.
		slipLabel, currency = i18n.T("Payment"), f.payment.Amount.Currency
		slip = f.field(&widget.Label{Text: f.paymentSummary(), Wrapping: fyne.TextWrapWord}, "transactions")
	} else {
		slip = container.NewGridWithColumns(3, f.field(f.terminal, "terminal"), f.field(f.trace, "trace"), f.field(f.rrn, "rrn"))
	}
	amount := []fyne.CanvasObject{
		fieldLabel(i18n.T("Amount")), f.field(container.NewBorder(nil, nil, nil, widget.NewLabel(currency), f.amount), "amount", "currency"),
	}
	var rows []fyne.CanvasObject
	if f.payment != nil {
		// The payment first: it says what the incident is about, and its time is the
		// incident's (the summary shows it; errors about it land on the summary's line).
		f.errs["time"] = f.errs["transactions"]
		rows = append([]fyne.CanvasObject{fieldLabel(slipLabel), slip}, amount...)
	} else {
		rows = append(amount, fieldLabel(i18n.T("Time")), f.field(f.when, "time"), fieldLabel(slipLabel), slip)
	}
	main := container.New(formLayout{}, append(rows,
		fieldLabel(i18n.T("Cause")), f.field(f.cause, "cause"),
		fieldLabel(i18n.T("What happened")), f.field(f.story, "story"),
	)...)
	files := container.NewVBox(
		container.NewHBox(f.choose, &widget.Label{Text: i18n.T("or drop files on this window"), Importance: widget.LowImportance}),
		f.fileList,
	)
	kindCell := f.field(kinds, "kind")
	if f.suggested != nil {
		kindCell = container.NewVBox(kindCell, f.suggested)
	}
	return container.NewVBox(
		&widget.Label{Text: i18n.T("What went wrong?"), TextStyle: fyne.TextStyle{Bold: true}},
		kindCell,
		f.general,
		main,
		f.customer,
		container.New(formLayout{}, fieldLabel(i18n.T("Photos and files")), files),
	)
}

func (f *LogIncidentForm) show() {
	f.save = &widget.Button{Text: i18n.T("Save incident"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: f.Save}
	cancel := &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { f.dlg.Hide() }}
	f.scroll = container.NewVScroll(f.content())
	f.dlg = dialog.NewCustomWithoutButtons(i18n.T("Log incident"), f.scroll, f.w)
	f.dlg.SetButtons([]fyne.CanvasObject{cancel, f.save})
	f.dlg.Resize(fyne.NewSize(900, 700))
	f.w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		for _, u := range uris {
			f.AddURI(u)
		}
	})
	f.w.showDialogClosing(f.dlg, func() { f.w.SetOnDropped(nil) })
}

// showDialogClosing is ShowDialog (Esc closes d) with a function run when d closes, however it
// is closed. ShowDialog owns d's close handler, so this one replaces it with the same
// bookkeeping plus closed.
func (w *Window) showDialogClosing(d dialog.Dialog, closed func()) {
	w.ShowDialog(d)
	n := len(w.escapes)
	d.SetOnClosed(func() {
		if len(w.escapes) >= n {
			w.escapes = w.escapes[:n-1]
		}
		closed()
	})
}

// onChoose opens the file dialog; the chosen file is checked like a dropped one.
func (f *LogIncidentForm) onChoose() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		f.AddFile(rc.URI().Name(), rc)
	}, f.w)
	d.SetFilter(storage.NewExtensionFileFilter(attachmentExtensions))
	d.Show()
}

// AddURI adds a dropped file.
func (f *LogIncidentForm) AddURI(u fyne.URI) {
	rc, err := storage.Reader(u)
	if err != nil {
		e := posdesk.Invalid("file", "File %q cannot be opened; check that it exists and that you may read it.", u.Name())
		e.Err = err
		f.addChecked(&pendingFile{name: u.Name(), err: e})
		return
	}
	f.AddFile(u.Name(), rc)
}

// AddFile checks a file off the UI goroutine and lists it as ready or refused. r is closed.
func (f *LogIncidentForm) AddFile(name string, r io.ReadCloser) {
	intake := f.w.Services.Intake
	f.checking++
	f.updateSave()
	f.w.Async(func() {
		defer r.Close()
		p := &pendingFile{name: name}
		if intake == nil {
			p.err = posdesk.Errorf(posdesk.EINTERNAL, "Attaching files is not available in this window.")
		} else {
			p.att, p.err = intake(name, r, "", "")
		}
		fyne.Do(func() {
			f.checking--
			f.addChecked(p)
		})
	})
}

func (f *LogIncidentForm) addChecked(p *pendingFile) {
	for _, o := range f.files {
		if p.att != nil && o.att != nil && o.att.SHA256 == p.att.SHA256 {
			p.att, p.err = nil, posdesk.Errorf(posdesk.ECONFLICT, "File %q was added already.", p.name)
		}
	}
	f.files = append(f.files, p)
	f.renderFiles()
	f.updateSave()
}

// Files returns the files added: ready ones have an attachment, refused ones an error.
func (f *LogIncidentForm) Files() []*pendingFile { return f.files }

func (f *LogIncidentForm) renderFiles() {
	f.fileList.RemoveAll()
	for _, p := range f.files {
		var line fyne.CanvasObject
		if p.err != nil {
			line = &widget.Label{Text: i18n.Message(p.err), Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
		} else {
			line = &widget.Label{Text: fmt.Sprintf("✓ %s  %s", p.att.FileName, attachmentFacts(p.att))}
		}
		remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { f.removeFile(p) }}
		f.fileList.Add(container.NewBorder(nil, nil, nil, remove, line))
	}
	f.fileList.Refresh()
	f.relayout()
}

func (f *LogIncidentForm) removeFile(p *pendingFile) {
	for i, o := range f.files {
		if o == p {
			f.files = append(f.files[:i], f.files[i+1:]...)
			break
		}
	}
	f.renderFiles()
}

func (f *LogIncidentForm) updateSave() {
	if f.save == nil {
		return
	}
	if f.checking > 0 {
		f.save.Disable()
	} else {
		f.save.Enable()
	}
}

// attachmentFacts is the size and type of an attachment, for lists.
func attachmentFacts(a *posdesk.Attachment) string {
	size := fmt.Sprintf("%d KB", (a.Size+1023)/1024)
	switch {
	case a.IsImage():
		return fmt.Sprintf("%d×%d, %s", a.Width, a.Height, size)
	case a.IsPDF():
		return i18n.T("PDF, %[1]d pages, %[2]s", a.Pages, size)
	}
	return i18n.T("text, %s", size)
}

func (f *LogIncidentForm) clearErrors() {
	setError(f.general, "")
	for _, e := range f.errs {
		setError(e, "")
	}
}

// showErrors puts each message on the line of the field it names, or at the top.
func (f *LogIncidentForm) showErrors(err error) {
	msgs := map[*widget.Label][]string{}
	place := func(field, msg string) {
		line, ok := f.errs[field]
		if !ok {
			line = f.general
		}
		for _, m := range msgs[line] {
			if m == msg {
				return
			}
		}
		msgs[line] = append(msgs[line], msg)
	}
	var es posdesk.Errors
	var e *posdesk.Error
	switch {
	case errors.As(err, &es):
		for _, e := range es {
			place(e.Field, i18n.Message(e))
		}
	case errors.As(err, &e):
		place(e.Field, i18n.Message(e))
	default:
		place("", i18n.Message(err))
	}
	for line, m := range msgs {
		setError(line, strings.Join(m, "\n"))
	}
	f.relayout()
}

// relayout lays the form out again after error lines or files appeared or went.
func (f *LogIncidentForm) relayout() {
	if f.scroll != nil {
		f.scroll.Refresh()
	}
}

// read builds the incident from the fields, with every problem found before saving.
func (f *LogIncidentForm) read() (*posdesk.Incident, posdesk.Errors) {
	var errs posdesk.Errors
	if f.kind == "" {
		errs = append(errs, posdesk.Invalid("kind", "Choose what went wrong: tap one of the large buttons."))
	}
	currency := posdesk.DefaultCurrency
	if f.payment != nil {
		currency = f.payment.Amount.Currency
	}
	var amount posdesk.Money
	if strings.TrimSpace(f.amount.Text) == "" {
		errs = append(errs, posdesk.Invalid("amount", "Enter the amount in question, greater than zero (for example 58.00)."))
	} else if m, err := posdesk.ParseMoney(f.amount.Text, currency); err != nil {
		errs = appendFieldError(errs, err)
	} else {
		amount = m
	}
	var at time.Time
	if f.payment != nil {
		at = f.payment.Time
	} else if t, err := parseDateTime("time", f.when.Text, f.w.Location); err != nil {
		errs = appendFieldError(errs, err)
	} else {
		at = t
	}
	inc := &posdesk.Incident{Kind: f.kind, Amount: amount, Time: at, Story: f.story.Text}
	if i := f.cause.SelectedIndex(); i > 0 {
		inc.Cause = posdesk.Causes[i-1]
	}
	if f.kind == posdesk.IncidentCustomerRefund {
		inc.CustomerName, inc.CustomerPhone = f.customerName.Text, f.customerPhone.Text
	}
	if f.payment != nil {
		// Linked by ID: the service links the existing record and creates none.
		inc.Transactions = []*posdesk.Transaction{{ID: f.payment.ID}}
		return inc, errs
	}
	inc.Transactions = []*posdesk.Transaction{posdesk.NewSlip(f.kind, at, amount, f.terminal.Text, f.trace.Text, f.rrn.Text)}
	// Check the slip's identifiers here too, so every problem shows at once (each field once).
	slip := *inc.Transactions[0]
	slip.Normalize()
	for _, e := range appendFieldError(nil, slip.Validate()) {
		if !slices.ContainsFunc(errs, func(h *posdesk.Error) bool { return h.Field == e.Field }) {
			errs = append(errs, e)
		}
	}
	return inc, errs
}

func appendFieldError(es posdesk.Errors, err error) posdesk.Errors {
	var more posdesk.Errors
	var e *posdesk.Error
	switch {
	case err == nil:
	case errors.As(err, &more):
		es = append(es, more...)
	case errors.As(err, &e):
		es = append(es, e)
	default:
		es = append(es, posdesk.Internal(err))
	}
	return es
}

// Save logs the incident and stores the files checked so far, each on its own; the form closes
// and a confirmation shows the incident's number and any file that could not be stored.
func (f *LogIncidentForm) Save() {
	if f.save != nil && f.save.Disabled() {
		return
	}
	f.clearErrors()
	inc, errs := f.read()
	if len(errs) > 0 {
		f.showErrors(errs)
		return
	}
	var ready []*posdesk.Attachment
	for _, p := range f.files {
		if p.att != nil {
			ready = append(ready, p.att)
		}
	}
	if f.save != nil {
		f.save.Disable()
	}
	svc, ctx := f.svc, f.w.Ctx()
	f.w.Async(func() {
		err := svc.CreateIncident(ctx, inc)
		var refused []error
		if err == nil {
			for _, a := range ready {
				if aerr := svc.AddAttachment(ctx, inc.ID, a); aerr != nil {
					refused = append(refused, aerr)
				}
			}
		}
		fyne.Do(func() {
			if f.save != nil {
				f.save.Enable()
			}
			if err != nil {
				f.showErrors(err)
				return
			}
			f.Logged, f.Refused = inc, refused
			if f.dlg != nil {
				f.dlg.Hide()
			}
			f.confirm(inc, len(ready)-len(refused), refused)
			if s, ok := f.w.Built(incidentsSectionID).(*IncidentsScreen); ok {
				s.Reload()
			}
		})
	})
}

// confirm tells the cashier the incident's number, to write on the slip or give the customer.
func (f *LogIncidentForm) confirm(inc *posdesk.Incident, stored int, refused []error) {
	lines := []fyne.CanvasObject{
		&widget.Label{Text: inc.Number, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText, Alignment: fyne.TextAlignCenter},
		&widget.Label{Text: i18n.T("Saved with %d files. Write the number on the slip; the manager will follow it up.", stored), Wrapping: fyne.TextWrapWord},
	}
	for _, err := range refused {
		lines = append(lines, &widget.Label{Text: i18n.Message(err), Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord})
	}
	d := dialog.NewCustom(i18n.T("Incident logged"), i18n.T("Close"), container.NewVBox(lines...), f.w)
	d.Resize(fyne.NewSize(520, 0))
	f.w.ShowDialog(d)
}
