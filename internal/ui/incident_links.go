package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// linkSearchLimit is how many ledger records one search in the link dialog shows.
const linkSearchLimit = 20

// txLine is a ledger record in two lines: number, time, amount and status, then its identifiers.
func txLine(t *posdesk.Transaction, loc *time.Location) string {
	ids := labelled([2]string{"terminal", t.Terminal}, [2]string{"trace", t.Trace}, [2]string{"RRN", t.RRN}, [2]string{"auth", t.AuthCode}, [2]string{"card", t.Card})
	status := i18n.T(t.Status.Title())
	if t.Voided() {
		status = i18n.T("Voided")
	}
	line := fmt.Sprintf("#%d  %s  %s  %s", t.ID, FormatLocalTime(t.Time, loc), t.Amount.Display(), status)
	return line + "\n" + strings.Join(ids, "  ")
}

// labelled returns "label value" for each pair whose value is not empty, the label translated:
// a ledger record's identifiers ("terminal 61000872", "RRN 261120913375").
func labelled(pairs ...[2]string) []string {
	var out []string
	for _, p := range pairs {
		if p[1] != "" {
			out = append(out, i18n.T(p[0])+" "+p[1])
		}
	}
	return out
}

// renderLinks lists the incident's ledger records, each with "Unlink…" for those who may edit
// the incident, and the "Link a ledger record…" button under them. render calls it.
func (d *IncidentDetail) renderLinks() {
	inc := d.inc
	d.txs.RemoveAll()
	d.UnlinkButtons = map[int64]*widget.Button{}
	d.LinkButton = nil
	edit := d.w.Can(posdesk.ActEditIncident)
	for _, t := range inc.Transactions {
		line := &widget.Label{Text: txLine(t, d.w.Location), Wrapping: fyne.TextWrapWord}
		if !edit {
			d.txs.Add(line)
			continue
		}
		b := &widget.Button{Text: i18n.T("Unlink…"), Icon: theme.ContentRemoveIcon(), Importance: widget.LowImportance, OnTapped: func() { d.ConfirmUnlink(t) }}
		if len(inc.Transactions) == 1 {
			b.Disable() // storage refuses it too; the hint below says why
		}
		d.UnlinkButtons[t.ID] = b
		d.txs.Add(container.NewBorder(nil, nil, nil, container.NewVBox(b), line))
	}
	if !edit {
		return
	}
	if len(inc.Transactions) == 1 {
		d.txs.Add(&widget.Label{Text: i18n.T("An incident keeps at least one ledger record: link the right one first, then unlink the wrong one."),
			Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
	}
	if d.w.Services.Transactions != nil {
		d.LinkButton = &widget.Button{Text: i18n.T("Link a ledger record…"), Icon: theme.ContentAddIcon(), OnTapped: d.OpenLinkDialog}
		d.txs.Add(container.NewHBox(d.LinkButton))
	}
}

// unlinkDialog asks before a ledger record is unlinked from the incident.
type unlinkDialog struct {
	d       *IncidentDetail
	t       *posdesk.Transaction
	errLine *widget.Label
	confirm *widget.Button
	cancel  *widget.Button
	dlg     *dialog.CustomDialog
}

// ConfirmUnlink asks before unlinking ledger record t from the incident; "Unlink" unlinks it.
func (d *IncidentDetail) ConfirmUnlink(t *posdesk.Transaction) {
	u := &unlinkDialog{d: d, t: t, errLine: errorLabel()}
	msg := i18n.T("Unlink ledger record #%[1]d (%[2]s) from %[3]s? The record stays in the ledger, and the timeline notes the change.",
		t.ID, t.Amount.Display(), d.inc.Number)
	u.confirm = &widget.Button{Text: i18n.T("Unlink"), Importance: widget.DangerImportance, OnTapped: u.Confirm}
	u.cancel = &widget.Button{Text: i18n.T("Cancel"), OnTapped: func() { u.dlg.Hide() }}
	u.dlg = dialog.NewCustomWithoutButtons(i18n.T("Unlink ledger record"),
		container.NewVBox(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}, u.errLine), d.w)
	u.dlg.SetButtons([]fyne.CanvasObject{u.cancel, u.confirm})
	u.dlg.Resize(fyne.NewSize(560, 0))
	d.unlinkDlg = u
	d.w.ShowDialog(u.dlg)
}

// Confirm unlinks the record through UpdateIncident, as `posdesk incident edit --unlink` does;
// the dialog closes, or shows why storage refused.
func (u *unlinkDialog) Confirm() {
	if u.confirm.Disabled() {
		return
	}
	u.confirm.Disable()
	setError(u.errLine, "")
	u.d.updateLinks(posdesk.IncidentUpdate{Unlink: []int64{u.t.ID}}, func(err error) {
		u.confirm.Enable()
		if err != nil {
			setError(u.errLine, i18n.Message(err))
			return
		}
		u.dlg.Hide()
	})
}

// updateLinks sends upd off the UI goroutine, then reloads the incident. The error goes to done,
// or to a dialog.
func (d *IncidentDetail) updateLinks(upd posdesk.IncidentUpdate, done func(error)) {
	ctx, id, svc := d.w.Ctx(), d.id, d.svc
	d.w.Async(func() {
		_, err := svc.UpdateIncident(ctx, id, upd)
		d.changed(err, done)
	})
}

// OpenLinkDialog opens the dialog that finds a ledger record and links it to the incident.
func (d *IncidentDetail) OpenLinkDialog() {
	d.linkDlg = newLinkRecordDialog(d)
	d.linkDlg.show()
}

// linkRecordDialog finds ledger records by number (#12) or the ledger's search (RRN, trace, auth
// code, card last 4, note) and links the one chosen. Before any search it suggests the records
// of the incident's amount on the incident's day, e.g. the second charge of a duplicate.
type linkRecordDialog struct {
	d       *IncidentDetail
	search  *Entry
	state   *widget.Label
	results *fyne.Container
	errLine *widget.Label
	dlg     *dialog.CustomDialog
	gen     int // search generation: answers to older searches are dropped

	found   []*posdesk.Transaction
	buttons map[int64]*widget.Button // each result's Link button
}

func newLinkRecordDialog(d *IncidentDetail) *linkRecordDialog {
	l := &linkRecordDialog{d: d, search: d.w.NewEntry(), state: &widget.Label{Wrapping: fyne.TextWrapWord},
		results: container.NewVBox(), errLine: errorLabel(), buttons: map[int64]*widget.Button{}}
	l.search.SetPlaceHolder(i18n.T("Record number (e.g. #12), RRN, trace, auth code or card last 4, then Enter"))
	l.search.OnSubmitted = func(string) { l.Search() }
	return l
}

func (l *linkRecordDialog) show() {
	w := l.d.w
	find := &widget.Button{Icon: theme.SearchIcon(), OnTapped: l.Search}
	body := container.NewVBox(container.NewBorder(nil, nil, nil, find, l.search), l.errLine, l.state, l.results)
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(640, 380))
	l.dlg = dialog.NewCustom(i18n.T("Link a ledger record to %s", l.d.inc.Number), i18n.T("Close"), scroll, w)
	w.ShowDialog(l.dlg)
	w.Canvas().Focus(l.search)
	l.suggest()
}

