package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// statusImportance returns the colour of a status word: failed and declined red, no response
// amber, approved and settled green, reversed grey.
func statusImportance(s posdesk.TxStatus) widget.Importance {
	switch s {
	case posdesk.StatusApproved, posdesk.StatusSettled:
		return widget.SuccessImportance
	case posdesk.StatusFailed, posdesk.StatusDeclined:
		return widget.DangerImportance
	case posdesk.StatusNoResponse:
		return widget.WarningImportance
	case posdesk.StatusReversed:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// groupDigits writes n with thousands separators: 1234567 -> "1,234,567".
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Layouts used to show and read times.
const (
	dateLayout      = "2006-01-02"
	dateTimeLayout  = "2006-01-02 15:04"
	tableTimeLayout = "2006-01-02 15:04:05"
)

// parseDate reads a calendar date as shop staff write it: 2024-05-31, 2024/5/31, 2024.05.31,
// 20240531 or with full-width digits. It returns midnight of that day in loc. The error is
// EINVALID on field.
func parseDate(field, s string, loc *time.Location) (time.Time, error) {
	bad := posdesk.Invalid(field, "%q is not a date; write it as 2024-05-31.", s)
	d, rest, err := parseDatePrefix(field, s, loc, bad)
	if err == nil && rest != "" {
		err = bad
	}
	return d, err
}

// parseDateTime reads a date with an optional time of day (2024-05-31 14:05, 2024-05-31
// 14:05:09); a date alone means midnight. The result is in loc.
func parseDateTime(field, s string, loc *time.Location) (time.Time, error) {
	bad := posdesk.Invalid(field, "%q is not a date and time; write it as 2024-05-31 14:05.", s)
	d, rest, err := parseDatePrefix(field, s, loc, bad)
	if err != nil {
		return time.Time{}, err
	}
	if rest == "" {
		return d, nil
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, bad
	}
	var hms [3]int
	limits := [3]int{23, 59, 59}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > limits[i] || len(p) > 2 {
			return time.Time{}, posdesk.Invalid(field, "%q has no valid time of day; write it as 14:05 or 14:05:09.", s)
		}
		hms[i] = n
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hms[0], hms[1], hms[2], 0, loc), nil
}

// parseDatePrefix reads the date at the start of s and returns what follows it, trimmed. It
// returns bad when s does not start with a date.
func parseDatePrefix(field, s string, loc *time.Location, bad error) (time.Time, string, error) {
	s = fullWidthToASCII(strings.TrimSpace(s))
	datePart, rest, _ := strings.Cut(s, " ")
	if d, r, ok := strings.Cut(datePart, "T"); ok { // 2024-05-31T14:05
		datePart, rest = d, r+" "+rest
	}
	var y, m, d int
	var err error
	if len(datePart) == 8 && isDigits(datePart) {
		y, _ = strconv.Atoi(datePart[:4])
		m, _ = strconv.Atoi(datePart[4:6])
		d, _ = strconv.Atoi(datePart[6:])
	} else {
		parts := strings.FieldsFunc(datePart, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		if len(parts) != 3 || len(parts[0]) != 4 {
			return time.Time{}, "", bad
		}
		if y, err = strconv.Atoi(parts[0]); err != nil {
			return time.Time{}, "", bad
		}
		if m, err = strconv.Atoi(parts[1]); err != nil {
			return time.Time{}, "", bad
		}
		if d, err = strconv.Atoi(parts[2]); err != nil {
			return time.Time{}, "", bad
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return time.Time{}, "", posdesk.Invalid(field, "%q is not a day of the calendar; check the month and day.", s)
	}
	return t, strings.TrimSpace(rest), nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func fullWidthToASCII(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		case r == '：':
			return ':'
		case r == '．':
			return '.'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}
