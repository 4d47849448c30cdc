package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the incident service.
var _ posdesk.IncidentService = (*DB)(nil)

const incColumns = `i.id, i.number, i.kind, i.cause, i.status, i.outcome, i.time, i.amount_minor, i.currency, i.story,
	i.case_number, i.deadline, i.deadline_source, i.customer_name, i.customer_phone, coalesce(i.personal_erased_at, 0),
	i.packet_sha256, coalesce(i.packet_at, 0), coalesce(i.resolved_at, 0), i.created_at, i.created_by, i.updated_at,
	(SELECT count(*) FROM attachments a WHERE a.incident_id = i.id),
	(SELECT count(*) FROM contacts c WHERE c.incident_id = i.id)`

func scanIncident(s scanner) (*posdesk.Incident, error) {
	var inc posdesk.Incident
	var tm, minor, erased, packetAt, resolved, created, updated int64
	var cur, deadline string
	err := s.Scan(&inc.ID, &inc.Number, &inc.Kind, &inc.Cause, &inc.Status, &inc.Outcome, &tm, &minor, &cur, &inc.Story,
		&inc.CaseNumber, &deadline, &inc.DeadlineSource, &inc.CustomerName, &inc.CustomerPhone, &erased,
		&inc.PacketSHA256, &packetAt, &resolved, &created, &inc.CreatedBy, &updated,
		&inc.AttachmentCount, &inc.ContactCount)
	if err != nil {
		return nil, err
	}
	inc.Time, inc.Amount = fromUnix(tm), posdesk.NewMoney(minor, cur)
	if inc.Deadline, err = posdesk.ParseDate(deadline); err != nil {
		return nil, err
	}
	inc.PersonalErasedAt, inc.PacketAt, inc.ResolvedAt = fromUnix(erased), fromUnix(packetAt), fromUnix(resolved)
	inc.CreatedAt, inc.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &inc, nil
}

// FindIncidentByID returns the incident with its linked records, timeline and contacts.
func (db *DB) FindIncidentByID(ctx context.Context, id int64) (*posdesk.Incident, error) {
	return db.findIncident(ctx, `i.id = ?`, id)
}

// FindIncidentByNumber returns the incident numbered like "INC-2026-0007" (or given by its ID).
func (db *DB) FindIncidentByNumber(ctx context.Context, number string) (*posdesk.Incident, error) {
	id, year, seq, err := posdesk.ParseIncidentRef(number)
	if err != nil {
		return nil, err
	}
	if id != 0 {
		return db.FindIncidentByID(ctx, id)
	}
	inc, err := db.findIncident(ctx, `i.year = ? AND i.seq = ?`, year, seq)
	if posdesk.ErrorCode(err) == posdesk.ENOTFOUND {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Incident %s does not exist.", posdesk.NumberFor(year, seq))
	}
	return inc, err
}

func (db *DB) findIncident(ctx context.Context, where string, args ...any) (*posdesk.Incident, error) {
	inc, err := findIncident(ctx, db.read, where, args...)
	if err != nil {
		return nil, err
	}
	if inc.Events, err = findIncidentEvents(ctx, db.read, inc.ID); err != nil {
		return nil, err
	}
	if inc.Contacts, err = findContacts(ctx, db.read, inc.ID); err != nil {
		return nil, err
	}
	return inc, nil
}

