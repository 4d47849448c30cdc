package attach_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// decodeNormalized decodes an attachment's normalised image and checks its type.
func decodeNormalized(t *testing.T, a *posdesk.Attachment) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(a.Normalized))
	if err != nil {
		t.Fatalf("normalised copy does not decode: %v", err)
	}
	if got, want := "image/"+format, a.NormalizedType; got != want {
		t.Errorf("normalised copy is %s, NormalizedType says %s", got, want)
	}
	return img
}

// assertCommon checks what every accepted attachment must hold.
func assertCommon(t *testing.T, a *posdesk.Attachment, original []byte) {
	t.Helper()
	if !bytes.Equal(a.Original, original) {
		t.Errorf("original changed: %d bytes, want the %d bytes given", len(a.Original), len(original))
	}
	sum := sha256.Sum256(original)
	if got, want := a.SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA256 = %s, want %s", got, want)
	}
	if got, want := a.Size, int64(len(original)); got != want {
		t.Errorf("Size = %d, want %d", got, want)
	}
	if got, want := a.CreatedAt, fixedNow().UTC(); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want %v in UTC", got, want)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if a.IsImage() {
		if len(a.Thumbnail) == 0 {
			t.Fatal("image without thumbnail")
		}
		th, format, err := image.Decode(bytes.NewReader(a.Thumbnail))
		if err != nil {
			t.Fatalf("thumbnail does not decode: %v", err)
		}
		if "image/"+format != a.ThumbnailType {
			t.Errorf("thumbnail is %s, ThumbnailType says %s", format, a.ThumbnailType)
		}
		if b := th.Bounds(); max(b.Dx(), b.Dy()) > attach.ThumbnailSide {
			t.Errorf("thumbnail is %dx%d, longest side must be at most %d", b.Dx(), b.Dy(), attach.ThumbnailSide)
		}
	}
}

func TestIntakeGoodImages(t *testing.T) {
	q := quad(64, 48)
	alpha := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			c := color.NRGBAModel.Convert(q.At(x, y)).(color.NRGBA)
			if x >= 32 && y >= 24 {
				c.A = 0 // bottom-right quadrant transparent
			}
			alpha.SetNRGBA(x, y, c)
		}
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			r, g, b, a := q.At(x, y).RGBA()
			deep.SetRGBA64(x, y, color.RGBA64{uint16(r), uint16(g), uint16(b), uint16(a)})
		}
	}
	tests := []struct {
		name      string
		file      string
		data      []byte
		media     string
		normType  string
		kind      posdesk.AttachmentKind
		quadrants bool
	}{
		{"baseline JPEG", "slip.jpg", encodeJPEG(t, q, 90), posdesk.MediaJPEG, posdesk.MediaJPEG, posdesk.AttachmentSlipPhoto, true},
		{"progressive JPEG", "slip.jpg", readFixture(t, "progressive.jpg"), posdesk.MediaJPEG, posdesk.MediaJPEG, posdesk.AttachmentSlipPhoto, true},
		{"CMYK JPEG", "scan.jpeg", readFixture(t, "cmyk.jpg"), posdesk.MediaJPEG, posdesk.MediaJPEG, posdesk.AttachmentSlipPhoto, true},
		{"CMYK progressive JPEG", "scan.jpg", readFixture(t, "cmyk_progressive.jpg"), posdesk.MediaJPEG, posdesk.MediaJPEG, posdesk.AttachmentSlipPhoto, true},
		{"PNG with alpha", "sms.png", encodePNG(t, alpha), posdesk.MediaPNG, posdesk.MediaPNG, posdesk.AttachmentScreenshot, false},
		{"16-bit PNG", "sms.png", encodePNG(t, deep), posdesk.MediaPNG, posdesk.MediaPNG, posdesk.AttachmentScreenshot, true},
		{"GIF", "chat.gif", encodeGIF(t, q), posdesk.MediaGIF, posdesk.MediaPNG, posdesk.AttachmentScreenshot, true},
		{"PNG called .jpg (as chat apps save them)", "wechat.jpg", encodePNG(t, q), posdesk.MediaPNG, posdesk.MediaPNG, posdesk.AttachmentScreenshot, true},
		{"JPEG without a name", "", encodeJPEG(t, q, 90), posdesk.MediaJPEG, posdesk.MediaJPEG, posdesk.AttachmentSlipPhoto, true},
		{"sample slip photo", "slip_failed.jpg", readFixture(t, "samples/slip_failed.jpg"), posdesk.MediaJPEG, posdesk.MediaJPEG, posdesk.AttachmentSlipPhoto, false},
		{"sample SMS screenshot", "customer_sms.png", readFixture(t, "samples/customer_sms.png"), posdesk.MediaPNG, posdesk.MediaPNG, posdesk.AttachmentScreenshot, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := intake(tt.file, tt.data, attach.Options{By: "cashier1"})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			assertCommon(t, a, tt.data)
			if got, want := a.MediaType, tt.media; got != want {
				t.Errorf("MediaType = %q, want %q", got, want)
			}
			if got, want := a.NormalizedType, tt.normType; got != want {
				t.Errorf("NormalizedType = %q, want %q", got, want)
			}
			if got, want := a.Kind, tt.kind; got != want {
				t.Errorf("Kind = %q, want %q", got, want)
			}
			if got, want := a.CreatedBy, "cashier1"; got != want {
				t.Errorf("CreatedBy = %q, want %q", got, want)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if a.Width != cfg.Width || a.Height != cfg.Height {
				t.Errorf("size = %dx%d, want %dx%d", a.Width, a.Height, cfg.Width, cfg.Height)
			}
			img := decodeNormalized(t, a)
			if b := img.Bounds(); b.Dx() != a.Width || b.Dy() != a.Height {
				t.Errorf("normalised copy is %dx%d, want %dx%d", b.Dx(), b.Dy(), a.Width, a.Height)
			}
			if tt.quadrants {
				assertQuadrants(t, img)
			}
		})
	}
}

