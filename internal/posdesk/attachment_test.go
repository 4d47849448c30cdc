package posdesk_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestParseAttachmentKind(t *testing.T) {
	tests := []struct {
		in      string
		want    posdesk.AttachmentKind
		wantErr bool
	}{
		{"slip_photo", posdesk.AttachmentSlipPhoto, false},
		{"Slip-Photo", posdesk.AttachmentSlipPhoto, false},
		{" slip photo ", posdesk.AttachmentSlipPhoto, false},
		{"terminal_log", posdesk.AttachmentTerminalLog, false},
		{"statement", posdesk.AttachmentStatement, false},
		{"Other file", posdesk.AttachmentOther, false},
		{"other", posdesk.AttachmentOther, false},
		{"", "", true},
		{"selfie", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := posdesk.ParseAttachmentKind(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if err != nil && posdesk.ErrorField(err) != "kind" {
				t.Errorf("field = %q, want kind", posdesk.ErrorField(err))
			}
		})
	}
}

func TestAttachmentKindFor(t *testing.T) {
	for media, want := range map[string]posdesk.AttachmentKind{
		posdesk.MediaJPEG: posdesk.AttachmentSlipPhoto,
		posdesk.MediaPNG:  posdesk.AttachmentScreenshot,
		posdesk.MediaGIF:  posdesk.AttachmentScreenshot,
		posdesk.MediaPDF:  posdesk.AttachmentStatement,
		posdesk.MediaText: posdesk.AttachmentTerminalLog,
		"video/mp4":       posdesk.AttachmentOther,
	} {
		if got := posdesk.AttachmentKindFor(media); got != want {
			t.Errorf("AttachmentKindFor(%q) = %q, want %q", media, got, want)
		}
	}
	for _, k := range posdesk.AttachmentKinds {
		if !k.Valid() || k.Title() == "" || k.Title() == string(k) {
			t.Errorf("kind %q: valid %v, title %q", k, k.Valid(), k.Title())
		}
	}
}

// luhnNumber returns body followed by the digit that makes it pass the Luhn check.
func luhnNumber(body string) string {
	for d := '0'; d <= '9'; d++ {
		if n := body + string(d); posdesk.Luhn(n) {
			return n
		}
	}
	panic("unreachable")
}

func validAttachment() *posdesk.Attachment {
	data := []byte("09:12 TXN FAILED\n")
	sum := sha256.Sum256(data)
	return &posdesk.Attachment{
		Kind: posdesk.AttachmentTerminalLog, FileName: "pos.log", MediaType: posdesk.MediaText,
		Original: data, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
	}
}

func TestAttachmentValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *posdesk.Attachment)
		field  string // "" when valid
	}{
		{"valid", func(a *posdesk.Attachment) {}, ""},
		{"unknown kind", func(a *posdesk.Attachment) { a.Kind = "selfie" }, "kind"},
		{"unknown media type", func(a *posdesk.Attachment) { a.MediaType = "image/webp" }, "file"},
		{"size mismatch", func(a *posdesk.Attachment) { a.Size++ }, "file"},
		{"no data", func(a *posdesk.Attachment) { a.Original, a.Size = nil, 0 }, "file"},
		{"checksum mismatch", func(a *posdesk.Attachment) { a.Original[0] = 'X' }, "file"},
		{"caption too long", func(a *posdesk.Attachment) { a.Caption = strings.Repeat("长", posdesk.MaxCaptionLength+1) }, "caption"},
		{"caption with a card number", func(a *posdesk.Attachment) { a.Caption = "card " + luhnNumber("62284800123456") }, "caption"},
		{"image without normalised copy", func(a *posdesk.Attachment) { a.MediaType = posdesk.MediaPNG }, "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAttachment()
			tt.change(a)
			err := a.Validate()
			if got := posdesk.ErrorField(err); got != tt.field || (tt.field != "" && posdesk.ErrorCode(err) != posdesk.EINVALID) {
				t.Errorf("Validate() = %v (field %q), want field %q", err, got, tt.field)
			}
		})
	}
}
