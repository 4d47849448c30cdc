package posdesk

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// RefundDirection says who owes the money of a refund follow-up and who should receive it.
type RefundDirection string

// Refund directions.
const (
	// DirShopToCustomer: the shop pays the customer back (goods returned, charged twice).
	DirShopToCustomer RefundDirection = "shop_to_customer"
	// DirAcquirerToShop: the acquirer or bank owes the shop (never credited, short settlement).
	DirAcquirerToShop RefundDirection = "acquirer_to_shop"
	// DirBankToCustomer: the bank returns money to the customer's card (charged but failed,
	// automatic reversal); the shop follows it up for the customer.
	DirBankToCustomer RefundDirection = "bank_to_customer"
)

// RefundDirections lists the directions in menu order.
var RefundDirections = []RefundDirection{DirShopToCustomer, DirAcquirerToShop, DirBankToCustomer}

// Title returns the direction's English label; it is also its translation key.
func (d RefundDirection) Title() string {
	switch d {
	case DirShopToCustomer:
		return "Shop to customer"
	case DirAcquirerToShop:
		return "Acquirer to shop"
	case DirBankToCustomer:
		return "Bank to customer"
	}
	return string(d)
}

// Valid reports whether d is a known direction.
func (d RefundDirection) Valid() bool { return oneOf(d, RefundDirections) }

// ToCustomer reports whether the money goes to a customer, who is then told it arrived.
func (d RefundDirection) ToCustomer() bool { return d == DirShopToCustomer || d == DirBankToCustomer }

// OwedByBank reports whether a bank or acquirer owes the money: what it pays is "recovered",
// what it never pays is "written off".
func (d RefundDirection) OwedByBank() bool { return d == DirAcquirerToShop || d == DirBankToCustomer }

// RefundMethod is how the money travels.
type RefundMethod string

// Refund methods.
const (
	MethodOriginalRoute RefundMethod = "original_route" // 原路返回: back to the card or account that paid
	MethodAlipay        RefundMethod = "alipay"
	MethodWeChatPay     RefundMethod = "wechat_pay"
	MethodCash          RefundMethod = "cash"
	MethodBankTransfer  RefundMethod = "bank_transfer"
)

// RefundMethods lists the methods in menu order.
var RefundMethods = []RefundMethod{MethodOriginalRoute, MethodAlipay, MethodWeChatPay, MethodCash, MethodBankTransfer}

// Title returns the method's English label; it is also its translation key.
func (m RefundMethod) Title() string {
	switch m {
	case MethodOriginalRoute:
		return "Original route"
	case MethodAlipay:
		return "Alipay"
	case MethodWeChatPay:
		return "WeChat Pay"
	case MethodCash:
		return "Cash"
	case MethodBankTransfer:
		return "Bank transfer"
	}
	return string(m)
}

// Valid reports whether m is a known method.
func (m RefundMethod) Valid() bool { return oneOf(m, RefundMethods) }

// DefaultArrival returns the usual time for money sent by m to arrive, as a suggestion the user
// can change (bank clearing cycles vary): original route 7 working days, Alipay and WeChat Pay
// 1 working day, bank transfer 2 working days, cash at once.
func (m RefundMethod) DefaultArrival() Span {
	switch m {
	case MethodOriginalRoute:
		return Span{Days: 7, Workdays: true}
	case MethodAlipay, MethodWeChatPay:
		return Span{Days: 1, Workdays: true}
	case MethodBankTransfer:
		return Span{Days: 2, Workdays: true}
	}
	return Span{}
}

// RefundStatus is the step a refund follow-up has reached.
type RefundStatus string

// Refund statuses, in ladder order. Closed, rejected and written off end a follow-up (a rejected
// one may be appealed: it goes back under review).
const (
	RefundRequested        RefundStatus = "requested"         // asked for; application being prepared
	RefundUnderReview      RefundStatus = "under_review"      // with the manager, bank or acquirer
	RefundApproved         RefundStatus = "approved"          // approved by the manager, or agreed by the bank
	RefundPaid             RefundStatus = "paid"              // the payer sent the money
	RefundReceived         RefundStatus = "received"          // the money was seen in full where it belongs
	RefundCustomerNotified RefundStatus = "customer_notified" // the customer was told
	RefundClosed           RefundStatus = "closed"            // done; records updated
	RefundRejected         RefundStatus = "rejected"          // refused, with the reason
	RefundWrittenOff       RefundStatus = "written_off"       // given up, with the reason; the rest is a loss
)

// RefundStatuses lists the statuses in ladder order.
var RefundStatuses = []RefundStatus{RefundRequested, RefundUnderReview, RefundApproved, RefundPaid, RefundReceived,
	RefundCustomerNotified, RefundClosed, RefundRejected, RefundWrittenOff}

