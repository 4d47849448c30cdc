package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // GIF exhibits
	"image/jpeg"
	_ "image/png" // PNG exhibits
	"math"
	"sync"
)

// maxImagePixels refuses images whose header claims more pixels than a phone or scanner makes,
// before any pixel is decoded (a 34-byte GIF header can claim gigapixels).
const maxImagePixels = 80_000_000

// ladder is the sequence of (size, quality) steps tried until a packet fits its preset. Scale is
// relative to the preset's DPI at full-page size.
var ladder = []struct {
	scale   float64
	quality int
}{
	{1.00, 80}, {1.00, 70}, {0.85, 65}, {0.72, 60}, {0.60, 55}, {0.50, 50}, {0.42, 45}, {0.35, 40},
}

// qualityFactor is a rough relative JPEG size per quality, used to predict the step that fits.
var qualityFactor = map[int]float64{80: 1.0, 70: 0.78, 65: 0.70, 60: 0.63, 55: 0.58, 50: 0.53, 45: 0.49, 40: 0.45}

// picture is a decoded exhibit image, reduced once to the largest size any ladder step uses.
// Its encodings are kept per ladder step, so a rebuild encodes nothing again.
type picture struct {
	img  image.Image // *image.YCbCr (4:2:0) or *image.Gray at step-0 size
	srcW int         // original pixel size, for the caption
	srcH int
	// asIs is the source file when it is a JPEG a PDF can hold unchanged (RGB or gray, no larger
	// than step 0): used whenever it is smaller than the re-encoding, to avoid a second loss.
	asIs []byte

	mu    sync.Mutex
	steps map[int]encoding
}

type encoding struct {
	jpg  []byte
	w, h int
}

// encoded returns the picture encoded at ladder step, encoding it on first use.
func (p *picture) encoded(step int) ([]byte, int, int, error) {
	p.mu.Lock()
	e, ok := p.steps[step]
	p.mu.Unlock()
	if ok {
		return e.jpg, e.w, e.h, nil
	}
	st := ladder[step]
	jpg, w, h, err := p.encodeStep(st.scale, st.quality)
	if err != nil {
		return nil, 0, 0, err
	}
	if p.asIs != nil && len(p.asIs) <= len(jpg) {
		jpg, w, h = p.asIs, p.srcW, p.srcH
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.steps == nil {
		p.steps = map[int]encoding{}
	}
	p.steps[step] = encoding{jpg, w, h}
	return jpg, w, h, nil
}

// decodePicture decodes data (JPEG, PNG or GIF; CMYK JPEGs included) and reduces it to fit
// boxW x boxH pixels, in grayscale when gray is set. It never upscales.
func decodePicture(data []byte, boxW, boxH int, gray bool) (*picture, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, fmt.Errorf("image of %dx%d pixels is out of range", cfg.Width, cfg.Height)
	}
	src, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := fitPixels(sw, sh, boxW, boxH)
	if m := src.ColorModel(); m == color.GrayModel || m == color.Gray16Model {
		gray = true // a gray source encodes as one channel: smaller, same look
	}
	pic := &picture{img: reduce(src, dw, dh, gray), srcW: sw, srcH: sh}
	if format == "jpeg" && dw == sw && dh == sh {
		switch src.(type) {
		case *image.Gray:
			pic.asIs = data
		case *image.YCbCr:
			if !gray {
				pic.asIs = data
			}
		}
	}
	return pic, nil
}

// fitPixels returns the size of a sw x sh image fitted inside bw x bh, never larger than the
// source and never below 1 pixel.
func fitPixels(sw, sh, bw, bh int) (int, int) {
	s := math.Min(float64(bw)/float64(sw), float64(bh)/float64(sh))
	if s >= 1 {
		return sw, sh
	}
	return max(1, int(math.Round(float64(sw)*s))), max(1, int(math.Round(float64(sh)*s)))
}

