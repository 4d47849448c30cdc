package pdf_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var update = flag.Bool("update", false, "rewrite the golden PDFs in testdata/")

// fixedNow is the build clock of every test packet.
func fixedNow() time.Time { return time.Date(2025, 3, 20, 9, 30, 0, 0, time.UTC) }

// luhnCard returns a Luhn-valid 16-digit test number starting with prefix (never a real card).
func luhnCard(prefix string) string {
	s := prefix
	for len(s) < 15 {
		s += "0"
	}
	for d := 0; d <= 9; d++ {
		c := s + fmt.Sprint(d)
		if posdesk.Luhn(c) {
			return c
		}
	}
	panic("unreachable")
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// The RRNs of the fixture; every one must be in the packet's text.
var fixtureRRNs = []string{"407312345678", "407312345699"}

const shopName = "老街面馆（南京西路店）"

// fixturePacket is a duplicate-charge incident with the acceptance fixtures as exhibits: an
// upright portrait slip photo, a landscape terminal photo, a CMYK scan, a PNG screenshot, a
// two-page bank statement PDF made by Ghostscript, a rotated statement with object streams, a
// corrupt PDF and a terminal log.
func fixturePacket(tb testing.TB, lang pdf.Lang) pdf.Packet {
	tb.Helper()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		sh = time.FixedZone("CST", 8*3600)
	}
	card := luhnCard("622848")
	log := append(mustRead(tb, "terminal.log"), []byte("2025-03-14 14:36:00 CARD "+card+" retried\n")...)
	t0 := time.Date(2025, 3, 14, 6, 32, 5, 0, time.UTC)
	return pdf.Packet{
		Lang:      lang,
		Party:     pdf.IssuingBank,
		Preset:    "stripe",
		Location:  sh,
		AuditHead: "9f2c4e0b7a1d3c5e8f6a2b4d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8e",
		Shop: pdf.Shop{Name: shopName, MerchantID: "898310058121234", Address: "上海市静安区南京西路 1788 号",
			Phone: "021-5555-0188", Contact: "王丽 Wang Li (店长)", Acquirer: "拉卡拉 Lakala"},
		IncidentNumber: "INC-2025-0042",
		Letter: pdf.Letter{Kind: pdf.KindDuplicateCharge, Ask: pdf.AskRefundCardholder,
			Story: "顾客刷卡后终端显示“交易失败”，店员按规定重新刷卡，第二次成功。顾客当晚收到两条扣款短信，卡号 " + card +
				"。The customer showed us both SMS messages the next morning.",
			CaseNumber: "GD20250315-0099", Deadline: "2025-04-13", Signatory: "王丽"},
		Transactions: []pdf.Transaction{
			{Role: pdf.Text{En: "First charge", Zh: "第一笔扣款"}, Time: t0, Amount: posdesk.CNY("1288.00"),
				Type: pdf.Text{En: "Sale", Zh: "消费"}, Status: pdf.Text{En: "Failed (no slip)", Zh: "失败（未出签购单）"},
				Scheme: "UnionPay", MaskedCard: card, TerminalID: "61000042", Batch: "000318", Trace: "000123",
				RRN: fixtureRRNs[0], AuthCode: "A1B2C3", Settled: "Settled 2025-03-15: 1,288.00 CNY"},
			{Role: pdf.Text{En: "Second charge", Zh: "第二笔扣款"}, Time: t0.Add(70 * time.Second), Amount: posdesk.CNY("1288.00"),
				Type: pdf.Text{En: "Sale", Zh: "消费"}, Status: pdf.Text{En: "Approved", Zh: "成功"},
				Scheme: "UnionPay", MaskedCard: card, TerminalID: "61000042", Batch: "000318", Trace: "000124",
				RRN: fixtureRRNs[1], AuthCode: "D4E5F6"},
		},
		Facts: []pdf.Fact{{Label: pdf.Text{En: "Cashier", Zh: "收银员"}, Value: "张伟"}},
		StatusHistory: []pdf.StatusChange{
			{Time: t0.Add(10 * time.Minute), Status: pdf.Text{En: "Open", Zh: "待处理"}, By: "张伟"},
			{Time: t0.Add(26 * time.Hour), Status: pdf.Text{En: "Contacted bank", Zh: "已联系银行"}, By: "王丽", Note: "工单号 GD20250315-0099"},
		},
		Timeline: []pdf.Event{
			{Time: t0.Add(25 * time.Hour), Who: "王丽", What: "致电发卡行客服 95588，坐席 3021 受理，要求提交书面材料。"},
			{Time: t0.Add(20 * time.Hour), Who: "顾客 Customer", What: "Came back with two debit SMS messages from the bank."},
		},
		Exhibits: []pdf.Exhibit{
			{FileName: "签购单.jpg", Caption: "第一笔交易的终端屏幕照片 Terminal screen of the first charge", Kind: pdf.ExhibitPhoto, MediaType: "image/jpeg", Original: mustRead(tb, "slip_portrait.jpg")},
			{FileName: "IMG_20250314_1433.jpg", Caption: "终端显示失败 Terminal showing FAILED", Kind: pdf.ExhibitPhoto, MediaType: "image/jpeg", Original: mustRead(tb, "terminal_landscape.jpg")},
			{FileName: "scan.jpg", Caption: "扫描的签购单（CMYK）Scanned slip", Kind: pdf.ExhibitScan, MediaType: "image/jpeg", Original: mustRead(tb, "scan_cmyk.jpg")},
			{FileName: "Screenshot_sms.png", Caption: "顾客的扣款短信截图 Customer's debit SMS", Kind: pdf.ExhibitScreenshot, MediaType: "image/png", Original: mustRead(tb, "sms_screenshot.png")},
			{FileName: "statement-2025-03.pdf", Caption: "银行对账单 Bank statement, March", Kind: pdf.ExhibitPDF, MediaType: "application/pdf", Original: mustRead(tb, "bank_statement.pdf")},
			{FileName: "statement-rotated.pdf", Caption: "对账单（第 2 页横向）Statement, page 2 rotated", Kind: pdf.ExhibitPDF, MediaType: "application/pdf", Original: mustRead(tb, "statement_rotated.pdf")},
			{FileName: "broken.pdf", Caption: "损坏的文件 A damaged file", Kind: pdf.ExhibitPDF, MediaType: "application/pdf", Original: mustRead(tb, "corrupt.pdf")},
			{FileName: "terminal.log", Caption: "终端日志 Terminal log", Kind: pdf.ExhibitText, MediaType: "text/plain", Original: log},
		},
	}
}

