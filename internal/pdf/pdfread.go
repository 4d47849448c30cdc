package pdf

// A small, bounded PDF reader: enough to import the pages of bank statements and similar
// documents made by other programs. It reads classic xref tables, xref streams, object streams
// and FlateDecode (with PNG predictors), rebuilds a broken xref by scanning, and refuses
// encrypted files. Every loop is bounded (nesting depth, object count, inflated bytes, a
// deadline), so a hostile file costs a bounded amount of time and memory and ends in an error.
//
// Why not github.com/phpdave11/gofpdi (with gofpdf's contrib importer): it writes dictionaries
// in Go map order and names sources by pointer address, and gofpdf writes its imported objects in
// map order, so five builds of one packet gave five different files; and a cyclic /Kids, a huge
// /Count or an inflate bomb ends in a stack overflow or an allocation failure, which recover()
// cannot catch. Pages imported here are written as form XObjects in an incremental update
// (appendForms), numbered in a fixed order.

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// PDF values.
type (
	pdfName   string
	pdfString []byte
	pdfArray  []any
	pdfDict   map[pdfName]any
	pdfRef    struct{ num, gen int }
	pdfStream struct {
		dict pdfDict
		raw  []byte // encoded bytes, as in the file
	}
)

// pdfError is why a PDF attachment could not be read: a short English phrase (format and args),
// translated through the catalog when shown in a packet.
type pdfError struct {
	format string
	args   []any
}

func (e *pdfError) Error() string { return "pdf: " + fmt.Sprintf(e.format, e.args...) }

func asPDFError(err error, target **pdfError) bool { return errors.As(err, target) }

func pdfErrorf(format string, args ...any) error {
	return &pdfError{format: format, args: args}
}

// Limits of the reader.
const (
	maxPDFBytes     = 64 << 20  // attachment size
	maxInflateTotal = 256 << 20 // all decompressed streams together
	maxInflateOne   = 64 << 20  // one stream
	maxDepth        = 64        // nesting of arrays/dicts, page tree depth, reference chains
	maxObjects      = 500_000   // xref entries
	maxPDFPages     = 500
	maxCopyObjects  = 50_000 // objects imported for all pages of one document
)

type xrefEntry struct {
	offset int // byte offset, or index inside an object stream
	stream int // object stream number; 0 for a plain object
	free   bool
}

type pdfReader struct {
	data     []byte
	xref     map[int]xrefEntry
	trailer  pdfDict
	cache    map[int]any
	inflated int
	deadline time.Time
	steps    int
	resolve  int // current reference-resolution depth
}

// checkTime fails once the deadline has passed (checked every few thousand steps).
func (r *pdfReader) checkTime() {
	r.steps++
	if r.steps%4096 == 0 && !r.deadline.IsZero() && time.Now().After(r.deadline) {
		panic(pdfErrorf("reading it took too long"))
	}
}

// openPDF reads the cross-reference data and trailer of a PDF.
func openPDF(data []byte, deadline time.Time, rebuild bool) (*pdfReader, error) {
	if len(data) > maxPDFBytes {
		return nil, pdfErrorf("it is larger than %d MB", maxPDFBytes>>20)
	}
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, pdfErrorf("it is not a PDF file")
	}
	r := &pdfReader{data: data, xref: map[int]xrefEntry{}, cache: map[int]any{}, deadline: deadline}
	var err error
	if !rebuild {
		func() {
			defer catch(&err)
			r.readXrefChain()
		}()
	}
	if rebuild || err != nil || r.trailer == nil || r.trailer["/Root"] == nil {
		// Rebuild the table by scanning for objects, as viewers do with damaged files.
		r.xref, r.trailer, r.cache = map[int]xrefEntry{}, nil, map[int]any{}
		err = nil
		func() {
			defer catch(&err)
			r.reconstruct()
		}()
		if err != nil {
			return nil, err
		}
	}
	if _, ok := r.trailer["/Encrypt"]; ok {
		return nil, pdfErrorf("it is encrypted or password-protected")
	}
	return r, nil
}

