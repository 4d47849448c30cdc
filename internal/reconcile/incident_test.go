package reconcile_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

var cst = time.FixedZone("CST", 8*3600)

func TestIncidentKindFor(t *testing.T) {
	for _, c := range []struct {
		exc  posdesk.ExceptionKind
		want posdesk.IncidentKind
	}{
		{posdesk.ExcChargedButPOSFailed, posdesk.IncidentChargedButFailed},
		{posdesk.ExcApprovedNotSettled, posdesk.IncidentPostingFailure},
		{posdesk.ExcAmountMismatch, posdesk.IncidentWrongAmount},
		{posdesk.ExcSettledTwice, posdesk.IncidentDuplicateCharge},
		{posdesk.ExcSettledNotInLedger, posdesk.IncidentOther},
		{posdesk.ExcRefundNotCredited, posdesk.IncidentCustomerRefund},
		{posdesk.ExcBankCreditMismatch, posdesk.IncidentPostingFailure},
		{"made_up", posdesk.IncidentOther},
	} {
		if got := reconcile.IncidentKindFor(c.exc); got != c.want {
			t.Errorf("%s: got %s, want %s", c.exc, got, c.want)
		}
	}
	// Every queue has a title of its own, not its ID.
	for _, k := range posdesk.ExceptionKinds {
		if got := reconcile.QueueTitle(k); got == string(k) || got == "" {
			t.Errorf("%s has no title: %q", k, got)
		}
	}
}

func TestAmountInQuestion(t *testing.T) {
	for _, c := range []struct {
		kind             posdesk.ExceptionKind
		expected, actual string
		want             string
	}{
		{posdesk.ExcChargedButPOSFailed, "0.00", "2008.80", "2008.80"},  // what the customer paid
		{posdesk.ExcApprovedNotSettled, "58.00", "0.00", "58.00"},       // what the shop is owed
		{posdesk.ExcAmountMismatch, "100.00", "99.00", "1.00"},          // the difference, short
		{posdesk.ExcAmountMismatch, "100.00", "101.50", "1.50"},         // or over
		{posdesk.ExcSettledTwice, "80.00", "240.00", "160.00"},          // the extra settlements
		{posdesk.ExcSettledNotInLedger, "0.00", "-35.00", "35.00"},      // a refund only the acquirer knows
		{posdesk.ExcRefundNotCredited, "-50.00", "0.00", "50.00"},       // the refund not passed on
		{posdesk.ExcBankCreditMismatch, "1000.00", "990.00", "10.00"},   // the day's shortfall
		{posdesk.ExcBankCreditMismatch, "1000.00", "0.00", "1000.00"},   // no credit at all
		{posdesk.ExcBankCreditMismatch, "0.00", "300.00", "300.00"},     // a credit for no settlement day
		{posdesk.ExcSettledNotInLedger, "0.00", "12.34", "12.34"},       // a sale only the acquirer knows
		{posdesk.ExcChargedButPOSFailed, "0.00", "-0.00", "0.00"},       // nothing: refused later by Validate
		{posdesk.ExcApprovedNotSettled, "99999.99", "0.00", "99999.99"}, // large amounts stay exact
	} {
		x := &posdesk.Exception{Kind: c.kind, Expected: posdesk.CNY(c.expected), Actual: posdesk.CNY(c.actual)}
		got := reconcile.AmountInQuestion(x)
		if got.Plain() != c.want || got.Currency != "CNY" {
			t.Errorf("%s %s -> %s: got %s %s, want %s CNY", c.kind, c.expected, c.actual, got.Plain(), got.Currency, c.want)
		}
	}
}

