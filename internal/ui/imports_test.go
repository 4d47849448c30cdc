package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

// mockImports is a function-field mock of ImportMatcher; a call to an unset function panics.
type mockImports struct {
	ImportProfilesFn              func(ctx context.Context) ([]importer.Profile, error)
	SaveImportProfileFn           func(ctx context.Context, p importer.Profile) error
	PreviewImportFn               func(ctx context.Context, req ImportRequest, rows int) (*importer.Preview, error)
	ImportFn                      func(ctx context.Context, req ImportRequest, progress func(done, total int)) (*posdesk.ImportBatch, error)
	FindImportBatchesFn           func(ctx context.Context, f posdesk.ImportBatchFilter) ([]*posdesk.ImportBatch, int, error)
	UndoImportBatchFn             func(ctx context.Context, id int64) (*posdesk.ImportBatch, error)
	ReconcileFn                   func(ctx context.Context, progress func(done, total int)) (*reconcile.Summary, error)
	FindExceptionsFn              func(ctx context.Context, f posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error)
	FindMatchesFn                 func(ctx context.Context, f posdesk.MatchFilter) ([]*posdesk.Match, int, error)
	ConfirmMatchFn                func(ctx context.Context, id int64) (*posdesk.Match, error)
	FindSettlementLinesFn         func(ctx context.Context, f posdesk.SettlementLineFilter) ([]*posdesk.SettlementLine, int, error)
	FindBankLinesFn               func(ctx context.Context, f posdesk.BankLineFilter) ([]*posdesk.BankLine, int, error)
	FindTransactionByIDFn         func(ctx context.Context, id int64) (*posdesk.Transaction, error)
	CreateIncidentFromExceptionFn func(ctx context.Context, id int64) (*posdesk.Incident, error)
}

func (m *mockImports) ImportProfiles(ctx context.Context) ([]importer.Profile, error) {
	return m.ImportProfilesFn(ctx)
}
func (m *mockImports) SaveImportProfile(ctx context.Context, p importer.Profile) error {
	return m.SaveImportProfileFn(ctx, p)
}
func (m *mockImports) PreviewImport(ctx context.Context, req ImportRequest, rows int) (*importer.Preview, error) {
	return m.PreviewImportFn(ctx, req, rows)
}
func (m *mockImports) Import(ctx context.Context, req ImportRequest, progress func(done, total int)) (*posdesk.ImportBatch, error) {
	return m.ImportFn(ctx, req, progress)
}
func (m *mockImports) FindImportBatches(ctx context.Context, f posdesk.ImportBatchFilter) ([]*posdesk.ImportBatch, int, error) {
	return m.FindImportBatchesFn(ctx, f)
}
func (m *mockImports) UndoImportBatch(ctx context.Context, id int64) (*posdesk.ImportBatch, error) {
	return m.UndoImportBatchFn(ctx, id)
}
func (m *mockImports) Reconcile(ctx context.Context, progress func(done, total int)) (*reconcile.Summary, error) {
	return m.ReconcileFn(ctx, progress)
}
func (m *mockImports) FindExceptions(ctx context.Context, f posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error) {
	return m.FindExceptionsFn(ctx, f)
}
func (m *mockImports) FindMatches(ctx context.Context, f posdesk.MatchFilter) ([]*posdesk.Match, int, error) {
	return m.FindMatchesFn(ctx, f)
}
func (m *mockImports) ConfirmMatch(ctx context.Context, id int64) (*posdesk.Match, error) {
	return m.ConfirmMatchFn(ctx, id)
}
func (m *mockImports) FindSettlementLines(ctx context.Context, f posdesk.SettlementLineFilter) ([]*posdesk.SettlementLine, int, error) {
	return m.FindSettlementLinesFn(ctx, f)
}
func (m *mockImports) FindBankLines(ctx context.Context, f posdesk.BankLineFilter) ([]*posdesk.BankLine, int, error) {
	return m.FindBankLinesFn(ctx, f)
}
func (m *mockImports) FindTransactionByID(ctx context.Context, id int64) (*posdesk.Transaction, error) {
	return m.FindTransactionByIDFn(ctx, id)
}
func (m *mockImports) CreateIncidentFromException(ctx context.Context, id int64) (*posdesk.Incident, error) {
	return m.CreateIncidentFromExceptionFn(ctx, id)
}

