package attach

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// textEncoding is an encoding posdesk reads text logs in.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encGB18030
	encUTF16LE
	encUTF16BE
)

// textLog is a text log after intake.
type textLog struct {
	original   []byte // the file, with card numbers masked in its own encoding
	normalized []byte // masked UTF-8 text, "\n" line ends, no BOM or terminal escape codes
}

// errBadLine reports the first line of a text file that is valid in no accepted encoding.
type errBadLine struct {
	line   int
	binary bool // so much of the file is invalid that it is not text at all
}

func (e *errBadLine) Error() string { return "invalid text encoding" }

// readText decodes a text log (UTF-8 with or without BOM, GB18030, or UTF-16 with a BOM), masks
// the card numbers in it and returns the stored original and the normalised copy.
//
// A full card number must never be stored, not even in an "original": when a log holds one, its
// original is re-encoded from the masked text in the log's own encoding (the rest of the file is
// unchanged byte for byte). A GB18030 file that does not survive a decode/encode round trip is
// stored as masked UTF-8 instead.
func readText(data []byte) (*textLog, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	masked := maskAll(text)
	// Removing escape codes may join digit groups into a card number: mask again after.
	out := &textLog{original: data, normalized: []byte(maskAll(normalizeText(masked)))}
	if masked == text {
		return out, nil
	}
	switch enc {
	case encUTF8:
		// MaskText changes digits into '*' only (a full-width digit's three bytes become one):
		// mask the file's own text.
		out.original = []byte(maskAll(string(data)))
	case encUTF16LE, encUTF16BE:
		out.original = encodeUTF16(masked, enc == encUTF16BE)
	case encGB18030:
		enc := simplifiedchinese.GB18030.NewEncoder()
		same, err1 := enc.Bytes([]byte(text))
		m, err2 := enc.Bytes([]byte(masked))
		if err1 == nil && err2 == nil && bytes.Equal(same, data) {
			out.original = m
		} else {
			out.original = []byte(masked)
		}
	}
	return out, nil
}

// decodeText returns data as a Go string and the encoding it was in. Text that is valid neither
// as UTF-8 nor as GB18030 gives an *errBadLine naming the first bad line of the likelier one.
func decodeText(data []byte) (string, textEncoding, error) {
	if be, ok := utf16BOM(data); ok {
		return decodeUTF16(data[2:], be)
	}
	if utf8.Valid(data) {
		return strings.TrimPrefix(string(data), "\uFEFF"), encUTF8, nil
	}
	gb, gbStats := decodeGB18030(data)
	if gbStats.badLines == 0 {
		return gb, encGB18030, nil
	}
	best := gbStats
	if u8 := utf8Stats(data); u8.badLines < best.badLines || (u8.badLines == best.badLines && u8.bad < best.bad) {
		best = u8
	}
	return "", 0, &errBadLine{line: best.firstBad, binary: best.bad*10 > best.runes*3}
}

// decodeStats counts what did not decode in one encoding.
type decodeStats struct {
	badLines, firstBad int // lines with bytes that do not decode, and the first (1-based)
	bad, runes         int // characters that did not decode, and all characters
}

// decodeGB18030 decodes data as GB18030 line by line.
func decodeGB18030(data []byte) (string, decodeStats) {
	dec := simplifiedchinese.GB18030.NewDecoder()
	fffd := []byte{0x84, 0x31, 0xA4, 0x37} // U+FFFD written in GB18030
	var b strings.Builder
	var st decodeStats
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		s, err := dec.Bytes(line)
		if err != nil {
			s = []byte("\uFFFD")
		}
		if n := bytes.Count(s, []byte("\uFFFD")); n > 0 && !bytes.Contains(line, fffd) {
			st.bad += n
			st.badLines++
			if st.firstBad == 0 {
				st.firstBad = i + 1
			}
		}
		st.runes += utf8.RuneCount(s)
		b.Write(s)
	}
	return b.String(), st
}

// utf8Stats counts the lines and bytes of data that are not valid UTF-8.
func utf8Stats(data []byte) decodeStats {
	var st decodeStats
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		lineBad := false
		for len(line) > 0 {
			r, n := utf8.DecodeRune(line)
			if r == utf8.RuneError && n == 1 {
				st.bad++
				lineBad = true
			}
			st.runes++
			line = line[n:]
		}
		if lineBad {
			st.badLines++
			if st.firstBad == 0 {
				st.firstBad = i + 1
			}
		}
	}
	return st
}

