package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// As returns a context acting as a named member of staff without a login (ID 0), as the command
// line does until staff accounts exist.
func As(name string, role posdesk.Role) context.Context {
	return posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: name, Role: role})
}

// MustRefundDB opens a fresh database whose clock says it is day (10:00 in the shop's zone).
func MustRefundDB(tb testing.TB, day posdesk.Date) *sqlite.DB {
	tb.Helper()
	db := MustOpenDB(tb)
	SetToday(db, day)
	return db
}

// SetToday moves db's clock to 10:00 on day in the shop's time zone.
func SetToday(db *sqlite.DB, day posdesk.Date) {
	db.Now = func() time.Time { return day.Time(sqlite.RefundLocation).Add(10 * time.Hour) }
}

func date(y int, m time.Month, d int) posdesk.Date { return posdesk.NewDate(y, m, d) }

// MustCreateRefund stores r or fails the test.
func MustCreateRefund(tb testing.TB, db *sqlite.DB, ctx context.Context, r *posdesk.Refund) *posdesk.Refund {
	tb.Helper()
	if err := db.CreateRefund(ctx, r); err != nil {
		tb.Fatalf("CreateRefund: %v", err)
	}
	return r
}

func mustStatus(tb testing.TB, db *sqlite.DB, ctx context.Context, id int64, to posdesk.RefundStatus, reason string) *posdesk.Refund {
	tb.Helper()
	r, err := db.SetRefundStatus(ctx, id, to, reason)
	if err != nil {
		tb.Fatalf("SetRefundStatus(%d, %s): %v", id, to, err)
	}
	return r
}

func mustReceive(tb testing.TB, db *sqlite.DB, ctx context.Context, id int64, amount string, on posdesk.Date) *posdesk.Refund {
	tb.Helper()
	r, err := db.CreateRefundReceipt(ctx, id, &posdesk.RefundReceipt{On: on, Amount: posdesk.CNY(amount)})
	if err != nil {
		tb.Fatalf("CreateRefundReceipt(%d, %s): %v", id, amount, err)
	}
	return r
}

func TestCustomerRefundFromStartToClosed(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 2))
	ctx := As("Li Wei", posdesk.RoleManager)
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("58.00"),
		Reason: "returned a scarf", Arrival: posdesk.Span{Days: 7, Workdays: true}})
	if r.ID == 0 || r.Direction != posdesk.DirShopToCustomer || r.Status != posdesk.RefundRequested || r.RequestedBy != "Li Wei" {
		t.Fatalf("created %+v", r)
	}
	if got, want := r.ExpectedBy, date(2026, 3, 11); got != want { // Mon + 7 working days
		t.Errorf("expected by %s, want %s", got, want)
	}
	mustStatus(t, db, ctx, r.ID, posdesk.RefundPaid, "")
	SetToday(db, date(2026, 3, 5))
	got := mustReceive(t, db, ctx, r.ID, "58", posdesk.Date{})
	if got.Status != posdesk.RefundReceived || !got.Outstanding().IsZero() || got.StatusOn != date(2026, 3, 5) {
		t.Errorf("after the full receipt: status %s, outstanding %s, on %s", got.Status, got.Outstanding().Plain(), got.StatusOn)
	}
	if _, err := db.SetRefundStatus(ctx, r.ID, posdesk.RefundClosed, ""); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("closing before telling the customer: %v", err)
	}
	mustStatus(t, db, ctx, r.ID, posdesk.RefundCustomerNotified, "")
	mustStatus(t, db, ctx, r.ID, posdesk.RefundClosed, "")
	final, err := db.FindRefundByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != posdesk.RefundClosed || len(final.Receipts) != 1 || final.Received.Plain() != "58.00" {
		t.Errorf("final %s, %d receipts, received %s", final.Status, len(final.Receipts), final.Received.Plain())
	}
	events, err := db.FindRefundEvents(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind+":"+string(e.To))
	}
	if got, want := strings.Join(kinds, " "), "created:requested status:paid receipt: status:received status:customer_notified status:closed"; got != want {
		t.Errorf("history %q, want %q", got, want)
	}
	if n := countAudit(t, db, "refund", r.ID); n != 5 {
		t.Errorf("%d audit entries for the refund, want 5 (create, paid, receipt, notified, closed)", n)
	}
}

