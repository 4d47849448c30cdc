package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the refund and holiday services.
var (
	_ posdesk.RefundService  = (*DB)(nil)
	_ posdesk.HolidayService = (*DB)(nil)
)

// RefundLocation is the time zone in which "today" is decided for refund dates (the day a receipt
// arrived, a status changed, a follow-up was opened) when the shop has not set one (setting
// shop.timezone, an IANA name such as Asia/Shanghai): the PC's.
var RefundLocation = time.Local

// ShopTimezoneSetting is the setting naming the shop's time zone (the Settings screen's).
const ShopTimezoneSetting = "shop.timezone"

// shopLocation returns the shop's time zone: the shop.timezone setting, or RefundLocation.
func shopLocation(ctx context.Context, q querier) *time.Location {
	var name string
	if err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, ShopTimezoneSetting).Scan(&name); err == nil && name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return RefundLocation
}

const refundColumns = `id, coalesce(incident_id, 0), direction, method, status, currency, expected_minor, fees_minor,
	fees_reason, received_minor, written_off_minor, counterparty, customer, reason, case_ref, opened_on, requested_by,
	approved_by, coalesce(approved_at, 0), due, due_source, arrival_days, arrival_workdays, expected_by, next_action,
	next_action_on, status_reason, status_on, created_at, created_by, updated_at`

// refundDate reads a YYYY-MM-DD column; an empty one is the zero Date.
func refundDate(s string) (posdesk.Date, error) {
	if s == "" {
		return posdesk.Date{}, nil
	}
	d, err := posdesk.ParseDate(s)
	if err != nil {
		return posdesk.Date{}, fmt.Errorf("bad date %q in the database: %w", s, err)
	}
	return d, nil
}

