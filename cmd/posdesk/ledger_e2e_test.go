package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

var (
	ledgerBinOnce sync.Once
	ledgerBinPath string
	ledgerBinErr  error
)

// ledgerBinary builds posdesk once per test run as users get it: with cgo and the real window
// driver (the Fyne cgo build is in the shared Go build cache, so this takes seconds). Without cgo
// the tests skip with a message.
func ledgerBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds the binary; skipped with -short")
	}
	if !ledgerCgo {
		t.Skip("the ledger end-to-end tests drive the binary as shipped, built with cgo; this test run has CGO_ENABLED=0")
	}
	ledgerBinOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "posdesk-e2e-ledger")
		if ledgerBinErr = os.MkdirAll(dir, 0o755); ledgerBinErr != nil {
			return
		}
		tmp := filepath.Join(dir, "posdesk."+strconv.Itoa(os.Getpid()))
		cmd := exec.Command("go", "build", "-o", tmp, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			ledgerBinErr = errors.New("build posdesk: " + err.Error() + "\n" + string(out))
			return
		}
		ledgerBinPath = filepath.Join(dir, "posdesk")
		ledgerBinErr = os.Rename(tmp, ledgerBinPath)
	})
	if ledgerBinErr != nil {
		t.Fatal(ledgerBinErr)
	}
	return ledgerBinPath
}

// ledgerCLI runs posdesk commands against one temp database, in a clean environment (English,
// China Standard Time, a temp home for the log file).
type ledgerCLI struct {
	t    *testing.T
	bin  string
	db   string
	home string
}

func newLedgerCLI(t *testing.T) *ledgerCLI {
	dir := t.TempDir()
	return &ledgerCLI{t: t, bin: ledgerBinary(t), db: filepath.Join(dir, "shop.db"), home: dir}
}

