package posdesk_test

import (
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"58", "58"},
		{"58.00", "58"},
		{"0.5", "0.5"},
		{".5", "0.5"},
		{"1,288.00", "1288"},
		{"1,234,567.89", "1234567.89"},
		{"12,345", "12345"},
		{"1 288.50", "1288.5"},
		{"1\u00a0288.50", "1288.5"}, // no-break space
		{"1\u3000288.50", "1288.5"}, // ideographic space
		{"¥58", "58"},
		{"￥ 58.00", "58"},
		{"RMB 30", "30"},
		{"CNY30.10", "30.1"},
		{"58元", "58"},
		{"HK$12.5", "12.5"},
		{"$ 9.99", "9.99"},
		{"１２．５０", "12.5"},    // full-width digits and point
		{"１，２８８．００", "1288"}, // full-width comma
		{"-12.00", "-12"},
		{"－12", "-12"}, // full-width minus
		{"−12", "-12"}, // U+2212 minus sign
		{"+12", "12"},
		{"＋12", "12"},
		{"(12.00)", "-12"},
		{"（12.00）", "-12"}, // full-width parentheses
		{"12.00-", "-12"},  // trailing minus, as some statements print
		{"(12.00-)", "12"}, // two negatives cancel
		{"¥-58.00", "-58"},
		{"0", "0"},
		{"000123.40", "123.4"},
		{"12.345", "12.345"}, // no currency rule here
	} {
		got, err := posdesk.ParseDecimal(tc.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", tc.in, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseDecimalRefuses(t *testing.T) {
	for _, in := range []string{
		"", "   ", "¥", "元", "-", "()", ".", "..5", "1.2.3",
		"abc", "12a", "1e5", "0x10", "--5", "+-5", "5+",
		"1,28", "1,2888", ",123", "1,,288", "12,34.00",
		"1.288,00", "12.5,00", // a comma after the decimal point is not a thousands separator
		"١٢٣", // Arabic-Indic digits
		"1234567890123456789012345678901",
	} {
		got, err := posdesk.ParseDecimal(in)
		if err == nil {
			t.Errorf("ParseDecimal(%q) = %s, want an error", in, got)
			continue
		}
		if code, field := posdesk.ErrorCode(err), posdesk.ErrorField(err); code != posdesk.EINVALID || field != "amount" {
			t.Errorf("ParseDecimal(%q): code %q field %q, want invalid on amount", in, code, field)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in, currency string
		want         string // Money.String()
		minor        int64
	}{
		{"58", "CNY", "58.00 CNY", 5800},
		{"39.5", "CNY", "39.50 CNY", 3950},
		{"1,288.00", "", "1288.00 CNY", 128800}, // empty currency means CNY
		{"12.340", "CNY", "12.34 CNY", 1234},    // trailing zeros are not extra precision
		{"(0.01)", "CNY", "-0.01 CNY", -1},
		{"1200", "JPY", "1200 JPY", 1200},
		{"1200.00", "JPY", "1200 JPY", 1200},
		{"99999999.99", "CNY", "99999999.99 CNY", 9999999999},
	} {
		got, err := posdesk.ParseMoney(tc.in, tc.currency)
		if err != nil {
			t.Errorf("ParseMoney(%q, %q): %v", tc.in, tc.currency, err)
			continue
		}
		if got.String() != tc.want || got.Minor() != tc.minor {
			t.Errorf("ParseMoney(%q, %q) = %s (%d minor), want %s (%d)", tc.in, tc.currency, got, got.Minor(), tc.want, tc.minor)
		}
	}
}

func TestParseMoneyRefuses(t *testing.T) {
	for _, tc := range []struct {
		in, currency, field string
	}{
		{"12.345", "CNY", "amount"},
		{"0.001", "CNY", "amount"},
		{"12.5", "JPY", "amount"},
		{"12", "XYZ", "currency"},
		{"12", "cny", "currency"},
		{"twelve", "CNY", "amount"},
		{"", "CNY", "amount"},
	} {
		got, err := posdesk.ParseMoney(tc.in, tc.currency)
		if err == nil {
			t.Errorf("ParseMoney(%q, %q) = %s, want an error", tc.in, tc.currency, got)
			continue
		}
		if field := posdesk.ErrorField(err); field != tc.field {
			t.Errorf("ParseMoney(%q, %q): field %q, want %q (%v)", tc.in, tc.currency, field, tc.field, err)
		}
	}
}

func TestMoneyArithmetic(t *testing.T) {
	a, b := posdesk.CNY("128.00"), posdesk.CNY("39.50")
	for _, tc := range []struct {
		name string
		got  posdesk.Money
		want string
	}{
		{"add", a.Add(b), "167.50 CNY"},
		{"sub", a.Sub(b), "88.50 CNY"},
		{"sub below zero", b.Sub(a), "-88.50 CNY"},
		{"neg", a.Neg(), "-128.00 CNY"},
		{"zero takes currency", posdesk.Money{}.Add(b), "39.50 CNY"},
		{"exact tenths", posdesk.CNY("0.10").Add(posdesk.CNY("0.20")), "0.30 CNY"},
		{"from minor", posdesk.NewMoney(12345, "CNY"), "123.45 CNY"},
		{"from minor JPY", posdesk.NewMoney(12345, "JPY"), "12345 JPY"},
	} {
		if got := tc.got.String(); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	// A million additions of 0.10 stay exact (a float64 would drift).
	sum := posdesk.Money{}
	tenth := posdesk.CNY("0.10")
	for i := 0; i < 1_000_000; i++ {
		sum = sum.Add(tenth)
	}
	if got, want := sum.Minor(), int64(10_000_000); got != want {
		t.Errorf("1e6 x 0.10 = %d fen, want %d", got, want)
	}
	if a.Cmp(b) != 1 || b.Cmp(a) != -1 || a.Cmp(posdesk.CNY("128")) != 0 {
		t.Errorf("Cmp gives %d %d %d", a.Cmp(b), b.Cmp(a), a.Cmp(posdesk.CNY("128")))
	}
	if !a.Equal(posdesk.CNY("128")) || a.Equal(posdesk.NewMoney(12800, "HKD")) {
		t.Error("Equal must compare amount and currency")
	}
	if !posdesk.CNY("0").IsZero() || posdesk.CNY("0.01").IsZero() {
		t.Error("IsZero")
	}
	if !posdesk.CNY("-0.01").IsNegative() || posdesk.CNY("0").IsNegative() {
		t.Error("IsNegative")
	}
}

func TestMoneyDisplay(t *testing.T) {
	for _, tc := range []struct {
		m    posdesk.Money
		want string
	}{
		{posdesk.CNY("0"), "¥ 0.00"},
		{posdesk.CNY("58"), "¥ 58.00"},
		{posdesk.CNY("999.99"), "¥ 999.99"},
		{posdesk.CNY("1288"), "¥ 1,288.00"},
		{posdesk.CNY("12345.6"), "¥ 12,345.60"},
		{posdesk.CNY("1234567.89"), "¥ 1,234,567.89"},
		{posdesk.CNY("-58"), "-¥ 58.00"},
		{posdesk.CNY("-1288.5"), "-¥ 1,288.50"},
		{posdesk.NewMoney(128800, "USD"), "$ 1,288.00"},
		{posdesk.NewMoney(128800, "HKD"), "HK$ 1,288.00"},
		{posdesk.NewMoney(1288, "JPY"), "¥ 1,288"},
		{posdesk.NewMoney(1288, "SGD"), "SGD 12.88"},
		{posdesk.Money{}, "0.00"},
	} {
		if got := tc.m.Display(); got != tc.want {
			t.Errorf("%s.Display() = %q, want %q", tc.m, got, tc.want)
		}
	}
	if got, want := posdesk.CNY("1288").Plain(), "1288.00"; got != want {
		t.Errorf("Plain = %q, want %q", got, want)
	}
}

func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		cur  string
		want int32
		ok   bool
	}{
		{"CNY", 2, true}, {"JPY", 0, true}, {"KRW", 0, true}, {"XYZ", 0, false}, {"", 0, false},
	} {
		got, ok := posdesk.MinorUnits(tc.cur)
		if got != tc.want || ok != tc.ok {
			t.Errorf("MinorUnits(%q) = %d, %v; want %d, %v", tc.cur, got, ok, tc.want, tc.ok)
		}
	}
}

// The shortcut for the default currency agrees with the table.
func TestMinorUnitsDefaultCurrency(t *testing.T) {
	n, ok := posdesk.MinorUnits(posdesk.DefaultCurrency)
	if n != 2 || !ok {
		t.Fatalf("MinorUnits(%s) = %d, %v", posdesk.DefaultCurrency, n, ok)
	}
	for _, c := range []string{"JPY", "HKD", "USD"} {
		if _, ok := posdesk.MinorUnits(c); !ok {
			t.Errorf("MinorUnits(%s) unknown", c)
		}
	}
}
