package attach

import (
	"encoding/binary"
	"errors"
)

// These checks run on the raw bytes of an image after image.DecodeConfig has read its size and
// before anything is decoded. Decoders allocate the whole picture as soon as they have read the
// header, so a header that claims a size its data cannot fill (a decompression bomb, or a file
// cut short) is refused here, where it costs nothing.

// maxDecodeBytes caps the memory a decoder may need for one image, as estimated from its header.
// Only a progressive JPEG near the pixel limit with full-resolution colour comes close: the Go
// decoder keeps 256 bytes of coefficients for every 8x8 block.
const maxDecodeBytes = 512 << 20

// errTooLittleData says the file holds less compressed data than its declared size needs.
var errTooLittleData = errors.New("too little data for the declared size")

// errStructure says the file's block structure is broken (a length running past the end).
var errStructure = errors.New("broken block structure")

// pngMaxRatio is deflate's largest expansion: a 258-byte match coded in 2 bits gives 1032:1.
const pngMaxRatio = 1032

// checkPNG walks the chunks of a PNG and checks that its IDAT data could hold the number of
// pixels declared in IHDR. It returns the bytes a decoder will allocate.
func checkPNG(data []byte, w, h int) (decodeBytes int64, err error) {
	if len(data) < 33 {
		return 0, errStructure
	}
	ihdr := data[16:29]
	depth, colorType := int64(ihdr[8]), ihdr[9]
	channels := map[byte]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colorType]
	if channels == 0 {
		return 0, errStructure
	}
	var idat int64
	p := 8
	for p+8 <= len(data) {
		n := int64(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		if n > int64(len(data)-p-12) {
			if typ == "IDAT" {
				idat += int64(len(data) - p - 8) // cut short: count what is there
			}
			break
		}
		if typ == "IDAT" {
			idat += n
		}
		p += 12 + int(n)
		if typ == "IEND" {
			break
		}
	}
	rowBytes := 1 + (int64(w)*depth*channels+7)/8
	raw := int64(h) * rowBytes
	if idat*pngMaxRatio+1024 < raw {
		return 0, errTooLittleData
	}
	// What image/png allocates: 1 byte per pixel for grey and palette, 2 for 16-bit grey,
	// 4 for 8-bit colour and 8 for 16-bit colour, plus two rows of filter state.
	perPixel := int64(4)
	switch {
	case (colorType == 0 || colorType == 3) && depth <= 8:
		perPixel = 1
	case colorType == 0:
		perPixel = 2
	case depth == 16:
		perPixel = 8
	}
	return int64(w)*int64(h)*perPixel + 2*rowBytes, nil
}

// gifMaxRatio bounds LZW expansion. The i-th code after a clear expands to at most i+1 bytes
// and is at least log2(i) bits wide; codes are at most 12 bits and strings at most 4096 bytes
// long. Bytes per bit therefore never exceed 4096/12, and 8 bits of data give at most
// 8*4096/12 (about 2731) pixels.
const gifMaxRatio = 8*4096/12 + 1

// checkGIF walks the blocks of a GIF: every frame must lie inside the logical screen (width x
// height, already checked against the pixel limit) and the first frame, the one that is decoded,
// must have enough LZW data for its size. It returns the bytes the decoder allocates.
func checkGIF(data []byte, w, h int) (decodeBytes int64, err error) {
	if len(data) < 13 {
		return 0, errStructure
	}
	p := 13
	if flags := data[10]; flags&0x80 != 0 {
		p += 3 << (flags&7 + 1)
	}
	frames := 0
	var first int64 // pixels of the first frame
	for p < len(data) {
		switch data[p] {
		case 0x3B: // trailer
			return finishGIF(frames, first)
		case 0x21: // extension: label, then sub-blocks
			end, ok := skipSubBlocks(data, p+2)
			if !ok {
				return 0, errStructure
			}
			p = end
		case 0x2C: // image descriptor
			if p+10 > len(data) {
				return 0, errStructure
			}
			d := data[p+1 : p+10]
			left, top := int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:]))
			fw, fh := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
			if left+fw > w || top+fh > h {
				return 0, errStructure
			}
			p += 10
			if d[8]&0x80 != 0 {
				p += 3 << (d[8]&7 + 1)
			}
			p++ // LZW minimum code size
			start := p
			end, ok := skipSubBlocks(data, p)
			if !ok {
				if frames == 0 {
					return 0, errStructure
				}
				return finishGIF(frames, first) // a later frame is cut: only the first is used
			}
			if frames == 0 {
				first = int64(fw) * int64(fh)
				if int64(end-start)*gifMaxRatio < first {
					return 0, errTooLittleData
				}
			}
			frames++
			p = end
		default:
			if frames > 0 {
				return finishGIF(frames, first) // junk after a complete frame: decoders stop there
			}
			return 0, errStructure
		}
	}
	return finishGIF(frames, first)
}

func finishGIF(frames int, first int64) (int64, error) {
	if frames == 0 {
		return 0, errStructure
	}
	return first, nil
}

// skipSubBlocks returns the offset after the sub-block chain starting at p (length-prefixed
// blocks ending with a zero-length one), and false when the chain runs past the end of data.
func skipSubBlocks(data []byte, p int) (int, bool) {
	for p < len(data) {
		n := int(data[p])
		p++
		if n == 0 {
			return p, true
		}
		p += n
	}
	return p, false
}

// checkJPEG checks that a JPEG's data could hold the blocks its frame header declares (every
// 8x8 block of every component costs at least one bit, even in a progressive first scan) and
// returns the bytes the decoder allocates for the picture and, when progressive, for the
// coefficients it keeps between scans.
func checkJPEG(data []byte, info jpegInfo) (decodeBytes int64, err error) {
	if info.sof == 0 || info.width <= 0 || info.height <= 0 || len(info.components) == 0 {
		return 0, errStructure
	}
	hmax, vmax := 1, 1
	for _, c := range info.components {
		if c.h < 1 || c.v < 1 {
			return 0, errStructure
		}
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	var blocks, samples int64
	for _, c := range info.components {
		cw := (int64(info.width)*int64(c.h) + int64(hmax) - 1) / int64(hmax)
		ch := (int64(info.height)*int64(c.v) + int64(vmax) - 1) / int64(vmax)
		blocks += ((cw + 7) / 8) * ((ch + 7) / 8)
		samples += cw * ch
	}
	if int64(len(data))*8 < blocks {
		return 0, errTooLittleData
	}
	decodeBytes = samples
	if len(info.components) == 4 {
		decodeBytes += 4 * int64(info.width) * int64(info.height) // converted to CMYK at the end
	}
	if info.sof == 0xC2 || info.sof == 0xC6 || info.sof == 0xCA || info.sof == 0xCE {
		decodeBytes += blocks * 64 * 4 // int32 coefficients per block
	}
	return decodeBytes, nil
}
