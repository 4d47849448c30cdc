package attach_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var writeSeeds = flag.Bool("fuzzseeds", false, "rewrite the seed corpora in testdata/fuzz")

// intakeSeeds are small files of every kind Intake meets, good and bad, for the fuzzer to start
// from. They are written to testdata/fuzz/FuzzIntake by `go test -run TestFuzzSeeds -fuzzseeds`.
func intakeSeeds(t testing.TB) map[string]struct {
	data []byte
	name string
} {
	q := quad(16, 12)
	jpg := encodeJPEG(t, q, 75)
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("终端 61000042 交易失败\n"))
	seeds := map[string]struct {
		data []byte
		name string
	}{
		"jpeg":             {jpg, "slip.jpg"},
		"jpeg_exif6":       {withEXIF(encodeJPEG(t, storedFor(q, 6), 75), 6, false), "IMG.JPG"},
		"jpeg_exif3_mm":    {withEXIF(jpg, 3, true), "IMG.JPG"},
		"jpeg_progressive": {readFixture(t, "progressive.jpg"), "p.jpg"},
		"jpeg_cmyk":        {readFixture(t, "cmyk.jpg"), "c.jpg"},
		"jpeg_truncated":   {jpg[:len(jpg)/2], "slip.jpg"},
		"jpeg_bomb":        {jpegHeader(t, 6000, 6000, 64), "bomb.jpg"},
		"png":              {encodePNG(t, q), "sms.png"},
		"png_bomb":         {pngHeader(100000, 100000, []byte{0x78, 0x9c, 0x03, 0x00}), "bomb.png"},
		"gif":              {encodeGIF(t, q), "chat.gif"},
		"gif_bomb":         {gifHeader(6000, 6000, 6000, 6000), "bomb.gif"},
		"pdf":              {pdfFile(2), "statement.pdf"},
		"pdf_objstm":       {readFixture(t, "two_page_objstm.pdf"), "statement.pdf"},
		"text":             {[]byte("09:12 TXN 000123 FAILED\r\nPAN 622848******1234\n"), "pos.log"},
		"text_gb18030":     {gb, "日志.txt"},
		"text_utf16":       {[]byte{0xFF, 0xFE, 'O', 0, 'K', 0, '\n', 0}, "log.txt"},
		"text_as_jpg":      {[]byte("not a photo"), "slip.jpg"},
		"empty":            {nil, "x.jpg"},
	}
	return seeds
}

// TestFuzzSeeds keeps the committed seed corpora in step with the fixtures: with -fuzzseeds it
// rewrites them, otherwise it checks that every seed is there.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzIntake")
	for key, s := range intakeSeeds(t) {
		path := filepath.Join(dir, key)
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nstring(%q)\n", s.data, s.name)
		if *writeSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("seed %s missing: run go test ./internal/attach -run TestFuzzSeeds -fuzzseeds", key)
		}
	}
	odir := filepath.Join("testdata", "fuzz", "FuzzOrientation")
	jpg := encodeJPEG(t, quad(8, 8), 50)
	for key, data := range map[string][]byte{
		"exif6_ii":  withEXIF(jpg, 6, false),
		"exif8_mm":  withEXIF(jpg, 8, true),
		"tiff_only": exifTIFF(5, false),
		"no_exif":   jpg[:64],
	} {
		path := filepath.Join(odir, key)
		if *writeSeeds {
			if err := os.MkdirAll(odir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("seed %s missing: run go test ./internal/attach -run TestFuzzSeeds -fuzzseeds", key)
		}
	}
}

// FuzzIntake feeds arbitrary bytes and names to Intake. It must never panic; a refusal must be
// an EINVALID error on field "file" naming the file; an accepted file must be a consistent
// attachment whose derived copies decode.
func FuzzIntake(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		a, err := intake(name, data, attach.Options{})
		if err != nil {
			if code, field := posdesk.ErrorCode(err), posdesk.ErrorField(err); code != posdesk.EINVALID || field != "file" {
				t.Fatalf("refusal with code %q field %q: %v", code, field, err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "File ") {
				t.Fatalf("refusal does not name the file: %s", msg)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted attachment does not validate: %v", err)
		}
		sum := sha256.Sum256(a.Original)
		if a.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatal("SHA256 does not match Original")
		}
		if !a.IsText() && !bytes.Equal(a.Original, data) {
			t.Fatal("original changed")
		}
		if a.IsText() && posdesk.MaskText(string(a.Normalized)) != string(a.Normalized) {
			t.Fatal("normalised log holds a card number")
		}
		if a.IsImage() {
			img, _, err := image.Decode(bytes.NewReader(a.Normalized))
			if err != nil {
				t.Fatalf("normalised copy does not decode: %v", err)
			}
			b := img.Bounds()
			if int64(b.Dx())*int64(b.Dy()) > attach.NormalizedMaxPixels {
				t.Fatalf("normalised copy %dx%d is over the limit", b.Dx(), b.Dy())
			}
			if _, _, err := image.Decode(bytes.NewReader(a.Thumbnail)); err != nil {
				t.Fatalf("thumbnail does not decode: %v", err)
			}
		}
		if a.IsPDF() && a.Pages < 1 {
			t.Fatal("PDF accepted without pages")
		}
	})
}

// FuzzOrientation feeds arbitrary bytes to the EXIF reader, both as a whole file and as the TIFF
// body of an EXIF block in an otherwise valid JPEG. It must never panic and always answer 1..8.
func FuzzOrientation(f *testing.F) {
	jpg := encodeJPEG(f, quad(8, 8), 50)
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := attach.Orientation(data); o < 1 || o > 8 {
			t.Fatalf("Orientation = %d", o)
		}
		if len(data) > 65000 {
			return
		}
		wrapped := withAPP1(jpg, append([]byte("Exif\x00\x00"), data...))
		if o := attach.Orientation(wrapped); o < 1 || o > 8 {
			t.Fatalf("Orientation of wrapped TIFF = %d", o)
		}
	})
}
