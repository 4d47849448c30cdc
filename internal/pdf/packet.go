// Package pdf renders posdesk's PDFs: evidence packets that a shop sends to a bank, acquirer or
// QR platform about one incident, and generic reports (titles, headings, paragraphs, tables, bar
// charts). gofpdf does the drawing behind this package, with the bundled WenQuanYi Micro Hei font
// embedded as a subset; Chinese text is wrapped by this package (gofpdf's MultiCell drops a CJK
// character at each break). Output is byte-identical for the same input and clock.
//
// The packet view model (Packet) is independent of the incident domain: a caller composes it from
// the incident, its transactions, contacts and attachments, and records the returned SHA-256.
package pdf

import (
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Lang selects the language of a packet: Chinese, English, or both (each heading and paragraph in
// Chinese, then English).
type Lang string

// The packet languages.
const (
	LangZh   Lang = "zh"
	LangEn   Lang = "en"
	LangBoth Lang = "zh+en"
)

// ParseLang returns the packet language named by s ("zh", "en", "zh+en"; "zh-Hans", "cn",
// "both" and "en+zh" are accepted too). The error is EINVALID on field "lang".
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "zh", "zh-hans", "cn", "chinese":
		return LangZh, nil
	case "en", "english":
		return LangEn, nil
	case "zh+en", "en+zh", "both", "bilingual", "zh,en":
		return LangBoth, nil
	}
	return "", posdesk.Invalid("lang", "Language %q is not known; use zh, en or zh+en.", s)
}

// langs returns the catalog languages to write, in order.
func (l Lang) langs() []i18n.Lang {
	switch l {
	case LangZh:
		return []i18n.Lang{i18n.Chinese}
	case LangBoth:
		return []i18n.Lang{i18n.Chinese, i18n.English}
	}
	return []i18n.Lang{i18n.English}
}

// Party is who the packet is addressed to.
type Party string

// The parties a packet can be addressed to.
const (
	IssuingBank Party = "issuing_bank" // the cardholder's bank
	Acquirer    Party = "acquirer"     // the shop's acquirer / payment service provider
	QRPlatform  Party = "qr_platform"  // Alipay, WeChat Pay, UnionPay QR and the like
)

// ParseParty returns the party named by s. The error is EINVALID on field "party".
func ParseParty(s string) (Party, error) {
	switch p := Party(strings.ToLower(strings.TrimSpace(s))); p {
	case IssuingBank, Acquirer, QRPlatform:
		return p, nil
	case "bank", "issuer":
		return IssuingBank, nil
	case "qr":
		return QRPlatform, nil
	}
	return "", posdesk.Invalid("party", "Party %q is not known; use issuing_bank, acquirer or qr_platform.", s)
}

// Text is a label in both languages, for labels the caller owns (status names, fact names).
// An empty Zh falls back to En and the other way round.
type Text struct {
	En string
	Zh string
}

// In returns the text in lang.
func (t Text) In(lang i18n.Lang) string {
	if lang == i18n.Chinese && t.Zh != "" || t.En == "" {
		return t.Zh
	}
	return t.En
}

// Shop is who sends the packet, from the shop settings.
type Shop struct {
	Name       string // trading name as the acquirer knows it, often Chinese
	MerchantID string // 商户号
	Address    string
	Phone      string
	Contact    string // the person the bank should ask for
	Acquirer   string // the shop's acquirer, e.g. "Lakala"
}

// Kind is the kind of incident, in the domain's words (domain.md "What goes wrong at the
// terminal"). It selects the plain-words account in the cover letter.
type Kind string

// The incident kinds the cover letter knows how to describe.
const (
	KindChargedButFailed     Kind = "charged_but_failed"
	KindApprovedThenReversed Kind = "approved_then_reversed"
	KindNoResponse           Kind = "no_response"
	KindPostingFailure       Kind = "posting_failure"
	KindDuplicateCharge      Kind = "duplicate_charge"
	KindWrongAmount          Kind = "wrong_amount"
	KindCustomerRefund       Kind = "customer_refund"
)

// Ask is what the shop asks the party to do.
type Ask string

