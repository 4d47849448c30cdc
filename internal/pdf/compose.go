package pdf

import (
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// ExhibitFromAttachment returns the exhibit for a stored attachment: the original is what the
// index hashes; the attach package's normalised copy (upright image, or the log as UTF-8) is
// what the packet draws.
func ExhibitFromAttachment(a *posdesk.Attachment) Exhibit {
	e := Exhibit{
		FileName:  a.FileName,
		Caption:   a.Caption,
		MediaType: a.MediaType,
		Original:  a.Original,
		SHA256:    a.SHA256,
		Kind:      exhibitKindFor(a),
	}
	switch {
	case a.IsImage():
		e.Upright = a.Normalized
	case a.IsText() && a.NormalizedType == posdesk.MediaTextUTF8 && len(a.Normalized) > 0:
		// The log as UTF-8 text: drawn instead of the original encoding.
		e.Upright = a.Normalized
	}
	return e
}

func exhibitKindFor(a *posdesk.Attachment) ExhibitKind {
	switch {
	case a.IsPDF():
		return ExhibitPDF
	case a.IsText():
		return ExhibitText
	case a.Kind == posdesk.AttachmentScreenshot:
		return ExhibitScreenshot
	case a.Kind == posdesk.AttachmentStatement || a.Kind == posdesk.AttachmentReceipt:
		return ExhibitScan
	}
	return ExhibitPhoto
}

// Shop settings keys (the domain's): the cover letter's sender block comes from these.
const (
	SettingShopName       = posdesk.SettingShopName
	SettingShopTimezone   = posdesk.SettingShopTimezone
	SettingShopMerchantID = posdesk.SettingShopMerchantID
	SettingShopAddress    = posdesk.SettingShopAddress
	SettingShopPhone      = posdesk.SettingShopPhone
	SettingShopContact    = posdesk.SettingShopContact
	SettingShopAcquirer   = posdesk.SettingShopAcquirer
)

// ShopFromSettings reads the shop's details through get (a settings lookup returning "" when a
// key is not set) and the shop's time zone (nil when unset or unknown).
func ShopFromSettings(get func(key string) string) (Shop, *time.Location) {
	s := Shop{
		Name:       get(SettingShopName),
		MerchantID: get(SettingShopMerchantID),
		Address:    get(SettingShopAddress),
		Phone:      get(SettingShopPhone),
		Contact:    get(SettingShopContact),
		Acquirer:   get(SettingShopAcquirer),
	}
	var loc *time.Location
	if tz := get(SettingShopTimezone); tz != "" {
		loc, _ = time.LoadLocation(tz)
	}
	return s, loc
}

// DefaultParty is who a packet about inc is usually sent to: the QR platform for QR payments,
// otherwise the shop's acquirer, which passes disputes on to the card's bank.
func DefaultParty(inc *posdesk.Incident) Party {
	for _, tx := range inc.Transactions {
		switch tx.Channel {
		case posdesk.ChannelAlipay, posdesk.ChannelWeChatPay, posdesk.ChannelUnionPayQR:
			return QRPlatform
		}
	}
	return Acquirer
}

// DefaultAsk is what a packet about an incident of kind k asks for.
func DefaultAsk(k posdesk.IncidentKind) Ask {
	switch k {
	case posdesk.IncidentChargedButFailed:
		return AskReverse
	case posdesk.IncidentPostingFailure:
		return AskCreditShop
	case posdesk.IncidentDuplicateCharge, posdesk.IncidentCustomerRefund:
		return AskRefundCardholder
	case posdesk.IncidentWrongAmount:
		return AskAdjust
	}
	return AskInvestigate
}

// both returns an English label and its Chinese translation.
func both(key string) Text {
	return Text{En: i18n.In(i18n.English, key), Zh: i18n.In(i18n.Chinese, key)}
}

// FromIncident composes the packet for an incident: its linked transactions, status history,
// timeline (events and contact log) and attachments (with their data, as FindAttachmentByID
// returns them), sent by shop in lang to party ("" means DefaultParty).
func FromIncident(inc *posdesk.Incident, atts []*posdesk.Attachment, shop Shop, loc *time.Location, lang Lang, party Party) Packet {
	if party == "" {
		party = DefaultParty(inc)
	}
	p := Packet{
		Lang:           lang,
		Party:          party,
		Shop:           shop,
		IncidentNumber: inc.Number,
		Location:       loc,
		Letter: Letter{
			Kind:       Kind(inc.Kind),
			Story:      inc.Story,
			Ask:        DefaultAsk(inc.Kind),
			AskAmount:  inc.Amount,
			CaseNumber: inc.CaseNumber,
			Deadline:   inc.Deadline.String(),
		},
	}
	if inc.Kind == posdesk.IncidentDuplicateCharge && len(inc.Transactions) > 0 {
		p.Letter.AskAmount = inc.Transactions[len(inc.Transactions)-1].Amount // one of the two charges
	}
	for _, tx := range inc.Transactions {
		t := Transaction{
			Role:       both(tx.Kind.Title()),
			Time:       tx.Time,
			Amount:     tx.Amount,
			Type:       both(tx.Channel.Title()),
			Status:     both(tx.Status.Title()),
			Scheme:     tx.Scheme,
			MaskedCard: tx.Card,
			TerminalID: tx.Terminal,
			Batch:      tx.Batch,
			Trace:      tx.Trace,
			RRN:        tx.RRN,
			AuthCode:   tx.AuthCode,
		}
		if tx.Voided() {
			t.Settled = "voided: " + tx.VoidReason
		}
		p.Transactions = append(p.Transactions, t)
		if shop.MerchantID == "" && tx.Merchant != "" {
			p.Shop.MerchantID = tx.Merchant
		}
	}
	p.Facts = append(p.Facts, Fact{Label: both("Incident kind"), Value: joinLangs(lang, inc.Kind.Title())})
	if inc.Cause != "" {
		p.Facts = append(p.Facts, Fact{Label: both("Cause"), Value: joinLangs(lang, inc.Cause.Title())})
	}
	if !inc.Amount.IsZero() {
		p.Facts = append(p.Facts, Fact{Label: both("Amount in question"), Value: inc.Amount.Display()})
	}
	p.Facts = append(p.Facts, Fact{Label: both("Incident status"), Value: joinLangs(lang, inc.Status.Title())})
	if inc.Outcome != "" {
		p.Facts = append(p.Facts, Fact{Label: both("Outcome"), Value: joinLangs(lang, inc.Outcome.Title())})
	}
	for _, ev := range inc.Events {
		switch ev.Type {
		case posdesk.EventCreated:
			p.StatusHistory = append(p.StatusHistory, StatusChange{Time: ev.Time, Status: both(posdesk.IncidentOpen.Title()), By: ev.Actor})
			p.Timeline = append(p.Timeline, Event{Time: ev.Time, Who: ev.Actor, What: joinLangs(lang, "Incident logged")})
		case posdesk.EventStatus, posdesk.EventReopen:
			p.StatusHistory = append(p.StatusHistory, StatusChange{Time: ev.Time, Status: both(ev.To.Title()), By: ev.Actor, Note: ev.Detail})
			p.Timeline = append(p.Timeline, Event{Time: ev.Time, Who: ev.Actor, What: statusWhat(lang, ev)})
		case posdesk.EventAttachment:
			p.Timeline = append(p.Timeline, Event{Time: ev.Time, Who: ev.Actor, What: sayAll(lang, func(l catLang) string { return i18n.In(l, "File attached: %s", ev.Detail) })})
		}
	}
	for _, c := range inc.Contacts {
		c := c
		p.Timeline = append(p.Timeline, Event{Time: c.Time, Who: c.CreatedBy, What: sayAll(lang, func(l catLang) string {
			s := i18n.In(l, "%[1]s with %[2]s: %[3]s", i18n.In(l, c.Channel.Title()), i18n.In(l, c.Party.Title()), c.Summary)
			if c.Ticket != "" {
				s += " " + i18n.In(l, "(case %s)", c.Ticket)
			}
			if c.NextStep != "" {
				s += " " + i18n.In(l, "Next: %s", c.NextStep)
			}
			return s
		})})
	}
	for _, a := range atts {
		p.Exhibits = append(p.Exhibits, ExhibitFromAttachment(a))
	}
	return p
}

// statusWhat describes a status change for the timeline.
func statusWhat(lang Lang, ev *posdesk.IncidentEvent) string {
	return sayAll(lang, func(l catLang) string {
		s := i18n.In(l, "Status: %[1]s → %[2]s", i18n.In(l, ev.From.Title()), i18n.In(l, ev.To.Title()))
		if ev.Detail != "" {
			s += " (" + ev.Detail + ")"
		}
		return s
	})
}

// sayAll writes fn in each language of lang, one per line.
func sayAll(lang Lang, fn func(l catLang) string) string {
	var out []string
	for _, l := range lang.langs() {
		out = append(out, fn(l))
	}
	return strings.Join(out, "\n")
}

// joinLangs translates a catalog key into each language of lang, one per line.
func joinLangs(lang Lang, key string) string {
	return sayAll(lang, func(l catLang) string { return i18n.In(l, key) })
}
