package sqlite

import (
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Lock files beside the database (never the database file itself, whose locks belong to
// SQLite). They live as long as the database; deleting one while posdesk runs defeats it.
//
//   - posdesk.db.lock: every process that has the database open (window or command) holds a
//     shared lock on it; a restore takes it exclusively, so it never replaces a file somebody
//     is using, and nobody opens a file a restore is replacing.
//   - posdesk.db.window.lock: the window holds it exclusively, so a second window on the same
//     database knows the first is open and opens read-only instead.
//
// Commands keep working while the window is open: SQLite lets one writer at a time in and the
// others wait (busy_timeout), so two people never overwrite each other's change.

// LockPath returns the path of the shared-use lock file of the database at dbPath.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// WindowLockPath returns the path of the lock file the window holds.
func WindowLockPath(dbPath string) string { return dbPath + ".window.lock" }

// InstanceLock is a held lock file. Unlock releases it; the process ending releases it too.
type InstanceLock struct{ f *flock.Flock }

// Unlock releases the lock.
func (l *InstanceLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	return l.f.Unlock()
}

// newFlock returns the lock file at path, creating its folder.
func newFlock(path string) *flock.Flock {
	os.MkdirAll(filepath.Dir(path), 0o700)
	return flock.New(path)
}

// LockShared takes the shared-use lock of the database at dbPath, as every process using the
// database does. It fails only while a restore is replacing the database.
func LockShared(dbPath string) (*InstanceLock, error) {
	f := newFlock(LockPath(dbPath))
	ok, err := f.TryRLock()
	if err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot lock %s; check the folder can be written to.", Args: []any{LockPath(dbPath)}, Err: err}
	}
	if !ok {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "A restore is replacing the database %s; try again when it has finished.", dbPath)
	}
	return &InstanceLock{f: f}, nil
}

// LockExclusive takes the shared-use lock of the database at dbPath exclusively, for a restore.
// It fails while any window or command has the database open.
func LockExclusive(dbPath string) (*InstanceLock, error) {
	f := newFlock(LockPath(dbPath))
	ok, err := f.TryLock()
	if err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot lock %s; check the folder can be written to.", Args: []any{LockPath(dbPath)}, Err: err}
	}
	if !ok {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "posdesk is open on %s (a window or another command). Close it, then try again.", dbPath)
	}
	return &InstanceLock{f: f}, nil
}

// LockWindow takes the window lock of the database at dbPath. It returns ECONFLICT when another
// posdesk window already has the database open; that window should then open it read-only
// (OpenReadOnly) or say so and close; posdesk closes (see cmd/posdesk/gui.go).
func LockWindow(dbPath string) (*InstanceLock, error) {
	f := newFlock(WindowLockPath(dbPath))
	ok, err := f.TryLock()
	if err != nil {
		return nil, &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot lock %s; check the folder can be written to.", Args: []any{WindowLockPath(dbPath)}, Err: err}
	}
	if !ok {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "posdesk is already open on %s in another window.", dbPath)
	}
	return &InstanceLock{f: f}, nil
}
