package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// MustAuditedDB returns a database whose trail has n transaction.create entries, made by the
// implicit owner (no staff, so no PIN hashing).
func MustAuditedDB(tb testing.TB, n int) *sqlite.DB {
	tb.Helper()
	db := MustOpenDB(tb)
	ctx := Owner()
	base := time.Date(2026, 9, 14, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		tx := &posdesk.Transaction{Time: base.Add(time.Duration(i) * time.Minute), Amount: posdesk.CNY(fmt.Sprintf("%d.00", 10+i)), Terminal: "61000042", Trace: fmt.Sprintf("%06d", 500+i)}
		if err := db.CreateTransaction(ctx, tx); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// Shell opens a second, plain connection to db's file, as somebody with the sqlite3 shell
// would: no posdesk code in the way.
func Shell(tb testing.TB, db *sqlite.DB) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

func mustExec(tb testing.TB, db *sql.DB, stmts ...string) {
	tb.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
}

const dropGuards = `DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_head_forward; DROP TRIGGER audit_head_no_delete`

func TestVerifyAuditIntact(t *testing.T) {
	db := MustAuditedDB(t, 6)
	ctx := context.Background()
	head, n, bad, err := db.VerifyAudit(ctx)
	if err != nil || bad != nil {
		t.Fatalf("intact trail: bad %+v, %v", bad, err)
	}
	h, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 || h.Seq != 6 || h.Hash != head || h.Time.IsZero() {
		t.Errorf("n=%d head=%s AuditHead=%+v", n, head, h)
	}
	if missing, err := db.MissingAuditTriggers(ctx); err != nil || len(missing) != 0 {
		t.Errorf("triggers missing %v (%v)", missing, err)
	}
	es, err := db.FindAuditEntries(ctx, posdesk.AuditFilter{Limit: 2, BeforeSeq: 6})
	if err != nil || len(es) != 2 || es[0].Seq != 5 || es[1].Seq != 4 {
		t.Errorf("page before 6: %v %v", es, err)
	}
}

// TestAuditAppendOnlyGuards checks that a plain UPDATE or DELETE with the sqlite3 shell is
// refused by the triggers, and that dropping them is reported.
func TestAuditAppendOnlyGuards(t *testing.T) {
	db := MustAuditedDB(t, 3)
	raw := Shell(t, db)
	for _, stmt := range []string{
		`UPDATE audit_log SET actor = 'nobody' WHERE seq = 2`,
		`DELETE FROM audit_log WHERE seq = 3`,
		`UPDATE audit_head SET seq = 1`,
		`DELETE FROM audit_head`,
	} {
		if _, err := raw.Exec(stmt); err == nil || !strings.Contains(err.Error(), "audit") {
			t.Errorf("%s: %v, want refused", stmt, err)
		}
	}
	mustExec(t, raw, `DROP TRIGGER audit_log_no_delete`)
	missing, err := db.MissingAuditTriggers(context.Background())
	if err != nil || len(missing) != 1 || missing[0] != "audit_log_no_delete" {
		t.Errorf("missing triggers %v (%v)", missing, err)
	}
}

// TestVerifyAuditTamper changes the trail with raw SQL, the guards dropped first, and checks
// VerifyAudit names the right entry each time.
func TestVerifyAuditTamper(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sql     []string
		wantSeq int64
		wantMsg string
	}{
		{"edit a field", []string{`UPDATE audit_log SET new = replace(new, '12.00', '1.20') WHERE seq = 3`}, 3, "was changed"},
		{"edit the actor", []string{`UPDATE audit_log SET actor = 'someone else' WHERE seq = 5`}, 5, "was changed"},
		{"edit the time", []string{`UPDATE audit_log SET time = '2026-09-19T10:00:00Z' WHERE seq = 2`}, 2, "was changed"},
		{"edit and rehash", nil, 4, "does not follow entry 3"}, // done in code below
		{"delete one", []string{`DELETE FROM audit_log WHERE seq = 3`}, 4, "entries 3 to 3 were deleted"},
		{"delete the first", []string{`DELETE FROM audit_log WHERE seq = 1`}, 2, "entries 1 to 1 were deleted"},
		{"swap two (numbers)", []string{
			`UPDATE audit_log SET seq = -1 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 4`,
			`UPDATE audit_log SET seq = 4 WHERE seq = -1`}, 3, "was changed"},
		{"swap two (contents)", []string{
			`CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (3, 4)`,
			`UPDATE audit_log SET (time, actor, action, entity, entity_id, old, new, prev_hash, hash) =
				(SELECT time, actor, action, entity, entity_id, old, new, prev_hash, hash FROM t WHERE t.seq = 7 - audit_log.seq) WHERE seq IN (3, 4)`}, 3, "was changed"},
		{"truncate", []string{`DELETE FROM audit_log WHERE seq > 4`}, 5, "missing from the end"},
		{"truncate all", []string{`DELETE FROM audit_log`}, 1, "missing from the end"},
		{"delete the head row", []string{`DELETE FROM audit_head`}, 7, "head record is missing"},
		{"append a forged entry", []string{`INSERT INTO audit_log SELECT seq + 1, time, actor, action, entity, entity_id, old, new, hash, hash FROM audit_log WHERE seq = 6`}, 7, "was changed"},
		{"rewrite the head row", []string{`UPDATE audit_head SET hash = 'abc'`}, 6, "rewritten"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := MustAuditedDB(t, 6)
			raw := Shell(t, db)
			mustExec(t, raw, dropGuards)
			mustExec(t, raw, tc.sql...)
			if tc.name == "edit and rehash" {
				// Somebody who knows the hash recipe edits entry 3 and fixes its own hash; the
				// link from entry 4 still breaks.
				e := entry(t, db, 3)
				e.Actor = "someone else"
				mustExec(t, raw, fmt.Sprintf(`UPDATE audit_log SET actor = '%s', hash = '%s' WHERE seq = 3`, e.Actor, sqlite.AuditHash(*e)))
			}
			_, _, bad, err := db.VerifyAudit(context.Background())
			if bad == nil {
				t.Fatalf("not detected (err %v)", err)
			}
			if bad.Seq != tc.wantSeq {
				t.Errorf("first bad entry %d, want %d", bad.Seq, tc.wantSeq)
			}
			if posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("err = %v, want ECONFLICT with %q", err, tc.wantMsg)
			}
		})
	}
}

