package importer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings the reader understands (Profile.Encoding, Mapping.Encoding).
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingGB18030 = "gb18030" // also reads GBK and GB2312, its subsets
	EncodingUTF16   = "utf-16"  // with a byte-order mark, as Excel's "Unicode text" writes it
)

// maxLine is the longest line the reader accepts; longer ones mean the file is not a statement.
const maxLine = 1 << 20

// gb18030FFFD is how GB18030 writes U+FFFD itself; a decoded U+FFFD without it is a bad byte.
var gb18030FFFD = []byte{0x84, 0x31, 0xA4, 0x37}

// decoder turns the raw bytes of a text file into UTF-8, line by line, detecting the encoding and
// refusing bytes that are not valid in it with the line number. Lines end at '\n', a byte that
// never occurs inside a GB18030 or UTF-8 character, so each line decodes on its own.
type decoder struct {
	src     *bufio.Reader
	name    string // file name for messages, masked
	enc     string // decided encoding, "" while every line so far was ASCII
	forced  bool   // the profile named the encoding
	line    int    // lines handed out so far
	pending []byte
	long    []byte
	out     []byte
	gb      transform.Transformer
	gbRuns  map[string]string // GB18030 runs decoded so far (decodeGB)
	err     error
	blank   int // lines holding nothing but spaces (encoding/csv skips them)
}

// newDecoder sniffs the start of r. enc forces an encoding when not "".
func newDecoder(r io.Reader, name, enc string) (*decoder, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	d := &decoder{src: br, name: name}
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", name, err.Error())
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		// An OLE compound file: an .xls workbook, or an .xlsx encrypted with a password.
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s: this Excel file is password-protected or in the old .xls format; save it as .xlsx or CSV without a password and import that.", name)
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		d.enc = EncodingUTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		u16 := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		d.src = bufio.NewReaderSize(transform.NewReader(br, u16), 256<<10)
		d.enc = EncodingUTF16
	case bytes.IndexByte(head, 0) >= 0:
		return nil, posdesk.Errorf(posdesk.EINVALID, "File %s is not a text file; export the statement as CSV and import that.", name)
	}
	if enc != "" && d.enc != EncodingUTF16 {
		switch enc {
		case EncodingUTF8, EncodingUTF8BOM:
			d.enc = EncodingUTF8
		case EncodingGB18030, "gbk", "gb2312":
			d.enc = EncodingGB18030
		default:
			return nil, posdesk.Errorf(posdesk.EINVALID, "Encoding %q in the profile is not known; use utf-8 or gb18030.", enc)
		}
		d.forced = true
	}
	if d.enc == "" {
		// Decide on the first 64 KiB when they hold anything but ASCII.
		d.enc = sniffEncoding(head)
	}
	if d.enc == EncodingGB18030 {
		d.gb = simplifiedchinese.GB18030.NewDecoder()
	}
	return d, nil
}

// Encoding returns the detected encoding; utf-8 for a file that is all ASCII.
func (d *decoder) Encoding() string {
	if d.enc == "" {
		return EncodingUTF8
	}
	return d.enc
}

// Read implements io.Reader with UTF-8 output.
func (d *decoder) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.next()
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// next reads and decodes one raw line into pending, or sets err.
func (d *decoder) next() {
	raw, err := d.src.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		d.long = append(d.long[:0], raw...)
		for errors.Is(err, bufio.ErrBufferFull) {
			raw, err = d.src.ReadSlice('\n')
			d.long = append(d.long, raw...)
			if len(d.long) > maxLine {
				d.err = posdesk.Errorf(posdesk.EINVALID, "File %s, line %d: the line is longer than 1 MB, so this is not a statement export.", d.name, d.line+1)
				return
			}
		}
		raw = d.long
	}
	if len(raw) == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			d.err = io.EOF
		} else {
			d.err = posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", d.name, err.Error())
		}
		return
	}
	if err != nil && !errors.Is(err, io.EOF) {
		d.err = posdesk.Errorf(posdesk.EINVALID, "File %s could not be read: %s.", d.name, err.Error())
		return
	}
	d.line++
	if len(bytes.TrimSpace(raw)) == 0 {
		d.blank++
	}
	d.pending = d.decode(raw)
}

