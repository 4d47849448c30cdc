// Package attach takes in the files staff attach to an incident: slip photos, receipts,
// statements (image or PDF), SMS and chat screenshots, and terminal logs.
//
// Intake reads one file, with its size capped before reading, decides what it really is from
// its content (not its name), refuses what posdesk cannot use with a message that names the file
// and says why, and returns a posdesk.Attachment holding the original byte for byte, its SHA-256,
// an upright normalised copy and a thumbnail. Images are checked against the pixel limit from
// their header (image.DecodeConfig) and against the amount of data they hold before anything is
// decoded, so decompression bombs are refused without allocating their declared size.
//
// Storage is not done here: the caller stores the returned Attachment.
package attach

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Limits of the normalised copy of an image. The original is kept as it came; the normalised
// copy is what screens and evidence packets show, so it is kept to a size that prints sharp on
// A4 and mails well.
const (
	// NormalizedMaxPixels is the largest normalised image; bigger ones are scaled down.
	NormalizedMaxPixels = 12_000_000
	// NormalizedMaxSide is the longest side of a normalised image.
	NormalizedMaxSide = 8192
	// NormalizedMaxBytes is the size a normalised image is brought under: a PNG that is larger
	// becomes a JPEG, and a JPEG is recompressed at lower quality, then scaled down, until it
	// fits (or is no larger than 1024 pixels on its longest side).
	NormalizedMaxBytes = 6 << 20
)

// Options describe an attachment besides its content.
type Options struct {
	// Kind is what the file shows. Empty picks one from the content
	// (posdesk.AttachmentKindFor).
	Kind posdesk.AttachmentKind
	// Caption is the staff's note on the file; card numbers in it are masked.
	Caption string
	// By is who attaches the file (posdesk.Attachment.CreatedBy).
	By string
	// Now is the clock for CreatedAt; nil means time.Now.
	Now func() time.Time
}

// Intake reads one attached file named name from r and returns it as an attachment ready to be
// stored (ID and IncidentID are left zero). It reads at most posdesk.MaxAttachmentBytes+1 bytes:
// a larger file is refused without reading the rest.
//
// Accepted: JPEG, PNG and GIF images up to posdesk.MaxAttachmentPixels, PDFs, and text logs in
// UTF-8, GB18030 or UTF-16 (with a byte-order mark). The type is sniffed from the content; a
// name whose extension says otherwise (text called .jpg, an image called .pdf) is refused, but
// an image called by another image extension (a PNG called .jpg, as chat apps save them) is
// accepted. Everything refused gives an EINVALID *posdesk.Error on field "file" whose message
// names the file (masked) and says why and what to do: empty, too big, not a supported type,
// name contradicting content, damaged or cut short, too many pixels, a header claiming more
// pixels than the data holds, an encrypted or page-less PDF, or a text log with bytes that are
// neither UTF-8 nor GB18030 (naming the line). A bad Kind or a caption over
// posdesk.MaxCaptionLength is EINVALID on field "kind" or "caption".
//
// What the attachment holds:
//   - images: Width and Height upright; Normalized is the picture turned upright by its EXIF
//     orientation (JPEG), converted to 8-bit RGB (CMYK, 16-bit), scaled down to
//     NormalizedMaxPixels and encoded as JPEG for JPEG sources or PNG for PNG and GIF sources
//     (the first frame of an animation); Thumbnail is at most ThumbnailSide pixels.
//   - PDFs: Pages; no normalised copy or thumbnail.
//   - text logs: Normalized is the text as UTF-8 with card numbers masked. A full card number
//     must never be stored, so card numbers are masked in Original too (in the file's own
//     encoding; everything else stays byte for byte) and SHA256 is that of the masked original.
func Intake(name string, r io.Reader, opts Options) (*posdesk.Attachment, error) {
	name = cleanName(name)
	if opts.Kind != "" && !opts.Kind.Valid() {
		_, err := posdesk.ParseAttachmentKind(string(opts.Kind))
		return nil, err
	}
	caption := maskAll(strings.TrimSpace(opts.Caption))
	if n := utf8.RuneCountInString(caption); n > posdesk.MaxCaptionLength {
		return nil, posdesk.Invalid("caption", "Caption is %d characters long; keep it to %d.", n, posdesk.MaxCaptionLength)
	}
	data, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	a := &posdesk.Attachment{
		Kind:      opts.Kind,
		Caption:   caption,
		FileName:  name,
		CreatedBy: opts.By,
	}
	if err := fill(a, data); err != nil {
		return nil, err
	}
	if a.Kind == "" {
		a.Kind = posdesk.AttachmentKindFor(a.MediaType)
	}
	a.Size = int64(len(a.Original))
	sum := sha256.Sum256(a.Original)
	a.SHA256 = hex.EncodeToString(sum[:])
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	a.CreatedAt = now().UTC()
	return a, nil
}

