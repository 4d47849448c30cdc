package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the import service.
var _ posdesk.ImportService = (*DB)(nil)

// maxStoredRowErrors caps the refused rows kept with a batch; the count is always exact.
const maxStoredRowErrors = 1000

// importRows is how many rows the producer of an import hands to the writer at a time.
const importRows = 256

// rowErrorJSON is how a refused row is kept in import_batches.errors.
type rowErrorJSON struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code,omitempty"`
	Format string `json:"format"`
	Args   []any  `json:"args,omitempty"`
}

func encodeRowErrors(es []posdesk.RowError) string {
	out := make([]rowErrorJSON, 0, len(es))
	for _, e := range es {
		j := rowErrorJSON{Line: e.Line, Field: e.Field}
		if e.Err != nil {
			j.Code, j.Format = e.Err.Code, e.Err.Format
			for _, a := range e.Err.Args {
				if s, ok := a.(string); ok {
					a = posdesk.MaskText(s)
				}
				j.Args = append(j.Args, a)
			}
		}
		out = append(out, j)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func decodeRowErrors(s string) []posdesk.RowError {
	var in []rowErrorJSON
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber() // message arguments are line numbers and counts: keep them integers for %d
	if dec.Decode(&in) != nil {
		return nil
	}
	out := make([]posdesk.RowError, 0, len(in))
	for _, j := range in {
		args := make([]any, len(j.Args))
		for i, a := range j.Args {
			if n, ok := a.(json.Number); ok {
				if v, err := n.Int64(); err == nil {
					a = v
				} else {
					a = n.String()
				}
			}
			args[i] = a
		}
		out = append(out, posdesk.RowError{Line: j.Line, Field: j.Field, Err: &posdesk.Error{Code: j.Code, Field: j.Field, Format: j.Format, Args: args}})
	}
	return out
}

// startImport checks the permission and the batch, begins the write transaction and stores the
// batch row.
func (db *DB) startImport(ctx context.Context, batch *posdesk.ImportBatch, kind posdesk.ImportKind) (*Tx, error) {
	if err := db.authorize(ctx, posdesk.ActImport, "import_batch", 0); err != nil {
		return nil, err
	}
	batch.Kind = kind
	batch.FileName = posdesk.MaskText(strings.TrimSpace(batch.FileName))
	batch.FileSHA256 = strings.ToLower(strings.TrimSpace(batch.FileSHA256))
	if err := batch.ValidateStart(); err != nil {
		return nil, err
	}
	// Every row a settlement or bank import writes references the batch created below, in the
	// same transaction: checking that foreign key for each of them only costs time. A POS
	// import's ledger records can reference earlier records, so it keeps the checks.
	begin := db.begin
	if kind != posdesk.ImportPOS {
		begin = db.beginUnchecked
	}
	tx, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	batch.ImportedAt, batch.ImportedBy = tx.now, posdesk.ActorName(ctx)
	batch.New, batch.Duplicate, batch.Refused, batch.Errors = 0, 0, 0, nil
	res, err := tx.ExecContext(ctx, `INSERT INTO import_batches (kind, file_name, file_sha256, profile, imported_at, imported_by)
		VALUES (?, ?, ?, ?, ?, ?)`, string(kind), batch.FileName, batch.FileSHA256, batch.Profile, unix(tx.now), batch.ImportedBy)
	if err != nil {
		tx.Rollback()
		return nil, dbError(err)
	}
	if batch.ID, err = res.LastInsertId(); err != nil {
		tx.Rollback()
		return nil, dbError(err)
	}
	return tx, nil
}

// finishImport stores the batch's counts, writes the audit entry and commits. The batch's rows
// in table are those with ids above after, the highest id before the batch.
func finishImport(tx *Tx, batch *posdesk.ImportBatch, table string, after int64, extra map[string]any) error {
	var first, last int64
	if table != "" && batch.New > 0 {
		col := "id"
		if table == "pos_import_rows" {
			col = "transaction_id"
		}
		// The batch's rows were written last, in one go: they hold the highest ids. Two
		// single min/max queries are index seeks; one query with both reads the whole range.
		if err := tx.QueryRowContext(tx.ctx, `SELECT (SELECT min(`+col+`) FROM `+table+` WHERE `+col+` > ?), (SELECT max(`+col+`) FROM `+table+`)`, after).Scan(&first, &last); err != nil {
			return dbError(err)
		}
	}
	// The file's checksum may have been set while its lines were read (importer.WithBatch).
	batch.FileSHA256 = strings.ToLower(strings.TrimSpace(batch.FileSHA256))
	if err := batch.Validate(); err != nil {
		return err
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE import_batches SET file_sha256 = ?, new_rows = ?, duplicate_rows = ?, skipped_rows = ?, refused_rows = ?,
		errors = ?, first_row_id = ?, last_row_id = ? WHERE id = ?`, batch.FileSHA256, batch.New, batch.Duplicate, batch.Skipped, batch.Refused,
		encodeRowErrors(batch.Errors), first, last, batch.ID)
	if err != nil {
		return dbError(err)
	}
	entry := map[string]any{"kind": batch.Kind, "file": batch.FileName, "sha256": batch.FileSHA256, "profile": batch.Profile,
		"new": batch.New, "duplicate": batch.Duplicate, "skipped": batch.Skipped, "refused": batch.Refused}
	for k, v := range extra {
		entry[k] = v
	}
	if err := tx.audit("import.create", "import_batch", batch.ID, nil, entry); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// noteRowError counts a refused row on batch, keeping the first ones.
func noteRowError(batch *posdesk.ImportBatch, err error) bool {
	var re posdesk.RowError
	if !errors.As(err, &re) {
		return false
	}
	batch.Refused++
	if len(batch.Errors) < maxStoredRowErrors {
		batch.Errors = append(batch.Errors, re)
	}
	return true
}

// appendFingerprint appends a row's fingerprint to c as a 32-byte blob.
func appendFingerprint(c *feedChunk, fp posdesk.Fingerprint, line int) error {
	if err := checkFingerprint(fp, line); err != nil {
		return err
	}
	copy(c.blob(len(fp)), fp[:])
	return nil
}

// checkFingerprint refuses a row the importer did not fingerprint.
func checkFingerprint(fp posdesk.Fingerprint, line int) error {
	if fp.IsZero() {
		return posdesk.RowError{Line: line, Field: "fingerprint", Err: posdesk.Invalid("fingerprint", "Line %d has no row fingerprint; read the file with the importer.", line)}
	}
	return nil
}

// scanFingerprint reads a fingerprint column into dst.
type scanFingerprint struct{ dst *posdesk.Fingerprint }

func (s scanFingerprint) Scan(v any) error {
	b, ok := v.([]byte)
	if !ok || len(b) != len(s.dst) {
		return fmt.Errorf("fingerprint: %T of %d bytes", v, len(b))
	}
	copy(s.dst[:], b)
	return nil
}

// dateCache formats the few distinct dates of a file once.
type dateCache map[posdesk.Date]string

func (c dateCache) get(d posdesk.Date) string {
	s, ok := c[d]
	if !ok {
		s = d.String()
		c[d] = s
	}
	return s
}

// bulkTable describes a statement table for the bulk import path.
type bulkTable struct {
	name    string
	columns []string // after batch_id and currency, which every row shares
}

var settlementTable = bulkTable{name: "settlement_lines", columns: []string{"fingerprint", "merchant", "terminal", "batch", "trace", "rrn",
	"auth_code", "card", "card_type", "issuer", "kind", "amount_minor", "fee_minor", "net_minor", "time", "settle_date", "line"}}

var bankTable = bulkTable{name: "bank_lines", columns: []string{"fingerprint", "date", "description", "counterparty", "credit_minor",
	"debit_minor", "balance_minor", "line"}}

// insertSQL returns the statement that stores the rows of feed f in table t as rows of batch
// batchID in currency. The batch ID (a number posdesk made) and the currency (a known ISO 4217
// code) are written into the statement. "WHERE true" keeps SQLite from reading ON CONFLICT as
// part of a join.
func (t bulkTable) insertSQL(f *feed, batchID int64, currency string) string {
	return "INSERT INTO " + t.name + " (batch_id, currency, " + strings.Join(t.columns, ", ") + ") SELECT " +
		strconv.FormatInt(batchID, 10) + ", '" + currency + "', " + f.columns() + " FROM " + f.table + " WHERE true ON CONFLICT DO NOTHING"
}

// bulkDropIndexesAfter is the number of rows after which an import at least as large as its table
// sets the table's indexes aside and builds them again at the end, by sorting: much faster than
// growing them row by row. Duplicates of earlier imports are then removed in one statement.
const bulkDropIndexesAfter = 20000

// bulkImport writes the rows produce sends into table t inside tx, through a feed (one INSERT …
// SELECT per segment), with the producer (reading and parsing the file) on its own goroutine.
// produce must stop and return when stop is closed. It returns how many rows were stored and
// how many were duplicates, and the table's highest id before them.
func bulkImport(tx *Tx, t bulkTable, batchID int64, produce func(chunks chan<- feedChunk, pool *chunkPool, stop <-chan struct{}) error) (stored, dups int, existing int64, err error) {
	ctx := tx.ctx
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+t.name).Scan(&existing); err != nil {
		return 0, 0, 0, dbError(err)
	}
	// A bigger page cache (64 MiB) keeps the index's hot pages in memory while it grows and
	// while it is rebuilt; the connection gets its own size back afterwards (on the
	// transaction's connection: the writer pool has only that one).
	var cacheSize int64
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return 0, 0, 0, dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return 0, 0, 0, dbError(err)
	}
	defer tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.FormatInt(cacheSize, 10))
	chunks, pool := make(chan feedChunk, 8), newChunkPool(16, importRows, len(t.columns))
	defer pool.close() // after the producer has stopped (the next deferred call waits for it)
	stop := make(chan struct{})
	var prodErr error
	go func() {
		defer close(chunks)
		prodErr = produce(chunks, pool, stop)
	}()
	defer func() {
		close(stop)
		for range chunks {
		}
	}()
	f, err := tx.openFeed(t.columns, chunks, pool)
	if err != nil {
		return 0, 0, 0, dbError(err)
	}
	defer f.close(tx)
	if f.exhausted() {
		if f.err != nil {
			return 0, 0, 0, dbError(f.err)
		}
		return 0, 0, 0, prodErr
	}
	currency := f.cur.currency
	if _, ok := posdesk.MinorUnits(currency); !ok {
		return 0, 0, 0, posdesk.Invalid("currency", "Currency %q is not a known ISO 4217 code (for example CNY, HKD, USD).", currency)
	}
	insert := t.insertSQL(f, batchID, currency)
	var dropped []string
	var lastBeforeDrop int64
	for segment := bulkDropIndexesAfter; !f.exhausted(); {
		f.limit = segment // produceRows refuses a file that mixes currencies
		res, err := tx.ExecContext(ctx, insert)
		if err != nil {
			if f.err != nil {
				err = f.err
			}
			return 0, 0, 0, dbError(err)
		}
		n, _ := res.RowsAffected()
		stored += int(n)
		if dropped == nil && f.taken >= bulkDropIndexesAfter && int64(f.taken) >= existing {
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+t.name).Scan(&lastBeforeDrop); err != nil {
				return 0, 0, 0, dbError(err)
			}
			if dropped, err = dropTableIndexes(tx, t.name); err != nil {
				return 0, 0, 0, dbError(err)
			}
			segment = math.MaxInt
		}
	}
	if f.err != nil {
		return 0, 0, 0, dbError(f.err)
	}
	if prodErr != nil {
		return 0, 0, 0, prodErr
	}
	dups = f.taken - stored
	if dropped != nil {
		// The rows stored since the indexes were set aside were not checked against earlier
		// imports: the ones already there (in batches not undone) are duplicates. They were
		// never committed, so removing them here deletes nothing anyone saw.
		var earlier bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.name+` WHERE id <= ? AND active = 1)`, existing).Scan(&earlier); err != nil {
			return 0, 0, 0, dbError(err)
		}
		if earlier {
			res, err := tx.ExecContext(ctx, `DELETE FROM `+t.name+` WHERE id > ? AND fingerprint IN
				(SELECT fingerprint FROM `+t.name+` WHERE id <= ? AND active = 1)`, lastBeforeDrop, existing)
			if err != nil {
				return 0, 0, 0, dbError(err)
			}
			n, _ := res.RowsAffected()
			stored -= int(n)
			dups += int(n)
		}
		if err := rebuildIndexes(tx, dropped); err != nil {
			return 0, 0, 0, err
		}
	}
	return stored, dups, existing, nil
}

// rebuildIndexes runs the CREATE INDEX statements creates inside tx. SQLite builds an index
// by sorting its keys; with a small page cache the sorter cuts them into runs of a few MiB and
// sorts the runs on worker threads while it goes on reading the table, then merges them, instead
// of sorting all keys in one list when they fit in the cache (measured for a million 32-byte
// fingerprints: 0.9-1.0 s instead of 1.7 s). The caller restores the cache size.
func rebuildIndexes(tx *Tx, creates []string) error {
	if len(creates) == 0 {
		return nil
	}
	var threads int64
	if err := tx.QueryRowContext(tx.ctx, `PRAGMA threads`).Scan(&threads); err != nil {
		return dbError(err)
	}
	defer tx.ExecContext(context.WithoutCancel(tx.ctx), `PRAGMA threads = `+strconv.FormatInt(threads, 10))
	if _, err := tx.ExecContext(tx.ctx, `PRAGMA threads = `+strconv.Itoa(min(runtime.NumCPU(), 4))); err != nil {
		return dbError(err)
	}
	if _, err := tx.ExecContext(tx.ctx, `PRAGMA cache_size = -4096`); err != nil {
		return dbError(err)
	}
	for _, create := range creates {
		if _, err := tx.ExecContext(tx.ctx, create); err != nil {
			return dbError(fmt.Errorf("rebuild index: %w", err))
		}
	}
	return nil
}

// dropTableIndexes drops the indexes of table inside tx and returns the statements that create
// them again.
func dropTableIndexes(tx *Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, table)
	if err != nil {
		return nil, err
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(tx.ctx, `DROP INDEX "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
			return nil, err
		}
	}
	return append([]string{}, creates...), nil
}

