package posdesk_test

import (
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestHugeAmountsRefused: an amount of 19 or more digits (a card number typed into the amount
// field) is refused as too large; before, its minor units overflowed int64 and it passed as a
// negative number (found by the reliability leak scan).
func TestHugeAmountsRefused(t *testing.T) {
	for _, s := range []string{"100000000.01", "6205224510394668898", "92233720368547758.08", "1e30"} {
		m, err := posdesk.ParseMoney(s, "CNY")
		if err != nil {
			continue // refused at parsing: fine
		}
		tx := &posdesk.Transaction{Time: time.Date(2026, 9, 20, 10, 0, 0, 0, time.UTC), Amount: m}
		tx.Normalize()
		if got := posdesk.ErrorField(tx.Validate()); got != "amount" {
			t.Errorf("transaction of %s: error field %q, want amount", s, got)
		}
		inc := &posdesk.Incident{Kind: posdesk.IncidentOther, Cause: posdesk.CauseUnknown, Status: posdesk.IncidentOpen, Time: tx.Time, Amount: m}
		if got := posdesk.ErrorField(inc.Validate()); got != "amount" {
			t.Errorf("incident of %s: error field %q, want amount", s, got)
		}
	}
	ok := &posdesk.Transaction{Time: time.Date(2026, 9, 20, 10, 0, 0, 0, time.UTC), Amount: posdesk.CNY("100000000.00")}
	ok.Normalize()
	if err := ok.Validate(); err != nil {
		t.Errorf("100 million exactly: %v", err)
	}
}