// OpenRefundStatuses lists the statuses of follow-ups still under way.
var OpenRefundStatuses = []RefundStatus{RefundRequested, RefundUnderReview, RefundApproved, RefundPaid, RefundReceived, RefundCustomerNotified}

// Title returns the status's English label; it is also its translation key.
func (s RefundStatus) Title() string {
	switch s {
	case RefundRequested:
		return "Requested"
	case RefundUnderReview:
		return "Under review"
	case RefundApproved:
		return "Approved for refund"
	case RefundPaid:
		return "Paid out"
	case RefundReceived:
		return "Money received"
	case RefundCustomerNotified:
		return "Customer notified"
	case RefundClosed:
		return "Closed"
	case RefundRejected:
		return "Rejected"
	case RefundWrittenOff:
		return "Written off"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s RefundStatus) Valid() bool { return oneOf(s, RefundStatuses) }

// Open reports whether a follow-up in status s is still under way.
func (s RefundStatus) Open() bool { return oneOf(s, OpenRefundStatuses) }

// refundLadder holds the legal moves of every direction; refundStepApplies removes the ones a
// direction does not have. Skipping forward is allowed where a step may not happen (a bank may
// pay without saying so first; a small customer refund needs no review).
var refundLadder = map[RefundStatus][]RefundStatus{
	RefundRequested:        {RefundUnderReview, RefundApproved, RefundPaid, RefundReceived, RefundRejected, RefundWrittenOff},
	RefundUnderReview:      {RefundApproved, RefundPaid, RefundReceived, RefundRejected, RefundWrittenOff},
	RefundApproved:         {RefundPaid, RefundReceived, RefundWrittenOff},
	RefundPaid:             {RefundReceived, RefundCustomerNotified, RefundWrittenOff},
	RefundReceived:         {RefundCustomerNotified, RefundClosed},
	RefundCustomerNotified: {RefundClosed},
	RefundRejected:         {RefundUnderReview},
	RefundWrittenOff:       nil,
	RefundClosed:           nil,
}

// refundStepApplies reports whether the move from -> to exists for direction d:
//   - money owed to the shop (acquirer_to_shop) has no customer to tell: no customer_notified,
//     and received leads straight to closed;
//   - money owed to a customer is closed only after the customer was told: received leads to
//     customer_notified, never straight to closed. The customer may be told when the money is
//     sent (paid -> customer_notified) and its arrival recorded afterwards.
func refundStepApplies(d RefundDirection, from, to RefundStatus) bool {
	if d == DirAcquirerToShop && to == RefundCustomerNotified {
		return false
	}
	if d.ToCustomer() && from == RefundReceived && to == RefundClosed {
		return false
	}
	return true
}

// NextRefundStatuses returns the statuses a follow-up of direction d may move to from status s,
// in ladder order.
func NextRefundStatuses(d RefundDirection, s RefundStatus) []RefundStatus {
	var out []RefundStatus
	for _, to := range refundLadder[s] {
		if refundStepApplies(d, s, to) {
			out = append(out, to)
		}
	}
	return out
}

// DefaultApprovalThreshold is the amount at or above which a refund the shop pays needs a
// manager's approval, until the shop sets its own (setting RefundThresholdSetting).
var DefaultApprovalThreshold = CNY("500.00")

// RefundThresholdSetting is the name of the shop setting holding the approval threshold, an
// amount in the shop's currency ("500.00").
const RefundThresholdSetting = "refund.approval_threshold"

// Refund is the follow-up of one amount of money owed, from the request until the money is where
// it belongs (or the rest is written off). It is linked to the incident it settles, or stands
// alone as a customer refund (IncidentID 0, direction shop_to_customer).
type Refund struct {
	ID         int64
	IncidentID int64 // 0: a standalone customer refund

	Direction    RefundDirection
	Method       RefundMethod
	Status       RefundStatus
	Expected     Money  // the amount owed before fees
	Fees         Money  // deducted by the payer (e.g. the acquirer keeps its fee)
	FeesReason   string // required when Fees is not zero
	Received     Money  // the sum of the receipts not voided; kept by storage
	Counterparty string // who pays or is paid: the bank, acquirer or customer
	Customer     string // the customer's name or phone, only when needed (personal data)
	Reason       string // why the money is owed
	CaseRef      string // the bank's case or ticket number (工单号)

	OpenedOn    Date   // the day the follow-up started (ages count from it)
	RequestedBy string // who asked for it; may not approve it

	ApprovedBy string // who approved it (a manager), or ""
	ApprovedAt time.Time

	Due        Date   // the deadline: the date on the bank's letter first, or a preset's suggestion
	DueSource  string // "letter", or the preset's name
	Arrival    Span   // how long the money takes to arrive once paid
	ExpectedBy Date   // when the money should arrive: OpenedOn (or the day it was paid) + Arrival

	NextAction   string // what to do next ("call the acquirer's hotline, case 2026-118")
	NextActionOn Date   // when

	StatusReason string // why it was rejected or written off
	StatusOn     Date   // when the status last changed
	WrittenOff   Money  // the amount given up when it was written off

	Receipts []*RefundReceipt // filled by FindRefundByID, oldest first

	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
}

// Net returns what the recipient should get: Expected - Fees.
func (r *Refund) Net() Money { return r.Expected.Sub(r.Fees) }

// Outstanding returns what is still to arrive: Expected - Fees - Received, exact to the cent.
// It is negative after a confirmed over-payment.
func (r *Refund) Outstanding() Money {
	out := r.Net().Sub(r.Received)
	if out.Currency == "" {
		out.Currency = r.Expected.Currency
	}
	return out
}

// Open reports whether the follow-up is still under way.
func (r *Refund) Open() bool { return r.Status.Open() }

// Standalone reports whether the refund has no incident (a customer refund).
func (r *Refund) Standalone() bool { return r.IncidentID == 0 }

// NeedsApproval reports whether the refund must be approved by a manager other than the one who
// asked for it: the shop pays it (shop_to_customer) and it is at or above threshold. A threshold
// in another currency than the refund's makes every such refund need approval.
func (r *Refund) NeedsApproval(threshold Money) bool {
	if r.Direction != DirShopToCustomer {
		return false
	}
	if threshold.Currency != r.Expected.Currency {
		return true
	}
	return r.Expected.Cmp(threshold) >= 0
}

// Approved reports whether a manager approved the refund.
func (r *Refund) Approved() bool { return r.ApprovedBy != "" }

// NextDate returns the earliest date something is due on an open follow-up, and which date it
// is: "next_action", "deadline" or "arrival" (the expected arrival while money is outstanding).
// A closed follow-up, or one with none of those dates, gives the zero Date.
func (r *Refund) NextDate() (Date, string) {
	if !r.Open() {
		return Date{}, ""
	}
	var best Date
	what := ""
	consider := func(d Date, w string) {
		if !d.IsZero() && (best.IsZero() || d.Before(best)) {
			best, what = d, w
		}
	}
	consider(r.NextActionOn, "next_action")
	consider(r.Due, "deadline")
	if r.Outstanding().Amount.IsPositive() {
		consider(r.ExpectedBy, "arrival")
	}
	return best, what
}

// Limits on refund text fields, in characters.
const (
	maxRefundShort = 200
	maxCaseRef     = 100
)

// Normalize trims text fields, masks card numbers in them and fills defaults: currency, status
// requested, fees zero.
func (r *Refund) Normalize() {
	for _, f := range []*string{&r.FeesReason, &r.Counterparty, &r.Customer, &r.Reason, &r.CaseRef,
		&r.RequestedBy, &r.ApprovedBy, &r.DueSource, &r.NextAction, &r.StatusReason} {
		*f = MaskText(strings.TrimSpace(*f))
	}
	if r.Expected.Currency == "" {
		r.Expected.Currency = DefaultCurrency
	}
	if r.Fees.Currency == "" {
		r.Fees.Currency = r.Expected.Currency
	}
	if r.Received.Currency == "" {
		r.Received.Currency = r.Expected.Currency
	}
	if r.WrittenOff.Currency == "" {
		r.WrittenOff.Currency = r.Expected.Currency
	}
	if r.Status == "" {
		r.Status = RefundRequested
	}
	if r.Direction == "" && r.IncidentID == 0 {
		r.Direction = DirShopToCustomer
	}
	if !r.Due.IsZero() && r.DueSource == "" {
		r.DueSource = "letter"
	}
}

// Validate checks r and returns every problem at once, each naming its field.
func (r *Refund) Validate() error {
	var es Errors
	if !r.Direction.Valid() {
		es = append(es, Invalid("direction", "Direction %q is not one of: shop_to_customer, acquirer_to_shop, bank_to_customer.", string(r.Direction)))
	}
	if !r.Method.Valid() {
		es = append(es, Invalid("method", "Method %q is not one of: original_route, alipay, wechat_pay, cash, bank_transfer.", string(r.Method)))
	}
	if !r.Status.Valid() {
		es = append(es, Invalid("status", "Status %q is not one of: requested, under_review, approved, paid, received, customer_notified, closed, rejected, written_off.", string(r.Status)))
	}
	if r.IncidentID < 0 {
		es = append(es, Invalid("incident", "Incident number %d is not valid.", r.IncidentID))
	}
	if r.IncidentID == 0 && r.Direction.Valid() && r.Direction != DirShopToCustomer {
		es = append(es, Invalid("direction", "A refund without an incident is a customer refund (shop_to_customer). For money a bank or acquirer owes, log the incident first and link the refund to it."))
	}
	cur := r.Expected.Currency
	exp, ok := MinorUnits(cur)
	if !ok {
		es = append(es, Invalid("currency", "Currency %q is not a known ISO 4217 code (for example CNY, HKD, USD).", cur))
	}
	if r.Expected.Currency == cur && ok {
		switch m := r.Expected; {
		case !m.Amount.Equal(m.Amount.Truncate(exp)):
			es = append(es, Invalid("expected", "Expected amount %[1]s has more than %[2]d decimal places.", m.Amount.String(), exp))
		case !m.Amount.IsPositive():
			es = append(es, Invalid("expected", "Enter the amount expected, greater than zero."))
		case m.Amount.GreaterThan(maxAmount):
			es = append(es, Invalid("expected", "Expected amount %s is too large; check the decimal point.", m.Plain()))
		}
	}
	switch m := r.Fees; {
	case m.Currency != cur:
		es = append(es, Invalid("fees", "Fees are in %[1]s but the refund is in %[2]s.", m.Currency, cur))
	case ok && !m.Amount.Equal(m.Amount.Truncate(exp)):
		es = append(es, Invalid("fees", "Fees of %[1]s have more than %[2]d decimal places.", m.Amount.String(), exp))
	case m.IsNegative():
		es = append(es, Invalid("fees", "Fees cannot be negative."))
	case m.Cmp(r.Expected) > 0:
		es = append(es, Invalid("fees", "Fees of %[1]s are more than the expected amount of %[2]s.", m.Plain(), r.Expected.Plain()))
	}
	if !r.Fees.IsZero() && r.FeesReason == "" {
		es = append(es, Invalid("fees_reason", "Say why fees are deducted (for example: the acquirer keeps its 0.6%% fee)."))
	}
	tooLong := func(v string, max int) bool { return len([]rune(v)) > max }
	if tooLong(r.FeesReason, MaxReasonLen) {
		es = append(es, Invalid("fees_reason", "The reason for the fees is too long: at most %d characters.", MaxReasonLen))
	}
	if tooLong(r.Counterparty, maxRefundShort) {
		es = append(es, Invalid("counterparty", "Counterparty is too long: at most %d characters.", maxRefundShort))
	}
	if tooLong(r.Customer, maxRefundShort) {
		es = append(es, Invalid("customer", "Customer is too long: at most %d characters.", maxRefundShort))
	}
	if tooLong(r.Reason, MaxNoteLen) {
		es = append(es, Invalid("reason", "The reason for the refund is too long: at most %d characters.", MaxNoteLen))
	}
	if tooLong(r.CaseRef, maxCaseRef) {
		es = append(es, Invalid("case_ref", "Case number is too long: at most %d characters.", maxCaseRef))
	}
	if tooLong(r.RequestedBy, maxRefundShort) {
		es = append(es, Invalid("requested_by", "The name of the person asking is too long: at most %d characters.", maxRefundShort))
	}
	if tooLong(r.NextAction, MaxReasonLen) {
		es = append(es, Invalid("next_action", "Next action is too long: at most %d characters.", MaxReasonLen))
	}
	if tooLong(r.StatusReason, MaxReasonLen) {
		es = append(es, Invalid("status_reason", "Reason is too long: at most %d characters.", MaxReasonLen))
	}
	if r.OpenedOn.IsZero() {
		es = append(es, Invalid("opened", "Enter the date the refund was asked for."))
	}
	if !r.NextActionOn.IsZero() && r.NextAction == "" {
		es = append(es, Invalid("next_action", "Say what the next action is, not only its date."))
	}
	if r.Arrival.Days < 0 || r.Arrival.Days > 3650 {
		es = append(es, Invalid("arrival", "Expected arrival must be between 0 and 3650 days."))
	}
	return es.Err()
}

// SamePerson reports whether two staff names are the same person: equal after trimming, folding
// case and width and collapsing spaces ("Li  Wei" and "li wei"; "ＬＩ" and "LI"). Until staff logins
// exist, approvals compare the names typed; with logins the signed-in user's name is used.
func SamePerson(a, b string) bool {
	norm := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if r >= '！' && r <= '～' { // full-width ASCII
				r = r - '！' + '!'
			}
			if r == '\u3000' {
				return ' '
			}
			return unicode.ToLower(r)
		}, s)
		return strings.Join(strings.Fields(s), " ")
	}
	na, nb := norm(a), norm(b)
	return na != "" && na == nb
}