// produceRows runs the iterator seq, appending each value as a row of the chunk with add (which
// returns the row's currency) and sending full chunks; row errors are noted on batch. It returns
// the first other error. Chunks come from pool. seq runs on a goroutine of its own (aheadSeq):
// parsing the file's lines and turning them into cells take about the same time, and the
// writer needs less, so on two cores the three together finish sooner than when one goroutine
// does the first two (a million settlement lines: 2.0 s of CPU on that one goroutine).
func produceRows[T any](ctx context.Context, seq iter.Seq2[T, error], batch *posdesk.ImportBatch,
	add func(c *feedChunk, v T) (string, error), chunks chan<- feedChunk, pool *chunkPool, stop <-chan struct{}) error {
	c := pool.get()
	send := func() bool {
		if c.rows == 0 {
			return true
		}
		select {
		case chunks <- c:
		case <-stop:
			return false
		}
		c = pool.get()
		return true
	}
	n := 0
	for v, err := range aheadSeq(seq, importRows) {
		if n++; n&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return dbError(err)
			}
		}
		if err != nil {
			if noteRowError(batch, err) {
				continue
			}
			return err
		}
		cells, buf := c.mark()
		cur, err := add(&c, v)
		if err != nil {
			c.truncate(cells, buf)
			if noteRowError(batch, err) {
				continue
			}
			return err
		}
		if c.currency == "" {
			c.currency = cur
		} else if cur != c.currency {
			return posdesk.Errorf(posdesk.EINVALID, "The file mixes currencies (%s and %s); import each currency separately.", c.currency, cur)
		}
		c.rows++
		if c.rows == importRows && !send() {
			return nil
		}
	}
	send()
	return nil
}

