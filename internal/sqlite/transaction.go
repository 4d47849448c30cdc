package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the ledger service.
var _ posdesk.TransactionService = (*DB)(nil)

const txColumns = `id, time, amount_minor, currency, kind, channel, status, merchant, terminal, batch, trace,
	rrn, auth_code, scheme, card, note, coalesce(original_id, 0), source, coalesce(import_batch_id, 0),
	coalesce(voided_at, 0), void_reason, voided_by, created_at, created_by, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanTransaction(s scanner) (*posdesk.Transaction, error) {
	var t posdesk.Transaction
	var tm, minor, voided, created, updated int64
	var cur string
	err := s.Scan(&t.ID, &tm, &minor, &cur, &t.Kind, &t.Channel, &t.Status, &t.Merchant, &t.Terminal, &t.Batch, &t.Trace,
		&t.RRN, &t.AuthCode, &t.Scheme, &t.Card, &t.Note, &t.OriginalID, &t.Source, &t.ImportBatchID,
		&voided, &t.VoidReason, &t.VoidedBy, &created, &t.CreatedBy, &updated)
	if err != nil {
		return nil, err
	}
	t.Time, t.Amount = fromUnix(tm), posdesk.NewMoney(minor, cur)
	t.VoidedAt, t.CreatedAt, t.UpdatedAt = fromUnix(voided), fromUnix(created), fromUnix(updated)
	return &t, nil
}

// FindTransactionByID returns the ledger record with id, or ENOTFOUND.
func (db *DB) FindTransactionByID(ctx context.Context, id int64) (*posdesk.Transaction, error) {
	return findTransactionByID(ctx, db.read, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func findTransactionByID(ctx context.Context, q querier, id int64) (*posdesk.Transaction, error) {
	t, err := scanTransaction(q.QueryRowContext(ctx, `SELECT `+txColumns+` FROM transactions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Transaction %d does not exist.", id)
	} else if err != nil {
		return nil, dbError(err)
	}
	return t, nil
}

// txConds returns the conditions of a filter and their arguments, leaving out its text query
// (see identifierMatch and noteMatch).
func txConds(f posdesk.TransactionFilter) ([]string, []any) {
	var conds []string
	var args []any
	if !f.IncludeVoided {
		conds = append(conds, "voided_at IS NULL")
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "time >= ?"), append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "time < ?"), append(args, f.To.Unix())
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		conds = append(conds, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("status", strs(f.Statuses))
	in("kind", strs(f.Kinds))
	in("channel", strs(f.Channels))
	if f.Terminal != "" {
		conds, args = append(conds, "terminal = ?"), append(args, strings.TrimSpace(f.Terminal))
	}
	if f.MinAmount != nil {
		conds, args = append(conds, "amount_minor >= ?"), append(args, f.MinAmount.Minor())
	}
	if f.MaxAmount != nil {
		conds, args = append(conds, "amount_minor <= ?"), append(args, f.MaxAmount.Minor())
	}
	if f.ImportBatchID != 0 {
		conds, args = append(conds, "import_batch_id = ?"), append(args, f.ImportBatchID)
	}
	return conds, args
}

// identifierIDs selects the records whose RRN, trace, auth code or last 4 card digits is q. Each
// look-up uses its partial index, which SQLite does only when the query repeats the index's
// "<> ”".
func identifierIDs(q string) (string, []any) {
	return `SELECT id FROM transactions WHERE rrn = ? AND rrn <> ''
		UNION SELECT id FROM transactions WHERE trace = ? AND trace <> ''
		UNION SELECT id FROM transactions WHERE auth_code = ? AND auth_code <> ''
		UNION SELECT id FROM transactions WHERE card_last4 = ? AND card_last4 <> ''`, []any{q, q, q, q}
}

// noteTrigramIDs selects the records whose note contains q through the trigram index; q must
// have at least three characters.
func noteTrigramIDs(q string) (string, []any) {
	return "SELECT rowid FROM transactions_note_fts WHERE transactions_note_fts MATCH ?",
		[]any{`"` + strings.ReplaceAll(q, `"`, `""`) + `"`}
}

