package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Refund is a demo refund follow-up and what staff did about it afterwards. Incident points at
// the demo incident it settles (nil for a customer refund without one); its ID is read when the
// refund is loaded, after the incidents.
type Refund struct {
	Refund   *posdesk.Refund
	Incident *posdesk.Incident
	At       time.Time    // when it was opened
	Steps    []RefundStep // in time order, none after Config.End
}

// RefundStep is one thing done about a refund follow-up. Exactly one of Status, Receipt,
// ApproveBy and Update is set; By names who did it (a manager).
type RefundStep struct {
	At        time.Time
	By        string
	Status    posdesk.RefundStatus
	Reason    string
	Receipt   *posdesk.RefundReceipt
	ApproveBy string
	Update    *posdesk.RefundUpdate
}

// The demo shop's managers: one asks for refunds, the other approves the large ones.
var (
	refundRequester = "王芳"
	refundApprover  = "李伟"
)

// Refunds makes up the follow-ups of the money the incidents put in question, and a few
// customer refunds without an incident: the bank returning failed charges to customers' cards,
// the acquirer paying the shop in two parts (sometimes less a fee), refunds the shop pays back
// (the large ones approved by the second manager), old claims written off, and recent ones still
// open with deadlines this week or already passed. incidents are the demo incidents in the order
// they were made; the refunds draw from their own random source.
func (s *Shop) Refunds(incidents []*posdesk.Incident) []*Refund {
	r := s.Rand("refunds")
	end := s.Config.End
	var out []*Refund
	for i, inc := range incidents {
		if inc == nil || inc.Kind == posdesk.IncidentOther || inc.Time.IsZero() || !inc.Amount.Amount.IsPositive() {
			continue
		}
		at := inc.Time.Add(time.Duration(2+r.IntN(20)) * time.Hour)
		if !at.Before(end) {
			continue
		}
		out = append(out, s.refundFor(r, inc, at, i))
	}
	// Customer refunds for returned goods, without an incident.
	for i := 0; i < 3; i++ {
		at := end.Add(-time.Duration(2+r.IntN(24*20)) * time.Hour)
		amount := posdesk.NewMoney(int64(1000+r.IntN(60000)), posdesk.DefaultCurrency)
		if i == 0 {
			amount = posdesk.CNY("58.00")
		}
		method := []posdesk.RefundMethod{posdesk.MethodOriginalRoute, posdesk.MethodWeChatPay, posdesk.MethodCash}[i]
		rf := &posdesk.Refund{Direction: posdesk.DirShopToCustomer, Method: method, Expected: amount,
			Reason:       pick(r, []string{"顾客退货 / goods returned", "尺码不对，退货退款", "商品有瑕疵 / faulty item"}),
			Counterparty: "顾客", Arrival: method.DefaultArrival()}
		out = append(out, s.refundSteps(r, rf, nil, at, i+100))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// refundFor makes the follow-up of one incident, its direction and method by the incident's kind.
func (s *Shop) refundFor(r *rand.Rand, inc *posdesk.Incident, at time.Time, n int) *Refund {
	dir := posdesk.SuggestDirection(inc.Kind)
	rf := &posdesk.Refund{Direction: dir, Expected: inc.Amount, CaseRef: inc.CaseNumber}
	switch dir {
	case posdesk.DirAcquirerToShop:
		rf.Method, rf.Counterparty = posdesk.MethodBankTransfer, "收单机构 / acquirer"
		rf.Reason = "交易未入账，申请补入账 / sale never credited"
		if n%3 == 0 {
			// The acquirer keeps its fee: about 0.6%, to the fen.
			rf.Fees = posdesk.NewMoney(inc.Amount.Minor()*6/1000, inc.Amount.Currency)
			rf.FeesReason = "收单机构扣除 0.6% 手续费 / the acquirer keeps its 0.6% fee"
			if rf.Fees.IsZero() {
				rf.FeesReason = ""
			}
		}
	case posdesk.DirBankToCustomer:
		rf.Method, rf.Counterparty = posdesk.MethodOriginalRoute, "发卡行 / issuing bank"
		rf.Reason = "单边账，银行原路退回顾客 / the bank returns the charge to the customer's card"
	default:
		rf.Method, rf.Counterparty = posdesk.MethodOriginalRoute, "顾客 / customer"
		rf.Reason = "退还顾客 / pay the customer back"
	}
	rf.Arrival = rf.Method.DefaultArrival()
	return s.refundSteps(r, rf, inc, at, n)
}

// refundSteps plans what happened to rf after at, as far as the demo's end allows.
func (s *Shop) refundSteps(r *rand.Rand, rf *posdesk.Refund, inc *posdesk.Incident, at time.Time, n int) *Refund {
	end := s.Config.End
	day := func(t time.Time) posdesk.Date { return posdesk.DateOf(t, s.Loc) }
	rf.OpenedOn = day(at)
	rf.RequestedBy = refundRequester
	d := &Refund{Refund: rf, Incident: inc, At: at}
	when := at
	step := func(minHours, maxHours int) bool {
		when = when.Add(time.Duration(minHours*60+r.IntN(max(1, (maxHours-minHours)*60))) * time.Minute)
		return when.Before(end)
	}
	add := func(st RefundStep) {
		st.At = when
		if st.By == "" {
			st.By = refundRequester
		}
		d.Steps = append(d.Steps, st)
	}
	// A deadline from the bank's letter for claims on banks; recent ones fall this week or have
	// just passed, which the Today list and the reminders show.
	if rf.Direction.OwedByBank() {
		rf.Due = day(at).AddDays(10 + r.IntN(20))
		if n%4 == 1 {
			rf.Due = day(end).AddDays(-1 - r.IntN(3))
		} else if n%4 == 2 {
			rf.Due = day(end).AddDays(1 + r.IntN(6))
		}
		if rf.Due.Before(rf.OpenedOn) {
			rf.Due = rf.OpenedOn
		}
		rf.DueSource = posdesk.DeadlineFromLetter
		rf.NextAction, rf.NextActionOn = "打电话问进度 / call for news", day(at).AddDays(2+r.IntN(4))
	}
	net := rf.Expected.Sub(rf.Fees)
	receive := func(amount posdesk.Money) {
		add(RefundStep{Receipt: &posdesk.RefundReceipt{Amount: amount, Note: "对账单到账 / seen on the statement"}})
	}
	switch rf.Direction {
	case posdesk.DirShopToCustomer:
		if rf.Expected.Cmp(posdesk.DefaultApprovalThreshold) >= 0 {
			if !step(1, 20) {
				return d
			}
			add(RefundStep{ApproveBy: refundApprover, By: refundApprover})
		}
		if !step(1, 24) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundPaid})
		if !step(1, 4) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundCustomerNotified})
		if !step(24, 24*6) {
			return d
		}
		receive(net)
		if !step(2, 48) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundClosed})
	case posdesk.DirBankToCustomer:
		if !step(2, 30) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundUnderReview})
		if n%5 == 1 || !step(24*2, 24*7) {
			return d // the bank has not paid yet
		}
		receive(net)
		if !step(1, 24) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundCustomerNotified})
		if !step(24, 24*3) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundClosed})
	case posdesk.DirAcquirerToShop:
		if !step(2, 48) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundUnderReview})
		if !step(24, 24*5) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundApproved})
		if n%5 == 1 || !step(24, 24*7) {
			return d // agreed, not paid yet
		}
		// Paid in two parts: most first, the rest some days later.
		first := posdesk.NewMoney(net.Minor()*int64(50+r.IntN(40))/100, net.Currency)
		if first.IsZero() || first.Equal(net) {
			receive(net)
		} else {
			receive(first)
			if !step(24*2, 24*10) {
				return d
			}
			if n%6 == 3 && when.Before(end.Add(-24*time.Hour)) {
				// The rest never comes: written off.
				add(RefundStep{Status: posdesk.RefundWrittenOff, Reason: "收单机构拒付余额 / the acquirer refuses the rest"})
				return d
			}
			receive(net.Sub(first))
		}
		if !step(2, 48) {
			return d
		}
		add(RefundStep{Status: posdesk.RefundClosed})
	}
	return d
}

