package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// pdfDoc is a PDF attachment whose pages can be drawn in a packet.
type pdfDoc struct {
	r     *pdfReader
	pages []*srcPage
	size  int // about how many bytes importing every page adds, its JPEG images aside
	// images are the document's JPEG images the ladder may shrink, by source object number, each
	// decoded for the largest page at the preset's DPI.
	images map[int]*picture
	imgNum []int // their object numbers, in order met
}

// imageBytes returns the bytes of the document's shrinkable images at ladder step.
func (d *pdfDoc) imageBytes(step int) (int, error) {
	n := 0
	for _, num := range d.imgNum {
		jpg, _, _, err := d.images[num].encoded(step)
		if err != nil {
			return 0, err
		}
		n += len(jpg)
	}
	return n, nil
}

// srcPage is one page of an attachment.
type srcPage struct {
	doc           *pdfDoc
	dict          pdfDict
	box           [4]float64 // crop box (or media box) in the page's user space
	rotate        int        // 0, 90, 180 or 270, clockwise
	width, height float64    // displayed size in points, after rotation
	resources     any
	content       []byte  // the form's stream body
	contentEnc    pdfDict // its /Filter and /DecodeParms
}

// formPage is an imported page placed in the packet under name (a resource name without '/').
type formPage struct {
	name string
	page *srcPage
}

// readPDFBounded reads a PDF attachment's pages within a time limit. Any failure, including a
// panic inside the reader, comes back as a *pdfError with a reason for the exhibit index.
// Images inside are decoded for dpi (0: they are kept as they are).
func readPDFBounded(data []byte, timeout time.Duration, dpi int) (*pdfDoc, error) {
	deadline := time.Now().Add(timeout)
	doc, err := readPDF(data, deadline, false, dpi)
	var pe *pdfError
	if err != nil && asPDFError(err, &pe) && retryable(pe) {
		// The xref may point to the wrong places: rebuild it by scanning and try once more.
		if doc2, err2 := readPDF(data, deadline, true, dpi); err2 == nil {
			return doc2, nil
		}
	}
	return doc, err
}

// retryable reports whether a failure may come from a damaged xref (rather than from a limit or
// encryption, which scanning would not change).
func retryable(e *pdfError) bool {
	switch e.format {
	case "it is encrypted or password-protected", "it is larger than %d MB", "reading it took too long",
		"it expands to more than %d MB", "it has more than %d pages", "it is not a PDF file", "its page tree loops":
		return false
	}
	return true
}

