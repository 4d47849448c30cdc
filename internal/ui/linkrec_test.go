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

// TestLedgerLogsIncidentForSelectedPayment: the ledger's "Log incident for this payment…" opens
// the Log incident form for the selected record, and the incident saved links that record by
// its ID instead of a new slip.
func TestLedgerLogsIncidentForSelectedPayment(t *testing.T) {
	ledger, incs := newFakeLedger(20), newFakeIncidents()
	cashier := &posdesk.User{Name: "小李", Role: posdesk.RoleCashier}
	w, q := newTestWindow(t, Services{Transactions: ledger.svc, Incidents: incs.svc, Intake: testIntake}, cashier)
	l := ledgerOf(t, w, q)

	if !slices.Contains(l.actions.Objects, fyne.CanvasObject(l.logIncident)) {
		t.Fatal("a cashier, who may log incidents, has no Log incident for this payment… button")
	}
	if !l.logIncident.Disabled() {
		t.Error("Log incident for this payment… is enabled with no record selected")
	}
	const row = 9 // every 10th record of the fake ledger failed
	l.table.Select(widget.TableCellID{Row: row, Col: colAmount})
	rec := l.selectedTx()
	if rec == nil || rec.Status != posdesk.StatusFailed || l.logIncident.Disabled() {
		t.Fatalf("selected %+v, button disabled %v; want the failed record with the button enabled", rec, l.logIncident.Disabled())
	}
	test.Tap(l.logIncident)
	q.drain() // the look-up of incidents already linked to the record
	f := l.incidentForm
	if f == nil || f.Payment() != rec {
		t.Fatal("the button opened no Log incident form for the selected record")
	}
	// Pre-filled: the kind the status suggests, the amount, the time (fixed), and a summary.
	if f.Kind() != posdesk.IncidentChargedButFailed {
		t.Errorf("kind suggested for a failed payment = %q, want charged_but_failed", f.Kind())
	}
	if got, want := f.amount.Text, rec.Amount.Plain(); got != want {
		t.Errorf("amount = %q, want %q", got, want)
	}
	summary := f.paymentSummary()
	for _, part := range []string{fmt.Sprintf("#%d: ", rec.ID), "¥ 10.09", rec.Time.In(shanghai).Format(dateTimeLayout), "Failed", rec.Terminal, rec.Trace, rec.RRN} {
		if !strings.Contains(summary, part) {
			t.Errorf("summary %q lacks %q", summary, part)
		}
	}
	if !f.suggested.Visible() {
		t.Error("the form does not say the kind was suggested")
	}
	test.Tap(f.kindButtons[slices.Index(posdesk.IncidentKinds, posdesk.IncidentNoResponse)]) // the cashier knows better
	if f.suggested.Visible() {
		t.Error("the suggestion note stays after choosing another kind")
	}
	test.Type(f.story, "顾客说被扣了款")
	f.amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter saves
	q.drain()

	if len(incs.created) != 1 {
		t.Fatalf("CreateIncident called %d times, want 1", len(incs.created))
	}
	got := incs.created[0]
	if len(got.Transactions) != 1 || got.Transactions[0].ID != rec.ID {
		t.Fatalf("incident links %+v, want only record %d", got.Transactions, rec.ID)
	}
	if link := *got.Transactions[0]; link != (posdesk.Transaction{ID: rec.ID}) {
		t.Errorf("the link carries slip fields (%+v): the service would treat it as a new record", link)
	}
	if got.Kind != posdesk.IncidentNoResponse || !got.Amount.Equal(rec.Amount) || !got.Time.Equal(rec.Time) || got.Story != "顾客说被扣了款" {
		t.Errorf("incident %s %s %v %q; want no_response, %s at %v", got.Kind, got.Amount.Plain(), got.Time, got.Story, rec.Amount.Plain(), rec.Time)
	}
	if len(ledger.created) != 0 {
		t.Errorf("the ledger got %d new records", len(ledger.created))
	}
	if f.Logged == nil {
		t.Error("no confirmation with the incident's number")
	}
}

