package sqlite_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/importer/importertest"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
	"github.com/posdesk/posdesk/internal/sqlite"
)

var shopZone = time.FixedZone("CST", 8*3600)

// openSample returns a reader over testdata/import/name and its batch, the way the import command
// prepares them.
func openSample(tb testing.TB, name string) (*importer.Reader, *posdesk.ImportBatch) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "import", name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	rd, err := importer.NewReader(f, importer.Options{FileName: name, Location: shopZone})
	if err != nil {
		tb.Fatal(err)
	}
	return rd, &posdesk.ImportBatch{FileName: name, Profile: rd.Mapping().Profile}
}

func importSettlement(tb testing.TB, db *sqlite.DB, name string) *posdesk.ImportBatch {
	tb.Helper()
	rd, b := openSample(tb, name)
	if err := db.CreateSettlementImport(Owner(), b, importer.WithBatch(rd, b, rd.SettlementLines(), nil)); err != nil {
		tb.Fatal(err)
	}
	return b
}

// importSamples imports the sample POS export and settlement statement, and the sample bank
// statement when bank is set.
func importSamples(tb testing.TB, db *sqlite.DB, bank bool) {
	tb.Helper()
	ctx := Owner()
	rd, pb := openSample(tb, "pos_export_en.csv")
	if err := db.CreatePOSImport(ctx, pb, importer.WithBatch(rd, pb, rd.POSLines(), nil)); err != nil {
		tb.Fatal(err)
	}
	importSettlement(tb, db, "settlement_gbk.csv")
	if bank {
		rd, bb := openSample(tb, "bank_statement.csv")
		if err := db.CreateBankImport(ctx, bb, importer.WithBatch(rd, bb, rd.BankLines(), nil)); err != nil {
			tb.Fatal(err)
		}
	}
}

// reconcileAt matches everything stored as of now (in the shop's zone) and stores the result.
func reconcileAt(tb testing.TB, db *sqlite.DB, now time.Time) *posdesk.Reconciliation {
	tb.Helper()
	ctx := Owner()
	r := &posdesk.Reconciliation{RanAt: now}
	_, err := reconcile.Run(ctx, reconcile.Options{Now: now, Location: shopZone},
		reconcile.Input{Ledger: db.ScanTransactions(ctx), Settlement: db.ScanSettlementLines(ctx), Bank: db.ScanBankLines(ctx)},
		reconcile.Sink{
			Match:     func(m *posdesk.Match) error { r.Matches = append(r.Matches, m); return nil },
			Exception: func(e *posdesk.Exception) error { r.Exceptions = append(r.Exceptions, e); return nil },
		})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateReconciliation(ctx, r); err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestSettlementImportDedupAndUndo(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	b := importSettlement(t, db, "settlement_gbk.csv")
	if b.ID == 0 || b.New != 120 || b.Duplicate != 0 || b.Refused != 0 || b.Kind != posdesk.ImportSettlement || b.ImportedBy != "owner" {
		t.Fatalf("first import = %+v", b)
	}
	lines, total, err := db.FindSettlementLines(ctx, posdesk.SettlementLineFilter{Limit: 2})
	if err != nil || total != 120 || len(lines) != 2 {
		t.Fatalf("lines %d of %d, %v", len(lines), total, err)
	}
	l := lines[0]
	if l.RRN != "260914000501" || l.Amount.Plain() != "124.00" || l.Net.Plain() != "123.53" || l.SettleDate.String() != "2026-09-14" ||
		l.Time.Format(time.RFC3339) != "2026-09-14T00:30:00Z" || l.Line != 2 || l.Fingerprint.IsZero() || l.BatchID != b.ID || l.MerchantID != "822290070111234" {
		t.Errorf("stored line = %+v", l)
	}
	// The same file again adds nothing.
	again := importSettlement(t, db, "settlement_gbk.csv")
	if again.New != 0 || again.Duplicate != 120 {
		t.Fatalf("re-import = %+v", again)
	}
	// Undo the first: its rows stop counting, the batch stays on record, and the file can come back.
	undone, err := db.UndoImportBatch(ctx, b.ID)
	if err != nil || !undone.Undone() || undone.UndoneBy != "owner" {
		t.Fatalf("undo = %+v, %v", undone, err)
	}
	if _, err := db.UndoImportBatch(ctx, b.ID); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("second undo = %v", err)
	}
	if _, total, _ := db.FindSettlementLines(ctx, posdesk.SettlementLineFilter{}); total != 0 {
		t.Errorf("%d lines count after undo", total)
	}
	if got, _ := db.FindImportBatchByID(ctx, b.ID); got == nil || !got.Undone() || got.New != 120 {
		t.Errorf("undone batch = %+v", got)
	}
	third := importSettlement(t, db, "settlement_gbk.csv")
	if third.New != 120 || third.Duplicate != 0 {
		t.Fatalf("import after undo = %+v", third)
	}
	batches, n, err := db.FindImportBatches(ctx, posdesk.ImportBatchFilter{})
	if err != nil || n != 2 || batches[0].ID != third.ID {
		t.Errorf("batches not undone = %d (%v)", n, err)
	}
	if _, n, _ := db.FindImportBatches(ctx, posdesk.ImportBatchFilter{IncludeUndone: true}); n != 3 {
		t.Errorf("all batches = %d", n)
	}
	// Every step is in the audit trail.
	var creates, undos int
	db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'import.create'`).Scan(&creates)
	db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'import.undo'`).Scan(&undos)
	if creates != 3 || undos != 1 {
		t.Errorf("audit: %d creates, %d undos", creates, undos)
	}
}