func scanRefund(s scanner) (*posdesk.Refund, error) {
	var r posdesk.Refund
	var cur, opened, due, expBy, nextOn, statusOn string
	var expected, fees, received, writtenOff, approvedAt, created, updated int64
	var workdays int
	err := s.Scan(&r.ID, &r.IncidentID, &r.Direction, &r.Method, &r.Status, &cur, &expected, &fees,
		&r.FeesReason, &received, &writtenOff, &r.Counterparty, &r.Customer, &r.Reason, &r.CaseRef, &opened, &r.RequestedBy,
		&r.ApprovedBy, &approvedAt, &due, &r.DueSource, &r.Arrival.Days, &workdays, &expBy, &r.NextAction,
		&nextOn, &r.StatusReason, &statusOn, &created, &r.CreatedBy, &updated)
	if err != nil {
		return nil, err
	}
	r.Arrival.Workdays = workdays == 1
	r.Expected, r.Fees = posdesk.NewMoney(expected, cur), posdesk.NewMoney(fees, cur)
	r.Received, r.WrittenOff = posdesk.NewMoney(received, cur), posdesk.NewMoney(writtenOff, cur)
	r.ApprovedAt, r.CreatedAt, r.UpdatedAt = fromUnix(approvedAt), fromUnix(created), fromUnix(updated)
	for _, p := range []struct {
		dst *posdesk.Date
		src string
	}{{&r.OpenedOn, opened}, {&r.Due, due}, {&r.ExpectedBy, expBy}, {&r.NextActionOn, nextOn}, {&r.StatusOn, statusOn}} {
		if *p.dst, err = refundDate(p.src); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

const receiptColumns = `id, refund_id, received_on, amount_minor, currency, note, over_payment, coalesce(voided_at, 0),
	void_reason, created_at, created_by`

// receiptColumnsRC is receiptColumns for refund_receipts AS rc.
const receiptColumnsRC = `rc.id, rc.refund_id, rc.received_on, rc.amount_minor, rc.currency, rc.note, rc.over_payment,
	coalesce(rc.voided_at, 0), rc.void_reason, rc.created_at, rc.created_by`

func scanReceipt(s scanner) (*posdesk.RefundReceipt, error) {
	var rc posdesk.RefundReceipt
	var on, cur string
	var amount, voided, created int64
	var over int
	if err := s.Scan(&rc.ID, &rc.RefundID, &on, &amount, &cur, &rc.Note, &over, &voided, &rc.VoidReason, &created, &rc.CreatedBy); err != nil {
		return nil, err
	}
	var err error
	if rc.On, err = refundDate(on); err != nil {
		return nil, err
	}
	rc.Amount, rc.OverPayment = posdesk.NewMoney(amount, cur), over == 1
	rc.VoidedAt, rc.CreatedAt = fromUnix(voided), fromUnix(created)
	return &rc, nil
}

// FindRefundByID returns the follow-up with its receipts (voided ones included), or ENOTFOUND.
func (db *DB) FindRefundByID(ctx context.Context, id int64) (*posdesk.Refund, error) {
	return findRefundByID(ctx, db.read, id)
}

func findRefundByID(ctx context.Context, q querier, id int64) (*posdesk.Refund, error) {
	r, err := scanRefund(q.QueryRowContext(ctx, `SELECT `+refundColumns+` FROM refunds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Refund follow-up %d does not exist.", id)
	} else if err != nil {
		return nil, dbError(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+receiptColumns+` FROM refund_receipts WHERE refund_id = ? ORDER BY received_on, id`, id)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		rc, err := scanReceipt(rows)
		if err != nil {
			return nil, dbError(err)
		}
		r.Receipts = append(r.Receipts, rc)
	}
	return r, dbError(rows.Err())
}

// refundIn appends "col IN (?, ...)" for vals to conds and args.
func refundIn(conds []string, args []any, col string, vals []string) ([]string, []any) {
	if len(vals) == 0 {
		return conds, args
	}
	conds = append(conds, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
	for _, v := range vals {
		args = append(args, v)
	}
	return conds, args
}

// refundWhere builds the WHERE clause of a refund filter. The dashboard's figures are sums over
// exactly this clause, so a figure always equals the sum of the list behind it.
func refundWhere(f posdesk.RefundFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds, args = append(conds, cond), append(args, a...) }
	if f.ID != 0 {
		add("id = ?", f.ID)
	}
	if f.IncidentID != 0 {
		add("incident_id = ?", f.IncidentID)
	}
	if f.Standalone {
		add("incident_id IS NULL")
	}
	conds, args = refundIn(conds, args, "status", strs(f.Statuses))
	if f.Open {
		add("status NOT IN ('closed', 'rejected', 'written_off')")
	}
	conds, args = refundIn(conds, args, "direction", strs(f.Directions))
	if f.Owing {
		add("outstanding_minor > 0")
	}
	between := func(col string, from, to posdesk.Date) {
		if !from.IsZero() {
			add(col+" <> '' AND "+col+" >= ?", from.String())
		}
		if !to.IsZero() {
			add(col+" <> '' AND "+col+" <= ?", to.String())
		}
	}
	between("opened_on", f.OpenedFrom, f.OpenedTo)
	between("due", f.DueFrom, f.DueTo)
	between("status_on", f.StatusFrom, f.StatusTo)
	between("next_date", posdesk.Date{}, f.NextTo)
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + likeEscape(q) + "%"
		cond := `(case_ref LIKE ? ESCAPE '\' OR counterparty LIKE ? ESCAPE '\' OR customer LIKE ? ESCAPE '\'
			OR reason LIKE ? ESCAPE '\' OR next_action LIKE ? ESCAPE '\'`
		a := []any{like, like, like, like, like}
		if n, err := strconv.ParseInt(q, 10, 64); err == nil {
			cond += " OR id = ? OR incident_id = ?"
			a = append(a, n, n)
		}
		add(cond+")", a...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindRefunds returns the follow-ups matching f, earliest next date first (none last, then by
// ID), and how many match in all.
func (db *DB) FindRefunds(ctx context.Context, f posdesk.RefundFilter) ([]*posdesk.Refund, int, error) {
	where, args := refundWhere(f)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM refunds`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	q := `SELECT ` + refundColumns + ` FROM refunds` + where + ` ORDER BY next_date = '', next_date, id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	} else if f.Offset > 0 {
		q += ` LIMIT -1 OFFSET ?`
		args = append(args, f.Offset)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Refund
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, r)
	}
	return out, total, dbError(rows.Err())
}

// SumRefunds returns the count and sums per currency of the follow-ups matching f.
func (db *DB) SumRefunds(ctx context.Context, f posdesk.RefundFilter) ([]posdesk.RefundTotal, error) {
	where, args := refundWhere(f)
	rows, err := db.read.QueryContext(ctx, `SELECT currency, count(*), coalesce(sum(expected_minor), 0), coalesce(sum(fees_minor), 0),
		coalesce(sum(received_minor), 0), coalesce(sum(outstanding_minor), 0), coalesce(sum(written_off_minor), 0) FROM refunds`+where+`
		GROUP BY currency ORDER BY currency`, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []posdesk.RefundTotal
	for rows.Next() {
		var t posdesk.RefundTotal
		var exp, fees, rec, out2, wo int64
		if err := rows.Scan(&t.Currency, &t.Count, &exp, &fees, &rec, &out2, &wo); err != nil {
			return nil, dbError(err)
		}
		m := func(v int64) posdesk.Money { return posdesk.NewMoney(v, t.Currency) }
		t.Expected, t.Fees, t.Received, t.Outstanding, t.WrittenOff = m(exp), m(fees), m(rec), m(out2), m(wo)
		out = append(out, t)
	}
	return out, dbError(rows.Err())
}

// ApprovalThreshold returns the shop's approval threshold (setting refund.approval_threshold),
// or posdesk.DefaultApprovalThreshold.
func (db *DB) ApprovalThreshold(ctx context.Context) (posdesk.Money, error) {
	return refundThreshold(ctx, db.read)
}

func refundThreshold(ctx context.Context, q querier) (posdesk.Money, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, posdesk.RefundThresholdSetting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && strings.TrimSpace(v) == "") {
		return posdesk.DefaultApprovalThreshold, nil
	} else if err != nil {
		return posdesk.Money{}, dbError(err)
	}
	amount, cur, _ := strings.Cut(strings.TrimSpace(v), " ")
	if cur == "" {
		cur = posdesk.DefaultCurrency
	}
	m, err := posdesk.ParseMoney(amount, strings.TrimSpace(cur))
	if err != nil {
		return posdesk.Money{}, posdesk.Errorf(posdesk.EINVALID, "The setting %[1]s holds %[2]q, which is not an amount; set it to an amount such as 500.00.", posdesk.RefundThresholdSetting, v)
	}
	return m, nil
}

// refundCalendar returns the working-day calendar of the shop's holiday list.
func refundCalendar(ctx context.Context, q querier) (*posdesk.Calendar, error) {
	hs, err := findHolidays(ctx, q, posdesk.Date{}, posdesk.Date{})
	if err != nil {
		return nil, err
	}
	return posdesk.NewCalendar(hs), nil
}

// Calendar returns the working-day calendar of the shop's holiday list.
func (db *DB) Calendar(ctx context.Context) (*posdesk.Calendar, error) {
	return refundCalendar(ctx, db.read)
}

func (tx *Tx) today() posdesk.Date { return posdesk.DateOf(tx.now, shopLocation(tx.ctx, tx)) }

// auditRefund is the JSON shape of a follow-up in the audit trail.
func auditRefund(r *posdesk.Refund) map[string]any {
	return map[string]any{
		"incident": r.IncidentID, "direction": r.Direction, "method": r.Method, "status": r.Status,
		"expected": r.Expected.Plain(), "fees": r.Fees.Plain(), "fees_reason": r.FeesReason, "received": r.Received.Plain(),
		"written_off": r.WrittenOff.Plain(), "currency": r.Expected.Currency, "counterparty": r.Counterparty,
		"customer": presenceOf(r.Customer), "reason": r.Reason, "case_ref": r.CaseRef, "opened": r.OpenedOn.String(),
		"requested_by": r.RequestedBy, "approved_by": r.ApprovedBy, "due": r.Due.String(), "due_source": r.DueSource,
		"arrival": r.Arrival.String(), "expected_by": r.ExpectedBy.String(), "next_action": r.NextAction,
		"next_action_on": r.NextActionOn.String(), "status_reason": r.StatusReason, "status_on": r.StatusOn.String(),
	}
}

// presenceOf keeps personal data out of the audit trail: it says whether the field is set.
func presenceOf(s string) string {
	if s == "" {
		return ""
	}
	return "(set)"
}

// addRefundEvent appends a line to a follow-up's history inside tx.
func addRefundEvent(tx *Tx, e *posdesk.RefundEvent) error {
	e.Time, e.Actor = tx.now, posdesk.ActorName(tx.ctx)
	e.Note = posdesk.MaskText(e.Note)
	var amount int64
	if e.Amount.Currency != "" {
		amount = e.Amount.Minor()
	}
	res, err := tx.ExecContext(tx.ctx, `INSERT INTO refund_events (refund_id, time, on_date, kind, from_status, to_status,
		amount_minor, currency, note, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.RefundID, unix(e.Time), e.On.String(), e.Kind, string(e.From), string(e.To), amount, e.Amount.Currency, e.Note, e.Actor)
	if err != nil {
		return dbError(err)
	}
	e.ID, err = res.LastInsertId()
	return dbError(err)
}

// saveRefund writes every column of r (except its ID and creation) inside tx.
func saveRefund(tx *Tx, r *posdesk.Refund) error {
	r.UpdatedAt = tx.now
	_, err := tx.ExecContext(tx.ctx, `UPDATE refunds SET direction = ?, method = ?, status = ?, currency = ?,
		expected_minor = ?, fees_minor = ?, fees_reason = ?, received_minor = ?, written_off_minor = ?, counterparty = ?,
		customer = ?, reason = ?, case_ref = ?, opened_on = ?, requested_by = ?, approved_by = ?, approved_at = ?, due = ?,
		due_source = ?, arrival_days = ?, arrival_workdays = ?, expected_by = ?, next_action = ?, next_action_on = ?,
		status_reason = ?, status_on = ?, updated_at = ? WHERE id = ?`,
		r.Direction, r.Method, r.Status, r.Expected.Currency, r.Expected.Minor(), r.Fees.Minor(), r.FeesReason,
		r.Received.Minor(), r.WrittenOff.Minor(), r.Counterparty, r.Customer, r.Reason, r.CaseRef, r.OpenedOn.String(),
		r.RequestedBy, r.ApprovedBy, nullUnix(r.ApprovedAt), r.Due.String(), r.DueSource, r.Arrival.Days,
		boolInt(r.Arrival.Workdays), r.ExpectedBy.String(), r.NextAction, r.NextActionOn.String(), r.StatusReason,
		r.StatusOn.String(), unix(r.UpdatedAt), r.ID)
	return dbError(err)
}

func nullUnix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateRefund validates and stores a new follow-up in status requested.
func (db *DB) CreateRefund(ctx context.Context, r *posdesk.Refund) error {
	if err := db.authorize(ctx, posdesk.ActManageRefund, "refund", 0); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	today := tx.today()
	r.Status, r.ApprovedBy, r.ApprovedAt, r.StatusReason = posdesk.RefundRequested, "", time.Time{}, ""
	r.Received, r.WrittenOff, r.Receipts = posdesk.Money{}, posdesk.Money{}, nil
	requester, err := posdesk.Requester(ctx, r.RequestedBy)
	if err != nil {
		return err
	}
	r.RequestedBy = requester
	if r.OpenedOn.IsZero() {
		r.OpenedOn = today
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	if r.IncidentID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM incidents WHERE id = ?`, r.IncidentID).Scan(&n); err != nil {
			return dbError(err)
		}
		if n == 0 {
			return posdesk.Invalid("incident", "Incident %d does not exist; give the number of a logged incident, or add the refund with --standalone.", r.IncidentID)
		}
	}
	cal, err := refundCalendar(ctx, tx)
	if err != nil {
		return err
	}
	if !r.Arrival.IsZero() {
		r.ExpectedBy = cal.Add(r.OpenedOn, r.Arrival)
	}
	r.StatusOn = r.OpenedOn
	r.CreatedAt, r.UpdatedAt, r.CreatedBy = tx.now, tx.now, posdesk.ActorName(ctx)
	res, err := tx.ExecContext(ctx, `INSERT INTO refunds (incident_id, direction, method, status, currency, expected_minor,
		fees_minor, fees_reason, counterparty, customer, reason, case_ref, opened_on, requested_by, due, due_source,
		arrival_days, arrival_workdays, expected_by, next_action, next_action_on, status_on, created_at, created_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(r.IncidentID), r.Direction, r.Method, r.Status, r.Expected.Currency, r.Expected.Minor(), r.Fees.Minor(),
		r.FeesReason, r.Counterparty, r.Customer, r.Reason, r.CaseRef, r.OpenedOn.String(), r.RequestedBy, r.Due.String(),
		r.DueSource, r.Arrival.Days, boolInt(r.Arrival.Workdays), r.ExpectedBy.String(), r.NextAction,
		r.NextActionOn.String(), r.StatusOn.String(), unix(r.CreatedAt), r.CreatedBy, unix(r.UpdatedAt))
	if err != nil {
		return dbError(err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return dbError(err)
	}
	if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: r.ID, On: r.OpenedOn, Kind: "created", To: r.Status,
		Amount: r.Expected, Note: r.Reason}); err != nil {
		return err
	}
	if err := tx.audit("refund.create", "refund", r.ID, nil, auditRefund(r)); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// paidOn returns the day follow-up id last moved to paid, or the zero Date.
func paidOn(tx *Tx, id int64) (posdesk.Date, error) {
	var s string
	err := tx.QueryRowContext(tx.ctx, `SELECT on_date FROM refund_events WHERE refund_id = ? AND kind = 'status' AND to_status = 'paid'
		ORDER BY id DESC LIMIT 1`, id).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return posdesk.Date{}, nil
	} else if err != nil {
		return posdesk.Date{}, dbError(err)
	}
	return refundDate(s)
}

// UpdateRefund changes details of a follow-up. The expected amount cannot change once a manager
// approved it, and no amount changes once the follow-up is finished.
func (db *DB) UpdateRefund(ctx context.Context, id int64, upd posdesk.RefundUpdate) (*posdesk.Refund, error) {
	if err := db.authorize(ctx, posdesk.ActManageRefund, "refund", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := findRefundByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if upd.ChangesAmounts() && !r.Open() {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Refund %[1]d is %[2]s; its amounts can no longer change.", id, string(r.Status))
	}
	if upd.Expected != nil && r.Approved() && !upd.Expected.Equal(r.Expected) {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Refund %[1]d was approved by %[2]s for %[3]s; its expected amount can no longer change.", id, r.ApprovedBy, r.Expected.Plain())
	}
	old := auditRefund(r)
	upd.Apply(r)
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Outstanding().IsNegative() && upd.ChangesAmounts() {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "%[1]s has already arrived on refund %[2]d, more than the new amount due; check the amounts.", r.Received.Plain(), id)
	}
	if upd.Arrival != nil && upd.ExpectedBy == nil {
		if r.Arrival.IsZero() {
			r.ExpectedBy = posdesk.Date{}
		} else {
			base, err := paidOn(tx, id)
			if err != nil {
				return nil, err
			}
			if base.IsZero() {
				base = r.OpenedOn
			}
			cal, err := refundCalendar(ctx, tx)
			if err != nil {
				return nil, err
			}
			r.ExpectedBy = cal.Add(base, r.Arrival)
		}
	} else if upd.ExpectedBy != nil {
		r.Arrival = posdesk.Span{}
	}
	if err := saveRefund(tx, r); err != nil {
		return nil, err
	}
	nw := auditRefund(r)
	var changed []string
	for k, v := range nw {
		if fmt.Sprint(old[k]) != fmt.Sprint(v) {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return r, nil
	}
	sort.Strings(changed)
	if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: id, On: tx.today(), Kind: "updated", Note: strings.Join(changed, ", ")}); err != nil {
		return nil, err
	}
	if err := tx.audit("refund.update", "refund", id, old, nw); err != nil {
		return nil, err
	}
	return r, dbError(tx.Commit())
}

// SetRefundStatus moves a follow-up along its ladder. Moving to paid starts the expected-arrival
// clock again from that day.
func (db *DB) SetRefundStatus(ctx context.Context, id int64, to posdesk.RefundStatus, reason string) (*posdesk.Refund, error) {
	if err := db.authorize(ctx, posdesk.ActManageRefund, "refund", id); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := findRefundByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	threshold, err := refundThreshold(ctx, tx)
	if err != nil {
		return nil, err
	}
	reason = posdesk.MaskText(strings.TrimSpace(reason))
	if len([]rune(reason)) > posdesk.MaxReasonLen {
		return nil, posdesk.Invalid("reason", "Reason is too long: at most %d characters.", posdesk.MaxReasonLen)
	}
	if err := r.CheckMove(to, reason, threshold); err != nil {
		return nil, err
	}
	old := auditRefund(r)
	from, today := r.Status, tx.today()
	r.Move(to, reason, today)
	if to == posdesk.RefundPaid && !r.Arrival.IsZero() {
		cal, err := refundCalendar(ctx, tx)
		if err != nil {
			return nil, err
		}
		r.ExpectedBy = cal.Add(today, r.Arrival)
	}
	if err := saveRefund(tx, r); err != nil {
		return nil, err
	}
	if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: id, On: today, Kind: "status", From: from, To: to, Note: reason}); err != nil {
		return nil, err
	}
	nw := auditRefund(r)
	nw["reason"] = reason
	if err := tx.audit("refund.status", "refund", id, old, nw); err != nil {
		return nil, err
	}
	return r, dbError(tx.Commit())
}

// ApproveRefund records a manager's approval (see posdesk.Approver for who the approver is).
func (db *DB) ApproveRefund(ctx context.Context, id int64, by string) (*posdesk.Refund, error) {
	if err := db.authorize(ctx, posdesk.ActApproveRefund, "refund", id); err != nil {
		return nil, err
	}
	approver, err := posdesk.Approver(ctx, by)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := findRefundByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := r.CheckApproval(approver); err != nil {
		if posdesk.ErrorCode(err) == posdesk.EFORBIDDEN {
			// Record the refusal in the audit trail, as authorize does.
			if aerr := tx.audit("denied", "refund", id, nil, map[string]string{"action": string(posdesk.ActApproveRefund), "by": approver}); aerr == nil {
				tx.Commit()
			}
		}
		return nil, err
	}
	old := auditRefund(r)
	from, today := r.Status, tx.today()
	r.Approve(approver, tx.now, today)
	if err := saveRefund(tx, r); err != nil {
		return nil, err
	}
	if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: id, On: today, Kind: "approved", From: from, To: r.Status, Note: r.ApprovedBy}); err != nil {
		return nil, err
	}
	if err := tx.audit("refund.approve", "refund", id, old, auditRefund(r)); err != nil {
		return nil, err
	}
	return r, dbError(tx.Commit())
}

// CreateRefundReceipt records money that arrived on follow-up refundID (dated today when rc.On
// is zero). A receipt that pays the rest moves the follow-up to received.
func (db *DB) CreateRefundReceipt(ctx context.Context, refundID int64, rc *posdesk.RefundReceipt) (*posdesk.Refund, error) {
	if err := db.authorize(ctx, posdesk.ActManageRefund, "refund", refundID); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := findRefundByID(ctx, tx, refundID)
	if err != nil {
		return nil, err
	}
	threshold, err := refundThreshold(ctx, tx)
	if err != nil {
		return nil, err
	}
	today := tx.today()
	if rc.On.IsZero() {
		rc.On = today
	}
	if err := r.CheckReceipt(rc, today, threshold); err != nil {
		return nil, err
	}
	old := auditRefund(r)
	rc.RefundID, rc.CreatedAt, rc.CreatedBy = refundID, tx.now, posdesk.ActorName(ctx)
	res, err := tx.ExecContext(ctx, `INSERT INTO refund_receipts (refund_id, received_on, amount_minor, currency, note,
		over_payment, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		refundID, rc.On.String(), rc.Amount.Minor(), rc.Amount.Currency, rc.Note, boolInt(rc.OverPayment), unix(rc.CreatedAt), rc.CreatedBy)
	if err != nil {
		return nil, dbError(err)
	}
	if rc.ID, err = res.LastInsertId(); err != nil {
		return nil, dbError(err)
	}
	from := r.Status
	moved := r.ApplyReceipt(rc)
	if err := saveRefund(tx, r); err != nil {
		return nil, err
	}
	note := rc.Note
	if rc.OverPayment {
		note = strings.TrimSpace("over-payment confirmed " + note)
	}
	if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: refundID, On: rc.On, Kind: "receipt", Amount: rc.Amount, Note: note}); err != nil {
		return nil, err
	}
	if moved {
		if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: refundID, On: rc.On, Kind: "status", From: from, To: r.Status, Note: "paid in full"}); err != nil {
			return nil, err
		}
	}
	nw := auditRefund(r)
	nw["receipt"] = map[string]any{"id": rc.ID, "on": rc.On.String(), "amount": rc.Amount.Plain(), "over_payment": rc.OverPayment, "note": rc.Note}
	if err := tx.audit("refund.receipt", "refund", refundID, old, nw); err != nil {
		return nil, err
	}
	return r, dbError(tx.Commit())
}

// VoidRefundReceipt marks a receipt as entered by mistake; it stays, with the reason, and its
// amount is owed again.
func (db *DB) VoidRefundReceipt(ctx context.Context, receiptID int64, reason string) (*posdesk.Refund, error) {
	if err := db.authorize(ctx, posdesk.ActManageRefund, "refund_receipt", receiptID); err != nil {
		return nil, err
	}
	reason = posdesk.MaskText(strings.TrimSpace(reason))
	if reason == "" {
		return nil, posdesk.Invalid("reason", "Say why the receipt is voided; it stays in the history with your reason.")
	}
	if len([]rune(reason)) > posdesk.MaxReasonLen {
		return nil, posdesk.Invalid("reason", "Reason is too long: at most %d characters.", posdesk.MaxReasonLen)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rc, err := scanReceipt(tx.QueryRowContext(ctx, `SELECT `+receiptColumns+` FROM refund_receipts WHERE id = ?`, receiptID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Receipt %d does not exist.", receiptID)
	} else if err != nil {
		return nil, dbError(err)
	}
	if rc.Voided() {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Receipt %d is already voided.", receiptID)
	}
	r, err := findRefundByID(ctx, tx, rc.RefundID)
	if err != nil {
		return nil, err
	}
	if !r.Open() {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Refund %[1]d is %[2]s; its receipts can no longer change.", r.ID, string(r.Status))
	}
	old := auditRefund(r)
	from, today := r.Status, tx.today()
	moved := r.UnapplyReceipt(rc, today)
	if _, err := tx.ExecContext(ctx, `UPDATE refund_receipts SET voided_at = ?, void_reason = ? WHERE id = ?`, unix(tx.now), reason, receiptID); err != nil {
		return nil, dbError(err)
	}
	rc.VoidedAt, rc.VoidReason = tx.now, reason
	if err := saveRefund(tx, r); err != nil {
		return nil, err
	}
	if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: r.ID, On: today, Kind: "receipt_void", Amount: rc.Amount, Note: reason}); err != nil {
		return nil, err
	}
	if moved {
		if err := addRefundEvent(tx, &posdesk.RefundEvent{RefundID: r.ID, On: today, Kind: "status", From: from, To: r.Status, Note: "receipt voided"}); err != nil {
			return nil, err
		}
	}
	nw := auditRefund(r)
	nw["voided_receipt"] = map[string]any{"id": receiptID, "amount": rc.Amount.Plain(), "reason": reason}
	if err := tx.audit("refund.receipt_void", "refund", r.ID, old, nw); err != nil {
		return nil, err
	}
	return r, dbError(tx.Commit())
}

// refundReceiptWhere builds the WHERE clause of a receipt filter over refund_receipts AS rc
// joined with refunds AS r.
func refundReceiptWhere(f posdesk.RefundReceiptFilter) (string, []any) {
	var conds []string
	var args []any
	if f.RefundID != 0 {
		conds, args = append(conds, "rc.refund_id = ?"), append(args, f.RefundID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "rc.received_on >= ?"), append(args, f.From.String())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "rc.received_on <= ?"), append(args, f.To.String())
	}
	conds, args = refundIn(conds, args, "r.direction", strs(f.Directions))
	if !f.IncludeVoided {
		conds = append(conds, "rc.voided_at IS NULL")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindRefundReceipts returns the receipts matching f, oldest first, and how many match.
func (db *DB) FindRefundReceipts(ctx context.Context, f posdesk.RefundReceiptFilter) ([]*posdesk.RefundReceipt, int, error) {
	where, args := refundReceiptWhere(f)
	from := ` FROM refund_receipts rc JOIN refunds r ON r.id = rc.refund_id`
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	q := `SELECT ` + receiptColumnsRC + from + where + ` ORDER BY rc.received_on, rc.id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.RefundReceipt
	for rows.Next() {
		rc, err := scanReceipt(rows)
		if err != nil {
			return nil, 0, dbError(err)
		}
		out = append(out, rc)
	}
	return out, total, dbError(rows.Err())
}

// FindRefundEvents returns the history of follow-up refundID, oldest first.
func (db *DB) FindRefundEvents(ctx context.Context, refundID int64) ([]*posdesk.RefundEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, refund_id, time, on_date, kind, from_status, to_status, amount_minor,
		currency, note, actor FROM refund_events WHERE refund_id = ? ORDER BY id`, refundID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.RefundEvent
	for rows.Next() {
		var e posdesk.RefundEvent
		var tm, amount int64
		var on, cur string
		if err := rows.Scan(&e.ID, &e.RefundID, &tm, &on, &e.Kind, &e.From, &e.To, &amount, &cur, &e.Note, &e.Actor); err != nil {
			return nil, dbError(err)
		}
		e.Time = fromUnix(tm)
		if e.On, err = refundDate(on); err != nil {
			return nil, dbError(err)
		}
		if cur != "" {
			e.Amount = posdesk.NewMoney(amount, cur)
		}
		out = append(out, &e)
	}
	return out, dbError(rows.Err())
}

// FindHolidays returns the holiday list from from to to (inclusive; zero dates do not limit).
func (db *DB) FindHolidays(ctx context.Context, from, to posdesk.Date) ([]*posdesk.Holiday, error) {
	return findHolidays(ctx, db.read, from, to)
}

func findHolidays(ctx context.Context, q querier, from, to posdesk.Date) ([]*posdesk.Holiday, error) {
	query, args := `SELECT date, name, workday FROM holidays WHERE 1 = 1`, []any{}
	if !from.IsZero() {
		query, args = query+` AND date >= ?`, append(args, from.String())
	}
	if !to.IsZero() {
		query, args = query+` AND date <= ?`, append(args, to.String())
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY date`, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Holiday
	for rows.Next() {
		var h posdesk.Holiday
		var ds string
		var work int
		if err := rows.Scan(&ds, &h.Name, &work); err != nil {
			return nil, dbError(err)
		}
		if h.Date, err = refundDate(ds); err != nil {
			return nil, dbError(err)
		}
		h.Workday = work == 1
		out = append(out, &h)
	}
	return out, dbError(rows.Err())
}

// SetHoliday adds h to the holiday list or replaces the entry of its date. Expected-arrival dates
// already computed stay as they are.
func (db *DB) SetHoliday(ctx context.Context, h *posdesk.Holiday) error {
	if err := db.authorize(ctx, posdesk.ActEditSettings, "holiday", 0); err != nil {
		return err
	}
	h.Name = posdesk.MaskText(strings.TrimSpace(h.Name))
	if err := h.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var old map[string]any
	var oname string
	var owork int
	err = tx.QueryRowContext(ctx, `SELECT name, workday FROM holidays WHERE date = ?`, h.Date.String()).Scan(&oname, &owork)
	if err == nil {
		old = map[string]any{"date": h.Date.String(), "name": oname, "workday": owork == 1}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO holidays (date, name, workday) VALUES (?, ?, ?)
		ON CONFLICT (date) DO UPDATE SET name = excluded.name, workday = excluded.workday`, h.Date.String(), h.Name, boolInt(h.Workday)); err != nil {
		return dbError(err)
	}
	if err := tx.audit("holiday.set", "holiday", 0, old, map[string]any{"date": h.Date.String(), "name": h.Name, "workday": h.Workday}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// DeleteHoliday removes the entry of date d from the holiday list.
func (db *DB) DeleteHoliday(ctx context.Context, d posdesk.Date) error {
	if err := db.authorize(ctx, posdesk.ActEditSettings, "holiday", 0); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var name string
	var work int
	err = tx.QueryRowContext(ctx, `SELECT name, workday FROM holidays WHERE date = ?`, d.String()).Scan(&name, &work)
	if errors.Is(err, sql.ErrNoRows) {
		return posdesk.Errorf(posdesk.ENOTFOUND, "%s is not in the holiday list.", d.String())
	} else if err != nil {
		return dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM holidays WHERE date = ?`, d.String()); err != nil {
		return dbError(err)
	}
	if err := tx.audit("holiday.delete", "holiday", 0, map[string]any{"date": d.String(), "name": name, "workday": work == 1}, nil); err != nil {
		return err
	}
	return dbError(tx.Commit())
}
