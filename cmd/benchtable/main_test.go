package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkLedgerPage1M/status-2         	     300	         1.100 p50-ms	         4.200 p95-ms	         0 ns/op
BenchmarkLedgerPage1M/last4-2          	     300	         2.000 p50-ms	        12.500 p95-ms	         0 ns/op
BenchmarkDemo-2                        	       1	   2914000000 ns/op	     40123 rows/s
BenchmarkPacket20Photos-2              	       1	1534000000 ns/op	   1.534 s/packet	  3.1 cpu-s/packet	4321000 bytes	   23.00 pages
BenchmarkStartup1M-2   	       2	       292.0 demo-peak-RSS-MB	        51.05 demo-s	       278.1 gui-peak-RSS-MB	         0.4800 ledger-after-signin-s	         1.320 window-s
PASS
`

func TestParseAndEvaluate(t *testing.T) {
	res, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 5 || res[1].Name != "BenchmarkLedgerPage1M/last4" || res[1].Metrics["p95-ms"] != 12.5 {
		t.Fatalf("parsed %+v", res)
	}
	rows := Evaluate(Targets, res, map[string]string{"internal/sqlite BenchmarkImport1M": "no BenchmarkImport1M in internal/sqlite yet"})
	got := map[string]Row{}
	for _, r := range rows {
		got[r.Figure] = r
	}
	tests := []struct {
		figure, measured, result string
	}{
		{"Ledger page, 1,000,000 records, common filters: p95 of the slowest filter", "12.50 ms (last4, worst of 2)", "FAIL"},
		{"Demo records generated and stored per second (100,000-record run)", "40,123 rows/s", "PASS"},
		{"posdesk demo --transactions 1000000", "51.05 s", "FAIL"},
		{"Window: process start to first window, 1,000,000 records", "1.32 s", "FAIL"},
		{"Window: signing in to the ledger's first page, 1,000,000 records", "0.48 s", "PASS"},
		{"Evidence packet, 20 twelve-megapixel photos: build time", "1.53 s", "PASS"},
		{"Evidence packet, 20 twelve-megapixel photos: size (Stripe preset)", "4.32 MB", "PASS"},
		{"Peak RSS: window with 1,000,000 records", "278 MB", "PASS"},
		{"Import of a 1,000,000-row settlement CSV against sqlite3 .import", "no BenchmarkImport1M in internal/sqlite yet", "NOT RUN"},
		{"Reconcile 1,000,000 ledger rows against 1,000,000 settlement rows", "BenchmarkReconcile1M did not report s/run", "NOT RUN"},
	}
	for _, tt := range tests {
		r, ok := got[tt.figure]
		if !ok {
			t.Errorf("no row %q", tt.figure)
			continue
		}
		if r.Measured != tt.measured || r.Result != tt.result {
			t.Errorf("%s: %q %s, want %q %s", tt.figure, r.Measured, r.Result, tt.measured, tt.result)
		}
	}
	if len(rows) != len(Targets) {
		t.Errorf("%d rows for %d targets", len(rows), len(Targets))
	}
}
