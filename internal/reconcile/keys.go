package reconcile

import (
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// rrnKey packs an RRN of up to 12 letters and digits (ISO 8583 field 37 is 12 characters) into
// a uint64, case-folded, so the index needs no string per line. ok is false for other RRNs, which
// go into a string-keyed index instead.
func rrnKey(s string) (uint64, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	var k uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v uint64
		switch {
		case c >= '0' && c <= '9':
			v = uint64(c-'0') + 1
		case c >= 'A' && c <= 'Z':
			v = uint64(c-'A') + 11
		case c >= 'a' && c <= 'z':
			v = uint64(c-'a') + 11
		default:
			return 0, false
		}
		k = k*37 + v
	}
	return k, true
}

// rrnString unpacks a key made by rrnKey.
func rrnString(k uint64) string {
	var b [12]byte
	i := len(b)
	for k > 0 {
		v := k % 37
		k /= 37
		i--
		if v <= 10 {
			b[i] = byte('0' + v - 1)
		} else {
			b[i] = byte('A' + v - 11)
		}
	}
	return string(b[i:])
}

// packBT packs a batch and a trace number of up to 9 digits each into a uint64 (0 parts mean
// empty); ok is false when either is not all digits.
func packBT(batch, trace string) (uint64, bool) {
	b, ok1 := small(batch)
	t, ok2 := small(trace)
	if !ok1 || !ok2 {
		return 0, false
	}
	return b<<32 | t, true
}

func small(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	if len(s) > 9 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v + 1, true
}

// last4 returns the card's last four digits as 1..10000, or 0 when unknown.
func last4(card string) uint16 {
	l := posdesk.CardLast4(card)
	if l == "" {
		return 0
	}
	v := uint16(0)
	for i := 0; i < 4; i++ {
		v = v*10 + uint16(l[i]-'0')
	}
	return v + 1
}

// minor returns m in minor units of its currency, without allocating for amounts that fit.
func minor(m posdesk.Money) int64 {
	exp, ok := posdesk.MinorUnits(m.Currency)
	if !ok {
		exp = 2
	}
	shift := m.Amount.Exponent() + exp
	if shift >= 0 && shift <= 4 && m.Amount.NumDigits() <= 14 {
		v := m.Amount.CoefficientInt64()
		for ; shift > 0; shift-- {
			v *= 10
		}
		return v
	}
	return m.Minor()
}

// day returns the calendar day number (days since 1970-01-01) of t in loc.
func day(t time.Time, loc *time.Location) int32 {
	y, m, d := t.In(loc).Date()
	return civilDay(y, m, d)
}

// dateDay returns the day number of a calendar date.
func dateDay(d posdesk.Date) int32 { return civilDay(d.Year, d.Month, d.Day) }

func civilDay(y int, m time.Month, d int) int32 {
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayDate turns a day number back into its date.
func dayDate(n int32) posdesk.Date { return posdesk.DateOf(time.Unix(int64(n)*86400, 0), time.UTC) }

// direction is +1 for kinds that bring money to the shop, -1 for those that take it back, and 0
// for kinds that never settle (pre-authorisation holds).
func direction(k posdesk.TxKind) int8 {
	switch k {
	case posdesk.KindSale, posdesk.KindPreAuthCompletion:
		return 1
	case posdesk.KindRefund, posdesk.KindVoid, posdesk.KindReversal:
		return -1
	}
	return 0
}

// interner gives small numbers to the few distinct terminal IDs.
type interner struct {
	ids    map[string]uint32
	names  []string
	last   string
	lastID uint32
}

func newInterner() *interner { return &interner{ids: map[string]uint32{}, names: []string{""}} }

func (in *interner) id(s string) uint32 {
	if s == "" {
		return 0
	}
	if s == in.last {
		return in.lastID
	}
	if id, ok := in.ids[s]; ok {
		in.last, in.lastID = s, id
		return id
	}
	id := uint32(len(in.names))
	s = strings.Clone(s)
	in.ids[s] = id
	in.names = append(in.names, s)
	return id
}

func (in *interner) name(id uint32) string { return in.names[id] }
