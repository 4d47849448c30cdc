package posdesk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// IncidentKind is what went wrong at the terminal (see the domain reference).
type IncidentKind string

// Incident kinds.
const (
	IncidentChargedButFailed     IncidentKind = "charged_but_failed"     // 交易失败但已扣款 / 单边账
	IncidentApprovedThenReversed IncidentKind = "approved_then_reversed" // 刷卡成功又退回
	IncidentNoResponse           IncidentKind = "no_response"            // 刷卡未返回 / 超时
	IncidentPostingFailure       IncidentKind = "posting_failure"        // 入账失败
	IncidentDuplicateCharge      IncidentKind = "duplicate_charge"       // 重复扣款
	IncidentWrongAmount          IncidentKind = "wrong_amount"           // 金额错误
	IncidentCustomerRefund       IncidentKind = "customer_refund"        // 退货退款
	IncidentOther                IncidentKind = "other"                  // 其他
)

// IncidentKinds lists the kinds in the order the "Log incident" screen offers them.
var IncidentKinds = []IncidentKind{
	IncidentChargedButFailed, IncidentApprovedThenReversed, IncidentNoResponse, IncidentPostingFailure,
	IncidentDuplicateCharge, IncidentWrongAmount, IncidentCustomerRefund, IncidentOther,
}

// Title returns the kind's English label; it is also its translation key.
func (k IncidentKind) Title() string {
	switch k {
	case IncidentChargedButFailed:
		return "Charged but failed"
	case IncidentApprovedThenReversed:
		return "Approved, then reversed"
	case IncidentNoResponse:
		return "No response from the terminal"
	case IncidentPostingFailure:
		return "Never credited to the shop"
	case IncidentDuplicateCharge:
		return "Charged twice"
	case IncidentWrongAmount:
		return "Wrong amount"
	case IncidentCustomerRefund:
		return "Customer refund"
	case IncidentOther:
		return "Other problem"
	}
	return string(k)
}

// Description returns one English sentence saying when to choose the kind; it is a translation
// key.
func (k IncidentKind) Description() string {
	switch k {
	case IncidentChargedButFailed:
		return "The terminal said failed or printed no slip, but the customer's card was debited."
	case IncidentApprovedThenReversed:
		return "The sale was approved and the slip printed, then it was reversed or returned."
	case IncidentNoResponse:
		return "The terminal got no answer (timeout); nobody knows whether the card was charged."
	case IncidentPostingFailure:
		return "Approved at the terminal but missing or short in the settlement."
	case IncidentDuplicateCharge:
		return "The customer was charged twice for one sale."
	case IncidentWrongAmount:
		return "The amount was keyed wrong, or the cleared amount differs from the sale."
	case IncidentCustomerRefund:
		return "Goods came back and the customer wants the money back."
	case IncidentOther:
		return "Anything else that went wrong with a payment."
	}
	return ""
}

// MerchantName returns what Chinese merchants call the kind (domain reference), shown beside
// the translated title and accepted on the command line.
func (k IncidentKind) MerchantName() string {
	if names := kindMerchantNames[k]; len(names) > 0 {
		return names[0]
	}
	return ""
}

var kindMerchantNames = map[IncidentKind][]string{
	IncidentChargedButFailed:     {"交易失败但已扣款", "单边账"},
	IncidentApprovedThenReversed: {"刷卡成功又退回"},
	IncidentNoResponse:           {"刷卡未返回", "超时"},
	IncidentPostingFailure:       {"入账失败"},
	IncidentDuplicateCharge:      {"重复扣款"},
	IncidentWrongAmount:          {"金额错误"},
	IncidentCustomerRefund:       {"退货退款"},
	IncidentOther:                {"其他"},
}

// Valid reports whether k is a known kind.
func (k IncidentKind) Valid() bool { return oneOf(k, IncidentKinds) }

// SlipStatus returns the status the terminal most likely showed for a slip logged with an
// incident of kind k, used when the incident creates the ledger record from the slip.
func (k IncidentKind) SlipStatus() TxStatus {
	switch k {
	case IncidentChargedButFailed:
		return StatusFailed
	case IncidentNoResponse:
		return StatusNoResponse
	case IncidentApprovedThenReversed:
		return StatusReversed
	}
	return StatusApproved
}

// ParseIncidentKind reads a kind from its id ("charged_but_failed", "charged-but-failed"), its
// English title, or its Chinese merchant name ("单边账", "重复扣款"). Case and surrounding spaces
// do not matter.
func ParseIncidentKind(s string) (IncidentKind, error) {
	key := normKey(s)
	for _, k := range IncidentKinds {
		if key == string(k) || key == normKey(k.Title()) {
			return k, nil
		}
		for _, n := range kindMerchantNames[k] {
			if strings.TrimSpace(s) == n {
				return k, nil
			}
		}
	}
	return "", Invalid("kind", "Incident kind %q is not one of: charged_but_failed, approved_then_reversed, no_response, posting_failure, duplicate_charge, wrong_amount, customer_refund, other.", s)
}

