package ui

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// mockReports is a function-field mock of ReportService; a call to an unset function panics.
type mockReports struct {
	MonthlyReportFn func(ctx context.Context, month, today posdesk.Date, lang i18n.Lang) (*posdesk.MonthlyReport, []byte, error)
	ExportCSVFn     func(ctx context.Context, kind string, lang i18n.Lang, progress func(done, total int)) ([]byte, int, error)
}

func (m *mockReports) MonthlyReport(ctx context.Context, month, today posdesk.Date, lang i18n.Lang) (*posdesk.MonthlyReport, []byte, error) {
	return m.MonthlyReportFn(ctx, month, today, lang)
}

func (m *mockReports) ExportCSV(ctx context.Context, kind string, lang i18n.Lang, progress func(done, total int)) ([]byte, int, error) {
	return m.ExportCSVFn(ctx, kind, lang, progress)
}

// uriWriter is a fyne.URIWriteCloser writing to memory.
type uriWriter struct {
	closeBuffer
	uri fyne.URI
}

func (u *uriWriter) URI() fyne.URI { return u.uri }

type reportCall struct {
	month, today posdesk.Date
	lang         i18n.Lang
}

func newMockReports(calls *[]reportCall) *mockReports {
	return &mockReports{
		MonthlyReportFn: func(ctx context.Context, month, today posdesk.Date, lang i18n.Lang) (*posdesk.MonthlyReport, []byte, error) {
			*calls = append(*calls, reportCall{month, today, lang})
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			rep := &posdesk.MonthlyReport{Month: month, AsOf: today,
				Incidents:   posdesk.Figure{Count: 3, Amounts: []posdesk.Money{posdesk.CNY("1288.00")}},
				Recovered:   posdesk.Figure{Count: 1, Amounts: []posdesk.Money{posdesk.CNY("58.00")}},
				Outstanding: posdesk.Figure{Count: 2, Amounts: []posdesk.Money{posdesk.CNY("1230.00")}}}
			return rep, []byte("%PDF report " + string(lang)), nil
		},
	}
}

// reportsOf opens the Reports section of w.
func reportsOf(t *testing.T, w *Window, q *queue) *Reports {
	t.Helper()
	if !w.Open("reports") {
		t.Fatal("Reports not visible")
	}
	q.drain()
	return w.Built("reports").(*Reports)
}

func TestReportsOnlyForTheOwner(t *testing.T) {
	var calls []reportCall
	svc := newMockReports(&calls)
	for _, c := range []struct {
		role posdesk.Role
		svc  ReportService
		want bool
	}{
		{posdesk.RoleOwner, svc, true},
		{posdesk.RoleManager, svc, false},
		{posdesk.RoleCashier, svc, false},
		{posdesk.RoleOwner, nil, false},
	} {
		w, _ := newTestWindow(t, Services{Reports: c.svc}, &posdesk.User{Name: "x", Role: c.role})
		if got := w.Open("reports"); got != c.want {
			t.Errorf("%s (service %v): Reports shown %v, want %v", c.role, c.svc != nil, got, c.want)
		}
	}
}

func TestMonthlyReportBuildSaveOpen(t *testing.T) {
	var calls []reportCall
	w, q := newTestWindow(t, Services{Reports: newMockReports(&calls)}, owner)
	r := reportsOf(t, w, q)
	var asked []string
	r.saveTo = func(name string, exts []string, save func(fyne.URIWriteCloser)) {
		asked = append(asked, name)
		save(&uriWriter{uri: storage.NewFileURI("/reports/" + name)})
	}
	if len(calls) != 0 {
		t.Fatal("the report was built before anybody asked")
	}

	// The picker starts at this month and goes back 36 months.
	if got := r.Month().String(); got != "2024-05-01" || len(r.months) != reportMonths || r.months[5].String() != "2023-12-01" {
		t.Fatalf("month %s, %d months, sixth %s", got, len(r.months), r.months[5])
	}
	r.month.SetSelected("2024-03")
	test.Tap(r.build)
	if !r.job.Running() || !r.build.Disabled() || !r.job.cancel.Visible() {
		t.Fatal("no progress and cancel while building")
	}
	q.drain()
	want := reportCall{posdesk.NewDate(2024, 3, 1), posdesk.NewDate(2024, 5, 31), i18n.English}
	if len(calls) != 1 || calls[0] != want {
		t.Fatalf("MonthlyReport calls %v, want %v", calls, want)
	}
	if s := r.summary.Text; !strings.Contains(s, ": 3, for ¥ 1,288.00") || !strings.Contains(s, "¥ 1,230.00 (follow-ups: 2)") {
		t.Errorf("summary %q", s)
	}

	// Save uses the built report; Open writes a file and opens it.
	test.Tap(r.save)
	q.drain()
	if len(calls) != 1 || len(asked) != 1 || asked[0] != "posdesk-report-2024-03-en.pdf" || r.lastSaved != "/reports/posdesk-report-2024-03-en.pdf" {
		t.Errorf("save: %d builds, asked %v, saved %q", len(calls), asked, r.lastSaved)
	}
	r.tempDir = t.TempDir()
	var opened []*url.URL
	r.openURL = func(u *url.URL) error { opened = append(opened, u); return nil }
	r.lang.SetSelected("Chinese") // another language: built again
	test.Tap(r.open)
	q.drain()
	if len(calls) != 2 || calls[1].lang != i18n.Chinese || len(opened) != 1 {
		t.Fatalf("open: calls %v, opened %v", calls, opened)
	}
	if b, err := os.ReadFile(opened[0].Path); err != nil || string(b) != "%PDF report zh-Hans" {
		t.Errorf("opened file holds %q, %v", b, err)
	}
}

