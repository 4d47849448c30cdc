package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// EncodingXLSX is the Mapping.Encoding of an Excel workbook (.xlsx, .xlsm): its cells are read
// from the first sheet whose header row maps the statement (visible sheets first), and are text
// already.
const EncodingXLSX = "xlsx"

// Limits on what a workbook may make the reader hold or unpack.
const (
	maxXLSXFile      = 512 << 20 // a workbook read from a stream is buffered up to this size
	maxXLSXPart      = 64 << 20  // workbook.xml, relationships, styles.xml, unpacked
	maxXLSXShared    = 64 << 20  // the text of the shared strings table
	maxXLSXSharedN   = 16 << 20  // the number of shared strings
	maxXLSXSharedXML = 1 << 30   // sharedStrings.xml, unpacked
	maxXLSXSheet     = 4 << 30   // the sheet's XML, unpacked (it is streamed)
	maxXLSXRows      = 1 << 20   // Excel's own limits
	maxXLSXCols      = 1 << 14
	maxXLSXToken     = 4 << 20 // the longest run of XML without a '<' (one text node or tag)
)

var zipMagic = []byte("PK\x03\x04")

// sizedReaderAt is a reader that knows its size (bytes.Reader, strings.Reader, io.SectionReader).
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// openWorkbook is NewReader's hook for Excel workbooks. When r starts like a zip file it opens
// the workbook, sets rd.xl and rd.dec, and returns nil; otherwise it returns the reader to read
// as text: r itself, or r with its first bytes put back when r cannot be read twice.
func (rd *Reader) openWorkbook(r io.Reader) (io.Reader, error) {
	var ra io.ReaderAt
	var size int64
	switch x := r.(type) {
	case io.ReadSeeker:
		at, ok := x.(io.ReaderAt)
		if !ok {
			break
		}
		pos, err := x.Seek(0, io.SeekCurrent)
		if err != nil {
			break
		}
		end, err := x.Seek(0, io.SeekEnd)
		if err == nil {
			_, err = x.Seek(pos, io.SeekStart)
		}
		if err != nil {
			return nil, posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", rd.name, err.Error())
		}
		ra, size = io.NewSectionReader(at, pos, end-pos), end-pos
	case sizedReaderAt:
		ra, size = x, x.Size()
	}
	var head [4]byte
	buffered := false
	if ra != nil {
		n, _ := ra.ReadAt(head[:], 0)
		if !bytes.Equal(head[:n], zipMagic) {
			return r, nil
		}
	} else {
		n, err := io.ReadFull(r, head[:])
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", rd.name, err.Error())
		}
		r = io.MultiReader(bytes.NewReader(head[:n]), r)
		if !bytes.Equal(head[:n], zipMagic) {
			return r, nil
		}
		// Not readable at random: buffered, and hashed on the way in.
		var buf bytes.Buffer
		m, err := buf.ReadFrom(io.LimitReader(io.TeeReader(r, rd.raw), maxXLSXFile+1))
		if err != nil {
			return nil, posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", rd.name, err.Error())
		}
		if m > maxXLSXFile {
			return nil, posdesk.Errorf(posdesk.EINVALID, "File %s is an Excel workbook larger than %d MB; save the statement sheet as CSV and import that, or split it into smaller files.", rd.name, maxXLSXFile>>20)
		}
		ra, size, buffered = bytes.NewReader(buf.Bytes()), m, true
	}
	rd.dec = &decoder{name: rd.name, enc: EncodingXLSX}
	sh, err := openSheet(ra, size, rd.name, &rd.dec.blank)
	if err != nil {
		return nil, err
	}
	if !buffered {
		// The file's bytes are hashed once the rows are read: rd.SHA256 is complete at io.EOF,
		// as for a text file, and a caller counting the bytes read for a progress bar sees the
		// rows' share of the file first.
		sh.hash = func() error {
			if _, err := io.Copy(rd.raw, io.NewSectionReader(ra, 0, size)); err != nil {
				return posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", rd.name, err.Error())
			}
			return nil
		}
	}
	rd.xl = sh
	return nil, nil
}

