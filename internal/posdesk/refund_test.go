package posdesk_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

var threshold = posdesk.DefaultApprovalThreshold

func newRefund(dir posdesk.RefundDirection, expected string) *posdesk.Refund {
	r := &posdesk.Refund{ID: 1, IncidentID: 7, Direction: dir, Method: posdesk.MethodOriginalRoute,
		Expected: posdesk.CNY(expected), OpenedOn: d(2026, 3, 2), RequestedBy: "Li Wei"}
	r.Normalize()
	return r
}

func TestNextRefundStatuses(t *testing.T) {
	S := func(ss ...posdesk.RefundStatus) []posdesk.RefundStatus { return ss }
	const (
		req = posdesk.RefundRequested
		rev = posdesk.RefundUnderReview
		app = posdesk.RefundApproved
		pai = posdesk.RefundPaid
		rec = posdesk.RefundReceived
		not = posdesk.RefundCustomerNotified
		clo = posdesk.RefundClosed
		rej = posdesk.RefundRejected
		wof = posdesk.RefundWrittenOff
	)
	customer := map[posdesk.RefundStatus][]posdesk.RefundStatus{
		req: S(rev, app, pai, rec, rej, wof),
		rev: S(app, pai, rec, rej, wof),
		app: S(pai, rec, wof),
		pai: S(rec, not, wof),
		rec: S(not),
		not: S(clo),
		rej: S(rev),
		clo: nil,
		wof: nil,
	}
	shop := map[posdesk.RefundStatus][]posdesk.RefundStatus{
		req: S(rev, app, pai, rec, rej, wof),
		rev: S(app, pai, rec, rej, wof),
		app: S(pai, rec, wof),
		pai: S(rec, wof),
		rec: S(clo),
		not: S(clo),
		rej: S(rev),
		clo: nil,
		wof: nil,
	}
	for dir, table := range map[posdesk.RefundDirection]map[posdesk.RefundStatus][]posdesk.RefundStatus{
		posdesk.DirShopToCustomer: customer, posdesk.DirBankToCustomer: customer, posdesk.DirAcquirerToShop: shop,
	} {
		for _, from := range posdesk.RefundStatuses {
			got, want := posdesk.NextRefundStatuses(dir, from), table[from]
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s from %s: got %v, want %v", dir, from, got, want)
			}
		}
	}
}

func TestCheckMoveRefusesIllegalMovesSayingWhatIsAllowed(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "1288.00")
	err := r.CheckMove(posdesk.RefundClosed, "", threshold)
	if got, want := posdesk.ErrorCode(err), posdesk.EINVALID; got != want {
		t.Fatalf("requested -> closed: code %q, want %q (%v)", got, want, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "under_review, approved, paid, received, rejected, written_off") {
		t.Errorf("message does not list the allowed moves: %s", msg)
	}
	if err := r.CheckMove(posdesk.RefundRequested, "", threshold); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("moving to the same status: %v, want ECONFLICT", err)
	}
	if err := r.CheckMove("lost", "", threshold); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("unknown status: %v, want EINVALID", err)
	}
	for _, to := range []posdesk.RefundStatus{posdesk.RefundRejected, posdesk.RefundWrittenOff} {
		if err := r.CheckMove(to, "  ", threshold); posdesk.ErrorField(err) != "reason" {
			t.Errorf("%s without a reason: %v, want an error on field reason", to, err)
		}
		if err := r.CheckMove(to, "acquirer refused", threshold); err != nil {
			t.Errorf("%s with a reason: %v", to, err)
		}
	}
	// Money not arrived: neither received nor (later) closed.
	if err := r.CheckMove(posdesk.RefundReceived, "", threshold); posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), "1288.00 is still outstanding") {
		t.Errorf("received with 1288.00 outstanding: %v", err)
	}
}

func TestCustomerMustBeNotifiedBeforeClosing(t *testing.T) {
	r := newRefund(posdesk.DirBankToCustomer, "58.00")
	rc := &posdesk.RefundReceipt{On: d(2026, 3, 4), Amount: posdesk.CNY("58.00")}
	if err := r.CheckReceipt(rc, d(2026, 3, 4), threshold); err != nil {
		t.Fatal(err)
	}
	if moved := r.ApplyReceipt(rc); !moved || r.Status != posdesk.RefundReceived {
		t.Fatalf("full receipt: moved %v, status %s; want received", moved, r.Status)
	}
	if err := r.CheckMove(posdesk.RefundClosed, "", threshold); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("received -> closed for a customer refund: %v, want EINVALID", err)
	}
	if err := r.CheckMove(posdesk.RefundCustomerNotified, "", threshold); err != nil {
		t.Fatal(err)
	}
	r.Move(posdesk.RefundCustomerNotified, "", d(2026, 3, 5))
	if err := r.CheckMove(posdesk.RefundClosed, "", threshold); err != nil {
		t.Errorf("customer_notified -> closed: %v", err)
	}
}

