package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func sample(name string) string {
	p, _ := filepath.Abs(filepath.Join("testdata", "import", name))
	return p
}

// reconcileOut is the part of posdesk reconcile --json the tests read.
type reconcileOut struct {
	ExactMatches int            `json:"exact_matches"`
	Queues       map[string]int `json:"queues"`
	Exceptions   []struct {
		ID         int64  `json:"id"`
		Kind       string `json:"kind"`
		RRN        string `json:"rrn"`
		Reason     string `json:"reason"`
		IncidentID int64  `json:"incident_id"`
		ResolvedAt string `json:"resolved_at"`
	} `json:"exceptions"`
}

func (c *incCLI) reconcile(args ...string) reconcileOut {
	c.t.Helper()
	var r reconcileOut
	out := c.ok(append([]string{"reconcile", "--json", "--as-of", "2026-09-20 09:00"}, args...)...)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		c.t.Fatalf("reconcile --json: %v\n%s", err, out)
	}
	return r
}

// TestImportReconcileE2E imports the three sample files, re-imports one, refuses a damaged one,
// reconciles, checks every planted discrepancy (testdata/import/planted.json) against the queues,
// opens an incident from an exception and undoes an import.
func TestImportReconcileE2E(t *testing.T) {
	c := newIncCLI(t)
	out := c.ok("import", "--kind", "pos", sample("pos_export_en.csv"))
	if !strings.Contains(out, "pos_export_en.csv: 121 new, 0 duplicate, 0 skipped, 0 refused") {
		t.Errorf("pos import printed %q", out)
	}
	out = c.ok("import", "--kind", "settlement", sample("settlement_gbk.csv"), sample("gb18030_title_totals.csv"))
	if !strings.Contains(out, "settlement_gbk.csv: 120 new, 0 duplicate") || !strings.Contains(out, "gb18030_title_totals.csv: 4 new, 0 duplicate, 5 skipped") {
		t.Errorf("settlement import printed %q", out)
	}
	out = c.ok("import", "--kind", "bank", sample("bank_statement.csv"))
	if !strings.Contains(out, "bank_statement.csv: 2 new") {
		t.Errorf("bank import printed %q", out)
	}
	// The same file again adds nothing.
	out = c.ok("import", "--kind", "settlement", sample("settlement_gbk.csv"))
	if !strings.Contains(out, "0 new, 120 duplicate") {
		t.Errorf("re-import printed %q", out)
	}
	// A damaged file is refused with its line; the good file given with it is still imported;
	// the exit code says something was refused.
	good := filepath.Join(t.TempDir(), "extra.csv")
	os.WriteFile(good, []byte("记账日期,摘要,对方户名,收入金额\n2026/09/17,利息,银行,1.00\n"), 0o644)
	stdout, stderr, code := c.run("import", "--kind", "bank", sample("corrupt_gbk.csv"), good)
	if code != 1 || !strings.Contains(stderr, "corrupt_gbk.csv") || !strings.Contains(stderr, "line 4") || !strings.Contains(stdout, "extra.csv: 1 new") {
		t.Errorf("damaged file: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	c.fail(2, "import", "settlement_gbk.csv")
	c.fail(2, "import", "--kind", "xlsx", "settlement_gbk.csv")

	var batches []map[string]any
	json.Unmarshal([]byte(c.ok("imports", "--json")), &batches)
	if len(batches) != 6 || batches[0]["file"] != "extra.csv" {
		t.Errorf("imports = %v", batches)
	}

	// The second settlement file (the Allinpay-shaped variant) holds 4 lines the POS export
	// also has; the refund in it is a statement line, so drop that file before checking the
	// planted discrepancies of the three samples.
	var second float64
	for _, b := range batches {
		if b["file"] == "gb18030_title_totals.csv" {
			second = b["id"].(float64)
		}
	}
	c.ok("import", "undo", strings.TrimSuffix(strings.TrimSuffix(jsonNumber(second), ".0"), ".00"))

	r := c.reconcile()
	b, _ := os.ReadFile(sample("planted.json"))
	var planted map[string][]string
	json.Unmarshal(b, &planted)
	got := map[string][]string{}
	for _, x := range r.Exceptions {
		got[x.Kind] = append(got[x.Kind], x.RRN)
	}
	for k := range got {
		slices.Sort(got[k])
	}
	for k, want := range planted {
		slices.Sort(want)
		if !slices.Equal(got[k], want) {
			t.Errorf("%s: got %v, want %v", k, got[k], want)
		}
	}
	if len(r.Exceptions) != 6 || r.ExactMatches != 119 {
		t.Errorf("%d exceptions, %d exact matches", len(r.Exceptions), r.ExactMatches)
	}
	// Text output lists the queues.
	text := c.ok("reconcile", "--as-of", "2026-09-20 09:00")
	if !strings.Contains(text, "Charged but the POS failed (2)") || !strings.Contains(text, "260914000534") {
		t.Errorf("reconcile text:\n%s", text)
	}

	// One exception becomes an incident with its ledger record linked and the statement line
	// attached, in one step.
	var failed, mismatch int64
	for _, x := range r.Exceptions {
		if x.Kind == "charged_but_pos_failed" && x.RRN == "260914000571" {
			failed = x.ID
		}
		if x.Kind == "amount_mismatch" {
			mismatch = x.ID
		}
	}
	incID := strings.TrimSpace(c.ok("incident", "from-exception", jsonNumber(float64(failed))))
	inc := c.show(incID)
	if inc["kind"] != "charged_but_failed" || inc["amount"] != "2008.80" || !strings.Contains(inc["story"].(string), "260914000571") {
		t.Errorf("incident = %v", inc)
	}
	txs, _ := inc["transactions"].([]any)
	atts, _ := inc["attachments"].([]any)
	if len(txs) != 1 || txs[0].(map[string]any)["rrn"] != "260914000571" || len(atts) != 1 {
		t.Fatalf("records %v, attachments %v", txs, atts)
	}
	if a := atts[0].(map[string]any); a["file_name"] != "exception-"+jsonNumber(float64(failed))+".txt" || a["kind"] != "statement" {
		t.Errorf("attachment %v", a)
	}
	// Again: refused with the incident's number, nothing more stored.
	if stderr := c.fail(1, "incident", "from-exception", jsonNumber(float64(failed))); !strings.Contains(stderr, inc["number"].(string)) {
		t.Errorf("second incident from one exception: %s", stderr)
	}
	var list []map[string]any
	json.Unmarshal([]byte(c.ok("incidents", "--json")), &list)
	if len(list) != 1 {
		t.Errorf("%d incidents after a refused second run", len(list))
	}
	// --json prints the new incident.
	var made map[string]any
	if err := json.Unmarshal([]byte(c.ok("incident", "from-exception", jsonNumber(float64(mismatch)), "--json")), &made); err != nil {
		t.Fatal(err)
	}
	if made["kind"] != "wrong_amount" || made["amount"] != "1.00" || made["attachment_count"] != float64(1) || made["number"] == inc["number"] {
		t.Errorf("--json printed %v", made)
	}
	r = c.reconcile()
	if len(r.Exceptions) != 4 {
		t.Errorf("%d open exceptions after opening two incidents", len(r.Exceptions))
	}
	if r = c.reconcile("--all"); len(r.Exceptions) != 6 {
		t.Errorf("--all lists %d", len(r.Exceptions))
	}

	// Undoing the settlement statement: its exceptions are no longer found (kept, resolved).
	var settle float64
	json.Unmarshal([]byte(c.ok("imports", "--json")), &batches)
	for _, b := range batches {
		if b["file"] == "settlement_gbk.csv" && b["new"].(float64) == 120 {
			settle = b["id"].(float64)
		}
	}
	c.ok("import", "undo", jsonNumber(settle))
	if r = c.reconcile(); len(r.Exceptions) != 0 {
		t.Errorf("%d exceptions open after undoing the statement: %v", len(r.Exceptions), r.Exceptions)
	}
}

func jsonNumber(f float64) string { return strings.TrimRight(strings.TrimRight(strconvF(f), "0"), ".") }

func strconvF(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
