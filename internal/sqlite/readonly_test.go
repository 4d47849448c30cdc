package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// closedDB returns the path of a database holding 3 records and staff (an owner 王芳 with PIN
// 902715, a cashier 小陈 with PIN 4821), closed cleanly, as a shop copies it onto a stick.
func closedDB(t *testing.T) string {
	t.Helper()
	db := MustAuditedDB(t, 3)
	ctx := context.Background()
	owner, err := db.CreateFirstOwner(ctx, "王芳", "902715")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(posdesk.NewContextWithUser(ctx, owner), "小陈", posdesk.RoleCashier, "4821"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return db.Path
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestReadOnlyWritesSayWhy opens a database read-only for each reason Writable gives and checks
// that reads work and that every kind of write (a record, a setting, a backup) is refused with
// a message saying the file or its folder is read-only and what to do, in both languages, while
// the file stays unchanged.
func TestReadOnlyWritesSayWhy(t *testing.T) {
	for _, c := range []struct {
		reason      sqlite.ReadOnlyReason
		notice      string
		why, remedy string
	}{
		{sqlite.ReadOnlyFile, "The database file", "the database file", "Make the file writable"},
		{sqlite.ReadOnlyFolder, "The folder of", "the folder of", "Copy the database to a folder you can write to"},
	} {
		path := closedDB(t)
		before := fileSum(t, path)
		db, notice, err := sqlite.OpenOrReadOnlyBecause(path, c.reason)
		if err != nil {
			t.Fatalf("%s: %v", c.reason, err)
		}
		if !db.ReadOnly || posdesk.ErrorCode(notice) != posdesk.EFORBIDDEN || !strings.HasPrefix(i18n.MessageIn(i18n.English, notice), c.notice) {
			t.Errorf("%s: read-only %v, notice %v", c.reason, db.ReadOnly, notice)
		}
		owner := posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 1, Name: "王芳", Role: posdesk.RoleOwner})
		if page, _, err := db.FindTransactions(owner, posdesk.TransactionFilter{}); err != nil || len(page) != 3 {
			t.Errorf("%s: read %d records, %v", c.reason, len(page), err)
		}
		writes := map[string]error{
			"record":  db.CreateTransaction(owner, sale(9)),
			"setting": db.SetSetting(owner, posdesk.SettingShopName, "x"),
		}
		_, writes["backup"] = db.Backup(owner, filepath.Join(t.TempDir(), "b.db"))
		for what, err := range writes {
			en := i18n.MessageIn(i18n.English, err)
			if posdesk.ErrorCode(err) != posdesk.EFORBIDDEN || !strings.HasPrefix(en, "Nothing was saved: "+c.why+" "+path+" is read-only") || !strings.Contains(en, c.remedy) {
				t.Errorf("%s: %s refused with %q (%v)", c.reason, what, en, err)
			}
			if zh := i18n.MessageIn(i18n.Chinese, err); zh == en || !strings.Contains(zh, path) {
				t.Errorf("%s: %s: Chinese %q", c.reason, what, zh)
			}
		}
		db.Close()
		if fileSum(t, path) != before {
			t.Errorf("%s: the database file changed", c.reason)
		}
		// A reader leaves nothing beside the file: a -wal or -shm it made would be its own,
		// read-only, and would make the database read-only for the file's owner too.
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(path + suffix); err == nil {
				t.Errorf("%s: the reader left %s behind", c.reason, filepath.Base(path+suffix))
			}
		}
	}
}

// TestReadOnlySignIn signs staff in on a database open read-only: the right PIN lets them in,
// wrong ones and unknown names are refused, a lock in force when the file was copied is
// honoured, and nothing is written (attempts cannot be counted in a file that cannot change).
func TestReadOnlySignIn(t *testing.T) {
	path := closedDB(t)
	now := time.Date(2026, 9, 20, 10, 0, 0, 0, time.UTC)
	raw := mustRaw(t, path)
	if _, err := raw.Exec(`UPDATE staff SET locked_until_ms = ? WHERE name = '小陈'`, now.Add(5*time.Minute).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before := fileSum(t, path)
	db, _, err := sqlite.OpenOrReadOnlyBecause(path, sqlite.ReadOnlyFolder)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	if u, err := db.SignIn(ctx, "王芳", "902715"); err != nil || u.Name != "王芳" || u.Role != posdesk.RoleOwner {
		t.Errorf("right PIN: %+v %v", u, err)
	}
	for _, c := range []struct{ name, pin, want string }{
		{"王芳", "902716", "The name or PIN is wrong."},
		{"老李", "902715", "The name or PIN is wrong."},
		{"小陈", "4821", "Too many wrong PINs for 小陈: try again in 5 minutes."},
	} {
		if _, err := db.SignIn(ctx, c.name, c.pin); i18n.MessageIn(i18n.English, err) != c.want {
			t.Errorf("%s with %s: %v, want %q", c.name, c.pin, err, c.want)
		}
	}
	db.Now = func() time.Time { return now.Add(6 * time.Minute) }
	if _, err := db.SignIn(ctx, "小陈", "4821"); err != nil {
		t.Errorf("after the lock ran out: %v", err)
	}
	db.Close()
	if fileSum(t, path) != before {
		t.Error("signing in changed the read-only file")
	}
}

// mustRaw opens a plain connection to the database at path, as the sqlite3 shell would.
func mustRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
