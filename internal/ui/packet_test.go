package ui

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// mockPackets is a function-field mock of PacketBuilder; a call to an unset function panics.
type mockPackets struct {
	EstimatePacketFn func(ctx context.Context, req PacketRequest) (pdf.Estimate, error)
	BuildPacketFn    func(ctx context.Context, req PacketRequest, progress func(done, total int)) (*pdf.Result, error)
	PreviewPagesFn   func(ctx context.Context, packet []byte, n int) ([][]byte, error)
}

func (m *mockPackets) EstimatePacket(ctx context.Context, req PacketRequest) (pdf.Estimate, error) {
	return m.EstimatePacketFn(ctx, req)
}

func (m *mockPackets) BuildPacket(ctx context.Context, req PacketRequest, progress func(done, total int)) (*pdf.Result, error) {
	return m.BuildPacketFn(ctx, req, progress)
}

func (m *mockPackets) PreviewPages(ctx context.Context, packet []byte, n int) ([][]byte, error) {
	return m.PreviewPagesFn(ctx, packet, n)
}

// packetFixture is an incident with three files behind fake services, and a packet builder that
// records what it was asked and forecasts 3 pages plus one per exhibit, 1 MB per exhibit.
type packetFixture struct {
	incs      *fakeIncidents
	inc       *posdesk.Incident
	svc       *mockPackets
	estimates []PacketRequest
	builds    []PacketRequest
	progress  [][2]int
	hashes    []string
}

const testPacketSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func newPacketFixture(t *testing.T) *packetFixture {
	t.Helper()
	f := &packetFixture{incs: newFakeIncidents()}
	f.inc = f.incs.add(posdesk.IncidentChargedButFailed, posdesk.IncidentOpen, 5)
	f.incs.atts[f.inc.ID] = []*posdesk.Attachment{
		{ID: 11, IncidentID: f.inc.ID, Kind: posdesk.AttachmentSlipPhoto, FileName: "slip.jpg", MediaType: posdesk.MediaJPEG, Thumbnail: pngBytes(t, 40, 60), ThumbnailType: posdesk.MediaPNG},
		{ID: 12, IncidentID: f.inc.ID, Kind: posdesk.AttachmentScreenshot, FileName: "sms.png", Caption: "银行短信", MediaType: posdesk.MediaPNG, Thumbnail: pngBytes(t, 30, 60), ThumbnailType: posdesk.MediaPNG},
		{ID: 13, IncidentID: f.inc.ID, Kind: posdesk.AttachmentStatement, FileName: "statement.pdf", MediaType: posdesk.MediaPDF, Pages: 2},
	}
	f.incs.svc.SetPacketHashFn = func(_ context.Context, id int64, sha string, at time.Time) error {
		if id != f.inc.ID || !at.Equal(testNow) {
			t.Errorf("SetPacketHash(%d, %s, %v)", id, sha, at)
		}
		f.hashes = append(f.hashes, sha)
		return nil
	}
	f.svc = &mockPackets{
		EstimatePacketFn: func(_ context.Context, req PacketRequest) (pdf.Estimate, error) {
			f.estimates = append(f.estimates, req)
			preset, err := pdf.FindPreset(req.Preset)
			if err != nil {
				return pdf.Estimate{}, err
			}
			n := len(req.Exhibits)
			est := pdf.Estimate{Pages: 3 + n, Bytes: int64(n) * 1_000_000, FullBytes: int64(n) * 1_000_000, Preset: preset}
			est.FitsPages = preset.MaxPages == 0 || est.Pages <= preset.MaxPages
			est.FitsBytes = est.Bytes <= preset.TargetBytes
			return est, nil
		},
		BuildPacketFn: func(ctx context.Context, req PacketRequest, progress func(done, total int)) (*pdf.Result, error) {
			f.builds = append(f.builds, req)
			for i := 1; i <= 3; i++ {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				progress(i, 3)
			}
			res := &pdf.Result{PDF: []byte("%PDF-1.4 test pack"), Pages: 3 + len(req.Exhibits), Bytes: 1_234_567, SHA256: testPacketSHA}
			for i := range req.Exhibits {
				res.Exhibits = append(res.Exhibits, pdf.ExhibitResult{Name: "EX" + string(rune('1'+i)), FirstPage: 4 + i, Pages: 1})
			}
			return res, nil
		},
		PreviewPagesFn: func(_ context.Context, packet []byte, n int) ([][]byte, error) {
			if n < 1 || len(packet) == 0 {
				t.Errorf("PreviewPages(%d bytes, %d)", len(packet), n)
			}
			return [][]byte{pngBytes(t, 20, 28), pngBytes(t, 20, 28)}, nil
		},
	}
	return f
}

