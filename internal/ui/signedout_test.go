package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestSignedOutWindowReadsNoRecords opens the window of a shop with staff accounts as the app
// does (nobody signed in, the gate in front): no record may be read, no section built and no
// shortcut may open a form before somebody signs in; after signing in the ledger loads as the
// person who signed in.
func TestSignedOutWindowReadsNoRecords(t *testing.T) {
	fake := newFakeLedger(5)
	var readAs []string
	find := fake.svc.FindTransactionsFn
	fake.svc.FindTransactionsFn = func(ctx context.Context, f posdesk.TransactionFilter) ([]*posdesk.Transaction, *posdesk.TxCursor, error) {
		name := "(nobody)"
		if u := posdesk.UserFromContext(ctx); u != nil {
			name = u.Name
		}
		readAs = append(readAs, name)
		return find(ctx, f)
	}
	incidents := newFakeIncidents()
	_, staff := newFakeStaff(&posdesk.User{Name: "小陈", Role: posdesk.RoleCashier})
	s := Services{Transactions: fake.svc, Incidents: incidents.svc, Staff: staff, Settings: settingsWith(map[string]string{})}
	w, q := newTestWindow(t, s, nil)
	g := NewGate(w)
	t.Cleanup(g.Close)
	g.Start()
	q.drain()
	if len(readAs) != 0 || len(fake.sums) != 0 {
		t.Errorf("ledger read %d times (%v) and totalled %d times before anybody signed in", len(readAs), readAs, len(fake.sums))
	}
	if incidents.svc.FindIncidentsInvoked {
		t.Error("incidents read before anybody signed in")
	}
	for _, id := range []string{"ledger", "incidents", "help"} {
		if w.Built(id) != nil {
			t.Errorf("section %s built before anybody signed in", id)
		}
		if w.Open(id) {
			t.Errorf("section %s opens before anybody signed in", id)
		}
	}
	w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("Ctrl+N opened %d dialogs over the sign-in view", n)
	}

	g.SignIn.Choose("小陈")
	test.Type(g.SignIn.PIN, "4821")
	test.Tap(g.SignIn.Button)
	q.drain()
	if w.User() == nil || w.Current() == "" {
		t.Fatalf("after signing in: user %v, section %q", w.User(), w.Current())
	}
	q.drain()
	if len(readAs) == 0 {
		t.Fatal("the ledger did not load after signing in")
	}
	for _, who := range readAs {
		if who != "小陈" {
			t.Errorf("ledger read as %s", who)
		}
	}
}
