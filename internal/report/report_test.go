package report_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/report"
)

func TestSafeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
		{"+86 138", "'+86 138"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=cmd", "'\t=cmd"},
		{"\r=cmd", "'\r=cmd"},
		{"顾客说=1", "顾客说=1"},
		{"plain", "plain"},
		{"", ""},
		{" =1", " =1"},
	}
	for _, tt := range tests {
		if got := report.SafeText(tt.in); got != tt.want {
			t.Errorf("SafeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// readCSV checks the BOM and parses the export.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("export does not start with the UTF-8 BOM: % x", b[:min(3, len(b))])
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("export lines do not end with CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func column(t *testing.T, recs [][]string, header string) []string {
	t.Helper()
	for i, h := range recs[0] {
		if h == header {
			var out []string
			for _, r := range recs[1:] {
				out = append(out, r[i])
			}
			return out
		}
	}
	t.Fatalf("no column %q in %q", header, recs[0])
	return nil
}

func TestRefundsCSVIsSafeAndKeepsAmountsNumeric(t *testing.T) {
	r := &posdesk.Refund{ID: 7, IncidentID: 3, Direction: posdesk.DirAcquirerToShop, Method: posdesk.MethodBankTransfer,
		Status: posdesk.RefundReceived, Expected: posdesk.CNY("100.00"), Received: posdesk.CNY("100.50"),
		Counterparty: "=HYPERLINK(\"http://evil.example\")", CaseRef: "-2+3", Reason: "@SUM(1)", NextAction: "+call 95588",
		FeesReason: "\t=x", RequestedBy: "王芳", OpenedOn: posdesk.NewDate(2026, 3, 2)}
	r.Normalize()
	var buf bytes.Buffer
	if err := report.WriteRefundsCSV(&buf, []*posdesk.Refund{r}, map[int64]string{3: "INC-2026-0003"}, report.CSVOptions{Lang: i18n.English}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if len(recs) != 2 {
		t.Fatalf("%d records, want header + 1", len(recs))
	}
	for header, want := range map[string]string{
		"Counterparty": "'=HYPERLINK(\"http://evil.example\")", "Case number": "'-2+3", "Reason for the refund": "'@SUM(1)",
		"Next action": "'+call 95588", "Reason for the fees": "'=x", "Requested by": "王芳",
		"Expected": "100.00", "Received": "100.50", "Outstanding": "-0.50", "Fees": "0.00", "Refund ID": "7", "Incident": "INC-2026-0003",
		"Direction": "Acquirer to shop", "Opened": "2026-03-02",
	} {
		if got := column(t, recs, header)[0]; got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
}

func TestIncidentsCSVInChinese(t *testing.T) {
	card := "622848******1234"
	inc := &posdesk.Incident{Number: "INC-2026-0001", Kind: posdesk.IncidentChargedButFailed, Cause: posdesk.CauseNetwork,
		Status: posdesk.IncidentOpen, Time: time.Date(2026, 3, 2, 3, 4, 0, 0, time.UTC), Amount: posdesk.CNY("58.00"),
		Story: "=cmd|' /C calc'!A0", CustomerName: "张三", CustomerPhone: "13800000000",
		Transactions: []*posdesk.Transaction{{Terminal: "61000042", RRN: "260302000501", Card: card}}}
	var buf bytes.Buffer
	if err := report.WriteIncidentsCSV(&buf, []*posdesk.Incident{inc}, report.CSVOptions{Lang: i18n.Chinese, Loc: time.FixedZone("CST", 8*3600)}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "张三") || strings.Contains(out, "13800000000") {
		t.Error("the export carries the customer's personal data")
	}
	recs := readCSV(t, buf.Bytes())
	row := strings.Join(recs[1], "|")
	for _, want := range []string{"INC-2026-0001", "2026-03-02 11:04", "交易失败但已扣款", "58.00", "'=cmd|' /C calc'!A0", card} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	if strings.Contains(recs[0][0], "Number") {
		t.Errorf("headers not translated: %q", recs[0])
	}
}

func sampleReport() *posdesk.MonthlyReport {
	fig := func(key, label string, n int, amount string) posdesk.Figure {
		f := posdesk.Figure{Key: key, Label: label, Count: n}
		if amount != "" {
			f.Amounts = []posdesk.Money{posdesk.CNY(amount)}
		}
		return f
	}
	r1 := &posdesk.Refund{ID: 1, IncidentID: 4, Direction: posdesk.DirAcquirerToShop, Status: posdesk.RefundApproved,
		Expected: posdesk.CNY("1288.00"), Received: posdesk.CNY("1000"), OpenedOn: posdesk.NewDate(2026, 3, 2), Due: posdesk.NewDate(2026, 3, 25)}
	r2 := &posdesk.Refund{ID: 2, Direction: posdesk.DirShopToCustomer, Status: posdesk.RefundRequested,
		Expected: posdesk.CNY("800.00"), OpenedOn: posdesk.NewDate(2026, 3, 18)}
	r1.Normalize()
	r2.Normalize()
	return &posdesk.MonthlyReport{
		Month: posdesk.NewDate(2026, 3, 1), AsOf: posdesk.NewDate(2026, 3, 31),
		Incidents: fig("incidents", "Incidents in the month", 4, "1617.00"),
		ByKind: []posdesk.Figure{fig("charged_but_failed", posdesk.IncidentChargedButFailed.Title(), 2, "299.00"),
			fig("posting_failure", posdesk.IncidentPostingFailure.Title(), 2, "1318.00")},
		ByCause: []posdesk.Figure{fig("network", posdesk.CauseNetwork.Title(), 3, "329.00"),
			fig("bank_system", posdesk.CauseBankSystem.Title(), 1, "1288.00")},
		ByTerminal:          []posdesk.Figure{fig("61000042", "61000042", 4, "1617.00")},
		Recovered:           fig("recovered", "Recovered from banks and acquirers", 1, "1000.00"),
		RefundedToCustomers: fig("refunded", "Refunded to customers by the shop", 0, ""),
		WrittenOff:          fig("written_off", "Written off", 1, "30.00"),
		Outstanding:         fig("outstanding", "Outstanding", 2, "1088.00"),
		Ageing: []posdesk.Figure{fig("age_0_7", "0-7 days", 0, ""), fig("age_8_30", "8-30 days", 2, "1088.00"),
			fig("age_31_90", "31-90 days", 0, ""), fig("age_over_90", "Over 90 days", 0, "")},
		OpenRefunds:     []*posdesk.Refund{r1, r2},
		IncidentNumbers: map[int64]string{4: "INC-2026-0004"},
	}
}

func TestMonthlyPDF(t *testing.T) {
	for _, tool := range []string{"qpdf", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (make test installs it)", tool)
		}
	}
	now := func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }
	out, err := report.MonthlyPDF(sampleReport(), report.MonthlyOptions{Shop: "小店", Lang: i18n.Chinese, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, msg)
	}
	txt, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(txt)), "")
	for _, want := range []string{"月度报告2026-03", "概况", "按原因统计的事件", "未到账金额账龄", "网络中断或不稳定", "¥1,088.00", "INC-2026-0004", "8-30天"} {
		if !strings.Contains(flat, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	again, _ := report.MonthlyPDF(sampleReport(), report.MonthlyOptions{Shop: "小店", Lang: i18n.Chinese, Now: now})
	if !bytes.Equal(out, again) {
		t.Error("the same report built twice differs")
	}
	en, err := report.MonthlyPDF(sampleReport(), report.MonthlyOptions{Lang: i18n.English, Now: now})
	if err != nil || bytes.Equal(en, out) {
		t.Errorf("English report: %v", err)
	}
}
