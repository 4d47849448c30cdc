package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// counts returns the number of transactions, of transaction.create audit entries and the audit
// head of the database file at path, read with a plain connection.
func counts(tb testing.TB, path string) (txs, creates int, head posdesk.AuditHead) {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRow(`SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM audit_log WHERE action = 'transaction.create'),
		seq, hash FROM audit_head`).Scan(&txs, &creates, &head.Seq, &head.Hash); err != nil {
		tb.Fatal(err)
	}
	return txs, creates, head
}

func sale(i int) *posdesk.Transaction {
	return &posdesk.Transaction{Time: time.Date(2026, 9, 14, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		Amount: posdesk.CNY(fmt.Sprintf("%d.50", i%500+1)), Terminal: "61000042", Trace: fmt.Sprintf("%06d", i%1000000)}
}

// TestBackupUnderConcurrentWrites takes backups while two writers (this handle and a second
// one, as a window and a command would be) keep adding records. Every backup must be a
// consistent snapshot (as many records as creation entries, chain intact) and restoring it
// must give back exactly its counts and its chain head.
func TestBackupUnderConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	db := MustAuditedDB(t, 20)
	other, err := sqlite.Open(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := Owner()
	var stop atomic.Bool
	var written atomic.Int64
	var wg sync.WaitGroup
	for w, h := range []*sqlite.DB{db, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if err := h.CreateTransaction(ctx, sale(w*100000+i)); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				written.Add(1)
			}
		}()
	}
	var infos []*sqlite.BackupInfo
	for i := 0; i < 5; i++ {
		for n := written.Load(); written.Load() < n+20; {
			time.Sleep(time.Millisecond)
		}
		info, err := db.Backup(ctx, filepath.Join(dir, fmt.Sprintf("b%d.db", i)))
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, info)
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d records written during 5 backups", written.Load())

	for i, info := range infos {
		txs, creates, head := counts(t, info.Path)
		if txs != creates || head.Seq != info.Head.Seq || head.Hash != info.Head.Hash {
			t.Errorf("backup %d: %d records, %d creation entries, head %v, recorded %v", i, txs, creates, head, info.Head)
		}
		if i > 0 && info.Head.Seq <= infos[i-1].Head.Seq {
			t.Errorf("backup %d head %d not after backup %d's %d", i, info.Head.Seq, i-1, infos[i-1].Head.Seq)
		}
		if _, err := sqlite.VerifyBackup(context.Background(), info.Path); err != nil {
			t.Errorf("backup %d: %v", i, err)
		}
		if err := db.CheckAnchor(context.Background(), info.Head); err != nil {
			t.Errorf("live trail fails backup %d's anchor: %v", i, err)
		}
	}

	// Restore the third backup into a new place and compare.
	target := filepath.Join(dir, "restored", "posdesk.db")
	now := time.Date(2026, 9, 21, 9, 0, 0, 0, time.UTC)
	res, err := sqlite.Restore(ctx, target, infos[2].Path, now)
	if err != nil {
		t.Fatal(err)
	}
	wantTxs, _, _ := counts(t, infos[2].Path)
	gotTxs, gotCreates, gotHead := counts(t, target)
	if gotTxs != wantTxs || gotCreates != wantTxs {
		t.Errorf("restored %d records (%d creation entries), backup had %d", gotTxs, gotCreates, wantTxs)
	}
	if gotHead.Seq != infos[2].Head.Seq+1 || res.Head.Seq != gotHead.Seq || res.Head.Hash != gotHead.Hash {
		t.Errorf("restored head %v (result %v), want backup head %d + the restore entry", gotHead, res.Head, infos[2].Head.Seq)
	}
	r, err := sqlite.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.CheckAnchor(context.Background(), infos[2].Head); err != nil {
		t.Errorf("restored trail does not hold the backup's head: %v", err)
	}
	if _, _, bad, err := r.VerifyAudit(context.Background()); bad != nil || err != nil {
		t.Errorf("restored trail: %v", err)
	}
	if res.Previous != "" {
		t.Errorf("nothing to keep, but Previous = %q", res.Previous)
	}
}

