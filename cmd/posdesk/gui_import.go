package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
	"github.com/posdesk/posdesk/internal/sqlite"
	"github.com/posdesk/posdesk/internal/ui"
)

// guiImports imports files and reconciles for the Import & match section (ui.ImportMatcher).
// User column profiles are JSON files in a folder beside the database (profileDir), one per
// profile, so they survive restarts and can be copied to another PC.
type guiImports struct {
	db         *sqlite.DB
	now        func() time.Time
	loc        *time.Location // the zone when the shop has none set
	profileDir string
}

var _ ui.ImportMatcher = (*guiImports)(nil)

// newGUIImports returns the adapter for the database at dbPath.
func newGUIImports(db *sqlite.DB, dbPath string, now func() time.Time, loc *time.Location) *guiImports {
	return &guiImports{db: db, now: now, loc: loc, profileDir: filepath.Join(filepath.Dir(dbPath), "import-profiles")}
}

// zone returns the shop's time zone.
func (g *guiImports) zone(ctx context.Context) *time.Location {
	if tz, err := g.db.Setting(ctx, "shop.timezone", ""); err == nil && tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return g.loc
}

// ImportProfiles implements ui.ImportMatcher: the built-in profiles, then the saved ones by name.
func (g *guiImports) ImportProfiles(ctx context.Context) ([]importer.Profile, error) {
	out := importer.Profiles()
	names, err := filepath.Glob(filepath.Join(g.profileDir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read profile: %w", err)
		}
		p, err := importer.ParseProfile(b)
		if err != nil {
			continue // a profile edited by hand into something unusable is left out
		}
		out = append(out, *p)
	}
	return out, nil
}

var unsafeName = regexp.MustCompile(`[^\p{L}\p{N}._-]+`)

// SaveImportProfile implements ui.ImportMatcher. A profile with the name of a built-in one is
// refused; one with the name of a saved one replaces it.
func (g *guiImports) SaveImportProfile(ctx context.Context, p importer.Profile) error {
	if err := g.db.Authorize(ctx, posdesk.ActImport); err != nil {
		return err
	}
	p.Name = strings.TrimSpace(p.Name)
	if err := p.Validate(); err != nil {
		return err
	}
	if _, ok := importer.LookupProfile(p.Name); ok {
		return posdesk.Invalid("name", "%q is the name of a built-in profile; choose another name.", p.Name)
	}
	file := unsafeName.ReplaceAllString(p.Name, "_")
	if file == "" || file == "." || file == ".." {
		return posdesk.Invalid("name", "Profile name %q cannot be used as a file name; use letters and digits.", p.Name)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode profile: %w", err)
	}
	if err := os.MkdirAll(g.profileDir, 0o700); err != nil {
		return posdesk.Errorf(posdesk.EINTERNAL, "Cannot write %s; check the folder exists and is writable.", g.profileDir)
	}
	path := filepath.Join(g.profileDir, file+".json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return posdesk.Errorf(posdesk.EINTERNAL, "Cannot write %s; check the folder exists and is writable.", path)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return posdesk.Errorf(posdesk.EINTERNAL, "Cannot write %s; check the folder exists and is writable.", path)
	}
	return nil
}

// openImport opens req's file for reading.
func openImport(req ui.ImportRequest) (*os.File, int64, error) {
	f, err := os.Open(req.File)
	if err != nil {
		return nil, 0, posdesk.Errorf(posdesk.ENOTFOUND, "Cannot open %s; check that the file is still there.", filepath.Base(req.File))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("stat import: %w", err)
	}
	return f, st.Size(), nil
}

// PreviewImport implements ui.ImportMatcher.
func (g *guiImports) PreviewImport(ctx context.Context, req ui.ImportRequest, rows int) (*importer.Preview, error) {
	f, _, err := openImport(req)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return importer.ReadPreview(&ctxReader{ctx: ctx, r: f}, importer.Options{Kind: req.Kind, Profile: req.Profile, FileName: req.File, Location: g.zone(ctx)}, rows)
}

