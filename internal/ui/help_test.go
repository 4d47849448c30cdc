package ui

import (
	"io/fs"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/assets"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// helpHeadings are the section headings every help page has, per language.
var helpHeadings = map[i18n.Lang][]string{
	i18n.English: {"## What happened", "## Usual resolution", "## What to do now", "## Before you call the bank", "## Deadlines"},
	i18n.Chinese: {"## 发生了什么", "## 通常怎么解决", "## 现在要做什么", "## 打电话给银行之前准备", "## 时限"},
}

// TestHelpForEveryKind reads the embedded files themselves (no English fallback): every incident
// kind has a page in both languages, titled with the kind's translated title, with every section.
func TestHelpForEveryKind(t *testing.T) {
	for _, lang := range i18n.Langs {
		for _, k := range posdesk.IncidentKinds {
			b, err := fs.ReadFile(assets.Help, "help/"+string(lang)+"/"+string(k)+".md")
			if err != nil {
				t.Errorf("%s: no help page for %s: %v", lang, k, err)
				continue
			}
			md := string(b)
			first, _, _ := strings.Cut(md, "\n")
			if got, want := first, "# "+i18n.In(lang, k.Title()); got != want {
				t.Errorf("%s/%s.md title = %q, want %q", lang, k, got, want)
			}
			last := -1
			for _, h := range helpHeadings[lang] {
				i := strings.Index(md, "\n"+h+"\n")
				if i < 0 {
					t.Errorf("%s/%s.md has no section %q", lang, k, h)
					continue
				}
				if i < last {
					t.Errorf("%s/%s.md: section %q out of order", lang, k, h)
				}
				last = i
				// The section is not empty.
				body, _, _ := strings.Cut(md[i+len(h)+2:], "\n## ")
				if len(strings.TrimSpace(body)) < 20 {
					t.Errorf("%s/%s.md: section %q is nearly empty: %q", lang, k, h, body)
				}
			}
		}
	}
	// No page for a kind that does not exist (a renamed kind leaves no orphan behind).
	for _, lang := range i18n.Langs {
		entries, err := fs.ReadDir(assets.Help, "help/"+string(lang))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if k := posdesk.IncidentKind(strings.TrimSuffix(e.Name(), ".md")); !k.Valid() {
				t.Errorf("help/%s/%s is not the page of any incident kind", lang, e.Name())
			}
		}
	}
}

func TestHelpTextFallsBackAndRefusesUnknownTopics(t *testing.T) {
	zh, err := HelpText(i18n.Chinese, "duplicate_charge")
	if err != nil || !strings.HasPrefix(zh, "# 重复扣款") {
		t.Errorf("Chinese page = %.20q, %v", zh, err)
	}
	if _, err := HelpText(i18n.English, "../../i18n/zh-Hans/ui.json"); posdesk.ErrorCode(err) != posdesk.ENOTFOUND {
		t.Errorf("a path as topic: err = %v, want ENOTFOUND", err)
	}
	if _, err := HelpText(i18n.Lang("fr"), "wrong_amount"); err != nil {
		t.Errorf("a language without pages does not fall back to English: %v", err)
	}
}

// overlayText returns the text shown in the window's top overlay (a dialog): the rich texts
// laid out in it, which include those inside labels.
func overlayText(w *Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range test.LaidOutObjects(top) {
		if rt, ok := o.(*widget.RichText); ok {
			b.WriteString(richTextString(rt.Segments) + "\n")
		}
	}
	return b.String()
}

func TestShowHelpForAKind(t *testing.T) {
	w, _ := newTestWindow(t, Services{}, owner)
	ShowHelp(w, "duplicate_charge")
	got := overlayText(w)
	for _, want := range []string{"What to do: Charged twice", "Refund one of the two charges", "Visa 12.6.1"} {
		if !strings.Contains(got, want) {
			t.Errorf("help dialog lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "## ") || strings.Contains(got, "**") {
		t.Error("the dialog shows Markdown marks instead of formatted text")
	}
	w.Escape()
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Esc did not close the help dialog")
	}

	setLang(t, i18n.Chinese)
	ShowHelp(w, "no_such_kind")
	got = overlayText(w)
	if !strings.Contains(got, "处理办法：其他问题") || !strings.Contains(got, "银联调单须在调单请求后20天内回复") {
		t.Errorf("unknown kind in Chinese: want the general page, got:\n%s", got)
	}
}

func TestHelpSection(t *testing.T) {
	setLang(t, i18n.Chinese)
	w, q := newTestWindow(t, Services{Incidents: newFakeIncidents().svc}, owner)
	q.drain()
	setLang(t, i18n.Chinese) // newTestWindow switches to English
	if !w.Open("help") {
		t.Fatal("the Help section is not in the rail")
	}
	h := w.Built("help").(*HelpScreen)
	if got, want := h.Topic(), "charged_but_failed"; got != want {
		t.Errorf("first topic = %q, want %q", got, want)
	}
	if !h.Select("wrong_amount") {
		t.Fatal("Select(wrong_amount) = false")
	}
	if got := h.PageText(); !strings.Contains(got, "贷记调整") {
		t.Errorf("wrong_amount page in Chinese lacks 贷记调整:\n%s", got)
	}
	if h.Select("nonsense") {
		t.Error("Select of an unknown topic reported true")
	}
	if got := h.Topic(); got != "wrong_amount" {
		t.Errorf("after an unknown topic the page changed to %q", got)
	}
}
