package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"sync"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/pdf"
)

var (
	benchOnce   sync.Once
	benchPhotos [][]byte // 12-megapixel phone-like photos of 4 to 9 MB
)

// phonePhoto returns a 4000x3000 JPEG shaped like a phone photo of a slip: smooth areas, text-like
// edges and sensor noise of the given amplitude (which sets the file size).
func phonePhoto(tb testing.TB, seed uint32, noise int) []byte {
	tb.Helper()
	const w, h = 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	x := seed | 1
	rnd := func() int { // xorshift: fast enough for 12 million pixels
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return int(x % uint32(2*noise+1))
	}
	// Texture at a scale that survives the reduction to 200 DPI, in light and colour, as real
	// photos of slips, screens and shop counters have; plus sensor noise.
	const cell = 7
	cw := w/cell + 1
	texture := make([]int, cw*(h/cell+1))
	tint := make([]int, len(texture))
	for i := range texture {
		texture[i] = rnd()*4 - noise*4
		tint[i] = rnd() - noise
	}
	for py := 0; py < h; py++ {
		row := img.Y[py*img.YStride:]
		trow := texture[(py/cell)*cw:]
		for px := 0; px < w; px++ {
			v := 150 + (px*40)/w - (py*30)/h + trow[px/cell]
			if (px/24+py/40)%7 == 0 && py%40 < 28 { // "printed text"
				v = 40
			}
			v += rnd() - noise
			row[px] = uint8(min(255, max(0, v)))
		}
	}
	for cy := 0; cy < h/2; cy++ {
		for cx := 0; cx < w/2; cx++ {
			t := tint[(cy*2/cell)*cw+cx*2/cell]
			i := cy*img.CStride + cx
			img.Cb[i] = uint8(min(255, max(0, 128+t+rnd()/4-noise/4)))
			img.Cr[i] = uint8(min(255, max(0, 132-t+rnd()/4-noise/4)))
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func benchPacket(b *testing.B) pdf.Packet {
	benchOnce.Do(func() {
		for i, noise := range []int{3, 6, 9, 12} {
			benchPhotos = append(benchPhotos, phonePhoto(b, uint32(i+1)*2654435761, noise))
		}
	})
	p := fixturePacket(b, pdf.LangBoth)
	p.Preset = "stripe"
	p.Exhibits = nil
	for i := 0; i < 20; i++ {
		photo := benchPhotos[i%len(benchPhotos)]
		p.Exhibits = append(p.Exhibits, pdf.Exhibit{FileName: fmt.Sprintf("IMG_202503%02d.jpg", i+1),
			Caption: fmt.Sprintf("现场照片 %d Photo %d", i+1, i+1), Kind: pdf.ExhibitPhoto, MediaType: "image/jpeg", Original: photo})
	}
	return p
}

// BenchmarkPacket20Photos builds a bilingual packet of 20 exhibits, all 12-megapixel phone photos
// of 4 to 9 MB, for the Stripe preset (about 4.5 MB combined), with a fresh Renderer each time
// (nothing cached: every photo is decoded).
func BenchmarkPacket20Photos(b *testing.B) {
	p := benchPacket(b)
	var sizes []int
	for _, e := range p.Exhibits[:len(benchPhotos)] {
		sizes = append(sizes, len(e.Original))
	}
	b.Logf("photo sizes: %v bytes, 4000x3000", sizes)
	runBench(b, p, func() *pdf.Renderer { return &pdf.Renderer{Now: fixedNow} })
}

// BenchmarkPacket20PhotosLadder is the same packet for a 1 MB destination, so the ladder has to
// step down (the synthetic photos fit Stripe and Visa at full quality).
func BenchmarkPacket20PhotosLadder(b *testing.B) {
	p := benchPacket(b)
	pdf.Presets = append(pdf.Presets, pdf.Preset{Name: "bench-1mb", Title: "1 MB", MaxBytes: 1_000_000, TargetBytes: 1_000_000, DPI: 200})
	defer func() { pdf.Presets = pdf.Presets[:len(pdf.Presets)-1] }()
	p.Preset = "bench-1mb"
	runBench(b, p, func() *pdf.Renderer { return &pdf.Renderer{Now: fixedNow} })
}

// BenchmarkPacket20PhotosRebuild is the GUI's case: the same Renderer builds the packet again
// after a change of order or language, with the decoded photos cached.
func BenchmarkPacket20PhotosRebuild(b *testing.B) {
	p := benchPacket(b)
	r := &pdf.Renderer{Now: fixedNow}
	if _, err := r.Build(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	runBench(b, p, func() *pdf.Renderer { return r })
}

// BenchmarkPacket20PhotosDerived gives each photo an upright copy already reduced to 2560x1920
// (what the attach package can store as a derived copy at intake), the original still hashed.
func BenchmarkPacket20PhotosDerived(b *testing.B) {
	p := benchPacket(b)
	derived := map[int][]byte{}
	for i := range p.Exhibits {
		k := i % len(benchPhotos)
		if derived[k] == nil {
			img, err := jpeg.Decode(bytes.NewReader(p.Exhibits[i].Original))
			if err != nil {
				b.Fatal(err)
			}
			derived[k] = halfJPEG(b, img.(*image.YCbCr), 2560, 1920)
		}
		p.Exhibits[i].Upright = derived[k]
	}
	runBench(b, p, func() *pdf.Renderer { return &pdf.Renderer{Now: fixedNow} })
}

// halfJPEG returns img reduced (nearest sample) to w x h as a quality-85 JPEG.
func halfJPEG(tb testing.TB, img *image.YCbCr, w, h int) []byte {
	out := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := x*sw/w, y*sh/h
			out.Y[y*out.YStride+x] = img.Y[img.YOffset(sx, sy)]
			if x%2 == 0 && y%2 == 0 {
				ci := out.COffset(x, y)
				out.Cb[ci] = img.Cb[img.COffset(sx, sy)]
				out.Cr[ci] = img.Cr[img.COffset(sx, sy)]
			}
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, out, &jpeg.Options{Quality: 85}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func runBench(b *testing.B, p pdf.Packet, renderer func() *pdf.Renderer) {
	b.ResetTimer()
	var res *pdf.Result
	cpu0 := cpuSeconds()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var err error
		res, err = renderer().Build(context.Background(), p)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/packet")
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/packet")
	b.ReportMetric(float64(res.Bytes), "bytes")
	b.ReportMetric(float64(res.Pages), "pages")
	b.ReportMetric(float64(res.Step), "ladder-step")
	if int64(res.Bytes) > res.Preset.TargetBytes {
		b.Errorf("packet of %d bytes is over the %s target %d", res.Bytes, res.Preset.Title, res.Preset.TargetBytes)
	}
}
