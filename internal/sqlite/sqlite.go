// Package sqlite stores posdesk's records in one SQLite database file (modernc.org/sqlite, pure
// Go). It implements the posdesk service interfaces. Writes go through a single connection with
// immediate transactions; reads use a separate read-only pool, so the GUI can page the ledger
// while an import commits.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open posdesk database.
type DB struct {
	Path string
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Throttle is the back-off after wrong PINs (posdesk.DefaultThrottle).
	Throttle posdesk.Throttle
	// ReadOnly is set by OpenReadOnly and OpenOrReadOnly: every write fails.
	ReadOnly bool
	// readOnlyWhy is why OpenOrReadOnly opened the database read-only ("" for OpenReadOnly);
	// every refused write says it.
	readOnlyWhy ReadOnlyReason

	write *sql.DB // exactly one connection: SQLite has one writer anyway
	read  *sql.DB // read-only pool
}

// DSN returns the data source name posdesk opens path with. The pragmas are in the DSN so every
// pooled connection gets them (a one-off PRAGMA reaches one connection only).
func DSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and brings its schema up to date.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, posdesk.Errorf(posdesk.EINVALID, "No database path given.")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot create the data folder %s.", Args: []any{dir}, Err: err}
		}
	}
	db := &DB{Path: path, Now: time.Now, Throttle: posdesk.DefaultThrottle}
	var err error
	if db.write, err = sql.Open("sqlite", DSN(path, false)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if err := db.write.Ping(); err != nil {
		db.write.Close()
		return nil, openError(path, err)
	}
	if err := db.migrate(context.Background()); err != nil {
		db.write.Close()
		return nil, err
	}
	if db.read, err = sql.Open("sqlite", DSN(path, true)); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(4)
	return db, nil
}

// OpenReadOnly opens an existing database without changing it: no migrations run and every
// write fails with EFORBIDDEN ("open read-only"). A second window on a database another window
// already has open uses it.
func OpenReadOnly(path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &posdesk.Error{Code: posdesk.ENOTFOUND, Format: "There is no database at %s.", Args: []any{path}, Err: err}
	}
	db := &DB{Path: path, Now: time.Now, Throttle: posdesk.DefaultThrottle, ReadOnly: true}
	var err error
	if db.read, err = sql.Open("sqlite", DSN(path, true)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(4)
	if err := db.read.Ping(); err != nil {
		db.read.Close()
		return nil, openError(path, err)
	}
	if db.write, err = sql.Open("sqlite", DSN(path, true)); err != nil {
		db.read.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	return db, nil
}

// LatestSchemaVersion returns the number of the newest migration this build knows.
func LatestSchemaVersion() int {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	latest := 0
	for _, name := range names {
		num, _, _ := strings.Cut(filepath.Base(name), "_")
		if v, err := strconv.Atoi(num); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// SchemaVersion returns the newest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, db.read)
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, dbError(err)
	}
	return int(v.Int64), nil
}

func openError(path string, err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_NOTADB {
		return &posdesk.Error{Code: posdesk.EINVALID, Format: "%s is not a posdesk database (or it is damaged).", Args: []any{path}, Err: err}
	}
	return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot open the database %s.", Args: []any{path}, Err: err}
}

// Close closes the database.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// Writer returns the single writing connection pool, for adapters in this package's tests and
// for maintenance (backup, check).
func (db *DB) Writer() *sql.DB { return db.write }

// Reader returns the read-only pool.
func (db *DB) Reader() *sql.DB { return db.read }

func (db *DB) now() time.Time { return db.Now().UTC() }

// migrate applies the embedded migrations that are not yet recorded, each in one transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		var n int
		if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return err
		}
		tx, err := db.begin(ctx)
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		// Another process may have applied it while this one waited for the write lock.
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
			tx.Rollback()
			if err != nil {
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, version, base, db.now().Unix()); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// Tx is a write transaction with the acting user and the time it started.
type Tx struct {
	*sql.Tx
	db      *DB
	ctx     context.Context
	now     time.Time
	release func() // gives back the connection of a transaction begun with beginUnchecked
}

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	defer tx.end()
	return tx.Tx.Commit()
}

// Rollback rolls the transaction back, unless it has ended already.
func (tx *Tx) Rollback() error {
	defer tx.end()
	return tx.Tx.Rollback()
}

func (tx *Tx) end() {
	if tx.release != nil {
		tx.release()
		tx.release = nil
	}
}

// beginUnchecked starts a write transaction in which SQLite does not check foreign keys. It is
// for bulk imports whose rows all reference the import batch the same transaction creates first:
// SQLite would otherwise open a cursor on the parent table, seek and close it for every row
// (0.3 s of CPU for a million settlement lines, to find the same batch each time). The pragma
// cannot change inside a transaction, so the transaction gets a connection of its own with
// foreign keys off, and turns them on again when it ends; a connection on which that fails is
// discarded rather than returned to the pool.
func (db *DB) beginUnchecked(ctx context.Context) (*Tx, error) {
	if db.ReadOnly {
		return nil, db.readOnlyError()
	}
	c, err := db.write.Conn(ctx)
	if err != nil {
		return nil, dbError(err)
	}
	release := func() {
		if _, err := c.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err != nil {
			c.Raw(func(any) error { return driver.ErrBadConn })
		}
		c.Close()
	}
	if _, err := c.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		release()
		return nil, dbError(err)
	}
	tx, err := beginImmediate(ctx, c)
	if err != nil {
		release()
		return nil, dbError(err)
	}
	return &Tx{Tx: tx, db: db, ctx: ctx, now: db.now(), release: release}, nil
}

