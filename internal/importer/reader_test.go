package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"golang.org/x/text/encoding/unicode"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// readAll reads a whole file and returns its records, its row errors and the reader.
func readAll(tb testing.TB, r io.Reader, opts importer.Options) ([]*importer.Record, []posdesk.RowError, *importer.Reader) {
	tb.Helper()
	if opts.Location == nil {
		opts.Location = shanghai
	}
	rd, err := importer.NewReader(r, opts)
	if err != nil {
		tb.Fatalf("NewReader(%s): %v", opts.FileName, err)
	}
	var recs []*importer.Record
	var rowErrs []posdesk.RowError
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re posdesk.RowError
		if errors.As(err, &re) {
			rowErrs = append(rowErrs, re)
			continue
		}
		if err != nil {
			tb.Fatalf("Next(%s): %v", opts.FileName, err)
		}
		recs = append(recs, rec)
	}
	return recs, rowErrs, rd
}

// MustOpen opens a file in testdata.
func MustOpen(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func sumSettlement(recs []*importer.Record) (amount, net posdesk.Money) {
	for _, r := range recs {
		amount = amount.Add(r.Settlement.Amount)
		net = net.Add(r.Settlement.Net)
	}
	return amount, net
}

func TestReadSamples(t *testing.T) {
	t.Run("pos", func(t *testing.T) {
		recs, errs, rd := readAll(t, MustOpen(t, "pos_export_en.csv"), importer.Options{FileName: "pos_export_en.csv", Kind: posdesk.ImportPOS})
		m := rd.Mapping()
		if m.Kind != posdesk.ImportPOS || m.Profile != "pos-en" || m.Encoding != "utf-8" || m.HeaderLine != 1 {
			t.Errorf("mapping = %+v", m)
		}
		if got, want := len(recs), 121; got != want || len(errs) != 0 {
			t.Fatalf("rows = %d, errors %v; want %d", got, errs, want)
		}
		first := recs[0].POS.Tx
		if first.RRN != "260914000501" || first.Trace != "000501" || first.Batch != "000012" || first.Terminal != "61000042" ||
			first.AuthCode != "336580" || first.Card != "518710******6208" || first.Kind != "sale" || first.Status != "approved" ||
			first.Amount.Plain() != "124.00" || first.Time.Format(time.RFC3339) != "2026-09-14T00:30:00Z" || recs[0].POS.Line != 2 ||
			first.Source != posdesk.SourceImport || first.Channel != posdesk.ChannelUnknownCard {
			t.Errorf("first row = %+v", first)
		}
		last := recs[120].POS.Tx
		if last.Kind != "refund" || last.Amount.Plain() != "58.00" || last.RRN != "260915000621" || recs[120].Line != 122 {
			t.Errorf("refund row = %+v", last)
		}
		failed := 0
		for _, r := range recs {
			if r.POS.Tx.Status == "failed" {
				failed++
			}
		}
		if failed != 2 {
			t.Errorf("failed rows = %d, want 2", failed)
		}
		sum := sha256File(t, "pos_export_en.csv")
		if rd.SHA256() != sum {
			t.Errorf("SHA256 = %s, want %s", rd.SHA256(), sum)
		}
	})
	t.Run("settlement", func(t *testing.T) {
		recs, errs, rd := readAll(t, MustOpen(t, "settlement_gbk.csv"), importer.Options{FileName: "settlement_gbk.csv"})
		m := rd.Mapping()
		if m.Kind != posdesk.ImportSettlement || m.Profile != "settlement-lakala" || m.Encoding != "gb18030" {
			t.Errorf("mapping = %+v", m)
		}
		if got, want := len(recs), 120; got != want || len(errs) != 0 {
			t.Fatalf("rows = %d, errors %v; want %d", got, errs, want)
		}
		amount, net := sumSettlement(recs)
		if amount.Plain() != "54294.30" || net.Plain() != "54088.02" {
			t.Errorf("totals = %s / %s", amount.Plain(), net.Plain())
		}
		s := recs[0].Settlement
		if s.MerchantID != "822290070111234" || s.CardType != "借记卡" || s.Fee.Plain() != "0.47" || s.Net.Plain() != "123.53" ||
			s.SettleDate.String() != "2026-09-14" || s.Time.Format(time.RFC3339) != "2026-09-14T00:30:00Z" {
			t.Errorf("first line = %+v", s)
		}
	})
	t.Run("bank", func(t *testing.T) {
		recs, errs, rd := readAll(t, MustOpen(t, "bank_statement.csv"), importer.Options{FileName: "bank_statement.csv"})
		if m := rd.Mapping(); m.Kind != posdesk.ImportBank || m.Encoding != "utf-8-bom" || m.Profile != "bank-cn" {
			t.Errorf("mapping = %+v", m)
		}
		if len(recs) != 2 || len(errs) != 0 {
			t.Fatalf("rows = %d, errors %v", len(recs), errs)
		}
		b := recs[0].Bank
		if b.Date.String() != "2026-09-15" || b.Credit.Plain() != "39950.45" || !b.Debit.IsZero() ||
			b.Balance.Plain() != "89950.45" || b.Description != "POS清算入账" || b.Counterparty != "收单机构清算户" {
			t.Errorf("first line = %+v", b)
		}
	})
}

func sha256File(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	rd, err := importer.NewReader(bytes.NewReader(b), importer.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := rd.Next(); errors.Is(err, io.EOF) {
			break
		}
	}
	return rd.SHA256()
}

func TestReadVariants(t *testing.T) {
	tests := []struct {
		file      string
		kind      posdesk.ImportKind // expected detected kind
		encoding  string
		header    int
		rows      int
		stats     importer.Stats
		amount    string // sum of amounts (settlement) or credits (bank)
		net       string // sum of net (settlement) or debits (bank)
		firstRRN  string
		firstTime string
	}{
		{
			file: "gb18030_title_totals.csv", kind: posdesk.ImportSettlement, encoding: "gb18030", header: 4, rows: 4,
			stats:  importer.Stats{Rows: 4, Good: 4, Title: 2, Blank: 1, Totals: 1, Notes: 1, Headers: 1},
			amount: "2209.00", net: "2200.39", firstRRN: "260914000501", firstTime: "2026-09-14T00:30:00Z",
		},
		{
			file: "utf8_bom_english.csv", kind: posdesk.ImportSettlement, encoding: "utf-8-bom", header: 1, rows: 3,
			stats:  importer.Stats{Rows: 3, Good: 3, Headers: 1},
			amount: "2074.00", net: "2065.90", firstRRN: "260914000501", firstTime: "2026-09-14T00:30:00Z",
		},
		{
			file: "tab_guards.tsv", kind: posdesk.ImportSettlement, encoding: "utf-8", header: 1, rows: 3,
			stats:  importer.Stats{Rows: 3, Good: 3, Headers: 2},
			amount: "962.80", net: "958.67", firstRRN: "260914000501", firstTime: "2026-09-14T00:30:00Z",
		},
		{
			file: "bank_gb18030_direction.csv", kind: posdesk.ImportBank, encoding: "gb18030", header: 3, rows: 3,
			stats:  importer.Stats{Rows: 3, Good: 3, Title: 2, Headers: 1},
			amount: "54088.02", net: "200.00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, errs, rd := readAll(t, MustOpen(t, tt.file), importer.Options{FileName: tt.file})
			if len(errs) > 0 {
				t.Fatalf("row errors: %v", errs)
			}
			m := rd.Mapping()
			if m.Kind != tt.kind || m.Encoding != tt.encoding || m.HeaderLine != tt.header {
				t.Errorf("mapping = %+v", m)
			}
			if got := rd.Stats(); got != tt.stats {
				t.Errorf("stats = %+v, want %+v", got, tt.stats)
			}
			if len(recs) != tt.rows {
				t.Fatalf("rows = %d, want %d", len(recs), tt.rows)
			}
			var a, n posdesk.Money
			for _, r := range recs {
				if r.Settlement != nil {
					a, n = a.Add(r.Settlement.Amount), n.Add(r.Settlement.Net)
				} else {
					a, n = a.Add(r.Bank.Credit), n.Add(r.Bank.Debit)
				}
			}
			if a.Plain() != tt.amount || n.Plain() != tt.net {
				t.Errorf("sums = %s / %s, want %s / %s", a.Plain(), n.Plain(), tt.amount, tt.net)
			}
			if s := recs[0].Settlement; s != nil {
				if s.RRN != tt.firstRRN || s.Time.Format(time.RFC3339) != tt.firstTime || s.Trace != "000501" || s.Batch != "000012" {
					t.Errorf("first line = %+v", s)
				}
			}
		})
	}
}

