package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// bulkCardNumber returns a Luhn-valid 16-digit number starting with prefix, made up in the test.
func bulkCardNumber(prefix string) string {
	body := prefix + strings.Repeat("0", 15-len(prefix))
	for d := '0'; d <= '9'; d++ {
		if s := body + string(d); posdesk.Luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

// Cashier returns a context acting as a cashier.
func Cashier() context.Context {
	return posdesk.NewContextWithUser(context.Background(), &posdesk.User{ID: 2, Name: "cashier", Role: posdesk.RoleCashier})
}

type auditRow struct {
	action, entity string
	entityID       int64
	new            string
}

func auditRows(tb testing.TB, db *sqlite.DB) []auditRow {
	tb.Helper()
	rows, err := db.Reader().Query(`SELECT action, entity, entity_id, new FROM audit_log ORDER BY seq`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var a auditRow
		if err := rows.Scan(&a.action, &a.entity, &a.entityID, &a.new); err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func count(tb testing.TB, db *sqlite.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.Reader().QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestCreateTransactionsMasksAndAuditsOnce(t *testing.T) {
	db := MustOpenDB(t)
	full := bulkCardNumber("622848")
	base := time.Date(2026, 9, 14, 8, 30, 0, 0, time.UTC)
	ts := []*posdesk.Transaction{
		{Time: base, Amount: posdesk.CNY("39.50"), Card: full, Note: "顾客卡号 " + full + " 刷了两次"},
		{Time: base.Add(time.Minute), Amount: posdesk.CNY("128.00"), Terminal: "61000042", Status: posdesk.StatusFailed},
		{Time: base.Add(2 * time.Minute), Amount: posdesk.CNY("1288"), Note: "big order"},
	}
	if err := db.CreateTransactions(Owner(), ts); err != nil {
		t.Fatal(err)
	}
	for i, tx := range ts {
		if tx.ID != int64(i+1) {
			t.Errorf("record %d got ID %d", i, tx.ID)
		}
	}
	got, err := db.FindTransactionByID(context.Background(), ts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := full[:6] + "******" + full[12:]
	if got.Card != want || got.Note != "顾客卡号 "+want+" 刷了两次" || got.CreatedBy != "owner" || got.Source != posdesk.SourceManual {
		t.Errorf("stored card %q note %q by %q source %q", got.Card, got.Note, got.CreatedBy, got.Source)
	}
	audit := auditRows(t, db)
	if len(audit) != 1 {
		t.Fatalf("%d audit entries, want 1: %+v", len(audit), audit)
	}
	if a := audit[0]; a.action != "transaction.create_batch" || a.entityID != 1 ||
		!strings.Contains(a.new, `"count":3`) || !strings.Contains(a.new, `"first_id":1`) || !strings.Contains(a.new, `"last_id":3`) {
		t.Errorf("audit entry %+v", a)
	}
	// Bulk records are found like any other: note search, filters.
	page, _, err := db.FindTransactions(context.Background(), posdesk.TransactionFilter{Query: "刷了两次"})
	if err != nil || len(page) != 1 || page[0].ID != 1 {
		t.Errorf("note search: %v %v", page, err)
	}
	if n := count(t, db, `SELECT count(*) FROM transactions WHERE note LIKE ? OR card LIKE ?`, "%"+full+"%", "%"+full+"%"); n != 0 {
		t.Errorf("%d rows hold the full card number", n)
	}
}

func TestCreateTransactionsRefusesAll(t *testing.T) {
	base := time.Date(2026, 9, 14, 8, 30, 0, 0, time.UTC)
	good := func() *posdesk.Transaction { return &posdesk.Transaction{Time: base, Amount: posdesk.CNY("10")} }
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		ts    func() []*posdesk.Transaction
		code  string
		field string
		text  string
	}{
		{"invalid record", Owner(), func() []*posdesk.Transaction {
			bad := good()
			bad.Terminal = "TOO-LONG-ID"
			return []*posdesk.Transaction{good(), good(), bad}
		}, posdesk.EINVALID, "", "Record 3 of the batch"},
		{"mixed sources", Owner(), func() []*posdesk.Transaction {
			d := good()
			d.Source = posdesk.SourceDemo
			return []*posdesk.Transaction{good(), d}
		}, posdesk.EINVALID, "", "Record 2 of the batch"},
		{"missing original", Owner(), func() []*posdesk.Transaction {
			r := good()
			r.Kind, r.OriginalID = posdesk.KindRefund, 1
			return []*posdesk.Transaction{r}
		}, posdesk.EINVALID, "", "Record 1 of the batch"},
		{"original not stored", Owner(), func() []*posdesk.Transaction {
			r := good()
			r.Kind, r.ID, r.OriginalID = posdesk.KindRefund, 50, 40
			return []*posdesk.Transaction{good(), r}
		}, posdesk.EINVALID, "original", "does not exist"},
		{"IDs going back", Owner(), func() []*posdesk.Transaction {
			a, b := good(), good()
			a.ID, b.ID = 10, 5
			return []*posdesk.Transaction{a, b}
		}, posdesk.EINVALID, "", "Record 2 of the batch"},
		{"cashier adds demo data", Cashier(), func() []*posdesk.Transaction {
			d := good()
			d.Source = posdesk.SourceDemo
			return []*posdesk.Transaction{d}
		}, posdesk.EFORBIDDEN, "", "may not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := MustOpenDB(t)
			err := db.CreateTransactions(tc.ctx, tc.ts())
			if err == nil {
				t.Fatal("accepted")
			}
			if code := posdesk.ErrorCode(err); code != tc.code {
				t.Errorf("code %q, want %q: %v", code, tc.code, err)
			}
			if field := posdesk.ErrorField(err); tc.field != "" && field != tc.field {
				t.Errorf("field %q, want %q: %v", field, tc.field, err)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q does not say %q", err, tc.text)
			}
			if n := count(t, db, `SELECT count(*) FROM transactions`); n != 0 {
				t.Errorf("%d records stored", n)
			}
			for _, a := range auditRows(t, db) {
				if a.action != "denied" {
					t.Errorf("audit entry %+v after a refused batch", a)
				}
			}
		})
	}
}

func TestCreateTransactionsFromLinksWithinBatch(t *testing.T) {
	db := MustOpenDB(t)
	// Something is already in the ledger: the generator must number after it.
	if err := db.CreateTransaction(Owner(), &posdesk.Transaction{Time: time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC), Amount: posdesk.CNY("5")}); err != nil {
		t.Fatal(err)
	}
	res, err := db.CreateTransactionsFrom(Owner(), posdesk.SourceDemo, func(first int64) iter.Seq[*posdesk.Transaction] {
		return demo.NewShop(demo.Config{Seed: 3, Transactions: 2000, End: benchEnd, FirstID: first}).Transactions()
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != 2000 || res.FirstID != 2 || res.LastID != 2001 {
		t.Errorf("result %+v", res)
	}
	if n := count(t, db, `SELECT count(*) FROM transactions t JOIN transactions o ON o.id = t.original_id WHERE t.source = 'demo' AND o.source = 'demo' AND o.id < t.id`); n == 0 {
		t.Error("no follow-up is linked to its sale")
	}
	if n := count(t, db, `SELECT count(*) FROM transactions WHERE original_id IS NOT NULL AND original_id NOT IN (SELECT id FROM transactions)`); n != 0 {
		t.Errorf("%d dangling links", n)
	}
	// An empty batch stores nothing and audits nothing.
	before := len(auditRows(t, db))
	res, err = db.CreateTransactionsFrom(Owner(), posdesk.SourceDemo, func(int64) iter.Seq[*posdesk.Transaction] {
		return func(func(*posdesk.Transaction) bool) {}
	})
	if err != nil || res.Count != 0 || len(auditRows(t, db)) != before {
		t.Errorf("empty batch: %+v %v", res, err)
	}
}

// TestCreateTransactionsLargeBatchKeepsIndexes checks the fast path of large batches, which sets
// the indexes aside and rebuilds them: afterwards every index is back as it was, searches and
// the note index agree with the rows, and the database is sound.
func TestCreateTransactionsLargeBatchKeepsIndexes(t *testing.T) {
	defer sqlite.SetBulkDropAfter(1000)()
	db := MustOpenDB(t)
	schema := func() string {
		var b strings.Builder
		rows, err := db.Reader().Query(`SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'transactions' ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var sql *string
			rows.Scan(&name, &sql)
			if sql != nil {
				fmt.Fprintf(&b, "%s: %s\n", name, *sql)
			}
		}
		return b.String()
	}
	before := schema()
	rebuilds := sqlite.BulkRebuilds()
	full := bulkCardNumber("435688")
	n := 3000
	res, err := db.CreateTransactionsFrom(Owner(), posdesk.SourceDemo, func(first int64) iter.Seq[*posdesk.Transaction] {
		return func(yield func(*posdesk.Transaction) bool) {
			i := 0
			for t := range demo.NewShop(demo.Config{Seed: 5, Transactions: n, End: benchEnd, FirstID: first}).Transactions() {
				i++
				if i%100 == 0 {
					t.Note = fmt.Sprintf("退货单 %d card %s", i, full)
				}
				if !yield(t) {
					return
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != n {
		t.Fatalf("stored %d", res.Count)
	}
	if sqlite.BulkRebuilds() != rebuilds+1 {
		t.Fatal("the batch did not take the index rebuild path")
	}
	if after := schema(); after != before {
		t.Errorf("schema changed:\n%s\nwant\n%s", after, before)
	}
	problems, err := db.Check(context.Background())
	if err != nil || len(problems) != 0 {
		t.Errorf("check: %v %v", problems, err)
	}
	if _, err := db.Writer().Exec(`INSERT INTO transactions_note_fts (transactions_note_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("note index: %v", err)
	}
	page, _, err := db.FindTransactions(context.Background(), posdesk.TransactionFilter{Query: "退货单", Limit: 100})
	if err != nil || len(page) != n/100 {
		t.Errorf("note search found %d, want %d (%v)", len(page), n/100, err)
	}
	if n := count(t, db, `SELECT count(*) FROM transactions WHERE note LIKE ?`, "%"+full+"%"); n != 0 {
		t.Errorf("%d notes hold the full card number", n)
	}
	// The indexes are used again: an RRN search reads a handful of rows.
	var rrn string
	db.Reader().QueryRow(`SELECT rrn FROM transactions WHERE rrn <> '' LIMIT 1 OFFSET 1234`).Scan(&rrn)
	page, _, err = db.FindTransactions(context.Background(), posdesk.TransactionFilter{Query: rrn})
	if err != nil || len(page) != 1 {
		t.Errorf("rrn %s: %d rows, %v", rrn, len(page), err)
	}
	// A second, smaller batch on top goes through the indexes row by row and stays consistent.
	if err := db.CreateTransactions(Owner(), []*posdesk.Transaction{{Time: benchEnd, Amount: posdesk.CNY("1"), Note: "退货单 last", Source: posdesk.SourceDemo}}); err != nil {
		t.Fatal(err)
	}
	page, _, err = db.FindTransactions(context.Background(), posdesk.TransactionFilter{Query: "退货单", Limit: 100})
	if err != nil || len(page) != n/100+1 {
		t.Errorf("note search found %d, want %d (%v)", len(page), n/100+1, err)
	}
}

func TestCreateTransactionsFromCancelled(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(Owner())
	_, err := db.CreateTransactionsFrom(ctx, posdesk.SourceDemo, func(first int64) iter.Seq[*posdesk.Transaction] {
		return func(yield func(*posdesk.Transaction) bool) {
			for t := range demo.NewShop(demo.Config{Seed: 1, Transactions: 5000, End: benchEnd, FirstID: first}).Transactions() {
				if t.ID == first+3000 {
					cancel()
				}
				if !yield(t) {
					return
				}
			}
		}
	})
	if err == nil {
		t.Fatal("a cancelled batch was stored")
	}
	if n := count(t, db, `SELECT count(*) FROM transactions`); n != 0 {
		t.Errorf("%d records stored", n)
	}
	var pe *posdesk.Error
	if !errors.As(err, &pe) {
		t.Errorf("error %v is not a posdesk error", err)
	}
}
