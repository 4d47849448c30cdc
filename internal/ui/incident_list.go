package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

const incidentsSectionID = "incidents"

// incidentPageSize is how many incidents one load brings; "Show more" brings the next page.
const incidentPageSize = 200

func init() {
	RegisterSection(Section{ID: incidentsSectionID, Title: "Incidents", Icon: theme.IconNameWarning, Order: OrderIncidents,
		Visible: func(w *Window) bool { return w.Services.Incidents != nil },
		Build:   func(w *Window) fyne.CanvasObject { return NewIncidentsScreen(w) }})
}

// IncidentsScreen is the incident list, newest first, with filters (status, kind, cause,
// overdue, search) showing the count beside each choice; tapping an incident opens its detail
// in place, and Back returns to the list as it was.
type IncidentsScreen struct {
	widget.BaseWidget

	w   *Window
	svc posdesk.IncidentService

	status, kind, cause *widget.Select
	overdue             *widget.Check
	search              *Entry
	summary             *widget.Label
	state               *widget.Label
	empty               *widget.Label
	list                *widget.List
	more                *widget.Button

	filter posdesk.IncidentFilter
	rows   []*posdesk.Incident
	total  int
	counts *posdesk.IncidentCounts
	gen    int // load generation: answers to older loads are dropped

	listView fyne.CanvasObject
	stack    *fyne.Container
	detail   *IncidentDetail
}

// NewIncidentsScreen builds the list for w and starts loading it.
func NewIncidentsScreen(w *Window) *IncidentsScreen {
	s := &IncidentsScreen{w: w, svc: w.Services.Incidents}
	s.ExtendBaseWidget(s)
	s.search = w.NewEntry()
	s.search.SetPlaceHolder(i18n.T("Search number, case number, RRN, trace or words from the story (Ctrl+F)"))
	s.search.OnSubmitted = func(string) { s.Apply() }
	s.status = widget.NewSelect(nil, nil)
	s.kind = widget.NewSelect(nil, nil)
	s.cause = widget.NewSelect(nil, nil)
	s.setOptions()
	for _, sel := range []*widget.Select{s.status, s.kind, s.cause} {
		sel.SetSelectedIndex(0)
		sel.OnChanged = func(string) { s.Apply() }
	}
	s.overdue = widget.NewCheck(i18n.T("Overdue only"), func(bool) { s.Apply() })
	s.summary = &widget.Label{}
	s.state = &widget.Label{}
	s.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	s.empty.Hide()
	s.more = &widget.Button{Text: i18n.T("Show more"), OnTapped: s.loadMore}
	s.more.Hide()
	s.list = widget.NewList(func() int { return len(s.rows) }, s.createRow, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id >= 0 && id < len(s.rows) {
			s.OpenDetail(s.rows[id].ID)
		}
	}
	searchBtn := &widget.Button{Icon: theme.SearchIcon(), OnTapped: s.Apply}
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, searchBtn, s.search),
		container.NewGridWithColumns(4, s.status, s.kind, s.cause, s.overdue),
		s.summary,
	)
	bottom := container.NewBorder(nil, nil, nil, s.more, s.state)
	s.listView = container.NewBorder(top, bottom, nil, nil, container.NewStack(s.list, container.NewCenter(s.empty)))
	s.stack = container.NewStack(s.listView)
	s.Apply()
	return s
}

// CreateRenderer draws the screen.
func (s *IncidentsScreen) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.stack)
}

// FocusSearch puts the cursor in the search box (Ctrl+F).
func (s *IncidentsScreen) FocusSearch() {
	s.ShowList()
	s.w.Canvas().Focus(s.search)
}

