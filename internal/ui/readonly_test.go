package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// readOnlyPath is the database a read-only test window "opens".
const readOnlyPath = "/media/cdrom/posdesk.db"

// readOnlyNotice and readOnlyRefusal are what storage says about a read-only database file: at
// opening, and to every write.
var (
	readOnlyNotice  = posdesk.Errorf(posdesk.EFORBIDDEN, "The database file %s is read-only, so posdesk shows the records read-only and saves nothing. To work normally, make the file writable.", readOnlyPath)
	readOnlyRefusal = posdesk.Errorf(posdesk.EFORBIDDEN, "Nothing was saved: the database file %s is read-only. Make the file writable (or copy it to a folder you can write to), then start posdesk again.", readOnlyPath)
)

// newNoticeWindow is newTestWindow with a notice.
func newNoticeWindow(t *testing.T, s Services, u *posdesk.User, notice error) (*Window, *queue) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	q := &queue{}
	w := NewMainWindow(a, s, Config{User: u, Now: func() time.Time { return testNow }, Location: shanghai,
		Async: q.run, Size: fyne.NewSize(1280, 800), Notice: notice})
	w.Show()
	t.Cleanup(w.Close)
	return w, q
}

// visibleLabels returns the texts of the visible labels under o.
func visibleLabels(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *widget.Card:
			walk(x.Content)
		}
	}
	walk(o)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestReadOnlyWindow opens the window on a read-only database: the notice shows under the top
// bar (in the user's language) whatever section is open, and a write refused by storage shows
// the storage's message, naming the file and the fix.
func TestReadOnlyWindow(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		setLang(t, lang)
		fake := newFakeLedger(3)
		fake.svc.CreateTransactionFn = func(_ context.Context, _ *posdesk.Transaction) error { return readOnlyRefusal }
		w, q := newNoticeWindow(t, Services{Transactions: fake.svc, Incidents: newFakeIncidents().svc}, owner, readOnlyNotice)
		want := i18n.Message(readOnlyNotice)
		if lang == i18n.Chinese && (want == i18n.MessageIn(i18n.English, readOnlyNotice) || !strings.Contains(want, readOnlyPath)) {
			t.Fatalf("the notice is not translated: %q", want)
		}
		for _, id := range []string{"ledger", "incidents"} {
			if !w.Open(id) {
				t.Fatalf("%s not visible", id)
			}
			if got := visibleLabels(w.Content()); !contains(got, want) {
				t.Errorf("%s, %s: no banner %q among %q", lang, id, want, got)
			}
		}
		if w.Notice() != want {
			t.Errorf("Notice() = %q", w.Notice())
		}

		l := ledgerOf(t, w, q)
		test.Tap(l.add)
		f := l.form
		test.Type(f.amount, "12.50")
		test.Tap(f.save)
		q.drain()
		if got, want := f.general.Text, i18n.Message(readOnlyRefusal); got != want || !f.general.Visible() {
			t.Errorf("%s: refused save shows %q, want %q", lang, got, want)
		}
	}
}

// TestNoNoticeWithoutOne checks a window on a writable database has no banner.
func TestNoNoticeWithoutOne(t *testing.T) {
	w, _ := newTestWindow(t, Services{Transactions: newFakeLedger(1).svc}, owner)
	if w.Notice() != "" {
		t.Errorf("banner %q without a notice", w.Notice())
	}
}

// TestReadOnlySignInShowsNotice checks that the sign-in view says the database is read-only
// before anybody signs in.
func TestReadOnlySignInShowsNotice(t *testing.T) {
	setLang(t, i18n.English)
	_, staff := newFakeStaff(&posdesk.User{Name: "王芳", Role: posdesk.RoleOwner})
	w, _ := newNoticeWindow(t, Services{Staff: staff, Settings: settingsWith(map[string]string{})}, nil, readOnlyNotice)
	g := NewGate(w)
	t.Cleanup(g.Close)
	g.Start()
	if g.SignIn == nil || g.SignIn.Notice == nil || g.SignIn.Notice.Text != i18n.Message(readOnlyNotice) {
		t.Fatalf("sign-in view without the notice: %+v", g.SignIn)
	}
	if got := visibleLabels(w.Content()); !contains(got, i18n.Message(readOnlyNotice)) {
		t.Errorf("the notice is not on screen: %q", got)
	}
}

// The notice wraps inside the sign-in card: the card is as tall as its wrapped text, in both
// languages.
func TestReadOnlySignInNoticeFitsCard(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		setLang(t, lang)
		_, staff := newFakeStaff(&posdesk.User{Name: "王芳", Role: posdesk.RoleOwner})
		w, _ := newNoticeWindow(t, Services{Staff: staff, Settings: settingsWith(map[string]string{})}, nil, readOnlyNotice)
		g := NewGate(w)
		g.Start()
		w.Window.Resize(fyne.NewSize(1280, 800))
		n := g.SignIn.Notice
		card := g.SignIn.box.(*fyne.Container).Objects[0].(*fyne.Container).Objects[0]
		if n.Size().Height < 2*n.MinSize().Height/3 || n.Size().Width > card.Size().Width {
			t.Errorf("%s: notice %v (min %v) in a card of %v", lang, n.Size(), n.MinSize(), card.Size())
		}
		bottom := fyne.CurrentApp().Driver().AbsolutePositionForObject(n).Y + n.Size().Height
		cardBottom := fyne.CurrentApp().Driver().AbsolutePositionForObject(card).Y + card.Size().Height
		if bottom > cardBottom {
			t.Errorf("%s: the notice ends at %.0f, below the card's bottom %.0f", lang, bottom, cardBottom)
		}
		g.Close()
	}
}
