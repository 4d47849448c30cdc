package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// PacketBuilder builds the evidence packet of an incident. cmd/posdesk implements it: it composes
// the packet from the database (the incident, the chosen attachments, the shop's settings, the
// audit head) with internal/pdf.
type PacketBuilder interface {
	// EstimatePacket forecasts the pages and bytes of the packet req describes, quickly and
	// without drawing, for the live meter.
	EstimatePacket(ctx context.Context, req PacketRequest) (pdf.Estimate, error)
	// BuildPacket renders the packet, fitted to its preset. progress, when set, is called with
	// done of total steps, possibly from several goroutines. Cancelling ctx stops the build and
	// returns ctx's error.
	BuildPacket(ctx context.Context, req PacketRequest, progress func(done, total int)) (*pdf.Result, error)
	// PreviewPages renders the first pages (at most n) of a built packet as PNG images, small.
	// It returns ENOTFOUND when this PC has no page renderer; the screen then lists the pages
	// with thumbnails of the exhibits instead.
	PreviewPages(ctx context.Context, packet []byte, n int) ([][]byte, error)
}

// PacketRequest says which packet to build.
type PacketRequest struct {
	IncidentID int64
	Party      pdf.Party
	Preset     string // a pdf.Preset name
	Lang       pdf.Lang
	Exhibits   []int64 // IDs of the incident's attachments to enclose, in packet order
	Grayscale  bool    // photos in grayscale
}

// equal reports whether r and o describe the same packet.
func (r PacketRequest) equal(o PacketRequest) bool {
	return r.IncidentID == o.IncidentID && r.Party == o.Party && r.Preset == o.Preset && r.Lang == o.Lang &&
		r.Grayscale == o.Grayscale && slices.Equal(r.Exhibits, o.Exhibits)
}

func init() {
	RegisterIncidentTool(IncidentTool{ID: "packet", Title: "Build evidence packet…", Icon: theme.IconNameDocumentPrint, Order: 10,
		Visible: func(d *IncidentDetail) bool {
			return d.w.Services.Packets != nil && d.w.Can(posdesk.ActBuildPacket) && d.inc != nil
		},
		Run: func(d *IncidentDetail) { OpenPacketDialog(d.w, d.inc, d.atts, d.Reload) }})
}

// previewPages is how many pages the preview renders.
const previewPages = 8

// packetParties (the addressees, in menu order) is shared with the packet settings pane.

var packetLangs = []struct {
	lang  pdf.Lang
	title string
}{
	{pdf.LangZh, "Chinese"}, {pdf.LangEn, "English"}, {pdf.LangBoth, "Chinese and English"},
}

// packetExhibit is one attachment in the exhibit list: whether it goes in, in list order.
type packetExhibit struct {
	att     *posdesk.Attachment
	include bool
}

// PacketDialog is the "Build evidence packet" dialog of an incident: addressee, preset, language,
// the exhibits and their order, grayscale; a live page and size meter against the preset; a
// preview of the built pages; save, open in the PDF viewer, with progress and cancel while it
// builds. Saving or opening records the packet's SHA-256 on the incident.
type PacketDialog struct {
	w      *Window
	svc    PacketBuilder
	inc    *posdesk.Incident
	onDone func() // called after the SHA-256 is recorded (the detail reloads)

	party    *widget.Select
	preset   *widget.Select
	lang     *widget.RadioGroup
	gray     *widget.Check
	exhibits []*packetExhibit
	exList   *fyne.Container

	pagesBar  *widget.ProgressBar
	bytesBar  *widget.ProgressBar
	meter     *widget.Label // the forecast or the built figures in words
	meterWarn *widget.Label // "too big", unreadable files, estimate errors

	preview     *fyne.Container
	previewNote *widget.Label

	progress  *widget.ProgressBar
	status    *widget.Label
	buildBtn  *widget.Button
	cancelBtn *widget.Button
	saveBtn   *widget.Button
	openBtn   *widget.Button

	estimate  *pdf.Estimate
	estSeq    int // the latest estimate asked for; older answers are dropped
	result    *pdf.Result
	resultReq PacketRequest
	cancel    context.CancelFunc // cancels the build under way, or nil
	recorded  string             // the SHA-256 last recorded on the incident
	pending   []func(*pdf.Result)

	// openURL opens a file in the system's viewer (the app's OpenURL); tests replace it.
	openURL func(*url.URL) error
	// tempDir is where packets opened in the viewer are written; "" means the system's.
	tempDir string

	content fyne.CanvasObject
	dlg     *dialog.CustomDialog
}

