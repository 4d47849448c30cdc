package main

import (
	"bytes"
	"context"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/report"
	"github.com/posdesk/posdesk/internal/sqlite"
	"github.com/posdesk/posdesk/internal/ui"
)

// guiReports writes the Reports screen's files (ui.ReportService) as `posdesk report` and
// `posdesk export` do.
type guiReports struct {
	db  *sqlite.DB
	now func() time.Time
	loc *time.Location // the zone when the shop has none set
}

var _ ui.ReportService = (*guiReports)(nil)

// exportPage is how many records an export reads at a time (and between progress reports).
const exportPage = 500

// MonthlyReport implements ui.ReportService.
func (g *guiReports) MonthlyReport(ctx context.Context, month, today posdesk.Date, lang i18n.Lang) (*posdesk.MonthlyReport, []byte, error) {
	rep, err := g.db.MonthlyReport(ctx, month, today)
	if err != nil {
		return nil, nil, err
	}
	shop, err := g.db.Setting(ctx, "shop.name", "")
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	out, err := report.MonthlyPDF(rep, report.MonthlyOptions{Shop: shop, Lang: lang, Now: g.now})
	if err != nil {
		return nil, nil, err
	}
	return rep, out, nil
}

// ExportCSV implements ui.ReportService.
func (g *guiReports) ExportCSV(ctx context.Context, kind string, lang i18n.Lang, progress func(done, total int)) ([]byte, int, error) {
	if progress == nil {
		progress = func(int, int) {}
	}
	var buf bytes.Buffer
	opts := report.CSVOptions{Lang: lang, Loc: shopLocation(ctx, g.db, g.loc)}
	switch kind {
	case ui.ExportIncidents:
		var all []*posdesk.Incident
		for offset := 0; ; offset += exportPage {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
			page, total, err := g.db.FindIncidents(ctx, posdesk.IncidentFilter{Limit: exportPage, Offset: offset})
			if err != nil {
				return nil, 0, err
			}
			all = append(all, page...)
			progress(len(all), total)
			if len(page) == 0 || len(all) >= total {
				break
			}
		}
		if err := report.WriteIncidentsCSV(&buf, all, opts); err != nil {
			return nil, 0, err
		}
		return buf.Bytes(), len(all), nil
	case ui.ExportRefunds:
		all, _, err := g.db.FindRefunds(ctx, posdesk.RefundFilter{})
		if err != nil {
			return nil, 0, err
		}
		numbers := map[int64]string{}
		for i, r := range all {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
			if r.IncidentID != 0 && numbers[r.IncidentID] == "" {
				inc, err := g.db.FindIncidentByID(ctx, r.IncidentID)
				if err != nil {
					return nil, 0, err
				}
				numbers[r.IncidentID] = inc.Number
			}
			if i%exportPage == 0 {
				progress(i, len(all))
			}
		}
		progress(len(all), len(all))
		if err := report.WriteRefundsCSV(&buf, all, numbers, opts); err != nil {
			return nil, 0, err
		}
		return buf.Bytes(), len(all), nil
	}
	return nil, 0, posdesk.Invalid("kind", "Export %q is not known; export incidents or refunds.", kind)
}