func (c *ledgerCLI) run(args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "--db", c.db)...)
	cmd.Env = []string{"HOME=" + c.home, "XDG_CONFIG_HOME=" + c.home, "LANG=C", "TZ=Asia/Shanghai", "PATH=" + os.Getenv("PATH")}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func (c *ledgerCLI) ok(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("posdesk %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// fail runs a command that must exit with code and returns its stderr.
func (c *ledgerCLI) fail(code int, args ...string) string {
	c.t.Helper()
	out, errOut, got := c.run(args...)
	if got != code {
		c.t.Fatalf("posdesk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, code, out, errOut)
	}
	if strings.TrimSpace(errOut) == "" {
		c.t.Errorf("posdesk %s: exit %d with nothing on stderr", strings.Join(args, " "), got)
	}
	return errOut
}

// add adds a transaction and returns its ID.
func (c *ledgerCLI) add(args ...string) int64 {
	c.t.Helper()
	out := strings.TrimSpace(c.ok(append([]string{"transaction", "add"}, args...)...))
	id, err := strconv.ParseInt(out, 10, 64)
	if err != nil {
		c.t.Fatalf("transaction add printed %q, not an ID", out)
	}
	return id
}

// list runs posdesk transactions --json with args and returns the records.
func (c *ledgerCLI) list(args ...string) []map[string]any {
	c.t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(c.ok(append([]string{"transactions", "--json"}, args...)...)), &out); err != nil {
		c.t.Fatal(err)
	}
	return out
}

func ids(records []map[string]any) []int64 {
	var out []int64
	for _, r := range records {
		out = append(out, int64(r["id"].(float64)))
	}
	return out
}

// testCard returns a Luhn-valid 16-digit number made up from prefix; no real card is involved.
func testCard(prefix string) string {
	body := prefix + strings.Repeat("7", 15-len(prefix))
	for d := '0'; d <= '9'; d++ {
		if s := body + string(d); posdesk.Luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

// TestLedgerE2EFullCardNumberNeverStored is the acceptance test of issue 2: a full card number
// given to --card and inside --note is nowhere in the database, its WAL or its shared-memory
// file afterwards; the masked form is.
func TestLedgerE2EFullCardNumberNeverStored(t *testing.T) {
	c := newLedgerCLI(t)
	full := testCard("622848")
	grouped := full[:4] + " " + full[4:8] + " " + full[8:12] + " " + full[12:]
	visa := testCard("438088")
	masked := full[:6] + "******" + full[12:]

	first := c.add("--amount", "128.00", "--card", full, "--note", "顾客卡号 "+full+" 扣款两次", "--time", "2026-09-14 08:30")
	// Hold a connection open so the WAL and shared-memory files stay on disk between commands
	// (the last connection to close would checkpoint and delete them).
	holder, err := sqlite.OpenReadOnly(c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.FindTransactionByID(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	second := c.add("--amount", "58", "--card", grouped, "--note", "card "+grouped+" / "+visa, "--status", "failed")
	c.ok("transaction", "edit", strconv.FormatInt(second, 10), "--note", "re-keyed "+full, "--reason", "customer read out "+full)
	c.ok("transaction", "void", strconv.FormatInt(first, 10), "--reason", "duplicate of "+full)

	var found []string
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(c.db + suffix)
		if err != nil {
			if suffix != "" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			t.Fatal(err)
		}
		found = append(found, suffix)
		for _, secret := range []string{full, grouped, visa} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("shop.db%s holds the full card number %s", suffix, secret)
			}
		}
		if suffix == "-wal" && !bytes.Contains(b, []byte(masked)) {
			t.Errorf("shop.db-wal does not hold the masked form %s", masked)
		}
	}
	if !strings.Contains(strings.Join(found, ","), "-wal") {
		t.Errorf("no WAL file was scanned (found %v)", found)
	}
	// The masked form is what the ledger shows and searches.
	got := c.list("--voided", "--q", full[12:])
	if len(got) != 2 || got[0]["card"] != masked || got[1]["card"] != masked {
		t.Errorf("search by last 4: %v", got)
	}
	if note := got[1]["note"].(string); note != "顾客卡号 "+masked+" 扣款两次" {
		t.Errorf("note %q", note)
	}
	out := c.ok("transaction", "show", strconv.FormatInt(second, 10))
	if strings.Contains(out, full) || !strings.Contains(out, "re-keyed "+masked) {
		t.Errorf("show: %s", out)
	}
}

func TestLedgerE2EListFiltersAndJSON(t *testing.T) {
	c := newLedgerCLI(t)
	a := c.add("--amount", "39.50", "--time", "2026-09-14 08:30", "--terminal", "61000042", "--trace", "000501", "--rrn", "260914000501", "--channel", "debit_card")
	b := c.add("--amount", "1,288.00", "--time", "2026-09-14 12:10", "--terminal", "61000043", "--status", "failed", "--note", "顾客称已扣款")
	d := c.add("--amount", "¥8", "--time", "2026-09-15T09:00:00+08:00", "--terminal", "61000042", "--kind", "refund", "--original", strconv.FormatInt(a, 10), "--status", "approved")
	e := c.add("--amount", "300", "--time", "2026-09-16 20:00", "--channel", "wechat_pay", "--status", "no_response")

	for _, tc := range []struct {
		args []string
		want []int64
	}{
		{nil, []int64{e, d, b, a}},
		{[]string{"--status", "failed"}, []int64{b}},
		{[]string{"--status", "failed,no_response"}, []int64{e, b}},
		{[]string{"--kind", "refund"}, []int64{d}},
		{[]string{"--channel", "wechat_pay"}, []int64{e}},
		{[]string{"--terminal", "61000042"}, []int64{d, a}},
		{[]string{"--from", "2026-09-15"}, []int64{e, d}},
		{[]string{"--to", "2026-09-14"}, []int64{b, a}}, // the whole day
		{[]string{"--from", "2026-09-14 12:00", "--to", "2026-09-15 12:00"}, []int64{d, b}},
		{[]string{"--min", "40", "--max", "500"}, []int64{e}},
		{[]string{"--min", "1000"}, []int64{b}},
		{[]string{"--q", "260914000501"}, []int64{a}},
		{[]string{"--q", "000501"}, []int64{a}},
		{[]string{"--q", "已扣款"}, []int64{b}},
		{[]string{"--limit", "2"}, []int64{e, d}},
	} {
		if got := ids(c.list(tc.args...)); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("transactions %s: got %v, want %v", strings.Join(tc.args, " "), got, tc.want)
		}
	}
	rec := c.list("--q", "260914000501")[0]
	for k, want := range map[string]any{"amount": "39.50", "currency": "CNY", "kind": "sale", "channel": "debit_card",
		"status": "approved", "terminal": "61000042", "trace": "000501", "rrn": "260914000501",
		"time": "2026-09-14T08:30:00+08:00", "source": "manual"} {
		if rec[k] != want {
			t.Errorf("JSON %s = %v, want %v", k, rec[k], want)
		}
	}
	if refund := c.list("--kind", "refund")[0]; refund["original_id"] != float64(a) || refund["amount"] != "8.00" {
		t.Errorf("refund JSON %v", refund)
	}

	// The table: a header, one line per record, amounts right-aligned under their header.
	out := c.ok("transactions")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("table has %d lines:\n%s", len(lines), out)
	}
	end := strings.Index(lines[0], "Amount") + len("Amount")
	for _, want := range []string{"300.00", "8.00", "1,288.00", "39.50"} {
		found := false
		for _, l := range lines[1:] {
			if len(l) >= end && strings.HasSuffix(l[:end], " "+want) && (len(l) == end || l[end] == ' ') {
				found = true
			}
		}
		if !found {
			t.Errorf("amount %s is not right-aligned under Amount:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "顾客称已扣款") || !strings.Contains(out, "No response") {
		t.Errorf("table misses note or status:\n%s", out)
	}
	if _, errOut, _ := c.run("transactions", "--limit", "1"); !strings.Contains(errOut, "Raise --limit") {
		t.Errorf("no hint that more records match: %q", errOut)
	}
	// Totals per status.
	var withTotals struct {
		Transactions []map[string]any `json:"transactions"`
		Totals       []struct {
			Status string `json:"status"`
			Count  int    `json:"count"`
			Amount string `json:"amount"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(c.ok("transactions", "--json", "--totals")), &withTotals); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(withTotals.Totals) != "[{approved 2 47.50} {failed 1 1288.00} {no_response 1 300.00}]" {
		t.Errorf("totals %v", withTotals.Totals)
	}
}

func TestLedgerE2EEditVoidAndExitCodes(t *testing.T) {
	c := newLedgerCLI(t)
	id := c.add("--amount", "128", "--time", "today 14:05", "--terminal", "61000042")
	sid := strconv.FormatInt(id, 10)

	if out := c.ok("transaction", "edit", sid, "--amount", "138.00", "--status", "settled", "--reason", "keyed wrong"); !strings.Contains(out, "corrected") {
		t.Errorf("edit printed %q", out)
	}
	got := c.list()[0]
	if got["amount"] != "138.00" || got["status"] != "settled" || got["terminal"] != "61000042" {
		t.Errorf("after edit: %v", got)
	}
	c.ok("transaction", "void", sid, "--reason", "test sale")
	if n := len(c.list()); n != 0 {
		t.Errorf("voided record still listed (%d)", n)
	}
	if v := c.list("--voided"); len(v) != 1 || v[0]["void_reason"] != "test sale" {
		t.Errorf("--voided: %v", v)
	}

	// 1: the command ran and failed.
	for _, args := range [][]string{
		{"transaction", "void", sid, "--reason", "again"},
		{"transaction", "void", "999", "--reason", "x"},
		{"transaction", "show", "999"},
		{"transaction", "edit", sid, "--amount", "1", "--reason", "voided records cannot change"},
	} {
		c.fail(1, args...)
	}
	// 2: bad usage, with the flag named and what it accepts.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"transaction", "add"}, "--amount is required"},
		{[]string{"transaction", "add", "--amount", "abc"}, `--amount: Amount "abc" is not a number`},
		{[]string{"transaction", "add", "--amount", "1.234"}, "more than 2 decimal places"},
		{[]string{"transaction", "add", "--amount", "1", "--currency", "XYZ"}, "--currency:"},
		{[]string{"transaction", "add", "--amount", "1", "--status", "ok"}, "approved, settled, declined"},
		{[]string{"transaction", "add", "--amount", "1", "--kind", "buy"}, "sale, void, refund"},
		{[]string{"transaction", "add", "--amount", "1", "--channel", "paypal"}, "unionpay_qr"},
		{[]string{"transaction", "add", "--amount", "1", "--time", "soon"}, "--time \"soon\" is not a date and time"},
		{[]string{"transaction", "add", "--amount", "1", "--terminal", "610000421"}, "--terminal: Terminal ID is at most 8"},
		{[]string{"transaction", "add", "--amount", "1", "--card", "12345"}, "--card:"},
		{[]string{"transaction", "add", "--amount", "1", "--original", "x"}, "--original"},
		{[]string{"transaction", "add", "--amount", "1", "--original", "77"}, "--original: The original transaction 77 does not exist"},
		{[]string{"transaction", "add", "--amount", "1", "--bogus", "1"}, "bogus"},
		{[]string{"transaction", "void", sid}, "--reason is required"},
		{[]string{"transaction", "void"}, "Give one transaction ID"},
		{[]string{"transaction", "edit", "abc", "--reason", "x"}, `"abc" is not a transaction ID`},
		{[]string{"transaction", "edit", sid, "--reason", "nothing"}, "Nothing to change"},
		{[]string{"transactions", "--limit", "0"}, "--limit must be a whole number from 1 to 1000000"},
		{[]string{"transactions", "--status", "lost"}, `--status "lost" is not one of`},
		{[]string{"transactions", "--from", "2026-02-30"}, "--from"},
		{[]string{"transactions", "--from", "2026-09-10", "--to", "2026-09-01"}, "is not before --to"},
		{[]string{"transactions", "--min", "9", "--max", "1"}, "is larger than --max"},
		{[]string{"transactions", "--min", "lots"}, "--min:"},
		{[]string{"demo", "--transactions", "-5"}, "--transactions must be a whole number"},
		{[]string{"demo", "--seed", "x"}, "--seed must be a whole number"},
		{[]string{"demo", "--end", "whenever"}, "--end"},
	} {
		if errOut := c.fail(2, tc.args...); !strings.Contains(errOut, tc.want) {
			t.Errorf("posdesk %s: stderr %q does not say %q", strings.Join(tc.args, " "), errOut, tc.want)
		}
	}
	// posdesk check on a sound ledger.
	if out := c.ok("check", "--no-backups"); !strings.Contains(out, "integrity_check and foreign_key_check: ok") {
		t.Errorf("check: %s", out)
	}
}

// TestLedgerE2ECheckFindsBrokenLink breaks a link between records behind posdesk's back: check
// names it and exits 1.
func TestLedgerE2ECheckFindsBrokenLink(t *testing.T) {
	c := newLedgerCLI(t)
	sale := c.add("--amount", "10", "--time", "2026-09-14 10:00")
	c.add("--amount", "10", "--time", "2026-09-15 10:00", "--kind", "refund", "--original", strconv.FormatInt(sale, 10))
	// Raw SQL without foreign keys, as a careless tool would.
	cmd := exec.Command("sqlite3", c.db, "PRAGMA foreign_keys=OFF; UPDATE transactions SET original_id = 4242 WHERE kind = 'refund';")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("sqlite3 shell not available: %v %s", err, out)
	}
	out, _, code := c.run("check", "--no-backups")
	if code != 1 || !strings.Contains(out, "foreign_key_check") {
		t.Errorf("check exit %d:\n%s", code, out)
	}
}

// dumpLedger returns every stored field of every record except the moment it was stored.
func dumpLedger(t *testing.T, path string) string {
	t.Helper()
	db, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Reader().Query(`SELECT id, time, amount_minor, currency, kind, channel, status, merchant, terminal, batch,
		trace, rrn, auth_code, scheme, card, card_last4, note, coalesce(original_id, 0), source FROM transactions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	vals := make([]any, 19)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, vals...)
	}
	return b.String()
}

func TestLedgerE2EDemo(t *testing.T) {
	one, two, other := newLedgerCLI(t), newLedgerCLI(t), newLedgerCLI(t)
	args := []string{"demo", "--transactions", "1500", "--seed", "7", "--end", "2026-09-20 18:00"}
	out := one.ok(args...)
	if !strings.Contains(out, "Added 1500 demo transactions") || !strings.Contains(out, "Reversal") {
		t.Errorf("demo printed:\n%s", out)
	}
	two.ok(args...)
	other.ok("demo", "--transactions", "1500", "--seed", "8", "--end", "2026-09-20 18:00")
	a, b, o := dumpLedger(t, one.db), dumpLedger(t, two.db), dumpLedger(t, other.db)
	// 1500 ledger records, and the slips of incidents logged by later parts of the demo.
	if n := strings.Count(a, "\n"); n < 1500 || n > 1600 {
		t.Fatalf("%d records", n)
	}
	if n := strings.Count(a, " manual\n"); n != 0 {
		t.Errorf("the demo made %d records that are not demo data", n)
	}
	if a != b {
		t.Error("the same seed gave different ledgers")
	}
	if a == o {
		t.Error("another seed gave the same ledger")
	}
	// The demo is a ledger like any other: filters, JSON, check.
	failed := one.list("--status", "failed", "--limit", "1000")
	if len(failed) == 0 {
		t.Error("no failed demo sales")
	}
	for _, r := range failed {
		if r["source"] != "demo" || r["status"] != "failed" {
			t.Fatalf("record %v", r)
		}
	}
	if out := one.ok("check", "--no-backups"); !strings.Contains(out, "foreign_key_check: ok") {
		t.Errorf("check after demo: %s", out)
	}
	var sum struct {
		Added    int            `json:"added"`
		FirstID  int64          `json:"first_id"`
		ByStatus map[string]int `json:"by_status"`
	}
	if err := json.Unmarshal([]byte(one.ok("demo", "--transactions", "100", "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Added != 100 || sum.FirstID != int64(strings.Count(a, "\n")+1) {
		t.Errorf("second demo run: %+v", sum)
	}
	// Demo data does not mix with a shop's real records unless asked.
	one.add("--amount", "12.00")
	if errOut := one.fail(1, "demo", "--transactions", "10"); !strings.Contains(errOut, "--force") {
		t.Errorf("demo on real data: %s", errOut)
	}
	one.ok("demo", "--transactions", "10", "--force")
}

func TestLedgerE2EChinese(t *testing.T) {
	c := newLedgerCLI(t)
	c.add("--amount", "88", "--status", "失败", "--channel", "微信支付", "--time", "2026-09-14 08:30")
	out := c.ok("transactions", "--lang", "zh")
	for _, want := range []string{"金额", "状态", "失败", "微信支付", "88.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("zh table lacks %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct {
		code int
		args []string
		want string
	}{
		{1, []string{"transaction", "void", "99", "--reason", "x", "--lang", "zh"}, "交易 99 不存在。"},
		{2, []string{"transactions", "--status", "x", "--lang", "zh"}, "--status \"x\" 无效"},
		{2, []string{"transaction", "add", "--amount", "1.234", "--lang", "zh"}, "小数位超过 2 位"},
		{2, []string{"transaction", "add", "--amount", "1", "--terminal", "123456789", "--lang", "zh"}, "--terminal: 终端号 最多 8 个字符"},
		{2, []string{"demo", "--transactions", "0", "--lang", "zh"}, "--transactions 须为"},
	} {
		if errOut := c.fail(tc.code, tc.args...); !strings.Contains(errOut, tc.want) {
			t.Errorf("posdesk %s: %q does not say %q", strings.Join(tc.args, " "), errOut, tc.want)
		}
	}
	if out := c.ok("demo", "--transactions", "50", "--lang", "zh", "--force"); !strings.Contains(out, "已添加 50 笔演示交易") || !strings.Contains(out, "冲正") {
		t.Errorf("zh demo:\n%s", out)
	}
}

// TestLedgerUsageMessagesTranslated checks that every usage message of the ledger commands
// (usagef formats, which the catalog test does not see) has a zh-Hans translation.
func TestLedgerUsageMessagesTranslated(t *testing.T) {
	fset := token.NewFileSet()
	n := 0
	for _, name := range []string{"demo.go", "transaction.go", "ledgerfmt.go"} {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "usagef" || len(call.Args) == 0 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: usagef with a format that is not a literal", fset.Position(call.Pos()))
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			n++
			if !i18n.Has(i18n.Chinese, s) {
				t.Errorf("%s: no zh-Hans translation for %q", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if n < 20 {
		t.Errorf("found only %d usage messages; did the files move?", n)
	}
}
