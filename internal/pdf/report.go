package pdf

import (
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// ReportOptions configures a report.
type ReportOptions struct {
	Title    string           // printed at the top and in the PDF's metadata
	Subtitle string           // a line under the title (shop name, period)
	Lang     i18n.Lang        // language of the footer; "" means the current language
	Now      func() time.Time // build time for the footer and the PDF's dates; nil means the wall clock
}

// Report is a generic document: title, headings, paragraphs, tables and bar charts, in the
// packet's font and footer style. Text is wrapped by Wrap (CJK-safe); output is byte-identical for
// the same calls and clock. Methods after an error do nothing; Bytes returns the error.
type Report struct {
	d     *doc
	now   time.Time
	lang  i18n.Lang
	title string
}

// Bar is one bar of a chart: its label, value, and the text printed beside it ("" prints the
// value).
type Bar struct {
	Label string
	Value decimal.Decimal
	Text  string
}

// NewReport starts a report with its title block on the first page.
func NewReport(opts ReportOptions) *Report {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	lang := opts.Lang
	if lang == "" {
		lang = i18n.Current()
	}
	r := &Report{d: newDoc(now, opts.Title), now: now, lang: lang, title: opts.Title}
	r.d.footer = r.footer
	r.d.addPage()
	if opts.Title != "" {
		r.d.setFont(18)
		r.d.f.SetTextColor(31, 56, 100)
		r.d.f.SetDrawColor(31, 56, 100)
		r.d.boldOn(0.2)
		r.d.lines(r.d.wrap(opts.Title, contentW), marginL, contentW, 18, "L")
		r.d.boldOff()
		r.d.f.SetTextColor(0, 0, 0)
		r.d.f.SetDrawColor(0, 0, 0)
	}
	if opts.Subtitle != "" {
		r.d.setFont(bodySize + 1)
		r.d.f.SetTextColor(80, 80, 80)
		r.d.lines(r.d.wrap(opts.Subtitle, contentW), marginL, contentW, bodySize+1, "L")
		r.d.f.SetTextColor(0, 0, 0)
	}
	r.d.space(4)
	r.d.setFont(bodySize)
	return r
}

func (r *Report) footer(page int) {
	d := r.d
	saved := d.fontSize
	d.setFont(smallSize - 0.5)
	d.f.SetTextColor(90, 90, 90)
	d.f.SetDrawColor(180, 180, 180)
	d.f.Line(marginL, pageH-marginB+4, marginL+contentW, pageH-marginB+4)
	left := i18n.In(r.lang, "%[1]s · page %[2]d of %[3]s", r.title, page, "{nb}")
	right := i18n.In(r.lang, "Generated %s", r.now.Format("2006-01-02 15:04 -07:00"))
	d.f.Text(marginL, pageH-marginB+7.5, left)
	d.f.Text(marginL+contentW-d.width(right), pageH-marginB+7.5, right)
	d.f.SetTextColor(0, 0, 0)
	d.f.SetDrawColor(0, 0, 0)
	d.setFont(saved)
}

// Heading starts a section.
func (r *Report) Heading(text string) { r.d.heading(text, 1) }

// Subheading starts a subsection.
func (r *Report) Subheading(text string) { r.d.heading(text, 2) }

// Paragraph adds wrapped text; newlines start new lines. Card numbers in it are masked.
func (r *Report) Paragraph(text string) { r.d.para(posdesk.MaskText(text), bodySize) }

// Note adds a small grey paragraph (sources, caveats).
func (r *Report) Note(text string) {
	r.d.f.SetTextColor(90, 90, 90)
	r.d.para(posdesk.MaskText(text), smallSize)
	r.d.f.SetTextColor(0, 0, 0)
}

// Table adds a table with a header row repeated on every page it reaches. Column widths follow
// the length of their content; columns whose cells all look like numbers or amounts are
// right-aligned. Cells are wrapped (CJK-safe) and card numbers in them masked.
func (r *Report) Table(headers []string, rows [][]string) {
	n := len(headers)
	for _, row := range rows {
		n = max(n, len(row))
	}
	if n == 0 {
		return
	}
	cols := make([]column, n)
	for i := range cols {
		if i < len(headers) {
			cols[i].title = headers[i]
		}
		longest := cells(cols[i].title)
		numeric := true
		seen := false
		for _, row := range rows {
			if i >= len(row) {
				continue
			}
			longest = max(longest, cells(row[i]))
			if strings.TrimSpace(row[i]) != "" {
				seen = true
				numeric = numeric && looksNumeric(row[i])
			}
		}
		cols[i].width = min(40, max(4, float64(longest)))
		if numeric && seen {
			cols[i].align = "R"
		}
	}
	masked := make([][]string, len(rows))
	for i, row := range rows {
		masked[i] = make([]string, len(row))
		for j, c := range row {
			masked[i][j] = posdesk.MaskText(c)
		}
	}
	r.d.table(cols, masked, bodySize-1)
}

// cells counts a string's width in monospace columns (CJK counts two).
func cells(s string) int {
	n := 0
	for _, r := range s {
		n += cellWidth(r)
	}
	return n
}

// looksNumeric reports whether s is a number or an amount ("1,288.00", "¥ 58", "-12%", "3").
func looksNumeric(s string) bool {
	s = strings.TrimSpace(s)
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(",.-+%¥$€£ ()HKCNYUSD元", r):
		default:
			return false
		}
	}
	return digits > 0
}

