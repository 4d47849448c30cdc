package importer_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/importer/importertest"
	"github.com/posdesk/posdesk/internal/posdesk"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var update = flag.Bool("update", false, "rewrite the generated files in testdata")

// streamOnly hides everything of a reader but Read, as a network or pipe reader would.
type streamOnly struct{ r io.Reader }

func (s streamOnly) Read(p []byte) (int, error) { return s.r.Read(p) }

// csvRows reads a CSV file of testdata (UTF-8, UTF-8 with BOM or GB18030) into its records, each
// at the index of its line, blank lines as empty records.
func csvRows(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	if strings.HasSuffix(name, ".tsv") {
		cr.Comma = '\t'
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		for len(rows) < line-1 {
			rows = append(rows, nil)
		}
		rows = append(rows, rec)
	}
}

// readAllErr is readAll for a file that may be refused: it returns the refusal.
func readAllErr(r io.Reader, opts importer.Options) ([]*importer.Record, []posdesk.RowError, *importer.Reader, error) {
	if opts.Location == nil {
		opts.Location = shanghai
	}
	rd, err := importer.NewReader(r, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	var recs []*importer.Record
	var rowErrs []posdesk.RowError
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return recs, rowErrs, rd, nil
		}
		var re posdesk.RowError
		if errors.As(err, &re) {
			rowErrs = append(rowErrs, re)
			continue
		}
		if err != nil {
			return recs, rowErrs, rd, err
		}
		recs = append(recs, rec)
	}
}

func fingerprint(r *importer.Record) string {
	switch {
	case r.Settlement != nil:
		return r.Settlement.Fingerprint.String()
	case r.Bank != nil:
		return r.Bank.Fingerprint.String()
	case r.POS != nil:
		return r.POS.Fingerprint.String()
	}
	return ""
}

// sameImport checks that a workbook reads as its CSV: the same mapping (but the encoding), the
// same records on the same lines with the same fingerprints, the same refused rows and counts.
func sameImport(t *testing.T, csvFile, xlsxFile []byte, opts importer.Options) []*importer.Record {
	t.Helper()
	crecs, cerrs, crd := readAll(t, bytes.NewReader(csvFile), opts)
	opts.FileName = strings.TrimSuffix(opts.FileName, filepath.Ext(opts.FileName)) + ".xlsx"
	xrecs, xerrs, xrd := readAll(t, bytes.NewReader(xlsxFile), opts)
	cm, xm := crd.Mapping(), xrd.Mapping()
	if xm.Encoding != importer.EncodingXLSX {
		t.Errorf("workbook encoding %q", xm.Encoding)
	}
	cm.Encoding, cm.Delimiter, xm.Encoding = "", "", ""
	if !reflect.DeepEqual(cm, xm) {
		t.Errorf("mapping\n csv  %+v\n xlsx %+v", cm, xm)
	}
	if cs, xs := crd.Stats(), xrd.Stats(); cs != xs {
		t.Errorf("stats\n csv  %+v\n xlsx %+v", cs, xs)
	}
	if len(crecs) != len(xrecs) {
		t.Fatalf("csv %d records, xlsx %d", len(crecs), len(xrecs))
	}
	for i := range crecs {
		if c, x := crecs[i], xrecs[i]; c.Line != x.Line || fingerprint(c) != fingerprint(x) || fingerprint(c) == "" {
			t.Errorf("record %d: csv line %d %s, xlsx line %d %s", i, c.Line, fingerprint(c), x.Line, fingerprint(x))
		}
	}
	if len(cerrs) != len(xerrs) {
		t.Fatalf("csv row errors %v, xlsx %v", cerrs, xerrs)
	}
	for i := range cerrs {
		if c, x := cerrs[i], xerrs[i]; c.Line != x.Line || c.Field != x.Field || c.Err.Error() != x.Err.Error() {
			t.Errorf("row error %d: csv %v, xlsx %v", i, c, x)
		}
	}
	return xrecs
}

