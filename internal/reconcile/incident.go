package reconcile

import (
	"fmt"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The rules for turning an exception into an incident. Storage reads the exception and its
// records and stores the result in one transaction (posdesk.ReconcileService's
// CreateIncidentFromException); what the incident says is decided here, once, for the command
// line and the GUI alike.

// QueueTitle is an exception queue's name for people, in the current language: the one name the
// command line, the GUI and the incidents opened from an exception all use.
func QueueTitle(k posdesk.ExceptionKind) string {
	switch k {
	case posdesk.ExcChargedButPOSFailed:
		return i18n.T("Charged but the POS failed")
	case posdesk.ExcApprovedNotSettled:
		return i18n.T("Approved, not settled")
	case posdesk.ExcAmountMismatch:
		return i18n.T("Settled amount differs")
	case posdesk.ExcSettledTwice:
		return i18n.T("Settled twice")
	case posdesk.ExcSettledNotInLedger:
		return i18n.T("Settled, not in the ledger")
	case posdesk.ExcRefundNotCredited:
		return i18n.T("Refund or void never settled")
	case posdesk.ExcBankCreditMismatch:
		return i18n.T("Bank credit differs from settlement")
	}
	return string(k)
}

// IncidentKindFor returns the kind of incident an exception of kind k becomes: the customer was
// charged for a failed payment (charged_but_failed); money the shop is owed never arrived, for
// one payment or a day's credit (posting_failure); the acquirer cleared another amount
// (wrong_amount) or the same payment twice (duplicate_charge); a refund or cancellation did not
// reach the customer (customer_refund). A payment settled but missing from the ledger is "other":
// nobody lost money yet, the shop has to find out what the payment was.
func IncidentKindFor(k posdesk.ExceptionKind) posdesk.IncidentKind {
	switch k {
	case posdesk.ExcChargedButPOSFailed:
		return posdesk.IncidentChargedButFailed
	case posdesk.ExcApprovedNotSettled, posdesk.ExcBankCreditMismatch:
		return posdesk.IncidentPostingFailure
	case posdesk.ExcAmountMismatch:
		return posdesk.IncidentWrongAmount
	case posdesk.ExcSettledTwice:
		return posdesk.IncidentDuplicateCharge
	case posdesk.ExcRefundNotCredited:
		return posdesk.IncidentCustomerRefund
	}
	return posdesk.IncidentOther
}

// AmountInQuestion returns the amount an incident opened from x is about, never negative: what
// is missing (a sale not settled, a refund not credited), what was taken or paid without a
// record (a failed payment settled, a payment not in the ledger), or the difference (an amount
// settled wrong, a duplicate settlement, a day's bank credit that differs from its settlement).
func AmountInQuestion(x *posdesk.Exception) posdesk.Money {
	var m posdesk.Money
	switch x.Kind {
	case posdesk.ExcApprovedNotSettled, posdesk.ExcRefundNotCredited:
		m = x.Expected
	case posdesk.ExcChargedButPOSFailed, posdesk.ExcSettledNotInLedger:
		m = x.Actual
	default:
		m = x.Actual.Sub(x.Expected)
	}
	if m.IsNegative() {
		m = m.Neg()
	}
	if m.Currency == "" {
		m.Currency = x.Expected.Currency
	}
	return m
}

// ExceptionIncident is what an exception becomes: the incident to log, and a text file (the
// exception and the records it concerns, line by line) to attach to it as a statement.
type ExceptionIncident struct {
	Incident *posdesk.Incident
	FileName string // "exception-7.txt"
	Caption  string
	Text     string
}

const timeLayout = "2006-01-02 15:04:05"

// IncidentFromException decides what incident exception x becomes, given the records storage
// read for it; loc is the shop's time zone, for the times written out (UTC when nil). Texts are
// in the current language.
//
//   - Kind: IncidentKindFor; amount: AmountInQuestion; cause unknown.
//   - Records: the ledger record when the exception has one (ENOTFOUND when r lacks it). Otherwise the payment is recorded
//     from its (first) settlement line: a settled sale, or refund when the line is negative,
//     with the line's identifiers (an existing record with the same RRN is linked instead, by
//     storage). A whole day's bank credit (bank_credit_mismatch) concerns no single payment and
//     links no record.
//   - Time: the ledger record's, else the settlement line's, else noon of the exception's date in
//     the shop's zone (a day's bank credit), else when reconciliation found it.
//   - Story: where the incident came from, the reason reconciliation gave and the RRN.
//   - The attached text: the exception's facts, the ledger record and every settlement and bank
//     line concerned, with their files and line numbers.
//
// It is EINVALID when the exception has neither a ledger record nor a settlement line left to
// record the payment from (its statement was undone), unless it is a day's bank credit.
func IncidentFromException(x *posdesk.Exception, r *posdesk.ExceptionRecords, loc *time.Location) (*ExceptionIncident, error) {
	if loc == nil {
		loc = time.UTC
	}
	if r == nil {
		r = &posdesk.ExceptionRecords{}
	}
	kind := IncidentKindFor(x.Kind)
	out := &ExceptionIncident{
		FileName: fmt.Sprintf("exception-%d.txt", x.ID),
		Caption:  i18n.T("Statement lines of the reconciliation exception"),
	}
	inc := &posdesk.Incident{Kind: kind, Cause: posdesk.CauseUnknown, Status: posdesk.IncidentOpen, Amount: AmountInQuestion(x)}
	story := []string{i18n.T("From reconciliation exception %[1]d (%[2]s) of %[3]s: %[4]s", x.ID, QueueTitle(x.Kind), x.Date.String(), x.Reason)}
	if x.RRN != "" {
		story = append(story, i18n.T("Reference number (RRN): %s.", x.RRN))
	}
	switch {
	case x.TransactionID != 0:
		if r.Transaction == nil || r.Transaction.ID != x.TransactionID {
			return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Transaction %d does not exist.", x.TransactionID)
		}
		inc.Transactions = []*posdesk.Transaction{{ID: r.Transaction.ID}}
		inc.Time = r.Transaction.Time
	case len(r.SettlementLines) > 0:
		l := r.SettlementLines[0]
		inc.Transactions = []*posdesk.Transaction{slipFromLine(kind, l)}
		inc.Time = l.Time
		story = append(story, i18n.T("The payment is not in the ledger: its record was made from line %[1]d of the settlement statement %[2]s.", l.Line, r.Files[l.BatchID]))
	case x.Kind == posdesk.ExcBankCreditMismatch:
		story = append(story, i18n.T("This is about a whole day's bank credit, not one payment, so no ledger record is linked."))
	default:
		return nil, posdesk.Invalid("transactions", "Exception %d has no ledger record and its settlement lines are no longer imported (the statement was undone): import the statement again and reconcile, or log the incident with posdesk incident add.", x.ID)
	}
	if inc.Time.IsZero() && !x.Date.IsZero() {
		inc.Time = time.Date(x.Date.Year, x.Date.Month, x.Date.Day, 12, 0, 0, 0, loc)
	}
	if inc.Time.IsZero() {
		inc.Time = x.FoundAt
	}
	if len(r.SettlementLines)+len(r.BankLines) > 0 {
		story = append(story, i18n.T("The statement lines concerned are attached as %s.", out.FileName))
	}
	inc.Story = strings.Join(story, "\n")
	out.Incident = inc
	out.Text = exceptionText(x, r, loc)
	return out, nil
}

// slipFromLine is the ledger record of a payment only the settlement statement knows.
func slipFromLine(kind posdesk.IncidentKind, l *posdesk.SettlementLine) *posdesk.Transaction {
	t := posdesk.NewSlip(kind, l.Time, l.Amount, l.TerminalID, l.Trace, l.RRN)
	if t.Amount.IsNegative() {
		t.Amount, t.Kind = t.Amount.Neg(), posdesk.KindRefund
	}
	if l.Kind.Valid() {
		t.Kind = l.Kind
	}
	t.Status = posdesk.StatusSettled
	t.Batch, t.AuthCode, t.Card = l.Batch, l.AuthCode, l.Card
	if posdesk.IsMerchantID(l.MerchantID) {
		t.Merchant = l.MerchantID
	}
	return t
}

// exceptionText is the attached file: the exception, then each record it concerns on a line.
func exceptionText(x *posdesk.Exception, r *posdesk.ExceptionRecords, loc *time.Location) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	line(i18n.T("Reconciliation exception %[1]d: %[2]s", x.ID, QueueTitle(x.Kind)))
	line(i18n.T("Date concerned: %s", x.Date.String()))
	line(i18n.T("Expected %[1]s, found %[2]s.", x.Expected.Display(), x.Actual.Display()))
	line(x.Reason)
	if !x.FoundAt.IsZero() {
		line(i18n.T("Found by reconciliation on %s.", x.FoundAt.In(loc).Format(timeLayout)))
	}
	if t := r.Transaction; t != nil {
		line("")
		line(i18n.T("Ledger record %[1]d: %[2]s, %[3]s %[4]s, %[5]s; terminal %[6]s, batch %[7]s, trace %[8]s, RRN %[9]s, auth code %[10]s, card %[11]s.",
			t.ID, t.Time.In(loc).Format(timeLayout), i18n.T(t.Kind.Title()), t.Amount.Display(), i18n.T(t.Status.Title()),
			dash(t.Terminal), dash(t.Batch), dash(t.Trace), dash(t.RRN), dash(t.AuthCode), dash(t.Card)))
	}
	if len(r.SettlementLines) > 0 {
		line("")
	}
	for _, l := range r.SettlementLines {
		line(i18n.T("Settlement statement %[1]s, line %[2]d: %[3]s, amount %[4]s, fee %[5]s, net %[6]s, settled %[7]s; merchant %[8]s, terminal %[9]s, batch %[10]s, trace %[11]s, RRN %[12]s, auth code %[13]s, card %[14]s.",
			dash(r.Files[l.BatchID]), l.Line, l.Time.In(loc).Format(timeLayout), l.Amount.Display(), l.Fee.Display(), l.Net.Display(), l.SettleDate.String(),
			dash(l.MerchantID), dash(l.TerminalID), dash(l.Batch), dash(l.Trace), dash(l.RRN), dash(l.AuthCode), dash(l.Card)))
	}
	if len(r.BankLines) > 0 {
		line("")
	}
	for _, l := range r.BankLines {
		line(i18n.T("Bank statement %[1]s, line %[2]d: %[3]s, %[4]s, %[5]s; credit %[6]s, debit %[7]s.",
			dash(r.Files[l.BatchID]), l.Line, l.Date.String(), dash(l.Description), dash(l.Counterparty), l.Credit.Display(), l.Debit.Display()))
	}
	return b.String()
}
