package reconcile_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

// The generated day: one transaction every 2 seconds from 2026-09-01, on four terminals. Every
// thousandth transaction carries a planted problem, by i % 1000:
//
//	1 failed at the POS, settled       -> charged_but_pos_failed
//	2 approved, never settled          -> approved_not_settled
//	3 settled one yuan short           -> amount_mismatch
//	4 settled twice                    -> settled_twice
//	5 no RRN at the POS                -> matched by terminal + batch + trace + date
//	6 no RRN and no trace at the POS   -> matched by amount, time and card
//	7 settled, not in the ledger       -> settled_not_in_ledger
//	8 refund never credited            -> refund_not_credited
//	9 timed out, never settled         -> nothing
var benchStart = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// digits returns n as a zero-padded decimal of width w.
func digits(n, w int) string {
	var b [12]byte
	for k := w - 1; k >= 0; k-- {
		b[k] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:w])
}

var benchTerminals = []string{"61000042", "61000043", "61000044", "61000045"}

// fields returns what the POS and the statement share for transaction i.
func fields(i int) (when time.Time, minor int64, term, batch, trace, rrn, card string) {
	when = benchStart.Add(time.Duration(i) * 2 * time.Second)
	y, m, d := when.Date()
	minor = int64(100 + (i*7919)%299900)
	rrn = digits(y%100, 2) + digits(int(m), 2) + digits(d, 2) + digits(i%1000000, 6)
	return when, minor, benchTerminals[i%4], digits(12+i/999999, 6), digits(i%999999+1, 6), rrn, "622202******" + digits((i*37)%10000, 4)
}

func genTx(i int) *posdesk.Transaction {
	when, minor, term, batch, trace, rrn, card := fields(i)
	t := &posdesk.Transaction{
		ID: int64(i + 1), Kind: posdesk.KindSale, Status: posdesk.StatusApproved, Channel: posdesk.ChannelUnknownCard,
		Amount: posdesk.NewMoney(minor, "CNY"), Time: when, Terminal: term, Batch: batch, Trace: trace, RRN: rrn, Card: card,
	}
	switch i % 1000 {
	case 1:
		t.Status = posdesk.StatusFailed
	case 5:
		t.RRN = ""
	case 6:
		t.RRN, t.Trace = "", ""
	case 8:
		t.Kind = posdesk.KindRefund
	case 9:
		t.Status, t.RRN = posdesk.StatusNoResponse, ""
	}
	return t
}

func genLine(i int, id int64) *posdesk.SettlementLine {
	when, minor, term, batch, trace, rrn, card := fields(i)
	if i%1000 == 3 {
		minor -= 100
	}
	fee := (minor*38 + 5000) / 10000
	return &posdesk.SettlementLine{
		ID: id, Kind: posdesk.KindSale, Amount: posdesk.NewMoney(minor, "CNY"), Fee: posdesk.NewMoney(fee, "CNY"), Net: posdesk.NewMoney(minor-fee, "CNY"),
		RRN: rrn, TerminalID: term, Batch: batch, Trace: trace, Card: card, Time: when,
		SettleDate: posdesk.DateOf(when, time.UTC),
	}
}

func ledgerSeq(n int) func(func(*posdesk.Transaction, error) bool) {
	return func(yield func(*posdesk.Transaction, error) bool) {
		for i := 0; i < n; i++ {
			if i%1000 == 7 {
				continue
			}
			if !yield(genTx(i), nil) {
				return
			}
		}
	}
}

func settlementSeq(n int) func(func(*posdesk.SettlementLine, error) bool) {
	return func(yield func(*posdesk.SettlementLine, error) bool) {
		id := int64(0)
		for i := 0; i < n; i++ {
			switch i % 1000 {
			case 2, 8, 9:
				continue
			}
			id++
			if !yield(genLine(i, id), nil) {
				return
			}
			if i%1000 == 4 {
				id++
				if !yield(genLine(i, id), nil) {
					return
				}
			}
		}
	}
}

func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done, finished := make(chan struct{}), make(chan struct{})
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

// BenchmarkReconcile1M reconciles 1,000,000 ledger transactions against 1,000,000 settlement
// lines streamed from generators (so the figure includes making the 2,000,000 domain values),
// checks that each planted problem lands in its queue exactly, and reports the run time and the
// peak heap. Target: under 10 s, memory bounded.
func BenchmarkReconcile1M(b *testing.B) {
	const n = 1_000_000
	var peak uint64
	var genTime, genCPU, runCPU time.Duration
	for i := 0; i < b.N; i++ {
		// The cost of generating the inputs alone, to tell it apart.
		b.StopTimer()
		t0, c0 := time.Now(), cpuTime()
		for range ledgerSeq(n) {
		}
		for range settlementSeq(n) {
		}
		genTime, genCPU = time.Since(t0), cpuTime()-c0
		runtime.GC()
		b.StartTimer()

		stop := peakHeap()
		c0 = cpuTime()
		matches := 0
		sum, err := reconcile.Run(context.Background(), reconcile.Options{Now: benchStart.AddDate(0, 2, 0), Location: time.UTC},
			reconcile.Input{Ledger: ledgerSeq(n), Settlement: settlementSeq(n)},
			reconcile.Sink{Match: func(*posdesk.Match) error { matches++; return nil }})
		runCPU = cpuTime() - c0
		peak = max(peak, stop())
		if err != nil {
			b.Fatal(err)
		}
		// The very first missing sale (i = 2) comes before its terminal's first settlement line,
		// outside what the statement covers, so it is not counted.
		want := map[posdesk.ExceptionKind]int{
			posdesk.ExcChargedButPOSFailed: n / 1000, posdesk.ExcApprovedNotSettled: n/1000 - 1, posdesk.ExcAmountMismatch: n / 1000,
			posdesk.ExcSettledTwice: n / 1000, posdesk.ExcSettledNotInLedger: n / 1000, posdesk.ExcRefundNotCredited: n / 1000,
		}
		if !mapsEqual(sum.Exceptions, want) {
			b.Fatalf("exceptions = %v, want %v", sum.Exceptions, want)
		}
		if sum.TolerantMatches != n/1000 || sum.ExactMatches != n-5*n/1000 {
			b.Fatalf("summary = %+v", sum)
		}
		_ = matches
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
	b.ReportMetric(genTime.Seconds(), "gen-s")
	// CPU seconds of the run and of generating its inputs: steady when the machine is busy.
	b.ReportMetric(runCPU.Seconds(), "cpu-s")
	b.ReportMetric(genCPU.Seconds(), "gen-cpu-s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