// TestXLSXSamplesMatchCSV saves each sample CSV as a workbook the way Excel does (dates and times
// as serials, numbers as numbers, texts as shared strings) and reads both: same lines, same
// fingerprints, same refused rows.
func TestXLSXSamplesMatchCSV(t *testing.T) {
	for _, name := range []string{"pos_export_en.csv", "settlement_gbk.csv", "bank_statement.csv", "gb18030_title_totals.csv",
		"utf8_bom_english.csv", "tab_guards.tsv", "pos_cn_statuses.csv", "bank_gb18030_direction.csv"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			wb := importertest.XLSXFromRows(csvRows(t, name)).Bytes()
			recs := sameImport(t, b, wb, importer.Options{FileName: name})
			if len(recs) == 0 {
				t.Fatal("no records")
			}
		})
	}
}

// TestXLSXSettlementMatchesCSV reads a generated statement as CSV and as the workbook Excel
// would make of it (merged title, formulas with binary noise, 000000-formatted trace numbers,
// date and time formats, a SUM totals row).
func TestXLSXSettlementMatchesCSV(t *testing.T) {
	const rows = 3000
	var c, x bytes.Buffer
	if err := importertest.WriteSettlementCSV(&c, rows); err != nil {
		t.Fatal(err)
	}
	if err := importertest.WriteSettlementXLSX(&x, rows); err != nil {
		t.Fatal(err)
	}
	recs := sameImport(t, c.Bytes(), x.Bytes(), importer.Options{FileName: "statement.csv"})
	if len(recs) != rows {
		t.Fatalf("%d records", len(recs))
	}
	s := recs[0].Settlement
	if s.MerchantID != "822290070111234" || s.Trace != "000001" || s.Batch != "000012" || s.RRN != "260914000000" || recs[0].Line != 3 ||
		s.Time.Format(time.RFC3339) != "2026-09-13T16:00:00Z" || s.SettleDate.String() != "2026-09-14" {
		t.Errorf("first line %+v", s)
	}
	for _, r := range recs {
		if r.Settlement.Net.Amount.Exponent() < -2 && !r.Settlement.Net.Amount.Equal(r.Settlement.Net.Amount.Round(2)) {
			t.Fatalf("line %d: net %s keeps binary noise", r.Line, r.Settlement.Net.Amount)
		}
	}
}

// TestXLSXInputs reads one workbook from a file, from memory and from a plain stream: the same
// records, and the file's SHA-256 once read.
func TestXLSXInputs(t *testing.T) {
	var b bytes.Buffer
	if err := importertest.WriteSettlementXLSX(&b, 50); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b.Bytes())
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, in := range []struct {
		name string
		r    io.Reader
	}{{"file", f}, {"memory", bytes.NewReader(b.Bytes())}, {"stream", streamOnly{bytes.NewReader(b.Bytes())}}} {
		t.Run(in.name, func(t *testing.T) {
			recs, errs, rd := readAll(t, in.r, importer.Options{FileName: "s.xlsx"})
			if len(recs) != 50 || len(errs) != 0 || recs[49].Line != 52 {
				t.Fatalf("%d records, errors %v", len(recs), errs)
			}
			if got, want := rd.SHA256(), hex.EncodeToString(sum[:]); got != want {
				t.Errorf("SHA256 %s, want %s", got, want)
			}
			if m := rd.Mapping(); m.Kind != posdesk.ImportSettlement || m.HeaderLine != 2 || m.Encoding != importer.EncodingXLSX {
				t.Errorf("mapping %+v", m)
			}
		})
	}
	// A text file still reads as text from a stream (its first bytes are put back).
	recs, _, _ := readAll(t, streamOnly{MustOpen(t, "settlement_gbk.csv")}, importer.Options{FileName: "settlement_gbk.csv"})
	if len(recs) != 120 {
		t.Errorf("CSV from a stream: %d records", len(recs))
	}
}

