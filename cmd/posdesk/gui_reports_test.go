package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/ui"
)

func TestGUIReportsMonthlyAndExports(t *testing.T) {
	db, inc, _, _ := packetDB(t)
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "Li", Role: posdesk.RoleOwner})
	g := &guiReports{db: db, now: func() time.Time { return time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC) }, loc: time.UTC}

	rep, pdf, err := g.MonthlyReport(ctx, posdesk.NewDate(2026, 3, 1), posdesk.NewDate(2026, 3, 31), i18n.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Incidents.Count != 2 || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("report of March: %d incidents, %d bytes starting %q", rep.Incidents.Count, len(pdf), pdf[:min(8, len(pdf))])
	}

	var progress [][2]int
	out, n, err := g.ExportCSV(ctx, ui.ExportIncidents, i18n.English, func(d, total int) { progress = append(progress, [2]int{d, total}) })
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(recs) != 3 || recs[0][0] != "Number" || (recs[1][0] != inc.Number && recs[2][0] != inc.Number) {
		t.Errorf("incidents export: %d rows, %v", n, recs)
	}
	if len(progress) == 0 || progress[len(progress)-1] != [2]int{2, 2} {
		t.Errorf("progress %v", progress)
	}
	if out, n, err := g.ExportCSV(ctx, ui.ExportRefunds, i18n.Chinese, nil); err != nil || n != 0 || !bytes.Contains(out, []byte("退款")) {
		t.Errorf("refunds export: %d rows, %q, %v", n, out, err)
	}
	if _, _, err := g.ExportCSV(ctx, "staff", i18n.English, nil); posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("unknown export: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := g.ExportCSV(cctx, ui.ExportIncidents, i18n.English, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled export: %v", err)
	}
}
