package ui

import (
	"context"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// FollowUpService is what the Home dashboard and the Follow-ups screen need: the refund
// follow-ups, the dashboard figures with the lists behind them, the holiday list for working
// days, and incidents by number.
type FollowUpService interface {
	posdesk.RefundService
	posdesk.DashboardService
	posdesk.HolidayService
	// FindIncidentByNumber returns the incident numbered like "INC-2026-0007" (or given by its ID).
	FindIncidentByNumber(ctx context.Context, number string) (*posdesk.Incident, error)
}

func init() {
	RegisterSection(Section{ID: "home", Title: "Home", Icon: theme.IconNameHome, Order: OrderHome,
		Visible: func(w *Window) bool { return w.Services.FollowUps != nil && w.Can(posdesk.ActManageRefund) },
		Build:   func(w *Window) fyne.CanvasObject { return NewHome(w) }})
}

// today returns the shop's date now.
func (w *Window) today() posdesk.Date { return posdesk.DateOf(w.Now(), w.Location) }

// Home is the home screen: what needs attention today and the dashboard's figures. Every figure
// is a button that lists exactly the rows it counts and sums.
type Home struct {
	widget.BaseWidget

	w   *Window
	svc FollowUpService

	date     *widget.Label
	state    *widget.Label
	overdue  *widget.Button // the Today list: open Follow-ups on that part
	dueToday *widget.Button
	thisWeek *widget.Button
	refresh  *widget.Button

	scroll  *container.Scroll
	groups  *fyne.Container           // the figure cards
	chart   *fyne.Container           // incidents by cause this month
	figures map[string]*widget.Button // figure key -> its button
	dash    *posdesk.Dashboard
	todayL  posdesk.TodayList

	list    *FigureList // the list opened last
	content fyne.CanvasObject
}

// NewHome builds the home screen for w and loads its figures.
func NewHome(w *Window) *Home {
	h := &Home{w: w, svc: w.Services.FollowUps, figures: map[string]*widget.Button{}}
	h.ExtendBaseWidget(h)
	h.date = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	h.state = &widget.Label{}
	open := func(view string) func() {
		return func() {
			if w.Open("followups") {
				if f, ok := w.Built("followups").(*FollowUps); ok {
					f.SetView(view)
				}
			}
		}
	}
	h.overdue = &widget.Button{Importance: widget.DangerImportance, OnTapped: open(viewOverdue)}
	h.dueToday = &widget.Button{Importance: widget.WarningImportance, OnTapped: open(viewDueToday)}
	h.thisWeek = &widget.Button{OnTapped: open(viewThisWeek)}
	h.refresh = &widget.Button{Text: i18n.T("Refresh"), Icon: theme.ViewRefreshIcon(), OnTapped: h.Reload}
	h.groups = container.NewGridWithColumns(2)
	h.chart = container.NewVBox()
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(h.state, h.refresh), h.date),
		container.NewGridWithColumns(3, h.overdue, h.dueToday, h.thisWeek),
	)
	chartCard := widget.NewCard(i18n.T("Incidents by cause this month"), "", h.chart)
	h.scroll = container.NewVScroll(container.NewVBox(h.groups, chartCard))
	h.content = container.NewBorder(top, nil, nil, nil, h.scroll)
	h.Reload()
	return h
}

// CreateRenderer draws the screen.
func (h *Home) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(h.content) }

// Reload fetches the figures and the Today list again, off the UI goroutine.
func (h *Home) Reload() {
	today := h.w.today()
	ctx := h.w.Ctx()
	h.state.Importance = widget.MediumImportance
	h.state.SetText(i18n.T("Loading…"))
	h.w.Async(func() {
		d, err := h.svc.Dashboard(ctx, today)
		var open []*posdesk.Refund
		if err == nil {
			open, _, err = h.svc.FindRefunds(ctx, posdesk.RefundFilter{Open: true})
		}
		fyne.Do(func() {
			if err != nil {
				h.state.Importance = widget.DangerImportance
				h.state.SetText(i18n.T("Could not load the dashboard: %s", i18n.Message(err)))
				return
			}
			h.state.SetText("")
			h.show(d, posdesk.BuildTodayList(open, today))
		})
	})
}

