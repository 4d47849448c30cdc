package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
	"github.com/posdesk/posdesk/internal/ui"
)

// guiPackets builds evidence packs for the window (ui.PacketBuilder): it composes the packet
// from the database as `posdesk packet` does, with the attachments the screen chose, in its
// order.
type guiPackets struct {
	db  *sqlite.DB
	now func() time.Time
	loc *time.Location // the zone when the shop has none set
	// pdftoppm is the page renderer's path; "" looks it up on PATH.
	pdftoppm string

	build sync.Mutex // one build at a time: the renderer's Progress is per build
	r     *pdf.Renderer

	mu     sync.Mutex
	attsOf int64                         // the incident whose attachments are cached
	atts   map[int64]*posdesk.Attachment // full attachments (with their data) by ID
}

var _ ui.PacketBuilder = (*guiPackets)(nil)

func newGUIPackets(db *sqlite.DB, now func() time.Time, loc *time.Location) *guiPackets {
	return &guiPackets{db: db, now: now, loc: loc, r: &pdf.Renderer{Now: now}}
}

// attachment returns attachment id of incident inc with its data, from the cache when the
// screen asked for it before. One of another incident is refused.
func (g *guiPackets) attachment(ctx context.Context, inc, id int64) (*posdesk.Attachment, error) {
	g.mu.Lock()
	if g.attsOf != inc {
		g.attsOf, g.atts = inc, map[int64]*posdesk.Attachment{}
	}
	a := g.atts[id]
	g.mu.Unlock()
	if a != nil {
		return a, nil
	}
	a, err := g.db.FindAttachmentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.IncidentID != inc {
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %[1]q belongs to another incident; choose the files of this one.", a.FileName)
	}
	g.mu.Lock()
	if g.attsOf == inc {
		g.atts[id] = a
	}
	g.mu.Unlock()
	return a, nil
}

// compose builds the packet req describes from the database.
func (g *guiPackets) compose(ctx context.Context, req ui.PacketRequest) (pdf.Packet, error) {
	inc, err := g.db.FindIncidentByID(ctx, req.IncidentID)
	if err != nil {
		return pdf.Packet{}, err
	}
	atts := make([]*posdesk.Attachment, 0, len(req.Exhibits))
	for _, id := range req.Exhibits {
		a, err := g.attachment(ctx, inc.ID, id)
		if err != nil {
			return pdf.Packet{}, err
		}
		atts = append(atts, a)
	}
	shop, loc := pdf.ShopFromSettings(func(key string) string {
		v, _ := g.db.Setting(ctx, key, "")
		return v
	})
	if strings.TrimSpace(shop.Name) == "" {
		return pdf.Packet{}, posdesk.Invalid("shop", "The shop name is empty; the letter needs it. Fill it in under Settings, then build the pack.")
	}
	if loc == nil {
		loc = g.loc
	}
	p := pdf.FromIncident(inc, atts, shop, loc, req.Lang, req.Party)
	p.Preset = req.Preset
	p.Grayscale = req.Grayscale
	if head, err := g.db.AuditHead(ctx); err == nil {
		p.AuditHead = head.Short()
	}
	return p, nil
}

// EstimatePacket implements ui.PacketBuilder.
func (g *guiPackets) EstimatePacket(ctx context.Context, req ui.PacketRequest) (pdf.Estimate, error) {
	p, err := g.compose(ctx, req)
	if err != nil {
		return pdf.Estimate{}, err
	}
	return pdf.EstimatePacket(p)
}

// BuildPacket implements ui.PacketBuilder. Builds share one renderer, so a rebuild after a
// change of order or language does not decode the photos again.
func (g *guiPackets) BuildPacket(ctx context.Context, req ui.PacketRequest, progress func(done, total int)) (*pdf.Result, error) {
	if err := g.db.Authorize(ctx, posdesk.ActBuildPacket); err != nil {
		return nil, err
	}
	p, err := g.compose(ctx, req)
	if err != nil {
		return nil, err
	}
	g.build.Lock()
	defer g.build.Unlock()
	g.r.Progress = progress
	defer func() { g.r.Progress = nil }()
	return g.r.Build(ctx, p)
}

// PreviewPages implements ui.PacketBuilder with poppler's pdftoppm, at 60 DPI.
func (g *guiPackets) PreviewPages(ctx context.Context, packet []byte, n int) ([][]byte, error) {
	tool := g.pdftoppm
	if tool == "" {
		var err error
		if tool, err = exec.LookPath("pdftoppm"); err != nil {
			return nil, posdesk.Errorf(posdesk.ENOTFOUND, "No PDF page renderer (pdftoppm from poppler-utils) is installed on this PC.")
		}
	}
	dir, err := os.MkdirTemp("", "posdesk-preview-")
	if err != nil {
		return nil, fmt.Errorf("preview dir: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "pack.pdf")
	if err := os.WriteFile(in, packet, 0o600); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	cmd := exec.CommandContext(ctx, tool, "-png", "-r", "60", "-f", "1", "-l", fmt.Sprint(n), in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e := posdesk.Errorf(posdesk.EINTERNAL, "The pages could not be drawn for the preview; open the pack in the PDF viewer instead.")
		e.Err = fmt.Errorf("pdftoppm: %w: %s", err, strings.TrimSpace(string(out)))
		return nil, e
	}
	names, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	sort.Strings(names) // pdftoppm pads the numbers to the same width
	pages := make([][]byte, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("preview: %w", err)
		}
		pages = append(pages, b)
	}
	return pages, nil
}