// cellKind is how a numeric cell is shown: as a number, or as a date, a time of day or both.
type cellKind uint8

const (
	kindNumber cellKind = iota
	kindDate
	kindTime
	kindDateTime
)

// workbook is an opened .xlsx: its parts and what the sheets need to turn cells into text.
type workbook struct {
	name     string // file name for messages, masked
	parts    map[string]*zip.File
	sheets   []wbSheet // the worksheets to try, in order
	next     int       // the next of sheets to try
	blank    *int      // the Reader's count of skipped blank lines
	date1904 bool
	styles   []cellKind // by cell style index (the s attribute)
	shared   sharedStrings
}

// sharedStrings is the shared strings table: all texts in one string, cut at ends.
type sharedStrings struct {
	text string
	ends []uint32
}

func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.text[start:s.ends[i]], true
}

// wbSheet is a sheet as workbook.xml lists it.
type wbSheet struct {
	name   string
	rid    string // the relationship naming its part
	part   string // the part, once resolved
	hidden bool
}

// openSheet opens the workbook in ra and returns a reader of its first sheet holding any cell
// (visible sheets first), positioned before its first non-empty row; wb.nextSheet gives the
// following ones. Blank rows skipped are counted in *blank.
func openSheet(ra io.ReaderAt, size int64, name string, blank *int) (*xlsxSheet, error) {
	zr, err := zip.NewReader(ra, size)
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		err = nil // part names like "../x" are only names here: nothing is written to disk
	}
	if err != nil {
		return nil, damaged(name, err)
	}
	wb := &workbook{name: name, parts: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.parts[partKey(f.Name)] = f
	}
	// The package's relationships name the workbook part; xl/workbook.xml when they do not.
	wbPath := "xl/workbook.xml"
	if rels, err := wb.rels("_rels/.rels", ""); err != nil {
		return nil, err
	} else {
		for _, rel := range rels {
			if strings.HasSuffix(rel.typ, "/officeDocument") {
				wbPath = rel.target
				break
			}
		}
	}
	if wb.parts[partKey(wbPath)] == nil {
		if wb.parts[partKey("xl/workbook.bin")] != nil {
			return nil, posdesk.Errorf(posdesk.EINVALID, "File %s is an Excel binary workbook (.xlsb); open it in Excel or WPS, save it as .xlsx or CSV and import that.", name)
		}
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s is a zip file but not an Excel workbook (.xlsx); if it is a spreadsheet, save it as .xlsx or CSV and import that; if it is an archive, unpack it and import the statement inside.", name)
	}
	if f := wb.parts[partKey(wbPath)]; f.Flags&1 != 0 {
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s: this Excel file is password-protected or in the old .xls format; save it as .xlsx or CSV without a password and import that.", name)
	}
	sheets, err := wb.readWorkbook(wbPath)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(wbPath)
	rels, err := wb.rels(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), dir)
	if err != nil {
		return nil, err
	}
	targets := map[string]string{}
	sharedPath, stylesPath := path.Join(dir, "sharedStrings.xml"), path.Join(dir, "styles.xml")
	for _, rel := range rels {
		targets[rel.id] = rel.target
		switch {
		case strings.HasSuffix(rel.typ, "/sharedStrings"):
			sharedPath = rel.target
		case strings.HasSuffix(rel.typ, "/styles"):
			stylesPath = rel.target
		}
	}
	if err := wb.readStyles(stylesPath); err != nil {
		return nil, err
	}
	if err := wb.readShared(sharedPath); err != nil {
		return nil, err
	}
	// Visible sheets first, in the workbook's order.
	for _, hidden := range []bool{false, true} {
		for i, sh := range sheets {
			if sh.hidden != hidden {
				continue
			}
			target, ok := targets[sh.rid]
			if !ok {
				// Without its relationship the sheet may still sit at the usual place.
				target = path.Join(dir, "worksheets", "sheet"+strconv.Itoa(i+1)+".xml")
				if wb.parts[partKey(target)] == nil {
					continue
				}
			}
			if strings.Contains(partKey(target), "chartsheets/") {
				continue
			}
			wb.sheets = append(wb.sheets, wbSheet{name: sh.name, part: target})
		}
	}
	if len(wb.sheets) == 0 {
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s is an Excel workbook without any sheet; export the statement again and import the new file.", name)
	}
	wb.blank = blank
	sh, err := wb.nextSheet()
	if err != nil || sh != nil {
		return sh, err
	}
	// Every sheet is empty: a sheet without rows, so that the reader says the file is empty.
	return &xlsxSheet{wb: wb, sheet: posdesk.MaskText(wb.sheets[0].name), body: io.NopCloser(nil), xd: newXMLDecoder(strings.NewReader("")), blank: blank}, nil
}

