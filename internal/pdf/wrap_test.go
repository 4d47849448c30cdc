package pdf_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/pdf"
)

// cells measures a string as a terminal would: CJK and full-width characters 2, the rest 1.
func cells(s string) float64 {
	n := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "hello world", 20, []string{"hello world"}},
		{"latin at spaces", "the quick brown fox", 10, []string{"the quick", "brown fox"}},
		{"cjk anywhere", "交易失败但已扣款", 6, []string{"交易失", "败但已", "扣款"}},
		{"no loss at cjk breaks", "格式问题格式问题", 4, []string{"格式", "问题", "格式", "问题"}},
		{"closing punctuation stays", "交易失败，已扣款。", 10, []string{"交易失败，", "已扣款。"}},
		{"opening punctuation stays", "终端号（61000042）", 12, []string{"终端号", "（61000042）"}},
		{"long token by width", "9f2c4e0b7a1d3c5e8f6a", 8, []string{"9f2c4e0b", "7a1d3c5e", "8f6a"}},
		{"mixed", "参考号 RRN 407312345678 已退回", 12, []string{"参考号 RRN", "407312345678", "已退回"}},
		{"newlines kept", "a\n\nb", 10, []string{"a", "", "b"}},
		{"spaces at break dropped", "aaaa    bbbb", 5, []string{"aaaa", "bbbb"}},
		{"empty", "", 10, []string{""}},
		{"narrower than a character", "交易", 1, []string{"交", "易"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pdf.Wrap(tt.text, tt.width, cells)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Wrap(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
			for _, l := range got {
				if cells(l) > tt.width && utf8.RuneCountInString(l) > 1 && !strings.ContainsAny(l, "，。）") {
					t.Errorf("line %q is wider than %v", l, tt.width)
				}
			}
		})
	}
}

// TestWrapKeepsEveryCharacter checks on long mixed text, at many widths, that joining the lines
// gives back the text with only break spaces removed.
func TestWrapKeepsEveryCharacter(t *testing.T) {
	text := strings.Repeat("顾客刷卡后终端显示“交易失败”，店员按规定重新刷卡（第二次成功）。The customer showed us both SMS messages; RRN 407312345678, SHA-256 9f2c4e0b7a1d3c5e8f6a2b4d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8e. ", 3)
	strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for w := 3.0; w < 90; w += 1.5 {
		got := pdf.Wrap(text, w, cells)
		if strip(strings.Join(got, "")) != strip(text) {
			t.Fatalf("width %v: characters lost or changed", w)
		}
	}
}

// TestWrapInPDF renders long Chinese paragraphs through a report and checks with pdftotext that
// no character is lost at line breaks (gofpdf's MultiCell loses one per break).
func TestWrapInPDF(t *testing.T) {
	para := strings.Repeat("商户反映该笔交易在终端上显示失败，但持卡人账户已被扣款，请协助核查并退款。", 12)
	r := pdf.NewReport(pdf.ReportOptions{Title: "换行测试", Now: fixedNow})
	r.Paragraph(para)
	out, err := r.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "wrap.pdf")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	text := tool(t, "pdftotext", "-enc", "UTF-8", file, "-")
	flat := strings.Join(strings.Fields(text), "")
	if !strings.Contains(flat, para) {
		t.Errorf("pdftotext lost characters:\n got %q\nwant %q", flat, para)
	}
	if strings.Count(text, "\n") < 8 {
		t.Errorf("paragraph was not wrapped onto several lines")
	}
}

func TestParseLangAndParty(t *testing.T) {
	for in, want := range map[string]pdf.Lang{"zh": pdf.LangZh, "EN": pdf.LangEn, "zh+en": pdf.LangBoth, "both": pdf.LangBoth} {
		got, err := pdf.ParseLang(in)
		if err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := pdf.ParseLang("fr"); err == nil {
		t.Errorf("ParseLang(fr) accepted")
	}
	if _, err := pdf.ParseParty("bank"); err != nil {
		t.Errorf("ParseParty(bank): %v", err)
	}
	if _, err := pdf.ParseParty("police"); err == nil {
		t.Errorf("ParseParty(police) accepted")
	}
	if _, err := pdf.FindPreset("nope"); err == nil {
		t.Errorf("FindPreset(nope) accepted")
	}
	_ = context.Background
}