func TestNotifiedBeforeArrivalCannotCloseUntilPaidInFull(t *testing.T) {
	r := newRefund(posdesk.DirShopToCustomer, "58.00")
	for _, to := range []posdesk.RefundStatus{posdesk.RefundPaid, posdesk.RefundCustomerNotified} {
		if err := r.CheckMove(to, "", threshold); err != nil {
			t.Fatalf("-> %s: %v", to, err)
		}
		r.Move(to, "", d(2026, 3, 2))
	}
	if err := r.CheckMove(posdesk.RefundClosed, "", threshold); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("closing with 58.00 outstanding: %v, want ECONFLICT", err)
	}
	rc := &posdesk.RefundReceipt{On: d(2026, 3, 6), Amount: posdesk.CNY("58")}
	if err := r.CheckReceipt(rc, d(2026, 3, 6), threshold); err != nil {
		t.Fatal(err)
	}
	if moved := r.ApplyReceipt(rc); moved {
		t.Error("a receipt after the customer was told must not move the status back to received")
	}
	if err := r.CheckMove(posdesk.RefundClosed, "", threshold); err != nil {
		t.Errorf("closing when paid in full: %v", err)
	}
}

func TestApprovalRules(t *testing.T) {
	tests := []struct {
		dir      posdesk.RefundDirection
		expected string
		needs    bool
	}{
		{posdesk.DirShopToCustomer, "499.99", false},
		{posdesk.DirShopToCustomer, "500.00", true},
		{posdesk.DirShopToCustomer, "800.00", true},
		{posdesk.DirAcquirerToShop, "1288.00", false},
		{posdesk.DirBankToCustomer, "5000.00", false},
	}
	for _, tt := range tests {
		r := newRefund(tt.dir, tt.expected)
		if got := r.NeedsApproval(threshold); got != tt.needs {
			t.Errorf("%s %s: NeedsApproval = %v, want %v", tt.dir, tt.expected, got, tt.needs)
		}
	}
	usd := posdesk.Money{Amount: posdesk.CNY("100").Amount, Currency: "USD"}
	if r := newRefund(posdesk.DirShopToCustomer, "1.00"); !r.NeedsApproval(usd) {
		t.Error("a threshold in another currency must make every shop refund need approval")
	}
}

func TestRequesterCannotApproveOwnRefund(t *testing.T) {
	r := newRefund(posdesk.DirShopToCustomer, "800.00")
	// Before approval nothing can be paid or received.
	for _, to := range []posdesk.RefundStatus{posdesk.RefundApproved, posdesk.RefundPaid} {
		if err := r.CheckMove(to, "", threshold); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
			t.Errorf("-> %s before approval: %v, want EFORBIDDEN", to, err)
		}
	}
	rc := &posdesk.RefundReceipt{On: d(2026, 3, 2), Amount: posdesk.CNY("800")}
	if err := r.CheckReceipt(rc, d(2026, 3, 2), threshold); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("receipt before approval: %v, want EFORBIDDEN", err)
	}
	for _, self := range []string{"Li Wei", "  li  wei ", "ＬＩ ＷＥＩ"} {
		err := r.CheckApproval(self)
		if got, want := posdesk.ErrorCode(err), posdesk.EFORBIDDEN; got != want {
			t.Errorf("requester %q approving: code %q, want %q (%v)", self, got, want, err)
		}
	}
	if err := r.CheckApproval(""); posdesk.ErrorField(err) != "by" {
		t.Errorf("no approver: %v", err)
	}
	if err := r.CheckApproval("Zhang Min"); err != nil {
		t.Fatalf("another manager approving: %v", err)
	}
	r.Approve("Zhang Min", r.CreatedAt, d(2026, 3, 3))
	if got, want := r.Status, posdesk.RefundApproved; got != want {
		t.Errorf("status after approval = %s, want %s", got, want)
	}
	if err := r.CheckApproval("Wang"); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("approving twice: %v, want ECONFLICT", err)
	}
	if err := r.CheckMove(posdesk.RefundPaid, "", threshold); err != nil {
		t.Errorf("paid after approval: %v", err)
	}
	// A bank's refund is approved by the bank: recorded as a status, not by a manager.
	b := newRefund(posdesk.DirAcquirerToShop, "1288.00")
	if err := b.CheckApproval("Zhang Min"); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("approving an acquirer's refund: %v, want EINVALID", err)
	}
	if err := b.CheckMove(posdesk.RefundApproved, "", threshold); err != nil {
		t.Errorf("acquirer agreed: %v", err)
	}
}