func TestIntakeKeepsTransparency(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	m.SetNRGBA(5, 5, color.NRGBA{255, 0, 0, 255})
	a, err := intake("sticker.png", encodePNG(t, m), attach.Options{})
	if err != nil {
		t.Fatal(err)
	}
	img := decodeNormalized(t, a)
	if _, _, _, alpha := img.At(20, 20).RGBA(); alpha != 0 {
		t.Errorf("transparent pixel has alpha %d in the normalised copy", alpha)
	}
	if r, _, _, alpha := img.At(5, 5).RGBA(); r>>8 != 255 || alpha>>8 != 255 {
		t.Errorf("opaque red pixel became r=%d a=%d", r>>8, alpha>>8)
	}
	if got, want := a.ThumbnailType, posdesk.MediaPNG; got != want {
		t.Errorf("ThumbnailType = %q, want %q", got, want)
	}
}

// TestIntakeOrientation attaches the test picture as a camera stores it for each EXIF
// orientation, in both TIFF byte orders, and checks the normalised copy shows it upright.
func TestIntakeOrientation(t *testing.T) {
	upright := quad(64, 48)
	for o := 1; o <= 8; o++ {
		for _, bigEndian := range []bool{false, true} {
			order := "II"
			if bigEndian {
				order = "MM"
			}
			t.Run(string(rune('0'+o))+order, func(t *testing.T) {
				data := withEXIF(encodeJPEG(t, storedFor(upright, o), 95), o, bigEndian)
				if got := attach.Orientation(data); got != o {
					t.Fatalf("Orientation = %d, want %d", got, o)
				}
				a, err := intake("IMG_0001.JPG", data, attach.Options{})
				if err != nil {
					t.Fatal(err)
				}
				assertCommon(t, a, data)
				if a.Width != 64 || a.Height != 48 {
					t.Errorf("upright size = %dx%d, want 64x48", a.Width, a.Height)
				}
				img := decodeNormalized(t, a)
				if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
					t.Fatalf("normalised copy is %dx%d, want 64x48", b.Dx(), b.Dy())
				}
				assertQuadrants(t, img)
				th, _, err := image.Decode(bytes.NewReader(a.Thumbnail))
				if err != nil {
					t.Fatal(err)
				}
				assertQuadrants(t, th)
			})
		}
	}
}

