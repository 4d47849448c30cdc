package main

// The follow-up views and outputs: followups (the Today list and reminders), dashboard, the
// monthly report PDF, CSV exports and the holiday list. Identifiers start with "rf".

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/report"
)

var rfFollowFlags struct{ within, on *string }

var rfDashFlags struct{ on *string }

var rfReportFlags struct{ month, out, shop *string }

var rfExportFlags struct{ out *string }

var rfHolidayFlags struct {
	name    *string
	workday *bool
	year    *int
}

func init() {
	register(&command{
		Name:    "followups",
		Usage:   "[--due-within 7d] [--on DATE] [--json]",
		Summary: "What needs doing: today's reminders, then follow-ups overdue, due today and due soon.",
		Flags: func(fs *flag.FlagSet) {
			rfFollowFlags.within = fs.String("due-within", "7d", "how far ahead to look: 7d (calendar days) or 5wd (working days)")
			rfFollowFlags.on = fs.String("on", "", "show the list as it will be on this date (default: today)")
		},
		Run: rfRunFollowups,
	})
	register(&command{
		Name:    "dashboard",
		Usage:   "[--on DATE] [--json]",
		Summary: "The home screen's figures: outstanding by age, open incidents, deadlines, recovered and written off, causes.",
		Flags:   func(fs *flag.FlagSet) { rfDashFlags.on = fs.String("on", "", "the day (default: today)") },
		Run:     rfRunDashboard,
	})
	register(&command{
		Name:    "report",
		Usage:   "--month YYYY-MM -o FILE.pdf [--shop NAME]",
		Summary: "Write the monthly report as a PDF: incidents by kind, cause and terminal, money recovered, outstanding and ageing.",
		Flags: func(fs *flag.FlagSet) {
			rfReportFlags.month = fs.String("month", "", "the month, e.g. 2026-03 (default: this month)")
			rfReportFlags.out = fs.String("o", "", "the PDF file to write")
			rfReportFlags.shop = fs.String("shop", "", "shop name printed under the title (default: the shop.name setting)")
		},
		Run: rfRunReport,
	})
	register(&command{
		Name:    "export",
		Usage:   "incidents|refunds -o FILE.csv",
		Summary: "Export incidents or refund follow-ups as CSV (UTF-8 with BOM for Excel; formula-safe text, numeric amounts).",
		Flags:   func(fs *flag.FlagSet) { rfExportFlags.out = fs.String("o", "", "the CSV file to write") },
		Run:     rfRunExport,
	})
	register(&command{
		Name:    "holidays",
		Usage:   "[--year YYYY] [--json]",
		Summary: "List the holiday list used to count working days (days off and make-up working days).",
		Flags:   func(fs *flag.FlagSet) { rfHolidayFlags.year = fs.Int("year", 0, "only this year") },
		Run:     rfRunHolidays,
	})
	register(&command{
		Name:    "holiday add",
		Usage:   "DATE[..DATE]... [--name NAME] [--workday]",
		Summary: "Add days off (public holidays) or, with --workday, make-up working days (调休) to the holiday list.",
		Flags: func(fs *flag.FlagSet) {
			rfHolidayFlags.name = fs.String("name", "", "the holiday's name, e.g. 国庆节")
			rfHolidayFlags.workday = fs.Bool("workday", false, "a weekend day the banks work (make-up working day)")
		},
		Run: rfRunHolidayAdd,
	})
	register(&command{
		Name:    "holiday remove",
		Usage:   "DATE[..DATE]...",
		Summary: "Remove dates from the holiday list.",
		Run:     rfRunHolidayRemove,
	})
}

// rfOn returns the date of --on, or today.
func rfOn(e *env, s string) (posdesk.Date, error) {
	if strings.TrimSpace(s) == "" {
		return rfToday(e), nil
	}
	return posdesk.ParseDate(s)
}

type rfFollowJSON struct {
	Today     posdesk.Date     `json:"today"`
	Until     posdesk.Date     `json:"until"`
	Reminders []rfReminderJSON `json:"reminders"`
	Overdue   []rfJSON         `json:"overdue"`
	DueToday  []rfJSON         `json:"due_today"`
	Upcoming  []rfJSON         `json:"upcoming"`
}

type rfReminderJSON struct {
	RefundID int64        `json:"refund_id"`
	What     string       `json:"what"`
	Date     posdesk.Date `json:"date"`
	DaysLeft int          `json:"days_left"`
}