// normKey lower-cases s and turns spaces, dashes and commas into underscores, so "No response"
// and "no-response" both read as "no_response".
func normKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		if r == ',' || r == '.' {
			return -1
		}
		return r
	}, s)
	return s
}

// Cause is why an incident happened, for the form and the monthly "what keeps going wrong"
// report.
type Cause string

// Causes (the taxonomy of the domain reference).
const (
	CauseCardData            Cause = "card_data"            // card data wrong (number, name, PIN)
	CauseCardDamaged         Cause = "card_damaged"         // magstripe or chip damaged
	CauseCardExpired         Cause = "card_expired"         // card expired
	CauseInsufficientBalance Cause = "insufficient_balance" // not enough money on the card
	CauseNetwork             Cause = "network"              // network down or unstable
	CauseBankSystem          Cause = "bank_system"          // bank or acquirer system fault
	CauseUpgradeHoliday      Cause = "upgrade_holiday"      // system upgrade or holiday processing
	CauseRiskControl         Cause = "risk_control"         // bank risk control restricted the merchant
	CauseThirdParty          Cause = "third_party"          // third-party (QR) platform fault
	CauseTerminalHardware    Cause = "terminal_hardware"    // reader, printer, keypad
	CauseTerminalSoftware    Cause = "terminal_software"    // terminal software fault
	CauseOperatorError       Cause = "operator_error"       // wrong amount or type, cancelled by mistake
	CauseSuspectedFraud      Cause = "suspected_fraud"      // suspected fraud
	CauseUnknown             Cause = "unknown"              // not known (yet)
)

// Causes lists the causes in menu order; CauseUnknown is last.
var Causes = []Cause{
	CauseCardData, CauseCardDamaged, CauseCardExpired, CauseInsufficientBalance, CauseNetwork,
	CauseBankSystem, CauseUpgradeHoliday, CauseRiskControl, CauseThirdParty, CauseTerminalHardware,
	CauseTerminalSoftware, CauseOperatorError, CauseSuspectedFraud, CauseUnknown,
}

// Title returns the cause's English label; it is also its translation key.
func (c Cause) Title() string {
	switch c {
	case CauseCardData:
		return "Card data wrong (number, name or PIN)"
	case CauseCardDamaged:
		return "Card damaged (magnetic stripe or chip)"
	case CauseCardExpired:
		return "Card expired"
	case CauseInsufficientBalance:
		return "Insufficient balance"
	case CauseNetwork:
		return "Network down or unstable"
	case CauseBankSystem:
		return "Bank or acquirer system fault"
	case CauseUpgradeHoliday:
		return "System upgrade or holiday processing"
	case CauseRiskControl:
		return "Bank risk control restricted the shop"
	case CauseThirdParty:
		return "Third-party platform fault"
	case CauseTerminalHardware:
		return "Terminal hardware fault (reader, printer, keypad)"
	case CauseTerminalSoftware:
		return "Terminal software fault"
	case CauseOperatorError:
		return "Operator error (amount, type, cancelled by mistake)"
	case CauseSuspectedFraud:
		return "Suspected fraud"
	case CauseUnknown:
		return "Cause unknown"
	}
	return string(c)
}

// Valid reports whether c is a known cause.
func (c Cause) Valid() bool { return oneOf(c, Causes) }

// ParseCause reads a cause from its id or English title; "" gives CauseUnknown.
func ParseCause(s string) (Cause, error) {
	key := normKey(s)
	if key == "" {
		return CauseUnknown, nil
	}
	for _, c := range Causes {
		if key == string(c) || key == normKey(c.Title()) {
			return c, nil
		}
	}
	return "", Invalid("cause", "Cause %q is not one of: %s.", s, joinIDs(Causes))
}

// IncidentStatus is where an incident is in its workflow.
type IncidentStatus string

// Incident statuses, in workflow order.
const (
	IncidentOpen           IncidentStatus = "open"             // logged, nobody has called yet
	IncidentContacting     IncidentStatus = "contacting"       // staff are calling the bank, acquirer or platform
	IncidentWaitingForBank IncidentStatus = "waiting_for_bank" // the bank has the case; waiting for its answer
	IncidentResolved       IncidentStatus = "resolved"         // the money is where it belongs (see Outcome)
	IncidentClosed         IncidentStatus = "closed"           // resolved and checked; nothing more to do
)

// IncidentStatuses lists the statuses in workflow order.
var IncidentStatuses = []IncidentStatus{IncidentOpen, IncidentContacting, IncidentWaitingForBank, IncidentResolved, IncidentClosed}