func entry(tb testing.TB, db *sqlite.DB, seq int64) *posdesk.AuditEntry {
	tb.Helper()
	es, err := db.FindAuditEntries(context.Background(), posdesk.AuditFilter{BeforeSeq: seq + 1, Limit: 1})
	if err != nil || len(es) != 1 || es[0].Seq != seq {
		tb.Fatalf("entry %d: %v %v", seq, es, err)
	}
	return es[0]
}

// TestTruncationStaysVisible checks that entries cut from the end remain a visible gap after
// posdesk writes again (new entries chain onto the head row, not onto the cut trail).
func TestTruncationStaysVisible(t *testing.T) {
	db := MustAuditedDB(t, 6)
	raw := Shell(t, db)
	mustExec(t, raw, dropGuards, `DELETE FROM audit_log WHERE seq > 4`)
	if err := db.CreateTransaction(Owner(), &posdesk.Transaction{Time: time.Now(), Amount: posdesk.CNY("1.00")}); err != nil {
		t.Fatal(err)
	}
	_, _, bad, err := db.VerifyAudit(context.Background())
	if bad == nil || bad.Seq != 7 || !strings.Contains(err.Error(), "entries 5 to 6 were deleted") {
		t.Errorf("after a later write: bad %+v, %v", bad, err)
	}
}

// TestAnchorCatchesConsistentRewrite is the honest limit, tested: somebody who cuts the trail
// and rewrites the head row to match is not found by VerifyAudit alone; an anchor taken earlier
// (printed on a packet, kept in a backup) finds it.
func TestAnchorCatchesConsistentRewrite(t *testing.T) {
	db := MustAuditedDB(t, 6)
	ctx := context.Background()
	anchor, err := db.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	printed, err := posdesk.ParseAuditHead(anchor.Short())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckAnchor(ctx, printed); err != nil {
		t.Fatalf("intact trail fails its own anchor: %v", err)
	}
	raw := Shell(t, db)
	mustExec(t, raw, dropGuards, `DELETE FROM audit_log WHERE seq > 4`,
		`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`)
	if _, _, bad, err := db.VerifyAudit(ctx); bad != nil || err != nil {
		t.Fatalf("consistent cut: VerifyAudit found %+v %v; the README says it cannot", bad, err)
	}
	if err := db.CheckAnchor(ctx, printed); posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), "cut back") {
		t.Errorf("anchor after a cut: %v, want ECONFLICT", err)
	}
	// Rewriting entry 4 and re-chaining is caught by an anchor at 4.
	a4 := posdesk.AuditHead{Seq: 4, Hash: entry(t, db, 4).Hash[:16]}
	mustExec(t, raw, `UPDATE audit_log SET hash = 'ff' || substr(hash, 3) WHERE seq = 4`)
	if err := db.CheckAnchor(ctx, a4); posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("anchor after a rewrite: %v, want ECONFLICT", err)
	}
}

// BenchmarkVerifyAudit measures how fast posdesk check walks the chain.
func BenchmarkVerifyAudit(b *testing.B) {
	db := MustAuditedDB(b, 2000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, n, bad, err := db.VerifyAudit(ctx); err != nil || bad != nil || n != 2000 {
			b.Fatal(n, bad, err)
		}
	}
	b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "entries/s")
}
