package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/sqlite"
)

// staffCLI runs one posdesk invocation in this process, as the binary would, with env as the
// only environment posdesk reads (POSDESK_USER, POSDESK_PIN, POSDESK_NEW_PIN). It returns the
// exit code, stdout and stderr.
func staffCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	old := getenv
	getenv = func(k string) string { return env[k] }
	defer func() { getenv = old }()
	var out, errb bytes.Buffer
	code := run(append(args, "--lang", "en"), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// as returns the environment of a person signing in with their PIN.
func as(name, pin string) map[string]string {
	return map[string]string{"POSDESK_USER": name, "POSDESK_PIN": pin}
}

func with(env map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range env {
		out[a] = b
	}
	return out
}

// TestStaffAcceptance walks issue 7's acceptance from the command line: set up the owner, add a
// manager and a cashier, the cashier tries forbidden actions (refused, exit 1, logged), an
// audit row changed with raw SQL is named by posdesk check, back up, restore, find everything.
func TestStaffAcceptance(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // posdesk.log goes there
	dir := t.TempDir()
	db := filepath.Join(dir, "posdesk.db")
	owner := as("王芳", "902715")
	cashier := as("小陈", "4821")
	expect := func(wantCode int, env map[string]string, args ...string) (string, string) {
		t.Helper()
		code, out, errs := staffCLI(t, env, append(args, "--db", db)...)
		if code != wantCode {
			t.Fatalf("posdesk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out, errs)
		}
		return out, errs
	}

	// A fresh shop acts as the implicit owner.
	out, _ := expect(0, nil, "staff", "list")
	if !strings.Contains(out, "No staff accounts yet") {
		t.Errorf("staff list on a fresh shop: %q", out)
	}
	if _, errs := expect(1, map[string]string{"POSDESK_PIN": "1234"}, "staff", "init", "--name", "王芳"); !strings.Contains(errs, "6 digits") {
		t.Errorf("owner with a 4-digit PIN: %q", errs)
	}
	expect(0, map[string]string{"POSDESK_PIN": "902715"}, "staff", "init", "--name", "王芳")

	// From now on everybody signs in, for reading too.
	if _, errs := expect(1, nil, "audit"); !strings.Contains(errs, "--user NAME") {
		t.Errorf("audit without a user: %q", errs)
	}
	if _, errs := expect(1, map[string]string{"POSDESK_USER": "王芳"}, "audit"); !strings.Contains(errs, "POSDESK_PIN") {
		t.Errorf("no PIN and no terminal: %q", errs)
	}
	expect(0, with(owner, "POSDESK_NEW_PIN", "482193"), "staff", "add", "Li Wei", "--role", "manager")
	expect(0, with(owner, "POSDESK_NEW_PIN", "4821"), "staff", "add", "小陈", "--role", "cashier")
	if _, errs := expect(1, with(owner, "POSDESK_NEW_PIN", "4821"), "staff", "add", "Boss", "--role", "owner"); !strings.Contains(errs, "6 digits") {
		t.Errorf("owner with a cashier PIN: %q", errs)
	}

	// The cashier tries what only an owner may do: refused, exit 1, nothing written, logged.
	if _, errs := expect(1, cashier, "backup", filepath.Join(dir, "stolen.db")); !strings.Contains(errs, "may not do this") {
		t.Errorf("cashier backup: %q", errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "stolen.db")); err == nil {
		t.Error("the refused backup was written")
	}
	expect(1, with(cashier, "POSDESK_NEW_PIN", "5930"), "staff", "add", "Eve", "--role", "owner")
	expect(1, cashier, "restore", filepath.Join(dir, "any.db"))
	expect(1, as("小陈", "0000"), "staff", "list") // wrong PIN

	out, _ = expect(0, owner, "audit", "--json", "--limit", "20")
	var entries []struct {
		Seq    int64           `json:"seq"`
		Actor  string          `json:"actor"`
		Action string          `json:"action"`
		New    json.RawMessage `json:"new"`
	}
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("audit --json: %v\n%s", err, out)
	}
	var denied []string
	failed := 0
	for _, e := range entries {
		switch {
		case e.Action == "denied" && e.Actor == "小陈":
			denied = append(denied, string(e.New))
		case e.Action == "signin.failed" && e.Actor == "小陈":
			failed++
		}
	}
	if got := strings.Join(denied, " "); len(denied) != 3 || !strings.Contains(got, `"backup"`) || !strings.Contains(got, `"staff.manage"`) || !strings.Contains(got, `"restore"`) {
		t.Errorf("cashier's refusals in the trail: %v", denied)
	}
	if failed != 1 {
		t.Errorf("%d signin.failed entries for the wrong PIN, want 1", failed)
	}

	// The trail checks out; back it up.
	out, _ = expect(0, owner, "check")
	if !strings.Contains(out, "entries intact") {
		t.Errorf("check: %q", out)
	}
	headOut, _ := expect(0, owner, "audit", "head") // as printed on a packet
	anchor := strings.TrimSpace(headOut)
	backup := filepath.Join(dir, "usb", "shop-backup.db")
	out, _ = expect(0, owner, "backup", backup)
	if !strings.Contains(out, "Backup written") || !strings.Contains(out, anchor) {
		t.Errorf("backup: %q, want the head %s", out, anchor)
	}
	headOut, _ = expect(0, owner, "audit", "head") // the backup itself is recorded
	later := strings.TrimSpace(headOut)

	// Somebody changes one audit row with the sqlite3 shell.
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET actor = '王芳' WHERE seq = (SELECT min(seq) FROM audit_log WHERE action = 'denied')`); err != nil {
		t.Fatal(err)
	}
	var seq string
	raw.QueryRow(`SELECT min(seq) FROM audit_log WHERE action = 'denied'`).Scan(&seq)
	raw.Close()
	out, errs := expect(1, owner, "check", "--anchor", anchor)
	if !strings.Contains(errs, "Audit entry "+seq+" (") || !strings.Contains(errs, "denied") || !strings.Contains(errs, "changed after it was written") {
		t.Errorf("check after tampering names %q; stderr %q", seq, errs)
	}
	if !strings.Contains(out, "FAIL") || !strings.Contains(out, "append-only guards were removed") {
		t.Errorf("check report: %q", out)
	}

	// Restore the backup: refused while another process has the database open, then done.
	lock, err := sqlite.LockShared(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := expect(1, owner, "restore", backup); !strings.Contains(errs, "Close it") {
		t.Errorf("restore while open: %q", errs)
	}
	lock.Unlock()
	out, _ = expect(0, owner, "restore", backup)
	if !strings.Contains(out, "before-restore") {
		t.Errorf("restore: %q", out)
	}
	kept, _ := filepath.Glob(db + ".before-restore-*")
	if len(kept) != 1 {
		t.Errorf("previous database kept as %v", kept)
	}
	// Everything is there: staff, the trail up to the backup's head, and the chain checks.
	out, _ = expect(0, cashier, "staff", "list", "--json")
	var staff []map[string]any
	json.Unmarshal([]byte(out), &staff)
	if len(staff) != 3 {
		t.Errorf("staff after restore: %s", out)
	}
	out, _ = expect(0, owner, "check", "--anchor", anchor)
	if strings.Contains(out, "FAIL") {
		t.Errorf("check after restore: %q", out)
	}
	// An anchor taken after the backup belongs to the history the restore gave up: check says so.
	if _, errs := expect(1, owner, "check", "--anchor", later); !strings.Contains(errs, "A backup was restored at entry") {
		t.Errorf("anchor from before the restore: %q", errs)
	}
	out, _ = expect(0, owner, "audit", "--limit", "1", "--json")
	if !strings.Contains(out, `"restore"`) || !strings.Contains(out, `"王芳"`) {
		t.Errorf("restore not in the trail: %s", out)
	}
}

// TestAutoBackupCLI runs posdesk backup --auto twice: the second run finds today's backup.
func TestAutoBackupCLI(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	db := filepath.Join(dir, "posdesk.db")
	code, out, errs := staffCLI(t, nil, "backup", "--auto", "--db", db)
	if code != 0 || !strings.Contains(out, filepath.Join(dir, "backups", "posdesk-")) {
		t.Fatalf("first auto backup: %d %q %q", code, out, errs)
	}
	code, out, _ = staffCLI(t, nil, "backup", "--auto", "--db", db)
	if code != 0 || !strings.Contains(out, "already") {
		t.Errorf("second auto backup: %d %q", code, out)
	}
	if code, _, _ := staffCLI(t, nil, "backup", "--auto", "x.db", "--db", db); code != 2 {
		t.Errorf("--auto with a file: exit %d, want 2", code)
	}
}