// findIncident returns one incident with its linked records (no timeline, no contacts).
func findIncident(ctx context.Context, q querier, where string, args ...any) (*posdesk.Incident, error) {
	inc, err := scanIncident(q.QueryRowContext(ctx, `SELECT `+incColumns+` FROM incidents i WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		if len(args) == 1 {
			return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Incident %d does not exist.", args[0])
		}
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "The incident does not exist.")
	} else if err != nil {
		return nil, dbError(err)
	}
	links, err := linkedTransactions(ctx, q, []int64{inc.ID})
	if err != nil {
		return nil, err
	}
	inc.Transactions = links[inc.ID]
	return inc, nil
}

// linkedTransactions returns the ledger records linked to each of the incidents, oldest first.
func linkedTransactions(ctx context.Context, q querier, ids []int64) (map[int64][]*posdesk.Transaction, error) {
	out := map[int64][]*posdesk.Transaction{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// The two tables share no column names, so txColumns needs no table prefix here.
	rows, err := q.QueryContext(ctx, `SELECT incident_id, `+txColumns+`
		FROM incident_transactions JOIN transactions ON id = transaction_id
		WHERE incident_id IN (`+placeholders(len(ids))+`) ORDER BY incident_id, time, id`, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var incID int64
		t, err := scanTransaction(prefixScanner{rows, &incID})
		if err != nil {
			return nil, dbError(err)
		}
		out[incID] = append(out[incID], t)
	}
	return out, dbError(rows.Err())
}

// prefixScanner scans one leading column into first, then the rest with the wrapped scanner.
type prefixScanner struct {
	s     scanner
	first any
}

func (p prefixScanner) Scan(dest ...any) error { return p.s.Scan(append([]any{p.first}, dest...)...) }

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func findIncidentEvents(ctx context.Context, q querier, incidentID int64) ([]*posdesk.IncidentEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, incident_id, time, actor, type, from_status, to_status, outcome, ref_id, detail
		FROM incident_events WHERE incident_id = ? ORDER BY id`, incidentID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.IncidentEvent
	for rows.Next() {
		var e posdesk.IncidentEvent
		var tm int64
		if err := rows.Scan(&e.ID, &e.IncidentID, &tm, &e.Actor, &e.Type, &e.From, &e.To, &e.Outcome, &e.RefID, &e.Detail); err != nil {
			return nil, dbError(err)
		}
		e.Time = fromUnix(tm)
		out = append(out, &e)
	}
	return out, dbError(rows.Err())
}

func findContacts(ctx context.Context, q querier, incidentID int64) ([]*posdesk.Contact, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, incident_id, time, channel, party, person, ticket, summary, next_step, due,
		created_at, created_by FROM contacts WHERE incident_id = ? ORDER BY time, id`, incidentID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Contact
	for rows.Next() {
		var c posdesk.Contact
		var tm, created int64
		var due string
		if err := rows.Scan(&c.ID, &c.IncidentID, &tm, &c.Channel, &c.Party, &c.Person, &c.Ticket, &c.Summary, &c.NextStep,
			&due, &created, &c.CreatedBy); err != nil {
			return nil, dbError(err)
		}
		c.Time, c.CreatedAt = fromUnix(tm), fromUnix(created)
		if c.Due, err = posdesk.ParseDate(due); err != nil {
			return nil, dbError(err)
		}
		out = append(out, &c)
	}
	return out, dbError(rows.Err())
}

var activeStatuses = `('open', 'contacting', 'waiting_for_bank')`

// incWhere builds the WHERE clause of an incident filter. skip names a field to leave out
// ("status", "kind" or "cause"), for the per-choice counts.
func incWhere(f posdesk.IncidentFilter, skip string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds, args = append(conds, cond), append(args, a...) }
	if f.Status != "" && skip != "status" {
		add("i.status = ?", string(f.Status))
	}
	if f.Active && skip != "status" {
		add("i.status IN " + activeStatuses)
	}
	if f.Kind != "" && skip != "kind" {
		add("i.kind = ?", string(f.Kind))
	}
	if f.Cause != "" && skip != "cause" {
		add("i.cause = ?", string(f.Cause))
	}
	if !f.OverdueOn.IsZero() {
		add("i.status IN "+activeStatuses+" AND i.deadline <> '' AND i.deadline < ?", f.OverdueOn.String())
	}
	if f.TransactionID != 0 {
		add("i.id IN (SELECT incident_id FROM incident_transactions WHERE transaction_id = ?)", f.TransactionID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		number := strings.ToUpper(q)
		if _, y, s, err := posdesk.ParseIncidentRef(q); err == nil && y != 0 {
			number = posdesk.NumberFor(y, s)
		}
		add(`(i.number = ? OR i.case_number = ? OR i.story LIKE ? ESCAPE '\' OR i.id IN (
			SELECT it.incident_id FROM incident_transactions it JOIN transactions t ON t.id = it.transaction_id
			WHERE t.rrn = ? OR t.trace = ? OR t.auth_code = ? OR t.card_last4 = ?))`,
			number, q, "%"+likeEscape(q)+"%", q, q, q, q)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindIncidents returns one page of incidents, newest first, with their linked records, and the
// total number matching the filter.
func (db *DB) FindIncidents(ctx context.Context, f posdesk.IncidentFilter) ([]*posdesk.Incident, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	where, args := incWhere(f, "")
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM incidents i`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+incColumns+` FROM incidents i`+where+` ORDER BY i.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Incident
	var ids []int64
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out, ids = append(out, inc), append(ids, inc.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, dbError(err)
	}
	rows.Close()
	links, err := linkedTransactions(ctx, db.read, ids)
	if err != nil {
		return nil, 0, err
	}
	for _, inc := range out {
		inc.Transactions = links[inc.ID]
	}
	return out, total, nil
}

// CountIncidents counts the incidents matching f per status, kind and cause. Each breakdown
// leaves out the filter's own field; Total and Overdue use the whole filter, overdue as of today.
func (db *DB) CountIncidents(ctx context.Context, f posdesk.IncidentFilter, today posdesk.Date) (*posdesk.IncidentCounts, error) {
	c := &posdesk.IncidentCounts{ByStatus: map[posdesk.IncidentStatus]int{}, ByKind: map[posdesk.IncidentKind]int{}, ByCause: map[posdesk.Cause]int{}}
	where, args := incWhere(f, "")
	err := db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(i.status IN `+activeStatuses+` AND i.deadline <> '' AND i.deadline < ?), 0)
		FROM incidents i`+where, append([]any{today.String()}, args...)...).Scan(&c.Total, &c.Overdue)
	if err != nil {
		return nil, dbError(err)
	}
	for _, by := range []struct {
		col string
		put func(string, int)
	}{
		{"status", func(k string, n int) { c.ByStatus[posdesk.IncidentStatus(k)] = n }},
		{"kind", func(k string, n int) { c.ByKind[posdesk.IncidentKind(k)] = n }},
		{"cause", func(k string, n int) { c.ByCause[posdesk.Cause(k)] = n }},
	} {
		where, args := incWhere(f, by.col)
		rows, err := db.read.QueryContext(ctx, `SELECT i.`+by.col+`, count(*) FROM incidents i`+where+` GROUP BY i.`+by.col, args...)
		if err != nil {
			return nil, dbError(err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, dbError(err)
			}
			by.put(k, n)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, dbError(err)
		}
	}
	return c, nil
}