// OpenPacketDialog shows the "Build evidence packet" dialog for inc with its attachments atts
// (as FindAttachments lists them); onDone runs after a packet's SHA-256 was recorded.
func OpenPacketDialog(w *Window, inc *posdesk.Incident, atts []*posdesk.Attachment, onDone func()) *PacketDialog {
	p := NewPacketDialog(w, inc, atts, onDone)
	p.dlg = dialog.NewCustomWithoutButtons(i18n.T("Evidence pack for %s", inc.Number), p.content, w)
	p.dlg.SetButtons([]fyne.CanvasObject{
		&widget.Button{Text: i18n.T("Close"), OnTapped: func() { p.dlg.Hide() }},
		p.cancelBtn, p.buildBtn, p.openBtn, p.saveBtn,
	})
	p.dlg.SetOnClosed(func() {
		if p.cancel != nil {
			p.cancel()
		}
	})
	size := w.Canvas().Size()
	p.dlg.Resize(fyne.NewSize(fyne.Min(1180, size.Width*0.96), fyne.Min(760, size.Height*0.96)))
	w.ShowDialog(p.dlg)
	return p
}

// NewPacketDialog builds the dialog's content and starts the first estimate; OpenPacketDialog
// shows it.
func NewPacketDialog(w *Window, inc *posdesk.Incident, atts []*posdesk.Attachment, onDone func()) *PacketDialog {
	p := &PacketDialog{w: w, svc: w.Services.Packets, inc: inc, onDone: onDone, openURL: w.App.OpenURL}
	for _, a := range atts {
		p.exhibits = append(p.exhibits, &packetExhibit{att: a, include: true})
	}

	var parties []string
	for _, x := range packetParties {
		parties = append(parties, i18n.T(x.title))
	}
	// The defaults: those chosen in Settings, else the incident's usual addressee and the first
	// preset.
	defParty, defPreset := pdf.DefaultParty(inc), pdf.Presets[0].Name
	if s := w.Services.Settings; s != nil {
		if v, err := s.Setting(w.Ctx(), posdesk.SettingPacketParty, ""); err == nil && v != "" {
			if pa, err := pdf.ParseParty(v); err == nil {
				defParty = pa
			}
		}
		if v, err := s.Setting(w.Ctx(), posdesk.SettingPacketPreset, ""); err == nil && v != "" {
			if pr, err := pdf.FindPreset(v); err == nil {
				defPreset = pr.Name
			}
		}
	}
	p.party = widget.NewSelect(parties, func(string) { p.changed() })
	for _, x := range packetParties {
		if x.party == defParty {
			p.party.Selected = i18n.T(x.title)
		}
	}
	var presets []string
	for _, x := range pdf.Presets {
		presets = append(presets, i18n.T(x.Title))
	}
	p.preset = widget.NewSelect(presets, func(string) { p.changed() })
	for _, x := range pdf.Presets {
		if x.Name == defPreset {
			p.preset.Selected = i18n.T(x.Title)
		}
	}
	var langs []string
	for _, x := range packetLangs {
		langs = append(langs, i18n.T(x.title))
	}
	p.lang = widget.NewRadioGroup(langs, func(string) { p.changed() })
	p.lang.Horizontal = true
	p.lang.Required = true
	p.lang.Selected = langs[1]
	if i18n.Current() == i18n.Chinese {
		p.lang.Selected = langs[0]
	}
	p.gray = widget.NewCheck(i18n.T("Photos in grayscale (smaller; fine for slips)"), func(bool) { p.changed() })

	p.exList = container.NewVBox()
	p.pagesBar = &widget.ProgressBar{Max: 1}
	p.pagesBar.TextFormatter = func() string { return p.pagesText() }
	p.bytesBar = &widget.ProgressBar{Max: 1}
	p.bytesBar.TextFormatter = func() string { return p.bytesText() }
	p.meter = &widget.Label{Wrapping: textWrap()}
	p.meterWarn = &widget.Label{Importance: widget.DangerImportance, Wrapping: textWrap()}
	p.meterWarn.Hide()

	p.preview = container.NewGridWrap(fyne.NewSize(190, 260))
	p.previewNote = &widget.Label{Text: i18n.T("Build the pack to see its pages here."), Importance: widget.LowImportance, Wrapping: textWrap()}

	p.progress = &widget.ProgressBar{Max: 1}
	p.progress.Hide()
	p.status = &widget.Label{Wrapping: textWrap()}
	p.buildBtn = &widget.Button{Text: i18n.T("Build and preview"), Icon: theme.ViewRefreshIcon(), OnTapped: func() { p.Build(nil) }}
	p.cancelBtn = &widget.Button{Text: i18n.T("Cancel building"), Icon: theme.CancelIcon(), OnTapped: p.Cancel}
	p.cancelBtn.Hide()
	p.saveBtn = &widget.Button{Text: i18n.T("Save…"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: p.onSave}
	p.openBtn = &widget.Button{Text: i18n.T("Open in PDF viewer"), Icon: theme.FileApplicationIcon(), OnTapped: p.OpenInViewer}

	form := container.New(formLayout{},
		fieldLabel(i18n.T("Send to")), p.preset,
		fieldLabel(i18n.T("Addressed to")), p.party,
		fieldLabel(i18n.T("Language")), p.lang,
		fieldLabel(""), p.gray,
	)
	heading := func(s string) *widget.Label {
		return &widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}}
	}
	meter := container.NewVBox(heading(i18n.T("Size against the preset")), p.pagesBar, p.bytesBar, p.meter, p.meterWarn)
	left := container.NewBorder(container.NewVBox(form, widget.NewSeparator(), meter, widget.NewSeparator(),
		heading(i18n.T("Exhibits (in this order)"))), nil, nil, nil, container.NewVScroll(p.exList))
	right := container.NewBorder(container.NewVBox(heading(i18n.T("Preview")), p.previewNote), nil, nil, nil, container.NewVScroll(p.preview))
	split := container.NewHSplit(left, right)
	split.Offset = 0.46
	p.content = container.NewBorder(nil, container.NewVBox(p.progress, p.status), nil, nil, split)
	p.renderExhibits()
	p.Estimate()
	return p
}

