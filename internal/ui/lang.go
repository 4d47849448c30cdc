package ui

import (
	"fyne.io/fyne/v2"

	"github.com/posdesk/posdesk/internal/i18n"
)

// PrefLanguage is the preference key of the language chosen in Settings: "zh-Hans", "en", or
// empty to follow the system.
const PrefLanguage = "language"

// StartLang returns the language the app starts in: the one chosen in Settings (saved in p), or
// the system's (i18n.SystemLang) when none was chosen. cmd/posdesk calls it before building the
// window, since a language change applies at the next start.
func StartLang(p fyne.Preferences) i18n.Lang {
	if p != nil {
		switch l := i18n.Lang(p.String(PrefLanguage)); l {
		case i18n.Chinese, i18n.English:
			return l
		}
	}
	return i18n.SystemLang()
}
