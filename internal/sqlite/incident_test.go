package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// actingAs returns a context acting as a member of staff with the given role.
func actingAs(name string, role posdesk.Role) context.Context {
	return posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: name, Role: role})
}

var slipTime = time.Date(2026, 9, 20, 6, 30, 0, 0, time.UTC)

// MustCreateIncident logs an incident of kind from a slip and fails the test on error.
func MustCreateIncident(tb testing.TB, db *sqlite.DB, ctx context.Context, kind posdesk.IncidentKind, amount, rrn string) *posdesk.Incident {
	tb.Helper()
	inc := &posdesk.Incident{Kind: kind, Story: "terminal said failed", Transactions: []*posdesk.Transaction{
		posdesk.NewSlip(kind, slipTime, posdesk.CNY(amount), "61000042", "", rrn),
	}}
	if err := db.CreateIncident(ctx, inc); err != nil {
		tb.Fatal(err)
	}
	return inc
}

func countRows(tb testing.TB, db *sqlite.DB, table string) int {
	tb.Helper()
	var n int
	if err := db.Reader().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestCreateIncidentFromSlipCreatesTransaction(t *testing.T) {
	db := MustOpenDB(t)
	ctx := actingAs("li", posdesk.RoleCashier)
	inc := MustCreateIncident(t, db, ctx, posdesk.IncidentChargedButFailed, "58.00", "260920000501")
	if got, want := inc.Number, "INC-2026-0001"; got != want {
		t.Errorf("number %q, want %q", got, want)
	}
	if got, want := countRows(t, db, "transactions"), 1; got != want {
		t.Fatalf("%d ledger records, want %d", got, want)
	}
	got, err := db.FindIncidentByID(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Transactions) != 1 || got.Transactions[0].Status != posdesk.StatusFailed || got.Transactions[0].RRN != "260920000501" {
		t.Fatalf("linked records %+v", got.Transactions)
	}
	if got.Amount.Plain() != "58.00" || !got.Time.Equal(slipTime) || got.Status != posdesk.IncidentOpen || got.Cause != posdesk.CauseUnknown {
		t.Errorf("incident %+v", got)
	}
	if got.CreatedBy != "li" || len(got.Events) != 1 || got.Events[0].Type != posdesk.EventCreated {
		t.Errorf("created by %q, events %+v", got.CreatedBy, got.Events)
	}
	// The number is per year and counts up; FindIncidentByNumber accepts the short form.
	second := MustCreateIncident(t, db, ctx, posdesk.IncidentDuplicateCharge, "12.50", "")
	if second.Number != "INC-2026-0002" {
		t.Errorf("second number %q", second.Number)
	}
	byNum, err := db.FindIncidentByNumber(ctx, "inc-2026-2")
	if err != nil || byNum.ID != second.ID {
		t.Errorf("FindIncidentByNumber: %v %v", byNum, err)
	}
	if _, err := db.FindIncidentByNumber(ctx, "INC-2026-0099"); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("missing number: %v", err)
	}
	// Every change is audited.
	var audits int
	db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('transaction.create', 'incident.create')`).Scan(&audits)
	if audits != 4 {
		t.Errorf("%d audit entries, want 4", audits)
	}
}

func TestCreateIncidentLinksExistingRecords(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	a := &posdesk.Transaction{Time: slipTime, Amount: posdesk.CNY("99.00"), Terminal: "61000042", Trace: "000777", RRN: "260920000777"}
	b := &posdesk.Transaction{Time: slipTime.Add(time.Minute), Amount: posdesk.CNY("99.00"), Terminal: "61000042", Trace: "000778"}
	for _, tx := range []*posdesk.Transaction{a, b} {
		if err := db.CreateTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
	}
	// Both charges linked by ID; the slip with a's RRN links a instead of making a third record.
	inc := &posdesk.Incident{Kind: posdesk.IncidentDuplicateCharge, Transactions: []*posdesk.Transaction{{ID: b.ID}, posdesk.NewSlip(posdesk.IncidentDuplicateCharge, slipTime, posdesk.CNY("99.00"), "", "", "260920000777")}}
	if err := db.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "transactions"); n != 2 {
		t.Errorf("%d ledger records, want 2 (the slip matched by RRN)", n)
	}
	if got := inc.TransactionIDs(); len(got) != 2 || got[0] != b.ID || got[1] != a.ID {
		t.Errorf("linked %v, want [%d %d]", got, b.ID, a.ID)
	}
	if !inc.Amount.Equal(posdesk.CNY("99.00")) {
		t.Errorf("amount %v not taken from the first record", inc.Amount)
	}
	// Terminal + trace + amount on the same day also matches.
	inc2 := &posdesk.Incident{Kind: posdesk.IncidentWrongAmount, Transactions: []*posdesk.Transaction{posdesk.NewSlip(posdesk.IncidentWrongAmount, slipTime.Add(2*time.Hour), posdesk.CNY("99"), "61000042", "000778", "")}}
	if err := db.CreateIncident(ctx, inc2); err != nil {
		t.Fatal(err)
	}
	if inc2.Transactions[0].ID != b.ID {
		t.Errorf("terminal+trace slip linked %d, want %d", inc2.Transactions[0].ID, b.ID)
	}
	found, total, err := db.FindIncidents(ctx, posdesk.IncidentFilter{TransactionID: b.ID})
	if err != nil || total != 2 || len(found) != 2 {
		t.Errorf("incidents of record %d: %d (%v)", b.ID, total, err)
	}
}

func TestCreateIncidentAllOrNothing(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	voided := &posdesk.Transaction{Time: slipTime, Amount: posdesk.CNY("10")}
	if err := db.CreateTransaction(ctx, voided); err != nil {
		t.Fatal(err)
	}
	if err := db.VoidTransaction(ctx, voided.ID, "typo"); err != nil {
		t.Fatal(err)
	}
	before := countRows(t, db, "transactions")
	for _, tc := range []struct {
		name  string
		inc   *posdesk.Incident
		field string
	}{
		{"no records", &posdesk.Incident{Kind: posdesk.IncidentOther}, "transactions"},
		{"missing record", &posdesk.Incident{Kind: posdesk.IncidentOther, Transactions: []*posdesk.Transaction{
			posdesk.NewSlip(posdesk.IncidentOther, slipTime, posdesk.CNY("5"), "", "", ""), {ID: 999}}}, "transactions"},
		{"voided record", &posdesk.Incident{Kind: posdesk.IncidentOther, Transactions: []*posdesk.Transaction{{ID: voided.ID}}}, "transactions"},
		{"bad slip and bad incident", &posdesk.Incident{Kind: "broken", Transactions: []*posdesk.Transaction{
			posdesk.NewSlip(posdesk.IncidentOther, slipTime, posdesk.CNY("5"), "61-00", "", "")}}, "terminal"},
		{"customer on the wrong kind", &posdesk.Incident{Kind: posdesk.IncidentOther, CustomerPhone: "13800138000", Transactions: []*posdesk.Transaction{
			posdesk.NewSlip(posdesk.IncidentOther, slipTime, posdesk.CNY("5"), "", "", "")}}, "customer"},
	} {
		err := db.CreateIncident(ctx, tc.inc)
		if posdesk.ErrorField(err) != tc.field {
			t.Errorf("%s: %v (field %q), want field %q", tc.name, err, posdesk.ErrorField(err), tc.field)
		}
	}
	// Both problems of the bad slip and incident are reported at once.
	err := db.CreateIncident(ctx, &posdesk.Incident{Kind: "broken", Transactions: []*posdesk.Transaction{posdesk.NewSlip(posdesk.IncidentOther, slipTime, posdesk.CNY("5"), "61-00", "", "")}})
	var es posdesk.Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Errorf("want 2 errors at once, got %v", err)
	}
	if got := countRows(t, db, "transactions"); got != before {
		t.Errorf("ledger records %d, want %d: a refused incident left a record behind", got, before)
	}
	if got := countRows(t, db, "incidents"); got != 0 {
		t.Errorf("%d incidents saved", got)
	}
}

func TestWorkflowThroughStorage(t *testing.T) {
	db := MustOpenDB(t)
	mgr := actingAs("wang", posdesk.RoleManager)
	inc := MustCreateIncident(t, db, mgr, posdesk.IncidentNoResponse, "30", "")
	steps := []struct {
		ch    posdesk.StatusChange
		ok    bool
		after posdesk.IncidentStatus
	}{
		{posdesk.StatusChange{To: posdesk.IncidentClosed}, false, posdesk.IncidentOpen},
		{posdesk.StatusChange{To: posdesk.IncidentContacting}, true, posdesk.IncidentContacting},
		{posdesk.StatusChange{To: posdesk.IncidentResolved}, false, posdesk.IncidentContacting}, // no outcome
		{posdesk.StatusChange{To: posdesk.IncidentWaitingForBank}, true, posdesk.IncidentWaitingForBank},
		{posdesk.StatusChange{To: posdesk.IncidentResolved, Outcome: posdesk.OutcomeCreditedToShop}, true, posdesk.IncidentResolved},
		{posdesk.StatusChange{To: posdesk.IncidentClosed}, true, posdesk.IncidentClosed},
		{posdesk.StatusChange{To: posdesk.IncidentOpen}, false, posdesk.IncidentClosed}, // no reason
		{posdesk.StatusChange{To: posdesk.IncidentOpen, Reason: "credit was reversed by the acquirer"}, true, posdesk.IncidentOpen},
	}
	for i, s := range steps {
		_, err := db.SetIncidentStatus(mgr, inc.ID, s.ch)
		if (err == nil) != s.ok {
			t.Errorf("step %d (%s): err %v, want ok=%v", i, s.ch.To, err, s.ok)
		}
		got, err := db.FindIncidentByID(mgr, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != s.after {
			t.Errorf("step %d: status %s, want %s", i, got.Status, s.after)
		}
	}
	got, _ := db.FindIncidentByID(mgr, inc.ID)
	if got.Outcome != "" || !got.ResolvedAt.IsZero() {
		t.Errorf("reopened incident kept outcome %q / resolved at %v", got.Outcome, got.ResolvedAt)
	}
	var types []string
	for _, e := range got.Events {
		types = append(types, string(e.Type))
	}
	if got, want := strings.Join(types, ","), "created,status,status,status,status,reopen"; got != want {
		t.Errorf("timeline %s, want %s", got, want)
	}
	last := got.Events[len(got.Events)-1]
	if last.Detail != "credit was reversed by the acquirer" || last.From != posdesk.IncidentClosed || last.Actor != "wang" {
		t.Errorf("reopen event %+v", last)
	}
	resolved := got.Events[3]
	if resolved.To != posdesk.IncidentResolved || resolved.Outcome != posdesk.OutcomeCreditedToShop {
		t.Errorf("resolve event %+v", resolved)
	}
}

func TestPermissions(t *testing.T) {
	db := MustOpenDB(t)
	cashier := actingAs("li", posdesk.RoleCashier)
	manager := actingAs("wang", posdesk.RoleManager)
	inc := MustCreateIncident(t, db, cashier, posdesk.IncidentChargedButFailed, "58", "")
	story := "changed"
	for _, tc := range []struct {
		name string
		ctx  context.Context
		do   func(ctx context.Context) error
		ok   bool
	}{
		{"cashier status", cashier, func(ctx context.Context) error {
			_, err := db.SetIncidentStatus(ctx, inc.ID, posdesk.StatusChange{To: posdesk.IncidentContacting})
			return err
		}, false},
		{"cashier edit", cashier, func(ctx context.Context) error {
			_, err := db.UpdateIncident(ctx, inc.ID, posdesk.IncidentUpdate{Story: &story})
			return err
		}, false},
		{"cashier contact", cashier, func(ctx context.Context) error {
			return db.AddContact(ctx, &posdesk.Contact{IncidentID: inc.ID, Channel: posdesk.ContactPhone, Party: posdesk.PartyAcquirer, Summary: "called"})
		}, true},
		{"manager erase", manager, func(ctx context.Context) error { return db.EraseIncidentPersonalData(ctx, inc.ID) }, false},
		{"cashier packet", cashier, func(ctx context.Context) error {
			return db.SetPacketHash(ctx, inc.ID, strings.Repeat("ab", 32), time.Time{})
		}, false},
		{"no user", context.Background(), func(ctx context.Context) error {
			return db.CreateIncident(ctx, &posdesk.Incident{Kind: posdesk.IncidentOther, Transactions: []*posdesk.Transaction{{ID: inc.Transactions[0].ID}}})
		}, false},
		{"manager status", manager, func(ctx context.Context) error {
			_, err := db.SetIncidentStatus(ctx, inc.ID, posdesk.StatusChange{To: posdesk.IncidentContacting})
			return err
		}, true},
	} {
		err := tc.do(tc.ctx)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
			t.Errorf("%s: %v, want EFORBIDDEN", tc.name, err)
		}
	}
	var denied int
	db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = 'incident'`).Scan(&denied)
	if denied != 5 {
		t.Errorf("%d denials audited, want 5", denied)
	}
	got, _ := db.FindIncidentByID(cashier, inc.ID)
	if got.Story != "terminal said failed" || got.Status != posdesk.IncidentContacting {
		t.Errorf("after refused changes: story %q status %s", got.Story, got.Status)
	}
}

