package importer

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Profile describes one file shape: which column holds which field, and how the file is written.
// Everything left empty is detected. Profiles are JSON so a mapping screen can save the user's
// own; the built-in ones cover the shapes posdesk knows (see Profiles).
type Profile struct {
	Name        string             `json:"name"`
	Kind        posdesk.ImportKind `json:"kind,omitempty"`
	Encoding    string             `json:"encoding,omitempty"`     // utf-8, gb18030, utf-16; "" detects
	Delimiter   string             `json:"delimiter,omitempty"`    // ",", "\t", ";" or "|"; "" detects
	HeaderLine  int                `json:"header_line,omitempty"`  // file line of the header row (1-based); 0 detects
	Columns     map[Field]string   `json:"columns,omitempty"`      // field -> column name as the file writes it
	DateLayouts []string           `json:"date_layouts,omitempty"` // Go time layouts tried first on the date column
	DateOrder   DateOrder          `json:"date_order,omitempty"`   // for 01/02/2026: dmy or mdy
	Currency    string             `json:"currency,omitempty"`     // ISO 4217; CNY when empty
}

// Validate returns an EINVALID error when the profile cannot be used.
func (p *Profile) Validate() error {
	if strings.TrimSpace(p.Name) == "" {
		return posdesk.Invalid("name", "The profile needs a name.")
	}
	if p.Kind != "" && !p.Kind.Valid() {
		return posdesk.Invalid("kind", "Import kind %q is not known; use pos, settlement or bank.", string(p.Kind))
	}
	switch p.Encoding {
	case "", EncodingUTF8, EncodingUTF8BOM, EncodingGB18030, EncodingUTF16, "gbk", "gb2312":
	default:
		return posdesk.Invalid("encoding", "Encoding %q in the profile is not known; use utf-8 or gb18030.", p.Encoding)
	}
	switch p.Delimiter {
	case "", ",", "\t", ";", "|":
	default:
		return posdesk.Invalid("delimiter", "Delimiter %q is not supported; use a comma, a tab, a semicolon or |.", p.Delimiter)
	}
	switch p.DateOrder {
	case DateOrderAuto, DateOrderDMY, DateOrderMDY:
	default:
		return posdesk.Invalid("date_order", "Date order %q is not known; use dmy or mdy.", string(p.DateOrder))
	}
	for f := range p.Columns {
		if !slices.Contains(allFields, f) {
			return posdesk.Invalid("columns", "Field %q in the profile is not known.", string(f))
		}
	}
	if p.Currency != "" {
		if _, ok := posdesk.MinorUnits(p.Currency); !ok {
			return posdesk.Invalid("currency", "Currency %q is not a known ISO 4217 code (for example CNY, HKD, USD).", p.Currency)
		}
	}
	return nil
}

