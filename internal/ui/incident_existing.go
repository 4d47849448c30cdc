package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// existingIncidentsLimit is how many of a record's open incidents the warning names.
const existingIncidentsLimit = 20

// checkExistingIncidents looks up the open incidents linked to ledger record t off the UI
// goroutine: with none the Log incident form opens at once, otherwise a dialog names them and
// offers to open one, to log a new incident anyway, or to cancel. The check only advises: if it
// fails, the form opens as before (saving reports any trouble with the database).
func (l *Ledger) checkExistingIncidents(t *posdesk.Transaction) {
	svc, ctx := l.w.Services.Incidents, l.w.Ctx()
	l.w.Async(func() {
		incs, total, err := svc.FindIncidents(ctx, posdesk.IncidentFilter{TransactionID: t.ID, Active: true, Limit: existingIncidentsLimit})
		fyne.Do(func() {
			if err != nil || total == 0 {
				l.incidentForm = OpenLogIncidentFor(l.w, t)
				return
			}
			l.existingDlg = newExistingIncidentsDialog(l, t, incs, total)
			l.existingDlg.show()
		})
	})
}

// existingIncidentsDialog warns that a payment already has open incidents before another is
// logged for it.
type existingIncidentsDialog struct {
	l     *Ledger
	t     *posdesk.Transaction
	incs  []*posdesk.Incident
	total int
	dlg   *dialog.CustomDialog

	// OpenButtons open each incident named, by incident ID; LogAnyway and Cancel are the
	// dialog's own buttons.
	OpenButtons map[int64]*widget.Button
	LogAnyway   *widget.Button
	Cancel      *widget.Button
}

func newExistingIncidentsDialog(l *Ledger, t *posdesk.Transaction, incs []*posdesk.Incident, total int) *existingIncidentsDialog {
	x := &existingIncidentsDialog{l: l, t: t, incs: incs, total: total, OpenButtons: map[int64]*widget.Button{}}
	x.LogAnyway = &widget.Button{Text: i18n.T("Log a new incident anyway"), Icon: theme.WarningIcon(), OnTapped: x.logAnyway}
	x.Cancel = &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { x.hide() }}
	for _, inc := range incs {
		x.OpenButtons[inc.ID] = &widget.Button{Text: i18n.T("Open %s", inc.Number), Icon: theme.NavigateNextIcon(),
			Importance: widget.HighImportance, OnTapped: func() { x.open(inc.ID) }}
	}
	return x
}

// Text returns the lines the dialog shows, for tests and the dialog itself.
func (x *existingIncidentsDialog) Text() []string {
	head := i18n.T("Ledger record #%d is already linked to an open incident.", x.t.ID)
	if x.total > 1 {
		head = i18n.T("Ledger record #%[1]d is already linked to %[2]d open incidents.", x.t.ID, x.total)
	}
	lines := []string{head + " " + i18n.T("Add to the existing incident, unless this is a different problem.")}
	for _, inc := range x.incs {
		lines = append(lines, i18n.T("%[1]s  %[2]s, %[3]s, %[4]s", inc.Number, KindLabel(inc.Kind), i18n.T(inc.Status.Title()), inc.Amount.Display()))
	}
	return lines
}

func (x *existingIncidentsDialog) show() {
	w := x.l.w
	text := x.Text()
	rows := container.NewVBox(&widget.Label{Text: text[0], Wrapping: fyne.TextWrapWord})
	for i, inc := range x.incs {
		rows.Add(container.NewBorder(nil, nil, nil, x.OpenButtons[inc.ID], &widget.Label{Text: text[i+1], Wrapping: fyne.TextWrapWord}))
	}
	x.dlg = dialog.NewCustomWithoutButtons(i18n.T("This payment already has an open incident"), rows, w)
	x.dlg.SetButtons([]fyne.CanvasObject{x.Cancel, x.LogAnyway})
	x.dlg.Resize(fyne.NewSize(640, 0))
	w.ShowDialog(x.dlg)
}

func (x *existingIncidentsDialog) hide() {
	if x.dlg != nil {
		x.dlg.Hide()
	}
}

// logAnyway closes the warning and opens the Log incident form for the payment.
func (x *existingIncidentsDialog) logAnyway() {
	x.hide()
	x.l.incidentForm = OpenLogIncidentFor(x.l.w, x.t)
}

// open closes the warning and shows incident id in the Incidents section.
func (x *existingIncidentsDialog) open(id int64) {
	x.hide()
	w := x.l.w
	if !w.Open(incidentsSectionID) {
		return
	}
	if s, ok := w.Built(incidentsSectionID).(*IncidentsScreen); ok {
		s.OpenDetail(id)
	}
}
