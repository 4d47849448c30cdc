package demo_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var end = time.Date(2026, 9, 20, 18, 0, 0, 0, demo.ShopZone)

func generate(tb testing.TB, cfg demo.Config) (*demo.Shop, []*posdesk.Transaction) {
	tb.Helper()
	s := demo.NewShop(cfg)
	var out []*posdesk.Transaction
	for t := range s.Transactions() {
		out = append(out, t)
	}
	return s, out
}

func fingerprint(ts []*posdesk.Transaction) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%d %d %s %s %s %s %s %s %s %s %s %s %s %s %d %q\n", t.ID, t.Time.Unix(), t.Amount, t.Kind, t.Channel, t.Status,
			t.Merchant, t.Terminal, t.Batch, t.Trace, t.RRN, t.AuthCode, t.Scheme, t.Card, t.OriginalID, t.Note)
	}
	return b.String()
}

func TestSameSeedSameShop(t *testing.T) {
	cfg := demo.Config{Seed: 42, Transactions: 2000, End: end}
	_, a := generate(t, cfg)
	_, b := generate(t, cfg)
	if fingerprint(a) != fingerprint(b) {
		t.Error("the same config gave different records")
	}
	cfg.Seed = 43
	_, c := generate(t, cfg)
	if fingerprint(a) == fingerprint(c) {
		t.Error("another seed gave the same records")
	}
}

func TestExactCountAndIDs(t *testing.T) {
	for _, n := range []int{0, 1, 7, 150, 3000, 25000} {
		s, ts := generate(t, demo.Config{Seed: uint64(n), Transactions: n, End: end, FirstID: 1000})
		if len(ts) != n || s.Stats.Records != n {
			t.Errorf("n=%d: got %d records (stats %d)", n, len(ts), s.Stats.Records)
			continue
		}
		for i, tx := range ts {
			if tx.ID != int64(1000+i) {
				t.Fatalf("n=%d: record %d has ID %d", n, i, tx.ID)
			}
		}
	}
}

func TestEndEarlyInTheMorning(t *testing.T) {
	// Before opening time the demo ends with the previous day's trading.
	early := time.Date(2026, 9, 20, 7, 0, 0, 0, demo.ShopZone)
	_, ts := generate(t, demo.Config{Seed: 1, Transactions: 500, End: early})
	last := ts[len(ts)-1].Time.In(demo.ShopZone)
	if last.After(early) || last.Day() != 19 {
		t.Errorf("last record at %s, want on 19 September", last)
	}
}