// aheadSeq runs seq on a goroutine of its own and yields its pairs in order, handed over in
// batches of n. Breaking out of the loop stops seq and waits for the goroutine to end.
func aheadSeq[T any](seq iter.Seq2[T, error], n int) iter.Seq2[T, error] {
	type item struct {
		v   T
		err error
	}
	return func(yield func(T, error) bool) {
		batches, free, quit := make(chan []item, 4), make(chan []item, 4), make(chan struct{})
		go func() {
			defer close(batches)
			b := make([]item, 0, n)
			hand := func() bool {
				select {
				case batches <- b:
				case <-quit:
					return false
				}
				select {
				case b = <-free:
					b = b[:0]
				default:
					b = make([]item, 0, n)
				}
				return true
			}
			for v, err := range seq {
				if b = append(b, item{v, err}); len(b) == n && !hand() {
					return
				}
			}
			if len(b) > 0 {
				hand()
			}
		}()
		defer func() {
			close(quit)
			for range batches {
			}
		}()
		for b := range batches {
			for _, it := range b {
				if !yield(it.v, it.err) {
					return
				}
			}
			clear(b) // the values are the caller's now
			select {
			case free <- b:
			default:
			}
		}
	}
}

// CreateSettlementImport stores a settlement statement's lines as one batch.
func (db *DB) CreateSettlementImport(ctx context.Context, batch *posdesk.ImportBatch, lines iter.Seq2[*posdesk.SettlementLine, error]) error {
	tx, err := db.startImport(ctx, batch, posdesk.ImportSettlement)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	dates := dateCache{}
	add := func(c *feedChunk, s *posdesk.SettlementLine) (string, error) {
		if err := appendFingerprint(c, s.Fingerprint, s.Line); err != nil {
			return "", err
		}
		if !s.Kind.Valid() {
			return "", posdesk.RowError{Line: s.Line, Field: "kind", Err: posdesk.Invalid("kind", "Kind %q is not one of: sale, void, refund, reversal, preauth, preauth_completion.", string(s.Kind))}
		}
		if s.Time.IsZero() {
			return "", posdesk.RowError{Line: s.Line, Field: "time", Err: posdesk.Invalid("time", "Enter the date and time of the transaction.")}
		}
		settle := s.SettleDate
		if settle.IsZero() {
			settle = posdesk.DateOf(s.Time, time.UTC)
		}
		card, err := posdesk.MaskCard(s.Card)
		if err != nil {
			card = posdesk.MaskText(s.Card)
		}
		for _, v := range [...]string{merchantID(s.MerchantID), posdesk.MaskText(s.TerminalID), posdesk.MaskText(s.Batch), posdesk.MaskText(s.Trace),
			posdesk.MaskText(s.RRN), posdesk.MaskText(s.AuthCode), card, posdesk.MaskText(s.CardType), posdesk.MaskText(s.Issuer), string(s.Kind)} {
			c.text(v)
		}
		for _, v := range [...]int64{s.Amount.Minor(), s.Fee.Minor(), s.Net.Minor(), s.Time.Unix()} {
			c.int(v)
		}
		c.text(dates.get(settle))
		c.int(int64(s.Line))
		return currencyOf(s.Amount), nil
	}
	stored, dups, after, err := bulkImport(tx, settlementTable, batch.ID, func(chunks chan<- feedChunk, pool *chunkPool, stop <-chan struct{}) error {
		return produceRows(ctx, lines, batch, add, chunks, pool, stop)
	})
	if err != nil {
		return err
	}
	batch.New, batch.Duplicate = stored, dups
	return finishImport(tx, batch, "settlement_lines", after, nil)
}

