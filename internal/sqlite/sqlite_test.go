package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// MustOpenDB opens a fresh database in a temp dir, closed when the test ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "posdesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 9, 20, 10, 0, 0, 0, time.UTC) }
	tb.Cleanup(func() { db.Close() })
	return db
}

// Owner returns a context acting as the shop owner.
func Owner() context.Context {
	return posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 1, Name: "owner", Role: posdesk.RoleOwner})
}

func TestPragmasOnEveryConnection(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ { // hold several pooled read connections at once
		conn, err := db.Reader().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var fk, busy, syncMode int
		var mode string
		conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncMode)
		conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		if fk != 1 || busy != 5000 || syncMode != 2 || mode != "wal" {
			t.Errorf("conn %d: foreign_keys=%d busy_timeout=%d synchronous=%d journal_mode=%s", i, fk, busy, syncMode, mode)
		}
	}
}

func TestTransactionCreateFindSearch(t *testing.T) {
	db := MustOpenDB(t)
	ctx := Owner()
	base := time.Date(2026, 9, 14, 8, 30, 0, 0, time.UTC)
	txs := []*posdesk.Transaction{
		{Time: base, Amount: posdesk.CNY("124.00"), Terminal: "61000042", Trace: "000501", RRN: "260914000501", Card: "6228480012345678901", Note: "顾客说手机扣款了"},
		{Time: base.Add(time.Minute), Amount: posdesk.CNY("63.80"), Terminal: "61000042", Trace: "000502", RRN: "260914000502", Status: posdesk.StatusFailed},
		{Time: base.Add(2 * time.Minute), Amount: posdesk.CNY("1288.00"), Terminal: "61000043", Trace: "000001", Note: "big order"},
	}
	for _, tx := range txs {
		if err := db.CreateTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindTransactionByID(ctx, txs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Card != "622848*********8901" || got.Amount.Plain() != "124.00" {
		t.Errorf("got card %q amount %s", got.Card, got.Amount.Plain())
	}
	for _, tc := range []struct {
		name string
		f    posdesk.TransactionFilter
		want int
	}{
		{"all", posdesk.TransactionFilter{}, 3},
		{"failed", posdesk.TransactionFilter{Statuses: []posdesk.TxStatus{posdesk.StatusFailed}}, 1},
		{"terminal", posdesk.TransactionFilter{Terminal: "61000042"}, 2},
		{"rrn", posdesk.TransactionFilter{Query: "260914000502"}, 1},
		{"last4", posdesk.TransactionFilter{Query: "8901"}, 1},
		{"note zh", posdesk.TransactionFilter{Query: "手机扣款"}, 1},
		{"note short", posdesk.TransactionFilter{Query: "顾客"}, 1},
		{"min amount", posdesk.TransactionFilter{MinAmount: ptr(posdesk.CNY("100"))}, 2},
	} {
		page, _, err := db.FindTransactions(ctx, tc.f)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		if len(page) != tc.want {
			t.Errorf("%s: got %d rows, want %d", tc.name, len(page), tc.want)
		}
	}
	// keyset pagination visits every row once
	var seen []int64
	f := posdesk.TransactionFilter{Limit: 2}
	for {
		page, next, err := db.FindTransactions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			seen = append(seen, p.ID)
		}
		if next == nil {
			break
		}
		f.After = next
	}
	if len(seen) != 3 || seen[0] != txs[2].ID {
		t.Errorf("pages visited %v", seen)
	}
	if err := db.VoidTransaction(ctx, txs[1].ID, "entered twice"); err != nil {
		t.Fatal(err)
	}
	totals, err := db.SumTransactions(ctx, posdesk.TransactionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 1 || totals[0].Count != 2 || totals[0].Amount.Plain() != "1412.00" {
		t.Errorf("totals %+v", totals)
	}
}

func ptr[T any](v T) *T { return &v }
