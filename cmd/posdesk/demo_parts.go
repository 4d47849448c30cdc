package main

import (
	"time"

	"github.com/posdesk/posdesk/internal/demo"
)

// The demo shop's incidents and the refund follow-ups that come from them. The storage clock is
// moved to each step's time while they are loaded, so timelines, ages and reminders look like a
// shop that has been using posdesk for weeks; it is put back afterwards.
func init() {
	var incidents []*demo.Incident
	demoParts = append(demoParts,
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
