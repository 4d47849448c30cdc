package pdf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Renderer builds evidence packets. The zero Renderer uses the wall clock; tests set Now.
type Renderer struct {
	// Now returns the build time printed on the packet and written as the PDF's dates.
	Now func() time.Time
	// Workers bounds how many exhibits are decoded and encoded at once; 0 means GOMAXPROCS.
	Workers int
	// PDFTimeout bounds reading one PDF attachment; 0 means 10 seconds.
	PDFTimeout time.Duration
	// Progress, when set, is called as exhibits are read (done of total) and after each layout
	// of the packet; it may be called from several goroutines.
	Progress func(done, total int)

	mu    sync.Mutex
	cache map[pictureKey]*picture // decoded photos, so rebuilds (reorder, language) skip decoding
	order []pictureKey            // oldest first, for eviction
}

// pictureKey identifies a decoded photo: the hex SHA-256 of the bytes decoded, the size box and
// the colour mode.
type pictureKey struct {
	sum        string
	boxW, boxH int
	gray       bool
}

// maxCachedPictures bounds the decoded-photo cache (each entry is at most ~4 MB of pixels).
const maxCachedPictures = 48

// picture decodes data (whose hex SHA-256 is sum), or returns the copy decoded by an earlier
// Build.
func (r *Renderer) picture(data []byte, sum string, boxW, boxH int, gray bool) (*picture, error) {
	key := pictureKey{sum, boxW, boxH, gray}
	r.mu.Lock()
	pic := r.cache[key]
	r.mu.Unlock()
	if pic != nil {
		return pic, nil
	}
	pic, err := decodePicture(data, boxW, boxH, gray)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache == nil {
		r.cache = map[pictureKey]*picture{}
	}
	if _, ok := r.cache[key]; !ok {
		r.cache[key] = pic
		r.order = append(r.order, key)
		if len(r.order) > maxCachedPictures {
			delete(r.cache, r.order[0])
			r.order = r.order[1:]
		}
	}
	return pic, nil
}

// Result is a built packet.
type Result struct {
	PDF      []byte
	Pages    int
	Bytes    int
	SHA256   string          // hex SHA-256 of PDF, to record on the incident
	Preset   Preset          // the preset the packet was fitted to
	Step     int             // the ladder step used for photos (0 = full size and quality)
	Exhibits []ExhibitResult // one per exhibit, in packet order
}

// ExhibitResult says how one exhibit went into the packet.
type ExhibitResult struct {
	Name      string // the ASCII name printed in the index
	FirstPage int    // its first page in the packet; 0 when it has no page
	Pages     int    // pages it takes
	Bytes     int    // about how many bytes of the packet it takes
	Problem   string // why it is not shown (a PDF that could not be read), in English; "" if shown

	err error
}

// ProblemText says in lang why the exhibit is not shown, or "" when it is.
func (x ExhibitResult) ProblemText(lang i18n.Lang) string {
	if x.err == nil {
		return ""
	}
	return problemText(lang, x.err)
}

