package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func init() {
	RegisterSection(Section{ID: "followups", Title: "Follow-ups", Icon: theme.IconNameHistory, Order: OrderFollowUps,
		Visible: func(w *Window) bool { return w.Services.FollowUps != nil && w.Can(posdesk.ActManageRefund) },
		Build:   func(w *Window) fyne.CanvasObject { return NewFollowUps(w) }})
}

// Views of the Follow-ups list.
const (
	viewToday    = "today"     // the Today list: overdue, due today, due this week
	viewOverdue  = "overdue"   // only overdue
	viewDueToday = "due_today" // only due today
	viewThisWeek = "this_week" // only due later this week
	viewOpen     = "open"      // every follow-up under way, by next date
	viewAll      = "all"       // everything, finished ones too
)

var followViews = []struct{ id, title string }{
	{viewToday, "Today list"}, {viewOverdue, "Overdue"}, {viewDueToday, "Due today"}, {viewThisWeek, "Due this week"},
	{viewOpen, "All open"}, {viewAll, "All, finished ones too"},
}

// followRow is a line of the list: a group heading or a follow-up.
type followRow struct {
	heading string
	refund  *posdesk.Refund
}

// FollowUps is the Follow-ups screen: refund follow-ups by next date, the Today list, and the
// forms to add, receive, approve, move and edit them.
type FollowUps struct {
	widget.BaseWidget

	w   *Window
	svc FollowUpService

	view    *widget.Select
	viewID  string
	search  *Entry
	add     *widget.Button
	state   *widget.Label
	list    *widget.List
	rows    []followRow
	numbers map[int64]string // incident ID -> number
	refunds []*posdesk.Refund
	today   posdesk.Date

	selected *posdesk.Refund
	detail   *fyne.Container
	dscroll  *container.Scroll
	events   []*posdesk.RefundEvent

	receive, approve, status, edit *widget.Button

	// The forms opened last, for tests.
	addForm     *refundForm
	receiveForm *receiveForm
	approveForm *approveForm
	statusForm  *statusForm
	editForm    *editForm

	threshold posdesk.Money
	content   fyne.CanvasObject
}

// NewFollowUps builds the Follow-ups screen for w and loads the Today list.
func NewFollowUps(w *Window) *FollowUps {
	f := &FollowUps{w: w, svc: w.Services.FollowUps, viewID: viewToday, numbers: map[int64]string{}, threshold: posdesk.DefaultApprovalThreshold}
	f.ExtendBaseWidget(f)
	var titles []string
	for _, v := range followViews {
		titles = append(titles, i18n.T(v.title))
	}
	f.view = widget.NewSelect(titles, func(s string) {
		for _, v := range followViews {
			if i18n.T(v.title) == s && v.id != f.viewID {
				f.viewID = v.id
				f.Reload()
			}
		}
	})
	f.view.Selected = i18n.T(followViews[0].title)
	f.search = w.NewEntry()
	f.search.SetPlaceHolder(i18n.T("Search: case number, counterparty, customer, reason"))
	f.search.OnSubmitted = func(string) { f.Reload() }
	f.add = &widget.Button{Text: i18n.T("Add refund…"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: f.onAdd}
	f.state = &widget.Label{Wrapping: fyne.TextWrapWord}
	f.list = widget.NewList(func() int { return len(f.rows) }, f.newRow, f.updateRow)
	f.list.OnSelected = func(id widget.ListItemID) {
		if id < len(f.rows) && f.rows[id].refund != nil {
			f.Select(f.rows[id].refund.ID)
		}
	}
	f.receive = &widget.Button{Text: i18n.T("Money received…"), Icon: theme.ContentAddIcon(), OnTapped: f.onReceive}
	f.approve = &widget.Button{Text: i18n.T("Approve…"), Icon: theme.ConfirmIcon(), OnTapped: f.onApprove}
	f.status = &widget.Button{Text: i18n.T("Change status…"), Icon: theme.MediaSkipNextIcon(), OnTapped: f.onStatus}
	f.edit = &widget.Button{Text: i18n.T("Next action and dates…"), Icon: theme.DocumentCreateIcon(), OnTapped: f.onEdit}
	f.detail = container.NewVBox(&widget.Label{Text: i18n.T("Choose a follow-up to see it here."), Importance: widget.LowImportance})
	top := container.NewBorder(nil, nil, f.view, f.add, f.search)
	f.dscroll = container.NewVScroll(f.detail)
	split := container.NewHSplit(f.list, f.dscroll)
	split.Offset = 0.55
	f.content = container.NewBorder(container.NewVBox(top, f.state), nil, nil, nil, split)
	f.Reload()
	return f
}

// CreateRenderer draws the screen.
func (f *FollowUps) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(f.content) }

