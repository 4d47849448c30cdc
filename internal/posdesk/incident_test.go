package posdesk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// legal is the workflow as the brief states it, written out independently of the Transitions
// table: from -> to -> what the move needs.
var legal = map[posdesk.IncidentStatus]map[posdesk.IncidentStatus]string{
	posdesk.IncidentOpen:           {posdesk.IncidentContacting: "", posdesk.IncidentWaitingForBank: "", posdesk.IncidentResolved: "outcome"},
	posdesk.IncidentContacting:     {posdesk.IncidentWaitingForBank: "", posdesk.IncidentResolved: "outcome"},
	posdesk.IncidentWaitingForBank: {posdesk.IncidentContacting: "", posdesk.IncidentResolved: "outcome"},
	posdesk.IncidentResolved:       {posdesk.IncidentClosed: "", posdesk.IncidentOpen: "reason"},
	posdesk.IncidentClosed:         {posdesk.IncidentOpen: "reason"},
}

// TestWorkflowEveryMove tries every from -> to pair with and without an outcome and a reason.
func TestWorkflowEveryMove(t *testing.T) {
	for _, from := range posdesk.IncidentStatuses {
		for _, to := range posdesk.IncidentStatuses {
			need, ok := legal[from][to]
			for _, withOutcome := range []bool{false, true} {
				for _, withReason := range []bool{false, true} {
					ch := posdesk.StatusChange{To: to}
					if withOutcome {
						ch.Outcome = posdesk.OutcomeCreditedToShop
					}
					if withReason {
						ch.Reason = "bank took the credit back"
					}
					err := posdesk.CheckStatusChange(from, ch)
					want := ok && (need != "outcome" || withOutcome) && (need != "reason" || withReason) && (need == "outcome" || !withOutcome)
					if got := err == nil; got != want {
						t.Errorf("%s -> %s (outcome %v, reason %v): allowed %v, want %v (err %v)", from, to, withOutcome, withReason, got, want, err)
					}
					if err != nil && posdesk.ErrorCode(err) == posdesk.EINTERNAL {
						t.Errorf("%s -> %s: internal error %v", from, to, err)
					}
				}
			}
		}
	}
}

func TestIllegalMoveSaysWhatIsAllowed(t *testing.T) {
	err := posdesk.CheckStatusChange(posdesk.IncidentOpen, posdesk.StatusChange{To: posdesk.IncidentClosed})
	if err == nil {
		t.Fatal("open -> closed allowed")
	}
	got := err.Error()
	for _, want := range []string{"open", "closed", "contacting, waiting_for_bank, resolved"} {
		if !strings.Contains(got, want) {
			t.Errorf("message %q does not mention %q", got, want)
		}
	}
	if posdesk.ErrorField(err) != "status" {
		t.Errorf("field %q, want status", posdesk.ErrorField(err))
	}
	err = posdesk.CheckStatusChange(posdesk.IncidentOpen, posdesk.StatusChange{To: posdesk.IncidentOpen})
	if posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("open -> open: %v, want ECONFLICT", err)
	}
	err = posdesk.CheckStatusChange(posdesk.IncidentOpen, posdesk.StatusChange{To: posdesk.IncidentResolved, Outcome: "lost"})
	if posdesk.ErrorField(err) != "outcome" {
		t.Errorf("bad outcome: %v", err)
	}
}

func TestNextStatusesMatchesTable(t *testing.T) {
	for _, from := range posdesk.IncidentStatuses {
		var want []posdesk.IncidentStatus
		for _, to := range posdesk.IncidentStatuses {
			if _, ok := legal[from][to]; ok {
				want = append(want, to)
			}
		}
		got := slices.Clone(posdesk.NextStatuses(from))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("NextStatuses(%s) = %v, want %v", from, got, want)
		}
	}
}

