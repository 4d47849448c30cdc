// Package reconcile matches the shop's ledger against acquirer settlement statements and the bank
// statement, and sorts every discrepancy into a queue (posdesk.ExceptionKind). It is made of pure
// functions over domain values: storage feeds it, it returns matches and exceptions.
//
// Matching runs in three passes. Exact keys first: the reference number (RRN), then terminal +
// batch + trace + date. Then tolerant keys: the same amount within a time window, compatible card
// (last 4 digits) and terminal, with a score; matches scoring below posdesk.MatchScoreAuto wait for
// a person to confirm them.
//
// Memory stays bounded for million-row inputs: settlement lines are kept as fixed-size records
// (72 bytes each, no strings) indexed by a packed RRN, the ledger is streamed, and only the
// ledger transactions no exact key matched are kept for the later passes.
package reconcile

import (
	"context"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Options tune a run. Zero fields take the defaults given.
type Options struct {
	// Now is the time of the run; approved sales count as missing from settlement only once
	// SettleDays have passed since them.
	Now time.Time
	// Location is the shop's time zone, which decides calendar days (UTC when nil).
	Location *time.Location
	// SettleDays is the grace period before an approved sale or a refund missing from the
	// statements becomes an exception (default 3).
	SettleDays int
	// Window is how far apart the POS and the statement may put one transaction for a tolerant
	// match (default 30 minutes).
	Window time.Duration
	// KeyWindow is how far apart they may put it for a match by RRN (default 7 days; RRNs are
	// reused after a while).
	KeyWindow time.Duration
	// CreditLagDays is how many days after its settlement date a day's net reaches the bank
	// (default 1, T+1). Credits equal to a day's net within MaxCreditLagDays pair up first, so
	// week-ends and holidays do not make false exceptions.
	CreditLagDays    int
	MaxCreditLagDays int // default 5
	// SettlementCredit reports whether a bank line is the acquirer's settlement credit. The
	// default looks for POS, 清算, 收单, 银联, 结算 and similar words in the description and the
	// counterparty; when no line of the statement has them, every credit counts.
	SettlementCredit func(*posdesk.BankLine) bool
}

func (o *Options) defaults() {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.SettleDays <= 0 {
		o.SettleDays = 3
	}
	if o.Window <= 0 {
		o.Window = 30 * time.Minute
	}
	if o.KeyWindow <= 0 {
		o.KeyWindow = 7 * 24 * time.Hour
	}
	if o.CreditLagDays <= 0 {
		o.CreditLagDays = 1
	}
	if o.MaxCreditLagDays < o.CreditLagDays {
		o.MaxCreditLagDays = max(5, o.CreditLagDays)
	}
}

// Input is what a run reads. Each sequence yields values and stops at the first error; any may
// be nil. The order of each sequence does not matter.
type Input struct {
	Ledger     iter.Seq2[*posdesk.Transaction, error]
	Settlement iter.Seq2[*posdesk.SettlementLine, error]
	Bank       iter.Seq2[*posdesk.BankLine, error]
}

// Sink receives the results of a run as they are found. Either function may be nil.
type Sink struct {
	Match     func(*posdesk.Match) error
	Exception func(*posdesk.Exception) error
}

// Summary counts what a run read and found.
type Summary struct {
	Ledger, Settlement, Bank int // values read
	ExactMatches             int // by RRN or terminal + batch + trace + date
	TolerantMatches          int // by amount, time and card
	ToConfirm                int // tolerant matches below posdesk.MatchScoreAuto
	Exceptions               map[posdesk.ExceptionKind]int
	// TerminalsWithoutSettlement lists ledger terminals no statement line covers: their
	// transactions could not be checked. TerminalsWithoutLedger is the other way round.
	TerminalsWithoutSettlement []string
	TerminalsWithoutLedger     []string
}

// Slice turns a slice into an input sequence.
func Slice[T any](s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Reconcile runs the matcher over in-memory values and returns the matches and the exceptions,
// the exceptions ordered by queue, then date.
func Reconcile(ctx context.Context, opts Options, ledger []*posdesk.Transaction, settlement []*posdesk.SettlementLine, bank []*posdesk.BankLine) (*posdesk.Reconciliation, *Summary, error) {
	r := &posdesk.Reconciliation{RanAt: opts.Now}
	sum, err := Run(ctx, opts, Input{Ledger: Slice(ledger), Settlement: Slice(settlement), Bank: Slice(bank)}, Sink{
		Match:     func(m *posdesk.Match) error { r.Matches = append(r.Matches, m); return nil },
		Exception: func(e *posdesk.Exception) error { r.Exceptions = append(r.Exceptions, e); return nil },
	})
	if err != nil {
		return nil, nil, err
	}
	SortExceptions(r.Exceptions)
	return r, sum, nil
}

// SortExceptions orders exceptions by queue (as posdesk.ExceptionKinds lists them), date, RRN.
func SortExceptions(es []*posdesk.Exception) {
	rank := map[posdesk.ExceptionKind]int{}
	for i, k := range posdesk.ExceptionKinds {
		rank[k] = i
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Date != b.Date {
			return a.Date.Before(b.Date)
		}
		return a.RRN < b.RRN
	})
}

// How a settlement line was matched.
const (
	byNone uint8 = iota
	byRRN
	byTBT
	byTolerant
)

// sline is a settlement line as the matcher keeps it.
type sline struct {
	id     int64
	rrn    uint64 // packed RRN (rrnKey), 0 when none or not packable
	amount int64  // signed minor units
	unix   int64
	bt     uint64 // packed batch and trace (packBT), 0 when unknown
	tx     int64  // the ledger transaction it matched, 0 while none
	term   uint32
	next   int32 // next line with the same RRN, -1 at the end
	day    int32 // calendar day of the transaction time
	last4  uint16
	hasRRN bool
	by     uint8
}

// ltx is a ledger transaction as the matcher keeps it after the first pass.
type ltx struct {
	id, original int64
	rrn          uint64
	rrnText      string // only for RRNs rrnKey cannot pack
	amount       int64  // minor units, never negative
	unix         int64
	bt           uint64
	term         uint32
	day          int32
	last4        uint16
	kind         posdesk.TxKind
	status       posdesk.TxStatus
	dir          int8
	matched      bool
}

func (t *ltx) signed() int64 { return int64(t.dir) * t.amount }

func (t *ltx) rrnString() string {
	if t.rrnText != "" {
		return t.rrnText
	}
	if t.rrn == 0 {
		return ""
	}
	return rrnString(t.rrn)
}

type span struct{ lo, hi int64 }

func (s *span) add(v int64) {
	if v < s.lo {
		s.lo = v
	}
	if v > s.hi {
		s.hi = v
	}
}

func newSpan(v int64) *span { return &span{v, v} }

// pending is a POS failure that settlement matched; whether the customer was charged depends on
// the whole RRN group, known at the end.
type pending struct {
	tx    ltx
	line  int32
	score int
}

const chunkBits = 16

type engine struct {
	ctx  context.Context
	opts Options
	out  Sink
	sum  *Summary
	cur  string

	terms    *interner
	chunks   [][]sline
	n        int32
	rrnIdx   map[uint64]int32
	rrnAlt   map[string]int32 // RRNs rrnKey cannot pack
	altText  map[int32]string // line index -> such an RRN, for messages
	sCov     map[uint32]*span
	lCov     map[uint32]*span
	sAll     *span
	lAll     *span
	dayNet   map[int32]int64 // settlement date -> net total
	sDays    *span
	pendings []pending
	left     []ltx
	cancels  []ltx
}

func (e *engine) line(i int32) *sline { return &e.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

func (e *engine) money(minor int64) posdesk.Money {
	return posdesk.NewMoney(minor, e.cur)
}

// Run matches in.Ledger against in.Settlement and in.Bank and sends what it finds to out.
func Run(ctx context.Context, opts Options, in Input, out Sink) (*Summary, error) {
	opts.defaults()
	e := &engine{
		ctx: ctx, opts: opts, out: out,
		sum:    &Summary{Exceptions: map[posdesk.ExceptionKind]int{}},
		cur:    posdesk.DefaultCurrency,
		terms:  newInterner(),
		rrnIdx: map[uint64]int32{}, rrnAlt: map[string]int32{}, altText: map[int32]string{},
		sCov: map[uint32]*span{}, lCov: map[uint32]*span{}, dayNet: map[int32]int64{},
	}
	steps := []func(Input) error{e.loadSettlement, e.passRRN, e.passTBT, e.passTolerant, e.finish, e.bank}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(in); err != nil {
			return nil, err
		}
	}
	return e.sum, nil
}

func (e *engine) loadSettlement(in Input) error {
	if in.Settlement == nil {
		return nil
	}
	curSet := false
	for s, err := range in.Settlement {
		if err != nil {
			return err
		}
		if e.n&0xffff == 0 {
			if err := e.ctx.Err(); err != nil {
				return err
			}
			e.chunks = append(e.chunks, make([]sline, 0, 1<<chunkBits))
		}
		if !curSet && s.Amount.Currency != "" {
			e.cur, curSet = s.Amount.Currency, true
		}
		i := e.n
		e.n++
		l := sline{
			id: s.ID, amount: minor(s.Amount), unix: s.Time.Unix(),
			term: e.terms.id(s.TerminalID), next: -1, day: day(s.Time, e.opts.Location), last4: last4(s.Card),
		}
		l.bt, _ = packBT(s.Batch, s.Trace)
		if s.RRN != "" {
			l.hasRRN = true
			if k, ok := rrnKey(s.RRN); ok {
				l.rrn = k
				if head, ok := e.rrnIdx[k]; ok {
					l.next = head
				}
				e.rrnIdx[k] = i
			} else {
				if head, ok := e.rrnAlt[s.RRN]; ok {
					l.next = head
				}
				e.rrnAlt[s.RRN] = i
				e.altText[i] = s.RRN
			}
		}
		c := &e.chunks[len(e.chunks)-1]
		*c = append(*c, l)
		cover(e.sCov, &e.sAll, l.term, l.unix)
		d := dateDay(s.SettleDate)
		if s.SettleDate.IsZero() {
			d = l.day
		}
		e.dayNet[d] += minor(s.Net)
		if e.sDays == nil {
			e.sDays = newSpan(int64(d))
		} else {
			e.sDays.add(int64(d))
		}
		e.sum.Settlement++
	}
	return nil
}

func cover(m map[uint32]*span, all **span, term uint32, unix int64) {
	if s, ok := m[term]; ok {
		s.add(unix)
	} else {
		m[term] = newSpan(unix)
	}
	if *all == nil {
		*all = newSpan(unix)
	} else {
		(*all).add(unix)
	}
}

func (e *engine) compact(t *posdesk.Transaction) ltx {
	l := ltx{
		id: t.ID, original: t.OriginalID, amount: minor(t.Amount), unix: t.Time.Unix(),
		term: e.terms.id(t.Terminal), day: day(t.Time, e.opts.Location), last4: last4(t.Card),
		kind: t.Kind, status: t.Status, dir: direction(t.Kind),
	}
	if l.amount < 0 {
		l.amount = -l.amount
	}
	l.bt, _ = packBT(t.Batch, t.Trace)
	if t.RRN != "" {
		if k, ok := rrnKey(t.RRN); ok {
			l.rrn = k
		} else {
			l.rrnText = t.RRN
		}
	}
	return l
}

func termsCompatible(a, b uint32) bool { return a == 0 || b == 0 || a == b }

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int64) int8 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// better reports whether candidate line c fits t better than the current best b (-1 for none).
func (e *engine) better(t *ltx, c, b int32) bool {
	if b < 0 {
		return true
	}
	lc, lb := e.line(c), e.line(b)
	ec, eb := abs(lc.amount) == t.amount, abs(lb.amount) == t.amount
	if ec != eb {
		return ec
	}
	dc, db := abs(lc.unix-t.unix), abs(lb.unix-t.unix)
	if dc != db {
		return dc < db
	}
	return lc.id < lb.id // deterministic whatever the input order
}

