package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// BackupInfo describes a backup file (see posdesk.BackupInfo).
type BackupInfo = posdesk.BackupInfo

// Ensure DB implements the backup service.
var _ posdesk.BackupService = (*DB)(nil)

// fileDSN is the DSN of a file posdesk works on outside the live database (a backup being
// written or checked): rollback journal, full sync, foreign keys.
func fileDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(DELETE)")
		q.Add("_pragma", "synchronous(FULL)")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Backup writes a consistent copy of the whole database (records, attachments, audit trail,
// staff) to dest. It works while the window and other commands keep writing: VACUUM INTO reads
// one snapshot. The copy goes to a temporary file in dest's folder, which is synced and then
// renamed, so dest is either absent or complete. The backup records the audit head it holds,
// and the live trail records the backup. Only owners may back up.
func (db *DB) Backup(ctx context.Context, dest string) (*BackupInfo, error) {
	if err := db.authorize(ctx, posdesk.ActBackup, "backup", 0); err != nil {
		return nil, err
	}
	return db.backup(ctx, dest)
}

func (db *DB) backup(ctx context.Context, dest string) (*BackupInfo, error) {
	if db.ReadOnly {
		return nil, db.readOnlyError()
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, posdesk.Internal(err)
	}
	if src, err := filepath.Abs(db.Path); err == nil && (dest == src || strings.HasPrefix(dest, src+"-")) {
		return nil, posdesk.Invalid("file", "%s is the database itself; back up to another file.", dest)
	}
	if _, err := os.Stat(dest); err == nil {
		return nil, posdesk.Invalid("file", "%s already exists; choose a new file name (nothing was overwritten).", dest)
	}
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINVALID, Field: "file", Format: "Cannot create the backup folder %s.", Args: []any{dir}, Err: err}
	}
	f, err := os.CreateTemp(dir, ".posdesk-backup-*.tmp")
	if err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINVALID, Field: "file", Format: "Cannot write in the backup folder %s.", Args: []any{dir}, Err: err}
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		// Gone after the rename; removes a failed attempt's leftovers, however much of the copy
		// was written, and the journal sealBackup may leave when the disk fills up under it.
		os.Remove(tmp)
		os.Remove(tmp + "-journal")
	}()
	copyFailed := func(err error) error {
		if isDiskFull(err) {
			return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "The backup %s could not be written: the disk it goes to is full. No backup file was left behind; free some space there, or choose another folder, and try again.", Args: []any{dest}, Err: err}
		}
		return err
	}

	// VACUUM INTO needs a connection that may write (query_only refuses it); it only reads the
	// source, in one read transaction, so writers carry on meanwhile.
	// Its DSN sets no journal mode: switching modes needs a lock that busy writers may hold.
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.Path}).EscapedPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	src.SetMaxOpenConns(1)
	for attempt := 0; ; attempt++ {
		_, err = src.ExecContext(ctx, `VACUUM INTO ?`, tmp)
		if err == nil || !isBusy(err) || attempt == 20 {
			break
		}
		os.Remove(tmp)
		time.Sleep(time.Duration(50+attempt*50) * time.Millisecond)
	}
	src.Close()
	if err != nil {
		return nil, copyFailed(dbError(err))
	}
	info, err := sealBackup(ctx, tmp, db.Path, db.now())
	if err != nil {
		return nil, copyFailed(err)
	}
	if err := syncFile(tmp); err != nil {
		return nil, copyFailed(&posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write the backup %s to disk.", Args: []any{dest}, Err: err})
	}
	if err := os.Rename(tmp, dest); err != nil {
		return nil, copyFailed(&posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write the backup %s to disk.", Args: []any{dest}, Err: err})
	}
	syncDir(dir)
	info.Path = dest
	if st, err := os.Stat(dest); err == nil {
		info.Size = st.Size()
	}

	// A backup is one action: a copy the audit trail does not record is removed, so a failure
	// leaves no file behind and "nothing was saved" stays true.
	if err := db.recordBackup(ctx, info); err != nil {
		os.Remove(dest)
		syncDir(dir)
		if isDiskFull(err) {
			return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "The backup %s could not be recorded: the disk of the database is full. No backup file was left behind; free some space and try again.", Args: []any{dest}, Err: err}
		}
		return nil, err
	}
	return info, nil
}

