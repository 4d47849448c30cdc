//go:build unix

package main_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// roNobody is the user the read-only commands run as when the tests run as root: root may write
// any file whatever its mode, so a read-only file would not be read-only for it.
const roNobody = 65534

// roShop is a database made by one user and then read by another who may not write it.
type roShop struct {
	t    *testing.T
	bin  string
	dir  string // the database's folder
	db   string
	home string // the reader's home (log file, exported files); writable by the reader
}

// newROShop makes a database with staff (owner 王芳, PIN 902715), two ledger records, an
// incident (with the slip record it adds) and the sample POS export and settlement statement, in
// a folder every user may enter.
func newROShop(t *testing.T) *roShop {
	bin := ledgerBinary(t)
	base := t.TempDir()
	for d := base; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	s := &roShop{t: t, bin: bin, dir: filepath.Join(base, "data"), home: filepath.Join(base, "home")}
	s.db = filepath.Join(s.dir, "shop.db")
	for _, d := range []string{s.dir, s.home} {
		if err := os.Mkdir(d, 0o777); err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o777)
	}
	t.Cleanup(func() { os.Chmod(s.dir, 0o755) })
	s.seed("staff", "init", "--name", "王芳")
	s.seed("transaction", "add", "--amount", "12.50", "--user", "王芳")
	s.seed("transaction", "add", "--amount", "58.00", "--user", "王芳")
	s.seed("incident", "add", "--kind", "no_response", "--amount", "58.00", "--user", "王芳")
	for kind, name := range map[string]string{"pos": "pos_export_en.csv", "settlement": "settlement_gbk.csv"} {
		sample, err := filepath.Abs(filepath.Join("..", "..", "testdata", "samples", name))
		if err != nil {
			t.Fatal(err)
		}
		s.seed("import", "--kind", kind, sample, "--user", "王芳")
	}
	return s
}

// seed runs a command as the database's owner (the test's user).
func (s *roShop) seed(args ...string) {
	s.t.Helper()
	cmd := exec.Command(s.bin, append(args, "--db", s.db)...)
	cmd.Env = []string{"HOME=" + s.home, "XDG_CONFIG_HOME=" + s.home, "LANG=C", "TZ=Asia/Shanghai", "POSDESK_PIN=902715"}
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("posdesk %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// read runs a command as a user who may not write the database (nobody when the tests run as
// root), signed in as 王芳, with the terminal language lang.
func (s *roShop) read(lang string, args ...string) (stdout, stderr string, code int) {
	s.t.Helper()
	cmd := exec.Command(s.bin, append(args, "--db", s.db, "--user", "王芳")...)
	cmd.Dir = s.home
	cmd.Env = []string{"HOME=" + s.home, "XDG_CONFIG_HOME=" + s.home, "LANG=" + lang, "TZ=Asia/Shanghai", "POSDESK_PIN=902715"}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: roNobody, Gid: roNobody}}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// state returns the names of the files in the database's folder and the database's checksum.
func (s *roShop) state() (string, [32]byte) {
	s.t.Helper()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	b, err := os.ReadFile(s.db)
	if err != nil {
		s.t.Fatal(err)
	}
	return strings.Join(names, " "), sha256.Sum256(b)
}

// TestReadOnlyDatabaseE2E runs the commands on a database its user may not write, for each
// reason: the file is read-only, or its folder is (as on a CD or a locked USB stick). Reading
// commands (listing, showing, exporting, a packet written to another folder, check) work and
// add a notice on stderr; writing ones fail with exit 1 and a message, in the user's language,
// saying the database is read-only, whether the file or the folder is the cause, and what to do.
// Nothing in the folder changes: not the database, and no -wal, -shm or lock file is left.
func TestReadOnlyDatabaseE2E(t *testing.T) {
	for _, c := range []struct {
		name            string
		dbMode, dirMode os.FileMode
		notice, refusal string
		remedy          string
	}{
		{"file", 0o444, 0o777, "The database file %s is read-only, so posdesk shows the records read-only",
			"Nothing was saved: the database file %s is read-only.", "Make the file writable"},
		{"folder", 0o644, 0o555, "The folder of %s is read-only, so posdesk shows the records read-only",
			"Nothing was saved: the folder of %s is read-only", "Copy the database to a folder you can write to"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newROShop(t)
			os.Chmod(s.db, c.dbMode)
			os.Chmod(s.dir, c.dirMode)
			files, sum := s.state()
			notice := strings.Replace(c.notice, "%s", s.db, 1)

			out, stderr, code := s.read("C", "transactions", "--json", "--limit", "1000")
			var records []map[string]any
			if code != 0 || json.Unmarshal([]byte(out), &records) != nil || len(records) != 124 { // two sales, the incident's slip and the POS export's 121
				t.Errorf("transactions: exit %d, %d records\n%s%s", code, len(records), out, stderr)
			}
			if !strings.Contains(stderr, notice) {
				t.Errorf("transactions: stderr %q lacks the notice %q", stderr, notice)
			}
			for _, args := range [][]string{
				{"incident", "show", "1"},
				{"incidents"},
				{"export", "incidents", "-o", filepath.Join(s.home, "incidents.csv")},
				{"packet", "1", "--shop", "Test shop", "-o", filepath.Join(s.home, "INC-1.pdf")},
				{"check"},
			} {
				if out, stderr, code := s.read("C", args...); code != 0 {
					t.Errorf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
				} else if args[0] == "packet" && !strings.Contains(out, "not recorded on INC-") {
					t.Errorf("packet: %q does not say the hash was not recorded", out)
				}
			}
			for _, f := range []string{"incidents.csv", "INC-1.pdf"} {
				if st, err := os.Stat(filepath.Join(s.home, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s not written: %v", f, err)
				}
			}

			// reconcile stores its results: read-only, it lists what it finds, unnumbered.
			out, stderr, code = s.read("C", "reconcile")
			if code != 0 || !strings.Contains(out, "\n  -      2026-") || !strings.Contains(out, "were not saved: the database is read-only") ||
				strings.Contains(out, "from-exception") || !strings.Contains(stderr, notice) {
				t.Errorf("reconcile: exit %d\n%s%s", code, out, stderr)
			}

			refusal := strings.Replace(c.refusal, "%s", s.db, 1)
			for _, args := range [][]string{
				{"transaction", "add", "--amount", "1.00"},
				{"incident", "status", "1", "closed"},
				{"backup", filepath.Join(s.home, "b.db")},
			} {
				out, stderr, code := s.read("C", args...)
				if code != 1 || !strings.Contains(stderr, refusal) || !strings.Contains(stderr, c.remedy) {
					t.Errorf("%s: exit %d, stderr %q; want 1 and %q ... %q\n%s", strings.Join(args, " "), code, stderr, refusal, c.remedy, out)
				}
				if strings.Contains(stderr, notice) {
					t.Errorf("%s: the refusal comes with the notice too: %q", strings.Join(args, " "), stderr)
				}
			}
			_, zh, code := s.read("zh_CN.UTF-8", "transaction", "add", "--amount", "1.00")
			if code != 1 || !strings.Contains(zh, "没有保存任何内容") || !strings.Contains(zh, s.db) {
				t.Errorf("Chinese refusal: exit %d, %q", code, zh)
			}

			if files2, sum2 := s.state(); files2 != files || sum2 != sum {
				t.Errorf("the folder changed: %q -> %q, database changed %v", files, files2, sum2 != sum)
			}
		})
	}
}