// setOptions fills the filter choices, with the count beside each once counts are known.
func (s *IncidentsScreen) setOptions() {
	c := s.counts
	label := func(title string, n int) string {
		if c == nil {
			return i18n.T(title)
		}
		return i18n.T("%[1]s (%[2]d)", i18n.T(title), n)
	}
	status := []string{i18n.T("All statuses"), i18n.T("Still open (not resolved)")}
	for _, st := range posdesk.IncidentStatuses {
		n := 0
		if c != nil {
			n = c.ByStatus[st]
		}
		status = append(status, label(st.Title(), n))
	}
	kinds := []string{i18n.T("All kinds")}
	for _, k := range posdesk.IncidentKinds {
		n := 0
		if c != nil {
			n = c.ByKind[k]
		}
		kinds = append(kinds, label(k.Title(), n))
	}
	causes := []string{i18n.T("All causes")}
	for _, ca := range posdesk.Causes {
		n := 0
		if c != nil {
			n = c.ByCause[ca]
		}
		causes = append(causes, label(ca.Title(), n))
	}
	for _, p := range []struct {
		sel  *widget.Select
		opts []string
	}{{s.status, status}, {s.kind, kinds}, {s.cause, causes}} {
		i := p.sel.SelectedIndex()
		on := p.sel.OnChanged
		p.sel.OnChanged = nil
		p.sel.Options = p.opts
		if i >= 0 {
			p.sel.SetSelectedIndex(i)
		}
		p.sel.Refresh()
		p.sel.OnChanged = on
	}
}

// Filter returns the filter the list shows.
func (s *IncidentsScreen) Filter() posdesk.IncidentFilter { return s.filter }

// Apply reads the filters and reloads the list from the first page.
func (s *IncidentsScreen) Apply() {
	f := posdesk.IncidentFilter{Query: strings.TrimSpace(s.search.Text), Limit: incidentPageSize}
	switch i := s.status.SelectedIndex(); {
	case i == 1:
		f.Active = true
	case i > 1:
		f.Status = posdesk.IncidentStatuses[i-2]
	}
	if i := s.kind.SelectedIndex(); i > 0 {
		f.Kind = posdesk.IncidentKinds[i-1]
	}
	if i := s.cause.SelectedIndex(); i > 0 {
		f.Cause = posdesk.Causes[i-1]
	}
	if s.overdue.Checked {
		f.OverdueOn = s.today()
	}
	s.filter = f
	s.Reload()
}

func (s *IncidentsScreen) today() posdesk.Date { return posdesk.DateOf(s.w.Now(), s.w.Location) }

// Reload loads the first page and the counts again (after a change).
func (s *IncidentsScreen) Reload() {
	s.gen++
	gen, f, ctx, today := s.gen, s.filter, s.w.Ctx(), s.today()
	s.state.Importance = widget.MediumImportance
	s.state.SetText(i18n.T("Loading…"))
	s.w.Async(func() {
		rows, total, err := s.svc.FindIncidents(ctx, f)
		var counts *posdesk.IncidentCounts
		if err == nil {
			counts, err = s.svc.CountIncidents(ctx, f, today)
		}
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.state.Importance = widget.DangerImportance
				s.state.SetText(i18n.T("Could not load the incidents: %s", i18n.Message(err)))
				return
			}
			s.rows, s.total, s.counts = rows, total, counts
			s.state.SetText("")
			s.setOptions()
			s.refresh()
		})
	})
}

func (s *IncidentsScreen) loadMore() {
	f := s.filter
	f.Offset = len(s.rows)
	gen, ctx := s.gen, s.w.Ctx()
	s.more.Disable()
	s.w.Async(func() {
		rows, total, err := s.svc.FindIncidents(ctx, f)
		fyne.Do(func() {
			s.more.Enable()
			if gen != s.gen {
				return
			}
			if err != nil {
				s.state.Importance = widget.DangerImportance
				s.state.SetText(i18n.T("Could not load the incidents: %s", i18n.Message(err)))
				return
			}
			s.rows, s.total = append(s.rows, rows...), total
			s.refresh()
		})
	})
}