// show puts the figures on screen.
func (h *Home) show(d *posdesk.Dashboard, l posdesk.TodayList) {
	h.dash, h.todayL = d, l
	h.date.SetText(i18n.T("Today, %s", d.Today.String()))
	h.overdue.SetText(i18n.T("Overdue: %d", len(l.Overdue)))
	h.dueToday.SetText(i18n.T("Due today: %d", len(l.DueToday)))
	h.thisWeek.SetText(i18n.T("Due this week: %d", len(l.ThisWeek)))
	h.figures = map[string]*widget.Button{}
	card := func(title string, figs []posdesk.Figure) fyne.CanvasObject {
		box := container.NewVBox()
		for _, f := range figs {
			box.Add(h.figureButton(f))
		}
		return widget.NewCard(title, "", box)
	}
	h.groups.Objects = []fyne.CanvasObject{
		card(i18n.T("Outstanding by age"), d.Outstanding),
		card(i18n.T("Open incidents by status"), d.IncidentsByStatus),
		card(i18n.T("Deadlines this week"), d.Deadlines),
		card(i18n.T("This month"), []posdesk.Figure{d.Recovered, d.WrittenOff}),
	}
	h.groups.Refresh()
	h.chart.Objects = nil
	if len(d.IncidentsByCause) == 0 {
		h.chart.Add(&widget.Label{Text: i18n.T("No incidents this month."), Importance: widget.LowImportance})
	}
	most := 1
	for _, f := range d.IncidentsByCause {
		most = max(most, f.Count)
	}
	for i, f := range d.IncidentsByCause {
		h.chart.Add(h.barRow(f, float32(f.Count)/float32(most), chartColors[i%len(chartColors)]))
	}
	// The scroll lays its content out again at the new minimum size.
	h.scroll.Content.Refresh()
	h.scroll.Refresh()
}

// figureText is a figure's line: label, count and sums.
func figureText(f posdesk.Figure) string {
	s := i18n.T(f.Label) + "   " + strconv.Itoa(f.Count)
	if a := f.AmountText(); a != "" {
		s += "   " + a
	}
	return s
}

// figureButton returns the button of one figure; it opens the list behind the figure.
func (h *Home) figureButton(f posdesk.Figure) *widget.Button {
	b := &widget.Button{Text: figureText(f), Alignment: widget.ButtonAlignLeading, Importance: widget.LowImportance,
		OnTapped: func() { h.OpenList(f) }}
	if f.Key == "age_over_90" && f.Count > 0 {
		b.Importance = widget.DangerImportance
	}
	h.figures[f.Key] = b
	return b
}

var chartColors = []color.NRGBA{{52, 101, 164, 255}, {78, 154, 6, 255}, {196, 160, 0, 255}, {204, 0, 0, 255}, {117, 80, 123, 255}, {193, 125, 17, 255}}

// barRow is one bar of the causes chart, drawn with a canvas rectangle as long as the cause's
// share of the largest count; the whole row is a button opening the incidents behind it.
func (h *Home) barRow(f posdesk.Figure, frac float32, c color.NRGBA) fyne.CanvasObject {
	label := &widget.Label{Text: i18n.T(f.Label), Truncation: fyne.TextTruncateEllipsis}
	bar := canvas.NewRectangle(c)
	count := &widget.Label{Text: strconv.Itoa(f.Count) + "   " + f.AmountText()}
	row := container.New(&barLayout{frac: frac}, label, bar, count)
	b := &widget.Button{Importance: widget.LowImportance, OnTapped: func() { h.OpenList(f) }}
	h.figures[f.Key] = b
	return container.NewStack(b, row)
}

// barLayout places a label (the first 35% of the width), a bar as long as frac of the middle
// part, and the count at the right end.
type barLayout struct{ frac float32 }

// Layout places the label, the bar and the count.
func (b *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	labelW := size.Width * 0.35
	countW := fyne.Max(objs[2].MinSize().Width, size.Width*0.2) // the same for every row, so bars compare
	barMax := size.Width - labelW - countW - 3*pad
	if barMax < 0 {
		barMax = 0
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(labelW, size.Height))
	barW := fyne.Max(2, barMax*b.frac)
	barH := size.Height * 0.6
	objs[1].Move(fyne.NewPos(labelW+pad, (size.Height-barH)/2))
	objs[1].Resize(fyne.NewSize(barW, barH))
	objs[2].Move(fyne.NewPos(labelW+2*pad+barMax, 0))
	objs[2].Resize(fyne.NewSize(countW, size.Height))
}

