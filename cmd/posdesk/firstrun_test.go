package main

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// TestDemoDataLoad stores the first-run wizard's demo shop in a real database while the window's
// handle stays open, as the wizard does, then signs the owner in on it.
func TestDemoDataLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "posdesk.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 20, 18, 0, 0, 0, demo.ShopZone)
	d := &demoData{path: path, now: func() time.Time { return now }, n: 3000}
	shop := d.Shop()
	shop.Normalize()
	if err := shop.Validate(); err != nil {
		t.Errorf("the demo shop's details do not pass the shop form: %v", err)
	}
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "王芳", Role: posdesk.RoleOwner})
	// The wizard stores the shop's details first; the demo fills in only what is left empty.
	if err := db.SetSetting(ctx, posdesk.SettingShopName, "王芳的店"); err != nil {
		t.Fatal(err)
	}
	var steps []float64
	start := time.Now()
	if err := d.Load(ctx, func(done float64, _ string) { steps = append(steps, done) }); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	// The ledger holds the 3,000 made-up sales plus the slips some demo incidents were logged
	// from, all marked demo.
	notImported, err1 := db.CountTransactionsNotFrom(ctx, posdesk.SourceImport)
	notDemo, err2 := db.CountTransactionsNotFrom(ctx, posdesk.SourceDemo)
	if err1 != nil || err2 != nil || notImported < 3000 || notImported > 3020 || notDemo != 0 {
		t.Errorf("ledger: %d records, %d not marked demo (%v, %v); want 3000 and a few slips, all demo", notImported, notDemo, err1, err2)
	}
	_, incidents, err := db.FindIncidents(ctx, posdesk.IncidentFilter{Limit: 1})
	if err != nil || incidents < 6 {
		t.Errorf("%d incidents, %v", incidents, err)
	}
	_, refunds, err := db.FindRefunds(ctx, posdesk.RefundFilter{})
	if err != nil || refunds == 0 {
		t.Errorf("%d refund follow-ups, %v", refunds, err)
	}
	if name, _ := db.Setting(ctx, posdesk.SettingShopName, ""); name != "王芳的店" {
		t.Errorf("the demo replaced the shop name with %q", name)
	}
	if phone, _ := db.Setting(ctx, posdesk.SettingShopPhone, ""); phone == "" {
		t.Error("the demo did not fill in the empty phone")
	}
	if len(steps) < 3 || steps[len(steps)-1] != 1 {
		t.Errorf("progress steps %v", steps)
	}
	// The window's handle keeps its own clock: the demo's past times did not leak into it.
	if got := db.Now(); got.Before(time.Now().Add(-time.Minute)) {
		t.Errorf("the window's clock reads %s after the demo", got)
	}
	// Then the owner is created and signs in, as at the end of the wizard.
	if _, err := db.CreateFirstOwner(context.Background(), "王芳", "581320"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(context.Background(), "王芳", "581320"); err != nil {
		t.Fatal(err)
	}
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check after the demo: %v %v", problems, err)
	}
	t.Logf("demo shop: 3000 records, %d incidents, %d follow-ups in %.1f s", incidents, refunds, took.Seconds())
}

func TestApplyReminderDays(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the log file of a bad value
	old := posdesk.ReminderDays
	t.Cleanup(func() { posdesk.ReminderDays = old })
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "posdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
	for _, tt := range []struct {
		value string
		want  []int
	}{
		{"", old},
		{"14, 2, 0", []int{14, 2, 0}},
		{"soon", []int{14, 2, 0}}, // unreadable: the last good days stay
	} {
		if err := db.SetSetting(ctx, posdesk.SettingReminderDays, tt.value); err != nil {
			t.Fatal(err)
		}
		applyReminderDays(db)
		if !reflect.DeepEqual(posdesk.ReminderDays, tt.want) {
			t.Errorf("after %q ReminderDays = %v, want %v", tt.value, posdesk.ReminderDays, tt.want)
		}
	}
}