// catch turns a panic from the reader into an error in *err: pdfErrors as they are, anything else
// (an index out of range on a malformed file) as a generic reason.
func catch(err *error) {
	if v := recover(); v != nil {
		if pe, ok := v.(*pdfError); ok {
			*err = pe
			return
		}
		*err = pdfErrorf("its structure is damaged (%v)", fmt.Sprint(v))
	}
}

var startxrefRe = regexp.MustCompile(`startxref\s+(\d+)`)

func (r *pdfReader) readXrefChain() {
	tail := r.data[max(0, len(r.data)-4096):]
	m := startxrefRe.FindAllSubmatch(tail, -1)
	if m == nil {
		panic(pdfErrorf("no startxref"))
	}
	off, _ := strconv.Atoi(string(m[len(m)-1][1]))
	seen := map[int]bool{}
	for n := 0; off > 0 || n == 0; n++ {
		if seen[off] || n > maxDepth || off >= len(r.data) {
			break
		}
		seen[off] = true
		trailer := r.readXrefAt(off)
		if r.trailer == nil {
			r.trailer = trailer
		}
		if x, ok := trailer["/XRefStm"].(int); ok && !seen[x] && x < len(r.data) {
			seen[x] = true
			r.readXrefAt(x)
		}
		prev, ok := trailer["/Prev"].(int)
		if !ok {
			break
		}
		off = prev
	}
}

// readXrefAt reads one xref section (table or stream) at off, adding entries not yet known (the
// newest section is read first), and returns its trailer dictionary.
func (r *pdfReader) readXrefAt(off int) pdfDict {
	lx := &lexer{data: r.data, pos: off, r: r}
	lx.skipSpace()
	if bytes.HasPrefix(r.data[lx.pos:], []byte("xref")) {
		lx.pos += 4
		for {
			lx.skipSpace()
			if bytes.HasPrefix(r.data[lx.pos:], []byte("trailer")) {
				lx.pos += 7
				d, ok := lx.value(0).(pdfDict)
				if !ok {
					panic(pdfErrorf("bad trailer"))
				}
				return d
			}
			start, ok1 := lx.value(0).(int)
			count, ok2 := lx.value(0).(int)
			if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxObjects {
				panic(pdfErrorf("bad xref table"))
			}
			lx.skipSpace()
			for i := 0; i < count; i++ {
				r.checkTime()
				if lx.pos+18 > len(r.data) {
					panic(pdfErrorf("truncated xref table"))
				}
				line := r.data[lx.pos : lx.pos+18]
				o, err1 := strconv.Atoi(string(line[0:10]))
				_, err2 := strconv.Atoi(string(line[11:16]))
				if err1 != nil || err2 != nil {
					panic(pdfErrorf("bad xref entry"))
				}
				if _, known := r.xref[start+i]; !known {
					r.xref[start+i] = xrefEntry{offset: o, free: line[17] == 'f'}
				}
				lx.pos += 18
				lx.skipSpace()
			}
		}
	}
	// An xref stream: "n g obj << /Type /XRef ... >> stream".
	_, obj := r.parseIndirect(off)
	st, ok := obj.(*pdfStream)
	if !ok || st.dict["/Type"] != pdfName("/XRef") {
		panic(pdfErrorf("startxref does not point to an xref"))
	}
	data := r.decode(st)
	w, _ := st.dict["/W"].(pdfArray)
	if len(w) != 3 {
		panic(pdfErrorf("bad xref stream"))
	}
	ws := [3]int{}
	for i := range ws {
		ws[i], _ = w[i].(int)
		if ws[i] < 0 || ws[i] > 8 {
			panic(pdfErrorf("bad xref stream widths"))
		}
	}
	size, _ := st.dict["/Size"].(int)
	index := pdfArray{0, size}
	if ix, ok := st.dict["/Index"].(pdfArray); ok {
		index = ix
	}
	rec := ws[0] + ws[1] + ws[2]
	if rec == 0 {
		panic(pdfErrorf("bad xref stream widths"))
	}
	pos := 0
	field := func(n int) int {
		v := 0
		for i := 0; i < n; i++ {
			v = v<<8 | int(data[pos])
			pos++
		}
		return v
	}
	for i := 0; i+1 < len(index); i += 2 {
		start, _ := index[i].(int)
		count, _ := index[i+1].(int)
		if start < 0 || count < 0 || start+count > maxObjects {
			panic(pdfErrorf("bad xref stream index"))
		}
		for j := 0; j < count && pos+rec <= len(data); j++ {
			r.checkTime()
			typ := 1
			if ws[0] > 0 {
				typ = field(ws[0])
			}
			a, b := field(ws[1]), field(ws[2])
			if _, known := r.xref[start+j]; known {
				continue
			}
			switch typ {
			case 0:
				r.xref[start+j] = xrefEntry{free: true}
			case 1:
				r.xref[start+j] = xrefEntry{offset: a}
			case 2:
				r.xref[start+j] = xrefEntry{stream: a, offset: b}
			}
		}
	}
	return st.dict
}

