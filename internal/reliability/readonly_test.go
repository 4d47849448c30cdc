//go:build unix

package reliability_test

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// nobody is the user the read-only child runs as when the tests run as root (root may write
// any file whatever its mode, so a read-only file would not be read-only for it).
const nobody = 65534

// TestReadOnly opens databases a user may read but not write, as that user, with
// sqlite.OpenOrReadOnly: a read-only file, a read-only folder closed cleanly, a read-only folder
// holding the -wal of a writer that was killed (its commits must be shown), and a writable
// control. Each must open, show every record, refuse writes with the read-only message, and
// (read-only cases) come with a notice naming the file and why.
func TestReadOnly(t *testing.T) {
	bin := runnableTestBinary(t)
	cases := []struct {
		name       string
		setup      func(t *testing.T, dir, db string) int // returns the records committed
		wantNotice string                                 // part of the notice; "" for none
	}{
		{"writable control", func(t *testing.T, dir, db string) int { return seedRecords(t, db, 3, false) }, ""},
		{"read-only file", func(t *testing.T, dir, db string) int {
			n := seedRecords(t, db, 3, false)
			chmod(t, db, 0o444)
			return n
		}, "database file"},
		{"read-only folder", func(t *testing.T, dir, db string) int {
			n := seedRecords(t, db, 3, false)
			chmod(t, dir, 0o555)
			return n
		}, "folder"},
		{"read-only folder with the -wal of a killed writer", func(t *testing.T, dir, db string) int {
			n := seedRecords(t, db, 3, true)
			if _, err := os.Stat(db + "-wal"); err != nil {
				t.Fatalf("the killed writer left no -wal: %v", err)
			}
			chmod(t, dir, 0o555)
			return n
		}, "folder"},
	}
	passed := 0
	for _, c := range cases {
		ok := t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			dir := filepath.Join(sharedTempDir(t), "data")
			if err := os.Mkdir(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			chmod(t, dir, 0o777)
			db := filepath.Join(dir, "posdesk.db")
			want := c.setup(t, dir, db)
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if st, err := os.Stat(db + suffix); err == nil && st.Mode().Perm() != 0o444 {
					chmod(t, db+suffix, 0o666) // the reader may write what the case does not make read-only
				}
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			lines := runAsReader(t, bin, db)
			get := func(key string) string {
				for _, l := range lines {
					if k, v, _ := strings.Cut(l, " "); k == key {
						return v
					}
				}
				return "(none)"
			}
			t.Logf("%s: %q", c.name, lines)
			if c.wantNotice == "" {
				if get("notice") != "none" || get("write") != "ok" {
					t.Errorf("writable database: notice %q, write %q", get("notice"), get("write"))
				}
				return
			}
			notice := get("notice")
			if !strings.HasPrefix(notice, posdesk.EFORBIDDEN+" ") || !strings.Contains(notice, c.wantNotice) || !strings.Contains(notice, db) {
				t.Errorf("notice %q: want a %s notice naming %s and the %s", notice, posdesk.EFORBIDDEN, db, c.wantNotice)
			}
			if got := get("records"); got != fmt.Sprint(want) {
				t.Errorf("records shown read-only: %s, want %d", got, want)
			}
			if w := get("write"); !strings.HasPrefix(w, posdesk.EFORBIDDEN+" ") || !strings.Contains(w, "read-only") {
				t.Errorf("write on a read-only database: %q", w)
			}
			t.Logf("without OpenOrReadOnly, sqlite.Open says: %s", get("plain-open"))
		})
		if ok {
			passed++
		}
	}
	report(t, "read-only file or folder opens read-only with a message", fmt.Sprintf("%d of %d cases (file, folder, folder with a crash's -wal, writable control)", passed, len(cases)),
		fmt.Sprintf("%d of %d", len(cases), len(cases)), passed == len(cases))
}

// seedRecords stores n ledger records in a new database at path and returns n. With killed,
// the records are written by a child killed right after, so they live only in its -wal.
func seedRecords(t *testing.T, path string, n int, killed bool) int {
	t.Helper()
	if !killed {
		db := mustOpen(t, path)
		txIDs(t, owner(), db, n)
		db.Close()
		return n
	}
	c := startChild(t, "writer", path, t.TempDir(), 1, fmt.Sprintf("%d 0", 1000000))
	deadline := time.After(30 * time.Second)
	got := 0
	for got < n {
		select {
		case l := <-c.lines:
			if strings.HasPrefix(l, "tx ") {
				got++
			}
		case <-deadline:
			t.Fatal("writer too slow")
		}
	}
	lines := c.kill()
	for _, l := range lines {
		if strings.HasPrefix(l, "tx ") {
			got++
		}
	}
	// Committed but not yet acknowledged records may exist too: count what the file holds.
	return countRecordsReadOnly(t, path, got)
}

// countRecordsReadOnly returns the ledger records in the database at path without writing it.
// Opening it writable would checkpoint the -wal into the file, which the case wants to keep.
func countRecordsReadOnly(t *testing.T, path string, atLeast int) int {
	t.Helper()
	raw, err := os.ReadFile(path + "-wal")
	if err != nil || len(raw) == 0 {
		t.Fatalf("no -wal to read: %v", err)
	}
	// Count through a copy, so the -wal beside the real file stays as the crash left it.
	dir := t.TempDir()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "copy.db"+suffix), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := mustOpen(t, filepath.Join(dir, "copy.db"))
	var n int
	db.Reader().QueryRow(`SELECT count(*) FROM transactions`).Scan(&n)
	db.Close()
	if n < atLeast {
		t.Fatalf("%d records in the copy, %d acknowledged", n, atLeast)
	}
	return n
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// runnableTestBinary returns a copy of this test binary that any user may run.
func runnableTestBinary(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return os.Args[0]
	}
	dir := sharedTempDir(t)
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := filepath.Join(dir, "reliability.test")
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// runAsReader runs the read-only child on db, as nobody when the tests run as root, and returns
// its lines.
func runAsReader(t *testing.T, bin, db string) []string {
	t.Helper()
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=readonly", childDBEnv+"="+db, "HOME="+filepath.Dir(db))
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("read-only child: %v\n%s\n%s", err, out, stderr)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