// Records as storage reads them for the cases below.
var (
	failedSale = &posdesk.Transaction{ID: 41, Time: time.Date(2026, 9, 14, 2, 3, 4, 0, time.UTC), Amount: posdesk.CNY("2008.80"),
		Kind: posdesk.KindSale, Status: posdesk.StatusFailed, Terminal: "61000042", Trace: "000571", RRN: "260914000571"}
	failedSaleLine = &posdesk.SettlementLine{ID: 7, BatchID: 2, MerchantID: "898310058120042", TerminalID: "61000042", Batch: "000123",
		Trace: "000571", RRN: "260914000571", AuthCode: "A1B2C3", Card: "622848******1234", Kind: posdesk.KindSale,
		Amount: posdesk.CNY("2008.80"), Fee: posdesk.CNY("12.05"), Net: posdesk.CNY("1996.75"),
		Time: time.Date(2026, 9, 14, 2, 3, 9, 0, time.UTC), SettleDate: posdesk.NewDate(2026, 9, 15), Line: 46}
	lonelyRefundLine = &posdesk.SettlementLine{ID: 8, BatchID: 2, MerchantID: "not-a-mid", TerminalID: "61000043", Trace: "000600",
		RRN: "260916000600", Kind: posdesk.KindRefund, Amount: posdesk.CNY("-35.00"), Net: posdesk.CNY("-35.00"),
		Time: time.Date(2026, 9, 16, 9, 0, 0, 0, time.UTC), SettleDate: posdesk.NewDate(2026, 9, 16), Line: 12}
	creditLine = &posdesk.BankLine{ID: 3, BatchID: 5, Date: posdesk.NewDate(2026, 9, 16), Description: "POS清算入账",
		Counterparty: "收单机构清算户", Credit: posdesk.CNY("990.00"), Debit: posdesk.CNY("0"), Line: 3}
	lineFiles = map[int64]string{2: "settlement_gbk.csv", 5: "bank_statement.csv"}
)