// FocusSearch puts the cursor in the search box (Ctrl+F).
func (f *FollowUps) FocusSearch() { f.w.Canvas().Focus(f.search) }

// SetView shows one view of the list (the Home screen's Today buttons use it).
func (f *FollowUps) SetView(id string) {
	for _, v := range followViews {
		if v.id == id {
			f.viewID = id
			f.view.Selected = i18n.T(v.title)
			f.view.Refresh()
			f.Reload()
		}
	}
}

// Reload fetches the follow-ups of the current view off the UI goroutine.
func (f *FollowUps) Reload() {
	ctx, today := f.w.Ctx(), f.w.today()
	filter := posdesk.RefundFilter{Open: f.viewID != viewAll, Query: strings.TrimSpace(f.search.Text)}
	f.state.Importance = widget.MediumImportance
	f.state.SetText(i18n.T("Loading…"))
	f.w.Async(func() {
		rs, _, err := f.svc.FindRefunds(ctx, filter)
		var threshold posdesk.Money
		if err == nil {
			threshold, err = f.svc.ApprovalThreshold(ctx)
		}
		numbers := map[int64]string{}
		for _, r := range rs {
			if r.IncidentID != 0 && numbers[r.IncidentID] == "" && err == nil {
				var inc *posdesk.Incident
				if inc, err = f.svc.FindIncidentByNumber(ctx, strconv.FormatInt(r.IncidentID, 10)); err == nil {
					numbers[r.IncidentID] = inc.Number
				}
			}
		}
		fyne.Do(func() {
			if err != nil {
				f.state.Importance = widget.DangerImportance
				f.state.SetText(i18n.T("Could not load the follow-ups: %s", i18n.Message(err)))
				return
			}
			f.refunds, f.numbers, f.today, f.threshold = rs, numbers, today, threshold
			f.buildRows()
			if f.selected != nil {
				f.Select(f.selected.ID)
			}
		})
	})
}

// buildRows arranges the loaded follow-ups for the current view.
func (f *FollowUps) buildRows() {
	f.rows = nil
	l := posdesk.BuildTodayList(f.refunds, f.today)
	part := func(title string, rs []*posdesk.Refund, heading bool) {
		if heading {
			f.rows = append(f.rows, followRow{heading: i18n.T("%[1]s (%[2]d)", title, len(rs))})
		}
		for _, r := range rs {
			f.rows = append(f.rows, followRow{refund: r})
		}
	}
	switch f.viewID {
	case viewToday:
		part(i18n.T("Overdue"), l.Overdue, true)
		part(i18n.T("Due today"), l.DueToday, true)
		part(i18n.T("Due this week"), l.ThisWeek, true)
	case viewOverdue:
		part("", l.Overdue, false)
	case viewDueToday:
		part("", l.DueToday, false)
	case viewThisWeek:
		part("", l.ThisWeek, false)
	default:
		part("", f.refunds, false)
	}
	n := 0
	for _, r := range f.rows {
		if r.refund != nil {
			n++
		}
	}
	switch {
	case len(f.refunds) == 0 && f.viewID != viewAll:
		f.state.SetText(i18n.T("No refund follow-ups under way. Add one for an incident, or a customer refund, with Add refund."))
	case n == 0:
		f.state.SetText(i18n.T("Nothing in this view. Overdue %[1]d, due today %[2]d, due this week %[3]d.", len(l.Overdue), len(l.DueToday), len(l.ThisWeek)))
	default:
		f.state.SetText(i18n.T("Overdue %[1]d, due today %[2]d, due this week %[3]d.", len(l.Overdue), len(l.DueToday), len(l.ThisWeek)))
	}
	f.list.UnselectAll()
	f.list.Refresh()
}

func (f *FollowUps) newRow() fyne.CanvasObject {
	main := &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	when := &widget.Label{Alignment: fyne.TextAlignTrailing}
	amount := &widget.Label{Alignment: fyne.TextAlignTrailing}
	return container.NewBorder(nil, nil, nil, container.NewHBox(amount, when), main)
}

