package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/posdesk/posdesk/assets"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW     = 210.0
	pageH     = 297.0
	marginL   = 18.0
	marginR   = 18.0
	marginT   = 16.0
	marginB   = 18.0 // the footer lives inside the bottom margin
	contentW  = pageW - marginL - marginR
	bodySize  = 10.0 // points
	smallSize = 8.0
	ptToMM    = 25.4 / 72
	fontName  = "WenQuanYiMicroHei"
	monoFont  = "Courier"
)

// doc is a page-flow layout over gofpdf: it keeps the cursor, breaks pages itself (gofpdf's
// automatic breaks are off) and wraps text with Wrap.
type doc struct {
	f      *gofpdf.Fpdf
	footer func(page int) // draws the footer of a page; may be nil
	// fontSize is the current size in points, mirrored to avoid querying gofpdf.
	fontSize float64
}

// newDoc returns a document with the CJK font loaded, fixed dates for byte-identical output and
// the first page not yet added.
func newDoc(now time.Time, title string) *doc {
	f := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", SizeStr: "A4", OrientationStr: "P"})
	f.SetCatalogSort(true)
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	f.SetProducer("posdesk", false)
	f.SetCreator("posdesk", false)
	if title != "" {
		f.SetTitle(title, true)
	}
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, marginB)
	f.AliasNbPages("{nb}")
	f.AddUTF8FontFromBytes(fontName, "", assets.Font)
	d := &doc{f: f}
	f.SetFooterFunc(func() {
		if d.footer != nil {
			d.footer(f.PageNo())
		}
	})
	d.setFont(bodySize)
	return d
}

// setFont selects the CJK font at size points.
func (d *doc) setFont(size float64) {
	d.f.SetFont(fontName, "", size)
	d.fontSize = size
}

// lineH returns the line height in mm for a font size in points.
func lineH(size float64) float64 { return size * ptToMM * 1.45 }

// y returns the cursor's vertical position.
func (d *doc) y() float64 { return d.f.GetY() }

// bottom is the lowest y content may reach.
func (d *doc) bottom() float64 { return pageH - marginB }

// addPage starts a new page with the cursor at the top margin.
func (d *doc) addPage() {
	d.f.AddPage()
	d.f.SetXY(marginL, marginT)
	d.setFont(d.fontSize)
}

// need starts a new page unless h mm fit below the cursor. It reports whether it did.
func (d *doc) need(h float64) bool {
	if d.f.PageNo() == 0 || d.y()+h > d.bottom() {
		d.addPage()
		return true
	}
	return false
}

// space moves the cursor down by h mm (not past the page bottom).
func (d *doc) space(h float64) {
	y := d.y() + h
	if y > d.bottom() {
		y = d.bottom()
	}
	d.f.SetY(y)
}

// width measures s in the current font, in mm.
func (d *doc) width(s string) float64 { return d.f.GetStringWidth(s) }

// wrap wraps s to w mm in the current font.
func (d *doc) wrap(s string, w float64) []string { return Wrap(s, w, d.width) }

// boldOn makes following text faux-bold (fill and stroke); the font has no bold face.
func (d *doc) boldOn(weight float64) {
	d.f.SetLineWidth(weight)
	d.f.RawWriteStr("2 Tr")
}

// boldOff returns to normal text.
func (d *doc) boldOff() {
	d.f.RawWriteStr("0 Tr")
	d.f.SetLineWidth(0.2)
}

// lines draws pre-wrapped lines at x, breaking pages as needed. align is "L", "C" or "R" within w.
func (d *doc) lines(ls []string, x, w, size float64, align string) {
	lh := lineH(size)
	for _, l := range ls {
		d.need(lh)
		d.setFont(size)
		y := d.y()
		tx := x
		switch align {
		case "R":
			tx = x + w - d.width(l)
		case "C":
			tx = x + (w-d.width(l))/2
		}
		if l != "" {
			d.f.Text(tx, y+lh*0.75, l)
		}
		d.f.SetY(y + lh)
	}
}

// para draws a wrapped paragraph over the full content width and leaves a small gap after it.
func (d *doc) para(s string, size float64) {
	d.setFont(size)
	d.lines(d.wrap(s, contentW), marginL, contentW, size, "L")
	d.space(lineH(size) * 0.35)
}

