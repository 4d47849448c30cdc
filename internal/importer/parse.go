package importer

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/shopspring/decimal"
)

// ParseAmount parses an amount cell of an export: what posdesk.ParseMoney accepts ("1,288.00",
// "¥58", "￥１２.５０", "(12.00)", "12.00-"), plus the cell forms spreadsheets leave behind
// (="58.00", '58.00) and a trailing CR/DR marker (DR makes it negative). An empty cell, "-" or
// "--" is an error; callers decide whether a column may be empty.
func ParseAmount(s, currency string) (posdesk.Money, error) {
	if currency == "" {
		currency = posdesk.DefaultCurrency
	}
	s = cleanCell(s)
	if m, ok := fastAmount(s, currency); ok {
		return m, nil
	}
	neg := false
	upper := strings.ToUpper(s)
	switch {
	case strings.HasSuffix(upper, "DR"):
		neg = true
		s = strings.TrimSpace(s[:len(s)-2])
	case strings.HasSuffix(upper, "CR"):
		s = strings.TrimSpace(s[:len(s)-2])
	}
	m, err := posdesk.ParseMoney(s, currency)
	if err != nil {
		return posdesk.Money{}, err
	}
	if m.Amount.Abs().Cmp(maxAmount) >= 0 {
		return posdesk.Money{}, posdesk.Invalid("amount", "Amount %q is too large for a statement; check that the right column holds the amounts.", s)
	}
	if neg {
		m = m.Neg()
	}
	return m, nil
}

// fastAmount parses the common plain form [-]digits[.digits] without allocating more than the
// decimal itself.
func fastAmount(s, currency string) (posdesk.Money, bool) {
	exp, ok := posdesk.MinorUnits(currency)
	if !ok || len(s) == 0 || len(s) > 18 {
		return posdesk.Money{}, false
	}
	i := 0
	neg := false
	if s[0] == '-' {
		neg = true
		i = 1
	}
	var v int64
	digits, frac := 0, -1
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default:
			return posdesk.Money{}, false
		}
	}
	if digits == 0 || frac == 0 {
		return posdesk.Money{}, false
	}
	if frac < 0 {
		frac = 0
	}
	if int32(frac) > exp || digits-frac > 15 {
		return posdesk.Money{}, false // let ParseMoney decide about extra zeros and huge amounts
	}
	for f := int32(frac); f < exp; f++ {
		v *= 10
	}
	if neg {
		v = -v
	}
	return posdesk.Money{Amount: decimal.New(v, -exp), Currency: currency}, true
}

// DateOrder says how to read an all-numeric date whose year comes last (14/09/2026).
type DateOrder string

// The orders of day and month in dates written with the year last.
const (
	DateOrderAuto DateOrder = ""    // day first unless the day cannot be a month (09/14/2026)
	DateOrderDMY  DateOrder = "dmy" // 14/09/2026
	DateOrderMDY  DateOrder = "mdy" // 09/14/2026
)

// ParseDate parses a calendar date as exports write it: 2026-09-14, 2026/9/14, 2026.09.14,
// 20260914, 2026年9月14日, 14/09/2026 (see DateOrder), an Excel serial day number (46279), with
// full-width digits allowed and any time of day after it ignored. The error is EINVALID on field
// "date".
func ParseDate(s string, order DateOrder) (posdesk.Date, error) {
	d, _, _, err := parseDateTimeCell(s, order)
	if err != nil {
		return posdesk.Date{}, err
	}
	return posdesk.DateOf(d, time.UTC), nil
}

// ParseClock parses a time of day: 08:30:00, 8:30, 083000, 0830, 08:30:00.123, 8:30 PM, 下午3:05.
// The error is EINVALID on field "time".
func ParseClock(s string) (time.Duration, error) {
	c, ok := parseClock(normDigits(cleanCell(s)))
	if !ok {
		return 0, posdesk.Invalid("time", "Time %q is not a time of day; write it like 08:30:00 or 0830.", s)
	}
	return c, nil
}

