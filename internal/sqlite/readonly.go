package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// A database the person may read but not write: the file is read-only, its folder is (SQLite
// writes a -wal and a -shm file beside the database), or the whole disk or share is (a CD, a
// USB stick with its lock on, a network folder shared read-only). Open fails on such a database
// or writes nothing but errors; OpenOrReadOnly opens it read-only instead and says why.

// ReadOnlyReason says why a database cannot be written, or is "" when it can.
type ReadOnlyReason string

// The reasons a database cannot be written.
const (
	ReadOnlyFile   ReadOnlyReason = "file"   // the database file is read-only
	ReadOnlyFolder ReadOnlyReason = "folder" // the folder holding it is read-only
)

// Writable reports whether the database at path (which need not exist yet) can be written, and
// if not, why. It tries what SQLite will do: create a file in its folder, and open the file for
// writing. When both are refused the folder is named: a copy in a folder the user may write to
// is writable too, so that advice fixes both. Errors other than a refusal (a missing folder)
// count as writable: Open reports them.
func Writable(path string) ReadOnlyReason {
	dir := filepath.Dir(path)
	if f, err := os.CreateTemp(dir, ".posdesk-write-check-*"); err == nil {
		name := f.Name()
		f.Close()
		os.Remove(name)
	} else if refused(err) {
		return ReadOnlyFolder
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if refused(err) {
		return ReadOnlyFile
	}
	return ""
}

// refused reports whether err is a refusal to write: permission denied or a read-only file system.
func refused(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)
}

// OpenOrReadOnly opens the database at path as Open does when it can be written. When it cannot
// (see Writable), it opens the existing database read-only, runs no migrations, and returns
// notice: an EFORBIDDEN error, fit to show, saying the records are shown read-only and why. Every
// write on such a database fails with EFORBIDDEN ("open read-only; nothing was saved").
//
// A database written by a newer posdesk, or one that needs migrations, still opens read-only:
// the records shown are what the file holds. A database that does not exist in a read-only
// folder cannot be created: that is an error, not a notice.
func OpenOrReadOnly(path string) (db *DB, notice error, err error) {
	return openOrReadOnly(path, Writable(path))
}

// openOrReadOnly is OpenOrReadOnly once Writable has given its reason; tests running as root
// (who may write any file) give it themselves.
func openOrReadOnly(path string, reason ReadOnlyReason) (db *DB, notice error, err error) {
	if reason == "" {
		db, err := Open(path)
		return db, nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, &posdesk.Error{Code: posdesk.EFORBIDDEN, Format: "Cannot create the database %s: its folder is read-only. Choose a folder you can write to.", Args: []any{path}, Err: err}
	}
	db, err = openReadOnly(path)
	if err != nil {
		return nil, nil, err
	}
	db.readOnlyWhy = reason
	if reason == ReadOnlyFolder {
		notice = posdesk.Errorf(posdesk.EFORBIDDEN, "The folder of %s is read-only, so posdesk shows the records read-only and saves nothing. To work normally, move the database to a folder you can write to.", path)
	} else {
		notice = posdesk.Errorf(posdesk.EFORBIDDEN, "The database file %s is read-only, so posdesk shows the records read-only and saves nothing. To work normally, make the file writable.", path)
	}
	return db, notice, nil
}

// readOnlyError is the refusal of every write on a database open read-only: what happened, why
// (when OpenOrReadOnly knows) and how to work normally again.
func (db *DB) readOnlyError() error {
	switch db.readOnlyWhy {
	case ReadOnlyFile:
		return posdesk.Errorf(posdesk.EFORBIDDEN, "Nothing was saved: the database file %s is read-only. Make the file writable (or copy it to a folder you can write to), then start posdesk again.", db.Path)
	case ReadOnlyFolder:
		return posdesk.Errorf(posdesk.EFORBIDDEN, "Nothing was saved: the folder of %s is read-only, and posdesk must write beside the database. Copy the database to a folder you can write to and open it from there.", db.Path)
	}
	return posdesk.Errorf(posdesk.EFORBIDDEN, "The database is open read-only; nothing was saved.")
}

// openReadOnly opens path with read-only connections (mode=ro). A WAL reader shares a -shm file
// (and a -wal) beside the database. When the database has no -wal file (it was closed cleanly,
// and no connection has it open now) it is opened immutable, which needs neither:
//   - in a read-only folder they cannot be created, and nothing can change the file while the
//     folder stays read-only;
//   - beside a read-only file in a writable folder SQLite would create them, owned by this
//     user and as read-only as the file, and leave them behind (a reader cannot remove the
//     -wal): the file's owner would then find the database read-only for them too. The price
//     is that a change the owner makes while this reader is open is not seen (or, rarely,
//     makes a read fail until it is reopened); the file itself is never at risk.
//
// With a -wal present (a writer has it open, or was killed) the reader uses it and its -shm,
// so it sees every commit.
func openReadOnly(path string) (*DB, error) {
	dsn := readOnlyDSN(path, false)
	if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
		dsn = readOnlyDSN(path, true)
	}
	db := &DB{Path: path, Now: time.Now, Throttle: posdesk.DefaultThrottle, ReadOnly: true}
	var err error
	if db.read, err = sql.Open("sqlite", dsn); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(4)
	if err := db.read.Ping(); err != nil {
		db.read.Close()
		return nil, openError(path, err)
	}
	// The schema must be readable: a file that is not a database fails here, not on the first
	// screen.
	if _, err := schemaVersion(context.Background(), db.read); err != nil {
		db.read.Close()
		return nil, openError(path, err)
	}
	if db.write, err = sql.Open("sqlite", dsn); err != nil {
		db.read.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	return db, nil
}

// readOnlyDSN is DSN(path, true) opening the file read-only (mode=ro), and immutable when asked.
func readOnlyDSN(path string, immutable bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}
