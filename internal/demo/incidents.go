package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Incident is a demo incident and what staff did about it afterwards. The incident links
// records of the shop's ledger by ID (its Notable records and the sales they undo), or carries a
// slip (a record with ID 0) for problems the POS export does not show.
type Incident struct {
	Incident *posdesk.Incident
	LoggedAt time.Time      // when the cashier logged it
	Steps    []IncidentStep // in time order, none after Config.End
}

// IncidentStep is one thing done about an incident: a contact logged, facts updated (the
// bank's case number and deadline) or a status move. Exactly one field besides At is set.
type IncidentStep struct {
	At      time.Time
	Contact *posdesk.Contact
	Update  *posdesk.IncidentUpdate
	Status  *posdesk.StatusChange
}

// Incidents makes up the shop's incidents from its Notable records: about one per 250 ledger
// records (at least 6, at most 60, fewer when the ledger has too few problems), every kind
// represented, older ones mostly resolved or closed, recent ones still being chased, one or two
// past their deadline. Call it after Transactions has run; it draws from its own random source,
// so the ledger a seed gives does not change.
func (s *Shop) Incidents() []*Incident {
	r := s.Rand("incidents")
	want := min(max(s.Config.Transactions/250, 6), 60)
	byStatus := map[posdesk.TxStatus][]*posdesk.Transaction{}
	var refunds []*posdesk.Transaction
	for _, t := range s.Notable {
		switch {
		case t.Kind == posdesk.KindRefund && t.OriginalID != 0:
			refunds = append(refunds, t)
		case t.Kind == posdesk.KindSale:
			byStatus[t.Status] = append(byStatus[t.Status], t)
		}
	}
	take := func(list *[]*posdesk.Transaction) *posdesk.Transaction {
		if len(*list) == 0 {
			return nil
		}
		i := r.IntN(len(*list))
		t := (*list)[i]
		*list = slices.Delete(*list, i, i+1)
		return t
	}
	failed, noResp, reversed, declined := byStatus[posdesk.StatusFailed], byStatus[posdesk.StatusNoResponse], byStatus[posdesk.StatusReversed], byStatus[posdesk.StatusDeclined]
	// The mix of kinds, most common first; it repeats until enough incidents are made.
	mix := []posdesk.IncidentKind{
		posdesk.IncidentChargedButFailed, posdesk.IncidentNoResponse, posdesk.IncidentCustomerRefund,
		posdesk.IncidentApprovedThenReversed, posdesk.IncidentDuplicateCharge, posdesk.IncidentPostingFailure,
		posdesk.IncidentWrongAmount, posdesk.IncidentChargedButFailed, posdesk.IncidentOther, posdesk.IncidentCustomerRefund,
	}
	var out []*Incident
	for i, misses := 0, 0; len(out) < want && misses < len(mix); i++ {
		kind := mix[i%len(mix)]
		var links []*posdesk.Transaction
		switch kind {
		case posdesk.IncidentChargedButFailed, posdesk.IncidentDuplicateCharge:
			if t := take(&failed); t != nil {
				links = []*posdesk.Transaction{t}
			}
		case posdesk.IncidentNoResponse:
			if t := take(&noResp); t != nil {
				links = []*posdesk.Transaction{t}
			}
		case posdesk.IncidentApprovedThenReversed:
			if t := take(&reversed); t != nil {
				links = []*posdesk.Transaction{t}
			}
		case posdesk.IncidentCustomerRefund:
			if t := take(&refunds); t != nil {
				links = []*posdesk.Transaction{{ID: t.OriginalID, Time: t.Time, Amount: t.Amount}, t}
			}
		case posdesk.IncidentOther:
			if t := take(&declined); t != nil {
				links = []*posdesk.Transaction{t}
			}
		case posdesk.IncidentPostingFailure, posdesk.IncidentWrongAmount:
			links = []*posdesk.Transaction{s.demoSlip(r, kind)}
		}
		if links == nil {
			misses++
			continue
		}
		misses = 0
		if inc := s.incident(r, kind, links, len(out)); inc != nil {
			out = append(out, inc)
		}
	}
	slices.SortStableFunc(out, func(a, b *Incident) int { return a.LoggedAt.Compare(b.LoggedAt) })
	return out
}

