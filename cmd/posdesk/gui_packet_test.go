package main

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
	"github.com/posdesk/posdesk/internal/ui"
)

// packetDB returns a database with two incidents; the first has a rotated slip photo, a PNG
// screenshot and a two-page statement PDF attached (the pdf package's fixtures).
func packetDB(t *testing.T) (db *sqlite.DB, inc, other *posdesk.Incident, atts []*posdesk.Attachment) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "posdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "Li", Role: posdesk.RoleOwner})
	if err := db.SetSetting(ctx, "shop.name", "好运来便利店"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		x := &posdesk.Incident{Kind: posdesk.IncidentChargedButFailed, Cause: posdesk.CauseNetwork, Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
			Amount: posdesk.CNY("268.00"), Story: "屏幕显示交易失败，顾客收到扣款短信", CreatedBy: "Li",
			Transactions: []*posdesk.Transaction{{Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Amount: posdesk.CNY("268.00"),
				Kind: posdesk.KindSale, Channel: posdesk.ChannelUnknownCard, Status: posdesk.StatusFailed, Terminal: "T0000001", Trace: "000123", RRN: "41234567890" + string(rune('1'+i))}}}
		if err := db.CreateIncident(ctx, x); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			inc = x
		} else {
			other = x
		}
	}
	for _, name := range []string{"slip_portrait.jpg", "sms_screenshot.png", "bank_statement.pdf"} {
		a, err := attach.IntakeFile(filepath.Join("..", "..", "internal", "pdf", "testdata", name), attach.Options{By: "Li"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddAttachment(ctx, inc.ID, a); err != nil {
			t.Fatal(err)
		}
		atts = append(atts, a)
	}
	return db, inc, other, atts
}

func TestGUIPacketsEstimateBuildPreview(t *testing.T) {
	db, inc, _, atts := packetDB(t)
	g := newGUIPackets(db, func() time.Time { return time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC) }, time.UTC)
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "Li", Role: posdesk.RoleOwner})
	req := ui.PacketRequest{IncidentID: inc.ID, Party: pdf.Acquirer, Preset: "stripe", Lang: pdf.LangBoth,
		Exhibits: []int64{atts[2].ID, atts[0].ID, atts[1].ID}}

	est, err := g.EstimatePacket(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var steps [][2]int
	res, err := g.BuildPacket(ctx, req, func(done, total int) { steps = append(steps, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Exhibits) != 3 || res.Exhibits[0].Pages != 2 || res.Exhibits[0].FirstPage >= res.Exhibits[1].FirstPage {
		t.Errorf("exhibits %+v: want the 2-page statement first, in the order asked", res.Exhibits)
	}
	if len(steps) == 0 || steps[len(steps)-1][0] != steps[len(steps)-1][1] {
		t.Errorf("progress %v does not end at done = total", steps)
	}
	t.Logf("estimate %d pages %d bytes; built %d pages %d bytes", est.Pages, est.Bytes, res.Pages, res.Bytes)
	if est.Pages < res.Pages*2/3 || est.Pages > res.Pages*3/2 {
		t.Errorf("estimate %d pages, built %d", est.Pages, res.Pages)
	}

	// Fewer exhibits, fewer pages; the cached attachments are not read again.
	req.Exhibits = req.Exhibits[1:]
	res2, err := g.BuildPacket(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Pages != res.Pages-2 {
		t.Errorf("without the statement %d pages, with it %d", res2.Pages, res.Pages)
	}

	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed: preview not tested")
	}
	pages, err := g.PreviewPages(ctx, res.PDF, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 {
		t.Fatalf("%d preview pages, want 3", len(pages))
	}
	img, err := png.Decode(bytes.NewReader(pages[0]))
	if err != nil || img.Bounds().Dx() < 200 || img.Bounds().Dy() <= img.Bounds().Dx() {
		t.Errorf("page 1 preview: %v, %v (want an A4 portrait PNG)", img.Bounds(), err)
	}
}

func TestGUIPacketsRefusesAndCancels(t *testing.T) {
	db, inc, other, atts := packetDB(t)
	g := newGUIPackets(db, time.Now, time.UTC)
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "Li", Role: posdesk.RoleOwner})

	// A file of another incident is refused.
	_, err := g.EstimatePacket(ctx, ui.PacketRequest{IncidentID: other.ID, Exhibits: []int64{atts[0].ID}})
	if posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Errorf("another incident's file: %v", err)
	}
	// Without a shop name the meter already says what to fill in.
	if err := db.SetSetting(ctx, "shop.name", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := g.EstimatePacket(ctx, ui.PacketRequest{IncidentID: inc.ID}); posdesk.ErrorField(err) != "shop" {
		t.Errorf("no shop name: %v", err)
	}
	if err := db.SetSetting(ctx, "shop.name", "好运来便利店"); err != nil {
		t.Fatal(err)
	}
	// A cancelled build stops with the context's error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = g.BuildPacket(cctx, ui.PacketRequest{IncidentID: inc.ID, Exhibits: []int64{atts[0].ID, atts[1].ID}}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build: %v", err)
	}
	// Without a page renderer the preview says ENOTFOUND (the screen lists pages instead).
	g.pdftoppm = ""
	t.Setenv("PATH", t.TempDir())
	if _, err := g.PreviewPages(ctx, []byte("%PDF-1.4"), 2); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("preview without pdftoppm: %v", err)
	}
}