// auditIncident is the JSON shape of an incident in the audit trail. Customer details are
// recorded as present or not, never by value: the trail cannot be edited, and personal data must
// stay erasable.
func auditIncident(inc *posdesk.Incident) map[string]any {
	return map[string]any{
		"number": inc.Number, "kind": inc.Kind, "cause": inc.Cause, "status": inc.Status, "outcome": inc.Outcome,
		"time": inc.Time.Format("2006-01-02T15:04:05Z"), "amount": inc.Amount.Plain(), "currency": inc.Amount.Currency,
		"story": inc.Story, "case_number": inc.CaseNumber, "deadline": inc.Deadline.String(), "deadline_source": inc.DeadlineSource,
		"customer_name": presence(inc.CustomerName), "customer_phone": presence(inc.CustomerPhone), "transactions": inc.TransactionIDs(),
	}
}

func presence(s string) string {
	if s == "" {
		return ""
	}
	return "(recorded)"
}

// addEvent appends a timeline entry inside tx.
func addEvent(tx *Tx, e *posdesk.IncidentEvent) error {
	e.Time, e.Actor = tx.now, posdesk.ActorName(tx.ctx)
	res, err := tx.ExecContext(tx.ctx, `INSERT INTO incident_events (incident_id, time, actor, type, from_status, to_status,
		outcome, ref_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.IncidentID, unix(e.Time), e.Actor, e.Type, e.From, e.To, e.Outcome, e.RefID, posdesk.MaskText(e.Detail))
	if err != nil {
		return dbError(err)
	}
	e.ID, err = res.LastInsertId()
	return dbError(err)
}

// CreateIncident logs inc with status open. Linked records with ID 0 are the slip's identifiers:
// an existing record with the same RRN is linked, otherwise the record is created, all in the
// same database transaction as the incident.
func (db *DB) CreateIncident(ctx context.Context, inc *posdesk.Incident) error {
	if err := db.authorize(ctx, posdesk.ActLogIncident, "incident", 0); err != nil {
		return err
	}
	if len(inc.Transactions) == 0 {
		return posdesk.Invalid("transactions", "Link the incident to a ledger transaction, or enter the slip's amount and time.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createIncident(tx, inc); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbError(err)
	}
	inc.Events, inc.Contacts = nil, nil
	return nil
}

// createIncident logs inc with status open inside tx (see CreateIncident), with its linked or
// created ledger records, its first timeline entry and its audit entry. It links whatever
// records inc has, none included: callers decide whether an incident may have none.
func createIncident(tx *Tx, inc *posdesk.Incident) error {
	ctx := tx.ctx
	// Check everything before writing, so a form can show every problem at once.
	var es posdesk.Errors
	for _, t := range inc.Transactions {
		if t == nil {
			return posdesk.Invalid("transactions", "Link the incident to a ledger transaction, or enter the slip's amount and time.")
		}
		if t.ID == 0 {
			t.Normalize()
			es = appendErrors(es, t.Validate())
		}
	}
	for i, t := range inc.Transactions {
		if t.ID != 0 {
			found, err := linkableTransaction(tx, t.ID)
			if err != nil {
				return err
			}
			inc.Transactions[i] = found
		}
	}
	inc.Status, inc.Outcome = posdesk.IncidentOpen, ""
	inc.Normalize() // takes the time and amount from the first record when they are not given
	// The incident takes its time and amount from the slip: report each field once.
	for _, e := range appendErrors(nil, inc.Validate()) {
		if !hasField(es, e.Field) {
			es = append(es, e)
		}
	}
	if err := es.Err(); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for i, t := range inc.Transactions {
		if t.ID == 0 {
			found, err := matchSlip(tx, t)
			if err != nil {
				return err
			}
			if found != nil {
				inc.Transactions[i] = found
			} else if err := createTransaction(tx, t); err != nil {
				return err
			}
		}
		if seen[inc.Transactions[i].ID] {
			return posdesk.Invalid("transactions", "Transaction %d is given twice; link each record once.", inc.Transactions[i].ID)
		}
		seen[inc.Transactions[i].ID] = true
	}

	local := tx.db.Now()
	year := local.Year()
	var seq int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM incidents WHERE year = ?`, year).Scan(&seq); err != nil {
		return dbError(err)
	}
	inc.Number = posdesk.NumberFor(year, seq)
	inc.CreatedAt, inc.UpdatedAt, inc.CreatedBy = tx.now, tx.now, posdesk.ActorName(ctx)
	res, err := tx.ExecContext(ctx, `INSERT INTO incidents (year, seq, number, kind, cause, status, outcome, time, amount_minor,
		currency, story, case_number, deadline, deadline_source, customer_name, customer_phone, created_at, created_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		year, seq, inc.Number, inc.Kind, inc.Cause, inc.Status, inc.Outcome, inc.Time.Unix(), inc.Amount.Minor(),
		inc.Amount.Currency, inc.Story, inc.CaseNumber, inc.Deadline.String(), inc.DeadlineSource, inc.CustomerName,
		inc.CustomerPhone, unix(inc.CreatedAt), inc.CreatedBy, unix(inc.UpdatedAt))
	if err != nil {
		return dbError(err)
	}
	if inc.ID, err = res.LastInsertId(); err != nil {
		return dbError(err)
	}
	for _, t := range inc.Transactions {
		if err := linkTransaction(tx, inc.ID, t.ID); err != nil {
			return err
		}
	}
	if err := addEvent(tx, &posdesk.IncidentEvent{IncidentID: inc.ID, Type: posdesk.EventCreated, To: posdesk.IncidentOpen}); err != nil {
		return err
	}
	return tx.audit("incident.create", "incident", inc.ID, nil, auditIncident(inc))
}

func appendErrors(es posdesk.Errors, err error) posdesk.Errors {
	if err == nil {
		return es
	}
	var more posdesk.Errors
	if errors.As(err, &more) {
		return append(es, more...)
	}
	var e *posdesk.Error
	if errors.As(err, &e) {
		return append(es, e)
	}
	return append(es, posdesk.Internal(err))
}

func hasField(es posdesk.Errors, field string) bool {
	for _, e := range es {
		if e.Field == field {
			return true
		}
	}
	return false
}

// linkableTransaction returns the ledger record id if it exists and is not voided.
func linkableTransaction(tx *Tx, id int64) (*posdesk.Transaction, error) {
	t, err := findTransactionByID(tx.ctx, tx, id)
	if posdesk.ErrorCode(err) == posdesk.ENOTFOUND {
		return nil, posdesk.Invalid("transactions", "Transaction %d does not exist; check the ID in the ledger.", id)
	} else if err != nil {
		return nil, err
	}
	if t.Voided() {
		return nil, posdesk.Invalid("transactions", "Transaction %d was voided (entered by mistake); link the right record instead.", id)
	}
	return t, nil
}

// matchSlip returns the ledger record a slip describes when the ledger already has it: the same
// RRN, or the same terminal and trace number with the same amount on the same day. It returns
// nil when there is none.
func matchSlip(tx *Tx, slip *posdesk.Transaction) (*posdesk.Transaction, error) {
	var q string
	var args []any
	switch {
	case slip.RRN != "":
		q, args = `rrn = ?`, []any{slip.RRN}
	case slip.Terminal != "" && slip.Trace != "":
		day := slip.Time.Unix()
		q, args = `terminal = ? AND trace = ? AND amount_minor = ? AND currency = ? AND time BETWEEN ? AND ?`,
			[]any{slip.Terminal, slip.Trace, slip.Amount.Minor(), slip.Amount.Currency, day - 86400, day + 86400}
	default:
		return nil, nil
	}
	t, err := scanTransaction(tx.QueryRowContext(tx.ctx, `SELECT `+txColumns+` FROM transactions WHERE voided_at IS NULL AND `+q+` ORDER BY id LIMIT 1`, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return t, dbError(err)
}

func linkTransaction(tx *Tx, incidentID, txID int64) error {
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO incident_transactions (incident_id, transaction_id, linked_at, linked_by) VALUES (?, ?, ?, ?)`,
		incidentID, txID, unix(tx.now), posdesk.ActorName(tx.ctx))
	return dbError(err)
}

