// Package importer reads POS exports, acquirer settlement statements and bank statements as
// shops receive them: CSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16, with title lines
// above the header, totals rows, thousands separators and the column names of many acquirers. It
// streams: a million-row file is read in constant memory apart from the fingerprint index.
//
// Every row becomes a domain value (posdesk.SettlementLine, posdesk.BankLine, posdesk.POSLine) with a
// fingerprint for de-duplication, or a posdesk.RowError naming its line; a file that cannot be
// decoded is refused as a whole, naming the line.
package importer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"hash"
	"hash/maphash"
	"io"
	"iter"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// lookahead is how many records the reader examines to find the header row.
const lookahead = 30

// Options configure a Reader.
type Options struct {
	Kind     posdesk.ImportKind // the kind of file expected; "" detects it from the columns
	Profile  *Profile           // the file's shape; nil detects it
	FileName string             // shown in messages (masked with posdesk.MaskText)
	Location *time.Location     // the shop's time zone, for times without one; UTC when nil
	Currency string             // amounts' currency when the profile names none; CNY when empty
}

// Record is one data row of a file, as the domain value of the file's kind.
type Record struct {
	Line       int
	Settlement *posdesk.SettlementLine // for settlement statements
	Bank       *posdesk.BankLine       // for bank statements
	POS        *posdesk.POSLine        // for POS exports
}

// Stats counts what the reader saw so far.
type Stats struct {
	Rows    int // data rows (good and refused)
	Good    int // data rows read without error
	Refused int // data rows with an error
	Blank   int // empty rows
	Title   int // non-empty rows above the header
	Totals  int // totals and summary rows (合计, 总计, Total ...)
	Notes   int // one-cell remarks below the data ("制表人：...")
	Headers int // the header row and its repetitions
}

// Skipped returns the rows skipped on purpose: blank, title, totals, note rows and repeated
// headers (the header row itself not counted).
func (s Stats) Skipped() int { return s.Blank + s.Title + s.Totals + s.Notes + max(s.Headers-1, 0) }

// Reader reads the rows of one file.
type Reader struct {
	opts     Options
	name     string
	loc      *time.Location
	currency string
	profile  *Profile
	order    DateOrder

	raw  hash.Hash
	dec  *decoder
	csv  *csv.Reader
	xl   *xlsxSheet // the sheet read instead of CSV when the file is an Excel workbook
	mapp Mapping
	col  [numFields]int // column index +1 per field index, 0 when unmapped

	queue       [][]string
	queueLines  []int
	headerNorm  string
	headerFirst string                      // the header's first non-empty cell, cleaned
	kinds       map[string]posdesk.TxKind   // kind cells already parsed ("" when unknown)
	statuses    map[string]posdesk.TxStatus // status cells already parsed

	ahead *readAhead // reads and splits lines on another goroutine while rows are parsed

	seen     occurrences
	seed     maphash.Seed
	fp       []byte
	last     []string // the cells of the last data row (for previews)
	lastLine int
	stats    Stats
	err      error
	done     bool
}

var fieldIndex = func() map[Field]int {
	m := map[Field]int{}
	for i, f := range allFields {
		m[f] = i
	}
	return m
}()

// NewReader detects the encoding, the delimiter, the header row and the columns of r. It returns
// an EINVALID error for a file that cannot be a statement (a workbook, no header row, a required
// column missing).
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	rd := &Reader{
		opts:     opts,
		name:     posdesk.MaskText(filepath.Base(opts.FileName)),
		loc:      opts.Location,
		currency: opts.Currency,
		profile:  opts.Profile,
		raw:      sha256.New(),
		seed:     maphash.MakeSeed(),
	}
	if rd.name == "." || rd.name == "" {
		rd.name = "-"
	}
	if rd.loc == nil {
		rd.loc = time.UTC
	}
	enc, delim := "", ""
	if p := rd.profile; p != nil {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		enc, delim = p.Encoding, p.Delimiter
		if p.Currency != "" {
			rd.currency = p.Currency
		}
		rd.order = p.DateOrder
		if rd.opts.Kind == "" {
			rd.opts.Kind = p.Kind
		}
	}
	if rd.currency == "" {
		rd.currency = posdesk.DefaultCurrency
	}
	r, err := rd.openWorkbook(r)
	if err != nil {
		return nil, err
	}
	if rd.xl != nil {
		if err := rd.findWorkbookHeader(); err != nil {
			return nil, err
		}
		return rd, nil
	}
	dec, err := newDecoder(io.TeeReader(r, rd.raw), rd.name, enc)
	if err != nil {
		return nil, err
	}
	rd.dec = dec
	if delim == "" {
		head, _ := dec.src.Peek(16 << 10)
		delim = detectDelimiter(head)
	}
	rd.csv = csv.NewReader(dec)
	rd.csv.Comma = rune(delim[0])
	rd.csv.FieldsPerRecord = -1
	rd.csv.LazyQuotes = true
	rd.csv.ReuseRecord = true
	if err := rd.findHeader(delim); err != nil {
		return nil, err
	}
	return rd, nil
}