// demoSlip is a sale the cashier logs from its slip: approved at the terminal, in the last
// weeks of the demo.
func (s *Shop) demoSlip(r *rand.Rand, kind posdesk.IncidentKind) *posdesk.Transaction {
	end := s.Config.End.In(s.Loc)
	day := dayStart(end).AddDate(0, 0, -r.IntN(25)-1)
	at := day.Add(time.Duration(openHour*3600+r.IntN((closeHour-openHour)*3600)) * time.Second)
	term := s.Terminals[r.IntN(len(s.Terminals))]
	slip := posdesk.NewSlip(kind, at, RandomAmount(r), term.ID, fmt.Sprintf("9%05d", r.IntN(100000)), at.Format("060102")+fmt.Sprintf("9%05d", r.IntN(100000)))
	slip.Merchant = s.Merchant
	slip.Source = posdesk.SourceDemo // demo data like the rest: a second posdesk demo must not take it for the shop's own
	slip.Channel = posdesk.ChannelUnknownCard
	slip.Scheme, slip.Card = RandomCard(r, posdesk.ChannelDebitCard)
	slip.AuthCode = digits(r, 6)
	return slip
}

// Staff's words for each kind, in the mix of Chinese and English a shop's notes have.
var incidentStories = map[posdesk.IncidentKind][]string{
	posdesk.IncidentChargedButFailed: {
		"终端显示交易失败，没有打印签购单，顾客手机收到扣款短信。",
		"Terminal said 交易失败 but the customer's bank app shows the money taken.",
		"刷卡后屏幕提示网络超时失败，顾客说卡里钱已经扣了，改用微信又付了一次。",
	},
	posdesk.IncidentNoResponse: {
		"刷卡后一直转圈没有返回，等了两分钟自动取消。顾客担心被扣款。",
		"No answer from the terminal after PIN; we did not know if it went through.",
	},
	posdesk.IncidentApprovedThenReversed: {
		"签购单已打印，顾客已离开，晚上查账发现这笔被冲正了。",
		"Approved and slip printed, then the terminal showed 冲正成功 on the next sale.",
	},
	posdesk.IncidentDuplicateCharge: {
		"第一次显示失败，顾客又刷了一次成功；顾客短信显示扣了两次钱。",
		"Customer was charged twice: first attempt said failed, second approved.",
	},
	posdesk.IncidentPostingFailure: {
		"这笔在对账单里找不到，银行卡确实扣款成功了，签购单在。",
		"Approved at the till, missing from the acquirer's settlement for that day.",
	},
	posdesk.IncidentWrongAmount: {
		"收银员多按了一个0，应收58元刷成了580元。",
		"Keyed the wrong amount; customer noticed on the slip after leaving.",
	},
	posdesk.IncidentCustomerRefund: {
		"顾客退货，要求原路退回，已收回商品。",
		"Customer returned the goods and wants the money back on the card.",
	},
	posdesk.IncidentOther: {
		"银行风控，终端连续拒绝交易，提示联系收单机构。",
		"Printer jammed, slips not printed for an hour; declines kept coming.",
	},
}

var incidentCauses = map[posdesk.IncidentKind][]posdesk.Cause{
	posdesk.IncidentChargedButFailed:     {posdesk.CauseNetwork, posdesk.CauseBankSystem, posdesk.CauseUnknown},
	posdesk.IncidentNoResponse:           {posdesk.CauseNetwork, posdesk.CauseUpgradeHoliday},
	posdesk.IncidentApprovedThenReversed: {posdesk.CauseTerminalSoftware, posdesk.CauseNetwork, posdesk.CauseUnknown},
	posdesk.IncidentDuplicateCharge:      {posdesk.CauseNetwork, posdesk.CauseOperatorError},
	posdesk.IncidentPostingFailure:       {posdesk.CauseBankSystem, posdesk.CauseUnknown},
	posdesk.IncidentWrongAmount:          {posdesk.CauseOperatorError},
	posdesk.IncidentCustomerRefund:       {posdesk.CauseUnknown},
	posdesk.IncidentOther:                {posdesk.CauseRiskControl, posdesk.CauseTerminalHardware},
}

