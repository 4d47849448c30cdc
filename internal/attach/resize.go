package attach

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// ThumbnailSide is the longest side of a thumbnail, in pixels.
const ThumbnailSide = 256

// Resize returns img scaled down, keeping its aspect ratio, so that its longest side is at most
// maxSide pixels. It uses the Catmull-Rom filter (sharp, little ringing on photos and text) and
// needs memory for the result plus a few rows, whatever the size of img. An image that already fits, or maxSide <= 0, is returned unchanged: Resize never
// enlarges. The result of a resize is an *image.Gray for grey images and an *image.RGBA
// (premultiplied alpha) otherwise, with bounds starting at (0, 0).
func Resize(img image.Image, maxSide int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if maxSide <= 0 || (w <= maxSide && h <= maxSide) {
		return img
	}
	tw, th := fitSide(w, h, maxSide)
	return scaleTo(img, tw, th)
}

// Thumbnail returns a small copy of img, longest side at most ThumbnailSide pixels, encoded as
// JPEG (quality 80) when img is opaque and PNG when it has transparency, with its media type
// (posdesk.MediaJPEG or MediaPNG). img is used as it is: pass an upright image.
func Thumbnail(img image.Image) (data []byte, mediaType string, err error) {
	t := Resize(img, ThumbnailSide)
	var buf bytes.Buffer
	if isOpaque(t) {
		if err := jpeg.Encode(&buf, t, &jpeg.Options{Quality: 80}); err != nil {
			return nil, "", fmt.Errorf("encode thumbnail: %w", err)
		}
		return buf.Bytes(), posdesk.MediaJPEG, nil
	}
	if err := png.Encode(&buf, t); err != nil {
		return nil, "", fmt.Errorf("encode thumbnail: %w", err)
	}
	return buf.Bytes(), posdesk.MediaPNG, nil
}

// fitSide returns w x h scaled so that the longer side is maxSide, each side at least 1.
func fitSide(w, h, maxSide int) (int, int) {
	if w >= h {
		return maxSide, max(1, int(math.Round(float64(h)*float64(maxSide)/float64(w))))
	}
	return max(1, int(math.Round(float64(w)*float64(maxSide)/float64(h)))), maxSide
}

// fitPixels returns w x h scaled down (never up) so that it has at most maxPixels pixels and
// no side over maxSide.
func fitPixels(w, h int, maxPixels int64, maxSide int) (int, int) {
	s := 1.0
	if px := int64(w) * int64(h); px > maxPixels {
		s = math.Sqrt(float64(maxPixels) / float64(px))
	}
	if long := float64(max(w, h)) * s; long > float64(maxSide) {
		s *= float64(maxSide) / long
	}
	if s >= 1 {
		return w, h
	}
	return max(1, int(float64(w)*s)), max(1, int(float64(h)*s))
}

// scaleTo resamples img to exactly w x h with the Catmull-Rom filter (widened when shrinking, so
// every source pixel counts), two passes, streaming: the horizontal pass keeps only the few rows
// the vertical pass needs at a time, so memory is the result plus a few rows. (The Kernel.Scale
// of golang.org/x/image/draw keeps a whole float64 intermediate image instead: 700 MB to bring a
// 40-megapixel photo to 12.) Colour is resampled with premultiplied alpha.
func scaleTo(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	xs, ys := newAxis(sw, w), newAxis(sh, h)
	ringN := ys.maxTaps + 1
	ring := make([][]float32, ringN) // horizontally resampled source rows, by row % ringN
	for i := range ring {
		ring[i] = make([]float32, 4*w)
	}
	src := make([]uint8, 4*sw)
	next := 0 // next source row to resample horizontally
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	acc := make([]float32, 4*w)
	for dy := 0; dy < h; dy++ {
		first, weights := ys.start[dy], ys.weights[dy]
		for ; next < first+len(weights); next++ {
			readRow(img, b.Min.Y+next, src)
			row := ring[next%ringN]
			for dx := 0; dx < w; dx++ {
				var r, g, bl, a float32
				for k, wt := range xs.weights[dx] {
					p := src[4*(xs.start[dx]+k):]
					r += wt * float32(p[0])
					g += wt * float32(p[1])
					bl += wt * float32(p[2])
					a += wt * float32(p[3])
				}
				row[4*dx], row[4*dx+1], row[4*dx+2], row[4*dx+3] = r, g, bl, a
			}
		}
		clear(acc)
		for k, wt := range weights {
			row := ring[(first+k)%ringN]
			for i, v := range row {
				acc[i] += wt * v
			}
		}
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*w]
		for i := 0; i < len(out); i += 4 {
			a := clamp8(acc[i+3])
			out[i], out[i+1], out[i+2], out[i+3] = min(clamp8(acc[i]), a), min(clamp8(acc[i+1]), a), min(clamp8(acc[i+2]), a), a
		}
	}
	if isGray(img) {
		return rgbaToGray(dst)
	}
	return dst
}

