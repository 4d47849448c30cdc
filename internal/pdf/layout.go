package pdf

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// renderPacket lays the packet out twice: the first pass finds each exhibit's first page for the
// index, the second draws the final document. It returns the PDF and its page count.
func renderPacket(p *Packet, preset Preset, exs []*exhibit, now time.Time, step int) ([]byte, int, error) {
	if _, _, err := layoutPacket(p, exs, now); err != nil {
		return nil, 0, err
	}
	d, forms, err := layoutPacket(p, exs, now)
	if err != nil {
		return nil, 0, err
	}
	pages := d.f.PageNo()
	out, err := d.bytes()
	if err != nil {
		return nil, 0, posdesk.Internal(err)
	}
	if len(forms) > 0 {
		out, err = appendForms(out, forms, step)
		if err != nil {
			return nil, 0, posdesk.Internal(err)
		}
	}
	return out, pages, nil
}

// layoutPacket draws every section and returns the document (not yet closed) and the imported
// PDF pages it references.
func layoutPacket(p *Packet, exs []*exhibit, now time.Time) (*doc, []*formPage, error) {
	title := strings.Join(p.say(func(l catLang) string { return i18n.In(l, "Evidence packet: incident %s", p.IncidentNumber) }), " / ")
	d := newDoc(now, title)
	d.footer = func(page int) { packetFooter(d, p, page, now) }
	d.addPage()

	coverLetter(d, p, exs, now)
	d.addPage()
	factsSection(d, p, now)
	timelineSection(d, p)
	indexSection(d, p, exs)

	var forms []*formPage
	for _, e := range exs {
		e.firstPage, e.pages = 0, 0
		if e.problem != nil {
			continue
		}
		start := d.f.PageNo() + 1
		switch {
		case e.pic != nil:
			imageExhibit(d, p, e)
		case e.doc != nil:
			forms = append(forms, pdfExhibit(d, p, e, len(forms))...)
		default:
			logExhibit(d, p, e)
		}
		e.firstPage, e.pages = start, d.f.PageNo()-start+1
	}
	if err := d.f.Error(); err != nil {
		return nil, nil, posdesk.Internal(fmt.Errorf("lay out packet: %w", err))
	}
	return d, forms, nil
}

// sayPara draws one paragraph per packet language.
func sayPara(d *doc, p *Packet, fn func(l catLang) string) {
	for i, s := range p.say(fn) {
		if s == "" {
			continue
		}
		if i > 0 {
			d.f.SetTextColor(70, 70, 70)
		}
		d.para(s, bodySize)
		d.f.SetTextColor(0, 0, 0)
	}
}

// sayHeading draws a heading in every packet language, joined on one line when bilingual.
func sayHeading(d *doc, p *Packet, level int, fn func(l catLang) string) {
	d.heading(strings.Join(p.say(fn), "  "), level)
}