// ctxReader stops reading once ctx is done and counts the bytes read.
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	read atomic.Int64
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// ReadAt lets the importer read an Excel workbook (a zip, read at random) in place instead of
// buffering it; like Read it stops once ctx is done and counts the bytes read.
func (c *ctxReader) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	ra, ok := c.r.(io.ReaderAt)
	if !ok {
		return 0, errors.ErrUnsupported
	}
	n, err := ra.ReadAt(p, off)
	c.read.Add(int64(n))
	return n, err
}

// Seek seeks the underlying file; the importer uses it to learn the size of a workbook.
func (c *ctxReader) Seek(offset int64, whence int) (int64, error) {
	s, ok := c.r.(io.Seeker)
	if !ok {
		return 0, errors.ErrUnsupported
	}
	return s.Seek(offset, whence)
}

// Import implements ui.ImportMatcher: the file's SHA-256 first (a tenth of the progress), then
// its rows, stored as one batch.
func (g *guiImports) Import(ctx context.Context, req ui.ImportRequest, progress func(done, total int)) (*posdesk.ImportBatch, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	if err := g.db.Authorize(ctx, posdesk.ActImport); err != nil {
		return nil, err
	}
	f, size, err := openImport(req)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const scale = 1000
	total := max(size, 1)
	h := sha256.New()
	if _, err := io.Copy(h, &ctxReader{ctx: ctx, r: f}); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("hash import: %w", err)
	}
	progress(scale/10, scale)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind import: %w", err)
	}
	cr := &ctxReader{ctx: ctx, r: f}
	rd, err := importer.NewReader(cr, importer.Options{Kind: req.Kind, Profile: req.Profile, FileName: req.File, Location: g.zone(ctx)})
	if err != nil {
		return nil, err
	}
	m := rd.Mapping()
	batch := &posdesk.ImportBatch{FileName: filepath.Base(req.File), FileSHA256: hex.EncodeToString(h.Sum(nil)), Profile: m.Profile}
	if req.Profile != nil {
		batch.Profile = req.Profile.Name
	}
	rows := 0
	report := func() {
		rows++
		if rows%2000 == 0 {
			progress(scale/10+int(cr.read.Load()*scale*9/10/total), scale)
		}
	}
	switch m.Kind {
	case posdesk.ImportSettlement:
		err = g.db.CreateSettlementImport(ctx, batch, counted(rd, batch, rd.SettlementLines(), report))
	case posdesk.ImportBank:
		err = g.db.CreateBankImport(ctx, batch, counted(rd, batch, rd.BankLines(), report))
	case posdesk.ImportPOS:
		err = g.db.CreatePOSImport(ctx, batch, counted(rd, batch, rd.POSLines(), report))
	default:
		return nil, posdesk.Invalid("kind", "Import kind %q is not known; use pos, settlement or bank.", string(m.Kind))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	progress(scale, scale)
	return batch, nil
}

// counted passes seq through, calling each after every row, and records the reader's skipped
// rows on b at the end.
func counted[T any](rd *importer.Reader, b *posdesk.ImportBatch, seq iter.Seq2[T, error], each func()) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			each()
			if !yield(v, err) {
				return
			}
		}
		b.Skipped = rd.Stats().Skipped()
	}
}

// FindImportBatches implements ui.ImportMatcher.
func (g *guiImports) FindImportBatches(ctx context.Context, f posdesk.ImportBatchFilter) ([]*posdesk.ImportBatch, int, error) {
	return g.db.FindImportBatches(ctx, f)
}

// UndoImportBatch implements ui.ImportMatcher.
func (g *guiImports) UndoImportBatch(ctx context.Context, id int64) (*posdesk.ImportBatch, error) {
	return g.db.UndoImportBatch(ctx, id)
}

