package pdf

import (
	"github.com/posdesk/posdesk/internal/posdesk"
)

// ExhibitFromAttachment returns the exhibit for a stored attachment: the original is what the
// index hashes; the attach package's normalised copy (upright image, or the log as UTF-8) is
// what the packet draws.
func ExhibitFromAttachment(a *posdesk.Attachment) Exhibit {
	e := Exhibit{
		FileName:  a.FileName,
		Caption:   a.Caption,
		MediaType: a.MediaType,
		Original:  a.Original,
		SHA256:    a.SHA256,
		Kind:      exhibitKindFor(a),
	}
	switch {
	case a.IsImage():
		e.Upright = a.Normalized
	case a.IsText() && a.NormalizedType == posdesk.MediaTextUTF8 && len(a.Normalized) > 0:
		// The log as UTF-8 text: drawn instead of the original encoding.
		e.Upright = a.Normalized
	}
	return e
}

func exhibitKindFor(a *posdesk.Attachment) ExhibitKind {
	switch {
	case a.IsPDF():
		return ExhibitPDF
	case a.IsText():
		return ExhibitText
	case a.Kind == posdesk.AttachmentScreenshot:
		return ExhibitScreenshot
	case a.Kind == posdesk.AttachmentStatement || a.Kind == posdesk.AttachmentReceipt:
		return ExhibitScan
	}
	return ExhibitPhoto
}