func TestChangeStatusOutcomeAndReopen(t *testing.T) {
	at := time.Date(2026, 9, 21, 9, 0, 0, 0, time.UTC)
	inc := &posdesk.Incident{ID: 3, Status: posdesk.IncidentWaitingForBank}
	ev, err := inc.ChangeStatus(posdesk.StatusChange{To: posdesk.IncidentResolved, Outcome: posdesk.OutcomeRefundedToCustomer}, at)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != posdesk.IncidentResolved || inc.Outcome != posdesk.OutcomeRefundedToCustomer || !inc.ResolvedAt.Equal(at) {
		t.Errorf("after resolve: %s %s %v", inc.Status, inc.Outcome, inc.ResolvedAt)
	}
	if ev.Type != posdesk.EventStatus || ev.From != posdesk.IncidentWaitingForBank || ev.To != posdesk.IncidentResolved {
		t.Errorf("event %+v", ev)
	}
	if _, err := inc.ChangeStatus(posdesk.StatusChange{To: posdesk.IncidentClosed}, at); err != nil {
		t.Fatal(err)
	}
	if inc.Outcome != posdesk.OutcomeRefundedToCustomer {
		t.Errorf("closing dropped the outcome")
	}
	if _, err := inc.ChangeStatus(posdesk.StatusChange{To: posdesk.IncidentOpen}, at); err == nil {
		t.Fatal("reopen without a reason allowed")
	}
	card := luhnCard("622848001234567")
	ev, err = inc.ChangeStatus(posdesk.StatusChange{To: posdesk.IncidentOpen, Reason: "refund bounced, card " + card}, at)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != posdesk.EventReopen || inc.Outcome != "" || !inc.ResolvedAt.IsZero() {
		t.Errorf("reopen: event %s outcome %q resolvedAt %v", ev.Type, inc.Outcome, inc.ResolvedAt)
	}
	if strings.Contains(ev.Detail, card) {
		t.Errorf("reason kept a card number: %q", ev.Detail)
	}
}