func (d *decoder) decode(raw []byte) []byte {
	enc := d.enc
	if enc == "" {
		if isASCII(raw) {
			return raw
		}
		if utf8.Valid(raw) {
			d.enc = EncodingUTF8
		} else {
			d.enc = EncodingGB18030
			d.gb = simplifiedchinese.GB18030.NewDecoder()
		}
		enc = d.enc
	}
	switch enc {
	case EncodingGB18030:
		if isASCII(raw) {
			return raw
		}
		out, ok := d.decodeGB(raw)
		if !ok {
			return nil
		}
		return out
	case EncodingUTF16:
		if bytes.Contains(raw, []byte("\uFFFD")) {
			d.err = posdesk.Errorf(posdesk.EINVALID, "File %s, line %d: the line holds bytes that are not valid UTF-16 text, so the file is damaged; export it again and import the new file.", d.name, d.line)
			return nil
		}
		return raw
	default:
		if !utf8.Valid(raw) {
			d.err = posdesk.Errorf(posdesk.EINVALID, "File %s, line %d: the line holds bytes that are not valid UTF-8 text, so the file is damaged or mixes encodings; export it again and import the new file.", d.name, d.line)
			return nil
		}
		return raw
	}
}

// decodeGB decodes a GB18030 line. A statement repeats the same few Chinese words (bank names,
// card types, 消费) on every line between ASCII digits, so each run of multi-byte characters is
// decoded once and looked up afterwards: the lines of a million-row statement then cost a copy
// instead of a pass through the decoder (0.4 s). It sets d.err and returns false when the line
// is not valid GB18030.
func (d *decoder) decodeGB(raw []byte) ([]byte, bool) {
	out := d.out[:0]
	for i := 0; i < len(raw); {
		if raw[i] < 0x80 {
			j := i + 1
			for j < len(raw) && raw[j] < 0x80 {
				j++
			}
			out = append(out, raw[i:j]...)
			i = j
			continue
		}
		// A run of multi-byte characters: a lead byte 0x81-0xFE, then one trail byte, or three
		// (0x30-0x39, lead, 0x30-0x39) for a four-byte character. A trail byte may be ASCII,
		// so the run ends only where a character would start with an ASCII byte. A U+FFFD in
		// the text is accepted only where the run holds its own GB18030 encoding.
		j := i
		for j < len(raw) && raw[j] >= 0x80 {
			if raw[j] == 0x80 { // a character of its own (€ in GBK)
				j++
			} else if j+3 < len(raw) && raw[j+1] >= 0x30 && raw[j+1] <= 0x39 {
				j += 4
			} else {
				j += 2
			}
		}
		j = min(j, len(raw))
		run := raw[i:j]
		dec, ok := d.gbRuns[string(run)]
		if !ok {
			var good bool
			if dec, good = d.decodeGBRun(run); !good {
				return nil, false
			}
			if len(d.gbRuns) < maxGBRuns && len(run) <= 64 {
				if d.gbRuns == nil {
					d.gbRuns = map[string]string{}
				}
				d.gbRuns[string(run)] = dec
			}
		}
		out = append(out, dec...)
		i = j
	}
	d.out = out
	return out, true
}

// maxGBRuns bounds the decoded runs a decoder keeps.
const maxGBRuns = 4096

// decodeGBRun decodes run, multi-byte GB18030 characters, with the x/text decoder.
func (d *decoder) decodeGBRun(run []byte) (string, bool) {
	d.gb.Reset()
	buf := make([]byte, 2*len(run)+16)
	n, _, err := d.gb.Transform(buf, run, true)
	if err != nil {
		d.err = posdesk.Errorf(posdesk.EINVALID, "File %s, line %d: the text could not be read as GB18030 (GBK); save the file again as CSV (UTF-8) and import it again.", d.name, d.line)
		return "", false
	}
	out := buf[:n]
	if bytes.Contains(out, []byte("\uFFFD")) && !bytes.Contains(run, gb18030FFFD) {
		d.err = posdesk.Errorf(posdesk.EINVALID, "File %s, line %d: the line holds bytes that are not valid GB18030 (GBK) text, so the file is damaged or in another encoding; export it again and import the new file.", d.name, d.line)
		return "", false
	}
	return string(out), true
}

// sniffEncoding decides between UTF-8 and GB18030 from the first bytes of a file: the lines
// holding non-ASCII bytes vote, valid UTF-8 or not. It returns "" when every line is ASCII.
func sniffEncoding(head []byte) string {
	valid, invalid := 0, 0
	for len(head) > 0 {
		i := bytes.IndexByte(head, '\n')
		line := head
		if i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			line, head = trimPartialRune(head), nil
		}
		if isASCII(line) {
			continue
		}
		if utf8.Valid(line) {
			valid++
		} else {
			invalid++
		}
	}
	switch {
	case valid == 0 && invalid == 0:
		return ""
	case valid >= invalid:
		return EncodingUTF8
	}
	return EncodingGB18030
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // a lead byte: is its sequence complete?
			need := 2
			if c >= 0xE0 {
				need = 3
			}
			if c >= 0xF0 {
				need = 4
			}
			if i < need {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}
