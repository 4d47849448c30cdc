package pdf_test

import (
	"strings"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"

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

func TestFromIncident(t *testing.T) {
	at := time.Date(2026, 9, 20, 6, 30, 0, 0, time.UTC)
	card := luhnCard("622848")
	masked, _ := posdesk.MaskCard(card)
	inc := &posdesk.Incident{ID: 7, Number: "INC-2026-0007", Kind: posdesk.IncidentDuplicateCharge, Cause: posdesk.Causes[0],
		Status: posdesk.IncidentWaitingForBank, Time: at, Amount: posdesk.CNY("58.00"), Story: "顾客被扣款两次。",
		CaseNumber: "GD-2026-0921", Deadline: posdesk.Date{Year: 2026, Month: 10, Day: 20},
		Transactions: []*posdesk.Transaction{
			{Time: at, Amount: posdesk.CNY("58.00"), Kind: posdesk.KindSale, Channel: posdesk.ChannelDebitCard, Status: posdesk.TxStatuses[0],
				Merchant: "898310058121234", Terminal: "61000042", Batch: "000318", Trace: "000123", RRN: "260920000120", Scheme: "UnionPay", Card: masked},
			{Time: at.Add(time.Minute), Amount: posdesk.CNY("58.00"), Kind: posdesk.KindSale, Channel: posdesk.ChannelDebitCard, Status: posdesk.TxStatuses[0],
				Terminal: "61000042", Trace: "000124", RRN: "260920000121", Card: masked},
		},
		Events: []*posdesk.IncidentEvent{
			{Time: at.Add(time.Hour), Actor: "王丽", Type: posdesk.EventCreated},
			{Time: at.Add(2 * time.Hour), Actor: "王丽", Type: posdesk.EventStatus, From: posdesk.IncidentOpen, To: posdesk.IncidentContacting},
			{Time: at.Add(3 * time.Hour), Actor: "王丽", Type: posdesk.EventAttachment, Detail: "slip.jpg"},
		},
		Contacts: []*posdesk.Contact{{Time: at.Add(26 * time.Hour), Channel: posdesk.ContactChannels[0], Party: posdesk.PartyAcquirer,
			Summary: "收单机构答应三个工作日内核查", Ticket: "GD-1", NextStep: "周五回电", CreatedBy: "王丽"}},
	}
	atts := []*posdesk.Attachment{
		{Kind: posdesk.AttachmentSlipPhoto, MediaType: posdesk.MediaJPEG, FileName: "slip.jpg", Caption: "签购单", Original: mustRead(t, "slip_portrait.jpg")},
		{Kind: posdesk.AttachmentStatement, MediaType: posdesk.MediaPDF, FileName: "statement.pdf", Caption: "对账单", Original: mustRead(t, "bank_statement.pdf")},
	}
	shop, loc := pdf.ShopFromSettings(func(k string) string {
		return map[string]string{pdf.SettingShopName: shopName, pdf.SettingShopTimezone: "Asia/Shanghai", pdf.SettingShopPhone: "021-5555-0188"}[k]
	})
	p := pdf.FromIncident(inc, atts, shop, loc, pdf.LangBoth, "")
	if p.Party != pdf.Acquirer || p.Letter.Ask != pdf.AskRefundCardholder || p.Shop.MerchantID != "898310058121234" {
		t.Errorf("party %s, ask %s, MID %q", p.Party, p.Letter.Ask, p.Shop.MerchantID)
	}
	res := build(t, p)
	text := checkPDF(t, res.PDF)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{shopName, "260920000120", "260920000121", "收单机构答应三个工作日内核查", "GD-2026-0921", "重复扣款", "Chargedtwice", "2026-10-20"} {
		if !strings.Contains(flat, want) {
			t.Errorf("packet text lacks %q", want)
		}
	}
}

// TestDomainTitlesTranslated checks the domain labels a packet prints (passed to the catalog as
// values, so the catalog test cannot see them) all have Chinese translations.
func TestDomainTitlesTranslated(t *testing.T) {
	var keys []string
	for _, k := range posdesk.IncidentKinds {
		keys = append(keys, k.Title())
	}
	for _, s := range posdesk.IncidentStatuses {
		keys = append(keys, s.Title())
	}
	for _, c := range posdesk.Causes {
		keys = append(keys, c.Title())
	}
	for _, o := range posdesk.Outcomes {
		keys = append(keys, o.Title())
	}
	for _, k := range posdesk.TxKinds {
		keys = append(keys, k.Title())
	}
	for _, c := range posdesk.Channels {
		keys = append(keys, c.Title())
	}
	for _, s := range posdesk.TxStatuses {
		keys = append(keys, s.Title())
	}
	for _, c := range posdesk.ContactChannels {
		keys = append(keys, c.Title())
	}
	for _, p := range posdesk.ContactParties {
		keys = append(keys, p.Title())
	}
	keys = append(keys, "Incident kind", "Cause", "Amount in question", "Incident status", "Outcome", "Incident logged")
	for _, k := range keys {
		if !i18n.Has(i18n.Chinese, k) {
			t.Errorf("no Chinese for %q", k)
		}
	}
}
