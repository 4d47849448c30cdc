package reconcile_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

// at returns 2026-09-14 hh:mm in Shanghai.
func at(hh, mm int) time.Time { return time.Date(2026, 9, 14, hh, mm, 0, 0, shanghai) }

func tx(id int64, kind posdesk.TxKind, status posdesk.TxStatus, amount, rrn, trace string, when time.Time, card string) *posdesk.Transaction {
	return &posdesk.Transaction{ID: id, Kind: kind, Status: status, Amount: posdesk.CNY(amount), RRN: rrn, Trace: trace,
		Batch: "000012", Terminal: "61000042", Time: when.UTC(), Card: card}
}

func line(id int64, amount, rrn, trace string, when time.Time, card string) *posdesk.SettlementLine {
	a := posdesk.CNY(amount)
	k := posdesk.KindSale
	if a.IsNegative() {
		k = posdesk.KindRefund
	}
	return &posdesk.SettlementLine{ID: id, Kind: k, Amount: a, Net: a, Fee: posdesk.CNY("0"), RRN: rrn, Trace: trace, Batch: "000012",
		TerminalID: "61000042", Time: when.UTC(), SettleDate: posdesk.DateOf(when, time.UTC), Card: card}
}

// anchors cover 07:00 to 23:00 of the day on both sides, so coverage never hides a case.
func anchors() ([]*posdesk.Transaction, []*posdesk.SettlementLine) {
	return []*posdesk.Transaction{
			tx(900, posdesk.KindSale, posdesk.StatusApproved, "1.00", "A00000000001", "000900", at(7, 0), ""),
			tx(901, posdesk.KindSale, posdesk.StatusApproved, "1.00", "A00000000002", "000901", at(23, 0), ""),
		}, []*posdesk.SettlementLine{
			line(9900, "1.00", "A00000000001", "000900", at(7, 0), ""),
			line(9901, "1.00", "A00000000002", "000901", at(23, 0), ""),
		}
}

func run(t *testing.T, opts reconcile.Options, ledger []*posdesk.Transaction, settle []*posdesk.SettlementLine, bank []*posdesk.BankLine) (*posdesk.Reconciliation, *reconcile.Summary) {
	t.Helper()
	al, as := anchors()
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 9, 30, 9, 0, 0, 0, shanghai)
	}
	if opts.Location == nil {
		opts.Location = shanghai
	}
	r, sum, err := reconcile.Reconcile(context.Background(), opts, append(al, ledger...), append(as, settle...), bank)
	if err != nil {
		t.Fatal(err)
	}
	return r, sum
}

type excWant struct {
	kind posdesk.ExceptionKind
	tx   int64
	line []int64
}

func checkExceptions(t *testing.T, r *posdesk.Reconciliation, want []excWant) {
	t.Helper()
	var got []excWant
	for _, e := range r.Exceptions {
		got = append(got, excWant{e.Kind, e.TransactionID, e.SettlementLineIDs})
	}
	if len(got) != len(want) {
		t.Fatalf("exceptions = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].kind != want[i].kind || got[i].tx != want[i].tx || !slices.Equal(got[i].line, want[i].line) {
			t.Errorf("exception %d = %+v, want %+v (%s)", i, got[i], want[i], r.Exceptions[i].Reason)
		}
	}
}

func matchOf(r *posdesk.Reconciliation, txID int64) *posdesk.Match {
	for _, m := range r.Matches {
		if m.TransactionID == txID {
			return m
		}
	}
	return nil
}

const card = "622202******5519"