// TestLedgerLogIncidentActionFollowsRights: the button is there only for those who may log
// incidents and when incidents can be stored, and never works on a voided record.
func TestLedgerLogIncidentActionFollowsRights(t *testing.T) {
	ledger := newFakeLedger(3)
	ledger.rows[0].VoidedAt, ledger.rows[0].VoidReason = testNow, "entered twice"
	// Without an incident store there is nothing to log into.
	w, q := newTestWindow(t, Services{Transactions: ledger.svc}, owner)
	if l := ledgerOf(t, w, q); slices.Contains(l.actions.Objects, fyne.CanvasObject(l.logIncident)) {
		t.Error("the button shows without an incident service")
	}
	readonly := &posdesk.User{Name: "Auditor", Role: posdesk.RoleCashier, Disabled: true}
	w2, q2 := newTestWindow(t, Services{Transactions: ledger.svc, Incidents: newFakeIncidents().svc}, readonly)
	if l := ledgerOf(t, w2, q2); slices.Contains(l.actions.Objects, fyne.CanvasObject(l.logIncident)) {
		t.Error("the button shows for a user who may not log incidents")
	}
	w3, q3 := newTestWindow(t, Services{Transactions: ledger.svc, Incidents: newFakeIncidents().svc}, owner)
	l := ledgerOf(t, w3, q3)
	l.table.Select(widget.TableCellID{Row: 0, Col: colTime})
	if !l.logIncident.Disabled() {
		t.Error("Log incident for this payment… is enabled on a voided record")
	}
	l.onLogIncident()
	if l.incidentForm != nil {
		t.Error("a form opened for a voided record")
	}
}

func TestSuggestKind(t *testing.T) {
	for _, c := range []struct {
		status posdesk.TxStatus
		want   posdesk.IncidentKind
	}{
		{posdesk.StatusFailed, posdesk.IncidentChargedButFailed},
		{posdesk.StatusNoResponse, posdesk.IncidentNoResponse},
		{posdesk.StatusReversed, posdesk.IncidentApprovedThenReversed},
		{posdesk.StatusApproved, ""},
		{posdesk.StatusSettled, ""},
		{posdesk.StatusDeclined, ""},
	} {
		if got := SuggestKind(c.status); got != c.want {
			t.Errorf("SuggestKind(%s) = %q, want %q", c.status, got, c.want)
		}
	}
}

