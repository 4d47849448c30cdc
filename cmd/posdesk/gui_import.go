package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

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
	return shopLocation(ctx, g.db, g.loc)
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

// Import implements ui.ImportMatcher: the file's rows, stored as one batch; progress follows
// the bytes read.
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
	cr := &ctxReader{ctx: ctx, r: f}
	rd, err := importer.NewReader(cr, importer.Options{Kind: req.Kind, Profile: req.Profile, FileName: req.File, Location: g.zone(ctx)})
	if err != nil {
		return nil, err
	}
	m := rd.Mapping()
	batch := &posdesk.ImportBatch{FileName: filepath.Base(req.File), Profile: m.Profile}
	if req.Profile != nil {
		batch.Profile = req.Profile.Name
	}
	rows := 0
	report := func() {
		rows++
		if rows%2000 == 0 {
			progress(int(cr.read.Load()*scale/total), scale)
		}
	}
	switch m.Kind {
	case posdesk.ImportSettlement:
		err = g.db.CreateSettlementImport(ctx, batch, importer.WithBatch(rd, batch, rd.SettlementLines(), report))
	case posdesk.ImportBank:
		err = g.db.CreateBankImport(ctx, batch, importer.WithBatch(rd, batch, rd.BankLines(), report))
	case posdesk.ImportPOS:
		err = g.db.CreatePOSImport(ctx, batch, importer.WithBatch(rd, batch, rd.POSLines(), report))
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

// CreateIncidentFromException implements ui.ImportMatcher: storage opens the incident, attaches
// the statement lines and links the exception in one transaction, by the same rules as posdesk
// incident from-exception.
func (g *guiImports) CreateIncidentFromException(ctx context.Context, id int64) (*posdesk.Incident, error) {
	return g.db.CreateIncidentFromException(ctx, id, exceptionIncident(ctx, g.zone(ctx), g.now))
}