// nextSheet opens the next sheet (of wb.sheets, from wb.next) holding a cell, positioned before
// its first non-empty row; nil when no sheet is left.
func (wb *workbook) nextSheet() (*xlsxSheet, error) {
	for wb.next < len(wb.sheets) {
		ref := wb.sheets[wb.next]
		wb.next++
		sh, err := wb.openSheet(ref.part, ref.name)
		if err != nil {
			return nil, err
		}
		sh.blank = wb.blank
		ok, err := sh.readRow()
		if err != nil {
			return nil, err
		}
		if ok {
			sh.peeked = true
			return sh, nil
		}
		sh.body.Close()
	}
	return nil, nil
}

// findWorkbookHeader finds the header row as findHeader does, in the first sheet holding one:
// portals often put a summary or a cover sheet before the detail sheet. When no sheet has one,
// the first sheet's error is returned.
func (rd *Reader) findWorkbookHeader() error {
	first := rd.findHeader("")
	for err := first; err != nil; err = rd.findHeader("") {
		if rd.xl.failed { // the sheet could not be read: the file is refused
			return err
		}
		rd.stats, rd.col, rd.dec.blank = Stats{}, [numFields]int{}, 0
		sh, err := rd.xl.wb.nextSheet()
		if err != nil {
			return err
		}
		if sh == nil {
			return first
		}
		sh.hash = rd.xl.hash
		rd.xl.body.Close()
		rd.xl = sh
	}
	return nil
}

// damaged is the error for a workbook whose zip structure or XML cannot be read.
func damaged(name string, err error) error {
	var pe *posdesk.Error
	if errors.As(err, &pe) {
		return err
	}
	e := posdesk.Errorf(posdesk.EINVALID, "File %s looks like an Excel workbook (.xlsx) but is damaged, so it cannot be read; open it in Excel or WPS, save it again and import the new file.", name)
	e.Err = err
	return e
}

// partKey is the lookup key of a part name: slash-separated, without a leading slash, lower case
// (part names are case-insensitive in the Open Packaging Conventions).
func partKey(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	return strings.ToLower(strings.TrimPrefix(path.Clean("/"+name), "/"))
}

// open opens a part for reading, refusing more than limit unpacked bytes. It returns nil and no
// error when the part does not exist.
func (wb *workbook) open(part string, limit int64) (io.ReadCloser, error) {
	f := wb.parts[partKey(part)]
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, wb.tooBig(part, limit)
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) && f.Flags&1 != 0 {
			return nil, posdesk.Errorf(posdesk.EINVALID, "File %s: this Excel file is password-protected or in the old .xls format; save it as .xlsx or CSV without a password and import that.", wb.name)
		}
		return nil, damaged(wb.name, err)
	}
	return &partReader{rc: rc, wb: wb, part: part, limit: limit}, nil
}

func (wb *workbook) tooBig(part string, limit int64) error {
	if path.Base(partKey(part)) == "sharedstrings.xml" {
		return posdesk.Errorf(posdesk.EINVALID, "File %s holds more than %d MB of text in its shared strings table; save the statement sheet as CSV and import that, or split it into smaller files.", wb.name, maxXLSXShared>>20)
	}
	return posdesk.Errorf(posdesk.EINVALID, "File %s: part %s of the workbook is larger than %d MB once unpacked, so posdesk will not read it; save the statement sheet as CSV and import that.", wb.name, posdesk.MaskText(part), limit>>20)
}