func TestPartialReceiptsToTheCent(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "1288.00")
	r.Fees, r.FeesReason = posdesk.CNY("7.73"), "acquirer keeps its 0.6% fee"
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	today := d(2026, 3, 20)
	steps := []struct {
		amount      string
		over        bool
		wantErr     string
		outstanding string
		status      posdesk.RefundStatus
	}{
		{"800.00", false, "", "480.27", posdesk.RefundRequested},
		{"480.26", false, "", "0.01", posdesk.RefundRequested},
		{"0.02", false, posdesk.ECONFLICT, "0.01", posdesk.RefundRequested},
		{"0.01", false, "", "0.00", posdesk.RefundReceived},
	}
	for i, s := range steps {
		rc := &posdesk.RefundReceipt{On: d(2026, 3, 10+i), Amount: posdesk.CNY(s.amount), OverPayment: s.over}
		err := r.CheckReceipt(rc, today, threshold)
		if got := posdesk.ErrorCode(err); got != s.wantErr {
			t.Fatalf("step %d (%s): error %v, want code %q", i, s.amount, err, s.wantErr)
		}
		if err == nil {
			r.ApplyReceipt(rc)
		}
		if got, want := r.Outstanding().Plain(), s.outstanding; got != want {
			t.Errorf("step %d: outstanding %s, want %s", i, got, want)
		}
		if got, want := r.Status, s.status; got != want {
			t.Errorf("step %d: status %s, want %s", i, got, want)
		}
	}
	if got, want := r.Received.Plain(), "1280.27"; got != want {
		t.Errorf("received = %s, want %s", got, want)
	}
}

func TestFloatingPointTrapsStayExact(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "0.30")
	for _, a := range []string{"0.10", "0.20"} {
		rc := &posdesk.RefundReceipt{On: d(2026, 3, 2), Amount: posdesk.CNY(a)}
		if err := r.CheckReceipt(rc, d(2026, 3, 2), threshold); err != nil {
			t.Fatal(err)
		}
		r.ApplyReceipt(rc)
	}
	if !r.Outstanding().IsZero() || r.Status != posdesk.RefundReceived {
		t.Errorf("0.30 - 0.10 - 0.20: outstanding %s, status %s", r.Outstanding().Plain(), r.Status)
	}
}

func TestOverPaymentNeedsConfirmation(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "100.00")
	rc := &posdesk.RefundReceipt{On: d(2026, 3, 2), Amount: posdesk.CNY("100.50")}
	err := r.CheckReceipt(rc, d(2026, 3, 2), threshold)
	if posdesk.ErrorCode(err) != posdesk.ECONFLICT || !strings.Contains(err.Error(), "over-payment") {
		t.Fatalf("unconfirmed over-payment: %v", err)
	}
	rc.OverPayment = true
	if err := r.CheckReceipt(rc, d(2026, 3, 2), threshold); err != nil {
		t.Fatalf("confirmed over-payment: %v", err)
	}
	r.ApplyReceipt(rc)
	if got, want := r.Outstanding().Plain(), "-0.50"; got != want {
		t.Errorf("outstanding after over-payment = %s, want %s", got, want)
	}
	// The flag means nothing on a receipt that is not an over-payment.
	r2 := newRefund(posdesk.DirAcquirerToShop, "100.00")
	rc2 := &posdesk.RefundReceipt{On: d(2026, 3, 2), Amount: posdesk.CNY("10"), OverPayment: true}
	if err := r2.CheckReceipt(rc2, d(2026, 3, 2), threshold); err != nil || rc2.OverPayment {
		t.Errorf("over-payment flag on a partial receipt: err %v, flag %v", err, rc2.OverPayment)
	}
}