// TestRecordsAreBelievable checks the shape of a medium demo: valid, masked, in time order,
// per-terminal sequences, opening hours, amounts, channels and the links of follow-ups.
func TestRecordsAreBelievable(t *testing.T) {
	s, ts := generate(t, demo.Config{Seed: 7, Transactions: 20000, End: end})
	if len(s.Terminals) < 2 || len(s.Terminals) > 3 {
		t.Errorf("%d terminals", len(s.Terminals))
	}
	if !regexp.MustCompile(`^\d{15}$`).MatchString(s.Merchant) {
		t.Errorf("merchant %q", s.Merchant)
	}
	tid := regexp.MustCompile(`^\d{8}$`)
	six := regexp.MustCompile(`^\d{6}$`)
	rrn := regexp.MustCompile(`^\d{12}$`)
	masked := regexp.MustCompile(`^\d{6}\*+\d{4}$`)
	byID := map[int64]*posdesk.Transaction{}
	rrns := map[string]bool{}
	lastTrace := map[string]string{}
	lastBatch := map[string]string{}
	kinds := map[posdesk.TxKind]int{}
	statuses := map[posdesk.TxStatus]int{}
	channels := map[posdesk.Channel]int{}
	var sales, small, thousands int
	hours := map[int]int{}
	var prev time.Time
	for _, tx := range ts {
		byID[tx.ID] = tx
		kinds[tx.Kind]++
		statuses[tx.Status]++
		channels[tx.Channel]++
		if tx.Time.Before(prev) {
			t.Fatalf("record %d at %s is before the previous one (%s)", tx.ID, tx.Time, prev)
		}
		prev = tx.Time
		if tx.Time.After(end) {
			t.Errorf("record %d is after the end: %s", tx.ID, tx.Time)
		}
		c := *tx
		c.Normalize()
		if err := c.Validate(); err != nil {
			t.Fatalf("record %d is not valid: %v", tx.ID, err)
		}
		if c.Card != tx.Card || c.Note != tx.Note {
			t.Errorf("record %d changed when normalised: card %q note %q", tx.ID, tx.Card, tx.Note)
		}
		if tx.Source != posdesk.SourceDemo || tx.Merchant != s.Merchant || !tid.MatchString(tx.Terminal) ||
			!six.MatchString(tx.Batch) || !six.MatchString(tx.Trace) {
			t.Fatalf("record %d identifiers: %+v", tx.ID, tx)
		}
		if tx.RRN != "" {
			if !rrn.MatchString(tx.RRN) || rrns[tx.RRN] {
				t.Errorf("record %d: RRN %q malformed or repeated", tx.ID, tx.RRN)
			}
			rrns[tx.RRN] = true
		}
		if tx.AuthCode != "" && !six.MatchString(tx.AuthCode) {
			t.Errorf("record %d: auth code %q", tx.ID, tx.AuthCode)
		}
		card := tx.Channel == posdesk.ChannelDebitCard || tx.Channel == posdesk.ChannelCreditCard
		if card != (tx.Card != "") || (card && !masked.MatchString(tx.Card)) {
			t.Errorf("record %d: channel %s card %q", tx.ID, tx.Channel, tx.Card)
		}
		if l := len(tx.Card); card && l != 16 && l != 19 {
			t.Errorf("record %d: card %q has %d digits", tx.ID, tx.Card, l)
		}
		// Trace numbers increase on each terminal; batches change from one day to the next.
		if p, ok := lastTrace[tx.Terminal]; ok && tx.Trace <= p && p != "999999" {
			t.Errorf("record %d: trace %s after %s on %s", tx.ID, tx.Trace, p, tx.Terminal)
		}
		lastTrace[tx.Terminal] = tx.Trace
		if p, ok := lastBatch[tx.Terminal]; ok && tx.Batch < p {
			t.Errorf("record %d: batch %s after %s on %s", tx.ID, tx.Batch, p, tx.Terminal)
		}
		lastBatch[tx.Terminal] = tx.Batch
		local := tx.Time.In(demo.ShopZone)
		if tx.Kind == posdesk.KindSale && tx.OriginalID == 0 {
			sales++
			hours[local.Hour()]++
			if h := local.Hour(); h < 9 || h >= 22 {
				t.Errorf("sale %d at %s, outside opening hours", tx.ID, local.Format("15:04"))
			}
			y := tx.Amount.Amount.InexactFloat64()
			if y >= 8 && y <= 300 {
				small++
			}
			if y >= 1000 {
				thousands++
			}
		}
		if tx.OriginalID != 0 {
			o := byID[tx.OriginalID]
			if o == nil {
				t.Fatalf("record %d refers to %d, not generated before it", tx.ID, tx.OriginalID)
			}
			checkFollowUp(t, o, tx)
		}
	}
	if f := float64(small) / float64(sales); f < 0.8 {
		t.Errorf("%.0f%% of sales between 8 and 300 yuan, want most", f*100)
	}
	if thousands == 0 || thousands > sales/20 {
		t.Errorf("%d of %d sales above 1,000 yuan, want a few", thousands, sales)
	}
	if hours[12] < 2*hours[9] || hours[18] < 2*hours[15] {
		t.Errorf("no lunch or evening peak: %v", hours)
	}
	for _, k := range []posdesk.TxKind{posdesk.KindSale, posdesk.KindVoid, posdesk.KindRefund, posdesk.KindReversal} {
		if kinds[k] == 0 {
			t.Errorf("no %s records", k)
		}
	}
	for _, st := range []posdesk.TxStatus{posdesk.StatusApproved, posdesk.StatusSettled, posdesk.StatusDeclined, posdesk.StatusFailed, posdesk.StatusNoResponse, posdesk.StatusReversed} {
		if statuses[st] == 0 {
			t.Errorf("no %s records", st)
		}
	}
	for _, ch := range []posdesk.Channel{posdesk.ChannelDebitCard, posdesk.ChannelCreditCard, posdesk.ChannelUnionPayQR, posdesk.ChannelAlipay, posdesk.ChannelWeChatPay} {
		if channels[ch] < len(ts)/20 {
			t.Errorf("only %d %s records", channels[ch], ch)
		}
	}
	if statuses[posdesk.StatusSettled] < len(ts)*8/10 {
		t.Errorf("only %d settled records of %d", statuses[posdesk.StatusSettled], len(ts))
	}
	// Every no-response or reversed sale is followed by its reversal (unless at the very end).
	reversed := map[int64]bool{}
	for _, tx := range ts {
		if tx.Kind == posdesk.KindReversal {
			reversed[tx.OriginalID] = true
		}
	}
	for _, tx := range ts {
		if (tx.Status == posdesk.StatusNoResponse || tx.Status == posdesk.StatusReversed) && !reversed[tx.ID] && end.Sub(tx.Time) > time.Hour {
			t.Errorf("sale %d (%s) has no reversal", tx.ID, tx.Status)
		}
	}
	if len(s.Notable) == 0 {
		t.Error("no notable records")
	}
	for _, n := range s.Notable {
		if end.Sub(n.Time) > demo.NotableDays*24*time.Hour {
			t.Errorf("notable record %d is older than %d days", n.ID, demo.NotableDays)
		}
	}
}