// TestXLSXCardNumbersMasked: full card numbers stored as numbers or texts in a workbook, in the
// card column and in free-text and identifier columns, come out masked everywhere.
func TestXLSXCardNumbersMasked(t *testing.T) {
	a, b, c := luhnNumber("622202", 16), luhnNumber("436742", 16), luhnNumber("518710", 19)
	rows := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c></row>` +
		`<row r="2"><c r="A2" s="1"><v>46279</v></c><c r="B2"><v>124.5</v></c><c r="C2"><v>260914000501</v></c><c r="D2"><v>` + a + `</v></c>` +
		`<c r="E2" t="s"><v>7</v></c><c r="F2" t="inlineStr"><is><t>客户卡 ` + b + `</t></is></c><c r="G2"><v>1.2</v></c></row>` +
		`<row r="3"><c r="A3" s="1"><v>46279</v></c><c r="B3"><v>5</v></c><c r="C3"><v>` + c + `</v></c><c r="D3" t="s"><v>8</v></c>` +
		`<c r="E3"><v>` + a + `</v></c><c r="F3"><v>` + b + `</v></c><c r="G3"><v>0.1</v></c></row>`
	x := importertest.XLSX{
		Shared:  []string{"交易日期", "交易金额", "参考号", "卡号", "卡类别", "发卡行", "手续费", "借记卡 " + c, c},
		Styles:  []int{0, 14},
		Sheets:  []importertest.XLSXSheet{{Name: "明细", Rows: rows}},
		NumFmts: nil,
	}
	data := x.Bytes()
	recs, errs, _ := readAll(t, bytes.NewReader(data), importer.Options{FileName: "cards.xlsx", Kind: posdesk.ImportSettlement})
	if len(recs) != 2 || len(errs) != 0 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	if got, want := recs[0].Settlement.Card, a[:6]+"******"+a[12:]; got != want {
		t.Errorf("card %q, want %q", got, want)
	}
	p, err := importer.ReadPreview(bytes.NewReader(data), importer.Options{FileName: "cards.xlsx", Kind: posdesk.ImportSettlement, Location: shanghai}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1].Settlement.RRN; got != c[:6]+"*********"+c[15:] {
		t.Errorf("RRN holding a card number: %q", got)
	}
	texts := fmt.Sprintf("%+v %+v %+v %q %q", *recs[0].Settlement, *recs[1].Settlement, p.Mapping, p.Rows[0].Cells, p.Rows[1].Cells)
	for _, n := range []string{a, b, c} {
		if strings.Contains(texts, n) {
			t.Errorf("card number %s left in full in %s", n, texts)
		}
	}
	if !strings.Contains(texts, b[:6]+"******"+b[12:]) {
		t.Errorf("masked issuer text missing: %s", texts)
	}
}

// TestXLSXRefused: damaged and unsupported workbooks are refused as a whole, naming the file
// (and the sheet and cell where that helps).
func TestXLSXRefused(t *testing.T) {
	good := importertest.XLSX{Shared: []string{"交易日期", "交易金额", "参考号"}, Sheets: []importertest.XLSXSheet{{Name: "Sheet1",
		Rows: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
			`<row r="2"><c r="A2"><v>20260914</v></c><c r="B2"><v>1.5</v></c><c r="C2"><v>260914000501</v></c></row>`}}}
	with := func(f func(x *importertest.XLSX)) []byte {
		x := good
		x.Parts = map[string]string{}
		f(&x)
		return x.Bytes()
	}
	zipOf := func(files map[string]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for name, s := range files {
			w, _ := zw.Create(name)
			io.WriteString(w, s)
		}
		zw.Close()
		return b.Bytes()
	}
	goodBytes := good.Bytes()
	bigText := strings.Repeat("长", 300000) // 900 KB a string
	var bigShared strings.Builder
	for i := 0; i < 75; i++ {
		bigShared.WriteString(`<si><t>` + bigText + `</t></si>`)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), "password-protected or in the old .xls format"},
		{"locked.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), "save it as .xlsx or CSV"},
		{"cut.xlsx", goodBytes[:len(goodBytes)/2], "is damaged"},
		{"header.xlsx", []byte("PK\x03\x04\x14\x00\x06\x00rest"), "is damaged"},
		{"zeros.xlsx", append([]byte("PK\x03\x04"), make([]byte, 200)...), "is damaged"},
		{"photos.zip", zipOf(map[string]string{"a.txt": "hello"}), "not an Excel workbook"},
		{"binary.xlsb", zipOf(map[string]string{"xl/workbook.bin": "x"}), ".xlsb"},
		{"nosheet.xlsx", with(func(x *importertest.XLSX) { x.Parts["xl/worksheets/sheet1.xml"] = "" }), `sheet "Sheet1" is missing`},
		{"nosheets.xlsx", with(func(x *importertest.XLSX) { x.Sheets = nil }), "without any sheet"},
		{"empty.xlsx", with(func(x *importertest.XLSX) { x.Sheets[0].Rows = "" }), "is empty"},
		{"badxml.xlsx", with(func(x *importertest.XLSX) {
			x.Parts["xl/worksheets/sheet1.xml"] = importertest.SheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2"><c r="A2"><v>1<`)
		}), `sheet "Sheet1", row 2`},
		{"badshared.xlsx", with(func(x *importertest.XLSX) {
			x.Sheets = []importertest.XLSXSheet{{Name: "Sheet1", Rows: `<row r="7"><c r="C7" t="s"><v>99</v></c></row>`}}
		}), "cell C7"},
		{"farrow.xlsx", with(func(x *importertest.XLSX) {
			x.Sheets = []importertest.XLSXSheet{{Name: "Sheet1", Rows: `<row r="1048577"><c t="s"><v>0</v></c></row>`}}
		}), "row 1048577"},
		{"farcol.xlsx", with(func(x *importertest.XLSX) {
			x.Sheets = []importertest.XLSXSheet{{Name: "Sheet1", Rows: `<row r="3"><c r="ZZZ3" t="s"><v>0</v></c></row>`}}
		}), "last column"},
		{"longrow.xlsx", with(func(x *importertest.XLSX) {
			x.Sheets = []importertest.XLSXSheet{{Name: "Sheet1", Rows: `<row r="1"><c t="inlineStr"><is><t>` + bigText + `</t></is></c><c t="inlineStr"><is><t>` + bigText + `</t></is></c></row>`}}
		}), `sheet "Sheet1", row 1: the row holds more than 1 MB`},
		{"longtoken.xlsx", with(func(x *importertest.XLSX) {
			x.Sheets = []importertest.XLSXSheet{{Name: "Sheet1", Rows: `<row r="1"><c t="inlineStr" x="` + strings.Repeat("x", 5<<20) + `"><is><t>a</t></is></c></row>`}}
		}), "longer than 4 MB"},
		{"hugeshared.xlsx", with(func(x *importertest.XLSX) {
			x.Parts["xl/sharedStrings.xml"] = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + bigShared.String() + `</sst>`
		}), "more than 64 MB of text in its shared strings"},
		{"bomb.xlsx", with(func(x *importertest.XLSX) {
			x.Parts["xl/styles.xml"] = `<styleSheet>` + strings.Repeat("<a/>", 17<<20) + `</styleSheet>`
		}), "larger than 64 MB once unpacked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			readers := []io.Reader{bytes.NewReader(tt.data), streamOnly{bytes.NewReader(tt.data)}}
			if len(tt.data) > 1<<20 || tt.name == "hugeshared.xlsx" {
				if testing.Short() {
					t.Skip("large file")
				}
				readers = readers[:1]
			}
			for _, r := range readers {
				_, _, _, err := readAllErr(r, importer.Options{FileName: tt.name})
				if err == nil {
					t.Fatal("file accepted")
				}
				if importer.IsRowError(err) || posdesk.ErrorCode(err) != posdesk.EINVALID {
					t.Fatalf("error %v is not a file refusal", err)
				}
				if msg := err.Error(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, tt.name) {
					t.Errorf("error %q does not say %q and name the file", msg, tt.want)
				}
			}
		})
	}
}

