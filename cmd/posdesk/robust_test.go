package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliIn runs one posdesk invocation in this process with the terminal language lang ("C" for
// English, "zh_CN.UTF-8" for Chinese), as a shop's PC sets it, and returns the exit code,
// stdout and stderr.
func cliIn(t *testing.T, lang string, args ...string) (int, string, string) {
	t.Helper()
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", lang)
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUnknownCommand(t *testing.T) {
	tests := []struct {
		args []string
		want []string // parts of the message, in order
		not  []string // what it must not say
	}{
		{[]string{"frobnicate", "--db", "x.db"}, []string{`unknown command "frobnicate";`, "posdesk help"}, []string{"--db", "Did you mean"}},
		{[]string{"frobnicate", "please", "--db", "x.db"}, []string{`unknown command "frobnicate";`}, []string{"please", "--db"}},
		{[]string{"transactoins", "--json"}, []string{`unknown command "transactoins".`, "Did you mean posdesk transactions?", "posdesk help"}, []string{"--json"}},
		{[]string{"Backup", "b.db"}, []string{`unknown command "Backup".`, "Did you mean posdesk backup?"}, []string{"b.db"}},
		{[]string{"incident", "shw", "7"}, []string{`unknown command "incident shw".`, "Did you mean posdesk incident show?"}, []string{"7"}},
		{[]string{"incdent", "show", "7"}, []string{`unknown command "incdent show".`, "Did you mean posdesk incident show?"}, []string{"7"}},
		{[]string{"incident", "frob"}, []string{`unknown command "incident frob";`}, []string{"Did you mean"}},
		{[]string{"staff", "--db", "x.db"}, []string{"posdesk staff needs one more word:", "staff add, staff disable", "posdesk help"}, []string{"--db"}},
		{[]string{"xy"}, []string{`unknown command "xy";`}, []string{"Did you mean"}},
	}
	for _, tt := range tests {
		code, _, stderr := cliIn(t, "C", tt.args...)
		if code != 2 {
			t.Errorf("posdesk %s: exit %d, want 2", strings.Join(tt.args, " "), code)
		}
		rest := stderr
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("posdesk %s: %q does not say %q (in this order)", strings.Join(tt.args, " "), stderr, w)
				break
			}
			rest = rest[i+len(w):]
		}
		for _, n := range tt.not {
			if strings.Contains(stderr, n) {
				t.Errorf("posdesk %s: %q says %q", strings.Join(tt.args, " "), stderr, n)
			}
		}
	}
	_, _, zh := cliIn(t, "zh_CN.UTF-8", "transactoins", "--db", "x.db")
	if !strings.Contains(zh, "未知命令 \"transactoins\"") || !strings.Contains(zh, "posdesk transactions") || strings.Contains(zh, "--db") {
		t.Errorf("Chinese: %q", zh)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"backup", "backup", 0}, {"bakup", "backup", 1},
		{"transactoins", "transactions", 2}, {"kitten", "sitting", 3}, {"对账", "对帐", 1},
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := levenshtein(tt.b, tt.a); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

// TestYesNoFlags checks that a yes/no flag given another value says which values it takes, and
// that yes and no are among them.
func TestYesNoFlags(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("HOME", home)
	db := filepath.Join(home, "shop.db")
	code, _, stderr := cliIn(t, "C", "reconcile", "--json=maybe", "--db", db)
	if want := `posdesk reconcile: the option --json takes yes or no (true or false); "maybe" is not one of them.`; code != 2 || strings.TrimSpace(stderr) != want {
		t.Errorf("--json=maybe: exit %d, %q; want 2, %q", code, stderr, want)
	}
	code, _, stderr = cliIn(t, "zh_CN.UTF-8", "transactions", "--db", db, "--voided=perhaps")
	if code != 2 || !strings.Contains(stderr, "--voided") || !strings.Contains(stderr, `"perhaps"`) || !strings.Contains(stderr, "只接受 yes 或 no") {
		t.Errorf("Chinese, --voided=perhaps: exit %d, %q", code, stderr)
	}
	for _, tt := range []struct {
		flag string
		json bool
	}{{"--json=yes", true}, {"--json=Y", true}, {"--json=on", true}, {"--json", true}, {"--json=no", false}, {"--json=false", false}, {"--json=1", true}} {
		code, out, stderr := cliIn(t, "C", "transactions", tt.flag, "--db", db)
		if code != 0 {
			t.Errorf("%s: exit %d, %s", tt.flag, code, stderr)
			continue
		}
		if got := strings.HasPrefix(strings.TrimSpace(out), "["); got != tt.json {
			t.Errorf("%s: JSON %v, want %v: %q", tt.flag, got, tt.json, out)
		}
	}
	code, out, stderr := cliIn(t, "C", "transactions", "--help")
	if code != 0 || !strings.Contains(out, "-json") || strings.Contains(out+stderr, "panic") {
		t.Errorf("--help: exit %d\n%s%s", code, out, stderr)
	}
}

// TestLogWhenConfigFolderMissing runs a failing command on a database given with --db, on a PC
// where posdesk never created its config folder: the error must still reach posdesk.log, in a
// folder only the user may read.
func TestLogWhenConfigFolderMissing(t *testing.T) {
	home := t.TempDir()
	config := filepath.Join(home, "config")
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("HOME", home)
	t.Setenv("POSDESK_DB", "")
	db := filepath.Join(home, "elsewhere", "shop.db")
	if code, _, stderr := cliIn(t, "C", "transaction", "show", "999", "--db", db); code != 1 {
		t.Fatalf("transaction show 999: exit %d, want 1: %s", code, stderr)
	}
	logDir := filepath.Join(config, "posdesk")
	b, err := os.ReadFile(filepath.Join(logDir, "posdesk.log"))
	if err != nil {
		t.Fatalf("no log: %v", err)
	}
	if !strings.Contains(string(b), " error: ") || !strings.Contains(string(b), "999") {
		t.Errorf("log: %q", b)
	}
	if st, err := os.Stat(logDir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("log folder: %v %v, want mode 0700", st.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(logDir, "posdesk.db")); err == nil {
		t.Error("logging created a database in the config folder")
	}
}