// testStatement is a small settlement statement: a title line, the header, two good rows, a
// row with a bad amount and a totals row.
const testStatement = "晨光便利店 对账单\n" +
	"商户编号,终端编号,交易日期,交易时间,交易类型,卡号,交易金额(元),手续费(元),清算金额(元),系统参考号,凭证号,批次号\n" +
	"822290070111234,61000042,20240530,083000,消费,518710******6208,124.00,0.47,123.53,240530000501,000501,000012\n" +
	"822290070111234,61000042,20240530,084100,消费,518710******0392,63.80,0.24,63.56,240530000502,000502,000012\n" +
	"822290070111234,61000042,20240530,085200,消费,518710******1964,abc,0.47,124.53,240530000503,000503,000012\n" +
	"合计,,,,,,311.80,1.18,311.62,,,\n"

// importFixture is a mock ImportMatcher over in-memory queues that records what it is asked.
type importFixture struct {
	svc        *mockImports
	previews   []ImportRequest
	imports    []ImportRequest
	saved      []importer.Profile
	excs       []*posdesk.Exception
	matches    []*posdesk.Match
	batches    []*posdesk.ImportBatch
	created    []int64
	confirmed  []int64
	undone     []int64
	reconciled int
}

func newImportFixture() *importFixture {
	f := &importFixture{}
	f.excs = []*posdesk.Exception{
		{ID: 1, Kind: posdesk.ExcChargedButPOSFailed, TransactionID: 7, SettlementLineIDs: []int64{70}, RRN: "240530000510", Date: posdesk.NewDate(2024, 5, 30),
			Expected: posdesk.CNY("0.00"), Actual: posdesk.CNY("58.00"), Reason: "failed at the POS, settled by the acquirer"},
		{ID: 2, Kind: posdesk.ExcChargedButPOSFailed, TransactionID: 8, RRN: "240530000571", Date: posdesk.NewDate(2024, 5, 30),
			Expected: posdesk.CNY("0.00"), Actual: posdesk.CNY("12.00"), Reason: "timed out at the POS, settled"},
		{ID: 3, Kind: posdesk.ExcAmountMismatch, TransactionID: 9, SettlementLineIDs: []int64{90}, RRN: "240530000589", Date: posdesk.NewDate(2024, 5, 30),
			Expected: posdesk.CNY("100.00"), Actual: posdesk.CNY("99.00"), Reason: "settled one yuan short"},
	}
	f.matches = []*posdesk.Match{{ID: 5, TransactionID: 7, SettlementLineID: 70, Score: 62, Reason: "same amount 4 minutes apart, card ending 6208"}}
	f.batches = []*posdesk.ImportBatch{{ID: 4, Kind: posdesk.ImportSettlement, FileName: "settlement.csv", New: 120, ImportedAt: testNow}}
	f.svc = &mockImports{
		ImportProfilesFn: func(context.Context) ([]importer.Profile, error) {
			return append(importer.Profiles(), f.saved...), nil
		},
		SaveImportProfileFn: func(_ context.Context, p importer.Profile) error {
			if err := p.Validate(); err != nil {
				return err
			}
			f.saved = append(f.saved, p)
			return nil
		},
		PreviewImportFn: func(_ context.Context, req ImportRequest, rows int) (*importer.Preview, error) {
			f.previews = append(f.previews, req)
			return importer.ReadPreview(strings.NewReader(testStatement), importer.Options{Kind: req.Kind, Profile: req.Profile, FileName: req.File, Location: shanghai}, rows)
		},
		ImportFn: func(ctx context.Context, req ImportRequest, progress func(int, int)) (*posdesk.ImportBatch, error) {
			f.imports = append(f.imports, req)
			progress(1, 2)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			b := &posdesk.ImportBatch{ID: 9, Kind: posdesk.ImportSettlement, FileName: "statement.csv", New: 2, Skipped: 2, Refused: 1,
				Errors: []posdesk.RowError{{Line: 5, Field: "amount", Err: posdesk.Invalid("amount", "Amount %q is not a number.", "abc")}}}
			f.batches = append(f.batches, b)
			return b, nil
		},
		FindImportBatchesFn: func(context.Context, posdesk.ImportBatchFilter) ([]*posdesk.ImportBatch, int, error) {
			return f.batches, len(f.batches), nil
		},
		UndoImportBatchFn: func(_ context.Context, id int64) (*posdesk.ImportBatch, error) {
			f.undone = append(f.undone, id)
			for _, b := range f.batches {
				if b.ID == id {
					b.UndoneAt, b.UndoneBy = testNow, "Li Wei"
					return b, nil
				}
			}
			return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Import %d does not exist.", id)
		},
		ReconcileFn: func(ctx context.Context, progress func(int, int)) (*reconcile.Summary, error) {
			f.reconciled++
			progress(50, 100)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return &reconcile.Summary{Ledger: 121, Settlement: 120, Bank: 2, ExactMatches: 119, Exceptions: map[posdesk.ExceptionKind]int{posdesk.ExcChargedButPOSFailed: 2, posdesk.ExcAmountMismatch: 1}}, nil
		},
		FindExceptionsFn: func(_ context.Context, flt posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error) {
			var out []*posdesk.Exception
			for _, x := range f.excs {
				if (flt.Kind == nil || x.Kind == *flt.Kind) && (!flt.Open || x.Open()) {
					out = append(out, x)
				}
			}
			n := len(out)
			if flt.Limit > 0 && len(out) > flt.Limit {
				out = out[:flt.Limit]
			}
			return out, n, nil
		},
		FindMatchesFn: func(context.Context, posdesk.MatchFilter) ([]*posdesk.Match, int, error) {
			var out []*posdesk.Match
			for _, m := range f.matches {
				if m.NeedsConfirmation() {
					out = append(out, m)
				}
			}
			return out, len(out), nil
		},
		ConfirmMatchFn: func(_ context.Context, id int64) (*posdesk.Match, error) {
			f.confirmed = append(f.confirmed, id)
			f.matches[0].Confirmed = true
			return f.matches[0], nil
		},
		FindSettlementLinesFn: func(_ context.Context, flt posdesk.SettlementLineFilter) ([]*posdesk.SettlementLine, int, error) {
			return []*posdesk.SettlementLine{{ID: *flt.ID, Line: 12, Time: testNow, Amount: posdesk.CNY("58.00"), Fee: posdesk.CNY("0.22"), Net: posdesk.CNY("57.78"),
				TerminalID: "61000042", Trace: "000510", RRN: "240530000510", SettleDate: posdesk.NewDate(2024, 5, 31)}}, 1, nil
		},
		FindTransactionByIDFn: func(_ context.Context, id int64) (*posdesk.Transaction, error) {
			return &posdesk.Transaction{ID: id, Time: testNow, Amount: posdesk.CNY("58.00"), Status: posdesk.StatusFailed, Terminal: "61000042", Trace: "000510", RRN: "240530000510"}, nil
		},
		CreateIncidentFromExceptionFn: func(_ context.Context, id int64) (*posdesk.Incident, error) {
			f.created = append(f.created, id)
			for _, x := range f.excs {
				if x.ID == id {
					x.IncidentID = 100
				}
			}
			return &posdesk.Incident{ID: 100, Number: "INC-2024-0100"}, nil
		},
	}
	return f
}

