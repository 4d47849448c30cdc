package importer_test

import (
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means an error
	}{
		{"124.00", "124.00"},
		{"0.47", "0.47"},
		{"58", "58.00"},
		{"-58.00", "-58.00"},
		{"1,288.00", "1288.00"},
		{"39,950.45", "39950.45"},
		{"1,234,567.89", "1234567.89"},
		{"¥124.00", "124.00"},
		{"￥１２.５０", "12.50"},
		{"RMB 30", "30.00"},
		{"58元", "58.00"},
		{"(12.00)", "-12.00"},
		{"（12.00）", "-12.00"},
		{"12.00-", "-12.00"},
		{"-¥58.00", "-58.00"},
		{`="124.00"`, "124.00"},
		{"'124.00", "124.00"},
		{" 124.00 ", "124.00"},
		{"100.00 DR", "-100.00"},
		{"100.00CR", "100.00"},
		{"1.5", "1.50"},
		{"124.000", "124.00"},
		{"", ""},
		{"-", ""},
		{"abc", ""},
		{"12.3.4", ""},
		{"1,28.00", ""},
		{"12.345", ""},
		{"1e5", ""},
		{"12,34", ""},
	}
	for _, tt := range tests {
		got, err := importer.ParseAmount(tt.in, "CNY")
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseAmount(%q) = %s, want an error", tt.in, got)
			} else if posdesk.ErrorCode(err) != posdesk.EINVALID || posdesk.ErrorField(err) != "amount" {
				t.Errorf("ParseAmount(%q) error %v: code %q field %q", tt.in, err, posdesk.ErrorCode(err), posdesk.ErrorField(err))
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAmount(%q): %v", tt.in, err)
			continue
		}
		if got.Plain() != tt.want || got.Currency != "CNY" {
			t.Errorf("ParseAmount(%q) = %s %s, want %s CNY", tt.in, got.Plain(), got.Currency, tt.want)
		}
	}
	if got, err := importer.ParseAmount("1200", "JPY"); err != nil || got.Plain() != "1200" {
		t.Errorf("JPY: %v %v", got, err)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in    string
		order importer.DateOrder
		want  string // "" means an error
	}{
		{"2026-09-14", "", "2026-09-14"},
		{"2026/09/14", "", "2026-09-14"},
		{"2026/9/4", "", "2026-09-04"},
		{"2026.09.14", "", "2026-09-14"},
		{"20260914", "", "2026-09-14"},
		{"2026年9月14日", "", "2026-09-14"},
		{"２０２６年９月１４日", "", "2026-09-14"},
		{"2026-09-14 08:30:00", "", "2026-09-14"},
		{"14/09/2026", "", "2026-09-14"},
		{"09/14/2026", "", "2026-09-14"},
		{"03/04/2026", "", "2026-04-03"},
		{"03/04/2026", importer.DateOrderMDY, "2026-03-04"},
		{"03/04/2026", importer.DateOrderDMY, "2026-04-03"},
		{"14/09/26", "", "2026-09-14"},
		{"46279", "", "2026-09-14"},
		{`="20260914"`, "", "2026-09-14"},
		{"", "", ""},
		{"2026-13-01", "", ""},
		{"2026-02-30", "", ""},
		{"20261340", "", ""},
		{"tomorrow", "", ""},
		{"2026-09", "", ""},
		{"123", "", ""},
		{"2026年9月", "", ""},
	}
	for _, tt := range tests {
		got, err := importer.ParseDate(tt.in, tt.order)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %s, want an error", tt.in, got)
			} else if posdesk.ErrorField(err) != "date" {
				t.Errorf("ParseDate(%q): field %q", tt.in, posdesk.ErrorField(err))
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want string // as 15:04:05.000; "" means an error
	}{
		{"08:30:00", "08:30:00.000"},
		{"8:30", "08:30:00.000"},
		{"083000", "08:30:00.000"},
		{"83000", "08:30:00.000"},
		{"0830", "08:30:00.000"},
		{"23:59:59.250", "23:59:59.250"},
		{"０８：３０", "08:30:00.000"},
		{"8:30 PM", "20:30:00.000"},
		{"12:05 AM", "00:05:00.000"},
		{"下午3:05", "15:05:00.000"},
		{"上午11:00", "11:00:00.000"},
		{"24:00", ""},
		{"08:60", ""},
		{"8:3", ""},
		{"0830000", ""},
		{"", ""},
		{"noon", ""},
		{"13:00 PM", ""},
	}
	for _, tt := range tests {
		got, err := importer.ParseClock(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseClock(%q) = %s, want an error", tt.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseClock(%q): %v", tt.in, err)
			continue
		}
		if s := (time.Time{}).Add(got).Format("15:04:05.000"); s != tt.want {
			t.Errorf("ParseClock(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		date, clock string
		want        string // UTC RFC 3339; "" means an error
		field       string
	}{
		{"2026-09-14", "08:30:00", "2026-09-14T00:30:00Z", ""},
		{"20260914", "083000", "2026-09-14T00:30:00Z", ""},
		{"2026/9/14", "8:30", "2026-09-14T00:30:00Z", ""},
		{"2026-09-14 08:30:00", "", "2026-09-14T00:30:00Z", ""},
		{"2026-09-14T08:30:00", "", "2026-09-14T00:30:00Z", ""},
		{"20260914083000", "", "2026-09-14T00:30:00Z", ""},
		{"", "2026-09-14 08:30:00", "2026-09-14T00:30:00Z", ""},
		{"2026-09-14", "2026-09-14 08:30:00", "2026-09-14T00:30:00Z", ""},
		{"2026年9月14日 8:30", "", "2026-09-14T00:30:00Z", ""},
		{"2026-09-14T08:30:00+02:00", "", "2026-09-14T06:30:00Z", ""},
		{"2026-09-14T08:30:00Z", "", "2026-09-14T08:30:00Z", ""},
		{"2026-09-14", "", "2026-09-13T16:00:00Z", ""},
		{"2026-09-15", "00:05", "2026-09-14T16:05:00Z", ""},
		{"", "", "", "date"},
		{"2026-09-14", "25:00", "", "time"},
		{"2026-09-41", "08:00", "", "date"},
	}
	for _, tt := range tests {
		got, err := importer.ParseDateTime(tt.date, tt.clock, shanghai, "")
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDateTime(%q, %q) = %s, want an error", tt.date, tt.clock, got)
			} else if posdesk.ErrorField(err) != tt.field {
				t.Errorf("ParseDateTime(%q, %q): field %q, want %q", tt.date, tt.clock, posdesk.ErrorField(err), tt.field)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDateTime(%q, %q): %v", tt.date, tt.clock, err)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want || got.Location() != time.UTC {
			t.Errorf("ParseDateTime(%q, %q) = %s, want %s", tt.date, tt.clock, s, tt.want)
		}
	}
}

func TestParseKindStatus(t *testing.T) {
	kinds := map[string]string{"消费": "sale", "SALE": "sale", "撤销": "void", "VOID": "void", "退货": "refund",
		"Refund": "refund", "冲正": "reversal", "预授权": "preauth", "预授权完成(请求)": "preauth_completion", " sale ": "sale"}
	for in, want := range kinds {
		if got, ok := importer.ParseKind(in); !ok || string(got) != want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	statuses := map[string]string{"成功": "approved", "APPROVED": "approved", "失败": "failed", "FAILED": "failed",
		"DECLINED": "declined", "超时": "no_response", "TIMEOUT": "no_response", "已冲正": "reversed", "REVERSED": "reversed"}
	for in, want := range statuses {
		if got, ok := importer.ParseStatus(in); !ok || string(got) != want {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := importer.ParseKind("换货"); ok {
		t.Error("ParseKind accepted 换货")
	}
	if _, ok := importer.ParseStatus("maybe"); ok {
		t.Error("ParseStatus accepted maybe")
	}
}
