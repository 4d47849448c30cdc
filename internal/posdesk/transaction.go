package posdesk

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// TxKind is what a ledger transaction does.
type TxKind string

// Transaction kinds, as POS terminals name them.
const (
	KindSale              TxKind = "sale"               // 消费
	KindVoid              TxKind = "void"               // 撤销: cancels a sale of the same batch
	KindRefund            TxKind = "refund"             // 退货: returns money after settlement
	KindReversal          TxKind = "reversal"           // 冲正: automatic undo of a failed or timed-out sale
	KindPreAuth           TxKind = "preauth"            // 预授权
	KindPreAuthCompletion TxKind = "preauth_completion" // 预授权完成
)

// TxKinds lists the kinds in menu order.
var TxKinds = []TxKind{KindSale, KindVoid, KindRefund, KindReversal, KindPreAuth, KindPreAuthCompletion}

// Title returns the kind's English label; it is also its translation key.
func (k TxKind) Title() string {
	switch k {
	case KindSale:
		return "Sale"
	case KindVoid:
		return "Void"
	case KindRefund:
		return "Refund"
	case KindReversal:
		return "Reversal"
	case KindPreAuth:
		return "Pre-authorisation"
	case KindPreAuthCompletion:
		return "Pre-auth completion"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k TxKind) Valid() bool { return oneOf(k, TxKinds) }

// Channel is how the customer paid.
type Channel string

// Payment channels.
const (
	ChannelDebitCard   Channel = "debit_card"
	ChannelCreditCard  Channel = "credit_card"
	ChannelUnionPayQR  Channel = "unionpay_qr"
	ChannelAlipay      Channel = "alipay"
	ChannelWeChatPay   Channel = "wechat_pay"
	ChannelCash        Channel = "cash"
	ChannelUnknownCard Channel = "card" // a card, debit or credit not known (most exports)
)

// Channels lists the channels in menu order.
var Channels = []Channel{ChannelDebitCard, ChannelCreditCard, ChannelUnknownCard, ChannelUnionPayQR, ChannelAlipay, ChannelWeChatPay, ChannelCash}

// Title returns the channel's English label; it is also its translation key.
func (c Channel) Title() string {
	switch c {
	case ChannelDebitCard:
		return "Debit card"
	case ChannelCreditCard:
		return "Credit card"
	case ChannelUnknownCard:
		return "Card"
	case ChannelUnionPayQR:
		return "UnionPay QR"
	case ChannelAlipay:
		return "Alipay"
	case ChannelWeChatPay:
		return "WeChat Pay"
	case ChannelCash:
		return "Cash"
	}
	return string(c)
}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return oneOf(c, Channels) }

// TxStatus is what the terminal or the acquirer said about a transaction.
type TxStatus string

// Transaction statuses.
const (
	StatusApproved   TxStatus = "approved"
	StatusDeclined   TxStatus = "declined"
	StatusFailed     TxStatus = "failed"
	StatusNoResponse TxStatus = "no_response"
	StatusReversed   TxStatus = "reversed"
	StatusSettled    TxStatus = "settled"
)

// TxStatuses lists the statuses in menu order.
var TxStatuses = []TxStatus{StatusApproved, StatusSettled, StatusDeclined, StatusFailed, StatusNoResponse, StatusReversed}

