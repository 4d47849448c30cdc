package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
	"github.com/posdesk/posdesk/internal/ui"
)

// importSample returns the path of a sample statement (the storage package's copies).
func importSample(name string) string {
	return filepath.Join("..", "..", "internal", "sqlite", "testdata", "import", name)
}

func newImportDB(t *testing.T) (*guiImports, context.Context) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "posdesk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "Li", Role: posdesk.RoleOwner})
	if err := db.SetSetting(ctx, "shop.timezone", "Asia/Shanghai"); err != nil {
		t.Fatal(err)
	}
	// Matching runs a week after the sample days, so the grace periods have passed.
	now := func() time.Time { return time.Date(2026, 9, 22, 10, 0, 0, 0, time.UTC) }
	return newGUIImports(db, path, now, time.UTC), ctx
}

func TestGUIImportsProfiles(t *testing.T) {
	g, ctx := newImportDB(t)
	p := importer.Profile{Name: "工行 对账单", Kind: posdesk.ImportBank, Columns: map[importer.Field]string{importer.FieldDate: "日期", importer.FieldCredit: "收入"}}
	if err := g.SaveImportProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	ps, err := g.ImportProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last := ps[len(ps)-1]; last.Name != "工行 对账单" || last.Columns[importer.FieldCredit] != "收入" || len(ps) != len(importer.Profiles())+1 {
		t.Errorf("profiles %+v", ps)
	}
	if err := g.SaveImportProfile(ctx, importer.Profile{Name: "pos-en"}); posdesk.ErrorField(err) != "name" {
		t.Errorf("saving over a built-in: %v", err)
	}
	if err := g.SaveImportProfile(ctx, importer.Profile{Name: "  "}); posdesk.ErrorField(err) != "name" {
		t.Errorf("saving without a name: %v", err)
	}
	// A hand-broken profile file is left out, not fatal.
	if err := os.WriteFile(filepath.Join(g.profileDir, "broken.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ps2, err := g.ImportProfiles(ctx); err != nil || len(ps2) != len(ps) {
		t.Errorf("with a broken file: %d profiles, %v", len(ps2), err)
	}
}

func TestGUIImportsImportMatchAndOpenIncident(t *testing.T) {
	g, ctx := newImportDB(t)
	prev, err := g.PreviewImport(ctx, ui.ImportRequest{File: importSample("settlement_gbk.csv")}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if prev.Mapping.Kind != posdesk.ImportSettlement || len(prev.Rows) != 5 || prev.Rows[0].Record == nil {
		t.Fatalf("preview %+v", prev.Mapping)
	}

	var last [2]int
	for _, name := range []string{"pos_export_en.csv", "settlement_gbk.csv", "bank_statement.csv"} {
		b, err := g.Import(ctx, ui.ImportRequest{File: importSample(name)}, func(d, total int) { last = [2]int{d, total} })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.New == 0 || b.Refused != 0 || last[0] != last[1] {
			t.Errorf("%s: %+v, last progress %v", name, b, last)
		}
	}
	again, err := g.Import(ctx, ui.ImportRequest{File: importSample("settlement_gbk.csv")}, nil)
	if err != nil || again.New != 0 || again.Duplicate == 0 {
		t.Errorf("second import of the same file: %+v, %v", again, err)
	}

	sum, err := g.Reconcile(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary %+v", sum)
	for kind, rrns := range map[posdesk.ExceptionKind][]string{
		posdesk.ExcChargedButPOSFailed: {"260914000510", "260914000571"},
		posdesk.ExcApprovedNotSettled:  {"260914000534"},
		posdesk.ExcAmountMismatch:      {"260915000589"},
		posdesk.ExcSettledTwice:        {"260914000551"},
		posdesk.ExcRefundNotCredited:   {"260915000621"},
	} {
		xs, _, err := g.FindExceptions(ctx, posdesk.ExceptionFilter{Kind: &kind, Open: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range xs {
			got = append(got, x.RRN)
		}
		if strings.Join(got, ",") != strings.Join(rrns, ",") {
			t.Errorf("%s: %v, want %v", kind, got, rrns)
		}
	}

	kind := posdesk.ExcAmountMismatch
	xs, _, _ := g.FindExceptions(ctx, posdesk.ExceptionFilter{Kind: &kind, Open: true})
	inc, err := g.CreateIncidentFromException(ctx, xs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	full, err := g.db.FindIncidentByID(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if full.Kind != posdesk.IncidentWrongAmount || full.Amount.Plain() != "1.00" || len(full.Transactions) != 1 || full.Transactions[0].RRN != "260915000589" {
		t.Errorf("incident %s %s, %d records", full.Kind, full.Amount.Plain(), len(full.Transactions))
	}
	atts, err := g.db.FindAttachments(ctx, inc.ID)
	if err != nil || len(atts) != 1 || !atts[0].IsText() {
		t.Fatalf("attachments %v, %v", atts, err)
	}
	a, _ := g.db.FindAttachmentByID(ctx, atts[0].ID)
	if !strings.Contains(string(a.Original), "260915000589") {
		t.Errorf("attached text %q lacks the RRN", a.Original)
	}
	if x, _ := g.db.FindExceptionByID(ctx, xs[0].ID); x.IncidentID != inc.ID {
		t.Errorf("exception points at incident %d, want %d", x.IncidentID, inc.ID)
	}
	if _, err := g.CreateIncidentFromException(ctx, xs[0].ID); posdesk.ErrorCode(err) != posdesk.ECONFLICT {
		t.Errorf("second incident from one exception: %v", err)
	}
	// Matching again keeps the link: the exception stays out of the open queue.
	if _, err := g.Reconcile(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := g.FindExceptions(ctx, posdesk.ExceptionFilter{Kind: &kind, Open: true}); n != 0 {
		t.Errorf("%d open amount mismatches after the incident", n)
	}
}

func TestGUIImportsCancelAndRefuse(t *testing.T) {
	g, ctx := newImportDB(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Import(cctx, ui.ImportRequest{File: importSample("pos_export_en.csv")}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
	if _, n, _ := g.FindImportBatches(ctx, posdesk.ImportBatchFilter{IncludeUndone: true}); n != 0 {
		t.Errorf("%d batches stored by a cancelled import", n)
	}
	if _, err := g.Import(ctx, ui.ImportRequest{File: filepath.Join(t.TempDir(), "gone.csv")}, nil); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
	// A cashier may not import.
	cashier := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "Xiao", Role: posdesk.RoleCashier})
	if _, err := g.Import(cashier, ui.ImportRequest{File: importSample("pos_export_en.csv")}, nil); posdesk.ErrorCode(err) != posdesk.EFORBIDDEN {
		t.Errorf("cashier import: %v", err)
	}
}