func TestReadVariantDetails(t *testing.T) {
	recs, _, rd := readAll(t, MustOpen(t, "gb18030_title_totals.csv"), importer.Options{FileName: "x.csv"})
	if got := rd.Mapping().Column(importer.FieldStore); got != "门店" {
		t.Errorf("store column = %q", got)
	}
	refund := recs[3].Settlement
	if refund.Kind != "refund" || refund.Amount.Plain() != "-58.00" || refund.Net.Plain() != "-58.00" || refund.Line != 8 {
		t.Errorf("refund = %+v", refund)
	}
	if s := recs[1].Settlement; s.Amount.Plain() != "2008.00" || s.Issuer != "建设银行" || s.CardType != "贷记卡" || s.SettleDate.String() != "2026-09-14" {
		t.Errorf("second = %+v", s)
	}

	recs, _, _ = readAll(t, MustOpen(t, "utf8_bom_english.csv"), importer.Options{FileName: "x.csv"})
	if s := recs[2].Settlement; s.Kind != "refund" || s.Amount.Plain() != "-58.00" || s.Time.Format(time.RFC3339) != "2026-09-14T20:30:00Z" {
		t.Errorf("refund = %+v", s)
	}

	recs, _, _ = readAll(t, MustOpen(t, "tab_guards.tsv"), importer.Options{FileName: "x.tsv"})
	if s := recs[2].Settlement; s.Kind != "void" || s.Amount.Plain() != "-125.00" || s.Line != 5 {
		t.Errorf("void = %+v", s)
	}
	if s := recs[1].Settlement; s.Amount.Plain() != "63.80" || s.RRN != "260914000502" || s.Trace != "000502" {
		t.Errorf("guarded = %+v", s)
	}

	recs, _, _ = readAll(t, MustOpen(t, "bank_gb18030_direction.csv"), importer.Options{FileName: "x.csv"})
	if b := recs[1].Bank; !b.Credit.IsZero() || b.Debit.Plain() != "200.00" || b.Description != "物业费" || b.Counterparty != "某某物业" {
		t.Errorf("debit line = %+v", b)
	}
}