// Reconcile implements ui.ImportMatcher: everything stored is matched again and the result
// replaces the stored one. progress counts ledger records read of those stored.
func (g *guiImports) Reconcile(ctx context.Context, progress func(done, total int)) (*reconcile.Summary, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	if err := g.db.Authorize(ctx, posdesk.ActReconcile); err != nil {
		return nil, err
	}
	totals, err := g.db.SumTransactions(ctx, posdesk.TransactionFilter{})
	if err != nil {
		return nil, err
	}
	ledgerRows := 0
	for _, t := range totals {
		ledgerRows += int(t.Count)
	}
	total := max(ledgerRows, 1)
	read := 0
	ledger := func(yield func(*posdesk.Transaction, error) bool) {
		for t, err := range g.db.ScanTransactions(ctx) {
			read++
			if read%5000 == 0 {
				progress(min(read, total), total)
			}
			if !yield(t, err) {
				return
			}
		}
	}
	r := &posdesk.Reconciliation{RanAt: g.now()}
	sum, err := reconcile.Run(ctx, reconcile.Options{Now: r.RanAt, Location: g.zone(ctx)},
		reconcile.Input{Ledger: ledger, Settlement: g.db.ScanSettlementLines(ctx), Bank: g.db.ScanBankLines(ctx)},
		reconcile.Sink{
			Match:     func(m *posdesk.Match) error { r.Matches = append(r.Matches, m); return nil },
			Exception: func(e *posdesk.Exception) error { r.Exceptions = append(r.Exceptions, e); return nil },
		})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reconcile.SortExceptions(r.Exceptions)
	if err := g.db.CreateReconciliation(ctx, r); err != nil {
		return nil, err
	}
	progress(total, total)
	return sum, nil
}

// FindExceptions implements ui.ImportMatcher.
func (g *guiImports) FindExceptions(ctx context.Context, f posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error) {
	return g.db.FindExceptions(ctx, f)
}

// FindMatches implements ui.ImportMatcher.
func (g *guiImports) FindMatches(ctx context.Context, f posdesk.MatchFilter) ([]*posdesk.Match, int, error) {
	return g.db.FindMatches(ctx, f)
}

// ConfirmMatch implements ui.ImportMatcher.
func (g *guiImports) ConfirmMatch(ctx context.Context, id int64) (*posdesk.Match, error) {
	return g.db.ConfirmMatch(ctx, id)
}

// FindSettlementLines implements ui.ImportMatcher.
func (g *guiImports) FindSettlementLines(ctx context.Context, f posdesk.SettlementLineFilter) ([]*posdesk.SettlementLine, int, error) {
	return g.db.FindSettlementLines(ctx, f)
}

// FindBankLines implements ui.ImportMatcher.
func (g *guiImports) FindBankLines(ctx context.Context, f posdesk.BankLineFilter) ([]*posdesk.BankLine, int, error) {
	return g.db.FindBankLines(ctx, f)
}

// FindTransactionByID implements ui.ImportMatcher.
func (g *guiImports) FindTransactionByID(ctx context.Context, id int64) (*posdesk.Transaction, error) {
	return g.db.FindTransactionByID(ctx, id)
}

// exceptionIncidentKind is the kind of incident an exception of kind k becomes.
func exceptionIncidentKind(k posdesk.ExceptionKind) posdesk.IncidentKind {
	switch k {
	case posdesk.ExcChargedButPOSFailed:
		return posdesk.IncidentChargedButFailed
	case posdesk.ExcApprovedNotSettled, posdesk.ExcBankCreditMismatch:
		return posdesk.IncidentPostingFailure
	case posdesk.ExcAmountMismatch:
		return posdesk.IncidentWrongAmount
	case posdesk.ExcSettledTwice:
		return posdesk.IncidentDuplicateCharge
	case posdesk.ExcRefundNotCredited:
		return posdesk.IncidentCustomerRefund
	}
	return posdesk.IncidentOther
}