func countAudit(tb testing.TB, db *sqlite.DB, entity string, id int64) int {
	tb.Helper()
	var n int
	if err := db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action <> 'denied'`, entity, id).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestRequesterCannotApproveOwnRefundInStorage(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 2))
	li := As("Li Wei", posdesk.RoleManager)
	r := MustCreateRefund(t, db, li, &posdesk.Refund{Method: posdesk.MethodWeChatPay, Expected: posdesk.CNY("800.00"),
		Reason: "double charge on a coat"})
	if _, err := db.SetRefundStatus(li, r.ID, posdesk.RefundPaid, ""); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("paying before approval: %v, want EFORBIDDEN", err)
	}
	if _, err := db.ApproveRefund(li, r.ID, "li wei"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("requester approving: %v, want EFORBIDDEN", err)
	}
	var denied int
	db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = 'refund' AND entity_id = ?`, r.ID).Scan(&denied)
	if denied != 1 {
		t.Errorf("%d denied entries in the audit trail, want 1", denied)
	}
	if _, err := db.ApproveRefund(As("Chen", posdesk.RoleCashier), r.ID, "Chen"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("a cashier approving: %v, want EFORBIDDEN", err)
	}
	// With staff logins (a user with an ID) the signed-in user is the approver.
	login := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 3, Name: "Li Wei", Role: posdesk.RoleManager})
	if _, err := db.ApproveRefund(login, r.ID, ""); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("signed-in requester approving: %v, want EFORBIDDEN", err)
	}
	if _, err := db.ApproveRefund(login, r.ID, "Zhang Min"); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("approving in someone else's name: %v, want EFORBIDDEN", err)
	}
	got, err := db.ApproveRefund(li, r.ID, "Zhang Min")
	if err != nil {
		t.Fatalf("another manager approving: %v", err)
	}
	if got.Status != posdesk.RefundApproved || got.ApprovedBy != "Zhang Min" || got.ApprovedAt.IsZero() {
		t.Errorf("after approval: %s by %q at %v", got.Status, got.ApprovedBy, got.ApprovedAt)
	}
	if _, err := db.UpdateRefund(li, r.ID, posdesk.RefundUpdate{Expected: refPtr(posdesk.CNY("900"))}); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("raising an approved amount: %v, want ECONFLICT", err)
	}
	mustStatus(t, db, li, r.ID, posdesk.RefundPaid, "")
}

func refPtr[T any](v T) *T { return &v }

func TestApprovalThresholdSetting(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 2))
	ctx := As("owner", posdesk.RoleOwner)
	if got, err := db.ApprovalThreshold(ctx); err != nil || got.Plain() != "500.00" {
		t.Fatalf("default threshold %v, %v", got, err)
	}
	if err := db.SetSetting(ctx, posdesk.RefundThresholdSetting, "1,000.00"); err != nil {
		t.Fatal(err)
	}
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodCash, Expected: posdesk.CNY("800.00")})
	if _, err := db.SetRefundStatus(ctx, r.ID, posdesk.RefundPaid, ""); err != nil {
		t.Errorf("800.00 under a 1,000.00 threshold: %v", err)
	}
	if err := db.SetSetting(ctx, posdesk.RefundThresholdSetting, "lots"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApprovalThreshold(ctx); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("a bad threshold setting: %v, want EINVALID", err)
	}
}

