package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// shopTime returns hour o'clock on day in the shop's time zone.
func shopTime(day posdesk.Date, hour int) time.Time {
	return day.Time(sqlite.RefundLocation).Add(time.Duration(hour) * time.Hour)
}

// dashboardShop is a known data set; its figures on 2026-03-20 are worked out by hand in
// TestDashboardFigures.
type dashboardShop struct {
	db                         *sqlite.DB
	i1, i2, i3, i4, i5         *posdesk.Incident
	r1, r2, r3, r4, r5, r6, r7 *posdesk.Refund
}

func newDashboardShop(t *testing.T) *dashboardShop {
	t.Helper()
	s := &dashboardShop{db: MustRefundDB(t, date(2026, 3, 20))}
	db, ctx := s.db, As("Li Wei", posdesk.RoleManager)
	owner := As("owner", posdesk.RoleOwner)
	incident := func(kind posdesk.IncidentKind, cause posdesk.Cause, day posdesk.Date, amount string, deadline posdesk.Date) *posdesk.Incident {
		inc := &posdesk.Incident{Kind: kind, Cause: cause, Story: "dashboard data", Deadline: deadline, Transactions: []*posdesk.Transaction{
			posdesk.NewSlip(kind, shopTime(day, 11), posdesk.CNY(amount), "61000042", "", ""),
		}}
		if err := db.CreateIncident(owner, inc); err != nil {
			t.Fatal(err)
		}
		return inc
	}
	status := func(inc *posdesk.Incident, ch posdesk.StatusChange) {
		if _, err := db.SetIncidentStatus(owner, inc.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	s.i1 = incident(posdesk.IncidentPostingFailure, posdesk.CauseBankSystem, date(2026, 3, 2), "1288.00", posdesk.Date{})
	s.i2 = incident(posdesk.IncidentChargedButFailed, posdesk.CauseNetwork, date(2026, 3, 5), "200.00", posdesk.Date{})
	status(s.i2, posdesk.StatusChange{To: posdesk.IncidentContacting})
	s.i3 = incident(posdesk.IncidentDuplicateCharge, posdesk.CauseNetwork, date(2026, 3, 18), "99.00", date(2026, 3, 24))
	status(s.i3, posdesk.StatusChange{To: posdesk.IncidentWaitingForBank})
	s.i4 = incident(posdesk.IncidentNoResponse, posdesk.CauseTerminalHardware, date(2026, 2, 10), "50.00", date(2026, 3, 22))
	status(s.i4, posdesk.StatusChange{To: posdesk.IncidentResolved, Outcome: posdesk.OutcomeWrittenOff})
	s.i5 = incident(posdesk.IncidentWrongAmount, posdesk.CauseOperatorError, date(2026, 3, 19), "30.00", date(2026, 4, 10))

	refund := func(inc *posdesk.Incident, dir posdesk.RefundDirection, expected string, opened, due posdesk.Date) *posdesk.Refund {
		r := &posdesk.Refund{Direction: dir, Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY(expected), OpenedOn: opened, Due: due}
		if inc != nil {
			r.IncidentID = inc.ID
		}
		return MustCreateRefund(t, db, ctx, r)
	}
	SetToday(db, date(2026, 2, 25))
	s.r7 = refund(s.i1, posdesk.DirAcquirerToShop, "40.00", date(2026, 2, 20), posdesk.Date{})
	mustReceive(t, db, ctx, s.r7.ID, "40.00", date(2026, 2, 25))
	SetToday(db, date(2026, 2, 26))
	mustStatus(t, db, ctx, s.r7.ID, posdesk.RefundClosed, "")

	SetToday(db, date(2026, 3, 10))
	s.r4 = refund(s.i4, posdesk.DirAcquirerToShop, "50.00", date(2025, 12, 1), posdesk.Date{})
	mustReceive(t, db, ctx, s.r4.ID, "20.00", date(2026, 1, 5))
	mustStatus(t, db, ctx, s.r4.ID, posdesk.RefundWrittenOff, "acquirer will not pay the rest")

	SetToday(db, date(2026, 3, 20))
	s.r1 = refund(s.i1, posdesk.DirAcquirerToShop, "1288.00", date(2026, 3, 2), date(2026, 3, 25))
	mustReceive(t, db, ctx, s.r1.ID, "1000.00", date(2026, 3, 9))
	s.r2 = refund(s.i2, posdesk.DirBankToCustomer, "200.00", date(2026, 3, 15), posdesk.Date{})
	s.r3 = refund(nil, posdesk.DirShopToCustomer, "58.00", date(2026, 3, 20), posdesk.Date{})
	mustReceive(t, db, ctx, s.r3.ID, "58.00", date(2026, 3, 20))
	s.r5 = refund(s.i3, posdesk.DirBankToCustomer, "99.00", date(2026, 1, 15), date(2026, 3, 20))
	s.r6 = refund(s.i5, posdesk.DirAcquirerToShop, "30.00", date(2025, 11, 1), posdesk.Date{})
	return s
}

// listSum returns what the list behind f holds: its row count and the sum per currency of what
// the figure sums (outstanding, written off, receipt or incident amounts), computed in Go from
// the rows.
func listSum(t *testing.T, db *sqlite.DB, f posdesk.Figure) (int, string) {
	t.Helper()
	ctx := context.Background()
	var amounts []posdesk.Money
	add := func(m posdesk.Money) {
		for i := range amounts {
			if amounts[i].Currency == m.Currency {
				amounts[i] = amounts[i].Add(m)
				return
			}
		}
		amounts = append(amounts, m)
	}
	n := 0
	switch l := f.List; {
	case l.Refunds != nil:
		rows, total, err := db.FindRefunds(ctx, *l.Refunds)
		if err != nil || total != len(rows) {
			t.Fatalf("%s: FindRefunds %d of %d, %v", f.Key, len(rows), total, err)
		}
		for _, r := range rows {
			if strings.HasPrefix(f.Key, "written_off") {
				add(r.WrittenOff)
			} else {
				add(r.Outstanding())
			}
		}
		n = len(rows)
	case l.Receipts != nil:
		rows, total, err := db.FindRefundReceipts(ctx, *l.Receipts)
		if err != nil || total != len(rows) {
			t.Fatalf("%s: FindRefundReceipts %d of %d, %v", f.Key, len(rows), total, err)
		}
		for _, rc := range rows {
			add(rc.Amount)
		}
		n = len(rows)
	case l.Incidents != nil:
		rows, total, err := db.FindIncidentSlice(ctx, *l.Incidents)
		if err != nil || total != len(rows) {
			t.Fatalf("%s: FindIncidentSlice %d of %d, %v", f.Key, len(rows), total, err)
		}
		for _, inc := range rows {
			add(inc.Amount)
		}
		n = len(rows)
	default:
		t.Fatalf("%s: figure without a list", f.Key)
	}
	return n, (posdesk.Figure{Amounts: amounts}).AmountText()
}

func TestDashboardFigures(t *testing.T) {
	s := newDashboardShop(t)
	d, err := s.db.Dashboard(context.Background(), date(2026, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		key    string
		count  int
		amount string
	}
	check := func(group string, figs []posdesk.Figure, wants []want) {
		t.Helper()
		if len(figs) != len(wants) {
			t.Errorf("%s: %d figures, want %d: %+v", group, len(figs), len(wants), figs)
			return
		}
		for i, w := range wants {
			f := figs[i]
			if f.Key != w.key || f.Count != w.count || f.AmountText() != w.amount {
				t.Errorf("%s[%d] = %s %d %q, want %s %d %q", group, i, f.Key, f.Count, f.AmountText(), w.key, w.count, w.amount)
			}
			// Every figure equals the list behind it, summed row by row.
			n, sum := listSum(t, s.db, f)
			if n != f.Count || (len(f.Amounts) > 0 && sum != f.AmountText()) {
				t.Errorf("%s %s: figure %d %q but its list holds %d rows summing to %q", group, f.Key, f.Count, f.AmountText(), n, sum)
			}
		}
	}
	check("outstanding", d.Outstanding, []want{
		{"age_0_7", 1, "¥ 200.00"},
		{"age_8_30", 1, "¥ 288.00"},
		{"age_31_90", 1, "¥ 99.00"},
		{"age_over_90", 1, "¥ 30.00"},
	})
	check("incidents by status", d.IncidentsByStatus, []want{
		{"status_open", 2, "¥ 1,318.00"},
		{"status_contacting", 1, "¥ 200.00"},
		{"status_waiting_for_bank", 1, "¥ 99.00"},
	})
	check("deadlines", d.Deadlines, []want{
		{"deadlines_refunds", 2, "¥ 387.00"},
		{"deadlines_incidents", 1, "¥ 99.00"},
	})
	check("recovered", []posdesk.Figure{d.Recovered, d.WrittenOff}, []want{
		{"recovered", 1, "¥ 1,000.00"},
		{"written_off", 1, "¥ 30.00"},
	})
	check("causes", d.IncidentsByCause, []want{
		{"cause_network", 2, "¥ 299.00"},
		{"cause_bank_system", 1, "¥ 1,288.00"},
		{"cause_operator_error", 1, "¥ 30.00"},
	})
	if d.IncidentsByCause[0].Label != posdesk.CauseNetwork.Title() {
		t.Errorf("cause label %q", d.IncidentsByCause[0].Label)
	}
}

func TestDashboardOfAnEmptyShop(t *testing.T) {
	db := MustRefundDB(t, date(2026, 3, 20))
	d, err := db.Dashboard(context.Background(), date(2026, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Outstanding) != 4 || d.Outstanding[0].Count != 0 || d.Outstanding[0].AmountText() != "" || len(d.IncidentsByCause) != 0 {
		t.Errorf("empty dashboard %+v", d)
	}
}

func TestMonthlyReportFigures(t *testing.T) {
	s := newDashboardShop(t)
	ctx := context.Background()
	rep, err := s.db.MonthlyReport(ctx, date(2026, 3, 1), date(2026, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if rep.AsOf != date(2026, 3, 20) || rep.Incidents.Count != 4 || rep.Incidents.AmountText() != "¥ 1,617.00" {
		t.Errorf("March: as of %s, %d incidents %s", rep.AsOf, rep.Incidents.Count, rep.Incidents.AmountText())
	}
	if rep.Recovered.AmountText() != "¥ 1,000.00" || rep.RefundedToCustomers.AmountText() != "¥ 58.00" || rep.WrittenOff.AmountText() != "¥ 30.00" {
		t.Errorf("March money: recovered %s, refunded %s, written off %s", rep.Recovered.AmountText(), rep.RefundedToCustomers.AmountText(), rep.WrittenOff.AmountText())
	}
	if rep.Outstanding.Count != 4 || rep.Outstanding.AmountText() != "¥ 617.00" {
		t.Errorf("March outstanding %d %s, want 4 ¥ 617.00", rep.Outstanding.Count, rep.Outstanding.AmountText())
	}
	d, _ := s.db.Dashboard(ctx, date(2026, 3, 20))
	for i := range rep.Ageing {
		if rep.Ageing[i].Count != d.Outstanding[i].Count || rep.Ageing[i].AmountText() != d.Outstanding[i].AmountText() {
			t.Errorf("ageing %s: report %d %s, dashboard %d %s", rep.Ageing[i].Key, rep.Ageing[i].Count, rep.Ageing[i].AmountText(),
				d.Outstanding[i].Count, d.Outstanding[i].AmountText())
		}
	}
	if len(rep.ByTerminal) != 1 || rep.ByTerminal[0].Label != "61000042" || rep.ByTerminal[0].Count != 4 {
		t.Errorf("by terminal %+v", rep.ByTerminal)
	}
	if len(rep.ByKind) != 4 {
		t.Errorf("by kind: %d kinds, want 4", len(rep.ByKind))
	}
	for _, f := range append(append(rep.ByKind, rep.ByCause...), rep.ByTerminal...) {
		if n, sum := listSum(t, s.db, f); n != f.Count || sum != f.AmountText() {
			t.Errorf("%s: figure %d %s, list %d %s", f.Key, f.Count, f.AmountText(), n, sum)
		}
	}

	// February, seen from March: the state at the end of February is rebuilt.
	feb, err := s.db.MonthlyReport(ctx, date(2026, 2, 14), date(2026, 3, 20))
	if err != nil {
		t.Fatal(err)
	}
	if feb.AsOf != date(2026, 2, 28) || feb.Incidents.Count != 1 || feb.Recovered.AmountText() != "¥ 40.00" || feb.WrittenOff.Count != 0 {
		t.Errorf("February: as of %s, %d incidents, recovered %s, written off %d", feb.AsOf, feb.Incidents.Count, feb.Recovered.AmountText(), feb.WrittenOff.Count)
	}
	var ids []int64
	for _, r := range feb.OpenRefunds {
		ids = append(ids, r.ID)
	}
	if want := []int64{s.r6.ID, s.r4.ID, s.r5.ID}; !equalIDs(ids, want) || feb.Outstanding.AmountText() != "¥ 159.00" {
		t.Errorf("outstanding at the end of February: %v %s, want %v ¥ 159.00", ids, feb.Outstanding.AmountText(), want)
	}
	if r4 := feb.OpenRefunds[1]; r4.Status != posdesk.RefundRequested || r4.Outstanding().Plain() != "30.00" {
		t.Errorf("refund %d at the end of February: %s, outstanding %s", r4.ID, r4.Status, r4.Outstanding().Plain())
	}
}

// BenchmarkDashboard measures the home screen's figures over a shop with many follow-ups (rows
// written straight into the tables, as years of use would leave them).
func BenchmarkDashboard(b *testing.B) {
	db := MustRefundDB(b, date(2026, 3, 20))
	const n = 20000
	tx, err := db.Writer().Begin()
	if err != nil {
		b.Fatal(err)
	}
	today := date(2026, 3, 20)
	for i := 0; i < n; i++ {
		opened := today.AddDays(-(i % 400))
		status := []string{"requested", "under_review", "approved", "paid", "closed", "written_off"}[i%6]
		res, err := tx.Exec(`INSERT INTO refunds (direction, method, status, expected_minor, received_minor, written_off_minor, opened_on, due, status_on, created_at, updated_at)
			VALUES (?, 'bank_transfer', ?, ?, ?, ?, ?, ?, ?, 0, 0)`, []string{"shop_to_customer", "acquirer_to_shop", "bank_to_customer"}[i%3], status,
			10000+i, (10000+i)/3, 0, opened.String(), opened.AddDays(30).String(), opened.AddDays(i%20).String())
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := tx.Exec(`INSERT INTO refund_receipts (refund_id, received_on, amount_minor, created_at) VALUES (?, ?, ?, 0)`, id, opened.AddDays(i%20).String(), (10000+i)/3); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.Dashboard(ctx, today); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/dashboard")
	b.ReportMetric(n, "refunds")
}