func TestReadPOSStatusesAndBadRows(t *testing.T) {
	recs, errs, rd := readAll(t, MustOpen(t, "pos_cn_statuses.csv"), importer.Options{FileName: "pos_cn_statuses.csv"})
	if rd.Mapping().Kind != posdesk.ImportPOS {
		t.Fatalf("kind = %s", rd.Mapping().Kind)
	}
	type want struct {
		line   int
		status posdesk.TxStatus
		kind   posdesk.TxKind
		amount string
	}
	wants := []want{
		{2, "approved", "sale", "124.00"},
		{3, "approved", "sale", "15.00"},
		{4, "approved", "sale", "15.00"},
		{5, "failed", "sale", "42.50"},
		{6, "no_response", "sale", "37.90"},
		{7, "reversed", "reversal", "37.90"},
		{11, "approved", "sale", "12.00"},
	}
	if len(recs) != len(wants) {
		t.Fatalf("rows = %d, want %d", len(recs), len(wants))
	}
	for i, w := range wants {
		p := recs[i].POS.Tx
		if recs[i].Line != w.line || p.Status != w.status || p.Kind != w.kind || p.Amount.Plain() != w.amount {
			t.Errorf("row %d = line %d %s %s %s, want %+v", i, recs[i].Line, p.Status, p.Kind, p.Amount.Plain(), w)
		}
	}
	// The bad rows come back with their line and field; the good ones after them survive.
	gotErrs := map[int]string{}
	for _, e := range errs {
		gotErrs[e.Line] = e.Field
		if e.Err == nil || e.Err.Code != posdesk.EINVALID {
			t.Errorf("line %d: %v", e.Line, e)
		}
	}
	wantErrs := map[int]string{8: "amount", 9: "date", 10: "kind"}
	if len(gotErrs) != len(wantErrs) {
		t.Errorf("row errors = %v, want %v", gotErrs, wantErrs)
	}
	for l, f := range wantErrs {
		if gotErrs[l] != f {
			t.Errorf("line %d: field %q, want %q", l, gotErrs[l], f)
		}
	}
	st := rd.Stats()
	if st.Rows != 10 || st.Good != 7 || st.Refused != 3 || st.Blank != 1 || st.Totals != 1 || st.Skipped() != 2 {
		t.Errorf("stats = %+v", st)
	}
	// Two identical legitimate sales keep distinct fingerprints.
	if recs[1].POS.Fingerprint == recs[2].POS.Fingerprint {
		t.Error("identical rows share a fingerprint")
	}
}

