package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// WriteWait is how long a change waits for the write lock while other windows or commands
// write, before the person is told the database is busy.
//
// SQLite's busy_timeout (5 s, in the DSN) bounds one wait, and its busy handler is not fair: a
// writer that sleeps between tries can lose to others for longer than that. Four processes
// writing back to back on a loaded two-core machine (the reliability tests under -race) saw
// "database is locked" 5 times in 1,320 changes; waiting up to WriteWait in a loop of such
// waits makes that 0 while every process keeps making progress.
var WriteWait = 60 * time.Second

// beginImmediate starts a write transaction on w, asking again while SQLite reports the write
// lock busy, until WriteWait has passed or ctx ends. With _txlock=immediate the lock is taken
// at BEGIN, before anything is read or written, so asking again is always safe.
func beginImmediate(ctx context.Context, w interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}) (*sql.Tx, error) {
	deadline := time.Now().Add(WriteWait)
	for {
		t0 := time.Now()
		tx, err := w.BeginTx(ctx, nil)
		if err == nil || !isBusy(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return tx, err
		}
		if time.Since(t0) < 10*time.Millisecond {
			time.Sleep(10 * time.Millisecond) // busy without waiting (WAL recovery): do not spin
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (another connection holds the lock).
func isBusy(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_BUSY
}
