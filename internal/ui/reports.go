package ui

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// ReportService writes the owner's reports: the monthly report as a PDF and the CSV exports.
// cmd/posdesk implements it with internal/report over the database.
type ReportService interface {
	// MonthlyReport returns the figures of the month containing month as known on day today,
	// and the report as a PDF in lang.
	MonthlyReport(ctx context.Context, month, today posdesk.Date, lang i18n.Lang) (*posdesk.MonthlyReport, []byte, error)
	// ExportCSV returns every record of kind (ExportIncidents or ExportRefunds) as CSV in lang
	// and how many rows it holds. progress, when set, is called with records read of the total.
	// Cancelling ctx stops it with ctx's error.
	ExportCSV(ctx context.Context, kind string, lang i18n.Lang, progress func(done, total int)) ([]byte, int, error)
}

// The kinds of CSV export.
const (
	ExportIncidents = "incidents"
	ExportRefunds   = "refunds"
)

// reportMonths is how many months back the month picker offers.
const reportMonths = 36

func init() {
	RegisterSection(Section{ID: "reports", Title: "Reports", Icon: theme.IconNameDocument, Order: OrderReports,
		Visible: func(w *Window) bool { return w.Services.Reports != nil && isOwner(w) },
		Build:   func(w *Window) fyne.CanvasObject { return NewReports(w) }})
}

// isOwner reports whether the signed-in person is an owner (reports are theirs).
func isOwner(w *Window) bool {
	u := w.User()
	return u != nil && !u.Disabled && u.Role == posdesk.RoleOwner
}

// Reports is the owner's Reports screen: the monthly report (choose a month, build it off the
// UI goroutine, save it or open it in the PDF viewer) and CSV exports of incidents and refunds.
type Reports struct {
	widget.BaseWidget

	w   *Window
	svc ReportService

	month   *widget.Select
	months  []posdesk.Date // the picker's months, newest first
	lang    *widget.RadioGroup
	build   *widget.Button
	save    *widget.Button
	open    *widget.Button
	summary *widget.Label
	job     *job // the monthly report's

	exportIncidents *widget.Button
	exportRefunds   *widget.Button
	exportJob       *job

	report    *posdesk.MonthlyReport
	pdf       []byte
	pdfFor    string // month and language the PDF was built for
	lastSaved string // path of the file written last, for tests

	// openURL opens a file in the system's viewer (the app's OpenURL); tests replace it.
	openURL func(*url.URL) error
	// tempDir is where reports opened in the viewer are written; "" means the system's.
	tempDir string
	// saveTo asks where to save a file and passes its writer to save; tests replace it.
	saveTo func(name string, exts []string, save func(fyne.URIWriteCloser))

	content fyne.CanvasObject
}

