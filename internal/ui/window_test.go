package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// railTitles returns the labels of the navigation rail.
func railTitles(w *Window) []string {
	var out []string
	for _, o := range w.rail.Objects {
		out = append(out, o.(*widget.Button).Text)
	}
	return out
}

func TestWindowShowsOnlyWorkingSections(t *testing.T) {
	t.Run("no ledger service", func(t *testing.T) {
		w, _ := newTestWindow(t, Services{}, owner)
		if got := railTitles(w); len(got) != 1 || got[0] != "Settings" {
			t.Errorf("rail = %q, want only Settings", got)
		}
		if w.Current() != "settings" {
			t.Errorf("opened %q, want settings", w.Current())
		}
	})
	t.Run("ledger", func(t *testing.T) {
		w, _ := newTestWindow(t, Services{Transactions: newFakeLedger(1).svc}, owner)
		if got := railTitles(w); len(got) != 2 || got[0] != "Ledger" || got[1] != "Settings" {
			t.Errorf("rail = %q, want Ledger, Settings", got)
		}
		if w.Current() != "ledger" {
			t.Errorf("opened %q first, want ledger", w.Current())
		}
		if w.rail.Objects[0].(*widget.Button).Importance != widget.HighImportance {
			t.Error("the current section is not highlighted in the rail")
		}
	})
}

func TestWindowTopBar(t *testing.T) {
	settings := &mock.SettingsService{SettingFn: func(_ context.Context, key, def string) (string, error) {
		if key == SettingShopName {
			return "好运便利店", nil
		}
		return def, nil
	}}
	w, _ := newTestWindow(t, Services{Settings: settings}, &posdesk.User{Name: "Li Wei", Role: posdesk.RoleManager})
	if got := w.shopName.Text; got != "好运便利店" {
		t.Errorf("shop name = %q", got)
	}
	if got := w.userName.Text; got != "Li Wei (Manager)" {
		t.Errorf("signed-in person = %q", got)
	}
	setLang(t, i18n.Chinese)
	w.SetUser(&posdesk.User{Name: "小张", Role: posdesk.RoleCashier})
	if got := w.userName.Text; got != "小张（收银员）" {
		t.Errorf("signed-in person after switch = %q", got)
	}
}

func TestWindowActionHook(t *testing.T) {
	ran := 0
	ctrlN := &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	RegisterAction(Action{ID: "test-log-incident", Title: "Save", Primary: true, Shortcut: ctrlN,
		Run:     func(*Window) { ran++ },
		Visible: func(w *Window) bool { return w.User() != nil && w.User().Name == "action test" }})

	w, q := newTestWindow(t, Services{Transactions: newFakeLedger(1).svc}, &posdesk.User{Name: "action test", Role: posdesk.RoleOwner})
	if len(w.buttons.Objects) != 1 {
		t.Fatalf("top bar has %d buttons, want the registered action", len(w.buttons.Objects))
	}
	b := w.buttons.Objects[0].(*widget.Button)
	if b.Importance != widget.HighImportance {
		t.Error("a primary action is not a prominent button")
	}
	test.Tap(b)
	w.TypedShortcut(ctrlN)
	// The shortcut also works while typing in an entry.
	l := ledgerOf(t, w, q)
	w.Canvas().Focus(l.search)
	l.search.TypedShortcut(ctrlN)
	if ran != 3 {
		t.Errorf("action ran %d times, want 3 (button, Ctrl+N, Ctrl+N in an entry)", ran)
	}

	// Ctrl+F from the window focuses the ledger's search box.
	w.Canvas().Unfocus()
	w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if w.Canvas().Focused() != l.search {
		t.Error("Ctrl+F did not focus the search box")
	}

	w.SetUser(owner)
	if len(w.buttons.Objects) != 0 {
		t.Error("an action stays in the top bar for a user it is hidden from")
	}
}

// TestRegisteredTitlesTranslated checks that every section, action and settings pane title has
// a zh-Hans translation: titles are struct fields, which the catalog test cannot see.
func TestRegisteredTitlesTranslated(t *testing.T) {
	var titles []string
	for _, s := range Sections() {
		titles = append(titles, s.Title)
	}
	for _, a := range Actions() {
		titles = append(titles, a.Title)
	}
	for _, p := range SettingsPanes() {
		titles = append(titles, p.Title)
	}
	for _, title := range titles {
		if !i18n.Has(i18n.Chinese, title) {
			t.Errorf("no zh-Hans translation for the title %q", title)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	w, _ := newTestWindow(t, Services{}, owner)
	if got := StartLang(w.Prefs); got != i18n.Chinese {
		t.Errorf("with no choice StartLang = %s, want the system's zh-Hans", got)
	}
	pane := buildLanguagePane(w)
	var radio *widget.RadioGroup
	for _, o := range pane.(*fyne.Container).Objects {
		if r, ok := o.(*widget.RadioGroup); ok {
			radio = r
		}
	}
	radio.SetSelected("English")
	if got := w.Prefs.String(PrefLanguage); got != "en" {
		t.Errorf("saved language = %q, want en", got)
	}
	if got := StartLang(w.Prefs); got != i18n.English {
		t.Errorf("after choosing English StartLang = %s", got)
	}
	radio.SetSelected(radio.Options[0])
	if got := StartLang(w.Prefs); got != i18n.Chinese {
		t.Errorf("after choosing the system again StartLang = %s", got)
	}
}
