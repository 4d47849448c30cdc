package pdf

import (
	"strings"
	"unicode"
)

// Wrap breaks text into lines no wider than width, as measured by measure (a string's width in
// the same unit as width; gofpdf's GetStringWidth). It breaks between CJK characters anywhere,
// between Latin words at spaces, and inside a Latin token wider than a line (a SHA-256 in hex) by
// width. It keeps Chinese closing punctuation off the start of a line and opening punctuation off
// the end. Newlines in text end a line. No character is dropped except the spaces a break
// replaces; a line is never empty unless text has an empty line.
func Wrap(text string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		out = append(out, wrapPara(para, width, measure)...)
	}
	return out
}

// token is a piece of a paragraph that is never broken unless it alone is wider than a line.
type token struct {
	s     string
	space bool // a run of spaces: a break opportunity that disappears at a break
}

// tokens splits a paragraph into words, spaces and single CJK characters, with closing
// punctuation glued to what precedes it and opening punctuation glued to what follows.
func tokens(para string) []token {
	var toks []token
	var cur strings.Builder
	curSpace := false
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, token{s: cur.String(), space: curSpace})
			cur.Reset()
		}
	}
	glueNext := false // the last token was opening punctuation: the next one sticks to it
	for _, r := range para {
		switch {
		case r == ' ' || r == '\t':
			if !curSpace {
				flush()
				curSpace = true
			}
			cur.WriteRune(' ')
			glueNext = false
		case noLineStart(r):
			// Closing punctuation: attach to the previous token (or the current word).
			if curSpace || cur.Len() == 0 {
				flush()
				curSpace = false
				if n := len(toks); n > 0 && !toks[n-1].space {
					toks[n-1].s += string(r)
					continue
				}
			}
			cur.WriteRune(r)
		case breaksAround(r):
			if glueNext {
				cur.WriteRune(r)
				glueNext = noLineEnd(r)
				if !glueNext {
					flush()
				}
				continue
			}
			flush()
			curSpace = false
			cur.WriteRune(r)
			if noLineEnd(r) {
				glueNext = true
				continue
			}
			flush()
		default:
			if curSpace {
				flush()
				curSpace = false
			}
			cur.WriteRune(r)
			glueNext = false
		}
	}
	flush()
	return toks
}

func wrapPara(para string, width float64, measure func(string) float64) []string {
	if para == "" {
		return []string{""}
	}
	var lines []string
	var line strings.Builder
	lineW := 0.0
	pendingSpace := "" // spaces between the line so far and the next word
	spaceW := 0.0
	emit := func() {
		lines = append(lines, line.String())
		line.Reset()
		lineW = 0
		pendingSpace, spaceW = "", 0
	}
	for _, t := range tokens(para) {
		if t.space {
			if line.Len() > 0 {
				pendingSpace = t.s
				spaceW = measure(t.s)
			}
			continue
		}
		w := measure(t.s)
		if line.Len() > 0 && lineW+spaceW+w <= width {
			line.WriteString(pendingSpace)
			line.WriteString(t.s)
			lineW += spaceW + w
			pendingSpace, spaceW = "", 0
			continue
		}
		if line.Len() > 0 {
			emit()
		}
		if w <= width {
			line.WriteString(t.s)
			lineW = w
			continue
		}
		// A token wider than a line: break it by width, one character at a time.
		for _, r := range t.s {
			rw := measure(string(r))
			if line.Len() > 0 && lineW+rw > width {
				emit()
			}
			line.WriteRune(r)
			lineW += rw
		}
	}
	if line.Len() > 0 {
		emit()
	}
	return lines
}

// breaksAround reports whether a line may break before and after r: CJK ideographs, kana,
// hangul and full-width forms.
func breaksAround(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) ||
		(r >= 0x3000 && r <= 0x303F) || // CJK symbols and punctuation
		(r >= 0xFF00 && r <= 0xFFEF) // half- and full-width forms
}

// noLineStart reports whether r may not begin a line (closing punctuation).
func noLineStart(r rune) bool {
	return strings.ContainsRune("，。、；：？！）》」』】〕〉”’…・％,.;:?!)]}%", r)
}

// noLineEnd reports whether r may not end a line (opening punctuation).
func noLineEnd(r rune) bool {
	return strings.ContainsRune("（《「『【〔〈“‘", r)
}

// cellWidth returns how many monospace columns r takes: 2 for wide (East Asian) characters,
// 1 for the rest.
func cellWidth(r rune) int {
	if r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF && r != 0x303F) ||
		(r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) ||
		(r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6) || (r >= 0x20000 && r <= 0x3FFFD)) {
		return 2
	}
	return 1
}
