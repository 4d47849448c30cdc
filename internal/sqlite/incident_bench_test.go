package sqlite_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// seedIncidents writes n incidents, each with one ledger record, in one transaction with plain
// SQL (the service writes one transaction per incident, which is right for staff and slow for a
// benchmark's set-up).
func seedIncidents(b *testing.B, db *sqlite.DB, n int) {
	b.Helper()
	tx, err := db.Writer().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		at := base.Add(time.Duration(i) * 17 * time.Minute).Unix()
		kind := posdesk.IncidentKinds[i%len(posdesk.IncidentKinds)]
		status := posdesk.IncidentStatuses[i%len(posdesk.IncidentStatuses)]
		outcome := ""
		if status == posdesk.IncidentResolved || status == posdesk.IncidentClosed {
			outcome = string(posdesk.OutcomeCreditedToShop)
		}
		deadline := posdesk.DateOf(time.Unix(at, 0), time.UTC).AddDays(i%40 - 10).String()
		if _, err := tx.Exec(`INSERT INTO transactions (id, time, amount_minor, currency, kind, channel, status, rrn, trace, terminal, created_at, updated_at)
			VALUES (?, ?, ?, 'CNY', 'sale', 'card', 'failed', ?, ?, '61000042', ?, ?)`, i, at, 1000+i, fmt.Sprintf("26%010d", i), fmt.Sprintf("%06d", i%1000000), at, at); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO incidents (id, year, seq, number, kind, cause, status, outcome, time, amount_minor, story, deadline, deadline_source, created_at, updated_at)
			VALUES (?, 2026, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'letter', ?, ?)`, i, i, posdesk.NumberFor(2026, i), kind, posdesk.Causes[i%len(posdesk.Causes)],
			status, outcome, at, 1000+i, "顾客说手机扣款了 story "+fmt.Sprint(i), deadline, at, at); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO incident_transactions (incident_id, transaction_id, linked_at) VALUES (?, ?, ?)`, i, i, at); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFindIncidents measures what the incident list does on every filter change over 5,000
// incidents: one page of 100 with linked records, and the counts per status, kind and cause.
func BenchmarkFindIncidents(b *testing.B) {
	db := MustOpenDB(b)
	seedIncidents(b, db, 5000)
	ctx := Owner()
	today := posdesk.NewDate(2026, 6, 1)
	for _, tc := range []struct {
		name string
		f    posdesk.IncidentFilter
	}{
		{"all", posdesk.IncidentFilter{Limit: 100}},
		{"active_kind", posdesk.IncidentFilter{Active: true, Kind: posdesk.IncidentDuplicateCharge, Limit: 100}},
		{"overdue", posdesk.IncidentFilter{OverdueOn: today, Limit: 100}},
		{"query_story", posdesk.IncidentFilter{Query: "story 4321", Limit: 100}},
		{"query_rrn", posdesk.IncidentFilter{Query: "260000004321", Limit: 100}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				if _, _, err := db.FindIncidents(ctx, tc.f); err != nil {
					b.Fatal(err)
				}
				if _, err := db.CountIncidents(ctx, tc.f, today); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/list")
		})
	}
}

// BenchmarkCreateIncident measures logging one incident from a slip (ledger record, incident,
// link, timeline and audit entries in one durable transaction).
func BenchmarkCreateIncident(b *testing.B) {
	db := MustOpenDB(b)
	ctx := Owner()
	at := time.Date(2026, 9, 20, 6, 0, 0, 0, time.UTC)
	start := time.Now()
	i := 0
	for b.Loop() {
		i++
		inc := &posdesk.Incident{Kind: posdesk.IncidentChargedButFailed, Story: "terminal said failed",
			Transactions: []*posdesk.Transaction{posdesk.NewSlip(posdesk.IncidentChargedButFailed, at, posdesk.CNY("58"), "61000042", fmt.Sprintf("%06d", i%1000000), "")}}
		if err := db.CreateIncident(ctx, inc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/incident")
}