func TestIncidentFromException(t *testing.T) {
	found := time.Date(2026, 9, 20, 1, 0, 0, 0, time.UTC)
	type want struct {
		kind     posdesk.IncidentKind
		amount   string
		time     time.Time
		linkID   int64                // the ledger record linked, or 0
		slip     *posdesk.Transaction // the record made from a statement line, or nil
		noRecord bool                 // no record at all (a day's bank credit)
		story    []string             // in the story
		notStory []string             // not in the story
		text     []string             // in the attached text
	}
	for _, c := range []struct {
		name string
		x    *posdesk.Exception
		r    *posdesk.ExceptionRecords
		want want
	}{
		{
			name: "charged but failed: ledger record linked, its time, the settled amount",
			x: &posdesk.Exception{ID: 3, Kind: posdesk.ExcChargedButPOSFailed, TransactionID: 41, SettlementLineIDs: []int64{7},
				RRN: "260914000571", Date: posdesk.NewDate(2026, 9, 14), Expected: posdesk.CNY("0"), Actual: posdesk.CNY("2008.80"),
				Reason: "The POS recorded this payment as Failed, but the acquirer settled ¥2,008.80 for it.", FoundAt: found},
			r: &posdesk.ExceptionRecords{Transaction: failedSale, SettlementLines: []*posdesk.SettlementLine{failedSaleLine}, Files: lineFiles},
			want: want{kind: posdesk.IncidentChargedButFailed, amount: "2008.80", time: failedSale.Time, linkID: 41,
				story: []string{"From reconciliation exception 3 (Charged but the POS failed) of 2026-09-14: The POS recorded", "Reference number (RRN): 260914000571.", "attached as exception-3.txt"},
				text: []string{"Reconciliation exception 3: Charged but the POS failed", "Expected ¥ 0.00, found ¥ 2,008.80.", "Found by reconciliation on 2026-09-20 09:00:00.",
					"Ledger record 41: 2026-09-14 10:03:04, Sale ¥ 2,008.80, Failed; terminal 61000042, batch -, trace 000571, RRN 260914000571",
					"Settlement statement settlement_gbk.csv, line 46: 2026-09-14 10:03:09, amount ¥ 2,008.80, fee ¥ 12.05, net ¥ 1,996.75, settled 2026-09-15; merchant 898310058120042",
					"card 622848******1234."}},
		},
		{
			name: "approved not settled: no statement line, nothing said to be attached",
			x: &posdesk.Exception{ID: 4, Kind: posdesk.ExcApprovedNotSettled, TransactionID: 41, Date: posdesk.NewDate(2026, 9, 14),
				Expected: posdesk.CNY("2008.80"), Actual: posdesk.CNY("0"), Reason: "Approved at the POS but in no settlement statement."},
			r: &posdesk.ExceptionRecords{Transaction: failedSale},
			want: want{kind: posdesk.IncidentPostingFailure, amount: "2008.80", time: failedSale.Time, linkID: 41,
				notStory: []string{"attached", "RRN"}, text: []string{"Approved at the POS but in no settlement statement.", "Ledger record 41:"}},
		},
		{
			name: "settled not in the ledger: a settled sale recorded from the line",
			x: &posdesk.Exception{ID: 5, Kind: posdesk.ExcSettledNotInLedger, SettlementLineIDs: []int64{7}, RRN: "260914000571",
				Date: posdesk.NewDate(2026, 9, 14), Expected: posdesk.CNY("0"), Actual: posdesk.CNY("2008.80"), Reason: "Not in the ledger."},
			r: &posdesk.ExceptionRecords{SettlementLines: []*posdesk.SettlementLine{failedSaleLine}, Files: lineFiles},
			want: want{kind: posdesk.IncidentOther, amount: "2008.80", time: failedSaleLine.Time,
				slip: &posdesk.Transaction{Time: failedSaleLine.Time, Amount: posdesk.CNY("2008.80"), Kind: posdesk.KindSale, Status: posdesk.StatusSettled,
					Merchant: "898310058120042", Terminal: "61000042", Batch: "000123", Trace: "000571", RRN: "260914000571", AuthCode: "A1B2C3", Card: "622848******1234"},
				story: []string{"its record was made from line 46 of the settlement statement settlement_gbk.csv"}},
		},
		{
			name: "settled not in the ledger: a refund line becomes a refund record, a bad merchant ID is left out",
			x: &posdesk.Exception{ID: 6, Kind: posdesk.ExcSettledNotInLedger, SettlementLineIDs: []int64{8}, RRN: "260916000600",
				Date: posdesk.NewDate(2026, 9, 16), Expected: posdesk.CNY("0"), Actual: posdesk.CNY("-35.00"), Reason: "Not in the ledger."},
			r: &posdesk.ExceptionRecords{SettlementLines: []*posdesk.SettlementLine{lonelyRefundLine}, Files: lineFiles},
			want: want{kind: posdesk.IncidentOther, amount: "35.00", time: lonelyRefundLine.Time,
				slip: &posdesk.Transaction{Time: lonelyRefundLine.Time, Amount: posdesk.CNY("35.00"), Kind: posdesk.KindRefund, Status: posdesk.StatusSettled,
					Terminal: "61000043", Trace: "000600", RRN: "260916000600"},
				text: []string{"line 12: 2026-09-16 17:00:00, amount -¥ 35.00"}},
		},
		{
			name: "settled twice: the ledger record, the extra amount",
			x: &posdesk.Exception{ID: 7, Kind: posdesk.ExcSettledTwice, TransactionID: 41, SettlementLineIDs: []int64{7, 9}, RRN: "260914000571",
				Date: posdesk.NewDate(2026, 9, 14), Expected: posdesk.CNY("2008.80"), Actual: posdesk.CNY("4017.60"), Reason: "Settled 2 times."},
			r:    &posdesk.ExceptionRecords{Transaction: failedSale, SettlementLines: []*posdesk.SettlementLine{failedSaleLine, failedSaleLine}, Files: lineFiles},
			want: want{kind: posdesk.IncidentDuplicateCharge, amount: "2008.80", time: failedSale.Time, linkID: 41},
		},
		{
			name: "bank credit short: no record, noon of the credit day in the shop's zone, the bank line attached",
			x: &posdesk.Exception{ID: 8, Kind: posdesk.ExcBankCreditMismatch, BankLineIDs: []int64{3}, Date: posdesk.NewDate(2026, 9, 16),
				Expected: posdesk.CNY("1000.00"), Actual: posdesk.CNY("990.00"), Reason: "Bank credit of ¥990.00 differs."},
			r: &posdesk.ExceptionRecords{BankLines: []*posdesk.BankLine{creditLine}, Files: lineFiles},
			want: want{kind: posdesk.IncidentPostingFailure, amount: "10.00", time: time.Date(2026, 9, 16, 12, 0, 0, 0, cst), noRecord: true,
				story: []string{"whole day's bank credit", "attached as exception-8.txt"},
				text:  []string{"Bank statement bank_statement.csv, line 3: 2026-09-16, POS清算入账, 收单机构清算户; credit ¥ 990.00, debit ¥ 0.00."}},
		},
		{
			name: "bank credit missing: no bank line, the whole net in question",
			x: &posdesk.Exception{ID: 9, Kind: posdesk.ExcBankCreditMismatch, Date: posdesk.NewDate(2026, 9, 17),
				Expected: posdesk.CNY("1000.00"), Actual: posdesk.CNY("0"), Reason: "No settlement credit."},
			r: &posdesk.ExceptionRecords{},
			want: want{kind: posdesk.IncidentPostingFailure, amount: "1000.00", time: time.Date(2026, 9, 17, 12, 0, 0, 0, cst), noRecord: true,
				notStory: []string{"attached"}, text: []string{"Date concerned: 2026-09-17", "Expected ¥ 1,000.00, found ¥ 0.00."}},
		},
		{
			name: "no date: the time reconciliation found it",
			x:    &posdesk.Exception{ID: 10, Kind: posdesk.ExcBankCreditMismatch, Expected: posdesk.CNY("5.00"), Actual: posdesk.CNY("0"), FoundAt: found},
			r:    nil,
			want: want{kind: posdesk.IncidentPostingFailure, amount: "5.00", time: found, noRecord: true},
		},
		{
			name: "refund not credited: a customer refund of the refund's amount",
			x: &posdesk.Exception{ID: 11, Kind: posdesk.ExcRefundNotCredited, TransactionID: 41, Date: posdesk.NewDate(2026, 9, 15),
				Expected: posdesk.CNY("-50.00"), Actual: posdesk.CNY("0"), Reason: "Refund not settled."},
			r:    &posdesk.ExceptionRecords{Transaction: failedSale},
			want: want{kind: posdesk.IncidentCustomerRefund, amount: "50.00", time: failedSale.Time, linkID: 41},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := reconcile.IncidentFromException(c.x, c.r, cst)
			if err != nil {
				t.Fatal(err)
			}
			inc := got.Incident
			if inc.Kind != c.want.kind || inc.Amount.Plain() != c.want.amount || inc.Amount.Currency != "CNY" || !inc.Time.Equal(c.want.time) {
				t.Errorf("kind %s amount %s %s time %s, want %s %s CNY %s", inc.Kind, inc.Amount.Plain(), inc.Amount.Currency, inc.Time, c.want.kind, c.want.amount, c.want.time)
			}
			if inc.Cause != posdesk.CauseUnknown || inc.Status != posdesk.IncidentOpen {
				t.Errorf("cause %s status %s", inc.Cause, inc.Status)
			}
			switch {
			case c.want.noRecord:
				if len(inc.Transactions) != 0 {
					t.Errorf("records %+v, want none", inc.Transactions)
				}
			case c.want.linkID != 0:
				if len(inc.Transactions) != 1 || inc.Transactions[0].ID != c.want.linkID || inc.Transactions[0].Amount.Currency != "" {
					t.Errorf("records %+v, want a reference to %d", inc.Transactions, c.want.linkID)
				}
			default:
				if len(inc.Transactions) != 1 {
					t.Fatalf("records %+v, want the slip", inc.Transactions)
				}
				s, w := inc.Transactions[0], c.want.slip
				if s.ID != 0 || !s.Time.Equal(w.Time) || !s.Amount.Equal(w.Amount) || s.Kind != w.Kind || s.Status != w.Status || s.Merchant != w.Merchant ||
					s.Terminal != w.Terminal || s.Batch != w.Batch || s.Trace != w.Trace || s.RRN != w.RRN || s.AuthCode != w.AuthCode || s.Card != w.Card {
					t.Errorf("slip %+v\nwant %+v", s, w)
				}
				s.Normalize()
				if err := s.Validate(); err != nil {
					t.Errorf("slip does not validate: %v", err)
				}
			}
			for _, s := range c.want.story {
				if !strings.Contains(inc.Story, s) {
					t.Errorf("story lacks %q:\n%s", s, inc.Story)
				}
			}
			for _, s := range c.want.notStory {
				if strings.Contains(inc.Story, s) {
					t.Errorf("story has %q:\n%s", s, inc.Story)
				}
			}
			if !strings.Contains(inc.Story, c.x.Reason) {
				t.Errorf("story lacks the reason:\n%s", inc.Story)
			}
			if got, want := got.FileName, "exception-"+strconv.FormatInt(c.x.ID, 10)+".txt"; got != want {
				t.Errorf("file %q, want %q", got, want)
			}
			for _, s := range c.want.text {
				if !strings.Contains(got.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, got.Text)
				}
			}
			inc.Normalize()
			if err := inc.Validate(); err != nil {
				t.Errorf("incident does not validate: %v", err)
			}
		})
	}
}

func TestIncidentFromExceptionRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		x    *posdesk.Exception
		r    *posdesk.ExceptionRecords
		code string
	}{
		{"statement undone: no line left to record the payment from",
			&posdesk.Exception{ID: 5, Kind: posdesk.ExcSettledNotInLedger, SettlementLineIDs: []int64{7}, Actual: posdesk.CNY("10.00")},
			&posdesk.ExceptionRecords{}, posdesk.EINVALID},
		{"ledger record not given",
			&posdesk.Exception{ID: 3, Kind: posdesk.ExcChargedButPOSFailed, TransactionID: 41, SettlementLineIDs: []int64{7}, Actual: posdesk.CNY("10.00")},
			&posdesk.ExceptionRecords{SettlementLines: []*posdesk.SettlementLine{failedSaleLine}}, posdesk.ENOTFOUND},
		{"another ledger record given",
			&posdesk.Exception{ID: 3, Kind: posdesk.ExcChargedButPOSFailed, TransactionID: 42, Actual: posdesk.CNY("10.00")},
			&posdesk.ExceptionRecords{Transaction: failedSale}, posdesk.ENOTFOUND},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := reconcile.IncidentFromException(c.x, c.r, cst)
			if posdesk.ErrorCode(err) != c.code || got != nil {
				t.Errorf("got %+v, %v; want %s", got, err, c.code)
			}
		})
	}
}

