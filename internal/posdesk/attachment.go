package posdesk

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on one attachment. A file over MaxAttachmentBytes is refused before it is read to the
// end; an image over MaxAttachmentPixels is refused from its header, before it is decoded.
const (
	MaxAttachmentBytes  = 25 << 20 // 25 MiB
	MaxAttachmentPixels = 40_000_000
	// MaxCaptionLength is the longest caption, in characters.
	MaxCaptionLength = 1000
)

// Media types of attachments. MediaType is always one of the first five; NormalizedType and
// ThumbnailType are MediaJPEG, MediaPNG or MediaTextUTF8.
const (
	MediaJPEG     = "image/jpeg"
	MediaPNG      = "image/png"
	MediaGIF      = "image/gif"
	MediaPDF      = "application/pdf"
	MediaText     = "text/plain"
	MediaTextUTF8 = "text/plain; charset=utf-8"
)

// AttachmentKind says what an attached file shows, as the staff chose it.
type AttachmentKind string

// The kinds of attachment.
const (
	AttachmentSlipPhoto   AttachmentKind = "slip_photo"   // photo of the POS slip (签购单)
	AttachmentReceipt     AttachmentKind = "receipt"      // shop receipt or invoice
	AttachmentStatement   AttachmentKind = "statement"    // bank or acquirer statement
	AttachmentScreenshot  AttachmentKind = "screenshot"   // SMS, chat or app screenshot
	AttachmentTerminalLog AttachmentKind = "terminal_log" // text log exported from the terminal
	AttachmentOther       AttachmentKind = "other"        // anything else
)

// AttachmentKinds lists every kind in menu order.
var AttachmentKinds = []AttachmentKind{
	AttachmentSlipPhoto, AttachmentReceipt, AttachmentStatement,
	AttachmentScreenshot, AttachmentTerminalLog, AttachmentOther,
}

// Title returns the kind's English label. It is a translation key: screens show
// i18n.T(kind.Title()). An unknown kind returns its own identifier.
func (k AttachmentKind) Title() string {
	switch k {
	case AttachmentSlipPhoto:
		return "Slip photo"
	case AttachmentReceipt:
		return "Receipt"
	case AttachmentStatement:
		return "Statement"
	case AttachmentScreenshot:
		return "Screenshot"
	case AttachmentTerminalLog:
		return "Terminal log"
	case AttachmentOther:
		return "Other file"
	}
	return string(k)
}

// Valid reports whether k is one of AttachmentKinds.
func (k AttachmentKind) Valid() bool {
	for _, v := range AttachmentKinds {
		if k == v {
			return true
		}
	}
	return false
}

// ParseAttachmentKind returns the kind named by s ("slip_photo", "slip-photo", "Slip photo";
// case does not matter). The error is EINVALID on field "kind".
func ParseAttachmentKind(s string) (AttachmentKind, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	norm = strings.NewReplacer("-", "_", " ", "_").Replace(norm)
	for _, k := range AttachmentKinds {
		if norm == string(k) || norm == strings.ReplaceAll(strings.ToLower(k.Title()), " ", "_") {
			return k, nil
		}
	}
	names := make([]string, len(AttachmentKinds))
	for i, k := range AttachmentKinds {
		names[i] = string(k)
	}
	return "", Invalid("kind", "Attachment type %q is not known; use one of %s.", s, strings.Join(names, ", "))
}

// AttachmentKindFor returns the kind to suggest for a file of the given media type when the
// staff did not choose one: photos are slip photos, PNG and GIF images screenshots, PDFs
// statements and text files terminal logs.
func AttachmentKindFor(mediaType string) AttachmentKind {
	switch mediaType {
	case MediaJPEG:
		return AttachmentSlipPhoto
	case MediaPNG, MediaGIF:
		return AttachmentScreenshot
	case MediaPDF:
		return AttachmentStatement
	case MediaText, MediaTextUTF8:
		return AttachmentTerminalLog
	}
	return AttachmentOther
}