// TestXLSXCorruptions flips bytes and cuts the seed workbook everywhere: each result is read or
// refused with EINVALID, never a panic or another error.
func TestXLSXCorruptions(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("testdata", "settlement_small.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	try := func(data []byte, what string) {
		recs, _, _, err := readAllErr(bytes.NewReader(data), importer.Options{FileName: "c.xlsx"})
		if err != nil && (importer.IsRowError(err) || posdesk.ErrorCode(err) != posdesk.EINVALID) {
			t.Fatalf("%s: error %v", what, err)
		}
		for _, r := range recs {
			checkRecord(t, r, 1<<20)
		}
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for i := 4; i < len(seed); i += step {
		b := bytes.Clone(seed)
		b[i] ^= 0x5A
		try(b, fmt.Sprintf("byte %d flipped", i))
		try(seed[:i], fmt.Sprintf("cut at %d", i))
	}
}

// TestXLSXSeed checks the generated workbook in testdata (the fuzz seed) is what the generator
// writes now and reads as the statement it holds. go test ./internal/importer -run TestXLSXSeed
// -update rewrites it.
func TestXLSXSeed(t *testing.T) {
	var b bytes.Buffer
	if err := importertest.WriteSettlementXLSX(&b, 3); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "settlement_small.xlsx")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is out of date; run go test ./internal/importer -run TestXLSXSeed -update", path)
	}
	recs, errs, rd := readAll(t, bytes.NewReader(got), importer.Options{FileName: "settlement_small.xlsx"})
	if len(recs) != 3 || len(errs) != 0 || rd.Stats().Totals != 1 || rd.Stats().Title != 1 {
		t.Errorf("%d records, errors %v, stats %+v", len(recs), errs, rd.Stats())
	}
}