// partReader reads one part, counting the unpacked bytes and refusing runs of text without
// markup that would make the XML decoder hold one huge token.
type partReader struct {
	rc    io.ReadCloser
	wb    *workbook
	part  string
	limit int64
	n     int64
	run   int
}

func (p *partReader) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	p.n += int64(n)
	if p.n > p.limit {
		return 0, p.wb.tooBig(p.part, p.limit)
	}
	if i := bytes.LastIndexByte(b[:n], '<'); i >= 0 {
		p.run = n - 1 - i
	} else {
		p.run += n
	}
	if p.run > maxXLSXToken {
		return 0, posdesk.Errorf(posdesk.EINVALID, "File %s: part %s of the workbook holds a text or tag longer than %d MB, so this is not a statement export.", p.wb.name, posdesk.MaskText(p.part), maxXLSXToken>>20)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = damaged(p.wb.name, err)
	}
	return n, err
}

func (p *partReader) Close() error { return p.rc.Close() }

// newXMLDecoder returns a decoder of r that accepts the HTML entities some generators write.
func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.AutoClose = nil
	return d
}

type relationship struct{ id, typ, target string }

// rels reads a relationships part; targets are resolved against dir. A missing part has none.
func (wb *workbook) rels(part, dir string) ([]relationship, error) {
	var out []relationship
	err := wb.tokens(part, maxXLSXPart, func(tok xml.Token) error {
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			return nil
		}
		var rel relationship
		external := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				rel.id = a.Value
			case "Type":
				rel.typ = a.Value
			case "Target":
				rel.target = a.Value
			case "TargetMode":
				external = strings.EqualFold(a.Value, "External")
			}
		}
		if external || rel.target == "" {
			return nil
		}
		t := strings.ReplaceAll(rel.target, "\\", "/")
		if strings.HasPrefix(t, "/") {
			rel.target = path.Clean(t)[1:]
		} else {
			rel.target = strings.TrimPrefix(path.Clean("/"+path.Join(dir, t)), "/")
		}
		out = append(out, rel)
		return nil
	})
	return out, err
}

// tokens calls fn with each XML token of part, unpacked to at most limit bytes, until fn
// returns an error. A part the workbook does not have has no tokens.
func (wb *workbook) tokens(part string, limit int64, fn func(xml.Token) error) error {
	rc, err := wb.open(part, limit)
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	d := newXMLDecoder(rc)
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return damaged(wb.name, err)
		}
		if err := fn(tok); err != nil {
			return err
		}
	}
}

// readWorkbook reads the sheet list and the date system.
func (wb *workbook) readWorkbook(part string) ([]wbSheet, error) {
	var sheets []wbSheet
	err := wb.tokens(part, maxXLSXPart, func(tok xml.Token) error {
		se, ok := tok.(xml.StartElement)
		if !ok {
			return nil
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					wb.date1904 = a.Value == "1" || strings.EqualFold(a.Value, "true")
				}
			}
		case "sheet":
			var s wbSheet
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					s.name = a.Value
				case a.Name.Local == "state":
					s.hidden = a.Value != "visible"
				case a.Name.Local == "id" && a.Name.Space != "":
					s.rid = a.Value
				}
			}
			sheets = append(sheets, s)
		}
		return nil
	})
	return sheets, err
}

// readStyles reads which cell styles show numbers as dates or times.
func (wb *workbook) readStyles(part string) error {
	custom := map[int]cellKind{}
	var xfs []int
	inXfs := false
	err := wb.tokens(part, maxXLSXPart, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, code := -1, ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "numFmtId":
						id, _ = strconv.Atoi(a.Value)
					case "formatCode":
						code = a.Value
					}
				}
				if id >= 0 && len(custom) < 1<<16 {
					custom[id] = formatKind(code)
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if !inXfs || len(xfs) >= 1<<20 {
					return nil
				}
				id := 0
				for _, a := range t.Attr {
					if a.Name.Local == "numFmtId" {
						id, _ = strconv.Atoi(a.Value)
					}
				}
				xfs = append(xfs, id)
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	wb.styles = make([]cellKind, len(xfs))
	for i, id := range xfs {
		if k, ok := custom[id]; ok {
			wb.styles[i] = k
		} else {
			wb.styles[i] = builtinKind(id)
		}
	}
	return nil
}

