package ui

import (
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// IncidentDetail shows one incident: its facts, the linked ledger records, the status buttons
// (only the moves the workflow allows, and only for those who may make them), the "before you
// call the bank" checklist, the timeline, the contact log with its form, and the attached files
// as upright thumbnails.
type IncidentDetail struct {
	widget.BaseWidget

	w      *Window
	svc    posdesk.IncidentService
	id     int64
	onBack func()

	inc  *posdesk.Incident
	atts []*posdesk.Attachment

	title    *widget.Label
	status   *widget.Label
	moves    *fyne.Container // status buttons
	tools    *fyne.Container // edit, attach, contact, erase
	state    *widget.Label
	facts    *fyne.Container
	txs      *fyne.Container
	check    *fyne.Container
	timeline *fyne.Container
	contacts *fyne.Container
	files    *fyne.Container
	content  fyne.CanvasObject

	// StatusButtons are the status moves on screen, by target status.
	StatusButtons map[posdesk.IncidentStatus]*widget.Button
	// UnlinkButtons are the "Unlink…" buttons of the linked records, by record ID, and
	// LinkButton is "Link a ledger record…" (nil when the user may not change the incident).
	UnlinkButtons map[int64]*widget.Button
	LinkButton    *widget.Button
	// Dialogs opened last, for tests.
	statusDlg  *statusDialog
	contactDlg *contactForm
	editDlg    *editIncidentForm
	linkDlg    *linkRecordDialog
	unlinkDlg  *unlinkDialog
}

// NewIncidentDetail builds the detail of incident id and starts loading it; onBack returns to
// the list.
func NewIncidentDetail(w *Window, id int64, onBack func()) *IncidentDetail {
	d := &IncidentDetail{w: w, svc: w.Services.Incidents, id: id, onBack: onBack, StatusButtons: map[posdesk.IncidentStatus]*widget.Button{}}
	d.ExtendBaseWidget(d)
	d.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Wrapping: fyne.TextWrapWord}
	d.status = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	d.moves = container.NewHBox()
	d.tools = container.NewHBox()
	d.state = &widget.Label{Text: i18n.T("Loading…")}
	d.facts = container.New(formLayout{})
	d.txs = container.NewVBox()
	d.check = container.NewVBox()
	d.timeline = container.NewVBox()
	d.contacts = container.NewVBox()
	d.files = container.NewGridWrap(fyne.NewSize(180, 210))
	back := &widget.Button{Text: i18n.T("Back to the list"), Icon: theme.NavigateBackIcon(), OnTapped: func() {
		if d.onBack != nil {
			d.onBack()
		}
	}}
	head := container.NewVBox(
		container.NewBorder(nil, nil, back, d.status, d.title),
		container.NewBorder(nil, nil, nil, d.tools, d.moves),
		d.state,
		widget.NewSeparator(),
	)
	heading := func(s string) fyne.CanvasObject {
		return &widget.Label{Text: i18n.T(s), TextStyle: fyne.TextStyle{Bold: true}}
	}
	left := container.NewVBox(d.facts, heading("Ledger transactions"), d.txs, d.check)
	right := container.NewVBox(heading("Files"), d.files, heading("Contacts"), d.contacts, heading("Timeline"), d.timeline)
	d.content = container.NewBorder(head, nil, nil, nil, container.NewVScroll(container.NewGridWithColumns(2, left, right)))
	d.Reload()
	return d
}

// CreateRenderer draws the detail.
func (d *IncidentDetail) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(d.content)
}

// Incident returns the incident shown, or nil before it has loaded.
func (d *IncidentDetail) Incident() *posdesk.Incident { return d.inc }

// Reload loads the incident and its files again.
func (d *IncidentDetail) Reload() {
	ctx, id := d.w.Ctx(), d.id
	d.w.Async(func() {
		inc, err := d.svc.FindIncidentByID(ctx, id)
		var atts []*posdesk.Attachment
		if err == nil {
			atts, err = d.svc.FindAttachments(ctx, id)
		}
		fyne.Do(func() {
			if err != nil {
				d.state.Importance = widget.DangerImportance
				d.state.SetText(i18n.T("Could not load the incident: %s", i18n.Message(err)))
				return
			}
			d.inc, d.atts = inc, atts
			d.state.SetText("")
			d.render()
		})
	})
}

func (d *IncidentDetail) today() posdesk.Date { return posdesk.DateOf(d.w.Now(), d.w.Location) }

