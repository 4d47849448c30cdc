// Package reliability proves posdesk's reliability promises in figures (issue 8 and the test plan
// of the reliability reference): kill -9 loops while the app writes, a full disk on every write
// path, several processes writing at once, read-only databases, a card-number leak scan of
// everything the app writes, and a catalogue of the bad input it refuses.
//
// The proofs are the package's tests; this file holds what they share and what other tools may
// reuse: Luhn-valid test card numbers made up in code (never real ones) and a scanner that finds
// card numbers in any bytes (database pages, WAL frames, logs, CSV, text pulled out of PDFs).
//
// The short run is part of `go test ./...`; the full run is `make reliability`, which sets
// RELIABILITY_CYCLES=1000 and RELIABILITY_CARDS=10000.
package reliability

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// cardPrefixes are issuer prefixes with the lengths their numbers have: UnionPay debit and
// credit (16 and 19 digits), Visa (13 and 16), Mastercard (16), Amex (15), JCB (16).
var cardPrefixes = []struct {
	prefix  string
	lengths []int
}{
	{"622848", []int{16, 19}}, {"621700", []int{19}}, {"625807", []int{16}}, {"620522", []int{19}},
	{"4", []int{13, 16}}, {"51", []int{16}}, {"55", []int{16}}, {"34", []int{15}}, {"37", []int{15}},
	{"3528", []int{16}},
}

// CardNumbers returns n distinct Luhn-valid card numbers of 13 to 19 digits with real issuer
// prefixes, made up from seed: the same seed gives the same numbers. They are test data for
// leak scans; no real card number is ever written into the repository.
func CardNumbers(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		p := cardPrefixes[r.IntN(len(cardPrefixes))]
		length := p.lengths[r.IntN(len(p.lengths))]
		b := []byte(p.prefix)
		for len(b) < length-1 {
			b = append(b, byte('0'+r.IntN(10)))
		}
		b = append(b, luhnDigit(b))
		s := string(b)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// luhnDigit returns the check digit that makes payload followed by it pass the Luhn check.
func luhnDigit(payload []byte) byte {
	sum := 0
	double := true // the check digit is not doubled, so the last payload digit is
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// Grouped returns a card number written the way people write it: groups of four separated by
// sep (" " or "-"), the last group shorter when the length is not a multiple of four.
func Grouped(card, sep string) string {
	var parts []string
	for len(card) > 4 {
		parts = append(parts, card[:4])
		card = card[4:]
	}
	return strings.Join(append(parts, card), sep)
}

// FullWidth returns s with its ASCII digits written as full-width digits (０-９), as Chinese
// input methods type them.
func FullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '０' + r - '0'
		}
		return r
	}, s)
}

// Hit is a card number found by a Scanner.
type Hit struct {
	Offset int    // byte offset of the run's first digit
	Number string // the digits of the card number (ASCII)
	Seeded bool   // one of the numbers the scanner was told to look for
}

// Scanner finds card numbers in bytes: the seeded numbers it was given (exact digits, wherever
// they appear: alone, inside longer digit runs, grouped with spaces or dashes, in full-width
// digits) and any other 13 to 19 digit run that passes the Luhn check.
type Scanner struct {
	seeded map[string]bool
}

// NewScanner returns a Scanner looking for the seeded numbers and for any Luhn-valid run.
func NewScanner(seeded []string) *Scanner {
	s := &Scanner{seeded: make(map[string]bool, len(seeded))}
	for _, c := range seeded {
		s.seeded[c] = true
	}
	return s
}

// digitAt returns the value and byte length of a digit at data[i]: an ASCII digit, a full-width
// digit in UTF-8 (EF BC 90-99) or in GB18030 (A3 B0-B9). It returns -1 when there is none.
func digitAt(data []byte, i int) (int, int) {
	c := data[i]
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), 1
	case c == 0xEF && i+2 < len(data) && data[i+1] == 0xBC && data[i+2] >= 0x90 && data[i+2] <= 0x99:
		return int(data[i+2] - 0x90), 3
	case c == 0xA3 && i+1 < len(data) && data[i+1] >= 0xB0 && data[i+1] <= 0xB9:
		return int(data[i+1] - 0xB0), 2
	}
	return -1, 0
}

func isHexLetter(c byte) bool { return c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// Scan returns the card numbers in data. Digit runs continue over a single space or dash, as
// people group card numbers. A Luhn-valid run that is not seeded counts only when it does not
// touch a hexadecimal letter on either side: SHA-256 hashes in hex (the audit chain, attachment
// checksums) hold long digit runs by chance, and a tenth of those pass the Luhn check.
func (s *Scanner) Scan(data []byte) []Hit {
	var hits []Hit
	i := 0
	for i < len(data) {
		if v, _ := digitAt(data, i); v < 0 {
			i++
			continue
		}
		start := i
		var digits []byte
		for i < len(data) {
			v, n := digitAt(data, i)
			if v >= 0 {
				digits = append(digits, byte('0'+v))
				i += n
				continue
			}
			if (data[i] == ' ' || data[i] == '-') && i+1 < len(data) {
				if v2, _ := digitAt(data, i+1); v2 >= 0 {
					i++
					continue
				}
			}
			break
		}
		if len(digits) < 13 {
			continue
		}
		hexy := start > 0 && isHexLetter(data[start-1]) || i < len(data) && isHexLetter(data[i])
		hits = append(hits, s.scanRun(start, digits, hexy)...)
	}
	return hits
}

// scanRun looks for card numbers inside one run of digits.
func (s *Scanner) scanRun(offset int, digits []byte, hexy bool) []Hit {
	var hits []Hit
	whole := string(digits)
	if len(digits) <= 19 {
		if s.seeded[whole] {
			return []Hit{{Offset: offset, Number: whole, Seeded: true}}
		}
		if !hexy && posdesk.Luhn(whole) {
			return []Hit{{Offset: offset, Number: whole}}
		}
	}
	// A seeded number may sit inside a longer run (two numbers written together, a number
	// followed by a date): look at every window.
	for a := 0; a+13 <= len(digits); a++ {
		for l := 13; l <= 19 && a+l <= len(digits); l++ {
			if w := whole[a : a+l]; s.seeded[w] {
				hits = append(hits, Hit{Offset: offset, Number: w, Seeded: true})
			}
		}
	}
	return hits
}

// Count returns how many hits are seeded numbers and how many are other Luhn-valid runs.
func Count(hits []Hit) (seeded, other int) {
	for _, h := range hits {
		if h.Seeded {
			seeded++
		} else {
			other++
		}
	}
	return seeded, other
}

// Masked returns the first 6 and last 4 digits of a card number with stars between, for
// printing a hit in a test report without printing the number itself.
func Masked(card string) string {
	if len(card) < 10 {
		return strings.Repeat("*", len(card))
	}
	return card[:6] + strings.Repeat("*", len(card)-10) + card[len(card)-4:] + " (" + strconv.Itoa(len(card)) + " digits)"
}