// TestXLSXProfile: a mapping read from a workbook saves as a profile that fits the workbook and
// its CSV export alike; a profile's header line counts sheet rows.
func TestXLSXProfile(t *testing.T) {
	var b bytes.Buffer
	if err := importertest.WriteSettlementXLSX(&b, 5); err != nil {
		t.Fatal(err)
	}
	_, _, rd := readAll(t, bytes.NewReader(b.Bytes()), importer.Options{FileName: "s.xlsx"})
	p := rd.Mapping().AsProfile("portal")
	if err := p.Validate(); err != nil || p.Encoding != "" || p.HeaderLine != 2 {
		t.Fatalf("profile %+v: %v", p, err)
	}
	recs, _, _ := readAll(t, bytes.NewReader(b.Bytes()), importer.Options{FileName: "s.xlsx", Profile: &p})
	if len(recs) != 5 {
		t.Errorf("with the profile: %d records", len(recs))
	}
	var c bytes.Buffer
	importertest.WriteSettlementCSV(&c, 5)
	if recs, _, _ := readAll(t, &c, importer.Options{FileName: "s.csv", Profile: &p}); len(recs) != 5 {
		t.Errorf("CSV with the profile: %d records", len(recs))
	}
}

// FuzzReadXLSX feeds workbooks built from arbitrary sheet, shared strings and styles parts to the
// reader: it must never panic, every row must come back as a record or a row error on a sheet
// row, no card number may survive, and a refused file is EINVALID.
func FuzzReadXLSX(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "settlement_small.xlsx"))
	if err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(seed), int64(len(seed)))
	if err != nil {
		f.Fatal(err)
	}
	part := func(name string) []byte {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				return b
			}
		}
		f.Fatalf("seed has no %s", name)
		return nil
	}
	sheet, shared, styles := part("xl/worksheets/sheet1.xml"), part("xl/sharedStrings.xml"), part("xl/styles.xml")
	f.Add(sheet, shared, styles, false)
	f.Add(sheet, shared, styles, true)
	f.Add([]byte(importertest.SheetXML(`<row><c t="inlineStr"><is><t>交易日期</t></is></c><c t="inlineStr"><is><r><t>交易</t></r><r><t>金额</t></r></is></c><c t="inlineStr"><is><t>参考号</t></is></c></row>`+
		`<row r="3"><c s="1"><v>46279.5</v></c><c><v>1234.5600000000001</v></c><c><v>6222021234567894</v></c></row><row><c r="B4" t="e"><v>#N/A</v></c><c t="b"><v>1</v></c></row>`)),
		[]byte(importertest.SharedStringsXML([]string{"合计"})), []byte(importertest.StylesXML(map[int]string{164: "yyyy/m/d h:mm"}, []int{0, 164, 21})), true)
	f.Fuzz(func(t *testing.T, sheet, shared, styles []byte, date1904 bool) {
		if len(sheet)+len(shared)+len(styles) > 1<<16 {
			return
		}
		x := importertest.XLSX{Date1904: date1904, Stored: true, Sheets: []importertest.XLSXSheet{{Name: "S"}}, Parts: map[string]string{
			"xl/worksheets/sheet1.xml": string(sheet), "xl/sharedStrings.xml": string(shared), "xl/styles.xml": string(styles)}}
		for _, kind := range []posdesk.ImportKind{"", []posdesk.ImportKind{posdesk.ImportPOS, posdesk.ImportSettlement, posdesk.ImportBank}[len(sheet)%3]} {
			rd, err := importer.NewReader(bytes.NewReader(x.Bytes()), importer.Options{Kind: kind, FileName: "f.xlsx", Location: shanghai})
			if err != nil {
				if posdesk.ErrorCode(err) != posdesk.EINVALID {
					t.Fatalf("NewReader error %v is not EINVALID", err)
				}
				continue
			}
			for {
				rec, err := rd.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var re posdesk.RowError
				if errors.As(err, &re) {
					if re.Line < 1 || re.Line > 1<<20 || re.Err == nil {
						t.Fatalf("row error %+v outside the sheet", re)
					}
					continue
				}
				if err != nil {
					if posdesk.ErrorCode(err) != posdesk.EINVALID {
						t.Fatalf("Next error %v is not EINVALID", err)
					}
					break
				}
				checkRecord(t, rec, 1<<20)
			}
			if st := rd.Stats(); st.Rows != st.Good+st.Refused {
				t.Fatalf("stats %+v do not add up", st)
			}
		}
	})
}