// merchantID keeps a 15-digit merchant ID (商户号) as it is, even when its digits happen to pass
// the Luhn check, and masks anything else that could hide a card number.
func merchantID(s string) string {
	if len(s) == 15 && strings.Trim(s, "0123456789") == "" {
		return s
	}
	return posdesk.MaskText(s)
}

func currencyOf(m posdesk.Money) string {
	if m.Currency == "" {
		return posdesk.DefaultCurrency
	}
	return m.Currency
}

// CreateBankImport stores a bank statement's lines as one batch.
func (db *DB) CreateBankImport(ctx context.Context, batch *posdesk.ImportBatch, lines iter.Seq2[*posdesk.BankLine, error]) error {
	tx, err := db.startImport(ctx, batch, posdesk.ImportBank)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	add := func(c *feedChunk, b *posdesk.BankLine) (string, error) {
		if err := appendFingerprint(c, b.Fingerprint, b.Line); err != nil {
			return "", err
		}
		if b.Date.IsZero() {
			return "", posdesk.RowError{Line: b.Line, Field: "date", Err: posdesk.Invalid("date", "Date is empty; every row needs the transaction date.")}
		}
		cur := currencyOf(b.Credit)
		if b.Credit.IsZero() && b.Debit.Currency != "" {
			cur = b.Debit.Currency
		}
		c.text(b.Date.String())
		c.text(posdesk.MaskText(b.Description))
		c.text(posdesk.MaskText(b.Counterparty))
		for _, v := range [...]int64{b.Credit.Minor(), b.Debit.Minor(), b.Balance.Minor(), int64(b.Line)} {
			c.int(v)
		}
		return cur, nil
	}
	stored, dups, after, err := bulkImport(tx, bankTable, batch.ID, func(chunks chan<- feedChunk, pool *chunkPool, stop <-chan struct{}) error {
		return produceRows(ctx, lines, batch, add, chunks, pool, stop)
	})
	if err != nil {
		return err
	}
	batch.New, batch.Duplicate = stored, dups
	return finishImport(tx, batch, "bank_lines", after, nil)
}