// suggest lists the records of the incident's amount on its day (voided ones left out).
func (l *linkRecordDialog) suggest() {
	inc, loc := l.d.inc, l.d.w.Location
	t := inc.Time.In(loc)
	from := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	amount := inc.Amount
	f := posdesk.TransactionFilter{From: from, To: from.AddDate(0, 0, 1), MinAmount: &amount, MaxAmount: &amount, Limit: linkSearchLimit}
	l.run(0, f, i18n.T("Records of %[1]s on %[2]s:", amount.Display(), from.Format("2006-01-02")))
}

// Search finds the records the search box names: the record of that number, and the records the
// ledger's search finds for the text.
func (l *linkRecordDialog) Search() {
	q := strings.TrimSpace(l.search.Text)
	if q == "" {
		l.suggest()
		return
	}
	var id int64
	if n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil && n > 0 {
		id = n
	}
	f := posdesk.TransactionFilter{Query: q, IncludeVoided: true, Limit: linkSearchLimit}
	if strings.HasPrefix(q, "#") {
		f.Query = "" // a record number only
	}
	l.run(id, f, i18n.T("Records found for %q:", q))
}

// run looks up record id (if not 0) and the records of f (unless f has neither query nor dates),
// then lists them under heading.
func (l *linkRecordDialog) run(id int64, f posdesk.TransactionFilter, heading string) {
	l.gen++
	gen := l.gen
	setError(l.errLine, "")
	l.state.Importance = widget.LowImportance
	l.state.SetText(i18n.T("Searching…"))
	svc, ctx := l.d.w.Services.Transactions, l.d.w.Ctx()
	byFilter := f.Query != "" || !f.From.IsZero()
	l.d.w.Async(func() {
		var found []*posdesk.Transaction
		var err error
		if id != 0 {
			t, ferr := svc.FindTransactionByID(ctx, id)
			var pe *posdesk.Error
			switch {
			case ferr == nil:
				found = append(found, t)
			case errors.As(ferr, &pe) && pe.Code == posdesk.ENOTFOUND:
			default:
				err = ferr
			}
		}
		if err == nil && byFilter {
			var rows []*posdesk.Transaction
			rows, _, err = svc.FindTransactions(ctx, f)
			for _, r := range rows {
				if id == 0 || r.ID != id {
					found = append(found, r)
				}
			}
		}
		fyne.Do(func() {
			if gen != l.gen {
				return
			}
			if err != nil {
				l.state.Importance = widget.DangerImportance
				l.state.SetText(i18n.T("Could not search the ledger: %s", i18n.Message(err)))
				return
			}
			l.list(found, heading)
		})
	})
}

