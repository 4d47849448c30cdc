package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestDemoPartsRunAfterTheLedger checks the hook other parts of the demo use: a registered part
// runs after the ledger is stored, sees the shop's notable records with their stored IDs, and
// its count is printed.
func TestDemoPartsRunAfterTheLedger(t *testing.T) {
	var seen []*posdesk.Transaction
	old := demoParts
	defer func() { demoParts = old }()
	demoParts = append(demoParts[:len(demoParts):len(demoParts)], demoPart{Name: "incidents", Run: func(e *env, shop *demo.Shop) (int, error) {
		for _, n := range shop.Notable {
			stored, err := e.DB.FindTransactionByID(e.Ctx, n.ID)
			if err != nil {
				return 0, err
			}
			if stored.Status != n.Status || stored.Amount.Minor() != n.Amount.Minor() {
				t.Errorf("notable %d stored as %s %s, generated as %s %s", n.ID, stored.Status, stored.Amount, n.Status, n.Amount)
			}
			seen = append(seen, stored)
		}
		return len(seen), nil
	}})
	var out, errb bytes.Buffer
	db := filepath.Join(t.TempDir(), "shop.db")
	code := run([]string{"demo", "--db", db, "--transactions", "3000", "--end", "2026-09-20 18:00", "--lang", "en"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if len(seen) == 0 {
		t.Fatal("the part saw no notable records")
	}
	if want := "Also added: " + strconv.Itoa(len(seen)) + " incidents."; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}
