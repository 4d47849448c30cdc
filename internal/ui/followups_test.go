package ui

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fakeFollowUps is an in-memory FollowUpService that applies the domain's own rules (the ladder,
// approvals, receipts), so the screens can be driven from start to closed without a database.
// Dashboard figures and incident slices are whatever the test sets.
type fakeFollowUps struct {
	today     func() posdesk.Date
	threshold posdesk.Money
	refunds   map[int64]*posdesk.Refund
	events    map[int64][]*posdesk.RefundEvent
	incidents map[int64]*posdesk.Incident
	nextID    int64
	nextRC    int64

	dash        *posdesk.Dashboard
	slice       []*posdesk.Incident
	receipts    []*posdesk.RefundReceipt
	findFilters []posdesk.RefundFilter
	sliceAsked  []posdesk.IncidentSlice
	holidays    map[posdesk.Date]*posdesk.Holiday
}

func newFakeFollowUps() *fakeFollowUps {
	return &fakeFollowUps{today: func() posdesk.Date { return posdesk.DateOf(testNow, shanghai) }, threshold: posdesk.DefaultApprovalThreshold,
		refunds: map[int64]*posdesk.Refund{}, events: map[int64][]*posdesk.RefundEvent{}, incidents: map[int64]*posdesk.Incident{}}
}

func (s *fakeFollowUps) event(r *posdesk.Refund, kind string, from posdesk.RefundStatus, note string) {
	s.events[r.ID] = append(s.events[r.ID], &posdesk.RefundEvent{RefundID: r.ID, Time: testNow, On: s.today(), Kind: kind, From: from, To: r.Status, Note: note, Actor: "test"})
}

func (s *fakeFollowUps) copyOf(r *posdesk.Refund) *posdesk.Refund {
	c := *r
	c.Receipts = append([]*posdesk.RefundReceipt(nil), r.Receipts...)
	return &c
}

func (s *fakeFollowUps) get(id int64) (*posdesk.Refund, error) {
	r, ok := s.refunds[id]
	if !ok {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Refund follow-up %d does not exist.", id)
	}
	return r, nil
}

func (s *fakeFollowUps) FindRefundByID(ctx context.Context, id int64) (*posdesk.Refund, error) {
	r, err := s.get(id)
	if err != nil {
		return nil, err
	}
	return s.copyOf(r), nil
}

