package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// TestFindTransactionsTextSearch compares the ledger search (identifiers and notes, short and
// long, rare and common text, with filters and keyset pages) with a plain scan of the records in
// Go: every strategy FindTransactions picks must give the same pages.
func TestFindTransactionsTextSearch(t *testing.T) {
	defer sqlite.SetNoteTrigramsMax(20)()
	db := MustOpenDB(t)
	base := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	notes := []string{"", "", "", "顾客退货", "扣款失败，顾客称已扣款", "", "Customer says charged", "退"}
	var all []*posdesk.Transaction
	for i := 0; i < 400; i++ { // 50 of each note: more than noteTrigramsMax (20 here)
		tx := &posdesk.Transaction{
			// Some records share a second, so the order falls back on the ID.
			Time:     base.Add(time.Duration(i/3) * time.Minute),
			Amount:   posdesk.NewMoney(int64(100+i), "CNY"),
			Status:   []posdesk.TxStatus{posdesk.StatusApproved, posdesk.StatusFailed}[i%2],
			Terminal: fmt.Sprintf("6100%04d", i%3),
			Trace:    fmt.Sprintf("%06d", i),
			RRN:      fmt.Sprintf("2609%08d", i),
			Note:     notes[i%len(notes)],
		}
		if i%37 == 0 {
			tx.Note = "rare word ABC123XYZ" // fewer times than noteTrigramsMax
		}
		if i == 200 {
			tx.RRN = "ABC123XYZ" // an identifier equal to a note's text, in a record found by both
			tx.Note = "rare word ABC123XYZ"
		}
		all = append(all, tx)
	}
	if err := db.CreateTransactions(Owner(), all); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{3, 4, 5} { // voided records are left out unless asked for
		if err := db.VoidTransaction(Owner(), all[i].ID, "test"); err != nil {
			t.Fatal(err)
		}
		all[i].VoidedAt = time.Now()
	}
	slices.SortFunc(all, func(a, b *posdesk.Transaction) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	want := func(f posdesk.TransactionFilter) []int64 {
		var out []int64
		q := strings.ToLower(f.Query)
		for _, tx := range all {
			if tx.Voided() && !f.IncludeVoided {
				continue
			}
			if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, tx.Status) {
				continue
			}
			if f.Terminal != "" && tx.Terminal != f.Terminal {
				continue
			}
			if q != "" && tx.RRN != f.Query && tx.Trace != f.Query && !strings.Contains(strings.ToLower(tx.Note), q) {
				continue
			}
			out = append(out, tx.ID)
		}
		return out
	}
	for _, f := range []posdesk.TransactionFilter{
		{Query: "退货"},            // short: walks the notes
		{Query: "退"},             // one character
		{Query: "顾客称已扣款"},        // common: more trigram matches than noteTrigramsMax
		{Query: "ABC123XYZ"},     // rare note text and an RRN
		{Query: "customer SAYS"}, // case
		{Query: "000277"},        // a trace number
		{Query: "260900000042"},  // an RRN
		{Query: "扣款", Statuses: []posdesk.TxStatus{posdesk.StatusFailed}, Terminal: "61000001"},
		{Query: "ABC123XYZ", IncludeVoided: true},
		{Query: "顾客退货", IncludeVoided: true},
		{Query: "no such text"},
	} {
		for _, limit := range []int{3, 37, 1000} {
			var got []int64
			f.Limit, f.After = limit, nil
			for pages := 0; ; pages++ {
				page, next, err := db.FindTransactions(context.Background(), f)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > limit {
					t.Fatalf("%q: page of %d with limit %d", f.Query, len(page), limit)
				}
				for _, p := range page {
					got = append(got, p.ID)
				}
				if next == nil || pages > 2000 {
					break
				}
				f.After = next
			}
			if w := want(f); fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("%q (status %v, terminal %q, voided %v) limit %d:\n got %d %v\nwant %d %v",
					f.Query, f.Statuses, f.Terminal, f.IncludeVoided, limit, len(got), head(got), len(w), head(w))
			}
		}
		// Totals count the same records.
		totals, err := db.SumTransactions(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, tt := range totals {
			n += tt.Count
		}
		if w := int64(len(want(f))); n != w {
			t.Errorf("%q: totals count %d, want %d", f.Query, n, w)
		}
	}
}

func head(ids []int64) []int64 { return ids[:min(len(ids), 8)] }
