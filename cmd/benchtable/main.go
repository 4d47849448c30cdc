// Command benchtable runs posdesk's performance benchmarks and prints one table: every
// performance target of the project with the figure measured, the target and PASS, FAIL or NOT
// RUN. It is what `make bench` runs.
//
//	benchtable [-out FILE] [-only REGEXP]   run the benchmarks of the targets, then print the table
//	benchtable -parse FILE...               print the table from `go test -bench` output
//
// Each benchmark runs alone, from a test binary built once per package, in its package's
// folder, so that the table can give the peak RSS of each run. The raw `go test` output goes to
// stdout as it comes and to -out. POSDESK_BIN (an absolute path to bin/posdesk built with cgo)
// is passed on for the window's start-up benchmark.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
)

// Target is one performance target: the figure a benchmark reports, and its limit.
type Target struct {
	Figure    string  // what is measured, for the table
	Pkg       string  // package import path below the module, e.g. "internal/sqlite"
	Bench     string  // benchmark function name
	Benchtime string  // -test.benchtime for the run, e.g. "1x", "300x"
	Metric    string  // the unit the benchmark reports, e.g. "p95-ms"
	Worst     string  // over sub-benchmarks: "max" or "min" (the worst one counts)
	Op        string  // "<", "<=" or ">="
	Limit     float64 // the target
	Show      string  // how to print a value: "ms", "s", "MB", "x", "rows/s", "bytes"
	Note      string  // where the target comes from
}

// Targets are the project's performance targets (issues 2, 4 and 6 and the reliability plan).
var Targets = []Target{
	{Figure: "Ledger page, 1,000,000 records, common filters: p95 of the slowest filter", Pkg: "internal/sqlite", Bench: "BenchmarkLedgerPage1M",
		Benchtime: "300x", Metric: "p95-ms", Worst: "max", Op: "<", Limit: 10, Show: "ms", Note: "issue 2"},
	{Figure: "posdesk demo --transactions 1000000", Pkg: "internal/reliability", Bench: "BenchmarkStartup1M",
		Benchtime: "1x", Metric: "demo-s", Op: "<", Limit: 30, Show: "s", Note: "issue 2"},
	{Figure: "Demo records generated and stored per second (100,000-record run)", Pkg: "internal/sqlite", Bench: "BenchmarkDemo",
		Benchtime: "1x", Metric: "rows/s", Op: ">=", Limit: 1_000_000.0 / 30, Show: "rows/s", Note: "1,000,000 in 30 s"},
	{Figure: "Window: process start to first window, 1,000,000 records", Pkg: "internal/reliability", Bench: "BenchmarkStartup1M",
		Benchtime: "1x", Metric: "window-s", Op: "<", Limit: 1, Show: "s", Note: "issue 2"},
	{Figure: "Window: signing in to the ledger's first page, 1,000,000 records", Pkg: "internal/reliability", Bench: "BenchmarkStartup1M",
		Benchtime: "1x", Metric: "ledger-after-signin-s", Op: "<", Limit: 1, Show: "s", Note: "issue 2"},
	{Figure: "Import of a 1,000,000-row settlement CSV against sqlite3 .import", Pkg: "internal/sqlite", Bench: "BenchmarkImport1M",
		Benchtime: "1x", Metric: "ratio", Op: "<=", Limit: 1.5, Show: "x", Note: "issue 6"},
	{Figure: "Reconcile 1,000,000 ledger rows against 1,000,000 settlement rows", Pkg: "internal/reconcile", Bench: "BenchmarkReconcile1M",
		Benchtime: "1x", Metric: "s/run", Op: "<", Limit: 10, Show: "s", Note: "issue 6"},
	{Figure: "Reconcile 1,000,000 x 1,000,000: peak heap", Pkg: "internal/reconcile", Bench: "BenchmarkReconcile1M",
		Benchtime: "1x", Metric: "peak-heap-MB", Op: "<=", Limit: 1024, Show: "MB", Note: "memory bounded (posdesk's budget: 1 GB)"},
	{Figure: "Evidence packet, 20 twelve-megapixel photos: build time", Pkg: "internal/pdf", Bench: "BenchmarkPacket20Photos",
		Benchtime: "1x", Metric: "s/packet", Op: "<", Limit: 2, Show: "s", Note: "issue 4"},
	{Figure: "Evidence packet, 20 twelve-megapixel photos: size (Stripe preset)", Pkg: "internal/pdf", Bench: "BenchmarkPacket20Photos",
		Benchtime: "1x", Metric: "bytes", Op: "<=", Limit: 4_500_000, Show: "bytes", Note: "issue 4: about 4.5 MB"},
	{Figure: "Peak RSS: window with 1,000,000 records", Pkg: "internal/reliability", Bench: "BenchmarkStartup1M",
		Benchtime: "1x", Metric: "gui-peak-RSS-MB", Op: "<=", Limit: 400, Show: "MB", Note: "posdesk's budget for a 4 GB shop PC"},
	{Figure: "Peak RSS: posdesk demo --transactions 1000000", Pkg: "internal/reliability", Bench: "BenchmarkStartup1M",
		Benchtime: "1x", Metric: "demo-peak-RSS-MB", Op: "<=", Limit: 512, Show: "MB", Note: "posdesk's budget"},
}