// builtinKind is the kind of a built-in number format: 14-22 and 45-47 of every locale, and the
// date and time formats Chinese (and other East Asian) Excel numbers 27-36 and 50-58.
func builtinKind(id int) cellKind {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 54, id == 57, id == 58:
		return kindDate
	case id == 22:
		return kindDateTime
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id >= 45 && id <= 47, id == 55, id == 56:
		return kindTime
	}
	return kindNumber
}

// formatKind classifies a custom number format by the date and time codes in its first section,
// outside quoted text, escapes and [brackets] (colours, locales; [h] [m] [s] are elapsed time).
func formatKind(code string) cellKind {
	date, clock := false, false
	minute := false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case ';':
			i = len(code)
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			if inner := strings.ToLower(code[i+1 : i+j]); inner != "" && strings.Trim(inner, "hms") == "" {
				clock = true // [h]:mm:ss, [mm]:ss: elapsed time
			}
			i += j
		case 'y', 'Y', 'd', 'D':
			date = true
		case 'h', 'H', 's', 'S':
			clock = true
		case 'm', 'M':
			minute = true
		}
	}
	switch {
	case date && clock:
		return kindDateTime
	case date:
		return kindDate
	case clock:
		return kindTime
	case minute:
		return kindDate // m, mm, mmm alone: the month
	}
	return kindNumber
}