func coverLetter(d *doc, p *Packet, exs []*exhibit, now time.Time) {
	// Sender block, right-aligned like a letterhead.
	s := p.Shop
	d.setFont(13)
	d.boldOn(0.15)
	d.lines(d.wrap(s.Name, contentW), marginL, contentW, 13, "R")
	d.boldOff()
	var head []string
	for _, l := range p.Lang.langs() {
		if s.MerchantID != "" {
			head = append(head, i18n.In(l, "Merchant ID: %s", s.MerchantID))
		}
		if s.Acquirer != "" {
			head = append(head, i18n.In(l, "Acquirer: %s", s.Acquirer))
		}
		if len(p.Lang.langs()) > 1 {
			break // numbers and names read the same in both languages
		}
	}
	if s.Address != "" {
		head = append(head, s.Address)
	}
	contact := strings.TrimSpace(strings.Join([]string{s.Contact, s.Phone}, "  "))
	if contact != "" {
		head = append(head, contact)
	}
	d.setFont(smallSize + 1)
	for _, h := range head {
		d.lines(d.wrap(h, contentW*0.7), marginL+contentW*0.3, contentW*0.7, smallSize+1, "R")
	}
	d.space(4)

	d.setFont(bodySize)
	for _, l := range p.say(func(l catLang) string { return i18n.In(l, "Date: %s", longDate(l, now)) }) {
		d.lines([]string{l}, marginL, contentW, bodySize, "L")
	}
	for _, l := range p.say(func(l catLang) string { return i18n.In(l, "To: %s", addressee(l, p)) }) {
		d.lines(d.wrap(l, contentW), marginL, contentW, bodySize, "L")
	}
	if p.Letter.CaseNumber != "" {
		for _, l := range p.say(func(l catLang) string { return i18n.In(l, "Your case number: %s", p.Letter.CaseNumber) }) {
			d.lines([]string{l}, marginL, contentW, bodySize, "L")
		}
	}
	for _, l := range p.say(func(l catLang) string { return i18n.In(l, "Our incident number: %s", p.IncidentNumber) }) {
		d.lines([]string{l}, marginL, contentW, bodySize, "L")
	}
	d.space(3)
	d.setFont(11)
	d.boldOn(0.1)
	for _, l := range p.say(func(l catLang) string { return subject(l, p) }) {
		d.lines(d.wrap(l, contentW), marginL, contentW, 11, "L")
	}
	d.boldOff()
	d.space(3)

	sayPara(d, p, func(l catLang) string { return i18n.In(l, "Dear Sir or Madam,") })
	sayPara(d, p, func(l catLang) string {
		return i18n.In(l, "We are %[1]s, merchant ID %[2]s. We write about the transaction below and enclose the evidence listed at the end of this letter.", s.Name, orUnknown(l, s.MerchantID))
	})
	sayPara(d, p, func(l catLang) string { return whatHappened(l, p) })
	sayPara(d, p, func(l catLang) string { return otherTransactions(l, p) })
	if story := strings.TrimSpace(posdesk.MaskText(p.Letter.Story)); story != "" {
		sayPara(d, p, func(l catLang) string { return i18n.In(l, "In our staff's words:") })
		d.para(story, bodySize)
	}
	sayPara(d, p, func(l catLang) string { return theAsk(l, p) })
	if detail := strings.TrimSpace(posdesk.MaskText(p.Letter.AskDetail)); detail != "" {
		d.para(detail, bodySize)
	}
	sayPara(d, p, func(l catLang) string { return contactLine(l, s) })

	// Enclosures.
	d.space(1)
	if len(exs) > 0 {
		sayPara(d, p, func(l catLang) string { return i18n.In(l, "Enclosures:") })
	}
	for _, e := range exs {
		line := strings.Join(p.say(func(l catLang) string { return exhibitLabel(l, e.n) }), " / ") + "  " + e.name
		if e.caption != "" {
			line += "  " + e.caption
		}
		if e.problem != nil {
			line += "  " + strings.Join(p.say(func(l catLang) string { return i18n.In(l, "(not included; see the exhibit index)") }), " ")
		}
		d.setFont(bodySize - 0.5)
		d.lines(d.wrap(line, contentW-6), marginL+6, contentW-6, bodySize-0.5, "L")
	}
	d.space(5)

	// Closing and signature.
	sayPara(d, p, func(l catLang) string { return i18n.In(l, "Yours faithfully,") })
	d.space(8)
	signer := p.Letter.Signatory
	if signer == "" {
		signer = s.Contact
	}
	d.need(4 * lineH(bodySize))
	y := d.y()
	d.f.SetDrawColor(0, 0, 0)
	d.f.Line(marginL, y, marginL+70, y)
	d.f.Line(marginL+95, y, marginL+150, y)
	d.space(1)
	sig := strings.Join(p.say(func(l catLang) string { return i18n.In(l, "Signature") }), " / ")
	stamp := strings.Join(p.say(func(l catLang) string { return i18n.In(l, "Shop stamp") }), " / ")
	y = d.y()
	d.setFont(smallSize + 1)
	d.f.Text(marginL, y+3, sig)
	d.f.Text(marginL+95, y+3, stamp)
	d.space(lineH(smallSize + 1))
	d.lines([]string{strings.TrimSpace(signer + "  " + s.Name)}, marginL, contentW, smallSize+1, "L")
	d.setFont(bodySize)
}