var objRe = regexp.MustCompile(`(?m)(?:^|[\r\n\s])(\d{1,7})\s+(\d{1,5})\s+obj\b`)

// reconstruct rebuilds the xref by scanning the file for "n g obj", and finds the trailer.
func (r *pdfReader) reconstruct() {
	for _, m := range objRe.FindAllSubmatchIndex(r.data, maxObjects) {
		r.checkTime()
		n, _ := strconv.Atoi(string(r.data[m[2]:m[3]]))
		r.xref[n] = xrefEntry{offset: m[2]}
	}
	if len(r.xref) == 0 {
		panic(pdfErrorf("no objects found; the file is damaged or not a PDF"))
	}
	if i := bytes.LastIndex(r.data, []byte("trailer")); i >= 0 {
		func() {
			defer func() { _ = recover() }()
			lx := &lexer{data: r.data, pos: i + 7, r: r}
			if d, ok := lx.value(0).(pdfDict); ok {
				r.trailer = d
			}
		}()
	}
	if r.trailer != nil && r.trailer["/Root"] != nil {
		return
	}
	// No usable trailer: look for the catalog, and for objects inside object streams.
	nums := sortedKeys(r.xref)
	for _, n := range nums {
		r.checkTime()
		var obj any
		func() {
			defer func() { _ = recover() }()
			obj = r.object(n)
		}()
		switch o := obj.(type) {
		case pdfDict:
			if o["/Type"] == pdfName("/Catalog") {
				r.trailer = pdfDict{"/Root": pdfRef{n, 0}}
			}
		case *pdfStream:
			if o.dict["/Type"] == pdfName("/ObjStm") {
				r.indexObjStm(n, o)
			}
		}
	}
	if r.trailer == nil {
		panic(pdfErrorf("no document catalog found; the file is damaged"))
	}
}

// indexObjStm adds the objects inside object stream n to the xref (when not known already).
func (r *pdfReader) indexObjStm(n int, st *pdfStream) {
	count, _ := st.dict["/N"].(int)
	data := r.decode(st)
	lx := &lexer{data: data, r: r}
	for i := 0; i < count && i < maxObjects; i++ {
		num, ok := lx.value(0).(int)
		if !ok {
			return
		}
		lx.value(0)
		if _, known := r.xref[num]; !known {
			r.xref[num] = xrefEntry{stream: n, offset: i}
		}
	}
}

func sortedKeys(m map[int]xrefEntry) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// object returns indirect object n (cached), or nil when it does not exist.
func (r *pdfReader) object(n int) any {
	if v, ok := r.cache[n]; ok {
		return v
	}
	e, ok := r.xref[n]
	if !ok || e.free {
		return nil
	}
	r.resolve++
	defer func() { r.resolve-- }()
	if r.resolve > maxDepth {
		panic(pdfErrorf("references nest too deeply"))
	}
	r.cache[n] = nil // a reference cycle through Length resolves to null instead of looping
	var v any
	if e.stream > 0 {
		v = r.objectFromStream(e.stream, e.offset, n)
	} else {
		_, v = r.parseIndirect(e.offset)
	}
	r.cache[n] = v
	return v
}