func TestImportRowErrorsKept(t *testing.T) {
	db := MustOpenDB(t)
	text := "参考号,交易日期,交易金额,清算金额\n1,20260914,10.00,9.96\n2,20260914,x,1\n3,2026-13-01,5.00,4.98\n\n合计,,15.00,\n"
	rd, err := importer.NewReader(strings.NewReader(text), importer.Options{FileName: "e.csv"})
	if err != nil {
		t.Fatal(err)
	}
	b := &posdesk.ImportBatch{FileName: "e.csv", FileSHA256: strings.Repeat("ab", 32)}
	if err := db.CreateSettlementImport(Owner(), b, importer.WithBatch(rd, b, rd.SettlementLines(), nil)); err != nil {
		t.Fatal(err)
	}
	if b.New != 1 || b.Refused != 2 || b.Skipped != 2 {
		t.Fatalf("batch = %+v", b)
	}
	got, err := db.FindImportBatchByID(Owner(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Refused != 2 || got.Skipped != 2 || len(got.Errors) != 2 || got.Errors[0].Line != 3 || got.Errors[0].Field != "amount" || got.Errors[1].Line != 4 {
		t.Fatalf("stored batch = %+v", got)
	}
	if msg := got.Errors[1].Error(); !strings.Contains(msg, "2026-13-01") {
		t.Errorf("stored message %q", msg)
	}
}

func TestImportRefusedFileStoresNothing(t *testing.T) {
	db := MustOpenDB(t)
	f, err := os.ReadFile(filepath.Join("testdata", "import", "settlement_gbk.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Damage a byte on line 100: the first 98 lines read fine, then the file is refused.
	lines := strings.SplitAfter(string(f), "\n")
	lines[99] = lines[99][:20] + "\x81\x7f" + lines[99][22:]
	rd, err := importer.NewReader(strings.NewReader(strings.Join(lines, "")), importer.Options{FileName: "bad.csv"})
	if err != nil {
		t.Fatal(err)
	}
	b := &posdesk.ImportBatch{FileName: "bad.csv", FileSHA256: strings.Repeat("cd", 32)}
	err = db.CreateSettlementImport(Owner(), b, importer.WithBatch(rd, b, rd.SettlementLines(), nil))
	if err == nil || !strings.Contains(err.Error(), "line 100") {
		t.Fatalf("import of a damaged file = %v", err)
	}
	if _, n, _ := db.FindImportBatches(Owner(), posdesk.ImportBatchFilter{IncludeUndone: true}); n != 0 {
		t.Errorf("%d batches stored", n)
	}
	var rows int
	db.Reader().QueryRow(`SELECT count(*) FROM settlement_lines`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d lines stored from a refused file", rows)
	}
}

func TestImportNeedsManager(t *testing.T) {
	db := MustOpenDB(t)
	cashier := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 2, Name: "li", Role: posdesk.RoleCashier})
	rd, b := openSample(t, "bank_statement.csv")
	if err := db.CreateBankImport(cashier, b, importer.WithBatch(rd, b, rd.BankLines(), nil)); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("cashier import = %v", err)
	}
}

func TestPOSImport(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	rd, b := openSample(t, "pos_export_en.csv")
	if err := db.CreatePOSImport(ctx, b, importer.WithBatch(rd, b, rd.POSLines(), nil)); err != nil {
		t.Fatal(err)
	}
	if b.New != 121 || b.Duplicate != 0 {
		t.Fatalf("batch = %+v", b)
	}
	txs, _, err := db.FindTransactions(ctx, posdesk.TransactionFilter{ImportBatchID: b.ID, Limit: 200})
	if err != nil || len(txs) != 121 {
		t.Fatalf("ledger rows = %d, %v", len(txs), err)
	}
	for _, x := range txs {
		if x.Source != posdesk.SourceImport || x.ImportBatchID != b.ID {
			t.Fatalf("row %+v", x)
		}
	}
	rd, b2 := openSample(t, "pos_export_en.csv")
	if err := db.CreatePOSImport(ctx, b2, importer.WithBatch(rd, b2, rd.POSLines(), nil)); err != nil {
		t.Fatal(err)
	}
	if b2.New != 0 || b2.Duplicate != 121 {
		t.Fatalf("re-import = %+v", b2)
	}
	// Undoing the import voids its ledger rows, with the reason; they stay on record.
	if _, err := db.UndoImportBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	txs, _, _ = db.FindTransactions(ctx, posdesk.TransactionFilter{ImportBatchID: b.ID, Limit: 200})
	if len(txs) != 0 {
		t.Errorf("%d rows still count after undo", len(txs))
	}
	all, _, _ := db.FindTransactions(ctx, posdesk.TransactionFilter{ImportBatchID: b.ID, Limit: 200, IncludeVoided: true})
	if len(all) != 121 || !all[0].Voided() || !strings.Contains(all[0].VoidReason, "undone") {
		t.Errorf("after undo: %d rows, first %+v", len(all), all[0])
	}
}

func TestBankImport(t *testing.T) {
	db := MustOpenDB(t)
	rd, b := openSample(t, "bank_statement.csv")
	if err := db.CreateBankImport(Owner(), b, importer.WithBatch(rd, b, rd.BankLines(), nil)); err != nil {
		t.Fatal(err)
	}
	lines, n, err := db.FindBankLines(Owner(), posdesk.BankLineFilter{})
	if err != nil || n != 2 || lines[0].Date.String() != "2026-09-15" || lines[0].Credit.Plain() != "39950.45" || lines[1].Balance.Plain() != "104088.02" {
		t.Fatalf("bank lines %+v (%d, %v)", lines, n, err)
	}
}

// TestLargeImportOverlap checks the large-batch path (indexes set aside, rebuilt at the end):
// duplicates of earlier imports are counted exactly whether they come before or after the point
// where the indexes were set aside, and the unique index is back in force afterwards.
func TestLargeImportOverlap(t *testing.T) {
	if testing.Short() {
		t.Skip("large import")
	}
	db := MustOpenDB(t)
	dir := t.TempDir()
	read := func(name string, ranges ...[2]int) (*importer.Reader, *posdesk.ImportBatch) {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := importertest.WriteSettlementRanges(f, ranges...); err != nil {
			t.Fatal(err)
		}
		f.Close()
		r, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		rd, err := importer.NewReader(r, importer.Options{FileName: name, Location: shopZone})
		if err != nil {
			t.Fatal(err)
		}
		return rd, &posdesk.ImportBatch{FileName: name, FileSHA256: strings.Repeat("1", 64)}
	}
	tests := []struct {
		name      string
		ranges    [][2]int
		new, dups int
	}{
		{"first, large", [][2]int{{0, 22000}}, 22000, 0},
		// 5,000 repeats before the indexes are set aside, 10,000 after.
		{"overlapping both sides", [][2]int{{17000, 22000}, {22000, 44000}, {0, 10000}}, 22000, 15000},
		{"small, all repeats", [][2]int{{30000, 31000}}, 0, 1000},
		{"small, new", [][2]int{{44000, 45000}}, 1000, 0},
	}
	for _, tt := range tests {
		rd, b := read(tt.name+".csv", tt.ranges...)
		if err := db.CreateSettlementImport(Owner(), b, importer.WithBatch(rd, b, rd.SettlementLines(), nil)); err != nil {
			t.Fatal(err)
		}
		if b.New != tt.new || b.Duplicate != tt.dups {
			t.Errorf("%s: %d new, %d duplicate; want %d, %d", tt.name, b.New, b.Duplicate, tt.new, tt.dups)
		}
	}
	var idx int
	db.Reader().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'settlement_lines'`).Scan(&idx)
	if idx != 1 {
		t.Errorf("%d indexes on settlement_lines after the large imports, want the fingerprint's", idx)
	}
	if _, n, _ := db.FindSettlementLines(Owner(), posdesk.SettlementLineFilter{}); n != 45000 {
		t.Errorf("%d lines stored, want 45000", n)
	}
	var dupFP int
	db.Reader().QueryRow(`SELECT count(*) FROM (SELECT fingerprint FROM settlement_lines WHERE active = 1 GROUP BY fingerprint HAVING count(*) > 1)`).Scan(&dupFP)
	if dupFP != 0 {
		t.Errorf("%d fingerprints stored twice", dupFP)
	}
}

func TestReconciliationStored(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	importSamples(t, db, true)
	run := func(now time.Time) *posdesk.Reconciliation { return reconcileAt(t, db, now) }
	first := run(time.Date(2026, 9, 20, 9, 0, 0, 0, shopZone))
	if len(first.Exceptions) != 6 || len(first.Matches) != 119 {
		t.Fatalf("%d exceptions, %d matches", len(first.Exceptions), len(first.Matches))
	}
	open, n, err := db.FindExceptions(ctx, posdesk.ExceptionFilter{Open: true})
	if err != nil || n != 6 || open[0].Kind != posdesk.ExcChargedButPOSFailed || open[0].ID == 0 || open[0].TransactionID == 0 || len(open[0].SettlementLineIDs) != 1 {
		t.Fatalf("open exceptions = %d %+v (%v)", n, open, err)
	}
	ids := map[string]int64{}
	for _, e := range open {
		ids[e.Key] = e.ID
	}
	// A second run finds the same exceptions under the same IDs.
	second := run(time.Date(2026, 9, 21, 9, 0, 0, 0, shopZone))
	for _, e := range second.Exceptions {
		if ids[e.Key] != e.ID || !e.FoundAt.Equal(time.Date(2026, 9, 20, 9, 0, 0, 0, shopZone).UTC()) {
			t.Errorf("%s: id %d found %s, want id %d", e.Key, e.ID, e.FoundAt, ids[e.Key])
		}
	}
	// Undo the settlement statement: the next run no longer finds the settlement exceptions;
	// they are marked resolved, not deleted.
	batches, _, _ := db.FindImportBatches(ctx, posdesk.ImportBatchFilter{Kind: ptr(posdesk.ImportSettlement)})
	if _, err := db.UndoImportBatch(ctx, batches[0].ID); err != nil {
		t.Fatal(err)
	}
	run(time.Date(2026, 9, 22, 9, 0, 0, 0, shopZone))
	if _, n, _ := db.FindExceptions(ctx, posdesk.ExceptionFilter{Open: true}); n != 0 {
		t.Errorf("%d exceptions still open", n)
	}
	all, n, _ := db.FindExceptions(ctx, posdesk.ExceptionFilter{})
	if n != 6 || all[0].ResolvedAt.IsZero() {
		t.Errorf("after undo: %d exceptions, first %+v", n, all[0])
	}
	e, err := db.FindExceptionByID(ctx, all[0].ID)
	if err != nil || e.Key != all[0].Key {
		t.Errorf("by id: %+v %v", e, err)
	}
	if _, err := db.FindExceptionByID(ctx, 9999); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("missing exception: %v", err)
	}
}

func TestConfirmMatch(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	importSamples(t, db, false)
	r := &posdesk.Reconciliation{Matches: []*posdesk.Match{{TransactionID: 1, SettlementLineID: 1, Score: 60, Reason: "weak"}}}
	if err := db.CreateReconciliation(ctx, r); err != nil {
		t.Fatal(err)
	}
	weak, n, _ := db.FindMatches(ctx, posdesk.MatchFilter{NeedsConfirmation: true})
	if n != 1 || weak[0].Score != 60 {
		t.Fatalf("to confirm = %+v", weak)
	}
	m, err := db.ConfirmMatch(ctx, weak[0].ID)
	if err != nil || !m.Confirmed || m.ConfirmedBy != "owner" {
		t.Fatalf("confirm = %+v %v", m, err)
	}
	// A new run keeps the confirmed match.
	if err := db.CreateReconciliation(ctx, &posdesk.Reconciliation{}); err != nil {
		t.Fatal(err)
	}
	if got, n, _ := db.FindMatches(ctx, posdesk.MatchFilter{}); n != 1 || !got[0].Confirmed {
		t.Errorf("matches after rerun = %+v", got)
	}
	if _, err := db.ConfirmMatch(ctx, 999); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("confirm missing = %v", err)
	}
	_ = errors.New
}

// The file is read once: the batch's checksum is the one the reader computed while importing,
// and an import whose lines end without a checksum stores nothing.
func TestImportChecksumFromReader(t *testing.T) {
	db := MustOpenDB(t)
	data, err := os.ReadFile(filepath.Join("testdata", "import", "settlement_gbk.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	b := importSettlement(t, db, "settlement_gbk.csv")
	if got, want := b.FileSHA256, hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("checksum %s, want %s", got, want)
	}
	stored, _, err := db.FindImportBatches(context.Background(), posdesk.ImportBatchFilter{FileSHA256: &b.FileSHA256})
	if err != nil || len(stored) != 1 || stored[0].ID != b.ID {
		t.Fatalf("batches by checksum: %v, %v", stored, err)
	}

	rd, b2 := openSample(t, "bank_statement.csv")
	err = db.CreateBankImport(Owner(), b2, rd.BankLines()) // no importer.WithBatch: no checksum
	if posdesk.ErrorCode(err) != posdesk.EINVALID || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("import without checksum: %v", err)
	}
	all, _, err := db.FindImportBatches(context.Background(), posdesk.ImportBatchFilter{})
	if err != nil || len(all) != 1 {
		t.Fatalf("batches after the refused import: %d, %v", len(all), err)
	}
	lines, _, err := db.FindBankLines(context.Background(), posdesk.BankLineFilter{})
	if err != nil || len(lines) != 0 {
		t.Fatalf("bank lines after the refused import: %d, %v", len(lines), err)
	}
}