// Request returns the packet the dialog's choices describe.
func (p *PacketDialog) Request() PacketRequest {
	r := PacketRequest{IncidentID: p.inc.ID, Party: packetParties[max(0, p.party.SelectedIndex())].party,
		Preset: pdf.Presets[max(0, p.preset.SelectedIndex())].Name, Lang: pdf.LangZh, Grayscale: p.gray.Checked}
	for i, x := range packetLangs {
		if p.lang.Selected == i18n.T(packetLangs[i].title) {
			r.Lang = x.lang
		}
	}
	for _, e := range p.exhibits {
		if e.include {
			r.Exhibits = append(r.Exhibits, e.att.ID)
		}
	}
	return r
}

// changed is called after any choice changes: a built packet no longer matches, the meter is
// asked again.
func (p *PacketDialog) changed() {
	if p.result != nil && !p.resultReq.equal(p.Request()) {
		p.result = nil
		p.preview.RemoveAll()
		p.previewNote.SetText(i18n.T("The choices changed: build again to see the pages."))
		p.status.SetText("")
	}
	p.Estimate()
}

// Estimate asks for the forecast of the current choices off the UI goroutine; the meter shows
// the latest answer.
func (p *PacketDialog) Estimate() {
	p.estSeq++
	seq, req, ctx := p.estSeq, p.Request(), p.w.Ctx()
	p.w.Async(func() {
		est, err := p.svc.EstimatePacket(ctx, req)
		fyne.Do(func() {
			if seq != p.estSeq {
				return
			}
			if err != nil {
				p.estimate = nil
				p.setWarn(i18n.T("Could not estimate the pack: %s", i18n.Message(err)))
				p.refreshMeter()
				return
			}
			p.estimate = &est
			p.refreshMeter()
		})
	})
}