func TestIncidentFromExceptionInChinese(t *testing.T) {
	i18n.SetLang(i18n.Chinese)
	defer i18n.SetLang(i18n.English)
	x := &posdesk.Exception{ID: 3, Kind: posdesk.ExcChargedButPOSFailed, TransactionID: 41, SettlementLineIDs: []int64{7}, RRN: "260914000571",
		Date: posdesk.NewDate(2026, 9, 14), Actual: posdesk.CNY("2008.80"), Reason: "POS 显示失败", FoundAt: time.Date(2026, 9, 20, 1, 0, 0, 0, time.UTC)}
	got, err := reconcile.IncidentFromException(x, &posdesk.ExceptionRecords{Transaction: failedSale,
		SettlementLines: []*posdesk.SettlementLine{failedSaleLine}, Files: lineFiles}, cst)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{got.Incident.Story, got.Text, got.Caption} {
		for _, en := range []string{"exception", "Settlement", "Ledger", "statement", "attached", "Sale", "Failed"} {
			if strings.Contains(strings.ReplaceAll(s, "exception-3.txt", ""), en) {
				t.Errorf("English %q left in %q", en, s)
			}
		}
	}
	for _, zh := range []string{"对账差异 3", "POS 显示失败但已扣款", "参考号（RRN）：260914000571。"} {
		if !strings.Contains(got.Incident.Story, zh) {
			t.Errorf("story lacks %q:\n%s", zh, got.Incident.Story)
		}
	}
	if !strings.Contains(got.Text, "对账单 settlement_gbk.csv 第 46 行") {
		t.Errorf("text:\n%s", got.Text)
	}
}
