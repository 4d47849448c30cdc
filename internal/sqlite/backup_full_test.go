package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// backupEntries returns how many backups the audit trail of db records.
func backupEntries(t *testing.T, db *sqlite.DB) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'backup'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// leftovers returns the names of the files in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// checkFullMessage checks err is the full-disk refusal of a backup to dest: the English message
// starts with want and names dest, and the Chinese one is a translation.
func checkFullMessage(t *testing.T, err error, dest, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("the backup succeeded on a full disk")
	}
	en := i18n.MessageIn(i18n.English, err)
	if !strings.HasPrefix(en, want) || !strings.Contains(en, dest) || !strings.Contains(en, "No backup file was left behind") || strings.Contains(en, "nothing was saved") {
		t.Errorf("message %q, want %q... naming %s (error: %v)", en, want, dest, err)
	}
	if zh := i18n.MessageIn(i18n.Chinese, err); zh == en || !strings.Contains(zh, dest) {
		t.Errorf("Chinese message %q", zh)
	}
	if posdesk.ErrorCode(err) == "" {
		t.Errorf("not a posdesk error: %v", err)
	}
}

// TestBackupDatabaseDiskFull fills the database's disk up (PRAGMA max_page_count on the writing
// connection, as the reliability suite does) so that the copy is written but its audit entry is
// not: the copy must be removed, the message must say so, and the next backup must work.
func TestBackupDatabaseDiskFull(t *testing.T) {
	db := MustAuditedDB(t, 30)
	dir := filepath.Join(t.TempDir(), "backups")
	var pages int64
	if err := db.Writer().QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	// Fill the last pages, so that not even an audit entry fits.
	for i := 0; ; i++ {
		if i == 5000 {
			t.Fatal("the database never filled up")
		}
		if err := db.CreateTransaction(Owner(), sale(i)); err != nil {
			break
		}
	}
	dest := filepath.Join(dir, "b.db")
	_, err := db.Backup(Owner(), dest)
	checkFullMessage(t, err, dest, "The backup "+dest+" could not be recorded: the disk of the database is full.")
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("files left in the backup folder: %v", left)
	}
	if n := backupEntries(t, db); n != 0 {
		t.Errorf("%d backup entries after the failure", n)
	}
	if _, err := db.Writer().Exec(`PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(Owner(), dest); err != nil {
		t.Fatalf("after making room: %v", err)
	}
	if n := backupEntries(t, db); n != 1 {
		t.Errorf("%d backup entries, want 1", n)
	}
}
