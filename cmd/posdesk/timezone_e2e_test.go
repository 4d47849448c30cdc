package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// tzShopCLI returns a command line whose PC runs on Los Angeles time while the shop's time zone
// (setting shop.timezone, as the Settings screen saves it) is Shanghai's, 15 or 16 hours ahead:
// a time near midnight falls on another date in each. With shop "" no shop time zone is set.
func tzShopCLI(t *testing.T, shop string) (*incCLI, *time.Location) {
	t.Helper()
	locs := map[string]*time.Location{}
	for _, name := range []string{"Asia/Shanghai", "America/Los_Angeles"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no tz data for %s", name)
		}
		locs[name] = loc
	}
	c := newIncCLI(t)
	c.env = []string{"TZ=America/Los_Angeles"} // later in the environment than the default TZ
	if shop == "" {
		return c, locs["America/Los_Angeles"]
	}
	db, err := sqlite.Open(c.db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
	if err := db.SetSetting(ctx, sqlite.ShopTimezoneSetting, shop); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return c, locs[shop]
}

// TestTimezoneE2EIncidentTimeInShopZone: the time typed for an incident is the shop's wall
// clock, and a bare clock time is on the shop's today, whatever zone the PC is set to.
func TestTimezoneE2EIncidentTimeInShopZone(t *testing.T) {
	c, shop := tzShopCLI(t, "Asia/Shanghai")
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "other", "--amount", "12.00", "--time", "2026-09-20 23:30"))
	if got, want := c.show(id)["time"], "2026-09-20T15:30:00Z"; got != want {
		t.Errorf("--time 2026-09-20 23:30 in a Shanghai shop on a Los Angeles PC: stored %v, want %s", got, want)
	}

	// "23:50" alone is today in Shanghai, which is often not the PC's today.
	before := time.Now().In(shop)
	id = strings.TrimSpace(c.ok("incident", "add", "--kind", "other", "--amount", "12.00", "--time", "23:50"))
	after := time.Now().In(shop)
	got := c.show(id)["time"]
	var want []string
	for _, n := range []time.Time{before, after} {
		want = append(want, time.Date(n.Year(), n.Month(), n.Day(), 23, 50, 0, 0, shop).UTC().Format(time.RFC3339))
	}
	if got != want[0] && got != want[1] {
		t.Errorf("--time 23:50 in a Shanghai shop on a Los Angeles PC: stored %v, want %s (23:50 on the shop's today)", got, want[0])
	}

	// A shop without a time zone setting keeps the PC's.
	c, _ = tzShopCLI(t, "")
	id = strings.TrimSpace(c.ok("incident", "add", "--kind", "other", "--amount", "12.00", "--time", "2026-09-20 23:30"))
	if got, want := c.show(id)["time"], "2026-09-21T06:30:00Z"; got != want {
		t.Errorf("no shop time zone, Los Angeles PC: stored %v, want %s", got, want)
	}
}

// TestTimezoneE2EExportInShopZone: posdesk export writes an incident's time on the shop's clock,
// not the PC's, so a payment at 23:30 in Shanghai is not listed on the morning of that day.
func TestTimezoneE2EExportInShopZone(t *testing.T) {
	c, _ := tzShopCLI(t, "Asia/Shanghai")
	c.ok("incident", "add", "--kind", "other", "--amount", "12.00", "--time", "2026-09-20T23:30:00+08:00")
	path := filepath.Join(t.TempDir(), "incidents.csv")
	c.ok("export", "incidents", "-o", path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "2026-09-20 23:30"; !strings.Contains(got, want) {
		t.Errorf("incidents CSV of a Shanghai shop on a Los Angeles PC lacks %q (the shop's clock):\n%s", want, got)
	}
	if strings.Contains(string(b), "2026-09-20 08:30") {
		t.Errorf("incidents CSV shows the PC's clock:\n%s", b)
	}
}

// TestTimezoneE2EShownInShopZone: every command reads and prints times on the shop's clock, so
// the time typed for an incident comes back unchanged from incident show, on any PC.
func TestTimezoneE2EShownInShopZone(t *testing.T) {
	c, _ := tzShopCLI(t, "Asia/Shanghai")
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "other", "--amount", "12.00", "--time", "2026-09-20 23:30"))
	if out := c.ok("incident", "show", id); !strings.Contains(out, "2026-09-20 23:30") {
		t.Errorf("incident show in a Shanghai shop on a Los Angeles PC does not say 2026-09-20 23:30:\n%s", out)
	}
}