// readShared reads the shared strings table.
func (wb *workbook) readShared(part string) error {
	var text strings.Builder
	var ends []uint32
	var si []byte
	inSI, inT, phonetic := false, false, 0
	err := wb.tokens(part, maxXLSXSharedXML, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI, si = true, si[:0]
			case "t":
				inT = inSI
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if !inSI {
					return nil
				}
				inSI = false
				s := unescapeOOXML(si)
				if text.Len()+len(s) > maxXLSXShared {
					return wb.tooBig(part, maxXLSXShared)
				}
				if len(ends) >= maxXLSXSharedN {
					return posdesk.Errorf(posdesk.EINVALID, "File %s holds more than %d shared strings; save the statement sheet as CSV and import that, or split it into smaller files.", wb.name, maxXLSXSharedN)
				}
				text.Write(s)
				ends = append(ends, uint32(text.Len()))
			case "t":
				inT = false
			case "rPh":
				phonetic = max(phonetic-1, 0)
			}
		case xml.CharData:
			if inT && phonetic == 0 {
				si = append(si, t...)
				if len(si) > maxLine {
					return posdesk.Errorf(posdesk.EINVALID, "File %s: a text of the workbook is longer than 1 MB, so this is not a statement export.", wb.name)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	wb.shared = sharedStrings{text: text.String(), ends: ends}
	return nil
}

// unescapeOOXML decodes the _xHHHH_ escapes Excel writes for control characters (_x000D_ is a
// carriage return). It returns b itself when there are none.
func unescapeOOXML(b []byte) []byte {
	if bytes.Index(b, []byte("_x")) < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '_' && i+6 < len(b) && b[i+1] == 'x' && b[i+6] == '_' {
			if v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16); err == nil {
				out = utf8.AppendRune(out, rune(v))
				i += 6
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// openSheet opens a worksheet part.
func (wb *workbook) openSheet(part, sheetName string) (*xlsxSheet, error) {
	masked := posdesk.MaskText(sheetName)
	rc, err := wb.open(part, maxXLSXSheet)
	if err != nil {
		return nil, err
	}
	if rc == nil {
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s: sheet %q is missing from the workbook, so the file is damaged; open it in Excel or WPS, save it again and import the new file.", wb.name, masked)
	}
	return &xlsxSheet{wb: wb, sheet: masked, body: rc, xd: newXMLDecoder(rc)}, nil
}

// xlsxSheet streams the rows of one worksheet as the text cells the CSV reader would give.
type xlsxSheet struct {
	wb    *workbook
	sheet string // the sheet's name, masked, for messages
	body  io.ReadCloser
	xd    *xml.Decoder
	hash  func() error // feeds the file to the Reader's hash at the end, when not done already
	blank *int         // the Reader's count of skipped blank lines

	inData  bool
	inRow   bool
	rowNum  int // the row being read or last read
	pending int // blank rows since the last row handed out
	peeked  bool
	done    bool
	failed  bool // reading the sheet failed

	row   []string   // the row handed out, reused
	cells []cellText // the cells of the row being read, by column
	text  []byte     // the text of the row's cells that are not shared strings
	v     []byte     // the text of the cell being read
	is    []byte     // the inline string of the cell being read
}

// cellText is one cell of a row being read: a shared string, or a span of xlsxSheet.text.
type cellText struct {
	shared     string
	start, end int32
	isShared   bool
}

// next returns the next non-empty row and its row number, or io.EOF.
func (s *xlsxSheet) next() ([]string, int, error) {
	if s.peeked {
		s.peeked = false
		return s.row, s.rowNum, nil
	}
	if s.done {
		return nil, 0, io.EOF
	}
	ok, err := s.readRow()
	if err != nil {
		s.done, s.failed = true, true
		return nil, 0, err
	}
	if !ok {
		s.done = true
		s.body.Close()
		if s.hash != nil {
			if err := s.hash(); err != nil {
				return nil, 0, err
			}
		}
		return nil, 0, io.EOF
	}
	return s.row, s.rowNum, nil
}

func (s *xlsxSheet) damaged(err error) error {
	var pe *posdesk.Error
	if errors.As(err, &pe) {
		return err
	}
	row := s.rowNum
	if !s.inRow {
		row++ // the error is after the row last read
	}
	e := posdesk.Errorf(posdesk.EINVALID, "File %s, sheet %q, row %d: the sheet is damaged, so it cannot be read; open the workbook in Excel or WPS, save it again and import the new file.", s.wb.name, s.sheet, row)
	e.Err = err
	return e
}

// readRow reads up to the next row holding a non-empty cell and puts it in s.row. It returns
// false at the end of the sheet's data.
func (s *xlsxSheet) readRow() (bool, error) {
	col := 0
	for {
		tok, err := s.xd.RawToken()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, s.damaged(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sheetData":
				s.inData = true
			case "row":
				if !s.inData {
					continue
				}
				n := s.rowNum + 1
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if v, err := strconv.Atoi(a.Value); err == nil && v > 0 {
							n = v
						}
					}
				}
				if n > maxXLSXRows {
					return false, posdesk.Errorf(posdesk.EINVALID, "File %s, sheet %q: row %d is beyond Excel's last row (1048576), so the file is damaged; open it in Excel or WPS, save it again and import the new file.", s.wb.name, s.sheet, n)
				}
				if n > s.rowNum+1 {
					s.pending += n - s.rowNum - 1
				}
				s.rowNum, s.inRow, col = n, true, 0
				s.cells, s.text = s.cells[:0], s.text[:0]
			case "c":
				if !s.inRow {
					continue
				}
				next, err := s.readCell(t, col)
				if err != nil {
					return false, err
				}
				col = next
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				if !s.inRow {
					continue
				}
				s.inRow = false
				if s.assemble() {
					*s.blank += s.pending
					s.pending = 0
					return true, nil
				}
				s.pending++
			case "sheetData":
				if s.inData {
					return false, nil
				}
			}
		}
	}
}

// assemble turns the cells read into s.row and reports whether any of them holds text.
func (s *xlsxSheet) assemble() bool {
	s.row = s.row[:0]
	any := false
	arena := string(s.text)
	for _, c := range s.cells {
		v := c.shared
		if !c.isShared {
			v = arena[c.start:c.end]
		}
		if v != "" {
			any = true
		}
		s.row = append(s.row, v)
	}
	return any
}

// readCell reads one <c> element whose start is se, in column col unless its reference says
// otherwise, and returns the column of the next cell.
func (s *xlsxSheet) readCell(se xml.StartElement, col int) (int, error) {
	typ, style := "", 0
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "r":
			if c, ok := columnOf(a.Value); ok {
				col = c
			}
		case "t":
			typ = a.Value
		case "s":
			style, _ = strconv.Atoi(a.Value)
		}
	}
	if col >= maxXLSXCols {
		return 0, posdesk.Errorf(posdesk.EINVALID, "File %s, sheet %q, row %d: a cell lies beyond Excel's last column (XFD), so the file is damaged; open it in Excel or WPS, save it again and import the new file.", s.wb.name, s.sheet, s.rowNum)
	}
	s.v, s.is = s.v[:0], s.is[:0]
	inV, inIS, inT, phonetic, hasV := false, false, false, 0, false
	for done := false; !done; {
		tok, err := s.xd.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, s.damaged(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				inV, hasV = true, true
			case "is":
				inIS = true
			case "t":
				inT = inIS
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "rPh":
				phonetic = max(phonetic-1, 0)
			case "c":
				done = true
			}
		case xml.CharData:
			switch {
			case inV:
				s.v = append(s.v, t...)
			case inT && phonetic == 0:
				s.is = append(s.is, t...)
			}
			if len(s.v)+len(s.is) > maxLine {
				return 0, s.tooLong()
			}
		}
	}
	for len(s.cells) <= col {
		s.cells = append(s.cells, cellText{isShared: true})
	}
	c := cellText{start: int32(len(s.text))}
	switch typ {
	case "s":
		if !hasV {
			break
		}
		i, err := strconv.Atoi(string(bytes.TrimSpace(s.v)))
		text, ok := s.wb.shared.get(i)
		if err != nil || !ok {
			return 0, posdesk.Errorf(posdesk.EINVALID, "File %s, sheet %q, cell %s: the cell refers to shared text number %s, which the workbook does not have, so the file is damaged; open it in Excel or WPS, save it again and import the new file.", s.wb.name, s.sheet, cellName(col, s.rowNum), posdesk.MaskText(string(s.v)))
		}
		c.shared, c.isShared = text, true
	case "inlineStr":
		if len(s.is) == 0 {
			s.is = s.v
		}
		s.text = append(s.text, unescapeOOXML(s.is)...)
	case "str", "e":
		s.text = append(s.text, unescapeOOXML(s.v)...)
	case "b":
		switch string(bytes.TrimSpace(s.v)) {
		case "1", "true":
			s.text = append(s.text, "TRUE"...)
		case "0", "false":
			s.text = append(s.text, "FALSE"...)
		default:
			s.text = append(s.text, s.v...)
		}
	case "d":
		s.text = appendISODate(s.text, string(bytes.TrimSpace(s.v)))
	default:
		kind := kindNumber
		if style >= 0 && style < len(s.wb.styles) {
			kind = s.wb.styles[style]
		}
		s.text = appendNumber(s.text, string(bytes.TrimSpace(s.v)), kind, s.wb.date1904)
	}
	c.end = int32(len(s.text))
	if len(s.text) > maxLine {
		return 0, s.tooLong()
	}
	s.cells[col] = c
	return col + 1, nil
}