// TestOrientationFixturesAgreeWithImageMagick checks the test's own idea of EXIF orientation
// (storedFor, withEXIF) against ImageMagick's -auto-orient, so the orientation test does not
// only agree with itself. Skipped where convert is not installed.
func TestOrientationFixturesAgreeWithImageMagick(t *testing.T) {
	if _, err := exec.LookPath("convert"); err != nil {
		t.Skip("ImageMagick convert not installed")
	}
	dir := t.TempDir()
	for o := 1; o <= 8; o++ {
		in := filepath.Join(dir, "in.jpg")
		out := filepath.Join(dir, "out.png")
		if err := os.WriteFile(in, withEXIF(encodeJPEG(t, storedFor(quad(64, 48), o), 95), o, o%2 == 0), 0o600); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command("convert", in, "-auto-orient", out).CombinedOutput(); err != nil {
			t.Fatalf("convert: %v %s", err, msg)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Run(string(rune('0'+o)), func(t *testing.T) { assertQuadrants(t, img) })
	}
}

func TestOrientation(t *testing.T) {
	jpg := encodeJPEG(t, quad(16, 16), 90)
	tiff := exifTIFF(6, false)
	long := func(b []byte) []byte { // Orientation stored as LONG
		b = append([]byte{}, b...)
		b[8+2+12+2] = 4
		return b
	}
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"no EXIF", jpg, 1},
		{"not a JPEG", []byte("hello"), 1},
		{"empty", nil, 1},
		{"EXIF 6", withAPP1(jpg, append([]byte("Exif\x00\x00"), tiff...)), 6},
		{"EXIF as LONG", withAPP1(jpg, append([]byte("Exif\x00\x00"), long(tiff)...)), 6},
		{"value 9 is ignored", withEXIF(jpg, 9, false), 1},
		{"value 0 is ignored", withEXIF(jpg, 0, true), 1},
		{"IFD offset past the end", withAPP1(jpg, []byte("Exif\x00\x00II*\x00\xff\xff\x00\x00")), 1},
		{"entry count past the end", withAPP1(jpg, []byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff")), 1},
		{"bad byte order", withAPP1(jpg, []byte("Exif\x00\x00XX*\x00\x08\x00\x00\x00\x00\x00")), 1},
		{"APP1 that is not EXIF (XMP)", withAPP1(jpg, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>")), 1},
		{"second EXIF block ignored", withEXIF(withEXIF(jpg, 3, false), 8, false), 8},
		{"segment length past the end", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, "Exif\x00\x00"...), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attach.Orientation(tt.data); got != tt.want {
				t.Errorf("Orientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestIntakePDF(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		data  []byte
		pages int
	}{
		{"hand-written, xref table", "statement.pdf", pdfFile(2), 2},
		{"rebuilt by qpdf", "statement.pdf", readFixture(t, "two_page.pdf"), 2},
		{"object streams", "statement.PDF", readFixture(t, "two_page_objstm.pdf"), 2},
		{"seven pages, no name", "", pdfFile(7), 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := intake(tt.file, tt.data, attach.Options{})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			assertCommon(t, a, tt.data)
			if got, want := a.Pages, tt.pages; got != want {
				t.Errorf("Pages = %d, want %d", got, want)
			}
			if a.MediaType != posdesk.MediaPDF || a.Kind != posdesk.AttachmentStatement {
				t.Errorf("MediaType %q, Kind %q", a.MediaType, a.Kind)
			}
			if a.Normalized != nil || a.Thumbnail != nil {
				t.Error("a PDF has no normalised copy or thumbnail")
			}
		})
	}
}

func TestIntakeTextLogs(t *testing.T) {
	card := cardNumber("622848")
	masked := card[:6] + strings.Repeat("*", len(card)-10) + card[len(card)-4:]
	gbLog := "2025-03-14 09:12:03 终端 61000042 交易失败 响应码 96\r\n参考号 123456789012 金额 58.00\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(gbLog))
	if err != nil {
		t.Fatal(err)
	}
	gbCard, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("卡号 " + card + " 交易失败\n"))
	if err != nil {
		t.Fatal(err)
	}
	gbCardMasked, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("卡号 " + masked + " 交易失败\n"))
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range "TXN OK\n" {
		utf16le = append(utf16le, byte(r), 0)
	}
	tests := []struct {
		name     string
		file     string
		data     []byte
		original []byte // stored original (masked when it held a card number)
		norm     string
	}{
		{"UTF-8", "terminal.log", []byte("09:12 TXN 000123 FAILED\n"), nil, "09:12 TXN 000123 FAILED\n"},
		{"UTF-8 with BOM and CRLF", "terminal.txt", []byte("\uFEFF交易失败\r\n重试\r\n"), nil, "交易失败\n重试\n"},
		{"GB18030", "日志.txt", gb, nil, strings.ReplaceAll(gbLog, "\r\n", "\n")},
		{"UTF-16 with BOM", "log.txt", utf16le, nil, "TXN OK\n"},
		{"terminal colour codes removed", "pos.log", []byte("\x1b[31mERROR\x1b[0m timeout\n"), nil, "ERROR timeout\n"},
		{"card number masked (UTF-8)", "pos.log", []byte("PAN=" + card + " RC=05\n"), []byte("PAN=" + masked + " RC=05\n"), "PAN=" + masked + " RC=05\n"},
		{"card number masked (GB18030)", "pos.log", gbCard, gbCardMasked, "卡号 " + masked + " 交易失败\n"},
		{"card number split by colour codes", "pos.log", []byte("PAN " + card[:8] + "\x1b[0m" + card[8:] + "\n"), nil, "PAN " + masked + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := intake(tt.file, tt.data, attach.Options{})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			want := tt.original
			if want == nil {
				want = tt.data
			}
			assertCommon(t, a, want)
			if got := string(a.Normalized); got != tt.norm {
				t.Errorf("normalised = %q, want %q", got, tt.norm)
			}
			if a.MediaType != posdesk.MediaText || a.NormalizedType != posdesk.MediaTextUTF8 || a.Kind != posdesk.AttachmentTerminalLog {
				t.Errorf("MediaType %q, NormalizedType %q, Kind %q", a.MediaType, a.NormalizedType, a.Kind)
			}
			if bytes.Contains(a.Original, []byte(card)) || bytes.Contains(a.Normalized, []byte(card)) {
				t.Error("full card number stored")
			}
		})
	}
}

// TestIntakeDigitFlood attaches a "log" that is one long run of digits: MaskText's cost grows
// with the length of a run, so such runs are masked whole, in bounded memory.
func TestIntakeDigitFlood(t *testing.T) {
	data := []byte(strings.Repeat("6228480012 ", 400_000)) // 4.4 MB, one run joined by spaces
	var a *posdesk.Attachment
	var err error
	n := allocDuring(func() { a, err = intake("dump.log", data, attach.Options{}) })
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(a.Original, "0123456789") || bytes.ContainsAny(a.Normalized, "0123456789") {
		t.Error("digits of an endless run kept")
	}
	if got, want := len(a.Original), len(data); got != want {
		t.Errorf("masked original is %d bytes, want %d", got, want)
	}
	t.Logf("%.1f MB log taken in after allocating %.1f MB", float64(len(data))/(1<<20), float64(n)/(1<<20))
	if n > 20*uint64(len(data)) {
		t.Errorf("allocated %d bytes for a %d-byte log", n, len(data))
	}
}

func TestIntakeMasksCaptionAndName(t *testing.T) {
	card := cardNumber("436742")
	a, err := intake(`C:\Users\shop\`+card+".jpg", encodeJPEG(t, quad(32, 32), 90), attach.Options{
		Caption: "  slip for card " + card + " ",
		Kind:    posdesk.AttachmentReceipt,
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Caption, card) || strings.Contains(a.FileName, card) {
		t.Errorf("card number kept: caption %q, name %q", a.Caption, a.FileName)
	}
	if got, want := a.FileName, posdesk.MaskText(card)+".jpg"; got != want {
		t.Errorf("FileName = %q, want %q (base name, masked)", got, want)
	}
	if got, want := a.Caption, "slip for card "+posdesk.MaskText(card); got != want {
		t.Errorf("Caption = %q, want %q", got, want)
	}
	if got, want := a.Kind, posdesk.AttachmentReceipt; got != want {
		t.Errorf("Kind = %q, want %q", got, want)
	}
}

// refusal is one file Intake must refuse.
type refusal struct {
	name string
	file string
	data []byte
	want string // part of the English message
}

func TestIntakeRefuses(t *testing.T) {
	q := quad(64, 48)
	jpg := encodeJPEG(t, q, 90)
	pngData := encodePNG(t, q)
	gifData := encodeGIF(t, q)
	twoPages := readFixture(t, "two_page.pdf")
	latin1 := []byte("line one\nline two\ncaf\xe9 \xe9t\xe9\nline four\n")
	tests := []refusal{
		{"zero bytes", "slip.jpg", nil, `"slip.jpg" is empty (0 bytes)`},
		{"text renamed .jpg", "slip.jpg", []byte("this is not a photo\n"), `"slip.jpg" is called .jpg but is a text file`},
		{"text renamed .png", "sms.PNG", []byte("hello"), `called .png but is a text file`},
		{"text renamed .pdf", "statement.pdf", []byte("hello"), `called .pdf but is a text file`},
		{"PDF renamed .jpg", "slip.jpg", twoPages, `called .jpg but is a PDF`},
		{"JPEG renamed .pdf", "statement.pdf", jpg, `called .pdf but is a JPEG image; choose the right file, or rename it to .jpg`},
		{"JPEG renamed .txt", "log.txt", jpg, `called .txt but is a JPEG image`},
		{"zip renamed .jpg", "slip.jpg", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), `called .jpg but is a ZIP (DOCX, XLSX) file`},
		{"binary renamed .jpg", "slip.jpg", []byte{0x00, 0x01, 0x02, 0x03, 0x00}, `called .jpg but is not an image, a PDF or a text log`},
		{"HEIC photo", "IMG_0001.HEIC", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 16)...), `"IMG_0001.HEIC" is a HEIC file, which posdesk cannot attach`},
		{"Word document", "letter.docx", []byte("PK\x03\x04\x14\x00\x06\x00"), `is a ZIP (DOCX, XLSX) file`},
		{"unknown binary", "data.bin", []byte{0x00, 0x9F, 0x12, 0x00}, `"data.bin" is not an image (JPEG, PNG or GIF), a PDF or a text log`},
		{"truncated JPEG (half)", "slip.jpg", jpg[:len(jpg)/2], `"slip.jpg" is a damaged or incomplete JPEG image`},
		{"truncated JPEG (no EOI)", "slip.jpg", jpg[:len(jpg)-2], `damaged or incomplete JPEG image`},
		{"truncated JPEG (header only)", "slip.jpg", jpg[:20], `damaged or incomplete JPEG image`},
		{"truncated PNG", "sms.png", pngData[:len(pngData)*2/3], `damaged or incomplete PNG image`},
		{"truncated PNG (no IEND)", "sms.png", pngData[:len(pngData)-12], `damaged or incomplete PNG image`},
		{"truncated GIF", "chat.gif", gifData[:len(gifData)/2], `damaged or incomplete GIF image`},
		{"corrupt PNG (CRC)", "sms.png", flip(pngData, len(pngData)-20), `damaged or incomplete PNG image`},
		{"PNG declaring 100000x100000", "sms.png", pngHeader(100000, 100000, []byte{0x78, 0x9c, 0x03, 0x00}), `"sms.png" is 100000×100000 pixels (10000 megapixels); the limit is 40 megapixels`},
		{"PNG declaring 6000x6000 with no data", "sms.png", pngHeader(6000, 6000, []byte{0x78, 0x9c, 0x03, 0x00}), `says it is 6000×6000 pixels but holds far too little image data`},
		{"GIF bomb header 65535x65535", "chat.gif", gifHeader(65535, 65535, 65535, 65535), `is 65535×65535 pixels (4295 megapixels)`},
		{"GIF frame bigger than its screen", "chat.gif", gifHeader(10, 10, 6000, 6000), `damaged or incomplete GIF image`},
		{"GIF 6000x6000 frame with 4 bytes of data", "chat.gif", gifHeader(6000, 6000, 6000, 6000), `says it is 6000×6000 pixels but holds far too little image data`},
		{"JPEG declaring 60000x60000", "slip.jpg", jpegHeader(t, 60000, 60000, 10), `is 60000×60000 pixels (3600 megapixels)`},
		{"JPEG declaring 6000x6000 with 1 KB", "slip.jpg", jpegHeader(t, 6000, 6000, 1000), `says it is 6000×6000 pixels but holds far too little image data`},
		{"truncated PDF", "statement.pdf", twoPages[:len(twoPages)/2], `"statement.pdf" is a damaged or incomplete PDF`},
		{"PDF without pages", "statement.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), `damaged PDF: posdesk cannot find any page`},
		{"encrypted PDF", "statement.pdf", readFixture(t, "encrypted.pdf"), `password-protected (encrypted) PDF`},
		{"text log, Latin-1", "terminal.log", latin1, `"terminal.log" line 3 holds bytes that are neither UTF-8 nor GB18030`},
		{"text log, mixed UTF-8 and bad bytes", "terminal.log", []byte("好\n好\n\xff\xfe\xfd bad\n"), `line 3 holds bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertRefused(t, tt) })
	}
}

