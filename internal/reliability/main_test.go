package reliability_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// childEnv names the workload a re-executed test binary runs instead of the tests (see
// runChild); the parent passes the database and folders in the other variables.
const (
	childEnv     = "POSDESK_RELIABILITY_CHILD"
	childDBEnv   = "POSDESK_RELIABILITY_DB"
	childDirEnv  = "POSDESK_RELIABILITY_DIR"
	childSeedEnv = "POSDESK_RELIABILITY_SEED"
	childArgEnv  = "POSDESK_RELIABILITY_ARG"
)

func TestMain(m *testing.M) {
	if w := os.Getenv(childEnv); w != "" {
		os.Exit(runChild(w))
	}
	code := m.Run()
	if demoDB != "" {
		os.RemoveAll(filepath.Dir(demoDB)) // made by BenchmarkStartup1M
	}
	printFigures()
	os.Exit(code)
}

// envInt returns the integer in the environment variable name, or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// cycles is the number of kill -9 cycles: 50 in the short run, RELIABILITY_CYCLES otherwise.
func cycles() int { return envInt("RELIABILITY_CYCLES", 50) }

// cardCount is how many card numbers the leak scan seeds: 500 in the short run,
// RELIABILITY_CARDS otherwise.
func cardCount() int { return envInt("RELIABILITY_CARDS", 500) }

// owner returns a context acting as the shop owner (a fresh shop has no staff accounts).
func owner() context.Context {
	return posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
}

// mustOpen opens (creating) the database at path and closes it when the test ends.
func mustOpen(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// tempDB returns the path of a fresh database in a temp folder.
func tempDB(tb testing.TB) string { return filepath.Join(tb.TempDir(), "posdesk.db") }

// figure is one measured result of the run, printed in the table at the end.
type figure struct {
	Test, Name, Value, Target string
	Result                    string // PASS, FAIL or NOT RUN
}

var (
	figMu   sync.Mutex
	figures []figure
)

// report records a figure for the table printed when the tests end.
func report(t testing.TB, name, value, target string, pass bool) {
	figMu.Lock()
	defer figMu.Unlock()
	figures = append(figures, figure{Test: t.Name(), Name: name, Value: value, Target: target, Result: passWord(pass)})
	t.Logf("FIGURE %s: %s (target %s) %s", name, value, target, passWord(pass))
}

// reportNotRun records a figure that could not be measured, and why.
func reportNotRun(t testing.TB, name, why, target string) {
	figMu.Lock()
	defer figMu.Unlock()
	figures = append(figures, figure{Test: t.Name(), Name: name, Value: why, Target: target, Result: "NOT RUN"})
	t.Logf("FIGURE %s: NOT RUN: %s (target %s)", name, why, target)
}

func passWord(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// printFigures prints every recorded figure as one table.
func printFigures() {
	figMu.Lock()
	defer figMu.Unlock()
	if len(figures) == 0 {
		return
	}
	sort.SliceStable(figures, func(i, j int) bool { return figures[i].Test < figures[j].Test })
	fmt.Println()
	fmt.Println("== posdesk reliability figures ==")
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "test\tfigure\tmeasured\ttarget\tresult")
	for _, f := range figures {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", strings.TrimPrefix(f.Test, "Test"), f.Name, f.Value, f.Target, f.Result)
	}
	tw.Flush()
}

// since formats the time since t for a figure.
func since(t time.Time) string { return time.Since(t).Round(10 * time.Millisecond).String() }