// axis holds, for each destination pixel along one axis, the first source pixel it draws from
// and the normalised filter weights of the source pixels from there on.
type axis struct {
	start   []int
	weights [][]float32
	maxTaps int
}

// catmullRom is the Catmull-Rom cubic (B=0, C=1/2), support 2.
func catmullRom(t float64) float64 {
	t = math.Abs(t)
	switch {
	case t < 1:
		return (1.5*t-2.5)*t*t + 1
	case t < 2:
		return ((-0.5*t+2.5)*t-4)*t + 2
	}
	return 0
}

// newAxis computes the filter taps to resample n source pixels into m.
func newAxis(n, m int) axis {
	scale := float64(n) / float64(m)
	fscale := max(scale, 1) // widen the filter when shrinking
	support := 2 * fscale
	ax := axis{start: make([]int, m), weights: make([][]float32, m)}
	for d := 0; d < m; d++ {
		center := (float64(d) + 0.5) * scale
		lo := max(0, int(math.Floor(center-support)))
		hi := min(n-1, int(math.Ceil(center+support)))
		ws := make([]float32, 0, hi-lo+1)
		var sum float64
		for s := lo; s <= hi; s++ {
			w := catmullRom((float64(s) + 0.5 - center) / fscale)
			ws = append(ws, float32(w))
			sum += w
		}
		if sum == 0 { // cannot happen with this kernel; keep the nearest pixel to be safe
			ws = ws[:1]
			ws[0], lo, sum = 1, min(n-1, int(center)), 1
		}
		for i := range ws {
			ws[i] = float32(float64(ws[i]) / sum)
		}
		// Drop zero taps at both ends so rows are not read for nothing.
		for len(ws) > 1 && ws[0] == 0 {
			ws, lo = ws[1:], lo+1
		}
		for len(ws) > 1 && ws[len(ws)-1] == 0 {
			ws = ws[:len(ws)-1]
		}
		ax.start[d], ax.weights[d] = lo, ws
		ax.maxTaps = max(ax.maxTaps, len(ws))
	}
	return ax
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// readRow writes row y of img as premultiplied 8-bit RGBA into buf (4 bytes per pixel).
func readRow(img image.Image, y int, buf []uint8) {
	b := img.Bounds()
	w := b.Dx()
	switch m := img.(type) {
	case *image.RGBA:
		copy(buf, m.Pix[(y-b.Min.Y)*m.Stride:])
	case *image.NRGBA:
		p := m.Pix[(y-b.Min.Y)*m.Stride:]
		for x := 0; x < w; x++ {
			a := uint16(p[4*x+3])
			buf[4*x] = uint8((uint16(p[4*x])*a + 127) / 255)
			buf[4*x+1] = uint8((uint16(p[4*x+1])*a + 127) / 255)
			buf[4*x+2] = uint8((uint16(p[4*x+2])*a + 127) / 255)
			buf[4*x+3] = uint8(a)
		}
	case *image.Gray:
		p := m.Pix[(y-b.Min.Y)*m.Stride:]
		for x := 0; x < w; x++ {
			v := p[x]
			buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = v, v, v, 0xFF
		}
	case *image.YCbCr:
		for x := 0; x < w; x++ {
			yi, ci := m.YOffset(b.Min.X+x, y), m.COffset(b.Min.X+x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = r, g, bl, 0xFF
		}
	default:
		for x := 0; x < w; x++ {
			r, g, bl, a := img.At(b.Min.X+x, y).RGBA()
			buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), uint8(a>>8)
		}
	}
}

// isGray reports whether img holds grey levels only.
func isGray(img image.Image) bool {
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		return true
	}
	return false
}

// isOpaque reports whether every pixel of img is fully opaque.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xFFFF {
				return false
			}
		}
	}
	return true
}

// rgbaToGray returns the red channel of an RGBA image holding grey levels.
func rgbaToGray(m *image.RGBA) *image.Gray {
	g := image.NewGray(m.Rect)
	for y := 0; y < m.Rect.Dy(); y++ {
		src := m.Pix[y*m.Stride:]
		dst := g.Pix[y*g.Stride:]
		for x := 0; x < m.Rect.Dx(); x++ {
			dst[x] = src[4*x]
		}
	}
	return g
}