// flip returns a copy of b with byte i inverted.
func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0xFF
	return c
}

func assertRefused(t *testing.T, tt refusal) {
	t.Helper()
	a, err := intake(tt.file, tt.data, attach.Options{})
	if err == nil {
		t.Fatalf("accepted as %s", a.MediaType)
	}
	if a != nil {
		t.Error("refusal returned an attachment too")
	}
	if got, want := posdesk.ErrorCode(err), posdesk.EINVALID; got != want {
		t.Errorf("code = %q, want %q (%v)", got, want, err)
	}
	if got, want := posdesk.ErrorField(err), "file"; got != want {
		t.Errorf("field = %q, want %q", got, want)
	}
	var pe *posdesk.Error
	if !errors.As(err, &pe) {
		t.Fatalf("%T is not a *posdesk.Error", err)
	}
	if msg := pe.Message(); !strings.Contains(msg, tt.want) {
		t.Errorf("message %q\ndoes not contain %q", msg, tt.want)
	}
	if zh := i18n.MessageIn(i18n.Chinese, err); !strings.Contains(zh, "文件") {
		t.Errorf("Chinese message %q is not translated", zh)
	}
}

// endless is a reader of endless bytes that counts what it gave, optionally claiming a length.
type endless struct {
	read int64
}

func (r *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	r.read += int64(len(p))
	return len(p), nil
}