var incidentOutcomes = map[posdesk.IncidentKind][]posdesk.Outcome{
	posdesk.IncidentChargedButFailed:     {posdesk.OutcomeRefundedToCustomer},
	posdesk.IncidentNoResponse:           {posdesk.OutcomeRefundedToCustomer, posdesk.OutcomeRecharged},
	posdesk.IncidentApprovedThenReversed: {posdesk.OutcomeRecharged, posdesk.OutcomeWrittenOff},
	posdesk.IncidentDuplicateCharge:      {posdesk.OutcomeRefundedToCustomer},
	posdesk.IncidentPostingFailure:       {posdesk.OutcomeCreditedToShop, posdesk.OutcomeRejected},
	posdesk.IncidentWrongAmount:          {posdesk.OutcomeRefundedToCustomer},
	posdesk.IncidentCustomerRefund:       {posdesk.OutcomeRefundedToCustomer},
	posdesk.IncidentOther:                {posdesk.OutcomeWrittenOff, posdesk.OutcomeCreditedToShop},
}

var (
	staffNames    = []string{"小李", "小王", "张姐", "Amy"}
	managerNames  = []string{"王经理", "陈店长"}
	bankPeople    = []string{"客服 刘", "客服 赵", "客户经理 孙", "Agent 3021"}
	customerNames = []string{"王女士", "李先生", "张女士", "陈先生"}
)

// incident builds one incident of kind on links and its later steps, or nil when it would be
// logged after the end of the demo.
func (s *Shop) incident(r *rand.Rand, kind posdesk.IncidentKind, links []*posdesk.Transaction, n int) *Incident {
	end := s.Config.End
	first := links[len(links)-1]
	logged := first.Time.Add(time.Duration(2+r.IntN(90)) * time.Minute)
	if logged.After(end) {
		return nil
	}
	inc := &posdesk.Incident{
		Kind:      kind,
		Cause:     pick2(r, incidentCauses[kind]),
		Time:      first.Time,
		Amount:    first.Amount,
		Story:     pick(r, incidentStories[kind]),
		CreatedBy: staffNames[r.IntN(len(staffNames))],
	}
	if kind == posdesk.IncidentCustomerRefund {
		inc.CustomerName = customerNames[r.IntN(len(customerNames))]
		inc.CustomerPhone = fmt.Sprintf("13%d %s %s", 5+r.IntN(5), digits(r, 4), digits(r, 4))
	}
	for _, t := range links {
		if t.ID != 0 {
			inc.Transactions = append(inc.Transactions, &posdesk.Transaction{ID: t.ID})
		} else {
			inc.Transactions = append(inc.Transactions, t)
		}
	}
	d := &Incident{Incident: inc, LoggedAt: logged}
	age := end.Sub(logged)
	at := logged
	next := func(minHours, maxHours int) (time.Time, bool) {
		at = at.Add(time.Duration(minHours*60+r.IntN(max(1, (maxHours-minHours)*60))) * time.Minute)
		return at, at.Add(15 * time.Minute).Before(end) // each step's follow-ups fit before the end
	}
	acquirer := posdesk.PartyAcquirer
	if r.IntN(3) == 0 {
		acquirer = posdesk.PartyIssuingBank
	}
	if kind == posdesk.IncidentCustomerRefund {
		acquirer = posdesk.PartyCustomer
	}
	if n%7 == 5 {
		return d // logged; nobody has called yet
	}
	// First call: the same or the next day.
	t, ok := next(1, 20)
	if !ok {
		return d
	}
	d.Steps = append(d.Steps, IncidentStep{At: t, Status: &posdesk.StatusChange{To: posdesk.IncidentContacting}})
	ticket := fmt.Sprintf("GD%s%04d", t.In(s.Loc).Format("0102"), r.IntN(10000))
	person := bankPeople[r.IntN(len(bankPeople))]
	if acquirer == posdesk.PartyCustomer {
		person = inc.CustomerName
		ticket = ""
	}
	d.Steps = append(d.Steps, IncidentStep{At: t.Add(5 * time.Minute), Contact: &posdesk.Contact{
		Time: t, Channel: posdesk.ContactPhone, Party: acquirer, Person: person, Ticket: ticket,
		Summary:  contactSummary(r, kind),
		NextStep: "等银行回复 / wait for the bank's answer", Due: posdesk.DateOf(t, s.Loc).AddDays(3 + r.IntN(5)),
	}})
	if n%5 == 3 {
		return d // still calling around
	}
	// The bank takes the case: its number and a reply deadline (from its letter, or a preset).
	t, ok = next(2, 48)
	if !ok {
		return d
	}
	caseNo := fmt.Sprintf("CASE-%s-%03d", t.In(s.Loc).Format("060102"), n+1)
	deadline := posdesk.DateOf(t, s.Loc).AddDays(7 + r.IntN(14))
	source := posdesk.DeadlineFromLetter
	if n%4 == 1 {
		// An overdue one: the deadline passed while the case waits.
		deadline = posdesk.DateOf(end, s.Loc).AddDays(-1 - r.IntN(3))
		if !deadline.After(posdesk.DateOf(t, s.Loc)) {
			deadline = posdesk.DateOf(t, s.Loc).AddDays(1)
		}
	} else if n%3 == 0 {
		p := posdesk.DeadlinePresets[r.IntN(len(posdesk.DeadlinePresets))]
		deadline, source = p.Deadline(posdesk.DateOf(t, s.Loc), false), p.ID
	}
	d.Steps = append(d.Steps,
		IncidentStep{At: t, Update: &posdesk.IncidentUpdate{CaseNumber: &caseNo, Deadline: &deadline, DeadlineSource: &source}},
		IncidentStep{At: t.Add(time.Minute), Status: &posdesk.StatusChange{To: posdesk.IncidentWaitingForBank}},
	)
	if n%4 == 1 || age < 5*24*time.Hour {
		return d // still waiting
	}
	// The answer: resolved with the kind's usual outcome; older ones closed after a check.
	t, ok = next(24, 24*8)
	if !ok {
		return d
	}
	d.Steps = append(d.Steps,
		IncidentStep{At: t, Contact: &posdesk.Contact{Time: t, Channel: []posdesk.ContactChannel{posdesk.ContactPhone, posdesk.ContactOnline, posdesk.ContactWeChat}[r.IntN(3)],
			Party: posdesk.PartyAcquirer, Person: bankPeople[r.IntN(len(bankPeople))], Ticket: caseNo, Summary: "银行已处理 / the bank has dealt with it"}},
		IncidentStep{At: t.Add(10 * time.Minute), Status: &posdesk.StatusChange{To: posdesk.IncidentResolved, Outcome: pick2(r, incidentOutcomes[kind])}},
	)
	if t, ok = next(24, 24*5); ok && r.IntN(4) != 0 {
		d.Steps = append(d.Steps, IncidentStep{At: t, Status: &posdesk.StatusChange{To: posdesk.IncidentClosed}})
	}
	return d
}