// chosenPreset returns the chosen preset.
func (p *PacketDialog) chosenPreset() pdf.Preset {
	return pdf.Presets[max(0, p.preset.SelectedIndex())]
}

// pagesText is the page meter's text.
func (p *PacketDialog) pagesText() string {
	pr := p.chosenPreset()
	switch {
	case p.result != nil && pr.MaxPages > 0:
		return i18n.T("%[1]d of %[2]d pages", p.result.Pages, pr.MaxPages)
	case p.result != nil:
		return i18n.T("%d pages (no page limit)", p.result.Pages)
	case p.estimate == nil && p.meterWarn.Visible():
		return i18n.T("Pages: unknown")
	case p.estimate == nil:
		return i18n.T("Pages: estimating…")
	case pr.MaxPages > 0:
		return i18n.T("About %[1]d of %[2]d pages", p.estimate.Pages, pr.MaxPages)
	}
	return i18n.T("About %d pages (no page limit)", p.estimate.Pages)
}

// bytesText is the size meter's text.
func (p *PacketDialog) bytesText() string {
	pr := p.chosenPreset()
	switch {
	case p.result != nil:
		return i18n.T("%[1]s of %[2]s", sizeText(int64(p.result.Bytes)), sizeText(pr.TargetBytes))
	case p.estimate == nil && p.meterWarn.Visible():
		return i18n.T("Size: unknown")
	case p.estimate == nil:
		return i18n.T("Size: estimating…")
	}
	return i18n.T("About %[1]s of %[2]s", sizeText(p.estimate.Bytes), sizeText(pr.TargetBytes))
}

// refreshMeter redraws the meter from the built packet, or else the forecast.
func (p *PacketDialog) refreshMeter() {
	pr := p.chosenPreset()
	var pages int
	var size int64
	var lines []string
	warn := ""
	switch {
	case p.result != nil:
		pages, size = p.result.Pages, int64(p.result.Bytes)
		lines = append(lines, i18n.T("Built: %[1]d pages, %[2]s; fits %[3]s.", pages, sizeText(size), i18n.T(pr.Title)))
		if p.result.Step > 0 {
			lines = append(lines, i18n.T("Photos were made smaller to fit (step %d).", p.result.Step))
		}
		var unread []string
		for _, x := range p.result.Exhibits {
			if x.Problem != "" {
				unread = append(unread, i18n.T("%[1]s: %[2]s", x.Name, x.ProblemText(i18n.Current())))
			}
		}
		if len(unread) > 0 {
			warn = i18n.T("Listed but not shown: %s", strings.Join(unread, i18n.T("; ")))
		}
	case p.estimate != nil:
		est := p.estimate
		pages, size = est.Pages, est.Bytes
		lines = append(lines, i18n.T("A forecast; the built pack can differ by about a third."))
		if est.FitsBytes && est.Bytes < est.FullBytes {
			lines = append(lines, i18n.T("Photos will be made smaller to fit %s.", i18n.T(pr.Title)))
		}
		var w []string
		if !est.FitsPages {
			w = append(w, i18n.T("Too many pages for %s: leave out exhibits or choose another preset.", i18n.T(pr.Title)))
		}
		if !est.FitsBytes {
			w = append(w, i18n.T("Probably too big for %s even with smaller photos: leave out exhibits, choose grayscale or another preset.", i18n.T(pr.Title)))
		}
		if est.Unreadable > 0 {
			w = append(w, i18n.T("%d files cannot be read; they will be listed with the reason.", est.Unreadable))
		}
		warn = strings.Join(w, "\n")
	default:
		p.meter.SetText(i18n.T("Estimating…"))
		if p.meterWarn.Visible() {
			p.meter.Hide()
		}
		p.pagesBar.SetValue(0)
		p.bytesBar.SetValue(0)
		return
	}
	p.meter.SetText(strings.Join(lines, "\n"))
	p.meter.Show()
	p.setWarn(warn)
	if pr.MaxPages > 0 {
		p.pagesBar.SetValue(min(1, float64(pages)/float64(pr.MaxPages)))
	} else {
		p.pagesBar.SetValue(0)
	}
	p.bytesBar.SetValue(min(1, float64(size)/float64(pr.TargetBytes)))
}

