// Package demo makes up a believable shop for trying posdesk out, for screenshots and for
// benchmarks: one merchant with two or three terminals, weeks (or, for large counts, up to two
// years) of card and QR sales ending at a given moment, with the things that go wrong at a real
// till: declines, failures, no-response sales followed by their reversal, same-day voids and
// refunds days later, each linked to the sale it undoes.
//
// Everything is derived from a seed with math/rand/v2, so the same Config gives the same records.
// Card numbers are generated masked (a common BIN, stars, four random digits); no full number is
// ever produced.
//
// Other parts of the demo (incidents, refund cases) are built on a Shop: they take the records it
// remembers in Notable and draw their own randomness from Shop.Rand, so adding them never changes
// the ledger a seed gives.
package demo

import (
	"container/heap"
	"hash/fnv"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/shopspring/decimal"
)

// Version changes whenever the records generated for a given Config change. Caches of demo
// databases (benchmarks) are keyed by it.
const Version = 1

// DefaultTransactions is the number of ledger records `posdesk demo` makes when not told.
const DefaultTransactions = 3000

// ShopZone is the time zone used when Config.Loc is nil: China Standard Time.
var ShopZone = time.FixedZone("CST", 8*3600)

// Config says what demo shop to make.
type Config struct {
	Seed         uint64
	Transactions int            // exact number of ledger records to generate
	End          time.Time      // the demo's "now": no record is later
	Loc          *time.Location // the shop's time zone; nil means ShopZone
	FirstID      int64          // the ID the first record gets; the rest follow one by one
}

// Opening hours of the demo shop, local time.
const (
	openHour  = 9
	closeHour = 22
)

// hourWeights is the share of sales in each opening hour (09:00 to 21:59): a quiet morning, a
// lunch peak, a quiet afternoon and an evening peak.
var hourWeights = [closeHour - openHour]float64{1, 2, 4, 6, 4, 2, 2, 2.5, 4, 6, 5.5, 3.5, 1.5}

// Terminal is one POS terminal of the shop and its running counters.
type Terminal struct {
	ID    string  // 终端号, 8 digits
	Share float64 // share of the shop's sales taken on it
	Batch int     // current settlement batch (批次号), increases each trading day
	Trace int     // last trace number (凭证号) used; increases with every record

	day int // local day (days since 1970) of the current batch
}

// Stats counts what a Shop generated.
type Stats struct {
	Records  int
	ByKind   map[posdesk.TxKind]int
	ByStatus map[posdesk.TxStatus]int
	First    time.Time // time of the earliest record
	Last     time.Time // time of the latest record
	Days     int       // trading days covered
}

// Shop is a made-up shop and the generator of its ledger.
type Shop struct {
	Name      string
	Merchant  string // 商户号, 15 digits
	Terminals []*Terminal
	Loc       *time.Location
	Config    Config

	// Notable holds the records of the last NotableDays days that are not plain approved or
	// settled sales (declines, failures, no-response and reversed sales, reversals, voids,
	// refunds), in time order, once Transactions has run. Incident and refund demos start from
	// them; OriginalID links a follow-up to its sale.
	Notable []*posdesk.Transaction
	// Stats counts the records generated, once Transactions has run.
	Stats Stats

	r       *rand.Rand
	nextID  int64
	rrnSeq  int
	pending followUps
	seq     int  // tie-breaker for follow-ups due at the same second
	done    bool // the count is reached or the consumer stopped
}

// NotableDays is how far back from Config.End the Shop remembers notable records.
const NotableDays = 60