// sized is an endless reader that says how long it is, as *bytes.Reader does.
type sized struct {
	endless
	n int
}

func (r *sized) Len() int { return r.n }

func TestIntakeRefusesLargeFiles(t *testing.T) {
	t.Run("stream over 25 MiB", func(t *testing.T) {
		r := &endless{}
		_, err := attach.Intake("huge.log", r, attach.Options{})
		assertTooBig(t, err)
		if r.read > posdesk.MaxAttachmentBytes+64<<10 {
			t.Errorf("read %d bytes of an endless stream, want at most %d", r.read, posdesk.MaxAttachmentBytes+1)
		}
	})
	t.Run("reader that knows its length", func(t *testing.T) {
		r := &sized{n: posdesk.MaxAttachmentBytes + 1}
		_, err := attach.Intake("huge.jpg", r, attach.Options{})
		assertTooBig(t, err)
		if r.read != 0 {
			t.Errorf("read %d bytes, want 0: the length says it is too big", r.read)
		}
	})
	t.Run("file over 25 MiB", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "scan.pdf")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(posdesk.MaxAttachmentBytes + 1); err != nil { // sparse: no disk used
			t.Fatal(err)
		}
		f.Close()
		_, err = attach.IntakeFile(path, attach.Options{})
		assertTooBig(t, err)
	})
	t.Run("exactly 25 MiB is read", func(t *testing.T) {
		data := bytes.Repeat([]byte("0123456789abcde\n"), posdesk.MaxAttachmentBytes/16)
		a, err := intake("big.log", data, attach.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if a.Size != posdesk.MaxAttachmentBytes {
			t.Errorf("Size = %d", a.Size)
		}
	})
}