// posChunk is how many POS rows are checked for duplicates and stored at a time.
const posChunk = 256

// CreatePOSImport stores a POS export's rows as ledger transactions (source import) and
// remembers each row's fingerprint, so importing the file again adds nothing.
func (db *DB) CreatePOSImport(ctx context.Context, batch *posdesk.ImportBatch, lines iter.Seq2[*posdesk.POSLine, error]) error {
	tx, err := db.startImport(ctx, batch, posdesk.ImportPOS)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM transactions`).Scan(&next); err != nil {
		return dbError(err)
	}
	first := next
	actor := posdesk.ActorName(ctx)
	var pending []*posdesk.POSLine
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		fps := make([]any, len(pending))
		for i, p := range pending {
			if err := checkFingerprint(p.Fingerprint, p.Line); err != nil {
				return err
			}
			fps[i] = p.Fingerprint[:]
		}
		seen := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT fingerprint FROM pos_import_rows WHERE active = 1 AND fingerprint IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(fps)), ",")+`)`, fps...)
		if err != nil {
			return dbError(err)
		}
		for rows.Next() {
			var fp []byte
			if err := rows.Scan(&fp); err != nil {
				rows.Close()
				return dbError(err)
			}
			seen[string(fp)] = true
		}
		rows.Close()
		var txArgs, rowArgs []any
		n := 0
		for i, p := range pending {
			fp := fps[i].([]byte)
			if seen[string(fp)] {
				batch.Duplicate++
				continue
			}
			seen[string(fp)] = true
			t := p.Tx
			t.ID, t.Source, t.ImportBatchID = next, posdesk.SourceImport, batch.ID
			t.Normalize()
			if err := t.Validate(); err != nil {
				var e *posdesk.Error
				errors.As(err, &e)
				noteRowError(batch, posdesk.RowError{Line: p.Line, Field: e.Field, Err: e})
				continue
			}
			t.CreatedAt, t.UpdatedAt, t.CreatedBy = tx.now, tx.now, actor
			next++
			txArgs = bulkArgs(txArgs, t)
			rowArgs = append(rowArgs, t.ID, batch.ID, fp, int64(p.Line))
			n++
		}
		pending = pending[:0]
		if n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, bulkInsertSQL(n), txArgs...); err != nil {
			return bulkWriteError(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pos_import_rows (transaction_id, batch_id, fingerprint, line) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", n), ","), rowArgs...); err != nil {
			return dbError(err)
		}
		batch.New += n
		return nil
	}
	for p, err := range lines {
		if err != nil {
			if noteRowError(batch, err) {
				continue
			}
			return err
		}
		if p == nil || p.Tx == nil {
			continue
		}
		pending = append(pending, p)
		if len(pending) == posChunk {
			if err := flush(); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return dbError(err)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	extra := map[string]any{}
	if batch.New > 0 {
		extra["first_transaction_id"], extra["last_transaction_id"] = first, next-1
	}
	return finishImport(tx, batch, "pos_import_rows", first-1, extra)
}

const batchColumns = `id, kind, file_name, file_sha256, profile, imported_at, imported_by, new_rows, duplicate_rows,
	skipped_rows, refused_rows, errors, coalesce(undone_at, 0), undone_by`

func scanBatch(s scanner) (*posdesk.ImportBatch, error) {
	var b posdesk.ImportBatch
	var imported, undone int64
	var errs string
	if err := s.Scan(&b.ID, &b.Kind, &b.FileName, &b.FileSHA256, &b.Profile, &imported, &b.ImportedBy, &b.New, &b.Duplicate,
		&b.Skipped, &b.Refused, &errs, &undone, &b.UndoneBy); err != nil {
		return nil, err
	}
	b.ImportedAt, b.UndoneAt = fromUnix(imported), fromUnix(undone)
	b.Errors = decodeRowErrors(errs)
	return &b, nil
}

// FindImportBatchByID returns the batch with id, or ENOTFOUND.
func (db *DB) FindImportBatchByID(ctx context.Context, id int64) (*posdesk.ImportBatch, error) {
	return findImportBatch(ctx, db.read, id)
}

func findImportBatch(ctx context.Context, q querier, id int64) (*posdesk.ImportBatch, error) {
	b, err := scanBatch(q.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM import_batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Import %d does not exist.", id)
	}
	return b, dbError(err)
}

// FindImportBatches returns the matching batches, newest first, and their total count.
func (db *DB) FindImportBatches(ctx context.Context, f posdesk.ImportBatchFilter) ([]*posdesk.ImportBatch, int, error) {
	var conds []string
	var args []any
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if f.Kind != nil {
		conds, args = append(conds, "kind = ?"), append(args, string(*f.Kind))
	}
	if f.FileSHA256 != nil {
		conds, args = append(conds, "file_sha256 = ?"), append(args, strings.ToLower(*f.FileSHA256))
	}
	if !f.IncludeUndone {
		conds = append(conds, "undone_at IS NULL")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM import_batches`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+batchColumns+` FROM import_batches`+where+` ORDER BY id DESC`+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.ImportBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, b)
	}
	return out, total, dbError(rows.Err())
}