func (f *packetFixture) services() Services {
	return Services{Incidents: f.incs.svc, Packets: f.svc}
}

// findButton returns the button labelled text among objs (searched in depth), or nil.
func findButton(objs []fyne.CanvasObject, text string) *widget.Button {
	for _, o := range objs {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				return x
			}
		case *fyne.Container:
			if b := findButton(x.Objects, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func TestPacketButtonOnlyForThoseWhoMayBuildPacks(t *testing.T) {
	f := newPacketFixture(t)
	for _, c := range []struct {
		role posdesk.Role
		svc  bool
		want bool
	}{
		{posdesk.RoleCashier, true, false},
		{posdesk.RoleManager, true, true},
		{posdesk.RoleOwner, true, true},
		{posdesk.RoleOwner, false, false}, // no packet service wired: no button
	} {
		s := f.services()
		if !c.svc {
			s.Packets = nil
		}
		w, q := newTestWindow(t, s, &posdesk.User{Name: "x", Role: c.role})
		d := NewIncidentDetail(w, f.inc.ID, nil)
		q.drain()
		b := findButton(d.tools.Objects, "Build evidence packet…")
		if got := b != nil; got != c.want {
			t.Errorf("%s (service %v): button shown %v, want %v", c.role, c.svc, got, c.want)
		}
		if b != nil {
			test.Tap(b)
			q.drain()
			if n := len(w.Canvas().Overlays().List()); n != 1 {
				t.Errorf("tapping the button opened %d dialogs", n)
			}
			if len(f.estimates) == 0 || f.estimates[len(f.estimates)-1].IncidentID != f.inc.ID {
				t.Errorf("the dialog did not estimate the incident's pack: %v", f.estimates)
			}
		}
	}
}

func TestPacketChoicesReachTheRequestAndTheMeter(t *testing.T) {
	f := newPacketFixture(t)
	w, q := newTestWindow(t, f.services(), owner)
	atts, _ := f.incs.svc.FindAttachments(context.Background(), f.inc.ID)
	p := OpenPacketDialog(w, f.inc, atts, nil)
	q.drain()

	got := f.estimates[len(f.estimates)-1]
	want := PacketRequest{IncidentID: f.inc.ID, Party: pdf.DefaultParty(f.inc), Preset: "acquirer", Lang: pdf.LangEn, Exhibits: []int64{11, 12, 13}}
	if !got.equal(want) {
		t.Fatalf("first estimate for %+v, want %+v", got, want)
	}
	pages, size, _, warn := p.Meter()
	if pages != "About 6 of 50 pages" || size != "About 3.0 MB of 8.0 MB" || warn != "" {
		t.Errorf("meter %q, %q, warning %q", pages, size, warn)
	}

	// Order, leaving out, grayscale, language, party and preset all reach the request.
	p.Move(2, -1) // statement.pdf before sms.png
	p.Move(0, -1) // first one cannot go up
	p.SetIncluded(0, false)
	test.Tap(p.gray)
	p.lang.SetSelected("Chinese and English")
	p.party.SetSelected("The cardholder's bank (issuing bank)")
	p.preset.SetSelected("Visa (via acquirer)")
	q.drain()
	got = f.estimates[len(f.estimates)-1]
	want = PacketRequest{IncidentID: f.inc.ID, Party: pdf.IssuingBank, Preset: "visa", Lang: pdf.LangBoth, Exhibits: []int64{13, 12}, Grayscale: true}
	if !got.equal(want) {
		t.Fatalf("estimate after the changes for %+v, want %+v", got, want)
	}
	ids, in := p.Exhibits()
	if !slices.Equal(ids, []int64{11, 13, 12}) || !slices.Equal(in, []bool{false, true, true}) {
		t.Errorf("exhibit list %v included %v", ids, in)
	}
	// Two exhibits are 2 MB: over Visa's 1.9 MB; the warning says so in words.
	pages, size, _, warn = p.Meter()
	if pages != "About 5 of 100 pages" || size != "About 2.0 MB of 1.9 MB" || !strings.Contains(warn, "too big for Visa") {
		t.Errorf("meter over the limit %q, %q, warning %q", pages, size, warn)
	}
	if !p.meterWarn.Visible() || p.meterWarn.Importance != widget.DangerImportance {
		t.Error("the too-big warning is not shown in red")
	}
}

func TestPacketMeterShowsEstimateErrors(t *testing.T) {
	f := newPacketFixture(t)
	f.svc.EstimatePacketFn = func(context.Context, PacketRequest) (pdf.Estimate, error) {
		return pdf.Estimate{}, posdesk.Errorf(posdesk.ENOTFOUND, "Attachment %d does not exist.", 12)
	}
	w, q := newTestWindow(t, f.services(), owner)
	p := OpenPacketDialog(w, f.inc, f.incs.atts[f.inc.ID], nil)
	q.drain()
	if pages, _, _, warn := p.Meter(); !strings.Contains(warn, "Attachment 12 does not exist") || pages != "Pages: unknown" {
		t.Errorf("estimate error not shown: %q, %q", pages, warn)
	}
}

func TestPacketBuildPreviewSaveRecordsHash(t *testing.T) {
	f := newPacketFixture(t)
	w, q := newTestWindow(t, f.services(), owner)
	reloads := 0
	p := OpenPacketDialog(w, f.inc, f.incs.atts[f.inc.ID], func() { reloads++ })
	q.drain()

	test.Tap(p.buildBtn)
	if !p.Building() || !p.cancelBtn.Visible() || !p.progress.Visible() || !p.saveBtn.Disabled() {
		t.Fatal("no progress, cancel button or disabled save while building")
	}
	q.drain()
	if p.Building() || p.cancelBtn.Visible() || len(f.builds) != 1 {
		t.Fatalf("after the build: building %v, %d builds", p.Building(), len(f.builds))
	}
	if n := len(p.preview.Objects); n != 2 || !strings.Contains(p.PreviewNote(), "first 2 of 6 pages") {
		t.Errorf("preview shows %d pages, note %q", n, p.PreviewNote())
	}
	if pages, size, _, _ := p.Meter(); pages != "6 of 50 pages" || size != "1.2 MB of 8.0 MB" {
		t.Errorf("meter after the build %q %q", pages, size)
	}
	if len(f.hashes) != 0 {
		t.Error("building alone recorded a hash")
	}

	// Saving writes the built pack (no second build) and records its SHA-256 once.
	var out closeBuffer
	p.SaveTo(&out, "/tmp/INC.pdf")
	q.drain()
	if out.String() != "%PDF-1.4 test pack" || !out.closed || len(f.builds) != 1 {
		t.Fatalf("saved %q (closed %v) after %d builds", out.String(), out.closed, len(f.builds))
	}
	if !slices.Equal(f.hashes, []string{testPacketSHA}) || reloads != 1 || !strings.Contains(p.Status(), "recorded on "+f.inc.Number) {
		t.Errorf("hashes %v, reloads %d, status %q", f.hashes, reloads, p.Status())
	}

	// A change invalidates the pack: saving again builds again.
	p.SetIncluded(1, false)
	var again closeBuffer
	p.SaveTo(&again, "/tmp/INC2.pdf")
	q.drain()
	if len(f.builds) != 2 || !slices.Equal(f.builds[1].Exhibits, []int64{11, 13}) || again.Len() == 0 {
		t.Errorf("builds %v after a change", f.builds)
	}

	// Save… asks where (the pack is built already) and a page opens large.
	before := len(w.Canvas().Overlays().List())
	test.Tap(p.saveBtn)
	q.drain()
	if n := len(w.Canvas().Overlays().List()); n != before+1 || len(f.builds) != 2 {
		t.Errorf("Save… opened %d dialogs after %d builds", n-before, len(f.builds))
	}
	before = len(w.Canvas().Overlays().List())
	test.Tap(p.preview.Objects[0].(*fyne.Container).Objects[1].(*widget.Button))
	if n := len(w.Canvas().Overlays().List()); n != before+1 {
		t.Errorf("tapping page 1 opened %d dialogs", n-before)
	}
}

func TestPacketOpenInViewerWritesAFileURL(t *testing.T) {
	f := newPacketFixture(t)
	w, q := newTestWindow(t, f.services(), owner)
	p := OpenPacketDialog(w, f.inc, f.incs.atts[f.inc.ID], nil)
	p.tempDir = t.TempDir()
	var opened []*url.URL
	p.openURL = func(u *url.URL) error { opened = append(opened, u); return nil }
	q.drain()
	test.Tap(p.openBtn) // builds first
	q.drain()
	if len(opened) != 1 || opened[0].Scheme != "file" {
		t.Fatalf("opened %v", opened)
	}
	b, err := os.ReadFile(opened[0].Path)
	if err != nil || string(b) != "%PDF-1.4 test pack" {
		t.Fatalf("the file opened holds %q, %v", b, err)
	}
	if len(f.hashes) != 1 {
		t.Errorf("opening did not record the hash: %v", f.hashes)
	}
	// A viewer that cannot start is said in the status line.
	p.openURL = func(*url.URL) error { return errors.New("xdg-open: not found") }
	p.OpenInViewer()
	q.drain()
	if !strings.Contains(p.Status(), "Could not open a viewer") || p.status.Importance != widget.DangerImportance {
		t.Errorf("status %q", p.Status())
	}
}

func TestPacketPreviewFallsBackToAPageList(t *testing.T) {
	f := newPacketFixture(t)
	f.svc.PreviewPagesFn = func(context.Context, []byte, int) ([][]byte, error) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "No PDF page renderer (pdftoppm from poppler-utils) is installed on this PC.")
	}
	w, q := newTestWindow(t, f.services(), owner)
	p := OpenPacketDialog(w, f.inc, f.incs.atts[f.inc.ID], nil)
	q.drain()
	p.Build(nil)
	q.drain()
	if !strings.Contains(p.PreviewNote(), "cannot draw PDF pages") {
		t.Errorf("note %q", p.PreviewNote())
	}
	// The front matter and one tile per exhibit, each saying its pages.
	if n := len(p.preview.Objects); n != 4 {
		t.Fatalf("page list has %d tiles, want 4", n)
	}
	var labels []string
	for _, o := range p.preview.Objects {
		labels = append(labels, o.(*fyne.Container).Objects[1].(*widget.Label).Text)
	}
	if want := []string{"Pages 1–3", "Page 4", "Page 5", "Page 6"}; !slices.Equal(labels, want) {
		t.Errorf("page labels %v, want %v", labels, want)
	}
}