func rfRunFollowups(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	today, err := rfOn(e, *rfFollowFlags.on)
	if err != nil {
		return err
	}
	span, err := posdesk.ParseSpan(*rfFollowFlags.within)
	if err != nil {
		return err
	}
	cal, err := e.DB.Calendar(e.Ctx)
	if err != nil {
		return err
	}
	until := cal.Add(today, span)
	open, _, err := e.DB.FindRefunds(e.Ctx, posdesk.RefundFilter{Open: true})
	if err != nil {
		return err
	}
	reminders := posdesk.RefundReminders(open, today)
	var overdue, dueToday, upcoming []*posdesk.Refund
	for _, r := range open {
		d, _ := r.NextDate()
		switch {
		case d.IsZero() || d.After(until):
		case d.Before(today):
			overdue = append(overdue, r)
		case d == today:
			dueToday = append(dueToday, r)
		default:
			upcoming = append(upcoming, r)
		}
	}
	numbers, err := rfIncidentNumbers(e, open)
	if err != nil {
		return err
	}
	if e.JSON {
		out := rfFollowJSON{Today: today, Until: until, Reminders: []rfReminderJSON{}, Overdue: []rfJSON{}, DueToday: []rfJSON{}, Upcoming: []rfJSON{}}
		for _, rm := range reminders {
			out.Reminders = append(out.Reminders, rfReminderJSON{RefundID: rm.Refund.ID, What: rm.What, Date: rm.Date, DaysLeft: rm.DaysLeft})
		}
		for _, p := range []struct {
			dst *[]rfJSON
			src []*posdesk.Refund
		}{{&out.Overdue, overdue}, {&out.DueToday, dueToday}, {&out.Upcoming, upcoming}} {
			for _, r := range p.src {
				*p.dst = append(*p.dst, rfToJSON(e, r, numbers, nil))
			}
		}
		return rfPrintJSON(e, out)
	}
	w := e.Stdout
	fmt.Fprintln(w, i18n.T("Follow-ups on %[1]s (looking ahead to %[2]s)", today.String(), until.String()))
	if len(reminders) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, i18n.T("Reminders"))
		for _, rm := range reminders {
			fmt.Fprintln(w, "  "+rfReminderText(rm, numbers))
		}
	}
	section := func(title string, rs []*posdesk.Refund) {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s (%d)\n", title, len(rs))
		if len(rs) == 0 {
			return
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, r := range rs {
			d, what := r.NextDate()
			action := r.NextAction
			if what != "next_action" {
				action = rfWhatText(what)
			}
			fmt.Fprintln(tw, strings.Join([]string{"  #" + strconv.FormatInt(r.ID, 10), rfIncidentText(r, numbers), rfNextText(d, what, today),
				action, i18n.T(r.Status.Title()), r.Outstanding().Display()}, "\t"))
		}
		tw.Flush()
	}
	section(i18n.T("Overdue"), overdue)
	section(i18n.T("Due today"), dueToday)
	section(i18n.T("Coming up"), upcoming)
	return nil
}

// rfReminderText writes one reminder for people.
func rfReminderText(rm posdesk.Reminder, numbers map[int64]string) string {
	who := i18n.T("Refund %[1]d (%[2]s)", rm.Refund.ID, rfIncidentText(rm.Refund, numbers))
	switch {
	case rm.What == "next_action":
		return i18n.T("%[1]s: today: %[2]s", who, rm.Refund.NextAction)
	case rm.What == "arrival":
		return i18n.T("%[1]s: %[2]s should arrive today; check the account.", who, rm.Refund.Outstanding().Display())
	case rm.DaysLeft == 0:
		return i18n.T("%s: the deadline is today.", who)
	case rm.DaysLeft == 1:
		return i18n.T("%[1]s: the deadline is tomorrow, %[2]s.", who, rm.Date.String())
	}
	return i18n.T("%[1]s: the deadline is in %[2]d days, %[3]s.", who, rm.DaysLeft, rm.Date.String())
}

type rfFigureJSON struct {
	Key      string                       `json:"key"`
	Label    string                       `json:"label"`
	Count    int                          `json:"count"`
	Amounts  map[string]string            `json:"amounts"`
	Refunds  *posdesk.RefundFilter        `json:"refunds,omitempty"`
	Receipts *posdesk.RefundReceiptFilter `json:"receipts,omitempty"`
	Incident *posdesk.IncidentSlice       `json:"incidents,omitempty"`
}

func rfFigureToJSON(f posdesk.Figure) rfFigureJSON {
	j := rfFigureJSON{Key: f.Key, Label: i18n.T(f.Label), Count: f.Count, Amounts: map[string]string{},
		Refunds: f.List.Refunds, Receipts: f.List.Receipts, Incident: f.List.Incidents}
	for _, m := range f.Amounts {
		j.Amounts[m.Currency] = m.Plain()
	}
	return j
}