func TestPartialReceiptsAndVoidInStorage(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 20))
	ctx := As("Li Wei", posdesk.RoleManager)
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodBankTransfer, Expected: posdesk.CNY("1288.00"),
		Fees: posdesk.CNY("7.73"), FeesReason: "transfer fee", OpenedOn: date(2026, 3, 1)})
	if _, err := db.ApproveRefund(ctx, r.ID, "Zhang Min"); err != nil {
		t.Fatal(err)
	}
	mustReceive(t, db, ctx, r.ID, "800.00", date(2026, 3, 10))
	got := mustReceive(t, db, ctx, r.ID, "480.26", date(2026, 3, 12))
	if got.Outstanding().Plain() != "0.01" || got.Status != posdesk.RefundApproved {
		t.Errorf("after two parts: outstanding %s, status %s", got.Outstanding().Plain(), got.Status)
	}
	_, err := db.CreateRefundReceipt(ctx, r.ID, &posdesk.RefundReceipt{On: date(2026, 3, 13), Amount: posdesk.CNY("0.02")})
	if posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("over-payment without confirmation: %v", err)
	}
	_, err = db.CreateRefundReceipt(ctx, r.ID, &posdesk.RefundReceipt{On: date(2026, 3, 21), Amount: posdesk.CNY("0.01")})
	if posdesk.ErrorField(err) != "date" {
		t.Errorf("receipt dated tomorrow: %v", err)
	}
	got = mustReceive(t, db, ctx, r.ID, "0.01", date(2026, 3, 13))
	if !got.Outstanding().IsZero() || got.Status != posdesk.RefundReceived {
		t.Errorf("paid in full: outstanding %s, status %s", got.Outstanding().Plain(), got.Status)
	}
	full, _ := db.FindRefundByID(ctx, r.ID)
	if len(full.Receipts) != 3 {
		t.Fatalf("%d receipts, want 3", len(full.Receipts))
	}
	got, err = db.VoidRefundReceipt(ctx, full.Receipts[1].ID, "typed 480.26 twice")
	if err != nil {
		t.Fatal(err)
	}
	if got.Outstanding().Plain() != "480.26" || got.Status != posdesk.RefundPaid {
		t.Errorf("after voiding: outstanding %s, status %s", got.Outstanding().Plain(), got.Status)
	}
	if _, err := db.VoidRefundReceipt(ctx, full.Receipts[1].ID, "again"); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("voiding twice: %v", err)
	}
	// Stored sums stay exact: the column equals the sum of the receipts not voided.
	var stored, summed int64
	db.Reader().QueryRow(`SELECT received_minor FROM refunds WHERE id = ?`, r.ID).Scan(&stored)
	db.Reader().QueryRow(`SELECT sum(amount_minor) FROM refund_receipts WHERE refund_id = ? AND voided_at IS NULL`, r.ID).Scan(&summed)
	if stored != summed || stored != 80001 {
		t.Errorf("received_minor %d, sum of receipts %d, want 80001", stored, summed)
	}
}

func TestOverPaymentConfirmedInStorage(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 20))
	ctx := As("Li Wei", posdesk.RoleManager)
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodCash, Expected: posdesk.CNY("100.00")})
	got, err := db.CreateRefundReceipt(ctx, r.ID, &posdesk.RefundReceipt{Amount: posdesk.CNY("100.50"), OverPayment: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Outstanding().Plain() != "-0.50" || got.Status != posdesk.RefundReceived || !got.Receipts[0].OverPayment {
		t.Errorf("over-paid: outstanding %s, status %s", got.Outstanding().Plain(), got.Status)
	}
}

func TestWriteOffAndIllegalMoves(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 20))
	ctx := As("Li Wei", posdesk.RoleManager)
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodCash, Expected: posdesk.CNY("300.00")})
	_, err := db.SetRefundStatus(ctx, r.ID, posdesk.RefundClosed, "")
	if posdesk.ErrorCode(err) != posdesk.EINVALID || !strings.Contains(err.Error(), "Allowed next:") {
		t.Errorf("requested -> closed: %v", err)
	}
	if _, err := db.SetRefundStatus(ctx, r.ID, posdesk.RefundWrittenOff, ""); posdesk.ErrorField(err) != "reason" {
		t.Errorf("write-off without a reason: %v", err)
	}
	mustReceive(t, db, ctx, r.ID, "100", date(2026, 3, 19))
	got := mustStatus(t, db, ctx, r.ID, posdesk.RefundWrittenOff, "customer moved abroad")
	if got.WrittenOff.Plain() != "200.00" || got.StatusReason != "customer moved abroad" {
		t.Errorf("written off %s, reason %q", got.WrittenOff.Plain(), got.StatusReason)
	}
	if _, err := db.CreateRefundReceipt(ctx, r.ID, &posdesk.RefundReceipt{Amount: posdesk.CNY("1")}); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("receipt after write-off: %v", err)
	}
	if _, err := db.UpdateRefund(ctx, r.ID, posdesk.RefundUpdate{Fees: refPtr(posdesk.CNY("1"))}); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("changing amounts after write-off: %v", err)
	}
	if _, err := db.SetRefundStatus(As("Chen", posdesk.RoleCashier), r.ID, posdesk.RefundClosed, ""); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("cashier changing a refund: %v", err)
	}
	if _, err := db.FindRefundByID(ctx, 999); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("missing refund: %v", err)
	}
}

func TestStandaloneMustBeACustomerRefundAndIncidentMustExist(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 20))
	ctx := As("Li Wei", posdesk.RoleManager)
	err := db.CreateRefund(ctx, &posdesk.Refund{Direction: posdesk.DirAcquirerToShop, Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("10")})
	if posdesk.ErrorField(err) != "direction" {
		t.Errorf("standalone acquirer refund: %v", err)
	}
	err = db.CreateRefund(ctx, &posdesk.Refund{IncidentID: 4242, Direction: posdesk.DirAcquirerToShop, Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("10")})
	if posdesk.ErrorField(err) != "incident" {
		t.Errorf("refund of a missing incident: %v", err)
	}
}