// NewShop returns the demo shop for cfg. Its identity (merchant ID, terminals) depends only on
// the seed.
func NewShop(cfg Config) *Shop {
	if cfg.Loc == nil {
		cfg.Loc = ShopZone
	}
	if cfg.FirstID <= 0 {
		cfg.FirstID = 1
	}
	s := &Shop{Config: cfg, Loc: cfg.Loc, nextID: cfg.FirstID}
	s.r = s.Rand("ledger")
	r := s.r
	names := []string{"Green Leaf Grocery 绿叶超市", "Harbour Noodle House 港湾面馆", "Sunny Stationery 阳光文具", "Lotus Pharmacy 莲花药房"}
	s.Name = names[r.IntN(len(names))]
	// MID: acquirer (3) + region (4) + MCC (4) + sequence (4).
	regions := []string{"4403", "3100", "1100", "4401", "3301"}
	mccs := []string{"5411", "5812", "5943", "5912"}
	s.Merchant = "898" + regions[r.IntN(len(regions))] + mccs[r.IntN(len(mccs))] + digits(r, 4)
	n := 2 + r.IntN(2)
	base := 61000000 + r.IntN(900)*10
	shares := [][]float64{{0.62, 0.38}, {0.5, 0.3, 0.2}}[n-2]
	for i := 0; i < n; i++ {
		s.Terminals = append(s.Terminals, &Terminal{
			ID:    strconv.Itoa(base + i + 1),
			Share: shares[i],
			Batch: 1 + r.IntN(300),
			Trace: r.IntN(900000),
		})
	}
	s.rrnSeq = r.IntN(1_000_000)
	s.Stats.ByKind = map[posdesk.TxKind]int{}
	s.Stats.ByStatus = map[posdesk.TxStatus]int{}
	return s
}

// Rand returns a random source for one part of the demo, seeded from the shop's seed and name.
// Each part (the ledger, incidents, refunds...) uses its own, so adding or changing one part
// never changes the records of another.
func (s *Shop) Rand(name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(s.Config.Seed, h.Sum64()))
}

// spanDays returns how many trading days a demo of n records covers: four weeks at least, so a
// small shop sells about 150 times a day; at most two years, so a million records make a busy
// supermarket rather than a decade.
func spanDays(n int) int {
	return min(max((n+149)/150, 28), 730)
}

// Transactions yields exactly Config.Transactions ledger records in time order, with IDs from
// Config.FirstID. It can be ranged over once; afterwards Stats and Notable describe the result.
// Records are source "demo", in the shop's currency (CNY), and never later than Config.End.
func (s *Shop) Transactions() iter.Seq[*posdesk.Transaction] {
	return func(yield func(*posdesk.Transaction) bool) {
		s.generate(yield)
	}
}

func (s *Shop) generate(yield func(*posdesk.Transaction) bool) {
	want := s.Config.Transactions
	if want <= 0 {
		return
	}
	// emit hands one record to the consumer; once the count is reached or the consumer stops,
	// generation winds down and nothing more is emitted.
	emit := func(t *posdesk.Transaction) {
		if s.done {
			return
		}
		t.ID = s.nextID
		s.nextID++
		s.count(t)
		if !yield(t) || s.Stats.Records >= want {
			s.done = true
		}
	}
	end := s.Config.End.In(s.Loc)
	lastDay := dayStart(end)
	lastEnd := lastDay.Add(closeHour * time.Hour)
	if end.Before(lastDay.Add((openHour + 1) * time.Hour)) {
		// Too early for today's trading: the demo ends with yesterday's.
		lastDay = lastDay.AddDate(0, 0, -1)
		lastEnd = lastDay.Add(closeHour * time.Hour)
	} else if end.Before(lastEnd) {
		lastEnd = end
	}
	days := spanDays(want)
	s.Stats.Days = days
	// The last day may end before closing time: it gets the share of a day's sales its hours
	// hold.
	lastFrac := profileWeight(lastDay, lastEnd) / profileWeight(lastDay, lastDay.Add(closeHour*time.Hour))
	const followUpRate = 0.045 // follow-up records per sale, roughly
	for d := days - 1; d >= 0; d-- {
		day := lastDay.AddDate(0, 0, -d)
		dayEnd := day.Add(closeHour * time.Hour)
		if d == 0 {
			dayEnd = lastEnd
		}
		remaining := want - s.Stats.Records
		var k int
		if d == 0 {
			// The last day takes what is left: its sales alone reach the count, so generation
			// always stops there, a little before the end when follow-ups took some of the places.
			k = remaining
		} else {
			mean := float64(remaining) / (float64(d) + lastFrac) / (1 + followUpRate)
			k = int(math.Round(mean * weekdayFactor(day.Weekday()) * (0.85 + 0.3*s.r.Float64())))
		}
		for _, sec := range s.saleTimes(day, dayEnd, k) {
			if s.done {
				return
			}
			t := day.Add(time.Duration(sec) * time.Second)
			s.drain(t, emit)
			s.sale(t, emit)
		}
		s.drain(dayEnd, emit)
	}
	s.drain(end, emit)
}