func TestMonthlyReportErrorsAndCancel(t *testing.T) {
	var calls []reportCall
	svc := newMockReports(&calls)
	w, q := newTestWindow(t, Services{Reports: svc}, owner)
	r := reportsOf(t, w, q)
	test.Tap(r.build)
	r.job.Cancel()
	q.drain()
	if !strings.Contains(r.job.status.Text, "Cancelled") || r.pdf != nil || r.build.Disabled() {
		t.Errorf("after cancel: %q, pdf %v", r.job.status.Text, r.pdf != nil)
	}
	svc.MonthlyReportFn = func(context.Context, posdesk.Date, posdesk.Date, i18n.Lang) (*posdesk.MonthlyReport, []byte, error) {
		return nil, nil, posdesk.Errorf(posdesk.EINTERNAL, "The disk is full: free some space on the disk that holds %s, then try again.", "/data")
	}
	test.Tap(r.build)
	q.drain()
	if !strings.Contains(r.job.status.Text, "The disk is full") || r.job.status.Importance != widget.DangerImportance {
		t.Errorf("error shown as %q", r.job.status.Text)
	}
}

func TestExportsWriteCSVWithProgress(t *testing.T) {
	var kinds []string
	var lastProgress float64
	svc := &mockReports{ExportCSVFn: func(ctx context.Context, kind string, lang i18n.Lang, progress func(int, int)) ([]byte, int, error) {
		kinds = append(kinds, kind)
		progress(250, 500)
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if kind == ExportRefunds {
			return []byte("\ufeffRefund ID\n"), 0, nil
		}
		return []byte("\ufeffNumber,Amount\nINC-2024-0001,58.00\n"), 1, nil
	}}
	w, q := newTestWindow(t, Services{Reports: svc}, owner)
	r := reportsOf(t, w, q)
	var out *uriWriter
	r.saveTo = func(name string, exts []string, save func(fyne.URIWriteCloser)) {
		if name != "posdesk-incidents-2024-05-31.csv" || exts[0] != ".csv" {
			t.Errorf("save as %q %v", name, exts)
		}
		out = &uriWriter{uri: storage.NewFileURI("/x/" + name)}
		save(out)
	}
	test.Tap(r.exportIncidents)
	if !r.exportRefunds.Disabled() {
		t.Error("the other export can start while one runs")
	}
	q.drain()
	lastProgress = r.exportJob.progress.Value
	if out == nil || !strings.Contains(out.String(), "INC-2024-0001") || !out.closed || lastProgress != 0.5 {
		t.Fatalf("export wrote %v (progress %v)", out, lastProgress)
	}
	if !strings.Contains(r.exportJob.status.Text, "Wrote 1 rows to /x/posdesk-incidents-2024-05-31.csv") {
		t.Errorf("status %q", r.exportJob.status.Text)
	}
	// Nothing to export: said, and no file asked for.
	out = nil
	test.Tap(r.exportRefunds)
	q.drain()
	if out != nil || !strings.Contains(r.exportJob.status.Text, "no refund follow-ups") {
		t.Errorf("empty export: %q", r.exportJob.status.Text)
	}
	// Cancelled: nothing written.
	test.Tap(r.exportIncidents)
	test.Tap(r.exportJob.cancel)
	q.drain()
	if out != nil || !strings.Contains(r.exportJob.status.Text, "Cancelled") {
		t.Errorf("cancelled export: %q", r.exportJob.status.Text)
	}
	if got := strings.Join(kinds, ","); got != "incidents,refunds,incidents" {
		t.Errorf("exports asked for %s", got)
	}
}

func TestReportsInChinese(t *testing.T) {
	var calls []reportCall
	w, q := newTestWindow(t, Services{Reports: newMockReports(&calls)}, owner)
	setLang(t, i18n.Chinese)
	w.SetUser(owner) // rebuild in Chinese
	r := reportsOf(t, w, q)
	for _, s := range []string{r.build.Text, r.exportIncidents.Text, r.exportRefunds.Text, r.summary.Text} {
		if isASCII(s) {
			t.Errorf("%q is not translated", s)
		}
	}
	test.Tap(r.build)
	q.drain()
	if calls[0].lang != i18n.Chinese || isASCII(r.summary.Text) {
		t.Errorf("a Chinese window builds a %s report, summary %q", calls[0].lang, r.summary.Text)
	}
}