// recordBackup writes the audit entry of the backup info describes.
func (db *DB) recordBackup(ctx context.Context, info *BackupInfo) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.audit("backup", "backup", 0, nil, map[string]any{"file": posdesk.MaskText(info.Path), "audit_seq": info.Head.Seq, "audit_hash": info.Head.Hash}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// isDiskFull reports whether err comes from a full disk: SQLite's SQLITE_FULL or the system's
// ENOSPC.
func isDiskFull(err error) bool {
	var se *sqlite3.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// sealBackup checks a fresh copy and writes its backup_info row: when, from where, and the audit
// head the copy holds.
func sealBackup(ctx context.Context, path, source string, now time.Time) (*BackupInfo, error) {
	b, err := sql.Open("sqlite", fileDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("seal backup: %w", err)
	}
	defer b.Close()
	b.SetMaxOpenConns(1)
	var ok string
	if err := b.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok); err != nil {
		return nil, dbError(err)
	}
	if ok != "ok" {
		return nil, posdesk.Errorf(posdesk.EINTERNAL, "The backup copy failed its check (%s); nothing was saved. Run posdesk check.", ok)
	}
	head, err := auditHead(ctx, b)
	if err != nil {
		return nil, err
	}
	version, err := schemaVersion(ctx, b)
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(source); err == nil {
		source = abs
	}
	info := &BackupInfo{TakenAt: now.Truncate(time.Second), Source: source, Head: head, SchemaVersion: version}
	if _, err := b.ExecContext(ctx, `DELETE FROM backup_info`); err != nil {
		return nil, dbError(err)
	}
	if _, err := b.ExecContext(ctx, `INSERT INTO backup_info (id, taken_at, source, audit_seq, audit_hash, schema_version) VALUES (1, ?, ?, ?, ?, ?)`,
		info.TakenAt.Unix(), source, head.Seq, head.Hash, version); err != nil {
		return nil, dbError(err)
	}
	return info, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable. Windows cannot open a folder for syncing; NTFS
// journals the rename itself.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// BackupSettings returns the folder of the automatic daily backups and how many days of them
// to keep (0: keep all). The folder defaults to "backups" beside the database.
func (db *DB) BackupSettings(ctx context.Context) (folder string, keepDays int, err error) {
	folder, err = db.Setting(ctx, posdesk.SettingBackupFolder, "")
	if err != nil {
		return "", 0, err
	}
	if strings.TrimSpace(folder) == "" {
		folder = filepath.Join(filepath.Dir(db.Path), "backups")
	}
	keep, err := db.Setting(ctx, posdesk.SettingBackupKeepDays, strconv.Itoa(posdesk.DefaultBackupKeepDays))
	if err != nil {
		return "", 0, err
	}
	keepDays, err = strconv.Atoi(strings.TrimSpace(keep))
	if err != nil || keepDays < 0 {
		keepDays = posdesk.DefaultBackupKeepDays
	}
	return folder, keepDays, nil
}

var autoBackupName = regexp.MustCompile(`^posdesk-(\d{4}-\d{2}-\d{2})\.db$`)

// AutoBackupName returns the file name of the automatic backup of day (in day's time zone).
func AutoBackupName(day time.Time) string { return "posdesk-" + day.Format("2006-01-02") + ".db" }

// AutoBackup takes today's automatic backup (posdesk-YYYY-MM-DD.db in the backup folder) unless
// it exists, then deletes automatic backups older than the days to keep; the newest one is
// always kept, and files of any other name are never touched. It returns nil info when today's
// backup already existed. The window calls it at start and every hour; posdesk backup --auto
// runs it (from a scheduled task, say). It needs no permission: it writes only where an owner
// has said, and it is recorded in the audit trail.
func (db *DB) AutoBackup(ctx context.Context) (info *BackupInfo, removed []string, err error) {
	folder, keep, err := db.BackupSettings(ctx)
	if err != nil {
		return nil, nil, err
	}
	today := db.Now()
	dest := filepath.Join(folder, AutoBackupName(today))
	if posdesk.UserFromContext(ctx) == nil {
		ctx = posdesk.NewContextWithUser(ctx, &posdesk.User{Name: "posdesk (automatic)"})
	}
	if _, serr := os.Stat(dest); serr != nil {
		if info, err = db.backup(ctx, dest); err != nil {
			return nil, nil, err
		}
	}
	removed, err = pruneBackups(folder, today, keep)
	return info, removed, err
}

// pruneBackups deletes automatic backups dated more than keep days before today, keeping the
// newest whatever its age.
func pruneBackups(folder string, today time.Time, keep int) ([]string, error) {
	if keep <= 0 {
		return nil, nil
	}
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot read the backup folder %s.", Args: []any{folder}, Err: err}
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && autoBackupName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // dates sort as text
	y, m, d := today.Date()
	cutoff := time.Date(y, m, d-keep, 0, 0, 0, 0, time.UTC)
	var removed []string
	for i, name := range names {
		if i == len(names)-1 {
			break
		}
		day, err := time.Parse("2006-01-02", autoBackupName.FindStringSubmatch(name)[1])
		if err != nil || !day.Before(cutoff) {
			continue
		}
		path := filepath.Join(folder, name)
		if err := os.Remove(path); err != nil {
			return removed, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot delete the old backup %s.", Args: []any{path}, Err: err}
		}
		removed = append(removed, path)
	}
	return removed, nil
}

// ReadBackupInfo returns what the backup at path says about itself, without checking it.
func ReadBackupInfo(ctx context.Context, path string) (*BackupInfo, error) {
	b, err := sql.Open("sqlite", fileDSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", err)
	}
	defer b.Close()
	return readBackupInfo(ctx, b, path)
}

func readBackupInfo(ctx context.Context, q querier, path string) (*BackupInfo, error) {
	info := &BackupInfo{Path: path}
	var taken int64
	var restored sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT taken_at, source, audit_seq, audit_hash, schema_version, restored_at FROM backup_info WHERE id = 1`).
		Scan(&taken, &info.Source, &info.Head.Seq, &info.Head.Hash, &info.SchemaVersion, &restored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "%s is not a posdesk backup (it has no backup record).", path)
	} else if err != nil {
		return nil, notPosdesk(path, err)
	}
	info.TakenAt = fromUnix(taken)
	if restored.Valid {
		info.RestoredAt = fromUnix(restored.Int64)
	}
	if st, err := os.Stat(path); err == nil {
		info.Size = st.Size()
	}
	return info, nil
}

func notPosdesk(path string, err error) error {
	return &posdesk.Error{Code: posdesk.EINVALID, Field: "file", Format: "%s is not a posdesk database or backup (or it is damaged).", Args: []any{path}, Err: err}
}

// requiredTables are tables every posdesk database has; a file without them is not one.
var requiredTables = []string{"schema_migrations", "transactions", "audit_log", "settings"}

// verifyDatabaseFile checks that the SQLite file at path is a sound posdesk database: a schema
// this build knows, integrity_check, foreign_key_check and the audit chain. It returns what it
// knows about the file (from backup_info when it is a backup, else from its audit head).
// With readOnly false the file is opened for writing and set to a rollback journal (restore
// does this to its own copy, so the restored file is one file); else it is not changed.
func verifyDatabaseFile(ctx context.Context, path string, readOnly bool) (*BackupInfo, error) {
	b, err := sql.Open("sqlite", fileDSN(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", err)
	}
	defer b.Close()
	b.SetMaxOpenConns(1)
	conn, err := b.Conn(ctx)
	if err != nil {
		return nil, notPosdesk(path, err)
	}
	defer conn.Close()
	for _, table := range requiredTables {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil {
			return nil, notPosdesk(path, err)
		}
		if n == 0 {
			return nil, posdesk.Invalid("file", "%s is not a posdesk database or backup (or it is damaged).", path)
		}
	}
	version, err := schemaVersion(ctx, conn)
	if err != nil {
		return nil, notPosdesk(path, err)
	}
	if latest := LatestSchemaVersion(); version > latest {
		return nil, posdesk.Invalid("file", "%[1]s was made by a newer posdesk (schema %[2]d; this one knows up to %[3]d). Install the newer posdesk first.", path, version, latest)
	}
	problems, err := checkDB(ctx, conn)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, posdesk.Errorf(posdesk.EINVALID, "%[1]s is damaged (%[2]s); nothing was restored.", path, problems[0])
	}
	_, _, bad, err := verifyAudit(ctx, conn, version >= 5)
	if bad != nil {
		return nil, posdesk.Errorf(posdesk.EINVALID, "The audit trail in %[1]s is broken; nothing was restored. %[2]s", path, posdeskMessage(err))
	} else if err != nil {
		return nil, err
	}
	info, err := readBackupInfo(ctx, conn, path)
	if posdesk.ErrorCode(err) == posdesk.ENOTFOUND || version < 5 {
		// A plain posdesk database (an earlier posdesk.db.before-restore, say).
		info = &BackupInfo{Path: path, SchemaVersion: version}
		if version >= 5 {
			info.Head, err = auditHead(ctx, conn)
		} else {
			err = conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0), coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '') FROM audit_log`).Scan(&info.Head.Seq, &info.Head.Hash)
		}
		if err != nil {
			return nil, dbError(err)
		}
	} else if err != nil {
		return nil, err
	}
	info.SchemaVersion = version
	return info, nil
}