// ParseDateTime combines a date cell and a time cell into an instant. The date cell may hold the
// time too ("2026-09-14 08:30:00", "20260914083000", ISO 8601 with a zone); the time cell may then
// be empty, and may hold the whole date and time when date is empty. Times without a zone are
// local times in loc (UTC when nil). The result is in UTC.
func ParseDateTime(date, clock string, loc *time.Location, order DateOrder) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	date, clock = cleanCell(date), cleanCell(clock)
	if date == "" && clock == "" {
		return time.Time{}, posdesk.Invalid("date", "Date is empty; every row needs the transaction date.")
	}
	if date == "" {
		date, clock = clock, ""
	}
	if t, ok := parseISOInstant(date); ok {
		return t.UTC(), nil
	}
	d, tod, hasTime, err := parseDateTimeCell(date, order)
	if err != nil {
		return time.Time{}, err
	}
	if clock != "" {
		if t, ok := parseISOInstant(clock); ok && !hasTime {
			return t.UTC(), nil
		}
		c, ok := parseClock(normDigits(clock))
		if !ok {
			// The time column may repeat the date ("2026-09-14 08:30:00").
			_, c2, has2, err2 := parseDateTimeCell(clock, order)
			if err2 != nil || !has2 {
				return time.Time{}, posdesk.Invalid("time", "Time %q is not a time of day; write it like 08:30:00 or 0830.", clock)
			}
			c = c2
		}
		tod = c
	}
	y, m, dd := d.Date()
	h := int(tod / time.Hour)
	mi := int(tod % time.Hour / time.Minute)
	sec := int(tod % time.Minute / time.Second)
	ns := int(tod % time.Second)
	return time.Date(y, m, dd, h, mi, sec, ns, loc).UTC(), nil
}

func parseISOInstant(s string) (time.Time, bool) {
	if len(s) < 20 || !strings.ContainsAny(s[10:], "Z+-") {
		return time.Time{}, false
	}
	for _, l := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseDateTimeCell parses a date with an optional time of day after it.
func parseDateTimeCell(orig string, order DateOrder) (date time.Time, tod time.Duration, hasTime bool, err error) {
	bad := func() (time.Time, time.Duration, bool, error) {
		return time.Time{}, 0, false, posdesk.Invalid("date", "Date %q is not a date; write it like 2026-09-14 or 20260914.", orig)
	}
	s := normDigits(cleanCell(orig))
	if s == "" {
		return time.Time{}, 0, false, posdesk.Invalid("date", "Date is empty; every row needs the transaction date.")
	}
	// 14 digits: yyyymmddhhmmss; 12 digits: yyyymmddhhmm.
	if allDigits(s) && (len(s) == 14 || len(s) == 12) {
		d, ok := ymd(s[:4], s[4:6], s[6:8])
		if !ok {
			return bad()
		}
		c, ok := parseClock(s[8:])
		if !ok {
			return bad()
		}
		return d, c, true, nil
	}
	datePart, timePart := s, ""
	if i := strings.IndexAny(s, " T"); i > 0 {
		datePart, timePart = s[:i], strings.TrimSpace(s[i+1:])
	} else if i := strings.Index(s, "日"); i > 0 && i+len("日") < len(s) {
		datePart, timePart = s[:i+len("日")], strings.TrimSpace(s[i+len("日"):])
	}
	d, ok := parseDateOnly(datePart, order)
	if !ok {
		return bad()
	}
	if timePart == "" {
		return d, 0, false, nil
	}
	c, ok := parseClock(timePart)
	if !ok {
		return bad()
	}
	return d, c, true, nil
}

func parseDateOnly(s string, order DateOrder) (time.Time, bool) {
	if allDigits(s) {
		switch len(s) {
		case 8:
			return ymd(s[:4], s[4:6], s[6:8])
		case 5: // Excel serial day number (days since 1899-12-30)
			n, _ := strconv.Atoi(s)
			if n < 25569 || n > 80000 { // 1970-01-01 to 2119: the years ymd accepts
				return time.Time{}, false
			}
			return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), true
		}
		return time.Time{}, false
	}
	if strings.Contains(s, "年") {
		y, rest, ok1 := strings.Cut(s, "年")
		m, rest, ok2 := strings.Cut(rest, "月")
		d, rest, _ := strings.Cut(rest, "日")
		if !ok1 || !ok2 || rest != "" {
			return time.Time{}, false
		}
		return ymd(y, m, d)
	}
	sep := byte(0)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '-' || c == '/' || c == '.' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return time.Time{}, false
	}
	parts := strings.Split(s, string(sep))
	if len(parts) != 3 {
		return time.Time{}, false
	}
	if len(parts[0]) == 4 {
		return ymd(parts[0], parts[1], parts[2])
	}
	if len(parts[2]) != 4 && len(parts[2]) != 2 {
		return time.Time{}, false
	}
	y := parts[2]
	if len(y) == 2 {
		y = "20" + y
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	switch {
	case order == DateOrderMDY:
		return ymd(y, parts[0], parts[1])
	case order == DateOrderDMY:
		return ymd(y, parts[1], parts[0])
	case a > 12:
		return ymd(y, parts[1], parts[0])
	case b > 12:
		return ymd(y, parts[0], parts[1])
	}
	return ymd(y, parts[1], parts[0])
}