func readPDF(data []byte, deadline time.Time, rebuild bool, dpi int) (doc *pdfDoc, err error) {
	defer catch(&err)
	r, err := openPDF(data, deadline, rebuild)
	if err != nil {
		return nil, err
	}
	doc = &pdfDoc{r: r}
	cat, ok := r.get(r.trailer["/Root"]).(pdfDict)
	if !ok {
		return nil, pdfErrorf("it has no document catalog")
	}
	seen := map[pdfRef]bool{}
	var walk func(node any, inherited pdfDict, depth int)
	walk = func(node any, inherited pdfDict, depth int) {
		if depth > maxDepth {
			panic(pdfErrorf("its page tree is too deep"))
		}
		if ref, ok := node.(pdfRef); ok {
			if seen[ref] {
				panic(pdfErrorf("its page tree loops"))
			}
			seen[ref] = true
		}
		d, ok := r.get(node).(pdfDict)
		if !ok {
			return
		}
		inh := pdfDict{}
		for k, v := range inherited {
			inh[k] = v
		}
		for _, k := range []pdfName{"/Resources", "/MediaBox", "/CropBox", "/Rotate"} {
			if v, ok := d[k]; ok {
				inh[k] = v
			}
		}
		kids, isNode := r.get(d["/Kids"]).(pdfArray)
		if d["/Type"] == pdfName("/Pages") || isNode && d["/Type"] != pdfName("/Page") {
			for _, k := range kids {
				walk(k, inh, depth+1)
			}
			return
		}
		if len(doc.pages) >= maxPDFPages {
			panic(pdfErrorf("it has more than %d pages", maxPDFPages))
		}
		doc.pages = append(doc.pages, newSrcPage(doc, d, inh))
	}
	walk(cat["/Pages"], pdfDict{}, 0)
	if len(doc.pages) == 0 {
		return nil, pdfErrorf("it has no pages")
	}
	// Decode the contents and estimate the size now, inside the bounds: every object reachable
	// from the pages' resources, once. After this, writing the forms parses nothing new.
	c := newCopier(doc, 0)
	maxW, maxH := 0.0, 0.0
	for _, p := range doc.pages {
		p.content, p.contentEnc = formContent(p)
		c.value(p.resources)
		doc.size += 300 + len(p.content)
		maxW, maxH = math.Max(maxW, p.width), math.Max(maxH, p.height)
	}
	// Pages are drawn fitted to the exhibit box: images need no more pixels than that at dpi.
	dispW, dispH := fitMM(maxW*ptToMM, maxH*ptToMM, exhibitBoxW, exhibitBoxH)
	for i := 0; i < len(c.order); i++ {
		if dpi > 0 {
			doc.addImage(c.order[i], int(dispW/25.4*float64(dpi)), int(dispH/25.4*float64(dpi)))
		}
		c.copyObject(i, nil)
	}
	doc.size += c.bytes
	r.deadline = time.Time{}
	return doc, nil
}

// addImage decodes source object n when it is a JPEG image the ladder can re-encode (8-bit RGB
// or gray, no decode array, not a mask), fitted to boxW x boxH pixels. Anything else, or a JPEG
// that does not decode, is copied as it is.
func (d *pdfDoc) addImage(n, boxW, boxH int) {
	st, ok := d.r.object(n).(*pdfStream)
	if !ok || st.dict["/Subtype"] != pdfName("/Image") || len(st.raw) < 2048 {
		return
	}
	f := d.r.get(st.dict["/Filter"])
	if a, ok := f.(pdfArray); ok && len(a) == 1 {
		f = d.r.get(a[0])
	}
	cs := d.r.get(st.dict["/ColorSpace"])
	bpc, _ := d.r.get(st.dict["/BitsPerComponent"]).(int)
	if f != pdfName("/DCTDecode") || (cs != pdfName("/DeviceRGB") && cs != pdfName("/DeviceGray")) || bpc != 8 ||
		st.dict["/Decode"] != nil || st.dict["/ImageMask"] == true || st.dict["/DecodeParms"] != nil {
		return
	}
	pic, err := decodePicture(st.raw, max(boxW, 16), max(boxH, 16), cs == pdfName("/DeviceGray"))
	if err != nil {
		return
	}
	if d.images == nil {
		d.images = map[int]*picture{}
	}
	d.images[n] = pic
	d.imgNum = append(d.imgNum, n)
}

func newSrcPage(doc *pdfDoc, d, inh pdfDict) *srcPage {
	r := doc.r
	p := &srcPage{doc: doc, dict: d, resources: inh["/Resources"]}
	box, ok := rect(r, inh["/CropBox"])
	if !ok {
		box, ok = rect(r, inh["/MediaBox"])
	}
	if !ok {
		box = [4]float64{0, 0, 595.28, 841.89} // A4, the usual default
	}
	p.box = box
	rot, _ := r.get(inh["/Rotate"]).(int)
	p.rotate = ((rot%360)+360)%360 - ((rot%360)+360)%90
	w, h := box[2]-box[0], box[3]-box[1]
	if p.rotate == 90 || p.rotate == 270 {
		w, h = h, w
	}
	p.width, p.height = w, h
	return p
}