func TestUpdateIncidentFieldsAndLinks(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	inc := MustCreateIncident(t, db, ctx, posdesk.IncidentDuplicateCharge, "45.00", "260920000001")
	other := &posdesk.Transaction{Time: slipTime, Amount: posdesk.CNY("45.00"), RRN: "260920000002"}
	if err := db.CreateTransaction(ctx, other); err != nil {
		t.Fatal(err)
	}
	cause := posdesk.CauseTerminalSoftware
	deadline := posdesk.NewDate(2026, 10, 20)
	source := "visa"
	caseNo := "GD20260921-88"
	got, err := db.UpdateIncident(ctx, inc.ID, posdesk.IncidentUpdate{Cause: &cause, Deadline: &deadline, DeadlineSource: &source, CaseNumber: &caseNo, Link: []int64{other.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Cause != cause || got.Deadline != deadline || got.DeadlineSource != "visa" || got.CaseNumber != caseNo || len(got.Transactions) != 2 {
		t.Errorf("after update: %+v", got)
	}
	n := len(got.Events)
	if n != 3 || got.Events[1].Type != posdesk.EventEdit || got.Events[1].Detail != "cause, case_number, deadline, deadline_source" || got.Events[2].Type != posdesk.EventLink || got.Events[2].RefID != other.ID {
		for _, e := range got.Events {
			t.Logf("event %+v", e)
		}
		t.Errorf("timeline after update wrong")
	}
	if _, err := db.UpdateIncident(ctx, inc.ID, posdesk.IncidentUpdate{Link: []int64{other.ID}}); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("linking twice: %v", err)
	}
	if _, err := db.UpdateIncident(ctx, inc.ID, posdesk.IncidentUpdate{Unlink: []int64{inc.Transactions[0].ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateIncident(ctx, inc.ID, posdesk.IncidentUpdate{Unlink: []int64{other.ID}}); posdesk.ErrorField(err) != "transactions" {
		t.Errorf("unlinking the last record: %v", err)
	}
	// Case number and linked RRN are searchable.
	for _, q := range []string{caseNo, "260920000002", "INC-2026-0001", "said fail"} {
		if _, total, err := db.FindIncidents(ctx, posdesk.IncidentFilter{Query: q}); err != nil || total != 1 {
			t.Errorf("query %q: %d (%v)", q, total, err)
		}
	}
	if _, total, _ := db.FindIncidents(ctx, posdesk.IncidentFilter{Query: "260920000001"}); total != 0 {
		t.Errorf("unlinked RRN still finds the incident")
	}
}

func TestFindAndCountIncidents(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	mk := func(kind posdesk.IncidentKind, cause posdesk.Cause, deadline posdesk.Date) *posdesk.Incident {
		inc := &posdesk.Incident{Kind: kind, Cause: cause, Deadline: deadline, Transactions: []*posdesk.Transaction{posdesk.NewSlip(kind, slipTime, posdesk.CNY("10"), "", "", "")}}
		if err := db.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
		return inc
	}
	today := posdesk.NewDate(2026, 9, 25)
	a := mk(posdesk.IncidentChargedButFailed, posdesk.CauseNetwork, posdesk.NewDate(2026, 9, 24)) // overdue
	mk(posdesk.IncidentChargedButFailed, posdesk.CauseNetwork, posdesk.NewDate(2026, 9, 25))      // due today
	c := mk(posdesk.IncidentDuplicateCharge, posdesk.CauseTerminalSoftware, posdesk.NewDate(2026, 9, 1))
	mk(posdesk.IncidentCustomerRefund, "", posdesk.Date{})
	if _, err := db.SetIncidentStatus(ctx, c.ID, posdesk.StatusChange{To: posdesk.IncidentResolved, Outcome: posdesk.OutcomeRefundedToCustomer}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    posdesk.IncidentFilter
		want int
	}{
		{"all", posdesk.IncidentFilter{}, 4},
		{"open", posdesk.IncidentFilter{Status: posdesk.IncidentOpen}, 3},
		{"active", posdesk.IncidentFilter{Active: true}, 3},
		{"kind", posdesk.IncidentFilter{Kind: posdesk.IncidentChargedButFailed}, 2},
		{"cause", posdesk.IncidentFilter{Cause: posdesk.CauseNetwork}, 2},
		{"overdue", posdesk.IncidentFilter{OverdueOn: today}, 1}, // c is overdue by date but resolved
		{"page", posdesk.IncidentFilter{Limit: 2, Offset: 3}, 1},
	} {
		got, total, err := db.FindIncidents(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("%s: %d incidents (total %d), want %d", tc.name, len(got), total, tc.want)
		}
	}
	page, total, _ := db.FindIncidents(ctx, posdesk.IncidentFilter{Limit: 2})
	if total != 4 || len(page) != 2 || page[0].ID <= page[1].ID || len(page[0].Transactions) != 1 {
		t.Errorf("newest-first page: total %d, %d rows", total, len(page))
	}
	overdue, _, _ := db.FindIncidents(ctx, posdesk.IncidentFilter{OverdueOn: today})
	if len(overdue) == 1 && overdue[0].ID != a.ID {
		t.Errorf("overdue incident %d, want %d", overdue[0].ID, a.ID)
	}
	counts, err := db.CountIncidents(ctx, posdesk.IncidentFilter{Kind: posdesk.IncidentChargedButFailed}, today)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Total != 2 || counts.Overdue != 1 || counts.ByStatus[posdesk.IncidentOpen] != 2 || counts.ByCause[posdesk.CauseNetwork] != 2 {
		t.Errorf("counts %+v", counts)
	}
	// The kind breakdown ignores the kind filter, so every kind's count is shown.
	if counts.ByKind[posdesk.IncidentDuplicateCharge] != 1 || counts.ByKind[posdesk.IncidentChargedButFailed] != 2 || counts.ByKind[posdesk.IncidentCustomerRefund] != 1 {
		t.Errorf("by kind %v", counts.ByKind)
	}
}

func TestContactsAndErasePersonalData(t *testing.T) {
	db := MustOpenDB(t)
	owner := Owner()
	inc := &posdesk.Incident{Kind: posdesk.IncidentCustomerRefund, CustomerName: "王秀英", CustomerPhone: "138 0013 8000",
		Transactions: []*posdesk.Transaction{posdesk.NewSlip(posdesk.IncidentCustomerRefund, slipTime, posdesk.CNY("268.00"), "61000042", "000321", "")}}
	if err := db.CreateIncident(owner, inc); err != nil {
		t.Fatal(err)
	}
	contacts := []*posdesk.Contact{
		{IncidentID: inc.ID, Time: slipTime.Add(time.Hour), Channel: posdesk.ContactPhone, Party: posdesk.PartyAcquirer, Person: "客服 张", Ticket: "GD-1", Summary: "refund via original route", NextStep: "check credit", Due: posdesk.NewDate(2026, 9, 23)},
		{IncidentID: inc.ID, Time: slipTime.Add(2 * time.Hour), Channel: posdesk.ContactWeChat, Party: posdesk.PartyCustomer, Person: "王秀英", Summary: "told her 3-7 working days"},
	}
	for _, c := range contacts {
		if err := db.AddContact(owner, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddContact(owner, &posdesk.Contact{IncidentID: 999, Channel: posdesk.ContactPhone, Party: posdesk.PartyAcquirer, Summary: "x"}); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("contact on a missing incident: %v", err)
	}
	if err := db.EraseIncidentPersonalData(owner, inc.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindIncidentByID(owner, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CustomerName != "" || got.CustomerPhone != "" || got.PersonalErasedAt.IsZero() {
		t.Errorf("personal data kept: %q %q", got.CustomerName, got.CustomerPhone)
	}
	if got.Amount.Plain() != "268.00" || len(got.Transactions) != 1 || got.Transactions[0].Amount.Plain() != "268.00" {
		t.Errorf("financial record changed: %v %+v", got.Amount, got.Transactions)
	}
	if len(got.Contacts) != 2 || got.Contacts[0].Person != "客服 张" || got.Contacts[1].Person != "" || got.Contacts[1].Summary == "" {
		t.Errorf("contacts after erase: %+v %+v", got.Contacts[0], got.Contacts[1])
	}
	if got.Contacts[0].Due != posdesk.NewDate(2026, 9, 23) || got.ContactCount != 2 {
		t.Errorf("due %s, count %d", got.Contacts[0].Due, got.ContactCount)
	}
	// The customer's name and phone never reached the audit trail or the timeline.
	for _, q := range []string{
		`SELECT count(*) FROM audit_log WHERE old || new LIKE '%王秀英%' OR old || new LIKE '%0013%'`,
		`SELECT count(*) FROM incident_events WHERE detail LIKE '%王秀英%' OR detail LIKE '%0013%'`,
	} {
		var n int
		if err := db.Reader().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("personal data found by %s", q)
		}
	}
	var types []string
	for _, e := range got.Events {
		types = append(types, string(e.Type))
	}
	if got, want := strings.Join(types, ","), "created,contact,contact,erased"; got != want {
		t.Errorf("timeline %s, want %s", got, want)
	}
}

func TestSetPacketHash(t *testing.T) {
	db := MustOpenDB(t)
	ctx := actingAs("wang", posdesk.RoleManager)
	inc := MustCreateIncident(t, db, ctx, posdesk.IncidentPostingFailure, "500", "")
	sha := strings.Repeat("0f", 32)
	at := time.Date(2026, 9, 21, 8, 0, 0, 0, time.UTC)
	if err := db.SetPacketHash(ctx, inc.ID, strings.ToUpper(sha), at); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPacketHash(ctx, inc.ID, "abc", at); posdesk.ErrorField(err) != "sha256" {
		t.Errorf("short hash: %v", err)
	}
	got, _ := db.FindIncidentByID(ctx, inc.ID)
	if got.PacketSHA256 != sha || !got.PacketAt.Equal(at) || got.Events[len(got.Events)-1].Type != posdesk.EventPacket {
		t.Errorf("packet %q at %v", got.PacketSHA256, got.PacketAt)
	}
}

func TestIncidentStorageKeepsCardNumbersMasked(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	card := luhn("622848001234567")
	inc := &posdesk.Incident{Kind: posdesk.IncidentOther, Story: "customer showed card " + card, CaseNumber: card,
		Transactions: []*posdesk.Transaction{posdesk.NewSlip(posdesk.IncidentOther, slipTime, posdesk.CNY("1"), "", "", "")}}
	if err := db.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	if err := db.AddContact(ctx, &posdesk.Contact{IncidentID: inc.ID, Channel: posdesk.ContactPhone, Party: posdesk.PartyIssuingBank, Summary: "card " + card, Ticket: card}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetIncidentStatus(ctx, inc.ID, posdesk.StatusChange{To: posdesk.IncidentContacting, Reason: "card " + card}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM incidents WHERE story LIKE ?1 OR case_number LIKE ?1`,
		`SELECT count(*) FROM contacts WHERE summary LIKE ?1 OR ticket LIKE ?1`,
		`SELECT count(*) FROM incident_events WHERE detail LIKE ?1`,
		`SELECT count(*) FROM audit_log WHERE old LIKE ?1 OR new LIKE ?1`,
	} {
		var n int
		if err := db.Reader().QueryRow(q, "%"+card+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("full card number stored: %s", q)
		}
	}
}

func luhn(prefix string) string {
	for d := '0'; d <= '9'; d++ {
		if n := prefix + string(d); posdesk.Luhn(n) {
			return n
		}
	}
	panic("unreachable")
}

// pngFile returns a small PNG image made in code.
func pngFile(tb testing.TB, w, h int, shade uint8) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{shade, uint8(x), uint8(y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestAttachmentsThroughStorage(t *testing.T) {
	db := MustOpenDB(t)
	ctx := actingAs("li", posdesk.RoleCashier)
	inc := MustCreateIncident(t, db, ctx, posdesk.IncidentChargedButFailed, "58", "")
	intake := func(name string, data []byte) (*posdesk.Attachment, error) {
		return attach.Intake(name, bytes.NewReader(data), attach.Options{Caption: "slip"})
	}
	good, err := intake("sms.png", pngFile(t, 320, 200, 10))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddAttachment(ctx, inc.ID, good); err != nil {
		t.Fatal(err)
	}
	// Bad files are refused by the intake, before storage: nothing is saved for them.
	full := pngFile(t, 320, 200, 99)
	for name, data := range map[string][]byte{
		"cut.png":   full[:len(full)/2],
		"empty.jpg": nil,
		"notes.jpg": []byte("this is a text file, not a photo\n"),
	} {
		if _, err := intake(name, data); err == nil {
			t.Errorf("%s accepted", name)
		} else if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: message does not name the file: %v", name, err)
		}
	}
	// An attachment whose data does not match its checksum is refused by storage.
	broken, _ := intake("other.png", full)
	broken.Original = broken.Original[:len(broken.Original)-1]
	broken.Size--
	if err := db.AddAttachment(ctx, inc.ID, broken); posdesk.ErrorField(err) != "file" {
		t.Errorf("checksum mismatch: %v", err)
	}
	// The same file twice is a clear conflict naming it.
	again, _ := intake("sms-copy.png", pngFile(t, 320, 200, 10))
	err = db.AddAttachment(ctx, inc.ID, again)
	if posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), "sms.png") || !strings.Contains(err.Error(), inc.Number) {
		t.Errorf("duplicate: %v", err)
	}
	// A second good file is kept beside the first; the incident is intact.
	second, _ := intake("receipt.png", full)
	if err := db.AddAttachment(ctx, inc.ID, second); err != nil {
		t.Fatal(err)
	}
	list, err := db.FindAttachments(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].FileName != "sms.png" || list[1].FileName != "receipt.png" {
		t.Fatalf("attachments %v", list)
	}
	if list[0].Original != nil || len(list[0].Thumbnail) == 0 || list[0].Width != 320 || list[0].Caption != "slip" {
		t.Errorf("listed attachment: original loaded %v, thumbnail %d bytes, width %d", list[0].Original != nil, len(list[0].Thumbnail), list[0].Width)
	}
	whole, err := db.FindAttachmentByID(ctx, list[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(whole.Original, full) || len(whole.Normalized) == 0 {
		t.Errorf("original not kept byte for byte")
	}
	got, _ := db.FindIncidentByID(ctx, inc.ID)
	if got.AttachmentCount != 2 || got.Status != posdesk.IncidentOpen || got.Events[len(got.Events)-1].Detail != "receipt.png" {
		t.Errorf("incident after attaching: %d attachments, status %s", got.AttachmentCount, got.Status)
	}
	if n := countRows(t, db, "attachments"); n != 2 {
		t.Errorf("%d attachment rows, want 2", n)
	}
	if _, err := db.FindAttachments(ctx, 999); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("attachments of a missing incident: %v", err)
	}
	if err := db.AddAttachment(ctx, 999, second); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("attaching to a missing incident: %v", err)
	}
}