// Attachment is a file attached to an incident: a slip photo, receipt, statement, screenshot or
// terminal log. It is built by the attach package, which checks the file, and is stored whole.
//
// Original holds the file exactly as it was received, byte for byte, and SHA256 is its hash;
// Size is len(Original). The one exception is a text log: a full card number must never be
// stored, so card numbers found in a log are masked in Original too (in the log's own
// encoding) and SHA256 is the hash of that masked copy.
type Attachment struct {
	ID         int64
	IncidentID int64
	Kind       AttachmentKind
	Caption    string // free text, masked with MaskText
	FileName   string // the name the file had (base name only), masked with MaskText

	MediaType string // sniffed from the content: MediaJPEG, MediaPNG, MediaGIF, MediaPDF or MediaText
	Size      int64  // bytes in Original
	SHA256    string // lower-case hex SHA-256 of Original

	Width, Height int // images: upright size of the original in pixels (EXIF orientation applied)
	Pages         int // PDFs: number of pages

	Original []byte // the file as received (see the type's doc for text logs)

	// Normalized is the copy screens and packets use: for images an upright JPEG (photos) or
	// PNG (screenshots, GIFs, transparency), at most NormalizedMaxPixels of the attach package;
	// for text logs the masked text as UTF-8 with "\n" line ends; nil for PDFs.
	Normalized     []byte
	NormalizedType string // MediaJPEG, MediaPNG, MediaTextUTF8, or "" when Normalized is nil

	Thumbnail     []byte // images: upright, longest side at most 256 pixels; nil otherwise
	ThumbnailType string // MediaJPEG or MediaPNG, or "" when Thumbnail is nil

	CreatedAt time.Time // when it was attached (UTC)
	CreatedBy string    // who attached it
}

// IsImage reports whether the attachment is an image (JPEG, PNG or GIF).
func (a *Attachment) IsImage() bool { return strings.HasPrefix(a.MediaType, "image/") }

// IsPDF reports whether the attachment is a PDF document.
func (a *Attachment) IsPDF() bool { return a.MediaType == MediaPDF }

// IsText reports whether the attachment is a text log.
func (a *Attachment) IsText() bool { return a.MediaType == MediaText }

// Validate checks an attachment before it is stored: known kind and media type, data present
// and matching Size and SHA256, caption masked and not too long, and the derived copies an
// image needs. The errors are EINVALID.
func (a *Attachment) Validate() error {
	if !a.Kind.Valid() {
		_, err := ParseAttachmentKind(string(a.Kind))
		return err
	}
	switch a.MediaType {
	case MediaJPEG, MediaPNG, MediaGIF, MediaPDF, MediaText:
	default:
		return Invalid("file", "File %q has an unsupported type %q; attach a JPEG, PNG, GIF, PDF or text log.", a.FileName, a.MediaType)
	}
	if len(a.Original) == 0 || int64(len(a.Original)) != a.Size || a.Size > MaxAttachmentBytes {
		return Invalid("file", "File %q has no data or its size does not match its data; attach it again.", a.FileName)
	}
	sum := sha256.Sum256(a.Original)
	if a.SHA256 != hex.EncodeToString(sum[:]) {
		return Invalid("file", "File %q does not match its SHA-256 checksum; attach it again.", a.FileName)
	}
	if n := utf8.RuneCountInString(a.Caption); n > MaxCaptionLength {
		return Invalid("caption", "Caption is %d characters long; keep it to %d.", n, MaxCaptionLength)
	}
	if MaskText(a.Caption) != a.Caption || MaskText(a.FileName) != a.FileName {
		return Invalid("caption", "Caption or file name holds a full card number; keep only the first 6 and last 4 digits.")
	}
	if a.IsImage() && (a.Width <= 0 || a.Height <= 0 || len(a.Normalized) == 0) {
		return Invalid("file", "File %q has no readable picture; attach it again.", a.FileName)
	}
	return nil
}
