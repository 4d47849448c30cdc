package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the reconciliation service.
var _ posdesk.ReconcileService = (*DB)(nil)

func idsJSON(ids []int64) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

func parseIDs(s string) []int64 {
	var ids []int64
	json.Unmarshal([]byte(s), &ids)
	return ids
}

// CreateReconciliation stores the outcome of a reconciliation run in one transaction. r.RanAt is
// the time the run reconciled as of (FoundAt of new exceptions); resolutions are stamped with the
// time of storing. Matches
// not confirmed by a person are replaced by the run's; confirmed ones stay. Exceptions found
// again keep their ID, first-found time and incident; those no longer found are marked resolved,
// never deleted.
func (db *DB) CreateReconciliation(ctx context.Context, r *posdesk.Reconciliation) error {
	if err := db.authorize(ctx, posdesk.ActReconcile, "reconciliation", 0); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if r.RanAt.IsZero() {
		r.RanAt = tx.now
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM matches WHERE confirmed_at IS NULL`); err != nil {
		return dbError(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO matches (transaction_id, settlement_line_id, score, reason) VALUES (?, ?, ?, ?)
		ON CONFLICT (transaction_id, settlement_line_id) DO UPDATE SET score = excluded.score, reason = excluded.reason`)
	if err != nil {
		return dbError(err)
	}
	defer ins.Close()
	for i, m := range r.Matches {
		if i&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return dbError(err)
			}
		}
		res, err := ins.ExecContext(ctx, m.TransactionID, m.SettlementLineID, m.Score, m.Reason)
		if err != nil {
			return dbError(err)
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return dbError(err)
		}
	}
	// Exceptions: upsert by key; the ones standing before and not found now become resolved.
	standing := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT key, id FROM exceptions WHERE resolved_at IS NULL`)
	if err != nil {
		return dbError(err)
	}
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			rows.Close()
			return dbError(err)
		}
		standing[key] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err)
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO exceptions (key, kind, transaction_id, settlement_line_ids, bank_line_ids, rrn, date,
		expected_minor, actual_minor, currency, reason, found_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET transaction_id = excluded.transaction_id, settlement_line_ids = excluded.settlement_line_ids,
		bank_line_ids = excluded.bank_line_ids, rrn = excluded.rrn, date = excluded.date, expected_minor = excluded.expected_minor,
		actual_minor = excluded.actual_minor, currency = excluded.currency, reason = excluded.reason, seen_at = excluded.seen_at,
		resolved_at = NULL
		RETURNING id, found_at, coalesce(incident_id, 0)`)
	if err != nil {
		return dbError(err)
	}
	defer up.Close()
	counts := map[posdesk.ExceptionKind]int{}
	for _, e := range r.Exceptions {
		if !e.Kind.Valid() || e.Key == "" {
			return posdesk.Invalid("kind", "Exception kind %q is not known.", string(e.Kind))
		}
		cur := e.Expected.Currency
		if cur == "" {
			cur = currencyOf(e.Actual)
		}
		var found int64
		err := up.QueryRowContext(ctx, e.Key, string(e.Kind), nullID(e.TransactionID), idsJSON(e.SettlementLineIDs), idsJSON(e.BankLineIDs),
			e.RRN, e.Date.String(), e.Expected.Minor(), e.Actual.Minor(), cur, posdesk.MaskText(e.Reason), unix(r.RanAt), unix(r.RanAt)).
			Scan(&e.ID, &found, &e.IncidentID)
		if err != nil {
			return dbError(err)
		}
		e.FoundAt = fromUnix(found)
		counts[e.Kind]++
		delete(standing, e.Key)
	}
	resolved := 0
	for _, id := range standing {
		if _, err := tx.ExecContext(ctx, `UPDATE exceptions SET resolved_at = ? WHERE id = ?`, unix(tx.now), id); err != nil {
			return dbError(err)
		}
		resolved++
	}
	if err := tx.audit("reconcile.run", "reconciliation", 0, nil, map[string]any{
		"matches": len(r.Matches), "exceptions": counts, "resolved": resolved,
	}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

const matchColumns = `id, transaction_id, settlement_line_id, score, reason, coalesce(confirmed_at, 0), confirmed_by`

func scanMatch(s scanner) (*posdesk.Match, error) {
	var m posdesk.Match
	var confirmed int64
	if err := s.Scan(&m.ID, &m.TransactionID, &m.SettlementLineID, &m.Score, &m.Reason, &confirmed, &m.ConfirmedBy); err != nil {
		return nil, err
	}
	m.ConfirmedAt = fromUnix(confirmed)
	m.Confirmed = confirmed != 0
	return &m, nil
}

// FindMatches returns the matching matches, by ID, and their total count.
func (db *DB) FindMatches(ctx context.Context, f posdesk.MatchFilter) ([]*posdesk.Match, int, error) {
	var conds []string
	var args []any
	if f.TransactionID != nil {
		conds, args = append(conds, "transaction_id = ?"), append(args, *f.TransactionID)
	}
	if f.SettlementLineID != nil {
		conds, args = append(conds, "settlement_line_id = ?"), append(args, *f.SettlementLineID)
	}
	if f.NeedsConfirmation {
		conds = append(conds, "confirmed_at IS NULL AND score < 80")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM matches`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+matchColumns+` FROM matches`+where+` ORDER BY id`+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Match
	for rows.Next() {
		m, err := scanMatch(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, m)
	}
	return out, total, dbError(rows.Err())
}

// ConfirmMatch records that the acting user confirmed a match.
func (db *DB) ConfirmMatch(ctx context.Context, id int64) (*posdesk.Match, error) {
	if err := db.authorize(ctx, posdesk.ActReconcile, "match", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m, err := scanMatch(tx.QueryRowContext(ctx, `SELECT `+matchColumns+` FROM matches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Match %d does not exist.", id)
	} else if err != nil {
		return nil, dbError(err)
	}
	if m.Confirmed {
		return m, nil
	}
	by := posdesk.ActorName(ctx)
	if _, err := tx.ExecContext(ctx, `UPDATE matches SET confirmed_at = ?, confirmed_by = ? WHERE id = ?`, unix(tx.now), by, id); err != nil {
		return nil, dbError(err)
	}
	if err := tx.audit("match.confirm", "match", id, nil, map[string]any{"transaction": m.TransactionID, "settlement_line": m.SettlementLineID, "score": m.Score}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	m.Confirmed, m.ConfirmedAt, m.ConfirmedBy = true, tx.now, by
	return m, nil
}

const exceptionColumns = `id, key, kind, coalesce(transaction_id, 0), settlement_line_ids, bank_line_ids, rrn, date, expected_minor,
	actual_minor, currency, reason, found_at, coalesce(resolved_at, 0), coalesce(incident_id, 0)`

func scanException(s scanner) (*posdesk.Exception, error) {
	var e posdesk.Exception
	var lines, banks, date, cur string
	var expected, actual, found, resolved int64
	if err := s.Scan(&e.ID, &e.Key, &e.Kind, &e.TransactionID, &lines, &banks, &e.RRN, &date, &expected, &actual, &cur, &e.Reason,
		&found, &resolved, &e.IncidentID); err != nil {
		return nil, err
	}
	e.SettlementLineIDs, e.BankLineIDs = parseIDs(lines), parseIDs(banks)
	e.Date, _ = posdesk.ParseDate(date)
	e.Expected, e.Actual = posdesk.NewMoney(expected, cur), posdesk.NewMoney(actual, cur)
	e.FoundAt, e.ResolvedAt = fromUnix(found), fromUnix(resolved)
	return &e, nil
}

// FindExceptionByID returns the exception with id, or ENOTFOUND.
func (db *DB) FindExceptionByID(ctx context.Context, id int64) (*posdesk.Exception, error) {
	return findException(ctx, db.read, id)
}

func findException(ctx context.Context, q querier, id int64) (*posdesk.Exception, error) {
	e, err := scanException(q.QueryRowContext(ctx, `SELECT `+exceptionColumns+` FROM exceptions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Exception %d does not exist.", id)
	}
	return e, dbError(err)
}

// FindExceptions returns the matching exceptions by queue, date and ID, and the total count.
func (db *DB) FindExceptions(ctx context.Context, f posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error) {
	var conds []string
	var args []any
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if f.Kind != nil {
		conds, args = append(conds, "kind = ?"), append(args, string(*f.Kind))
	}
	if f.RRN != nil {
		conds, args = append(conds, "rrn = ?"), append(args, *f.RRN)
	}
	if f.Open {
		conds = append(conds, "resolved_at IS NULL AND incident_id IS NULL")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM exceptions`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	order := ` ORDER BY CASE kind`
	for i, k := range posdesk.ExceptionKinds {
		order += ` WHEN '` + string(k) + `' THEN ` + string(rune('0'+i))
	}
	order += ` ELSE 9 END, date, id`
	rows, err := db.read.QueryContext(ctx, `SELECT `+exceptionColumns+` FROM exceptions`+where+order+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Exception
	for rows.Next() {
		e, err := scanException(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, e)
	}
	return out, total, dbError(rows.Err())
}

// LinkExceptionIncident records that an existing incident covers an exception (an incident
// logged by hand before reconciliation found the exception). To open a new incident from an
// exception use CreateIncidentFromException, which does it in the same transaction.
func (db *DB) LinkExceptionIncident(ctx context.Context, exceptionID, incidentID int64) error {
	if err := db.authorize(ctx, posdesk.ActLogIncident, "exception", exceptionID); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	x, err := findException(ctx, tx, exceptionID)
	if err != nil {
		return err
	}
	if err := exceptionFree(tx, x); err != nil {
		return err
	}
	if _, err := findIncident(ctx, tx, `i.id = ?`, incidentID); err != nil {
		return err
	}
	if err := linkExceptionIncident(tx, exceptionID, incidentID); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// exceptionFree returns ECONFLICT, naming the incident, when x already became one.
func exceptionFree(tx *Tx, x *posdesk.Exception) error {
	if x.IncidentID == 0 {
		return nil
	}
	var number string
	err := tx.QueryRowContext(tx.ctx, `SELECT number FROM incidents WHERE id = ?`, x.IncidentID).Scan(&number)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	if number == "" {
		number = strconv.FormatInt(x.IncidentID, 10)
	}
	return posdesk.Errorf(posdesk.ECONFLICT, "Exception %[1]d already became incident %[2]s; open that incident instead of a new one.", x.ID, number)
}

// linkExceptionIncident points an exception at an incident inside tx, with its audit entry.
func linkExceptionIncident(tx *Tx, exceptionID, incidentID int64) error {
	res, err := tx.ExecContext(tx.ctx, `UPDATE exceptions SET incident_id = ? WHERE id = ? AND incident_id IS NULL`, incidentID, exceptionID)
	if err != nil {
		return dbError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError(err)
	} else if n == 0 {
		return posdesk.Errorf(posdesk.ECONFLICT, "Exception %d already has an incident, or does not exist.", exceptionID)
	}
	return tx.audit("exception.incident", "exception", exceptionID, nil, map[string]any{"incident": incidentID})
}

// CreateIncidentFromException opens an incident from exception id in one database transaction:
// it reads the exception and the records it concerns, calls build with them, logs the incident
// build returns (as CreateIncident does: ledger records given with ID 0 are matched or created,
// the others linked, with timeline and audit entries), stores the attachment build returns (if
// any) and points the exception at the incident. When any step fails nothing is stored: no
// incident, no ledger record, no attachment, no audit entry, and the exception stays open.
//
// The acting user needs the right to log incidents. The exception must not have become an
// incident already (ECONFLICT naming it). The incident must link a ledger record unless the
// exception is a whole day's bank credit (posdesk.ExcBankCreditMismatch), which concerns no
// single payment.
func (db *DB) CreateIncidentFromException(ctx context.Context, id int64, build posdesk.ExceptionIncidentFunc) (*posdesk.Incident, error) {
	if err := db.authorize(ctx, posdesk.ActLogIncident, "exception", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	x, err := findException(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := exceptionFree(tx, x); err != nil {
		return nil, err
	}
	recs, err := exceptionRecords(tx, x)
	if err != nil {
		return nil, err
	}
	inc, a, err := build(x, recs)
	if err != nil {
		return nil, err
	}
	if inc == nil {
		return nil, posdesk.Internal(fmt.Errorf("exception %d: no incident built", id))
	}
	if len(inc.Transactions) == 0 && x.Kind != posdesk.ExcBankCreditMismatch {
		return nil, posdesk.Invalid("transactions", "Link the incident to a ledger transaction, or enter the slip's amount and time.")
	}
	if err := createIncident(tx, inc); err != nil {
		return nil, err
	}
	if a != nil {
		if err := addAttachment(tx, inc.ID, a); err != nil {
			return nil, err
		}
		inc.AttachmentCount = 1
	}
	if err := linkExceptionIncident(tx, x.ID, inc.ID); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	inc.Events, inc.Contacts = nil, nil
	return inc, nil
}

// exceptionRecords reads the records x concerns inside tx: its ledger record, and its settlement
// and bank lines of batches not undone, with the names of their files.
func exceptionRecords(tx *Tx, x *posdesk.Exception) (*posdesk.ExceptionRecords, error) {
	ctx := tx.ctx
	r := &posdesk.ExceptionRecords{Files: map[int64]string{}}
	if x.TransactionID != 0 {
		t, err := findTransactionByID(ctx, tx, x.TransactionID)
		if err != nil {
			return nil, err
		}
		r.Transaction = t
	}
	batches := map[int64]bool{}
	if len(x.SettlementLineIDs) > 0 {
		err := queryRows(tx, `SELECT `+settlementColumns+` FROM settlement_lines WHERE active = 1 AND id IN (`+placeholders(len(x.SettlementLineIDs))+`) ORDER BY id`,
			idArgs(x.SettlementLineIDs), func(s scanner) error {
				l, err := scanSettlementLine(s)
				if err == nil {
					r.SettlementLines, batches[l.BatchID] = append(r.SettlementLines, l), true
				}
				return err
			})
		if err != nil {
			return nil, err
		}
	}
	if len(x.BankLineIDs) > 0 {
		err := queryRows(tx, `SELECT `+bankColumns+` FROM bank_lines WHERE active = 1 AND id IN (`+placeholders(len(x.BankLineIDs))+`) ORDER BY date, id`,
			idArgs(x.BankLineIDs), func(s scanner) error {
				b, err := scanBankLine(s)
				if err == nil {
					r.BankLines, batches[b.BatchID] = append(r.BankLines, b), true
				}
				return err
			})
		if err != nil {
			return nil, err
		}
	}
	for id := range batches {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT file_name FROM import_batches WHERE id = ?`, id).Scan(&name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, dbError(err)
		}
		r.Files[id] = name
	}
	return r, nil
}

func idArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// queryRows runs query inside tx and calls each for every row.
func queryRows(tx *Tx, query string, args []any, each func(scanner) error) error {
	rows, err := tx.QueryContext(tx.ctx, query, args...)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return dbError(err)
		}
	}
	return dbError(rows.Err())
}
