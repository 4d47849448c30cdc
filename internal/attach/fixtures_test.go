package attach_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The test picture: four quadrants, red top-left, green top-right, blue bottom-left, white
// bottom-right. Whatever happens to it, the normalised copy must show red at the top left.
var (
	red   = color.RGBA{255, 0, 0, 255}
	green = color.RGBA{0, 255, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// quad returns the w x h test picture.
func quad(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := white
			switch {
			case x < w/2 && y < h/2:
				c = red
			case y < h/2:
				c = green
			case x < w/2:
				c = blue
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// assertQuadrants checks that img shows the test picture upright: the centre of each quadrant
// has the quadrant's colour (within JPEG tolerance).
func assertQuadrants(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	for _, q := range []struct {
		name string
		x, y int
		want color.RGBA
	}{
		{"top-left", w / 4, h / 4, red},
		{"top-right", 3 * w / 4, h / 4, green},
		{"bottom-left", w / 4, 3 * h / 4, blue},
		{"bottom-right", 3 * w / 4, 3 * h / 4, white},
	} {
		r, g, bl, _ := img.At(b.Min.X+q.x, b.Min.Y+q.y).RGBA()
		got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
		if !near(got, q.want) {
			t.Errorf("%s corner is %v, want %v", q.name, got, q.want)
		}
	}
}

func near(a, b color.RGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) < 70 && d(a.G, b.G) < 70 && d(a.B, b.B) < 70
}

// storedFor returns the pixels a camera stores for the upright picture u when it writes EXIF
// orientation o. It follows the wording of the EXIF specification (where the 0th row and the
// 0th column of the stored image are shown), independently of the code under test.
func storedFor(u image.Image, o int) *image.RGBA {
	// row0, col0: which side of the upright picture the stored row 0 / column 0 is shown on.
	sides := map[int][2]string{
		1: {"top", "left"}, 2: {"top", "right"}, 3: {"bottom", "right"}, 4: {"bottom", "left"},
		5: {"left", "top"}, 6: {"right", "top"}, 7: {"right", "bottom"}, 8: {"left", "bottom"},
	}[o]
	uw, uh := u.Bounds().Dx(), u.Bounds().Dy()
	sw, sh := uw, uh
	if o >= 5 {
		sw, sh = uh, uw
	}
	s := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for sy := 0; sy < sh; sy++ {
		for sx := 0; sx < sw; sx++ {
			var dx, dy int
			switch sides[0] {
			case "top":
				dy = sy
			case "bottom":
				dy = uh - 1 - sy
			case "left":
				dx = sy
			case "right":
				dx = uw - 1 - sy
			}
			switch sides[1] {
			case "left":
				dx = sx
			case "right":
				dx = uw - 1 - sx
			case "top":
				dy = sx
			case "bottom":
				dy = uh - 1 - sx
			}
			s.Set(sx, sy, u.At(dx, dy))
		}
	}
	return s
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// exifTIFF returns a TIFF structure with one IFD holding Orientation o (SHORT), preceded by two
// other tags as cameras write them.
func exifTIFF(o int, bigEndian bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	hdr := "II*\x00"
	if bigEndian {
		bo, hdr = binary.BigEndian, "MM\x00*"
	}
	b := []byte(hdr)
	b = bo.AppendUint32(b, 8)
	b = bo.AppendUint16(b, 3)
	entry := func(tag, typ uint16, count, value uint32) {
		b = bo.AppendUint16(b, tag)
		b = bo.AppendUint16(b, typ)
		b = bo.AppendUint32(b, count)
		if typ == 3 {
			b = bo.AppendUint16(b, uint16(value))
			b = append(b, 0, 0)
		} else {
			b = bo.AppendUint32(b, value)
		}
	}
	entry(0x010F, 2, 4, 0x006f6f46) // Make "Foo\0", stored in the value field
	entry(0x0112, 3, 1, uint32(o))
	entry(0x011A, 5, 1, 50) // XResolution: offset (not followed)
	b = bo.AppendUint32(b, 0)
	return b
}

// withAPP1 inserts an APP1 segment holding body right after the SOI of a JPEG.
func withAPP1(jpg, body []byte) []byte {
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, body...)
	return append(out, jpg[2:]...)
}

// withEXIF returns jpg with an EXIF block giving orientation o.
func withEXIF(jpg []byte, o int, bigEndian bool) []byte {
	return withAPP1(jpg, append([]byte("Exif\x00\x00"), exifTIFF(o, bigEndian)...))
}

// pngChunk returns one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// pngHeader returns a PNG that declares w x h RGBA pixels but holds only idat bytes of data.
func pngHeader(w, h uint32, idat []byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", idat)...)
	return append(b, pngChunk("IEND", nil)...)
}

// gifHeader returns a GIF whose screen is sw x sh and whose first frame is fw x fh with a few
// bytes of LZW data: small on disk, huge once decoded.
func gifHeader(sw, sh, fw, fh uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, sw)
	b = binary.LittleEndian.AppendUint16(b, sh)
	b = append(b, 0x80, 0, 0)             // global colour table of 2 entries
	b = append(b, 0, 0, 0, 255, 255, 255) // black, white
	b = append(b, 0x2C, 0, 0, 0, 0)       // image descriptor at (0, 0)
	b = binary.LittleEndian.AppendUint16(b, fw)
	b = binary.LittleEndian.AppendUint16(b, fh)
	b = append(b, 0)                               // no local table
	b = append(b, 2, 4, 0x84, 0x8F, 0x6D, 0x6F, 0) // LZW: min code size 2, 4 data bytes
	return append(b, 0x3B)
}

// jpegHeader returns the start of a JPEG declaring w x h pixels in 3 components (4:2:0),
// followed by n bytes of scan data.
func jpegHeader(t testing.TB, w, h uint16, n int) []byte {
	t.Helper()
	small := encodeJPEG(t, quad(16, 16), 90)
	// Patch the SOF0 dimensions of a real file, so everything else in it is valid.
	i := bytes.Index(small, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	out := append([]byte{}, small...)
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	sos := bytes.Index(out, []byte{0xFF, 0xDA})
	seglen := int(binary.BigEndian.Uint16(out[sos+2:]))
	out = out[:sos+2+seglen]
	out = append(out, bytes.Repeat([]byte{0x55}, n)...)
	return append(out, 0xFF, 0xD9)
}

// cardNumber returns a Luhn-valid 16-digit number starting with prefix, made up for the test.
func cardNumber(prefix string) string {
	r := rand.New(rand.NewPCG(1, 2))
	s := prefix
	for len(s) < 15 {
		s += fmt.Sprint(r.IntN(10))
	}
	for d := 0; d <= 9; d++ {
		if c := s + fmt.Sprint(d); posdesk.Luhn(c) {
			return c
		}
	}
	panic("unreachable")
}

// pdfFile writes a minimal PDF with the given number of pages and a correct xref table.
func pdfFile(pages int) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 3+i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	for range pages {
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixedNow is the clock of the tests.
func fixedNow() time.Time { return time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("CST", 8*3600)) }

// intake runs attach.Intake on data with the test clock.
func intake(name string, data []byte, opts attach.Options) (*posdesk.Attachment, error) {
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	return attach.Intake(name, bytes.NewReader(data), opts)
}

// encodeGIF returns img as a GIF with the Plan 9 palette.
func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