func rfRunDashboard(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	today, err := rfOn(e, *rfDashFlags.on)
	if err != nil {
		return err
	}
	d, err := e.DB.Dashboard(e.Ctx, today)
	if err != nil {
		return err
	}
	groups := []struct {
		title string
		figs  []posdesk.Figure
	}{
		{i18n.T("Outstanding by age"), d.Outstanding},
		{i18n.T("Open incidents by status"), d.IncidentsByStatus},
		{i18n.T("Deadlines this week"), d.Deadlines},
		{i18n.T("This month"), []posdesk.Figure{d.Recovered, d.WrittenOff}},
		{i18n.T("Incidents by cause this month"), d.IncidentsByCause},
	}
	if e.JSON {
		out := map[string]any{"today": today}
		keys := []string{"outstanding", "incidents_by_status", "deadlines", "month", "incidents_by_cause"}
		for i, g := range groups {
			figs := make([]rfFigureJSON, 0, len(g.figs))
			for _, f := range g.figs {
				figs = append(figs, rfFigureToJSON(f))
			}
			out[keys[i]] = figs
		}
		return rfPrintJSON(e, out)
	}
	w := e.Stdout
	fmt.Fprintln(w, i18n.T("Dashboard on %s", today.String()))
	for _, g := range groups {
		fmt.Fprintln(w)
		fmt.Fprintln(w, g.title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range g.figs {
			fmt.Fprintf(tw, "  %s\t%d\t%s\n", i18n.T(f.Label), f.Count, f.AmountText())
		}
		tw.Flush()
	}
	return nil
}

// rfWriteFile writes data to path through a temporary file in the same folder, synced and renamed,
// so a crash never leaves half a file under the name.
func rfWriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return &posdesk.Error{Code: posdesk.EINVALID, Format: "Cannot write %s; check the folder exists and is writable.", Args: []any{path}, Err: err}
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write %s; check the folder exists and is writable.", Args: []any{path}, Err: err}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write %s; check the folder exists and is writable.", Args: []any{path}, Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write %s; check the folder exists and is writable.", Args: []any{path}, Err: err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot write %s; check the folder exists and is writable.", Args: []any{path}, Err: err}
	}
	return nil
}

// rfParseMonth reads YYYY-MM (or YYYY/MM, 2026年3月); empty means the month of today.
func rfParseMonth(s string, today posdesk.Date) (posdesk.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return posdesk.NewDate(today.Year, today.Month, 1), nil
	}
	t := strings.NewReplacer("年", "-", "月", "", "/", "-", ".", "-").Replace(s)
	y, m, ok := strings.Cut(t, "-")
	yi, e1 := strconv.Atoi(y)
	mi, e2 := strconv.Atoi(m)
	if !ok || e1 != nil || e2 != nil || yi < 2000 || yi > 2200 || mi < 1 || mi > 12 {
		return posdesk.Date{}, posdesk.Invalid("month", "Month %q is not a month; write it like 2026-03.", s)
	}
	return posdesk.NewDate(yi, time.Month(mi), 1), nil
}

func rfRunReport(e *env, args []string) error {
	f := &rfReportFlags
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if *f.out == "" {
		return usagef("give the PDF file to write with -o FILE.pdf")
	}
	today := rfToday(e)
	month, err := rfParseMonth(*f.month, today)
	if err != nil {
		return err
	}
	rep, err := e.DB.MonthlyReport(e.Ctx, month, today)
	if err != nil {
		return err
	}
	shop := *f.shop
	if shop == "" {
		if shop, err = e.DB.Setting(e.Ctx, "shop.name", ""); err != nil {
			return err
		}
	}
	out, err := report.MonthlyPDF(rep, report.MonthlyOptions{Shop: shop, Lang: e.Lang, Now: e.Now})
	if err != nil {
		return err
	}
	if err := rfWriteFile(*f.out, out); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, i18n.T("Wrote %[1]s (%[2]d incidents, %[3]s outstanding).", *f.out, rep.Incidents.Count, rep.Outstanding.AmountText()))
	return nil
}