func build(tb testing.TB, p pdf.Packet) *pdf.Result {
	tb.Helper()
	r := &pdf.Renderer{Now: fixedNow}
	res, err := r.Build(context.Background(), p)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return res
}

// tool runs an installed program, skipping the test when it is missing.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (poppler-utils / qpdf)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// checkPDF runs the external checks every packet must pass and returns its text.
func checkPDF(t *testing.T, pdfBytes []byte) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "packet.pdf")
	if err := os.WriteFile(file, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	out := tool(t, "qpdf", "--check", file)
	if !strings.Contains(out, "No syntax or stream encoding errors") || strings.Contains(out, "WARNING") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	fonts := tool(t, "pdffonts", file)
	if !strings.Contains(strings.ToLower(fonts), "wenquanyi") {
		t.Errorf("pdffonts does not list the WenQuanYi font:\n%s", fonts)
	}
	for _, line := range strings.Split(fonts, "\n") {
		if strings.Contains(strings.ToLower(line), "wenquanyi") && !strings.Contains(line, "Identity-H       yes") {
			t.Errorf("font not embedded: %s", line)
		}
	}
	tool(t, "pdftoppm", "-r", "20", "-png", file, filepath.Join(dir, "page"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pngs) == 0 {
		t.Errorf("pdftoppm rendered no pages")
	}
	return tool(t, "pdftotext", "-enc", "UTF-8", file, "-")
}

func TestPacketPassesTools(t *testing.T) {
	for _, lang := range []pdf.Lang{pdf.LangZh, pdf.LangEn, pdf.LangBoth} {
		t.Run(string(lang), func(t *testing.T) {
			res := build(t, fixturePacket(t, lang))
			text := checkPDF(t, res.PDF)
			flat := strings.Join(strings.Fields(text), "")
			for _, want := range append([]string{shopName, "INC-2025-0042", "898310058121234"}, fixtureRRNs...) {
				if !strings.Contains(flat, want) {
					t.Errorf("pdftotext output lacks %q", want)
				}
			}
			// Imported statement pages keep their text.
			if !strings.Contains(text, "Closing balance") || !strings.Contains(text, "Example Bank") {
				t.Errorf("statement text missing from the packet")
			}
			// The full card number never appears; its masked form does.
			card := luhnCard("622848")
			if strings.Contains(flat, card) || bytes.Contains(res.PDF, []byte(card)) {
				t.Errorf("full card number printed")
			}
			if !strings.Contains(flat, card[:6]+strings.Repeat("*", 6)+card[12:]) {
				t.Errorf("masked card %s****** not in the text", card[:6])
			}
			if res.Pages != strings.Count(text, "\f") {
				t.Errorf("Result.Pages = %d, pdftotext found %d pages", res.Pages, strings.Count(text, "\f"))
			}
			sum := sha256.Sum256(res.PDF)
			if got, want := res.SHA256, hex.EncodeToString(sum[:]); got != want {
				t.Errorf("SHA256 = %s, want %s", got, want)
			}
			if res.Bytes != len(res.PDF) || int64(res.Bytes) > res.Preset.TargetBytes {
				t.Errorf("Bytes = %d (len %d), preset target %d", res.Bytes, len(res.PDF), res.Preset.TargetBytes)
			}
		})
	}
}

func TestPacketExhibits(t *testing.T) {
	res := build(t, fixturePacket(t, pdf.LangBoth))
	names := map[string]bool{}
	for i, e := range res.Exhibits {
		if len(e.Name) > 16 || e.Name == "" {
			t.Errorf("exhibit %d name %q: want 1-16 characters", i+1, e.Name)
		}
		for _, r := range e.Name {
			if r > 0x7e || !(r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				t.Errorf("exhibit name %q is not ASCII file-safe", e.Name)
			}
		}
		if names[e.Name] {
			t.Errorf("duplicate exhibit name %q", e.Name)
		}
		names[e.Name] = true
	}
	wantPages := []int{1, 1, 1, 1, 2, 2, 0, 1}
	for i, e := range res.Exhibits {
		if e.Pages != wantPages[i] {
			t.Errorf("exhibit %d (%s): %d pages, want %d", i+1, e.Name, e.Pages, wantPages[i])
		}
	}
	if p := res.Exhibits[6].Problem; p == "" {
		t.Errorf("corrupt PDF has no problem reported")
	}
	// Exhibits follow each other.
	for i := 1; i < len(res.Exhibits); i++ {
		prev, cur := res.Exhibits[i-1], res.Exhibits[i]
		if cur.Pages == 0 || prev.Pages == 0 {
			continue
		}
		if cur.FirstPage != prev.FirstPage+prev.Pages {
			t.Errorf("exhibit %d starts on page %d, want %d", i+1, cur.FirstPage, prev.FirstPage+prev.Pages)
		}
	}
}

func TestPacketByteIdentical(t *testing.T) {
	a := build(t, fixturePacket(t, pdf.LangBoth))
	b := build(t, fixturePacket(t, pdf.LangBoth))
	if !bytes.Equal(a.PDF, b.PDF) {
		t.Fatalf("two builds of the same packet differ (%d vs %d bytes)", len(a.PDF), len(b.PDF))
	}
}

// TestPacketGolden compares the bilingual packet with its golden file (the other languages are
// covered by the tool checks; one golden keeps the repository small).
func TestPacketGolden(t *testing.T) {
	for _, lang := range []pdf.Lang{pdf.LangBoth} {
		t.Run(string(lang), func(t *testing.T) {
			res := build(t, fixturePacket(t, lang))
			name := filepath.Join("testdata", "golden", "packet-"+strings.ReplaceAll(string(lang), "+", "-")+".pdf")
			if *update {
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, res.PDF, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/pdf -update to create it)", err)
			}
			if !bytes.Equal(res.PDF, want) {
				t.Errorf("packet differs from %s (%d vs %d bytes); if the change is intended, run go test ./internal/pdf -update and look at the pages", name, len(res.PDF), len(want))
			}
		})
	}
}