// rect reads a rectangle [llx lly urx ury], normalised; sizes below 1 point are refused.
func rect(r *pdfReader, v any) ([4]float64, bool) {
	a, ok := r.get(v).(pdfArray)
	if !ok || len(a) != 4 {
		return [4]float64{}, false
	}
	var f [4]float64
	for i := range f {
		switch n := r.get(a[i]).(type) {
		case int:
			f[i] = float64(n)
		case float64:
			f[i] = n
		default:
			return f, false
		}
	}
	if f[0] > f[2] {
		f[0], f[2] = f[2], f[0]
	}
	if f[1] > f[3] {
		f[1], f[3] = f[3], f[1]
	}
	if f[2]-f[0] < 1 || f[3]-f[1] < 1 || f[2]-f[0] > 14400 || f[3]-f[1] > 14400 {
		return f, false
	}
	return f, true
}

// copier copies objects of one source document into the packet with new numbers, in the order
// it meets them while writing (dictionary keys sorted), so the result is byte-identical for the
// same input.
type copier struct {
	doc   *pdfDoc
	step  int         // ladder step for the document's JPEG images; -1 copies them unchanged
	base  int         // number of the first copied object
	num   map[int]int // source object number -> index in order
	order []int       // source object numbers, in numbering order
	bytes int
}

func newCopier(doc *pdfDoc, base int) *copier {
	return &copier{doc: doc, base: base, num: map[int]int{}, step: -1}
}

// ref returns the new number of source object n, queueing it for copying.
func (c *copier) ref(n int) int {
	if i, ok := c.num[n]; ok {
		return c.base + i
	}
	if len(c.order) >= maxCopyObjects {
		panic(pdfErrorf("it has too many objects to import"))
	}
	c.num[n] = len(c.order)
	c.order = append(c.order, n)
	return c.base + len(c.order) - 1
}

// value serialises v, renumbering references. A nil w only walks (for the size estimate).
func (c *copier) value(v any) []byte {
	var b bytes.Buffer
	c.write(&b, v, 0)
	return b.Bytes()
}

func (c *copier) write(b *bytes.Buffer, v any, depth int) {
	if depth > maxDepth {
		panic(pdfErrorf("values nest too deeply"))
	}
	c.doc.r.checkTime()
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		writeReal(b, x)
	case pdfName:
		writeName(b, x)
	case pdfString:
		b.WriteByte('<')
		fmt.Fprintf(b, "%x", []byte(x))
		b.WriteByte('>')
	case pdfArray:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			c.write(b, e, depth+1)
		}
		b.WriteByte(']')
	case pdfDict:
		if x["/Type"] == pdfName("/Page") || x["/Type"] == pdfName("/Pages") {
			b.WriteString("null") // never pull another page or the page tree into a form
			return
		}
		b.WriteString("<<")
		for _, k := range sortedNames(x) {
			if k == "/Parent" {
				continue
			}
			writeName(b, k)
			b.WriteByte(' ')
			c.write(b, x[k], depth+1)
		}
		b.WriteString(">>")
	case pdfRef:
		if t, ok := c.doc.r.object(x.num).(pdfDict); ok && (t["/Type"] == pdfName("/Page") || t["/Type"] == pdfName("/Pages")) {
			b.WriteString("null")
			return
		}
		if c.doc.r.object(x.num) == nil {
			b.WriteString("null")
			return
		}
		fmt.Fprintf(b, "%d 0 R", c.ref(x.num))
	case *pdfStream:
		// Streams are only reachable as indirect objects; a direct one is written as its dict.
		c.write(b, x.dict, depth)
	default:
		b.WriteString("null")
	}
}

