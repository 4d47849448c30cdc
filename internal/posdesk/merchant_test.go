package posdesk_test

import (
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestLuhnValidMerchantIDKept: about one merchant ID in ten passes the Luhn check; it must be
// stored as it is and validate, while a card number in another identifier field is masked.
func TestLuhnValidMerchantIDKept(t *testing.T) {
	mid := "898330154112770"
	for d := byte('0'); d <= '9'; d++ { // find the check digit that makes it Luhn-valid
		mid = mid[:14] + string(d)
		if posdesk.Luhn(mid) {
			break
		}
	}
	tx := &posdesk.Transaction{Time: time.Date(2026, 9, 14, 8, 0, 0, 0, time.UTC), Amount: posdesk.CNY("12.00"), Merchant: mid, Trace: "4111111111111111"}
	tx.Normalize()
	if tx.Merchant != mid {
		t.Errorf("merchant ID %q became %q", mid, tx.Merchant)
	}
	if tx.Trace == "4111111111111111" {
		t.Errorf("card number in the trace field was not masked")
	}
	if err := tx.Validate(); posdesk.ErrorField(err) != "trace" {
		t.Errorf("want the masked trace refused, got %v", err)
	}
}
