package pdf

import (
	"bytes"
	"image"
	"math"
	"time"
)

// Estimate is a quick forecast of a packet for a live page/size meter: no photo is decoded and
// nothing is drawn. Build's figures are the real ones. Pages are usually within one; bytes lean
// high (within a third on the test packets, up to four times for grainy photos whose noise the
// reduction removes), so a meter that says "fits" can be trusted.
type Estimate struct {
	Pages      int    // forecast page count
	Bytes      int64  // forecast size after the ladder (at step 0 when that fits)
	FullBytes  int64  // forecast size with photos at full size and quality
	Preset     Preset // the packet's preset
	FitsPages  bool   // Pages is within the preset's page limit
	FitsBytes  bool   // the ladder is expected to bring the packet inside the preset
	Unreadable int    // attachments that will be listed as unreadable
}

// Forecast constants, measured on the test packets (photos and screenshots at 200 DPI).
const (
	fixedBytes        = 70_000 // font subset, text pages, structure
	photoBytesPerPx   = 0.30   // JPEG q80 of a busy colour photo: the most a photo costs
	grayBytesPerPx    = 0.16   // the same in grayscale
	screenBytesPerPx  = 0.06   // JPEG q80 of a PNG or GIF screenshot
	frontLinesPerPage = 52
)

// imageForecast guesses the bytes of one picture at ladder step 0: a JPEG source's own density
// says how busy it is (a reduced copy keeps less of it: size falls faster than pixel count);
// screenshots are cheap; nothing costs more than a busy photo at that size.
func imageForecast(format string, size, srcPx, px int, gray bool) float64 {
	ceiling := photoBytesPerPx
	if gray {
		ceiling = grayBytesPerPx
	}
	if format != "jpeg" {
		return math.Min(float64(px)*screenBytesPerPx, float64(px)*ceiling)
	}
	ratio := float64(px) / float64(max(srcPx, 1))
	return math.Min(float64(size)*math.Pow(ratio, 1.3), float64(px)*ceiling)
}

// EstimatePacket forecasts pages and bytes of p within its preset.
func EstimatePacket(p Packet) (Estimate, error) {
	preset, err := FindPreset(p.Preset)
	if err != nil {
		return Estimate{}, err
	}
	est := Estimate{Preset: preset}
	// Front matter: the letter, the facts, the timeline and the index, by line count.
	langs := len(p.Lang.langs())
	lines := 34*langs + 2*len(p.Exhibits)
	lines += (10 + len(p.Facts)) * 2 * langs
	lines += ((len(p.Transactions) + 2) / 3) * 12 * 2 * langs
	lines += len(p.StatusHistory)*2 + (len(p.Timeline)+len(p.Transactions))*3
	lines += len(p.Exhibits) * 4
	est.Pages = 1 + (lines+frontLinesPerPage-1)/frontLinesPerPage
	boxW := exhibitBoxW / 25.4 * float64(preset.DPI)
	boxH := exhibitBoxH / 25.4 * float64(preset.DPI)
	var photo, other float64
	for i := range p.Exhibits {
		e := &p.Exhibits[i]
		switch kindOf(e) {
		case ExhibitPDF:
			doc, err := readPDFBounded(e.Original, pdfTimeoutDefault, 0)
			if err != nil {
				est.Unreadable++
				continue
			}
			est.Pages += len(doc.pages)
			other += float64(doc.size)
		case ExhibitText:
			ls, _ := logLines(e.Original, monoCols)
			room := exhibitBoxH + 12.0
			perPage := int(room / monoLineH)
			est.Pages += max(1, (len(ls)+perPage-1)/perPage)
			other += float64(len(e.Original))/3 + 300
		default:
			data := e.Upright
			if len(data) == 0 {
				data = e.Original
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				est.Unreadable++
				continue
			}
			est.Pages++
			w, h := fitPixels(cfg.Width, cfg.Height, int(boxW), int(boxH))
			photo += imageForecast(format, len(data), cfg.Width*cfg.Height, w*h, p.Grayscale)
		}
	}
	fixed := fixedBytes + other
	est.FullBytes = int64(fixed + photo)
	est.Bytes = est.FullBytes
	est.FitsBytes = est.Bytes <= preset.TargetBytes
	if !est.FitsBytes && photo > 0 {
		avail := float64(preset.TargetBytes) - fixed
		if s := nextStep(0, photo, avail); s >= 0 {
			c := ladder[s]
			scaled := photo * c.scale * c.scale * qualityFactor[c.quality] / qualityFactor[ladder[0].quality]
			est.Bytes = int64(fixed + scaled)
			est.FitsBytes = float64(est.Bytes) <= float64(preset.TargetBytes)
		}
	}
	est.FitsPages = preset.MaxPages == 0 || est.Pages <= preset.MaxPages
	est.Bytes = int64(math.Max(float64(est.Bytes), fixedBytes))
	return est, nil
}

const pdfTimeoutDefault = 10 * time.Second
