package importertest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// XLSX describes an Excel workbook (.xlsx) to write, part by part, the way Excel lays one out.
// The zero value plus one sheet is a valid workbook.
type XLSX struct {
	Sheets   []XLSXSheet
	Shared   []string          // the shared strings table (t="s" cells index it); nil writes none
	NumFmts  map[int]string    // custom number formats by id (164 and up)
	Styles   []int             // the numFmtId of each cell style; a cell's s attribute indexes it
	Date1904 bool              // the 1904 date system (Excel for Mac before 2011)
	Parts    map[string]string // parts added or replaced, by name; "" leaves a part out
	Stored   bool              // parts stored uncompressed (quicker to write, for fuzzing)
}

// XLSXSheet is one sheet of a workbook: its name and the XML of its rows (what goes inside
// <sheetData>: <row><c>...</c></row>...).
type XLSXSheet struct {
	Name   string
	Hidden bool
	Rows   string
}

// Style indexes of the workbooks this package writes (XLSX.Styles of SettlementStyles).
const (
	StyleGeneral  = iota
	StyleDate     // numFmtId 14: a date
	StyleTime     // numFmtId 21: h:mm:ss
	StyleMoney    // numFmtId 4: #,##0.00
	StyleSix      // custom 000000: trace and batch numbers with their leading zeros shown
	StyleCNDate   // custom yyyy"年"m"月"d"日"
	StyleDateTime // numFmtId 22: m/d/yy h:mm
)

// SettlementStyles and SettlementNumFmts are the cell styles of the generated statements.
var (
	SettlementStyles  = []int{0, 14, 21, 4, 164, 165, 22}
	SettlementNumFmts = map[int]string{164: "000000", 165: `yyyy"年"m"月"d"日"`}
)

// Bytes returns the workbook as the bytes of an .xlsx file.
func (x XLSX) Bytes() []byte {
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
}

// Write writes the workbook to w as an .xlsx file.
func (x XLSX) Write(w io.Writer) error {
	zw := zip.NewWriter(w)
	parts := map[string]string{
		"[Content_Types].xml":        contentTypes(len(x.Sheets)),
		"_rels/.rels":                packageRels,
		"xl/workbook.xml":            x.workbookXML(),
		"xl/_rels/workbook.xml.rels": workbookRels(len(x.Sheets)),
		"xl/styles.xml":              StylesXML(x.NumFmts, x.Styles),
	}
	if x.Shared != nil {
		parts["xl/sharedStrings.xml"] = SharedStringsXML(x.Shared)
	}
	for i, s := range x.Sheets {
		parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] = SheetXML(s.Rows)
	}
	for name, p := range x.Parts {
		parts[name] = p
	}
	names := make([]string, 0, len(parts))
	for name, p := range parts {
		if p != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	method := zip.Deflate
	if x.Stored {
		method = zip.Store
	}
	for _, name := range names {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, parts[name]); err != nil {
			return err
		}
	}
	return zw.Close()
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const packageRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

func contentTypes(sheets int) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	for i := 1; i <= sheets; i++ {
		fmt.Fprintf(&b, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i)
	}
	b.WriteString(`</Types>`)
	return b.String()
}

func (x XLSX) workbookXML() string {
	var b strings.Builder
	b.WriteString(xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	if x.Date1904 {
		b.WriteString(`<workbookPr date1904="1"/>`)
	} else {
		b.WriteString(`<workbookPr defaultThemeVersion="166925"/>`)
	}
	b.WriteString(`<sheets>`)
	for i, s := range x.Sheets {
		state := ""
		if s.Hidden {
			state = ` state="hidden"`
		}
		fmt.Fprintf(&b, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, Escape(s.Name), i+1, state, i+1)
	}
	b.WriteString(`</sheets></workbook>`)
	return b.String()
}

func workbookRels(sheets int) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 1; i <= sheets; i++ {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
	}
	fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, sheets+1)
	fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, sheets+2)
	b.WriteString(`</Relationships>`)
	return b.String()
}

// StylesXML returns a styles part with the custom number formats numFmts and one cell style per
// entry of xfs (its numFmtId).
func StylesXML(numFmts map[int]string, xfs []int) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(numFmts) > 0 {
		ids := make([]int, 0, len(numFmts))
		for id := range numFmts {
			ids = append(ids, id)
		}
		sort.Ints(ids)
		fmt.Fprintf(&b, `<numFmts count="%d">`, len(ids))
		for _, id := range ids {
			fmt.Fprintf(&b, `<numFmt numFmtId="%d" formatCode="%s"/>`, id, Escape(numFmts[id]))
		}
		b.WriteString(`</numFmts>`)
	}
	b.WriteString(`<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	if len(xfs) == 0 {
		xfs = []int{0}
	}
	fmt.Fprintf(&b, `<cellXfs count="%d">`, len(xfs))
	for _, id := range xfs {
		fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, id)
	}
	b.WriteString(`</cellXfs></styleSheet>`)
	return b.String()
}

// SharedStringsXML returns a shared strings part holding texts.
func SharedStringsXML(texts []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, xmlHead+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(texts), len(texts))
	for _, s := range texts {
		b.WriteString(`<si><t xml:space="preserve">`)
		b.WriteString(Escape(s))
		b.WriteString(`</t></si>`)
	}
	b.WriteString(`</sst>`)
	return b.String()
}

// SheetXML returns a worksheet part around rows (the content of <sheetData>).
func SheetXML(rows string) string {
	return xmlHead + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>` +
		`<sheetData>` + rows + `</sheetData></worksheet>`
}

