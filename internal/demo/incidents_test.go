package demo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

func incidentFingerprint(incs []*demo.Incident) string {
	var b strings.Builder
	for _, d := range incs {
		inc := d.Incident
		fmt.Fprintf(&b, "%s %s %s %s %v %d|", d.LoggedAt.Format(time.RFC3339), inc.Kind, inc.Cause, inc.Amount, inc.TransactionIDs(), len(d.Steps))
		for _, st := range d.Steps {
			switch {
			case st.Status != nil:
				fmt.Fprintf(&b, " %s", st.Status.To)
			case st.Contact != nil:
				fmt.Fprintf(&b, " contact")
			case st.Update != nil:
				fmt.Fprintf(&b, " update")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestIncidentsDeterministicAndRealistic(t *testing.T) {
	cfg := demo.Config{Seed: 7, Transactions: 3000, End: end}
	s1, txs := generate(t, cfg)
	a := s1.Incidents()
	s2, _ := generate(t, cfg)
	if got, want := incidentFingerprint(s2.Incidents()), incidentFingerprint(a); got != want {
		t.Fatal("the same config gave different incidents")
	}
	if len(a) < 6 || len(a) > 60 {
		t.Fatalf("%d incidents", len(a))
	}
	byID := map[int64]*posdesk.Transaction{}
	for _, tx := range txs {
		byID[tx.ID] = tx
	}
	kinds := map[posdesk.IncidentKind]int{}
	finished, waiting := 0, 0
	for _, d := range a {
		inc := d.Incident
		kinds[inc.Kind]++
		for _, tx := range inc.Transactions {
			if tx.ID != 0 && byID[tx.ID] == nil {
				t.Errorf("%s links record %d, which the ledger does not have", inc.Kind, tx.ID)
			}
		}
		if d.LoggedAt.After(cfg.End) {
			t.Errorf("logged after the end: %v", d.LoggedAt)
		}
		prev := d.LoggedAt
		status := posdesk.IncidentOpen
		for _, st := range d.Steps {
			if st.At.Before(prev) || st.At.After(cfg.End) {
				t.Errorf("%s: step at %v out of order or after the end", inc.Kind, st.At)
			}
			prev = st.At
			if st.Status != nil {
				if err := posdesk.CheckStatusChange(status, *st.Status); err != nil {
					t.Errorf("%s: illegal demo move: %v", inc.Kind, err)
				}
				status = st.Status.To
			}
		}
		switch status {
		case posdesk.IncidentResolved, posdesk.IncidentClosed:
			finished++
		case posdesk.IncidentWaitingForBank:
			waiting++
		}
	}
	if len(kinds) < 7 {
		t.Errorf("only %d kinds: %v", len(kinds), kinds)
	}
	if finished == 0 || waiting == 0 {
		t.Errorf("finished %d, waiting %d: want both", finished, waiting)
	}
}

func TestLoadIncidentsIntoStorage(t *testing.T) {
	cfg := demo.Config{Seed: 3, Transactions: 1500, End: end}
	s, txs := generate(t, cfg)
	plans := s.Incidents()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "王经理", Role: posdesk.RoleOwner})
	for _, tx := range txs {
		id := tx.ID
		if err := db.CreateTransaction(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if tx.ID != id {
			t.Fatalf("record %d stored as %d", id, tx.ID)
		}
	}
	if err := demo.LoadIncidents(ctx, db, plans, func(at time.Time) { db.Now = func() time.Time { return at } }); err != nil {
		t.Fatal(err)
	}
	today := posdesk.DateOf(end, demo.ShopZone)
	counts, err := db.CountIncidents(ctx, posdesk.IncidentFilter{}, today)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Total != len(plans) || counts.Overdue == 0 {
		t.Errorf("stored %d incidents (%d overdue), planned %d", counts.Total, counts.Overdue, len(plans))
	}
	list, _, err := db.FindIncidents(ctx, posdesk.IncidentFilter{Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	inc, err := db.FindIncidentByID(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if inc.CreatedBy == "王经理" || inc.Events[0].Time.After(end) {
		t.Errorf("logged by %q at %v; want a cashier, within the demo", inc.CreatedBy, inc.Events[0].Time)
	}
}