func contactSummary(r *rand.Rand, kind posdesk.IncidentKind) string {
	switch kind {
	case posdesk.IncidentCustomerRefund:
		return "已告知顾客退款会原路返回，3-7个工作日到账。"
	case posdesk.IncidentPostingFailure:
		return "收单机构让我们提供签购单和对账单截图，会核查当天批次。"
	}
	return pick(r, []string{
		"客服说单边账一般3-7个工作日自动退回，已登记工单。",
		"Bank will check the transaction log and call back.",
		"已提供参考号和凭证号，对方说会提交差错处理。",
	})
}

func pick2[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// LoadIncidents stores demo incidents and their steps through svc, acting as the user in ctx.
// setNow sets the storage's clock before each change, so the timelines carry the demo's times
// (nil leaves the clock alone). Incidents are logged by the cashier named in CreatedBy when
// ctx's user is an owner or manager; the steps are done as ctx's user.
func LoadIncidents(ctx context.Context, svc posdesk.IncidentService, incidents []*Incident, setNow func(time.Time)) error {
	if setNow == nil {
		setNow = func(time.Time) {}
	}
	for _, d := range incidents {
		inc := d.Incident
		setNow(d.LoggedAt)
		logCtx := ctx
		if inc.CreatedBy != "" {
			logCtx = posdesk.NewContextWithUser(ctx, &posdesk.User{Name: inc.CreatedBy, Role: posdesk.RoleCashier})
		}
		if err := svc.CreateIncident(logCtx, inc); err != nil {
			return fmt.Errorf("demo incident %s: %w", inc.Kind, err)
		}
		for _, st := range d.Steps {
			setNow(st.At)
			var err error
			switch {
			case st.Contact != nil:
				st.Contact.IncidentID = inc.ID
				err = svc.AddContact(ctx, st.Contact)
			case st.Update != nil:
				_, err = svc.UpdateIncident(ctx, inc.ID, *st.Update)
			case st.Status != nil:
				_, err = svc.SetIncidentStatus(ctx, inc.ID, *st.Status)
			}
			if err != nil {
				return fmt.Errorf("demo incident %s: %w", inc.Number, err)
			}
		}
	}
	return nil
}