// MinSize is one line high.
func (b *barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := fyne.Max(objs[0].MinSize().Height, objs[2].MinSize().Height)
	return fyne.NewSize(objs[0].MinSize().Width+objs[2].MinSize().Width+120, h)
}

// OpenList opens the list behind figure f in a dialog: the rows it counts and their total, which
// equals the figure.
func (h *Home) OpenList(f posdesk.Figure) {
	h.list = newFigureList(h.w, h.svc, f)
	d := dialog.NewCustom(i18n.T(f.Label), i18n.T("Close"), h.list.content, h.w)
	d.Resize(fyne.NewSize(900, 560))
	h.w.ShowDialog(d)
	h.list.load()
}

// FigureList is the list behind a dashboard figure.
type FigureList struct {
	w   *Window
	svc FollowUpService
	fig posdesk.Figure

	lines   []string // one per row, as shown
	total   posdesk.Figure
	list    *widget.List
	summary *widget.Label
	content fyne.CanvasObject
}

func newFigureList(w *Window, svc FollowUpService, f posdesk.Figure) *FigureList {
	l := &FigureList{w: w, svc: svc, fig: f, summary: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}}
	l.list = widget.NewList(func() int { return len(l.lines) },
		func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(l.lines[i]) })
	l.summary.SetText(i18n.T("Loading…"))
	l.content = container.NewBorder(nil, l.summary, nil, nil, l.list)
	return l
}

// load fetches the rows behind the figure and sums them the way the figure does.
func (l *FigureList) load() {
	ctx, f := l.w.Ctx(), l.fig
	l.w.Async(func() {
		var lines []string
		var sums []posdesk.Money
		add := func(m posdesk.Money) {
			for i := range sums {
				if sums[i].Currency == m.Currency {
					sums[i] = sums[i].Add(m)
					return
				}
			}
			sums = append(sums, m)
		}
		var err error
		switch {
		case f.List.Refunds != nil:
			var rs []*posdesk.Refund
			rs, _, err = l.svc.FindRefunds(ctx, *f.List.Refunds)
			for _, r := range rs {
				amount := r.Outstanding()
				if f.Key == "written_off" {
					amount = r.WrittenOff
				}
				add(amount)
				lines = append(lines, refundLine(r, amount))
			}
		case f.List.Receipts != nil:
			var rcs []*posdesk.RefundReceipt
			rcs, _, err = l.svc.FindRefundReceipts(ctx, *f.List.Receipts)
			for _, rc := range rcs {
				add(rc.Amount)
				lines = append(lines, i18n.T("%[1]s  receipt on refund %[2]d  %[3]s", rc.On.String(), rc.RefundID, rc.Amount.Display()))
			}
		case f.List.Incidents != nil:
			var incs []*posdesk.Incident
			incs, _, err = l.svc.FindIncidentSlice(ctx, *f.List.Incidents)
			for _, inc := range incs {
				add(inc.Amount)
				lines = append(lines, inc.Number+"  "+FormatLocalTime(inc.Time, l.w.Location)+"  "+i18n.T(inc.Kind.Title())+"  "+
					i18n.T(inc.Status.Title())+"  "+inc.Amount.Display())
			}
		}
		fyne.Do(func() {
			if err != nil {
				l.summary.Importance = widget.DangerImportance
				l.summary.SetText(i18n.T("Could not load the list: %s", i18n.Message(err)))
				return
			}
			l.lines = lines
			l.total = posdesk.Figure{Count: len(lines), Amounts: sums}
			text := i18n.T("%d rows", len(lines))
			if len(f.Amounts) > 0 && len(sums) > 0 {
				text = i18n.T("%[1]d rows, total %[2]s", len(lines), l.total.AmountText())
			}
			l.summary.SetText(text)
			l.list.Refresh()
		})
	})
}

// refundLine is one refund in a list: ID, incident, direction, status and the amount summed.
func refundLine(r *posdesk.Refund, amount posdesk.Money) string {
	inc := i18n.T("Customer refund")
	if r.IncidentID != 0 {
		inc = i18n.T("incident %d", r.IncidentID)
	}
	return "#" + strconv.FormatInt(r.ID, 10) + "  " + inc + "  " + i18n.T(r.Direction.Title()) + "  " +
		i18n.T(r.Status.Title()) + "  " + r.OpenedOn.String() + "  " + amount.Display()
}