// heading draws a section heading; level 1 is the largest. It keeps the heading with at least
// two lines of what follows.
func (d *doc) heading(s string, level int) {
	size := map[int]float64{1: 16, 2: 13, 3: 11}[level]
	if size == 0 {
		size = 11
	}
	d.setFont(size)
	ls := d.wrap(s, contentW)
	d.need(float64(len(ls))*lineH(size) + 6*lineH(bodySize)) // no heading alone at a page foot
	d.f.SetTextColor(31, 56, 100)
	d.f.SetDrawColor(31, 56, 100)
	d.boldOn(0.12 + 0.04*float64(3-min(level, 3)))
	d.lines(ls, marginL, contentW, size, "L")
	d.boldOff()
	d.f.SetTextColor(0, 0, 0)
	d.f.SetDrawColor(0, 0, 0)
	if level == 1 {
		d.f.SetDrawColor(31, 56, 100)
		d.f.Line(marginL, d.y()+0.5, marginL+contentW, d.y()+0.5)
		d.f.SetDrawColor(0, 0, 0)
		d.space(2.5)
	} else {
		d.space(1)
	}
	d.setFont(bodySize)
}

// column describes one table column.
type column struct {
	title string
	width float64 // share of the table width; shares are normalised
	align string  // "L" (default), "R" or "C"
	mono  bool    // hex digests and such: smaller type
}

// table draws a table with wrapped cells. The header row repeats on every page the table
// reaches; a row taller than a page is split between pages.
func (d *doc) table(cols []column, rows [][]string, size float64) {
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	ws := make([]float64, len(cols))
	for i, c := range cols {
		ws[i] = contentW * c.width / total
	}
	const pad = 1.2
	lh := lineH(size)
	cellSize := func(c column) float64 {
		if c.mono {
			return size - 1
		}
		return size
	}
	wrapRow := func(cells []string, header bool) [][]string {
		out := make([][]string, len(cols))
		for i := range cols {
			s := ""
			if i < len(cells) {
				s = cells[i]
			}
			if header {
				d.setFont(size)
			} else {
				d.setFont(cellSize(cols[i]))
			}
			out[i] = d.wrap(s, ws[i]-2*pad)
		}
		return out
	}
	height := func(cells [][]string) int {
		n := 1
		for _, c := range cells {
			n = max(n, len(c))
		}
		return n
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.title
	}
	head := wrapRow(header, true)
	drawRow := func(cells [][]string, from, to int, isHeader bool) {
		y := d.y()
		h := float64(to-from)*lh + 2*pad
		x := marginL
		d.f.SetDrawColor(160, 160, 160)
		d.f.SetLineWidth(0.2)
		for i := range cols {
			style := "D"
			if isHeader {
				d.f.SetFillColor(232, 236, 242)
				style = "FD"
			}
			d.f.Rect(x, y, ws[i], h, style)
			sz := size
			if !isHeader {
				sz = cellSize(cols[i])
			}
			d.setFont(sz)
			for j := from; j < to && j < len(cells[i]); j++ {
				l := cells[i][j]
				tx := x + pad
				switch cols[i].align {
				case "R":
					tx = x + ws[i] - pad - d.width(l)
				case "C":
					tx = x + (ws[i]-d.width(l))/2
				}
				d.f.Text(tx, y+pad+float64(j-from)*lh+lh*0.75, l)
			}
			x += ws[i]
		}
		d.f.SetDrawColor(0, 0, 0)
		d.f.SetY(y + h)
	}
	headH := float64(height(head))*lh + 2*pad
	drawHeader := func() { drawRow(head, 0, height(head), true) }
	d.need(headH + lh + 2*pad)
	drawHeader()
	for _, r := range rows {
		cells := wrapRow(r, false)
		n := height(cells)
		from := 0
		for from < n {
			avail := int((d.bottom() - d.y() - 2*pad) / lh)
			fresh := int((d.bottom() - marginT - headH - 2*pad) / lh)
			if avail < 1 || (from == 0 && n > avail && n <= fresh) {
				// Start the row on a new page when it would fit whole there.
				d.addPage()
				drawHeader()
				avail = int((d.bottom() - d.y() - 2*pad) / lh)
			}
			to := min(n, from+max(avail, 1))
			drawRow(cells, from, to, false)
			from = to
		}
	}
	d.space(3)
	d.setFont(bodySize)
}

// bytes closes the document and returns the PDF.
func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// fileSafe returns s reduced to ASCII letters, digits, '-' and '_' (other runs become one '-').
func fileSafe(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.Trim(b.String(), "-")
}