// passRRN streams the ledger and pairs each transaction with a line of the same RRN.
func (e *engine) passRRN(in Input) error {
	if in.Ledger == nil {
		return nil
	}
	keyWin := int64(e.opts.KeyWindow / time.Second)
	for t, err := range in.Ledger {
		if err != nil {
			return err
		}
		e.sum.Ledger++
		if e.sum.Ledger&0xffff == 0 {
			if err := e.ctx.Err(); err != nil {
				return err
			}
		}
		if t.Voided() {
			continue
		}
		lt := e.compact(t)
		cover(e.lCov, &e.lAll, lt.term, lt.unix)
		if lt.dir == 0 {
			continue // pre-authorisation holds never settle
		}
		if lt.kind == posdesk.KindVoid || lt.kind == posdesk.KindReversal {
			e.cancels = append(e.cancels, lt)
		}
		head := int32(-1)
		if lt.rrn != 0 {
			if h, ok := e.rrnIdx[lt.rrn]; ok {
				head = h
			}
		} else if lt.rrnText != "" {
			if h, ok := e.rrnAlt[lt.rrnText]; ok {
				head = h
			}
		}
		best := int32(-1)
		for i := head; i >= 0; i = e.line(i).next {
			l := e.line(i)
			if l.by != byNone || sign(l.amount) != lt.dir || !termsCompatible(l.term, lt.term) || abs(l.unix-lt.unix) > keyWin {
				continue
			}
			if e.better(&lt, i, best) {
				best = i
			}
		}
		if best < 0 {
			e.left = append(e.left, lt)
			continue
		}
		if err := e.pair(&lt, best, posdesk.MatchScoreExact, byRRN, i18n.T("Same reference number (RRN) %s.", lt.rrnString())); err != nil {
			return err
		}
	}
	return nil
}