// TestLongContent: a story and a contact note longer than a page, and five transactions, still
// lay out (rows split across pages) without losing text.
func TestLongContent(t *testing.T) {
	p := fixturePacket(t, pdf.LangZh)
	p.Exhibits = nil
	long := strings.Repeat("银行客服表示需要进一步核查，请商户耐心等待并保留所有凭证。", 120)
	p.Letter.Story = long
	p.Timeline = append(p.Timeline, pdf.Event{Time: fixedNow(), Who: "王丽", What: long})
	for i := 0; i < 3; i++ {
		tx := p.Transactions[0]
		tx.RRN = fmt.Sprintf("40731234570%d", i)
		p.Transactions = append(p.Transactions, tx)
	}
	res := build(t, p)
	text := checkPDF(t, res.PDF)
	// Drop the footers, which pdftotext puts between the halves of text crossing a page.
	var kept []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.Contains(l, "INC-2025-0042 · 第") && !strings.HasPrefix(l, "生成于") {
			kept = append(kept, l)
		}
	}
	flat := strings.Join(strings.Fields(strings.Join(kept, "\n")), "")
	if !strings.Contains(flat, long) {
		t.Errorf("the story lost characters across pages")
	}
	// The timeline cell is split between pages too; its sentences are all there (a sentence cut
	// by the repeated table header may not count).
	if n, want := strings.Count(flat, "银行客服表示需要进一步核查，请商户耐心等待并保留所有凭证。"), 2*120-4; n < want {
		t.Errorf("found %d whole sentences, want at least %d", n, want)
	}
	for i := 0; i < 3; i++ {
		if rrn := fmt.Sprintf("40731234570%d", i); !strings.Contains(flat, rrn) {
			t.Errorf("RRN %s missing", rrn)
		}
	}
}

