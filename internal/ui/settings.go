package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
)

// SettingsPane is one group of settings (shop details, staff, thresholds, backups...) shown as a
// card in the Settings section. Rooms register theirs from init with RegisterSettingsPane.
type SettingsPane struct {
	ID    string // stable identifier
	Title string // English card title; also its translation key
	Order int    // position, small first
	// Build creates the pane's content for w; it runs each time the Settings section is built.
	Build func(w *Window) fyne.CanvasObject
	// Visible reports whether the pane applies to w's services and user; nil means always.
	Visible func(w *Window) bool
}

var panes []SettingsPane

// RegisterSettingsPane adds a pane to the Settings section. Call it from init.
func RegisterSettingsPane(p SettingsPane) {
	for _, o := range panes {
		if o.ID == p.ID {
			panic("ui: settings pane registered twice: " + p.ID)
		}
	}
	panes = append(panes, p)
	sort.SliceStable(panes, func(i, j int) bool { return panes[i].Order < panes[j].Order })
}

// SettingsPanes returns the registered settings panes in order.
func SettingsPanes() []SettingsPane { return append([]SettingsPane(nil), panes...) }

func init() {
	RegisterSection(Section{ID: "settings", Title: "Settings", Icon: theme.IconNameSettings, Order: OrderSettings,
		Build: buildSettings})
	RegisterSettingsPane(SettingsPane{ID: "shop", Title: "Shop", Order: 10, Build: buildShopPane,
		Visible: func(w *Window) bool { return w.Services.Settings != nil }})
	RegisterSettingsPane(SettingsPane{ID: "language", Title: "Language", Order: 80, Build: buildLanguagePane})
}

func buildSettings(w *Window) fyne.CanvasObject {
	box := container.NewVBox()
	for _, p := range panes {
		if w.visible(p.Visible) {
			box.Add(widget.NewCard(i18n.T(p.Title), "", p.Build(w)))
		}
	}
	return container.NewVScroll(box)
}

// languagePane lets the user choose the language of this PC's posdesk.
type languagePane struct {
	w      *Window
	radio  *widget.RadioGroup
	status *widget.Label
	values []string // preference value per radio option
}

func buildLanguagePane(w *Window) fyne.CanvasObject {
	p := &languagePane{w: w, status: &widget.Label{Importance: widget.SuccessImportance}}
	options := []string{i18n.T("Same as the system (%s)", i18n.SystemLang().Name())}
	p.values = []string{""}
	for _, l := range i18n.Langs {
		options = append(options, l.Name())
		p.values = append(p.values, string(l))
	}
	p.radio = widget.NewRadioGroup(options, nil)
	p.radio.Required = true
	chosen := w.Prefs.String(PrefLanguage)
	for i, v := range p.values {
		if v == chosen {
			p.radio.Selected = options[i]
		}
	}
	p.radio.OnChanged = p.onChanged
	note := &widget.Label{Text: i18n.T("A new choice applies at the next start of posdesk."), TextStyle: fyne.TextStyle{Italic: true}}
	return container.NewVBox(p.radio, note, p.status)
}

func (p *languagePane) onChanged(option string) {
	for i, o := range p.radio.Options {
		if o == option {
			p.w.Prefs.SetString(PrefLanguage, p.values[i])
			p.status.SetText(i18n.T("Saved. Restart posdesk to see it in the new language."))
			return
		}
	}
}