// pair records a match of t with line i and the exceptions the pair itself shows.
func (e *engine) pair(t *ltx, i int32, score int, by uint8, reason string) error {
	l := e.line(i)
	l.by, l.tx = by, t.id
	t.matched = true
	if by == byTolerant {
		e.sum.TolerantMatches++
		if score < posdesk.MatchScoreAuto {
			e.sum.ToConfirm++
		}
	} else {
		e.sum.ExactMatches++
	}
	if e.out.Match != nil {
		if err := e.out.Match(&posdesk.Match{TransactionID: t.id, SettlementLineID: l.id, Score: score, Reason: reason}); err != nil {
			return err
		}
	}
	if t.dir > 0 && posFailed(t.status) {
		e.pendings = append(e.pendings, pending{tx: *t, line: i, score: score})
		return nil
	}
	if abs(l.amount) != t.amount {
		diff := abs(l.amount) - t.amount
		return e.emit(&posdesk.Exception{
			Kind: posdesk.ExcAmountMismatch, TransactionID: t.id, SettlementLineIDs: []int64{l.id},
			RRN: t.rrnString(), Date: dayDate(t.day), Expected: e.money(t.amount), Actual: e.money(abs(l.amount)),
			Reason: i18n.T("The POS approved %s but the acquirer settled %s (difference %s).", e.money(t.amount).Display(), e.money(abs(l.amount)).Display(), e.money(diff).Display()),
		}, "tx", t.id)
	}
	return nil
}