// IntakeFile opens the file at path and passes it to Intake under its base name. A file larger
// than posdesk.MaxAttachmentBytes is refused from its size, without reading it.
func IntakeFile(path string, opts Options) (*posdesk.Attachment, error) {
	f, err := os.Open(path)
	if err != nil {
		e := posdesk.Invalid("file", "File %q cannot be opened; check that it exists and that you may read it.", cleanName(path))
		e.Err = fmt.Errorf("open attachment: %w", err)
		if errors.Is(err, fs.ErrNotExist) {
			e.Code = posdesk.ENOTFOUND
		}
		return nil, e
	}
	defer f.Close()
	return Intake(path, f, opts)
}

// readLimited reads all of r, refusing more than posdesk.MaxAttachmentBytes. When r knows its
// size (an *os.File, *bytes.Reader, *strings.Reader ...) the buffer is allocated once and a file
// that is too large is refused before reading anything.
func readLimited(name string, r io.Reader) ([]byte, error) {
	size := int64(-1)
	switch v := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	case interface{ Len() int }:
		size = int64(v.Len())
	}
	if size > posdesk.MaxAttachmentBytes {
		return nil, tooBig(name)
	}
	var buf bytes.Buffer
	if size >= 0 {
		// ReadFrom wants MinRead bytes of room for each read, the last one (that meets EOF) too.
		buf.Grow(int(size) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, posdesk.MaxAttachmentBytes+1))
	if err != nil {
		e := posdesk.Invalid("file", "File %q could not be read to the end; copy it to this computer and try again.", name)
		e.Err = fmt.Errorf("read attachment: %w", err)
		return nil, e
	}
	if n > posdesk.MaxAttachmentBytes {
		return nil, tooBig(name)
	}
	if n == 0 {
		return nil, posdesk.Invalid("file", "File %q is empty (0 bytes); choose the file again, or save it again from the phone or program it came from.", name)
	}
	return buf.Bytes(), nil
}

func tooBig(name string) error {
	return posdesk.Invalid("file", "File %q is larger than %d MB; attach a smaller copy (a photo at lower resolution, or a PDF with fewer pages).", name, posdesk.MaxAttachmentBytes>>20)
}