func (d *IncidentDetail) render() {
	inc, loc := d.inc, d.w.Location
	d.title.SetText(inc.Number + "  " + KindLabel(inc.Kind))
	status := i18n.T(inc.Status.Title())
	if inc.Outcome != "" {
		status += i18n.T(": ") + i18n.T(inc.Outcome.Title())
	}
	d.status.Importance = incidentStatusImportance(inc.Status)
	d.status.SetText(status)

	d.renderMoves()
	d.renderTools()

	d.facts.RemoveAll()
	fact := func(label, value string, imp widget.Importance) {
		if value == "" {
			return
		}
		d.facts.Add(fieldLabel(i18n.T(label)))
		d.facts.Add(&widget.Label{Text: value, Importance: imp, Wrapping: fyne.TextWrapWord})
	}
	fact("Amount", inc.Amount.Display(), widget.MediumImportance)
	fact("Happened", FormatLocalTime(inc.Time, loc), widget.MediumImportance)
	fact("Cause", i18n.T(inc.Cause.Title()), widget.MediumImportance)
	fact("Bank case number", inc.CaseNumber, widget.MediumImportance)
	if !inc.Deadline.IsZero() {
		text, overdue := DeadlineText(inc, d.today())
		imp := widget.MediumImportance
		if overdue {
			imp = widget.DangerImportance
		}
		fact("Deadline", fmt.Sprintf("%s (%s%s%s)", inc.Deadline, text, i18n.T(", "), DeadlineSourceText(inc.DeadlineSource)), imp)
	}
	fact("Customer name", inc.CustomerName, widget.MediumImportance)
	fact("Customer phone", inc.CustomerPhone, widget.MediumImportance)
	if !inc.PersonalErasedAt.IsZero() {
		fact("Personal data", i18n.T("erased %s", FormatLocalTime(inc.PersonalErasedAt, loc)), widget.LowImportance)
	}
	fact("Logged", i18n.T("%[1]s by %[2]s", FormatLocalTime(inc.CreatedAt, loc), inc.CreatedBy), widget.MediumImportance)
	fact("What happened", inc.Story, widget.MediumImportance)
	d.facts.Refresh()

	d.renderLinks()

	d.check.RemoveAll()
	if inc.Active() {
		d.check.Add(&widget.Label{Text: i18n.T("Before you call the bank"), TextStyle: fyne.TextStyle{Bold: true}})
		for _, line := range inc.Kind.Checklist() {
			// A check box's own label cannot wrap: long English lines would widen the window
			// past 1280 px. The box goes beside a wrapping label instead.
			c := widget.NewCheck("", nil)
			d.check.Add(container.NewBorder(nil, nil, c, nil, &widget.Label{Text: i18n.T(line), Wrapping: fyne.TextWrapWord}))
		}
	}

	d.timeline.RemoveAll()
	for i := len(inc.Events) - 1; i >= 0; i-- { // newest first
		ev := inc.Events[i]
		d.timeline.Add(&widget.Label{Text: fmt.Sprintf("%s  %s  %s", FormatLocalTime(ev.Time, loc), ev.Actor, IncidentEventText(ev)), Wrapping: fyne.TextWrapWord})
	}

	d.contacts.RemoveAll()
	if len(inc.Contacts) == 0 {
		d.contacts.Add(&widget.Label{Text: i18n.T("No contacts logged yet."), Importance: widget.LowImportance})
	}
	for _, c := range inc.Contacts {
		head := FormatLocalTime(c.Time, loc) + "  " + i18n.T(c.Party.Title()) + i18n.T(", ") + i18n.T(c.Channel.Title())
		if c.Person != "" {
			head += i18n.T(", ") + c.Person
		}
		if c.Ticket != "" {
			head += i18n.T(", ticket %s", c.Ticket)
		}
		text := head + "\n" + c.Summary
		if c.NextStep != "" {
			text += "\n" + i18n.T("Next: %s", c.NextStep)
			if !c.Due.IsZero() {
				text += i18n.T(" (due %s)", c.Due.String())
			}
		}
		d.contacts.Add(&widget.Label{Text: text, Wrapping: fyne.TextWrapWord})
	}

	d.files.RemoveAll()
	for _, a := range d.atts {
		d.files.Add(d.thumbnail(a))
	}
	if len(d.atts) == 0 {
		d.files.Add(&widget.Label{Text: i18n.T("No files yet."), Importance: widget.LowImportance})
	}
	d.Refresh()
}

// statusMoveTitle is the label of the button that moves an incident to status to.
func statusMoveTitle(t posdesk.Transition) string {
	switch {
	case t.Reopen():
		return i18n.T("Reopen…")
	case t.To == posdesk.IncidentContacting:
		return i18n.T("Contacting the bank")
	case t.To == posdesk.IncidentWaitingForBank:
		return i18n.T("Waiting for the bank")
	case t.To == posdesk.IncidentResolved:
		return i18n.T("Resolved…")
	case t.To == posdesk.IncidentClosed:
		return i18n.T("Close")
	}
	return i18n.T(t.To.Title())
}

