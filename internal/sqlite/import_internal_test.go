package sqlite

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestUncheckedImportRestoresForeignKeys: a settlement import runs with foreign keys off on its
// connection (beginUnchecked); after it commits, and after one that fails, the write connection
// checks them again.
func TestUncheckedImportRestoresForeignKeys(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "posdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 1, Name: "owner", Role: posdesk.RoleOwner})
	line := func(i int, currency string) *posdesk.SettlementLine {
		return &posdesk.SettlementLine{Line: i + 2, Fingerprint: posdesk.Fingerprint{byte(i + 1)}, Kind: posdesk.KindSale,
			Time: time.Date(2026, 11, 20, 10, i, 0, 0, time.UTC), Amount: posdesk.NewMoney(int64(100*(i+1)), currency)}
	}
	lines := func(currencies ...string) iter.Seq2[*posdesk.SettlementLine, error] {
		return func(yield func(*posdesk.SettlementLine, error) bool) {
			for i, c := range currencies {
				if !yield(line(i, c), nil) {
					return
				}
			}
		}
	}
	checked := func(when string) {
		t.Helper()
		var fk int
		if err := db.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("%s: foreign_keys = %d (%v), want 1", when, fk, err)
		}
		_, err := db.write.ExecContext(ctx, `INSERT INTO settlement_lines (batch_id, fingerprint, kind, amount_minor, fee_minor, net_minor,
			currency, time, settle_date, line) VALUES (999, x'00', 'sale', 1, 0, 1, 'CNY', 0, '2026-11-20', 1)`)
		if err == nil {
			t.Fatalf("%s: a line of batch 999, which does not exist, was stored", when)
		}
	}
	checked("before any import")
	good := &posdesk.ImportBatch{FileName: "good.csv", FileSHA256: fmt.Sprintf("%064x", 7)}
	if err := db.CreateSettlementImport(ctx, good, lines("CNY", "CNY", "CNY")); err != nil || good.New != 3 {
		t.Fatalf("import: %v, %d new", err, good.New)
	}
	checked("after an import")
	mixed := &posdesk.ImportBatch{FileName: "mixed.csv", FileSHA256: fmt.Sprintf("%064x", 8)}
	if err := db.CreateSettlementImport(ctx, mixed, lines("CNY", "HKD")); err == nil {
		t.Fatal("a file mixing currencies was imported")
	}
	checked("after a refused import")
}

// TestAheadSeq: the pairs come in order, errors included, and breaking out of the loop stops
// the iterator before aheadSeq returns.
func TestAheadSeq(t *testing.T) {
	stopped := false
	seq := func(yield func(int, error) bool) {
		defer func() { stopped = true }()
		for i := range 1000 {
			var err error
			if i%10 == 3 {
				err = fmt.Errorf("line %d", i)
			}
			if !yield(i, err) {
				return
			}
		}
	}
	want := 0
	for v, err := range aheadSeq(seq, 7) {
		if v != want || (err != nil) != (v%10 == 3) {
			t.Fatalf("got %d, %v; want %d", v, err, want)
		}
		if want++; want == 500 {
			break
		}
	}
	if !stopped {
		t.Error("the iterator was still running after the loop ended")
	}
	n := 0
	for range aheadSeq(seq, 64) {
		n++
	}
	if n != 1000 {
		t.Errorf("%d pairs, want 1000", n)
	}
}
