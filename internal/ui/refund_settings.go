package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func init() {
	RegisterSettingsPane(SettingsPane{ID: "refunds", Title: "Refunds and working days", Order: 40, Build: buildRefundPane,
		Visible: func(w *Window) bool { return w.Services.FollowUps != nil && w.Services.Settings != nil }})
}

// refundPane edits the approval threshold and the holiday list that working days skip.
type refundPane struct {
	w   *Window
	svc FollowUpService

	threshold    *Entry
	thresholdErr *widget.Label
	saveLimit    *widget.Button

	dates, name *Entry
	workday     *widget.Check
	add         *widget.Button
	addErr      *widget.Label
	holidays    []*posdesk.Holiday
	list        *widget.List
	status      *widget.Label
}

func buildRefundPane(w *Window) fyne.CanvasObject {
	var p *refundPane
	return buildRefundPaneFor(w, &p)
}

// buildRefundPaneFor builds the pane and stores it in *out (tests reach its widgets).
func buildRefundPaneFor(w *Window, out **refundPane) fyne.CanvasObject {
	p := &refundPane{w: w, svc: w.Services.FollowUps, threshold: w.NewEntry(), thresholdErr: errorLabel(), dates: w.NewEntry(),
		name: w.NewEntry(), addErr: errorLabel(), status: &widget.Label{Importance: widget.SuccessImportance}}
	if m, err := p.svc.ApprovalThreshold(w.Ctx()); err == nil {
		p.threshold.SetText(m.Plain())
	}
	p.saveLimit = &widget.Button{Text: i18n.T("Save"), Icon: theme.DocumentSaveIcon(), OnTapped: p.onSaveThreshold}
	p.dates.SetPlaceHolder(i18n.T("2025-10-01, or 2025-10-01..2025-10-08"))
	p.name.SetPlaceHolder(i18n.T("e.g. 国庆节"))
	p.workday = widget.NewCheck(i18n.T("make-up working day (调休)"), nil)
	p.add = &widget.Button{Text: i18n.T("Add"), Icon: theme.ContentAddIcon(), OnTapped: p.onAdd}
	p.list = widget.NewList(func() int { return len(p.holidays) }, func() fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance}, &widget.Label{})
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		h := p.holidays[i]
		c := o.(*fyne.Container)
		kind := i18n.T("day off")
		if h.Workday {
			kind = i18n.T("make-up working day")
		}
		c.Objects[0].(*widget.Label).SetText(h.Date.String() + "  " + kind + "  " + h.Name)
		c.Objects[1].(*widget.Button).OnTapped = func() { p.remove(h.Date) }
	})
	if !w.Can(posdesk.ActEditSettings) {
		for _, e := range []*Entry{p.threshold, p.dates, p.name} {
			e.Disable()
		}
		p.saveLimit.Disable()
		p.add.Disable()
		p.workday.Disable()
		p.status.Importance = widget.LowImportance
		p.status.SetText(i18n.T("Only the owner can change these settings."))
	}
	*out = p
	p.reload()
	form := container.New(&formLayout{},
		fieldLabel(i18n.T("Approval from")), container.NewVBox(container.NewBorder(nil, nil, nil, p.saveLimit, p.threshold), p.thresholdErr,
			&widget.Label{Text: i18n.T("Refunds the shop pays at or above this amount need a manager other than the one who asked."), Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}),
		fieldLabel(i18n.T("Holidays")), container.NewVBox(container.NewGridWithColumns(2, p.dates, p.name), container.NewHBox(p.workday, p.add), p.addErr),
	)
	scroll := container.NewVScroll(p.list)
	scroll.SetMinSize(fyne.NewSize(0, 180))
	note := &widget.Label{Text: i18n.T("Working days skip weekends and these days off, and count the make-up working days. Enter the State Council's notice each year."),
		Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	return container.NewVBox(form, note, scroll, p.status)
}

func (p *refundPane) reload() {
	hs, err := p.svc.FindHolidays(p.w.Ctx(), posdesk.Date{}, posdesk.Date{})
	if err != nil {
		setError(p.addErr, i18n.Message(err))
		return
	}
	p.holidays = hs
	p.list.Refresh()
}

func (p *refundPane) onSaveThreshold() {
	setError(p.thresholdErr, "")
	p.status.SetText("")
	m, err := posdesk.ParseMoney(p.threshold.Text, posdesk.DefaultCurrency)
	if err == nil && !m.Amount.IsPositive() {
		err = posdesk.Invalid("amount", "Enter an amount greater than zero.")
	}
	if err == nil {
		err = p.w.Services.Settings.SetSetting(p.w.Ctx(), posdesk.RefundThresholdSetting, m.Plain())
	}
	if err != nil {
		setError(p.thresholdErr, i18n.Message(err))
		return
	}
	p.threshold.SetText(m.Plain())
	p.status.SetText(i18n.T("Saved."))
}

// holidayDates reads "2025-10-01" or "2025-10-01..2025-10-08" (at most a year).
func holidayDates(s string) ([]posdesk.Date, error) {
	from, to, isRange := strings.Cut(strings.TrimSpace(s), "..")
	d1, err := posdesk.ParseDate(from)
	if err != nil || d1.IsZero() {
		return nil, posdesk.Invalid("date", "Date %q is not a date; write it like 2026-09-30.", from)
	}
	if !isRange {
		return []posdesk.Date{d1}, nil
	}
	d2, err := posdesk.ParseDate(to)
	if err != nil || d2.IsZero() || d2.Before(d1) || d1.DaysUntil(d2) > 366 {
		return nil, posdesk.Invalid("date", "%q is not a range of dates; write it like 2025-10-01..2025-10-08.", s)
	}
	var out []posdesk.Date
	for d := d1; !d.After(d2); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out, nil
}

func (p *refundPane) onAdd() {
	setError(p.addErr, "")
	p.status.SetText("")
	dates, err := holidayDates(p.dates.Text)
	if err != nil {
		setError(p.addErr, i18n.Message(err))
		return
	}
	for _, d := range dates {
		if err := p.svc.SetHoliday(p.w.Ctx(), &posdesk.Holiday{Date: d, Name: p.name.Text, Workday: p.workday.Checked}); err != nil {
			setError(p.addErr, i18n.Message(err))
			p.reload()
			return
		}
	}
	p.dates.SetText("")
	p.status.SetText(i18n.T("%d dates in the holiday list set.", len(dates)))
	p.reload()
}

func (p *refundPane) remove(d posdesk.Date) {
	if err := p.svc.DeleteHoliday(p.w.Ctx(), d); err != nil {
		setError(p.addErr, i18n.Message(err))
	}
	p.reload()
}