func (s *xlsxSheet) tooLong() error {
	return posdesk.Errorf(posdesk.EINVALID, "File %s, sheet %q, row %d: the row holds more than 1 MB of text, so this is not a statement export.", s.wb.name, s.sheet, s.rowNum)
}

// columnOf returns the 0-based column of a cell reference such as "C7" or "AB12".
func columnOf(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		if i == 3 { // past XFD
			return 0, false
		}
		col = col*26 + int(c-'a') + 1
	}
	if i == 0 {
		return 0, false
	}
	return col - 1, true
}

// cellName returns the reference of a cell, such as "C7".
func cellName(col, row int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b) + strconv.Itoa(row)
}

// appendNumber appends the text of a numeric cell: a date or time when its format shows one,
// else the number as Excel shows it (see excelNumber).
func appendNumber(b []byte, v string, kind cellKind, date1904 bool) []byte {
	if kind != kindNumber {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			if out, ok := appendSerial(b, f, kind, date1904); ok {
				return out
			}
		}
	}
	return append(b, excelNumber(v)...)
}

// appendSerial appends an Excel date serial as "2006-01-02", "15:04:05" or
// "2006-01-02 15:04:05", rounded to the second. In the 1900 date system serial 60 is the
// 1900-02-29 that never was (Lotus 1-2-3's bug, kept by Excel); in the 1904 system day 0 is
// 1904-01-01.
func appendSerial(b []byte, v float64, kind cellKind, date1904 bool) ([]byte, bool) {
	if math.IsNaN(v) || v < 0 || v >= 2958466 { // 9999-12-31 is the last date Excel has
		return b, false
	}
	secs := int64(math.Round(v * 86400))
	days, sec := secs/86400, secs%86400
	clock := func(b []byte) []byte {
		return append(b, time.Date(0, 1, 1, 0, 0, int(sec), 0, time.UTC).Format("15:04:05")...)
	}
	if kind == kindTime || days == 0 && !date1904 {
		if days == 0 && sec == 0 && kind == kindDate {
			return b, false
		}
		return clock(b), true
	}
	var d time.Time
	switch {
	case date1904:
		d = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	case days == 60:
		b = append(b, "1900-02-29"...)
	case days < 60:
		d = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	default:
		d = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	}
	if !d.IsZero() {
		b = d.AppendFormat(b, "2006-01-02")
	}
	if kind == kindDateTime || sec != 0 {
		b = clock(append(b, ' '))
	}
	return b, true
}