func ymd(ys, ms, ds string) (time.Time, bool) {
	if len(ys) != 4 || len(ms) < 1 || len(ms) > 2 || len(ds) < 1 || len(ds) > 2 {
		return time.Time{}, false
	}
	if !allDigits(ys) || !allDigits(ms) || !allDigits(ds) {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2026-02-30
		return time.Time{}, false
	}
	return t, true
}

// parseClock parses a time of day in ASCII digits.
func parseClock(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	pm, am := false, false
	up := strings.ToUpper(s)
	switch {
	case strings.HasSuffix(up, "PM"):
		pm, s = true, strings.TrimSpace(s[:len(s)-2])
	case strings.HasSuffix(up, "AM"):
		am, s = true, strings.TrimSpace(s[:len(s)-2])
	case strings.HasPrefix(s, "下午") || strings.HasPrefix(s, "晚上"):
		pm, s = true, strings.TrimSpace(s[len("下午"):])
	case strings.HasPrefix(s, "上午") || strings.HasPrefix(s, "凌晨") || strings.HasPrefix(s, "早上"):
		am, s = true, strings.TrimSpace(s[len("上午"):])
	}
	if s == "" {
		return 0, false
	}
	var h, m, sec, ns int
	var ok bool
	if allDigits(s) {
		switch len(s) {
		case 6:
			h, m, sec, ok = atoi2(s[0:2]), atoi2(s[2:4]), atoi2(s[4:6]), true
		case 4:
			h, m, ok = atoi2(s[0:2]), atoi2(s[2:4]), true
		case 5: // 83000
			h, m, sec, ok = int(s[0]-'0'), atoi2(s[1:3]), atoi2(s[3:5]), true
		}
		if !ok {
			return 0, false
		}
	} else {
		main, frac, hasFrac := strings.Cut(s, ".")
		parts := strings.Split(main, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, false
		}
		for i, p := range parts {
			if len(p) < 1 || len(p) > 2 || !allDigits(p) {
				return 0, false
			}
			if i > 0 && len(p) != 2 {
				return 0, false
			}
		}
		h, m = atoi2(parts[0]), atoi2(parts[1])
		if len(parts) == 3 {
			sec = atoi2(parts[2])
		}
		if hasFrac {
			if len(frac) == 0 || len(frac) > 9 || !allDigits(frac) || len(parts) != 3 {
				return 0, false
			}
			ns, _ = strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
		}
	}
	if pm || am {
		if h < 1 || h > 12 {
			return 0, false
		}
		if pm && h != 12 {
			h += 12
		}
		if am && h == 12 {
			h = 0
		}
	}
	if h > 23 || m > 59 || sec > 60 {
		return 0, false
	}
	if sec == 60 {
		sec = 59 // leap second: keep the minute
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ns), true
}

func atoi2(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normDigits turns full-width digits, separators and spaces into their ASCII forms.
func normDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '：':
			return ':'
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		case r == '．':
			return '.'
		case r == '\u3000' || r == '\u00a0':
			return ' '
		}
		return r
	}, s)
}

// cleanCell trims a cell and removes what spreadsheets add to keep text as text: ="000123",
// a leading apostrophe, surrounding tabs.
func cleanCell(s string) string {
	if n := len(s); n > 0 && s[0] > ' ' && s[n-1] > ' ' && s[0] != '=' && s[0] != '\'' && s[0] != '`' {
		// Nothing to trim when neither end is a space (Unicode's, which include U+3000) or the
		// first is a byte order mark (fast path; most cells, Chinese ones too).
		first, last := rune(s[0]), rune(s[n-1])
		if first >= utf8.RuneSelf {
			first, _ = utf8.DecodeRuneInString(s)
		}
		if last >= utf8.RuneSelf {
			last, _ = utf8.DecodeLastRuneInString(s)
		}
		if !unicode.IsSpace(first) && !unicode.IsSpace(last) && first != '\ufeff' {
			return s
		}
	}
	return cleanCellFully(s)
}

// cleanCellFully is cleanCell without its fast path (TestCleanCellFastPath compares the two).
func cleanCellFully(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if strings.HasPrefix(s, "\ufeff") {
		if s = strings.TrimSpace(s[3:]); s == "" {
			return s
		}
	}
	if strings.HasPrefix(s, "=\"") && strings.HasSuffix(s, "\"") && len(s) >= 3 {
		s = s[2 : len(s)-1]
	} else if s[0] == '\'' || s[0] == '`' {
		s = s[1:]
	}
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, 0xe3) >= 0 { // U+3000 ideographic space starts with 0xe3
		s = strings.Trim(s, "\u3000")
	}
	return s
}

var zero = decimal.Zero

// maxAmount bounds the amounts of a statement line (a thousand trillion), far above any shop's.
var maxAmount = decimal.New(1, 15)