// TestLogIncidentForPaymentInDatabase runs the linked form against the real store: the incident
// is linked to the existing record and the ledger keeps one record of the payment.
func TestLogIncidentForPaymentInDatabase(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "posdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := posdesk.NewContextWithUser(context.Background(), owner)
	rec := &posdesk.Transaction{Time: testNow.Add(-time.Hour), Amount: posdesk.CNY("58.00"), Kind: posdesk.KindSale,
		Channel: posdesk.ChannelUnknownCard, Status: posdesk.StatusFailed, Terminal: "T0000001", Trace: "000123",
		RRN: "412345678901", Source: posdesk.SourceManual}
	if err := db.CreateTransaction(ctx, rec); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		rows, _, err := db.FindTransactions(ctx, posdesk.TransactionFilter{IncludeVoided: true, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	before := count()
	w, q := newTestWindow(t, Services{Transactions: db, Incidents: db, Intake: testIntake}, owner)
	l := ledgerOf(t, w, q)
	l.table.Select(widget.TableCellID{Row: 0, Col: colAmount})
	test.Tap(l.logIncident)
	q.drain()
	f := l.incidentForm
	test.Tap(f.save)
	q.drain()
	if f.Logged == nil {
		t.Fatalf("not saved; errors: %q %q", f.general.Text, f.errs["transactions"].Text)
	}
	inc, err := db.FindIncidentByID(ctx, f.Logged.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(inc.Transactions) != 1 || inc.Transactions[0].ID != rec.ID || inc.Kind != posdesk.IncidentChargedButFailed {
		t.Errorf("incident %s of kind %s links %d records, want record %d", inc.Number, inc.Kind, len(inc.Transactions), rec.ID)
	}
	if after := count(); after != before {
		t.Errorf("the ledger has %d records after logging, %d before: the payment was recorded twice", after, before)
	}
}

// editableIncidents is fakeIncidents with UpdateIncident applying and checking the change as
// the store does, recording each update.
func editableIncidents() (*fakeIncidents, *[]posdesk.IncidentUpdate) {
	fake := newFakeIncidents()
	var upds []posdesk.IncidentUpdate
	fake.svc.UpdateIncidentFn = func(_ context.Context, id int64, upd posdesk.IncidentUpdate) (*posdesk.Incident, error) {
		upds = append(upds, upd)
		for _, inc := range fake.incs {
			if inc.ID == id {
				c := *inc
				upd.Apply(&c)
				c.Normalize()
				if err := c.Validate(); err != nil {
					return nil, err
				}
				*inc = c
				return inc, nil
			}
		}
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Incident %d does not exist.", id)
	}
	return fake, &upds
}

// TestEditIncidentChangesKind: the incident's Edit… form changes the kind through
// UpdateIncident, sending only what changed.
func TestEditIncidentChangesKind(t *testing.T) {
	fake, upds := editableIncidents()
	inc := fake.add(posdesk.IncidentOther, posdesk.IncidentContacting, 5)
	manager := &posdesk.User{Name: "王经理", Role: posdesk.RoleManager}
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, manager)
	d := NewIncidentDetail(w, inc.ID, nil)
	q.drain()
	d.OpenEditForm()
	f := d.editDlg
	if got, want := f.kind.Selected, KindLabel(posdesk.IncidentOther); got != want {
		t.Errorf("kind shown %q, want the incident's %q", got, want)
	}
	if f.customer[0].Visible() || f.customer[1].Visible() {
		t.Error("customer fields shown for an incident that is no customer refund")
	}
	f.kind.SetSelected(KindLabel(posdesk.IncidentDuplicateCharge))
	test.Tap(f.save)
	q.drain()
	if len(*upds) != 1 {
		t.Fatalf("UpdateIncident called %d times", len(*upds))
	}
	u := (*upds)[0]
	if u.Kind == nil || *u.Kind != posdesk.IncidentDuplicateCharge {
		t.Errorf("update kind = %v, want duplicate_charge", u.Kind)
	}
	if u.Cause != nil || u.Amount != nil || u.Story != nil || u.CaseNumber != nil || u.Deadline != nil || u.CustomerName != nil || u.CustomerPhone != nil {
		t.Errorf("update changes fields nobody touched: %+v", u)
	}
	if inc.Kind != posdesk.IncidentDuplicateCharge || !strings.Contains(d.title.Text, "Charged twice") {
		t.Errorf("after saving: kind %s, title %q", inc.Kind, d.title.Text)
	}
}

// TestEditIncidentKindErrorsAtFields: a refund's customer data blocks another kind; the error
// shows at the customer's fields, and clearing them lets the change through.
func TestEditIncidentKindErrorsAtFields(t *testing.T) {
	setLang(t, i18n.English)
	fake, upds := editableIncidents()
	inc := fake.add(posdesk.IncidentCustomerRefund, posdesk.IncidentOpen, 5)
	inc.CustomerName, inc.CustomerPhone = "王女士", "138 0000 0000"
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, owner)
	d := NewIncidentDetail(w, inc.ID, nil)
	q.drain()
	d.OpenEditForm()
	f := d.editDlg
	if !f.customer[1].Visible() || f.customerName.Text != "王女士" {
		t.Fatal("a refund's customer fields are not shown with its data")
	}
	f.kind.SetSelected(KindLabel(posdesk.IncidentWrongAmount))
	if !f.customer[1].Visible() {
		t.Error("customer fields hidden while they hold data another kind may not keep")
	}
	test.Tap(f.save)
	q.drain()
	line := f.errs.lines["customer"]
	if !line.Visible() || !strings.Contains(line.Text, "only for customer refunds") || inc.Kind != posdesk.IncidentCustomerRefund {
		t.Fatalf("error at the customer fields %q (shown %v), kind now %s", line.Text, line.Visible(), inc.Kind)
	}
	f.customerName.SetText("")
	f.customerPhone.SetText("")
	f.customerPhone.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter saves
	q.drain()
	if inc.Kind != posdesk.IncidentWrongAmount || inc.CustomerName != "" || len(*upds) != 2 {
		t.Errorf("after clearing the customer: kind %s, name %q, %d updates", inc.Kind, inc.CustomerName, len(*upds))
	}
	if line.Visible() {
		t.Error("the error stays after a successful save")
	}
}