func TestReceiptChecks(t *testing.T) {
	today := d(2026, 3, 10)
	tests := []struct {
		name  string
		rc    posdesk.RefundReceipt
		field string
	}{
		{"future date", posdesk.RefundReceipt{On: d(2026, 3, 11), Amount: posdesk.CNY("1")}, "date"},
		{"no date", posdesk.RefundReceipt{Amount: posdesk.CNY("1")}, "date"},
		{"zero", posdesk.RefundReceipt{On: today, Amount: posdesk.CNY("0")}, "amount"},
		{"negative", posdesk.RefundReceipt{On: today, Amount: posdesk.CNY("-5")}, "amount"},
		{"other currency", posdesk.RefundReceipt{On: today, Amount: posdesk.Money{Amount: posdesk.CNY("5").Amount, Currency: "USD"}}, "amount"},
	}
	for _, tt := range tests {
		r := newRefund(posdesk.DirAcquirerToShop, "100.00")
		err := r.CheckReceipt(&tt.rc, today, threshold)
		if got := posdesk.ErrorField(err); got != tt.field {
			t.Errorf("%s: %v, want an error on field %q", tt.name, err, tt.field)
		}
	}
	r := newRefund(posdesk.DirAcquirerToShop, "100.00")
	r.Move(posdesk.RefundWrittenOff, "acquirer went bust", today)
	if err := r.CheckReceipt(&posdesk.RefundReceipt{On: today, Amount: posdesk.CNY("1")}, today, threshold); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("receipt on a written-off refund: %v, want ECONFLICT", err)
	}
}

func TestWriteOffKeepsTheLoss(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "1288.00")
	rc := &posdesk.RefundReceipt{On: d(2026, 3, 5), Amount: posdesk.CNY("1000")}
	if err := r.CheckReceipt(rc, d(2026, 3, 5), threshold); err != nil {
		t.Fatal(err)
	}
	r.ApplyReceipt(rc)
	if err := r.CheckMove(posdesk.RefundWrittenOff, "too small to chase", threshold); err != nil {
		t.Fatal(err)
	}
	r.Move(posdesk.RefundWrittenOff, "too small to chase", d(2026, 4, 1))
	if got, want := r.WrittenOff.Plain(), "288.00"; got != want {
		t.Errorf("written off = %s, want %s", got, want)
	}
	if r.Open() || r.StatusReason != "too small to chase" || r.StatusOn != d(2026, 4, 1) {
		t.Errorf("after write-off: open %v, reason %q, on %s", r.Open(), r.StatusReason, r.StatusOn)
	}
	if got := posdesk.NextRefundStatuses(r.Direction, r.Status); len(got) != 0 {
		t.Errorf("written off is final, but allows %v", got)
	}
}

func TestVoidedReceiptReopensTheAmount(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "50.00")
	rc := &posdesk.RefundReceipt{On: d(2026, 3, 5), Amount: posdesk.CNY("50")}
	if err := r.CheckReceipt(rc, d(2026, 3, 5), threshold); err != nil {
		t.Fatal(err)
	}
	r.ApplyReceipt(rc)
	if moved := r.UnapplyReceipt(rc, d(2026, 3, 6)); !moved || r.Status != posdesk.RefundPaid || r.Outstanding().Plain() != "50.00" {
		t.Errorf("after voiding the only receipt: moved %v, status %s, outstanding %s", moved, r.Status, r.Outstanding().Plain())
	}
}