// fill sniffs data, checks it against the name and fills in a's content fields.
func fill(a *posdesk.Attachment, data []byte) error {
	name := a.FileName
	media := Sniff(data)
	want, ext := nameClass(name)
	got := mediaClass(media)
	other := ""
	if got == classNone {
		other = otherFormat(data)
	}
	if want != classNone && want != got && !(other != "" && other == extFormat[ext]) {
		switch got {
		case classText:
			return posdesk.Invalid("file", "File %q is called .%s but is a text file; choose the right file, or rename it to .txt if it is a log.", name, ext)
		case classPDF:
			return posdesk.Invalid("file", "File %q is called .%s but is a PDF; choose the right file, or rename it to .pdf.", name, ext)
		case classImage:
			return posdesk.Invalid("file", "File %q is called .%s but is a %s image; choose the right file, or rename it to .%s.", name, ext, formatName(media), imageExt(media))
		}
		if other != "" {
			return posdesk.Invalid("file", "File %q is called .%s but is a %s file, which posdesk cannot attach; save it as JPEG, PNG or PDF and attach it again.", name, ext, other)
		}
		return posdesk.Invalid("file", "File %q is called .%s but is not an image, a PDF or a text log; choose the right file.", name, ext)
	}
	a.MediaType = media
	a.Original = data
	switch got {
	case classImage:
		return fillImage(a, data)
	case classPDF:
		pages, err := readPDF(data)
		switch {
		case errors.Is(err, errPDFTruncated):
			return withCause(posdesk.Invalid("file", "File %q is a damaged or incomplete PDF: it does not end properly, it may have been cut off while copying. Download or save it again.", name), err)
		case errors.Is(err, errPDFEncrypted):
			return withCause(posdesk.Invalid("file", "File %q is a password-protected (encrypted) PDF, which cannot go into evidence packets; open it, print it to a new PDF and attach that.", name), err)
		case err != nil:
			return withCause(posdesk.Invalid("file", "File %q is a damaged PDF: posdesk cannot find any page in it. Download or save it again.", name), err)
		}
		a.Pages = pages
		return nil
	case classText:
		t, err := readText(data)
		var bad *errBadLine
		switch {
		case errors.As(err, &bad) && bad.binary:
			return withCause(posdesk.Invalid("file", "File %q is not an image (JPEG, PNG or GIF), a PDF or a text log; save it as one of those and attach it again.", name), err)
		case errors.As(err, &bad):
			return withCause(posdesk.Invalid("file", "File %q line %d holds bytes that are neither UTF-8 nor GB18030 text; save the log as UTF-8 and attach it again.", name, bad.line), err)
		case err != nil:
			return posdesk.Internal(err)
		}
		a.Original = t.original
		a.Normalized, a.NormalizedType = t.normalized, posdesk.MediaTextUTF8
		return nil
	}
	if other != "" {
		return posdesk.Invalid("file", "File %q is a %s file, which posdesk cannot attach; save it as JPEG, PNG or PDF and attach it again.", name, other)
	}
	return posdesk.Invalid("file", "File %q is not an image (JPEG, PNG or GIF), a PDF or a text log; save it as one of those and attach it again.", name)
}

// fillImage checks an image's declared size and data before decoding it, then fills in its
// size, normalised copy and thumbnail.
func fillImage(a *posdesk.Attachment, data []byte) error {
	name, format := a.FileName, formatName(a.MediaType)
	var cfg image.Config
	var err error
	switch a.MediaType {
	case posdesk.MediaJPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case posdesk.MediaPNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	default:
		cfg, err = gif.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return decodeError(name, format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return decodeError(name, format, errStructure)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > posdesk.MaxAttachmentPixels {
		return posdesk.Invalid("file", "File %q is %d×%d pixels (%d megapixels); the limit is %d megapixels. Reduce its resolution and attach it again.", name, cfg.Width, cfg.Height, (px+999_999)/1_000_000, posdesk.MaxAttachmentPixels/1_000_000)
	}
	var need int64
	orientation := 1
	switch a.MediaType {
	case posdesk.MediaJPEG:
		info := walkJPEG(data)
		orientation = info.orientation
		need, err = checkJPEG(data, info)
	case posdesk.MediaPNG:
		need, err = checkPNG(data, cfg.Width, cfg.Height)
	default:
		need, err = checkGIF(data, cfg.Width, cfg.Height)
	}
	switch {
	case errors.Is(err, errTooLittleData):
		return withCause(posdesk.Invalid("file", "File %q says it is %d×%d pixels but holds far too little image data for that; it is damaged or was made to exhaust memory. Take the photo or screenshot again.", name, cfg.Width, cfg.Height), err)
	case err != nil:
		return decodeError(name, format, err)
	case need > maxDecodeBytes:
		return posdesk.Invalid("file", "File %q (%d×%d pixels) would need more than %d MB of memory to open; save it at a lower resolution, or as an ordinary (baseline) JPEG or PNG, and attach it again.", name, cfg.Width, cfg.Height, maxDecodeBytes>>20)
	}
	img, err := decode(a.MediaType, data)
	if err != nil {
		return decodeError(name, format, err)
	}
	norm, normType, thumb, thumbType, w, h, err := normalize(img, orientation, a.MediaType != posdesk.MediaJPEG)
	if err != nil {
		return posdesk.Internal(err)
	}
	a.Width, a.Height = w, h
	a.Normalized, a.NormalizedType = norm, normType
	a.Thumbnail, a.ThumbnailType = thumb, thumbType
	return nil
}

// decode decodes an image whose header and data size have been checked. The standard decoders
// do not panic on bad input; if one ever does, the file is refused as damaged rather than taking
// the program down.
func decode(mediaType string, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder panic: %v", p)
		}
	}()
	switch mediaType {
	case posdesk.MediaJPEG:
		return jpeg.Decode(bytes.NewReader(data))
	case posdesk.MediaPNG:
		return png.Decode(bytes.NewReader(data))
	}
	return gif.Decode(bytes.NewReader(data))
}