// begin starts a write transaction (BEGIN IMMEDIATE, from the DSN). It waits for the write lock
// up to WriteWait (see beginImmediate).
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	if db.ReadOnly {
		return nil, db.readOnlyError()
	}
	tx, err := beginImmediate(ctx, db.write)
	if err != nil {
		return nil, dbError(err)
	}
	return &Tx{Tx: tx, db: db, ctx: ctx, now: db.now()}, nil
}

// dbError turns driver errors into domain errors a shop owner can act on.
func dbError(err error) error {
	if err == nil {
		return nil
	}
	var pe *posdesk.Error
	if errors.As(err, &pe) {
		return err
	}
	var es posdesk.Errors
	if errors.As(err, &es) {
		return err
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3lib.SQLITE_FULL:
			return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "The disk is full: nothing was saved. Free some space and try again.", Err: err}
		case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
			return &posdesk.Error{Code: posdesk.ECONFLICT, Format: "The database is busy with another task; nothing was saved. Try again in a moment.", Err: err}
		case sqlite3lib.SQLITE_READONLY:
			return &posdesk.Error{Code: posdesk.EFORBIDDEN, Format: "The database is open read-only; nothing was saved.", Err: err}
		case sqlite3lib.SQLITE_CONSTRAINT:
			return &posdesk.Error{Code: posdesk.ECONFLICT, Format: "This change clashes with a record already saved.", Err: err}
		case sqlite3lib.SQLITE_CORRUPT, sqlite3lib.SQLITE_NOTADB:
			return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "The database file is damaged. Run posdesk check, then restore a backup.", Err: err}
		}
	}
	if errors.Is(err, context.Canceled) {
		return &posdesk.Error{Code: posdesk.EINVALID, Format: "Cancelled; nothing was saved.", Err: err}
	}
	return posdesk.Internal(err)
}

// audit appends an entry to the hash-chained audit trail inside tx. old and new are marshalled to
// JSON (nil gives ""). The entry's hash covers its fields and the previous entry's hash, so
// editing, deleting, reordering or truncating entries breaks the chain.
func (tx *Tx) audit(action, entity string, entityID int64, old, new any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		return posdesk.MaskText(string(b)), nil
	}
	o, err := enc(old)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	n, err := enc(new)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	e := posdesk.AuditEntry{Time: tx.now, Actor: posdesk.ActorName(tx.ctx), Action: action, Entity: entity, EntityID: entityID, Old: o, New: n}
	prevSeq, prevHash, err := tx.auditPrev()
	if err != nil {
		return dbError(fmt.Errorf("audit: %w", err))
	}
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.Hash = AuditHash(e)
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO audit_log (seq, time, actor, action, entity, entity_id, old, new, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.Time.Format(time.RFC3339Nano), e.Actor, e.Action, e.Entity, e.EntityID, e.Old, e.New, e.PrevHash, e.Hash)
	if err != nil {
		return dbError(fmt.Errorf("audit: %w", err))
	}
	// The head row moves in the same transaction (see migration 0005).
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, e.Seq, e.Hash); err != nil {
		return dbError(fmt.Errorf("audit head: %w", err))
	}
	return nil
}

// auditPrev returns the entry a new one chains onto: the head row or the last row of audit_log,
// whichever is further on. Chaining onto the head row means entries deleted from the end stay
// visible as a gap after later writes, instead of being papered over.
func (tx *Tx) auditPrev() (int64, string, error) {
	var logSeq, headSeq sql.NullInt64
	var logHash, headHash sql.NullString
	err := tx.QueryRowContext(tx.ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&logSeq, &logHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, "", err
	}
	err = tx.QueryRowContext(tx.ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, "", err
	}
	if headSeq.Int64 > logSeq.Int64 {
		return headSeq.Int64, headHash.String, nil
	}
	return logSeq.Int64, logHash.String, nil
}

// AuditHash returns the hex SHA-256 of an audit entry's fields and its PrevHash.
func AuditHash(e posdesk.AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10), e.Old, e.New, e.PrevHash} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// authorize checks the acting user may do action; a refusal is written to the audit trail in
// its own transaction, so it is recorded even though the change is not made.
//
// Once staff accounts exist, the user in ctx must be one of them: the role and the disabled flag
// are read from the database at this moment (a user demoted or disabled while signed in loses
// the right at once), and a made-up user is refused.
func (db *DB) authorize(ctx context.Context, action posdesk.Action, entity string, id int64) error {
	u, err := db.actor(ctx)
	if err == nil {
		err = posdesk.Authorize(posdesk.NewContextWithUser(ctx, u), action)
	}
	if err == nil {
		return nil
	}
	if tx, berr := db.begin(ctx); berr == nil {
		defer tx.Rollback()
		if tx.audit("denied", entity, id, nil, map[string]string{"action": string(action)}) == nil {
			tx.Commit()
		}
	}
	return err
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}