func TestPacketBuildCanBeCancelledAndShowsErrors(t *testing.T) {
	f := newPacketFixture(t)
	w, q := newTestWindow(t, f.services(), owner)
	p := OpenPacketDialog(w, f.inc, f.incs.atts[f.inc.ID], nil)
	q.drain()
	var out closeBuffer
	p.SaveTo(&out, "/tmp/x.pdf")
	test.Tap(p.cancelBtn)
	q.drain()
	if !strings.Contains(p.Status(), "cancelled") || out.Len() != 0 || len(f.hashes) != 0 || p.Building() {
		t.Fatalf("after cancel: status %q, wrote %d bytes, hashes %v", p.Status(), out.Len(), f.hashes)
	}
	if p.saveBtn.Disabled() {
		t.Error("save stays disabled after a cancelled build")
	}

	f.svc.BuildPacketFn = func(context.Context, PacketRequest, func(int, int)) (*pdf.Result, error) {
		return nil, posdesk.Invalid("preset", "The packet is %[1]s; %[2]s allows %[3]s. Too big: %[4]s.", "9.1 MB", "Stripe", "4.5 MB", "EX01")
	}
	p.Build(nil)
	q.drain()
	if !strings.Contains(p.Status(), "Too big: EX01") || p.status.Importance != widget.DangerImportance {
		t.Errorf("build error shown as %q", p.Status())
	}
}