func (d *IncidentDetail) renderMoves() {
	d.moves.RemoveAll()
	d.StatusButtons = map[posdesk.IncidentStatus]*widget.Button{}
	if !d.w.Can(posdesk.ActEditIncident) {
		return
	}
	for _, to := range posdesk.NextStatuses(d.inc.Status) {
		t, _ := posdesk.FindTransition(d.inc.Status, to)
		b := &widget.Button{Text: statusMoveTitle(t), OnTapped: func() { d.onMove(t) }}
		if t.To == posdesk.IncidentResolved {
			b.Importance = widget.SuccessImportance
		}
		d.StatusButtons[to] = b
		d.moves.Add(b)
	}
}

func (d *IncidentDetail) renderTools() {
	d.tools.RemoveAll()
	if d.w.Can(posdesk.ActAddContact) {
		d.tools.Add(&widget.Button{Text: i18n.T("Add contact…"), Icon: theme.ContentAddIcon(), OnTapped: d.OpenContactForm})
	}
	if d.w.Can(posdesk.ActAttach) && d.w.Services.Intake != nil {
		d.tools.Add(&widget.Button{Text: i18n.T("Attach file…"), Icon: theme.FileIcon(), OnTapped: d.onAttach})
	}
	if d.w.Can(posdesk.ActEditIncident) {
		d.tools.Add(&widget.Button{Text: i18n.T("Edit…"), Icon: theme.DocumentCreateIcon(), OnTapped: d.OpenEditForm})
	}
	if d.w.Can(posdesk.ActErasePersonalData) && (d.inc.CustomerName != "" || d.inc.CustomerPhone != "") {
		d.tools.Add(&widget.Button{Text: i18n.T("Erase customer data…"), Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: d.onErase})
	}
	d.addRegisteredTools()
}

// onMove makes a status move: at once, or after asking for the outcome (resolved) or the
// reason (reopen).
func (d *IncidentDetail) onMove(t posdesk.Transition) {
	if t.NeedsOutcome || t.NeedsReason {
		d.statusDlg = newStatusDialog(d, t)
		d.statusDlg.show()
		return
	}
	d.setStatus(posdesk.StatusChange{To: t.To}, nil)
}

// changed ends a change made off the UI goroutine: its error goes to done, or to a dialog, and
// the incident is read again after a change that worked. Call it from any goroutine.
func (d *IncidentDetail) changed(err error, done func(error)) {
	fyne.Do(func() {
		if done != nil {
			done(err)
		} else if err != nil {
			d.w.ShowError(err)
		}
		if err == nil {
			d.Reload()
		}
	})
}

// setStatus asks the service for the change; errors go to errLine, or to a dialog.
func (d *IncidentDetail) setStatus(ch posdesk.StatusChange, done func(error)) {
	ctx, id := d.w.Ctx(), d.id
	d.w.Async(func() {
		_, err := d.svc.SetIncidentStatus(ctx, id, ch)
		d.changed(err, done)
	})
}

// statusDialog asks for the outcome of a resolved incident, or the reason for reopening one.
type statusDialog struct {
	d       *IncidentDetail
	t       posdesk.Transition
	outcome *widget.Select
	reason  *Entry
	errLine *widget.Label
	confirm *widget.Button
	dlg     *dialog.CustomDialog
}

func newStatusDialog(d *IncidentDetail, t posdesk.Transition) *statusDialog {
	s := &statusDialog{d: d, t: t, reason: d.w.NewEntry(), errLine: errorLabel()}
	s.outcome = widget.NewSelect(titles(posdesk.Outcomes), nil)
	s.outcome.PlaceHolder = i18n.T("Choose how it ended")
	s.reason.OnSubmitted = func(string) { s.Confirm() }
	if t.NeedsReason {
		s.reason.SetPlaceHolder(i18n.T("Why is it reopened? e.g. the credit was taken back"))
	} else {
		s.reason.SetPlaceHolder(i18n.T("Note (optional)"))
	}
	return s
}

func (s *statusDialog) show() {
	var rows []fyne.CanvasObject
	title := i18n.T("Reopen %s", s.d.inc.Number)
	if s.t.NeedsOutcome {
		title = i18n.T("Resolve %s", s.d.inc.Number)
		rows = append(rows, fieldLabel(i18n.T("Outcome")), s.outcome)
	}
	rows = append(rows, fieldLabel(i18n.T("Reason")), s.reason)
	s.confirm = &widget.Button{Text: i18n.T("Save"), Importance: widget.HighImportance, OnTapped: s.Confirm}
	cancel := &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { s.dlg.Hide() }}
	s.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(container.New(formLayout{}, rows...), s.errLine), s.d.w)
	s.dlg.SetButtons([]fyne.CanvasObject{cancel, s.confirm})
	s.dlg.Resize(fyne.NewSize(560, 0))
	s.d.w.ShowDialog(s.dlg)
}