// TestNoFullCardNumberAnywhere puts a full card number in every free-text field of a packet:
// none reaches the PDF.
func TestNoFullCardNumberAnywhere(t *testing.T) {
	card := luhnCard("436742")
	p := fixturePacket(t, pdf.LangBoth)
	p.Exhibits = p.Exhibits[7:] // the log
	p.PartyName = "Bank " + card
	p.Shop.Address = "Road " + card
	p.Letter.Story, p.Letter.AskDetail, p.Letter.CaseNumber, p.Letter.Signatory = card, card, card, card
	p.Transactions[0].Settled, p.Transactions[0].MaskedCard = card, card
	p.Facts = append(p.Facts, pdf.Fact{Label: pdf.Text{En: "Note"}, Value: card})
	p.StatusHistory[0].Note = card
	p.Timeline[0].What = card
	p.Exhibits[0].Caption = card
	p.Exhibits[0].Original = append(append([]byte(nil), p.Exhibits[0].Original...), []byte("card "+card+"\n")...)
	res := build(t, p)
	text := checkPDF(t, res.PDF)
	if strings.Contains(strings.Join(strings.Fields(text), ""), card) {
		t.Errorf("full card number in the packet text")
	}
	if p.Letter.Story != card {
		t.Errorf("Build changed the caller's packet")
	}
}