func assertTooBig(t *testing.T, err error) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "is larger than 25 MB") || posdesk.ErrorField(err) != "file" {
		t.Fatalf("err = %v, want a refusal for size on field file", err)
	}
}

func TestIntakeFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slip.jpg")
	data := encodeJPEG(t, quad(32, 24), 90)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := attach.IntakeFile(path, attach.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	assertCommon(t, a, data)
	if a.FileName != "slip.jpg" {
		t.Errorf("FileName = %q, want the base name", a.FileName)
	}
	_, err = attach.IntakeFile(filepath.Join(dir, "missing.jpg"), attach.Options{})
	if got, want := posdesk.ErrorCode(err), posdesk.ENOTFOUND; got != want {
		t.Errorf("missing file: code %q, want %q (%v)", got, want, err)
	}
	if !strings.Contains(err.Error(), `"missing.jpg"`) {
		t.Errorf("missing file: %v does not name it", err)
	}
}

func TestIntakeOptions(t *testing.T) {
	data := encodeJPEG(t, quad(16, 16), 90)
	_, err := intake("a.jpg", data, attach.Options{Kind: "selfie"})
	if got, want := posdesk.ErrorField(err), "kind"; got != want {
		t.Errorf("bad kind: field %q, want %q (%v)", got, want, err)
	}
	_, err = intake("a.jpg", data, attach.Options{Caption: strings.Repeat("长", posdesk.MaxCaptionLength+1)})
	if got, want := posdesk.ErrorField(err), "caption"; got != want {
		t.Errorf("long caption: field %q, want %q (%v)", got, want, err)
	}
}