func checkFollowUp(t *testing.T, o, tx *posdesk.Transaction) {
	t.Helper()
	if !tx.Time.After(o.Time) {
		t.Errorf("%s %d is not after its original %d", tx.Kind, tx.ID, o.ID)
	}
	if tx.Card != o.Card || tx.Channel != o.Channel {
		t.Errorf("%s %d: card/channel %s %s differ from original %s %s", tx.Kind, tx.ID, tx.Card, tx.Channel, o.Card, o.Channel)
	}
	switch tx.Kind {
	case posdesk.KindReversal:
		if o.Status != posdesk.StatusNoResponse && o.Status != posdesk.StatusReversed {
			t.Errorf("reversal %d of a %s sale", tx.ID, o.Status)
		}
		if !tx.Amount.Equal(o.Amount) || tx.Time.Sub(o.Time) > 2*time.Minute || tx.Terminal != o.Terminal {
			t.Errorf("reversal %d: %s at %s on %s for %s at %s on %s", tx.ID, tx.Amount, tx.Time, tx.Terminal, o.Amount, o.Time, o.Terminal)
		}
	case posdesk.KindVoid:
		sameDay := tx.Time.In(demo.ShopZone).YearDay() == o.Time.In(demo.ShopZone).YearDay()
		if o.Status != posdesk.StatusApproved || !tx.Amount.Equal(o.Amount) || !sameDay || tx.Batch != o.Batch {
			t.Errorf("void %d (%s, batch %s, %s) of sale %d (%s, batch %s, %s, %s)", tx.ID, tx.Amount, tx.Batch, tx.Time, o.ID, o.Amount, o.Batch, o.Time, o.Status)
		}
	case posdesk.KindRefund:
		if tx.Amount.Cmp(o.Amount) > 0 || tx.Time.Sub(o.Time) < 12*time.Hour {
			t.Errorf("refund %d of %s at %s for sale %d of %s at %s", tx.ID, tx.Amount, tx.Time, o.ID, o.Amount, o.Time)
		}
	default:
		t.Errorf("record %d of kind %s has an original", tx.ID, tx.Kind)
	}
}

func TestSpanGrowsWithCount(t *testing.T) {
	for _, tc := range []struct {
		n       int
		minDays int
		maxDays int
	}{
		{3000, 27, 29},
		{100000, 600, 700},
	} {
		s, ts := generate(t, demo.Config{Seed: 3, Transactions: tc.n, End: end})
		days := int(ts[len(ts)-1].Time.Sub(ts[0].Time).Hours()/24) + 1
		if days < tc.minDays || days > tc.maxDays || s.Stats.Days < tc.minDays {
			t.Errorf("n=%d covers %d days (stats %d), want %d-%d", tc.n, days, s.Stats.Days, tc.minDays, tc.maxDays)
		}
	}
}

func TestRandIsPerPart(t *testing.T) {
	a := demo.NewShop(demo.Config{Seed: 9})
	b := demo.NewShop(demo.Config{Seed: 9})
	x, y, z := a.Rand("incidents").Uint64(), b.Rand("incidents").Uint64(), a.Rand("refunds").Uint64()
	if x != y || x == z {
		t.Errorf("Rand: incidents %d and %d, refunds %d", x, y, z)
	}
}

func TestRandomHelpers(t *testing.T) {
	s := demo.NewShop(demo.Config{Seed: 5})
	r := s.Rand("test")
	for i := 0; i < 2000; i++ {
		m := demo.RandomAmount(r)
		if m.Currency != "CNY" || m.Amount.Exponent() < -2 || m.Minor() < 100 || m.Minor() > 800000 {
			t.Fatalf("amount %s", m)
		}
		ch := demo.RandomChannel(r)
		if !ch.Valid() || ch == posdesk.ChannelCash {
			t.Fatalf("channel %s", ch)
		}
		scheme, card := demo.RandomCard(r, posdesk.ChannelCreditCard)
		if scheme == "" || !slices.Contains([]int{16, 19}, len(card)) || strings.Count(card, "*") < 6 {
			t.Fatalf("card %s %s", scheme, card)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	n := 0
	for b.Loop() {
		s := demo.NewShop(demo.Config{Seed: 1, Transactions: 100000, End: end})
		for range s.Transactions() {
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