func factsSection(d *doc, p *Packet, now time.Time) {
	sayHeading(d, p, 1, func(l catLang) string { return i18n.In(l, "Facts") })
	label := p.label
	cols := []column{
		{title: label(func(l catLang) string { return i18n.In(l, "Item") }), width: 0.34},
		{title: label(func(l catLang) string { return i18n.In(l, "Value") }), width: 0.66},
	}
	var rows [][]string
	add := func(lbl, value string) {
		if value != "" {
			rows = append(rows, []string{lbl, value})
		}
	}
	s := p.Shop
	add(label(func(l catLang) string { return i18n.In(l, "Incident number") }), p.IncidentNumber)
	add(label(func(l catLang) string { return i18n.In(l, "Shop") }), s.Name)
	add(label(func(l catLang) string { return i18n.In(l, "Merchant ID") }), s.MerchantID)
	add(label(func(l catLang) string { return i18n.In(l, "Acquirer") }), s.Acquirer)
	add(label(func(l catLang) string { return i18n.In(l, "Case number") }), p.Letter.CaseNumber)
	add(label(func(l catLang) string { return i18n.In(l, "Reply due") }), p.Letter.Deadline)
	add(label(func(l catLang) string { return i18n.In(l, "Time zone") }), zoneText(p, now))
	for _, f := range p.Facts {
		add(p.label(func(l catLang) string { return f.Label.In(l) }), posdesk.MaskText(f.Value))
	}
	d.table(cols, rows, bodySize-1)

	// Transactions side by side (three per table), so a duplicate or a reversal reads across.
	for from := 0; from < len(p.Transactions); from += 3 {
		txs := p.Transactions[from:min(len(p.Transactions), from+3)]
		if from == 0 {
			sayHeading(d, p, 2, func(l catLang) string { return i18n.In(l, "Transactions") })
		}
		tcols := []column{{title: label(func(l catLang) string { return i18n.In(l, "Item") }), width: 0.28}}
		for i, tx := range txs {
			n := from + i + 1
			tcols = append(tcols, column{width: 0.72 / float64(len(txs)), title: label(func(l catLang) string {
				if r := tx.Role.In(l); r != "" {
					return i18n.In(l, "Transaction %[1]d: %[2]s", n, r)
				}
				return i18n.In(l, "Transaction %d", n)
			})})
		}
		var trows [][]string
		line := func(lbl string, value func(tx Transaction) string) {
			row := []string{lbl}
			any := false
			for _, tx := range txs {
				v := value(tx)
				any = any || v != ""
				row = append(row, v)
			}
			if any {
				trows = append(trows, row)
			}
		}
		line(label(func(l catLang) string { return i18n.In(l, "Time") }), func(tx Transaction) string { return isoTime(tx.Time.In(p.loc())) })
		line(label(func(l catLang) string { return i18n.In(l, "Amount") }), func(tx Transaction) string {
			if tx.Amount.Currency == "" && tx.Amount.IsZero() {
				return ""
			}
			return tx.Amount.Display() + "\n" + tx.Amount.String()
		})
		line(label(func(l catLang) string { return i18n.In(l, "Type") }), func(tx Transaction) string { return p.label(func(l catLang) string { return tx.Type.In(l) }) })
		line(label(func(l catLang) string { return i18n.In(l, "Terminal said") }), func(tx Transaction) string { return p.label(func(l catLang) string { return tx.Status.In(l) }) })
		line(label(func(l catLang) string { return i18n.In(l, "Card scheme") }), func(tx Transaction) string { return tx.Scheme })
		line(label(func(l catLang) string { return i18n.In(l, "Card (masked)") }), func(tx Transaction) string { return maskCard(tx.MaskedCard) })
		line(label(func(l catLang) string { return i18n.In(l, "Terminal ID") }), func(tx Transaction) string { return tx.TerminalID })
		line(label(func(l catLang) string { return i18n.In(l, "Batch number") }), func(tx Transaction) string { return tx.Batch })
		line(label(func(l catLang) string { return i18n.In(l, "Trace number") }), func(tx Transaction) string { return tx.Trace })
		line(label(func(l catLang) string { return i18n.In(l, "Reference number (RRN)") }), func(tx Transaction) string { return tx.RRN })
		line(label(func(l catLang) string { return i18n.In(l, "Authorisation code") }), func(tx Transaction) string { return tx.AuthCode })
		line(label(func(l catLang) string { return i18n.In(l, "Settlement") }), func(tx Transaction) string { return posdesk.MaskText(tx.Settled) })
		d.table(tcols, trows, bodySize-1)
	}

	if len(p.StatusHistory) > 0 {
		sayHeading(d, p, 2, func(l catLang) string { return i18n.In(l, "Status history") })
		hist := append([]StatusChange(nil), p.StatusHistory...)
		sort.SliceStable(hist, func(i, j int) bool { return hist[i].Time.Before(hist[j].Time) })
		var hr [][]string
		for _, h := range hist {
			hr = append(hr, []string{isoTime(h.Time.In(p.loc())), p.label(func(l catLang) string { return h.Status.In(l) }), h.By, posdesk.MaskText(h.Note)})
		}
		d.table([]column{
			{title: label(func(l catLang) string { return i18n.In(l, "Time") }), width: 0.25},
			{title: label(func(l catLang) string { return i18n.In(l, "Status") }), width: 0.2},
			{title: label(func(l catLang) string { return i18n.In(l, "By") }), width: 0.15},
			{title: label(func(l catLang) string { return i18n.In(l, "Note") }), width: 0.4},
		}, hr, bodySize-1)
	}
	if p.AuditHead != "" {
		d.setFont(smallSize)
		d.f.SetTextColor(90, 90, 90)
		for _, l := range p.say(func(l catLang) string {
			return i18n.In(l, "Audit chain head when this packet was built: %s", p.AuditHead)
		}) {
			d.lines(d.wrap(l, contentW), marginL, contentW, smallSize, "L")
		}
		d.f.SetTextColor(0, 0, 0)
		d.space(3)
	}
}