// weekdayFactor makes weekends busier, relative to an average day of the week.
func weekdayFactor(w time.Weekday) float64 {
	const avg = (5*1.0 + 0.1 + 2*0.25 + 1) / 7 // Monday-Friday 1, Friday +0.1, weekend +0.25 each
	switch w {
	case time.Saturday, time.Sunday:
		return 1.25 / avg
	case time.Friday:
		return 1.1 / avg
	}
	return 1 / avg
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// profileWeight returns the weight of the hourly profile between opening and end on day.
func profileWeight(day, end time.Time) float64 {
	limit := int(end.Sub(day) / time.Second)
	total := 0.0
	for h := openHour; h < closeHour && h*3600 < limit; h++ {
		w := hourWeights[h-openHour]
		if to := (h + 1) * 3600; to > limit {
			w *= float64(limit-h*3600) / 3600
		}
		total += w
	}
	return total
}

// saleTimes returns k sorted times of day (seconds after midnight) between opening and end,
// following the hourly profile.
func (s *Shop) saleTimes(day, end time.Time, k int) []int {
	if k <= 0 {
		return nil
	}
	limit := int(end.Sub(day) / time.Second) // seconds after midnight, exclusive
	var cum []float64
	var hours []int
	total := 0.0
	for h := openHour; h < closeHour; h++ {
		from, to := h*3600, (h+1)*3600
		if from >= limit {
			break
		}
		w := hourWeights[h-openHour]
		if to > limit {
			w *= float64(limit-from) / 3600
		}
		total += w
		cum = append(cum, total)
		hours = append(hours, h)
	}
	out := make([]int, k)
	for i := range out {
		x := s.r.Float64() * total
		j, _ := slices.BinarySearch(cum, x)
		j = min(j, len(hours)-1)
		from := hours[j] * 3600
		span := min(3600, limit-from)
		out[i] = from + s.r.IntN(span)
	}
	slices.Sort(out)
	return out
}

// count adds t to the statistics and, when recent and unusual, to Notable.
func (s *Shop) count(t *posdesk.Transaction) {
	st := &s.Stats
	if st.Records == 0 {
		st.First = t.Time
	}
	st.Records++
	st.Last = t.Time
	st.ByKind[t.Kind]++
	st.ByStatus[t.Status]++
	plain := t.Kind == posdesk.KindSale && (t.Status == posdesk.StatusApproved || t.Status == posdesk.StatusSettled)
	if !plain && t.Time.After(s.Config.End.AddDate(0, 0, -NotableDays)) {
		s.Notable = append(s.Notable, t)
	}
}

// Outcomes of a sale, as shares of all sales.
const (
	pDeclined   = 0.022 // card declined: balance, PIN, risk control
	pFailed     = 0.010 // terminal said failed (network, card read)
	pNoResponse = 0.006 // terminal got no answer; an automatic reversal follows
	pReversed   = 0.004 // approved but reversed at once (slip not printed, timeout)
	pVoid       = 0.008 // cancelled the same day (撤销)
	pRefund     = 0.006 // goods returned days later (退货)
	pRetry      = 0.6   // after a failure, the customer pays again
	pNote       = 0.02  // a plain sale with a note
)

func (s *Shop) terminal() *Terminal {
	x := s.r.Float64()
	for _, t := range s.Terminals {
		if x < t.Share {
			return t
		}
		x -= t.Share
	}
	return s.Terminals[len(s.Terminals)-1]
}

// record returns a new record on term at t with the terminal's next batch and trace numbers.
func (s *Shop) record(term *Terminal, t time.Time, kind posdesk.TxKind, amount posdesk.Money, ch posdesk.Channel) *posdesk.Transaction {
	day := int(dayStart(t).Unix()/86400) + 1
	if term.day != day {
		if term.day != 0 {
			term.Batch = term.Batch%999999 + 1
		}
		term.day = day
	}
	term.Trace = term.Trace%999999 + 1
	return &posdesk.Transaction{
		Time:     t,
		Amount:   amount,
		Kind:     kind,
		Channel:  ch,
		Status:   posdesk.StatusApproved,
		Merchant: s.Merchant,
		Terminal: term.ID,
		Batch:    pad6(term.Batch),
		Trace:    pad6(term.Trace),
		Source:   posdesk.SourceDemo,
	}
}

// rrn returns a new 12-digit retrieval reference number: the local date and a sequence.
func (s *Shop) rrn(t time.Time) string {
	s.rrnSeq = (s.rrnSeq + 1) % 1_000_000
	return t.In(s.Loc).Format("060102") + pad6(s.rrnSeq)
}

// settled reports whether an approved record at t has been settled by the end of the demo
// (acquirers settle the next day; a few stay unsettled).
func (s *Shop) settled(t time.Time) bool {
	return t.Before(s.Config.End.Add(-48*time.Hour)) && s.r.Float64() < 0.998
}

// sale generates one customer payment at t and schedules what follows it.
func (s *Shop) sale(t time.Time, emit func(*posdesk.Transaction)) {
	term := s.terminal()
	ch := RandomChannel(s.r)
	s.payment(term, t, RandomAmount(s.r), ch, false, emit)
}

// payment emits a sale and schedules its follow-ups. retry marks the second attempt of a
// customer whose first payment went wrong: it succeeds.
func (s *Shop) payment(term *Terminal, t time.Time, amount posdesk.Money, ch posdesk.Channel, retry bool, emit func(*posdesk.Transaction)) {
	r := s.r
	tx := s.record(term, t, posdesk.KindSale, amount, ch)
	if isCard(ch) {
		tx.Scheme, tx.Card = RandomCard(r, ch)
	} else if ch == posdesk.ChannelUnionPayQR {
		tx.Scheme = "UnionPay"
	}
	x := r.Float64()
	if retry {
		x = 1
	}
	var follow posdesk.TxKind
	switch {
	case x < pDeclined:
		tx.Status = posdesk.StatusDeclined
		tx.RRN = s.rrn(t)
		if r.IntN(3) == 0 {
			if isCard(ch) {
				tx.Note = pick(r, cardDeclineNotes)
			} else {
				tx.Note = pick(r, qrDeclineNotes)
			}
		}
	case x < pDeclined+pFailed:
		tx.Status = posdesk.StatusFailed
		if r.IntN(2) == 0 {
			tx.RRN = s.rrn(t)
		}
		if r.IntN(3) == 0 {
			tx.Note = pick(r, failNotes)
		}
	case x < pDeclined+pFailed+pNoResponse:
		tx.Status = posdesk.StatusNoResponse
		follow = posdesk.KindReversal
		if r.IntN(3) == 0 {
			tx.Note = pick(r, failNotes)
		}
	case x < pDeclined+pFailed+pNoResponse+pReversed:
		tx.Status = posdesk.StatusReversed
		tx.RRN = s.rrn(t)
		follow = posdesk.KindReversal
	default:
		tx.RRN = s.rrn(t)
		if isCard(tx.Channel) {
			tx.AuthCode = digits(r, 6)
		}
		y := r.Float64()
		switch {
		case y < pVoid:
			follow = posdesk.KindVoid // a voided sale is never settled
		case y < pVoid+pRefund:
			follow = posdesk.KindRefund
			if s.settled(t) {
				tx.Status = posdesk.StatusSettled
			}
		default:
			if s.settled(t) {
				tx.Status = posdesk.StatusSettled
			}
		}
		if r.Float64() < pNote {
			tx.Note = pick(r, saleNotes)
		}
	}
	emit(tx)
	switch follow {
	case posdesk.KindReversal:
		s.schedule(followUp{at: t.Add(time.Duration(20+r.IntN(70)) * time.Second), kind: follow, orig: tx, term: term})
	case posdesk.KindVoid:
		// Same day, before closing.
		closing := dayStart(t).Add(closeHour * time.Hour)
		at := t.Add(time.Duration(60+r.IntN(3600)) * time.Second)
		if at.After(closing) {
			at = t.Add(time.Duration(1+r.IntN(max(1, int(closing.Sub(t)/time.Second)))) * time.Second)
		}
		s.schedule(followUp{at: at, kind: follow, orig: tx, term: term})
	case posdesk.KindRefund:
		day := dayStart(t).AddDate(0, 0, 1+r.IntN(10))
		at := day.Add(time.Duration(openHour*3600+r.IntN((closeHour-openHour)*3600)) * time.Second)
		if at.Before(s.Config.End) {
			s.schedule(followUp{at: at, kind: follow, orig: tx, term: s.Terminals[r.IntN(len(s.Terminals))]})
		}
	}
	if tx.Status != posdesk.StatusApproved && tx.Status != posdesk.StatusSettled && r.Float64() < pRetry {
		ch := tx.Channel
		if r.IntN(3) == 0 {
			ch = []posdesk.Channel{posdesk.ChannelWeChatPay, posdesk.ChannelAlipay}[r.IntN(2)]
		}
		s.schedule(followUp{at: t.Add(time.Duration(40+r.IntN(200)) * time.Second), kind: posdesk.KindSale, orig: tx, term: term, channel: ch})
	}
}

// followUp is a record due later: a reversal, void or refund of orig, or a customer's retry.
type followUp struct {
	at      time.Time
	seq     int
	kind    posdesk.TxKind
	orig    *posdesk.Transaction
	term    *Terminal
	channel posdesk.Channel // for retries
}

type followUps []followUp

func (q followUps) Len() int { return len(q) }
func (q followUps) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q followUps) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *followUps) Push(x any)   { *q = append(*q, x.(followUp)) }
func (q *followUps) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (s *Shop) schedule(f followUp) {
	s.seq++
	f.seq = s.seq
	heap.Push(&s.pending, f)
}

