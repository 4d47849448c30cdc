package posdesk_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// fieldsOf returns the fields of the errors in err, in order.
func fieldsOf(err error) []string {
	var out []string
	if es, ok := err.(posdesk.Errors); ok {
		for _, e := range es {
			out = append(out, e.Field)
		}
	} else if err != nil {
		out = append(out, posdesk.ErrorField(err))
	}
	return out
}

func TestShopValidate(t *testing.T) {
	good := posdesk.Shop{Name: "绿叶超市", MerchantID: "898440354110001", Address: "深圳市南山区科技园路 1 号",
		Phone: "0755-8888 6666", Contact: "李伟", Acquirer: "拉卡拉", Timezone: "Asia/Shanghai"}
	tests := []struct {
		name   string
		edit   func(s *posdesk.Shop)
		fields []string
	}{
		{"all good", func(*posdesk.Shop) {}, nil},
		{"only the name", func(s *posdesk.Shop) { *s = posdesk.Shop{Name: "Green Leaf"} }, nil},
		{"no name", func(s *posdesk.Shop) { s.Name = "" }, []string{"name"}},
		{"name too long", func(s *posdesk.Shop) { s.Name = strings.Repeat("店", 101) }, []string{"name"}},
		{"name of 100 characters", func(s *posdesk.Shop) { s.Name = strings.Repeat("店", 100) }, nil},
		{"MID 14 digits", func(s *posdesk.Shop) { s.MerchantID = "89844035411000" }, []string{"merchant_id"}},
		{"MID 16 digits", func(s *posdesk.Shop) { s.MerchantID = "8984403541100011" }, []string{"merchant_id"}},
		{"MID with a letter", func(s *posdesk.Shop) { s.MerchantID = "89844035411000A" }, []string{"merchant_id"}},
		{"phone mobile", func(s *posdesk.Shop) { s.Phone = "13912345678" }, nil},
		{"phone international", func(s *posdesk.Shop) { s.Phone = "+86 (21) 1234 5678" }, nil},
		{"phone with letters", func(s *posdesk.Shop) { s.Phone = "call 13912345678" }, []string{"phone"}},
		{"phone plus in the middle", func(s *posdesk.Shop) { s.Phone = "139+12345678" }, []string{"phone"}},
		{"phone too short", func(s *posdesk.Shop) { s.Phone = "1234" }, []string{"phone"}},
		{"phone too long", func(s *posdesk.Shop) { s.Phone = strings.Repeat("1", 21) }, []string{"phone"}},
		{"unknown zone", func(s *posdesk.Shop) { s.Timezone = "Asia/Beijing" }, []string{"timezone"}},
		{"Local is not a shop zone", func(s *posdesk.Shop) { s.Timezone = "Local" }, []string{"timezone"}},
		{"address too long", func(s *posdesk.Shop) { s.Address = strings.Repeat("路", 201) }, []string{"address"}},
		{"contact too long", func(s *posdesk.Shop) { s.Contact = strings.Repeat("x", 51) }, []string{"contact"}},
		{"acquirer too long", func(s *posdesk.Shop) { s.Acquirer = strings.Repeat("x", 61) }, []string{"acquirer"}},
		{"line break in the address", func(s *posdesk.Shop) { s.Address = "a\nb" }, []string{"address"}},
		{"everything wrong at once", func(s *posdesk.Shop) { *s = posdesk.Shop{MerchantID: "1", Phone: "x", Timezone: "Mars/Base"} },
			[]string{"name", "merchant_id", "phone", "timezone"}},
	}
	for _, tt := range tests {
		s := good
		tt.edit(&s)
		err := s.Validate()
		if got := fieldsOf(err); !reflect.DeepEqual(got, tt.fields) {
			t.Errorf("%s: error fields = %q, want %q (%v)", tt.name, got, tt.fields, err)
		}
		if err != nil && posdesk.ErrorCode(err) != posdesk.EINVALID {
			t.Errorf("%s: code %s, want EINVALID", tt.name, posdesk.ErrorCode(err))
		}
	}
}

func TestShopNormalize(t *testing.T) {
	s := posdesk.Shop{Name: "  绿叶   超市 ", MerchantID: " ８９８４４０３５４１１０００１ ", Phone: "（０７５５）８８８８　６６６６",
		Address: " 科技园路\t1 号 ", Timezone: " Asia/Shanghai "}
	s.Normalize()
	want := posdesk.Shop{Name: "绿叶 超市", MerchantID: "898440354110001", Phone: "(0755)8888 6666", Address: "科技园路 1 号", Timezone: "Asia/Shanghai"}
	if s != want {
		t.Errorf("Normalize = %+v\nwant        %+v", s, want)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("normalized full-width input does not validate: %v", err)
	}
	keys := map[string]string{}
	for _, p := range s.Settings() {
		keys[p.Key] = p.Value
	}
	if keys[posdesk.SettingShopMerchantID] != want.MerchantID || keys[posdesk.SettingShopName] != want.Name || len(keys) != 7 {
		t.Errorf("Settings() = %v", keys)
	}
}

func TestParseReminderDays(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"7, 3, 1, 0", []int{7, 3, 1, 0}, true},
		{"0 1 3 7", []int{7, 3, 1, 0}, true},
		{"14，7、3；1", []int{14, 7, 3, 1}, true},
		{"３，１", []int{3, 1}, true},
		{"7,7,3", []int{7, 3}, true},
		{"90", []int{90}, true},
		{"", nil, false},
		{" , ", nil, false},
		{"91", nil, false},
		{"-1", nil, false},
		{"7 days", nil, false},
		{"1.5", nil, false},
		{"0,1,2,3,4,5,6,7,8,9,10", nil, false},
	}
	for _, tt := range tests {
		got, err := posdesk.ParseReminderDays(tt.in)
		if (err == nil) != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseReminderDays(%q) = %v, %v; want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && posdesk.ErrorField(err) != "reminder_days" {
			t.Errorf("ParseReminderDays(%q): error on field %q", tt.in, posdesk.ErrorField(err))
		}
		if tt.ok {
			if back, _ := posdesk.ParseReminderDays(posdesk.FormatReminderDays(got)); !reflect.DeepEqual(back, got) {
				t.Errorf("FormatReminderDays(%v) does not read back: %v", got, back)
			}
		}
	}
}
