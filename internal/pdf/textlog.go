package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Monospace log pages: Courier for ASCII, the CJK font for the rest, each character on a grid of
// columns (wide characters take two), so the columns of a terminal log stay aligned.
const (
	monoSize    = 7.6                     // points
	monoCell    = monoSize * 0.6 * ptToMM // Courier advance: 0.6 em
	monoCols    = 106                     // columns per line: floor(contentW / monoCell)
	monoLineH   = monoSize * ptToMM * 1.3
	maxLogBytes = 4 << 20 // text logs beyond this are cut, with a note
)

// logLines decodes a text log (UTF-8, or GB18030 when it is not valid UTF-8), masks card numbers,
// expands tabs, drops control characters and wraps it to cols monospace columns.
func logLines(data []byte, cols int) (lines []string, truncated bool) {
	if len(data) > maxLogBytes {
		data, truncated = data[:maxLogBytes], true
	}
	data = trimBOM(data)
	text := ""
	if utf8.Valid(data) {
		text = string(data)
	} else if d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil {
		text = string(d)
	} else {
		text = strings.ToValidUTF8(string(data), "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	for _, raw := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		raw = posdesk.MaskText(raw)
		var line strings.Builder
		col := 0
		for _, r := range raw {
			if r == '\t' {
				n := 8 - col%8
				if col+n > cols {
					lines = append(lines, line.String())
					line.Reset()
					col = 0
					continue
				}
				line.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			if unicode.IsControl(r) || r == '\uFEFF' {
				continue
			}
			w := cellWidth(r)
			if col+w > cols {
				lines = append(lines, line.String())
				line.Reset()
				col = 0
			}
			line.WriteRune(r)
			col += w
		}
		lines = append(lines, strings.TrimRight(line.String(), " "))
	}
	return lines, truncated
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// monoLine draws one log line at (x, baseline y): ASCII runs in Courier, other characters one by
// one in the CJK font, each at its grid column.
func (d *doc) monoLine(x, y float64, line string) {
	col := 0
	var run strings.Builder
	runCol := 0
	flush := func() {
		if run.Len() > 0 {
			d.f.SetFont(monoFont, "", monoSize)
			d.f.Text(x+float64(runCol)*monoCell, y, run.String())
			run.Reset()
		}
	}
	for _, r := range line {
		if r >= 0x20 && r < 0x7F {
			if run.Len() == 0 {
				runCol = col
			}
			run.WriteRune(r)
			col++
			continue
		}
		flush()
		w := cellWidth(r)
		d.f.SetFont(fontName, "", monoSize)
		d.f.Text(x+float64(col)*monoCell, y, string(r))
		col += w
	}
	flush()
	d.setFont(d.fontSize)
}
