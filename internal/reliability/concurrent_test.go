package reliability_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// lockWords are the words of SQLite's lock errors; none may reach a person.
var lockWords = []string{"database is locked", "SQLITE_BUSY", "database table is locked", "is busy"}

func hasLockWords(s string) bool {
	for _, w := range lockWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// TestConcurrentWriters runs two, then four processes writing to one database at once through
// the storage layer: ledger records, incidents (numbered from a per-year counter, a
// read-then-write) and receipts of 0.01 against one shared refund (its received total is a
// read-modify-write). No write may fail, no lock error may appear, the counts must be exact,
// incident numbers unique and the audit chain unbroken.
func TestConcurrentWriters(t *testing.T) {
	perProc := envInt("RELIABILITY_WRITES", 60)
	for _, procs := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d_processes", procs), func(t *testing.T) {
			dbPath := tempDB(t)
			db := mustOpen(t, dbPath)
			refund := &posdesk.Refund{Method: posdesk.MethodOriginalRoute, Expected: posdesk.CNY("100.00"), Reason: "shared by the writers",
				Arrival: posdesk.Span{Days: 7, Workdays: true}}
			if err := db.CreateRefund(owner(), refund); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			children := make([]*child, procs)
			for p := range children {
				children[p] = startChild(t, "writer", dbPath, t.TempDir(), uint64(p+1), fmt.Sprintf("%d %d", perProc, refund.ID))
			}
			var errs, acks, lockErrs int
			acked := map[string]int{} // successful changes by kind: tx, receipt, incident
			for p, c := range children {
				lines, err := c.wait()
				if err != nil {
					t.Errorf("writer %d: %v\n%s", p, err, c.stderr.String())
				}
				for _, l := range lines {
					kind, _, _ := strings.Cut(l, " ")
					switch kind {
					case "error":
						errs++
						if errs <= 5 {
							t.Errorf("writer %d: %s", p, l)
						}
					case "ready":
					default:
						acks++
						acked[kind]++
					}
					if hasLockWords(l) {
						lockErrs++
					}
				}
				if hasLockWords(c.stderr.String()) {
					lockErrs++
				}
			}
			took := time.Since(start)
			// Every acknowledged change is stored once: records (each incident adds its slip
			// record), incidents with distinct numbers, receipts, and the refund's total is the
			// sum of its receipts. A failed change (counted in errs) must have left nothing.
			wantTx, wantInc, wantReceipts := acked["tx"]+acked["incident"], acked["incident"], acked["receipt"]
			var gotTx, gotInc, gotNumbers, gotReceipts int
			q := db.Reader()
			q.QueryRow(`SELECT count(*) FROM transactions`).Scan(&gotTx)
			q.QueryRow(`SELECT count(*), count(DISTINCT number) FROM incidents`).Scan(&gotInc, &gotNumbers)
			q.QueryRow(`SELECT count(*) FROM refund_receipts`).Scan(&gotReceipts)
			got, err := db.FindRefundByID(owner(), refund.ID)
			if err != nil {
				t.Fatal(err)
			}
			lost := 0
			if gotTx != wantTx || gotInc != wantInc || gotNumbers != wantInc || gotReceipts != wantReceipts {
				lost++
				t.Errorf("stored %d records (acknowledged %d), %d incidents with %d distinct numbers (acknowledged %d), %d receipts (acknowledged %d)",
					gotTx, wantTx, gotInc, gotNumbers, wantInc, gotReceipts, wantReceipts)
			}
			if cents := got.Received.Amount.Shift(2).IntPart(); cents != int64(wantReceipts) {
				lost++
				t.Errorf("the refund's received total is %s after %d acknowledged receipts of 0.01: lost updates", got.Received.Plain(), wantReceipts)
			}
			if want := procs * perProc * 2 * 11 / 10; acks != want {
				t.Errorf("%d changes acknowledged, want %d", acks, want)
			}
			if _, n, firstBad, err := db.VerifyAudit(owner()); err != nil || firstBad != nil {
				lost++
				t.Errorf("audit chain after concurrent writes: %d entries, first bad %+v, %v", n, firstBad, err)
			}
			report(t, fmt.Sprintf("%d processes writing at once (storage)", procs),
				fmt.Sprintf("%d commits in %s (%.0f/s): %d errors, %d lock errors, %d lost updates", acks, took.Round(time.Millisecond),
					float64(acks)/took.Seconds(), errs, lockErrs, lost), "0 errors, 0 lost", errs == 0 && lockErrs == 0 && lost == 0)
		})
	}
}

