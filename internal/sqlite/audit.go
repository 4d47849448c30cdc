package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

const auditColumns = `seq, time, actor, action, entity, entity_id, old, new, prev_hash, hash`

// scanAudit reads one audit row. A time that does not parse is kept as the zero time (its hash
// will not match).
func scanAudit(s scanner) (*posdesk.AuditEntry, error) {
	var e posdesk.AuditEntry
	var tm string
	if err := s.Scan(&e.Seq, &tm, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Old, &e.New, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.Time, _ = time.Parse(time.RFC3339Nano, tm)
	return &e, nil
}

// AuditHead returns the newest audit entry's sequence number and hash, as the head row records
// them. Evidence packets and reports print it (AuditHead.Short); backups store it.
func (db *DB) AuditHead(ctx context.Context) (posdesk.AuditHead, error) {
	return auditHead(ctx, db.read)
}

func auditHead(ctx context.Context, q querier) (posdesk.AuditHead, error) {
	var h posdesk.AuditHead
	var tm sql.NullString
	err := q.QueryRowContext(ctx, `SELECT h.seq, h.hash, l.time FROM audit_head h LEFT JOIN audit_log l ON l.seq = h.seq WHERE h.id = 1`).Scan(&h.Seq, &h.Hash, &tm)
	if errors.Is(err, sql.ErrNoRows) {
		return h, posdesk.Errorf(posdesk.ECONFLICT, "The audit trail's head record is missing: somebody deleted it. Run posdesk check.")
	} else if err != nil {
		return h, dbError(err)
	}
	if tm.Valid {
		h.Time, _ = time.Parse(time.RFC3339Nano, tm.String)
	}
	return h, nil
}

// FindAuditEntries returns audit entries newest first.
func (db *DB) FindAuditEntries(ctx context.Context, f posdesk.AuditFilter) ([]*posdesk.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var conds []string
	var args []any
	add := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = ?", f.EntityID)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log`+where+` ORDER BY seq DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, e)
	}
	return out, dbError(rows.Err())
}

// auditTime formats an entry's time for messages.
func auditTime(e *posdesk.AuditEntry) string {
	if e.Time.IsZero() {
		return "?"
	}
	return e.Time.UTC().Format(time.RFC3339)
}

// VerifyAudit walks the whole audit trail in one read transaction and checks that the entries
// are numbered 1, 2, 3 ... without gaps, that each one's hash matches its fields, that each one
// names the previous entry's hash, and that the last one is the entry the head row records. It
// returns the hash of the last entry and how many entries it checked.
//
// When the trail is broken, firstBad is the first entry found wrong and err, a *posdesk.Error
// with code ECONFLICT, says what is wrong with it, naming its number, time and action. For
// entries missing from the end, firstBad holds only the number of the first missing entry. Any
// other err (firstBad nil) means the check could not run.
//
// What this can promise: an entry edited, deleted, inserted or moved with the sqlite3 shell is
// found, and so are entries deleted from the end unless the head row was rewritten to match.
// Somebody who rewrites the rest of the chain and the head row consistently is not found by this
// check alone: anchors kept outside the file (backups, printed packets) are (see CheckAnchor).
func (db *DB) VerifyAudit(ctx context.Context) (head string, n int, firstBad *posdesk.AuditEntry, err error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return "", 0, nil, dbError(err)
	}
	defer tx.Rollback()
	return verifyAudit(ctx, tx, true)
}

