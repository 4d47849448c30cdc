package reconcile_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// samples reads the three sample files with the importer and numbers their rows as storage
// would: ledger IDs from 1, settlement line IDs from 1001, bank line IDs from 5001.
func samples(tb testing.TB) ([]*posdesk.Transaction, []*posdesk.SettlementLine, []*posdesk.BankLine) {
	tb.Helper()
	read := func(name string) []*importer.Record {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		rd, err := importer.NewReader(f, importer.Options{FileName: name, Location: shanghai})
		if err != nil {
			tb.Fatal(err)
		}
		var out []*importer.Record
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			out = append(out, rec)
		}
	}
	var ledger []*posdesk.Transaction
	for i, r := range read("pos_export_en.csv") {
		r.POS.Tx.ID = int64(i + 1)
		ledger = append(ledger, r.POS.Tx)
	}
	var settle []*posdesk.SettlementLine
	for i, r := range read("settlement_gbk.csv") {
		r.Settlement.ID = int64(1001 + i)
		settle = append(settle, r.Settlement)
	}
	var bank []*posdesk.BankLine
	for i, r := range read("bank_statement.csv") {
		r.Bank.ID = int64(5001 + i)
		bank = append(bank, r.Bank)
	}
	return ledger, settle, bank
}

func sampleOptions() reconcile.Options {
	return reconcile.Options{Now: time.Date(2026, 9, 20, 9, 0, 0, 0, shanghai), Location: shanghai, SettleDays: 3}
}

// TestPlantedDiscrepancies reconciles the three samples and checks that every discrepancy
// planted in them (planted.json) lands in its queue, and that nothing else lands anywhere.
func TestPlantedDiscrepancies(t *testing.T) {
	ledger, settle, bank := samples(t)
	r, sum, err := reconcile.Reconcile(context.Background(), sampleOptions(), ledger, settle, bank)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var planted map[posdesk.ExceptionKind][]string
	if err := json.Unmarshal(b, &planted); err != nil {
		t.Fatal(err)
	}
	got := map[posdesk.ExceptionKind][]string{}
	for _, e := range r.Exceptions {
		t.Logf("%-24s RRN %s  %s  expected %s actual %s  %s", e.Kind, e.RRN, e.Date.String(), e.Expected.Plain(), e.Actual.Plain(), e.Reason)
		got[e.Kind] = append(got[e.Kind], e.RRN)
	}
	for k := range got {
		sort.Strings(got[k])
	}
	for k := range planted {
		sort.Strings(planted[k])
	}
	for _, k := range posdesk.ExceptionKinds {
		if !slices.Equal(got[k], planted[k]) {
			t.Errorf("%s: got %v, want %v", k, got[k], planted[k])
		}
	}
	// 121 ledger rows: 119 approved sales, 2 failed ones, 1 refund. Every settlement line but
	// the duplicate pairs with the ledger by RRN.
	if sum.Ledger != 121 || sum.Settlement != 120 || sum.Bank != 2 || sum.ExactMatches != 119 || sum.TolerantMatches != 0 {
		t.Errorf("summary = %+v", sum)
	}
	if len(r.Matches) != 119 {
		t.Errorf("matches = %d", len(r.Matches))
	}
	for _, m := range r.Matches {
		if m.Score != posdesk.MatchScoreExact || m.NeedsConfirmation() || m.Reason == "" {
			t.Errorf("match %+v", m)
		}
	}
	// Details of each planted exception.
	by := map[string]*posdesk.Exception{}
	for _, e := range r.Exceptions {
		by[string(e.Kind)+e.RRN] = e
	}
	if e := by["amount_mismatch260915000589"]; e == nil || e.Expected.Plain() != "128.00" || e.Actual.Plain() != "127.00" || e.TransactionID == 0 || len(e.SettlementLineIDs) != 1 {
		t.Errorf("amount mismatch = %+v", e)
	}
	if e := by["settled_twice260914000551"]; e == nil || len(e.SettlementLineIDs) != 2 || e.TransactionID != 51 || e.Actual.Plain() != "243.00" {
		t.Errorf("settled twice = %+v", e)
	}
	if e := by["charged_but_pos_failed260914000571"]; e == nil || e.Actual.Plain() != "2008.80" || e.TransactionID != 71 {
		t.Errorf("charged but failed = %+v", e)
	}
	if e := by["refund_not_credited260915000621"]; e == nil || e.Expected.Plain() != "-58.00" || e.Date.String() != "2026-09-15" {
		t.Errorf("refund = %+v", e)
	}
	if e := by["approved_not_settled260914000534"]; e == nil || e.Expected.Plain() != "125.50" || e.Date.String() != "2026-09-14" {
		t.Errorf("not settled = %+v", e)
	}
}

// TestPlantedBeforeGracePeriod runs the samples the morning after: the missing sale and the
// refund are not overdue yet, everything else is already visible.
func TestPlantedBeforeGracePeriod(t *testing.T) {
	ledger, settle, bank := samples(t)
	opts := sampleOptions()
	opts.Now = time.Date(2026, 9, 16, 9, 0, 0, 0, shanghai)
	_, sum, err := reconcile.Reconcile(context.Background(), opts, ledger, settle, bank)
	if err != nil {
		t.Fatal(err)
	}
	want := map[posdesk.ExceptionKind]int{posdesk.ExcChargedButPOSFailed: 2, posdesk.ExcAmountMismatch: 1, posdesk.ExcSettledTwice: 1}
	if !mapsEqual(sum.Exceptions, want) {
		t.Errorf("exceptions = %v, want %v", sum.Exceptions, want)
	}
}

func mapsEqual(a, b map[posdesk.ExceptionKind]int) bool {
	for k, v := range a {
		if v != 0 && b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestReasonsTranslated(t *testing.T) {
	ledger, settle, bank := samples(t)
	i18n.SetLang(i18n.Chinese)
	defer i18n.SetLang(i18n.English)
	r, _, err := reconcile.Reconcile(context.Background(), sampleOptions(), ledger, settle, bank)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Exceptions {
		if !strings.ContainsAny(e.Reason, "账款算交") {
			t.Errorf("%s reason not in Chinese: %s", e.Kind, e.Reason)
		}
	}
	if got := r.Matches[0].Reason; !strings.HasPrefix(got, "参考号") {
		t.Errorf("match reason = %q", got)
	}
	t.Log(r.Exceptions[0].Reason)
}