// posdeskMessage returns the English message of a posdesk error (no cause), for embedding.
func posdeskMessage(err error) string {
	var pe *posdesk.Error
	if errors.As(err, &pe) {
		return pe.Message()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// VerifyBackup checks the backup at path as a restore would, without restoring anything: it is
// a posdesk database of a schema this build knows, integrity_check and foreign_key_check pass,
// and its audit chain is intact.
func VerifyBackup(ctx context.Context, path string) (*BackupInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &posdesk.Error{Code: posdesk.ENOTFOUND, Field: "file", Format: "There is no file %s.", Args: []any{path}, Err: err}
	}
	return verifyDatabaseFile(ctx, path, true)
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Backup   *BackupInfo // the backup restored
	Previous string      // where the database that was replaced now is ("" when there was none)
	Head     posdesk.AuditHead
}

// Restore replaces the database at dbPath with the backup at backupPath. It refuses while any
// window or command has the database open (LockExclusive). It copies the backup beside the
// database, checks the copy (VerifyBackup), and only then moves the current database aside as
// posdesk.db.before-restore-<UTC time> (with its -wal file, if any) and renames the copy into
// place; a backup that fails its check changes nothing. The restored database is brought to
// this build's schema, remembers when it was restored, and its audit trail records the restore
// with the user in ctx. The caller checks the user may restore (DB.Authorize(ActRestore) on the
// current database) before calling.
func Restore(ctx context.Context, dbPath, backupPath string, now time.Time) (*RestoreResult, error) {
	lock, err := LockExclusive(dbPath)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if _, err := os.Stat(backupPath); err != nil {
		return nil, &posdesk.Error{Code: posdesk.ENOTFOUND, Field: "file", Format: "There is no file %s.", Args: []any{backupPath}, Err: err}
	}
	if a, b := absPath(dbPath), absPath(backupPath); a == b {
		return nil, posdesk.Invalid("file", "%s is the database itself; choose a backup file.", backupPath)
	}
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot create the data folder %s.", Args: []any{dir}, Err: err}
	}

	// 1. Copy the backup beside the database and check the copy: what is checked is what is
	// installed.
	tmp, err := copyToTemp(backupPath, dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		os.Remove(tmp)
		os.Remove(tmp + "-journal")
	}()
	info, err := verifyDatabaseFile(ctx, tmp, false)
	if err != nil {
		return nil, err
	}
	info.Path = backupPath

	// 2. Fold the current database's WAL into it, if it opens, so it moves aside as one file.
	if _, err := os.Stat(dbPath); err == nil {
		if cur, err := sql.Open("sqlite", DSN(dbPath, false)); err == nil {
			cur.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			cur.Close()
		}
	}

	// 3. Move the current database aside and the checked copy into place.
	res := &RestoreResult{Backup: info}
	if _, err := os.Stat(dbPath); err == nil {
		res.Previous = dbPath + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(dbPath, res.Previous); err != nil {
			return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot move the current database aside; nothing was restored.", Err: err}
		}
		for _, suffix := range []string{"-wal", "-journal"} {
			if _, err := os.Stat(dbPath + suffix); err == nil {
				os.Rename(dbPath+suffix, res.Previous+suffix)
			}
		}
		os.Remove(dbPath + "-shm") // rebuilt from the WAL; stale for the new file
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		if res.Previous != "" {
			os.Rename(res.Previous, dbPath)
		}
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot put the backup in place; the current database was left as it was.", Err: err}
	}
	syncDir(dir)

	// 4. Bring it up to date and record the restore.
	db, err := Open(dbPath)
	if err != nil {
		return res, err
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	if posdesk.UserFromContext(ctx) == nil {
		ctx = posdesk.NewContextWithUser(ctx, &posdesk.User{Name: "posdesk"})
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if info.TakenAt.IsZero() {
		// A plain database file: record it as the backup it is.
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO backup_info (id, taken_at, source, audit_seq, audit_hash, schema_version) VALUES (1, ?, ?, ?, ?, ?)`,
			unix(tx.now), absPath(backupPath), info.Head.Seq, info.Head.Hash, info.SchemaVersion); err != nil {
			return res, dbError(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE backup_info SET restored_at = ? WHERE id = 1`, unix(tx.now)); err != nil {
		return res, dbError(err)
	}
	if err := tx.audit("restore", "backup", 0, nil, map[string]any{
		"file": posdesk.MaskText(backupPath), "taken_at": info.TakenAt.Format(time.RFC3339),
		"audit_seq": info.Head.Seq, "audit_hash": info.Head.Hash, "previous": posdesk.MaskText(res.Previous),
	}); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, dbError(err)
	}
	res.Head, err = auditHead(ctx, db.write)
	return res, err
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return filepath.Clean(a)
	}
	return filepath.Clean(p)
}

