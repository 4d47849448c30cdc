package posdesk_test

import (
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestMaskTextIdempotent checks that masking masked text changes nothing, including long runs of
// digits where card-number windows overlap.
func TestMaskTextIdempotent(t *testing.T) {
	inputs := []string{
		strings.Repeat("0", 60),
		"00000000000000000000000000000000000000000000018",
		"card 4111 1111 1111 1111 and 6228480012345678901 then 12345678901234567890123456789",
		strings.Repeat("4111111111111111", 5),
	}
	for _, in := range inputs {
		once := posdesk.MaskText(in)
		if twice := posdesk.MaskText(once); twice != once {
			t.Errorf("MaskText not idempotent for %q:\n once %q\ntwice %q", in, once, twice)
		}
	}
}