func TestBackupRules(t *testing.T) {
	db := MustOpenDB(t)
	s := MustStaff(t, db)
	dir := t.TempDir()
	// A cashier and a manager may not back up; the refusal is logged.
	for _, who := range []context.Context{s.Cashier, s.Manager} {
		if _, err := db.Backup(who, filepath.Join(dir, "x.db")); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
			t.Errorf("%s backing up: %v", posdesk.ActorName(who), err)
		}
		if e := lastAudit(t, db); e.Action != "denied" || !strings.Contains(e.New, "backup") {
			t.Errorf("refusal not logged: %+v", e)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("refused backup left a file")
	}
	path := filepath.Join(dir, "sub", "shop.db")
	info, err := db.Backup(s.Owner, path)
	if err != nil {
		t.Fatal(err)
	}
	if e := lastAudit(t, db); e.Action != "backup" || e.Actor != "王芳" || !strings.Contains(e.New, info.Head.Hash) {
		t.Errorf("backup not in the trail: %+v", e)
	}
	if _, err := db.Backup(s.Owner, path); posdesk.ErrorField(err) != "file" {
		t.Errorf("backup over an existing file: %v", err)
	}
	if _, err := db.Backup(s.Owner, db.Path); posdesk.ErrorField(err) != "file" {
		t.Errorf("backup onto the database: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".posdesk-backup-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	got, err := sqlite.ReadBackupInfo(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Head.Seq != info.Head.Seq || got.Head.Hash != info.Head.Hash || got.Source != db.Path || got.SchemaVersion != sqlite.LatestSchemaVersion() || got.Size == 0 {
		t.Errorf("backup info %+v, want %+v", got, info)
	}
	// The backup is one file: no WAL beside it, and it is not in WAL mode.
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("backup has a -wal file")
	}
	b, _ := os.ReadFile(path)
	if len(b) < 100 || b[18] != 1 || b[19] != 1 {
		t.Errorf("backup header read/write versions %d/%d, want 1/1 (rollback journal)", b[18], b[19])
	}
}

// mustBackup returns a fresh backup of a small database and that database.
func mustBackup(tb testing.TB) (*sqlite.DB, *sqlite.BackupInfo) {
	tb.Helper()
	db := MustAuditedDB(tb, 5)
	info, err := db.Backup(Owner(), filepath.Join(tb.TempDir(), "good.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return db, info
}

func copyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// TestRestoreRefusesBadBackups checks each kind of bad file is refused before anything is
// replaced: the live database stays byte for byte what it was.
func TestRestoreRefusesBadBackups(t *testing.T) {
	db, good := mustBackup(t)
	dir := t.TempDir()
	bad := func(name string, edit func(path string)) string {
		p := filepath.Join(dir, name)
		copyFile(t, good.Path, p)
		edit(p)
		return p
	}
	sqlExec := func(stmts ...string) func(string) {
		return func(p string) {
			raw, err := sql.Open("sqlite", "file:"+p)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			mustExec(t, raw, stmts...)
		}
	}
	plain := filepath.Join(dir, "plain.db")
	sqlExec(`CREATE TABLE notes (x TEXT)`)(plain)
	text := filepath.Join(dir, "notes.db")
	os.WriteFile(text, []byte("this is not a database at all, just text"), 0o600)
	cases := []struct {
		name, path, want string
	}{
		{"missing file", filepath.Join(dir, "nope.db"), "no file"},
		{"text file", text, "not a posdesk"},
		{"other SQLite file", plain, "not a posdesk"},
		{"newer schema", bad("newer.db", sqlExec(`INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 0)`)), "newer posdesk"},
		{"tampered audit", bad("tampered.db", sqlExec(dropGuards, `UPDATE audit_log SET actor = 'x' WHERE seq = 2`)), "audit trail"},
		{"broken foreign key", bad("fk.db", sqlExec(`PRAGMA foreign_keys = OFF`, `UPDATE transactions SET original_id = 999 WHERE id = 1`)), "damaged"},
		{"torn file", bad("torn.db", func(p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o600)
		}), ""},
	}
	// Live database for the restores: a copy of db, closed.
	live := filepath.Join(dir, "live", "posdesk.db")
	os.MkdirAll(filepath.Dir(live), 0o700)
	db.Close()
	copyFile(t, db.Path, live)
	before, _ := os.ReadFile(live)
	for _, tc := range cases {
		_, err := sqlite.Restore(Owner(), live, tc.path, time.Now())
		if err == nil {
			t.Errorf("%s: restored", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		after, _ := os.ReadFile(live)
		if string(after) != string(before) {
			t.Errorf("%s: the live database changed", tc.name)
		}
		if _, err := sqlite.VerifyBackup(context.Background(), tc.path); err == nil {
			t.Errorf("%s: VerifyBackup accepts it", tc.name)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "live", "*"))
	if len(left) != 2 { // the database and its lock file
		t.Errorf("files left beside the database: %v", left)
	}
}

// TestRestoreKeepsPreviousAndLocks restores over a live database: refused while another
// process has it open, then the old file is kept as before-restore-<time> and the restored
// database says where it came from.
func TestRestoreKeepsPreviousAndLocks(t *testing.T) {
	db, good := mustBackup(t)
	// More work after the backup, which the restore will undo.
	for i := 0; i < 3; i++ {
		if err := db.CreateTransaction(Owner(), sale(900+i)); err != nil {
			t.Fatal(err)
		}
	}
	wantPrev, _, prevHead := counts(t, db.Path)
	path := db.Path
	now := time.Date(2026, 9, 21, 9, 30, 0, 0, time.UTC)

	// Another process (a window) holds the shared lock: refused, nothing changed.
	held, err := sqlite.LockShared(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Restore(Owner(), path, good.Path, now); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("restore while open: %v, want ECONFLICT", err)
	}
	held.Unlock()
	db.Close()

	res, err := sqlite.Restore(Owner(), path, good.Path, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ".before-restore-20260921T093000Z"; res.Previous != want {
		t.Errorf("previous kept as %q, want %q", res.Previous, want)
	}
	if txs, _, head := counts(t, res.Previous); txs != wantPrev || head.Hash != prevHead.Hash {
		t.Errorf("kept database has %d records head %v, want %d %v", txs, head, wantPrev, prevHead)
	}
	txs, _, _ := counts(t, path)
	if txs != 5 {
		t.Errorf("restored %d records, want the backup's 5", txs)
	}
	r, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e := lastAudit(t, r)
	if e.Action != "restore" || e.Actor != "owner" || !strings.Contains(e.New, "before-restore") {
		t.Errorf("restore entry %+v", e)
	}
	info, err := sqlite.ReadBackupInfo(context.Background(), path)
	if err != nil || !info.RestoredAt.Equal(now) || info.Head.Hash != good.Head.Hash {
		t.Errorf("restored database's backup record %+v (%v)", info, err)
	}
	// While a restore holds the database, nobody opens it.
	ex, err := sqlite.LockExclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.LockShared(path); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("shared lock during a restore: %v", err)
	}
	ex.Unlock()
}

func TestWindowLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "posdesk.db")
	first, err := sqlite.LockWindow(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.LockWindow(path); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("second window: %v, want ECONFLICT", err)
	}
	// Commands still get in while the window is open.
	shared, err := sqlite.LockShared(path)
	if err != nil {
		t.Errorf("command while the window is open: %v", err)
	}
	shared.Unlock()
	first.Unlock()
	again, err := sqlite.LockWindow(path)
	if err != nil {
		t.Errorf("window after the first closed: %v", err)
	}
	again.Unlock()
}

func TestOpenReadOnly(t *testing.T) {
	db := MustAuditedDB(t, 2)
	ro, err := sqlite.OpenReadOnly(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	page, _, err := ro.FindTransactions(Owner(), posdesk.TransactionFilter{})
	if err != nil || len(page) != 2 {
		t.Errorf("read-only read: %d rows %v", len(page), err)
	}
	err = ro.CreateTransaction(Owner(), sale(1))
	if posdesk.ErrorCode(err) != posdesk.EFORBIDDEN || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write on a read-only database: %v", err)
	}
	if _, err := sqlite.OpenReadOnly(filepath.Join(t.TempDir(), "none.db")); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("read-only open of nothing: %v", err)
	}
}

// TestAutoBackupRetention walks ten days of daily backups with 3 days kept.
func TestAutoBackupRetention(t *testing.T) {
	db := MustAuditedDB(t, 2)
	ctx := Owner()
	folder := filepath.Join(t.TempDir(), "usb")
	if err := db.SetSetting(ctx, posdesk.SettingBackupFolder, folder); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, posdesk.SettingBackupKeepDays, "3"); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(folder, 0o700)
	os.WriteFile(filepath.Join(folder, "posdesk-2020-01-01.db.txt"), []byte("mine"), 0o600) // not ours: kept
	os.WriteFile(filepath.Join(folder, "notes.db"), []byte("mine"), 0o600)                  // not ours: kept
	day := time.Date(2026, 9, 1, 21, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for i := 0; i < 10; i++ {
		now := day.AddDate(0, 0, i)
		db.Now = func() time.Time { return now }
		info, _, err := db.AutoBackup(context.Background()) // no user: the automatic job
		if err != nil {
			t.Fatal(err)
		}
		if info == nil || filepath.Base(info.Path) != sqlite.AutoBackupName(now) {
			t.Fatalf("day %d: %+v", i, info)
		}
		again, _, err := db.AutoBackup(context.Background())
		if err != nil || again != nil {
			t.Errorf("second run the same day: %+v %v", again, err)
		}
	}
	names, _ := filepath.Glob(filepath.Join(folder, "*"))
	var got []string
	for _, n := range names {
		got = append(got, filepath.Base(n))
	}
	want := "notes.db posdesk-2020-01-01.db.txt posdesk-2026-09-07.db posdesk-2026-09-08.db posdesk-2026-09-09.db posdesk-2026-09-10.db"
	if strings.Join(got, " ") != want {
		t.Errorf("backup folder:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	e := lastAudit(t, db)
	if e.Action != "backup" || e.Actor != "posdesk (automatic)" {
		t.Errorf("automatic backup entry %+v", e)
	}
	// All of them are anchors of the live trail.
	res, err := db.CheckBackupAnchors(context.Background(), folder)
	if err != nil || len(res) != 4 {
		t.Fatalf("anchors %+v %v", res, err)
	}
	for _, r := range res {
		if r.Skipped != nil || r.Err != nil {
			t.Errorf("%s: skipped %q err %v", r.Backup.Path, r.Skipped, r.Err)
		}
	}
}

// TestBackupAnchorsAfterTamper cuts the live trail back consistently (head row rewritten too):
// VerifyAudit cannot see it, the backups can.
func TestBackupAnchorsAfterTamper(t *testing.T) {
	db := MustAuditedDB(t, 6)
	folder := t.TempDir()
	if _, err := db.Backup(Owner(), filepath.Join(folder, "a.db")); err != nil {
		t.Fatal(err)
	}
	other := MustOpenDB(t) // another shop's backup in the same folder: skipped
	if err := other.SetSetting(Owner(), "shop.name", "Other shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Backup(Owner(), filepath.Join(folder, "other.db")); err != nil {
		t.Fatal(err)
	}
	raw := Shell(t, db)
	mustExec(t, raw, dropGuards, `DELETE FROM audit_log WHERE seq > 4`,
		`UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`)
	res, err := db.CheckBackupAnchors(context.Background(), folder)
	if err != nil || len(res) != 2 {
		t.Fatalf("anchors %+v %v", res, err)
	}
	for _, r := range res {
		switch filepath.Base(r.Backup.Path) {
		case "a.db":
			if r.Err == nil || !strings.Contains(r.Err.Error(), "cut back") {
				t.Errorf("a.db: %v, want cut back", r.Err)
			}
		case "other.db":
			if r.Skipped == nil || !strings.Contains(r.Skipped.Error(), "another database") {
				t.Errorf("other.db: skipped %q err %v", r.Skipped, r.Err)
			}
		}
	}
}

// TestAnchorsAcrossRestore: backups taken after the restored one but before the restore belong
// to history the restore gave up; they are skipped, the others still anchor.
func TestAnchorsAcrossRestore(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "backups")
	path := filepath.Join(dir, "posdesk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	ctx := Owner()
	step := func(name string) {
		clock = clock.Add(time.Hour)
		if err := db.CreateTransaction(ctx, sale(int(clock.Unix()%1000))); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Backup(ctx, filepath.Join(folder, name)); err != nil {
			t.Fatal(err)
		}
	}
	step("1.db")
	step("2.db")
	step("3.db")
	db.Close()
	clock = clock.Add(time.Hour)
	if _, err := sqlite.Restore(ctx, path, filepath.Join(folder, "2.db"), clock); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return clock }
	step("4.db")
	res, err := db.CheckBackupAnchors(context.Background(), folder)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range res {
		s := "ok"
		if r.Skipped != nil {
			s = "skipped"
		} else if r.Err != nil {
			s = r.Err.Error()
		}
		got[filepath.Base(r.Backup.Path)] = s
	}
	want := map[string]string{"1.db": "ok", "2.db": "ok", "3.db": "skipped", "4.db": "ok"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("anchors %v, want %v", got, want)
	}
}

// BenchmarkBackup measures a backup of a database with 5,000 records.
func BenchmarkBackup(b *testing.B) {
	db := MustAuditedDB(b, 5000)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.Backup(Owner(), filepath.Join(dir, fmt.Sprintf("%d.db", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/backup")
}
