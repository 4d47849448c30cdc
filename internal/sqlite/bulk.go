package sqlite

import (
	"context"
	"errors"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// BulkResult says what a bulk insert stored.
type BulkResult struct {
	Count   int
	FirstID int64 // 0 when nothing was stored
	LastID  int64
}

// sourceAction is the permission a bulk insert of records from src needs.
func sourceAction(src posdesk.Source) (posdesk.Action, bool) {
	switch src {
	case posdesk.SourceDemo:
		return posdesk.ActDemo, true
	case posdesk.SourceImport:
		return posdesk.ActImport, true
	case posdesk.SourceManual:
		return posdesk.ActCreateTransaction, true
	}
	return "", false
}

// CreateTransactions masks, validates and stores ts in one write transaction with one audit
// entry for the whole batch, setting each record's ID (records that already have one keep it;
// IDs must increase along ts and be unused). All records must come from one source (manual,
// import or demo, manual when unset); the permission needed follows from it. If any record is
// refused, nothing is stored.
func (db *DB) CreateTransactions(ctx context.Context, ts []*posdesk.Transaction) error {
	src := posdesk.SourceManual
	if len(ts) > 0 && ts[0].Source != "" {
		src = ts[0].Source
	}
	_, err := db.CreateTransactionsFrom(ctx, src, func(int64) iter.Seq[*posdesk.Transaction] { return slices.Values(ts) })
	return err
}

// bulkColumns are the columns a bulk insert fills, in the order bulkArgs gives them.
var bulkColumns = []string{"id", "time", "amount_minor", "currency", "kind", "channel", "status", "merchant", "terminal",
	"batch", "trace", "rrn", "auth_code", "scheme", "card", "card_last4", "note", "original_id", "source",
	"import_batch_id", "created_at", "created_by", "updated_at"}

func bulkArgs(args []any, t *posdesk.Transaction) []any {
	return append(args, t.ID, t.Time.Unix(), t.Amount.Minor(), t.Amount.Currency, string(t.Kind), string(t.Channel),
		string(t.Status), t.Merchant, t.Terminal, t.Batch, t.Trace, t.RRN, t.AuthCode, t.Scheme, t.Card,
		posdesk.CardLast4(t.Card), t.Note, nullID(t.OriginalID), string(t.Source), nullID(t.ImportBatchID),
		unix(t.CreatedAt), t.CreatedBy, unix(t.UpdatedAt))
}

// bulkRows is how many records the preparing goroutine hands to the writer at a time, and at
// most how many one INSERT of a POS import carries (bulkInsertSQL).
const bulkRows = 64

func bulkInsertSQL(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(bulkColumns)), ",") + ")"
	return "INSERT INTO transactions (" + strings.Join(bulkColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// CreateTransactionsFrom stores the records gen yields, all from source src, in one write
// transaction with one audit entry for the batch (its count and ID range). gen is called inside
// the transaction with the first free ID, so a generator can number its records from there and
// link a follow-up to a record of the same batch (OriginalID) before either is stored. Records
// with ID 0 get the next free ID; set IDs must increase and be unused.
//
// Every record is masked and validated (Normalize, Validate) before it is written. Records are
// prepared on one goroutine while another writes them through a feed (one INSERT … SELECT per
// segment), so a million demo records take seconds. If any record is refused or ctx is cancelled, nothing is stored.
func (db *DB) CreateTransactionsFrom(ctx context.Context, src posdesk.Source, gen func(firstID int64) iter.Seq[*posdesk.Transaction]) (BulkResult, error) {
	action, ok := sourceAction(src)
	if !ok {
		return BulkResult{}, posdesk.Invalid("source", "Records must come from one of: manual, import, demo (not %q).", string(src))
	}
	if err := db.authorize(ctx, action, "transaction", 0); err != nil {
		return BulkResult{}, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return BulkResult{}, err
	}
	var cacheSize int64
	defer func() {
		tx.Rollback()
		if cacheSize != 0 {
			db.write.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.FormatInt(cacheSize, 10))
		}
	}()
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM transactions`).Scan(&maxID); err != nil {
		return BulkResult{}, dbError(err)
	}
	// A bigger page cache (64 MiB) keeps the indexes' hot pages in memory while they grow; the
	// connection gets its own size back afterwards.
	var size int64
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil {
		return BulkResult{}, dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return BulkResult{}, dbError(err)
	}
	cacheSize = size

	res := BulkResult{FirstID: maxID + 1}
	chunks, pool := make(chan feedChunk, 4), newChunkPool(8, bulkRows, len(bulkColumns))
	defer pool.close() // after the preparing goroutine has stopped (the next deferred call waits for it)
	stop := make(chan struct{})
	var prepErr error // set by the preparing goroutine before it closes chunks
	go func() {
		defer close(chunks)
		prepErr = prepareBulk(tx, src, gen(maxID+1), maxID+1, chunks, pool, stop)
	}()
	defer func() {
		close(stop)
		for range chunks {
		}
	}()
	f, err := tx.openFeed(bulkColumns, chunks, pool)
	if err != nil {
		return BulkResult{}, dbError(err)
	}
	defer f.close(tx)
	insert := `INSERT INTO transactions (` + f.columns() + `) SELECT ` + f.columns() + ` FROM ` + f.table
	var dropped []string // CREATE INDEX statements of the indexes set aside
	for segment := bulkDropAfter; !f.exhausted(); {
		f.limit = segment
		r, err := tx.ExecContext(ctx, insert)
		if err != nil {
			if f.err != nil {
				return BulkResult{}, dbError(f.err)
			}
			return BulkResult{}, bulkWriteError(err)
		}
		n, _ := r.RowsAffected()
		res.Count += int(n)
		if dropped == nil && res.Count >= bulkDropAfter && int64(res.Count) >= maxID {
			// A large batch: building the indexes once at the end, by sorting, is much faster
			// than growing them row by row. Other connections keep seeing the old snapshot,
			// indexes and all, until the commit.
			bulkRebuilds.Add(1)
			if dropped, err = dropTableIndexes(tx, "transactions"); err != nil {
				return BulkResult{}, dbError(err)
			}
			segment = math.MaxInt
		}
	}
	if f.err != nil {
		return BulkResult{}, dbError(f.err)
	}
	if prepErr != nil {
		return BulkResult{}, prepErr
	}
	if res.Count == 0 {
		return BulkResult{}, nil
	}
	if err := rebuildIndexes(tx, dropped); err != nil {
		return BulkResult{}, err
	}
	// The records' IDs increase from FirstID: the last one stored is the highest.
	if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM transactions`).Scan(&res.LastID); err != nil {
		return BulkResult{}, dbError(err)
	}
	if err := tx.audit("transaction.create_batch", "transaction", res.FirstID, nil, map[string]any{
		"count": res.Count, "first_id": res.FirstID, "last_id": res.LastID, "source": src,
	}); err != nil {
		return BulkResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return BulkResult{}, dbError(err)
	}
	return res, nil
}