// CreateIncidentFromException implements ui.ImportMatcher: the incident gets the exception's
// kind, amount, date and reason, links its ledger record, and has the statement lines concerned
// attached as a text file; the exception then points at it.
func (g *guiImports) CreateIncidentFromException(ctx context.Context, id int64) (*posdesk.Incident, error) {
	x, err := g.db.FindExceptionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if x.IncidentID != 0 {
		inc, err := g.db.FindIncidentByID(ctx, x.IncidentID)
		if err != nil {
			return nil, err
		}
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "Incident %s was already opened from this exception.", inc.Number)
	}
	loc := g.zone(ctx)
	inc := &posdesk.Incident{Kind: exceptionIncidentKind(x.Kind), Cause: posdesk.CauseUnknown, Status: posdesk.IncidentOpen, Story: x.Reason}
	var lines []string
	lines = append(lines, i18n.T("Reconciliation exception %[1]d: %[2]s", x.ID, x.Reason))
	if x.TransactionID != 0 {
		t, err := g.db.FindTransactionByID(ctx, x.TransactionID)
		if err != nil {
			return nil, err
		}
		inc.Transactions = []*posdesk.Transaction{{ID: t.ID}}
		inc.Time, inc.Amount = t.Time, t.Amount
		lines = append(lines, i18n.T("Ledger: %[1]s %[2]s terminal %[3]s trace %[4]s RRN %[5]s %[6]s", t.Time.In(loc).Format("2006-01-02 15:04:05"),
			t.Amount.Display(), t.Terminal, t.Trace, t.RRN, i18n.T(t.Status.Title())))
	}
	for _, lid := range x.SettlementLineIDs {
		ls, _, err := g.db.FindSettlementLines(ctx, posdesk.SettlementLineFilter{ID: &lid})
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if inc.Time.IsZero() {
				inc.Time = l.Time
			}
			lines = append(lines, i18n.T("Settlement line %[1]d: %[2]s amount %[3]s fee %[4]s net %[5]s terminal %[6]s trace %[7]s RRN %[8]s, settled %[9]s",
				l.Line, l.Time.In(loc).Format("2006-01-02 15:04:05"), l.Amount.Display(), l.Fee.Display(), l.Net.Display(), l.TerminalID, l.Trace, l.RRN, l.SettleDate.String()))
		}
	}
	for _, bid := range x.BankLineIDs {
		ls, _, err := g.db.FindBankLines(ctx, posdesk.BankLineFilter{ID: &bid})
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			lines = append(lines, i18n.T("Bank line %[1]d: %[2]s %[3]s credit %[4]s debit %[5]s", l.Line, l.Date.String(), l.Description, l.Credit.Display(), l.Debit.Display()))
		}
	}
	if inc.Time.IsZero() && !x.Date.IsZero() {
		inc.Time = time.Date(x.Date.Year, x.Date.Month, x.Date.Day, 12, 0, 0, 0, loc)
	}
	if inc.Time.IsZero() {
		inc.Time = g.now()
	}
	// The amount in question: what is missing or too much, else the transaction's.
	abs := func(m posdesk.Money) posdesk.Money {
		if m.IsNegative() {
			return m.Neg()
		}
		return m
	}
	switch diff := abs(x.Expected.Sub(x.Actual)); {
	case (x.Kind == posdesk.ExcAmountMismatch || x.Kind == posdesk.ExcBankCreditMismatch) && !diff.IsZero():
		inc.Amount = diff
	case inc.Amount.IsZero() && !x.Actual.IsZero():
		inc.Amount = abs(x.Actual)
	case inc.Amount.IsZero():
		inc.Amount = abs(x.Expected)
	}
	if err := g.db.CreateIncident(ctx, inc); err != nil {
		return nil, err
	}
	text := strings.Join(lines, "\n") + "\n"
	a, err := attach.Intake(fmt.Sprintf("exception-%d.txt", x.ID), strings.NewReader(text), attach.Options{Kind: posdesk.AttachmentStatement,
		Caption: i18n.T("Statement lines of the reconciliation exception"), By: posdesk.ActorName(ctx), Now: g.now})
	if err == nil {
		err = g.db.AddAttachment(ctx, inc.ID, a)
	}
	if err != nil {
		return inc, err
	}
	if err := g.db.LinkExceptionIncident(ctx, x.ID, inc.ID); err != nil {
		return inc, err
	}
	return inc, nil
}