func (r *Renderer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// exhibit is an exhibit prepared for layout.
type exhibit struct {
	src     *Exhibit
	n       int    // 1-based number
	name    string // ASCII name
	sha     string
	caption string // masked
	problem error  // could not be shown: listed with the reason

	pic          *picture // images
	jpg          []byte   // current encoding
	jpgW, jpgH   int
	jpgStep      int
	doc          *pdfDoc  // PDF attachments
	docImages    int      // bytes of the document's JPEG images at jpgStep
	log          []string // text logs, wrapped
	logTruncated bool

	firstPage, pages int
}

// Build renders the packet, fitting it to its preset with the image ladder. It refuses (EINVALID)
// a packet that cannot fit, naming the exhibits that are too big; an attachment that cannot be
// read is listed in the index with the reason rather than failing the packet.
func (r *Renderer) Build(ctx context.Context, p Packet) (*Result, error) {
	preset, err := FindPreset(p.Preset)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	now := r.now().In(p.loc())
	exs := r.prepare(ctx, &p, preset)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	step := 0
	for {
		if err := r.encodeAll(ctx, exs, step); err != nil {
			return nil, err
		}
		out, pages, err := renderPacket(&p, preset, exs, now, step)
		if err != nil {
			return nil, err
		}
		if preset.MaxPages > 0 && pages > preset.MaxPages {
			return nil, tooManyPages(preset, pages, exs)
		}
		if int64(len(out)) <= preset.TargetBytes {
			if r.Progress != nil {
				r.Progress(len(exs)+1, len(exs)+1)
			}
			return result(out, pages, preset, step, exs), nil
		}
		photo := 0 // what the ladder can shrink: photos and the JPEGs inside PDF attachments
		for _, e := range exs {
			photo += len(e.jpg) + e.docImages
		}
		avail := float64(preset.TargetBytes) - float64(len(out)-photo)
		next := nextStep(step, float64(photo), avail)
		if next < 0 || photo == 0 {
			return nil, tooBig(preset, len(out), exs)
		}
		step = next
	}
}

// validate checks what Build needs from the packet.
func (p *Packet) validate() error {
	switch p.Lang {
	case "":
		p.Lang = LangZh
	case LangZh, LangEn, LangBoth:
	default:
		return posdesk.Invalid("lang", "Language %q is not known; use zh, en or zh+en.", string(p.Lang))
	}
	switch p.Party {
	case "":
		p.Party = Acquirer
	case IssuingBank, Acquirer, QRPlatform:
	default:
		return posdesk.Invalid("party", "Party %q is not known; use issuing_bank, acquirer or qr_platform.", string(p.Party))
	}
	if strings.TrimSpace(p.Shop.Name) == "" {
		return posdesk.Invalid("shop", "The shop name is empty; fill it in under Settings (or give --shop) before building a packet.")
	}
	p.mask()
	return nil
}

// mask masks card numbers in every free-text field Build prints (p is Build's own copy; the
// slices it shares with the caller are copied before they are changed).
func (p *Packet) mask() {
	m := posdesk.MaskText
	p.PartyName = m(p.PartyName)
	s := &p.Shop
	s.Name, s.MerchantID, s.Address, s.Phone, s.Contact, s.Acquirer = m(s.Name), m(s.MerchantID), m(s.Address), m(s.Phone), m(s.Contact), m(s.Acquirer)
	l := &p.Letter
	l.Story, l.AskDetail, l.CaseNumber, l.Signatory = m(l.Story), m(l.AskDetail), m(l.CaseNumber), m(l.Signatory)
	p.IncidentNumber = m(p.IncidentNumber)
	txs := append([]Transaction(nil), p.Transactions...)
	for i := range txs {
		t := &txs[i]
		t.Settled, t.Scheme, t.TerminalID, t.Batch, t.Trace, t.RRN, t.AuthCode = m(t.Settled), m(t.Scheme), m(t.TerminalID), m(t.Batch), m(t.Trace), m(t.RRN), m(t.AuthCode)
	}
	p.Transactions = txs
	hist := append([]StatusChange(nil), p.StatusHistory...)
	for i := range hist {
		hist[i].By, hist[i].Note = m(hist[i].By), m(hist[i].Note)
	}
	p.StatusHistory = hist
	tl := append([]Event(nil), p.Timeline...)
	for i := range tl {
		tl[i].Who, tl[i].What = m(tl[i].Who), m(tl[i].What)
	}
	p.Timeline = tl
}

// nextStep returns the first ladder step after step predicted to bring photo bytes within
// avail, the last step when none is, or -1 when step is already the last.
func nextStep(step int, photo, avail float64) int {
	if step >= len(ladder)-1 || avail <= 0 {
		return -1
	}
	cur := ladder[step]
	for s := step + 1; s < len(ladder); s++ {
		c := ladder[s]
		est := photo * (c.scale * c.scale) / (cur.scale * cur.scale) * qualityFactor[c.quality] / qualityFactor[cur.quality]
		if est <= 0.97*avail {
			return s
		}
	}
	return len(ladder) - 1
}

func result(out []byte, pages int, preset Preset, step int, exs []*exhibit) *Result {
	sum := sha256.Sum256(out)
	res := &Result{PDF: out, Pages: pages, Bytes: len(out), SHA256: hex.EncodeToString(sum[:]), Preset: preset, Step: step}
	for _, e := range exs {
		er := ExhibitResult{Name: e.name, FirstPage: e.firstPage, Pages: e.pages, Bytes: e.size()}
		if e.problem != nil {
			er.Problem, er.err = problemText(i18n.English, e.problem), e.problem
		}
		res.Exhibits = append(res.Exhibits, er)
	}
	return res
}

// size is about how many bytes the exhibit adds to the packet.
func (e *exhibit) size() int {
	switch {
	case e.problem != nil:
		return 0
	case e.pic != nil:
		return len(e.jpg)
	case e.doc != nil:
		return e.doc.size + e.docImages
	}
	n := 0
	for _, l := range e.log {
		n += len(l)
	}
	return n/3 + 200*e.pages // flate-compressed text, roughly
}

// tooBig is the refusal when the ladder cannot bring the packet inside the preset.
func tooBig(preset Preset, size int, exs []*exhibit) error {
	sorted := append([]*exhibit(nil), exs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].size() > sorted[j].size() })
	total := 0
	for _, e := range exs {
		total += e.size()
	}
	// What the exhibits may take: the target less the letter, tables, font and structure.
	avail := float64(preset.TargetBytes) - float64(size-total)
	var names []string
	for _, e := range sorted {
		if float64(total) <= avail || e.size() == 0 {
			break
		}
		names = append(names, fmt.Sprintf("%s (%s)", e.name, humanBytes(int64(e.size()))))
		total -= e.size()
	}
	if len(names) == 0 {
		names = append(names, "-")
	}
	return posdesk.Errorf(posdesk.EINVALID, "The packet is %[1]s but the %[2]s preset allows %[3]s, even with photos at the smallest size. Too big: %[4]s. Leave these exhibits out or choose another preset.",
		humanBytes(int64(size)), preset.Title, humanBytes(preset.TargetBytes), strings.Join(names, ", "))
}

