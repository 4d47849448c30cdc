package posdesk

import (
	"strings"
	"unicode"

	"github.com/shopspring/decimal"
)

// DefaultCurrency is the currency of a shop that has not chosen one.
const DefaultCurrency = "CNY"

// minorUnits holds the ISO 4217 minor-unit exponent of the currencies posdesk knows.
var minorUnits = map[string]int32{
	"CNY": 2, "HKD": 2, "MOP": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "MYR": 2,
	"THB": 2, "AUD": 2, "CAD": 2, "NZD": 2, "CHF": 2, "JPY": 0, "KRW": 0, "VND": 0,
}

// MinorUnits returns the number of decimal places of currency, and whether it is known.
func MinorUnits(currency string) (int32, bool) {
	if currency == DefaultCurrency { // most amounts, and a map lookup costs more than this
		return 2, true
	}
	n, ok := minorUnits[currency]
	return n, ok
}

// Money is an exact amount in one currency. The zero Money is 0 in no currency.
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// NewMoney returns Money from an integer count of the currency's minor units (fen for CNY).
func NewMoney(minor int64, currency string) Money {
	exp, _ := MinorUnits(currency)
	return Money{Amount: decimal.New(minor, -exp), Currency: currency}
}

// CNY returns an amount in yuan parsed from s, panicking on bad input. For tests and constants.
func CNY(s string) Money {
	m, err := ParseMoney(s, "CNY")
	if err != nil {
		panic(err)
	}
	return m
}

// Minor returns the amount as an integer count of minor units. The amount must already have at
// most the currency's number of decimal places (ParseMoney and Validate guarantee that).
func (m Money) Minor() int64 {
	exp, _ := MinorUnits(m.Currency)
	return m.Amount.Shift(exp).Round(0).IntPart()
}

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount.IsZero() }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.Amount.IsNegative() }

// Add returns m + o. Both must be in the same currency; a zero Money takes the other's currency.
func (m Money) Add(o Money) Money {
	cur := m.Currency
	if cur == "" {
		cur = o.Currency
	}
	return Money{Amount: m.Amount.Add(o.Amount), Currency: cur}
}

// Sub returns m - o.
func (m Money) Sub(o Money) Money { return m.Add(o.Neg()) }

// Neg returns -m.
func (m Money) Neg() Money { return Money{Amount: m.Amount.Neg(), Currency: m.Currency} }

// Cmp compares the amounts of m and o: -1, 0 or +1.
func (m Money) Cmp(o Money) int { return m.Amount.Cmp(o.Amount) }

// Equal reports whether m and o are the same amount in the same currency.
func (m Money) Equal(o Money) bool { return m.Currency == o.Currency && m.Amount.Equal(o.Amount) }

// String returns the amount with the currency's decimal places and its code: "1288.00 CNY".
func (m Money) String() string {
	return m.Plain() + " " + m.Currency
}

// Plain returns the amount with the currency's decimal places, no separators: "1288.00".
func (m Money) Plain() string {
	exp, ok := MinorUnits(m.Currency)
	if !ok {
		exp = 2
	}
	return m.Amount.StringFixed(exp)
}

// Display returns the amount as a shop owner reads it: currency sign, thousands separators and
// the currency's decimal places ("¥ 1,288.00", "-¥ 58.00").
func (m Money) Display() string {
	s := m.Plain()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	out := b.String()
	if sign := currencySign(m.Currency); sign != "" {
		out = sign + " " + out
	}
	if neg {
		out = "-" + out
	}
	return out
}

func currencySign(cur string) string {
	switch cur {
	case "CNY", "JPY":
		return "¥"
	case "USD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "HKD":
		return "HK$"
	case "":
		return ""
	}
	return cur
}

// ParseMoney parses an amount as people and exports write it: "1,288.00", "¥58", "￥１２.５０",
// "RMB 30", "(12.00)" for -12.00, "58元". It refuses more decimal places than the currency has.
// The error is EINVALID on field "amount".
func ParseMoney(s, currency string) (Money, error) {
	if currency == "" {
		currency = DefaultCurrency
	}
	exp, ok := MinorUnits(currency)
	if !ok {
		return Money{}, Invalid("currency", "Currency %q is not a known ISO 4217 code (for example CNY, HKD, USD).", currency)
	}
	d, err := ParseDecimal(s)
	if err != nil {
		return Money{}, err
	}
	if -d.Exponent() > exp && !d.Equal(d.Truncate(exp)) {
		return Money{}, Invalid("amount", "Amount %q has more than %d decimal places.", s, exp)
	}
	return Money{Amount: d.Truncate(exp), Currency: currency}, nil
}

// ParseDecimal parses a decimal number leniently (see ParseMoney) without a currency rule.
func ParseDecimal(s string) (decimal.Decimal, error) {
	orig := s
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		case r == '，':
			return ','
		case r == '－' || r == '−':
			return '-'
		case r == '＋':
			return '+'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u3000':
			return -1
		}
		return r
	}, s)
	for _, sym := range []string{"RMB", "CNY", "HKD", "USD", "HK$", "元", "¥", "￥", "$", "€", "£"} {
		s = strings.ReplaceAll(s, sym, "")
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = s[1 : len(s)-1]
	}
	if strings.HasPrefix(s, "-") {
		neg = !neg
		s = s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if strings.HasSuffix(s, "-") { // some statements print "12.00-"
		neg = !neg
		s = s[:len(s)-1]
	}
	if s == "" {
		return decimal.Decimal{}, Invalid("amount", "Amount is empty; enter a number such as 58.00.")
	}
	if strings.Contains(s, ",") {
		// Thousands separators must sit between groups of three digits, before the decimal point
		// ("1.288,00" is not 1.288).
		intPart, frac, _ := strings.Cut(s, ".")
		if strings.Contains(frac, ",") {
			return decimal.Decimal{}, Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", orig)
		}
		groups := strings.Split(intPart, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return decimal.Decimal{}, Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", orig)
			}
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	dots := 0
	for i, r := range s {
		switch {
		case r == '.':
			dots++
		case r >= '0' && r <= '9':
		default:
			_ = i
			return decimal.Decimal{}, Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", orig)
		}
	}
	if dots > 1 || s == "." || len(s) > 30 {
		return decimal.Decimal{}, Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", orig)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, Invalid("amount", "Amount %q is not a number; write it like 1,288.00 or 1288.00.", orig)
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}