// Title returns the status's English label; it is also its translation key.
func (s IncidentStatus) Title() string {
	switch s {
	case IncidentOpen:
		return "Open"
	case IncidentContacting:
		return "Contacting"
	case IncidentWaitingForBank:
		return "Waiting for the bank"
	case IncidentResolved:
		return "Resolved"
	case IncidentClosed:
		return "Closed"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool { return oneOf(s, IncidentStatuses) }

// Active reports whether an incident in status s still needs work (open, contacting or waiting
// for the bank).
func (s IncidentStatus) Active() bool {
	return s == IncidentOpen || s == IncidentContacting || s == IncidentWaitingForBank
}

// ParseIncidentStatus reads a status from its id or English title ("waiting-for-bank").
func ParseIncidentStatus(s string) (IncidentStatus, error) {
	key := normKey(s)
	for _, st := range IncidentStatuses {
		if key == string(st) || key == normKey(st.Title()) {
			return st, nil
		}
	}
	if key == "reopen" || key == "reopened" {
		return IncidentOpen, nil
	}
	return "", Invalid("status", "Status %q is not one of: open, contacting, waiting_for_bank, resolved, closed.", s)
}

// Outcome is how a resolved incident ended.
type Outcome string

// Outcomes of a resolved incident.
const (
	OutcomeRefundedToCustomer Outcome = "refunded_to_customer" // the customer got the money back
	OutcomeRecharged          Outcome = "recharged"            // the customer paid again
	OutcomeCreditedToShop     Outcome = "credited_to_shop"     // the acquirer credited the shop
	OutcomeWrittenOff         Outcome = "written_off"          // the shop accepted the loss
	OutcomeRejected           Outcome = "rejected"             // the bank or acquirer refused the claim
)

// Outcomes lists the outcomes in menu order.
var Outcomes = []Outcome{OutcomeRefundedToCustomer, OutcomeRecharged, OutcomeCreditedToShop, OutcomeWrittenOff, OutcomeRejected}

// Title returns the outcome's English label; it is also its translation key.
func (o Outcome) Title() string {
	switch o {
	case OutcomeRefundedToCustomer:
		return "Refunded to the customer"
	case OutcomeRecharged:
		return "Customer charged again"
	case OutcomeCreditedToShop:
		return "Credited to the shop"
	case OutcomeWrittenOff:
		return "Written off as a loss"
	case OutcomeRejected:
		return "Claim rejected"
	}
	return string(o)
}

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool { return oneOf(o, Outcomes) }

// ParseOutcome reads an outcome from its id or English title; "" gives "" (no outcome).
func ParseOutcome(s string) (Outcome, error) {
	key := normKey(s)
	if key == "" {
		return "", nil
	}
	for _, o := range Outcomes {
		if key == string(o) || key == normKey(o.Title()) {
			return o, nil
		}
	}
	return "", Invalid("outcome", "Outcome %q is not one of: refunded_to_customer, recharged, credited_to_shop, written_off, rejected.", s)
}

// Transition is one legal move of the incident workflow.
type Transition struct {
	From, To     IncidentStatus
	NeedsOutcome bool // moving to resolved: say how it ended
	NeedsReason  bool // reopening: say why
}

// Reopen reports whether the move takes a finished incident back to work.
func (t Transition) Reopen() bool { return !t.From.Active() && t.To.Active() }

// Transitions is the incident workflow: every legal move, in the order screens offer them.
// A resolved or closed incident goes back to open ("reopen") only with a reason.
var Transitions = []Transition{
	{From: IncidentOpen, To: IncidentContacting},
	{From: IncidentOpen, To: IncidentWaitingForBank},
	{From: IncidentOpen, To: IncidentResolved, NeedsOutcome: true},
	{From: IncidentContacting, To: IncidentWaitingForBank},
	{From: IncidentContacting, To: IncidentResolved, NeedsOutcome: true},
	{From: IncidentWaitingForBank, To: IncidentContacting},
	{From: IncidentWaitingForBank, To: IncidentResolved, NeedsOutcome: true},
	{From: IncidentResolved, To: IncidentClosed},
	{From: IncidentResolved, To: IncidentOpen, NeedsReason: true},
	{From: IncidentClosed, To: IncidentOpen, NeedsReason: true},
}

// NextStatuses returns the statuses an incident in status s may move to, in screen order.
func NextStatuses(s IncidentStatus) []IncidentStatus {
	var out []IncidentStatus
	for _, t := range Transitions {
		if t.From == s {
			out = append(out, t.To)
		}
	}
	return out
}

// FindTransition returns the legal move from -> to, and whether there is one.
func FindTransition(from, to IncidentStatus) (Transition, bool) {
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

// StatusChange asks to move an incident to another status.
type StatusChange struct {
	To      IncidentStatus
	Outcome Outcome // required when To is resolved; refused otherwise
	Reason  string  // required when reopening; an optional note otherwise
}

// Limits on incident fields.
const (
	MaxStoryLen      = 4000
	MaxCaseNumberLen = 64
	MaxNameLen       = 100
)

// CheckStatusChange returns nil if an incident in status from may make the change ch, and
// otherwise an error saying what is allowed instead.
func CheckStatusChange(from IncidentStatus, ch StatusChange) error {
	if !ch.To.Valid() {
		return Invalid("status", "Status %q is not one of: open, contacting, waiting_for_bank, resolved, closed.", string(ch.To))
	}
	if from == ch.To {
		return Errorf(ECONFLICT, "The incident is already %s.", string(from))
	}
	t, ok := FindTransition(from, ch.To)
	if !ok {
		next := NextStatuses(from)
		return Invalid("status", "An incident that is %[1]s cannot move to %[2]s; from %[1]s it can move to: %[3]s.", string(from), string(ch.To), joinIDs(next))
	}
	if t.NeedsOutcome {
		if ch.Outcome == "" {
			return Invalid("outcome", "Say how the incident was resolved: refunded_to_customer, recharged, credited_to_shop, written_off or rejected.")
		}
		if !ch.Outcome.Valid() {
			return Invalid("outcome", "Outcome %q is not one of: refunded_to_customer, recharged, credited_to_shop, written_off, rejected.", string(ch.Outcome))
		}
	} else if ch.Outcome != "" {
		return Invalid("outcome", "An outcome is given only when the incident becomes resolved.")
	}
	reason := strings.TrimSpace(ch.Reason)
	if t.NeedsReason && reason == "" {
		return Invalid("reason", "Say why the incident is reopened; the reason stays on its timeline.")
	}
	if utf8.RuneCountInString(reason) > MaxReasonLen {
		return Invalid("reason", "Reason is too long: at most %d characters.", MaxReasonLen)
	}
	return nil
}

func joinIDs[T ~string](vs []T) string {
	if len(vs) == 0 {
		return "nothing"
	}
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// DeadlinePreset is a usual reply period, offered as a suggestion when the bank's letter gives
// no date. The date in the letter always wins.
type DeadlinePreset struct {
	ID    string
	Title string // English label; a translation key
	Days  int
}

// DeadlinePresets are the reply periods of the domain reference (calendar days; unverified
// defaults the user can change).
var DeadlinePresets = []DeadlinePreset{
	{ID: "visa", Title: "Visa (30 days)", Days: 30},
	{ID: "mastercard", Title: "Mastercard (45 days)", Days: 45},
	{ID: "amex", Title: "American Express (20 days)", Days: 20},
	{ID: "square", Title: "Square (7 days)", Days: 7},
	{ID: "paypal_inquiry", Title: "PayPal inquiry (20 days)", Days: 20},
	{ID: "unionpay_retrieval", Title: "UnionPay retrieval reply (20 days)", Days: 20},
}

// FindDeadlinePreset returns the preset with the given id.
func FindDeadlinePreset(id string) (DeadlinePreset, bool) {
	id = normKey(id)
	for _, p := range DeadlinePresets {
		if p.ID == id {
			return p, true
		}
	}
	return DeadlinePreset{}, false
}

// Deadline returns the suggested deadline counting from the date the case started (the date of
// the bank's request): p.Days calendar days, or p.Days working days (Monday to Friday) when
// workingDays is set.
func (p DeadlinePreset) Deadline(from Date, workingDays bool) Date {
	if workingDays {
		return from.AddWorkingDays(p.Days)
	}
	return from.AddDays(p.Days)
}

// Incident is something that went wrong with one or more payments, followed until the money is
// where it belongs.
type Incident struct {
	ID     int64
	Number string // for people: "INC-2026-0007"

	Kind    IncidentKind
	Cause   Cause
	Status  IncidentStatus
	Outcome Outcome // set while resolved or closed

	Time   time.Time // when it happened at the till (UTC)
	Amount Money     // the amount in question
	Story  string    // what happened, in the staff's words; card numbers masked

	CaseNumber     string // the bank's or acquirer's case / ticket number (工单号)
	Deadline       Date   // the reply deadline: the date in the bank's letter first
	DeadlineSource string // "letter", a DeadlinePreset ID, or "" when no deadline is set

	// Customer details are kept only for customer refunds, and only until they are erased.
	CustomerName     string
	CustomerPhone    string
	PersonalErasedAt time.Time

	// Transactions are the linked ledger records. On CreateIncident, records with ID 0 are the
	// slip's identifiers: the ledger record is created in the same database transaction (or an
	// existing record with the same RRN is linked instead).
	Transactions []*Transaction

	PacketSHA256 string    // hex SHA-256 of the last evidence packet built, or ""
	PacketAt     time.Time // when it was built

	ResolvedAt time.Time // when it last became resolved; zero while active
	CreatedAt  time.Time
	CreatedBy  string
	UpdatedAt  time.Time

	AttachmentCount int // number of attachments
	ContactCount    int // number of contact log entries

	// Filled by FindIncidentByID only.
	Events   []*IncidentEvent
	Contacts []*Contact
}

// NumberFor returns the human number of the seq-th incident of a year: "INC-2026-0007".
func NumberFor(year, seq int) string { return fmt.Sprintf("INC-%04d-%04d", year, seq) }

// ParseIncidentRef reads how a person names an incident: its number ("INC-2026-0007",
// "inc-2026-7") or its database ID ("7"). It returns the ID, or the year and sequence of the
// number.
func ParseIncidentRef(s string) (id int64, year, seq int, err error) {
	s = strings.TrimSpace(s)
	if n, perr := strconv.ParseInt(s, 10, 64); perr == nil && n > 0 {
		return n, 0, 0, nil
	}
	parts := strings.Split(strings.ToUpper(s), "-")
	if len(parts) == 3 && parts[0] == "INC" {
		y, e1 := strconv.Atoi(parts[1])
		q, e2 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && y > 1900 && q > 0 {
			return 0, y, q, nil
		}
	}
	return 0, 0, 0, Invalid("incident", "%q is not an incident; give its number (INC-2026-0007) or its ID.", s)
}

// Active reports whether the incident still needs work.
func (inc *Incident) Active() bool { return inc.Status.Active() }

// Overdue reports whether the incident still needs work and its deadline is before today.
func (inc *Incident) Overdue(today Date) bool {
	return inc.Active() && !inc.Deadline.IsZero() && inc.Deadline.Before(today)
}

// DaysLeft returns the calendar days from today to the deadline (negative when overdue), and
// false when there is no deadline.
func (inc *Incident) DaysLeft(today Date) (int, bool) {
	if inc.Deadline.IsZero() {
		return 0, false
	}
	return today.DaysUntil(inc.Deadline), true
}

// TransactionIDs returns the IDs of the linked ledger records (0 for records not yet created).
func (inc *Incident) TransactionIDs() []int64 {
	out := make([]int64, len(inc.Transactions))
	for i, t := range inc.Transactions {
		out[i] = t.ID
	}
	return out
}

// Normalize trims and masks the free-text fields and fills defaults (cause, status, currency,
// the time and amount from the first linked record). Storage calls it before Validate.
func (inc *Incident) Normalize() {
	inc.Story = MaskText(strings.TrimSpace(inc.Story))
	inc.CaseNumber = MaskText(strings.TrimSpace(inc.CaseNumber))
	inc.CustomerName = MaskText(strings.TrimSpace(inc.CustomerName))
	inc.CustomerPhone = MaskText(strings.TrimSpace(inc.CustomerPhone))
	inc.DeadlineSource = strings.TrimSpace(inc.DeadlineSource)
	if inc.Cause == "" {
		inc.Cause = CauseUnknown
	}
	if inc.Status == "" {
		inc.Status = IncidentOpen
	}
	if len(inc.Transactions) > 0 && inc.Transactions[0] != nil {
		first := inc.Transactions[0]
		if inc.Time.IsZero() {
			inc.Time = first.Time
		}
		if inc.Amount.Amount.IsZero() && inc.Amount.Currency == "" {
			inc.Amount = first.Amount
		}
	}
	if inc.Amount.Currency == "" {
		inc.Amount.Currency = DefaultCurrency
	}
	if !inc.Time.IsZero() {
		inc.Time = inc.Time.UTC()
	}
	if inc.Deadline.IsZero() {
		inc.DeadlineSource = ""
	} else if inc.DeadlineSource == "" {
		inc.DeadlineSource = DeadlineFromLetter
	}
}

// DeadlineFromLetter is the DeadlineSource of a deadline typed from the bank's letter or SMS.
const DeadlineFromLetter = "letter"

// Validate checks the incident's own fields and returns every problem at once, each naming its
// field. Linked records are validated by the ledger.
func (inc *Incident) Validate() error {
	var es Errors
	if !inc.Kind.Valid() {
		es = append(es, Invalid("kind", "Incident kind %q is not one of: charged_but_failed, approved_then_reversed, no_response, posting_failure, duplicate_charge, wrong_amount, customer_refund, other.", string(inc.Kind)))
	}
	if !inc.Cause.Valid() {
		es = append(es, Invalid("cause", "Cause %q is not one of: %s.", string(inc.Cause), joinIDs(Causes)))
	}
	if !inc.Status.Valid() {
		es = append(es, Invalid("status", "Status %q is not one of: open, contacting, waiting_for_bank, resolved, closed.", string(inc.Status)))
	}
	if inc.Outcome != "" && !inc.Outcome.Valid() {
		es = append(es, Invalid("outcome", "Outcome %q is not one of: refunded_to_customer, recharged, credited_to_shop, written_off, rejected.", string(inc.Outcome)))
	}
	if inc.Time.IsZero() {
		es = append(es, Invalid("time", "Enter when it happened (date and time)."))
	} else if inc.Time.Year() < 2000 || inc.Time.Year() > 2200 {
		es = append(es, Invalid("time", "The date %s is out of range; check the year.", inc.Time.Format("2006-01-02")))
	}
	if exp, ok := MinorUnits(inc.Amount.Currency); !ok {
		es = append(es, Invalid("currency", "Currency %q is not a known ISO 4217 code (for example CNY, HKD, USD).", inc.Amount.Currency))
	} else if !inc.Amount.Amount.Equal(inc.Amount.Amount.Truncate(exp)) {
		es = append(es, Invalid("amount", "Amount %q has more than %d decimal places.", inc.Amount.Amount.String(), exp))
	}
	if inc.Amount.IsNegative() || inc.Amount.IsZero() {
		es = append(es, Invalid("amount", "Enter the amount in question, greater than zero (for example 58.00)."))
	} else if inc.Amount.Amount.GreaterThan(maxAmount) {
		es = append(es, Invalid("amount", "Amount %s is too large for one transaction; check the decimal point.", inc.Amount.Plain()))
	}
	if utf8.RuneCountInString(inc.Story) > MaxStoryLen {
		es = append(es, Invalid("story", "The story is too long: at most %d characters.", MaxStoryLen))
	}
	if utf8.RuneCountInString(inc.CaseNumber) > MaxCaseNumberLen {
		es = append(es, Invalid("case", "The case number is too long: at most %d characters.", MaxCaseNumberLen))
	}
	if !inc.Deadline.IsZero() && (inc.Deadline.Year < 2000 || inc.Deadline.Year > 2200) {
		es = append(es, Invalid("deadline", "The date %s is out of range; check the year.", inc.Deadline.String()))
	}
	if inc.DeadlineSource != "" && inc.DeadlineSource != DeadlineFromLetter {
		if _, ok := FindDeadlinePreset(inc.DeadlineSource); !ok {
			es = append(es, Invalid("deadline", "Deadline source %q is not the bank's letter or a known preset.", inc.DeadlineSource))
		}
	}
	if inc.Kind != IncidentCustomerRefund && (inc.CustomerName != "" || inc.CustomerPhone != "") {
		es = append(es, Invalid("customer", "Customer name and phone are kept only for customer refunds; leave them empty for this kind."))
	}
	if utf8.RuneCountInString(inc.CustomerName) > MaxNameLen {
		es = append(es, Invalid("customer_name", "The name is too long: at most %d characters.", MaxNameLen))
	}
	if inc.CustomerPhone != "" && !validPhone(inc.CustomerPhone) {
		es = append(es, Invalid("customer_phone", "Phone %q is not a phone number; use digits, spaces, + and - only.", inc.CustomerPhone))
	}
	if (inc.Status == IncidentResolved || inc.Status == IncidentClosed) && inc.Outcome == "" {
		es = append(es, Invalid("outcome", "Say how the incident was resolved: refunded_to_customer, recharged, credited_to_shop, written_off or rejected."))
	}
	return es.Err()
}

// validPhone reports whether s looks like a phone number: 5 to 20 digits with optional +, spaces,
// dashes and parentheses.
func validPhone(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return n >= 5 && n <= 20
}

// ChangeStatus checks ch against the workflow and applies it at time at: the new status, the
// outcome (kept while resolved or closed, cleared on reopening) and ResolvedAt. It returns the
// timeline event to record.
func (inc *Incident) ChangeStatus(ch StatusChange, at time.Time) (*IncidentEvent, error) {
	if err := CheckStatusChange(inc.Status, ch); err != nil {
		return nil, err
	}
	t, _ := FindTransition(inc.Status, ch.To)
	ev := &IncidentEvent{IncidentID: inc.ID, Time: at, Type: EventStatus, From: inc.Status, To: ch.To,
		Outcome: ch.Outcome, Detail: MaskText(strings.TrimSpace(ch.Reason))}
	inc.Status = ch.To
	switch {
	case ch.To == IncidentResolved:
		inc.Outcome, inc.ResolvedAt = ch.Outcome, at
	case t.Reopen():
		ev.Type = EventReopen
		inc.Outcome, inc.ResolvedAt = "", time.Time{}
	}
	inc.UpdatedAt = at
	return ev, nil
}

// Checklist returns what to prepare before calling the bank about an incident of kind k: the
// kind's own points first, then the ones every call needs. Each line is English and a
// translation key.
func (k IncidentKind) Checklist() []string {
	out := append([]string(nil), kindChecklist[k]...)
	return append(out, commonChecklist...)
}

var commonChecklist = []string{
	"The transaction slip (签购单). For a UnionPay retrieval only the original signed slip counts, not a reprint.",
	"The POS usage records for that day (terminal log or settlement).",
	"The customer's bank statement or SMS, if they can give it.",
	"A written account of what happened, step by step.",
	"What you ask the bank for (refund, credit to the shop, adjustment).",
	"How the bank can reach you (name and phone).",
	"The shop's identity: business licence, and your ID if the bank asks.",
	"During the call: write down the case / ticket number (工单号) and add a contact entry.",
}

var kindChecklist = map[IncidentKind][]string{
	IncidentChargedButFailed: {
		"Wait for the automatic reversal (冲正): it usually comes back in 1-3 working days.",
		"If it has not come back, ask the acquirer; a one-sided entry (单边账) is usually resolved in 3-7 working days.",
		"The failed slip (or a note that none printed) and the customer's debit SMS.",
	},
	IncidentApprovedThenReversed: {
		"The approved slip and the reversal or return record.",
		"Ask the bank why it was reversed, then decide: charge the customer again or accept the loss.",
	},
	IncidentNoResponse: {
		"Query the terminal, or run another transaction, to trigger the automatic reversal (自动冲正).",
		"Check the next settlement statement for the transaction before charging the customer again.",
	},
	IncidentPostingFailure: {
		"The approved slip and the settlement statement line where the money is missing or short.",
		"Claim the amount from the acquirer.",
	},
	IncidentDuplicateCharge: {
		"Both records of the two charges (slips, statement lines or the customer's SMS).",
		"Refund one of the two charges.",
	},
	IncidentWrongAmount: {
		"The slip and the receipt showing the right amount.",
		"Ask for an adjustment (贷记调整) or refund the difference.",
	},
	IncidentCustomerRefund: {
		"The original sale slip and the return receipt for the goods.",
		"Agree the amount, the route (original route, Alipay, WeChat, cash, transfer) and the date with the customer.",
		"Keep the customer's name and phone only as long as the refund needs them.",
	},
}

// NewSlip returns the ledger record for an incident logged from the slip's identifiers, with the
// status the terminal most likely showed for kind k.
func NewSlip(k IncidentKind, at time.Time, amount Money, terminal, trace, rrn string) *Transaction {
	return &Transaction{Time: at, Amount: amount, Kind: KindSale, Status: k.SlipStatus(),
		Terminal: terminal, Trace: trace, RRN: rrn, Source: SourceManual}
}

// EventType is what an incident timeline entry records.
type EventType string

// Timeline event types.
const (
	EventCreated    EventType = "created"    // the incident was logged
	EventStatus     EventType = "status"     // the status changed
	EventReopen     EventType = "reopen"     // a finished incident went back to work (Detail: the reason)
	EventEdit       EventType = "edit"       // fields changed (Detail: their names)
	EventLink       EventType = "link"       // a ledger record was linked (RefID)
	EventUnlink     EventType = "unlink"     // a ledger record was unlinked (RefID)
	EventAttachment EventType = "attachment" // a file was attached (RefID; Detail: file name)
	EventContact    EventType = "contact"    // a contact was logged (RefID; Detail: summary)
	EventErased     EventType = "erased"     // the customer's personal data was erased
	EventPacket     EventType = "packet"     // an evidence packet was built (Detail: its SHA-256)
)

// IncidentEvent is one entry on an incident's timeline.
type IncidentEvent struct {
	ID         int64
	IncidentID int64
	Time       time.Time
	Actor      string
	Type       EventType
	From, To   IncidentStatus // for status and reopen events
	Outcome    Outcome        // for a move to resolved
	RefID      int64          // the attachment, contact or ledger record concerned
	Detail     string         // masked free text (reason, file name, summary, changed fields)
}

// IncidentFilter selects incidents. Zero fields do not filter.
type IncidentFilter struct {
	Status IncidentStatus
	Active bool // only open, contacting and waiting_for_bank
	Kind   IncidentKind
	Cause  Cause
	// OverdueOn, when set, keeps only active incidents whose deadline is before that date.
	OverdueOn Date
	// Query matches the incident number, the case number, a linked record's RRN, trace or auth
	// code (exact), or the story (contains).
	Query         string
	TransactionID int64 // only incidents linked to this ledger record

	Offset int
	Limit  int // page size; 0 means 100
}

// IncidentCounts counts incidents per status, kind and cause. Each breakdown ignores the
// filter's own field for that breakdown, so a screen can show the count beside every choice.
type IncidentCounts struct {
	Total    int // incidents matching the whole filter
	Overdue  int // of those, active with a deadline before the given day
	ByStatus map[IncidentStatus]int
	ByKind   map[IncidentKind]int
	ByCause  map[Cause]int
}

// IncidentUpdate changes an incident's facts. Nil fields stay as they are. Status changes go
// through SetIncidentStatus instead.
type IncidentUpdate struct {
	Kind           *IncidentKind
	Cause          *Cause
	Time           *time.Time
	Amount         *Money
	Story          *string
	CaseNumber     *string
	Deadline       *Date // a pointer to the zero Date clears the deadline
	DeadlineSource *string
	CustomerName   *string
	CustomerPhone  *string
	Link           []int64 // ledger records to link
	Unlink         []int64 // ledger records to unlink (at least one must stay linked)
}

// Apply copies the set fields of u onto inc and returns the names of the fields that changed.
func (u IncidentUpdate) Apply(inc *Incident) []string {
	var changed []string
	set := func(name string, differs bool, apply func()) {
		if differs {
			apply()
			changed = append(changed, name)
		}
	}
	if u.Kind != nil {
		set("kind", *u.Kind != inc.Kind, func() { inc.Kind = *u.Kind })
	}
	if u.Cause != nil {
		set("cause", *u.Cause != inc.Cause, func() { inc.Cause = *u.Cause })
	}
	if u.Time != nil {
		set("time", !u.Time.Equal(inc.Time), func() { inc.Time = *u.Time })
	}
	if u.Amount != nil {
		set("amount", !u.Amount.Equal(inc.Amount), func() { inc.Amount = *u.Amount })
	}
	str := func(name string, src *string, dst *string) {
		if src != nil {
			set(name, strings.TrimSpace(*src) != *dst, func() { *dst = *src })
		}
	}
	str("story", u.Story, &inc.Story)
	str("case_number", u.CaseNumber, &inc.CaseNumber)
	if u.Deadline != nil {
		set("deadline", *u.Deadline != inc.Deadline, func() {
			inc.Deadline = *u.Deadline
			if u.DeadlineSource == nil {
				inc.DeadlineSource = ""
			}
		})
	}
	str("deadline_source", u.DeadlineSource, &inc.DeadlineSource)
	str("customer_name", u.CustomerName, &inc.CustomerName)
	str("customer_phone", u.CustomerPhone, &inc.CustomerPhone)
	return changed
}

// IncidentService manages incidents, their timelines, contacts and attachments.
type IncidentService interface {
	// FindIncidentByID returns the incident with its linked records, timeline and contacts, or
	// ENOTFOUND.
	FindIncidentByID(ctx context.Context, id int64) (*Incident, error)
	// FindIncidentByNumber returns the incident numbered like "INC-2026-0007", or ENOTFOUND.
	FindIncidentByNumber(ctx context.Context, number string) (*Incident, error)
	// FindIncidents returns one page of incidents, newest first, with their linked records, and
	// the total number matching the filter.
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
	// CountIncidents counts the incidents matching f per status, kind and cause; overdue counts
	// are as of today.
	CountIncidents(ctx context.Context, f IncidentFilter, today Date) (*IncidentCounts, error)
	// CreateIncident logs inc (status open), creating the ledger records given with ID 0 and
	// linking the others, all in one database transaction. It sets inc.ID and inc.Number.
	CreateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncident changes an incident's facts and links (managers and owners).
	UpdateIncident(ctx context.Context, id int64, upd IncidentUpdate) (*Incident, error)
	// SetIncidentStatus moves an incident along the workflow (managers and owners); illegal moves
	// are EINVALID with a message saying what is allowed.
	SetIncidentStatus(ctx context.Context, id int64, ch StatusChange) (*Incident, error)
	// AddContact logs a call, visit or message about an incident.
	AddContact(ctx context.Context, c *Contact) error
	// AddAttachment stores a file accepted by the intake (original, normalised copy, thumbnail)
	// for an incident, in one database transaction. The same file twice on one incident is
	// ECONFLICT.
	AddAttachment(ctx context.Context, incidentID int64, a *Attachment) error
	// FindAttachments returns an incident's attachments in the order they were added, with their
	// thumbnails but without Original and Normalized (see FindAttachmentByID).
	FindAttachments(ctx context.Context, incidentID int64) ([]*Attachment, error)
	// FindAttachmentByID returns one attachment with all its data, or ENOTFOUND.
	FindAttachmentByID(ctx context.Context, id int64) (*Attachment, error)
	// EraseIncidentPersonalData removes the customer's name and phone (and the names of customers
	// in the contact log), keeping the financial record (owners only).
	EraseIncidentPersonalData(ctx context.Context, id int64) error
	// SetPacketHash records the SHA-256 of the evidence packet built for the incident at at.
	SetPacketHash(ctx context.Context, id int64, sha256 string, at time.Time) error
}
