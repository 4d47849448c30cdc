package importer_test

import (
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/importer/importertest"
)

// peakHeap samples the heap every few milliseconds until stop is called, and returns the
// highest value seen in bytes.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// BenchmarkRead1M reads a generated 1,000,000-row settlement statement (GBK, Chinese headers,
// a title line and a totals row, about 140 MB) and reports rows per second and the peak heap.
func BenchmarkRead1M(b *testing.B) {
	const rows = 1_000_000
	path, err := importertest.SettlementFile(b.TempDir(), rows)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRead(b, path, "big.csv", rows)
}

// benchmarkRead reads the statement of rows data rows at path (a title line and a totals row
// around them) b.N times and reports rows per second, the file size, the peak heap and the CPU
// seconds of a read. name is the file name the reader is told.
func benchmarkRead(b *testing.B, path, name string, rows int) {
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	var peak uint64
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		stop := peakHeap()
		c0 := cpuTime()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rd, err := importer.NewReader(f, importer.Options{FileName: name, Location: time.FixedZone("CST", 8*3600)})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		cpu += cpuTime() - c0
		peak = max(peak, stop())
		if st := rd.Stats(); n != rows || st.Totals != 1 || st.Title != 1 {
			b.Fatalf("read %d rows, stats %+v", n, st)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
}