func timelineSection(d *doc, p *Packet) {
	type item struct {
		t         time.Time
		who, what string
	}
	var items []item
	for i, tx := range p.Transactions {
		what := strings.Join(p.say(func(l catLang) string {
			return i18n.In(l, "Transaction %[1]d: %[2]s %[3]s, terminal said: %[4]s (RRN %[5]s)", i+1, tx.Type.In(l), amountText(l, tx.Amount), orUnknown(l, tx.Status.In(l)), orUnknown(l, tx.RRN))
		}), "\n")
		who := strings.Join(p.say(func(l catLang) string { return terminalText(l, tx.TerminalID) }), "\n")
		items = append(items, item{tx.Time, who, what})
	}
	for _, e := range p.Timeline {
		items = append(items, item{e.Time, e.Who, posdesk.MaskText(e.What)})
	}
	if len(items) == 0 {
		return
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].t.Before(items[j].t) })
	sayHeading(d, p, 1, func(l catLang) string { return i18n.In(l, "Timeline") })
	var rows [][]string
	for _, it := range items {
		rows = append(rows, []string{isoTime(it.t.In(p.loc())), it.who, it.what})
	}
	d.table([]column{
		{title: p.label(func(l catLang) string { return i18n.In(l, "Time") }), width: 0.24},
		{title: p.label(func(l catLang) string { return i18n.In(l, "Who") }), width: 0.18},
		{title: p.label(func(l catLang) string { return i18n.In(l, "What happened") }), width: 0.58},
	}, rows, bodySize-1)
}