func TestCorruptFileRefusedWithLine(t *testing.T) {
	// The damage is within the lines read to find the header, so NewReader refuses the file.
	_, fatal := importer.NewReader(MustOpen(t, "corrupt_gbk.csv"), importer.Options{FileName: "corrupt_gbk.csv"})
	checkCorrupt(t, fatal, "corrupt_gbk.csv", "line 4")

	// Further down a file, the good rows before the damage come first, then the refusal.
	raw, err := os.ReadFile(filepath.Join("testdata", "corrupt_gbk.csv"))
	if err != nil {
		t.Fatal(err)
	}
	head, rest, _ := bytes.Cut(raw, []byte("\r\n"))
	var b bytes.Buffer
	b.Write(head)
	b.WriteString("\r\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "822290070111234,61000042,20260914,083000,SALE,1.00,0.99,%d\r\n", 9000+i)
	}
	b.Write(rest)
	rd, err := importer.NewReader(&b, importer.Options{FileName: "corrupt_gbk.csv"})
	if err != nil {
		t.Fatal(err)
	}
	good := 0
	fatal = nil
	for {
		_, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fatal = err
			break
		}
		good++
	}
	checkCorrupt(t, fatal, "corrupt_gbk.csv", "line 44")
	if good != 42 {
		t.Errorf("good rows before the damage = %d, want 42", good)
	}
	if _, err := rd.Next(); err != fatal {
		t.Errorf("Next after refusal = %v", err)
	}
}

func checkCorrupt(t *testing.T, err error, name, line string) {
	t.Helper()
	if err == nil {
		t.Fatal("corrupt file accepted")
	}
	if importer.IsRowError(err) || posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Fatalf("error %v is not a file refusal", err)
	}
	if msg := err.Error(); !strings.Contains(msg, line+":") || !strings.Contains(msg, name) {
		t.Errorf("message %q does not name the file and %s", msg, line)
	}
}