// reduce converts src to a *image.Gray or 4:2:0 *image.YCbCr of dw x dh pixels, averaging areas
// when it shrinks. YCbCr sources are reduced plane by plane without converting to RGB.
func reduce(src image.Image, dw, dh int, gray bool) image.Image {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	switch s := src.(type) {
	case *image.YCbCr:
		y := resample(s.Y[s.YOffset(b.Min.X, b.Min.Y):], sw, sh, s.YStride, 1, dw, dh)
		if gray {
			return &image.Gray{Pix: y, Stride: dw, Rect: image.Rect(0, 0, dw, dh)}
		}
		cw, ch := chromaSize(s.SubsampleRatio, sw, sh)
		off := s.COffset(b.Min.X, b.Min.Y)
		dcw, dch := (dw+1)/2, (dh+1)/2
		cb := resample(s.Cb[off:], cw, ch, s.CStride, 1, dcw, dch)
		cr := resample(s.Cr[off:], cw, ch, s.CStride, 1, dcw, dch)
		return &image.YCbCr{Y: y, Cb: cb, Cr: cr, YStride: dw, CStride: dcw,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, dw, dh)}
	case *image.Gray:
		y := resample(s.Pix[s.PixOffset(b.Min.X, b.Min.Y):], sw, sh, s.Stride, 1, dw, dh)
		return &image.Gray{Pix: y, Stride: dw, Rect: image.Rect(0, 0, dw, dh)}
	}
	rgba := toRGBA(src)
	small := resample(rgba, sw, sh, sw*4, 4, dw, dh)
	if gray {
		g := make([]byte, dw*dh)
		for i := range g {
			p := small[i*4 : i*4+3 : i*4+3]
			g[i] = uint8((19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16)
		}
		return &image.Gray{Pix: g, Stride: dw, Rect: image.Rect(0, 0, dw, dh)}
	}
	return rgbaTo420(small, dw, dh)
}

// chromaSize returns the chroma plane size of a YCbCr image.
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// toRGBA returns src's pixels as packed, opaque RGBA (transparent areas become white).
func toRGBA(src image.Image) []byte {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]byte, w*h*4)
	switch s := src.(type) {
	case *image.CMYK:
		for y := 0; y < h; y++ {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				c, m, yy, k := uint32(row[x*4]), uint32(row[x*4+1]), uint32(row[x*4+2]), uint32(row[x*4+3])
				o := out[(y*w+x)*4:]
				o[0] = uint8((255 - c) * (255 - k) / 255)
				o[1] = uint8((255 - m) * (255 - k) / 255)
				o[2] = uint8((255 - yy) * (255 - k) / 255)
				o[3] = 255
			}
		}
		return out
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				a := uint32(row[x*4+3])
				o := out[(y*w+x)*4:]
				for c := 0; c < 3; c++ {
					o[c] = uint8((uint32(row[x*4+c])*a + 255*(255-a)) / 255)
				}
				o[3] = 255
			}
		}
		return out
	}
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := src.At(x, y).RGBA() // premultiplied, 16-bit
			white := 0xffff - a
			out[i] = uint8((r + white) >> 8)
			out[i+1] = uint8((g + white) >> 8)
			out[i+2] = uint8((bl + white) >> 8)
			out[i+3] = 255
			i += 4
		}
	}
	return out
}

// rgbaTo420 converts packed RGBA to a 4:2:0 YCbCr image (chroma averaged over 2x2 blocks).
func rgbaTo420(p []byte, w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := (y*w + x) * 4
			yy, _, _ := rgbToYCbCr(p[i], p[i+1], p[i+2])
			img.Y[y*img.YStride+x] = yy
		}
	}
	for cy := 0; cy < (h+1)/2; cy++ {
		for cx := 0; cx < (w+1)/2; cx++ {
			var r, g, b, n int
			for dy := 0; dy < 2; dy++ {
				for dx := 0; dx < 2; dx++ {
					x, y := cx*2+dx, cy*2+dy
					if x < w && y < h {
						i := (y*w + x) * 4
						r += int(p[i])
						g += int(p[i+1])
						b += int(p[i+2])
						n++
					}
				}
			}
			_, cb, cr := rgbToYCbCr(uint8(r/n), uint8(g/n), uint8(b/n))
			img.Cb[cy*img.CStride+cx] = cb
			img.Cr[cy*img.CStride+cx] = cr
		}
	}
	return img
}