func indexSection(d *doc, p *Packet, exs []*exhibit) {
	if len(exs) == 0 {
		return
	}
	sayHeading(d, p, 1, func(l catLang) string { return i18n.In(l, "Exhibit index") })
	var rows [][]string
	for _, e := range exs {
		pages, caption := "", e.caption
		switch {
		case e.problem != nil:
			pages = "-"
			caption = strings.TrimSpace(caption + "\n" + p.label(func(l catLang) string { return i18n.In(l, "not included: %s", problemText(l, e.problem)) }))
		case e.firstPage > 0 && e.pages > 1:
			pages = fmt.Sprintf("%d-%d", e.firstPage, e.firstPage+e.pages-1)
		case e.firstPage > 0:
			pages = fmt.Sprint(e.firstPage)
		}
		rows = append(rows, []string{fmt.Sprint(e.n), e.name, caption, p.label(func(l catLang) string { return kindText(l, e) }), pages, e.sha})
	}
	d.table([]column{
		{title: p.label(func(l catLang) string { return i18n.In(l, "No.") }), width: 0.06, align: "C"},
		{title: p.label(func(l catLang) string { return i18n.In(l, "File") }), width: 0.17},
		{title: p.label(func(l catLang) string { return i18n.In(l, "Caption") }), width: 0.34},
		{title: p.label(func(l catLang) string { return i18n.In(l, "Type") }), width: 0.1},
		{title: p.label(func(l catLang) string { return i18n.In(l, "Pages") }), width: 0.08},
		{title: p.label(func(l catLang) string { return i18n.In(l, "SHA-256 of original") }), width: 0.25, mono: true},
	}, rows, bodySize-1.5)
	d.setFont(smallSize)
	d.f.SetTextColor(90, 90, 90)
	for _, l := range p.say(func(l catLang) string {
		return i18n.In(l, "Photos are shown upright and may be reduced in size to fit the destination's limits; the SHA-256 identifies the original file kept by the shop.")
	}) {
		d.lines(d.wrap(l, contentW), marginL, contentW, smallSize, "L")
	}
	d.f.SetTextColor(0, 0, 0)
}

// kindText names an exhibit's type for the index.
func kindText(l catLang, e *exhibit) string {
	switch kindOf(e.src) {
	case ExhibitPDF:
		return i18n.In(l, "PDF document")
	case ExhibitText:
		return i18n.In(l, "Text log")
	case ExhibitScreenshot:
		return i18n.In(l, "Screenshot")
	case ExhibitScan:
		return i18n.In(l, "Scan")
	}
	return i18n.In(l, "Photo")
}

// exhibitHeader draws the heading of an exhibit page and returns the y where content may start.
func exhibitHeader(d *doc, p *Packet, e *exhibit, part string) {
	d.addPage()
	d.heading(strings.Join(p.say(func(l catLang) string { return exhibitLabel(l, e.n) }), " / ")+"  "+e.name, 2)
	line := e.caption
	if part != "" {
		line = strings.TrimSpace(line + "  " + part)
	}
	if line != "" {
		d.setFont(bodySize)
		d.lines(d.wrap(line, contentW), marginL, contentW, bodySize, "L")
	}
	d.space(2)
}

func imageExhibit(d *doc, p *Packet, e *exhibit) {
	info := strings.Join(p.say(func(l catLang) string {
		return i18n.In(l, "(%[1]dx%[2]d pixels, shown at %[3]dx%[4]d)", e.pic.srcW, e.pic.srcH, e.jpgW, e.jpgH)
	}), " ")
	exhibitHeader(d, p, e, info)
	boxH := d.bottom() - d.y()
	// Never enlarge beyond 100 DPI, so small screenshots stay crisp and modest.
	maxW, maxH := float64(e.jpgW)/100*25.4, float64(e.jpgH)/100*25.4
	w, h := fitMM(float64(e.jpgW), float64(e.jpgH), min(contentW, max(maxW, 60)), min(boxH, max(maxH, 60)))
	x := marginL + (contentW-w)/2
	name := fmt.Sprintf("exhibit%d", e.n)
	registerJPEG(d.f, name, e.jpg)
	d.f.ImageOptions(name, x, d.y(), w, h, false, imageOpts, 0, "")
	d.f.SetDrawColor(150, 150, 150)
	d.f.Rect(x, d.y(), w, h, "D")
	d.f.SetDrawColor(0, 0, 0)
}