func TestRefusedFiles(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string // substring of the message
	}{
		{"book.xlsx", []byte("PK\x03\x04\x14\x00\x06\x00rest"), "Excel workbook (.xlsx) but is damaged"},
		{"book.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1}, "old .xls format"},
		{"bin.csv", []byte("abc\x00def"), "not a text file"},
		{"empty.csv", nil, "is empty"},
		{"noheader.csv", []byte("1,2,3\n4,5,6\n"), "no header row"},
		{"nocol.csv", []byte("参考号,终端号\n1,2\n"), "has no column for"},
		{"badutf8.csv", []byte("参考号,交易金额,交易日期\n1,2.00,20260914\n2,\xff\xfe,20260914\n"), "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := importer.Options{FileName: tt.name}
			if tt.name == "nocol.csv" {
				opts.Kind = posdesk.ImportPOS
			}
			rd, err := importer.NewReader(bytes.NewReader(tt.data), opts)
			for err == nil {
				_, err = rd.Next()
				if importer.IsRowError(err) {
					err = nil
				}
			}
			if errors.Is(err, io.EOF) {
				t.Fatal("file accepted")
			}
			if !strings.Contains(err.Error(), tt.want) || posdesk.ErrorCode(err) != posdesk.EINVALID {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestUTF16(t *testing.T) {
	text := "交易日期\t交易时间\t参考号\t交易金额\t清算金额\r\n2026-09-14\t08:30\t260914000501\t124.00\t123.53\r\n"
	enc := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
	b, err := enc.Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs, rd := readAll(t, bytes.NewReader(b), importer.Options{FileName: "u16.txt"})
	if len(recs) != 1 || len(errs) != 0 || rd.Mapping().Encoding != "utf-16" || rd.Mapping().Delimiter != "\t" {
		t.Fatalf("recs %d errs %v mapping %+v", len(recs), errs, rd.Mapping())
	}
	if s := recs[0].Settlement; s.RRN != "260914000501" || s.Net.Plain() != "123.53" {
		t.Errorf("line = %+v", s)
	}
}

// luhnNumber returns a Luhn-valid card number of n digits starting with prefix.
func luhnNumber(prefix string, n int) string {
	b := []byte(prefix)
	for len(b) < n-1 {
		b = append(b, byte('0'+len(b)*7%10))
	}
	for d := byte('0'); d <= '9'; d++ {
		if posdesk.Luhn(string(append(b, d))) {
			return string(append(b, d))
		}
	}
	panic("unreachable")
}

var cardRun = regexp.MustCompile(`\d{13,19}`)

func TestCardNumbersMasked(t *testing.T) {
	full := luhnNumber("622848", 19)
	spaced := luhnNumber("436742", 16)
	spaced = spaced[:4] + " " + spaced[4:8] + " " + spaced[8:12] + " " + spaced[12:]
	csvText := "记账日期,摘要,对方户名,收入金额\n" +
		"2026-09-15,退款 卡号" + full + ",张三 " + spaced + ",58.00\n"
	recs, _, _ := readAll(t, strings.NewReader(csvText), importer.Options{FileName: "card" + full + ".csv"})
	b := recs[0].Bank
	for _, s := range []string{b.Description, b.Counterparty} {
		if strings.Contains(strings.ReplaceAll(s, " ", ""), full[6:15]) || strings.Contains(s, spaced[5:9]+" "+spaced[10:14]) {
			t.Errorf("card number not masked in %q", s)
		}
	}
	if !strings.Contains(b.Description, full[:6]) || !strings.Contains(b.Description, full[15:]) {
		t.Errorf("masked description %q lost first 6 / last 4", b.Description)
	}

	pos := "Date,Time,RRN,Card,Amount,Note\n2026-09-14,08:30,260914000501," + full + ",12.00,call " + full + "\n"
	pre, err := importer.ReadPreview(strings.NewReader(pos), importer.Options{FileName: "p.csv"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pre.Rows[0].Record.POS.Tx.Card, full[:6]+strings.Repeat("*", 9)+full[15:]; got != want {
		t.Errorf("card = %q, want %q", got, want)
	}
	for _, c := range pre.Rows[0].Cells {
		for _, run := range cardRun.FindAllString(c, -1) {
			if posdesk.Luhn(run) {
				t.Errorf("preview cell %q shows a card number", c)
			}
		}
	}
	// An identifier column holding a card number by mistake is masked too.
	pos = "Date,Time,RRN,Amount\n2026-09-14,08:30," + full + ",12.00\n"
	// It is refused (an RRN has at most 12 characters), and the message shows it masked.
	_, errs, _ := readAll(t, strings.NewReader(pos), importer.Options{FileName: "p.csv"})
	if len(errs) != 1 || errs[0].Field != "rrn" || strings.Contains(errs[0].Error(), full) {
		t.Errorf("errors = %v", errs)
	}
	// A card cell that is neither a number nor a masked number is a row error on "card".
	pos = "Date,Time,RRN,Card,Amount\n2026-09-14,08:30,1,abc,12.00\n"
	_, errs, _ = readAll(t, strings.NewReader(pos), importer.Options{FileName: "p.csv"})
	if len(errs) != 1 || errs[0].Field != "card" || errs[0].Line != 2 {
		t.Errorf("errors = %v", errs)
	}
}

func TestFingerprints(t *testing.T) {
	read := func(text string) []string {
		recs, errs, _ := readAll(t, strings.NewReader(text), importer.Options{FileName: "f.csv", Kind: posdesk.ImportSettlement})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.Settlement.Fingerprint.String())
		}
		return out
	}
	a := read("参考号,交易日期,交易时间,交易金额,清算金额\n1,20260914,0830,10.00,9.96\n1,20260914,0830,10.00,9.96\n2,20260914,0831,5.00,4.98\n")
	again := read("参考号,交易日期,交易时间,交易金额,清算金额\n1,20260914,0830,10.00,9.96\n1,20260914,0830,10.00,9.96\n2,20260914,0831,5.00,4.98\n")
	// Same rows in another column order, other header names and another date format.
	other := read("RRN,Net,Amount,Date\n1,9.96,\"10.00\",2026-09-14 08:30\n2,4.98,5,2026-09-14 08:31:00\n1,9.96,10,2026/09/14 08:30\n")
	if len(a) != 3 || a[0] == a[1] || a[0] == a[2] || a[1] == a[2] {
		t.Fatalf("fingerprints not distinct: %v", a)
	}
	for i := range a {
		if a[i] != again[i] {
			t.Errorf("row %d: fingerprint changed on re-read", i)
		}
		if len(a[i]) != 64 {
			t.Errorf("fingerprint %q is not hex SHA-256", a[i])
		}
	}
	if other[0] != a[0] || other[1] != a[2] || other[2] != a[1] {
		t.Errorf("the same rows in another shape got other fingerprints:\n%v\n%v", a, other)
	}
}

func TestProfiles(t *testing.T) {
	// A shape no synonym knows, read through a user profile saved as JSON.
	text := "Export of 2026-09-14\nX1;X2;X3;X4\n260914000501;14.09.2026;8.30 Uhr;12,50\n"
	_, err := importer.NewReader(strings.NewReader(text), importer.Options{FileName: "odd.csv"})
	if err == nil {
		t.Fatal("odd shape accepted without a profile")
	}
	p, err := importer.ParseProfile([]byte(`{"name":"odd","kind":"pos","delimiter":";","header_line":2,
		"columns":{"rrn":"X1","date":"X2","time":"X3","amount":"X4"},"date_layouts":["02.01.2006"]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, errs, rd := readAll(t, strings.NewReader(text), importer.Options{FileName: "odd.csv", Profile: p})
	if rd.Mapping().Profile != "odd" || rd.Mapping().HeaderLine != 2 || rd.Stats().Title != 1 {
		t.Errorf("mapping %+v stats %+v", rd.Mapping(), rd.Stats())
	}
	// "12,50" is not understood: a row error naming its field.
	if len(errs) != 1 || errs[0].Field != "amount" || errs[0].Line != 3 {
		t.Errorf("errors = %v", errs)
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "8.30 Uhr", "08:30"), "12,50", "12.50")
	recs, errs, _ := readAll(t, strings.NewReader(text), importer.Options{FileName: "odd.csv", Profile: p})
	if len(errs) != 0 || len(recs) != 1 || recs[0].POS.Tx.Time.Format(time.RFC3339) != "2026-09-14T00:30:00Z" || recs[0].POS.Tx.Amount.Plain() != "12.50" {
		t.Errorf("recs %v errs %v", recs, errs)
	}
	// A detected mapping saves as a profile that reads the file the same way.
	_, _, rd = readAll(t, MustOpen(t, "gb18030_title_totals.csv"), importer.Options{FileName: "x.csv"})
	m := rd.Mapping()
	saved := m.AsProfile("mine")
	if err := saved.Validate(); err != nil {
		t.Fatal(err)
	}
	recs, errs, rd = readAll(t, MustOpen(t, "gb18030_title_totals.csv"), importer.Options{FileName: "x.csv", Profile: &saved})
	if len(recs) != 4 || len(errs) != 0 || rd.Mapping().Profile != "mine" {
		t.Errorf("with saved profile: %d rows, %v", len(recs), errs)
	}
	for _, bad := range []string{`{"name":""}`, `{"name":"a","kind":"xlsx"}`, `{"name":"a","encoding":"ebcdic"}`,
		`{"name":"a","columns":{"colour":"X"}}`, `{"name":"a","delimiter":"::"}`, `not json`} {
		if _, err := importer.ParseProfile([]byte(bad)); posdesk.ErrorCode(err) != posdesk.EINVALID {
			t.Errorf("ParseProfile(%s) = %v", bad, err)
		}
	}
	if _, ok := importer.LookupProfile("settlement-lakala"); !ok {
		t.Error("built-in profile missing")
	}
	for _, p := range importer.Profiles() {
		if err := p.Validate(); err != nil {
			t.Errorf("built-in %s: %v", p.Name, err)
		}
	}
}

func TestPreview(t *testing.T) {
	p, err := importer.ReadPreview(MustOpen(t, "pos_cn_statuses.csv"), importer.Options{FileName: "x.csv"}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 8 || p.Mapping.Column(importer.FieldTrace) != "流水号" {
		t.Fatalf("preview = %+v", p)
	}
	if r := p.Rows[6]; r.Line != 8 || r.Err == nil || r.Record != nil || r.Cells[9] != "12.3.4" {
		t.Errorf("bad row in preview = %+v", r)
	}
	if r := p.Rows[0]; r.Line != 2 || r.Record == nil || len(r.Cells) != 11 {
		t.Errorf("first row in preview = %+v", r)
	}
}

func TestManyRowsLineNumbers(t *testing.T) {
	var b strings.Builder
	b.WriteString("标题\n\n参考号,交易日期,交易金额,清算金额\n")
	for i := 0; i < 5000; i++ {
		amt := strconv.Itoa(i%97+1) + ".00"
		if i == 4321 {
			amt = "x"
		}
		b.WriteString(strconv.Itoa(100000+i) + ",20260914,\"" + amt + "\"," + strconv.Itoa(i%97+1) + ".00\n")
	}
	recs, errs, _ := readAll(t, strings.NewReader(b.String()), importer.Options{FileName: "big.csv"})
	if len(recs) != 4999 || len(errs) != 1 || errs[0].Line != 4+4321 {
		t.Fatalf("recs %d errs %v", len(recs), errs)
	}
	if recs[4998].Settlement.Line != 5003 {
		t.Errorf("last line = %d", recs[4998].Settlement.Line)
	}
}

func TestPOSChannelsAndSigns(t *testing.T) {
	text := "交易日期,交易时间,参考号,交易类型,交易金额,支付方式\n" +
		"2026-09-14,08:30,260914000001,消费,12.00,微信\n" +
		"2026-09-14,08:31,260914000002,退货,-12.00,借记卡\n" +
		"2026-09-14,08:32,260914000003,消费,-12.00,\n" +
		"2026-09-14,08:33,260914000004,,-7.00,\n"
	recs, errs, _ := readAll(t, strings.NewReader(text), importer.Options{FileName: "c.csv"})
	if len(recs) != 3 || len(errs) != 1 || errs[0].Line != 4 || errs[0].Field != "amount" {
		t.Fatalf("recs %d errs %v", len(recs), errs)
	}
	if tx := recs[0].POS.Tx; tx.Channel != posdesk.ChannelWeChatPay || tx.Kind != posdesk.KindSale {
		t.Errorf("wechat sale = %+v", tx)
	}
	if tx := recs[1].POS.Tx; tx.Channel != posdesk.ChannelDebitCard || tx.Kind != posdesk.KindRefund || tx.Amount.Plain() != "12.00" {
		t.Errorf("refund = %+v", tx)
	}
	// Without a type, a negative amount is a refund.
	if tx := recs[2].POS.Tx; tx.Kind != posdesk.KindRefund || tx.Amount.Plain() != "7.00" || tx.Channel != posdesk.ChannelUnknownCard {
		t.Errorf("untyped negative = %+v", tx)
	}
}

// TestProfileColumnsWin: a column a profile names for a field wins over a column whose header
// merely looks like that field, even when that one comes first.
func TestProfileColumnsWin(t *testing.T) {
	text := "交易金额,参考号,实收金额,交易日期\n99.00,260914000501,12.50,2026-09-14\n"
	p, err := importer.ParseProfile([]byte(`{"name":"net","kind":"pos","columns":{"amount":"实收金额","rrn":"参考号","date":"交易日期"}}`))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs, rd := readAll(t, strings.NewReader(text), importer.Options{FileName: "net.csv", Profile: p})
	if len(errs) != 0 || len(recs) != 1 {
		t.Fatalf("recs %v errs %v", recs, errs)
	}
	if got := recs[0].POS.Tx.Amount.Plain(); got != "12.50" {
		t.Errorf("amount read from the wrong column: %s (mapping %v)", got, rd.Mapping().Columns)
	}
}
