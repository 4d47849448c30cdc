package pdf_test

import (
	"testing"

	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestExhibitFromAttachment(t *testing.T) {
	tests := []struct {
		a        posdesk.Attachment
		kind     pdf.ExhibitKind
		upright  bool
		wantName string
	}{
		{posdesk.Attachment{Kind: posdesk.AttachmentSlipPhoto, MediaType: posdesk.MediaJPEG, FileName: "签购单.jpg", Original: []byte("o"), Normalized: []byte("n"), NormalizedType: posdesk.MediaJPEG}, pdf.ExhibitPhoto, true, "E01-photo.jpg"},
		{posdesk.Attachment{Kind: posdesk.AttachmentScreenshot, MediaType: posdesk.MediaPNG, FileName: "Screenshot_2025-03-14-14-40-01.png", Original: []byte("o"), Normalized: []byte("n"), NormalizedType: posdesk.MediaPNG}, pdf.ExhibitScreenshot, true, "E01-Screensh.png"},
		{posdesk.Attachment{Kind: posdesk.AttachmentStatement, MediaType: posdesk.MediaPDF, FileName: "statement.pdf", Original: []byte("%PDF-")}, pdf.ExhibitPDF, false, "E01-statemen.pdf"},
		{posdesk.Attachment{Kind: posdesk.AttachmentTerminalLog, MediaType: posdesk.MediaText, FileName: "pos.log", Original: []byte("o"), Normalized: []byte("n"), NormalizedType: posdesk.MediaTextUTF8}, pdf.ExhibitText, true, "E01-pos.log"},
	}
	for _, tt := range tests {
		e := pdf.ExhibitFromAttachment(&tt.a)
		if e.Kind != tt.kind || (len(e.Upright) > 0) != tt.upright {
			t.Errorf("%s: kind %s upright %v; want %s %v", tt.a.FileName, e.Kind, len(e.Upright) > 0, tt.kind, tt.upright)
		}
		if got := pdf.ExhibitName(1, &e); got != tt.wantName {
			t.Errorf("%s: name %q, want %q", tt.a.FileName, got, tt.wantName)
		}
	}
}
