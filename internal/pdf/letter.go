package pdf

import (
	"fmt"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// catLang is a catalog language (shorter in the wording functions below).
type catLang = i18n.Lang

// longTime formats t for prose: "14 Mar 2025 14:32 (UTC+08:00)" / "2025年3月14日 14:32（UTC+08:00）".
func longTime(l catLang, t time.Time) string {
	if t.IsZero() {
		return i18n.In(l, "(time not recorded)")
	}
	if l == i18n.Chinese {
		return t.Format("2006年1月2日 15:04") + "（UTC" + t.Format("-07:00") + "）"
	}
	return t.Format("2 Jan 2006 15:04") + " (UTC" + t.Format("-07:00") + ")"
}

// longDate formats a calendar date for prose.
func longDate(l catLang, t time.Time) string {
	if l == i18n.Chinese {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 January 2006")
}

// isoTime formats t for tables, unambiguous in every language: "2025-03-14 14:32:05 +08:00".
func isoTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02 15:04:05 -07:00")
}

// orUnknown returns s, or "(not recorded)" in l when s is empty.
func orUnknown(l catLang, s string) string {
	if s == "" {
		return i18n.In(l, "(not recorded)")
	}
	return s
}

// addressee names the party the letter is written to.
func addressee(l catLang, p *Packet) string {
	if p.PartyName != "" {
		return p.PartyName
	}
	switch p.Party {
	case IssuingBank:
		return i18n.In(l, "The card-issuing bank, disputes department")
	case QRPlatform:
		return i18n.In(l, "The payment platform, merchant support")
	}
	if p.Shop.Acquirer != "" {
		return i18n.In(l, "%s, merchant services (acquirer)", p.Shop.Acquirer)
	}
	return i18n.In(l, "The acquirer, merchant services")
}

// kindName is the incident kind in a few words, for the subject line.
func kindName(l catLang, k Kind) string {
	switch k {
	case KindChargedButFailed:
		return i18n.In(l, "payment shown as failed but the card was debited")
	case KindApprovedThenReversed:
		return i18n.In(l, "approved payment later reversed")
	case KindNoResponse:
		return i18n.In(l, "terminal received no response")
	case KindPostingFailure:
		return i18n.In(l, "approved payment not credited to the shop")
	case KindDuplicateCharge:
		return i18n.In(l, "card charged twice")
	case KindWrongAmount:
		return i18n.In(l, "wrong amount")
	case KindCustomerRefund:
		return i18n.In(l, "customer refund")
	}
	return i18n.In(l, "card payment problem")
}

// mainTx returns the transaction the letter is about (the first), or a zero one.
func mainTx(p *Packet) Transaction {
	if len(p.Transactions) > 0 {
		return p.Transactions[0]
	}
	return Transaction{}
}

// subject is the letter's subject line.
func subject(l catLang, p *Packet) string {
	tx := mainTx(p)
	amount := amountText(l, tx.Amount)
	return i18n.In(l, "Subject: %[1]s, %[2]s on %[3]s (RRN %[4]s)", kindName(l, p.Letter.Kind), amount,
		longDate(l, tx.Time.In(p.loc())), orUnknown(l, tx.RRN))
}

// amountText formats money for prose, or "(amount not recorded)".
func amountText(l catLang, m posdesk.Money) string {
	if m.Currency == "" && m.IsZero() {
		return i18n.In(l, "(amount not recorded)")
	}
	return m.Display()
}

// terminalText names the terminal for prose.
func terminalText(l catLang, tid string) string {
	if tid == "" {
		return i18n.In(l, "our terminal")
	}
	return i18n.In(l, "our terminal %s", tid)
}

// cardText names the masked card for prose.
func cardText(l catLang, masked string) string {
	if masked == "" {
		return i18n.In(l, "card number not recorded")
	}
	return maskCard(masked)
}

// whatHappened is the plain-words account of the incident, built from the kind and the main
// transaction.
func whatHappened(l catLang, p *Packet) string {
	tx := mainTx(p)
	when := longTime(l, tx.Time.In(p.loc()))
	term := terminalText(l, tx.TerminalID)
	amount := amountText(l, tx.Amount)
	card := cardText(l, tx.MaskedCard)
	rrn := orUnknown(l, tx.RRN)
	switch p.Letter.Kind {
	case KindChargedButFailed:
		return i18n.In(l, "On %[1]s, %[2]s showed a payment of %[3]s as failed, but the customer's card (%[4]s) was debited. The reference number (RRN) is %[5]s.", when, term, amount, card, rrn)
	case KindApprovedThenReversed:
		return i18n.In(l, "On %[1]s, %[2]s approved a payment of %[3]s (card %[4]s, RRN %[5]s) and printed a slip, but the payment was later reversed or returned.", when, term, amount, card, rrn)
	case KindNoResponse:
		return i18n.In(l, "On %[1]s, %[2]s received no response for a payment of %[3]s (card %[4]s, RRN %[5]s), so we cannot tell whether the card was debited.", when, term, amount, card, rrn)
	case KindPostingFailure:
		return i18n.In(l, "On %[1]s, %[2]s approved a payment of %[3]s (card %[4]s, RRN %[5]s), but the amount has not been credited to our account in settlement.", when, term, amount, card, rrn)
	case KindDuplicateCharge:
		return i18n.In(l, "On %[1]s, the customer's card (%[4]s) was charged twice for one purchase of %[3]s at %[2]s. The reference number (RRN) of the first charge is %[5]s; both records are enclosed.", when, term, amount, card, rrn)
	case KindWrongAmount:
		return i18n.In(l, "On %[1]s, a payment at %[2]s (card %[4]s, RRN %[5]s) was recorded as %[3]s, which is not the amount of the sale.", when, term, amount, card, rrn)
	case KindCustomerRefund:
		return i18n.In(l, "On %[1]s, the customer paid %[3]s at %[2]s (card %[4]s, RRN %[5]s) and has since returned the goods, so the money is due back to the customer.", when, term, amount, card, rrn)
	}
	return i18n.In(l, "On %[1]s, a payment of %[3]s at %[2]s (card %[4]s, RRN %[5]s) went wrong, as described below.", when, term, amount, card, rrn)
}

// otherTransactions mentions the further transactions by RRN, so every RRN is in the letter.
func otherTransactions(l catLang, p *Packet) string {
	if len(p.Transactions) < 2 {
		return ""
	}
	list := ""
	for i, tx := range p.Transactions[1:] {
		if i > 0 {
			list += i18n.In(l, ", ")
		}
		list += i18n.In(l, "%[1]s (%[2]s, RRN %[3]s)", tx.Role.In(l), amountText(l, tx.Amount), orUnknown(l, tx.RRN))
	}
	return i18n.In(l, "Related transactions: %s.", list)
}

// theAsk is what the shop asks for.
func theAsk(l catLang, p *Packet) string {
	amount := p.Letter.AskAmount
	if amount.Currency == "" && amount.IsZero() {
		amount = mainTx(p).Amount
	}
	a := amountText(l, amount)
	var s string
	switch p.Letter.Ask {
	case AskRefundCardholder:
		s = i18n.In(l, "We ask you to return %s to the cardholder by the original route.", a)
	case AskCreditShop:
		s = i18n.In(l, "We ask you to credit %s to our merchant account.", a)
	case AskReverse:
		s = i18n.In(l, "We ask you to reverse the debit of %s.", a)
	case AskAdjust:
		s = i18n.In(l, "We ask you to adjust the cleared amount by %s.", a)
	case AskAcceptEvidence:
		s = i18n.In(l, "Please accept this packet as our reply to your request.")
	default:
		s = i18n.In(l, "We ask you to investigate this transaction and tell us the result.")
	}
	if p.Letter.Deadline != "" {
		if d, err := time.Parse("2006-01-02", p.Letter.Deadline); err == nil {
			s += " " + i18n.In(l, "We understand a reply is due by %s.", longDate(l, d))
		}
	}
	return s
}

// contactLine tells the party how to reach the shop.
func contactLine(l catLang, s Shop) string {
	who := s.Contact
	if who == "" {
		who = s.Name
	}
	if s.Phone == "" {
		return i18n.In(l, "Please contact %s about this matter.", who)
	}
	return i18n.In(l, "Please contact %[1]s on %[2]s about this matter.", who, s.Phone)
}

// exhibitLabel is "Exhibit 3" in l.
func exhibitLabel(l catLang, n int) string { return i18n.In(l, "Exhibit %d", n) }

// maskCard masks a card field for printing: a full number keeps its first 6 and last 4 digits;
// anything MaskCard refuses is masked as free text.
func maskCard(s string) string {
	if m, err := posdesk.MaskCard(s); err == nil {
		return m
	}
	return posdesk.MaskText(s)
}

// loc returns the packet's time zone.
func (p *Packet) loc() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// zoneText describes the packet's time zone: "Asia/Shanghai (UTC+08:00)".
func zoneText(p *Packet, at time.Time) string {
	return fmt.Sprintf("%s (UTC%s)", p.loc().String(), at.In(p.loc()).Format("-07:00"))
}