func (f *FollowUps) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	main := c.Objects[0].(*widget.Label)
	right := c.Objects[1].(*fyne.Container)
	amount, when := right.Objects[0].(*widget.Label), right.Objects[1].(*widget.Label)
	row := f.rows[id]
	if row.refund == nil {
		main.TextStyle = fyne.TextStyle{Bold: true}
		main.SetText(row.heading)
		amount.SetText("")
		when.SetText("")
		c.Refresh()
		return
	}
	r := row.refund
	main.TextStyle = fyne.TextStyle{}
	action := r.NextAction
	d, what := r.NextDate()
	if what != "next_action" && what != "" {
		action = whatText(what)
	}
	main.SetText("#" + strconv.FormatInt(r.ID, 10) + "  " + f.incidentText(r) + "  " + i18n.T(r.Status.Title()) + "  " + action)
	amount.SetText(r.Outstanding().Display())
	text, overdue := dueText(d, f.today)
	when.Importance = widget.MediumImportance
	if overdue {
		when.Importance = widget.DangerImportance
	}
	when.SetText(text)
	c.Refresh() // lay the row out again for the new text widths
}

// dueText writes a date as "2026-03-25, in 5 days", "today", or "Overdue: 2026-03-18, 2 days late".
func dueText(d, today posdesk.Date) (string, bool) {
	if d.IsZero() {
		return "", false
	}
	n := today.DaysUntil(d)
	switch {
	case n < 0:
		return i18n.T("Overdue: %[1]s, %[2]d days late", d.String(), -n), true
	case n == 0:
		return i18n.T("%s, today", d.String()), false
	case n == 1:
		return i18n.T("%s, tomorrow", d.String()), false
	}
	return i18n.T("%[1]s, in %[2]d days", d.String(), n), false
}

// whatText names what a follow-up's next date is.
func whatText(what string) string {
	switch what {
	case "deadline":
		return i18n.T("Deadline")
	case "arrival":
		return i18n.T("Money expected")
	}
	return i18n.T("Next action")
}

func (f *FollowUps) incidentText(r *posdesk.Refund) string {
	if r.IncidentID == 0 {
		return i18n.T("Customer refund")
	}
	if n := f.numbers[r.IncidentID]; n != "" {
		return n
	}
	return i18n.T("incident %d", r.IncidentID)
}

// Select shows follow-up id in the detail panel, loading its receipts and history.
func (f *FollowUps) Select(id int64) {
	ctx := f.w.Ctx()
	f.w.Async(func() {
		r, err := f.svc.FindRefundByID(ctx, id)
		var events []*posdesk.RefundEvent
		if err == nil {
			events, err = f.svc.FindRefundEvents(ctx, id)
		}
		fyne.Do(func() {
			if err != nil {
				f.state.Importance = widget.DangerImportance
				f.state.SetText(i18n.Message(err))
				return
			}
			f.selected, f.events = r, events
			f.showDetail()
		})
	})
}

