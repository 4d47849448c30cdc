package attach

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Sniff returns the media type of a file from its content (magic numbers), never from its
// name: posdesk.MediaJPEG, MediaPNG, MediaGIF, MediaPDF, or MediaText for something that looks
// like text (no NUL bytes and few control characters, or UTF-16 with a byte-order mark). It
// returns "" for anything else, including an empty slice. Sniff reads the whole of data to tell
// text from binary; it does not check that the file is complete or its text encoding valid
// (Intake does).
func Sniff(data []byte) string {
	switch {
	case len(data) == 0:
		return ""
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return posdesk.MediaJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return posdesk.MediaPNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return posdesk.MediaGIF
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return posdesk.MediaPDF
	}
	if looksLikeText(data) {
		return posdesk.MediaText
	}
	// A PDF may start with up to 1 KiB of junk (readers accept it); text may not hold "%PDF-".
	if bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return posdesk.MediaPDF
	}
	return ""
}

// otherFormat names well-known binary formats posdesk does not accept, so the refusal can say
// what the file is. It returns "" for anything else. Some magic numbers are short ("MZ", "BM"):
// only trust the answer for content that does not look like text.
func otherFormat(data []byte) string {
	has := func(off int, magic string) bool {
		return len(data) >= off+len(magic) && string(data[off:off+len(magic)]) == magic
	}
	switch {
	case has(4, "ftypheic"), has(4, "ftypheix"), has(4, "ftyphevc"), has(4, "ftypmif1"), has(4, "ftypmsf1"):
		return "HEIC"
	case has(4, "ftypavif"):
		return "AVIF"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "WebP"
	case has(0, "BM") && len(data) > 14 && has(6, "\x00\x00\x00\x00"):
		return "BMP"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "TIFF"
	case has(0, "PK\x03\x04"):
		return "ZIP (DOCX, XLSX)"
	case has(0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return "DOC/XLS"
	case has(0, "Rar!"):
		return "RAR"
	case has(0, "7z\xBC\xAF\x27\x1C"):
		return "7z"
	case has(0, "\x1F\x8B"):
		return "gzip"
	case has(4, "ftyp"):
		return "MP4/MOV"
	case has(0, "\xFF\xFB"), has(0, "ID3"):
		return "MP3"
	case has(0, "MZ"):
		return "EXE"
	case has(0, "\x00\x00\x01\x00"):
		return "ICO"
	}
	return ""
}

// utf16BOM reports the byte order of a UTF-16 byte-order mark at the start of data.
func utf16BOM(data []byte) (bigEndian, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return true, true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return false, true
	}
	return false, false
}

// looksLikeText reports whether data has the shape of a text file: a UTF-16 byte-order mark, or
// no NUL byte and few other control characters. It does not check the encoding (decodeText does).
func looksLikeText(data []byte) bool {
	if _, ok := utf16BOM(data); ok {
		return len(data)%2 == 0
	}
	controls := 0
	for _, c := range data {
		switch {
		case c == 0:
			return false
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0x1B:
		case c < 0x20 || c == 0x7F:
			controls++
		}
	}
	return controls*200 <= len(data) // at most 0.5% stray control bytes
}

// class is the family of a file, by content or by name.
type class int

const (
	classNone class = iota // unknown name, or content posdesk does not accept
	classImage
	classPDF
	classText
)

// nameClass returns the family a file name promises, from its extension ("" and unknown
// extensions promise nothing), and the extension in lower case without the dot.
func nameClass(name string) (class, string) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	switch ext {
	case "jpg", "jpeg", "jpe", "jfif", "png", "gif", "heic", "heif", "webp", "bmp", "tif", "tiff", "avif":
		return classImage, ext
	case "pdf":
		return classPDF, ext
	case "txt", "log", "text", "csv", "tsv":
		return classText, ext
	}
	return classNone, ext
}

// mediaClass returns the family of a sniffed media type.
func mediaClass(mediaType string) class {
	switch mediaType {
	case posdesk.MediaJPEG, posdesk.MediaPNG, posdesk.MediaGIF:
		return classImage
	case posdesk.MediaPDF:
		return classPDF
	case posdesk.MediaText:
		return classText
	}
	return classNone
}

// cleanName returns the base name of a path written with / or \ separators, as valid UTF-8
// without control characters, with card numbers masked.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	return maskAll(strings.TrimSpace(name))
}
