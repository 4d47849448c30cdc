package posdesk

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date with no time of day and no time zone: a deadline, a due date, the date
// on a bank's letter. The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised as time.Date normalises (Feb 30 is Mar 2).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), time.UTC)
}

// DateOf returns the calendar date of the instant t in loc (the shop's time zone).
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// String returns the date as 2006-01-02, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format("2006-01-02")
}

// AddDays returns the date n calendar days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// AddWorkingDays returns the date n working days after d, counting Monday to Friday. Public
// holidays are not known to posdesk: check the date against the bank's calendar.
func (d Date) AddWorkingDays(n int) Date {
	out := d
	for n > 0 {
		out = out.AddDays(1)
		if wd := out.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return out
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

// Compare returns -1 if d is before o, +1 if after, 0 if the same date.
func (d Date) Compare(o Date) int { return d.Time(time.UTC).Compare(o.Time(time.UTC)) }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// DaysUntil returns the number of calendar days from d to o: 3 if o is three days later, negative
// if o is earlier.
func (d Date) DaysUntil(o Date) int {
	return int(o.Time(time.UTC).Sub(d.Time(time.UTC)).Hours() / 24)
}

// ParseDate reads a date as people write it: "2026-09-30", "2026/9/30", "2026.9.30", "20260930",
// "2026年9月30日". Full-width digits are accepted. An empty string gives the zero Date. Anything
// else is EINVALID on field "date".
func ParseDate(s string) (Date, error) {
	orig := s
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '年' || r == '月' || r == '/' || r == '.' || r == '－' || r == '／':
			return '-'
		case r == '日' || r == '号' || r == ' ' || r == '\u3000':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return Date{}, nil
	}
	var parts []string
	if len(s) == 8 && !strings.Contains(s, "-") {
		parts = []string{s[:4], s[4:6], s[6:]}
	} else {
		parts = strings.Split(s, "-")
	}
	bad := Invalid("date", "Date %q is not a date; write it like 2026-09-30.", orig)
	if len(parts) != 3 {
		return Date{}, bad
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || p == "" || p[0] == '+' || p[0] == '-' {
			return Date{}, bad
		}
		n[i] = v
	}
	if n[0] < 1900 || n[0] > 2200 || n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 {
		return Date{}, bad
	}
	d := NewDate(n[0], time.Month(n[1]), n[2])
	if d.Day != n[2] { // 2026-02-30 rolled over into March
		return Date{}, Invalid("date", "Date %q does not exist; check the day of the month.", orig)
	}
	return d, nil
}

// MarshalJSON writes the date as "2006-01-02", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a date written by MarshalJSON.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
