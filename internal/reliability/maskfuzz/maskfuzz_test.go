// Package maskfuzz_test fuzzes posdesk.MaskText with the leak scan's scanner. It is a package of its
// own so that building it for fuzzing does not instrument the whole storage layer.
package maskfuzz_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reliability"
)

// FuzzMaskText writes a card number into arbitrary text, in one of the ways people write card
// numbers, and checks that posdesk.MaskText leaves none of it: the leak scan's promise for any
// free text, not only the sentences the scan seeds. Masking must also keep the text's length in
// characters and change nothing more when done twice.
func FuzzMaskText(f *testing.F) {
	f.Add("顾客说", "扣款了", uint64(1), uint8(0))
	f.Add("card ", "", uint64(2), uint8(1))
	f.Add("", "-2026-09-14", uint64(3), uint8(2))
	f.Add("1234 ", " 5678", uint64(4), uint8(3))
	f.Add("RRN 260914000501 ", " trace 000731", uint64(5), uint8(4))
	f.Add("0000000000000 ", " 99999999999999999999", uint64(6), uint8(5))
	f.Fuzz(func(t *testing.T, before, after string, seed uint64, format uint8) {
		if !utf8.ValidString(before) || !utf8.ValidString(after) {
			t.Skip()
		}
		card := reliability.CardNumbers(seed, 1)[0]
		written := []string{card, reliability.Grouped(card, " "), reliability.Grouped(card, "-"), reliability.FullWidth(card),
			reliability.FullWidth(reliability.Grouped(card, " ")), "卡号" + card + "号"}[int(format)%6]
		// The number stands apart from digits around it, as MaskText's rule reads numbers: a
		// space or a letter between, never a digit glued on (that makes a different number).
		s := before + "\n" + written + "\n" + after
		out := posdesk.MaskText(s)
		if hits := reliability.NewScanner([]string{card}).Scan([]byte(out)); countSeeded(hits) > 0 {
			t.Fatalf("MaskText left the card number in %q", out)
		}
		if utf8.RuneCountInString(out) != utf8.RuneCountInString(s) {
			t.Errorf("MaskText changed the length: %d -> %d characters", utf8.RuneCountInString(s), utf8.RuneCountInString(out))
		}
		if again := posdesk.MaskText(out); again != out {
			t.Errorf("MaskText is not idempotent:\n%q\n%q", out, again)
		}
		if strings.Count(out, "*") < 3 {
			t.Errorf("nothing masked in %q", out)
		}
	})
}

func countSeeded(hits []reliability.Hit) int {
	n, _ := reliability.Count(hits)
	return n
}
