package posdesk

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Holiday is one entry of the shop's editable holiday list: a weekday the banks are closed
// (a public holiday) or, with Workday set, a weekend day they work (a make-up working day,
// 调休). Bank clocks that count working days skip the first kind and count the second.
type Holiday struct {
	Date    Date
	Name    string // "国庆节", "National Day"; shown in lists
	Workday bool   // true: a make-up working day on a weekend (调休上班)
}

// Validate checks h.
func (h *Holiday) Validate() error {
	var es Errors
	if h.Date.IsZero() {
		es = append(es, Invalid("date", "Enter the date of the holiday."))
	}
	if len([]rune(h.Name)) > 100 {
		es = append(es, Invalid("name", "Holiday name is too long: at most %d characters.", 100))
	}
	return es.Err()
}

// HolidayService manages the holiday list used to count working days.
type HolidayService interface {
	// FindHolidays returns the entries from from to to (both inclusive; zero dates do not
	// limit), in date order.
	FindHolidays(ctx context.Context, from, to Date) ([]*Holiday, error)
	// SetHoliday adds h or replaces the entry of the same date.
	SetHoliday(ctx context.Context, h *Holiday) error
	// DeleteHoliday removes the entry of date d. Returns ENOTFOUND when there is none.
	DeleteHoliday(ctx context.Context, d Date) error
}

// Calendar tells working days from days off: Monday to Friday work, Saturday and Sunday do not,
// except for the dates of its holiday list (days off on a weekday, make-up working days on a
// weekend). A nil *Calendar knows weekends only.
type Calendar struct {
	off  map[Date]string
	work map[Date]string
}

// NewCalendar returns a calendar with the given holiday list.
func NewCalendar(hs []*Holiday) *Calendar {
	c := &Calendar{off: map[Date]string{}, work: map[Date]string{}}
	for _, h := range hs {
		if h == nil || h.Date.IsZero() {
			continue
		}
		if h.Workday {
			c.work[h.Date] = h.Name
			delete(c.off, h.Date)
		} else {
			c.off[h.Date] = h.Name
			delete(c.work, h.Date)
		}
	}
	return c
}

// IsWorkday reports whether banks work on d.
func (c *Calendar) IsWorkday(d Date) bool {
	if c != nil {
		if _, ok := c.work[d]; ok {
			return true
		}
		if _, ok := c.off[d]; ok {
			return false
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// HolidayName returns the name of d in the holiday list, or "".
func (c *Calendar) HolidayName(d Date) string {
	if c == nil {
		return ""
	}
	if n, ok := c.off[d]; ok {
		return n
	}
	return c.work[d]
}

// AddWorkdays returns the n-th working day after d: with d a Friday and no holidays,
// AddWorkdays(d, 1) is the Monday after. n = 0 returns d itself; a negative n counts back.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// Workdays returns the number of working days after a up to and including b (0 when b is not
// after a): from a Friday to the next Monday is 1.
func (c *Calendar) Workdays(a, b Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Add returns the date span s after d: calendar days, or working days counted with c.
func (c *Calendar) Add(d Date, s Span) Date {
	if s.Workdays {
		return c.AddWorkdays(d, s.Days)
	}
	return d.AddDays(s.Days)
}

// Span is a length of time as bank clocks count it: a number of calendar days, or of working
// days (weekends and holidays skipped). The zero Span is "no time".
type Span struct {
	Days     int
	Workdays bool
}

// IsZero reports whether s is the zero Span.
func (s Span) IsZero() bool { return s == Span{} }

// String returns s as ParseSpan reads it: "7d" for calendar days, "3wd" for working days, or ""
// for the zero Span.
func (s Span) String() string {
	if s.IsZero() {
		return ""
	}
	if s.Workdays {
		return strconv.Itoa(s.Days) + "wd"
	}
	return strconv.Itoa(s.Days) + "d"
}

// ParseSpan reads a span: "7", "7d", "7 days", "7天" are calendar days; "3wd", "3 working days",
// "3 工作日", "3个工作日" are working days; "2w" is 14 calendar days. An empty string gives the zero
// Span. Anything else is EINVALID on field "days".
func ParseSpan(s string) (Span, error) {
	orig := s
	s = strings.ToLower(strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case unicode.IsSpace(r):
			return -1
		}
		return r
	}, s))
	if s == "" {
		return Span{}, nil
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	bad := Invalid("days", "%q is not a number of days; write 7d for calendar days or 3wd for working days.", orig)
	if i == 0 || i > 4 {
		return Span{}, bad
	}
	n, _ := strconv.Atoi(s[:i])
	switch s[i:] {
	case "", "d", "day", "days", "天", "日", "calendardays":
		return Span{Days: n}, nil
	case "wd", "workday", "workdays", "workingday", "workingdays", "工作日", "个工作日":
		return Span{Days: n, Workdays: true}, nil
	case "w", "week", "weeks", "周":
		return Span{Days: 7 * n}, nil
	}
	return Span{}, bad
}
