package reconcile_test

import (
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

func TestRefundCredits(t *testing.T) {
	d := func(day int) posdesk.Date { return posdesk.NewDate(2026, 9, day) }
	owed := func(id int64, opened int, amount string) *posdesk.Refund {
		return &posdesk.Refund{ID: id, Direction: posdesk.DirAcquirerToShop, Status: posdesk.RefundRequested, Expected: posdesk.CNY(amount), OpenedOn: d(opened)}
	}
	line := func(day, n int, amount, fp string) *posdesk.BankLine {
		return &posdesk.BankLine{Date: d(day), Line: n, Credit: posdesk.CNY(amount), Fingerprint: posdesk.Fingerprint{fp[0]}}
	}
	toCustomer := owed(9, 10, "58.00")
	toCustomer.Direction = posdesk.DirShopToCustomer
	refunds := []*posdesk.Refund{
		owed(1, 10, "1288.00"), // paid by line b (a is before it was opened)
		owed(2, 12, "42.50"),   // paid by line d; line c was already used
		owed(3, 12, "99.00"),   // no credit of that amount
		toCustomer,             // money the shop pays out: never matched to a credit
	}
	lines := []*posdesk.BankLine{
		line(9, 2, "1288.00", "a"),
		line(15, 3, "1288.00", "b"),
		line(14, 4, "42.50", "c"),
		line(16, 5, "42.50", "d"),
		line(16, 6, "58.00", "e"),
		line(17, 7, "1288.00", "f"), // a second identical credit stays free
	}
	got := reconcile.RefundCredits(refunds, lines, map[string]bool{"bank-line:" + posdesk.Fingerprint{'c'}.String(): true})
	want := map[int64]string{1: "b", 2: "d"}
	if len(got) != len(want) {
		t.Fatalf("got %d credits, want %d: %+v", len(got), len(want), got)
	}
	for _, c := range got {
		var w posdesk.Fingerprint
		if id := want[c.Refund.ID]; id != "" {
			w[0] = id[0]
		}
		if w != c.Line.Fingerprint || c.Key != "bank-line:"+w.String() {
			t.Errorf("refund %d paid by line %q (key %q), want line %q", c.Refund.ID, c.Line.Fingerprint[0], c.Key, want[c.Refund.ID])
		}
	}
}