// refundStatusCodes joins statuses as the command line writes them.
func refundStatusCodes(ss []RefundStatus) string {
	if len(ss) == 0 {
		return "none (it is finished)"
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// CheckMove reports whether r may move to status to now, with reason (required for rejected and
// written_off), given the approval threshold. The error says what is allowed instead.
func (r *Refund) CheckMove(to RefundStatus, reason string, threshold Money) error {
	if !to.Valid() {
		return Invalid("status", "Status %q is not one of: requested, under_review, approved, paid, received, customer_notified, closed, rejected, written_off.", string(to))
	}
	if to == r.Status {
		return Errorf(ECONFLICT, "Refund %[1]d is already %[2]s.", r.ID, string(to))
	}
	next := NextRefundStatuses(r.Direction, r.Status)
	if !oneOf(to, next) {
		return Errorf(EINVALID, "Refund %[1]d is %[2]s and cannot move to %[3]s. Allowed next: %[4]s.", r.ID, string(r.Status), string(to), refundStatusCodes(next))
	}
	needs := r.NeedsApproval(threshold)
	switch to {
	case RefundRejected, RefundWrittenOff:
		if strings.TrimSpace(reason) == "" {
			return Invalid("reason", "Say why refund %[1]d is %[2]s; the reason is kept with it.", r.ID, string(to))
		}
	case RefundApproved:
		if needs && !r.Approved() {
			return Errorf(EFORBIDDEN, "Refund %[1]d of %[2]s is at or above the approval threshold of %[3]s: a manager other than the one who asked approves it (posdesk refund approve %[1]d --by NAME).", r.ID, r.Expected.Plain(), threshold.Plain())
		}
	case RefundPaid, RefundReceived, RefundCustomerNotified:
		if needs && !r.Approved() {
			return Errorf(EFORBIDDEN, "Refund %[1]d of %[2]s needs a manager's approval before it is paid (posdesk refund approve %[1]d --by NAME).", r.ID, r.Expected.Plain())
		}
	}
	if to == RefundReceived || to == RefundClosed {
		if out := r.Outstanding(); out.Amount.IsPositive() {
			return Errorf(ECONFLICT, "%[2]s is still outstanding on refund %[1]d. Record what arrived (posdesk refund receive %[1]d --amount A), or write the rest off with a reason.", r.ID, out.Plain())
		}
	}
	return nil
}

// Move changes r's status to to on day on, after CheckMove allowed it. Writing off keeps the
// outstanding amount as the loss.
func (r *Refund) Move(to RefundStatus, reason string, on Date) {
	if to == RefundWrittenOff {
		if out := r.Outstanding(); out.Amount.IsPositive() {
			r.WrittenOff = out
		}
	}
	if to == RefundRejected || to == RefundWrittenOff {
		r.StatusReason = MaskText(strings.TrimSpace(reason))
	} else if r.Status == RefundRejected {
		r.StatusReason = "" // appealed
	}
	r.Status = to
	r.StatusOn = on
}

// CheckApproval reports whether approver may approve r now: r is a refund the shop pays, waiting
// (requested or under review), and approver is not the person who asked for it. Whether the
// approver is a manager is checked by Authorize on the signed-in user.
func (r *Refund) CheckApproval(approver string) error {
	approver = strings.TrimSpace(approver)
	if approver == "" {
		return Invalid("by", "Enter the name of the manager who approves refund %d.", r.ID)
	}
	if r.Direction != DirShopToCustomer {
		return Errorf(EINVALID, "Refund %[1]d is owed by a bank or acquirer; record their decision with posdesk refund status %[1]d approved.", r.ID)
	}
	if r.Approved() {
		return Errorf(ECONFLICT, "Refund %[1]d was already approved by %[2]s.", r.ID, r.ApprovedBy)
	}
	if r.Status != RefundRequested && r.Status != RefundUnderReview {
		return Errorf(ECONFLICT, "Refund %[1]d is %[2]s; only a requested or under_review refund can be approved.", r.ID, string(r.Status))
	}
	if SamePerson(approver, r.RequestedBy) {
		return Errorf(EFORBIDDEN, "%[1]s asked for refund %[2]d and cannot approve it: another manager must.", approver, r.ID)
	}
	return nil
}

// Approve records approver's approval at instant at on day on, after CheckApproval allowed it.
func (r *Refund) Approve(approver string, at time.Time, on Date) {
	r.ApprovedBy = MaskText(strings.TrimSpace(approver))
	r.ApprovedAt = at
	r.Status = RefundApproved
	r.StatusOn = on
}

// RefundReceipt is one amount that arrived on a refund follow-up (refunds are often paid in
// parts). A receipt entered by mistake is voided, never deleted.
type RefundReceipt struct {
	ID          int64
	RefundID    int64
	On          Date // the day the money arrived
	Amount      Money
	Note        string
	OverPayment bool // confirmed: this receipt makes the refund over-paid

	VoidedAt   time.Time
	VoidReason string

	CreatedAt time.Time
	CreatedBy string
}

// Voided reports whether the receipt was voided.
func (rc *RefundReceipt) Voided() bool { return !rc.VoidedAt.IsZero() }

// CheckReceipt reports whether receipt rc may be added to r on day today: r is under way and not
// waiting for an approval it needs, the amount is positive in r's currency, the date is not in
// the future, and it does not make r over-paid unless rc.OverPayment confirms it.
func (r *Refund) CheckReceipt(rc *RefundReceipt, today Date, threshold Money) error {
	rc.Note = MaskText(strings.TrimSpace(rc.Note))
	if rc.Amount.Currency == "" {
		rc.Amount.Currency = r.Expected.Currency
	}
	var es Errors
	if rc.On.IsZero() {
		es = append(es, Invalid("date", "Enter the date the money arrived."))
	} else if rc.On.After(today) {
		es = append(es, Invalid("date", "The date %s is in the future; enter the day the money arrived.", rc.On.String()))
	}
	exp, _ := MinorUnits(r.Expected.Currency)
	switch {
	case rc.Amount.Currency != r.Expected.Currency:
		es = append(es, Invalid("amount", "The receipt is in %[1]s but refund %[2]d is in %[3]s.", rc.Amount.Currency, r.ID, r.Expected.Currency))
	case !rc.Amount.Amount.Equal(rc.Amount.Amount.Truncate(exp)):
		es = append(es, Invalid("amount", "Amount %[1]q has more than %[2]d decimal places.", rc.Amount.Amount.String(), exp))
	case !rc.Amount.Amount.IsPositive():
		es = append(es, Invalid("amount", "Enter the amount that arrived, greater than zero."))
	}
	if len([]rune(rc.Note)) > MaxReasonLen {
		es = append(es, Invalid("note", "Note is too long: at most %d characters.", MaxReasonLen))
	}
	if len(es) > 0 {
		return es.Err()
	}
	if !r.Open() {
		return Errorf(ECONFLICT, "Refund %[1]d is %[2]s; money can be recorded only on a follow-up still under way.", r.ID, string(r.Status))
	}
	if r.NeedsApproval(threshold) && !r.Approved() {
		return Errorf(EFORBIDDEN, "Refund %[1]d of %[2]s needs a manager's approval before it is paid (posdesk refund approve %[1]d --by NAME).", r.ID, r.Expected.Plain())
	}
	after := r.Outstanding().Sub(rc.Amount)
	if after.IsNegative() && !rc.OverPayment {
		return Errorf(ECONFLICT, "%[1]s is more than the %[2]s outstanding on refund %[3]d. If the payer really sent more, confirm it as an over-payment (--over-payment on the command line).", rc.Amount.Plain(), r.Outstanding().Plain(), r.ID)
	}
	if !after.IsNegative() {
		rc.OverPayment = false // nothing to confirm
	}
	return nil
}

// ApplyReceipt adds rc (checked by CheckReceipt) to r. When nothing is outstanding any more, a
// follow-up not yet at received moves there on the receipt's date; it reports whether it did.
func (r *Refund) ApplyReceipt(rc *RefundReceipt) bool {
	r.Received = r.Received.Add(rc.Amount)
	r.Receipts = append(r.Receipts, rc)
	switch r.Status {
	case RefundRequested, RefundUnderReview, RefundApproved, RefundPaid:
		if !r.Outstanding().Amount.IsPositive() {
			r.Status = RefundReceived
			r.StatusOn = rc.On
			return true
		}
	}
	return false
}

// UnapplyReceipt takes a voided receipt's amount off r. A follow-up at received or
// customer_notified that owes money again goes back to paid; it reports whether it did.
func (r *Refund) UnapplyReceipt(rc *RefundReceipt, on Date) bool {
	r.Received = r.Received.Sub(rc.Amount)
	if (r.Status == RefundReceived || r.Status == RefundCustomerNotified) && r.Outstanding().Amount.IsPositive() {
		r.Status = RefundPaid
		r.StatusOn = on
		return true
	}
	return false
}

// RefundEvent is one line of a follow-up's history: created, a status change, an approval, a
// receipt, an edit.
type RefundEvent struct {
	ID       int64
	RefundID int64
	Time     time.Time
	On       Date   // the business date the event concerns (the receipt's date, the status date)
	Kind     string // "created", "status", "approved", "receipt", "receipt_void", "updated"
	From, To RefundStatus
	Amount   Money // for receipts
	Note     string
	Actor    string
}

// RefundFilter selects refund follow-ups. Zero fields do not filter; dates are inclusive. The
// dashboard hands one to the list behind each figure, so the list shows exactly the rows summed.
type RefundFilter struct {
	ID         int64
	IncidentID int64
	Standalone bool // only refunds without an incident
	Statuses   []RefundStatus
	Open       bool // only follow-ups under way
	Directions []RefundDirection
	Owing      bool // only those with money outstanding (Outstanding > 0)

	OpenedFrom, OpenedTo Date // OpenedOn within
	DueFrom, DueTo       Date // deadline within
	StatusFrom, StatusTo Date // StatusOn within (with Statuses: written off this month)
	NextTo               Date // NextDate on or before (the follow-ups list)

	Query string // matches the case number, counterparty, customer, reason or next action

	Offset, Limit int // Limit 0 means no limit
}

// RefundReceiptFilter selects receipts. Zero fields do not filter; dates are inclusive.
type RefundReceiptFilter struct {
	RefundID      int64
	From, To      Date
	Directions    []RefundDirection // of the refund the receipt belongs to
	IncludeVoided bool

	Offset, Limit int
}

// RefundTotal is a count and the sums of refunds in one currency.
type RefundTotal struct {
	Currency    string
	Count       int
	Expected    Money
	Fees        Money
	Received    Money
	Outstanding Money
	WrittenOff  Money
}

// RefundUpdate changes details of a follow-up. Nil fields stay as they are. Amounts cannot change
// once the follow-up is finished.
type RefundUpdate struct {
	Method       *RefundMethod
	Expected     *Money
	Fees         *Money
	FeesReason   *string
	Counterparty *string
	Customer     *string
	Reason       *string
	CaseRef      *string
	Due          *Date
	DueSource    *string
	Arrival      *Span
	ExpectedBy   *Date // a date the payer gave; wins over Arrival
	NextAction   *string
	NextActionOn *Date
}

// Apply copies the set fields of u onto r.
func (u RefundUpdate) Apply(r *Refund) {
	if u.Method != nil {
		r.Method = *u.Method
	}
	if u.Expected != nil {
		r.Expected = *u.Expected
	}
	if u.Fees != nil {
		r.Fees = *u.Fees
	}
	for _, p := range []struct{ dst, src *string }{{&r.FeesReason, u.FeesReason}, {&r.Counterparty, u.Counterparty},
		{&r.Customer, u.Customer}, {&r.Reason, u.Reason}, {&r.CaseRef, u.CaseRef}, {&r.DueSource, u.DueSource},
		{&r.NextAction, u.NextAction}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if u.Due != nil {
		r.Due = *u.Due
		if u.DueSource == nil {
			r.DueSource = ""
		}
	}
	if u.Arrival != nil {
		r.Arrival = *u.Arrival
	}
	if u.ExpectedBy != nil {
		r.ExpectedBy = *u.ExpectedBy
	}
	if u.NextActionOn != nil {
		r.NextActionOn = *u.NextActionOn
	}
}

// ChangesAmounts reports whether u changes the expected amount or the fees.
func (u RefundUpdate) ChangesAmounts() bool { return u.Expected != nil || u.Fees != nil }

// RefundService manages refund follow-ups. Every change is authorised (ActManageRefund,
// ActApproveRefund), written to the audit trail and to the follow-up's history.
type RefundService interface {
	// FindRefundByID returns the follow-up with its receipts, or ENOTFOUND.
	FindRefundByID(ctx context.Context, id int64) (*Refund, error)
	// FindRefunds returns the follow-ups matching f, the earliest next date first (those with
	// none last), and how many match in all.
	FindRefunds(ctx context.Context, f RefundFilter) ([]*Refund, int, error)
	// SumRefunds returns the count and sums per currency of the follow-ups matching f
	// (pagination ignored).
	SumRefunds(ctx context.Context, f RefundFilter) ([]RefundTotal, error)
	// CreateRefund validates and stores r (status requested), setting its ID. A linked incident
	// must exist. RequestedBy defaults to the signed-in user.
	CreateRefund(ctx context.Context, r *Refund) error
	// UpdateRefund changes details of a follow-up.
	UpdateRefund(ctx context.Context, id int64, upd RefundUpdate) (*Refund, error)
	// SetRefundStatus moves a follow-up along its ladder (see NextRefundStatuses and CheckMove).
	SetRefundStatus(ctx context.Context, id int64, to RefundStatus, reason string) (*Refund, error)
	// ApproveRefund records a manager's approval. by names the approver until staff logins
	// exist ("" means the signed-in user); the person who asked cannot approve.
	ApproveRefund(ctx context.Context, id int64, by string) (*Refund, error)
	// CreateRefundReceipt records money that arrived on follow-up refundID (see CheckReceipt).
	CreateRefundReceipt(ctx context.Context, refundID int64, rc *RefundReceipt) (*Refund, error)
	// VoidRefundReceipt marks a receipt as entered by mistake, keeping it with the reason.
	VoidRefundReceipt(ctx context.Context, receiptID int64, reason string) (*Refund, error)
	// FindRefundReceipts returns the receipts matching f, oldest first, and how many match.
	FindRefundReceipts(ctx context.Context, f RefundReceiptFilter) ([]*RefundReceipt, int, error)
	// FindRefundEvents returns the history of follow-up refundID, oldest first.
	FindRefundEvents(ctx context.Context, refundID int64) ([]*RefundEvent, error)
	// ApprovalThreshold returns the amount at or above which a refund the shop pays needs a
	// manager's approval.
	ApprovalThreshold(ctx context.Context) (Money, error)
}

// Approver returns the name of the person approving a refund for the user acting in ctx. With a
// staff login (the acting user has an ID) it is the signed-in user, and by must be empty or name
// them: nobody approves in someone else's name. Before staff logins exist the approver is named
// (by), falling back to the acting user's name.
func Approver(ctx context.Context, by string) (string, error) {
	by = strings.TrimSpace(by)
	u := UserFromContext(ctx)
	if u != nil && u.ID != 0 {
		if by != "" && !SamePerson(by, u.Name) {
			return "", Errorf(EFORBIDDEN, "You are signed in as %[1]s and cannot approve in the name of %[2]s.", u.Name, by)
		}
		return u.Name, nil
	}
	if by == "" && u != nil {
		by = u.Name
	}
	return by, nil
}

// SuggestDirection returns the usual direction of a refund for an incident of kind k, as the
// default of forms: the bank returns a failed or timed-out charge to the customer's card, the
// acquirer owes the shop a sale it never credited or wrongly reversed, and the shop pays back a
// double charge, a wrong amount or returned goods.
func SuggestDirection(k IncidentKind) RefundDirection {
	switch k {
	case IncidentChargedButFailed, IncidentNoResponse:
		return DirBankToCustomer
	case IncidentPostingFailure, IncidentApprovedThenReversed:
		return DirAcquirerToShop
	}
	return DirShopToCustomer
}

// ParseRefundDirection reads a direction from its id ("acquirer_to_shop", "acquirer-to-shop") or
// English title.
func ParseRefundDirection(s string) (RefundDirection, error) {
	key := normKey(s)
	for _, d := range RefundDirections {
		if key == string(d) || key == normKey(d.Title()) {
			return d, nil
		}
	}
	return "", Invalid("direction", "Direction %q is not one of: shop_to_customer, acquirer_to_shop, bank_to_customer.", s)
}

// ParseRefundMethod reads a method from its id or English title; "原路返回" works too.
func ParseRefundMethod(s string) (RefundMethod, error) {
	key := normKey(s)
	if strings.TrimSpace(s) == "原路返回" {
		return MethodOriginalRoute, nil
	}
	for _, m := range RefundMethods {
		if key == string(m) || key == normKey(m.Title()) {
			return m, nil
		}
	}
	return "", Invalid("method", "Method %q is not one of: original_route, alipay, wechat_pay, cash, bank_transfer.", s)
}

// ParseRefundStatus reads a status from its id or English title ("under review").
func ParseRefundStatus(s string) (RefundStatus, error) {
	key := normKey(s)
	for _, st := range RefundStatuses {
		if key == string(st) || key == normKey(st.Title()) {
			return st, nil
		}
	}
	return "", Invalid("status", "Status %q is not one of: requested, under_review, approved, paid, received, customer_notified, closed, rejected, written_off.", s)
}

// Requester returns the name of the person asking for a refund for the user acting in ctx, as
// Approver does: with a staff login the signed-in user (by must be empty or name them), before
// logins by, falling back to the acting user's name.
func Requester(ctx context.Context, by string) (string, error) {
	by = strings.TrimSpace(by)
	u := UserFromContext(ctx)
	if u != nil && u.ID != 0 {
		if by != "" && !SamePerson(by, u.Name) {
			return "", Errorf(EFORBIDDEN, "You are signed in as %[1]s and cannot ask for a refund in the name of %[2]s.", u.Name, by)
		}
		return u.Name, nil
	}
	if by == "" && u != nil {
		by = u.Name
	}
	return by, nil
}