func TestUpdateRefundAndArrivalWithHolidays(t *testing.T) {
	db := MustRefundDB(t, date(2025, 9, 30))
	ctx := As("owner", posdesk.RoleOwner)
	for i := 0; i < 8; i++ {
		if err := db.SetHoliday(ctx, &posdesk.Holiday{Date: date(2025, 10, 1+i), Name: "国庆节"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetHoliday(ctx, &posdesk.Holiday{Date: date(2025, 10, 11), Name: "调休上班", Workday: true}); err != nil {
		t.Fatal(err)
	}
	hs, err := db.FindHolidays(ctx, date(2025, 10, 1), date(2025, 10, 31))
	if err != nil || len(hs) != 9 || !hs[8].Workday {
		t.Fatalf("holidays %d, %v", len(hs), err)
	}
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("58"),
		Arrival: posdesk.Span{Days: 3, Workdays: true}})
	if got, want := r.ExpectedBy, date(2025, 10, 11); got != want {
		t.Errorf("3 working days from Sep 30 over National Day = %s, want %s", got, want)
	}
	got, err := db.UpdateRefund(ctx, r.ID, posdesk.RefundUpdate{Arrival: &posdesk.Span{Days: 10}, NextAction: refPtr("call the customer"),
		NextActionOn: refPtr(date(2025, 10, 9)), Due: refPtr(date(2025, 10, 20))})
	if err != nil {
		t.Fatal(err)
	}
	if got.ExpectedBy != date(2025, 10, 10) || got.DueSource != "letter" || got.NextAction != "call the customer" {
		t.Errorf("after update: expected by %s, due source %q, next %q", got.ExpectedBy, got.DueSource, got.NextAction)
	}
	if err := db.DeleteHoliday(ctx, date(2025, 10, 11)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteHoliday(ctx, date(2025, 10, 11)); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("deleting twice: %v", err)
	}
	if err := db.SetHoliday(As("Li", posdesk.RoleManager), &posdesk.Holiday{Date: date(2025, 12, 25)}); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("a manager editing the holiday list: %v", err)
	}
}

