package posdesk

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ContactChannel is how staff reached the other party.
type ContactChannel string

// Contact channels.
const (
	ContactPhone   ContactChannel = "phone"
	ContactCounter ContactChannel = "counter" // in person, at the bank's counter or the shop's till
	ContactOnline  ContactChannel = "online"  // a web form, app or merchant portal
	ContactWeChat  ContactChannel = "wechat"
	ContactEmail   ContactChannel = "email"
)

// ContactChannels lists the channels in menu order.
var ContactChannels = []ContactChannel{ContactPhone, ContactCounter, ContactOnline, ContactWeChat, ContactEmail}

// Title returns the channel's English label; it is also its translation key.
func (c ContactChannel) Title() string {
	switch c {
	case ContactPhone:
		return "By phone"
	case ContactCounter:
		return "In person"
	case ContactOnline:
		return "Online (portal or app)"
	case ContactWeChat:
		return "By WeChat"
	case ContactEmail:
		return "By email"
	}
	return string(c)
}

// Valid reports whether c is a known channel.
func (c ContactChannel) Valid() bool { return oneOf(c, ContactChannels) }

// ParseContactChannel reads a channel from its id or English title.
func ParseContactChannel(s string) (ContactChannel, error) {
	key := normKey(s)
	for _, c := range ContactChannels {
		if key == string(c) || key == normKey(c.Title()) {
			return c, nil
		}
	}
	if key == "in_person" || key == "visit" {
		return ContactCounter, nil
	}
	return "", Invalid("channel", "Channel %q is not one of: phone, counter, online, wechat, email.", s)
}

// ContactParty is who staff talked to.
type ContactParty string

// Contact parties.
const (
	PartyIssuingBank ContactParty = "issuing_bank" // the customer's bank (发卡行)
	PartyAcquirer    ContactParty = "acquirer"     // the shop's acquirer or payment company (收单机构)
	PartyQRPlatform  ContactParty = "qr_platform"  // Alipay, WeChat Pay, UnionPay QR
	PartyCustomer    ContactParty = "customer"
)

// ContactParties lists the parties in menu order.
var ContactParties = []ContactParty{PartyAcquirer, PartyIssuingBank, PartyQRPlatform, PartyCustomer}

// Title returns the party's English label; it is also its translation key.
func (p ContactParty) Title() string {
	switch p {
	case PartyIssuingBank:
		return "Customer's bank (issuer)"
	case PartyAcquirer:
		return "Acquirer or payment company"
	case PartyQRPlatform:
		return "QR payment platform"
	case PartyCustomer:
		return "The customer"
	}
	return string(p)
}

// Valid reports whether p is a known party.
func (p ContactParty) Valid() bool { return oneOf(p, ContactParties) }

// ParseContactParty reads a party from its id or English title ("issuer", "bank" and "customer"
// work too).
func ParseContactParty(s string) (ContactParty, error) {
	key := normKey(s)
	for _, p := range ContactParties {
		if key == string(p) || key == normKey(p.Title()) {
			return p, nil
		}
	}
	switch key {
	case "issuer", "bank", "issuing":
		return PartyIssuingBank, nil
	case "payment_company", "acquiring_bank":
		return PartyAcquirer, nil
	case "qr", "platform":
		return PartyQRPlatform, nil
	}
	return "", Invalid("party", "Party %q is not one of: issuing_bank, acquirer, qr_platform, customer.", s)
}

// Contact is one entry of an incident's contact log: a call, a visit or a message, who said what,
// and what happens next.
type Contact struct {
	ID         int64
	IncidentID int64

	Time     time.Time // when the contact happened (UTC)
	Channel  ContactChannel
	Party    ContactParty
	Person   string // who staff talked to (for the customer, erased with their personal data)
	Ticket   string // their ticket / case number (工单号)
	Summary  string // what was said; card numbers masked
	NextStep string // what happens next, or ""
	Due      Date   // when the next step is due, or zero

	CreatedAt time.Time
	CreatedBy string
}

// Limits on contact fields.
const (
	MaxSummaryLen = 2000
	MaxTicketLen  = 64
)

// Normalize trims and masks the free-text fields. Storage calls it before Validate.
func (c *Contact) Normalize() {
	c.Person = MaskText(strings.TrimSpace(c.Person))
	c.Ticket = MaskText(strings.TrimSpace(c.Ticket))
	c.Summary = MaskText(strings.TrimSpace(c.Summary))
	c.NextStep = MaskText(strings.TrimSpace(c.NextStep))
	if !c.Time.IsZero() {
		c.Time = c.Time.UTC()
	}
}

// Validate checks c and returns every problem at once, each naming its field.
func (c *Contact) Validate() error {
	var es Errors
	if c.IncidentID == 0 {
		es = append(es, Invalid("incident", "Say which incident the contact is about."))
	}
	if c.Time.IsZero() {
		es = append(es, Invalid("time", "Enter when the contact happened."))
	}
	if !c.Channel.Valid() {
		es = append(es, Invalid("channel", "Channel %q is not one of: phone, counter, online, wechat, email.", string(c.Channel)))
	}
	if !c.Party.Valid() {
		es = append(es, Invalid("party", "Party %q is not one of: issuing_bank, acquirer, qr_platform, customer.", string(c.Party)))
	}
	if c.Summary == "" {
		es = append(es, Invalid("summary", "Write what was said, in a sentence or two."))
	} else if utf8.RuneCountInString(c.Summary) > MaxSummaryLen {
		es = append(es, Invalid("summary", "The summary is too long: at most %d characters.", MaxSummaryLen))
	}
	if utf8.RuneCountInString(c.NextStep) > MaxSummaryLen {
		es = append(es, Invalid("next", "The next step is too long: at most %d characters.", MaxSummaryLen))
	}
	if utf8.RuneCountInString(c.Person) > MaxNameLen {
		es = append(es, Invalid("person", "The name is too long: at most %d characters.", MaxNameLen))
	}
	if utf8.RuneCountInString(c.Ticket) > MaxTicketLen {
		es = append(es, Invalid("ticket", "The ticket number is too long: at most %d characters.", MaxTicketLen))
	}
	if !c.Due.IsZero() && c.NextStep == "" {
		es = append(es, Invalid("next", "A due date needs a next step: say what is due."))
	}
	if !c.Due.IsZero() && (c.Due.Year < 2000 || c.Due.Year > 2200) {
		es = append(es, Invalid("due", "The date %s is out of range; check the year.", c.Due.String()))
	}
	return es.Err()
}