// importsOf opens the Import & match section of w.
func importsOf(t *testing.T, w *Window, q *queue) *Imports {
	t.Helper()
	if !w.Open("import") {
		t.Fatal("Import & match not visible")
	}
	q.drain()
	return w.Built("import").(*Imports)
}

func TestImportSectionOnlyForManagers(t *testing.T) {
	f := newImportFixture()
	for _, c := range []struct {
		role posdesk.Role
		svc  ImportMatcher
		want bool
	}{
		{posdesk.RoleCashier, f.svc, false},
		{posdesk.RoleManager, f.svc, true},
		{posdesk.RoleOwner, f.svc, true},
		{posdesk.RoleOwner, nil, false},
	} {
		w, q := newTestWindow(t, Services{Imports: c.svc}, &posdesk.User{Name: "x", Role: c.role})
		if got := w.Open("import"); got != c.want {
			t.Errorf("%s (service %v): shown %v, want %v", c.role, c.svc != nil, got, c.want)
		}
		if c.want {
			q.drain()
			s := w.Built("import").(*Imports)
			if !s.importBtn.Visible() || !s.matchBtn.Visible() {
				t.Errorf("%s: import button %v, match button %v", c.role, s.importBtn.Visible(), s.matchBtn.Visible())
			}
		}
	}
}