// decodeError turns a decoder error into the message for the shop owner.
func decodeError(name, format string, err error) error {
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return withCause(posdesk.Invalid("file", "File %q is a kind of %s image posdesk cannot read (for example 12-bit or arithmetic-coded); save it again as an ordinary JPEG or PNG.", name, format), err)
	}
	return withCause(posdesk.Invalid("file", "File %q is a damaged or incomplete %s image (it may have been cut off while copying); take the photo or screenshot again, or copy the file again.", name, format), err)
}

// normalize turns a decoded image upright, scales it to the normalised limits, encodes it and
// makes its thumbnail. It returns the upright size of img.
func normalize(img image.Image, orientation int, preferPNG bool) (norm []byte, normType string, thumb []byte, thumbType string, w, h int, err error) {
	img = to8Bit(img)
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	if tw, th := fitPixels(w, h, NormalizedMaxPixels, NormalizedMaxSide); tw != w || th != h {
		img = scaleTo(img, tw, th)
	}
	img = orient(img, orientation)
	if orientation >= 5 && orientation <= 8 {
		w, h = h, w
	}
	norm, normType, err = encodeNormalized(img, preferPNG)
	if err != nil {
		return nil, "", nil, "", 0, 0, err
	}
	thumb, thumbType, err = Thumbnail(img)
	if err != nil {
		return nil, "", nil, "", 0, 0, err
	}
	return norm, normType, thumb, thumbType, w, h, nil
}

// encodeNormalized encodes the normalised copy: PNG when preferPNG and it fits in
// NormalizedMaxBytes; otherwise JPEG (transparency flattened on white) at quality 85, 75, 65,
// then scaled by 3/4 and tried again, until it fits or is 1024 pixels or less on its longest side.
func encodeNormalized(img image.Image, preferPNG bool) ([]byte, string, error) {
	var buf bytes.Buffer
	if preferPNG {
		if err := png.Encode(&buf, img); err != nil {
			return nil, "", fmt.Errorf("encode png: %w", err)
		}
		if buf.Len() <= NormalizedMaxBytes {
			return buf.Bytes(), posdesk.MediaPNG, nil
		}
	}
	img = flatten(img)
	for {
		for _, q := range []int{85, 75, 65} {
			buf.Reset()
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, "", fmt.Errorf("encode jpeg: %w", err)
			}
			if buf.Len() <= NormalizedMaxBytes {
				return buf.Bytes(), posdesk.MediaJPEG, nil
			}
		}
		b := img.Bounds()
		if max(b.Dx(), b.Dy()) <= 1024 {
			return buf.Bytes(), posdesk.MediaJPEG, nil
		}
		img = scaleTo(img, max(1, b.Dx()*3/4), max(1, b.Dy()*3/4))
	}
}

// extFormat maps the extensions of image formats posdesk does not read to otherFormat's names,
// so that a HEIC photo called .heic is refused as HEIC, not as a misnamed file.
var extFormat = map[string]string{
	"heic": "HEIC", "heif": "HEIC", "avif": "AVIF", "webp": "WebP", "bmp": "BMP", "tif": "TIFF", "tiff": "TIFF",
}

// formatName returns the short name of an image media type, for messages.
func formatName(mediaType string) string {
	switch mediaType {
	case posdesk.MediaJPEG:
		return "JPEG"
	case posdesk.MediaPNG:
		return "PNG"
	case posdesk.MediaGIF:
		return "GIF"
	}
	return mediaType
}

// imageExt returns the usual file extension of an image media type.
func imageExt(mediaType string) string {
	switch mediaType {
	case posdesk.MediaJPEG:
		return "jpg"
	case posdesk.MediaPNG:
		return "png"
	}
	return "gif"
}

// withCause sets the underlying cause of a refusal, for the log.
func withCause(e *posdesk.Error, err error) *posdesk.Error {
	e.Err = err
	return e
}