func rgbToYCbCr(r, g, b uint8) (uint8, uint8, uint8) { return color.RGBToYCbCr(r, g, b) }

// resample shrinks (or copies) a w x h raster of ps bytes per pixel, rows stride bytes apart,
// to dw x dh by area averaging: each output pixel is the mean of the source area it covers.
// It is separable: rows first, then columns.
func resample(src []byte, w, h, stride, ps, dw, dh int) []byte {
	if dw == w && dh == h {
		out := make([]byte, w*h*ps)
		for y := 0; y < h; y++ {
			copy(out[y*w*ps:(y+1)*w*ps], src[y*stride:y*stride+w*ps])
		}
		return out
	}
	xw := weights(w, dw)
	yw := weights(h, dh)
	// Horizontal pass: h rows of dw pixels, as value<<8 (weights sum to 1<<16, sums fit uint32).
	tmp := make([]uint32, h*dw*ps)
	for y := 0; y < h; y++ {
		row := src[y*stride : y*stride+w*ps]
		out := tmp[y*dw*ps : (y+1)*dw*ps]
		if ps == 1 {
			for x, wt := range xw {
				px := row[wt.start : wt.start+len(wt.f)]
				var sum uint32
				for k, f := range wt.f {
					sum += uint32(px[k]) * f
				}
				out[x] = sum >> 8
			}
			continue
		}
		for x, wt := range xw {
			for c := 0; c < ps; c++ {
				var sum uint32
				for k, f := range wt.f {
					sum += uint32(row[(wt.start+k)*ps+c]) * f
				}
				out[x*ps+c] = sum >> 8
			}
		}
	}
	// Vertical pass, row by row so memory is read in order.
	dst := make([]byte, dw*dh*ps)
	acc := make([]uint64, dw*ps)
	for y, wt := range yw {
		clear(acc)
		for k, f := range wt.f {
			src := tmp[(wt.start+k)*dw*ps : (wt.start+k+1)*dw*ps]
			f64 := uint64(f)
			for i, v := range src {
				acc[i] += uint64(v) * f64
			}
		}
		out := dst[y*dw*ps : (y+1)*dw*ps]
		for i, v := range acc {
			out[i] = uint8(min(255, (v+1<<23)>>24))
		}
	}
	return dst
}

// span is the run of source pixels one output pixel covers, with 16-bit fixed-point weights that
// sum to 1<<16.
type span struct {
	start int
	f     []uint32
}

// weights returns, for each of dn output pixels, the source pixels (of n) it covers and how much.
func weights(n, dn int) []span {
	out := make([]span, dn)
	scale := float64(n) / float64(dn)
	for i := range out {
		a, b := float64(i)*scale, float64(i+1)*scale
		start := int(a)
		end := min(n, int(math.Ceil(b)))
		if end <= start {
			end = start + 1
		}
		fs := make([]float64, end-start)
		total := 0.0
		for k := range fs {
			lo := math.Max(a, float64(start+k))
			hi := math.Min(b, float64(start+k+1))
			fs[k] = math.Max(0, hi-lo)
			total += fs[k]
		}
		f := make([]uint32, len(fs))
		var acc uint32
		for k := range fs {
			f[k] = uint32(fs[k] / total * 65536)
			acc += f[k]
		}
		// Give the rounding remainder to the largest weight so the sum is exactly 1<<16.
		big := 0
		for k := range f {
			if f[k] > f[big] {
				big = k
			}
		}
		f[big] += 65536 - acc
		out[i] = span{start: start, f: f}
	}
	return out
}

// encodeStep encodes the picture at a ladder step: scaled by scale from its step-0 size,
// JPEG quality q. It returns the JPEG and its pixel size.
func (p *picture) encodeStep(scale float64, q int) ([]byte, int, int, error) {
	img := p.img
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if scale < 1 {
		dw, dh := max(1, int(math.Round(float64(w)*scale))), max(1, int(math.Round(float64(h)*scale)))
		_, gray := img.(*image.Gray)
		img = reduce(img, dw, dh, gray)
		w, h = dw, dh
	}
	var buf bytes.Buffer
	buf.Grow(w * h / 4)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, 0, 0, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), w, h, nil
}
