package posdesk

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Settings keys of the shop's details and of the defaults set in Settings. Values are text.
const (
	SettingShopName       = "shop.name"        // trading name, shown in the window and on packets
	SettingShopTimezone   = "shop.timezone"    // IANA name, e.g. Asia/Shanghai; empty: the PC's zone
	SettingShopMerchantID = "shop.merchant_id" // 商户号, 15 digits
	SettingShopAddress    = "shop.address"     //
	SettingShopPhone      = "shop.phone"       // how the bank reaches the shop
	SettingShopContact    = "shop.contact"     // the person the bank should ask for
	SettingShopAcquirer   = "shop.acquirer"    // the shop's acquirer, e.g. 拉卡拉 / Lakala
	SettingReminderDays   = "refund.reminder_days"
	SettingPacketPreset   = "packet.preset" // default evidence-packet preset (pdf preset name)
	SettingPacketParty    = "packet.party"  // default addressee: issuing_bank, acquirer or qr_platform
)

// Limits of the shop's details, in characters.
const (
	MaxShopNameLen = 100
	MaxAddressLen  = 200
	MaxContactLen  = 50
	MaxAcquirerLen = 60
)

// Shop is the shop's identity as its bank and acquirer know it: shown in the window and printed
// on evidence packets and reports.
type Shop struct {
	Name       string
	MerchantID string // 商户号: 15 digits (acquirer 3 + region 4 + MCC 4 + sequence 4)
	Address    string
	Phone      string
	Contact    string
	Acquirer   string
	Timezone   string // IANA name; empty means the PC's time zone
}

// SettingPair is one setting: its key and its value.
type SettingPair struct{ Key, Value string }

// Settings returns each field of s with its settings key, in form order.
func (s *Shop) Settings() []SettingPair {
	return []SettingPair{
		{SettingShopName, s.Name}, {SettingShopMerchantID, s.MerchantID}, {SettingShopAddress, s.Address},
		{SettingShopPhone, s.Phone}, {SettingShopContact, s.Contact}, {SettingShopAcquirer, s.Acquirer},
		{SettingShopTimezone, s.Timezone},
	}
}

// Normalize trims the fields, collapses runs of spaces and turns full-width digits, spaces and
// punctuation typed with a Chinese input method (０-９, "（", "－", "＋") into ASCII in the
// merchant ID and the phone number.
func (s *Shop) Normalize() {
	for _, f := range []*string{&s.Name, &s.Address, &s.Contact, &s.Acquirer} {
		*f = strings.Join(strings.Fields(*f), " ")
	}
	s.MerchantID = strings.Join(strings.Fields(halfWidth(s.MerchantID)), "")
	s.Phone = strings.Join(strings.Fields(halfWidth(s.Phone)), " ")
	s.Timezone = strings.TrimSpace(s.Timezone)
}

// halfWidth maps full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space to ASCII.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// Validate checks a normalized Shop. The name is required; every other field may stay empty
// until the shop needs it (the merchant ID before the first evidence packet). All problems are
// returned together, each on its field: name, merchant_id, address, phone, contact, acquirer,
// timezone.
func (s *Shop) Validate() error {
	var es Errors
	switch n := utf8.RuneCountInString(s.Name); {
	case n == 0:
		es = append(es, Invalid("name", "Enter the shop's name as the bank knows it (the name on the merchant contract)."))
	case n > MaxShopNameLen:
		es = append(es, Invalid("name", "The shop name is too long: at most %d characters.", MaxShopNameLen))
	}
	if s.MerchantID != "" {
		if !allDigits(s.MerchantID) || len(s.MerchantID) != 15 {
			es = append(es, Invalid("merchant_id", "The merchant ID (商户号) has 15 digits; you entered %q. It is printed on every slip and on the merchant contract.", s.MerchantID))
		}
	}
	if utf8.RuneCountInString(s.Address) > MaxAddressLen {
		es = append(es, Invalid("address", "The address is too long: at most %d characters.", MaxAddressLen))
	}
	if s.Phone != "" {
		if err := validatePhone(s.Phone); err != nil {
			es = append(es, err)
		}
	}
	if utf8.RuneCountInString(s.Contact) > MaxContactLen {
		es = append(es, Invalid("contact", "The contact's name is too long: at most %d characters.", MaxContactLen))
	}
	if utf8.RuneCountInString(s.Acquirer) > MaxAcquirerLen {
		es = append(es, Invalid("acquirer", "The acquirer's name is too long: at most %d characters.", MaxAcquirerLen))
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil || strings.EqualFold(s.Timezone, "local") {
			es = append(es, Invalid("timezone", "Time zone %q is unknown; use a name such as Asia/Shanghai or Asia/Hong_Kong.", s.Timezone))
		}
	}
	for _, f := range []struct{ field, v string }{{"name", s.Name}, {"address", s.Address}, {"contact", s.Contact}, {"acquirer", s.Acquirer}} {
		if strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			es = append(es, Invalid(f.field, "This field may not contain tabs or line breaks."))
		}
	}
	return es.Err()
}

// validatePhone accepts digits with spaces, dashes, brackets and a leading +, 5 to 20 digits in
// all: 13912345678, 0755-12345678, +86 21 1234 5678, (010) 6512 3456.
func validatePhone(p string) *Error {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return Invalid("phone", "The phone number %q may contain only digits, spaces, dashes, brackets and a leading +.", p)
		}
	}
	if digits < 5 || digits > 20 {
		return Invalid("phone", "The phone number %q should have 5 to 20 digits.", p)
	}
	return nil
}

// MaxReminderDay is the furthest ahead a reminder can be set, in days before a deadline.
const MaxReminderDay = 90

// ParseReminderDays reads the days before a deadline on which to remind, as typed in Settings
// ("7, 3, 1, 0"; Chinese commas and spaces also separate): whole numbers from 0 (the day
// itself) to MaxReminderDay, at least one, at most 10. The result is sorted from the furthest
// ahead to the day itself, without repeats.
func ParseReminderDays(s string) ([]int, error) {
	fields := strings.FieldsFunc(halfWidth(s), func(r rune) bool { return r == ',' || r == '、' || r == ';' || unicode.IsSpace(r) })
	if len(fields) == 0 {
		return nil, Invalid("reminder_days", "Enter at least one day, for example 7, 3, 1, 0 (0 is the day of the deadline).")
	}
	seen := map[int]bool{}
	var days []int
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > MaxReminderDay {
			return nil, Invalid("reminder_days", "%[1]q is not a number of days from 0 to %[2]d; write the days like 7, 3, 1, 0.", f, MaxReminderDay)
		}
		if !seen[n] {
			seen[n] = true
			days = append(days, n)
		}
	}
	if len(days) > 10 {
		return nil, Invalid("reminder_days", "At most %d reminder days.", 10)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(days)))
	return days, nil
}

// FormatReminderDays writes days the way ParseReminderDays reads them: "7, 3, 1, 0".
func FormatReminderDays(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}
