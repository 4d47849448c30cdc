package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var packetFlags struct {
	out, preset, party, shop, files *string
	grayscale                       *bool
	fs                              *flag.FlagSet // to read the global --lang as given ("zh+en")
}

func init() {
	register(&command{
		Name:    "packet",
		Usage:   "ID -o FILE.pdf [--preset P] [--lang zh|en|zh+en] [--party P] [--files 3,1,2] [--grayscale] [--shop NAME]",
		Summary: "Build the evidence packet (PDF) of an incident for the bank, acquirer or QR platform.",
		Flags: func(fs *flag.FlagSet) {
			packetFlags.fs = fs
			packetFlags.out = fs.String("o", "", "the PDF file to write")
			packetFlags.preset = fs.String("preset", "", "destination limits: acquirer, visa, mastercard, amex, stripe, paypal (default: the packet setting, else acquirer)")
			packetFlags.party = fs.String("party", "", "addressee: issuing_bank, acquirer or qr_platform (default: the packet setting, else from the incident)")
			packetFlags.grayscale = fs.Bool("grayscale", false, "print photos in grayscale (smaller; fine for receipts)")
			packetFlags.shop = fs.String("shop", "", "shop name on the letter (default: the shop.name setting)")
			packetFlags.files = fs.String("files", "", "attachments to enclose, by file number, in this order, e.g. 3,1,2 (default: all, in the order attached)")
		},
		Run: runPacket,
	})
}

// packetJSON is what --json prints.
type packetJSON struct {
	Incident string            `json:"incident"`
	File     string            `json:"file"`
	Pages    int               `json:"pages"`
	Bytes    int               `json:"bytes"`
	SHA256   string            `json:"sha256"`
	Preset   string            `json:"preset"`
	Limit    int64             `json:"limit_bytes"`
	MaxPages int               `json:"max_pages,omitempty"`
	Step     int               `json:"ladder_step"`
	Exhibits []packetJSONEntry `json:"exhibits"`
}

type packetJSONEntry struct {
	Name      string `json:"name"`
	FirstPage int    `json:"first_page,omitempty"`
	Pages     int    `json:"pages"`
	Problem   string `json:"problem,omitempty"`
}