// verifyAudit checks the chain in q; headRow says whether the database has the head row (it
// came with schema 5; older backups have none).
func verifyAudit(ctx context.Context, q querier, headRow bool) (head string, n int, firstBad *posdesk.AuditEntry, err error) {
	rows, err := q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return "", 0, nil, dbError(err)
	}
	defer rows.Close()
	var prev *posdesk.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return "", n, nil, dbError(err)
		}
		want := int64(1)
		prevHash := ""
		if prev != nil {
			want, prevHash = prev.Seq+1, prev.Hash
		}
		switch {
		case e.Seq != want && want == 1:
			return head, n, e, posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d (%[2]s, %[3]s) is the first one left: entries 1 to %[4]d were deleted.", e.Seq, auditTime(e), e.Action, e.Seq-1)
		case e.Seq != want:
			return head, n, e, posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d (%[2]s, %[3]s) follows entry %[4]d: entries %[5]d to %[6]d were deleted.", e.Seq, auditTime(e), e.Action, prev.Seq, want, e.Seq-1)
		case AuditHash(*e) != e.Hash:
			return head, n, e, posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d (%[2]s, %[3]s) was changed after it was written: its contents no longer match its hash.", e.Seq, auditTime(e), e.Action)
		case e.PrevHash != prevHash:
			return head, n, e, posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d (%[2]s, %[3]s) does not follow entry %[4]d: entries were moved, or entry %[4]d was rewritten.", e.Seq, auditTime(e), e.Action, want-1)
		}
		prev, head = e, e.Hash
		n++
	}
	if err := rows.Err(); err != nil {
		return "", n, nil, dbError(err)
	}
	var last int64
	if prev != nil {
		last = prev.Seq
	}
	if !headRow {
		return head, n, nil, nil
	}
	var hSeq int64
	var hHash string
	err = q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&hSeq, &hHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return head, n, &posdesk.AuditEntry{Seq: last + 1}, posdesk.Errorf(posdesk.ECONFLICT, "The audit trail's head record is missing: somebody deleted it. The %d entries present are intact.", n)
	case err != nil:
		return "", n, nil, dbError(err)
	case hSeq > last:
		return head, n, &posdesk.AuditEntry{Seq: last + 1}, posdesk.Errorf(posdesk.ECONFLICT, "Audit entries %[1]d to %[2]d are missing from the end: the trail stops at entry %[3]d but entry %[2]d was recorded.", last+1, hSeq, last)
	case hSeq < last:
		return head, n, &posdesk.AuditEntry{Seq: hSeq + 1}, posdesk.Errorf(posdesk.ECONFLICT, "Audit entries %[1]d to %[2]d were added without posdesk: the head record stops at entry %[3]d.", hSeq+1, last, hSeq)
	case hHash != head:
		return head, n, prev, posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d (%[2]s, %[3]s) is not the entry the head record names: the end of the trail was rewritten.", prev.Seq, auditTime(prev), prev.Action)
	}
	return head, n, nil, nil
}

// auditTriggers are the triggers of migration 0005 that keep the trail append-only.
var auditTriggers = []string{"audit_log_no_update", "audit_log_no_delete", "audit_head_forward", "audit_head_no_delete"}

// MissingAuditTriggers returns the names of the append-only triggers of the audit trail that
// were dropped (somebody worked on the file with another tool).
func (db *DB) MissingAuditTriggers(ctx context.Context) ([]string, error) {
	return missingAuditTriggers(ctx, db.read)
}

func missingAuditTriggers(ctx context.Context, q querier) ([]string, error) {
	var missing []string
	for _, name := range auditTriggers {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?`, name).Scan(&n); err != nil {
			return nil, dbError(err)
		}
		if n == 0 {
			missing = append(missing, name)
		}
	}
	return missing, nil
}

// CheckAnchor checks the trail against an anchor kept outside the database (the head printed on
// a packet, or stored in a backup): the entry numbered a.Seq must exist and its hash must start
// with a.Hash (at least 8 hex digits). A missing entry means the trail was cut back; a different
// hash means it was rewritten since the anchor was taken.
func (db *DB) CheckAnchor(ctx context.Context, a posdesk.AuditHead) error {
	return checkAnchor(ctx, db.read, a, "")
}

func checkAnchor(ctx context.Context, q querier, a posdesk.AuditHead, source string) error {
	if source == "" {
		source = a.Short()
	}
	if a.Seq == 0 {
		return nil
	}
	var hash string
	err := q.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, a.Seq).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d is missing, but %[2]s shows it existed: the trail was cut back.", a.Seq, source)
	} else if err != nil {
		return dbError(err)
	}
	if !strings.HasPrefix(hash, strings.ToLower(a.Hash)) {
		// A restore gives up the entries after the backup's head on purpose: say so when one
		// happened at or before the anchor's entry.
		var rseq int64
		var rtime string
		err := q.QueryRowContext(ctx, `SELECT seq, time FROM audit_log WHERE action = 'restore' AND seq <= ? ORDER BY seq DESC LIMIT 1`, a.Seq).Scan(&rseq, &rtime)
		if err == nil {
			return posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d differs from the one %[2]s recorded. A backup was restored at entry %[3]d (%[4]s): if %[2]s was taken before that restore, it belongs to the history the restore gave up.", a.Seq, source, rseq, rtime)
		}
		return posdesk.Errorf(posdesk.ECONFLICT, "Audit entry %[1]d differs from the one %[2]s recorded: the trail was rewritten.", a.Seq, source)
	}
	return nil
}

// checkDB runs integrity_check and foreign_key_check on q and returns the problems found.
func checkDB(ctx context.Context, q querier) ([]string, error) {
	var problems []string
	rows, err := q.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, dbError(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		if s != "ok" {
			problems = append(problems, "integrity_check: "+s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	rows, err = q.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, dbError(err)
		}
		problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %d refers to a missing %s", table, rowid.Int64, parent))
	}
	return problems, dbError(rows.Err())
}
