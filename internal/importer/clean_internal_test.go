package importer

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCleanCellFastPath: the fast path returns what the full cleaning does, for the cells of
// real statements and for random strings built from the characters that matter at the ends.
func TestCleanCellFastPath(t *testing.T) {
	cells := []string{"", " ", "58.00", " 58.00 ", "中国银行", "中国银行\u3000", "\u3000中国银行", "借记卡\t", "\ufeff商户号",
		"=\"6222\"", "'0012", "`12", "\u00a0工商银行", "工商银行\u2003", "\xff\xfe", "a\xe3", "\xe3\x80", "交易成功", "-"}
	alphabet := []string{" ", "\t", "\u3000", "\u00a0", "\ufeff", "=", "\"", "'", "`", "a", "7", "中", "\xe3", "\x80", "\xff", "\r"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cells = append(cells, b.String())
	}
	for _, c := range cells {
		if got, want := cleanCell(c), cleanCellFully(c); got != want {
			t.Errorf("cleanCell(%q) = %q, want %q", c, got, want)
		}
	}
}

// TestBOMOnlyCell: a cell holding nothing but a byte order mark (a stray one, pasted from another
// file) used to panic the import.
func TestBOMOnlyCell(t *testing.T) {
	for _, c := range []string{"\ufeff", " \ufeff ", "\ufeff\u3000"} {
		if got := cleanCell(c); got != "" {
			t.Errorf("cleanCell(%q) = %q", c, got)
		}
		if _, err := ParseAmount(c, "CNY"); err == nil {
			t.Errorf("ParseAmount(%q) accepted an empty cell", c)
		}
	}
}