func TestParseIncidentKind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want posdesk.IncidentKind
	}{
		{"charged_but_failed", posdesk.IncidentChargedButFailed},
		{"Charged-But-Failed", posdesk.IncidentChargedButFailed},
		{"单边账", posdesk.IncidentChargedButFailed},
		{"交易失败但已扣款", posdesk.IncidentChargedButFailed},
		{"重复扣款", posdesk.IncidentDuplicateCharge},
		{"Charged twice", posdesk.IncidentDuplicateCharge},
		{"超时", posdesk.IncidentNoResponse},
		{" customer_refund ", posdesk.IncidentCustomerRefund},
		{"other", posdesk.IncidentOther},
	} {
		got, err := posdesk.ParseIncidentKind(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseIncidentKind(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := posdesk.ParseIncidentKind("broken"); posdesk.ErrorField(err) != "kind" {
		t.Errorf("bad kind: %v", err)
	}
}

func TestEveryKindHasLabelsAndChecklist(t *testing.T) {
	for _, k := range posdesk.IncidentKinds {
		if k.Title() == string(k) || k.Description() == "" || k.MerchantName() == "" {
			t.Errorf("%s: title %q description %q merchant name %q", k, k.Title(), k.Description(), k.MerchantName())
		}
		if len(k.Checklist()) < 8 {
			t.Errorf("%s: checklist has %d lines", k, len(k.Checklist()))
		}
	}
	// The kind's own points come first.
	if got := posdesk.IncidentChargedButFailed.Checklist()[0]; !strings.Contains(got, "冲正") {
		t.Errorf("charged_but_failed checklist starts with %q", got)
	}
	for _, c := range posdesk.Causes {
		if c.Title() == string(c) {
			t.Errorf("cause %s has no title", c)
		}
		got, err := posdesk.ParseCause(c.Title())
		if err != nil || got != c {
			t.Errorf("ParseCause(%q) = %q, %v", c.Title(), got, err)
		}
	}
	for _, o := range posdesk.Outcomes {
		got, err := posdesk.ParseOutcome(string(o))
		if err != nil || got != o {
			t.Errorf("ParseOutcome(%q) = %q, %v", o, got, err)
		}
	}
	for _, s := range posdesk.IncidentStatuses {
		got, err := posdesk.ParseIncidentStatus(s.Title())
		if err != nil || got != s {
			t.Errorf("ParseIncidentStatus(%q) = %q, %v", s.Title(), got, err)
		}
	}
}

func TestSlipStatusPerKind(t *testing.T) {
	at := time.Date(2026, 9, 20, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		kind posdesk.IncidentKind
		want posdesk.TxStatus
	}{
		{posdesk.IncidentChargedButFailed, posdesk.StatusFailed},
		{posdesk.IncidentNoResponse, posdesk.StatusNoResponse},
		{posdesk.IncidentApprovedThenReversed, posdesk.StatusReversed},
		{posdesk.IncidentDuplicateCharge, posdesk.StatusApproved},
		{posdesk.IncidentCustomerRefund, posdesk.StatusApproved},
	} {
		slip := posdesk.NewSlip(tc.kind, at, posdesk.CNY("58"), "61000042", "000123", "")
		slip.Normalize()
		if err := slip.Validate(); err != nil {
			t.Errorf("%s: slip invalid: %v", tc.kind, err)
		}
		if slip.Status != tc.want {
			t.Errorf("%s: slip status %s, want %s", tc.kind, slip.Status, tc.want)
		}
	}
}

func TestIncidentValidate(t *testing.T) {
	at := time.Date(2026, 9, 20, 6, 0, 0, 0, time.UTC)
	good := func() *posdesk.Incident {
		return &posdesk.Incident{Kind: posdesk.IncidentChargedButFailed, Time: at, Amount: posdesk.CNY("58.00")}
	}
	for _, tc := range []struct {
		name   string
		change func(*posdesk.Incident)
		field  string // "" means valid
	}{
		{"good", func(*posdesk.Incident) {}, ""},
		{"no kind", func(i *posdesk.Incident) { i.Kind = "" }, "kind"},
		{"zero amount", func(i *posdesk.Incident) { i.Amount = posdesk.CNY("0") }, "amount"},
		{"negative", func(i *posdesk.Incident) { i.Amount = posdesk.CNY("-5") }, "amount"},
		{"no time", func(i *posdesk.Incident) { i.Time = time.Time{} }, "time"},
		{"bad cause", func(i *posdesk.Incident) { i.Cause = "gremlins" }, "cause"},
		{"customer on wrong kind", func(i *posdesk.Incident) { i.CustomerName = "王女士" }, "customer"},
		{"customer on refund", func(i *posdesk.Incident) {
			i.Kind, i.CustomerName, i.CustomerPhone = posdesk.IncidentCustomerRefund, "王女士", "138 0013 8000"
		}, ""},
		{"bad phone", func(i *posdesk.Incident) {
			i.Kind, i.CustomerPhone = posdesk.IncidentCustomerRefund, "call me"
		}, "customer_phone"},
		{"resolved without outcome", func(i *posdesk.Incident) { i.Status = posdesk.IncidentResolved }, "outcome"},
		{"deadline preset", func(i *posdesk.Incident) { i.Deadline, i.DeadlineSource = posdesk.NewDate(2026, 10, 20), "visa" }, ""},
		{"deadline bad source", func(i *posdesk.Incident) { i.Deadline, i.DeadlineSource = posdesk.NewDate(2026, 10, 20), "psychic" }, "deadline"},
		{"story too long", func(i *posdesk.Incident) { i.Story = strings.Repeat("长", posdesk.MaxStoryLen+1) }, "story"},
	} {
		inc := good()
		tc.change(inc)
		inc.Normalize()
		err := inc.Validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if posdesk.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v (field %q), want field %q", tc.name, err, posdesk.ErrorField(err), tc.field)
		}
	}
}

func TestNormalizeMasksAndDefaults(t *testing.T) {
	slip := &posdesk.Transaction{Time: time.Date(2026, 9, 20, 6, 0, 0, 0, time.UTC), Amount: posdesk.CNY("88.50")}
	card := luhnCard("411111111111111")
	spaced := card[:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:]
	inc := &posdesk.Incident{Kind: posdesk.IncidentOther, Story: " card " + spaced + " was charged ", Transactions: []*posdesk.Transaction{slip}}
	inc.Normalize()
	if want := "card " + card[:4] + " " + card[4:6] + "** **** " + card[12:] + " was charged"; inc.Story != want {
		t.Errorf("story %q", inc.Story)
	}
	if inc.Cause != posdesk.CauseUnknown || inc.Status != posdesk.IncidentOpen {
		t.Errorf("defaults: cause %q status %q", inc.Cause, inc.Status)
	}
	if !inc.Time.Equal(slip.Time) || !inc.Amount.Equal(slip.Amount) {
		t.Errorf("time/amount not taken from the slip: %v %v", inc.Time, inc.Amount)
	}
	inc.Deadline = posdesk.NewDate(2026, 10, 1)
	inc.Normalize()
	if inc.DeadlineSource != posdesk.DeadlineFromLetter {
		t.Errorf("deadline source %q", inc.DeadlineSource)
	}
}

func TestIncidentOverdueAndDaysLeft(t *testing.T) {
	today := posdesk.NewDate(2026, 9, 20)
	inc := &posdesk.Incident{Status: posdesk.IncidentWaitingForBank, Deadline: posdesk.NewDate(2026, 9, 23)}
	if d, ok := inc.DaysLeft(today); !ok || d != 3 {
		t.Errorf("DaysLeft = %d %v", d, ok)
	}
	for _, tc := range []struct {
		deadline posdesk.Date
		status   posdesk.IncidentStatus
		want     bool
	}{
		{posdesk.NewDate(2026, 9, 19), posdesk.IncidentOpen, true},
		{posdesk.NewDate(2026, 9, 20), posdesk.IncidentOpen, false}, // due today is not overdue yet
		{posdesk.NewDate(2026, 9, 19), posdesk.IncidentResolved, false},
		{posdesk.Date{}, posdesk.IncidentOpen, false},
	} {
		inc := &posdesk.Incident{Status: tc.status, Deadline: tc.deadline}
		if got := inc.Overdue(today); got != tc.want {
			t.Errorf("deadline %s status %s: overdue %v, want %v", tc.deadline, tc.status, got, tc.want)
		}
	}
}

func TestParseIncidentRef(t *testing.T) {
	for _, tc := range []struct {
		in        string
		id        int64
		year, seq int
		bad       bool
	}{
		{"7", 7, 0, 0, false},
		{"INC-2026-0007", 0, 2026, 7, false},
		{"inc-2026-7", 0, 2026, 7, false},
		{"INC-x-1", 0, 0, 0, true},
		{"-3", 0, 0, 0, true},
	} {
		id, y, s, err := posdesk.ParseIncidentRef(tc.in)
		if (err != nil) != tc.bad || id != tc.id || y != tc.year || s != tc.seq {
			t.Errorf("ParseIncidentRef(%q) = %d %d %d %v", tc.in, id, y, s, err)
		}
	}
	if got, want := posdesk.NumberFor(2026, 7), "INC-2026-0007"; got != want {
		t.Errorf("NumberFor = %q, want %q", got, want)
	}
}

func TestIncidentUpdateApply(t *testing.T) {
	inc := &posdesk.Incident{Kind: posdesk.IncidentOther, Story: "old", Deadline: posdesk.NewDate(2026, 10, 1), DeadlineSource: "visa"}
	kind := posdesk.IncidentWrongAmount
	story := "old"
	none := posdesk.Date{}
	changed := posdesk.IncidentUpdate{Kind: &kind, Story: &story, Deadline: &none}.Apply(inc)
	if got, want := strings.Join(changed, ","), "kind,deadline"; got != want {
		t.Errorf("changed %q, want %q", got, want)
	}
	if inc.Kind != kind || !inc.Deadline.IsZero() || inc.DeadlineSource != "" {
		t.Errorf("after apply: %+v", inc)
	}
}

func TestContactValidate(t *testing.T) {
	at := time.Date(2026, 9, 20, 6, 0, 0, 0, time.UTC)
	good := func() *posdesk.Contact {
		return &posdesk.Contact{IncidentID: 1, Time: at, Channel: posdesk.ContactPhone, Party: posdesk.PartyAcquirer, Summary: "they will check"}
	}
	for _, tc := range []struct {
		name   string
		change func(*posdesk.Contact)
		field  string
	}{
		{"good", func(*posdesk.Contact) {}, ""},
		{"no summary", func(c *posdesk.Contact) { c.Summary = "  " }, "summary"},
		{"bad channel", func(c *posdesk.Contact) { c.Channel = "pigeon" }, "channel"},
		{"bad party", func(c *posdesk.Contact) { c.Party = "police" }, "party"},
		{"due without next", func(c *posdesk.Contact) { c.Due = posdesk.NewDate(2026, 9, 25) }, "next"},
		{"next with due", func(c *posdesk.Contact) { c.NextStep, c.Due = "call back", posdesk.NewDate(2026, 9, 25) }, ""},
	} {
		c := good()
		tc.change(c)
		c.Normalize()
		err := c.Validate()
		if tc.field == "" && err != nil || tc.field != "" && posdesk.ErrorField(err) != tc.field {
			t.Errorf("%s: %v (want field %q)", tc.name, err, tc.field)
		}
	}
	for in, want := range map[string]posdesk.ContactParty{"issuer": posdesk.PartyIssuingBank, "acquirer": posdesk.PartyAcquirer, "QR platform": posdesk.PartyQRPlatform, "customer": posdesk.PartyCustomer} {
		if got, err := posdesk.ParseContactParty(in); err != nil || got != want {
			t.Errorf("ParseContactParty(%q) = %q %v", in, got, err)
		}
	}
	for _, c := range posdesk.ContactChannels {
		if got, err := posdesk.ParseContactChannel(string(c)); err != nil || got != c {
			t.Errorf("ParseContactChannel(%q) = %q %v", c, got, err)
		}
	}
}

// luhnCard returns prefix with the Luhn check digit appended: a test card number made in code.
func luhnCard(prefix string) string {
	for d := '0'; d <= '9'; d++ {
		if n := prefix + string(d); posdesk.Luhn(n) {
			return n
		}
	}
	panic("unreachable")
}