func TestFindRefundsOrderFiltersAndSums(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 10))
	ctx := As("owner", posdesk.RoleOwner)
	mk := func(expected string, opened posdesk.Date, due posdesk.Date, next posdesk.Date) *posdesk.Refund {
		r := &posdesk.Refund{Method: posdesk.MethodCash, Expected: posdesk.CNY(expected), OpenedOn: opened, Due: due, Counterparty: "顾客 " + expected}
		if !next.IsZero() {
			r.NextAction, r.NextActionOn = "call", next
		}
		return MustCreateRefund(t, db, ctx, r)
	}
	a := mk("10.00", date(2026, 3, 1), date(2026, 3, 20), posdesk.Date{})
	b := mk("20.00", date(2026, 2, 1), posdesk.Date{}, date(2026, 3, 11))
	c := mk("30.00", date(2026, 1, 1), posdesk.Date{}, posdesk.Date{})
	e := mk("40.00", date(2026, 3, 9), date(2026, 3, 5), posdesk.Date{})
	mustReceive(t, db, ctx, a.ID, "4.00", date(2026, 3, 9))
	mustStatus(t, db, ctx, c.ID, posdesk.RefundRejected, "not our sale")

	list, total, err := db.FindRefunds(ctx, posdesk.RefundFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range list {
		ids = append(ids, r.ID)
	}
	if got, want := ids, []int64{e.ID, b.ID, a.ID, c.ID}; total != 4 || !equalIDs(got, want) {
		t.Errorf("order %v (total %d), want %v: by next date, none last", got, total, want)
	}
	open, n, _ := db.FindRefunds(ctx, posdesk.RefundFilter{Open: true, Owing: true, Query: "顾客"})
	if n != 3 || len(open) != 3 {
		t.Errorf("open and owing: %d", n)
	}
	page, n, _ := db.FindRefunds(ctx, posdesk.RefundFilter{Limit: 2, Offset: 1})
	if n != 4 || len(page) != 2 || page[0].ID != b.ID {
		t.Errorf("page 2: %d rows of %d", len(page), n)
	}
	f := posdesk.RefundFilter{Open: true, OpenedFrom: date(2026, 2, 1), OpenedTo: date(2026, 3, 9)}
	rows, _, _ := db.FindRefunds(ctx, f)
	sums, err := db.SumRefunds(ctx, f)
	if err != nil || len(sums) != 1 {
		t.Fatalf("sums %v, %v", sums, err)
	}
	var out posdesk.Money
	for _, r := range rows {
		out = out.Add(r.Outstanding())
	}
	if got, want := sums[0].Outstanding.Plain(), out.Plain(); got != want || got != "66.00" || sums[0].Count != len(rows) {
		t.Errorf("SumRefunds outstanding %s over %d, list sums to %s over %d; want 66.00", got, sums[0].Count, want, len(rows))
	}
	due, _, _ := db.FindRefunds(ctx, posdesk.RefundFilter{NextTo: date(2026, 3, 11)})
	if len(due) != 2 {
		t.Errorf("due by Mar 11: %d, want 2 (overdue and tomorrow)", len(due))
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// mustIncident logs an incident of kind and cause that happened at at, for amount.
func mustIncident(tb testing.TB, db *sqlite.DB, kind posdesk.IncidentKind, cause posdesk.Cause, at time.Time, amount string) *posdesk.Incident {
	tb.Helper()
	inc := &posdesk.Incident{Kind: kind, Cause: cause, Story: "test incident", Transactions: []*posdesk.Transaction{
		posdesk.NewSlip(kind, at, posdesk.CNY(amount), "61000042", "", ""),
	}}
	if err := db.CreateIncident(As("owner", posdesk.RoleOwner), inc); err != nil {
		tb.Fatal(err)
	}
	return inc
}

func TestAcquirerOwesTheShopReceivedInTwoParts(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 2))
	ctx := As("Li Wei", posdesk.RoleManager)
	inc := mustIncident(t, db, posdesk.IncidentPostingFailure, posdesk.CauseBankSystem, time.Date(2026, 2, 27, 3, 0, 0, 0, time.UTC), "1288.00")
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{IncidentID: inc.ID, Direction: posdesk.DirAcquirerToShop,
		Method: posdesk.MethodBankTransfer, Expected: posdesk.CNY("1,288.00"), Counterparty: "收单机构", CaseRef: "GD2026-0301",
		Due: date(2026, 3, 31)})
	mustStatus(t, db, ctx, r.ID, posdesk.RefundUnderReview, "")
	mustStatus(t, db, ctx, r.ID, posdesk.RefundApproved, "")
	SetToday(db, date(2026, 3, 9))
	got := mustReceive(t, db, ctx, r.ID, "1000.00", posdesk.Date{})
	if got.Status != posdesk.RefundApproved || got.Outstanding().Plain() != "288.00" {
		t.Errorf("first part: %s, outstanding %s", got.Status, got.Outstanding().Plain())
	}
	got = mustReceive(t, db, ctx, r.ID, "288.00", date(2026, 3, 9))
	if got.Status != posdesk.RefundReceived {
		t.Errorf("second part: %s", got.Status)
	}
	if _, err := db.SetRefundStatus(ctx, r.ID, posdesk.RefundCustomerNotified, ""); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("notifying a customer about the shop's money: %v", err)
	}
	mustStatus(t, db, ctx, r.ID, posdesk.RefundClosed, "")
	list, n, err := db.FindRefunds(ctx, posdesk.RefundFilter{IncidentID: inc.ID})
	if err != nil || n != 1 || list[0].ID != r.ID {
		t.Errorf("refunds of the incident: %d, %v", n, err)
	}
	if problems, err := db.Check(context.Background()); err != nil || len(problems) != 0 {
		t.Errorf("check: %v %v", problems, err)
	}
}

func TestRefundDatesFollowTheShopTimeZone(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC) } // 04:00 on Mar 2 in Shanghai
	ctx := As("owner", posdesk.RoleOwner)
	if err := db.SetSetting(ctx, sqlite.ShopTimezoneSetting, "Asia/Shanghai"); err != nil {
		t.Fatal(err)
	}
	r := MustCreateRefund(t, db, ctx, &posdesk.Refund{Method: posdesk.MethodCash, Expected: posdesk.CNY("10")})
	got := mustReceive(t, db, ctx, r.ID, "10", posdesk.Date{})
	if r.OpenedOn != date(2026, 3, 2) || got.Receipts[0].On != date(2026, 3, 2) {
		t.Errorf("opened %s, received %s; want the Shanghai date 2026-03-02", r.OpenedOn, got.Receipts[0].On)
	}
}
