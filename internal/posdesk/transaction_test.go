package posdesk_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// validTx returns a complete, valid sale.
func validTx() *posdesk.Transaction {
	return &posdesk.Transaction{
		Time:     time.Date(2026, 9, 14, 8, 30, 0, 0, time.UTC),
		Amount:   posdesk.CNY("128.00"),
		Kind:     posdesk.KindSale,
		Channel:  posdesk.ChannelDebitCard,
		Status:   posdesk.StatusApproved,
		Merchant: "898440358120001",
		Terminal: "61000042",
		Batch:    "000012",
		Trace:    "000501",
		RRN:      "260914000501",
		AuthCode: "33658A",
		Scheme:   "UnionPay",
		Card:     "622848******1234",
		Note:     "lunch",
	}
}

func TestValidateAcceptsValid(t *testing.T) {
	tx := validTx()
	tx.Normalize()
	if err := tx.Validate(); err != nil {
		t.Fatalf("valid transaction refused: %v", err)
	}
	rev := validTx()
	rev.Kind, rev.Amount = posdesk.KindReversal, posdesk.CNY("0")
	rev.Normalize()
	if err := rev.Validate(); err != nil {
		t.Errorf("zero-amount reversal refused: %v", err)
	}
	bare := &posdesk.Transaction{Time: time.Date(2026, 9, 14, 8, 30, 0, 0, time.UTC), Amount: posdesk.CNY("1")}
	bare.Normalize()
	if err := bare.Validate(); err != nil {
		t.Errorf("minimal transaction refused: %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(tx *posdesk.Transaction)
		field string
		words string // part of the English message that names the field
	}{
		{"no time", func(tx *posdesk.Transaction) { tx.Time = time.Time{} }, "time", "date and time"},
		{"year 1999", func(tx *posdesk.Transaction) { tx.Time = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC) }, "time", "1999-12-31"},
		{"year 2201", func(tx *posdesk.Transaction) { tx.Time = time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC) }, "time", "check the year"},
		{"unknown currency", func(tx *posdesk.Transaction) { tx.Amount.Currency = "XYZ" }, "currency", `"XYZ"`},
		{"too many decimals", func(tx *posdesk.Transaction) {
			tx.Amount = posdesk.Money{Amount: posdesk.CNY("1.50").Amount, Currency: "JPY"}
		}, "amount", "decimal places"},
		{"fen fraction", func(tx *posdesk.Transaction) {
			tx.Amount.Amount = posdesk.CNY("1.23").Amount.Div(posdesk.CNY("10").Amount)
		}, "amount", "decimal places"},
		{"negative", func(tx *posdesk.Transaction) { tx.Amount = posdesk.CNY("-5") }, "amount", "minus sign"},
		{"zero sale", func(tx *posdesk.Transaction) { tx.Amount = posdesk.CNY("0") }, "amount", "greater than zero"},
		{"huge", func(tx *posdesk.Transaction) { tx.Amount = posdesk.CNY("100000000.01") }, "amount", "too large"},
		{"kind", func(tx *posdesk.Transaction) { tx.Kind = "purchase" }, "kind", `Kind "purchase"`},
		{"channel", func(tx *posdesk.Transaction) { tx.Channel = "paypal" }, "channel", `Channel "paypal"`},
		{"status", func(tx *posdesk.Transaction) { tx.Status = "ok" }, "status", `Status "ok"`},
		{"merchant letters", func(tx *posdesk.Transaction) { tx.Merchant = "89844035812000A" }, "merchant", "Merchant ID must be digits"},
		{"merchant short", func(tx *posdesk.Transaction) { tx.Merchant = "8984403581" }, "merchant", "Merchant ID must have 15 digits"},
		{"terminal long", func(tx *posdesk.Transaction) { tx.Terminal = "610000421" }, "terminal", "Terminal ID is at most 8"},
		{"terminal symbols", func(tx *posdesk.Transaction) { tx.Terminal = "6100/042" }, "terminal", "Terminal ID may hold only"},
		{"batch letters", func(tx *posdesk.Transaction) { tx.Batch = "B12" }, "batch", "Batch number must be digits"},
		{"batch long", func(tx *posdesk.Transaction) { tx.Batch = "1234567" }, "batch", "Batch number must have 1 to 6"},
		{"trace long", func(tx *posdesk.Transaction) { tx.Trace = "0005011" }, "trace", "Trace number must have 1 to 6"},
		{"rrn long", func(tx *posdesk.Transaction) { tx.RRN = "2609140005011" }, "rrn", "Reference number (RRN) is at most 12"},
		{"rrn symbols", func(tx *posdesk.Transaction) { tx.RRN = "2609-1400050" }, "rrn", "Reference number (RRN) may hold only"},
		{"auth long", func(tx *posdesk.Transaction) { tx.AuthCode = "1234567" }, "auth", "Authorisation code is at most 6"},
		{"card", func(tx *posdesk.Transaction) { tx.Card = "12345" }, "card", "Card number"},
		{"note", func(tx *posdesk.Transaction) { tx.Note = strings.Repeat("长", posdesk.MaxNoteLen+1) }, "note", "Note is too long"},
	} {
		tx := validTx()
		tc.edit(tx)
		err := tx.Validate()
		if err == nil {
			t.Errorf("%s: Validate accepted it", tc.name)
			continue
		}
		var es posdesk.Errors
		if !errors.As(err, &es) {
			t.Errorf("%s: error %T is not posdesk.Errors", tc.name, err)
			continue
		}
		if len(es) != 1 {
			t.Errorf("%s: %d errors, want 1: %v", tc.name, len(es), err)
		}
		if got := posdesk.ErrorField(err); got != tc.field {
			t.Errorf("%s: field %q, want %q", tc.name, got, tc.field)
		}
		if got := posdesk.ErrorCode(err); got != posdesk.EINVALID {
			t.Errorf("%s: code %q, want invalid", tc.name, got)
		}
		if msg := es[0].Message(); !strings.Contains(msg, tc.words) {
			t.Errorf("%s: message %q does not contain %q", tc.name, msg, tc.words)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	tx := &posdesk.Transaction{Amount: posdesk.Money{Currency: "CNY"}, Kind: "x", Channel: "y", Status: "z", Terminal: "!"}
	err := tx.Validate()
	var es posdesk.Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v", err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Field)
	}
	if want := "time amount kind channel status terminal"; strings.Join(got, " ") != want {
		t.Errorf("fields %v, want %s", got, want)
	}
	if !strings.Contains(err.Error(), "(and 5 more)") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestNormalize(t *testing.T) {
	full := withCheckDigit("622848001234567")
	tx := &posdesk.Transaction{
		Time:     time.Date(2026, 9, 14, 16, 30, 0, 0, time.FixedZone("CST", 8*3600)),
		Amount:   posdesk.Money{Amount: posdesk.CNY("10").Amount},
		Terminal: " 61000042 ",
		RRN:      " 260914000501\t",
		Card:     group(full, " "),
		Note:     "  customer card " + full + " charged twice  ",
		Scheme:   full,
	}
	tx.Normalize()
	for _, c := range []struct{ name, got, want string }{
		{"currency", tx.Amount.Currency, "CNY"},
		{"kind", string(tx.Kind), "sale"},
		{"channel", string(tx.Channel), "card"},
		{"status", string(tx.Status), "approved"},
		{"source", string(tx.Source), "manual"},
		{"terminal", tx.Terminal, "61000042"},
		{"rrn", tx.RRN, "260914000501"},
		{"card", tx.Card, masked(full)},
		{"note", tx.Note, "customer card " + masked(full) + " charged twice"},
		{"scheme", tx.Scheme, masked(full)},
		{"time", tx.Time.Format(time.RFC3339), "2026-09-14T08:30:00Z"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// A card field that is not a card number keeps no full number either.
	bad := &posdesk.Transaction{Card: "card " + full}
	bad.Normalize()
	if strings.Contains(bad.Card, full) || !strings.Contains(bad.Card, masked(full)) {
		t.Errorf("invalid card field kept %q", bad.Card)
	}
	if posdesk.ErrorField(bad.Validate()) == "" {
		t.Error("invalid card field passed validation")
	}
}

func TestTransactionUpdateApply(t *testing.T) {
	tx := validTx()
	amt := posdesk.CNY("39.50")
	st := posdesk.StatusFailed
	note := "re-keyed"
	empty := ""
	posdesk.TransactionUpdate{Amount: &amt, Status: &st, Note: &note, RRN: &empty}.Apply(tx)
	if !tx.Amount.Equal(amt) || tx.Status != st || tx.Note != note || tx.RRN != "" {
		t.Errorf("Apply set amount %s status %s note %q rrn %q", tx.Amount, tx.Status, tx.Note, tx.RRN)
	}
	if tx.Terminal != "61000042" || tx.Trace != "000501" {
		t.Error("Apply changed fields that were not set")
	}
}

func TestEnumTitlesAndValid(t *testing.T) {
	for _, k := range posdesk.TxKinds {
		if !k.Valid() || k.Title() == string(k) {
			t.Errorf("kind %q: valid %v title %q", k, k.Valid(), k.Title())
		}
	}
	for _, c := range posdesk.Channels {
		if !c.Valid() || c.Title() == string(c) {
			t.Errorf("channel %q: valid %v title %q", c, c.Valid(), c.Title())
		}
	}
	for _, s := range posdesk.TxStatuses {
		if !s.Valid() || s.Title() == string(s) {
			t.Errorf("status %q: valid %v title %q", s, s.Valid(), s.Title())
		}
	}
	if posdesk.TxKind("x").Valid() || posdesk.Channel("x").Valid() || posdesk.TxStatus("x").Valid() {
		t.Error("unknown values reported valid")
	}
}