// bulkDropAfter is the number of rows after which a bulk insert that at least doubles the
// ledger sets its indexes aside and rebuilds them at the end. Tests lower it.
var bulkDropAfter = 20000

// bulkRebuilds counts the bulk inserts that set their indexes aside, for tests.
var bulkRebuilds atomic.Int64

// prepareBulk masks, validates and numbers the records of seq and sends them to the writer in
// chunks of bulkRows, reusing the chunks pool hands back. It stops early, returning nil, when
// stop is closed.
func prepareBulk(tx *Tx, src posdesk.Source, seq iter.Seq[*posdesk.Transaction], next int64, chunks chan<- feedChunk, pool *chunkPool, stop <-chan struct{}) error {
	actor := posdesk.ActorName(tx.ctx)
	c := pool.get()
	var args []any
	send := func() bool {
		select {
		case chunks <- c:
			c = pool.get()
			return true
		case <-stop:
			return false
		}
	}
	i := 0
	for t := range seq {
		i++
		if t.Source == "" {
			t.Source = src
		}
		if t.Source != src {
			return recordError(i, posdesk.Invalid("source", "Records must come from one of: manual, import, demo (not %q).", string(t.Source)))
		}
		t.Normalize()
		if err := t.Validate(); err != nil {
			return recordError(i, err)
		}
		switch {
		case t.ID == 0:
			t.ID = next
		case t.ID < next:
			return recordError(i, posdesk.Invalid("id", "Record number %d is already taken.", t.ID))
		}
		next = t.ID + 1
		if t.OriginalID >= t.ID {
			return recordError(i, posdesk.Invalid("original", "The original transaction %d does not exist.", t.OriginalID))
		}
		t.CreatedAt, t.UpdatedAt = tx.now, tx.now
		if t.CreatedBy == "" {
			t.CreatedBy = actor
		}
		args = bulkArgs(args[:0], t)
		for _, v := range args {
			if err := c.value(v); err != nil {
				return err
			}
		}
		c.rows++
		if c.rows == bulkRows && !send() {
			return nil
		}
	}
	if c.rows > 0 {
		send()
	}
	return nil
}

// recordError says which record of a batch was refused, followed by its problems.
func recordError(i int, err error) error {
	es := posdesk.Errors{posdesk.Errorf(posdesk.EINVALID, "Record %d of the batch was refused; nothing was saved.", i)}
	var ves posdesk.Errors
	var ve *posdesk.Error
	switch {
	case errors.As(err, &ves):
		es = append(es, ves...)
	case errors.As(err, &ve):
		es = append(es, ve)
	}
	return es
}

// bulkWriteError explains a failed bulk statement; a foreign-key failure means a record named
// an original transaction that does not exist.
func bulkWriteError(err error) error {
	if strings.Contains(err.Error(), "FOREIGN KEY") {
		return &posdesk.Error{Code: posdesk.EINVALID, Field: "original", Format: "A record of the batch refers to an original transaction that does not exist; nothing was saved.", Err: err}
	}
	return dbError(err)
}

// CountTransactionsNotFrom returns how many ledger records, voided or not, come from a source
// other than src: posdesk demo asks before mixing demo records with a shop's real ones.
func (db *DB) CountTransactionsNotFrom(ctx context.Context, src posdesk.Source) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM transactions WHERE source <> ?`, string(src)).Scan(&n); err != nil {
		return 0, dbError(err)
	}
	return n, nil
}