// NewReports builds the Reports screen of w.
func NewReports(w *Window) *Reports {
	r := &Reports{w: w, svc: w.Services.Reports, openURL: w.App.OpenURL}
	r.ExtendBaseWidget(r)
	r.saveTo = func(name string, exts []string, save func(fyne.URIWriteCloser)) { askSaveFile(w, name, exts, save) }

	today := w.today()
	first := posdesk.NewDate(today.Year, today.Month, 1)
	var labels []string
	for i := 0; i < reportMonths; i++ {
		m := posdesk.NewDate(first.Year, first.Month-time.Month(i), 1)
		r.months = append(r.months, m)
		labels = append(labels, monthLabel(m))
	}
	r.month = widget.NewSelect(labels, func(string) { r.changed() })
	r.month.Selected = labels[0]
	r.lang = widget.NewRadioGroup([]string{i18n.T("Chinese"), i18n.T("English")}, func(string) { r.changed() })
	r.lang.Horizontal = true
	r.lang.Required = true
	r.lang.Selected = i18n.T("English")
	if i18n.Current() == i18n.Chinese {
		r.lang.Selected = i18n.T("Chinese")
	}
	r.build = &widget.Button{Text: i18n.T("Build report"), Icon: theme.ViewRefreshIcon(), OnTapped: func() { r.Build(nil) }}
	r.save = &widget.Button{Text: i18n.T("Save…"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: r.onSave}
	r.open = &widget.Button{Text: i18n.T("Open in PDF viewer"), Icon: theme.FileApplicationIcon(), OnTapped: r.OpenInViewer}
	r.summary = &widget.Label{Text: i18n.T("Choose a month and build its report: incidents by kind, cause and terminal, money recovered and written off, and what is still outstanding."),
		Wrapping: textWrap()}
	r.job = newJob(w, r.build, r.save, r.open)

	r.exportIncidents = &widget.Button{Text: i18n.T("Export incidents…"), Icon: theme.DownloadIcon(), OnTapped: func() { r.Export(ExportIncidents) }}
	r.exportRefunds = &widget.Button{Text: i18n.T("Export refund follow-ups…"), Icon: theme.DownloadIcon(), OnTapped: func() { r.Export(ExportRefunds) }}
	r.exportJob = newJob(w, r.exportIncidents, r.exportRefunds)

	heading := func(s string) fyne.CanvasObject {
		return &widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	}
	note := func(s string) *widget.Label {
		return &widget.Label{Text: s, Importance: widget.LowImportance, Wrapping: textWrap()}
	}
	monthly := container.NewVBox(
		heading(i18n.T("Monthly report")),
		container.New(formLayout{}, fieldLabel(i18n.T("Month")), container.NewHBox(r.month), fieldLabel(i18n.T("Language")), r.lang),
		container.NewHBox(r.build, r.open, r.save),
		r.job.view(),
		r.summary,
	)
	exports := container.NewVBox(
		heading(i18n.T("Exports (CSV)")),
		note(i18n.T("Every incident or refund follow-up, for a spreadsheet or the accountant. The files open in Excel (UTF-8 with BOM); amounts are numbers; customers' names and phones are left out.")),
		container.NewHBox(r.exportIncidents, r.exportRefunds),
		r.exportJob.view(),
	)
	r.content = container.NewVScroll(container.NewPadded(container.NewVBox(monthly, widget.NewSeparator(), exports)))
	return r
}

// CreateRenderer draws the screen.
func (r *Reports) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// monthLabel is how the picker shows a month: 2026-03.
func monthLabel(m posdesk.Date) string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Month returns the chosen month (its first day).
func (r *Reports) Month() posdesk.Date { return r.months[max(0, r.month.SelectedIndex())] }

// Lang returns the chosen language of the report.
func (r *Reports) Lang() i18n.Lang {
	if r.lang.Selected == i18n.T("Chinese") {
		return i18n.Chinese
	}
	return i18n.English
}

func (r *Reports) key() string { return monthLabel(r.Month()) + "/" + string(r.Lang()) }

// changed forgets a report built for other choices.
func (r *Reports) changed() {
	if r.pdf != nil && r.pdfFor != r.key() {
		r.pdf, r.report = nil, nil
		r.summary.SetText(i18n.T("Build the report of %s to save or open it.", monthLabel(r.Month())))
	}
}

// Build builds the report of the chosen month off the UI goroutine (with a cancel button),
// shows its headline figures and passes the PDF to then, when set.
func (r *Reports) Build(then func([]byte)) {
	if r.pdf != nil && r.pdfFor == r.key() {
		if then != nil {
			then(r.pdf)
		}
		return
	}
	month, today, lang, key := r.Month(), r.w.today(), r.Lang(), r.key()
	type built struct {
		rep *posdesk.MonthlyReport
		pdf []byte
	}
	runJob(r.job, i18n.T("Building the report of %s…", monthLabel(month)), func(ctx context.Context, _ func(int, int)) (built, error) {
		rep, pdf, err := r.svc.MonthlyReport(ctx, month, today, lang)
		return built{rep, pdf}, err
	}, func(b built) {
		r.report, r.pdf, r.pdfFor = b.rep, b.pdf, key
		r.summary.SetText(reportSummary(b.rep))
		r.job.say(widget.SuccessImportance, i18n.T("The report of %[1]s is ready (%[2]s).", monthLabel(month), sizeText(int64(len(b.pdf)))))
		if then != nil {
			then(b.pdf)
		}
	})
}

// reportSummary says the report's headline figures in words.
func reportSummary(rep *posdesk.MonthlyReport) string {
	money := func(f posdesk.Figure) string {
		if s := f.AmountText(); s != "" {
			return s
		}
		return posdesk.NewMoney(0, posdesk.DefaultCurrency).Display()
	}
	month := monthLabel(rep.Month)
	if rep.Incidents.Count == 0 {
		return i18n.T("No incidents happened in %[1]s. Recovered %[2]s; still outstanding on %[3]s: %[4]s (follow-ups: %[5]d).",
			month, money(rep.Recovered), rep.AsOf.String(), money(rep.Outstanding), rep.Outstanding.Count)
	}
	return i18n.T("Incidents in %[1]s: %[2]d, for %[3]s in question. Recovered %[4]s, refunded to customers %[5]s, written off %[6]s; still outstanding on %[7]s: %[8]s (follow-ups: %[9]d).",
		month, rep.Incidents.Count, money(rep.Incidents), money(rep.Recovered), money(rep.RefundedToCustomers), money(rep.WrittenOff),
		rep.AsOf.String(), money(rep.Outstanding), rep.Outstanding.Count)
}

// reportFileName is the suggested file name of the report.
func (r *Reports) reportFileName() string {
	return "posdesk-report-" + monthLabel(r.Month()) + "-" + string(r.Lang()) + ".pdf"
}

func (r *Reports) onSave() {
	r.Build(func(pdf []byte) {
		r.saveTo(r.reportFileName(), []string{".pdf"}, func(wc fyne.URIWriteCloser) { r.SaveTo(wc, wc.URI().Path(), pdf) })
	})
}

// SaveTo writes data to wc (where names it for messages) off the UI goroutine and closes it.
func (r *Reports) SaveTo(wc fyne.URIWriteCloser, where string, data []byte) {
	r.job.say(widget.MediumImportance, i18n.T("Saving…"))
	writeFile(r.w, wc, where, data, func(err error) {
		if err != nil {
			r.job.say(widget.DangerImportance, i18n.Message(err))
			return
		}
		r.lastSaved = where
		r.job.say(widget.SuccessImportance, i18n.T("Saved to %s.", where))
	})
}

// OpenInViewer builds the report if needed and opens it in the system's PDF viewer.
func (r *Reports) OpenInViewer() {
	r.Build(func(pdf []byte) {
		openTemp(r.w, r.openURL, r.tempDir, "report-"+monthLabel(r.Month())+".pdf", pdf, func(path string, err error) {
			if err != nil {
				r.job.say(widget.DangerImportance, i18n.Message(err))
				return
			}
			r.job.say(widget.SuccessImportance, i18n.T("Opened %s in the PDF viewer.", path))
		})
	})
}

// Export builds the CSV export of kind off the UI goroutine, with progress and a cancel
// button, then asks where to save it.
func (r *Reports) Export(kind string) {
	lang := i18n.Current()
	what := i18n.T("Exporting incidents…")
	if kind == ExportRefunds {
		what = i18n.T("Exporting refund follow-ups…")
	}
	type export struct {
		csv  []byte
		rows int
	}
	runJob(r.exportJob, what, func(ctx context.Context, progress func(int, int)) (export, error) {
		b, n, err := r.svc.ExportCSV(ctx, kind, lang, progress)
		return export{b, n}, err
	}, func(x export) {
		if x.rows == 0 {
			msg := i18n.T("There are no incidents to export yet.")
			if kind == ExportRefunds {
				msg = i18n.T("There are no refund follow-ups to export yet.")
			}
			r.exportJob.say(widget.MediumImportance, msg)
			return
		}
		name := fmt.Sprintf("posdesk-%s-%s.csv", kind, r.w.today().String())
		r.exportJob.say(widget.MediumImportance, i18n.T("%d rows ready; choose where to save them.", x.rows))
		r.saveTo(name, []string{".csv"}, func(wc fyne.URIWriteCloser) {
			where := wc.URI().Path()
			writeFile(r.w, wc, where, x.csv, func(err error) {
				if err != nil {
					r.exportJob.say(widget.DangerImportance, i18n.Message(err))
					return
				}
				r.lastSaved = where
				r.exportJob.say(widget.SuccessImportance, i18n.T("Wrote %[1]d rows to %[2]s.", x.rows, where))
			})
		})
	})
}
