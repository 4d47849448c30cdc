package attach

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"regexp"
	"strconv"
)

// The PDF check is deliberately shallow and bounded: it reads no more than the file, inflates at
// most maxObjStmBytes of object streams and indexes at most maxPDFObjects objects. It answers
// three questions: does the file end properly (not cut short), is it encrypted (packets cannot
// embed its pages), and how many pages does it have. Rendering is the pdf package's business.

const (
	maxPDFObjects  = 500_000
	maxObjStmBytes = 32 << 20
)

var (
	errPDFTruncated = errors.New("no %%EOF at the end")
	errPDFEncrypted = errors.New("encrypted")
	errPDFNoPages   = errors.New("no pages")
)

var (
	reEncrypt = regexp.MustCompile(`/Encrypt\s*(\d+\s+\d+\s+R|<<)`)
	reRoot    = regexp.MustCompile(`^/Root\s+(\d+)\s+\d+\s+R`)
	rePagesOf = regexp.MustCompile(`/Pages\s+(\d+)\s+\d+\s+R`)
	reCount   = regexp.MustCompile(`/Count\s+(\d+)`)
	rePage    = regexp.MustCompile(`/Type\s*/Page(?:[\s/<>\[\]()%]|$)`)
	reObjStm  = regexp.MustCompile(`/Type\s*/ObjStm\b`)
	reN       = regexp.MustCompile(`/N\s+(\d+)`)
	reFirst   = regexp.MustCompile(`/First\s+(\d+)`)
	reFilter  = regexp.MustCompile(`/Filter\s*(?:\[\s*)?/(\w+)`)
)

// readPDF checks a PDF and returns its number of pages.
func readPDF(data []byte) (pages int, err error) {
	tail := bytes.TrimRight(data, " \t\r\n\f\x00")
	if !bytes.Contains(tail[max(0, len(tail)-1024):], []byte("%%EOF")) {
		return 0, errPDFTruncated
	}
	if reEncrypt.Match(data) {
		return 0, errPDFEncrypted
	}
	objs := indexPDF(data)
	if n := rootPageCount(data, objs); n > 0 && n <= len(objs) {
		return n, nil
	}
	for _, body := range objs {
		if rePage.Match(dictPart(body)) {
			pages++
		}
	}
	if pages == 0 {
		return 0, errPDFNoPages
	}
	return pages, nil
}

// rootPageCount follows the last trailer's /Root to the catalog and its page tree, and returns
// the tree's /Count, or 0 when any step is missing.
func rootPageCount(data []byte, objs map[int][]byte) int {
	end := len(data)
	for try := 0; try < 16; try++ {
		i := bytes.LastIndex(data[:end], []byte("/Root"))
		if i < 0 {
			return 0
		}
		end = i
		m := reRoot.FindSubmatch(data[i:min(len(data), i+64)])
		if m == nil {
			continue
		}
		catalog := objs[atoi(m[1])]
		pm := rePagesOf.FindSubmatch(dictPart(catalog))
		if pm == nil {
			return 0
		}
		cm := reCount.FindSubmatch(dictPart(objs[atoi(pm[1])]))
		if cm == nil {
			return 0
		}
		return atoi(cm[1])
	}
	return 0
}

// indexPDF finds the objects of a PDF ("N G obj ... endobj"), in file order so that later
// definitions (incremental updates) replace earlier ones, including the objects packed in
// Flate-compressed object streams.
func indexPDF(data []byte) map[int][]byte {
	objs := map[int][]byte{}
	budget := maxObjStmBytes
	// work bounds the bytes searched for keys: about the file size for a sound file, whose
	// objects do not overlap; a damaged one (no "endobj") is cut off rather than searched again
	// and again.
	work := 2*len(data) + 1<<20
	nextEnd := -2 // cached offset of the next "endobj"; -2 unknown, -1 none
	for p := 0; len(objs) < maxPDFObjects && work > 0; {
		i := bytes.Index(data[p:], []byte("obj"))
		if i < 0 {
			break
		}
		i += p
		p = i + 3
		num, ok := objectNumber(data, i)
		if !ok {
			continue
		}
		if nextEnd != -1 && nextEnd < p {
			nextEnd = -1
			if e := bytes.Index(data[p:], []byte("endobj")); e >= 0 {
				nextEnd = p + e
			}
		}
		end := len(data)
		if nextEnd >= 0 {
			end = nextEnd
		}
		body := data[p:end]
		objs[num] = body
		dict := dictPart(body)
		work -= len(dict)
		if reObjStm.Match(dict) {
			budget = unpackObjStm(body, objs, budget)
		}
		if nextEnd >= 0 {
			p = end
		}
	}
	return objs
}