func (p *PacketDialog) setWarn(s string) {
	p.meterWarn.SetText(s)
	if s == "" {
		p.meterWarn.Hide()
	} else {
		p.meterWarn.Show()
	}
}

// Meter returns the meter's texts (pages, size, words, warning), for tests.
func (p *PacketDialog) Meter() (pages, size, words, warning string) {
	return p.pagesText(), p.bytesText(), p.meter.Text, p.meterWarn.Text
}

// renderExhibits redraws the exhibit list: include check, thumbnail, name and type, up/down.
func (p *PacketDialog) renderExhibits() {
	p.exList.RemoveAll()
	if len(p.exhibits) == 0 {
		p.exList.Add(&widget.Label{Text: i18n.T("No files are attached to this incident. The pack will hold the letter, the facts and the timeline; attach slips, screenshots or statements on the incident to enclose them."),
			Importance: widget.LowImportance, Wrapping: textWrap()})
		p.exList.Refresh()
		return
	}
	n := 0
	for i, e := range p.exhibits {
		number := ""
		if e.include {
			n++
			number = fmt.Sprintf("%d.", n)
		}
		check := widget.NewCheck("", func(on bool) {
			if e.include != on {
				e.include = on
				p.renderExhibits()
				p.changed()
			}
		})
		check.Checked = e.include
		up := &widget.Button{Icon: theme.MoveUpIcon(), Importance: widget.LowImportance, OnTapped: func() { p.Move(i, -1) }}
		down := &widget.Button{Icon: theme.MoveDownIcon(), Importance: widget.LowImportance, OnTapped: func() { p.Move(i, 1) }}
		if i == 0 {
			up.Disable()
		}
		if i == len(p.exhibits)-1 {
			down.Disable()
		}
		name := &widget.Label{Text: e.att.FileName, Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Bold: e.include}}
		what := i18n.T(e.att.Kind.Title())
		if e.att.Caption != "" {
			what = e.att.Caption
		}
		switch {
		case e.att.IsPDF() && e.att.Pages > 0:
			what += i18n.T(", ") + i18n.T("%d pages", e.att.Pages)
		case e.att.IsPDF():
			what += i18n.T(", ") + i18n.T("PDF")
		case e.att.IsText() && e.att.Kind != posdesk.AttachmentTerminalLog:
			what += i18n.T(", ") + i18n.T("text log")
		}
		if !e.include {
			what += i18n.T(", ") + i18n.T("left out")
		}
		sub := &widget.Label{Text: what, Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance}
		num := &widget.Label{Text: number, TextStyle: fyne.TextStyle{Bold: true}}
		left := container.NewHBox(check, num, exhibitThumb(e.att, 48))
		p.exList.Add(container.NewBorder(nil, nil, left, container.NewHBox(up, down), container.NewVBox(name, sub)))
	}
	p.exList.Refresh()
}

