package sqlite_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/importer/importertest"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// importFile is what `posdesk import --kind settlement FILE` does: read the file (hashing it as
// it goes) and store it as one batch.
func importFile(tb testing.TB, db *sqlite.DB, path string) *posdesk.ImportBatch {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rd, err := importer.NewReader(f, importer.Options{Kind: posdesk.ImportSettlement, FileName: path, Location: shopZone})
	if err != nil {
		tb.Fatal(err)
	}
	b := &posdesk.ImportBatch{FileName: filepath.Base(path), Profile: rd.Mapping().Profile}
	if err := db.CreateSettlementImport(Owner(), b, importer.WithBatch(rd, b, rd.SettlementLines(), nil)); err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkImport1M imports a generated 1,000,000-row settlement statement (GBK, Chinese
// headers, about 138 MB) the way `posdesk import` does, and copies the same file into a bare
// table with `sqlite3 .import` in the same run. It reports both times, their ratio (target: at
// most 1.5) and the CPU seconds of each, which stay comparable when the machine is busy.
func BenchmarkImport1M(b *testing.B) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("sqlite3 command not installed")
	}
	const rows = 1_000_000
	dir := b.TempDir()
	path, err := importertest.SettlementFile(dir, rows)
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	var ours, theirs, ourCPU, theirCPU time.Duration
	for i := 0; i < b.N; i++ {
		// sqlite3 .import into a bare table of 15 text columns.
		bare := filepath.Join(dir, "bare.db")
		os.Remove(bare)
		cols := make([]string, 15)
		for k := range cols {
			cols[k] = "c" + string(rune('a'+k))
		}
		cmd := exec.Command(sqlite3, bare)
		cmd.Stdin = strings.NewReader("CREATE TABLE t (" + strings.Join(cols, ", ") + ");\n.mode csv\n.import " + path + " t\n")
		t0 := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3 .import: %v: %s", err, out)
		}
		theirs += time.Since(t0)
		theirCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()

		db, err := sqlite.Open(filepath.Join(dir, "posdesk.db"))
		if err != nil {
			b.Fatal(err)
		}
		t0, c0 := time.Now(), processCPU()
		batch := importFile(b, db, path)
		ours += time.Since(t0)
		ourCPU += processCPU() - c0
		if batch.New != rows || batch.Skipped != 2 {
			b.Fatalf("imported %+v", batch)
		}
		db.Close()
		os.Remove(filepath.Join(dir, "posdesk.db"))
		os.Remove(filepath.Join(dir, "posdesk.db-wal"))
		os.Remove(filepath.Join(dir, "posdesk.db-shm"))
	}
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "posdesk-s")
	b.ReportMetric(theirs.Seconds()/n, "sqlite3-s")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
	b.ReportMetric(ourCPU.Seconds()/n, "posdesk-cpu-s")
	b.ReportMetric(theirCPU.Seconds()/n, "sqlite3-cpu-s")
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
}