func TestImportWizardPreviewColumnsProfileResult(t *testing.T) {
	f := newImportFixture()
	w, q := newTestWindow(t, Services{Imports: f.svc}, manager)
	s := importsOf(t, w, q)
	test.Tap(s.importBtn)
	q.drain()
	z := s.wizard
	if z == nil || z.Step() != stepChoose {
		t.Fatal("the wizard did not open at its first step")
	}

	// No file: said at the field.
	test.Tap(z.next)
	q.drain()
	if !z.fileErr.Visible() || z.Step() != stepChoose {
		t.Fatal("Next without a file went on")
	}
	z.SetFile("/data/statement.csv")
	test.Tap(z.next)
	q.drain()
	if z.Step() != stepShape || len(f.previews) != 1 || f.previews[0].File != "/data/statement.csv" || f.previews[0].Kind != "" || f.previews[0].Profile != nil {
		t.Fatalf("step %d, previews %+v", z.Step(), f.previews)
	}
	if !strings.Contains(z.shape.Text, "Settlement statement") || !strings.Contains(z.shape.Text, "line 2") {
		t.Errorf("shape %q", z.shape.Text)
	}
	if !strings.Contains(z.stats.Text, "2 read, 1 refused") {
		t.Errorf("stats %q", z.stats.Text)
	}
	// Values as the rows become, the refused row with its reason.
	// Columns: line, problem (a row was refused), time, type, amount...
	if got := z.PreviewCell(0, 4); got != "¥ 124.00" || !z.tableColumns()[4].right {
		t.Errorf("row 1 amount %q", got)
	}
	if got := z.PreviewCell(2, 1); !strings.Contains(got, "abc") || z.PreviewCell(2, 0) != "5" {
		t.Errorf("refused row: line %q, problem %q", z.PreviewCell(2, 0), got)
	}

	// Columns: choosing another column for the terminal previews again with that profile; the
	// field that had the column loses it.
	test.Tap(z.cols)
	if z.Step() != stepColumns || z.columns[importer.FieldTerminal].Selected != "终端编号" {
		t.Fatalf("columns step %d, terminal column %q", z.Step(), z.columns[importer.FieldTerminal].Selected)
	}
	z.SetColumn(importer.FieldTerminal, "商户编号")
	q.drain()
	p := f.previews[len(f.previews)-1].Profile
	if p == nil || p.Columns[importer.FieldTerminal] != "商户编号" || p.Columns[importer.FieldMerchant] != "" || p.Columns[importer.FieldRRN] != "系统参考号" || p.Kind != posdesk.ImportSettlement {
		t.Fatalf("live preview with profile %+v", p)
	}
	if z.columns[importer.FieldMerchant].Selected != noColumn() {
		t.Errorf("merchant still on %q", z.columns[importer.FieldMerchant].Selected)
	}
	if got := z.PreviewCell(0, 7); got != "822290070111234" {
		t.Errorf("terminal after the change shows %q", got)
	}
	// Saving needs a name; then the profile is saved and offered.
	test.Tap(z.saveBtn)
	if len(f.saved) != 0 || z.saveStatus.Importance != widget.DangerImportance {
		t.Error("a profile without a name was saved")
	}
	test.Type(z.saveName, "拉卡拉 新版")
	test.Tap(z.saveBtn)
	q.drain()
	if len(f.saved) != 1 || f.saved[0].Name != "拉卡拉 新版" || f.saved[0].Columns[importer.FieldTerminal] != "商户编号" {
		t.Fatalf("saved %+v", f.saved)
	}
	if !strings.Contains(strings.Join(z.profile.Options, "|"), "拉卡拉 新版") {
		t.Errorf("the saved profile is not offered: %v", z.profile.Options)
	}

	// Import with the chosen columns: progress, then counts and refused lines.
	test.Tap(z.importB)
	if !z.job.Running() || !z.job.cancel.Visible() {
		t.Fatal("no progress and cancel while importing")
	}
	q.drain()
	if len(f.imports) != 1 || f.imports[0].Profile.Columns[importer.FieldTerminal] != "商户编号" {
		t.Fatalf("imports %+v", f.imports)
	}
	if z.Step() != stepResult || !strings.Contains(z.counts.Text, "New: 2") || !strings.Contains(z.counts.Text, "Refused: 1") {
		t.Errorf("result %q", z.counts.Text)
	}
	if !strings.Contains(z.errors.Text, "Line 5: Amount \"abc\" is not a number.") {
		t.Errorf("refused lines %q", z.errors.Text)
	}
	if len(s.batches) != 2 {
		t.Errorf("the section shows %d imported files after the import", len(s.batches))
	}
	// Match now from the result.
	if !z.match.Visible() {
		t.Fatal("no Match now after the import")
	}
	test.Tap(z.match)
	q.drain()
	if f.reconciled != 1 || !strings.Contains(s.job.status.Text, "119 by exact keys") {
		t.Errorf("match: %d runs, status %q", f.reconciled, s.job.status.Text)
	}
}