// detectDelimiter picks the delimiter that splits the first lines into the most cells.
func detectDelimiter(head []byte) string {
	best, bestN := ",", 0
	lines := strings.SplitN(string(head), "\n", lookahead+1)
	for _, d := range []string{",", "\t", ";", "|"} {
		n := 0
		for _, l := range lines {
			n = max(n, strings.Count(l, d))
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// readRecord returns the next CSV record and its first line. A *csv.ParseError comes back as a
// row error; decoding errors are fatal.
func (r *Reader) readRecord() ([]string, int, error) {
	if r.xl != nil {
		return r.xl.next()
	}
	rec, err := r.csv.Read()
	if err != nil {
		if r.dec.err != nil && r.dec.err != io.EOF {
			return nil, 0, r.dec.err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, posdesk.RowError{Line: pe.StartLine, Err: posdesk.Invalid("", "The row is not valid CSV (%s); check the quotes in this line.", pe.Err.Error())}
		}
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", r.name, err.Error())
	}
	line, _ := r.csv.FieldPos(0)
	return rec, line, nil
}

func headerScore(rec []string) int {
	seen := map[Field]bool{}
	for _, c := range rec {
		if f := lookupField(c); f != "" {
			seen[f] = true
		}
	}
	return len(seen)
}

// findHeader reads up to lookahead records, picks the header row and maps the columns.
func (r *Reader) findHeader(delim string) error {
	var recs [][]string
	var lines []int
	for len(recs) < lookahead {
		rec, line, err := r.readRecord()
		if errors.Is(err, io.EOF) {
			break
		}
		var re posdesk.RowError
		if errors.As(err, &re) {
			recs = append(recs, nil)
			lines = append(lines, re.Line)
			continue
		}
		if err != nil {
			return err
		}
		recs = append(recs, slicesClone(rec))
		lines = append(lines, line)
	}
	best, bestScore := -1, 0
	var profCols map[string]Field
	if r.profile != nil && len(r.profile.Columns) > 0 {
		profCols = map[string]Field{}
		for f, name := range r.profile.Columns {
			profCols[normHeader(name)] = f
		}
	}
	for i, rec := range recs {
		if r.profile != nil && r.profile.HeaderLine > 0 {
			if lines[i] == r.profile.HeaderLine {
				best, bestScore = i, 99
				break
			}
			continue
		}
		s := headerScore(rec)
		if profCols != nil {
			s = 0
			for _, c := range rec {
				if _, ok := profCols[normHeader(c)]; ok {
					s++
				}
			}
		}
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 || bestScore < 2 {
		if len(recs) == 0 {
			return posdesk.Errorf(posdesk.EINVALID, "File %s is empty.", r.name)
		}
		return posdesk.Errorf(posdesk.EINVALID, "File %s: no header row found in the first %d lines; the header must name columns such as 交易金额 / Amount and 参考号 / RRN. Choose a profile or map the columns.", r.name, lookahead)
	}
	header := recs[best]
	for i := 0; i < best; i++ {
		if isBlank(recs[i]) {
			r.stats.Blank++
		} else {
			r.stats.Title++
		}
	}
	r.stats.Headers = 1
	r.queue = recs[best+1:]
	r.queueLines = lines[best+1:]
	r.headerNorm = joinNorm(header)
	for _, h := range header {
		if h = cleanCell(h); h != "" {
			r.headerFirst = h
			break
		}
	}

	m := Mapping{Encoding: r.dec.Encoding(), Delimiter: delim, HeaderLine: lines[best], Columns: map[Field]int{}}
	// The columns a profile names come first; other columns are found by their names, but never
	// for a field the profile has placed elsewhere.
	named := map[Field]bool{}
	for i, h := range header {
		m.Header = append(m.Header, posdesk.MaskText(cleanCell(h)))
		if f := profCols[normHeader(h)]; f != "" {
			if _, dup := m.Columns[f]; !dup {
				m.Columns[f] = i
			}
			named[f] = true
		}
	}
	for i, h := range header {
		if profCols[normHeader(h)] != "" {
			continue
		}
		f := lookupField(h)
		if f == "" || named[f] {
			continue
		}
		if _, dup := m.Columns[f]; dup {
			// A second date column is usually the settlement or booking date.
			if f == FieldDate {
				if _, has := m.Columns[FieldSettleDate]; !has {
					m.Columns[FieldSettleDate] = i
				}
			}
			continue
		}
		m.Columns[f] = i
	}
	kind := r.opts.Kind
	if kind == "" {
		kind = detectKind(m.Columns)
	}
	if !kind.Valid() {
		return posdesk.Errorf(posdesk.EINVALID, "Import kind %q is not known; use pos, settlement or bank.", string(kind))
	}
	m.Kind = kind
	if r.profile != nil {
		m.Profile = r.profile.Name
	} else {
		m.Profile = matchBuiltin(kind, header)
	}
	if missing := missingColumns(kind, m.Columns); missing != "" {
		return posdesk.Errorf(posdesk.EINVALID, "File %s: the header on line %d has no column for %s. Columns found: %s. Choose a profile or map the columns.", r.name, m.HeaderLine, missing, strings.Join(m.Header, ", "))
	}
	r.mapp = m
	for f, i := range m.Columns {
		r.col[fieldIndex[f]] = i + 1
	}
	return nil
}

func detectKind(cols map[Field]int) posdesk.ImportKind {
	has := func(f Field) bool { _, ok := cols[f]; return ok }
	switch {
	case has(FieldCredit) || has(FieldDebit) || has(FieldBalance):
		return posdesk.ImportBank
	case has(FieldNet) || has(FieldFee) || has(FieldSettleDate):
		return posdesk.ImportSettlement
	}
	return posdesk.ImportPOS
}

// missingColumns names the required fields kind lacks, or "".
func missingColumns(kind posdesk.ImportKind, cols map[Field]int) string {
	has := func(f Field) bool { _, ok := cols[f]; return ok }
	var miss []string
	if !has(FieldDate) && !has(FieldTime) {
		miss = append(miss, "交易日期 / Date")
	}
	switch kind {
	case posdesk.ImportBank:
		if !has(FieldCredit) && !has(FieldAmount) {
			miss = append(miss, "收入金额 / Credit")
		}
	case posdesk.ImportSettlement:
		if !has(FieldAmount) && !has(FieldNet) {
			miss = append(miss, "交易金额 / Amount")
		}
	default:
		if !has(FieldAmount) {
			miss = append(miss, "交易金额 / Amount")
		}
		if !has(FieldRRN) && !has(FieldTrace) {
			miss = append(miss, "参考号 / RRN")
		}
	}
	return strings.Join(miss, "; ")
}

// Mapping returns what the reader detected about the file.
func (r *Reader) Mapping() Mapping { return r.mapp }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.Blank += r.dec.blank
	return s
}

// SHA256 returns the hex SHA-256 of the file's bytes. It is complete once Next returned io.EOF.
func (r *Reader) SHA256() string { return hex.EncodeToString(r.raw.Sum(nil)) }

// Next returns the next data row. It returns io.EOF at the end of the file, a posdesk.RowError
// for a row that was refused (call Next again for the following rows), and any other error when
// the file must be refused as a whole (the error names the line).
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		var rec []string
		var line int
		if len(r.queue) > 0 {
			rec, line = r.queue[0], r.queueLines[0]
			r.queue, r.queueLines = r.queue[1:], r.queueLines[1:]
			if rec == nil { // a CSV error during the lookahead
				r.stats.Rows++
				r.stats.Refused++
				return nil, posdesk.RowError{Line: line, Err: posdesk.Invalid("", "The row is not valid CSV (%s); check the quotes in this line.", "bare quote")}
			}
		} else {
			var err error
			rec, line, err = r.nextRecord()
			if err != nil {
				var re posdesk.RowError
				if errors.As(err, &re) {
					r.stats.Rows++
					r.stats.Refused++
					return nil, err
				}
				if !errors.Is(err, io.EOF) {
					r.err = err
				} else {
					r.done = true
				}
				return nil, err
			}
		}
		switch r.classify(rec) {
		case rowBlank:
			r.stats.Blank++
			continue
		case rowTotals:
			r.stats.Totals++
			continue
		case rowHeader:
			r.stats.Headers++
			continue
		case rowNote:
			r.stats.Notes++
			continue
		}
		r.stats.Rows++
		if r.ahead == nil { // a preview reads without reading ahead; an import keeps no row
			r.last, r.lastLine = rec, line
		}
		out, err := r.parse(rec, line)
		if err != nil {
			r.stats.Refused++
			return nil, err
		}
		r.stats.Good++
		return out, nil
	}
}

type rowClass int

const (
	rowData rowClass = iota
	rowBlank
	rowTotals
	rowHeader
	rowNote
)

func (r *Reader) classify(rec []string) rowClass {
	first, nonEmpty := "", 0
	for _, c := range rec {
		if len(c) == 0 || (len(c) < 8 && strings.TrimSpace(c) == "") {
			continue
		}
		if nonEmpty == 0 {
			if first = cleanCell(c); first == "" {
				continue
			}
		}
		nonEmpty++
		if nonEmpty > 1 {
			break
		}
	}
	switch {
	case nonEmpty == 0:
		return rowBlank
	case isTotalsCell(first):
		return rowTotals
	case nonEmpty == 1 && len(r.mapp.Header) >= 3:
		if _, err := ParseAmount(first, r.currency); err != nil {
			return rowNote
		}
	case first == r.headerFirst && joinNorm(rec) == r.headerNorm:
		return rowHeader
	}
	return rowData
}

func isBlank(rec []string) bool {
	for _, c := range rec {
		if cleanCell(c) != "" {
			return false
		}
	}
	return true
}

func joinNorm(rec []string) string {
	var b strings.Builder
	for _, c := range rec {
		b.WriteString(normHeader(c))
		b.WriteByte(0)
	}
	return b.String()
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// cell returns the cleaned cell of field f, or "".
func (r *Reader) cell(rec []string, f fieldID) string {
	i := r.col[f] - 1
	if i < 0 || i >= len(rec) {
		return ""
	}
	return cleanCell(rec[i])
}

func (r *Reader) has(f fieldID) bool { return r.col[f] > 0 }

// rowErr builds the row error of a field from a parse error.
func rowErr(line int, f Field, err error) error {
	var e *posdesk.Error
	if !errors.As(err, &e) {
		e = posdesk.Internal(err)
	}
	if e.Field == "" {
		e.Field = string(f)
	}
	return posdesk.RowError{Line: line, Field: string(f), Err: e}
}

// ident cleans an identifier cell (merchant, terminal, RRN ...): a long digit run that could be a
// card number is masked.
func ident(s string) string {
	if len(s) > 15 {
		return posdesk.MaskText(s)
	}
	return s
}

// pad6 restores the leading zeros spreadsheets drop from 6-digit batch and trace numbers.
func pad6(s string) string {
	if len(s) < 6 && allDigits(s) {
		return strings.Repeat("0", 6-len(s)) + s
	}
	return s
}

func (r *Reader) amount(rec []string, line int, id fieldID, required bool) (posdesk.Money, error) {
	s := r.cell(rec, id)
	f := allFields[id]
	if s == "" || s == "-" || s == "--" || s == "—" {
		if required {
			return posdesk.Money{}, posdesk.RowError{Line: line, Field: string(f), Err: posdesk.Invalid(string(f), "Column %s is empty; every row needs an amount.", r.mapp.Column(f))}
		}
		return posdesk.Money{Amount: zero, Currency: r.currency}, nil
	}
	m, err := ParseAmount(s, r.currency)
	if err != nil {
		return posdesk.Money{}, rowErr(line, f, err)
	}
	return m, nil
}

func (r *Reader) when(rec []string, line int) (time.Time, error) {
	date, clock := r.cell(rec, idDate), r.cell(rec, idTime)
	if p := r.profile; p != nil && len(p.DateLayouts) > 0 && date != "" {
		for _, l := range p.DateLayouts {
			t, err := time.ParseInLocation(l, date, r.loc)
			if err != nil {
				continue
			}
			if clock != "" {
				c, err := ParseClock(clock)
				if err != nil {
					return time.Time{}, rowErr(line, FieldTime, err)
				}
				y, m, d := t.Date()
				t = time.Date(y, m, d, 0, 0, 0, 0, r.loc).Add(c)
			}
			return t.UTC(), nil
		}
	}
	t, err := ParseDateTime(date, clock, r.loc, r.order)
	if err != nil {
		f := FieldDate
		if posdesk.ErrorField(err) == "time" {
			f = FieldTime
		}
		return time.Time{}, rowErr(line, f, err)
	}
	return t, nil
}

func (r *Reader) kind(rec []string, line int, amount posdesk.Money) (posdesk.TxKind, error) {
	if !r.has(idKind) || r.cell(rec, idKind) == "" {
		if amount.IsNegative() {
			return posdesk.KindRefund, nil
		}
		return posdesk.KindSale, nil
	}
	s := r.cell(rec, idKind)
	k, ok := r.memoKind(s)
	if !ok {
		return "", posdesk.RowError{Line: line, Field: string(FieldKind), Err: posdesk.Invalid(string(FieldKind), "Transaction type %q is not known; posdesk reads 消费/SALE, 撤销/VOID, 退货/REFUND, 冲正/REVERSAL, 预授权/PREAUTH and 预授权完成/COMPLETION.", posdesk.MaskText(s))}
	}
	return k, nil
}

// memoKind is ParseKind remembering the few distinct cells a file has.
func (r *Reader) memoKind(s string) (posdesk.TxKind, bool) {
	if k, ok := r.kinds[s]; ok {
		return k, k != ""
	}
	k, ok := ParseKind(s)
	if r.kinds == nil {
		r.kinds = map[string]posdesk.TxKind{}
	}
	if len(r.kinds) < 256 {
		r.kinds[strings.Clone(s)] = k
	}
	return k, ok
}

// memoStatus is ParseStatus remembering the few distinct cells a file has.
func (r *Reader) memoStatus(s string) (posdesk.TxStatus, bool) {
	if v, ok := r.statuses[s]; ok {
		return v, v != ""
	}
	v, ok := ParseStatus(s)
	if r.statuses == nil {
		r.statuses = map[string]posdesk.TxStatus{}
	}
	if len(r.statuses) < 256 {
		r.statuses[strings.Clone(s)] = v
	}
	return v, ok
}

// appendMinor appends m as an integer count of minor units: the canonical form for
// fingerprints, whatever the file wrote ("58", "58.00", "¥58").
func appendMinor(b []byte, m posdesk.Money) []byte {
	exp, ok := posdesk.MinorUnits(m.Currency)
	if !ok {
		exp = 2
	}
	shift := m.Amount.Exponent() + exp
	if shift >= 0 && shift <= 4 && m.Amount.NumDigits() <= 14 {
		v := m.Amount.CoefficientInt64()
		for ; shift > 0; shift-- {
			v *= 10
		}
		return strconv.AppendInt(b, v, 10)
	}
	return strconv.AppendInt(b, m.Minor(), 10)
}

// appendDate appends d as yyyymmdd.
func appendDate(b []byte, d posdesk.Date) []byte {
	return strconv.AppendInt(b, int64(d.Year*10000+int(d.Month)*100+d.Day), 10)
}

// appendField appends a separator and s.
func appendField(b []byte, s string) []byte {
	b = append(b, 0x1f)
	return append(b, s...)
}

// signed returns m with the sign of the money's direction for kind: refunds, voids and reversals
// take money back from the shop.
func signed(kind posdesk.TxKind, m posdesk.Money) posdesk.Money {
	switch kind {
	case posdesk.KindRefund, posdesk.KindVoid, posdesk.KindReversal:
		if !m.IsNegative() {
			return m.Neg()
		}
	}
	return m
}

func (r *Reader) card(rec []string, line int) (string, error) {
	s := r.cell(rec, idCard)
	c, err := posdesk.MaskCard(s)
	if err != nil {
		return "", rowErr(line, FieldCard, err)
	}
	return c, nil
}

func (r *Reader) parse(rec []string, line int) (*Record, error) {
	switch r.mapp.Kind {
	case posdesk.ImportSettlement:
		return r.parseSettlement(rec, line)
	case posdesk.ImportBank:
		return r.parseBank(rec, line)
	}
	return r.parsePOS(rec, line)
}

// settlementRecord allocates a Record and its line together.
type settlementRecord struct {
	rec  Record
	line posdesk.SettlementLine
}

func (r *Reader) parseSettlement(rec []string, line int) (*Record, error) {
	sr := &settlementRecord{}
	s := &sr.line
	*s = posdesk.SettlementLine{
		MerchantID: ident(r.cell(rec, idMerchant)),
		TerminalID: ident(r.cell(rec, idTerminal)),
		Batch:      pad6(ident(r.cell(rec, idBatch))),
		Trace:      pad6(ident(r.cell(rec, idTrace))),
		RRN:        ident(r.cell(rec, idRRN)),
		AuthCode:   ident(r.cell(rec, idAuth)),
		CardType:   posdesk.MaskText(r.cell(rec, idCardType)),
		Issuer:     posdesk.MaskText(r.cell(rec, idIssuer)),
		Line:       line,
	}
	var err error
	if s.Card, err = r.card(rec, line); err != nil {
		return nil, err
	}
	amountField := idAmount
	if !r.has(idAmount) {
		amountField = idNet
	}
	if s.Amount, err = r.amount(rec, line, amountField, true); err != nil {
		return nil, err
	}
	if s.Fee, err = r.amount(rec, line, idFee, false); err != nil {
		return nil, err
	}
	if r.has(idNet) && r.cell(rec, idNet) != "" {
		if s.Net, err = r.amount(rec, line, idNet, true); err != nil {
			return nil, err
		}
	} else {
		s.Net = s.Amount.Sub(s.Fee)
	}
	if s.Kind, err = r.kind(rec, line, s.Amount); err != nil {
		return nil, err
	}
	s.Amount, s.Net = signed(s.Kind, s.Amount), signed(s.Kind, s.Net)
	if s.Time, err = r.when(rec, line); err != nil {
		return nil, err
	}
	if sd := r.cell(rec, idSettleDate); sd != "" {
		d, err := ParseDate(sd, r.order)
		if err != nil {
			return nil, rowErr(line, FieldSettleDate, err)
		}
		s.SettleDate = d
	} else {
		s.SettleDate = posdesk.DateOf(s.Time, r.loc)
	}
	b := append(r.fp[:0], 's')
	for _, v := range [...]string{s.MerchantID, s.TerminalID, s.Batch, s.Trace, s.RRN, s.AuthCode, s.Card, s.CardType, s.Issuer, string(s.Kind)} {
		b = appendField(b, v)
	}
	b = appendMinor(append(b, 0x1f), s.Amount)
	b = appendMinor(append(b, 0x1f), s.Fee)
	b = appendMinor(append(b, 0x1f), s.Net)
	b = strconv.AppendInt(append(b, 0x1f), s.Time.UnixNano(), 10)
	b = appendDate(append(b, 0x1f), s.SettleDate)
	s.Fingerprint = r.fingerprint(b)
	sr.rec = Record{Line: line, Settlement: s}
	return &sr.rec, nil
}

func (r *Reader) parseBank(rec []string, line int) (*Record, error) {
	bl := &posdesk.BankLine{
		Description:  posdesk.MaskText(r.cell(rec, idDescription)),
		Counterparty: posdesk.MaskText(r.cell(rec, idCounterparty)),
		Line:         line,
	}
	var err error
	date := r.cell(rec, idDate)
	if date == "" {
		date = r.cell(rec, idTime)
	}
	if bl.Date, err = ParseDate(date, r.order); err != nil {
		return nil, rowErr(line, FieldDate, err)
	}
	if r.has(idCredit) || r.has(idDebit) {
		if bl.Credit, err = r.amount(rec, line, idCredit, false); err != nil {
			return nil, err
		}
		if bl.Debit, err = r.amount(rec, line, idDebit, false); err != nil {
			return nil, err
		}
		if bl.Debit.IsNegative() {
			bl.Debit = bl.Debit.Neg()
		}
	} else {
		amt, err := r.amount(rec, line, idAmount, true)
		if err != nil {
			return nil, err
		}
		out := amt.IsNegative()
		if d := normValue(r.cell(rec, idDirection)); d != "" {
			switch d {
			case "借", "支", "支出", "借方", "dr", "d", "debit", "out", "-":
				out = true
			case "贷", "收", "收入", "贷方", "cr", "c", "credit", "in", "+":
				out = false
			default:
				return nil, posdesk.RowError{Line: line, Field: string(FieldDirection), Err: posdesk.Invalid(string(FieldDirection), "Direction %q is not known; use 借/贷, 支出/收入 or DR/CR.", posdesk.MaskText(r.cell(rec, idDirection)))}
			}
		}
		zeroM := posdesk.Money{Amount: zero, Currency: r.currency}
		if amt.IsNegative() {
			amt = amt.Neg()
		}
		if out {
			bl.Credit, bl.Debit = zeroM, amt
		} else {
			bl.Credit, bl.Debit = amt, zeroM
		}
	}
	if bl.Balance, err = r.amount(rec, line, idBalance, false); err != nil {
		return nil, err
	}
	b := append(r.fp[:0], 'b')
	b = appendDate(append(b, 0x1f), bl.Date)
	b = appendField(b, bl.Description)
	b = appendField(b, bl.Counterparty)
	b = appendMinor(append(b, 0x1f), bl.Credit)
	b = appendMinor(append(b, 0x1f), bl.Debit)
	b = appendMinor(append(b, 0x1f), bl.Balance)
	bl.Fingerprint = r.fingerprint(b)
	return &Record{Line: line, Bank: bl}, nil
}

func (r *Reader) parsePOS(rec []string, line int) (*Record, error) {
	t := &posdesk.Transaction{
		Merchant: ident(r.cell(rec, idMerchant)),
		Terminal: ident(r.cell(rec, idTerminal)),
		Batch:    pad6(ident(r.cell(rec, idBatch))),
		Trace:    pad6(ident(r.cell(rec, idTrace))),
		RRN:      ident(r.cell(rec, idRRN)),
		AuthCode: ident(r.cell(rec, idAuth)),
		Scheme:   posdesk.MaskText(r.cell(rec, idScheme)),
		Note:     posdesk.MaskText(r.cell(rec, idNote)),
		Source:   posdesk.SourceImport,
		Status:   posdesk.StatusApproved,
		Channel:  posdesk.ChannelUnknownCard,
	}
	var err error
	if t.Card, err = r.card(rec, line); err != nil {
		return nil, err
	}
	amount, err := r.amount(rec, line, idAmount, true)
	if err != nil {
		return nil, err
	}
	if t.Kind, err = r.kind(rec, line, amount); err != nil {
		return nil, err
	}
	if amount.IsNegative() && !signed(t.Kind, amount.Neg()).IsNegative() {
		return nil, posdesk.RowError{Line: line, Field: string(FieldAmount), Err: posdesk.Invalid(string(FieldAmount), "Amount %s is negative but the row is a %s; check the amount and type columns.", amount.Plain(), string(t.Kind))}
	}
	if amount.IsNegative() {
		amount = amount.Neg()
	}
	t.Amount = amount
	if s := r.cell(rec, idStatus); s != "" {
		st, ok := r.memoStatus(s)
		if !ok {
			return nil, posdesk.RowError{Line: line, Field: string(FieldStatus), Err: posdesk.Invalid(string(FieldStatus), "Status %q is not known; posdesk reads 成功/APPROVED, 失败/FAILED, 拒绝/DECLINED, 超时/TIMEOUT and 已冲正/REVERSED.", posdesk.MaskText(s))}
		}
		t.Status = st
	}
	for _, f := range []fieldID{idChannel, idCardType} {
		if c, ok := ParseChannel(r.cell(rec, f)); ok {
			t.Channel = c
			break
		}
	}
	if t.Time, err = r.when(rec, line); err != nil {
		return nil, err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		var e *posdesk.Error
		errors.As(err, &e)
		return nil, posdesk.RowError{Line: line, Field: e.Field, Err: e}
	}
	b := append(r.fp[:0], 'p')
	for _, v := range [...]string{t.Merchant, t.Terminal, t.Batch, t.Trace, t.RRN, t.AuthCode, t.Scheme, t.Card, string(t.Kind), string(t.Channel), string(t.Status), t.Note} {
		b = appendField(b, v)
	}
	b = appendMinor(append(b, 0x1f), t.Amount)
	b = strconv.AppendInt(append(b, 0x1f), t.Time.UnixNano(), 10)
	return &Record{Line: line, POS: &posdesk.POSLine{Tx: t, Line: line, Fingerprint: r.fingerprint(b)}}, nil
}

// fingerprint returns the hex SHA-256 of the normalised row b plus the number of identical rows
// seen before it in this file, so that identical legitimate rows keep distinct fingerprints and a
// re-import of the same file yields the same ones.
func (r *Reader) fingerprint(b []byte) posdesk.Fingerprint {
	n := r.seen.add(maphash.Bytes(r.seed, b))
	b = binary.AppendUvarint(append(b, 0x1e), uint64(n))
	r.fp = b
	return sha256.Sum256(b)
}

// occurrences counts how often each 64-bit row hash was seen: an open-addressing table of the
// hashes (one probe for most rows, 16 bytes a row at most) plus a small map for the repeats.
type occurrences struct {
	slots   []uint64
	n       int
	repeats map[uint64]uint32
}

// add records h and returns how many times it was seen before.
func (o *occurrences) add(h uint64) uint32 {
	h |= 1 // 0 marks an empty slot
	if 2*(o.n+1) > len(o.slots) {
		o.grow()
	}
	mask := uint64(len(o.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch o.slots[i] {
		case 0:
			o.slots[i] = h
			o.n++
			return 0
		case h:
			if o.repeats == nil {
				o.repeats = map[uint64]uint32{}
			}
			o.repeats[h]++
			return o.repeats[h]
		}
	}
}

func (o *occurrences) grow() {
	old := o.slots
	o.slots = make([]uint64, max(1024, 2*len(old)))
	mask := uint64(len(o.slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for o.slots[i] != 0 {
			i = (i + 1) & mask
		}
		o.slots[i] = h
	}
}

// SettlementLines yields the lines of a settlement statement: (line, nil) for each good row,
// (nil, posdesk.RowError) for each refused row, and (nil, err) once when the file is refused.
func (r *Reader) SettlementLines() iter.Seq2[*posdesk.SettlementLine, error] {
	return func(yield func(*posdesk.SettlementLine, error) bool) {
		for rec, err := range r.records() {
			if err != nil || rec.Settlement == nil {
				if err == nil {
					err = posdesk.Errorf(posdesk.EINVALID, "File %s is not a settlement statement; import it with the right kind.", r.name)
				}
				if !yield(nil, err) {
					return
				}
				continue
			}
			if !yield(rec.Settlement, nil) {
				return
			}
		}
	}
}

// BankLines yields the lines of a bank statement, as SettlementLines does.
func (r *Reader) BankLines() iter.Seq2[*posdesk.BankLine, error] {
	return func(yield func(*posdesk.BankLine, error) bool) {
		for rec, err := range r.records() {
			if err != nil || rec.Bank == nil {
				if err == nil {
					err = posdesk.Errorf(posdesk.EINVALID, "File %s is not a bank statement; import it with the right kind.", r.name)
				}
				if !yield(nil, err) {
					return
				}
				continue
			}
			if !yield(rec.Bank, nil) {
				return
			}
		}
	}
}

// POSLines yields the rows of a POS export as ledger transactions, as SettlementLines does.
func (r *Reader) POSLines() iter.Seq2[*posdesk.POSLine, error] {
	return func(yield func(*posdesk.POSLine, error) bool) {
		for rec, err := range r.records() {
			if err != nil || rec.POS == nil {
				if err == nil {
					err = posdesk.Errorf(posdesk.EINVALID, "File %s is not a POS export; import it with the right kind.", r.name)
				}
				if !yield(nil, err) {
					return
				}
				continue
			}
			if !yield(rec.POS, nil) {
				return
			}
		}
	}
}

// records yields records and row errors until the end, stopping after a fatal error. The
// lines are read and split on another goroutine meanwhile; once the sequence ends, the reader
// is done.
func (r *Reader) records() iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		defer r.startReadAhead()()
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var re posdesk.RowError
				if !errors.As(err, &re) {
					yield(nil, err)
					return
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// rawRecord is a record read ahead: its cells and first line, or why it could not be read.
type rawRecord struct {
	cells []string
	line  int
	err   error
}

// readAhead reads the records of a file on its own goroutine, in batches, while the rows before
// them are parsed: decoding and splitting the lines is about a third of the work of reading a
// statement, and an import has a second core for it.
type readAhead struct {
	batches chan aheadBatch
	free    chan aheadBatch // batches parsed, for the goroutine to fill again
	stop    chan struct{}
	done    chan struct{}
	cur     []rawRecord
	parsed  aheadBatch // the batch cur is the rest of
}

// aheadBatch is a batch of records and the one array holding all their cells (the CSV reader
// reuses its own).
type aheadBatch struct {
	recs  []rawRecord
	cells []string
}

// readAheadRows is how many records go to the parser at a time.
const readAheadRows = 256

// startReadAhead starts reading ahead and returns the function that stops it, which waits for
// the goroutine to end; the reader is done after that (Next returns io.EOF or the error met).
// Until it is stopped, only the goroutine touches the decoder and the CSV reader.
func (r *Reader) startReadAhead() (stop func()) {
	if r.ahead != nil || r.err != nil || r.done {
		return func() {}
	}
	a := &readAhead{batches: make(chan aheadBatch, 4), free: make(chan aheadBatch, 4), stop: make(chan struct{}), done: make(chan struct{})}
	r.ahead = a
	go func() {
		defer close(a.done)
		defer close(a.batches)
		var b aheadBatch
		for {
			if b.recs == nil {
				select {
				case b = <-a.free:
					b.recs, b.cells = b.recs[:0], b.cells[:0]
				default:
					b = aheadBatch{recs: make([]rawRecord, 0, readAheadRows), cells: make([]string, 0, readAheadRows*max(len(r.mapp.Header), 1))}
				}
			}
			rec, line, err := r.readRecord()
			start := len(b.cells)
			b.cells = append(b.cells, rec...)
			b.recs = append(b.recs, rawRecord{cells: b.cells[start:len(b.cells):len(b.cells)], line: line, err: err})
			last := err != nil && !IsRowError(err) // the end of the file, or a fatal error
			if len(b.recs) == readAheadRows || last {
				select {
				case a.batches <- b:
				case <-a.stop:
					return
				}
				b = aheadBatch{}
			}
			if last {
				return
			}
		}
	}()
	return func() {
		close(a.stop)
		<-a.done
		if !r.done && r.err == nil {
			r.err = posdesk.Errorf(posdesk.EINTERNAL, "File %s: reading stopped before the end.", r.name)
		}
	}
}

// nextRecord returns the next record, read ahead when the reader is reading ahead.
func (r *Reader) nextRecord() ([]string, int, error) {
	a := r.ahead
	if a == nil {
		return r.readRecord()
	}
	if len(a.cur) == 0 {
		if a.parsed.recs != nil {
			// Every row of the batch is parsed, and the rows keep strings of it, not its slices
			// (r.last is not set while reading ahead): the goroutine may fill it again.
			select {
			case a.free <- a.parsed:
			default:
			}
		}
		b, ok := <-a.batches
		if !ok {
			return nil, 0, io.EOF
		}
		a.cur, a.parsed = b.recs, b
	}
	rr := a.cur[0]
	a.cur = a.cur[1:]
	if rr.err != nil {
		return nil, rr.line, rr.err
	}
	return rr.cells, rr.line, nil
}

// IsRowError reports whether err is a refused row (reading may go on) rather than a refused file.
func IsRowError(err error) bool {
	var re posdesk.RowError
	return errors.As(err, &re)
}