func limitClause(offset, limit int) string {
	if limit <= 0 {
		limit = -1
	}
	return " LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(max(offset, 0))
}

// UndoImportBatch marks a batch undone: its rows stay but stop counting, and the ledger records
// a POS export created are voided with the reason. The audit trail records who and when.
func (db *DB) UndoImportBatch(ctx context.Context, id int64) (*posdesk.ImportBatch, error) {
	if err := db.authorize(ctx, posdesk.ActImport, "import_batch", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b, err := findImportBatch(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if b.Undone() {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Import %d was already undone on %s.", id, b.UndoneAt.Format("2006-01-02 15:04"))
	}
	var first, last int64
	if err := tx.QueryRowContext(ctx, `SELECT first_row_id, last_row_id FROM import_batches WHERE id = ?`, id).Scan(&first, &last); err != nil {
		return nil, dbError(err)
	}
	by := posdesk.ActorName(ctx)
	if _, err := tx.ExecContext(ctx, `UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ?`, unix(tx.now), by, id); err != nil {
		return nil, dbError(err)
	}
	var affected int64
	switch b.Kind {
	case posdesk.ImportSettlement, posdesk.ImportBank:
		table := "settlement_lines"
		if b.Kind == posdesk.ImportBank {
			table = "bank_lines"
		}
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET active = 0 WHERE id BETWEEN ? AND ? AND batch_id = ?`, first, last, id)
		if err != nil {
			return nil, dbError(err)
		}
		affected, _ = res.RowsAffected()
		// Matches made with the lines no longer stand; the next reconciliation finds anew.
		if b.Kind == posdesk.ImportSettlement {
			if _, err := tx.ExecContext(ctx, `DELETE FROM matches WHERE confirmed_at IS NULL AND settlement_line_id IN
				(SELECT id FROM settlement_lines WHERE id BETWEEN ? AND ? AND batch_id = ?)`, first, last, id); err != nil {
				return nil, dbError(err)
			}
		}
	case posdesk.ImportPOS:
		if _, err := tx.ExecContext(ctx, `UPDATE pos_import_rows SET active = 0 WHERE batch_id = ?`, id); err != nil {
			return nil, dbError(err)
		}
		reason := fmt.Sprintf("import %d undone", id)
		res, err := tx.ExecContext(ctx, `UPDATE transactions SET voided_at = ?, void_reason = ?, voided_by = ?, updated_at = ?
			WHERE voided_at IS NULL AND id IN (SELECT transaction_id FROM pos_import_rows WHERE batch_id = ?)`, unix(tx.now), reason, by, unix(tx.now), id)
		if err != nil {
			return nil, dbError(err)
		}
		affected, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM matches WHERE confirmed_at IS NULL AND transaction_id IN
			(SELECT transaction_id FROM pos_import_rows WHERE batch_id = ?)`, id); err != nil {
			return nil, dbError(err)
		}
	}
	if err := tx.audit("import.undo", "import_batch", id, map[string]any{"undone": false},
		map[string]any{"undone": true, "rows": affected, "kind": b.Kind, "file": b.FileName}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	b.UndoneAt, b.UndoneBy = tx.now, by
	return b, nil
}

const settlementColumns = `id, batch_id, fingerprint, merchant, terminal, batch, trace, rrn, auth_code, card, card_type, issuer, kind,
	amount_minor, fee_minor, net_minor, currency, time, settle_date, line`

func scanSettlementLine(s scanner) (*posdesk.SettlementLine, error) {
	var l posdesk.SettlementLine
	var amount, fee, net, tm int64
	var cur, settle string
	if err := s.Scan(&l.ID, &l.BatchID, scanFingerprint{&l.Fingerprint}, &l.MerchantID, &l.TerminalID, &l.Batch, &l.Trace, &l.RRN, &l.AuthCode, &l.Card,
		&l.CardType, &l.Issuer, &l.Kind, &amount, &fee, &net, &cur, &tm, &settle, &l.Line); err != nil {
		return nil, err
	}
	l.Amount, l.Fee, l.Net = posdesk.NewMoney(amount, cur), posdesk.NewMoney(fee, cur), posdesk.NewMoney(net, cur)
	l.Time = fromUnix(tm)
	l.SettleDate, _ = posdesk.ParseDate(settle)
	return &l, nil
}

// FindSettlementLines returns the matching lines of batches not undone, in file order, and the
// total count.
func (db *DB) FindSettlementLines(ctx context.Context, f posdesk.SettlementLineFilter) ([]*posdesk.SettlementLine, int, error) {
	conds := []string{"active = 1"}
	var args []any
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if f.BatchID != nil {
		conds = append(conds, "id BETWEEN (SELECT first_row_id FROM import_batches WHERE id = ?) AND (SELECT last_row_id FROM import_batches WHERE id = ?) AND batch_id = ?")
		args = append(args, *f.BatchID, *f.BatchID, *f.BatchID)
	}
	if f.RRN != nil {
		conds, args = append(conds, "rrn = ?"), append(args, *f.RRN)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "time >= ?"), append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "time < ?"), append(args, f.To.Unix())
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM settlement_lines`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+settlementColumns+` FROM settlement_lines`+where+` ORDER BY id`+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.SettlementLine
	for rows.Next() {
		l, err := scanSettlementLine(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, l)
	}
	return out, total, dbError(rows.Err())
}

const bankColumns = `id, batch_id, fingerprint, date, description, counterparty, credit_minor, debit_minor, balance_minor, currency, line`

func scanBankLine(s scanner) (*posdesk.BankLine, error) {
	var b posdesk.BankLine
	var credit, debit, balance int64
	var date, cur string
	if err := s.Scan(&b.ID, &b.BatchID, scanFingerprint{&b.Fingerprint}, &date, &b.Description, &b.Counterparty, &credit, &debit, &balance, &cur, &b.Line); err != nil {
		return nil, err
	}
	b.Date, _ = posdesk.ParseDate(date)
	b.Credit, b.Debit, b.Balance = posdesk.NewMoney(credit, cur), posdesk.NewMoney(debit, cur), posdesk.NewMoney(balance, cur)
	return &b, nil
}

// FindBankLines returns the matching bank lines of batches not undone, by date, and the total.
func (db *DB) FindBankLines(ctx context.Context, f posdesk.BankLineFilter) ([]*posdesk.BankLine, int, error) {
	conds := []string{"active = 1"}
	var args []any
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if f.BatchID != nil {
		conds = append(conds, "id BETWEEN (SELECT first_row_id FROM import_batches WHERE id = ?) AND (SELECT last_row_id FROM import_batches WHERE id = ?) AND batch_id = ?")
		args = append(args, *f.BatchID, *f.BatchID, *f.BatchID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "date >= ?"), append(args, f.From.String())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "date < ?"), append(args, f.To.String())
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM bank_lines`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+bankColumns+` FROM bank_lines`+where+` ORDER BY date, id`+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.BankLine
	for rows.Next() {
		b, err := scanBankLine(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, b)
	}
	return out, total, dbError(rows.Err())
}

// scan streams the rows of query through scanRow.
func scan[T any](ctx context.Context, db *sql.DB, query string, scanRow func(scanner) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			yield(zero, dbError(err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanRow(rows)
			if err != nil {
				yield(zero, dbError(err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, dbError(err))
		}
	}
}

// ScanSettlementLines streams every line of the batches not undone.
func (db *DB) ScanSettlementLines(ctx context.Context) iter.Seq2[*posdesk.SettlementLine, error] {
	return scan(ctx, db.read, `SELECT `+settlementColumns+` FROM settlement_lines WHERE active = 1`, scanSettlementLine)
}

// ScanBankLines streams every bank line of the batches not undone.
func (db *DB) ScanBankLines(ctx context.Context) iter.Seq2[*posdesk.BankLine, error] {
	return scan(ctx, db.read, `SELECT `+bankColumns+` FROM bank_lines WHERE active = 1`, scanBankLine)
}

// ScanTransactions streams every ledger record that is not voided, for reconciliation.
func (db *DB) ScanTransactions(ctx context.Context) iter.Seq2[*posdesk.Transaction, error] {
	return scan(ctx, db.read, `SELECT `+txColumns+` FROM transactions WHERE voided_at IS NULL`, scanTransaction)
}
