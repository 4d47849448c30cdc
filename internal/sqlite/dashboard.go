package sqlite

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the dashboard service.
var _ posdesk.DashboardService = (*DB)(nil)

// owedByBank are the directions whose payments count as recovered, and whose losses as written off.
var owedByBank = []posdesk.RefundDirection{posdesk.DirAcquirerToShop, posdesk.DirBankToCustomer}

// incidentTerminal is the terminal of an incident's first linked ledger record, in SQL.
const incidentTerminal = `coalesce((SELECT t.terminal FROM incident_transactions it JOIN transactions t ON t.id = it.transaction_id
	WHERE it.incident_id = i.id ORDER BY t.time, t.id LIMIT 1), '')`

// incidentSliceWhere builds the WHERE clause of an incident slice over incidents AS i: the
// incident filter's own clause plus the slice's windows.
func incidentSliceWhere(s posdesk.IncidentSlice) (string, []any) {
	where, args := incWhere(s.Filter, "")
	var conds []string
	if where != "" {
		conds = append(conds, strings.TrimPrefix(where, " WHERE "))
	}
	add := func(cond string, a ...any) { conds, args = append(conds, cond), append(args, a...) }
	if !s.From.IsZero() {
		add("i.time >= ?", s.From.Unix())
	}
	if !s.To.IsZero() {
		add("i.time < ?", s.To.Unix())
	}
	if !s.DeadlineFrom.IsZero() {
		add("i.deadline <> '' AND i.deadline >= ?", s.DeadlineFrom.String())
	}
	if !s.DeadlineTo.IsZero() {
		add("i.deadline <> '' AND i.deadline <= ?", s.DeadlineTo.String())
	}
	if s.Terminal != "" {
		add(incidentTerminal+" = ?", strings.TrimSpace(s.Terminal))
	} else if s.NoTerminal {
		add(incidentTerminal + " = ''")
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindIncidentSlice returns the incidents of s with their linked records, newest first, and how
// many there are.
func (db *DB) FindIncidentSlice(ctx context.Context, s posdesk.IncidentSlice) ([]*posdesk.Incident, int, error) {
	where, args := incidentSliceWhere(s)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM incidents i`+where, args...).Scan(&total); err != nil {
		return nil, 0, dbError(err)
	}
	q := `SELECT ` + incColumns + ` FROM incidents i` + where + ` ORDER BY i.time DESC, i.id DESC`
	if s.Filter.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, s.Filter.Limit, max(s.Filter.Offset, 0))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
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

// groupedFigures runs a "SELECT key, currency, count(*), sum(minor) ... GROUP BY key, currency"
// query and folds the rows into one figure per key, each with its sums per currency.
func (db *DB) groupedFigures(ctx context.Context, query string, args ...any) (map[string]*posdesk.Figure, []string, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, dbError(err)
	}
	defer rows.Close()
	out := map[string]*posdesk.Figure{}
	var keys []string
	for rows.Next() {
		var key, cur string
		var n int
		var sum int64
		if err := rows.Scan(&key, &cur, &n, &sum); err != nil {
			return nil, nil, dbError(err)
		}
		f, ok := out[key]
		if !ok {
			f = &posdesk.Figure{Key: key}
			out[key] = f
			keys = append(keys, key)
		}
		f.Count += n
		f.Amounts = append(f.Amounts, posdesk.NewMoney(sum, cur))
	}
	return out, keys, dbError(rows.Err())
}

// incidentFigure counts and sums the incidents of s.
func (db *DB) incidentFigure(ctx context.Context, key, label string, s posdesk.IncidentSlice) (posdesk.Figure, error) {
	where, args := incidentSliceWhere(s)
	m, _, err := db.groupedFigures(ctx, `SELECT '', i.currency, count(*), coalesce(sum(i.amount_minor), 0) FROM incidents i`+where+
		` GROUP BY i.currency ORDER BY i.currency`, args...)
	if err != nil {
		return posdesk.Figure{}, err
	}
	f := posdesk.Figure{Key: key, Label: label, List: posdesk.FigureList{Incidents: &s}}
	if g := m[""]; g != nil {
		f.Count, f.Amounts = g.Count, g.Amounts
	}
	return f, nil
}

// incidentBreakdown returns one figure per value of col (an expression over incidents AS i) for
// the incidents of base, most first (ties in first-seen order); slice makes each figure's list.
func (db *DB) incidentBreakdown(ctx context.Context, col string, base posdesk.IncidentSlice, slice func(key string) (posdesk.IncidentSlice, string)) ([]posdesk.Figure, error) {
	where, args := incidentSliceWhere(base)
	m, keys, err := db.groupedFigures(ctx, `SELECT `+col+` AS k, i.currency, count(*), coalesce(sum(i.amount_minor), 0) FROM incidents i`+
		where+` GROUP BY k, i.currency ORDER BY k, i.currency`, args...)
	if err != nil {
		return nil, err
	}
	out := make([]posdesk.Figure, 0, len(keys))
	for _, k := range keys {
		f := *m[k]
		s, label := slice(k)
		f.Label, f.List = label, posdesk.FigureList{Incidents: &s}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out, nil
}

// refundFigure counts the follow-ups of f and sums pick of their totals.
func (db *DB) refundFigure(ctx context.Context, key, label string, f posdesk.RefundFilter, pick func(posdesk.RefundTotal) posdesk.Money) (posdesk.Figure, error) {
	totals, err := db.SumRefunds(ctx, f)
	if err != nil {
		return posdesk.Figure{}, err
	}
	fig := posdesk.Figure{Key: key, Label: label, List: posdesk.FigureList{Refunds: &f}}
	for _, t := range totals {
		fig.Count += t.Count
		if pick != nil {
			fig.Amounts = append(fig.Amounts, pick(t))
		}
	}
	return fig, nil
}

// receiptFigure counts and sums the receipts of f.
func (db *DB) receiptFigure(ctx context.Context, key, label string, f posdesk.RefundReceiptFilter) (posdesk.Figure, error) {
	where, args := refundReceiptWhere(f)
	m, _, err := db.groupedFigures(ctx, `SELECT '', rc.currency, count(*), coalesce(sum(rc.amount_minor), 0)
		FROM refund_receipts rc JOIN refunds r ON r.id = rc.refund_id`+where+` GROUP BY rc.currency ORDER BY rc.currency`, args...)
	if err != nil {
		return posdesk.Figure{}, err
	}
	fig := posdesk.Figure{Key: key, Label: label, List: posdesk.FigureList{Receipts: &f}}
	if g := m[""]; g != nil {
		fig.Count, fig.Amounts = g.Count, g.Amounts
	}
	return fig, nil
}

func outstandingOf(t posdesk.RefundTotal) posdesk.Money { return t.Outstanding }
func writtenOffOf(t posdesk.RefundTotal) posdesk.Money  { return t.WrittenOff }

// monthWindow returns the instants [from, to) of the month of first in the shop's time zone.
func (db *DB) monthWindow(ctx context.Context, first posdesk.Date) (time.Time, time.Time) {
	loc := shopLocation(ctx, db.read)
	return first.Time(loc), posdesk.NewDate(first.Year, first.Month+1, 1).Time(loc)
}

// Dashboard returns the home screen's figures on day today.
func (db *DB) Dashboard(ctx context.Context, today posdesk.Date) (*posdesk.Dashboard, error) {
	d := &posdesk.Dashboard{Today: today}
	for _, b := range posdesk.AgeBuckets {
		from, to := b.OpenedRange(today)
		f, err := db.refundFigure(ctx, b.Key, b.Label, posdesk.RefundFilter{Open: true, Owing: true, OpenedFrom: from, OpenedTo: to}, outstandingOf)
		if err != nil {
			return nil, err
		}
		d.Outstanding = append(d.Outstanding, f)
	}
	for _, s := range posdesk.IncidentStatuses {
		if !s.Active() {
			continue
		}
		f, err := db.incidentFigure(ctx, "status_"+string(s), s.Title(), posdesk.IncidentSlice{Filter: posdesk.IncidentFilter{Status: s}})
		if err != nil {
			return nil, err
		}
		d.IncidentsByStatus = append(d.IncidentsByStatus, f)
	}
	weekEnd := today.AddDays(posdesk.ThisWeekDays - 1)
	rf, err := db.refundFigure(ctx, "deadlines_refunds", "Refund deadlines", posdesk.RefundFilter{Open: true, DueFrom: today, DueTo: weekEnd}, outstandingOf)
	if err != nil {
		return nil, err
	}
	inf, err := db.incidentFigure(ctx, "deadlines_incidents", "Incident deadlines",
		posdesk.IncidentSlice{Filter: posdesk.IncidentFilter{Active: true}, DeadlineFrom: today, DeadlineTo: weekEnd})
	if err != nil {
		return nil, err
	}
	d.Deadlines = []posdesk.Figure{rf, inf}
	first, last := posdesk.MonthRange(today)
	if d.Recovered, err = db.receiptFigure(ctx, "recovered", "Recovered this month",
		posdesk.RefundReceiptFilter{From: first, To: last, Directions: owedByBank}); err != nil {
		return nil, err
	}
	if d.WrittenOff, err = db.refundFigure(ctx, "written_off", "Written off this month", posdesk.RefundFilter{
		Statuses: []posdesk.RefundStatus{posdesk.RefundWrittenOff}, StatusFrom: first, StatusTo: last, Directions: owedByBank}, writtenOffOf); err != nil {
		return nil, err
	}
	from, to := db.monthWindow(ctx, first)
	month := posdesk.IncidentSlice{From: from, To: to}
	if d.IncidentsByCause, err = db.incidentBreakdown(ctx, "i.cause", month, func(k string) (posdesk.IncidentSlice, string) {
		s := month
		s.Filter.Cause = posdesk.Cause(k)
		return s, posdesk.Cause(k).Title()
	}); err != nil {
		return nil, err
	}
	for i := range d.IncidentsByCause {
		d.IncidentsByCause[i].Key = "cause_" + d.IncidentsByCause[i].Key
	}
	return d, nil
}

// MonthlyReport returns the figures of the month containing month. Outstanding amounts and
// ageing are as on AsOf: the month's last day, or today while the month runs. They are rebuilt
// from the receipts and the status history up to that day (voided receipts count until the
// day they were voided); expected amounts and fees are today's.
func (db *DB) MonthlyReport(ctx context.Context, month, today posdesk.Date) (*posdesk.MonthlyReport, error) {
	first, last := posdesk.MonthRange(month)
	asOf := last
	if today.Before(last) {
		asOf = today
	}
	rep := &posdesk.MonthlyReport{Month: first, AsOf: asOf}
	from, to := db.monthWindow(ctx, first)
	base := posdesk.IncidentSlice{From: from, To: to}
	var err error
	if rep.Incidents, err = db.incidentFigure(ctx, "incidents", "Incidents in the month", base); err != nil {
		return nil, err
	}
	if rep.ByKind, err = db.incidentBreakdown(ctx, "i.kind", base, func(k string) (posdesk.IncidentSlice, string) {
		s := base
		s.Filter.Kind = posdesk.IncidentKind(k)
		return s, posdesk.IncidentKind(k).Title()
	}); err != nil {
		return nil, err
	}
	if rep.ByCause, err = db.incidentBreakdown(ctx, "i.cause", base, func(k string) (posdesk.IncidentSlice, string) {
		s := base
		s.Filter.Cause = posdesk.Cause(k)
		return s, posdesk.Cause(k).Title()
	}); err != nil {
		return nil, err
	}
	if rep.ByTerminal, err = db.incidentBreakdown(ctx, incidentTerminal, base, func(k string) (posdesk.IncidentSlice, string) {
		s := base
		s.Terminal, s.NoTerminal = k, k == ""
		if k == "" {
			return s, "No terminal recorded"
		}
		return s, k
	}); err != nil {
		return nil, err
	}
	if rep.Recovered, err = db.receiptFigure(ctx, "recovered", "Recovered from banks and acquirers",
		posdesk.RefundReceiptFilter{From: first, To: last, Directions: owedByBank}); err != nil {
		return nil, err
	}
	if rep.RefundedToCustomers, err = db.receiptFigure(ctx, "refunded", "Refunded to customers by the shop",
		posdesk.RefundReceiptFilter{From: first, To: last, Directions: []posdesk.RefundDirection{posdesk.DirShopToCustomer}}); err != nil {
		return nil, err
	}
	if rep.WrittenOff, err = db.refundFigure(ctx, "written_off", "Written off", posdesk.RefundFilter{
		Statuses: []posdesk.RefundStatus{posdesk.RefundWrittenOff}, StatusFrom: first, StatusTo: last, Directions: owedByBank}, writtenOffOf); err != nil {
		return nil, err
	}
	open, err := db.refundsAsOf(ctx, asOf)
	if err != nil {
		return nil, err
	}
	rep.OpenRefunds = open
	if rep.IncidentNumbers, err = db.incidentNumbers(ctx, open); err != nil {
		return nil, err
	}
	rep.Outstanding = sumRefundFigure("outstanding", "Outstanding", open)
	for _, b := range posdesk.AgeBuckets {
		lo, hi := b.OpenedRange(asOf)
		var in []*posdesk.Refund
		for _, r := range open {
			if (lo.IsZero() || !r.OpenedOn.Before(lo)) && !r.OpenedOn.After(hi) {
				in = append(in, r)
			}
		}
		rep.Ageing = append(rep.Ageing, sumRefundFigure(b.Key, b.Label, in))
	}
	return rep, nil
}

// sumRefundFigure counts rs and sums their outstanding amounts per currency.
func sumRefundFigure(key, label string, rs []*posdesk.Refund) posdesk.Figure {
	f := posdesk.Figure{Key: key, Label: label, Count: len(rs)}
	sums := map[string]posdesk.Money{}
	var curs []string
	for _, r := range rs {
		cur := r.Expected.Currency
		if _, ok := sums[cur]; !ok {
			sums[cur] = posdesk.NewMoney(0, cur)
			curs = append(curs, cur)
		}
		sums[cur] = sums[cur].Add(r.Outstanding())
	}
	sort.Strings(curs)
	for _, c := range curs {
		f.Amounts = append(f.Amounts, sums[c])
	}
	return f
}

// refundsAsOf returns the follow-ups that were under way with money outstanding at the end of
// day asOf, each with Status, Received and Receipts as they were then, oldest first.
func (db *DB) refundsAsOf(ctx context.Context, asOf posdesk.Date) ([]*posdesk.Refund, error) {
	all, _, err := db.FindRefunds(ctx, posdesk.RefundFilter{OpenedTo: asOf})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*posdesk.Refund{}
	for _, r := range all {
		r.Received, r.Receipts = posdesk.NewMoney(0, r.Expected.Currency), nil
		byID[r.ID] = r
	}
	endOfDay := asOf.AddDays(1).Time(shopLocation(ctx, db.read)).Unix()
	rows, err := db.read.QueryContext(ctx, `SELECT `+receiptColumns+` FROM refund_receipts
		WHERE received_on <= ? AND (voided_at IS NULL OR voided_at >= ?) ORDER BY received_on, id`, asOf.String(), endOfDay)
	if err != nil {
		return nil, dbError(err)
	}
	for rows.Next() {
		rc, err := scanReceipt(rows)
		if err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		if r := byID[rc.RefundID]; r != nil {
			r.Received = r.Received.Add(rc.Amount)
			r.Receipts = append(r.Receipts, rc)
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, dbError(err)
	}
	// The status on asOf is the last one recorded on or before it.
	rows, err = db.read.QueryContext(ctx, `SELECT refund_id, to_status, on_date FROM refund_events
		WHERE to_status <> '' AND on_date <> '' AND on_date <= ? ORDER BY id`, asOf.String())
	if err != nil {
		return nil, dbError(err)
	}
	for rows.Next() {
		var id int64
		var st, on string
		if err := rows.Scan(&id, &st, &on); err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		if r := byID[id]; r != nil {
			r.Status = posdesk.RefundStatus(st)
			r.StatusOn, _ = refundDate(on)
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, dbError(err)
	}
	var out []*posdesk.Refund
	for _, r := range all {
		if r.Open() && r.Outstanding().Amount.IsPositive() {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].OpenedOn != out[j].OpenedOn {
			return out[i].OpenedOn.Before(out[j].OpenedOn)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// incidentNumbers returns the numbers of the incidents the refunds belong to.
func (db *DB) incidentNumbers(ctx context.Context, rs []*posdesk.Refund) (map[int64]string, error) {
	out := map[int64]string{}
	var ids []any
	for _, r := range rs {
		if r.IncidentID != 0 {
			ids = append(ids, r.IncidentID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, number FROM incidents WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, ids...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, dbError(err)
		}
		out[id] = n
	}
	return out, dbError(rows.Err())
}