// flatten returns img drawn over white, opaque, for formats without transparency.
func flatten(img image.Image) image.Image {
	if isOpaque(img) {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

// to8Bit converts, in place where it can, the image kinds that encoders and resamplers handle
// slowly or not at all into 8-bit ones: CMYK becomes RGBA, 16-bit grey, RGBA and NRGBA become
// their 8-bit forms. The decoded buffer is reused (the 8-bit pixels fit in it), so the
// conversion costs no memory. Other images are returned unchanged.
func to8Bit(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.CMYK:
		pix := m.Pix
		for y := 0; y < m.Rect.Dy(); y++ {
			row := pix[y*m.Stride : y*m.Stride+4*m.Rect.Dx()]
			for i := 0; i < len(row); i += 4 {
				r, g, b := color.CMYKToRGB(row[i], row[i+1], row[i+2], row[i+3])
				row[i], row[i+1], row[i+2], row[i+3] = r, g, b, 0xFF
			}
		}
		return &image.RGBA{Pix: pix, Stride: m.Stride, Rect: m.Rect}
	case *image.Gray16:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		pix := m.Pix
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				pix[y*w+x] = pix[y*m.Stride+2*x] // high byte
			}
		}
		return &image.Gray{Pix: pix[:w*h], Stride: w, Rect: m.Rect}
	case *image.RGBA64:
		return &image.RGBA{Pix: narrow(m.Pix, m.Stride, m.Rect), Stride: 4 * m.Rect.Dx(), Rect: m.Rect}
	case *image.NRGBA64:
		return &image.NRGBA{Pix: narrow(m.Pix, m.Stride, m.Rect), Stride: 4 * m.Rect.Dx(), Rect: m.Rect}
	}
	return img
}

// narrow keeps the high byte of each 16-bit sample of a 4-sample-per-pixel image, in place,
// and returns the 8-bit rows packed at the start of pix.
func narrow(pix []byte, stride int, r image.Rectangle) []byte {
	w, h := r.Dx(), r.Dy()
	for y := 0; y < h; y++ {
		for i := 0; i < 4*w; i++ {
			pix[y*4*w+i] = pix[y*stride+2*i]
		}
	}
	return pix[:4*w*h]
}

// orient returns img turned upright for EXIF orientation o (see Orientation). Orientation 1 (or
// any value outside 2 to 8) returns img unchanged. The copy has bounds starting at (0, 0) and
// is an *image.Gray for grey images, an *image.NRGBA for NRGBA ones and an *image.RGBA
// otherwise. Pixels are moved exactly; nothing is resampled.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	uw, uh := w, h
	if o >= 5 {
		uw, uh = h, w
	}
	// src returns the stored pixel (relative to b.Min) shown at upright position (x, y).
	src := func(x, y int) (int, int) {
		switch o {
		case 2:
			return w - 1 - x, y
		case 3:
			return w - 1 - x, h - 1 - y
		case 4:
			return x, h - 1 - y
		case 5:
			return y, x
		case 6:
			return y, h - 1 - x
		case 7:
			return w - 1 - y, h - 1 - x
		}
		return w - 1 - y, x // 8
	}
	switch m := img.(type) {
	case *image.Gray:
		dst := image.NewGray(image.Rect(0, 0, uw, uh))
		for y := 0; y < uh; y++ {
			for x := 0; x < uw; x++ {
				sx, sy := src(x, y)
				dst.Pix[y*dst.Stride+x] = m.Pix[sy*m.Stride+sx]
			}
		}
		return dst
	case *image.RGBA:
		dst := image.NewRGBA(image.Rect(0, 0, uw, uh))
		copy4(dst.Pix, dst.Stride, m.Pix, m.Stride, uw, uh, src)
		return dst
	case *image.NRGBA:
		dst := image.NewNRGBA(image.Rect(0, 0, uw, uh))
		copy4(dst.Pix, dst.Stride, m.Pix, m.Stride, uw, uh, src)
		return dst
	case *image.YCbCr:
		dst := image.NewRGBA(image.Rect(0, 0, uw, uh))
		for y := 0; y < uh; y++ {
			for x := 0; x < uw; x++ {
				sx, sy := src(x, y)
				c := m.YCbCrAt(b.Min.X+sx, b.Min.Y+sy)
				r, g, bl := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
				i := y*dst.Stride + 4*x
				dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = r, g, bl, 0xFF
			}
		}
		return dst
	}
	// Anything else: convert to RGBA first, then move the pixels.
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	return orient(rgba, o)
}

// copy4 moves 4-byte pixels from src to an uw x uh dst following the mapping at.
func copy4(dst []byte, dstStride int, src []byte, srcStride, uw, uh int, at func(x, y int) (int, int)) {
	for y := 0; y < uh; y++ {
		for x := 0; x < uw; x++ {
			sx, sy := at(x, y)
			copy(dst[y*dstStride+4*x:y*dstStride+4*x+4], src[sy*srcStride+4*sx:])
		}
	}
}