// Confirm sends the change; the domain refuses a missing outcome or reason with a message.
func (s *statusDialog) Confirm() {
	if s.confirm != nil && s.confirm.Disabled() {
		return
	}
	ch := posdesk.StatusChange{To: s.t.To, Reason: strings.TrimSpace(s.reason.Text)}
	if i := s.outcome.SelectedIndex(); s.t.NeedsOutcome && i >= 0 {
		ch.Outcome = posdesk.Outcomes[i]
	}
	if err := posdesk.CheckStatusChange(s.d.inc.Status, ch); err != nil {
		setError(s.errLine, i18n.Message(err))
		return
	}
	setError(s.errLine, "")
	if s.confirm != nil {
		s.confirm.Disable()
	}
	s.d.setStatus(ch, func(err error) {
		if s.confirm != nil {
			s.confirm.Enable()
		}
		if err != nil {
			setError(s.errLine, i18n.Message(err))
			return
		}
		if s.dlg != nil {
			s.dlg.Hide()
		}
	})
}

// thumbnail is an attached file's tile: the upright thumbnail (or an icon), its name and caption.
// Tapping an image shows its normalised copy large.
func (d *IncidentDetail) thumbnail(a *posdesk.Attachment) fyne.CanvasObject {
	var pic fyne.CanvasObject
	if len(a.Thumbnail) > 0 {
		img := canvas.NewImageFromResource(fyne.NewStaticResource(fmt.Sprintf("thumb-%d", a.ID), a.Thumbnail))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(160, 150))
		pic = img
	} else {
		icon := widget.NewIcon(theme.FileIcon())
		pic = container.NewGridWrap(fyne.NewSize(160, 150), container.NewCenter(icon))
	}
	name := &widget.Label{Text: a.FileName, Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Bold: true}}
	caption := &widget.Label{Text: a.Caption, Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance}
	if caption.Text == "" {
		caption.Text = i18n.T(a.Kind.Title())
	}
	open := &widget.Button{Icon: theme.ZoomInIcon(), Importance: widget.LowImportance, OnTapped: func() { d.showFile(a.ID) }}
	if !a.IsImage() {
		open.Hide()
	}
	return container.NewBorder(nil, container.NewVBox(container.NewBorder(nil, nil, nil, open, name), caption), nil, nil, pic)
}

// showFile opens an image attachment large (its normalised, upright copy).
func (d *IncidentDetail) showFile(id int64) {
	ctx := d.w.Ctx()
	d.w.Async(func() {
		a, err := d.svc.FindAttachmentByID(ctx, id)
		fyne.Do(func() {
			if err != nil {
				d.w.ShowError(err)
				return
			}
			img := canvas.NewImageFromResource(fyne.NewStaticResource(a.FileName, a.Normalized))
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSize(700, 520))
			dlg := dialog.NewCustom(a.FileName, i18n.T("Close"), img, d.w)
			d.w.ShowDialog(dlg)
		})
	})
}

// onAttach opens the file dialog; the chosen file is checked and stored on its own.
func (d *IncidentDetail) onAttach() {
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		d.AttachFile(rc.URI().Name(), rc, nil)
	}, d.w)
	fd.SetFilter(storage.NewExtensionFileFilter(attachmentExtensions))
	fd.Show()
}

// AttachFile checks and stores one file off the UI goroutine, then shows the files again; a
// refused file's message (naming it and why) goes to done, or to a dialog. r is closed.
func (d *IncidentDetail) AttachFile(name string, r io.ReadCloser, done func(error)) {
	intake, ctx, id := d.w.Services.Intake, d.w.Ctx(), d.id
	d.w.Async(func() {
		defer r.Close()
		a, err := intake(name, r, "", "")
		if err == nil {
			err = d.svc.AddAttachment(ctx, id, a)
		}
		d.changed(err, done)
	})
}

// onErase asks before erasing the customer's personal data.
func (d *IncidentDetail) onErase() {
	msg := i18n.T("Erase the customer's name and phone from %s? The amounts, records and files stay. This cannot be undone.", d.inc.Number)
	dlg := dialog.NewConfirm(i18n.T("Erase customer data"), msg, func(ok bool) {
		if ok {
			d.ErasePersonalData()
		}
	}, d.w)
	d.w.ShowDialog(dlg)
}

// ErasePersonalData erases the customer's name and phone and shows the incident again.
func (d *IncidentDetail) ErasePersonalData() {
	ctx, id := d.w.Ctx(), d.id
	d.w.Async(func() {
		err := d.svc.EraseIncidentPersonalData(ctx, id)
		fyne.Do(func() {
			if err != nil {
				d.w.ShowError(err)
				return
			}
			d.Reload()
		})
	})
}