// Result is one benchmark line of `go test -bench` output.
type Result struct {
	Name    string             // without the -GOMAXPROCS suffix, e.g. "BenchmarkLedgerPage1M/status"
	Metrics map[string]float64 // unit -> value
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// Parse reads `go test -bench` output and returns its benchmark lines.
func Parse(r io.Reader) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		res := Result{Name: m[1], Metrics: map[string]float64{}}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			res.Metrics[f[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// Row is one line of the table.
type Row struct {
	Figure, Measured, Target, Result string
}

// Evaluate finds each target's figure in results (the worst over its sub-benchmarks) and
// judges it. notRun says why a benchmark gave no figure ("pkg Bench" -> reason), when known.
func Evaluate(targets []Target, results []Result, notRun map[string]string) []Row {
	var rows []Row
	for _, t := range targets {
		row := Row{Figure: t.Figure, Target: fmt.Sprintf("%s %s", t.Op, show(t.Limit, t.Show))}
		if t.Note != "" {
			row.Target += " (" + t.Note + ")"
		}
		found, subs := false, 0
		var worst float64
		var worstName string
		for _, r := range results {
			if r.Name != t.Bench && !strings.HasPrefix(r.Name, t.Bench+"/") {
				continue
			}
			v, ok := r.Metrics[t.Metric]
			if !ok {
				continue
			}
			subs++
			if !found || t.Worst == "min" && v < worst || t.Worst != "min" && v > worst {
				worst, worstName = v, strings.TrimPrefix(r.Name, t.Bench+"/")
			}
			found = true
		}
		switch {
		case !found:
			why := notRun[t.Pkg+" "+t.Bench]
			if why == "" {
				why = fmt.Sprintf("%s did not report %s", t.Bench, t.Metric)
			}
			row.Measured, row.Result = why, "NOT RUN"
		default:
			row.Measured = show(worst, t.Show)
			if subs > 1 {
				row.Measured += fmt.Sprintf(" (%s, worst of %d)", worstName, subs)
			}
			row.Result = "FAIL"
			if pass(worst, t.Op, t.Limit) {
				row.Result = "PASS"
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func pass(v float64, op string, limit float64) bool {
	switch op {
	case "<":
		return v < limit
	case "<=":
		return v <= limit
	case ">=":
		return v >= limit
	}
	return false
}

// show formats v in unit u.
func show(v float64, u string) string {
	switch u {
	case "ms":
		return fmt.Sprintf("%.2f ms", v)
	case "s":
		return fmt.Sprintf("%.2f s", v)
	case "MB":
		return fmt.Sprintf("%.0f MB", v)
	case "x":
		return fmt.Sprintf("%.2fx", v)
	case "bytes":
		return fmt.Sprintf("%.2f MB", v/1e6)
	case "rows/s":
		return fmt.Sprintf("%s rows/s", thousands(int64(math.Round(v))))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Print writes the table.
func Print(w io.Writer, rows []Row, rss []string) {
	fmt.Fprintln(w)
	fmt.Fprintf(w, "== posdesk performance targets (%d CPUs, load average %s) ==\n", runtime.NumCPU(), loadAverage())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\ttarget\tresult")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Figure, r.Measured, r.Target, r.Result)
	}
	tw.Flush()
	if len(rss) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Peak RSS of each benchmark process (test harness included):")
		for _, l := range rss {
			fmt.Fprintln(w, "  "+l)
		}
	}
}

func main() {
	parse := flag.Bool("parse", false, "only read `go test -bench` output from the files given (or stdin) and print the table")
	outPath := flag.String("out", "", "also write the raw benchmark output to this file")
	only := flag.String("only", "", "run only the targets whose benchmark matches this regular expression")
	flag.Parse()
	if *parse {
		var all []Result
		readers := []io.Reader{os.Stdin}
		if flag.NArg() > 0 {
			readers = nil
			for _, name := range flag.Args() {
				f, err := os.Open(name)
				if err != nil {
					fmt.Fprintln(os.Stderr, "benchtable:", err)
					os.Exit(1)
				}
				defer f.Close()
				readers = append(readers, f)
			}
		}
		for _, r := range readers {
			res, err := Parse(r)
			if err != nil {
				fmt.Fprintln(os.Stderr, "benchtable:", err)
				os.Exit(1)
			}
			all = append(all, res...)
		}
		Print(os.Stdout, Evaluate(Targets, all, nil), nil)
		return
	}
	targets := Targets
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(2)
		}
		targets = nil
		for _, t := range Targets {
			if re.MatchString(t.Bench) {
				targets = append(targets, t)
			}
		}
	}
	var raw bytes.Buffer
	out := io.MultiWriter(os.Stdout, &raw)
	results, notRun, rss := runAll(targets, out)
	if *outPath != "" {
		if err := os.WriteFile(*outPath, raw.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
		}
	}
	Print(os.Stdout, Evaluate(targets, results, notRun), rss)
}

// runAll runs each distinct benchmark of targets once and returns what they reported, why the
// ones that could not run did not, and the peak RSS of each run.
func runAll(targets []Target, out io.Writer) ([]Result, map[string]string, []string) {
	module, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	binDir := filepath.Join(module, "bin", "bench")
	os.MkdirAll(binDir, 0o755)
	built := map[string]string{} // package -> test binary, or "" when the build failed
	done := map[string]bool{}
	notRun := map[string]string{}
	var results []Result
	var rss []string
	for _, t := range targets {
		key := t.Pkg + " " + t.Bench
		if done[key] {
			continue
		}
		done[key] = true
		bin, ok := built[t.Pkg]
		if !ok {
			bin = filepath.Join(binDir, strings.ReplaceAll(t.Pkg, "/", "_")+".test")
			fmt.Fprintf(out, "== build %s\n", t.Pkg)
			cmd := exec.Command("go", "test", "-c", "-o", bin, "./"+t.Pkg)
			cmd.Dir = module
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Run(); err != nil {
				bin = ""
			}
			built[t.Pkg] = bin
		}
		if bin == "" {
			notRun[key] = "the package's tests do not build"
			continue
		}
		fmt.Fprintf(out, "== %s %s (-benchtime %s)\n", t.Pkg, t.Bench, t.Benchtime)
		var buf bytes.Buffer
		cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^"+t.Bench+"$", "-test.benchtime", t.Benchtime, "-test.timeout", "60m")
		cmd.Dir = filepath.Join(module, t.Pkg)
		cmd.Env = os.Environ()
		if os.Getenv("POSDESK_BIN") == "" {
			if gui := filepath.Join(module, "bin", "posdesk"); fileExists(gui) {
				cmd.Env = append(cmd.Env, "POSDESK_BIN="+gui)
			}
		}
		cmd.Stdout, cmd.Stderr = io.MultiWriter(out, &buf), out
		err := cmd.Run()
		res, _ := Parse(bytes.NewReader(buf.Bytes()))
		results = append(results, res...)
		switch {
		case err != nil:
			notRun[key] = fmt.Sprintf("%s failed: %v", t.Bench, err)
		case len(res) == 0:
			notRun[key] = fmt.Sprintf("no %s in %s yet", t.Bench, t.Pkg)
		}
		if cmd.ProcessState != nil {
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && len(res) > 0 {
				rss = append(rss, fmt.Sprintf("%-28s %-24s %6.0f MB", t.Pkg, t.Bench, float64(ru.Maxrss)/1024))
			}
		}
	}
	return results, notRun, rss
}

// loadAverage returns the 1-minute load average (Linux), which tells how busy the machine was:
// timings on a shared machine are slower than on an idle one.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// moduleRoot returns the folder of go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the posdesk module")
	}
	return filepath.Dir(mod), nil
}