// exhibitThumb is a small picture of an attachment: its thumbnail, or a file icon.
func exhibitThumb(a *posdesk.Attachment, side float32) fyne.CanvasObject {
	if len(a.Thumbnail) > 0 {
		img := canvas.NewImageFromResource(fyne.NewStaticResource(fmt.Sprintf("thumb-%d", a.ID), a.Thumbnail))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(side, side))
		return img
	}
	ic := theme.FileIcon()
	switch {
	case a.IsPDF():
		ic = theme.FileTextIcon()
	case a.IsText():
		ic = theme.DocumentIcon()
	}
	return container.NewGridWrap(fyne.NewSize(side, side), container.NewCenter(widget.NewIcon(ic)))
}

// Exhibits returns the attachment IDs in list order and whether each goes in, for tests.
func (p *PacketDialog) Exhibits() (ids []int64, included []bool) {
	for _, e := range p.exhibits {
		ids = append(ids, e.att.ID)
		included = append(included, e.include)
	}
	return ids, included
}

// SetIncluded puts exhibit i of the list in the pack or leaves it out.
func (p *PacketDialog) SetIncluded(i int, on bool) {
	if i < 0 || i >= len(p.exhibits) || p.exhibits[i].include == on {
		return
	}
	p.exhibits[i].include = on
	p.renderExhibits()
	p.changed()
}

// Move moves exhibit i of the list up (by -1) or down (by 1).
func (p *PacketDialog) Move(i, by int) {
	j := i + by
	if i < 0 || j < 0 || i >= len(p.exhibits) || j >= len(p.exhibits) {
		return
	}
	p.exhibits[i], p.exhibits[j] = p.exhibits[j], p.exhibits[i]
	p.renderExhibits()
	p.changed()
}

// Building reports whether a build is under way.
func (p *PacketDialog) Building() bool { return p.cancel != nil }

// Build builds the pack for the current choices off the UI goroutine, with progress and a
// cancel button, then previews its first pages. then, when set, gets the built pack (Save and
// Open use it); it is not called when the build fails or is cancelled.
func (p *PacketDialog) Build(then func(*pdf.Result)) {
	req := p.Request()
	if p.result != nil && p.resultReq.equal(req) {
		if then != nil {
			then(p.result)
		}
		return
	}
	if then != nil {
		p.pending = append(p.pending, then)
	}
	if p.cancel != nil {
		return // the build under way will call then
	}
	ctx, cancel := context.WithCancel(p.w.Ctx())
	p.cancel = cancel
	p.setBusy(true)
	p.progress.SetValue(0)
	p.status.Importance = widget.MediumImportance
	p.status.SetText(i18n.T("Building the pack…"))
	p.w.Async(func() {
		defer cancel()
		res, err := p.svc.BuildPacket(ctx, req, func(done, total int) {
			if total > 0 {
				v := float64(done) / float64(total)
				fyne.Do(func() {
					if p.cancel != nil {
						p.progress.SetValue(v)
					}
				})
			}
		})
		var pages [][]byte
		var perr error
		if err == nil {
			fyne.Do(func() { p.status.SetText(i18n.T("Drawing the preview…")) })
			pages, perr = p.svc.PreviewPages(ctx, res.PDF, previewPages)
		}
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		fyne.Do(func() {
			p.cancel = nil
			p.setBusy(false)
			pending := p.pending
			p.pending = nil
			switch {
			case errors.Is(err, context.Canceled):
				p.status.Importance = widget.WarningImportance
				p.status.SetText(i18n.T("Building was cancelled; nothing was saved."))
				return
			case err != nil:
				p.status.Importance = widget.DangerImportance
				p.status.SetText(i18n.Message(err))
				return
			}
			p.result, p.resultReq = res, req
			p.status.Importance = widget.SuccessImportance
			p.status.SetText(i18n.T("Built: %[1]d pages, %[2]s. SHA-256 %[3]s.", res.Pages, sizeText(int64(res.Bytes)), res.SHA256))
			p.refreshMeter()
			p.showPreview(res, req, pages, perr)
			for _, f := range pending {
				f(res)
			}
		})
	})
}

