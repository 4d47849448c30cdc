package main

import (
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The demo shop's incidents and the refund follow-ups that come from them. The storage clock is
// moved to each step's time while they are loaded, so timelines, ages and reminders look like a
// shop that has been using posdesk for weeks; it is put back afterwards.
func init() {
	var incidents []*demo.Incident
	demoParts = append(demoParts,
		demoPart{Name: "shop details", Run: demoShopDetails},
		demoPart{Name: "incidents", Run: func(e *env, shop *demo.Shop) (int, error) {
			incidents = shop.Incidents()
			restore := e.DB.Now
			defer func() { e.DB.Now = restore }()
			err := demo.LoadIncidents(e.Ctx, e.DB, incidents, func(t time.Time) { e.DB.Now = func() time.Time { return t } })
			return len(incidents), err
		}},
		demoPart{Name: "refund follow-ups", Run: func(e *env, shop *demo.Shop) (int, error) {
			refunds := shop.Refunds(demo.IncidentsOf(incidents))
			restore := e.DB.Now
			defer func() { e.DB.Now = restore }()
			err := demo.LoadRefunds(e.Ctx, e.DB, refunds, func(t time.Time) { e.DB.Now = func() time.Time { return t } })
			return len(refunds), err
		}},
	)
}

// demoShopDetails fills in the shop's details (name, merchant ID, address, phone, acquirer) when
// none are set, so the window's title and the demo's evidence packets have a shop to speak for.
// Details the owner already entered are kept.
func demoShopDetails(e *env, shop *demo.Shop) (int, error) {
	n := 0
	for _, kv := range [][2]string{
		{posdesk.SettingShopName, shop.Name},
		{posdesk.SettingShopMerchantID, shop.Merchant},
		{posdesk.SettingShopAddress, "上海市黄浦区示例路 88 号 / 88 Example Road, Huangpu, Shanghai"},
		{posdesk.SettingShopPhone, "021-5555 0188"},
		{posdesk.SettingShopAcquirer, "示例收单机构 / Example Acquirer"},
	} {
		cur, err := e.DB.Setting(e.Ctx, kv[0], "")
		if err != nil {
			return n, err
		}
		if cur != "" {
			continue
		}
		if err := e.DB.SetSetting(e.Ctx, kv[0], kv[1]); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
