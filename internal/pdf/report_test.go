package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/pdf"
)

// monthlyReport builds a report shaped like the monthly report of issue 5, long enough for its
// table to cross a page.
func monthlyReport(tb testing.TB) *pdf.Report {
	tb.Helper()
	r := pdf.NewReport(pdf.ReportOptions{Title: "月度报告 Monthly report 2025-03", Subtitle: shopName + " · 898310058121234", Lang: i18n.Chinese, Now: fixedNow})
	r.Heading("概况 Overview")
	r.Paragraph("本月共记录 14 起异常交易，已追回 ¥ 9,876.50，仍有 3 起待银行答复。Fourteen incidents this month; three still wait for the bank.")
	r.BarChart("异常原因 Causes", []string{"网络中断 Network down", "终端故障 Terminal fault", "操作失误 Operator error", "重复扣款 Charged twice", "冲正失败"},
		[]decimal.Decimal{decimal.NewFromInt(6), decimal.NewFromInt(3), decimal.NewFromInt(2), decimal.NewFromInt(2), decimal.NewFromInt(1)})
	r.Bars("追回金额 Recovered", []pdf.Bar{
		{Label: "银联 UnionPay", Value: decimal.RequireFromString("6288.00"), Text: "¥ 6,288.00"},
		{Label: "微信支付 WeChat Pay", Value: decimal.RequireFromString("3588.50"), Text: "¥ 3,588.50"},
		{Label: "差额调整 Adjustment", Value: decimal.RequireFromString("-120.00"), Text: "-¥ 120.00"},
	})
	r.Heading("明细 Incidents")
	var rows [][]string
	for i := 1; i <= 60; i++ {
		rows = append(rows, []string{fmt.Sprintf("INC-2025-%04d", i), "2025-03-14", "交易失败但已扣款", fmt.Sprintf("%d,%03d.00", i, i*7%1000), "4073123456" + fmt.Sprintf("%02d", i)})
	}
	r.Table([]string{"编号 No.", "日期 Date", "类型 Kind", "金额 Amount", "参考号 RRN"}, rows)
	r.Note("金额以元计。Amounts in yuan.")
	return r
}

func TestReport(t *testing.T) {
	out, err := monthlyReport(t).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := checkPDF(t, out)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"月度报告", "网络中断", "¥6,288.00", "INC-2025-0060", "407312345660", "第1页，共3页"} {
		if !strings.Contains(flat, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	again, _ := monthlyReport(t).Bytes()
	if !bytes.Equal(out, again) {
		t.Errorf("two identical reports differ")
	}
	golden := filepath.Join("testdata", "golden", "report.pdf")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/pdf -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("report differs from %s; if intended, run go test ./internal/pdf -update and look at the pages", golden)
	}
}