// tooManyPages is the refusal when the packet has more pages than the preset allows.
func tooManyPages(preset Preset, pages int, exs []*exhibit) error {
	sorted := append([]*exhibit(nil), exs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].pages > sorted[j].pages })
	var names []string
	over := pages - preset.MaxPages
	for _, e := range sorted {
		if over <= 0 || e.pages == 0 {
			break
		}
		names = append(names, fmt.Sprintf("%s (%d)", e.name, e.pages))
		over -= e.pages
	}
	if len(names) == 0 {
		names = append(names, "-")
	}
	return posdesk.Errorf(posdesk.EINVALID, "The packet has %[1]d pages but the %[2]s preset allows %[3]d. Longest exhibits: %[4]s. Leave some out or choose another preset.",
		pages, preset.Title, preset.MaxPages, strings.Join(names, ", "))
}

// humanBytes formats a size as "1.4 MB" (1 MB = 1,000,000 bytes, as the presets count).
func humanBytes(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%d B", n)
}

// exhibitBox is the area an exhibit's picture or page may take below its header, in mm.
const (
	exhibitBoxW = contentW
	exhibitBoxH = pageH - marginT - marginB - 32 // room for the exhibit heading and caption
)

// prepare derives names and digests and decodes every exhibit, in parallel, results in order.
func (r *Renderer) prepare(ctx context.Context, p *Packet, preset Preset) []*exhibit {
	exs := make([]*exhibit, len(p.Exhibits))
	for i := range p.Exhibits {
		src := &p.Exhibits[i]
		e := &exhibit{src: src, n: i + 1, caption: posdesk.MaskText(strings.TrimSpace(src.Caption)), jpgStep: -1}
		e.name = exhibitName(i+1, src)
		e.sha = strings.ToLower(src.SHA256)
		if e.sha == "" {
			s := sha256.Sum256(src.Original)
			e.sha = hex.EncodeToString(s[:])
		}
		exs[i] = e
	}
	boxW := int(exhibitBoxW / 25.4 * float64(preset.DPI))
	boxH := int(exhibitBoxH / 25.4 * float64(preset.DPI))
	var done atomic.Int64
	r.parallel(ctx, len(exs), func(i int) {
		defer func() {
			if r.Progress != nil {
				r.Progress(int(done.Add(1)), len(exs)+1)
			}
		}()
		e := exs[i]
		switch kindOf(e.src) {
		case ExhibitPDF:
			e.doc, e.problem = readPDFBounded(e.src.Original, r.pdfTimeout(), preset.DPI)
		case ExhibitText:
			data := e.src.Upright // the UTF-8 copy, when the caller has one
			if len(data) == 0 {
				data = e.src.Original
			}
			e.log, e.logTruncated = logLines(data, monoCols)
		default:
			data, sum := e.src.Upright, ""
			if len(data) == 0 {
				data, sum = e.src.Original, e.sha
			} else {
				s := sha256.Sum256(data)
				sum = hex.EncodeToString(s[:])
			}
			e.pic, e.problem = r.picture(data, sum, boxW, boxH, p.Grayscale)
		}
	})
	return exs
}

func (r *Renderer) pdfTimeout() time.Duration {
	if r.PDFTimeout > 0 {
		return r.PDFTimeout
	}
	return 10 * time.Second
}