// drain emits the follow-ups due up to t, in time order.
func (s *Shop) drain(t time.Time, emit func(*posdesk.Transaction)) {
	for !s.done && s.pending.Len() > 0 && !s.pending[0].at.After(t) {
		f := heap.Pop(&s.pending).(followUp)
		s.follow(f, emit)
	}
}

func (s *Shop) follow(f followUp, emit func(*posdesk.Transaction)) {
	r, o := s.r, f.orig
	if f.kind == posdesk.KindSale {
		s.payment(f.term, f.at, o.Amount, f.channel, true, emit)
		return
	}
	amount := o.Amount
	if f.kind == posdesk.KindRefund && r.IntN(10) < 3 {
		// A partial refund: part of the goods came back.
		part := decimal.NewFromInt(int64(1 + r.IntN(max(1, int(o.Amount.Amount.IntPart())))))
		if part.LessThan(o.Amount.Amount) {
			amount = posdesk.Money{Amount: part, Currency: o.Amount.Currency}
		}
	}
	tx := s.record(f.term, f.at, f.kind, amount, o.Channel)
	tx.OriginalID = o.ID
	tx.Scheme, tx.Card = o.Scheme, o.Card
	tx.RRN = s.rrn(f.at)
	switch f.kind {
	case posdesk.KindVoid:
		tx.AuthCode = o.AuthCode
		if r.IntN(2) == 0 {
			tx.Note = pick(r, voidNotes)
		}
	case posdesk.KindRefund:
		if s.settled(f.at) {
			tx.Status = posdesk.StatusSettled
		}
		if r.IntN(3) != 0 {
			tx.Note = pick(r, refundNotes)
		}
	}
	emit(tx)
}

