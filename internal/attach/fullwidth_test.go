package attach_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestTextLogFullWidthCardMasked: a card number typed in full-width digits (as Chinese input
// methods write them) in a text log is masked in the stored original and the normalised copy,
// in UTF-8 and in GB18030 (found by the reliability leak scan).
func TestTextLogFullWidthCardMasked(t *testing.T) {
	const card = "６２２８４８００１２３４５６７８９０３" // full-width, Luhn-valid
	want, _ := posdesk.MaskCard("6228480012345678903")
	for _, enc := range []string{"utf-8", "gb18030"} {
		text := "2026-09-14 20:31 卡号：" + card + "\n"
		data := []byte(text)
		if enc == "gb18030" {
			s, err := simplifiedchinese.GB18030.NewEncoder().String(text)
			if err != nil {
				t.Fatal(err)
			}
			data = []byte(s)
		}
		a, err := attach.Intake("terminal.log", bytes.NewReader(data), attach.Options{})
		if err != nil {
			t.Fatal(err)
		}
		original := string(a.Original)
		if enc == "gb18030" {
			original, _ = simplifiedchinese.GB18030.NewDecoder().String(original)
		}
		for name, got := range map[string]string{"original": original, "normalized": string(a.Normalized)} {
			if strings.Contains(got, card) || strings.Contains(strings.Map(fullToASCII, got), "6228480012345678903") {
				t.Errorf("%s: %s copy keeps the full number: %q", enc, name, got)
			}
			if !strings.Contains(strings.Map(fullToASCII, got), want) {
				t.Errorf("%s: %s copy %q lacks the masked number %s", enc, name, got, want)
			}
		}
	}
}

func fullToASCII(r rune) rune {
	if r >= '０' && r <= '９' {
		return '0' + r - '０'
	}
	return r
}