// encodeAll encodes every picture at the ladder step (in parallel, results in order).
func (r *Renderer) encodeAll(ctx context.Context, exs []*exhibit, step int) error {
	var mu sync.Mutex
	var firstErr error
	r.parallel(ctx, len(exs), func(i int) {
		e := exs[i]
		if e.jpgStep == step || e.pic == nil && e.doc == nil {
			return
		}
		if e.doc != nil {
			n, err := e.doc.imageBytes(step)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = posdesk.Internal(fmt.Errorf("exhibit %d: %w", e.n, err))
				}
				mu.Unlock()
				return
			}
			e.docImages, e.jpgStep = n, step
			return
		}
		jpg, w, h, err := e.pic.encoded(step)
		if err != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = posdesk.Internal(fmt.Errorf("exhibit %d: %w", e.n, err))
			}
			mu.Unlock()
			return
		}
		e.jpg, e.jpgW, e.jpgH, e.jpgStep = jpg, w, h, step
	})
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// parallel runs fn(0..n-1) on up to Workers goroutines and waits. It stops handing out work
// when ctx is done.
func (r *Renderer) parallel(ctx context.Context, n int, fn func(i int)) {
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// kindOf decides how an exhibit is drawn, from its media type first and its kind second.
func kindOf(e *Exhibit) ExhibitKind {
	mt := strings.ToLower(e.MediaType)
	switch {
	case mt == "application/pdf" || e.Kind == ExhibitPDF && mt == "":
		return ExhibitPDF
	case strings.HasPrefix(mt, "text/") || e.Kind == ExhibitText && mt == "":
		return ExhibitText
	case strings.HasPrefix(mt, "image/"):
		if e.Kind == ExhibitScreenshot || e.Kind == ExhibitScan {
			return e.Kind
		}
		return ExhibitPhoto
	}
	if bytes.HasPrefix(e.Original, []byte("%PDF-")) {
		return ExhibitPDF
	}
	if e.Kind != "" {
		return e.Kind
	}
	return ExhibitPhoto
}

// ExhibitName returns the name exhibit number n gets in a packet: an ASCII file-safe name of at
// most 16 characters (Mastercard's rule): e.Name when it already is one, else "E03-" plus the
// ASCII part of the original file name (or the exhibit kind), with its extension.
func ExhibitName(n int, e *Exhibit) string { return exhibitName(n, e) }

func exhibitName(n int, e *Exhibit) string {
	if e.Name != "" && len(e.Name) <= 16 && fileSafe(strings.TrimSuffix(e.Name, path.Ext(e.Name)))+path.Ext(e.Name) == e.Name {
		return e.Name
	}
	ext := map[ExhibitKind]string{ExhibitPDF: ".pdf", ExhibitText: ".txt"}[kindOf(e)]
	if ext == "" {
		ext = ".jpg"
		if e.MediaType == "image/png" {
			ext = ".png"
		}
	}
	if x := strings.ToLower(path.Ext(e.FileName)); len(x) >= 2 && len(x) <= 5 && fileSafe(x[1:]) == x[1:] {
		ext = x
	}
	stem := fileSafe(strings.TrimSuffix(path.Base(strings.ReplaceAll(e.FileName, `\`, "/")), path.Ext(e.FileName)))
	prefix := fmt.Sprintf("E%02d", n)
	if stem == "" {
		stem = string(kindOf(e))
	}
	room := 16 - len(prefix) - 1 - len(ext)
	if room <= 0 {
		return prefix + ext
	}
	if len(stem) > room {
		stem = strings.TrimRight(stem[:room], "-")
	}
	return prefix + "-" + stem + ext
}

// fitMM returns w x h scaled to fit inside bw x bh.
func fitMM(w, h, bw, bh float64) (float64, float64) {
	s := math.Min(bw/w, bh/h)
	return w * s, h * s
}

// registerJPEG adds a JPEG to the document under name.
func registerJPEG(f *gofpdf.Fpdf, name string, jpg []byte) {
	f.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(jpg))
}

// say returns one string per packet language, in order (Chinese first when both).
func (p *Packet) say(fn func(l catLang) string) []string {
	langs := p.Lang.langs()
	out := make([]string, 0, len(langs))
	for _, l := range langs {
		out = append(out, fn(l))
	}
	return out
}

// label joins the languages of a label for a table cell: "商户号\nMerchant ID".
func (p *Packet) label(fn func(l catLang) string) string { return strings.Join(p.say(fn), "\n") }

// imageOpts draws registered JPEGs.
var imageOpts = gofpdf.ImageOptions{ImageType: "JPG"}