func TestImportCanBeCancelled(t *testing.T) {
	f := newImportFixture()
	w, q := newTestWindow(t, Services{Imports: f.svc}, manager)
	z := OpenImportWizard(w, nil)
	q.drain()
	z.SetFile("/data/big.csv")
	z.Import()
	test.Tap(z.job.cancel)
	q.drain()
	if !strings.Contains(z.job.status.Text, "Cancelled") || z.Result() != nil || z.importB.Disabled() {
		t.Errorf("after cancel: %q", z.job.status.Text)
	}
	// A file that cannot be read is said at the file on the first step.
	f.svc.PreviewImportFn = func(context.Context, ImportRequest, int) (*importer.Preview, error) {
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s: this Excel file is password-protected or in the old .xls format; save it as .xlsx or CSV without a password and import that.", "x.xls")
	}
	z.Restart()
	z.SetFile("/data/x.xls")
	z.Next()
	q.drain()
	if z.Step() != stepChoose || !strings.Contains(z.fileErr.Text, "save it as .xlsx or CSV") {
		t.Errorf("step %d, error %q", z.Step(), z.fileErr.Text)
	}
}

func TestExceptionQueuesDetailsAndIncident(t *testing.T) {
	f := newImportFixture()
	incs := newFakeIncidents()
	incs.incs = append(incs.incs, &posdesk.Incident{ID: 100, Number: "INC-2024-0100", Kind: posdesk.IncidentChargedButFailed, Status: posdesk.IncidentOpen, Time: testNow, Amount: posdesk.CNY("58.00")})
	w, q := newTestWindow(t, Services{Imports: f.svc, Incidents: incs.svc}, manager)
	s := importsOf(t, w, q)

	if got := s.Counts(); got[posdesk.ExcChargedButPOSFailed] != 2 || got[posdesk.ExcAmountMismatch] != 1 || got[posdesk.ExcSettledTwice] != 0 {
		t.Fatalf("counts %v", got)
	}
	if !strings.Contains(s.State(), "3 exceptions to look at, 1 matches to confirm") || s.tabs.Items[tabExceptions].Text != "Exceptions (3)" {
		t.Errorf("state %q, tab %q", s.State(), s.tabs.Items[tabExceptions].Text)
	}
	if len(s.excs) != 2 || !strings.Contains(exceptionLine(s.excs[0]), "RRN 240530000510") {
		t.Fatalf("first queue lists %d", len(s.excs))
	}
	s.SelectQueue(posdesk.ExcAmountMismatch)
	q.drain()
	if len(s.excs) != 1 || s.excs[0].ID != 3 {
		t.Fatalf("amount queue lists %v", s.excs)
	}
	s.SelectQueue(posdesk.ExcChargedButPOSFailed)
	q.drain()
	s.SelectException(s.excs[0])
	q.drain()
	var texts []string
	for _, o := range s.excDetail.Objects {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "Ledger record #7") || !strings.Contains(all, "Settlement statement, line 12") {
		t.Errorf("detail lacks the lines:\n%s", all)
	}

	test.Tap(s.createBtn)
	q.drain()
	if len(f.created) != 1 || f.created[0] != 1 || s.created == nil {
		t.Fatalf("created %v", f.created)
	}
	// The new incident is shown; the queue lost the exception.
	if w.Current() != "incidents" {
		t.Errorf("after creating, %q is on screen", w.Current())
	}
	if s.Counts()[posdesk.ExcChargedButPOSFailed] != 1 {
		t.Errorf("queue count after the incident: %d", s.Counts()[posdesk.ExcChargedButPOSFailed])
	}
}

