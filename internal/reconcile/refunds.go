package reconcile

import (
	"sort"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// RefundCredit pairs a refund follow-up the acquirer owes the shop with the bank statement credit
// that paid it.
type RefundCredit struct {
	Refund *posdesk.Refund
	Line   *posdesk.BankLine
	Key    string // identifies the bank line for good: RefundCreditKey(Line)
}

// RefundCreditKey returns the mark a receipt's note carries when it was recorded from a bank
// statement line, so the same line never pays twice, across runs and re-imports.
func RefundCreditKey(l *posdesk.BankLine) string { return "bank-line:" + l.Fingerprint.String() }

// RefundCredits finds the bank statement credits that pay open refund follow-ups owed by the
// acquirer (direction acquirer_to_shop): a credit booked on or after the day the follow-up
// started, in its currency, for exactly the amount still outstanding. Each line pays at most one
// follow-up, oldest follow-up first, earliest line first; lines whose key is in used (already
// recorded as receipts) are skipped. A credit that only covers part of the amount is not
// guessed at: partial payments are entered by a person.
func RefundCredits(refunds []*posdesk.Refund, lines []*posdesk.BankLine, used map[string]bool) []RefundCredit {
	open := make([]*posdesk.Refund, 0, len(refunds))
	for _, r := range refunds {
		if r.Direction == posdesk.DirAcquirerToShop && r.Open() && r.Outstanding().Amount.IsPositive() {
			open = append(open, r)
		}
	}
	sort.SliceStable(open, func(i, j int) bool {
		if c := open[i].OpenedOn.Compare(open[j].OpenedOn); c != 0 {
			return c < 0
		}
		return open[i].ID < open[j].ID
	})
	credits := make([]*posdesk.BankLine, 0, len(lines))
	for _, l := range lines {
		if l.Credit.Amount.IsPositive() && !used[RefundCreditKey(l)] {
			credits = append(credits, l)
		}
	}
	sort.SliceStable(credits, func(i, j int) bool {
		if c := credits[i].Date.Compare(credits[j].Date); c != 0 {
			return c < 0
		}
		return credits[i].Line < credits[j].Line
	})
	taken := make([]bool, len(credits))
	var out []RefundCredit
	for _, r := range open {
		want := r.Outstanding()
		for i, l := range credits {
			if taken[i] || l.Date.Before(r.OpenedOn) || l.Credit.Currency != want.Currency || !l.Credit.Amount.Equal(want.Amount) {
				continue
			}
			taken[i] = true
			out = append(out, RefundCredit{Refund: r, Line: l, Key: RefundCreditKey(l)})
			break
		}
	}
	return out
}