// appendISODate appends a t="d" cell (an ISO 8601 date, time or both, as strict Open XML
// writes them) in the form appendSerial uses; other text unchanged.
func appendISODate(b []byte, v string) []byte {
	s := v
	if i := strings.IndexAny(s, "Z+"); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	for _, l := range [...]struct{ in, out string }{
		{"2006-01-02T15:04:05", "2006-01-02 15:04:05"},
		{"2006-01-02T15:04", "2006-01-02 15:04:05"},
		{"2006-01-02", "2006-01-02"},
		{"15:04:05", "15:04:05"},
		{"T15:04:05", "15:04:05"},
	} {
		if t, err := time.Parse(l.in, s); err == nil {
			return t.AppendFormat(b, l.out)
		}
	}
	return append(b, v...)
}

// excelNumber returns the text of a number cell's value as Excel shows it in the General format:
// whole numbers written out in full with all their digits (12-digit RRNs, 16-digit card numbers),
// other values rounded to 15 significant digits, Excel's precision, so the binary noise of stored
// values ("1234.5600000000001", "0.30000000000000004") is gone; never in exponent form. The
// digits are worked on as text, never through float64. Text that is not a number comes back
// unchanged.
func excelNumber(v string) string {
	neg := strings.HasPrefix(v, "-")
	s := strings.TrimPrefix(strings.TrimPrefix(v, "-"), "+")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 400 || e < -400 {
			return v
		}
		mant, exp = s[:i], e
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !digitsOnly(intPart+frac) {
		return v
	}
	if exp == 0 && !hasDot {
		return v // a whole number: every digit kept
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	point := len(intPart) + exp - (len(intPart+frac) - len(digits)) // digits before the point
	digits = strings.TrimRight(digits, "0")
	if exp == 0 && len(digits) <= 15 {
		return v // exact already: keep the text as written
	}
	if digits == "" {
		return "0"
	}
	if len(digits) > 15 {
		round := digits[15] >= '5'
		d := []byte(digits[:15])
		for i := len(d) - 1; round && i >= 0; i-- {
			if d[i] == '9' {
				d[i] = '0'
				continue
			}
			d[i]++
			round = false
		}
		if round { // 999... rounded up to 1000...
			d = append([]byte{'1'}, d...)
			point++
		}
		digits = strings.TrimRight(string(d), "0")
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	case point >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	}
	return b.String()
}

// digitsOnly reports whether s holds only ASCII digits.
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