// Cancel stops the build under way.
func (p *PacketDialog) Cancel() {
	if p.cancel != nil {
		p.cancel()
		p.status.SetText(i18n.T("Cancelling…"))
	}
}

func (p *PacketDialog) setBusy(busy bool) {
	for _, b := range []*widget.Button{p.buildBtn, p.saveBtn, p.openBtn} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if busy {
		p.progress.Show()
		p.cancelBtn.Show()
	} else {
		p.progress.Hide()
		p.cancelBtn.Hide()
	}
}

// showPreview shows the rendered pages, or when this PC cannot render them, the list of pages
// with a thumbnail of each exhibit.
func (p *PacketDialog) showPreview(res *pdf.Result, req PacketRequest, pages [][]byte, err error) {
	p.preview.RemoveAll()
	if err == nil && len(pages) > 0 {
		p.previewNote.SetText(i18n.T("The first %[1]d of %[2]d pages, as they will print.", len(pages), res.Pages))
		for i, png := range pages {
			res := fyne.NewStaticResource(fmt.Sprintf("page-%d.png", i+1), png)
			img := canvas.NewImageFromResource(res)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSize(180, 220))
			zoom := &widget.Button{Text: i18n.T("Page %d", i+1), Icon: theme.ZoomInIcon(), Importance: widget.LowImportance,
				OnTapped: func() { p.showPage(i+1, res) }}
			p.preview.Add(container.NewBorder(nil, zoom, nil, nil, img))
		}
		p.preview.Refresh()
		return
	}
	if err != nil && posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		p.previewNote.SetText(i18n.T("Could not draw the pages (%s); here is what each page holds.", i18n.Message(err)))
	} else {
		p.previewNote.SetText(i18n.T("This PC cannot draw PDF pages; here is what each page holds. Open the pack in the PDF viewer to see it."))
	}
	atts := map[int64]*posdesk.Attachment{}
	for _, e := range p.exhibits {
		atts[e.att.ID] = e.att
	}
	front := 1
	for _, x := range res.Exhibits {
		if x.FirstPage > 0 {
			front = x.FirstPage - 1
			break
		}
		front = res.Pages
	}
	p.preview.Add(pageTile(theme.DocumentIcon(), nil, pagesLabel(1, front), i18n.T("Letter, facts, timeline and index")))
	for i, x := range res.Exhibits {
		var a *posdesk.Attachment
		if i < len(req.Exhibits) {
			a = atts[req.Exhibits[i]]
		}
		text := x.Name
		if x.Problem != "" {
			text += "\n" + i18n.T("listed only: %s", x.ProblemText(i18n.Current()))
		}
		p.preview.Add(pageTile(theme.FileIcon(), a, pagesLabel(x.FirstPage, x.FirstPage+x.Pages-1), text))
	}
	p.preview.Refresh()
}

// showPage shows one previewed page large.
func (p *PacketDialog) showPage(n int, res fyne.Resource) {
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	size := p.w.Canvas().Size()
	img.SetMinSize(fyne.NewSize(fyne.Min(620, size.Width*0.8), fyne.Min(700, size.Height*0.8)))
	p.w.ShowDialog(dialog.NewCustom(i18n.T("Page %d", n), i18n.T("Close"), img, p.w))
}

// pagesLabel says which pages: "Page 3", "Pages 4–5", or "No page".
func pagesLabel(first, last int) string {
	switch {
	case first <= 0 || last < first:
		return i18n.T("No page")
	case first == last:
		return i18n.T("Page %d", first)
	}
	return i18n.T("Pages %[1]d–%[2]d", first, last)
}