func rfRunExport(e *env, args []string) error {
	if len(args) != 1 || (args[0] != "incidents" && args[0] != "refunds") {
		return usagef("say what to export: posdesk export incidents -o FILE.csv, or posdesk export refunds -o FILE.csv")
	}
	if *rfExportFlags.out == "" {
		return usagef("give the CSV file to write with -o FILE.csv")
	}
	var buf bytes.Buffer
	opts := report.CSVOptions{Lang: e.Lang, Loc: shopLocation(e.Ctx, e.DB, e.Loc)}
	n := 0
	switch args[0] {
	case "incidents":
		var all []*posdesk.Incident
		for offset := 0; ; offset += 500 {
			page, total, err := e.DB.FindIncidents(e.Ctx, posdesk.IncidentFilter{Limit: 500, Offset: offset})
			if err != nil {
				return err
			}
			all = append(all, page...)
			if len(page) == 0 || len(all) >= total {
				break
			}
		}
		if err := report.WriteIncidentsCSV(&buf, all, opts); err != nil {
			return err
		}
		n = len(all)
	case "refunds":
		all, _, err := e.DB.FindRefunds(e.Ctx, posdesk.RefundFilter{})
		if err != nil {
			return err
		}
		numbers, err := rfIncidentNumbers(e, all)
		if err != nil {
			return err
		}
		if err := report.WriteRefundsCSV(&buf, all, numbers, opts); err != nil {
			return err
		}
		n = len(all)
	}
	if err := rfWriteFile(*rfExportFlags.out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, i18n.T("Wrote %[1]d rows to %[2]s.", n, *rfExportFlags.out))
	return nil
}

// rfDates expands arguments like 2025-10-01 and 2025-10-01..2025-10-08 into dates.
func rfDates(args []string) ([]posdesk.Date, error) {
	var out []posdesk.Date
	for _, a := range args {
		from, to, isRange := strings.Cut(a, "..")
		d1, err := posdesk.ParseDate(from)
		if err != nil || d1.IsZero() {
			return nil, posdesk.Invalid("date", "Date %q is not a date; write it like 2026-09-30.", from)
		}
		if !isRange {
			out = append(out, d1)
			continue
		}
		d2, err := posdesk.ParseDate(to)
		if err != nil || d2.IsZero() || d2.Before(d1) || d1.DaysUntil(d2) > 366 {
			return nil, posdesk.Invalid("date", "%q is not a range of dates; write it like 2025-10-01..2025-10-08.", a)
		}
		for d := d1; !d.After(d2); d = d.AddDays(1) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, usagef("give one or more dates, e.g. 2025-10-01..2025-10-08")
	}
	return out, nil
}

func rfRunHolidays(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	var from, to posdesk.Date
	if y := *rfHolidayFlags.year; y != 0 {
		from, to = posdesk.NewDate(y, 1, 1), posdesk.NewDate(y, 12, 31)
	}
	hs, err := e.DB.FindHolidays(e.Ctx, from, to)
	if err != nil {
		return err
	}
	if e.JSON {
		type hj struct {
			Date    posdesk.Date `json:"date"`
			Name    string       `json:"name"`
			Workday bool         `json:"workday"`
		}
		out := make([]hj, len(hs))
		for i, h := range hs {
			out[i] = hj{h.Date, h.Name, h.Workday}
		}
		return rfPrintJSON(e, out)
	}
	if len(hs) == 0 {
		fmt.Fprintln(e.Stdout, i18n.T("The holiday list is empty: working days skip weekends only. Add the public holidays with posdesk holiday add."))
		return nil
	}
	for _, h := range hs {
		kind := i18n.T("day off")
		if h.Workday {
			kind = i18n.T("make-up working day")
		}
		fmt.Fprintf(e.Stdout, "%s  %s  %s  %s\n", h.Date.String(), rfWeekday(h.Date.Weekday()), kind, h.Name)
	}
	return nil
}

func rfRunHolidayAdd(e *env, args []string) error {
	dates, err := rfDates(args)
	if err != nil {
		return err
	}
	for _, d := range dates {
		if err := e.DB.SetHoliday(e.Ctx, &posdesk.Holiday{Date: d, Name: *rfHolidayFlags.name, Workday: *rfHolidayFlags.workday}); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.Stdout, i18n.T("%d dates in the holiday list set.", len(dates)))
	return nil
}

func rfRunHolidayRemove(e *env, args []string) error {
	dates, err := rfDates(args)
	if err != nil {
		return err
	}
	for _, d := range dates {
		if err := e.DB.DeleteHoliday(e.Ctx, d); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.Stdout, i18n.T("%d dates removed from the holiday list.", len(dates)))
	return nil
}

// rfWeekday names a day of the week.
func rfWeekday(d time.Weekday) string {
	return [...]string{i18n.T("Sun"), i18n.T("Mon"), i18n.T("Tue"), i18n.T("Wed"), i18n.T("Thu"), i18n.T("Fri"), i18n.T("Sat")}[d]
}