// TestConcurrentCommands runs two, then four shells each typing `posdesk incident add` in a
// loop against one database: every command must succeed, none may print a lock error, and
// every incident must be stored with its own number.
func TestConcurrentCommands(t *testing.T) {
	bin := posdeskBinary(t)
	perProc := envInt("RELIABILITY_COMMANDS", 15)
	for _, procs := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d_processes", procs), func(t *testing.T) {
			home := t.TempDir()
			dbPath := filepath.Join(home, "shop.db")
			if out, errOut, code := runPosdesk(bin, home, "incidents", "--db", dbPath); code != 0 { // creates the database
				t.Fatalf("posdesk incidents: %d %s %s", code, out, errOut)
			}
			start := time.Now()
			var mu sync.Mutex
			var fails, lockErrs, ok int
			var wg sync.WaitGroup
			for p := 0; p < procs; p++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < perProc; i++ {
						out, errOut, code := runPosdesk(bin, home, "incident", "add", "--db", dbPath, "--kind", "no_response",
							"--amount", "58.00", "--time", "2026-09-20 14:30", "--rrn", fmt.Sprintf("6%02d%09d", p, i), "--story", "shell "+strconv.Itoa(p))
						mu.Lock()
						if code != 0 {
							fails++
							t.Errorf("shell %d command %d: exit %d: %s", p, i, code, errOut)
						} else {
							ok++
						}
						if hasLockWords(out + errOut) {
							lockErrs++
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			took := time.Since(start)
			db := mustOpen(t, dbPath)
			var n, numbers int
			db.Reader().QueryRow(`SELECT count(*), count(DISTINCT number) FROM incidents`).Scan(&n, &numbers)
			lost := procs*perProc - n
			if n != procs*perProc || numbers != n {
				t.Errorf("%d incidents with %d numbers stored, want %d", n, numbers, procs*perProc)
			}
			report(t, fmt.Sprintf("%d shells running posdesk incident add at once", procs),
				fmt.Sprintf("%d commands in %s: %d failed, %d lock errors shown, %d lost", ok+fails, took.Round(time.Millisecond), fails, lockErrs, lost),
				"0 failed, 0 lost", fails == 0 && lockErrs == 0 && lost == 0 && numbers == n)
		})
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// posdeskBinary builds cmd/posdesk once per run, without cgo and with the "ci" tag (Fyne's
// software driver), which is all the command line needs, into a fixed place in the temp folder.
func posdeskBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "posdesk-reliability")
		if binErr = os.MkdirAll(dir, 0o755); binErr != nil {
			return
		}
		tmp := filepath.Join(dir, "posdesk."+strconv.Itoa(os.Getpid()))
		cmd := exec.Command("go", "build", "-tags", "ci", "-o", tmp, "github.com/posdesk/posdesk/cmd/posdesk")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = errors.New("build posdesk: " + err.Error() + "\n" + string(out))
			return
		}
		binPath = filepath.Join(dir, "posdesk")
		binErr = os.Rename(tmp, binPath)
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runPosdesk runs the posdesk binary with a clean environment whose home and config folder are
// home (posdesk.log goes there), and returns stdout, stderr and the exit code.
func runPosdesk(bin, home string, args ...string) (string, string, int) {
	return runPosdeskEnv(bin, home, nil, args...)
}

func runPosdeskEnv(bin, home string, env []string, args ...string) (string, string, int) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "LANG=C", "TZ=Asia/Shanghai", "PATH=" + os.Getenv("PATH")}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		return "", err.Error(), -1
	}
	return out.String(), errOut.String(), code
}