func isCard(ch posdesk.Channel) bool {
	return ch == posdesk.ChannelDebitCard || ch == posdesk.ChannelCreditCard || ch == posdesk.ChannelUnknownCard
}

// RandomChannel returns how a customer pays, in the proportions of a Chinese shop in the 2020s:
// QR wallets first, then debit and credit cards.
func RandomChannel(r *rand.Rand) posdesk.Channel {
	x := r.IntN(100)
	switch {
	case x < 24:
		return posdesk.ChannelWeChatPay
	case x < 43:
		return posdesk.ChannelAlipay
	case x < 52:
		return posdesk.ChannelUnionPayQR
	case x < 86:
		return posdesk.ChannelDebitCard
	}
	return posdesk.ChannelCreditCard
}

// bin is an issuer identification number and what it means.
type bin struct {
	prefix string
	length int // digits of the full card number
	scheme string
}

var debitBINs = []bin{
	{"622848", 19, "UnionPay"}, {"622202", 19, "UnionPay"}, {"621700", 19, "UnionPay"},
	{"621483", 16, "UnionPay"}, {"622588", 16, "UnionPay"}, {"621226", 19, "UnionPay"},
	{"623058", 19, "UnionPay"},
}

var creditBINs = []bin{
	{"625807", 16, "UnionPay"}, {"622588", 16, "UnionPay"}, {"518710", 16, "Mastercard"},
	{"524047", 16, "Mastercard"}, {"427020", 16, "Visa"}, {"438088", 16, "Visa"},
	{"356833", 16, "JCB"},
}