// The requests a cover letter can make.
const (
	AskRefundCardholder Ask = "refund_cardholder" // return the money to the cardholder
	AskCreditShop       Ask = "credit_shop"       // credit the missing settlement to the shop
	AskReverse          Ask = "reverse"           // reverse the debit (冲正)
	AskAdjust           Ask = "adjust"            // adjust the cleared amount (贷记调整)
	AskInvestigate      Ask = "investigate"       // look into it and tell the shop
	AskAcceptEvidence   Ask = "accept_evidence"   // accept this as the reply to a retrieval/dispute
)

// Letter holds what the cover letter says beyond the shop and the transactions.
type Letter struct {
	Kind       Kind
	Story      string        // what happened, in the staff's own words (masked before printing)
	Ask        Ask           //
	AskAmount  posdesk.Money // the amount asked for; zero means the transaction amount
	AskDetail  string        // optional extra words about the request
	CaseNumber string        // the bank's case / ticket number (工单号), if any
	Deadline   string        // the reply deadline as a calendar date (2006-01-02), if any
	Signatory  string        // name printed under the signature line; defaults to Shop.Contact
}

// Transaction is one card or QR transaction the incident concerns.
type Transaction struct {
	Role       Text          // e.g. "Original sale" / "原交易", "Second charge" / "重复扣款"
	Time       time.Time     // when the terminal recorded it
	Amount     posdesk.Money //
	Type       Text          // sale, refund, void...
	Status     Text          // what the terminal said (approved, failed, no response)
	Scheme     string        // UnionPay, Visa, Alipay...
	MaskedCard string        // 622848******1234; masked again before printing
	TerminalID string        // 终端号
	Batch      string        // 批次号
	Trace      string        // 凭证号 / 流水号
	RRN        string        // 参考号
	AuthCode   string        // 授权码
	Settled    string        // what the settlement statement shows, in words, if known
}

// Fact is one extra line of the facts table.
type Fact struct {
	Label Text
	Value string
}

// StatusChange is one entry of the incident's status history.
type StatusChange struct {
	Time   time.Time
	Status Text
	By     string
	Note   string
}

// Event is one entry of the chronological timeline: incident events and the contact log.
type Event struct {
	Time time.Time
	Who  string
	What string
}

// ExhibitKind says what an exhibit is. It chooses how it is drawn and its type in the index.
type ExhibitKind string

// The exhibit kinds.
const (
	ExhibitPhoto      ExhibitKind = "photo"      // a photo (slip, terminal screen)
	ExhibitScreenshot ExhibitKind = "screenshot" // a screenshot (SMS, app)
	ExhibitScan       ExhibitKind = "scan"       // a scanned document
	ExhibitPDF        ExhibitKind = "pdf"        // a PDF document (bank statement)
	ExhibitText       ExhibitKind = "text"       // a plain-text log
)

// Exhibit is one attachment enclosed in the packet.
type Exhibit struct {
	Name      string      // ASCII file-safe name of at most 16 characters; derived when empty
	FileName  string      // the original file name, used to derive Name
	Caption   string      // one line saying what it shows (masked before printing)
	Kind      ExhibitKind //
	MediaType string      // image/jpeg, image/png, image/gif, application/pdf, text/plain
	Original  []byte      // the file as received; its SHA-256 is printed
	Upright   []byte      // images: the copy with EXIF orientation applied; logs: the text as UTF-8; nil means Original
	SHA256    string      // hex SHA-256 of Original; computed when empty
}

// Packet is everything an evidence packet shows. Build renders it.
type Packet struct {
	Lang           Lang
	Party          Party
	PartyName      string // the addressee by name, e.g. "中国工商银行 信用卡中心"; optional
	Preset         string // a Preset name; "" means "acquirer"
	Shop           Shop
	IncidentNumber string
	Location       *time.Location // the shop's time zone; nil means UTC
	Letter         Letter
	Transactions   []Transaction
	Facts          []Fact
	StatusHistory  []StatusChange
	Timeline       []Event
	Exhibits       []Exhibit
	AuditHead      string // the audit chain head at the time of building
	Grayscale      bool   // draw photos in grayscale (smaller; fine for receipts)
}