// posFailed reports whether the POS told the cashier the payment did not go through.
func posFailed(s posdesk.TxStatus) bool {
	switch s {
	case posdesk.StatusFailed, posdesk.StatusDeclined, posdesk.StatusNoResponse, posdesk.StatusReversed:
		return true
	}
	return false
}

// posApproved reports whether the POS told the cashier the payment went through.
func posApproved(s posdesk.TxStatus) bool {
	return s == posdesk.StatusApproved || s == posdesk.StatusSettled || s == ""
}

func (e *engine) emit(x *posdesk.Exception, keyParts ...any) error {
	x.Key = exceptionKey(x.Kind, keyParts...)
	x.FoundAt = e.opts.Now
	e.sum.Exceptions[x.Kind]++
	if e.out.Exception != nil {
		return e.out.Exception(x)
	}
	return nil
}

// tbtKey is terminal + trace + day; the batch is compared after the look-up, since some files
// leave it empty.
type tbtKey struct {
	term  uint32
	trace uint32
	day   int32
}

// passTBT pairs the transactions left over with unmatched lines of the same terminal, batch,
// trace and day.
func (e *engine) passTBT(Input) error {
	if len(e.left) == 0 || e.n == 0 {
		return nil
	}
	idx := map[tbtKey][]int32{}
	for i := int32(0); i < e.n; i++ {
		l := e.line(i)
		if l.by != byNone || l.term == 0 || uint32(l.bt) == 0 {
			continue
		}
		k := tbtKey{l.term, uint32(l.bt), l.day}
		idx[k] = append(idx[k], i)
	}
	if len(idx) == 0 {
		return nil
	}
	for j := range e.left {
		t := &e.left[j]
		if t.term == 0 || uint32(t.bt) == 0 {
			continue
		}
		best := int32(-1)
		for _, i := range idx[tbtKey{t.term, uint32(t.bt), t.day}] {
			l := e.line(i)
			lb, tb := l.bt>>32, t.bt>>32
			if l.by != byNone || sign(l.amount) != t.dir || (lb != 0 && tb != 0 && lb != tb) {
				continue
			}
			if e.better(t, i, best) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		batch, trace := unpackBT(t.bt)
		reason := i18n.T("Same terminal %s, batch %s and trace %s on %s.", e.terms.name(t.term), batch, trace, dayDate(t.day).String())
		if err := e.pair(t, best, posdesk.MatchScoreExact, byTBT, reason); err != nil {
			return err
		}
	}
	return nil
}

func unpackBT(bt uint64) (batch, trace string) {
	f := func(v uint64) string {
		if v == 0 {
			return ""
		}
		s := strconv.FormatUint(v-1, 10)
		for len(s) < 6 {
			s = "0" + s
		}
		return s
	}
	return f(bt >> 32), f(bt & 0xffffffff)
}

type cand struct {
	left  int
	line  int32
	score int
	mins  int
}

// passTolerant pairs what is still unmatched by amount, time, card and terminal, with a score.
func (e *engine) passTolerant(Input) error {
	if len(e.left) == 0 || e.n == 0 {
		return nil
	}
	groups := map[int64][]int32{}
	for i := int32(0); i < e.n; i++ {
		if l := e.line(i); l.by == byNone {
			groups[l.amount] = append(groups[l.amount], i)
		}
	}
	for _, g := range groups {
		slices.SortFunc(g, func(a, b int32) int { return cmp64(e.line(a).unix, e.line(b).unix) })
	}
	win := int64(e.opts.Window / time.Second)
	var cands []cand
	for j := range e.left {
		t := &e.left[j]
		if t.matched {
			continue
		}
		g := groups[t.signed()]
		if len(g) == 0 {
			continue
		}
		lo := sort.Search(len(g), func(k int) bool { return e.line(g[k]).unix >= t.unix-win })
		var mine []cand
		for k := lo; k < len(g); k++ {
			l := e.line(g[k])
			if l.unix > t.unix+win {
				break
			}
			if !termsCompatible(l.term, t.term) || (l.last4 != 0 && t.last4 != 0 && l.last4 != t.last4) {
				continue
			}
			d := abs(l.unix - t.unix)
			score := 50 + int(25*(win-d)/max(win, 1))
			if l.last4 != 0 && l.last4 == t.last4 {
				score += 15
			}
			if l.term != 0 && l.term == t.term {
				score += 10
			}
			score = min(score, posdesk.MatchScoreExact-1)
			mine = append(mine, cand{left: j, line: g[k], score: score, mins: int(d / 60)})
		}
		slices.SortFunc(mine, func(a, b cand) int { return b.score - a.score })
		cands = append(cands, mine[:min(len(mine), 4)]...)
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return b.score - a.score })
	for _, c := range cands {
		t := &e.left[c.left]
		if t.matched || e.line(c.line).by != byNone {
			continue
		}
		amount := e.money(t.amount).Display()
		var reason string
		if t.last4 != 0 && e.line(c.line).last4 == t.last4 {
			reason = i18n.T("Same amount %s, %d minutes apart, same card ending %04d.", amount, c.mins, int(t.last4)-1)
		} else {
			reason = i18n.T("Same amount %s, %d minutes apart; the card could not be compared.", amount, c.mins)
		}
		if err := e.pair(t, c.line, c.score, byTolerant, reason); err != nil {
			return err
		}
	}
	return nil
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// groupNet returns the signed total of line i's RRN group (the line alone without an RRN).
func (e *engine) groupNet(i int32) int64 {
	head := e.groupHead(i)
	if head < 0 {
		return e.line(i).amount
	}
	var n int64
	for j := head; j >= 0; j = e.line(j).next {
		n += e.line(j).amount
	}
	return n
}

func (e *engine) groupHead(i int32) int32 {
	l := e.line(i)
	if !l.hasRRN {
		return -1
	}
	if l.rrn != 0 {
		return e.rrnIdx[l.rrn]
	}
	return e.rrnAlt[e.altText[i]]
}

func (e *engine) lineRRN(i int32) string {
	l := e.line(i)
	if l.rrn != 0 {
		return rrnString(l.rrn)
	}
	return e.altText[i]
}

func covered(m map[uint32]*span, all *span, term uint32, unix int64) bool {
	if term == 0 {
		return all != nil && unix >= all.lo && unix <= all.hi
	}
	s, ok := m[term]
	return ok && unix >= s.lo && unix <= s.hi
}

// finish turns what is left unmatched into exceptions.
func (e *engine) finish(Input) error {
	// Payments the POS called failed that settlement matched: the customer was charged unless
	// the same RRN also carries the reversal.
	for _, p := range e.pendings {
		if e.groupNet(p.line) <= 0 {
			continue
		}
		l := e.line(p.line)
		status := i18n.T(p.tx.status.Title())
		var reason string
		if p.score >= posdesk.MatchScoreAuto {
			reason = i18n.T("The POS recorded this payment as %s, but the acquirer settled %s for it: the customer was charged. Refund the customer or record the sale.", status, e.money(l.amount).Display())
		} else {
			reason = i18n.T("The POS recorded this payment as %s, but the acquirer probably settled %s for it (match score %d, confirm the match): the customer may have been charged.", status, e.money(l.amount).Display(), p.score)
		}
		if err := e.emit(&posdesk.Exception{
			Kind: posdesk.ExcChargedButPOSFailed, TransactionID: p.tx.id, SettlementLineIDs: []int64{l.id},
			RRN: p.tx.rrnString(), Date: dayDate(p.tx.day), Expected: e.money(0), Actual: e.money(l.amount), Reason: reason,
		}, "tx", p.tx.id); err != nil {
			return err
		}
	}
	// The settlement lines of the sales voids and reversals point at, found in one scan.
	originals := map[int64]int32{}
	for _, c := range e.cancels {
		if c.original != 0 {
			originals[c.original] = -1
		}
	}
	if len(originals) > 0 {
		for i := int32(0); i < e.n; i++ {
			if l := e.line(i); l.tx != 0 {
				if _, ok := originals[l.tx]; ok {
					originals[l.tx] = i
				}
			}
		}
	}
	aged := e.opts.Now.Add(-time.Duration(e.opts.SettleDays) * 24 * time.Hour).Unix()
	// Cancellations (voids, reversals) by what they point at.
	cancelled := func(t *ltx) bool {
		for k := range e.cancels {
			c := &e.cancels[k]
			if c.id == t.id || c.amount != t.amount {
				continue
			}
			if c.original == t.id || (c.rrn != 0 && c.rrn == t.rrn) || (c.rrnText != "" && c.rrnText == t.rrnText) ||
				(c.kind == posdesk.KindReversal && c.term == t.term && c.bt != 0 && c.bt == t.bt) ||
				(c.kind == posdesk.KindVoid && c.term == t.term && c.bt>>32 == t.bt>>32 && c.last4 == t.last4 && c.unix >= t.unix && c.day == t.day) {
				return true
			}
		}
		return false
	}
	if len(e.cancels) > 10000 {
		// Many voids: index them instead of scanning.
		idx := map[int64]bool{}
		for _, c := range e.cancels {
			if c.original != 0 {
				idx[c.original] = true
			}
		}
		scan := cancelled
		cancelled = func(t *ltx) bool { return idx[t.id] || scan(t) }
	}
	for j := range e.left {
		t := &e.left[j]
		if t.matched || !posApproved(t.status) {
			continue
		}
		switch t.kind {
		case posdesk.KindSale, posdesk.KindPreAuthCompletion:
			if t.unix > aged || !covered(e.sCov, e.sAll, t.term, t.unix) || cancelled(t) {
				continue
			}
			if err := e.emit(&posdesk.Exception{
				Kind: posdesk.ExcApprovedNotSettled, TransactionID: t.id, RRN: t.rrnString(), Date: dayDate(t.day),
				Expected: e.money(t.amount), Actual: e.money(0),
				Reason: i18n.T("Approved at the POS on %s but in no settlement statement after %d days: claim %s from the acquirer with the slip.", dayDate(t.day).String(), e.opts.SettleDays, e.money(t.amount).Display()),
			}, "tx", t.id); err != nil {
				return err
			}
		case posdesk.KindRefund:
			if t.unix > aged || !covered(e.sCov, e.sAll, t.term, t.unix) {
				continue
			}
			if err := e.emit(&posdesk.Exception{
				Kind: posdesk.ExcRefundNotCredited, TransactionID: t.id, RRN: t.rrnString(), Date: dayDate(t.day),
				Expected: e.money(-t.amount), Actual: e.money(0),
				Reason: i18n.T("The refund of %s on %s is in no settlement statement after %d days: check with the acquirer that the customer got the money back.", e.money(t.amount).Display(), dayDate(t.day).String(), e.opts.SettleDays),
			}, "tx", t.id); err != nil {
				return err
			}
		case posdesk.KindVoid, posdesk.KindReversal:
			li := e.settledOriginal(t, originals)
			if li < 0 {
				continue
			}
			if err := e.emit(&posdesk.Exception{
				Kind: posdesk.ExcRefundNotCredited, TransactionID: t.id, SettlementLineIDs: []int64{e.line(li).id}, RRN: t.rrnString(),
				Date: dayDate(t.day), Expected: e.money(-t.amount), Actual: e.money(0),
				Reason: i18n.T("The POS cancelled this payment of %s (%s), but the acquirer settled it and has not taken it back: ask the acquirer to credit the customer.", e.money(t.amount).Display(), i18n.T(t.kind.Title())),
			}, "tx", t.id); err != nil {
				return err
			}
		}
	}
	// Settlement lines nobody claimed.
	for i := int32(0); i < e.n; i++ {
		l := e.line(i)
		if l.by != byNone {
			continue
		}
		if dup, first := e.duplicateOf(i); dup {
			f := e.line(first)
			count := 0
			for j := e.groupHead(i); j >= 0; j = e.line(j).next {
				if e.line(j).amount == l.amount {
					count++
				}
			}
			if err := e.emit(&posdesk.Exception{
				Kind: posdesk.ExcSettledTwice, TransactionID: f.tx, SettlementLineIDs: []int64{f.id, l.id}, RRN: e.lineRRN(i),
				Date: dayDate(l.day), Expected: e.money(f.amount), Actual: e.money(int64(count) * f.amount),
				Reason: i18n.T("Settled %d times for one payment at the POS: %s too much. Ask the acquirer to reverse the duplicate.", count, e.money(int64(count-1)*f.amount).Display()),
			}, "tx", f.tx, "lines", idPair(f.id, l.id)); err != nil {
				return err
			}
			continue
		}
		if h := e.groupHead(i); h >= 0 && e.groupNet(i) == 0 {
			continue // the reversal of a settled failure: nets to nothing
		}
		if !covered(e.lCov, e.lAll, l.term, l.unix) {
			continue
		}
		if err := e.emit(&posdesk.Exception{
			Kind: posdesk.ExcSettledNotInLedger, SettlementLineIDs: []int64{l.id}, RRN: e.lineRRN(i), Date: dayDate(l.day),
			Expected: e.money(0), Actual: e.money(l.amount),
			Reason: i18n.T("The acquirer settled %s on %s (RRN %s) but the ledger has no such payment: import the POS export of that day or record the payment.", e.money(l.amount).Display(), dayDate(l.day).String(), e.lineRRN(i)),
		}, "line", l.id); err != nil {
			return err
		}
	}
	for id, name := range e.terms.names {
		if id == 0 {
			continue
		}
		_, inL := e.lCov[uint32(id)]
		_, inS := e.sCov[uint32(id)]
		if inL && !inS && e.n > 0 {
			e.sum.TerminalsWithoutSettlement = append(e.sum.TerminalsWithoutSettlement, name)
		}
		if inS && !inL && e.sum.Ledger > 0 {
			e.sum.TerminalsWithoutLedger = append(e.sum.TerminalsWithoutLedger, name)
		}
	}
	return nil
}

// duplicateOf reports whether unmatched line i repeats a matched line of its RRN group (same
// amount), and which.
func (e *engine) duplicateOf(i int32) (bool, int32) {
	l := e.line(i)
	for j := e.groupHead(i); j >= 0; j = e.line(j).next {
		o := e.line(j)
		if j != i && o.by != byNone && o.amount == l.amount {
			return true, j
		}
	}
	return false, -1
}

// settledOriginal returns the settlement line of the sale a void or reversal t cancels, when
// that sale was settled and nothing in its RRN group takes the money back; -1 otherwise.
func (e *engine) settledOriginal(t *ltx, originals map[int64]int32) int32 {
	check := func(li int32) int32 {
		if e.line(li).amount > 0 && e.groupNet(li) > 0 {
			return li
		}
		return -1
	}
	if li, ok := originals[t.original]; ok && li >= 0 {
		return check(li)
	}
	if t.rrn != 0 {
		if h, ok := e.rrnIdx[t.rrn]; ok {
			for j := h; j >= 0; j = e.line(j).next {
				if l := e.line(j); l.by != byNone && l.amount == t.amount {
					return check(j)
				}
			}
		}
	}
	return -1
}

// bank compares each day's settled net total with the bank's settlement credits.
func (e *engine) bank(in Input) error {
	if in.Bank == nil {
		return nil
	}
	var lines []*posdesk.BankLine
	for b, err := range in.Bank {
		if err != nil {
			return err
		}
		e.sum.Bank++
		lines = append(lines, b)
	}
	if len(lines) == 0 || e.n == 0 {
		return nil
	}
	isCredit := e.opts.SettlementCredit
	if isCredit == nil {
		any := false
		for _, b := range lines {
			if looksLikeSettlement(b) {
				any = true
				break
			}
		}
		isCredit = func(b *posdesk.BankLine) bool { return !any || looksLikeSettlement(b) }
	}
	credit := map[int32]int64{}
	ids := map[int32][]int64{}
	var bDays *span
	for _, b := range lines {
		d := dateDay(b.Date)
		if bDays == nil {
			bDays = newSpan(int64(d))
		} else {
			bDays.add(int64(d))
		}
		if b.Credit.IsZero() || b.Credit.IsNegative() || !isCredit(b) {
			continue
		}
		credit[d] += minor(b.Credit)
		ids[d] = append(ids[d], b.ID)
	}
	creditDays := sortedKeys(credit)
	settleDays := sortedKeys(e.dayNet)
	pairedS := map[int32]bool{}
	pairedC := map[int32]int32{} // credit day -> settlement day
	lag := int32(e.opts.CreditLagDays)
	lags := []int32{lag}
	for l := int32(1); l <= int32(e.opts.MaxCreditLagDays); l++ {
		if l != lag {
			lags = append(lags, l)
		}
	}
	// Exact amounts first, at the usual lag, then at the others.
	for _, l := range lags {
		for _, c := range creditDays {
			if _, done := pairedC[c]; done {
				continue
			}
			s := c - l
			if net, ok := e.dayNet[s]; ok && !pairedS[s] && net == credit[c] {
				pairedS[s], pairedC[c] = true, s
			}
		}
	}
	// Then runs of consecutive days paid together (a week-end paid on Monday).
	for _, c := range creditDays {
		if _, done := pairedC[c]; done {
			continue
		}
		var total int64
		var run []int32
		for s := c - lag; s >= c-int32(e.opts.MaxCreditLagDays) && !pairedS[s]; s-- {
			net, ok := e.dayNet[s]
			if !ok {
				continue
			}
			total += net
			run = append(run, s)
			if total == credit[c] && len(run) > 1 {
				for _, d := range run {
					pairedS[d] = true
				}
				pairedC[c] = run[0]
				break
			}
		}
	}
	for _, c := range creditDays {
		if _, done := pairedC[c]; done {
			continue
		}
		s := c - lag
		if net, ok := e.dayNet[s]; ok && !pairedS[s] {
			pairedS[s], pairedC[c] = true, s
			if err := e.bankException(c, s, net, credit[c], ids[c]); err != nil {
				return err
			}
			continue
		}
		if e.sDays != nil && int64(s) >= e.sDays.lo && int64(s) <= e.sDays.hi {
			if err := e.bankException(c, s, 0, credit[c], ids[c]); err != nil {
				return err
			}
		}
	}
	for _, s := range settleDays {
		if pairedS[s] || e.dayNet[s] <= 0 {
			continue
		}
		c := s + lag
		if int64(c) >= bDays.lo && int64(c) <= bDays.hi {
			if err := e.bankException(c, s, e.dayNet[s], 0, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *engine) bankException(creditDay, settleDay int32, net, credit int64, ids []int64) error {
	cd, sd := dayDate(creditDay).String(), dayDate(settleDay).String()
	var reason string
	switch {
	case credit == 0:
		reason = i18n.T("No settlement credit on the bank statement on %s for the net total %s settled on %s: ask the acquirer when it was paid.", cd, e.money(net).Display(), sd)
	case net == 0:
		reason = i18n.T("Bank credit of %s on %s matches no settlement day: import the settlement statement of %s.", e.money(credit).Display(), cd, sd)
	default:
		reason = i18n.T("Bank credit of %s on %s differs from the net total %s settled on %s (difference %s).", e.money(credit).Display(), cd, e.money(net).Display(), sd, e.money(credit-net).Display())
	}
	return e.emit(&posdesk.Exception{
		Kind: posdesk.ExcBankCreditMismatch, BankLineIDs: ids, Date: dayDate(creditDay),
		Expected: e.money(net), Actual: e.money(credit), Reason: reason,
	}, "day", cd)
}

func sortedKeys[V any](m map[int32]V) []int32 {
	out := make([]int32, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// exceptionKey is an exception's identity across runs: its queue and what it is about.
func exceptionKey(k posdesk.ExceptionKind, parts ...any) string {
	var b strings.Builder
	b.WriteString(string(k))
	for i, p := range parts {
		if i%2 == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte('=')
		}
		switch v := p.(type) {
		case string:
			b.WriteString(v)
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		}
	}
	return b.String()
}

func idPair(a, b int64) string {
	if a > b {
		a, b = b, a
	}
	return strconv.FormatInt(a, 10) + "+" + strconv.FormatInt(b, 10)
}

// settlementWords mark a bank line as the acquirer's settlement credit.
var settlementWords = []string{"pos", "清算", "收单", "银联", "结算", "商户", "刷卡", "银行卡", "拉卡拉", "通联", "银商", "快钱", "汇付", "联动", "acquir", "settle", "merchant", "card"}

func looksLikeSettlement(b *posdesk.BankLine) bool {
	s := strings.ToLower(b.Description + " " + b.Counterparty)
	for _, w := range settlementWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