func TestRefundValidate(t *testing.T) {
	ok := func() *posdesk.Refund { return newRefund(posdesk.DirAcquirerToShop, "100.00") }
	tests := []struct {
		name  string
		edit  func(r *posdesk.Refund)
		field string
	}{
		{"valid", func(r *posdesk.Refund) {}, ""},
		{"bad direction", func(r *posdesk.Refund) { r.Direction = "sideways" }, "direction"},
		{"bad method", func(r *posdesk.Refund) { r.Method = "cheque" }, "method"},
		{"zero expected", func(r *posdesk.Refund) { r.Expected = posdesk.CNY("0") }, "expected"},
		{"fractional fen", func(r *posdesk.Refund) { r.Expected.Amount = posdesk.CNY("1").Amount.Div(posdesk.CNY("3").Amount) }, "expected"},
		{"fees above expected", func(r *posdesk.Refund) { r.Fees, r.FeesReason = posdesk.CNY("100.01"), "x" }, "fees"},
		{"fees without reason", func(r *posdesk.Refund) { r.Fees = posdesk.CNY("1") }, "fees_reason"},
		{"standalone from the acquirer", func(r *posdesk.Refund) { r.IncidentID = 0 }, "direction"},
		{"no opened date", func(r *posdesk.Refund) { r.OpenedOn = posdesk.Date{} }, "opened"},
		{"next action date alone", func(r *posdesk.Refund) { r.NextActionOn = d(2026, 3, 9) }, "next_action"},
		{"long counterparty", func(r *posdesk.Refund) { r.Counterparty = strings.Repeat("银", 201) }, "counterparty"},
	}
	for _, tt := range tests {
		r := ok()
		tt.edit(r)
		err := r.Validate()
		if got := posdesk.ErrorField(err); got != tt.field {
			t.Errorf("%s: %v, want field %q", tt.name, err, tt.field)
		}
	}
	// A standalone refund defaults to shop_to_customer, and card numbers in text are masked.
	card := refundTestCard("622848", 19)
	r := &posdesk.Refund{Method: posdesk.MethodCash, Expected: posdesk.CNY("58"), OpenedOn: d(2026, 3, 2),
		Reason: "customer card " + card + " returned shoes"}
	r.Normalize()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.Direction != posdesk.DirShopToCustomer || strings.Contains(r.Reason, card) || !strings.Contains(r.Reason, "622848") {
		t.Errorf("normalized standalone: direction %s, reason %q", r.Direction, r.Reason)
	}
}

func TestSamePerson(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Li Wei", "li wei", true},
		{" Li   Wei ", "Li Wei", true},
		{"王芳", "王芳", true},
		{"ＷＡＮＧ", "wang", true},
		{"Li Wei", "Li Wen", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := posdesk.SamePerson(tt.a, tt.b); got != tt.want {
			t.Errorf("SamePerson(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNextDate(t *testing.T) {
	r := newRefund(posdesk.DirAcquirerToShop, "100.00")
	if got, _ := r.NextDate(); !got.IsZero() {
		t.Errorf("no dates: %s", got)
	}
	r.Due = d(2026, 3, 20)
	r.ExpectedBy = d(2026, 3, 11)
	r.NextAction, r.NextActionOn = "call the acquirer", d(2026, 3, 15)
	if got, what := r.NextDate(); got != d(2026, 3, 11) || what != "arrival" {
		t.Errorf("NextDate = %s %s, want the expected arrival", got, what)
	}
	r.Received = posdesk.CNY("100")
	if got, what := r.NextDate(); got != d(2026, 3, 15) || what != "next_action" {
		t.Errorf("NextDate once received = %s %s, want the next action", got, what)
	}
	r.Status = posdesk.RefundClosed
	if got, _ := r.NextDate(); !got.IsZero() {
		t.Errorf("closed: %s", got)
	}
}

// refundTestCard returns a Luhn-valid test card number of n digits starting with prefix.
func refundTestCard(prefix string, n int) string {
	b := []byte(prefix)
	for len(b) < n-1 {
		b = append(b, byte('0'+len(b)%10))
	}
	for c := byte('0'); c <= '9'; c++ {
		if s := string(append(b, c)); posdesk.Luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

func TestParseRefundEnums(t *testing.T) {
	if d, err := posdesk.ParseRefundDirection("Acquirer-to-shop"); err != nil || d != posdesk.DirAcquirerToShop {
		t.Errorf("direction: %v %v", d, err)
	}
	if m, err := posdesk.ParseRefundMethod("原路返回"); err != nil || m != posdesk.MethodOriginalRoute {
		t.Errorf("method: %v %v", m, err)
	}
	if m, err := posdesk.ParseRefundMethod("WeChat Pay"); err != nil || m != posdesk.MethodWeChatPay {
		t.Errorf("method by title: %v %v", m, err)
	}
	if s, err := posdesk.ParseRefundStatus("under review"); err != nil || s != posdesk.RefundUnderReview {
		t.Errorf("status: %v %v", s, err)
	}
	for _, bad := range []func() error{
		func() error { _, err := posdesk.ParseRefundDirection("up"); return err },
		func() error { _, err := posdesk.ParseRefundMethod("cheque"); return err },
		func() error { _, err := posdesk.ParseRefundStatus("lost"); return err },
	} {
		if posdesk.ErrorCode(bad()) != posdesk.EINVALID {
			t.Error("a bad value was accepted")
		}
	}
	if got := posdesk.SuggestDirection(posdesk.IncidentPostingFailure); got != posdesk.DirAcquirerToShop {
		t.Errorf("posting failure suggests %s", got)
	}
}