func logExhibit(d *doc, p *Packet, e *exhibit) {
	lines := e.log
	if len(lines) == 0 {
		lines = []string{""}
	}
	perPage := 0
	part := 1
	for i := 0; i < len(lines); {
		note := strings.Join(p.say(func(l catLang) string { return i18n.In(l, "(text log, part %d)", part) }), " ")
		exhibitHeader(d, p, e, note)
		perPage = int((d.bottom() - d.y()) / monoLineH)
		y := d.y()
		for j := 0; j < perPage && i < len(lines); j++ {
			d.monoLine(marginL, y+monoLineH*0.8, lines[i])
			y += monoLineH
			i++
		}
		d.f.SetY(y)
		part++
	}
	if e.logTruncated {
		d.setFont(smallSize)
		for _, l := range p.say(func(l catLang) string { return i18n.In(l, "The log is longer than 4 MB; the rest is not shown.") }) {
			d.lines([]string{l}, marginL, contentW, smallSize, "L")
		}
	}
}

// pdfExhibit draws one packet page per page of a PDF attachment, each showing the imported page
// as a form XObject named by its index among all forms of the packet.
func pdfExhibit(d *doc, p *Packet, e *exhibit, formBase int) []*formPage {
	var out []*formPage
	for i, pg := range e.doc.pages {
		note := strings.Join(p.say(func(l catLang) string {
			return i18n.In(l, "(page %[1]d of %[2]d of the original)", i+1, len(e.doc.pages))
		}), " ")
		exhibitHeader(d, p, e, note)
		boxH := d.bottom() - d.y()
		wmm, hmm := pg.width*ptToMM, pg.height*ptToMM
		w, h := fitMM(wmm, hmm, contentW, boxH)
		x := marginL + (contentW-w)/2
		y := d.y()
		name := fmt.Sprintf("PDX%d", formBase+len(out)+1)
		k := 72 / 25.4
		d.f.RawWriteStr(fmt.Sprintf("q %.5f 0 0 %.5f %.3f %.3f cm /%s Do Q", w*k/pg.width, h*k/pg.height, x*k, (pageH-y-h)*k, name))
		d.f.SetDrawColor(150, 150, 150)
		d.f.Rect(x, y, w, h, "D")
		d.f.SetDrawColor(0, 0, 0)
		out = append(out, &formPage{name: name, page: pg})
	}
	return out
}

// problemText explains why an exhibit is not shown, in l.
func problemText(l catLang, err error) string {
	var pe *pdfError
	if asPDFError(err, &pe) {
		reason := fmt.Sprintf(pe.format, pe.args...)
		if i18n.Has(l, pe.format) || l == i18n.English {
			reason = i18n.In(l, pe.format, pe.args...)
		} else {
			reason = i18n.In(l, "its structure is damaged (%v)", reason)
		}
		return i18n.In(l, "the PDF could not be read (%s)", reason)
	}
	return i18n.In(l, "the file could not be read (%s)", err.Error())
}

func packetFooter(d *doc, p *Packet, page int, now time.Time) {
	saved := d.fontSize
	d.setFont(smallSize - 0.5)
	d.f.SetTextColor(90, 90, 90)
	d.f.SetDrawColor(180, 180, 180)
	d.f.Line(marginL, pageH-marginB+4, marginL+contentW, pageH-marginB+4)
	y := pageH - marginB + 7.5
	for _, l := range p.Lang.langs() {
		left := i18n.In(l, "Incident %[1]s · page %[2]d of %[3]s", p.IncidentNumber, page, "{nb}")
		right := i18n.In(l, "Generated %s", now.Format("2006-01-02 15:04 -07:00"))
		d.f.Text(marginL, y, left)
		d.f.Text(marginL+contentW-d.width(right), y, right)
		y += 3.2
	}
	d.f.SetTextColor(0, 0, 0)
	d.f.SetDrawColor(0, 0, 0)
	d.setFont(saved)
}
