package importer

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/importer/importertest"
)

func TestExcelNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1234.5", "1234.5"},
		{"124", "124"},
		{"124.50", "124.50"}, // exact text kept as written
		{"1234.5600000000001", "1234.56"},
		{"123.52999999999999", "123.53"},
		{"0.30000000000000004", "0.3"},
		{"-1234.5600000000001", "-1234.56"},
		{"260914000501", "260914000501"},         // a 12-digit RRN
		{"6222021234567894", "6222021234567894"}, // 16 digits written out are kept, every one
		{"1.23456789012E+11", "123456789012"},
		{"1.2345678901200001E+11", "123456789012"},
		{"6.2220212345678899E+15", "6222021234567890"},
		{"1E-3", "0.001"},
		{"5.0000000000000001E-3", "0.005"},
		{"2.5e2", "250"},
		{"99999999999999999.5", "100000000000000000"},
		{"0.99999999999999999", "1"},
		{"0.0", "0.0"},
		{"0E+5", "0"},
		{"", ""},
		{"abc", "abc"},
		{"1E+999", "1E+999"},
		{"1e", "1e"},
		{"-", "-"},
	}
	for _, tt := range tests {
		if got := excelNumber(tt.in); got != tt.want {
			t.Errorf("excelNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatKind(t *testing.T) {
	tests := []struct {
		code string
		want cellKind
	}{
		{"General", kindNumber},
		{"0.00", kindNumber},
		{"#,##0.00_);[Red](#,##0.00)", kindNumber},
		{"0.00E+00", kindNumber},
		{`[$¥-804]#,##0.00`, kindNumber},
		{`#,##0.00 "元"`, kindNumber},
		{`"day "0`, kindNumber},
		{"000000", kindNumber},
		{"@", kindNumber},
		{"yyyy/m/d;@", kindDate},
		{`yyyy"年"m"月"d"日"`, kindDate},
		{"[$-804]yyyy-mm-dd", kindDate},
		{"[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", kindDate},
		{"mmm", kindDate},
		{"YYYY-MM-DD", kindDate},
		{"yyyy-mm-dd hh:mm:ss", kindDateTime},
		{"m/d/yy h:mm", kindDateTime},
		{"hh:mm", kindTime},
		{"h:mm AM/PM", kindTime},
		{`上午/下午h"时"mm"分"`, kindTime},
		{"[h]:mm:ss", kindTime},
		{"mm:ss.0", kindTime},
		{`0.00;[Red]"y"0.00`, kindNumber},
		{`0;yyyy`, kindNumber}, // only the first section counts
	}
	for _, tt := range tests {
		if got := formatKind(tt.code); got != tt.want {
			t.Errorf("formatKind(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
	for id, want := range map[int]cellKind{0: kindNumber, 4: kindNumber, 14: kindDate, 22: kindDateTime, 21: kindTime, 31: kindDate, 32: kindTime, 46: kindTime, 49: kindNumber, 57: kindDate, 58: kindDate} {
		if got := builtinKind(id); got != want {
			t.Errorf("builtinKind(%d) = %d, want %d", id, got, want)
		}
	}
}

func TestAppendSerial(t *testing.T) {
	tests := []struct {
		v        string
		kind     cellKind
		date1904 bool
		want     string
	}{
		{"46279", kindDate, false, "2026-09-14"},
		{"46279.354166666664", kindDate, false, "2026-09-14 08:30:00"},
		{"46279.354166666664", kindDateTime, false, "2026-09-14 08:30:00"},
		{"46279", kindDateTime, false, "2026-09-14 00:00:00"},
		{"0.35416666666666669", kindTime, false, "08:30:00"},
		{"46279.999999999", kindTime, false, "00:00:00"}, // rounds to the next midnight
		{"46279.35416", kindTime, false, "08:29:59"},
		{"0.5", kindDateTime, false, "12:00:00"},
		{"0", kindDate, false, "0"}, // 1900-01-00 is no date
		{"1", kindDate, false, "1900-01-01"},
		{"59", kindDate, false, "1900-02-28"},
		{"60", kindDate, false, "1900-02-29"}, // the date that never was
		{"61", kindDate, false, "1900-03-01"},
		{"44817", kindDate, true, "2026-09-14"}, // 1904 date system: 1462 days fewer
		{"0", kindDate, true, "1904-01-01"},
		{"2958465", kindDate, false, "9999-12-31"},
		{"2958466", kindDate, false, "2958466"},
		{"-1", kindDate, false, "-1"},
		{"x", kindDate, false, "x"},
		{"124.5", kindNumber, false, "124.5"},
	}
	for _, tt := range tests {
		if got := string(appendNumber(nil, tt.v, tt.kind, tt.date1904)); got != tt.want {
			t.Errorf("appendNumber(%q, %d, 1904=%v) = %q, want %q", tt.v, tt.kind, tt.date1904, got, tt.want)
		}
	}
	for in, want := range map[string]string{"2026-09-14T08:30:00": "2026-09-14 08:30:00", "2026-09-14T08:30:00.000Z": "2026-09-14 08:30:00", "2026-09-14": "2026-09-14", "08:30:00": "08:30:00", "soon": "soon"} {
		if got := string(appendISODate(nil, in)); got != want {
			t.Errorf("appendISODate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnOf(t *testing.T) {
	for ref, want := range map[string]int{"A1": 0, "C7": 2, "Z9": 25, "AA10": 26, "ab12": 27, "XFD1048576": 16383, "B": 1} {
		if got, ok := columnOf(ref); !ok || got != want {
			t.Errorf("columnOf(%q) = %d, %v, want %d", ref, got, ok, want)
		}
		if got := cellName(want, 3); !strings.HasPrefix(strings.ToUpper(ref), strings.TrimSuffix(got, "3")) {
			t.Errorf("cellName(%d) = %q for %q", want, got, ref)
		}
	}
	for _, ref := range []string{"", "7", "ABCD1", "$A$1"} {
		if _, ok := columnOf(ref); ok {
			t.Errorf("columnOf(%q) accepted", ref)
		}
	}
}

// sheetRows reads every row of the workbook x as the reader sees it.
func sheetRows(t *testing.T, x importertest.XLSX) (rows [][]string, lines []int, blank int) {
	t.Helper()
	b := x.Bytes()
	sh, err := openSheet(bytes.NewReader(b), int64(len(b)), "t.xlsx", &blank)
	if err != nil {
		t.Fatalf("openSheet: %v", err)
	}
	for {
		row, line, err := sh.next()
		if errors.Is(err, io.EOF) {
			return rows, lines, blank
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		rows = append(rows, slices.Clone(row))
		lines = append(lines, line)
	}
}

func TestXLSXRows(t *testing.T) {
	styles := []int{0, 14, 22, 21, 164, 165, 166, 49}
	numFmts := map[int]string{164: `yyyy"年"m"月"d"日"`, 165: "hh:mm", 166: "0.00"}
	tests := []struct {
		name  string
		x     importertest.XLSX
		rows  [][]string
		lines []int
		blank int
	}{{
		name: "shared strings, rich text, phonetic runs, escapes",
		x: importertest.XLSX{
			Parts: map[string]string{"xl/sharedStrings.xml": `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
				`<si><r><t>交易</t></r><r><rPr><b/></rPr><t xml:space="preserve">金额 </t></r></si>` +
				`<si><t>参考号</t><rPh sb="0" eb="3"><t>cankaohao</t></rPh><phoneticPr fontId="1"/></si>` +
				`<si><t>a_x000D__x000A_b &amp; &lt;c&gt;</t></si><si/><si><t></t></si></sst>`},
			Sheets: []importertest.XLSXSheet{{Name: "S", Rows: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>1</v></c></row>`}},
		},
		rows:  [][]string{{"交易金额 ", "参考号", "a\r\nb & <c>", "", "参考号"}},
		lines: []int{1},
	}, {
		name: "inline strings, formulas, booleans, errors, ISO dates",
		x: importertest.XLSX{Sheets: []importertest.XLSXSheet{{Name: "S", Rows: `<row r="2">` +
			`<c r="A2" t="inlineStr"><is><t>商户号</t></is></c>` +
			`<c r="B2" t="inlineStr"><is><r><t>终端</t></r><r><t>号</t></r></is></c>` +
			`<c r="C2" t="str"><f>A2&amp;"x"</f><v>商户号x</v></c>` +
			`<c r="D2" t="b"><v>1</v></c><c r="E2" t="b"><v>0</v></c>` +
			`<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c>` +
			`<c r="G2" t="d"><v>2026-09-14T08:30:00</v></c>` +
			`<c r="H2"><f>SUM(1,2)</f></c>` +
			`</row>`}}},
		rows:  [][]string{{"商户号", "终端号", "商户号x", "TRUE", "FALSE", "#DIV/0!", "2026-09-14 08:30:00", ""}},
		lines: []int{2},
		blank: 1,
	}, {
		name: "dates and times, built-in and custom formats",
		x: importertest.XLSX{Styles: styles, NumFmts: numFmts, Sheets: []importertest.XLSXSheet{{Name: "S", Rows: `<row r="1">` +
			`<c r="A1" s="1"><v>46279</v></c><c r="B1" s="2"><v>46279.354166666664</v></c><c r="C1" s="3"><v>0.35416666666666669</v></c>` +
			`<c r="D1" s="4"><v>46279</v></c><c r="E1" s="5"><v>0.5</v></c><c r="F1" s="6"><v>1234.5600000000001</v></c>` +
			`<c r="G1" s="7"><v>260914000501</v></c><c r="H1" s="99"><v>46279</v></c><c r="I1" s="-1"><v>7</v></c></row>`}}},
		rows:  [][]string{{"2026-09-14", "2026-09-14 08:30:00", "08:30:00", "2026-09-14", "12:00:00", "1234.56", "260914000501", "46279", "7"}},
		lines: []int{1},
	}, {
		name:  "1904 date system",
		x:     importertest.XLSX{Date1904: true, Styles: styles, NumFmts: numFmts, Sheets: []importertest.XLSXSheet{{Name: "S", Rows: `<row r="1"><c r="A1" s="1"><v>44817</v></c><c r="B1" s="2"><v>44817.5</v></c><c r="C1" s="3"><v>0.25</v></c></row>`}}},
		rows:  [][]string{{"2026-09-14", "2026-09-14 12:00:00", "06:00:00"}},
		lines: []int{1},
	}, {
		name: "missing references, sparse cells, blank and empty rows",
		x: importertest.XLSX{Sheets: []importertest.XLSXSheet{{Name: "S", Rows: `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>` +
			`<row r="3" spans="1:4"><c r="B3"><v>1</v></c><c><v>2</v></c><c r="E3"><v>5</v></c></row>` +
			`<row r="4"><c r="A4" s="0"/><c r="B4" t="inlineStr"><is><t></t></is></c></row>` +
			`<row r="5"/>` +
			`<row><c><v>6</v></c></row>` +
			`<row r="9"><c r="C9"><v>9</v></c><c r="A9"><v>1</v></c></row>` +
			`<row r="12"><c r="A12" s="0"/></row>`}}},
		rows:  [][]string{{"a", "b"}, {"", "1", "2", "", "5"}, {"6"}, {"1", "", "9"}},
		lines: []int{1, 3, 6, 9},
		blank: 1 + 2 + 2, // row 2; rows 4 and 5; rows 7 and 8; rows 10 to 12 end the sheet and do not count
	}, {
		name: "the first sheet holding a cell, visible ones first",
		x: importertest.XLSX{Shared: []string{"hidden", "second"}, Sheets: []importertest.XLSXSheet{
			{Name: "Hidden", Hidden: true, Rows: `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`},
			{Name: "Empty", Rows: `<row r="1"><c r="A1" s="0"/></row>`},
			{Name: "Data", Rows: `<row r="4"><c r="A4" t="s"><v>1</v></c></row>`},
		}},
		rows:  [][]string{{"second"}},
		lines: []int{4},
		blank: 3,
	}, {
		name: "prefixed names and HTML entities",
		x: importertest.XLSX{Parts: map[string]string{"xl/worksheets/sheet1.xml": `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
			`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a&nbsp;b</x:t></x:is></x:c><x:c r="B1"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>`},
			Sheets: []importertest.XLSXSheet{{Name: "S"}}},
		rows:  [][]string{{"a\u00a0b", "3"}},
		lines: []int{1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, lines, blank := sheetRows(t, tt.x)
			if !slices.EqualFunc(rows, tt.rows, slices.Equal) {
				t.Errorf("rows\n got %q\nwant %q", rows, tt.rows)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines %v, want %v", lines, tt.lines)
			}
			if blank != tt.blank {
				t.Errorf("blank rows %d, want %d", blank, tt.blank)
			}
		})
	}
}