func (s *fakeFollowUps) FindRefunds(ctx context.Context, f posdesk.RefundFilter) ([]*posdesk.Refund, int, error) {
	s.findFilters = append(s.findFilters, f)
	var out []*posdesk.Refund
	for _, r := range s.refunds {
		if (f.Open && !r.Open()) || (f.Owing && !r.Outstanding().Amount.IsPositive()) {
			continue
		}
		if len(f.Statuses) > 0 && !containsStatus(f.Statuses, r.Status) {
			continue
		}
		out = append(out, s.copyOf(r))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, len(out), nil
}

func containsStatus(ss []posdesk.RefundStatus, s posdesk.RefundStatus) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (s *fakeFollowUps) SumRefunds(ctx context.Context, f posdesk.RefundFilter) ([]posdesk.RefundTotal, error) {
	panic("not used by the screens")
}

func (s *fakeFollowUps) CreateRefund(ctx context.Context, r *posdesk.Refund) error {
	if r.RequestedBy == "" {
		r.RequestedBy = posdesk.ActorName(ctx)
	}
	if r.OpenedOn.IsZero() {
		r.OpenedOn = s.today()
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	s.nextID++
	r.ID, r.StatusOn = s.nextID, r.OpenedOn
	s.refunds[r.ID] = s.copyOf(r)
	s.event(r, "created", "", "")
	return nil
}

func (s *fakeFollowUps) UpdateRefund(ctx context.Context, id int64, upd posdesk.RefundUpdate) (*posdesk.Refund, error) {
	r, err := s.get(id)
	if err != nil {
		return nil, err
	}
	upd.Apply(r)
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	s.event(r, "updated", "", "next_action")
	return s.copyOf(r), nil
}

func (s *fakeFollowUps) SetRefundStatus(ctx context.Context, id int64, to posdesk.RefundStatus, reason string) (*posdesk.Refund, error) {
	r, err := s.get(id)
	if err != nil {
		return nil, err
	}
	if err := r.CheckMove(to, reason, s.threshold); err != nil {
		return nil, err
	}
	from := r.Status
	r.Move(to, reason, s.today())
	s.event(r, "status", from, reason)
	return s.copyOf(r), nil
}

func (s *fakeFollowUps) ApproveRefund(ctx context.Context, id int64, by string) (*posdesk.Refund, error) {
	if err := posdesk.Authorize(ctx, posdesk.ActApproveRefund); err != nil {
		return nil, err
	}
	r, err := s.get(id)
	if err != nil {
		return nil, err
	}
	approver, err := posdesk.Approver(ctx, by)
	if err != nil {
		return nil, err
	}
	if err := r.CheckApproval(approver); err != nil {
		return nil, err
	}
	from := r.Status
	r.Approve(approver, testNow, s.today())
	s.event(r, "approved", from, approver)
	return s.copyOf(r), nil
}

func (s *fakeFollowUps) CreateRefundReceipt(ctx context.Context, id int64, rc *posdesk.RefundReceipt) (*posdesk.Refund, error) {
	r, err := s.get(id)
	if err != nil {
		return nil, err
	}
	if err := r.CheckReceipt(rc, s.today(), s.threshold); err != nil {
		return nil, err
	}
	s.nextRC++
	rc.ID, rc.RefundID = s.nextRC, id
	from := r.Status
	r.ApplyReceipt(rc)
	s.event(r, "receipt", from, "")
	return s.copyOf(r), nil
}

func (s *fakeFollowUps) VoidRefundReceipt(ctx context.Context, id int64, reason string) (*posdesk.Refund, error) {
	panic("not used by the screens")
}

func (s *fakeFollowUps) FindRefundReceipts(ctx context.Context, f posdesk.RefundReceiptFilter) ([]*posdesk.RefundReceipt, int, error) {
	return s.receipts, len(s.receipts), nil
}

func (s *fakeFollowUps) FindRefundEvents(ctx context.Context, id int64) ([]*posdesk.RefundEvent, error) {
	return s.events[id], nil
}

func (s *fakeFollowUps) ApprovalThreshold(ctx context.Context) (posdesk.Money, error) {
	return s.threshold, nil
}

func (s *fakeFollowUps) Dashboard(ctx context.Context, today posdesk.Date) (*posdesk.Dashboard, error) {
	if s.dash == nil {
		return &posdesk.Dashboard{Today: today}, nil
	}
	return s.dash, nil
}

func (s *fakeFollowUps) FindIncidentSlice(ctx context.Context, sl posdesk.IncidentSlice) ([]*posdesk.Incident, int, error) {
	s.sliceAsked = append(s.sliceAsked, sl)
	return s.slice, len(s.slice), nil
}

func (s *fakeFollowUps) MonthlyReport(ctx context.Context, month, today posdesk.Date) (*posdesk.MonthlyReport, error) {
	panic("not used by the screens")
}

func (s *fakeFollowUps) FindHolidays(ctx context.Context, from, to posdesk.Date) ([]*posdesk.Holiday, error) {
	var out []*posdesk.Holiday
	for _, h := range s.holidays {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

func (s *fakeFollowUps) SetHoliday(ctx context.Context, h *posdesk.Holiday) error {
	if err := posdesk.Authorize(ctx, posdesk.ActEditSettings); err != nil {
		return err
	}
	if s.holidays == nil {
		s.holidays = map[posdesk.Date]*posdesk.Holiday{}
	}
	c := *h
	s.holidays[h.Date] = &c
	return nil
}

func (s *fakeFollowUps) DeleteHoliday(ctx context.Context, d posdesk.Date) error {
	delete(s.holidays, d)
	return nil
}

func (s *fakeFollowUps) FindIncidentByNumber(ctx context.Context, ref string) (*posdesk.Incident, error) {
	for _, inc := range s.incidents {
		if inc.Number == ref || strconv.FormatInt(inc.ID, 10) == ref {
			return inc, nil
		}
	}
	return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Incident %s does not exist.", ref)
}

var manager = &posdesk.User{Name: "Li Wei", Role: posdesk.RoleManager}

// followUpsOf opens the Follow-ups section of a window on svc, signed in as u.
func followUpsOf(t *testing.T, svc *fakeFollowUps, u *posdesk.User) (*Window, *queue, *FollowUps) {
	t.Helper()
	w, q := newTestWindow(t, Services{FollowUps: svc}, u)
	q.drain()
	if !w.Open("followups") {
		t.Fatal("Follow-ups section not visible")
	}
	q.drain()
	return w, q, w.Built("followups").(*FollowUps)
}

// selectRefund shows follow-up id in the detail panel.
func selectRefund(t *testing.T, q *queue, f *FollowUps, id int64) {
	t.Helper()
	f.Select(id)
	q.drain()
	if f.selected == nil || f.selected.ID != id {
		t.Fatalf("follow-up %d not selected", id)
	}
}

// moveTo changes the selected follow-up's status through the status form.
func moveTo(t *testing.T, q *queue, f *FollowUps, to posdesk.RefundStatus, reason string) {
	t.Helper()
	test.Tap(f.status)
	fm := f.statusForm
	fm.to.SetSelected(i18n.T(to.Title()))
	if fm.to.SelectedIndex() < 0 {
		t.Fatalf("status form does not offer %s (offers %v)", to, fm.to.Options)
	}
	fm.reason.SetText(reason)
	test.Tap(fm.save)
	q.drain()
	if fm.general.Visible() {
		t.Fatalf("moving to %s: %s", to, fm.general.Text)
	}
	selectRefund(t, q, f, f.selected.ID)
}

func detailHas(f *FollowUps, text string) bool {
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Label:
			return strings.Contains(v.Text, text)
		case *widget.Button:
			return strings.Contains(v.Text, text)
		case *fyne.Container:
			for _, c := range v.Objects {
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	return walk(f.detail)
}

func TestFollowUpsCustomerRefundFromStartToClosed(t *testing.T) {
	svc := newFakeFollowUps()
	w, q, f := followUpsOf(t, svc, manager)
	if !strings.Contains(f.state.Text, "No refund follow-ups under way") {
		t.Errorf("empty screen says %q", f.state.Text)
	}
	test.Tap(f.add)
	fm := f.addForm
	if fm == nil || len(w.Canvas().Overlays().List()) != 1 {
		t.Fatal("Add refund did not open the form")
	}
	test.Type(fm.expected, "58.00")
	test.Type(fm.reason, "returned a scarf")
	test.Tap(fm.save)
	q.drain()
	if fm.general.Visible() || len(svc.refunds) != 1 {
		t.Fatalf("add: %q, %d refunds", fm.general.Text, len(svc.refunds))
	}
	r := svc.refunds[1]
	if r.Direction != posdesk.DirShopToCustomer || r.Method != posdesk.MethodOriginalRoute || r.Expected.Plain() != "58.00" ||
		r.RequestedBy != "Li Wei" || r.Arrival != (posdesk.Span{Days: 7, Workdays: true}) {
		t.Fatalf("created %+v", r)
	}
	selectRefund(t, q, f, 1)
	moveTo(t, q, f, posdesk.RefundPaid, "")
	test.Tap(f.receive)
	if got := f.receiveForm.amount.Text; got != "58.00" {
		t.Errorf("receive form starts with %q, want the outstanding 58.00", got)
	}
	test.Tap(f.receiveForm.save)
	q.drain()
	selectRefund(t, q, f, 1)
	if f.selected.Status != posdesk.RefundReceived || !f.selected.Outstanding().IsZero() {
		t.Fatalf("after the receipt: %s, outstanding %s", f.selected.Status, f.selected.Outstanding().Plain())
	}
	test.Tap(f.status)
	if opts := f.statusForm.to.Options; len(opts) != 1 || opts[0] != i18n.T(posdesk.RefundCustomerNotified.Title()) {
		t.Errorf("after received a customer refund offers %v, want only customer notified", opts)
	}
	w.Escape()
	moveTo(t, q, f, posdesk.RefundCustomerNotified, "")
	moveTo(t, q, f, posdesk.RefundClosed, "")
	if !detailHas(f, i18n.T(posdesk.RefundClosed.Title())) || detailHas(f, i18n.T("Money received…")) {
		t.Error("closed follow-up still offers actions, or does not say closed")
	}
}

func TestFollowUpsAcquirerPaysInTwoParts(t *testing.T) {
	svc := newFakeFollowUps()
	svc.incidents[4] = &posdesk.Incident{ID: 4, Number: "INC-2024-0004", Kind: posdesk.IncidentPostingFailure, Amount: posdesk.CNY("1288.00")}
	_, q, f := followUpsOf(t, svc, manager)
	test.Tap(f.add)
	fm := f.addForm
	test.Type(fm.incident, "INC-2024-0004")
	test.Type(fm.due, "2024-06-20")
	test.Tap(fm.save)
	q.drain()
	r := svc.refunds[1]
	if r == nil || r.IncidentID != 4 || r.Direction != posdesk.DirAcquirerToShop || r.Expected.Plain() != "1288.00" || r.Due.String() != "2024-06-20" {
		t.Fatalf("created %+v", r)
	}
	selectRefund(t, q, f, 1)
	if !detailHas(f, "INC-2024-0004") {
		t.Error("detail does not show the incident's number")
	}
	for _, part := range []string{"1,000.00", "288"} {
		test.Tap(f.receive)
		f.receiveForm.amount.SetText(part)
		test.Tap(f.receiveForm.save)
		q.drain()
		if f.receiveForm.general.Visible() {
			t.Fatalf("receiving %s: %s", part, f.receiveForm.general.Text)
		}
		selectRefund(t, q, f, 1)
	}
	if f.selected.Status != posdesk.RefundReceived || f.selected.Received.Plain() != "1288.00" {
		t.Fatalf("after two parts: %s, received %s", f.selected.Status, f.selected.Received.Plain())
	}
	moveTo(t, q, f, posdesk.RefundClosed, "")
}

func TestFollowUpsApprovalByAnotherManager(t *testing.T) {
	svc := newFakeFollowUps()
	_, q, f := followUpsOf(t, svc, manager)
	test.Tap(f.add)
	test.Type(f.addForm.expected, "800.00")
	test.Tap(f.addForm.save)
	q.drain()
	selectRefund(t, q, f, 1)
	if !detailHas(f, i18n.T("Approve…")) {
		t.Fatal("an 800.00 refund does not offer Approve")
	}
	test.Tap(f.status)
	f.statusForm.to.SetSelected(i18n.T(posdesk.RefundPaid.Title()))
	test.Tap(f.statusForm.save)
	q.drain()
	if !f.statusForm.general.Visible() || !strings.Contains(f.statusForm.general.Text, "approval") {
		t.Errorf("paying before approval: %q", f.statusForm.general.Text)
	}
	f.w.Escape()
	test.Tap(f.approve)
	fm := f.approveForm
	if fm.by.Text != "" {
		t.Errorf("the requester is offered as approver: %q", fm.by.Text)
	}
	test.Type(fm.by, "li wei")
	test.Tap(fm.save)
	q.drain()
	if !fm.general.Visible() || !strings.Contains(fm.general.Text, "cannot approve") {
		t.Fatalf("the requester approving: %q", fm.general.Text)
	}
	fm.by.SetText("Zhang Min")
	test.Tap(fm.save)
	q.drain()
	if fm.general.Visible() {
		t.Fatalf("another manager approving: %q", fm.general.Text)
	}
	selectRefund(t, q, f, 1)
	if f.selected.ApprovedBy != "Zhang Min" || !detailHas(f, "Zhang Min") || detailHas(f, i18n.T("Approve…")) {
		t.Errorf("after approval: %q", f.selected.ApprovedBy)
	}
	moveTo(t, q, f, posdesk.RefundPaid, "")
	moveTo(t, q, f, posdesk.RefundCustomerNotified, "")
	test.Tap(f.receive)
	test.Tap(f.receiveForm.save)
	q.drain()
	selectRefund(t, q, f, 1)
	moveTo(t, q, f, posdesk.RefundClosed, "")
}

func TestFollowUpsFormErrorsNextToFields(t *testing.T) {
	svc := newFakeFollowUps()
	svc.refunds[1] = &posdesk.Refund{ID: 1, Direction: posdesk.DirShopToCustomer, Method: posdesk.MethodCash, Status: posdesk.RefundRequested,
		Expected: posdesk.CNY("100"), Fees: posdesk.CNY("0"), Received: posdesk.CNY("0"), OpenedOn: posdesk.NewDate(2024, 5, 30), RequestedBy: "Wang"}
	_, q, f := followUpsOf(t, svc, manager)
	test.Tap(f.add)
	fm := f.addForm
	test.Type(fm.expected, "12,34")
	test.Type(fm.due, "2024-02-30")
	test.Tap(fm.save)
	q.drain()
	if !fm.errs["expected"].Visible() || !fm.errs["due"].Visible() || len(svc.refunds) != 1 {
		t.Errorf("bad amount and date: expected %q, due %q", fm.errs["expected"].Text, fm.errs["due"].Text)
	}
	f.w.Escape()
	selectRefund(t, q, f, 1)
	test.Tap(f.receive)
	rf := f.receiveForm
	rf.amount.SetText("100.50")
	test.Tap(rf.save)
	q.drain()
	if !rf.over.Visible() || !strings.Contains(rf.general.Text, "over-payment") {
		t.Fatalf("over-payment: check visible %v, %q", rf.over.Visible(), rf.general.Text)
	}
	rf.over.SetChecked(true)
	test.Tap(rf.save)
	q.drain()
	if rf.general.Visible() || svc.refunds[1].Outstanding().Plain() != "-0.50" {
		t.Errorf("confirmed over-payment: %q, outstanding %s", rf.general.Text, svc.refunds[1].Outstanding().Plain())
	}
}

func TestFollowUpsTodayListAndViews(t *testing.T) {
	svc := newFakeFollowUps()
	today := posdesk.DateOf(testNow, shanghai)
	for i, due := range []posdesk.Date{today.AddDays(-2), today, today.AddDays(3), today.AddDays(20)} {
		svc.refunds[int64(i+1)] = &posdesk.Refund{ID: int64(i + 1), Direction: posdesk.DirShopToCustomer, Method: posdesk.MethodCash,
			Status: posdesk.RefundRequested, Expected: posdesk.CNY("10"), Fees: posdesk.CNY("0"), Received: posdesk.CNY("0"), Due: due, OpenedOn: today}
	}
	w, q := newTestWindow(t, Services{FollowUps: svc}, manager)
	q.drain()
	if w.Current() != "home" {
		t.Fatalf("first screen is %q, want home", w.Current())
	}
	h := w.Built("home").(*Home)
	if h.overdue.Text != "Overdue: 1" || h.dueToday.Text != "Due today: 1" || h.thisWeek.Text != "Due this week: 1" {
		t.Errorf("Today buttons: %q %q %q", h.overdue.Text, h.dueToday.Text, h.thisWeek.Text)
	}
	test.Tap(h.overdue)
	q.drain()
	f := w.Built("followups").(*FollowUps)
	if w.Current() != "followups" || f.viewID != viewOverdue || len(f.rows) != 1 || f.rows[0].refund.ID != 1 {
		t.Fatalf("Overdue button: section %s, view %s, %d rows", w.Current(), f.viewID, len(f.rows))
	}
	f.SetView(viewToday)
	q.drain()
	var got []string
	for _, r := range f.rows {
		if r.refund != nil {
			got = append(got, "#"+strconv.FormatInt(r.refund.ID, 10))
		} else {
			got = append(got, r.heading)
		}
	}
	if want := "Overdue (1) #1 Due today (1) #2 Due this week (1) #3"; strings.Join(got, " ") != want {
		t.Errorf("Today list rows %q, want %q", strings.Join(got, " "), want)
	}
	text, overdue := dueText(today.AddDays(-2), today)
	if !overdue || !strings.Contains(text, "Overdue") || !strings.Contains(text, "2 days late") {
		t.Errorf("overdue date text %q (the word, not only the color)", text)
	}
	f.SetView(viewOpen)
	q.drain()
	if len(f.rows) != 4 {
		t.Errorf("All open: %d rows", len(f.rows))
	}
}

func TestHomeFiguresOpenTheListBehindThem(t *testing.T) {
	svc := newFakeFollowUps()
	today := posdesk.DateOf(testNow, shanghai)
	ageFilter := posdesk.RefundFilter{Open: true, Owing: true, OpenedFrom: today.AddDays(-30), OpenedTo: today.AddDays(-8)}
	svc.refunds[1] = &posdesk.Refund{ID: 1, Direction: posdesk.DirShopToCustomer, Method: posdesk.MethodCash, Status: posdesk.RefundRequested,
		Expected: posdesk.CNY("300.00"), Fees: posdesk.CNY("0"), Received: posdesk.CNY("11.50"), OpenedOn: today.AddDays(-10)}
	svc.refunds[2] = &posdesk.Refund{ID: 2, Direction: posdesk.DirShopToCustomer, Method: posdesk.MethodCash, Status: posdesk.RefundRequested,
		Expected: posdesk.CNY("0.30"), Fees: posdesk.CNY("0"), Received: posdesk.CNY("0"), OpenedOn: today.AddDays(-9)}
	netSlice := posdesk.IncidentSlice{Filter: posdesk.IncidentFilter{Cause: posdesk.CauseNetwork}}
	svc.slice = []*posdesk.Incident{{ID: 1, Number: "INC-2024-0001", Kind: posdesk.IncidentChargedButFailed, Status: posdesk.IncidentOpen, Amount: posdesk.CNY("99"), Time: testNow}}
	svc.dash = &posdesk.Dashboard{Today: today,
		Outstanding: []posdesk.Figure{{Key: "age_8_30", Label: "8-30 days", Count: 2, Amounts: []posdesk.Money{posdesk.CNY("288.80")}, List: posdesk.FigureList{Refunds: &ageFilter}}},
		IncidentsByCause: []posdesk.Figure{
			{Key: "cause_network", Label: posdesk.CauseNetwork.Title(), Count: 4, Amounts: []posdesk.Money{posdesk.CNY("99")}, List: posdesk.FigureList{Incidents: &netSlice}},
			{Key: "cause_unknown", Label: posdesk.CauseUnknown.Title(), Count: 1, Amounts: []posdesk.Money{posdesk.CNY("5")}, List: posdesk.FigureList{Incidents: &netSlice}},
		},
	}
	w, q := newTestWindow(t, Services{FollowUps: svc}, owner)
	q.drain()
	h := w.Built("home").(*Home)
	b := h.figures["age_8_30"]
	if b == nil || !strings.Contains(b.Text, "8-30 days") || !strings.Contains(b.Text, "¥ 288.80") {
		t.Fatalf("figure button %v", b)
	}
	svc.findFilters = nil
	test.Tap(b)
	q.drain()
	if len(svc.findFilters) != 1 || svc.findFilters[0].OpenedFrom != ageFilter.OpenedFrom || !svc.findFilters[0].Owing {
		t.Errorf("the list asked for %+v, want the figure's filter %+v", svc.findFilters, ageFilter)
	}
	if got := h.list.summary.Text; got != "2 rows, total ¥ 288.80" || h.list.total.AmountText() != b.Text[strings.LastIndex(b.Text, "¥"):] {
		t.Errorf("list summary %q, figure %q", got, b.Text)
	}
	w.Escape()
	// The chart: one row per cause, bars as long as their share of the largest count.
	if len(h.chart.Objects) != 2 {
		t.Fatalf("%d chart rows, want 2", len(h.chart.Objects))
	}
	bars := make([]float32, 2)
	for i, row := range h.chart.Objects {
		inner := row.(*fyne.Container).Objects[1].(*fyne.Container)
		inner.Resize(fyne.NewSize(600, 30))
		bars[i] = inner.Objects[1].(*canvas.Rectangle).Size().Width
	}
	if bars[0] <= 0 || bars[1] <= 0 || bars[0] < 3.9*bars[1] || bars[0] > 4.1*bars[1] {
		t.Errorf("bar widths %v, want 4 : 1", bars)
	}
	test.Tap(h.figures["cause_network"])
	q.drain()
	if len(svc.sliceAsked) != 1 || svc.sliceAsked[0].Filter.Cause != posdesk.CauseNetwork || !strings.Contains(h.list.lines[0], "INC-2024-0001") {
		t.Errorf("cause bar list: asked %+v, lines %v", svc.sliceAsked, h.list.lines)
	}
}

func TestReminderNotificationOncePerDay(t *testing.T) {
	svc := newFakeFollowUps()
	day := time.Date(2024, 5, 31, 9, 0, 0, 0, shanghai)
	now := day
	svc.refunds[1] = &posdesk.Refund{ID: 1, Direction: posdesk.DirShopToCustomer, Method: posdesk.MethodCash, Status: posdesk.RefundRequested,
		Expected: posdesk.CNY("10"), Fees: posdesk.CNY("0"), Received: posdesk.CNY("0"), Due: posdesk.NewDate(2024, 6, 3), OpenedOn: posdesk.NewDate(2024, 5, 1)}
	var sent []*fyne.Notification
	n := &ReminderNotifier{Svc: svc, Ctx: context.Background(), Now: func() time.Time { return now }, Loc: shanghai,
		Send: func(x *fyne.Notification) { sent = append(sent, x) }}
	setLang(t, i18n.English)
	if ok, err := n.Check(); !ok || err != nil || len(sent) != 1 {
		t.Fatalf("3 days before the deadline: sent %v, %v", ok, err)
	}
	if !strings.Contains(sent[0].Content, "Refund 1: the deadline is in 3 days, 2024-06-03.") {
		t.Errorf("notification %q", sent[0].Content)
	}
	now = day.Add(6 * time.Hour)
	if ok, _ := n.Check(); ok || len(sent) != 1 {
		t.Error("a second notification the same day")
	}
	now = day.Add(24 * time.Hour) // 2 days before: no reminder day, nothing overdue
	if ok, _ := n.Check(); ok || len(sent) != 1 {
		t.Error("a notification on a day without reminders")
	}
	now = day.Add(48 * time.Hour) // the day before
	if ok, _ := n.Check(); !ok || !strings.Contains(sent[1].Content, "tomorrow") {
		t.Errorf("the day before: %v", sent)
	}
	now = day.Add(5 * 24 * time.Hour) // two days late: overdue
	if ok, _ := n.Check(); !ok || !strings.Contains(sent[2].Content, "1 follow-ups are overdue") {
		t.Errorf("overdue: %v", sent[len(sent)-1].Content)
	}
}

func TestRefundSettingsPane(t *testing.T) {
	svc := newFakeFollowUps()
	saved := map[string]string{}
	settings := &mock.SettingsService{
		SettingFn:    func(ctx context.Context, key, def string) (string, error) { return def, nil },
		SetSettingFn: func(ctx context.Context, key, value string) error { saved[key] = value; return nil },
	}
	w, q := newTestWindow(t, Services{FollowUps: svc, Settings: settings}, owner)
	q.drain()
	if !w.Open("settings") {
		t.Fatal("no settings section")
	}
	var p *refundPane
	buildRefundPaneFor(w, &p)
	if p.threshold.Text != "500.00" {
		t.Errorf("threshold shows %q", p.threshold.Text)
	}
	p.threshold.SetText("1,000")
	test.Tap(p.saveLimit)
	if saved[posdesk.RefundThresholdSetting] != "1000.00" || p.thresholdErr.Visible() {
		t.Errorf("saved %v, error %q", saved, p.thresholdErr.Text)
	}
	p.threshold.SetText("lots")
	test.Tap(p.saveLimit)
	if !p.thresholdErr.Visible() {
		t.Error("a bad threshold was accepted")
	}
	p.dates.SetText("2025-10-01..2025-10-08")
	p.name.SetText("国庆节")
	test.Tap(p.add)
	p.dates.SetText("2025-10-11")
	p.workday.SetChecked(true)
	test.Tap(p.add)
	if len(p.holidays) != 9 || !p.holidays[8].Workday || p.holidays[0].Name != "国庆节" {
		t.Fatalf("holidays %d", len(p.holidays))
	}
	p.remove(posdesk.NewDate(2025, 10, 11))
	if len(p.holidays) != 8 {
		t.Errorf("after removing: %d", len(p.holidays))
	}
	p.dates.SetText("2025-10-08..2025-10-01")
	test.Tap(p.add)
	if !p.addErr.Visible() {
		t.Error("a backwards range was accepted")
	}
}