func TestPacketDialogInChinese(t *testing.T) {
	f := newPacketFixture(t)
	w, q := newTestWindow(t, f.services(), owner)
	setLang(t, i18n.Chinese)
	p := OpenPacketDialog(w, f.inc, nil, nil)
	q.drain()
	if got := f.estimates[len(f.estimates)-1].Lang; got != pdf.LangZh {
		t.Errorf("a Chinese window starts with a %s pack", got)
	}
	for _, s := range []string{p.saveBtn.Text, p.openBtn.Text, p.buildBtn.Text, p.party.Selected, p.preset.Selected, p.gray.Text} {
		if isASCII(s) {
			t.Errorf("%q is not translated", s)
		}
	}
	// With no files the exhibit list says what to do.
	if l, ok := p.exList.Objects[0].(*widget.Label); !ok || !strings.Contains(l.Text, "附") {
		t.Errorf("empty exhibit list: %#v", p.exList.Objects)
	}
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}

// closeBuffer is a bytes.Buffer that remembers being closed.
type closeBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closeBuffer) Close() error { b.closed = true; return nil }

func TestPacketDefaultsFromSettings(t *testing.T) {
	f := newPacketFixture(t)
	s := f.services()
	s.Settings = &mock.SettingsService{SettingFn: func(_ context.Context, key, def string) (string, error) {
		switch key {
		case posdesk.SettingPacketParty:
			return "qr_platform", nil
		case posdesk.SettingPacketPreset:
			return "stripe", nil
		}
		return def, nil
	}}
	w, q := newTestWindow(t, s, owner)
	OpenPacketDialog(w, f.inc, f.incs.atts[f.inc.ID], nil)
	q.drain()
	if got := f.estimates[len(f.estimates)-1]; got.Party != pdf.QRPlatform || got.Preset != "stripe" {
		t.Errorf("defaults %s, %s; want the settings' qr_platform, stripe", got.Party, got.Preset)
	}
}