// list shows the records found, each with its Link button; a record already linked says so.
func (l *linkRecordDialog) list(found []*posdesk.Transaction, heading string) {
	l.found = found
	l.buttons = map[int64]*widget.Button{}
	l.results.RemoveAll()
	l.state.Importance = widget.MediumImportance
	if len(found) == 0 {
		heading = i18n.T("No ledger record found. Type the record's number (e.g. #12) or its RRN, trace, auth code or card last 4.")
		l.state.Importance = widget.LowImportance
	}
	l.state.SetText(heading)
	linked := map[int64]bool{}
	for _, t := range l.d.inc.Transactions {
		linked[t.ID] = true
	}
	for _, t := range found {
		b := &widget.Button{Text: i18n.T("Link"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: func() { l.Link(t.ID) }}
		if linked[t.ID] {
			b.Text, b.Icon, b.Importance = i18n.T("Linked already"), theme.ConfirmIcon(), widget.LowImportance
			b.Disable()
		}
		l.buttons[t.ID] = b
		l.results.Add(container.NewBorder(nil, nil, nil, container.NewVBox(b), &widget.Label{Text: txLine(t, l.d.w.Location), Wrapping: fyne.TextWrapWord}))
	}
	l.results.Refresh()
}

// Link links ledger record txID through UpdateIncident, as `posdesk incident edit --link` does;
// the dialog closes, or shows why storage refused (a voided record, one linked already).
func (l *linkRecordDialog) Link(txID int64) {
	b := l.buttons[txID]
	if b != nil {
		if b.Disabled() {
			return
		}
		b.Disable()
	}
	setError(l.errLine, "")
	l.d.updateLinks(posdesk.IncidentUpdate{Link: []int64{txID}}, func(err error) {
		if b != nil {
			b.Enable()
		}
		if err != nil {
			setError(l.errLine, i18n.Message(err))
			return
		}
		if l.dlg != nil {
			l.dlg.Hide()
		}
	})
}
