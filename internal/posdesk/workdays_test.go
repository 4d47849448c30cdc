package posdesk_test

import (
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

func d(y int, m time.Month, day int) posdesk.Date { return posdesk.NewDate(y, m, day) }

// china2025 is part of the State Council's 2025 holiday notice: Spring Festival and National Day
// with their make-up working days (调休).
func china2025() *posdesk.Calendar {
	var hs []*posdesk.Holiday
	off := func(name string, from posdesk.Date, n int) {
		for i := 0; i < n; i++ {
			hs = append(hs, &posdesk.Holiday{Date: from.AddDays(i), Name: name})
		}
	}
	off("春节", d(2025, 1, 28), 8)  // Jan 28 - Feb 4
	off("国庆节", d(2025, 10, 1), 8) // Oct 1 - Oct 8 (with Mid-Autumn)
	for _, w := range []posdesk.Date{d(2025, 1, 26), d(2025, 2, 8), d(2025, 9, 28), d(2025, 10, 11)} {
		hs = append(hs, &posdesk.Holiday{Date: w, Name: "调休上班", Workday: true})
	}
	return posdesk.NewCalendar(hs)
}

func TestAddWorkdays(t *testing.T) {
	cn := china2025()
	tests := []struct {
		name string
		cal  *posdesk.Calendar
		from posdesk.Date
		n    int
		want posdesk.Date
	}{
		{"Friday plus 1 is Monday", nil, d(2025, 10, 17), 1, d(2025, 10, 20)},
		{"Saturday plus 1 is Monday", nil, d(2025, 10, 18), 1, d(2025, 10, 20)},
		{"Sunday plus 1 is Monday", nil, d(2025, 10, 19), 1, d(2025, 10, 20)},
		{"Monday plus 5 is next Monday", nil, d(2025, 10, 20), 5, d(2025, 10, 27)},
		{"plus 0 stays", nil, d(2025, 10, 18), 0, d(2025, 10, 18)},
		{"weekends only: Sep 30 plus 3", nil, d(2025, 9, 30), 3, d(2025, 10, 3)},
		{"National Day: Sep 30 plus 1 skips the week", cn, d(2025, 9, 30), 1, d(2025, 10, 9)},
		{"National Day: Sep 30 plus 3 counts make-up Saturday Oct 11", cn, d(2025, 9, 30), 3, d(2025, 10, 11)},
		{"National Day: Sep 30 plus 4", cn, d(2025, 9, 30), 4, d(2025, 10, 13)},
		{"make-up Sunday Sep 28 counts", cn, d(2025, 9, 26), 1, d(2025, 9, 28)},
		{"inside the holiday", cn, d(2025, 10, 3), 1, d(2025, 10, 9)},
		{"Spring Festival: Jan 24 plus 1 is make-up Sunday Jan 26", cn, d(2025, 1, 24), 1, d(2025, 1, 26)},
		{"Spring Festival: Jan 27 plus 1 is Feb 5", cn, d(2025, 1, 27), 1, d(2025, 2, 5)},
		{"Spring Festival: Feb 7 plus 1 is make-up Saturday Feb 8", cn, d(2025, 2, 7), 1, d(2025, 2, 8)},
		{"back: Oct 9 minus 1 is Sep 30", cn, d(2025, 10, 9), -1, d(2025, 9, 30)},
		{"back across a year", nil, d(2026, 1, 1), -1, d(2025, 12, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.cal.AddWorkdays(tt.from, tt.n), tt.want
			if got != want {
				t.Errorf("AddWorkdays(%s, %d) = %s (%s), want %s", tt.from, tt.n, got, got.Weekday(), want)
			}
		})
	}
}

func TestWorkdaysAndIsWorkday(t *testing.T) {
	cn := china2025()
	if got, want := cn.Workdays(d(2025, 9, 30), d(2025, 10, 12)), 3; got != want {
		t.Errorf("Workdays over National Day = %d, want %d", got, want)
	}
	if got, want := (*posdesk.Calendar)(nil).Workdays(d(2025, 9, 30), d(2025, 10, 12)), 8; got != want {
		t.Errorf("Workdays without holidays = %d, want %d", got, want)
	}
	if got := cn.Workdays(d(2025, 10, 12), d(2025, 10, 1)); got != 0 {
		t.Errorf("Workdays backwards = %d, want 0", got)
	}
	for _, tt := range []struct {
		day  posdesk.Date
		want bool
	}{
		{d(2025, 10, 1), false}, {d(2025, 10, 8), false}, {d(2025, 10, 9), true}, {d(2025, 10, 11), true},
		{d(2025, 10, 12), false}, {d(2025, 9, 28), true}, {d(2025, 9, 27), false},
	} {
		if got := cn.IsWorkday(tt.day); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
	if got, want := cn.HolidayName(d(2025, 10, 2)), "国庆节"; got != want {
		t.Errorf("HolidayName = %q, want %q", got, want)
	}
}

func TestCalendarAddSpan(t *testing.T) {
	cn := china2025()
	if got, want := cn.Add(d(2025, 9, 30), posdesk.Span{Days: 3}), d(2025, 10, 3); got != want {
		t.Errorf("3 calendar days = %s, want %s", got, want)
	}
	if got, want := cn.Add(d(2025, 9, 30), posdesk.Span{Days: 3, Workdays: true}), d(2025, 10, 11); got != want {
		t.Errorf("3 working days = %s, want %s", got, want)
	}
}

func TestLaterEntryWins(t *testing.T) {
	c := posdesk.NewCalendar([]*posdesk.Holiday{{Date: d(2025, 10, 11)}, {Date: d(2025, 10, 11), Workday: true}})
	if !c.IsWorkday(d(2025, 10, 11)) {
		t.Error("a later make-up working day entry should replace the day off")
	}
}

func TestParseSpan(t *testing.T) {
	tests := []struct {
		in      string
		want    posdesk.Span
		wantErr bool
	}{
		{"", posdesk.Span{}, false},
		{"7", posdesk.Span{Days: 7}, false},
		{"7d", posdesk.Span{Days: 7}, false},
		{"7 days", posdesk.Span{Days: 7}, false},
		{"７天", posdesk.Span{Days: 7}, false},
		{"3wd", posdesk.Span{Days: 3, Workdays: true}, false},
		{"3 working days", posdesk.Span{Days: 3, Workdays: true}, false},
		{"3个工作日", posdesk.Span{Days: 3, Workdays: true}, false},
		{"2w", posdesk.Span{Days: 14}, false},
		{"0d", posdesk.Span{Days: 0}, false},
		{"d", posdesk.Span{}, true},
		{"-3d", posdesk.Span{}, true},
		{"3 fortnights", posdesk.Span{}, true},
		{"99999d", posdesk.Span{}, true},
	}
	for _, tt := range tests {
		got, err := posdesk.ParseSpan(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSpan(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			if posdesk.ErrorCode(err) != posdesk.EINVALID {
				t.Errorf("ParseSpan(%q) code = %s", tt.in, posdesk.ErrorCode(err))
			}
			continue
		}
		if got != tt.want {
			t.Errorf("ParseSpan(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if back, _ := posdesk.ParseSpan(got.String()); back != got {
			t.Errorf("ParseSpan(%q.String()) = %+v, want %+v", got.String(), back, got)
		}
	}
}
