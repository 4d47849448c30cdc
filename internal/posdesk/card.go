package posdesk

import "strings"

// Luhn reports whether digits (ASCII 0-9 only) pass the Luhn check.
func Luhn(digits string) bool {
	if len(digits) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// MaskCard returns the stored form of a card number as typed on a form, printed on a slip or
// found in an export: at most the first 6 and the last 4 digits, the rest as '*'
// ("622848******1234"). It accepts full numbers (with spaces or dashes), already masked numbers
// (with *, x, X or •) and the last four digits alone ("1234" becomes "****1234"). An empty input
// gives "". Anything else is EINVALID on field "card".
func MaskCard(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	c := s
	if !digitsAndStars(s) { // else already in its plain form, as in a statement or the database
		var b strings.Builder
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9':
				b.WriteRune(r)
			case r >= '０' && r <= '９':
				b.WriteRune('0' + r - '０')
			case r == '*' || r == 'x' || r == 'X' || r == '•' || r == '＊':
				b.WriteByte('*')
			case r == ' ' || r == '-':
			default:
				return "", Invalid("card", "Card number may hold only digits and * (for example 622848******1234).")
			}
		}
		c = b.String()
	}
	n := len(c)
	if !strings.Contains(c, "*") {
		switch {
		case n == 4:
			return "****" + c, nil
		case n >= 13 && n <= 19:
			return c[:6] + strings.Repeat("*", n-10) + c[n-4:], nil
		}
		return "", Invalid("card", "Card number must be the full number (13 to 19 digits), a masked number such as 622848******1234, or the last 4 digits.")
	}
	if n > 19 || n < 4 {
		return "", Invalid("card", "Card number must be the full number (13 to 19 digits), a masked number such as 622848******1234, or the last 4 digits.")
	}
	// Keep at most 6 leading and 4 trailing digits; everything else becomes '*'.
	lead := strings.IndexByte(c, '*')
	trail := n - 1 - strings.LastIndexByte(c, '*')
	if lead <= 6 && trail <= 4 && strings.Count(c[lead:n-trail], "*") == n-trail-lead {
		return c, nil // masked already
	}
	out := []byte(c)
	for i := range out {
		if (i >= 6 || i >= lead) && i < n-min(trail, 4) {
			out[i] = '*'
		}
	}
	return string(out), nil
}

// digitsAndStars reports whether s holds only ASCII digits and '*'.
func digitsAndStars(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '*' {
			return false
		}
	}
	return true
}

// CardLast4 returns the last four characters of a masked card when they are digits, or "".
func CardLast4(masked string) string {
	if len(masked) < 4 {
		return ""
	}
	l := masked[len(masked)-4:]
	for _, c := range l {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return l
}

// MaskText returns s with every card number in it masked: each run of 13 to 19 digits (written
// together or in groups joined by single spaces or dashes, as people write card numbers) that
// passes the Luhn check keeps its first 6 and last 4 digits, the others become '*'. Longer runs of
// digits are searched for such numbers inside them. Full-width digits (０-９, as Chinese input
// methods type them) count as digits. Free text (notes, stories, captions, imported cells) goes
// through MaskText before it is stored, logged, exported or printed.
func MaskText(s string) string {
	if !hasLongDigitRun(s) {
		return s
	}
	b := []rune(s)
	// groups: maximal runs of digits; a run continues over one ' ' or '-'.
	var run []digitGroup
	flush := func() {
		maskRun(b, run)
		run = run[:0]
	}
	i := 0
	for i < len(b) {
		if digitValue(b[i]) < 0 {
			if len(run) > 0 && (b[i] == ' ' || b[i] == '-') && i+1 < len(b) && digitValue(b[i+1]) >= 0 && run[len(run)-1].end == i {
				i++
				continue
			}
			if len(run) > 0 {
				flush()
			}
			i++
			continue
		}
		j := i
		for j < len(b) && digitValue(b[j]) >= 0 {
			j++
		}
		run = append(run, digitGroup{i, j})
		i = j
	}
	if len(run) > 0 {
		flush()
	}
	return string(b)
}

// digitGroup is a maximal run of digits in a rune slice: b[start:end].
type digitGroup struct{ start, end int }

// digitValue returns the value of an ASCII or full-width digit, or -1.
func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}

func hasLongDigitRun(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99: // ０-９
			n++
			i += 2
		case c == ' ' || c == '-':
			continue
		default:
			n = 0
		}
		if n >= 13 {
			return true
		}
	}
	return false
}

// maskRun masks Luhn-valid card numbers in one run of digit groups within b. Every candidate is
// checked against the digits as they were before any masking, so masking is idempotent: a second
// pass over the output changes nothing.
func maskRun(b []rune, groups []digitGroup) {
	var pos []int     // offset in b of each digit of the run
	var digits []byte // the digits themselves, unmasked
	var starts []int  // index into digits where each group starts
	for _, g := range groups {
		starts = append(starts, len(digits))
		for k := g.start; k < g.end; k++ {
			pos = append(pos, k)
			digits = append(digits, byte('0'+digitValue(b[k])))
		}
	}
	if len(digits) < 13 {
		return
	}
	hide := make([]bool, len(digits))
	mark := func(from, to int) {
		for k := from + 6; k < to-4; k++ {
			hide[k] = true
		}
	}
	starts = append(starts, len(digits))
	// Whole groups joined together, as card numbers are written ("6228 4800 1234 5678").
	for gi := 0; gi < len(starts)-1; gi++ {
		for gj := gi + 1; gj < len(starts); gj++ {
			n := starts[gj] - starts[gi]
			if n > 19 {
				break
			}
			if n >= 13 && Luhn(string(digits[starts[gi]:starts[gj]])) {
				mark(starts[gi], starts[gj])
			}
		}
		// A single group longer than 19 digits may hide a card number anywhere inside it.
		if glen := starts[gi+1] - starts[gi]; glen > 19 {
			for a := starts[gi]; a+13 <= starts[gi+1]; a++ {
				for l := 13; l <= 19 && a+l <= starts[gi+1]; l++ {
					if luhnBytes(digits[a : a+l]) {
						mark(a, a+l)
					}
				}
			}
		}
	}
	for k, h := range hide {
		if h {
			b[pos[k]] = '*'
		}
	}
}

// luhnBytes is Luhn over ASCII digits without allocating.
func luhnBytes(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}