// copyObject writes source object order[i] as "n 0 obj ... endobj" to out (nil: only count).
func (c *copier) copyObject(i int, out *bytes.Buffer) {
	src := c.doc.r.object(c.order[i])
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d 0 obj\n", c.base+i)
	if st, ok := src.(*pdfStream); ok {
		d := pdfDict{}
		for k, v := range st.dict {
			d[k] = v
		}
		raw := st.raw
		if pic := c.doc.images[c.order[i]]; pic != nil {
			if out == nil {
				raw = nil // counted by imageBytes
			} else if c.step >= 0 {
				jpg, w, h, err := pic.encoded(c.step)
				if err != nil {
					panic(err)
				}
				raw, d["/Width"], d["/Height"] = jpg, w, h
			}
		}
		d["/Length"] = len(raw)
		delete(d, "/DL")
		b.Write(c.value(d))
		b.WriteString("\nstream\n")
		b.Write(raw)
		b.WriteString("\nendstream")
	} else {
		b.Write(c.value(src))
	}
	b.WriteString("\nendobj\n")
	c.bytes += b.Len()
	if out != nil {
		out.Write(b.Bytes())
	}
}

func sortedNames(d pdfDict) []pdfName {
	keys := make([]pdfName, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func writeReal(b *bytes.Buffer, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	b.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
}

func writeName(b *bytes.Buffer, n pdfName) {
	b.WriteByte('/')
	for _, c := range []byte(n[1:]) {
		if c <= 0x20 || c >= 0x7f || c == '#' || isDelim(c) {
			fmt.Fprintf(b, "#%02X", c)
			continue
		}
		b.WriteByte(c)
	}
}

// formContent returns the page's content as one stream body and the dictionary entries that
// describe its encoding. A single content stream is kept as it is (with its filter); several
// are decoded, joined and compressed again.
func formContent(p *srcPage) ([]byte, pdfDict) {
	r := p.doc.r
	contents := r.get(p.dict["/Contents"])
	switch c := contents.(type) {
	case *pdfStream:
		d := pdfDict{}
		if f, ok := c.dict["/Filter"]; ok {
			d["/Filter"] = r.get(f)
		}
		if dp, ok := c.dict["/DecodeParms"]; ok {
			d["/DecodeParms"] = r.get(dp)
		}
		return c.raw, d
	case pdfArray:
		var all bytes.Buffer
		for _, e := range c {
			if st, ok := r.get(e).(*pdfStream); ok {
				all.Write(r.decode(st))
				all.WriteByte('\n')
			}
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(all.Bytes())
		zw.Close()
		return z.Bytes(), pdfDict{"/Filter": pdfName("/FlateDecode")}
	}
	return nil, pdfDict{}
}

// formMatrix maps the page's box, rotated as it is displayed, onto [0 0 width height].
func formMatrix(p *srcPage) pdfArray {
	llx, lly, urx, ury := p.box[0], p.box[1], p.box[2], p.box[3]
	switch p.rotate {
	case 90:
		return pdfArray{0, -1, 1, 0, -lly, urx}
	case 180:
		return pdfArray{-1, 0, 0, -1, urx, ury}
	case 270:
		return pdfArray{0, 1, -1, 0, ury, -llx}
	}
	return pdfArray{1, 0, 0, 1, -llx, -lly}
}

// appendForms adds the imported pages to a PDF written by gofpdf, as an incremental update: the
// form XObjects and everything they use as new objects, and a new resource dictionary (object
// 2, shared by every gofpdf page) that names them. The result is byte-identical for the same
// input: objects are numbered in the order they are met with dictionary keys sorted.
func appendForms(base []byte, forms []*formPage, step int) (_ []byte, err error) {
	defer catch(&err)
	r, err := openPDF(base, time.Time{}, false)
	if err != nil {
		return nil, fmt.Errorf("reopen packet: %w", err)
	}
	size, _ := r.trailer["/Size"].(int)
	prevXref := startxrefRe.FindAllSubmatch(base[max(0, len(base)-64):], -1)
	if size == 0 || prevXref == nil {
		return nil, fmt.Errorf("packet trailer not understood")
	}
	res, ok := r.object(2).(pdfDict)
	if !ok {
		return nil, fmt.Errorf("packet resource dictionary not found")
	}
	xobjects := pdfDict{}
	if xo, ok := r.get(res["/XObject"]).(pdfDict); ok {
		for k, v := range xo {
			xobjects[k] = v
		}
	}
	// Form i is object size+i; each document's objects follow, document by document.
	var docs []*pdfDoc
	seen := map[*pdfDoc]bool{}
	for i, f := range forms {
		xobjects[pdfName("/"+f.name)] = pdfRef{size + i, 0}
		if !seen[f.page.doc] {
			seen[f.page.doc] = true
			docs = append(docs, f.page.doc)
		}
	}
	var out bytes.Buffer
	out.Write(base)
	if !bytes.HasSuffix(base, []byte("\n")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	next := size + len(forms)
	for _, d := range docs {
		c := newCopier(d, next)
		c.step = step
		for i, f := range forms {
			if f.page.doc != d {
				continue
			}
			content, enc := f.page.content, f.page.contentEnc
			dict := pdfDict{
				"/Type":      pdfName("/XObject"),
				"/Subtype":   pdfName("/Form"),
				"/FormType":  1,
				"/BBox":      pdfArray{f.page.box[0], f.page.box[1], f.page.box[2], f.page.box[3]},
				"/Matrix":    formMatrix(f.page),
				"/Length":    len(content),
				"/Resources": f.page.resources,
			}
			if f.page.resources == nil {
				dict["/Resources"] = pdfDict{}
			}
			for k, v := range enc {
				dict[k] = v
			}
			offsets[size+i] = out.Len()
			fmt.Fprintf(&out, "%d 0 obj\n", size+i)
			out.Write(c.value(dict))
			out.WriteString("\nstream\n")
			out.Write(content)
			out.WriteString("\nendstream\nendobj\n")
		}
		for i := 0; i < len(c.order); i++ { // order grows as objects refer to new ones
			offsets[c.base+i] = out.Len()
			c.copyObject(i, &out)
		}
		next = c.base + len(c.order)
	}
	// The new resource dictionary.
	res["/XObject"] = xobjects
	offsets[2] = out.Len()
	out.WriteString("2 0 obj\n")
	writePlain(&out, res)
	out.WriteString("\nendobj\n")
	// Cross-reference section for the changed and new objects.
	xref := out.Len()
	nums := make([]int, 0, len(offsets))
	for n := range offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	out.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&out, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			fmt.Fprintf(&out, "%010d 00000 n \n", offsets[nums[k]])
		}
		i = j + 1
	}
	prev, _ := strconv.Atoi(string(prevXref[len(prevXref)-1][1]))
	trailer := pdfDict{"/Size": next, "/Root": r.trailer["/Root"], "/Prev": prev}
	if info, ok := r.trailer["/Info"]; ok {
		trailer["/Info"] = info
	}
	out.WriteString("trailer\n")
	writePlain(&out, trailer)
	fmt.Fprintf(&out, "\nstartxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes(), nil
}

// writePlain serialises v keeping references as they are (for the packet's own objects).
func writePlain(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case pdfRef:
		fmt.Fprintf(b, "%d %d R", x.num, x.gen)
	case pdfDict:
		b.WriteString("<<")
		for _, k := range sortedNames(x) {
			writeName(b, k)
			b.WriteByte(' ')
			writePlain(b, x[k])
		}
		b.WriteString(">>")
	case pdfArray:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			writePlain(b, e)
		}
		b.WriteByte(']')
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		writeReal(b, x)
	case pdfName:
		writeName(b, x)
	case pdfString:
		fmt.Fprintf(b, "<%x>", []byte(x))
	default:
		b.WriteString("null")
	}
}

// PDFPages returns how many pages a PDF attachment has, reading it the bounded way packets do
// (at most 10 seconds). A file that cannot be read is EINVALID on field "attachment" with the
// reason, in the words the exhibit index uses.
func PDFPages(data []byte) (int, error) {
	doc, err := readPDFBounded(data, 10*time.Second, 0)
	if err != nil {
		return 0, posdesk.Invalid("attachment", "This PDF cannot be included in a packet: %s.", problemText(i18n.English, err))
	}
	return len(doc.pages), nil
}