// ParseProfile reads a profile saved as JSON and validates it.
func ParseProfile(b []byte) (*Profile, error) {
	var p Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, posdesk.Invalid("profile", "The profile is not valid JSON: %s.", err.Error())
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

var allFields = []Field{
	FieldMerchant, FieldMerchantName, FieldStore, FieldTerminal, FieldBatch, FieldTrace, FieldRRN,
	FieldAuth, FieldCard, FieldCardType, FieldIssuer, FieldScheme, FieldKind, FieldStatus,
	FieldChannel, FieldAmount, FieldFee, FieldNet, FieldCurrency, FieldDate, FieldTime,
	FieldSettleDate, FieldDescription, FieldCounterparty, FieldCredit, FieldDebit, FieldBalance,
	FieldDirection, FieldNote,
}

// fieldID indexes allFields, for the reader's per-row look-ups.
type fieldID int

// The index of each field in allFields.
const (
	idMerchant fieldID = iota
	idMerchantName
	idStore
	idTerminal
	idBatch
	idTrace
	idRRN
	idAuth
	idCard
	idCardType
	idIssuer
	idScheme
	idKind
	idStatus
	idChannel
	idAmount
	idFee
	idNet
	idCurrency
	idDate
	idTime
	idSettleDate
	idDescription
	idCounterparty
	idCredit
	idDebit
	idBalance
	idDirection
	idNote
)

// Fields returns every field a profile may map, in a stable order.
func Fields() []Field { return slices.Clone(allFields) }

// builtins are the file shapes of the sample exports; detection finds other shapes by synonyms.
var builtins = []Profile{
	{
		Name: "pos-en",
		Kind: posdesk.ImportPOS,
		Columns: map[Field]string{
			FieldDate: "Date", FieldTime: "Time", FieldTerminal: "Terminal", FieldBatch: "Batch",
			FieldTrace: "Trace", FieldRRN: "RRN", FieldAuth: "Auth", FieldCard: "Card",
			FieldKind: "Type", FieldAmount: "Amount", FieldStatus: "Status",
		},
	},
	{
		Name:     "settlement-lakala",
		Kind:     posdesk.ImportSettlement,
		Encoding: EncodingGB18030,
		Columns: map[Field]string{
			FieldMerchant: "商户编号", FieldMerchantName: "商户名称", FieldTerminal: "终端编号",
			FieldDate: "交易日期", FieldTime: "交易时间", FieldKind: "交易类型", FieldCard: "卡号",
			FieldCardType: "卡类型", FieldAmount: "交易金额(元)", FieldFee: "手续费(元)",
			FieldNet: "清算金额(元)", FieldRRN: "系统参考号", FieldTrace: "凭证号", FieldBatch: "批次号",
			FieldNote: "备注",
		},
	},
	{
		Name:     "settlement-allinpay",
		Kind:     posdesk.ImportSettlement,
		Encoding: EncodingGB18030,
		Columns: map[Field]string{
			FieldMerchant: "商户号", FieldStore: "门店", FieldTerminal: "终端号", FieldTime: "交易时间",
			FieldKind: "交易类型", FieldBatch: "批次号", FieldTrace: "凭证号", FieldRRN: "参考号",
			FieldCard: "卡号", FieldCardType: "卡类别", FieldIssuer: "发卡行", FieldAmount: "交易金额",
			FieldFee: "手续费", FieldDate: "交易日期", FieldNet: "结算金额",
		},
	},
	{
		Name: "bank-cn",
		Kind: posdesk.ImportBank,
		Columns: map[Field]string{
			FieldDate: "记账日期", FieldDescription: "摘要", FieldCounterparty: "对方户名",
			FieldCredit: "收入金额", FieldDebit: "支出金额", FieldBalance: "余额",
		},
	},
}

// Profiles returns the built-in profiles.
func Profiles() []Profile {
	out := make([]Profile, len(builtins))
	for i, p := range builtins {
		p.Columns = cloneColumns(p.Columns)
		out[i] = p
	}
	return out
}

// LookupProfile returns the built-in profile with the given name.
func LookupProfile(name string) (*Profile, bool) {
	for _, p := range builtins {
		if p.Name == name {
			p.Columns = cloneColumns(p.Columns)
			return &p, true
		}
	}
	return nil, false
}

func cloneColumns(m map[Field]string) map[Field]string {
	out := make(map[Field]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Mapping is what the reader decided about a file: its kind, encoding, header row and the
// column of each field. A mapping screen shows it and saves it as a Profile.
type Mapping struct {
	Kind       posdesk.ImportKind
	Profile    string // the built-in or given profile the header matches, or "" when detected
	Encoding   string
	Delimiter  string
	HeaderLine int
	Header     []string      // the header cells, masked
	Columns    map[Field]int // field -> column index in Header
}

// Column returns the header name of field's column, or "".
func (m Mapping) Column(f Field) string {
	i, ok := m.Columns[f]
	if !ok || i >= len(m.Header) {
		return ""
	}
	return m.Header[i]
}

// AsProfile returns the mapping as a profile named name, for saving.
func (m Mapping) AsProfile(name string) Profile {
	p := Profile{Name: name, Kind: m.Kind, Encoding: m.Encoding, Delimiter: m.Delimiter, HeaderLine: m.HeaderLine, Columns: map[Field]string{}}
	switch p.Encoding {
	case EncodingUTF8BOM:
		p.Encoding = EncodingUTF8
	case EncodingXLSX: // a workbook's cells have no encoding; the profile fits its CSV export too
		p.Encoding = ""
	}
	for f, i := range m.Columns {
		if i < len(m.Header) {
			p.Columns[f] = m.Header[i]
		}
	}
	return p
}

// matchBuiltin returns the name of the first built-in profile of kind whose every column is in
// header, or "".
func matchBuiltin(kind posdesk.ImportKind, header []string) string {
	have := map[string]bool{}
	for _, h := range header {
		have[normHeader(h)] = true
	}
	for _, p := range builtins {
		if p.Kind != kind {
			continue
		}
		all := true
		for _, c := range p.Columns {
			if !have[normHeader(c)] {
				all = false
				break
			}
		}
		if all {
			return p.Name
		}
	}
	return ""
}

// numFields is len(allFields), as a constant for arrays.
const numFields = 29

func init() {
	if len(allFields) != numFields {
		panic("importer: numFields out of date")
	}
	if allFields[idMerchant] != FieldMerchant || allFields[idCard] != FieldCard || allFields[idAmount] != FieldAmount || allFields[idNote] != FieldNote {
		panic("importer: field IDs out of order")
	}
	for i, f := range allFields {
		if fieldIndex[f] != i {
			panic("importer: field " + string(f) + " out of order")
		}
	}
}