func (s *IncidentsScreen) refresh() {
	c := s.counts
	if c != nil {
		s.summary.SetText(i18n.T("%[1]d incidents; %[2]d still open, %[3]d overdue.", c.Total,
			c.ByStatus[posdesk.IncidentOpen]+c.ByStatus[posdesk.IncidentContacting]+c.ByStatus[posdesk.IncidentWaitingForBank], c.Overdue))
	}
	if len(s.rows) == 0 {
		if s.filter.Query != "" || s.filter.Status != "" || s.filter.Kind != "" || s.filter.Cause != "" || s.filter.Active || !s.filter.OverdueOn.IsZero() {
			s.empty.SetText(i18n.T("No incidents match these filters."))
		} else {
			s.empty.SetText(i18n.T("No incidents yet. When a payment goes wrong, press Log incident (Ctrl+N)."))
		}
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
	if len(s.rows) < s.total {
		s.more.Show()
	} else {
		s.more.Hide()
	}
	s.list.Refresh()
}

// incidentRow is one line of the list: number, when, kind, amount, status word, deadline.
type incidentRow struct {
	number, when, kind, amount, status, deadline *widget.Label
}

func (s *IncidentsScreen) createRow() fyne.CanvasObject {
	r := &incidentRow{
		number:   &widget.Label{TextStyle: fyne.TextStyle{Bold: true}},
		when:     &widget.Label{},
		kind:     &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		amount:   &widget.Label{Alignment: fyne.TextAlignTrailing},
		status:   &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		deadline: &widget.Label{Truncation: fyne.TextTruncateEllipsis},
	}
	return container.NewGridWithColumns(6, r.number, r.when, r.kind, r.amount, r.status, r.deadline)
}

func (s *IncidentsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.rows) {
		return
	}
	objs := o.(*fyne.Container).Objects
	inc := s.rows[id]
	text := IncidentRowText(inc, s.w.Location, s.today())
	for i, l := range objs {
		lbl := l.(*widget.Label)
		lbl.Text = text[i]
		lbl.Importance = widget.MediumImportance
	}
	objs[4].(*widget.Label).Importance = incidentStatusImportance(inc.Status)
	if inc.Overdue(s.today()) {
		objs[5].(*widget.Label).Importance = widget.DangerImportance
		objs[5].(*widget.Label).TextStyle = fyne.TextStyle{Bold: true}
	} else {
		objs[5].(*widget.Label).TextStyle = fyne.TextStyle{}
	}
	for _, l := range objs {
		l.Refresh()
	}
}

// IncidentRowText returns the six cells of an incident's line in the list: number, time, kind,
// amount, status word (with the outcome) and the deadline phrase ("due in 3 days",
// "overdue by 2 days").
func IncidentRowText(inc *posdesk.Incident, loc *time.Location, today posdesk.Date) [6]string {
	status := i18n.T(inc.Status.Title())
	if inc.Outcome != "" {
		status += i18n.T(": ") + i18n.T(inc.Outcome.Title())
	}
	deadline, _ := DeadlineText(inc, today)
	return [6]string{inc.Number, FormatLocalTime(inc.Time, loc), i18n.T(inc.Kind.Title()), inc.Amount.Display(), status, deadline}
}

// incidentStatusImportance colours a status word: open amber, contacting blue, waiting plain,
// resolved green, closed grey.
func incidentStatusImportance(s posdesk.IncidentStatus) widget.Importance {
	switch s {
	case posdesk.IncidentOpen:
		return widget.WarningImportance
	case posdesk.IncidentContacting:
		return widget.HighImportance
	case posdesk.IncidentResolved:
		return widget.SuccessImportance
	case posdesk.IncidentClosed:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// OpenDetail shows the incident's detail in place of the list.
func (s *IncidentsScreen) OpenDetail(id int64) *IncidentDetail {
	s.detail = NewIncidentDetail(s.w, id, s.ShowList)
	s.stack.Objects = []fyne.CanvasObject{s.detail}
	s.stack.Refresh()
	return s.detail
}

// Detail returns the detail on screen, or nil while the list shows.
func (s *IncidentsScreen) Detail() *IncidentDetail { return s.detail }

// ShowList returns from a detail to the list and reloads it (the incident may have changed).
func (s *IncidentsScreen) ShowList() {
	if s.detail == nil {
		return
	}
	s.detail = nil
	s.stack.Objects = []fyne.CanvasObject{s.listView}
	s.stack.Refresh()
	s.Reload()
}