// BarChart adds a horizontal bar chart: one bar per label, scaled to the largest magnitude,
// negative values drawn left of the axis. The value is printed beside each bar.
func (r *Report) BarChart(title string, labels []string, values []decimal.Decimal) {
	bars := make([]Bar, 0, len(labels))
	for i, l := range labels {
		v := decimal.Zero
		if i < len(values) {
			v = values[i]
		}
		bars = append(bars, Bar{Label: l, Value: v})
	}
	r.Bars(title, bars)
}

// Bars adds a horizontal bar chart with a text per bar (amounts formatted by the caller).
func (r *Report) Bars(title string, bars []Bar) {
	d := r.d
	if title != "" {
		d.heading(title, 3)
	}
	if len(bars) == 0 {
		return
	}
	labelW := contentW * 0.32
	textW := contentW * 0.16
	chartX := marginL + labelW + 2
	chartW := contentW - labelW - textW - 4
	var lo, hi float64
	for _, b := range bars {
		v := b.Value.InexactFloat64() // drawing only; amounts are printed from Text or the decimal
		lo, hi = min(lo, v), max(hi, v)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	axis := chartX + chartW*(-lo/span)
	size := bodySize - 1
	lh := lineH(size)
	palette := [][3]int{{52, 101, 164}, {78, 154, 6}, {196, 160, 0}, {204, 0, 0}, {117, 80, 123}, {193, 125, 17}}
	top := d.y()
	for i, b := range bars {
		d.setFont(size)
		ls := d.wrap(b.Label, labelW)
		h := max(float64(len(ls))*lh, lh) + 1.5
		if d.need(h) {
			top = d.y()
		}
		y := d.y()
		for j, l := range ls {
			d.f.Text(marginL+labelW-d.width(l), y+float64(j)*lh+lh*0.75, l)
		}
		v := b.Value.InexactFloat64()
		w := chartW * v / span
		c := palette[i%len(palette)]
		d.f.SetFillColor(c[0], c[1], c[2])
		barH := min(lh, h-1.5)
		if w >= 0 {
			d.f.Rect(axis, y+(h-1.5-barH)/2, max(w, 0.3), barH, "F")
		} else {
			d.f.Rect(axis+w, y+(h-1.5-barH)/2, -w, barH, "F")
		}
		text := b.Text
		if text == "" {
			text = b.Value.String()
		}
		d.f.Text(chartX+chartW+2, y+lh*0.75, text)
		d.f.SetY(y + h)
	}
	d.f.SetDrawColor(120, 120, 120)
	d.f.Line(axis, top, axis, d.y())
	d.f.SetDrawColor(0, 0, 0)
	d.space(3)
	d.setFont(bodySize)
}

// PageBreak starts a new page.
func (r *Report) PageBreak() { r.d.addPage() }

// Pages returns the number of pages so far.
func (r *Report) Pages() int { return r.d.f.PageNo() }

// Bytes closes the report and returns the PDF. Call it once.
func (r *Report) Bytes() ([]byte, error) {
	if err := r.d.f.Error(); err != nil {
		return nil, posdesk.Internal(err)
	}
	out, err := r.d.bytes()
	if err != nil {
		return nil, posdesk.Internal(err)
	}
	return out, nil
}