// objectNumber parses the "N G " before the "obj" keyword at data[i:] and returns N.
func objectNumber(data []byte, i int) (int, bool) {
	if i+3 < len(data) && isRegular(data[i+3]) {
		return 0, false // "object", "objstm" ...
	}
	j := i
	skipSpace := func() bool {
		k := j
		for j > 0 && isSpace(data[j-1]) {
			j--
		}
		return j < k
	}
	digits := func() (int, bool) {
		k := j
		for j > 0 && data[j-1] >= '0' && data[j-1] <= '9' && k-j < 10 {
			j--
		}
		if j == k {
			return 0, false
		}
		return atoi(data[j:k]), true
	}
	if !skipSpace() {
		return 0, false
	}
	if _, ok := digits(); !ok || !skipSpace() {
		return 0, false
	}
	n, ok := digits()
	if !ok || (j > 0 && isRegular(data[j-1])) {
		return 0, false
	}
	return n, true
}

// unpackObjStm adds the objects of one object stream to objs, inflating at most budget bytes,
// and returns the budget left.
func unpackObjStm(body []byte, objs map[int][]byte, budget int) int {
	dict := dictPart(body)
	if f := reFilter.FindSubmatch(dict); f == nil || string(f[1]) != "FlateDecode" {
		return budget
	}
	nm, fm := reN.FindSubmatch(dict), reFirst.FindSubmatch(dict)
	if nm == nil || fm == nil {
		return budget
	}
	n, first := atoi(nm[1]), atoi(fm[1])
	s := bytes.Index(body, []byte("stream"))
	if s < 0 {
		return budget
	}
	raw := body[s+len("stream"):]
	raw = bytes.TrimPrefix(raw, []byte("\r"))
	raw = bytes.TrimPrefix(raw, []byte("\n"))
	// No need to find "endstream": the zlib reader stops at the end of its own data.
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return budget
	}
	content, _ := io.ReadAll(io.LimitReader(zr, int64(budget))) // keep what inflated before an error
	budget -= len(content)
	if first > len(content) || n <= 0 {
		return budget
	}
	fields := bytes.Fields(content[:first])
	if len(fields) < 2*n {
		n = len(fields) / 2
	}
	for k := 0; k < n && len(objs) < maxPDFObjects; k++ {
		num, off := atoi(fields[2*k]), atoi(fields[2*k+1])
		end := len(content)
		if k+1 < n {
			end = first + atoi(fields[2*k+3])
		}
		start := first + off
		if start < first || start > end || end > len(content) {
			continue
		}
		objs[num] = content[start:end]
	}
	return budget
}

// maxDictBytes bounds how much of an object is searched for dictionary keys, so a damaged file
// (objects without "endobj") cannot make the search quadratic.
const maxDictBytes = 64 << 10

// dictPart returns the start of an object's body up to its stream data, if it has any, and at
// most maxDictBytes long.
func dictPart(body []byte) []byte {
	body = body[:min(len(body), maxDictBytes)]
	if i := bytes.Index(body, []byte("stream")); i >= 0 {
		return body[:i]
	}
	return body
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0
}

// isRegular reports whether c is a PDF regular character (not white space or a delimiter).
func isRegular(c byte) bool {
	return !isSpace(c) && !bytes.ContainsRune([]byte("()<>[]{}/%"), rune(c))
}

// atoi parses a run of ASCII digits, returning -1 when it is empty, not all digits or too long.
func atoi(b []byte) int {
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 || len(b) > 10 {
		return -1
	}
	return n
}
