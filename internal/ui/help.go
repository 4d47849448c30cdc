package ui

import (
	"io/fs"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/assets"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// OrderHelp is the rail position of the Help section: last, below Settings.
const OrderHelp = 95

func init() {
	// The pages are about incidents: the section comes with the incident screens.
	RegisterSection(Section{ID: "help", Title: "Help", Icon: theme.IconNameHelp, Order: OrderHelp,
		Visible: func(w *Window) bool { return w.Services.Incidents != nil },
		Build:   func(w *Window) fyne.CanvasObject { return NewHelpScreen(w) }})
}

// HelpText returns the help page on topic in lang, as Markdown. Topics are incident kinds
// ("charged_but_failed"): what happened, the usual resolution, what to prepare before calling the
// bank, deadlines. A language without the page gets the English one; an unknown topic is
// ENOTFOUND.
func HelpText(lang i18n.Lang, topic string) (string, error) {
	if !posdesk.IncidentKind(topic).Valid() {
		return "", posdesk.Errorf(posdesk.ENOTFOUND, "There is no help page on %q.", topic)
	}
	for _, l := range []i18n.Lang{lang, i18n.English} {
		b, err := fs.ReadFile(assets.Help, "help/"+string(l)+"/"+topic+".md")
		if err == nil {
			return string(b), nil
		}
	}
	return "", posdesk.Errorf(posdesk.ENOTFOUND, "There is no help page on %q.", topic)
}

// newHelpPage returns the help page on topic in the current language, wrapped to its width.
func newHelpPage(topic string) *widget.RichText {
	md, err := HelpText(i18n.Current(), topic)
	if err != nil {
		md = i18n.Message(err)
	}
	rt := widget.NewRichTextFromMarkdown(md)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// ShowHelp shows the "what to do when ..." page of an incident kind ("duplicate_charge") in a
// dialog; the incident screens call it for the incident on screen. An unknown kind shows the
// general page (kind "other"). Esc closes it.
func ShowHelp(w *Window, kind string) {
	if !posdesk.IncidentKind(kind).Valid() {
		kind = string(posdesk.IncidentOther)
	}
	page := newHelpPage(kind)
	scroll := container.NewVScroll(container.NewPadded(page))
	title := i18n.T("What to do: %s", i18n.T(posdesk.IncidentKind(kind).Title()))
	d := dialog.NewCustom(title, i18n.T("Close"), scroll, w)
	size := w.Canvas().Size()
	d.Resize(fyne.NewSize(fyne.Min(760, size.Width-40), fyne.Min(600, size.Height-40)))
	w.ShowDialog(d)
}

// HelpScreen is the Help section: the incident kinds on the left, the page of the chosen one on
// the right.
type HelpScreen struct {
	widget.BaseWidget
	w      *Window
	topics []posdesk.IncidentKind
	list   *widget.List
	page   *widget.RichText
	scroll *container.Scroll
	intro  *widget.Label
	chosen string
}

// NewHelpScreen returns the Help section of w, showing the first kind's page.
func NewHelpScreen(w *Window) *HelpScreen {
	h := &HelpScreen{w: w, topics: append([]posdesk.IncidentKind(nil), posdesk.IncidentKinds...)}
	h.intro = &widget.Label{Text: i18n.T("What to do when a payment goes wrong: choose what happened."), Wrapping: fyne.TextWrapWord,
		TextStyle: fyne.TextStyle{Bold: true}}
	h.list = &widget.List{
		Length:     func() int { return len(h.topics) },
		CreateItem: func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(i18n.T(h.topics[i].Title()))
		},
		OnSelected: func(i widget.ListItemID) { h.show(string(h.topics[i])) },
	}
	h.page = newHelpPage(string(h.topics[0]))
	h.scroll = container.NewVScroll(container.NewPadded(h.page))
	h.ExtendBaseWidget(h)
	h.list.Select(0)
	return h
}

// CreateRenderer lays the list and the page side by side.
func (h *HelpScreen) CreateRenderer() fyne.WidgetRenderer {
	left := container.NewBorder(container.NewPadded(h.intro), nil, nil, nil, h.list)
	split := container.NewHSplit(left, h.scroll)
	split.Offset = 0.28
	return widget.NewSimpleRenderer(split)
}

// Select shows the page on topic (an incident kind). It reports whether the topic exists.
func (h *HelpScreen) Select(topic string) bool {
	for i, k := range h.topics {
		if string(k) == topic {
			h.list.Select(i)
			return true
		}
	}
	return false
}

// Topic returns the kind whose page is on screen.
func (h *HelpScreen) Topic() string { return h.chosen }

// PageText returns the text of the page on screen, without Markdown marks.
func (h *HelpScreen) PageText() string { return richTextString(h.page.Segments) }

// richTextString returns the text of rich-text segments, list items and paragraphs included
// (RichText.String leaves them out), one block a line.
func richTextString(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		switch x := s.(type) {
		case *widget.ListSegment:
			b.WriteString(richTextString(x.Items))
		case *widget.ParagraphSegment:
			b.WriteString(richTextString(x.Texts))
		default:
			b.WriteString(s.Textual())
		}
		if !s.Inline() {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func (h *HelpScreen) show(topic string) {
	if topic == h.chosen {
		return
	}
	h.chosen = topic
	md, err := HelpText(i18n.Current(), topic)
	if err != nil {
		md = i18n.Message(err)
	}
	h.page.ParseMarkdown(md)
	h.scroll.ScrollToTop()
}