// failing is a reader that breaks after some bytes, like a USB stick pulled out.
type failing struct{ n int }

func (r *failing) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

func TestIntakeReadError(t *testing.T) {
	_, err := attach.Intake("slip.jpg", &failing{n: 100}, attach.Options{})
	if err == nil || !strings.Contains(err.Error(), `"slip.jpg" could not be read to the end`) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v", err)
	}
}

// TestIntakeLargePhoto attaches a photo bigger than the normalised limit, turned by EXIF.
func TestIntakeLargePhoto(t *testing.T) {
	if testing.Short() {
		t.Skip("large image")
	}
	upright := quad(4800, 3000) // 14.4 MP, over NormalizedMaxPixels
	data := withEXIF(encodeJPEG(t, storedFor(upright, 6), 80), 6, false)
	a, err := intake("IMG_2001.jpg", data, attach.Options{})
	if err != nil {
		t.Fatal(err)
	}
	assertCommon(t, a, data)
	if a.Width != 4800 || a.Height != 3000 {
		t.Errorf("size %dx%d, want 4800x3000", a.Width, a.Height)
	}
	img := decodeNormalized(t, a)
	b := img.Bounds()
	if px := b.Dx() * b.Dy(); px > attach.NormalizedMaxPixels || b.Dx() <= b.Dy() {
		t.Errorf("normalised copy %dx%d: want landscape, at most %d pixels", b.Dx(), b.Dy(), attach.NormalizedMaxPixels)
	}
	assertQuadrants(t, img)
	if len(a.Normalized) > attach.NormalizedMaxBytes {
		t.Errorf("normalised copy is %d bytes, limit %d", len(a.Normalized), attach.NormalizedMaxBytes)
	}
}

func TestResize(t *testing.T) {
	src := quad(1000, 500)
	tests := []struct {
		name    string
		img     image.Image
		maxSide int
		w, h    int
	}{
		{"landscape", src, 256, 256, 128},
		{"portrait", quad(300, 900), 300, 100, 300},
		{"already fits", src, 1000, 1000, 500},
		{"no limit", src, 0, 1000, 500},
		{"grey stays grey", image.NewGray(image.Rect(0, 0, 512, 512)), 100, 100, 100},
		{"thin strip keeps 1 pixel", quad(5000, 2), 100, 100, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attach.Resize(tt.img, tt.maxSide)
			if b := got.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
				t.Errorf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.w, tt.h)
			}
			if _, ok := tt.img.(*image.Gray); ok {
				if _, ok := got.(*image.Gray); !ok {
					t.Errorf("grey image became %T", got)
				}
			}
		})
	}
	assertQuadrants(t, attach.Resize(src, 256))
	if attach.Resize(src, 2000) != image.Image(src) {
		t.Error("Resize of an image that fits must return it unchanged")
	}
	// Memory is the result plus a few rows, not an intermediate image.
	big := quad(3000, 2000)
	n := allocDuring(func() { attach.Resize(big, 2000) })
	if result := uint64(2000 * 1333 * 4); n > result+result/4 {
		t.Errorf("Resize to 2000x1333 allocated %.1f MB, the result is %.1f MB", float64(n)/(1<<20), float64(result)/(1<<20))
	}
}

