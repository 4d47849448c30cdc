package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	e, err := scanException(db.read.QueryRowContext(ctx, `SELECT `+exceptionColumns+` FROM exceptions WHERE id = ?`, id))
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

// LinkExceptionIncident records that an incident was opened from an exception.
func (db *DB) LinkExceptionIncident(ctx context.Context, exceptionID, incidentID int64) error {
	if err := db.authorize(ctx, posdesk.ActLogIncident, "exception", exceptionID); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE exceptions SET incident_id = ? WHERE id = ? AND incident_id IS NULL`, incidentID, exceptionID)
	if err != nil {
		return dbError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return posdesk.Errorf(posdesk.ECONFLICT, "Exception %d already has an incident, or does not exist.", exceptionID)
	}
	if err := tx.audit("exception.incident", "exception", exceptionID, nil, map[string]any{"incident": incidentID}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}