// Title returns the status's English label; it is also its translation key.
func (s TxStatus) Title() string {
	switch s {
	case StatusApproved:
		return "Approved"
	case StatusDeclined:
		return "Declined"
	case StatusFailed:
		return "Failed"
	case StatusNoResponse:
		return "No response"
	case StatusReversed:
		return "Reversed"
	case StatusSettled:
		return "Settled"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s TxStatus) Valid() bool { return oneOf(s, TxStatuses) }

// Source says where a ledger record came from.
type Source string

// Record sources.
const (
	SourceManual Source = "manual" // typed on a form or the command line
	SourceImport Source = "import" // read from a POS export
	SourceDemo   Source = "demo"   // made up by `posdesk demo`
)

// Transaction is one line of the shop's ledger: a card or QR payment as the terminal recorded it.
// Records are never deleted: a wrong record is voided with a reason, a corrected one keeps its
// previous versions in the audit trail.
type Transaction struct {
	ID int64

	Time     time.Time // the instant of the transaction (stored UTC)
	Amount   Money
	Kind     TxKind
	Channel  Channel
	Status   TxStatus
	Merchant string // 商户号 MID, 15 digits
	Terminal string // 终端号 TID, 8 characters
	Batch    string // 批次号, 6 digits
	Trace    string // 凭证号/流水号, 6 digits
	RRN      string // 参考号, 12 characters (ISO 8583 field 37)
	AuthCode string // 授权码, 6 characters
	Scheme   string // card scheme: UnionPay, Visa, Mastercard...
	Card     string // masked: at most first 6 + last 4 digits
	Note     string // free text; card numbers in it are masked

	// OriginalID links a void, refund or reversal to the sale it undoes (0 if unknown).
	OriginalID int64

	Source        Source
	ImportBatchID int64 // the import batch a POS-export row came from, or 0

	VoidedAt   time.Time // zero unless the record was voided (entered by mistake)
	VoidReason string
	VoidedBy   string

	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
}

// Voided reports whether the record was voided.
func (t *Transaction) Voided() bool { return !t.VoidedAt.IsZero() }

// Normalize masks card numbers, trims identifiers and fills defaults (currency, kind, channel,
// status). Storage calls it before Validate, so nothing unmasked can reach the database.
func (t *Transaction) Normalize() {
	t.Merchant = strings.TrimSpace(t.Merchant)
	t.Terminal = strings.TrimSpace(t.Terminal)
	t.Batch = strings.TrimSpace(t.Batch)
	t.Trace = strings.TrimSpace(t.Trace)
	t.RRN = strings.TrimSpace(t.RRN)
	t.AuthCode = strings.TrimSpace(t.AuthCode)
	t.Scheme = MaskText(strings.TrimSpace(t.Scheme))
	t.Note = MaskText(strings.TrimSpace(t.Note))
	t.VoidReason = MaskText(strings.TrimSpace(t.VoidReason))
	if masked, err := MaskCard(t.Card); err == nil {
		t.Card = masked
	} else {
		// Keep the field invalid for Validate, but never keep digits that could be a full number.
		t.Card = MaskText(t.Card)
	}
	// A card number pasted into an identifier field is masked (and then refused by Validate).
	// A merchant ID is exactly 15 digits and one in ten passes the Luhn check by chance: it
	// identifies the shop, not a cardholder, so a well-formed one is kept as it is.
	if !IsMerchantID(t.Merchant) {
		t.Merchant = MaskText(t.Merchant)
	}
	for _, f := range []*string{&t.Terminal, &t.Batch, &t.Trace, &t.RRN, &t.AuthCode} {
		*f = MaskText(*f)
	}
	if t.Amount.Currency == "" {
		t.Amount.Currency = DefaultCurrency
	}
	if t.Kind == "" {
		t.Kind = KindSale
	}
	if t.Channel == "" {
		t.Channel = ChannelUnknownCard
	}
	if t.Status == "" {
		t.Status = StatusApproved
	}
	if t.Source == "" {
		t.Source = SourceManual
	}
	if !t.Time.IsZero() {
		t.Time = t.Time.UTC()
	}
}

// Limits on free-text fields.
const (
	MaxNoteLen   = 2000
	MaxReasonLen = 500
)

// Validate checks t and returns every problem at once as Errors, each naming its field.
func (t *Transaction) Validate() error {
	var es Errors
	if t.Time.IsZero() {
		es = append(es, Invalid("time", "Enter the date and time of the transaction."))
	} else if t.Time.Year() < 2000 || t.Time.Year() > 2200 {
		es = append(es, Invalid("time", "The date %s is out of range; check the year.", t.Time.Format("2006-01-02")))
	}
	if exp, ok := MinorUnits(t.Amount.Currency); !ok {
		es = append(es, Invalid("currency", "Currency %q is not a known ISO 4217 code (for example CNY, HKD, USD).", t.Amount.Currency))
	} else if !t.Amount.Amount.Equal(t.Amount.Amount.Truncate(exp)) {
		es = append(es, Invalid("amount", "Amount %q has more than %d decimal places.", t.Amount.Amount.String(), exp))
	}
	if t.Amount.IsNegative() {
		es = append(es, Invalid("amount", "Enter the amount without a minus sign; the kind (refund, void) says which way the money went."))
	} else if t.Amount.IsZero() && t.Kind != KindReversal {
		es = append(es, Invalid("amount", "Enter an amount greater than zero."))
	} else if t.Amount.Amount.GreaterThan(maxAmount) { // 100 million in major units
		es = append(es, Invalid("amount", "Amount %s is too large for one transaction; check the decimal point.", t.Amount.Plain()))
	}
	if !t.Kind.Valid() {
		es = append(es, Invalid("kind", "Kind %q is not one of: sale, void, refund, reversal, preauth, preauth_completion.", string(t.Kind)))
	}
	if !t.Channel.Valid() {
		es = append(es, Invalid("channel", "Channel %q is not one of: debit_card, credit_card, card, unionpay_qr, alipay, wechat_pay, cash.", string(t.Channel)))
	}
	if !t.Status.Valid() {
		es = append(es, Invalid("status", "Status %q is not one of: approved, settled, declined, failed, no_response, reversed.", string(t.Status)))
	}
	digits := func(field, label, v string, min, max int) {
		if v == "" {
			return
		}
		for _, r := range v {
			if r < '0' || r > '9' {
				es = append(es, Invalid(field, "%s must be digits only (you entered %q).", label, v))
				return
			}
		}
		if len(v) < min || len(v) > max {
			if min == max {
				es = append(es, Invalid(field, "%s must have %d digits (you entered %d).", label, min, len(v)))
			} else {
				es = append(es, Invalid(field, "%s must have %d to %d digits (you entered %d).", label, min, max, len(v)))
			}
		}
	}
	alnum := func(field, label, v string, max int) {
		if v == "" {
			return
		}
		for _, r := range v {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
				es = append(es, Invalid(field, "%s may hold only letters and digits (you entered %q).", label, v))
				return
			}
		}
		if len(v) > max {
			es = append(es, Invalid(field, "%s is at most %d characters (you entered %d).", label, max, len(v)))
		}
	}
	digits("merchant", "Merchant ID", t.Merchant, 15, 15)
	alnum("terminal", "Terminal ID", t.Terminal, 8)
	digits("batch", "Batch number", t.Batch, 1, 6)
	digits("trace", "Trace number", t.Trace, 1, 6)
	alnum("rrn", "Reference number (RRN)", t.RRN, 12)
	alnum("auth", "Authorisation code", t.AuthCode, 6)
	if t.Card != "" {
		if _, err := MaskCard(t.Card); err != nil {
			es = append(es, err.(*Error))
		}
	}
	if utf8.RuneCountInString(t.Note) > MaxNoteLen {
		es = append(es, Invalid("note", "Note is too long: at most %d characters.", MaxNoteLen))
	}
	return es.Err()
}

