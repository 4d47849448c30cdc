package main

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// demoSeed is the seed of the demo shop the first-run wizard offers: every new demo shop is the
// same one, so help and screenshots match what people see.
const demoSeed = 1

// demoData is the first-run wizard's demo shop (ui.DemoData): internal/demo's ledger, incidents
// and refund follow-ups, stored through a second handle on the database so that the demo's clock
// (timelines dated in the past weeks) never touches the window's.
type demoData struct {
	path string           // the database file
	now  func() time.Time // the demo's "now": its last record is no later
	loc  *time.Location   // the shop's time zone; nil means demo.ShopZone
	n    int              // ledger records
}

// Shop returns the demo shop's details.
func (d *demoData) Shop() posdesk.Shop {
	s := demo.NewShop(demo.Config{Seed: demoSeed, Transactions: d.n, End: d.now(), Loc: d.loc})
	return posdesk.Shop{Name: s.Name, MerchantID: s.Merchant, Acquirer: "银联商务 UnionPay Merchant Services",
		Address: "深圳市南山区科技园南路 88 号", Phone: "0755-8866 1234", Contact: "王芳"}
}

// Load stores the demo records as the user in ctx: the ledger in one transaction, then the
// incidents and the follow-ups with their histories.
func (d *demoData) Load(ctx context.Context, progress func(done float64, what string)) error {
	db, err := sqlite.Open(d.path)
	if err != nil {
		return err
	}
	defer db.Close()
	end := d.now()
	var shop *demo.Shop
	progress(0.05, i18n.T("Making up %d sales and what went wrong with them...", d.n))
	if _, err := db.CreateTransactionsFrom(ctx, posdesk.SourceDemo, func(first int64) iter.Seq[*posdesk.Transaction] {
		shop = demo.NewShop(demo.Config{Seed: demoSeed, Transactions: d.n, End: end, Loc: d.loc, FirstID: first})
		return shop.Transactions()
	}); err != nil {
		return err
	}
	setNow := func(t time.Time) { db.Now = func() time.Time { return t } }
	incidents := shop.Incidents()
	progress(0.5, i18n.T("Logging %d incidents and the calls about them...", len(incidents)))
	if err := demo.LoadIncidents(ctx, db, incidents, setNow); err != nil {
		return fmt.Errorf("demo incidents: %w", err)
	}
	refunds := shop.Refunds(demo.IncidentsOf(incidents))
	progress(0.8, i18n.T("Following up %d refunds and claims...", len(refunds)))
	if err := demo.LoadRefunds(ctx, db, refunds, setNow); err != nil {
		return fmt.Errorf("demo refunds: %w", err)
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
