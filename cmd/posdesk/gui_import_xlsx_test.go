package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/importer/importertest"
	"github.com/posdesk/posdesk/internal/ui"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestGUIImportsXLSX previews and imports the sample settlement statement saved as an Excel
// workbook through the import wizard's service (the file read in place through ctxReader), then
// the CSV it came from: every line a duplicate.
func TestGUIImportsXLSX(t *testing.T) {
	g, ctx := newImportDB(t)
	b, err := os.ReadFile(importSample("settlement_gbk.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "对账单.xlsx")
	if err := os.WriteFile(path, importertest.XLSXFromRows(rows).Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	prev, err := g.PreviewImport(ctx, ui.ImportRequest{File: path}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if m := prev.Mapping; m.Encoding != importer.EncodingXLSX || m.HeaderLine != 1 || len(prev.Rows) != 5 || prev.Rows[0].Record == nil || prev.Rows[0].Line != 2 {
		t.Fatalf("preview %+v, %d rows", m, len(prev.Rows))
	}
	var last [2]int
	batch, err := g.Import(ctx, ui.ImportRequest{File: path}, func(d, total int) { last = [2]int{d, total} })
	if err != nil {
		t.Fatal(err)
	}
	if batch.New != 120 || batch.Refused != 0 || batch.FileName != "对账单.xlsx" || last[0] != last[1] {
		t.Errorf("workbook import %+v, last progress %v", batch, last)
	}
	again, err := g.Import(ctx, ui.ImportRequest{File: importSample("settlement_gbk.csv")}, nil)
	if err != nil || again.New != 0 || again.Duplicate != 120 {
		t.Errorf("the CSV after its workbook: %+v, %v", again, err)
	}
}
