package posdesk_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// withCheckDigit returns body followed by the digit that makes it pass the Luhn check. Tests build
// their card numbers with it, so no real card number is ever written into the repository.
func withCheckDigit(body string) string {
	for d := byte('0'); d <= '9'; d++ {
		if s := body + string(d); posdesk.Luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

// notLuhn returns s with its last digit changed so that it fails the Luhn check.
func notLuhn(s string) string {
	last := s[len(s)-1]
	return s[:len(s)-1] + string('0'+(last-'0'+1)%10)
}

var (
	card16 = withCheckDigit("622848001234567")    // 16 digits, UnionPay-like
	card19 = withCheckDigit("622202123456789012") // 19 digits
	card13 = withCheckDigit("401288888888")       // 13 digits, Visa-like
	visa16 = withCheckDigit("411111000012345")    // 16 digits
)

// group writes digits in groups of four separated by sep, as people write card numbers.
func group(digits, sep string) string {
	var parts []string
	for len(digits) > 4 {
		parts = append(parts, digits[:4])
		digits = digits[4:]
	}
	return strings.Join(append(parts, digits), sep)
}

// masked returns the stored form of a full number: first 6, '*' for the middle, last 4.
func masked(full string) string {
	return full[:6] + strings.Repeat("*", len(full)-10) + full[len(full)-4:]
}

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{card16, true},
		{card19, true},
		{card13, true},
		{notLuhn(card16), false},
		{"0", false}, // too short to mean anything
		{"00", true}, // all zeros pass the arithmetic
		{"18", true}, // 1*2 + 8 = 10
		{"79927398713", true},
		{"79927398710", false},
		{"", false},
		{"4111 1111", false}, // not digits only
		{"１８", false},        // full-width: callers normalise first
	} {
		if got := posdesk.Luhn(tc.in); got != tc.want {
			t.Errorf("Luhn(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestMaskCard(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", ""},
		{"   ", ""},
		{card16, masked(card16)},
		{card19, masked(card19)},
		{card13, masked(card13)},
		{notLuhn(card16), masked(notLuhn(card16))}, // a mistyped number is still masked
		{group(card16, " "), masked(card16)},
		{group(card16, "-"), masked(card16)},
		{" " + card16 + " ", masked(card16)},
		{toFullWidth(card16), masked(card16)},
		{"1234", "****1234"},
		{"622848******1234", "622848******1234"},
		{"622848xxxxxx1234", "622848******1234"},
		{"622848XXXXXX1234", "622848******1234"},
		{"622848••••••1234", "622848******1234"},
		{"6228 48** **** 1234", "622848******1234"},
		{"****1234", "****1234"},
		{"62284800****1234", "622848******1234"}, // more than 6 leading digits are hidden
		{"622848**12345678", "622848******5678"}, // more than 4 trailing digits are hidden
		{"6228**********34", "6228**********34"}, // fewer digits shown stays so
		{"622848＊＊＊＊＊＊1234", "622848******1234"}, // full-width asterisks
	} {
		got, err := posdesk.MaskCard(tc.in)
		if err != nil {
			t.Errorf("MaskCard(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("MaskCard(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskCardRefuses(t *testing.T) {
	for _, in := range []string{
		"12345",                   // neither last 4 nor a full number
		"123456789012",            // 12 digits
		"12345678901234567890",    // 20 digits
		"6228/4800/1234/5678",     // slashes
		"card 6228480012345678",   // words
		"622848*******12345678",   // masked, too long (21)
		"**1",                     // masked, too short
		"6228 4800 1234 5678 CVV", // extra text
	} {
		got, err := posdesk.MaskCard(in)
		if err == nil {
			t.Errorf("MaskCard(%q) = %q, want an error", in, got)
			continue
		}
		if code, field := posdesk.ErrorCode(err), posdesk.ErrorField(err); code != posdesk.EINVALID || field != "card" {
			t.Errorf("MaskCard(%q): code %q field %q, want invalid on card", in, code, field)
		}
		if strings.Contains(err.Error(), "12345678") {
			t.Errorf("MaskCard(%q): the error repeats the digits: %v", in, err)
		}
	}
}

func TestMaskText(t *testing.T) {
	rrn := "260914000501" // 12 digits: an RRN is never a card number
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"no digits", "顾客说手机扣款了", "顾客说手机扣款了"},
		{"bare number", card16, masked(card16)},
		{"inside a Chinese note", "顾客卡号" + card16 + "，已扣款", "顾客卡号" + masked(card16) + "，已扣款"},
		{"inside an English note", "card " + card19 + " was charged", "card " + masked(card19) + " was charged"},
		{"13 digits", "x " + card13 + " y", "x " + masked(card13) + " y"},
		{"grouped with spaces", "卡号 " + group(card16, " ") + " 刷了两次", "卡号 " + group(masked(card16), " ") + " 刷了两次"},
		{"grouped with dashes", group(visa16, "-"), group(masked(visa16), "-")},
		{"19 digits grouped", group(card19, " "), group(masked(card19), " ")},
		{"two numbers", card16 + " and " + visa16, masked(card16) + " and " + masked(visa16)},
		{"number then short id", "RRN " + rrn + " card " + card16, "RRN " + rrn + " card " + masked(card16)},
		{"not Luhn", "order " + notLuhn(card16), "order " + notLuhn(card16)},
		{"not Luhn grouped", group(notLuhn(card16), " "), group(notLuhn(card16), " ")},
		{"RRN and terminal untouched", "RRN " + rrn + " TID 61000042 MID 898440358120001", "RRN " + rrn + " TID 61000042 MID 898440358120001"},
		{"date and time untouched", "2026-09-14 08:30 ¥128.00", "2026-09-14 08:30 ¥128.00"},
		{"phone untouched", "电话 138 0013 8000", "电话 138 0013 8000"},
		{"12 digits untouched", "123456789012", "123456789012"},
		{"glued to letters", "ID" + card16 + "X", "ID" + masked(card16) + "X"},
		{"already masked", "card " + masked(card16), "card " + masked(card16)},
		{"full-width digits", "卡号" + toFullWidth(card16), "卡号" + toFullWidth(masked(card16))},
	} {
		if got := posdesk.MaskText(tc.in); got != tc.want {
			t.Errorf("%s: MaskText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '０' + (r - '0')
		}
		return r
	}, s)
}

// TestMaskTextHidesEmbeddedNumbers checks the promise of MaskText on many generated notes: a
// Luhn-valid number written anywhere inside a run of more than 19 digits, or as its own group
// joined to neighbouring groups by a space or dash, never keeps its middle digits (whatever else
// in the run happens to pass the Luhn check and is masked too).
func TestMaskTextHidesEmbeddedNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	for i := 0; i < 3000; i++ {
		n := 13 + r.IntN(7)
		card := withCheckDigit(digits(n - 1))
		before, after := digits(r.IntN(12)), digits(r.IntN(12))
		sep := []string{"", "", " ", "-"}[r.IntN(4)]
		if sep == "" && len(before)+n+len(after) <= 19 {
			// A run of at most 19 digits is one candidate number as a whole, not searched inside.
			sep = " "
		}
		in := "note " + before + sep + card + sep + after + " end"
		got := posdesk.MaskText(in)
		start := len("note ") + len(before) + len(sep)
		if len(got) != len(in) {
			t.Fatalf("MaskText(%q) changed the length: %q", in, got)
		}
		mid := got[start+6 : start+n-4]
		if strings.Trim(mid, "*") != "" {
			t.Errorf("MaskText(%q) = %q: the middle of %s is visible", in, got, card)
		}
	}
}

func TestCardLast4(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"622848******1234", "1234"},
		{"****1234", "1234"},
		{"622848******12**", ""},
		{"123", ""},
		{"", ""},
	} {
		if got := posdesk.CardLast4(tc.in); got != tc.want {
			t.Errorf("CardLast4(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func BenchmarkMaskText(b *testing.B) {
	notes := []string{
		"顾客说手机扣款了但是终端显示失败，参考号 260914000501",
		"card " + group(card16, " ") + " charged twice",
		"plain note without digits at all, quite common in practice",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		posdesk.MaskText(notes[i%len(notes)])
	}
}