// Escape returns s escaped for XML text and attribute values.
func Escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// ColumnName returns the letters of 0-based column col: A, B, ... Z, AA ...
func ColumnName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// Serial returns the Excel serial number (1900 date system) of a wall-clock time, as Excel
// writes it: whole days since 1899-12-30 plus the fraction of the day, 17 significant digits.
func Serial(t time.Time) string {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	days := int(day.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	secs := t.Hour()*3600 + t.Minute()*60 + t.Second()
	if secs == 0 {
		return strconv.Itoa(days)
	}
	return strconv.FormatFloat(float64(days)+float64(secs)/86400, 'g', 17, 64)
}

// TimeSerial returns the Excel serial of a time of day alone (a fraction of a day).
func TimeSerial(t time.Time) string {
	secs := t.Hour()*3600 + t.Minute()*60 + t.Second()
	return strconv.FormatFloat(float64(secs)/86400, 'g', 17, 64)
}

// excelDecimal writes an amount in minor units as Excel stores a typed amount: no trailing zeros.
func excelDecimal(minor int64) string {
	s := fmt.Sprintf("%d.%02d", minor/100, minor%100)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// sharedTable collects the shared strings of a workbook being written.
type sharedTable struct {
	index map[string]int
	texts []string
}

func (t *sharedTable) add(s string) int {
	if t.index == nil {
		t.index = map[string]int{}
	}
	i, ok := t.index[s]
	if !ok {
		i = len(t.texts)
		t.index[s] = i
		t.texts = append(t.texts, s)
	}
	return i
}

// WriteSettlementXLSX writes the statement WriteSettlementCSV writes as an Excel workbook, the
// way a portal's export opened and saved in Excel looks: texts in the shared strings table,
// numbers as numbers (merchant, terminal, RRN; trace and batch shown with format 000000),
// dates and times as serials with date and time formats, the net amount a formula whose stored
// value carries binary noise (123.52999999999999), the title merged across the columns, the 合计
// row with SUM formulas. Its rows, line numbers and fingerprints read the same as the CSV's.
func WriteSettlementXLSX(w io.Writer, rows int) error {
	zw := zip.NewWriter(w)
	var sst sharedTable
	sw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(sw, 1<<20)
	bw.WriteString(xmlHead + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	fmt.Fprintf(bw, `<dimension ref="A1:O%d"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>`, rows+3)
	fmt.Fprintf(bw, `<row r="1"><c r="A1" t="s"><v>%d</v></c></row>`, sst.add("晨光便利店 商户交易明细对账单"))
	bw.WriteString(`<row r="2">`)
	for i, h := range strings.Split(SettlementHeader, ",") {
		fmt.Fprintf(bw, `<c r="%s2" t="s"><v>%d</v></c>`, ColumnName(i), sst.add(h))
	}
	bw.WriteString(`</row>`)
	shop := sst.add("晨光便利店朝阳门店")
	debit := sst.add("借记卡")
	for i := 0; i < rows; i++ {
		date, clock, kind, card, amount, fee, _, rrn, trace, batch, term := Row(i)
		day, _ := time.Parse("20060102150405", date+clock)
		r := i + 3
		am, _ := strconv.ParseInt(strings.ReplaceAll(amount, ".", ""), 10, 64)
		fm, _ := strconv.ParseInt(strings.ReplaceAll(fee, ".", ""), 10, 64)
		// The net amount is a formula; Excel stores its double result with 17 digits.
		net := strconv.FormatFloat(float64(am)/100-float64(fm)/100, 'g', 17, 64)
		tr, _ := strconv.Atoi(trace)
		ba, _ := strconv.Atoi(batch)
		_, err := fmt.Fprintf(bw, `<row r="%[1]d"><c r="A%[1]d"><v>822290070111234</v></c><c r="B%[1]d" t="s"><v>%[2]d</v></c>`+
			`<c r="C%[1]d"><v>%[3]s</v></c><c r="D%[1]d" s="1"><v>%[4]s</v></c><c r="E%[1]d" s="2"><v>%[5]s</v></c>`+
			`<c r="F%[1]d" t="s"><v>%[6]d</v></c><c r="G%[1]d" t="s"><v>%[7]d</v></c><c r="H%[1]d" t="s"><v>%[8]d</v></c>`+
			`<c r="I%[1]d" s="3"><v>%[9]s</v></c><c r="J%[1]d" s="3"><v>%[10]s</v></c><c r="K%[1]d" s="3"><f>I%[1]d-J%[1]d</f><v>%[11]s</v></c>`+
			`<c r="L%[1]d"><v>%[12]s</v></c><c r="M%[1]d" s="4"><v>%[13]d</v></c><c r="N%[1]d" s="4"><v>%[14]d</v></c><c r="O%[1]d" s="0"/></row>`,
			r, shop, term, Serial(day.Truncate(24*time.Hour)), TimeSerial(day), sst.add(kind), sst.add(card), debit,
			excelDecimal(am), excelDecimal(fm), net, rrn, tr, ba)
		if err != nil {
			return err
		}
	}
	last := rows + 3
	fmt.Fprintf(bw, `<row r="%[1]d"><c r="A%[1]d" t="s"><v>%[2]d</v></c><c r="I%[1]d" s="3"><f>SUM(I3:I%[3]d)</f><v>0</v></c></row>`, last, sst.add("合计"), last-1)
	bw.WriteString(`</sheetData><mergeCells count="1"><mergeCell ref="A1:O1"/></mergeCells></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	x := XLSX{Sheets: []XLSXSheet{{Name: "对账单"}}, NumFmts: SettlementNumFmts, Styles: SettlementStyles}
	for _, p := range [][2]string{
		{"[Content_Types].xml", contentTypes(1)},
		{"_rels/.rels", packageRels},
		{"xl/workbook.xml", x.workbookXML()},
		{"xl/_rels/workbook.xml.rels", workbookRels(1)},
		{"xl/styles.xml", StylesXML(x.NumFmts, x.Styles)},
		{"xl/sharedStrings.xml", SharedStringsXML(sst.texts)},
	} {
		f, err := zw.Create(p[0])
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p[1]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// SettlementXLSXFile writes a workbook of rows rows (see WriteSettlementXLSX) into dir and
// returns its path.
func SettlementXLSXFile(dir string, rows int) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("settlement_%d.xlsx", rows))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := WriteSettlementXLSX(f, rows); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// XLSXFromRows returns a workbook of one sheet holding rows as Excel would after opening the CSV
// and saving it: dates (20260914, 2026-09-14, 2026/9/14) as date serials, times (08:30:00) as
// time serials, both together as a date-time serial, plain numbers without leading zeros as
// numbers, everything else (083000, 000501, 1,288.00) as shared strings. Row i is sheet row i+1;
// empty cells are left out.
func XLSXFromRows(rows [][]string) XLSX {
	var sst sharedTable
	var b strings.Builder
	for i, rec := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, i+1)
		for j, c := range rec {
			ref := ColumnName(j) + strconv.Itoa(i+1)
			if c == "" {
				continue
			}
			if t, style, ok := excelTime(c); ok {
				v := Serial(t)
				if style == StyleTime {
					v = TimeSerial(t)
				}
				fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, style, v)
				continue
			}
			if isPlainNumber(c) {
				v := c
				if strings.Contains(v, ".") {
					v = strings.TrimSuffix(strings.TrimRight(v, "0"), ".")
				}
				fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, v)
				continue
			}
			fmt.Fprintf(&b, `<c r="%s" t="s"><v>%d</v></c>`, ref, sst.add(c))
		}
		b.WriteString(`</row>`)
	}
	return XLSX{Sheets: []XLSXSheet{{Name: "Sheet1", Rows: b.String()}}, Shared: append([]string{}, sst.texts...), NumFmts: SettlementNumFmts, Styles: SettlementStyles}
}

// excelTime reports whether Excel turns s into a date or time when it opens a CSV, and how.
func excelTime(s string) (time.Time, int, bool) {
	for _, l := range []struct {
		layout string
		style  int
	}{{"20060102", StyleDate}, {"2006-01-02", StyleDate}, {"2006/1/2", StyleDate}, {"15:04:05", StyleTime},
		{"2006-01-02 15:04:05", StyleDateTime}, {"2006/1/2 15:04:05", StyleDateTime}} {
		if t, err := time.Parse(l.layout, s); err == nil && (t.Year() >= 2000 || l.style == StyleTime) {
			return t, l.style, true
		}
	}
	return time.Time{}, 0, false
}

// isPlainNumber: digits with at most one point, no leading zero, at most 15 digits (Excel keeps
// no more).
func isPlainNumber(s string) bool {
	i, f, _ := strings.Cut(s, ".")
	if i == "" || !isDigits(i) || (f != "" && !isDigits(f)) || strings.Count(s, ".") > 1 {
		return false
	}
	if len(i) > 1 && i[0] == '0' || len(i)+len(f) > 15 {
		return false
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
