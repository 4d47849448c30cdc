package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rfToday is today in the time zone the end-to-end runs use (Asia/Shanghai).
func rfToday(t *testing.T) time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no tz data for Asia/Shanghai")
	}
	n := time.Now().In(loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

func rfDay(t time.Time, days int) string { return t.AddDate(0, 0, days).Format("2006-01-02") }

// rfShow returns the JSON of one refund follow-up.
func rfShow(c *incCLI, id string) map[string]any {
	c.t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.ok("refund", "show", id, "--json")), &m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func rfAdd(c *incCLI, args ...string) string {
	c.t.Helper()
	return strings.TrimSpace(c.ok(append([]string{"refund", "add"}, args...)...))
}

func TestRefundE2ECustomerRefundOriginalRoute(t *testing.T) {
	c := newIncCLI(t)
	id := rfAdd(c, "--standalone", "--expected", "58.00", "--method", "原路返回", "--by", "Li Wei", "--reason", "returned a scarf")
	r := rfShow(c, id)
	if r["direction"] != "shop_to_customer" || r["status"] != "requested" || r["arrival"] != "7wd" || r["expected_by"] == nil {
		t.Fatalf("new customer refund: %v", r)
	}
	c.ok("refund", "status", id, "paid")
	c.ok("refund", "receive", id, "--amount", "58")
	if r = rfShow(c, id); r["status"] != "received" || r["outstanding"] != "0.00" {
		t.Errorf("after the receipt: %v %v", r["status"], r["outstanding"])
	}
	msg := c.fail(1, "refund", "status", id, "closed")
	if !strings.Contains(msg, "Allowed next: customer_notified") {
		t.Errorf("closing before notifying: %s", msg)
	}
	c.ok("refund", "status", id, "customer_notified")
	c.ok("refund", "status", id, "已关闭") // Chinese title of closed
	if r = rfShow(c, id); r["status"] != "closed" || len(r["history"].([]any)) != 6 {
		t.Errorf("closed: %v, history %v", r["status"], r["history"])
	}
	c.fail(2, "refund", "add", "--expected", "10")
	c.fail(2, "refund", "status", id)
	c.fail(1, "refund", "show", "999")
}

func TestRefundE2EAcquirerPaysInTwoParts(t *testing.T) {
	c := newIncCLI(t)
	today := rfToday(t)
	inc := strings.TrimSpace(c.ok("incident", "add", "--kind", "posting_failure", "--amount", "1,288.00", "--rrn", "260920000777"))
	id := rfAdd(c, inc, "--due", rfDay(today, 10), "--method", "bank_transfer", "--counterparty", "收单机构", "--case", "GD-2026-0921")
	r := rfShow(c, id)
	if r["direction"] != "acquirer_to_shop" || r["expected"] != "1288.00" || r["incident_number"] == "" || r["due_source"] != "letter" {
		t.Fatalf("acquirer refund from the incident's kind and amount: %v", r)
	}
	c.ok("refund", "status", id, "under_review")
	c.ok("refund", "receive", id, "--amount", "1,000.00", "--date", rfDay(today, -1), "--note", "statement line 17")
	out := c.ok("refund", "receive", id, "--amount", "288.00")
	if !strings.Contains(out, "Money received") {
		t.Errorf("second part: %s", out)
	}
	c.fail(1, "refund", "status", id, "customer_notified")
	c.ok("refund", "status", id, "closed")
	var list []map[string]any
	json.Unmarshal([]byte(c.ok("refunds", "--incident", inc, "--json")), &list)
	if len(list) != 1 || list[0]["received"] != "1288.00" || len(list[0]["allowed_next"].([]any)) != 0 {
		t.Errorf("refunds of the incident: %v", list)
	}
}

func TestRefundE2EApprovalByAnotherManager(t *testing.T) {
	c := newIncCLI(t)
	id := rfAdd(c, "--standalone", "--expected", "800.00", "--method", "wechat_pay", "--by", "Li Wei")
	msg := c.fail(1, "refund", "status", id, "paid")
	if !strings.Contains(msg, "approval") {
		t.Errorf("paying before approval: %s", msg)
	}
	msg = c.fail(1, "refund", "approve", id, "--by", "li wei")
	if !strings.Contains(msg, "cannot approve") {
		t.Errorf("requester approving: %s", msg)
	}
	c.fail(2, "refund", "approve", id)
	c.ok("refund", "approve", id, "--by", "Zhang Min")
	if r := rfShow(c, id); r["status"] != "approved" || r["approved_by"] != "Zhang Min" {
		t.Errorf("approved: %v %v", r["status"], r["approved_by"])
	}
	c.ok("refund", "status", id, "paid")
	c.ok("refund", "status", id, "customer_notified")
	c.ok("refund", "receive", id, "--amount", "800")
	c.ok("refund", "status", id, "closed")
	// A higher threshold lets 800.00 through without approval.
	c.ok("refund", "threshold", "1000")
	id2 := rfAdd(c, "--standalone", "--expected", "800.00", "--method", "cash")
	c.ok("refund", "status", id2, "paid")
}

func TestRefundE2EOverPaymentAndWriteOff(t *testing.T) {
	c := newIncCLI(t)
	id := rfAdd(c, "--standalone", "--expected", "100.00", "--method", "cash")
	msg := c.fail(1, "refund", "receive", id, "--amount", "100.50")
	if !strings.Contains(msg, "--over-payment") {
		t.Errorf("over-payment without confirmation: %s", msg)
	}
	c.ok("refund", "receive", id, "--amount", "100.50", "--over-payment")
	if r := rfShow(c, id); r["outstanding"] != "-0.50" {
		t.Errorf("over-paid: %v", r["outstanding"])
	}
	inc := strings.TrimSpace(c.ok("incident", "add", "--kind", "posting_failure", "--amount", "50.00"))
	wo := rfAdd(c, inc)
	c.ok("refund", "receive", wo, "--amount", "20")
	c.fail(1, "refund", "status", wo, "written_off")
	c.ok("refund", "status", wo, "written_off", "--reason", "acquirer refuses the rest")
	if r := rfShow(c, wo); r["written_off"] != "30.00" || r["status_reason"] != "acquirer refuses the rest" {
		t.Errorf("written off: %v %v", r["written_off"], r["status_reason"])
	}
}

func TestRefundE2EWorkingDaysFollowupsAndDashboard(t *testing.T) {
	c := newIncCLI(t)
	c.ok("holiday", "add", "2025-10-01..2025-10-08", "--name", "国庆节")
	c.ok("holiday", "add", "2025-09-28", "2025-10-11", "--workday", "--name", "调休上班")
	var hs []map[string]any
	json.Unmarshal([]byte(c.ok("holidays", "--year", "2025", "--json")), &hs)
	if len(hs) != 10 {
		t.Fatalf("%d holidays, want 10", len(hs))
	}
	id := rfAdd(c, "--standalone", "--expected", "58", "--opened", "2025-09-30", "--arrives-in", "3wd")
	if r := rfShow(c, id); r["expected_by"] != "2025-10-11" {
		t.Errorf("3 working days from 2025-09-30 over National Day: %v", r["expected_by"])
	}
	today := rfToday(t)
	inc := strings.TrimSpace(c.ok("incident", "add", "--kind", "charged_but_failed", "--amount", "99.00", "--cause", "network"))
	soon := rfAdd(c, inc, "--due", rfDay(today, 3), "--next", "call the bank", "--next-on", rfDay(today, 1))
	var f map[string]any
	json.Unmarshal([]byte(c.ok("followups", "--json")), &f)
	if rems := f["reminders"].([]any); len(rems) != 1 || rems[0].(map[string]any)["days_left"].(float64) != 3 {
		t.Errorf("reminders today: %v", f["reminders"])
	}
	up := f["upcoming"].([]any)
	if len(up) != 1 || up[0].(map[string]any)["next_what"] != "next_action" {
		t.Errorf("upcoming: %v", up)
	}
	if od := f["overdue"].([]any); len(od) != 1 { // the 2025 refund's expected arrival has passed
		t.Errorf("overdue: %v", od)
	}
	json.Unmarshal([]byte(c.ok("followups", "--on", rfDay(today, 3), "--json")), &f)
	if rems := f["reminders"].([]any); len(rems) != 1 || rems[0].(map[string]any)["days_left"].(float64) != 0 {
		t.Errorf("reminders on the deadline: %v", f["reminders"])
	}
	text := c.ok("followups", "--lang", "zh")
	if !strings.Contains(text, "提醒") || !strings.Contains(text, "#"+soon) {
		t.Errorf("Chinese followups:\n%s", text)
	}
	var d map[string]any
	json.Unmarshal([]byte(c.ok("dashboard", "--json")), &d)
	dl := d["deadlines"].([]any)[0].(map[string]any)
	if dl["count"].(float64) != 1 || dl["amounts"].(map[string]any)["CNY"] != "99.00" {
		t.Errorf("deadlines this week: %v", dl)
	}
	causes := d["incidents_by_cause"].([]any)
	if len(causes) != 1 || causes[0].(map[string]any)["key"] != "cause_network" {
		t.Errorf("causes this month: %v", causes)
	}
}

func TestRefundE2EExportAndReport(t *testing.T) {
	for _, tool := range []string{"qpdf", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	c := newIncCLI(t)
	inc := strings.TrimSpace(c.ok("incident", "add", "--kind", "duplicate_charge", "--amount", "88.00", "--story", "=1+1 顾客说扣了两次"))
	rfAdd(c, inc, "--counterparty", `=HYPERLINK("http://evil.example","x")`, "--fees", "0.50", "--fees-reason", "-手续费")
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "refunds.csv")
	c.ok("export", "refunds", "-o", csvPath, "--lang", "zh")
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) || !strings.Contains(string(b), `'=HYPERLINK(`) || !strings.Contains(string(b), "'-手续费") ||
		!strings.Contains(string(b), ",88.00,0.50,") || !strings.Contains(string(b), "退款状态") {
		t.Errorf("refunds CSV:\n%s", b)
	}
	incPath := filepath.Join(dir, "incidents.csv")
	c.ok("export", "incidents", "-o", incPath)
	if b, _ = os.ReadFile(incPath); !strings.Contains(string(b), "'=1+1 顾客说扣了两次") {
		t.Errorf("incidents CSV:\n%s", b)
	}
	c.fail(2, "export", "ledger", "-o", incPath)
	pdfPath := filepath.Join(dir, "report.pdf")
	c.ok("report", "-o", pdfPath, "--lang", "zh", "--shop", "小店")
	if out, err := exec.Command("qpdf", "--check", pdfPath).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	txt, _ := exec.Command("pdftotext", pdfPath, "-").Output()
	flat := strings.Join(strings.Fields(string(txt)), "")
	for _, want := range []string{"月度报告", "概况", "按原因统计的事件", "未到账金额账龄", "¥88.00"} {
		if !strings.Contains(flat, want) {
			t.Errorf("report lacks %q:\n%s", want, txt)
		}
	}
	c.fail(1, "report", "--month", "2026-13", "-o", pdfPath)
}