// TxCursor marks a position in the ledger's order (newest first: time, then ID, descending).
type TxCursor struct {
	Time time.Time
	ID   int64
}

// TransactionFilter selects ledger records. Zero fields do not filter.
type TransactionFilter struct {
	From, To      time.Time // From inclusive, To exclusive
	Statuses      []TxStatus
	Kinds         []TxKind
	Channels      []Channel
	Terminal      string
	MinAmount     *Money
	MaxAmount     *Money
	Query         string // matches RRN, trace, auth code, last 4 of the card (exact) or note (contains)
	IncludeVoided bool
	ImportBatchID int64

	After *TxCursor // keyset pagination: records strictly after this position
	Limit int       // page size; 0 means 100
}

// TxTotal is the count and sum of ledger records in one status and currency.
type TxTotal struct {
	Status   TxStatus
	Count    int64
	Amount   Money
	Currency string
}

// TransactionUpdate changes fields of a ledger record. Nil fields stay as they are. A Reason is
// required: corrections keep the old values in the audit trail with it.
type TransactionUpdate struct {
	Time     *time.Time
	Amount   *Money
	Kind     *TxKind
	Channel  *Channel
	Status   *TxStatus
	Merchant *string
	Terminal *string
	Batch    *string
	Trace    *string
	RRN      *string
	AuthCode *string
	Scheme   *string
	Card     *string
	Note     *string
	Reason   string
}

// Apply copies the set fields of u onto t.
func (u TransactionUpdate) Apply(t *Transaction) {
	if u.Time != nil {
		t.Time = *u.Time
	}
	if u.Amount != nil {
		t.Amount = *u.Amount
	}
	if u.Kind != nil {
		t.Kind = *u.Kind
	}
	if u.Channel != nil {
		t.Channel = *u.Channel
	}
	if u.Status != nil {
		t.Status = *u.Status
	}
	for _, p := range []struct {
		dst *string
		src *string
	}{{&t.Merchant, u.Merchant}, {&t.Terminal, u.Terminal}, {&t.Batch, u.Batch}, {&t.Trace, u.Trace}, {&t.RRN, u.RRN}, {&t.AuthCode, u.AuthCode}, {&t.Scheme, u.Scheme}, {&t.Card, u.Card}, {&t.Note, u.Note}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
}

// TransactionService manages the ledger.
type TransactionService interface {
	// FindTransactionByID returns ENOTFOUND if there is no such record.
	FindTransactionByID(ctx context.Context, id int64) (*Transaction, error)
	// FindTransactions returns one page of records, newest first, and the cursor of the next page
	// (nil on the last page).
	FindTransactions(ctx context.Context, f TransactionFilter) ([]*Transaction, *TxCursor, error)
	// SumTransactions returns counts and amounts per status and currency for the filter
	// (pagination fields are ignored).
	SumTransactions(ctx context.Context, f TransactionFilter) ([]TxTotal, error)
	// CreateTransaction masks, validates and stores t, setting its ID and timestamps.
	CreateTransaction(ctx context.Context, t *Transaction) error
	// UpdateTransaction corrects a record; the old values stay in the audit trail.
	UpdateTransaction(ctx context.Context, id int64, upd TransactionUpdate) (*Transaction, error)
	// VoidTransaction marks a record as entered by mistake. The record stays, with the reason.
	VoidTransaction(ctx context.Context, id int64, reason string) error
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

// IsMerchantID reports whether s has the shape of a 商户号: exactly 15 ASCII digits.
func IsMerchantID(s string) bool {
	if len(s) != 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
