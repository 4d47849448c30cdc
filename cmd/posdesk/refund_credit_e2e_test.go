package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRefundReceivedFromBankStatement: money the acquirer owes the shop is marked received when
// its credit shows up in an imported bank statement, once only, however often reconcile runs.
func TestRefundReceivedFromBankStatement(t *testing.T) {
	c := newIncCLI(t)
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "posting_failure", "--amount", "1288.00", "--rrn", "261122000001"))
	c.ok("refund", "add", id, "--expected", "1,288.00", "--direction", "acquirer_to_shop")
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006/01/02")
	csv := "\ufeff记账日期,摘要,对方户名,收入金额,支出金额,余额\n" +
		today + ",POS清算入账,收单机构清算户,\"500.00\",,\"8,500.00\"\n" +
		today + ",差错退款,收单机构清算户,\"1,288.00\",,\"9,788.00\"\n"
	file := filepath.Join(t.TempDir(), "bank.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("import", "--kind", "bank", file)
	out := c.ok("reconcile")
	if !strings.Contains(out, "Refund follow-up 1: ¥ 1,288.00 arrived") {
		t.Fatalf("reconcile did not record the credit:\n%s", out)
	}
	if out := c.ok("reconcile"); strings.Contains(out, "arrived") {
		t.Errorf("second reconcile recorded the same credit again:\n%s", out)
	}
	show := c.ok("refund", "show", "1")
	if !strings.Contains(show, "Money received") || !strings.Contains(show, "Outstanding: ¥ 0.00") {
		t.Errorf("refund after the statement:\n%s", show)
	}
}