// LoadRefunds stores demo refund follow-ups and their steps through svc. setNow sets the
// storage's clock before each change, so dates and the history carry the demo's times (nil leaves
// the clock alone); receipts are dated the storage's day of their step, in the shop's time zone. Each step is done as the manager it names; ctx supplies the rest. Load the
// incidents first: the follow-ups link to their IDs.
func LoadRefunds(ctx context.Context, svc posdesk.RefundService, refunds []*Refund, setNow func(time.Time)) error {
	if setNow == nil {
		setNow = func(time.Time) {}
	}
	as := func(name string) context.Context {
		return posdesk.NewContextWithUser(ctx, &posdesk.User{Name: name, Role: posdesk.RoleManager})
	}
	for _, d := range refunds {
		rf := d.Refund
		if d.Incident != nil {
			if d.Incident.ID == 0 {
				return fmt.Errorf("demo refund: incident %s not loaded", d.Incident.Kind)
			}
			rf.IncidentID = d.Incident.ID
		}
		setNow(d.At)
		if err := svc.CreateRefund(as(rf.RequestedBy), rf); err != nil {
			return fmt.Errorf("demo refund for %s: %w", rf.Direction, err)
		}
		for _, st := range d.Steps {
			setNow(st.At)
			var err error
			switch {
			case st.Receipt != nil:
				_, err = svc.CreateRefundReceipt(as(st.By), rf.ID, st.Receipt)
			case st.ApproveBy != "":
				_, err = svc.ApproveRefund(as(st.By), rf.ID, st.ApproveBy)
			case st.Update != nil:
				_, err = svc.UpdateRefund(as(st.By), rf.ID, *st.Update)
			case st.Status != "":
				_, err = svc.SetRefundStatus(as(st.By), rf.ID, st.Status, st.Reason)
			}
			if err != nil {
				return fmt.Errorf("demo refund %d: %w", rf.ID, err)
			}
		}
	}
	return nil
}

// IncidentsOf returns the domain incidents of demo incidents, for Refunds.
func IncidentsOf(ds []*Incident) []*posdesk.Incident {
	out := make([]*posdesk.Incident, len(ds))
	for i, d := range ds {
		out[i] = d.Incident
	}
	return out
}
