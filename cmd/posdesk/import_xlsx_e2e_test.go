package main_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/importer/importertest"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// sampleAsXLSX writes the sample statement name (GBK CSV) into dir as the workbook Excel makes
// of it (dates and times as serials, numbers as numbers, texts as shared strings).
func sampleAsXLSX(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(sample(name))
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
	path := filepath.Join(dir, strings.TrimSuffix(name, ".csv")+".xlsx")
	if err := os.WriteFile(path, importertest.XLSXFromRows(rows).Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportXLSXE2E imports the sample settlement statement saved as an Excel workbook, then
// the CSV it came from (every line a duplicate: the same fingerprints), reconciles as with the
// CSV, refuses an .xls, and imports a workbook holding full card numbers without storing them.
func TestImportXLSXE2E(t *testing.T) {
	c := newIncCLI(t)
	dir := t.TempDir()
	c.ok("import", "--kind", "pos", sample("pos_export_en.csv"))
	c.ok("import", "--kind", "bank", sample("bank_statement.csv"))
	wb := sampleAsXLSX(t, dir, "settlement_gbk.csv")
	out := c.ok("import", "--kind", "settlement", wb)
	if !strings.Contains(out, "settlement_gbk.xlsx: 120 new, 0 duplicate, 0 skipped, 0 refused") {
		t.Errorf("workbook import printed %q", out)
	}
	out = c.ok("import", "--kind", "settlement", sample("settlement_gbk.csv"))
	if !strings.Contains(out, "settlement_gbk.csv: 0 new, 120 duplicate") {
		t.Errorf("the CSV after its workbook printed %q", out)
	}
	r := c.reconcile()
	if len(r.Exceptions) != 6 || r.ExactMatches != 119 {
		t.Errorf("%d exceptions, %d exact matches", len(r.Exceptions), r.ExactMatches)
	}

	// An old .xls (or a password-protected workbook: the same OLE container) is refused.
	xls := filepath.Join(dir, "old.xls")
	os.WriteFile(xls, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1024)...), 0o644)
	_, stderr, code := c.run("import", "--kind", "settlement", xls)
	if code != 1 || !strings.Contains(stderr, "old.xls") || !strings.Contains(stderr, "password-protected or in the old .xls format") {
		t.Errorf("old .xls: exit %d, stderr %s", code, stderr)
	}

	// Full card numbers in a workbook: a number cell in the card column, text in the note.
	full, other := testCard("622848"), testCard("438088")
	x := importertest.XLSX{
		Shared: []string{"Date", "Time", "RRN", "Card", "Amount", "Note", "SALE", "Type"},
		Styles: importertest.SettlementStyles,
		Sheets: []importertest.XLSXSheet{{Name: "POS", Rows: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>7</v></c></row>` +
			`<row r="2"><c r="A2" s="1"><v>46285</v></c><c r="B2" s="2"><v>0.39583333333333331</v></c><c r="C2"><v>260920000001</v></c><c r="D2"><v>` + full + `</v></c>` +
			`<c r="E2" s="3"><v>88.8</v></c><c r="F2" t="inlineStr"><is><t>customer paid with ` + other + ` too</t></is></c><c r="G2" t="s"><v>6</v></c></row>`}},
	}
	cards := filepath.Join(dir, "cards "+full+".xlsx")
	if err := os.WriteFile(cards, x.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	holder, err := sqlite.OpenReadOnly(c.db) // keeps the WAL on disk for the scan below
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, _, err := holder.FindImportBatches(context.Background(), posdesk.ImportBatchFilter{}); err != nil {
		t.Fatal(err)
	}
	stdout := c.ok("import", "--kind", "pos", "--json", cards)
	var res []map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(res) != 1 || res[0]["new"] != 1.0 || res[0]["encoding"] != "xlsx" {
		t.Errorf("import --json = %s", stdout)
	}
	for _, secret := range []string{full, other} {
		if strings.Contains(stdout, secret) {
			t.Errorf("the output shows the full card number %s", secret)
		}
	}
	ledger := c.ok("transactions", "--json")
	if !strings.Contains(ledger, full[:6]+"******"+full[12:]) {
		t.Errorf("the ledger does not show the masked card: %s", ledger)
	}
	scanned := 0
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(c.db + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		for _, secret := range []string{full, other} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("shop.db%s holds the full card number %s", suffix, secret)
			}
		}
	}
	if scanned == 0 {
		t.Error("no database file scanned")
	}
}