// decodeUTF16 decodes UTF-16 (after its BOM); an odd length or a lone surrogate is a bad line.
func decodeUTF16(data []byte, bigEndian bool) (string, textEncoding, error) {
	enc := encUTF16LE
	if bigEndian {
		enc = encUTF16BE
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	line := 1
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u == '\n':
			line++
		case u == 0:
			return "", enc, &errBadLine{line: line, binary: true}
		case utf16.IsSurrogate(rune(u)):
			if u >= 0xDC00 || i+1 >= len(units) || units[i+1] < 0xDC00 || units[i+1] > 0xDFFF {
				return "", enc, &errBadLine{line: line}
			}
			i++
		}
	}
	if len(data)%2 != 0 {
		return "", enc, &errBadLine{line: line}
	}
	return string(utf16.Decode(units)), enc, nil
}

// encodeUTF16 writes s as UTF-16 with a byte-order mark.
func encodeUTF16(s string, bigEndian bool) []byte {
	units := utf16.Encode([]rune("\uFEFF" + s))
	out := make([]byte, 2*len(units))
	for i, u := range units {
		if bigEndian {
			out[2*i], out[2*i+1] = byte(u>>8), byte(u)
		} else {
			out[2*i], out[2*i+1] = byte(u), byte(u>>8)
		}
	}
	return out
}

// maxMaskPasses bounds maskAll.
const maxMaskPasses = 32

// maxDigitRun is the longest run of digits (joined by single spaces or dashes, as MaskText reads
// them) that maskAll hands to MaskText. MaskText's time and memory grow with the length of a run
// (about 40 bytes and a few microseconds per digit); a longer run is not text anyone reads, so all
// its digits become '*'.
const maxDigitRun = 1024

// maskAll masks card numbers in s with posdesk.MaskText, repeated until nothing changes: one pass
// is not always enough, as masking digits inside a long run can leave digit groups that join into
// a new 13-19 digit Luhn-valid number (seen with runs of zeros found by FuzzIntake). Every pass
// that changes something masks at least three digits, so this ends; the bound keeps a hostile
// file from costing many passes. Digit runs longer than maxDigitRun are masked whole first.
//
// A card number never spans lines (MaskText joins digit groups over single spaces and dashes
// only), so only the lines that hold 13 digits or more in a run are masked, one by one: a large
// log with a few card numbers costs one quick scan.
func maskAll(s string) string {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		end := strings.IndexByte(s[i:], '\n') + 1
		if end == 0 {
			end = len(s) - i
		}
		line := s[i : i+end]
		if m := maskLine(line); m != line {
			if !changed {
				b.Grow(len(s))
				b.WriteString(s[:i])
				changed = true
			}
			line = m
		}
		if changed {
			b.WriteString(line)
		}
		i += end
	}
	if !changed {
		return s
	}
	return b.String()
}

// maskLine masks the card numbers of one line (see maskAll).
func maskLine(s string) string {
	if !mayHoldCard(s) {
		return s
	}
	s = starLongRuns(s)
	for range maxMaskPasses {
		m := posdesk.MaskText(s)
		if m == s {
			break
		}
		s = m
	}
	return s
}

// mayHoldCard reports whether s has 13 or more digits (ASCII or full-width) with nothing but
// spaces and dashes between them: the only text MaskText can change.
func mayHoldCard(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n++; n >= 13 {
				return true
			}
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99: // ０-９, as MaskText counts them
			if n++; n >= 13 {
				return true
			}
			i += 2
		case c == ' ' || c == '-':
		default:
			n = 0
		}
	}
	return false
}

// starLongRuns replaces every digit of each run longer than maxDigitRun digits with '*'.
func starLongRuns(s string) string {
	var b []byte // copy of s, made when the first long run is found
	isDigit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 0; i < len(s); {
		if !isDigit(i) {
			i++
			continue
		}
		start, digits, j := i, 0, i
		for {
			for isDigit(j) {
				j++
				digits++
			}
			if j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(j+1) {
				j++
				continue
			}
			break
		}
		if digits > maxDigitRun {
			if b == nil {
				b = []byte(s)
			}
			for k := start; k < j; k++ {
				if b[k] >= '0' && b[k] <= '9' {
					b[k] = '*'
				}
			}
		}
		i = j
	}
	if b == nil {
		return s
	}
	return string(b)
}

// ansiEscape matches terminal colour and cursor codes (ESC [ ... letter) and other two-byte
// escapes, which some terminal logs contain and which print as garbage.
var ansiEscape = regexp.MustCompile("\x1b(\\[[0-9;?]*[ -/]*[@-~]|[@-Z\\\\-_])")

// normalizeText returns s with "\n" line ends, without terminal escape codes and without control
// characters other than tab, line feed and form feed.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if strings.IndexByte(s, 0x1B) >= 0 {
		s = ansiEscape.ReplaceAllString(s, "")
	}
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\f') || r == 0x7F || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
}