func runPacket(e *env, args []string) error {
	f := &packetFlags
	ref, err := incOneArg(args, "posdesk packet INC-2026-0007 -o packet.pdf")
	if err != nil {
		return err
	}
	if *f.out == "" {
		return usagef("give the PDF file to write with -o FILE.pdf")
	}
	// Defaults from the packet settings, then the flags.
	presetName, _ := e.DB.Setting(e.Ctx, posdesk.SettingPacketPreset, "")
	if *f.preset != "" {
		presetName = *f.preset
	}
	preset, err := pdf.FindPreset(presetName)
	if err != nil {
		return err
	}
	// The packet's language: --lang as given (zh, en or zh+en), else the messages' language.
	lang := pdf.LangZh
	if e.Lang == i18n.English {
		lang = pdf.LangEn
	}
	if l := f.fs.Lookup("lang"); l != nil && l.Value.String() != "" {
		if lang, err = pdf.ParseLang(l.Value.String()); err != nil {
			return err
		}
	}
	var party pdf.Party
	partyName, _ := e.DB.Setting(e.Ctx, posdesk.SettingPacketParty, "")
	if *f.party != "" {
		partyName = *f.party
	}
	if partyName != "" {
		if party, err = pdf.ParseParty(partyName); err != nil {
			return err
		}
	}
	inc, err := incFind(e, ref)
	if err != nil {
		return err
	}
	if inc.Events == nil || inc.Contacts == nil {
		if inc, err = e.DB.FindIncidentByID(e.Ctx, inc.ID); err != nil {
			return err
		}
	}
	list, err := e.DB.FindAttachments(e.Ctx, inc.ID)
	if err != nil {
		return err
	}
	if *f.files != "" {
		if list, err = packetPick(list, *f.files, inc.Number); err != nil {
			return err
		}
	}
	atts := make([]*posdesk.Attachment, 0, len(list))
	for _, a := range list {
		full, err := e.DB.FindAttachmentByID(e.Ctx, a.ID)
		if err != nil {
			return err
		}
		atts = append(atts, full)
	}
	shop, loc := pdf.ShopFromSettings(func(key string) string {
		v, _ := e.DB.Setting(e.Ctx, key, "")
		return v
	})
	if loc == nil {
		loc = e.Loc
	}
	if *f.shop != "" {
		shop.Name = *f.shop
	}
	p := pdf.FromIncident(inc, atts, shop, loc, lang, party)
	p.Preset = preset.Name
	p.Grayscale = *f.grayscale
	if head, err := e.DB.AuditHead(e.Ctx); err == nil {
		p.AuditHead = head.Short()
	}
	res, err := (&pdf.Renderer{Now: e.Now}).Build(e.Ctx, p)
	if err != nil {
		return err
	}
	if err := rfWriteFile(*f.out, res.PDF); err != nil {
		return err
	}
	// A database open read-only cannot record the hash; the packet is still worth having.
	recorded := !e.DB.ReadOnly
	if recorded {
		if err := e.DB.SetPacketHash(e.Ctx, inc.ID, res.SHA256, e.Now()); err != nil {
			return err
		}
	}
	if e.JSON {
		out := packetJSON{Incident: inc.Number, File: *f.out, Pages: res.Pages, Bytes: res.Bytes, SHA256: res.SHA256,
			Preset: preset.Name, Limit: preset.TargetBytes, MaxPages: preset.MaxPages, Step: res.Step}
		for _, x := range res.Exhibits {
			out.Exhibits = append(out.Exhibits, packetJSONEntry{Name: x.Name, FirstPage: x.FirstPage, Pages: x.Pages, Problem: x.Problem})
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	limit := humanSize(preset.TargetBytes)
	if preset.MaxPages > 0 {
		limit = i18n.T("%[1]d pages, %[2]s", preset.MaxPages, humanSize(preset.TargetBytes))
	}
	fmt.Fprintln(e.Stdout, i18n.T("Wrote %[1]s: %[2]d pages, %[3]s (%[4]d bytes); %[5]s allows %[6]s.", *f.out, res.Pages, humanSize(int64(res.Bytes)), res.Bytes, i18n.T(preset.Title), limit))
	for _, x := range res.Exhibits {
		if x.Problem != "" {
			fmt.Fprintln(e.Stdout, i18n.T("Not included: %[1]s (%[2]s).", x.Name, x.ProblemText(e.Lang)))
		}
	}
	if !recorded {
		fmt.Fprintln(e.Stdout, i18n.T("SHA-256 %[1]s, not recorded on %[2]s: the database is open read-only.", res.SHA256, inc.Number))
		return nil
	}
	fmt.Fprintln(e.Stdout, i18n.T("SHA-256 %[1]s recorded on %[2]s.", res.SHA256, inc.Number))
	return nil
}

// packetPick returns the attachments named by a list of file numbers ("3,1,2"), in that order.
func packetPick(all []*posdesk.Attachment, list, number string) ([]*posdesk.Attachment, error) {
	byID := map[int64]*posdesk.Attachment{}
	for _, a := range all {
		byID[a.ID] = a
	}
	var out []*posdesk.Attachment
	seen := map[int64]bool{}
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "#")
		id, err := strconv.ParseInt(part, 10, 64)
		a := byID[id]
		if err != nil || a == nil {
			return nil, posdesk.Invalid("files", "%[1]q is not a file of %[2]s; posdesk incident show %[2]s lists its files with their numbers.", part, number)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, a)
		}
	}
	return out, nil
}

// humanSize formats bytes as "1.4 MB" (1 MB = 1,000,000 bytes, as the presets count).
func humanSize(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%d B", n)
}