// showDetail fills the detail panel with the selected follow-up.
func (f *FollowUps) showDetail() {
	r := f.selected
	f.detail.RemoveAll()
	if r == nil {
		return
	}
	title := &widget.Label{Text: i18n.T("Refund follow-up %d", r.ID), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	form := container.New(&formLayout{})
	line := func(label, value string) {
		if value != "" {
			form.Add(fieldLabel(label))
			form.Add(&widget.Label{Text: value, Wrapping: fyne.TextWrapWord})
		}
	}
	line(i18n.T("Incident"), f.incidentText(r))
	line(i18n.T("Direction"), i18n.T(r.Direction.Title()))
	line(i18n.T("Method"), i18n.T(r.Method.Title()))
	status := i18n.T(r.Status.Title())
	if !r.StatusOn.IsZero() {
		status += "  (" + r.StatusOn.String() + ")"
	}
	if r.StatusReason != "" {
		status += "  " + r.StatusReason
	}
	line(i18n.T("Status"), status)
	line(i18n.T("Expected"), r.Expected.Display())
	if !r.Fees.IsZero() {
		line(i18n.T("Fees"), r.Fees.Display()+"  "+r.FeesReason)
	}
	line(i18n.T("Received"), r.Received.Display())
	line(i18n.T("Outstanding"), r.Outstanding().Display())
	if !r.WrittenOff.IsZero() {
		line(i18n.T("Written off"), r.WrittenOff.Display())
	}
	line(i18n.T("Counterparty"), r.Counterparty)
	line(i18n.T("Customer"), r.Customer)
	line(i18n.T("Reason for the refund"), r.Reason)
	line(i18n.T("Case number"), r.CaseRef)
	line(i18n.T("Opened"), r.OpenedOn.String())
	line(i18n.T("Requested by"), r.RequestedBy)
	switch {
	case r.Approved():
		line(i18n.T("Approved by"), r.ApprovedBy)
	case r.NeedsApproval(f.threshold):
		line(i18n.T("Approval"), i18n.T("needed: %[1]s is at or above %[2]s; another manager approves it", r.Expected.Display(), f.threshold.Display()))
	}
	if !r.Due.IsZero() {
		t, _ := dueText(r.Due, f.today)
		line(i18n.T("Deadline"), t)
	}
	if !r.ExpectedBy.IsZero() {
		t, _ := dueText(r.ExpectedBy, f.today)
		line(i18n.T("Expected arrival"), t)
	}
	if r.NextAction != "" {
		t, _ := dueText(r.NextActionOn, f.today)
		line(i18n.T("Next action"), strings.TrimSpace(r.NextAction+"  "+t))
	}
	buttons := container.NewHBox()
	if r.Open() {
		buttons.Add(f.receive)
		if r.NeedsApproval(f.threshold) && !r.Approved() && f.w.Can(posdesk.ActApproveRefund) && r.Direction == posdesk.DirShopToCustomer {
			buttons.Add(f.approve)
		}
	}
	if len(posdesk.NextRefundStatuses(r.Direction, r.Status)) > 0 {
		buttons.Add(f.status)
	}
	if r.Open() {
		buttons.Add(f.edit)
	}
	f.detail.Add(title)
	f.detail.Add(form)
	f.detail.Add(buttons)
	if len(r.Receipts) > 0 {
		f.detail.Add(&widget.Label{Text: i18n.T("Receipts"), TextStyle: fyne.TextStyle{Bold: true}})
		for _, rc := range r.Receipts {
			s := rc.On.String() + "  " + rc.Amount.Display()
			if rc.OverPayment {
				s += "  " + i18n.T("(over-payment)")
			}
			if rc.Voided() {
				s += "  " + i18n.T("VOIDED: %s", rc.VoidReason)
			}
			if rc.Note != "" {
				s += "  " + rc.Note
			}
			f.detail.Add(&widget.Label{Text: s})
		}
	}
	if len(f.events) > 0 {
		f.detail.Add(&widget.Label{Text: i18n.T("History"), TextStyle: fyne.TextStyle{Bold: true}})
		for _, ev := range f.events {
			f.detail.Add(&widget.Label{Text: FormatLocalTime(ev.Time, f.w.Location) + "  " + ev.Actor + "  " + RefundEventText(ev), Wrapping: fyne.TextWrapWord})
		}
	}
	f.detail.Refresh()
	f.dscroll.Refresh()
}

// RefundEventText describes a line of a follow-up's history.
func RefundEventText(ev *posdesk.RefundEvent) string {
	var s string
	switch ev.Kind {
	case "created":
		s = i18n.T("opened for %s", ev.Amount.Display())
	case "status":
		s = i18n.T("%[1]s → %[2]s", i18n.T(ev.From.Title()), i18n.T(ev.To.Title()))
	case "approved":
		return i18n.T("approved by %s", ev.Note)
	case "receipt":
		s = i18n.T("received %[1]s on %[2]s", ev.Amount.Display(), ev.On.String())
	case "receipt_void":
		s = i18n.T("voided a receipt of %s", ev.Amount.Display())
	case "updated":
		return i18n.T("changed %s", ev.Note)
	default:
		s = ev.Kind
	}
	if ev.Note != "" {
		s += "  " + ev.Note
	}
	return s
}

// changed reloads the list and the detail after a form saved r.
func (f *FollowUps) changed(r *posdesk.Refund) {
	f.selected = r
	f.Reload()
	if h, ok := f.w.Built("home").(*Home); ok {
		h.Reload()
	}
}