func TestWeakMatchesAndUndo(t *testing.T) {
	f := newImportFixture()
	w, q := newTestWindow(t, Services{Imports: f.svc}, manager)
	s := importsOf(t, w, q)
	s.tabs.SelectIndex(tabConfirm)
	q.drain()
	if len(s.matches) != 1 {
		t.Fatalf("%d matches to confirm", len(s.matches))
	}
	s.SelectMatch(s.matches[0])
	q.drain()
	test.Tap(s.confirmBtn)
	q.drain()
	if len(f.confirmed) != 1 || len(s.matches) != 0 || s.tabs.Items[tabConfirm].Text != "Matches to confirm (0)" {
		t.Errorf("confirmed %v, still listed %d", f.confirmed, len(s.matches))
	}

	// Undo asks first.
	s.askUndo(f.batches[0])
	if len(f.undone) != 0 {
		t.Fatal("undone without asking")
	}
	s.UndoBatch(f.batches[0].ID)
	q.drain()
	if len(f.undone) != 1 || !strings.Contains(s.job.status.Text, "was undone") {
		t.Errorf("undo: %v, %q", f.undone, s.job.status.Text)
	}
}

func TestImportSectionErrorsAndEmptyState(t *testing.T) {
	f := newImportFixture()
	f.excs, f.matches, f.batches = nil, nil, nil
	w, q := newTestWindow(t, Services{Imports: f.svc}, manager)
	s := importsOf(t, w, q)
	if !strings.Contains(s.State(), "No statements imported yet") {
		t.Errorf("empty state %q", s.State())
	}
	// A dropped file opens the wizard at its preview.
	s.DropFile("/data/dropped.csv")
	q.drain()
	if s.wizard == nil || s.wizard.Step() != stepShape || f.previews[len(f.previews)-1].File != "/data/dropped.csv" {
		t.Fatalf("drop: wizard %v, previews %v", s.wizard != nil, f.previews)
	}
	s.wizard.dlg.Hide()
	f.svc.FindExceptionsFn = func(context.Context, posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error) {
		return nil, 0, posdesk.Errorf(posdesk.EINTERNAL, "The database is busy; try again in a moment.")
	}
	s.Reload()
	q.drain()
	if !strings.Contains(s.State(), "database is busy") || s.state.Importance != widget.DangerImportance {
		t.Errorf("error state %q", s.State())
	}
	f.svc.ReconcileFn = func(context.Context, func(int, int)) (*reconcile.Summary, error) {
		return nil, posdesk.Errorf(posdesk.EFORBIDDEN, "Sign in first: no member of staff is acting.")
	}
	test.Tap(s.matchBtn)
	q.drain()
	if !strings.Contains(s.job.status.Text, "Sign in first") {
		t.Errorf("match error %q", s.job.status.Text)
	}
}

func TestImportSectionInChinese(t *testing.T) {
	f := newImportFixture()
	w, q := newTestWindow(t, Services{Imports: f.svc}, manager)
	setLang(t, i18n.Chinese)
	w.SetUser(manager)
	s := importsOf(t, w, q)
	for _, k := range posdesk.ExceptionKinds {
		if isASCII(reconcile.QueueTitle(k)) || isASCII(queueHelp(k)) {
			t.Errorf("queue %s is not translated", k)
		}
	}
	for _, txt := range []string{s.importBtn.Text, s.matchBtn.Text, s.State(), s.tabs.Items[0].Text} {
		if isASCII(txt) {
			t.Errorf("%q is not translated", txt)
		}
	}
	z := OpenImportWizard(w, nil)
	q.drain()
	for _, k := range importKinds {
		if isASCII(i18n.T(k.title)) {
			t.Errorf("kind %q is not translated", k.title)
		}
	}
	for _, fs := range importFields {
		for _, fl := range fs {
			if isASCII(fieldTitle(fl)) {
				t.Errorf("field %s is not translated", fl)
			}
		}
	}
	if isASCII(z.title.Text) {
		t.Errorf("wizard title %q", z.title.Text)
	}
}
