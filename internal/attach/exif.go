package attach

import (
	"encoding/binary"
)

// jpegInfo is what a walk over a JPEG's marker segments finds before the image data.
type jpegInfo struct {
	sof         byte // the start-of-frame marker (0xC0 baseline, 0xC2 progressive, ...); 0 if none
	width       int
	height      int
	components  []jpegComponent
	orientation int // EXIF orientation 1..8 (1 when absent or invalid)
}

// jpegComponent is one colour component of a JPEG frame with its sampling factors.
type jpegComponent struct{ h, v int }

// maxJPEGSegments bounds the marker walk so a file made of empty segments cannot keep it busy.
const maxJPEGSegments = 4096

// walkJPEG reads the marker segments of data from SOI up to the first SOS and returns what it
// found. It never reads outside data and never allocates more than a few small slices, whatever
// the input; it stops at the first inconsistency and returns what it had until then.
func walkJPEG(data []byte) jpegInfo {
	info := jpegInfo{orientation: 1}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return info
	}
	exifSeen := false
	p := 2
	for seg := 0; seg < maxJPEGSegments; seg++ {
		// Markers may be preceded by any number of 0xFF fill bytes.
		// Bytes that are not a marker are skipped, as libjpeg and image/jpeg do.
		for p < len(data) && data[p] != 0xFF {
			p++
		}
		for p < len(data) && data[p] == 0xFF {
			p++
		}
		if p >= len(data) {
			return info
		}
		marker := data[p]
		p++
		switch {
		case marker == 0x00 || marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7):
			continue // markers without a length
		case marker == 0xD9 || marker == 0xDA:
			return info // EOI, or SOS: the entropy-coded data starts
		}
		if p+2 > len(data) {
			return info
		}
		n := int(binary.BigEndian.Uint16(data[p:]))
		if n < 2 || p+n > len(data) {
			return info
		}
		body := data[p+2 : p+n]
		p += n
		switch {
		case marker == 0xE1 && !exifSeen && len(body) >= 6 && string(body[:6]) == "Exif\x00\x00":
			exifSeen = true // only the first Exif segment counts, as in libjpeg-based viewers
			if o, ok := tiffOrientation(body[6:]); ok {
				info.orientation = o
			}
		case marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			if info.sof != 0 || len(body) < 6 {
				continue
			}
			nc := int(body[5])
			if len(body) < 6+3*nc {
				continue
			}
			info.sof = marker
			info.height = int(binary.BigEndian.Uint16(body[1:]))
			info.width = int(binary.BigEndian.Uint16(body[3:]))
			for i := 0; i < nc; i++ {
				hv := body[6+3*i+1]
				info.components = append(info.components, jpegComponent{h: int(hv >> 4), v: int(hv & 0x0F)})
			}
		}
	}
	return info
}

// Orientation returns the EXIF orientation (1 to 8) of a JPEG file: how the stored pixels must be
// turned to show the picture upright, as the TIFF/EXIF specification numbers it (1 upright,
// 3 upside down, 6 turned 90° clockwise to view, 8 turned 90° anti-clockwise to view, 2, 4, 5
// and 7 mirrored). It returns 1 for data that is not a JPEG, has no EXIF block, or whose EXIF
// block is damaged or names a value outside 1 to 8. It reads data in bounded steps and is safe on
// any input.
func Orientation(jpegData []byte) int {
	return walkJPEG(jpegData).orientation
}

// tagOrientation is the TIFF tag number of Orientation.
const tagOrientation = 0x0112

// tiffOrientation reads the Orientation tag from the first IFD of a TIFF structure (the body of
// an EXIF block after "Exif\0\0"). ok is false when the structure is damaged, the tag is absent
// or its value is not 1 to 8.
func tiffOrientation(t []byte) (orientation int, ok bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0, false
	}
	off := uint64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 0, false
	}
	count := uint64(bo.Uint16(t[off:]))
	for i := uint64(0); i < count; i++ {
		e := off + 2 + 12*i
		if e+12 > uint64(len(t)) {
			return 0, false
		}
		entry := t[e : e+12]
		if bo.Uint16(entry) != tagOrientation {
			continue
		}
		typ, n := bo.Uint16(entry[2:]), bo.Uint32(entry[4:])
		if n != 1 {
			return 0, false
		}
		var v uint32
		switch typ {
		case 3: // SHORT, stored in the first two bytes of the value field
			v = uint32(bo.Uint16(entry[8:]))
		case 4: // LONG, written by a few tools
			v = bo.Uint32(entry[8:])
		case 1: // BYTE
			v = uint32(entry[8])
		default:
			return 0, false
		}
		if v < 1 || v > 8 {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}