// BenchmarkReadXLSX100k reads a generated 100,000-row settlement workbook (the shape of
// WriteSettlementXLSX: shared strings, date and time serials, formulas) from a file and reports
// rows per second, the file size and the peak heap.
func BenchmarkReadXLSX100k(b *testing.B) {
	const rows = 100_000
	path, err := importertest.SettlementXLSXFile(b.TempDir(), rows)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRead(b, path, "big.xlsx", rows)
}

// TestXLSXDetailSheet: a cover sheet and a summary sheet before the detail sheet, as portals
// export them: the first sheet whose header maps the statement is read; when none has one, the
// first sheet's refusal is given.
func TestXLSXDetailSheet(t *testing.T) {
	inline := func(r int, cells ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for _, c := range cells {
			fmt.Fprintf(&b, `<c t="inlineStr"><is><t>%s</t></is></c>`, c)
		}
		return b.String() + `</row>`
	}
	detail := inline(3, "交易日期", "交易时间", "参考号", "交易金额", "手续费", "结算金额") +
		inline(4, "20260914", "083000", "260914000501", "124.00", "0.47", "123.53") +
		inline(6, "20260914", "084100", "260914000502", "63.80", "0.24", "63.56") + inline(7, "合计", "", "", "187.80")
	x := importertest.XLSX{Sheets: []importertest.XLSXSheet{
		{Name: "封面", Rows: inline(2, "晨光便利店 2026年9月 对账单")},
		{Name: "汇总", Rows: inline(1, "商户号", "交易笔数", "交易金额", "手续费") + inline(2, "822290070111234", "2", "187.80", "0.71")},
		{Name: "明细", Rows: detail},
	}}
	data := x.Bytes()
	recs, errs, rd := readAll(t, streamOnly{bytes.NewReader(data)}, importer.Options{FileName: "portal.xlsx"})
	if len(recs) != 2 || len(errs) != 0 || recs[0].Line != 4 || recs[1].Line != 6 || recs[1].Settlement.RRN != "260914000502" {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	if m, st := rd.Mapping(), rd.Stats(); m.Kind != posdesk.ImportSettlement || m.HeaderLine != 3 || st != (importer.Stats{Rows: 2, Good: 2, Blank: 3, Totals: 1, Headers: 1}) {
		t.Errorf("mapping %+v, stats %+v", m, st)
	}
	if sum := sha256.Sum256(data); rd.SHA256() != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 %s", rd.SHA256())
	}
	x.Sheets = x.Sheets[:2]
	_, _, _, err := readAllErr(bytes.NewReader(x.Bytes()), importer.Options{FileName: "summary.xlsx", Kind: posdesk.ImportSettlement})
	if err == nil || !strings.Contains(err.Error(), "no header row found") {
		t.Errorf("summary only: %v", err)
	}
}