// pageTile is one entry of the page list: a thumbnail (or an icon), the pages and what they hold.
func pageTile(ic fyne.Resource, a *posdesk.Attachment, pages, text string) fyne.CanvasObject {
	var pic fyne.CanvasObject = container.NewGridWrap(fyne.NewSize(170, 170), container.NewCenter(widget.NewIcon(ic)))
	if a != nil {
		pic = container.NewGridWrap(fyne.NewSize(170, 170), exhibitThumb(a, 170))
	}
	head := &widget.Label{Text: pages, TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter}
	return container.NewBorder(head, &widget.Label{Text: text, Wrapping: textWrap(), Alignment: fyne.TextAlignCenter}, nil, nil, pic)
}

// PreviewNote returns the line above the preview, for tests.
func (p *PacketDialog) PreviewNote() string { return p.previewNote.Text }

// Status returns the status line under the dialog, for tests.
func (p *PacketDialog) Status() string { return p.status.Text }

// fileName is the suggested name of the saved pack.
func (p *PacketDialog) fileName() string {
	return p.inc.Number + "-evidence.pdf"
}

// onSave builds the pack if needed and asks where to save it.
func (p *PacketDialog) onSave() {
	p.Build(func(*pdf.Result) {
		askSaveFile(p.w, p.fileName(), []string{".pdf"}, func(wc fyne.URIWriteCloser) { p.SaveTo(wc, wc.URI().Path()) })
	})
}

// SaveTo builds the pack if needed, writes it to wc (where names it for messages) off the UI
// goroutine, closes wc and records the pack's SHA-256 on the incident.
func (p *PacketDialog) SaveTo(wc io.WriteCloser, where string) {
	p.Build(func(res *pdf.Result) {
		p.status.Importance = widget.MediumImportance
		p.status.SetText(i18n.T("Saving…"))
		writeFile(p.w, wc, where, res.PDF, func(err error) {
			if err != nil {
				p.status.Importance = widget.DangerImportance
				p.status.SetText(i18n.Message(err))
				return
			}
			p.record(res, i18n.T("Saved to %s.", where))
		})
	})
}

// OpenInViewer builds the pack if needed, writes it to a temporary file and opens that in the
// system's PDF viewer; the SHA-256 is recorded on the incident, since the pack can be printed
// from there.
func (p *PacketDialog) OpenInViewer() {
	p.Build(func(res *pdf.Result) {
		openTemp(p.w, p.openURL, p.tempDir, p.inc.Number+".pdf", res.PDF, func(path string, err error) {
			if err != nil {
				p.status.Importance = widget.DangerImportance
				p.status.SetText(i18n.Message(err))
				return
			}
			p.record(res, i18n.T("Opened %s in the PDF viewer.", path))
		})
	})
}

// record stores the pack's SHA-256 on the incident (once per pack) and says done.
func (p *PacketDialog) record(res *pdf.Result, done string) {
	if p.recorded == res.SHA256 {
		p.status.Importance = widget.SuccessImportance
		p.status.SetText(done)
		return
	}
	ctx, id, at := p.w.Ctx(), p.inc.ID, p.w.Now()
	svc := p.w.Services.Incidents
	p.w.Async(func() {
		err := svc.SetPacketHash(ctx, id, res.SHA256, at)
		fyne.Do(func() {
			if err != nil {
				p.status.Importance = widget.DangerImportance
				p.status.SetText(i18n.T("%[1]s %[2]s", done, i18n.T("The SHA-256 could not be recorded on the incident: %s", i18n.Message(err))))
				return
			}
			p.recorded = res.SHA256
			p.status.Importance = widget.SuccessImportance
			p.status.SetText(i18n.T("%[1]s %[2]s", done, i18n.T("SHA-256 %[1]s recorded on %[2]s.", res.SHA256, p.inc.Number)))
			if p.onDone != nil {
				p.onDone()
			}
		})
	})
}

// sizeText formats bytes as "1.4 MB" (1 MB = 1,000,000 bytes, as the presets count).
func sizeText(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%d B", n)
}