func TestRules(t *testing.T) {
	tests := []struct {
		name   string
		ledger []*posdesk.Transaction
		settle []*posdesk.SettlementLine
		want   []excWant
		check  func(t *testing.T, r *posdesk.Reconciliation)
	}{
		{
			name:   "timed-out sale never settled is not an exception",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusNoResponse, "88.00", "", "000101", at(10, 0), card)},
		},
		{
			name: "timed-out sale retried: the retry settles, the time-out stays quiet",
			ledger: []*posdesk.Transaction{
				tx(1, posdesk.KindSale, posdesk.StatusNoResponse, "88.00", "", "000101", at(10, 0), card),
				tx(2, posdesk.KindSale, posdesk.StatusApproved, "88.00", "260914000102", "000102", at(10, 1), card),
			},
			settle: []*posdesk.SettlementLine{line(11, "88.00", "260914000102", "000102", at(10, 1), card)},
			check: func(t *testing.T, r *posdesk.Reconciliation) {
				if m := matchOf(r, 2); m == nil || m.SettlementLineID != 11 || m.Score != 100 {
					t.Errorf("retry match = %+v", m)
				}
				if m := matchOf(r, 1); m != nil {
					t.Errorf("time-out matched %+v", m)
				}
			},
		},
		{
			name:   "timed-out sale without RRN found in settlement by amount, time and card",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusNoResponse, "88.00", "", "", at(10, 0), card)},
			settle: []*posdesk.SettlementLine{line(11, "88.00", "260914000101", "", at(10, 2), card)},
			want:   []excWant{{posdesk.ExcChargedButPOSFailed, 1, []int64{11}}},
			check: func(t *testing.T, r *posdesk.Reconciliation) {
				m := matchOf(r, 1)
				if m == nil || m.Score < posdesk.MatchScoreAuto || m.Score >= 100 || m.NeedsConfirmation() || !strings.Contains(m.Reason, "5519") {
					t.Errorf("match = %+v", m)
				}
			},
		},
		{
			name:   "failed sale reversed in the same statement nets to nothing",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusFailed, "50.00", "260914000201", "000201", at(11, 0), card)},
			settle: []*posdesk.SettlementLine{
				line(11, "50.00", "260914000201", "000201", at(11, 0), card),
				line(12, "-50.00", "260914000201", "000201", at(11, 1), card),
			},
		},
		{
			name:   "declined sale settled anyway",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusDeclined, "50.00", "260914000201", "000201", at(11, 0), card)},
			settle: []*posdesk.SettlementLine{line(11, "50.00", "260914000201", "000201", at(11, 0), card)},
			want:   []excWant{{posdesk.ExcChargedButPOSFailed, 1, []int64{11}}},
		},
		{
			name:   "no RRN at the POS: terminal, batch, trace and date match exactly",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusApproved, "60.00", "", "000301", at(12, 0), "")},
			settle: []*posdesk.SettlementLine{line(11, "60.00", "999999999999", "000301", at(12, 0), "")},
			check: func(t *testing.T, r *posdesk.Reconciliation) {
				if m := matchOf(r, 1); m == nil || m.SettlementLineID != 11 || m.Score != 100 || !strings.Contains(m.Reason, "000301") {
					t.Errorf("match = %+v", m)
				}
			},
		},
		{
			name:   "weak tolerant match waits for a person",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusApproved, "70.00", "", "", at(13, 0), "")},
			settle: []*posdesk.SettlementLine{line(11, "70.00", "260914000401", "", at(13, 12), "")},
			check: func(t *testing.T, r *posdesk.Reconciliation) {
				if m := matchOf(r, 1); m == nil || !m.NeedsConfirmation() || m.Score >= posdesk.MatchScoreAuto {
					t.Errorf("match = %+v", m)
				}
			},
		},
		{
			name:   "different cards never match",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusApproved, "70.00", "", "", at(13, 0), "622202******1111")},
			settle: []*posdesk.SettlementLine{line(11, "70.00", "260914000401", "", at(13, 1), "622202******2222")},
			want: []excWant{
				{posdesk.ExcApprovedNotSettled, 1, nil},
				{posdesk.ExcSettledNotInLedger, 0, []int64{11}},
			},
		},
		{
			name: "voided before settlement: nothing expected",
			ledger: []*posdesk.Transaction{
				tx(1, posdesk.KindSale, posdesk.StatusApproved, "80.00", "260914000501", "000501", at(14, 0), card),
				{ID: 2, Kind: posdesk.KindVoid, Status: posdesk.StatusApproved, Amount: posdesk.CNY("80.00"), RRN: "260914000502", Trace: "000502", Batch: "000012", Terminal: "61000042", Time: at(14, 5).UTC(), Card: card, OriginalID: 1},
			},
		},
		{
			name: "voided at the POS but settled: the void was not credited",
			ledger: []*posdesk.Transaction{
				tx(1, posdesk.KindSale, posdesk.StatusApproved, "80.00", "260914000501", "000501", at(14, 0), card),
				{ID: 2, Kind: posdesk.KindVoid, Status: posdesk.StatusApproved, Amount: posdesk.CNY("80.00"), RRN: "260914000502", Trace: "000502", Batch: "000012", Terminal: "61000042", Time: at(14, 5).UTC(), Card: card, OriginalID: 1},
			},
			settle: []*posdesk.SettlementLine{line(11, "80.00", "260914000501", "000501", at(14, 0), card)},
			want:   []excWant{{posdesk.ExcRefundNotCredited, 2, []int64{11}}},
		},
		{
			name: "void listed in the statement too: all square",
			ledger: []*posdesk.Transaction{
				tx(1, posdesk.KindSale, posdesk.StatusApproved, "80.00", "260914000501", "000501", at(14, 0), card),
				{ID: 2, Kind: posdesk.KindVoid, Status: posdesk.StatusApproved, Amount: posdesk.CNY("80.00"), RRN: "260914000502", Trace: "000502", Batch: "000012", Terminal: "61000042", Time: at(14, 5).UTC(), Card: card, OriginalID: 1},
			},
			settle: []*posdesk.SettlementLine{
				line(11, "80.00", "260914000501", "000501", at(14, 0), card),
				line(12, "-80.00", "260914000502", "000502", at(14, 5), card),
			},
		},
		{
			name: "two identical legitimate sales both match",
			ledger: []*posdesk.Transaction{
				tx(1, posdesk.KindSale, posdesk.StatusApproved, "15.00", "", "", at(15, 0), card),
				tx(2, posdesk.KindSale, posdesk.StatusApproved, "15.00", "", "", at(15, 0), card),
			},
			settle: []*posdesk.SettlementLine{
				line(11, "15.00", "260914000601", "", at(15, 0), card),
				line(12, "15.00", "260914000602", "", at(15, 0), card),
			},
			check: func(t *testing.T, r *posdesk.Reconciliation) {
				a, b := matchOf(r, 1), matchOf(r, 2)
				if a == nil || b == nil || a.SettlementLineID == b.SettlementLineID {
					t.Errorf("matches %+v %+v", a, b)
				}
			},
		},
		{
			name:   "sale on a terminal no statement covers is not checked",
			ledger: []*posdesk.Transaction{{ID: 1, Kind: posdesk.KindSale, Status: posdesk.StatusApproved, Amount: posdesk.CNY("9.00"), RRN: "260914000701", Terminal: "62000001", Time: at(16, 0).UTC()}},
		},
		{
			name:   "settlement line outside the ledger's hours is not flagged",
			settle: []*posdesk.SettlementLine{line(11, "9.00", "260914000801", "", at(23, 30), "")},
		},
		{
			name:   "pre-authorisation holds are not expected in settlement",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindPreAuth, posdesk.StatusApproved, "500.00", "260914000901", "000901", at(17, 0), card)},
		},
		{
			name:   "refund credited",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindRefund, posdesk.StatusApproved, "20.00", "260914001001", "001001", at(18, 0), card)},
			settle: []*posdesk.SettlementLine{line(11, "-20.00", "260914001001", "001001", at(18, 0), card)},
		},
		{
			name:   "refund settled short",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindRefund, posdesk.StatusApproved, "20.00", "260914001001", "001001", at(18, 0), card)},
			settle: []*posdesk.SettlementLine{line(11, "-19.00", "260914001001", "001001", at(18, 0), card)},
			want:   []excWant{{posdesk.ExcAmountMismatch, 1, []int64{11}}},
		},
		{
			name:   "a sale never matches a refund line of the same RRN",
			ledger: []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusApproved, "20.00", "260914001101", "001101", at(18, 0), card)},
			settle: []*posdesk.SettlementLine{line(11, "-20.00", "260914001101", "001101", at(18, 0), card)},
			want: []excWant{
				{posdesk.ExcApprovedNotSettled, 1, nil},
				{posdesk.ExcSettledNotInLedger, 0, []int64{11}},
			},
		},
		{
			name: "voided ledger records are ignored",
			ledger: []*posdesk.Transaction{func() *posdesk.Transaction {
				x := tx(1, posdesk.KindSale, posdesk.StatusApproved, "20.00", "260914001201", "001201", at(18, 0), card)
				x.VoidedAt = at(19, 0)
				return x
			}()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := run(t, reconcile.Options{}, tt.ledger, tt.settle, nil)
			checkExceptions(t, r, tt.want)
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestGracePeriod(t *testing.T) {
	ledger := []*posdesk.Transaction{tx(1, posdesk.KindSale, posdesk.StatusApproved, "30.00", "260914000001", "000001", at(12, 0), card)}
	for _, tt := range []struct {
		now  time.Time
		days int
		want int
	}{
		{time.Date(2026, 9, 15, 9, 0, 0, 0, shanghai), 3, 0},
		{time.Date(2026, 9, 17, 11, 59, 0, 0, shanghai), 3, 0},
		{time.Date(2026, 9, 17, 12, 0, 0, 0, shanghai), 3, 1},
		{time.Date(2026, 9, 15, 12, 0, 0, 0, shanghai), 1, 1},
	} {
		_, sum := run(t, reconcile.Options{Now: tt.now, SettleDays: tt.days}, ledger, nil, nil)
		if got := sum.Exceptions[posdesk.ExcApprovedNotSettled]; got != tt.want {
			t.Errorf("now %s, %d days: %d exceptions, want %d", tt.now, tt.days, got, tt.want)
		}
	}
}

func TestTerminalsWithoutData(t *testing.T) {
	ledger := []*posdesk.Transaction{{ID: 1, Kind: posdesk.KindSale, Status: posdesk.StatusApproved, Amount: posdesk.CNY("9.00"), Terminal: "62000001", Time: at(16, 0).UTC()}}
	_, sum := run(t, reconcile.Options{}, ledger, nil, nil)
	if !slices.Equal(sum.TerminalsWithoutSettlement, []string{"62000001"}) {
		t.Errorf("summary = %+v", sum)
	}
}

func bankLine(id int64, date string, credit string, desc string) *posdesk.BankLine {
	d, _ := posdesk.ParseDate(date)
	return &posdesk.BankLine{ID: id, Date: d, Credit: posdesk.CNY(credit), Debit: posdesk.CNY("0"), Description: desc, Counterparty: "收单机构清算户"}
}

func TestBankCredits(t *testing.T) {
	day := func(d, hh int) time.Time { return time.Date(2026, 9, d, hh, 0, 0, 0, shanghai) }
	// Net totals: Fri 11th 100.00, Sat 12th 40.00, Sun 13th 60.00, Mon 14th 80.00.
	settle := []*posdesk.SettlementLine{
		line(11, "100.00", "1", "", day(11, 10), ""), line(12, "40.00", "2", "", day(12, 10), ""),
		line(13, "60.00", "3", "", day(13, 10), ""), line(14, "80.00", "4", "", day(14, 10), ""),
	}
	salary := bankLine(9, "2026-09-15", "1000.00", "工资")
	salary.Counterparty = "某某公司"
	tests := []struct {
		name string
		bank []*posdesk.BankLine
		want map[string]string // credit day -> "expected/actual"
	}{
		{"all paid T+1", []*posdesk.BankLine{bankLine(1, "2026-09-12", "100.00", "POS清算入账"), bankLine(2, "2026-09-13", "40.00", "POS清算"),
			bankLine(3, "2026-09-14", "60.00", "POS清算"), bankLine(4, "2026-09-15", "80.00", "POS清算")}, map[string]string{}},
		{"week-end paid together on Monday, salary credit ignored", []*posdesk.BankLine{bankLine(1, "2026-09-12", "100.00", "POS清算入账"),
			bankLine(2, "2026-09-15", "180.00", "POS清算"), salary}, map[string]string{}},
		{"week-end paid on Monday, one yuan short", []*posdesk.BankLine{bankLine(1, "2026-09-12", "100.00", "POS清算入账"),
			bankLine(2, "2026-09-15", "179.00", "POS清算"), salary}, map[string]string{
			// No run of days adds up to 179: the 14th's net is compared with it, and the 12th
			// and 13th have no credit of their own.
			"2026-09-15": "80.00/179.00", "2026-09-13": "40.00/0.00", "2026-09-14": "60.00/0.00",
		}},
		{"short credit", []*posdesk.BankLine{bankLine(1, "2026-09-12", "99.00", "POS清算入账"), bankLine(2, "2026-09-13", "40.00", "POS清算"),
			bankLine(3, "2026-09-14", "60.00", "POS清算"), bankLine(4, "2026-09-15", "80.00", "POS清算")}, map[string]string{"2026-09-12": "100.00/99.00"}},
		{"missing credit", []*posdesk.BankLine{bankLine(1, "2026-09-12", "100.00", "POS清算入账"), bankLine(3, "2026-09-14", "60.00", "POS清算"),
			bankLine(4, "2026-09-15", "80.00", "POS清算")}, map[string]string{"2026-09-13": "40.00/0.00"}},
		{"credit for a day without settlement", []*posdesk.BankLine{bankLine(1, "2026-09-12", "100.00", "POS清算入账"), bankLine(2, "2026-09-13", "40.00", "POS清算"),
			bankLine(3, "2026-09-14", "60.00", "POS清算"), bankLine(4, "2026-09-15", "80.00", "POS清算"), bankLine(5, "2026-09-15", "5.00", "POS清算")},
			map[string]string{"2026-09-15": "80.00/85.00"}},
		{"paid one day late, exact amounts", []*posdesk.BankLine{bankLine(1, "2026-09-13", "100.00", "POS"), bankLine(2, "2026-09-14", "40.00", "POS"),
			bankLine(3, "2026-09-15", "60.00", "POS"), bankLine(4, "2026-09-16", "80.00", "POS")}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, err := reconcile.Reconcile(context.Background(), reconcile.Options{Now: day(30, 9), Location: shanghai}, nil, settle, tt.bank)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range r.Exceptions {
				if e.Kind != posdesk.ExcBankCreditMismatch {
					t.Errorf("unexpected %s", e.Kind)
					continue
				}
				got[e.Date.String()] = e.Expected.Plain() + "/" + e.Actual.Plain()
				if e.Reason == "" {
					t.Error("no reason")
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: got %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestSinkErrorsAndCancel(t *testing.T) {
	ledger, settle, bank := samples(t)
	boom := errors.New("disk full")
	_, err := reconcile.Run(context.Background(), sampleOptions(), reconcile.Input{Ledger: reconcile.Slice(ledger), Settlement: reconcile.Slice(settle), Bank: reconcile.Slice(bank)},
		reconcile.Sink{Exception: func(*posdesk.Exception) error { return boom }})
	if !errors.Is(err, boom) {
		t.Errorf("sink error = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = reconcile.Run(ctx, sampleOptions(), reconcile.Input{Ledger: reconcile.Slice(ledger)}, reconcile.Sink{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run = %v", err)
	}
	bad := errors.New("read failed")
	_, err = reconcile.Run(context.Background(), sampleOptions(), reconcile.Input{Settlement: func(yield func(*posdesk.SettlementLine, error) bool) { yield(nil, bad) }}, reconcile.Sink{})
	if !errors.Is(err, bad) {
		t.Errorf("input error = %v", err)
	}
}

func TestExceptionKeysStable(t *testing.T) {
	ledger, settle, bank := samples(t)
	a, _, _ := reconcile.Reconcile(context.Background(), sampleOptions(), ledger, settle, bank)
	slices.Reverse(ledger)
	slices.Reverse(settle)
	b, _, _ := reconcile.Reconcile(context.Background(), sampleOptions(), ledger, settle, bank)
	var ka, kb []string
	for _, e := range a.Exceptions {
		ka = append(ka, e.Key)
	}
	for _, e := range b.Exceptions {
		kb = append(kb, e.Key)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	if !slices.Equal(ka, kb) || len(ka) != 6 {
		t.Errorf("keys differ with input order:\n%v\n%v", ka, kb)
	}
}
