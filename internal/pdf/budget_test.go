package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// noisyJPEG returns a w x h photo-like JPEG that compresses badly (gradients plus noise in light
// and colour), the worst case for the ladder.
func noisyJPEG(tb testing.TB, w, h int, seed uint64, quality int) []byte {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	x := uint32(seed*2654435761) | 1
	rnd := func() uint8 { // xorshift
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return uint8(x)
	}
	for py := 0; py < h; py++ {
		for px := 0; px < w; px++ {
			img.Y[py*img.YStride+px] = uint8(px*120/w+py*60/h) + rnd()%90
		}
	}
	for i := range img.Cb {
		img.Cb[i] = 90 + rnd()%80
		img.Cr[i] = 90 + rnd()%80
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestLadderFitsVisa(t *testing.T) {
	p := fixturePacket(t, pdf.LangZh)
	p.Preset = "visa"
	p.Exhibits = p.Exhibits[:4]
	for i := 0; i < 6; i++ {
		p.Exhibits = append(p.Exhibits, pdf.Exhibit{FileName: fmt.Sprintf("IMG_%d.jpg", i), Caption: "noisy photo", MediaType: "image/jpeg", Original: noisyJPEG(t, 1600, 1200, uint64(i+1), 92)})
	}
	res := build(t, p)
	if res.Step == 0 {
		t.Errorf("Step = 0; the noisy photos should need the ladder")
	}
	if int64(res.Bytes) > res.Preset.TargetBytes {
		t.Errorf("Bytes = %d, over the Visa target %d", res.Bytes, res.Preset.TargetBytes)
	}
	checkPDF(t, res.PDF)
	est, err := pdf.EstimatePacket(p)
	if err != nil {
		t.Fatal(err)
	}
	if est.Pages < res.Pages-2 || est.Pages > res.Pages+2 {
		t.Errorf("EstimatePacket pages = %d, Build made %d", est.Pages, res.Pages)
	}
	if est.FullBytes < int64(res.Bytes) {
		t.Errorf("EstimatePacket full size %d is below the fitted size %d", est.FullBytes, res.Bytes)
	}
	if !est.FitsBytes {
		t.Errorf("EstimatePacket says it does not fit, but Build fitted it")
	}
}

// incompressiblePDF is a one-page PDF carrying n bytes of random data in an image, which no
// ladder step can shrink.
func incompressiblePDF(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	side := 1
	for side*side*3 < n {
		side++
	}
	data = append(data, make([]byte, side*side*3-n)...)
	return mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
		streamObj("", "q 300 0 0 300 0 0 cm /Im1 Do Q"),
		streamObj(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", side, side), string(data)))
}

func TestRefusesWhatCannotFit(t *testing.T) {
	p := fixturePacket(t, pdf.LangEn)
	p.Preset = "visa"
	p.Exhibits = append(p.Exhibits[:2], pdf.Exhibit{FileName: "huge-scan.pdf", Caption: "an enormous scan", MediaType: "application/pdf", Original: incompressiblePDF(2_500_000)})
	_, err := (&pdf.Renderer{Now: fixedNow}).Build(context.Background(), p)
	if posdesk.ErrorCode(err) != posdesk.EINVALID {
		t.Fatalf("Build = %v, want EINVALID", err)
	}
	if !strings.Contains(err.Error(), "E03-huge-sca.pdf") || strings.Contains(err.Error(), "E01") {
		t.Errorf("error %q should name E03-huge-sca.pdf and only it", err)
	}
}

func TestRefusesTooManyPages(t *testing.T) {
	p := fixturePacket(t, pdf.LangEn)
	p.Preset = "mastercard"
	var log strings.Builder
	for i := 0; i < 2500; i++ {
		fmt.Fprintf(&log, "2025-03-14 14:%02d:%02d heartbeat %d ok\n", i/60%60, i%60, i)
	}
	p.Exhibits = append(p.Exhibits[:1], pdf.Exhibit{FileName: "pos.log", Caption: "a long terminal log", MediaType: "text/plain", Original: []byte(log.String())})
	_, err := (&pdf.Renderer{Now: fixedNow}).Build(context.Background(), p)
	if posdesk.ErrorCode(err) != posdesk.EINVALID || !strings.Contains(err.Error(), "E02-pos.log") || !strings.Contains(err.Error(), "19") {
		t.Fatalf("Build = %v, want EINVALID naming E02-pos.log and the limit 19", err)
	}
}

func TestGrayscaleAndProgress(t *testing.T) {
	p := fixturePacket(t, pdf.LangZh)
	p.Exhibits = p.Exhibits[:4]
	colour := build(t, p)
	p.Grayscale = true
	var calls, last, total int
	r := &pdf.Renderer{Now: fixedNow, Workers: 1, Progress: func(done, n int) { calls++; last, total = done, n }}
	gray, err := r.Build(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if gray.Bytes >= colour.Bytes {
		t.Errorf("grayscale packet %d bytes, colour %d: want smaller", gray.Bytes, colour.Bytes)
	}
	if calls != 5 || last != total || total != 5 {
		t.Errorf("Progress called %d times, last %d of %d; want 5, ending 5 of 5", calls, last, total)
	}
	checkPDF(t, gray.PDF)
}

// scannedPDF is a one-page PDF holding a w x h JPEG scan, as banks' "download statement" pages
// often produce.
func scannedPDF(tb testing.TB, w, h int) []byte {
	jpg := noisyJPEG(tb, w, h, 42, 92)
	return mkPDF("", "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
		streamObj("", "q 595 0 0 842 0 0 cm /Im1 Do Q"),
		streamObj(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", w, h), string(jpg)))
}

// TestLadderShrinksScannedPDF: a scanned statement over the Visa limit is brought inside it by
// reducing the scan inside the PDF to the preset's DPI and re-encoding it; the page still
// renders.
func TestLadderShrinksScannedPDF(t *testing.T) {
	scan := scannedPDF(t, 2000, 2830)
	p := fixturePacket(t, pdf.LangEn)
	p.Preset = "visa"
	p.Exhibits = []pdf.Exhibit{{FileName: "scan.pdf", Caption: "scanned statement", MediaType: "application/pdf", Original: scan}}
	if len(scan) < 2_000_000 {
		t.Fatalf("fixture scan is only %d bytes; it should be over the Visa limit", len(scan))
	}
	res := build(t, p)
	if res.Bytes >= len(scan) || int64(res.Bytes) > res.Preset.TargetBytes || res.Exhibits[0].Pages != 1 {
		t.Errorf("step %d, %d bytes (target %d), exhibit %+v", res.Step, res.Bytes, res.Preset.TargetBytes, res.Exhibits[0])
	}
	checkPDF(t, res.PDF)
}