// noteLike is the condition "the note contains q" checked on the entries of the
// transactions_note_time index (records with a note, newest first), for text too short for
// trigrams or found in so many notes that walking the newest ones is quicker.
func noteLike(q string) (string, []any) {
	return "note <> '' AND note LIKE ? ESCAPE '\\'", []any{"%" + likeEscape(q) + "%"}
}

// txWhere builds the WHERE clause of a filter, its text query included: the records whose
// identifiers are q or whose note contains it.
func txWhere(f posdesk.TransactionFilter) (string, []any) {
	conds, args := txConds(f)
	if q := strings.TrimSpace(f.Query); q != "" {
		ids, ida := identifierIDs(q)
		var notes string
		var na []any
		if len([]rune(q)) >= 3 {
			notes, na = noteTrigramIDs(q)
		} else {
			var cond string
			cond, na = noteLike(q)
			notes = "SELECT id FROM transactions INDEXED BY transactions_note_time WHERE " + cond
		}
		conds = append(conds, "id IN ("+ids+" UNION "+notes+")")
		args = append(append(args, ida...), na...)
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// noteTrigramsMax is how many trigram matches a note search looks up one by one; when more
// notes match, walking the newest notes is quicker than sorting all the matches. Tests lower it.
var noteTrigramsMax = 200

// FindTransactions returns one page of ledger records, newest first, and the next page's cursor.
//
// A text query is answered in two parts merged by time: the records whose identifiers match it,
// and those whose note contains it. For the notes, a rare text (few trigram matches) is looked
// up through the trigram index; a common or short one is checked against the newest notes until
// the page is full.
func (db *DB) FindTransactions(ctx context.Context, f posdesk.TransactionFilter) ([]*posdesk.Transaction, *posdesk.TxCursor, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	conds, args := txConds(f)
	if f.After != nil {
		// "time <= ?" first: it bounds the index range; the OR alone made SQLite scan from the top.
		t := f.After.Time.Unix()
		conds, args = append(conds, "time <= ? AND (time < ? OR id < ?)"), append(args, t, t, f.After.ID)
	}
	var out []*posdesk.Transaction
	q := strings.TrimSpace(f.Query)
	if q == "" {
		page, err := db.page(ctx, "transactions", conds, args, limit+1)
		if err != nil {
			return nil, nil, err
		}
		out = page
	} else {
		ids, ida := identifierIDs(q)
		byID, err := db.page(ctx, "transactions", append(conds[:len(conds):len(conds)], "id IN ("+ids+")"), append(args[:len(args):len(args)], ida...), limit+1)
		if err != nil {
			return nil, nil, err
		}
		from := "transactions INDEXED BY transactions_note_time"
		nc, na := noteLike(q)
		if len([]rune(q)) >= 3 {
			tids, ta := noteTrigramIDs(q)
			var n int
			if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (`+tids+` LIMIT ?)`, ta[0], noteTrigramsMax).Scan(&n); err != nil {
				return nil, nil, dbError(err)
			}
			if n < noteTrigramsMax {
				from, nc, na = "transactions", "id IN ("+tids+")", ta
			}
		}
		byNote, err := db.page(ctx, from, append(conds[:len(conds):len(conds)], nc), append(args[:len(args):len(args)], na...), limit+1)
		if err != nil {
			return nil, nil, err
		}
		out = mergeNewestFirst(byID, byNote, limit+1)
	}
	var next *posdesk.TxCursor
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = &posdesk.TxCursor{Time: last.Time, ID: last.ID}
	}
	return out, next, nil
}

// page returns up to n records from "SELECT ... FROM from WHERE conds", newest first.
func (db *DB) page(ctx context.Context, from string, conds []string, args []any, n int) ([]*posdesk.Transaction, error) {
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+txColumns+` FROM `+from+where+` ORDER BY time DESC, id DESC LIMIT ?`, append(args, n)...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	out := make([]*posdesk.Transaction, 0, min(n, 1000))
	for rows.Next() {
		t, err := scanTransaction(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	return out, nil
}

// mergeNewestFirst merges two newest-first lists, dropping records found in both, and keeps at
// most n.
func mergeNewestFirst(a, b []*posdesk.Transaction, n int) []*posdesk.Transaction {
	out := make([]*posdesk.Transaction, 0, min(n, len(a)+len(b)))
	newer := func(x, y *posdesk.Transaction) bool {
		return x.Time.After(y.Time) || x.Time.Equal(y.Time) && x.ID > y.ID
	}
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		switch {
		case len(b) == 0 || len(a) > 0 && newer(a[0], b[0]):
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || newer(b[0], a[0]):
			out, b = append(out, b[0]), b[1:]
		default: // the same record
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return out
}

// SumTransactions returns count and amount per status and currency for the filter.
func (db *DB) SumTransactions(ctx context.Context, f posdesk.TransactionFilter) ([]posdesk.TxTotal, error) {
	where, args := txWhere(f)
	rows, err := db.read.QueryContext(ctx, `SELECT status, currency, count(*), sum(amount_minor) FROM transactions`+where+` GROUP BY status, currency ORDER BY status, currency`, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []posdesk.TxTotal
	for rows.Next() {
		var t posdesk.TxTotal
		var sum int64
		if err := rows.Scan(&t.Status, &t.Currency, &t.Count, &sum); err != nil {
			return nil, dbError(err)
		}
		t.Amount = posdesk.NewMoney(sum, t.Currency)
		out = append(out, t)
	}
	return out, dbError(rows.Err())
}

// CreateTransaction masks, validates and stores t.
func (db *DB) CreateTransaction(ctx context.Context, t *posdesk.Transaction) error {
	if err := db.authorize(ctx, posdesk.ActCreateTransaction, "transaction", 0); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createTransaction(tx, t); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// createTransaction inserts t inside tx and writes its audit entry. Other stores (incidents,
// imports) call it to create ledger records in their own transactions.
func createTransaction(tx *Tx, t *posdesk.Transaction) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	if t.OriginalID != 0 {
		if _, err := findTransactionByID(tx.ctx, tx, t.OriginalID); err != nil {
			return posdesk.Invalid("original", "The original transaction %d does not exist.", t.OriginalID)
		}
	}
	t.CreatedAt, t.UpdatedAt = tx.now, tx.now
	if t.CreatedBy == "" {
		t.CreatedBy = posdesk.ActorName(tx.ctx)
	}
	res, err := tx.ExecContext(tx.ctx, `INSERT INTO transactions (time, amount_minor, currency, kind, channel, status, merchant,
		terminal, batch, trace, rrn, auth_code, scheme, card, card_last4, note, original_id, source, import_batch_id,
		created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Time.Unix(), t.Amount.Minor(), t.Amount.Currency, t.Kind, t.Channel, t.Status, t.Merchant,
		t.Terminal, t.Batch, t.Trace, t.RRN, t.AuthCode, t.Scheme, t.Card, posdesk.CardLast4(t.Card), t.Note,
		nullID(t.OriginalID), t.Source, nullID(t.ImportBatchID), unix(t.CreatedAt), t.CreatedBy, unix(t.UpdatedAt))
	if err != nil {
		return dbError(err)
	}
	if t.ID, err = res.LastInsertId(); err != nil {
		return dbError(err)
	}
	return tx.audit("transaction.create", "transaction", t.ID, nil, auditTx(t))
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// auditTx is the JSON shape of a transaction in the audit trail.
func auditTx(t *posdesk.Transaction) map[string]any {
	return map[string]any{
		"time": t.Time.Format("2006-01-02T15:04:05Z"), "amount": t.Amount.Plain(), "currency": t.Amount.Currency,
		"kind": t.Kind, "channel": t.Channel, "status": t.Status, "merchant": t.Merchant, "terminal": t.Terminal,
		"batch": t.Batch, "trace": t.Trace, "rrn": t.RRN, "auth": t.AuthCode, "scheme": t.Scheme, "card": t.Card, "note": t.Note,
	}
}

// UpdateTransaction corrects a ledger record. The old values are kept in the audit trail with the
// reason.
func (db *DB) UpdateTransaction(ctx context.Context, id int64, upd posdesk.TransactionUpdate) (*posdesk.Transaction, error) {
	if err := db.authorize(ctx, posdesk.ActEditTransaction, "transaction", id); err != nil {
		return nil, err
	}
	reason := posdesk.MaskText(strings.TrimSpace(upd.Reason))
	if reason == "" {
		return nil, posdesk.Invalid("reason", "Say why the record is corrected; the old values are kept with your reason.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := findTransactionByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if t.Voided() {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Transaction %d was voided and cannot be changed.", id)
	}
	old := auditTx(t)
	upd.Apply(t)
	t.Normalize()
	if err := t.Validate(); err != nil {
		return nil, err
	}
	t.UpdatedAt = tx.now
	_, err = tx.ExecContext(ctx, `UPDATE transactions SET time = ?, amount_minor = ?, currency = ?, kind = ?, channel = ?,
		status = ?, merchant = ?, terminal = ?, batch = ?, trace = ?, rrn = ?, auth_code = ?, scheme = ?, card = ?,
		card_last4 = ?, note = ?, updated_at = ? WHERE id = ?`,
		t.Time.Unix(), t.Amount.Minor(), t.Amount.Currency, t.Kind, t.Channel, t.Status, t.Merchant, t.Terminal,
		t.Batch, t.Trace, t.RRN, t.AuthCode, t.Scheme, t.Card, posdesk.CardLast4(t.Card), t.Note, unix(t.UpdatedAt), id)
	if err != nil {
		return nil, dbError(err)
	}
	nw := auditTx(t)
	nw["reason"] = reason
	if err := tx.audit("transaction.update", "transaction", id, old, nw); err != nil {
		return nil, err
	}
	return t, dbError(tx.Commit())
}

// VoidTransaction marks a ledger record as entered by mistake, keeping it with the reason.
func (db *DB) VoidTransaction(ctx context.Context, id int64, reason string) error {
	if err := db.authorize(ctx, posdesk.ActVoidTransaction, "transaction", id); err != nil {
		return err
	}
	reason = posdesk.MaskText(strings.TrimSpace(reason))
	if reason == "" {
		return posdesk.Invalid("reason", "Say why the record is voided; it stays in the ledger with your reason.")
	}
	if len([]rune(reason)) > posdesk.MaxReasonLen {
		return posdesk.Invalid("reason", "Reason is too long: at most %d characters.", posdesk.MaxReasonLen)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t, err := findTransactionByID(ctx, tx, id)
	if err != nil {
		return err
	}
	if t.Voided() {
		return posdesk.Errorf(posdesk.ECONFLICT, "Transaction %d is already voided.", id)
	}
	by := posdesk.ActorName(ctx)
	if _, err := tx.ExecContext(ctx, `UPDATE transactions SET voided_at = ?, void_reason = ?, voided_by = ?, updated_at = ? WHERE id = ?`,
		unix(tx.now), reason, by, unix(tx.now), id); err != nil {
		return dbError(err)
	}
	if err := tx.audit("transaction.void", "transaction", id, nil, map[string]string{"reason": reason}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// Setting returns the value of a shop setting, or def when it is not set.
func (db *DB) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	} else if err != nil {
		return "", dbError(err)
	}
	return v, nil
}

// SetSetting stores a shop setting, with an audit entry.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if err := db.authorize(ctx, posdesk.ActEditSettings, "setting", 0); err != nil {
		return err
	}
	// Card numbers typed into a setting are masked; a merchant ID (15 digits, one in ten
	// Luhn-valid by chance) identifies the shop and is kept.
	if key != posdesk.SettingShopMerchantID || !posdesk.IsMerchantID(value) {
		value = posdesk.MaskText(value)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var old sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return dbError(err)
	}
	if err := tx.audit("setting.set", "setting", 0, map[string]string{key: old.String}, map[string]string{key: value}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// Check runs SQLite's integrity_check and foreign_key_check and returns every problem found.
func (db *DB) Check(ctx context.Context) ([]string, error) { return checkDB(ctx, db.write) }
