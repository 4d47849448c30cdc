package ui

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// queue is a Window.Async that holds the work until drain runs it on the test goroutine, so
// screen tests see loads happen later, as in the app, without races.
type queue struct{ work []func() }

func (q *queue) run(f func()) { q.work = append(q.work, f) }

func (q *queue) drain() {
	for len(q.work) > 0 {
		f := q.work[0]
		q.work = q.work[1:]
		f()
	}
}

var shanghai = mustLocation("Asia/Shanghai")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// testNow is the clock of every test window: 2024-05-31 14:05 in Shanghai.
var testNow = time.Date(2024, 5, 31, 14, 5, 0, 0, shanghai)

var owner = &posdesk.User{Name: "Li Wei", Role: posdesk.RoleOwner}

// newTestWindow returns a 1280x800 window on a test app with posdesk's theme, in English.
func newTestWindow(t *testing.T, s Services, u *posdesk.User) (*Window, *queue) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	setLang(t, i18n.English)
	q := &queue{}
	w := NewMainWindow(a, s, Config{User: u, Now: func() time.Time { return testNow }, Location: shanghai,
		Async: q.run, Size: fyne.NewSize(1280, 800)})
	w.Show()
	t.Cleanup(w.Close)
	return w, q
}

// setLang switches the translation language for one test.
func setLang(t *testing.T, l i18n.Lang) {
	old := i18n.Current()
	i18n.SetLang(l)
	t.Cleanup(func() { i18n.SetLang(old) })
}

// ledgerOf opens the ledger of w and runs its first loads.
func ledgerOf(t *testing.T, w *Window, q *queue) *Ledger {
	t.Helper()
	if !w.Open("ledger") {
		t.Fatal("ledger section not visible")
	}
	q.drain()
	return w.Built("ledger").(*Ledger)
}

// fakeLedger is an in-memory ledger behind a mock.TransactionService: newest first, keyset
// pages, the status and query filters. It records the filters it was asked for.
type fakeLedger struct {
	rows    []*posdesk.Transaction // newest first
	finds   []posdesk.TransactionFilter
	sums    []posdesk.TransactionFilter
	created []*posdesk.Transaction
	svc     *mock.TransactionService
}

// newFakeLedger returns a ledger of n sales, one a minute back from testNow; every 10th failed.
func newFakeLedger(n int) *fakeLedger {
	f := &fakeLedger{}
	for i := 0; i < n; i++ {
		st := posdesk.StatusApproved
		if i%10 == 9 {
			st = posdesk.StatusFailed
		}
		f.rows = append(f.rows, &posdesk.Transaction{ID: int64(n - i), Time: testNow.Add(-time.Duration(i) * time.Minute).UTC(),
			Amount: posdesk.NewMoney(int64(1000+i), "CNY"), Kind: posdesk.KindSale, Channel: posdesk.ChannelUnknownCard, Status: st,
			Terminal: "T0000001", Trace: fmt.Sprintf("%06d", n-i), RRN: fmt.Sprintf("4%011d", n-i), Card: "622848******1234"})
	}
	f.svc = &mock.TransactionService{
		FindTransactionsFn: func(_ context.Context, flt posdesk.TransactionFilter) ([]*posdesk.Transaction, *posdesk.TxCursor, error) {
			f.finds = append(f.finds, flt)
			var out []*posdesk.Transaction
			for _, r := range f.match(flt) {
				if flt.After != nil && !(r.Time.Before(flt.After.Time) || r.Time.Equal(flt.After.Time) && r.ID < flt.After.ID) {
					continue
				}
				out = append(out, r)
				if len(out) > flt.Limit {
					break
				}
			}
			var next *posdesk.TxCursor
			if len(out) > flt.Limit {
				out = out[:flt.Limit]
				next = &posdesk.TxCursor{Time: out[len(out)-1].Time, ID: out[len(out)-1].ID}
			}
			return out, next, nil
		},
		SumTransactionsFn: func(_ context.Context, flt posdesk.TransactionFilter) ([]posdesk.TxTotal, error) {
			f.sums = append(f.sums, flt)
			byStatus := map[posdesk.TxStatus]*posdesk.TxTotal{}
			for _, r := range f.match(flt) {
				t, ok := byStatus[r.Status]
				if !ok {
					t = &posdesk.TxTotal{Status: r.Status, Currency: "CNY", Amount: posdesk.NewMoney(0, "CNY")}
					byStatus[r.Status] = t
				}
				t.Count++
				t.Amount = t.Amount.Add(r.Amount)
			}
			var out []posdesk.TxTotal
			for _, t := range byStatus {
				out = append(out, *t)
			}
			sort.Slice(out, func(i, j int) bool { return out[i].Status < out[j].Status })
			return out, nil
		},
		CreateTransactionFn: func(_ context.Context, t *posdesk.Transaction) error {
			f.created = append(f.created, t)
			return nil
		},
	}
	return f
}

func (f *fakeLedger) match(flt posdesk.TransactionFilter) []*posdesk.Transaction {
	var out []*posdesk.Transaction
	for _, r := range f.rows {
		if r.Voided() && !flt.IncludeVoided {
			continue
		}
		if len(flt.Statuses) > 0 && r.Status != flt.Statuses[0] {
			continue
		}
		if flt.Query != "" && r.Trace != flt.Query && r.RRN != flt.Query {
			continue
		}
		out = append(out, r)
	}
	return out
}

func (f *fakeLedger) lastFind(t *testing.T) posdesk.TransactionFilter {
	t.Helper()
	if len(f.finds) == 0 {
		t.Fatal("FindTransactions was not called")
	}
	return f.finds[len(f.finds)-1]
}
