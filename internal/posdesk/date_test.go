package posdesk_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestParseDate(t *testing.T) {
	want := posdesk.NewDate(2026, 9, 30)
	for _, in := range []string{"2026-09-30", "2026/9/30", "2026.09.30", "20260930", "2026年9月30日", "２０２６－０９－３０", " 2026-9-30 "} {
		got, err := posdesk.ParseDate(in)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := posdesk.ParseDate(""); err != nil || !got.IsZero() {
		t.Errorf("ParseDate(\"\") = %v, %v", got, err)
	}
	for _, in := range []string{"2026-02-30", "30/09/2026", "tomorrow", "2026-13-01", "2026-1", "2026--1-01"} {
		if _, err := posdesk.ParseDate(in); posdesk.ErrorField(err) != "date" {
			t.Errorf("ParseDate(%q): %v, want a date error", in, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	fri := posdesk.NewDate(2026, 9, 18) // a Friday
	for _, tc := range []struct {
		name string
		got  posdesk.Date
		want posdesk.Date
	}{
		{"+30 calendar", fri.AddDays(30), posdesk.NewDate(2026, 10, 18)},
		{"-1 calendar", posdesk.NewDate(2026, 3, 1).AddDays(-1), posdesk.NewDate(2026, 2, 28)},
		{"+1 working from Friday", fri.AddWorkingDays(1), posdesk.NewDate(2026, 9, 21)},
		{"+5 working", fri.AddWorkingDays(5), posdesk.NewDate(2026, 9, 25)},
		{"+7 square", mustPreset(t, "square").Deadline(fri, false), posdesk.NewDate(2026, 9, 25)},
		{"+20 working unionpay", mustPreset(t, "unionpay_retrieval").Deadline(fri, true), posdesk.NewDate(2026, 10, 16)},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if got := fri.DaysUntil(posdesk.NewDate(2026, 9, 21)); got != 3 {
		t.Errorf("DaysUntil = %d, want 3", got)
	}
	// The calendar date of an instant depends on the shop's time zone.
	shanghai := time.FixedZone("CST", 8*3600)
	late := time.Date(2026, 9, 18, 17, 30, 0, 0, time.UTC)
	if got, want := posdesk.DateOf(late, shanghai), posdesk.NewDate(2026, 9, 19); got != want {
		t.Errorf("DateOf = %s, want %s", got, want)
	}
}

func TestDeadlinePresets(t *testing.T) {
	want := map[string]int{"visa": 30, "mastercard": 45, "amex": 20, "square": 7, "paypal_inquiry": 20, "unionpay_retrieval": 20}
	for id, days := range want {
		if p := mustPreset(t, id); p.Days != days {
			t.Errorf("%s: %d days, want %d", id, p.Days, days)
		}
	}
	if len(posdesk.DeadlinePresets) != len(want) {
		t.Errorf("%d presets, want %d", len(posdesk.DeadlinePresets), len(want))
	}
}

func mustPreset(t *testing.T, id string) posdesk.DeadlinePreset {
	t.Helper()
	p, ok := posdesk.FindDeadlinePreset(id)
	if !ok {
		t.Fatalf("no preset %s", id)
	}
	return p
}

func TestDateJSON(t *testing.T) {
	type wrap struct{ D posdesk.Date }
	b, err := json.Marshal(wrap{posdesk.NewDate(2026, 1, 2)})
	if err != nil || string(b) != `{"D":"2026-01-02"}` {
		t.Errorf("marshal: %s %v", b, err)
	}
	var w wrap
	if err := json.Unmarshal(b, &w); err != nil || w.D != posdesk.NewDate(2026, 1, 2) {
		t.Errorf("unmarshal: %v %v", w.D, err)
	}
	b, _ = json.Marshal(wrap{})
	if string(b) != `{"D":null}` {
		t.Errorf("zero date marshals as %s", b)
	}
}