func TestThumbnail(t *testing.T) {
	data, typ, err := attach.Thumbnail(quad(1200, 900))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil || typ != posdesk.MediaJPEG {
		t.Fatalf("opaque thumbnail: %v, type %q", err, typ)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 192 {
		t.Errorf("thumbnail %dx%d, want 256x192", b.Dx(), b.Dy())
	}
	assertQuadrants(t, img)
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"JPEG", encodeJPEG(t, quad(8, 8), 90), posdesk.MediaJPEG},
		{"PNG", encodePNG(t, quad(8, 8)), posdesk.MediaPNG},
		{"GIF", encodeGIF(t, quad(8, 8)), posdesk.MediaGIF},
		{"PDF", pdfFile(1), posdesk.MediaPDF},
		{"PDF after junk", append(append([]byte{0, 1, 2, 3}, make([]byte, 100)...), pdfFile(1)...), posdesk.MediaPDF},
		{"text", []byte("交易失败\n"), posdesk.MediaText},
		{"text that mentions %PDF-", []byte("log: saved file starting with %PDF-1.4\n"), posdesk.MediaText},
		{"text starting like an EXE", []byte("MZ terminal 61000042 ok\n"), posdesk.MediaText},
		{"EXE", []byte("MZ\x90\x00\x03\x00\x00\x00"), ""},
		{"empty", nil, ""},
		{"NUL bytes", []byte("abc\x00def"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attach.Sniff(tt.data); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKindTitlesTranslated checks that every attachment kind's title (a translation key the
// catalog test cannot see, since Title returns it from a switch) has a Chinese translation.
func TestKindTitlesTranslated(t *testing.T) {
	for _, k := range posdesk.AttachmentKinds {
		if title := k.Title(); title == string(k) || !i18n.Has(i18n.Chinese, title) {
			t.Errorf("kind %q: title %q has no zh-Hans translation", k, title)
		}
	}
}

// allocDuring returns the bytes allocated on the heap while f runs.
func allocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBombsStayBounded refuses decompression bombs and checks, with runtime.MemStats, that
// refusing them allocates almost nothing (the issue allows under 100 MB extra). For comparison
// it logs what the standard decoder alone allocates for the under-limit GIF bomb.
func TestBombsStayBounded(t *testing.T) {
	const limit = 100 << 20
	bombs := []refusal{
		{"PNG 100000x100000", "bomb.png", pngHeader(100000, 100000, []byte{0x78, 0x9c, 0x03, 0x00}), "10000 megapixels"},
		{"GIF 65535x65535", "bomb.gif", gifHeader(65535, 65535, 65535, 65535), "4295 megapixels"},
		{"GIF 6000x6000, 36 MP under the limit", "bomb.gif", gifHeader(6000, 6000, 6000, 6000), "far too little image data"},
		{"PNG 6300x6300 RGBA, 40 MP under the limit", "bomb.png", pngHeader(6300, 6300, []byte{0x78, 0x9c, 0x03, 0x00}), "far too little image data"},
		{"JPEG 6000x6000", "bomb.jpg", jpegHeader(t, 6000, 6000, 1000), "far too little image data"},
	}
	for _, tt := range bombs {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocDuring(func() { _, err = intake(tt.file, tt.data, attach.Options{}) })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			t.Logf("%d-byte file refused after allocating %.1f KB", len(tt.data), float64(n)/1024)
			if n > limit {
				t.Errorf("refusing allocated %d bytes, limit %d", n, limit)
			}
		})
	}
	gifBomb := gifHeader(6000, 6000, 6000, 6000)
	n := allocDuring(func() { _, _, _ = image.Decode(bytes.NewReader(gifBomb)) })
	t.Logf("for comparison, image.Decode alone allocates %.1f MB for the %d-byte GIF", float64(n)/(1<<20), len(gifBomb))
}

func BenchmarkIntakePhoto(b *testing.B) {
	upright := quad(4000, 3000) // a 12 MP phone photo, turned by EXIF
	data := withEXIF(encodeJPEG(b, storedFor(upright, 6), 85), 6, false)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var allocated uint64
	for b.Loop() {
		allocated += allocDuring(func() {
			if _, err := intake("IMG.jpg", data, attach.Options{}); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "MB-alloc/op")
}

// BenchmarkIntake40MP attaches a photo at the pixel limit, turned by EXIF: decoded, scaled down
// to NormalizedMaxPixels and turned upright.
func BenchmarkIntake40MP(b *testing.B) {
	data := withEXIF(encodeJPEG(b, storedFor(quad(7300, 5475), 6), 85), 6, false)
	b.SetBytes(int64(len(data)))
	var allocated uint64
	for b.Loop() {
		allocated += allocDuring(func() {
			if _, err := intake("IMG.jpg", data, attach.Options{}); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "MB-alloc/op")
}

func BenchmarkIntakeTextLog(b *testing.B) {
	var sb strings.Builder
	card := cardNumber("622848")
	for i := 0; sb.Len() < 5<<20; i++ { // a 5 MB terminal log, one card number every 100 lines
		if i%100 == 0 {
			sb.WriteString("2025-03-14 09:12:03 PAN " + card + " 终端 61000042 交易失败 响应码 96\n")
			continue
		}
		sb.WriteString("2025-03-14 09:12:03 TXN 000123 AMT 58.00 RRN 123456789012 OK\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := intake("pos.log", data, attach.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIntakeScreenshot(b *testing.B) {
	data := readFixture(b, "samples/customer_sms.png")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := intake("sms.png", data, attach.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