// objectFromStream returns object n stored at index idx of object stream sn.
func (r *pdfReader) objectFromStream(sn, idx, n int) any {
	st, ok := r.object(sn).(*pdfStream)
	if !ok {
		return nil
	}
	count, _ := st.dict["/N"].(int)
	first, _ := st.dict["/First"].(int)
	data := r.decode(st)
	lx := &lexer{data: data, r: r}
	for i := 0; i < count && i < maxObjects; i++ {
		num, ok1 := lx.value(0).(int)
		off, ok2 := lx.value(0).(int)
		if !ok1 || !ok2 {
			return nil
		}
		if i == idx || num == n {
			if first+off >= len(data) || first+off < 0 {
				return nil
			}
			return (&lexer{data: data, pos: first + off, r: r}).value(0)
		}
	}
	return nil
}

// get resolves v when it is a reference.
func (r *pdfReader) get(v any) any {
	for i := 0; i < maxDepth; i++ {
		ref, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = r.object(ref.num)
	}
	return nil
}

// parseIndirect parses "n g obj VALUE [stream ... endstream] endobj" at off.
func (r *pdfReader) parseIndirect(off int) (int, any) {
	if off < 0 || off >= len(r.data) {
		panic(pdfErrorf("object offset out of range"))
	}
	lx := &lexer{data: r.data, pos: off, r: r}
	num, ok := lx.value(0).(int)
	if !ok {
		panic(pdfErrorf("bad object header"))
	}
	lx.value(0)
	if tok := lx.keyword(); tok != "obj" {
		panic(pdfErrorf("bad object header"))
	}
	v := lx.value(0)
	d, isDict := v.(pdfDict)
	if !isDict {
		return num, v
	}
	save := lx.pos
	lx.skipSpace()
	if !bytes.HasPrefix(r.data[lx.pos:], []byte("stream")) {
		lx.pos = save
		return num, v
	}
	lx.pos += 6
	if lx.pos < len(r.data) && r.data[lx.pos] == '\r' {
		lx.pos++
	}
	if lx.pos < len(r.data) && r.data[lx.pos] == '\n' {
		lx.pos++
	}
	start := lx.pos
	length := -1
	if l, ok := r.get(d["/Length"]).(int); ok {
		length = l
	}
	end := start + length
	if length < 0 || end > len(r.data) || !bytes.HasPrefix(bytes.TrimLeft(r.data[end:min(len(r.data), end+32)], "\r\n \t"), []byte("endstream")) {
		// Wrong or missing /Length: take the bytes up to "endstream".
		i := bytes.Index(r.data[start:], []byte("endstream"))
		if i < 0 {
			panic(pdfErrorf("a stream has no end"))
		}
		end = start + i
		for end > start && (r.data[end-1] == '\n' || r.data[end-1] == '\r') {
			end--
		}
	}
	return num, &pdfStream{dict: d, raw: r.data[start:end]}
}

// decode returns a stream's decoded bytes. It supports FlateDecode (with PNG and TIFF-less
// predictors), ASCIIHexDecode and ASCII85Decode; other filters are an error.
func (r *pdfReader) decode(st *pdfStream) []byte {
	filters := r.get(st.dict["/Filter"])
	parms := r.get(st.dict["/DecodeParms"])
	var fs []any
	var ps []any
	switch f := filters.(type) {
	case nil:
	case pdfName:
		fs = []any{f}
		ps = []any{parms}
	case pdfArray:
		fs = f
		if pa, ok := parms.(pdfArray); ok {
			ps = pa
		}
	}
	data := st.raw
	for i, f := range fs {
		var parm pdfDict
		if i < len(ps) {
			parm, _ = r.get(ps[i]).(pdfDict)
		}
		switch r.get(f) {
		case pdfName("/FlateDecode"), pdfName("/Fl"):
			data = r.inflate(data)
			data = unpredict(data, parm)
		case pdfName("/ASCIIHexDecode"), pdfName("/AHx"):
			data = asciiHex(data)
		case pdfName("/ASCII85Decode"), pdfName("/A85"):
			data = ascii85(data)
		default:
			panic(pdfErrorf("it uses a compression posdesk cannot read (%v)", f))
		}
	}
	return data
}