// copyToTemp copies src to a new temporary file in dir and syncs it.
func copyToTemp(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", &posdesk.Error{Code: posdesk.EINVALID, Field: "file", Format: "Cannot read %s.", Args: []any{src}, Err: err}
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, ".posdesk-restore-*.tmp")
	if err != nil {
		return "", &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write in the data folder %s.", Args: []any{dir}, Err: err}
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", dbError(fmt.Errorf("copy backup: %w", err))
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", dbError(fmt.Errorf("copy backup: %w", err))
	}
	return out.Name(), out.Close()
}

// AnchorResult is the outcome of checking the live audit trail against the head one backup
// recorded.
type AnchorResult struct {
	Backup *BackupInfo
	// Skipped says why the backup was not used as an anchor (nil when it was): it belongs to
	// another database, or to a line of history a restore gave up.
	Skipped *posdesk.Error
	// Err is nil when the live trail still holds the backup's head entry unchanged.
	Err error
}

// CheckBackupAnchors checks the live trail against every posdesk backup in folder: each backup
// recorded the audit head when it was taken, so the live trail must still hold that entry with
// that hash. A trail cut back or rewritten after a backup fails here even when its own chain and
// head row were made consistent. Backups of other databases are skipped (their first entry
// differs and they were taken from another file), and so are backups taken between the moment a
// restored backup was made and the restore itself: the restore gave those entries up on purpose,
// and the trail records it.
func (db *DB) CheckBackupAnchors(ctx context.Context, folder string) ([]AnchorResult, error) {
	entries, err := os.ReadDir(folder)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot read the backup folder %s.", Args: []any{folder}, Err: err}
	}
	type window struct{ from, to time.Time }
	var given []window
	restores, err := db.FindAuditEntries(ctx, posdesk.AuditFilter{Action: "restore", Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, r := range restores {
		var v struct {
			TakenAt time.Time `json:"taken_at"`
		}
		if json.Unmarshal([]byte(r.New), &v) == nil && !v.TakenAt.IsZero() {
			given = append(given, window{v.TakenAt, r.Time})
		}
	}
	var first string
	if err := db.read.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = 1`).Scan(&first); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, dbError(err)
	}
	self := absPath(db.Path)
	var out []AnchorResult
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".db") {
			continue
		}
		path := filepath.Join(folder, e.Name())
		info, bfirst, err := backupAnchor(ctx, path)
		if err != nil {
			continue // not a posdesk backup
		}
		r := AnchorResult{Backup: info}
		switch {
		case info.Source != self && bfirst != first:
			r.Skipped = posdesk.Errorf(posdesk.ENOTFOUND, "Not used: it was taken from another database.")
		default:
			for _, w := range given {
				if info.TakenAt.After(w.from) && !info.TakenAt.After(w.to) {
					r.Skipped = posdesk.Errorf(posdesk.ENOTFOUND, "Not used: the restore of %s gave up the entries it holds.", w.to.UTC().Format(time.RFC3339))
				}
			}
		}
		if r.Skipped == nil {
			r.Err = checkAnchor(ctx, db.read, info.Head, e.Name())
		}
		out = append(out, r)
	}
	return out, nil
}

// backupAnchor reads a backup's record and the hash of its first audit entry.
func backupAnchor(ctx context.Context, path string) (*BackupInfo, string, error) {
	b, err := sql.Open("sqlite", fileDSN(path, true))
	if err != nil {
		return nil, "", err
	}
	defer b.Close()
	info, err := readBackupInfo(ctx, b, path)
	if err != nil {
		return nil, "", err
	}
	var first string
	if err := b.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = 1`).Scan(&first); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", err
	}
	return info, first, nil
}