// UpdateIncident changes an incident's facts and links. Each changed field and each link is on
// the timeline; the old values are in the audit trail.
func (db *DB) UpdateIncident(ctx context.Context, id int64, upd posdesk.IncidentUpdate) (*posdesk.Incident, error) {
	if err := db.authorize(ctx, posdesk.ActEditIncident, "incident", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	inc, err := findIncident(ctx, tx, `i.id = ?`, id)
	if err != nil {
		return nil, err
	}
	old := auditIncident(inc)
	changed := upd.Apply(inc)
	inc.Normalize()
	if err := inc.Validate(); err != nil {
		return nil, err
	}
	linked := map[int64]bool{}
	for _, t := range inc.Transactions {
		linked[t.ID] = true
	}
	var events []*posdesk.IncidentEvent
	for _, txID := range upd.Link {
		if linked[txID] {
			return nil, posdesk.Errorf(posdesk.ECONFLICT, "Transaction %d is already linked to incident %s.", txID, inc.Number)
		}
		t, err := linkableTransaction(tx, txID)
		if err != nil {
			return nil, err
		}
		if err := linkTransaction(tx, id, txID); err != nil {
			return nil, err
		}
		linked[txID] = true
		inc.Transactions = append(inc.Transactions, t)
		events = append(events, &posdesk.IncidentEvent{IncidentID: id, Type: posdesk.EventLink, RefID: txID})
	}
	for _, txID := range upd.Unlink {
		if !linked[txID] {
			return nil, posdesk.Invalid("transactions", "Transaction %d is not linked to incident %s.", txID, inc.Number)
		}
		if len(linked) == 1 {
			return nil, posdesk.Invalid("transactions", "An incident keeps at least one ledger transaction; link the right one before unlinking %d.", txID)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM incident_transactions WHERE incident_id = ? AND transaction_id = ?`, id, txID); err != nil {
			return nil, dbError(err)
		}
		delete(linked, txID)
		for i, t := range inc.Transactions {
			if t.ID == txID {
				inc.Transactions = append(inc.Transactions[:i], inc.Transactions[i+1:]...)
				break
			}
		}
		events = append(events, &posdesk.IncidentEvent{IncidentID: id, Type: posdesk.EventUnlink, RefID: txID})
	}
	if len(changed) == 0 && len(events) == 0 {
		return db.FindIncidentByID(ctx, id)
	}
	if len(changed) > 0 {
		inc.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, `UPDATE incidents SET kind = ?, cause = ?, time = ?, amount_minor = ?, currency = ?, story = ?,
			case_number = ?, deadline = ?, deadline_source = ?, customer_name = ?, customer_phone = ?, updated_at = ? WHERE id = ?`,
			inc.Kind, inc.Cause, inc.Time.Unix(), inc.Amount.Minor(), inc.Amount.Currency, inc.Story, inc.CaseNumber,
			inc.Deadline.String(), inc.DeadlineSource, inc.CustomerName, inc.CustomerPhone, unix(inc.UpdatedAt), id)
		if err != nil {
			return nil, dbError(err)
		}
		events = append([]*posdesk.IncidentEvent{{IncidentID: id, Type: posdesk.EventEdit, Detail: strings.Join(changed, ", ")}}, events...)
	}
	for _, e := range events {
		if err := addEvent(tx, e); err != nil {
			return nil, err
		}
	}
	if err := tx.audit("incident.update", "incident", id, old, auditIncident(inc)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	return db.FindIncidentByID(ctx, id)
}

// SetIncidentStatus moves an incident along the workflow. Illegal moves are refused with a
// message saying which moves are allowed.
func (db *DB) SetIncidentStatus(ctx context.Context, id int64, ch posdesk.StatusChange) (*posdesk.Incident, error) {
	if err := db.authorize(ctx, posdesk.ActEditIncident, "incident", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	inc, err := findIncident(ctx, tx, `i.id = ?`, id)
	if err != nil {
		return nil, err
	}
	from, oldOutcome := inc.Status, inc.Outcome
	ev, err := inc.ChangeStatus(ch, tx.now)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE incidents SET status = ?, outcome = ?, resolved_at = ?, updated_at = ? WHERE id = ?`,
		inc.Status, inc.Outcome, nullTime(inc.ResolvedAt), unix(inc.UpdatedAt), id)
	if err != nil {
		return nil, dbError(err)
	}
	if err := addEvent(tx, ev); err != nil {
		return nil, err
	}
	err = tx.audit("incident.status", "incident", id, map[string]any{"status": from, "outcome": oldOutcome},
		map[string]any{"status": inc.Status, "outcome": inc.Outcome, "reason": ev.Detail})
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	return db.FindIncidentByID(ctx, id)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// AddContact logs a call, visit or message about an incident. A zero Time means now.
func (db *DB) AddContact(ctx context.Context, c *posdesk.Contact) error {
	if err := db.authorize(ctx, posdesk.ActAddContact, "incident", c.IncidentID); err != nil {
		return err
	}
	if c.Time.IsZero() {
		c.Time = db.now()
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := findIncident(ctx, tx, `i.id = ?`, c.IncidentID); err != nil {
		return err
	}
	c.CreatedAt, c.CreatedBy = tx.now, posdesk.ActorName(ctx)
	res, err := tx.ExecContext(ctx, `INSERT INTO contacts (incident_id, time, channel, party, person, ticket, summary, next_step,
		due, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.IncidentID, c.Time.Unix(), c.Channel, c.Party, c.Person, c.Ticket, c.Summary, c.NextStep, c.Due.String(),
		unix(c.CreatedAt), c.CreatedBy)
	if err != nil {
		return dbError(err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return dbError(err)
	}
	if err := addEvent(tx, &posdesk.IncidentEvent{IncidentID: c.IncidentID, Type: posdesk.EventContact, RefID: c.ID,
		Detail: string(c.Party) + " " + string(c.Channel)}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET updated_at = ? WHERE id = ?`, unix(tx.now), c.IncidentID); err != nil {
		return dbError(err)
	}
	if err := tx.audit("incident.contact", "incident", c.IncidentID, nil, auditContact(c)); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// auditContact is the JSON shape of a contact in the audit trail; a customer's name is recorded
// as present only (see auditIncident).
func auditContact(c *posdesk.Contact) map[string]any {
	person := c.Person
	if c.Party == posdesk.PartyCustomer {
		person = presence(person)
	}
	return map[string]any{"contact": c.ID, "time": c.Time.Format("2006-01-02T15:04:05Z"), "channel": c.Channel, "party": c.Party,
		"person": person, "ticket": c.Ticket, "summary": c.Summary, "next": c.NextStep, "due": c.Due.String()}
}

// EraseIncidentPersonalData removes the customer's name and phone from the incident and the
// names of customers from its contact log. Amounts, records, timeline and files stay.
func (db *DB) EraseIncidentPersonalData(ctx context.Context, id int64) error {
	if err := db.authorize(ctx, posdesk.ActErasePersonalData, "incident", id); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	inc, err := findIncident(ctx, tx, `i.id = ?`, id)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE contacts SET person = '' WHERE incident_id = ? AND party = 'customer' AND person <> ''`, id)
	if err != nil {
		return dbError(err)
	}
	contacts, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET customer_name = '', customer_phone = '', personal_erased_at = ?,
		updated_at = ? WHERE id = ?`, unix(tx.now), unix(tx.now), id); err != nil {
		return dbError(err)
	}
	if err := addEvent(tx, &posdesk.IncidentEvent{IncidentID: id, Type: posdesk.EventErased}); err != nil {
		return err
	}
	err = tx.audit("incident.erase_personal", "incident", id,
		map[string]any{"customer_name": presence(inc.CustomerName), "customer_phone": presence(inc.CustomerPhone)},
		map[string]any{"customer_name": "", "customer_phone": "", "contacts_erased": contacts})
	if err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// SetPacketHash records the SHA-256 (hex) of the evidence packet built for the incident at at.
func (db *DB) SetPacketHash(ctx context.Context, id int64, sha string, at time.Time) error {
	if err := db.authorize(ctx, posdesk.ActBuildPacket, "incident", id); err != nil {
		return err
	}
	sha = strings.ToLower(strings.TrimSpace(sha))
	if b, err := hex.DecodeString(sha); err != nil || len(b) != 32 {
		return posdesk.Invalid("sha256", "%q is not a SHA-256 checksum (64 hexadecimal characters).", sha)
	}
	if at.IsZero() {
		at = db.now()
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	inc, err := findIncident(ctx, tx, `i.id = ?`, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET packet_sha256 = ?, packet_at = ?, updated_at = ? WHERE id = ?`,
		sha, at.Unix(), unix(tx.now), id); err != nil {
		return dbError(err)
	}
	if err := addEvent(tx, &posdesk.IncidentEvent{IncidentID: id, Type: posdesk.EventPacket, Detail: sha}); err != nil {
		return err
	}
	if err := tx.audit("incident.packet", "incident", id, map[string]any{"packet_sha256": inc.PacketSHA256},
		map[string]any{"packet_sha256": sha, "packet_at": at.UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}
