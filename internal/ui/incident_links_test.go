package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// linkDB is a temp-dir database with three records of ¥ 58.00 on one day (the second charge of
// the first, and a voided one) and an incident linked to the first record only.
type linkDB struct {
	db                    *sqlite.DB
	path                  string
	ctx                   context.Context
	first, second, voided *posdesk.Transaction
	inc                   *posdesk.Incident
}

func newLinkDB(t *testing.T) *linkDB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "posdesk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	x := &linkDB{db: db, path: path, ctx: posdesk.NewContextWithUser(context.Background(), owner)}
	rec := func(minutes int, trace, rrn string) *posdesk.Transaction {
		r := &posdesk.Transaction{Time: testNow.Add(-time.Duration(minutes) * time.Minute), Amount: posdesk.CNY("58.00"), Kind: posdesk.KindSale,
			Channel: posdesk.ChannelUnknownCard, Status: posdesk.StatusApproved, Terminal: "T0000001", Trace: trace, RRN: rrn, Source: posdesk.SourceManual}
		if err := db.CreateTransaction(x.ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	x.first, x.second, x.voided = rec(60, "000123", "412345678901"), rec(59, "000124", "412345678902"), rec(58, "000125", "412345678903")
	if err := db.VoidTransaction(x.ctx, x.voided.ID, "entered twice"); err != nil {
		t.Fatal(err)
	}
	x.inc = &posdesk.Incident{Kind: posdesk.IncidentDuplicateCharge, Amount: posdesk.CNY("58.00"), Time: x.first.Time,
		Transactions: []*posdesk.Transaction{{ID: x.first.ID}}}
	if err := db.CreateIncident(x.ctx, x.inc); err != nil {
		t.Fatal(err)
	}
	return x
}

// linked returns the IDs of the ledger records the store links to the incident.
func (x *linkDB) linked(t *testing.T) []int64 {
	t.Helper()
	inc, err := x.db.FindIncidentByID(x.ctx, x.inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range inc.Transactions {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestIncidentLinkAndUnlinkInDatabase: "Link a ledger record…" suggests the records of the
// incident's amount and day, finds others by number or RRN, links through the store (which
// refuses a voided record), and "Unlink…" asks first, then unlinks.
func TestIncidentLinkAndUnlinkInDatabase(t *testing.T) {
	x := newLinkDB(t)
	w, q := newTestWindow(t, Services{Transactions: x.db, Incidents: x.db}, owner)
	d := NewIncidentDetail(w, x.inc.ID, nil)
	q.drain()

	if d.LinkButton == nil {
		t.Fatal("an owner has no Link a ledger record… button")
	}
	if b := d.UnlinkButtons[x.first.ID]; b == nil || !b.Disabled() {
		t.Error("the only linked record can be unlinked (the store refuses it)")
	}
	test.Tap(d.LinkButton)
	q.drain()
	l := d.linkDlg
	if l == nil {
		t.Fatal("no link dialog")
	}
	var suggested []int64
	for _, r := range l.found {
		suggested = append(suggested, r.ID)
	}
	if want := []int64{x.second.ID, x.first.ID}; !slices.Equal(suggested, want) {
		t.Errorf("suggested records %v, want %v (same amount and day, newest first, voided left out)", suggested, want)
	}
	if b := l.buttons[x.first.ID]; !b.Disabled() || b.Text != "Linked already" {
		t.Errorf("the record linked already offers %q (disabled %v)", b.Text, b.Disabled())
	}

	// The voided record, by its number: the store refuses it with its own message.
	test.Type(l.search, fmt.Sprintf("#%d", x.voided.ID))
	l.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	q.drain()
	if len(l.found) != 1 || l.found[0].ID != x.voided.ID {
		t.Fatalf("search by number found %v", l.found)
	}
	test.Tap(l.buttons[x.voided.ID])
	q.drain()
	if !l.errLine.Visible() || !strings.Contains(l.errLine.Text, "was voided") {
		t.Errorf("linking a voided record shows %q", l.errLine.Text)
	}
	if got := x.linked(t); !slices.Equal(got, []int64{x.first.ID}) {
		t.Fatalf("after the refusal the store links %v", got)
	}

	// The second charge, by its RRN.
	l.search.SetText(x.second.RRN)
	l.Search()
	q.drain()
	if len(l.found) != 1 || l.found[0].ID != x.second.ID {
		t.Fatalf("search by RRN found %v", l.found)
	}
	test.Tap(l.buttons[x.second.ID])
	q.drain()
	if got, want := x.linked(t), []int64{x.first.ID, x.second.ID}; !slices.Equal(got, want) {
		t.Fatalf("after linking the store links %v, want %v", got, want)
	}
	if l.errLine.Visible() || len(w.Canvas().Overlays().List()) != 0 {
		t.Errorf("the dialog stays after linking (error %q)", l.errLine.Text)
	}
	if n := len(d.Incident().Transactions); n != 2 || d.UnlinkButtons[x.first.ID].Disabled() {
		t.Fatalf("the detail shows %d records after linking, unlink enabled %v", n, !d.UnlinkButtons[x.first.ID].Disabled())
	}
	if ev := d.Incident().Events; ev[len(ev)-1].Type != posdesk.EventLink || ev[len(ev)-1].RefID != x.second.ID {
		t.Errorf("the timeline's last entry is %+v, want the link of %d", ev[len(ev)-1], x.second.ID)
	}

	// Unlink asks first: cancelling changes nothing, confirming unlinks.
	test.Tap(d.UnlinkButtons[x.first.ID])
	u := d.unlinkDlg
	if u == nil || len(w.Canvas().Overlays().List()) != 1 {
		t.Fatal("Unlink… did not ask for confirmation")
	}
	q.drain()
	if got := x.linked(t); len(got) != 2 {
		t.Fatalf("the record was unlinked before confirming: %v", got)
	}
	test.Tap(u.cancel)
	q.drain()
	if got := x.linked(t); len(got) != 2 || len(w.Canvas().Overlays().List()) != 0 {
		t.Fatalf("after cancelling: links %v, %d dialogs", got, len(w.Canvas().Overlays().List()))
	}
	test.Tap(d.UnlinkButtons[x.first.ID])
	test.Tap(d.unlinkDlg.confirm)
	q.drain()
	if got, want := x.linked(t), []int64{x.second.ID}; !slices.Equal(got, want) {
		t.Fatalf("after unlinking the store links %v, want %v", got, want)
	}
	if len(w.Canvas().Overlays().List()) != 0 || len(d.Incident().Transactions) != 1 {
		t.Errorf("after unlinking: %d dialogs, %d records shown", len(w.Canvas().Overlays().List()), len(d.Incident().Transactions))
	}
}

// TestIncidentLinkActionsFollowRights: a cashier, who may not change incidents, sees the linked
// records without Link or Unlink; on a read-only database the store's refusal shows in the
// user's language, and nothing changes.
func TestIncidentLinkActionsFollowRights(t *testing.T) {
	x := newLinkDB(t)
	cashier := &posdesk.User{Name: "小李", Role: posdesk.RoleCashier}
	w, q := newTestWindow(t, Services{Transactions: x.db, Incidents: x.db}, cashier)
	d := NewIncidentDetail(w, x.inc.ID, nil)
	q.drain()
	if d.Incident() == nil || len(d.txs.Objects) != 1 {
		t.Fatal("the cashier does not see the linked record")
	}
	if d.LinkButton != nil || len(d.UnlinkButtons) != 0 {
		t.Error("a cashier is offered Link or Unlink")
	}

	x.db.Close()
	ro, err := sqlite.OpenReadOnly(x.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		w, q := newTestWindow(t, Services{Transactions: ro, Incidents: ro}, owner)
		setLang(t, lang)
		d := NewIncidentDetail(w, x.inc.ID, nil)
		q.drain()
		test.Tap(d.LinkButton)
		q.drain()
		test.Tap(d.linkDlg.buttons[x.second.ID])
		q.drain()
		_, refusal := ro.UpdateIncident(x.ctx, x.inc.ID, posdesk.IncidentUpdate{Link: []int64{x.second.ID}})
		if refusal == nil {
			t.Fatal("the read-only store accepted a link")
		}
		want := i18n.Message(refusal)
		if lang == i18n.Chinese && want == i18n.MessageIn(i18n.English, refusal) {
			t.Fatalf("the store's refusal %q is not translated", want)
		}
		if got := d.linkDlg.errLine.Text; got != want || !d.linkDlg.errLine.Visible() {
			t.Errorf("%s: a link on a read-only database shows %q, want the store's %q", lang, got, want)
		}
		if inc, err := ro.FindIncidentByID(x.ctx, x.inc.ID); err != nil || len(inc.Transactions) != 1 {
			t.Errorf("%s: the read-only store links %d records (%v)", lang, len(inc.Transactions), err)
		}
	}
}

// TestLedgerWarnsOfOpenIncident: "Log incident for this payment…" on a record with an open
// incident names it and offers to open it, to log a new one anyway, or to cancel; a record whose
// only incident is resolved goes straight to the form.
func TestLedgerWarnsOfOpenIncident(t *testing.T) {
	ledger, incs := newFakeLedger(20), newFakeIncidents()
	open := incs.add(posdesk.IncidentChargedButFailed, posdesk.IncidentContacting, 5)
	done := incs.add(posdesk.IncidentNoResponse, posdesk.IncidentResolved, 5)
	open.Transactions[0].ID = ledger.rows[9].ID
	done.Transactions[0].ID = ledger.rows[3].ID
	w, q := newTestWindow(t, Services{Transactions: ledger.svc, Incidents: incs.svc, Intake: testIntake}, owner)
	l := ledgerOf(t, w, q)
	ask := func(row int) *existingIncidentsDialog {
		t.Helper()
		l.incidentForm, l.existingDlg = nil, nil
		l.table.Select(widget.TableCellID{Row: row, Col: colAmount})
		test.Tap(l.logIncident)
		q.drain()
		return l.existingDlg
	}

	if x := ask(3); x != nil || l.incidentForm == nil || l.incidentForm.Payment() != ledger.rows[3] {
		t.Fatalf("a record with only a resolved incident: warning %v, form %v", x != nil, l.incidentForm != nil)
	}
	l.incidentForm.dlg.Hide()

	x := ask(9)
	if x == nil || l.incidentForm != nil {
		t.Fatalf("a record with an open incident: warning %v, form %v", x != nil, l.incidentForm != nil)
	}
	text := strings.Join(x.Text(), "\n")
	for _, want := range []string{fmt.Sprintf("#%d", ledger.rows[9].ID), open.Number, KindLabel(open.Kind), "Contacting"} {
		if !strings.Contains(text, want) {
			t.Errorf("the warning %q does not name %q", text, want)
		}
	}
	if strings.Contains(text, done.Number) || len(x.OpenButtons) != 1 || x.OpenButtons[open.ID] == nil {
		t.Errorf("the warning offers %d incidents: %q", len(x.OpenButtons), text)
	}
	test.Tap(x.Cancel)
	if l.incidentForm != nil || len(w.Canvas().Overlays().List()) != 0 {
		t.Error("Cancel left a form or dialog open")
	}

	x = ask(9)
	test.Tap(x.LogAnyway)
	if f := l.incidentForm; f == nil || f.Payment() != ledger.rows[9] {
		t.Fatal("Log a new incident anyway opened no form for the record")
	}
	l.incidentForm.dlg.Hide()

	x = ask(9)
	test.Tap(x.OpenButtons[open.ID])
	q.drain()
	s, ok := w.Built(incidentsSectionID).(*IncidentsScreen)
	if !ok || w.Current() != incidentsSectionID || s.Detail() == nil || s.Detail().Incident() == nil || s.Detail().Incident().ID != open.ID {
		t.Fatalf("Open %s did not show the incident (section %q)", open.Number, w.Current())
	}
	if l.incidentForm != nil {
		t.Error("opening the incident also opened the Log incident form")
	}
}

// TestLedgerWarnsOfIncidentInDatabase: after an incident is logged for a payment through the
// ledger, logging again for it warns with that incident's number (the store's filter by record).
func TestLedgerWarnsOfIncidentInDatabase(t *testing.T) {
	x := newLinkDB(t)
	w, q := newTestWindow(t, Services{Transactions: x.db, Incidents: x.db, Intake: testIntake}, owner)
	l := ledgerOf(t, w, q)
	row := func(id int64) int {
		for i := 0; i < l.cache.rows(); i++ {
			if r, _ := l.cache.row(i); r != nil && r.ID == id {
				return i
			}
		}
		t.Fatalf("record %d not in the ledger", id)
		return -1
	}
	l.table.Select(widget.TableCellID{Row: row(x.second.ID), Col: colAmount})
	test.Tap(l.logIncident)
	q.drain()
	if l.existingDlg != nil || l.incidentForm == nil {
		t.Fatal("a record without incidents warned or opened no form")
	}
	l.incidentForm.ChooseKind(posdesk.IncidentDuplicateCharge) // an approved sale suggests no kind
	test.Tap(l.incidentForm.save)
	q.drain()
	logged := l.incidentForm.Logged
	if logged == nil {
		t.Fatal("the incident was not logged")
	}
	l.incidentForm = nil
	test.Tap(l.logIncident)
	q.drain()
	if l.existingDlg == nil || l.incidentForm != nil || !strings.Contains(strings.Join(l.existingDlg.Text(), "\n"), logged.Number) {
		t.Fatalf("logging again for record %d: warning %v, form %v", x.second.ID, l.existingDlg != nil, l.incidentForm != nil)
	}
}