// inflate decompresses zlib data within the reader's budget.
func (r *pdfReader) inflate(b []byte) []byte {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		panic(pdfErrorf("a compressed stream is damaged"))
	}
	limit := min(maxInflateOne, maxInflateTotal-r.inflated)
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if len(out) > limit {
		panic(pdfErrorf("it expands to more than %d MB", limit>>20))
	}
	if err != nil && len(out) == 0 {
		panic(pdfErrorf("a compressed stream is damaged"))
	}
	// A truncated stream keeps what could be read, as viewers do.
	r.inflated += len(out)
	return out
}

// unpredict undoes a PNG predictor (Predictor >= 10) on rows of Columns bytes.
func unpredict(data []byte, parm pdfDict) []byte {
	pred, _ := parm["/Predictor"].(int)
	if pred < 10 {
		return data
	}
	cols, _ := parm["/Columns"].(int)
	colors, _ := parm["/Colors"].(int)
	bpc, _ := parm["/BitsPerComponent"].(int)
	if cols <= 0 {
		cols = 1
	}
	if colors <= 0 {
		colors = 1
	}
	if bpc <= 0 {
		bpc = 8
	}
	bpp := max(1, colors*bpc/8)
	rowLen := (cols*colors*bpc + 7) / 8
	if rowLen <= 0 || rowLen > 1<<20 {
		panic(pdfErrorf("bad predictor parameters"))
	}
	var out []byte
	prev := make([]byte, rowLen)
	for i := 0; i+rowLen+1 <= len(data); i += rowLen + 1 {
		typ := data[i]
		row := append([]byte(nil), data[i+1:i+1+rowLen]...)
		for j := range row {
			var left, up, ul byte
			if j >= bpp {
				left = row[j-bpp]
				ul = prev[j-bpp]
			}
			up = prev[j]
			switch typ {
			case 1:
				row[j] += left
			case 2:
				row[j] += up
			case 3:
				row[j] += byte((int(left) + int(up)) / 2)
			case 4:
				row[j] += paeth(left, up, ul)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func asciiHex(b []byte) []byte {
	var clean []byte
	for _, c := range b {
		if c == '>' {
			break
		}
		if isHex(c) {
			clean = append(clean, c)
		}
	}
	if len(clean)%2 == 1 {
		clean = append(clean, '0')
	}
	out := make([]byte, len(clean)/2)
	hex.Decode(out, clean)
	return out
}

func ascii85(b []byte) []byte {
	var out []byte
	var group []byte
	for _, c := range b {
		switch {
		case c == '~':
			goto done
		case c == 'z' && len(group) == 0:
			out = append(out, 0, 0, 0, 0)
		case c >= '!' && c <= 'u':
			group = append(group, c)
			if len(group) == 5 {
				out = append(out, a85group(group, 4)...)
				group = group[:0]
			}
		}
	}
done:
	if n := len(group); n > 1 {
		for len(group) < 5 {
			group = append(group, 'u')
		}
		out = append(out, a85group(group, n-1)...)
	}
	return out
}

func a85group(g []byte, n int) []byte {
	var v uint32
	for _, c := range g {
		v = v*85 + uint32(c-'!')
	}
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}[:n]
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// lexer reads PDF values from data.
type lexer struct {
	data []byte
	pos  int
	r    *pdfReader
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.data) {
		c := lx.data[lx.pos]
		if isSpace(c) {
			lx.pos++
			continue
		}
		if c == '%' {
			for lx.pos < len(lx.data) && lx.data[lx.pos] != '\n' && lx.data[lx.pos] != '\r' {
				lx.pos++
			}
			continue
		}
		return
	}
}

// keyword reads a bare word (obj, endobj, true, R...).
func (lx *lexer) keyword() string {
	lx.skipSpace()
	start := lx.pos
	for lx.pos < len(lx.data) && !isSpace(lx.data[lx.pos]) && !isDelim(lx.data[lx.pos]) {
		lx.pos++
	}
	return string(lx.data[start:lx.pos])
}

// value reads one PDF value. Integers are int, reals float64; "n g R" becomes a pdfRef.
func (lx *lexer) value(depth int) any {
	if depth > maxDepth {
		panic(pdfErrorf("values nest too deeply"))
	}
	if lx.r != nil {
		lx.r.checkTime()
	}
	lx.skipSpace()
	if lx.pos >= len(lx.data) {
		panic(pdfErrorf("unexpected end of file"))
	}
	c := lx.data[lx.pos]
	switch {
	case c == '/':
		lx.pos++
		start := lx.pos
		for lx.pos < len(lx.data) && !isSpace(lx.data[lx.pos]) && !isDelim(lx.data[lx.pos]) {
			lx.pos++
		}
		return pdfName("/" + unescapeName(lx.data[start:lx.pos]))
	case c == '(':
		return lx.literal()
	case c == '<' && lx.pos+1 < len(lx.data) && lx.data[lx.pos+1] == '<':
		lx.pos += 2
		d := pdfDict{}
		for {
			lx.skipSpace()
			if lx.pos+1 < len(lx.data) && lx.data[lx.pos] == '>' && lx.data[lx.pos+1] == '>' {
				lx.pos += 2
				return d
			}
			if lx.pos >= len(lx.data) {
				panic(pdfErrorf("unterminated dictionary"))
			}
			k, ok := lx.value(depth + 1).(pdfName)
			if !ok {
				panic(pdfErrorf("dictionary key is not a name"))
			}
			d[k] = lx.value(depth + 1)
		}
	case c == '<':
		lx.pos++
		end := bytes.IndexByte(lx.data[lx.pos:], '>')
		if end < 0 {
			panic(pdfErrorf("unterminated hex string"))
		}
		s := asciiHex(lx.data[lx.pos : lx.pos+end])
		lx.pos += end + 1
		return pdfString(s)
	case c == '[':
		lx.pos++
		var a pdfArray
		for {
			lx.skipSpace()
			if lx.pos < len(lx.data) && lx.data[lx.pos] == ']' {
				lx.pos++
				return a
			}
			a = append(a, lx.value(depth+1))
		}
	case c == '>' || c == ']' || c == ')' || c == '{' || c == '}':
		panic(pdfErrorf("unexpected %q", c))
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		num := lx.number()
		if n, ok := num.(int); ok && n >= 0 {
			// Look ahead for "gen R".
			save := lx.pos
			lx.skipSpace()
			p2 := lx.pos
			for lx.pos < len(lx.data) && lx.data[lx.pos] >= '0' && lx.data[lx.pos] <= '9' {
				lx.pos++
			}
			if lx.pos > p2 {
				gen, _ := strconv.Atoi(string(lx.data[p2:lx.pos]))
				lx.skipSpace()
				if lx.pos < len(lx.data) && lx.data[lx.pos] == 'R' && (lx.pos+1 == len(lx.data) || isSpace(lx.data[lx.pos+1]) || isDelim(lx.data[lx.pos+1])) {
					lx.pos++
					return pdfRef{n, gen}
				}
			}
			lx.pos = save
		}
		return num
	}
	switch w := lx.keyword(); w {
	case "true":
		return true
	case "false":
		return false
	case "null", "":
		if w == "" {
			lx.pos++ // skip a stray byte rather than loop
		}
		return nil
	default:
		return pdfKeyword(w)
	}
}

// pdfKeyword is a bare word met where a value was expected (endobj, stream); callers treat it as
// the end of what they read.
type pdfKeyword string

func (lx *lexer) number() any {
	start := lx.pos
	lx.pos++
	for lx.pos < len(lx.data) {
		c := lx.data[lx.pos]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-') {
			break
		}
		lx.pos++
	}
	s := string(lx.data[start:lx.pos])
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return f
}

func (lx *lexer) literal() pdfString {
	lx.pos++ // (
	var out []byte
	depth := 1
	for lx.pos < len(lx.data) {
		c := lx.data[lx.pos]
		lx.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out
			}
		case '\\':
			if lx.pos >= len(lx.data) {
				return out
			}
			e := lx.data[lx.pos]
			lx.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.pos < len(lx.data) && lx.data[lx.pos] == '\n' {
					lx.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && lx.pos < len(lx.data) && lx.data[lx.pos] >= '0' && lx.data[lx.pos] <= '7'; k++ {
						v = v*8 + int(lx.data[lx.pos]-'0')
						lx.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	panic(pdfErrorf("unterminated string"))
}

func unescapeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			v, _ := strconv.ParseUint(string(b[i+1:i+3]), 16, 8)
			out = append(out, byte(v))
			i += 2
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}
