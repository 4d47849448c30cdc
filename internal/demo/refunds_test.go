package demo_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// demoIncidents logs one incident of each kind a day apart, ending a few days before end, and
// returns them with their IDs.
func demoIncidents(t *testing.T, db *sqlite.DB, end time.Time, n int) []*posdesk.Incident {
	t.Helper()
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "小李", Role: posdesk.RoleCashier})
	var out []*posdesk.Incident
	for i := 0; i < n; i++ {
		kind := posdesk.IncidentKinds[i%len(posdesk.IncidentKinds)]
		at := end.Add(-time.Duration(n-i) * 26 * time.Hour)
		amount := posdesk.NewMoney(int64(5800+i*13771), "CNY")
		inc := &posdesk.Incident{Kind: kind, Story: "demo", Transactions: []*posdesk.Transaction{posdesk.NewSlip(kind, at, amount, "61000042", "", "")}}
		db.Now = func() time.Time { return at.Add(time.Hour) }
		if err := db.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
		out = append(out, inc)
	}
	return out
}

func TestDemoRefundsLoadAndTellAStory(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	end := time.Date(2026, 3, 20, 18, 0, 0, 0, demo.ShopZone)
	incs := demoIncidents(t, db, end, 40)
	shop := demo.NewShop(demo.Config{Seed: 7, Transactions: 100, End: end})
	plans := shop.Refunds(incs)
	again := demo.NewShop(demo.Config{Seed: 7, Transactions: 100, End: end}).Refunds(incs)
	if len(plans) != len(again) || !reflect.DeepEqual(plans[0].Steps, again[0].Steps) {
		t.Error("the same seed made different refunds")
	}
	for _, p := range plans {
		for _, st := range p.Steps {
			if st.At.After(end) || st.At.Before(p.At) {
				t.Fatalf("step at %v outside %v..%v", st.At, p.At, end)
			}
		}
	}
	owner := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
	if err := demo.LoadRefunds(owner, db, plans, func(t time.Time) { db.Now = func() time.Time { return t } }); err != nil {
		t.Fatal(err)
	}
	all, n, err := db.FindRefunds(owner, posdesk.RefundFilter{})
	if err != nil || n != len(plans) {
		t.Fatalf("%d refunds stored of %d planned: %v", n, len(plans), err)
	}
	byStatus := map[posdesk.RefundStatus]int{}
	byDir := map[posdesk.RefundDirection]int{}
	approved, standalone, partial, fees := 0, 0, 0, 0
	for _, r := range all {
		byStatus[r.Status]++
		byDir[r.Direction]++
		if r.ApprovedBy != "" {
			approved++
			if r.ApprovedBy == r.RequestedBy {
				t.Errorf("refund %d approved by its requester", r.ID)
			}
		}
		if r.Standalone() {
			standalone++
		}
		if !r.Fees.IsZero() {
			fees++
		}
		full, _ := db.FindRefundByID(owner, r.ID)
		if len(full.Receipts) >= 2 {
			partial++
		}
	}
	t.Logf("%d refunds: %v %v; %d approved, %d standalone, %d paid in parts, %d with fees", len(all), byStatus, byDir, approved, standalone, partial, fees)
	for _, s := range []posdesk.RefundStatus{posdesk.RefundClosed, posdesk.RefundUnderReview, posdesk.RefundApproved, posdesk.RefundWrittenOff} {
		if byStatus[s] == 0 {
			t.Errorf("no demo refund is %s", s)
		}
	}
	if len(byDir) != 3 || approved == 0 || standalone != 3 || partial == 0 || fees == 0 {
		t.Errorf("demo lacks variety: directions %v, approved %d, standalone %d, in parts %d, fees %d", byDir, approved, standalone, partial, fees)
	}
	today := posdesk.DateOf(end, demo.ShopZone)
	l := posdesk.BuildTodayList(all, today)
	if len(l.Overdue) == 0 || len(l.ThisWeek)+len(l.DueToday) == 0 {
		t.Errorf("Today list: %d overdue, %d today, %d this week", len(l.Overdue), len(l.DueToday), len(l.ThisWeek))
	}
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check: %v %v", problems, err)
	}
}

func TestDemoShopWithIncidentsAndRefunds(t *testing.T) {
	end := time.Date(2026, 3, 20, 18, 0, 0, 0, demo.ShopZone)
	shop := demo.NewShop(demo.Config{Seed: 11, Transactions: 2500, End: end})
	var txs []*posdesk.Transaction
	for tx := range shop.Transactions() {
		txs = append(txs, tx)
	}
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "王经理", Role: posdesk.RoleOwner})
	for _, tx := range txs {
		if err := db.CreateTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
	}
	setNow := func(at time.Time) { db.Now = func() time.Time { return at } }
	incs := shop.Incidents()
	if err := demo.LoadIncidents(ctx, db, incs, setNow); err != nil {
		t.Fatal(err)
	}
	refunds := shop.Refunds(demo.IncidentsOf(incs))
	if err := demo.LoadRefunds(ctx, db, refunds, setNow); err != nil {
		t.Fatal(err)
	}
	today := posdesk.DateOf(end, demo.ShopZone)
	d, err := db.Dashboard(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	owing := 0
	for _, f := range d.Outstanding {
		owing += f.Count
	}
	if owing == 0 || len(d.IncidentsByCause) == 0 {
		t.Errorf("demo dashboard: %d follow-ups owing, %d causes this month", owing, len(d.IncidentsByCause))
	}
	t.Logf("%d incidents, %d refunds, %d owing, recovered this month %s", len(incs), len(refunds), owing, d.Recovered.AmountText())
}
