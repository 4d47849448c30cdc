package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// demoSeed is the seed of the demo shop the first-run wizard offers: every new demo shop is the
// same one, so help and screenshots match what people see.
const demoSeed = 1

// demoData is the first-run wizard's demo shop (ui.DemoData): the ledger and the demoParts of
// posdesk demo (incidents, refund follow-ups, the shop's details the wizard left empty), stored
// through a second handle on the database so that the demo's clock (timelines dated in the past
// weeks) never touches the window's.
type demoData struct {
	path string           // the database file
	now  func() time.Time // the demo's "now": its last record is no later
	loc  *time.Location   // the shop's time zone; nil means the PC's
	n    int              // ledger records
}

func (d *demoData) location() *time.Location {
	if d.loc != nil {
		return d.loc
	}
	return time.Local
}

// Shop returns the demo shop's name and merchant ID; the demo's "shop details" part fills in
// the address, phone and acquirer left empty.
func (d *demoData) Shop() posdesk.Shop {
	s := demo.NewShop(demo.Config{Seed: demoSeed, Transactions: d.n, End: d.now(), Loc: d.location()})
	return posdesk.Shop{Name: s.Name, MerchantID: s.Merchant}
}

// Load stores the demo records as the user in ctx: the ledger in one transaction, then each
// demo part in turn.
func (d *demoData) Load(ctx context.Context, progress func(done float64, what string)) error {
	db, err := sqlite.Open(d.path)
	if err != nil {
		return err
	}
	defer db.Close()
	e := &env{Ctx: ctx, DB: db, DBPath: d.path, Lang: i18n.Current(), Stdout: io.Discard, Stderr: io.Discard,
		Stdin: strings.NewReader(""), Now: d.now, Loc: d.location()}
	end := d.now()
	var shop *demo.Shop
	progress(0.05, i18n.T("Making up %d sales and what went wrong with them...", d.n))
	if _, err := db.CreateTransactionsFrom(ctx, posdesk.SourceDemo, func(first int64) iter.Seq[*posdesk.Transaction] {
		shop = demo.NewShop(demo.Config{Seed: demoSeed, Transactions: d.n, End: end, Loc: e.Loc, FirstID: first})
		return shop.Transactions()
	}); err != nil {
		return err
	}
	for i, p := range demoParts {
		progress(0.5+0.5*float64(i)/float64(len(demoParts)), i18n.T("Adding the demo shop's %s...", i18n.T(p.Name)))
		if _, err := p.Run(e, shop); err != nil {
			return fmt.Errorf("demo %s: %w", p.Name, err)
		}
	}
	progress(1, i18n.T("The demo shop is ready."))
	return nil
}

// applyReminderDays makes the refund reminders use the days chosen in Settings
// (refund.reminder_days); a value that does not read is logged and the defaults stay.
func applyReminderDays(db *sqlite.DB) {
	v, err := db.Setting(context.Background(), posdesk.SettingReminderDays, "")
	if err != nil || v == "" {
		return
	}
	days, err := posdesk.ParseReminderDays(v)
	if err != nil {
		logError(fmt.Errorf("setting %s: %w", posdesk.SettingReminderDays, err))
		return
	}
	posdesk.ReminderDays = days
}
