package reliability_test

import (
	"slices"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reliability"
)

func TestCardNumbers(t *testing.T) {
	cards := reliability.CardNumbers(1, 2000)
	seen := map[string]bool{}
	lengths := map[int]int{}
	for _, c := range cards {
		if !posdesk.Luhn(c) {
			t.Errorf("%s fails the Luhn check", reliability.Masked(c))
		}
		if seen[c] {
			t.Errorf("%s twice", reliability.Masked(c))
		}
		seen[c] = true
		lengths[len(c)]++
	}
	for _, l := range []int{13, 15, 16, 19} {
		if lengths[l] == 0 {
			t.Errorf("no %d-digit numbers among %d: %v", l, len(cards), lengths)
		}
	}
	if again := reliability.CardNumbers(1, 2000); !slices.Equal(again, cards) {
		t.Error("the same seed gave other numbers")
	}
}

func TestScanner(t *testing.T) {
	cards := reliability.CardNumbers(7, 3)
	other := reliability.CardNumbers(8, 1)[0] // Luhn-valid, not seeded
	s := reliability.NewScanner(cards)
	masked, _ := posdesk.MaskCard(cards[0])
	tests := []struct {
		name          string
		data          string
		seeded, extra int
	}{
		{"plain", "card " + cards[0] + " end", 1, 0},
		{"grouped with spaces", "卡号 " + reliability.Grouped(cards[1], " "), 1, 0},
		{"grouped with dashes", reliability.Grouped(cards[2], "-") + ".", 1, 0},
		{"full-width digits", "卡号：" + reliability.FullWidth(cards[0]), 1, 0},
		{"GB18030 full-width", string(gbFullWidth(cards[1])), 1, 0},
		{"inside a longer run", "20260914" + cards[2] + "01", 1, 0},
		{"two written together", cards[0] + cards[1], 2, 0},
		{"masked", masked + " " + posdesk.MaskText(cards[1]), 0, 0},
		{"not seeded but Luhn-valid", "ref " + other, 0, 1},
		{"Luhn-valid run in a hex hash", "ab" + other + "cd", 0, 0},
		{"seeded run in a hex hash still counts", "ab" + cards[0] + "cd", 1, 0},
		{"short runs", "RRN 260914000731 trace 000731 phone 13800138000", 0, 0},
	}
	for _, tt := range tests {
		seeded, extra := reliability.Count(s.Scan([]byte(tt.data)))
		if seeded != tt.seeded || extra != tt.extra {
			t.Errorf("%s: %d seeded and %d other hits, want %d and %d", tt.name, seeded, extra, tt.seeded, tt.extra)
		}
	}
}

// gbFullWidth returns card in GB18030 full-width digits (A3 B0 to A3 B9).
func gbFullWidth(card string) []byte {
	var b []byte
	for _, c := range card {
		b = append(b, 0xA3, byte(0xB0+c-'0'))
	}
	return b
}