// RandomCard returns a card scheme and a masked card number (a common BIN, stars, four random
// digits) for a card channel. It never makes a full card number.
func RandomCard(r *rand.Rand, ch posdesk.Channel) (scheme, masked string) {
	bins := debitBINs
	if ch == posdesk.ChannelCreditCard {
		bins = creditBINs
	}
	b := bins[r.IntN(len(bins))]
	return b.scheme, b.prefix + strings.Repeat("*", b.length-10) + digits(r, 4)
}

// RandomAmount returns a believable price in yuan: most between 8 and 300, priced as shops price
// (39.50, 128.00, 29.90, sometimes to the fen on weighed goods), a few in the hundreds and
// thousands.
func RandomAmount(r *rand.Rand) posdesk.Money {
	var yuan float64
	switch x := r.Float64(); {
	case x < 0.95:
		yuan = math.Exp(math.Log(8) + r.Float64()*(math.Log(300)-math.Log(8)))
		if r.IntN(3) == 0 { // cheaper items are more common
			yuan = 8 + (yuan-8)*0.3
		}
	case x < 0.99:
		yuan = 300 + r.Float64()*700
	default:
		yuan = 1000 + r.Float64()*7000
	}
	var fen int64
	switch y := r.IntN(20); {
	case y < 8 || yuan >= 1000: // whole yuan
		fen = int64(math.Round(yuan)) * 100
	case y < 14: // .50 or whole
		fen = int64(math.Round(yuan*2)) * 50
	case y < 17: // x9.90, x8.00
		base := int64(yuan/10) * 10
		if r.IntN(2) == 0 {
			fen = (base+9)*100 + 90
		} else {
			fen = (base + 8) * 100
		}
	default: // weighed goods, to the fen
		fen = int64(math.Round(yuan * 100))
	}
	return posdesk.NewMoney(max(fen, 100), "CNY")
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func pad6(n int) string {
	s := strconv.Itoa(n)
	if len(s) >= 6 {
		return s
	}
	return "000000"[len(s):] + s
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

var saleNotes = []string{
	"会员积分已记", "顾客要求开发票", "团购券抵扣 20 元", "member points added", "分两次付款",
	"invoice requested", "外卖订单", "赠品已领", "老顾客，九折", "预订蛋糕定金",
}

var cardDeclineNotes = []string{
	"余额不足", "密码错误，顾客改用微信", "card declined, customer paid by QR", "银行风控拦截", "卡片过期",
}

var qrDeclineNotes = []string{"余额不足", "付款码已过期", "customer cancelled in the app", "支付限额"}

var failNotes = []string{
	"终端显示交易失败，顾客称已扣款", "网络断开，未打印签购单", "terminal timed out, customer says charged",
	"读卡失败", "签购单未打出", "顾客手机收到扣款短信",
}

var voidNotes = []string{"顾客取消", "金额输错，重新刷卡", "wrong amount keyed", "重复刷卡"}

var refundNotes = []string{"退货：尺码不合适", "商品质量问题退货", "returned unopened", "部分退货", "顾客退单"}
