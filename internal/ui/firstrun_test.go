package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fakeDemo is a DemoData that adds n sales to a fake ledger, as the user in ctx.
type fakeDemo struct {
	ledger *fakeLedger
	n      int
	fail   error // returned by the next Load, then cleared
	loads  []string
}

func (d *fakeDemo) Shop() posdesk.Shop {
	return posdesk.Shop{Name: "Green Leaf Grocery 绿叶超市", MerchantID: "898440354110003", Acquirer: "银联商务"}
}

func (d *fakeDemo) Load(ctx context.Context, progress func(float64, string)) error {
	u := posdesk.UserFromContext(ctx)
	if u == nil {
		return errors.New("demo loaded with nobody acting")
	}
	d.loads = append(d.loads, u.Name)
	if err := d.fail; err != nil {
		d.fail = nil
		return err
	}
	for i := 0; i < d.n; i++ {
		progress(float64(i)/float64(d.n), "sales")
		d.ledger.rows = append(d.ledger.rows, newFakeLedger(1).rows[0])
	}
	return nil
}

// setupWindow returns a window on a brand-new shop: no staff, no settings, no records.
func setupWindow(t *testing.T, demo bool) (*Window, *queue, *fakeStaff, *fakeSettings, *fakeDemo) {
	t.Helper()
	f, staff := newFakeStaff()
	set := newFakeSettings(nil)
	ledger := newFakeLedger(0)
	d := &fakeDemo{ledger: ledger, n: 25}
	s := Services{Transactions: ledger.svc, Settings: set.svc, Staff: staff, Incidents: newFakeIncidents().svc}
	if demo {
		s.Demo = d
	}
	w, q := newTestWindow(t, s, nil)
	return w, q, f, set, d
}

func TestSetupWizardEnglishEmptyShop(t *testing.T) {
	w, q, staff, set, _ := setupWindow(t, false)
	g := NewGate(w)
	t.Cleanup(g.Close)
	z := g.StartSetup()
	if z == nil {
		t.Fatal("a new shop does not get the first-run wizard")
	}
	if got, want := strings.Join(z.steps, ","), "language,shop,owner,finish"; got != want {
		t.Errorf("steps = %s, want %s (no demo step without demo data)", got, want)
	}
	z.Lang.SetSelected("English") // already chosen: the system's language
	test.Tap(z.NextButton)
	if z.Step() != stepShop {
		t.Fatalf("step %s after language", z.Step())
	}
	if got := w.Prefs.String(PrefLanguage); got != "en" {
		t.Errorf("language saved as %q once the step is done", got)
	}

	// The shop: the name is required, a merchant ID has 15 digits.
	test.Tap(z.NextButton)
	if z.Step() != stepShop || z.Error("name") == "" {
		t.Fatalf("moved on without a shop name (step %s)", z.Step())
	}
	test.Type(z.Shop.Name, "Lucky Mart")
	test.Type(z.Shop.MerchantID, "12345")
	z.Shop.Name.OnSubmitted(z.Shop.Name.Text) // Enter moves on too
	if z.Step() != stepShop || !strings.Contains(z.Error("merchant_id"), "15 digits") {
		t.Fatalf("a 5-digit merchant ID passed: %q", z.Error("merchant_id"))
	}
	z.Shop.MerchantID.SetText("898310058120007")
	test.Type(z.Shop.Phone, "021-6888 1234")
	test.Tap(z.NextButton)
	if z.Step() != stepOwner {
		t.Fatalf("step %s, errors %q", z.Step(), z.Error("merchant_id"))
	}

	// Back keeps what was typed.
	test.Tap(z.BackButton)
	if z.Shop.Name.Text != "Lucky Mart" || z.Shop.Phone.Text != "021-6888 1234" {
		t.Errorf("back to the shop: %q %q", z.Shop.Name.Text, z.Shop.Phone.Text)
	}
	test.Tap(z.NextButton)

	// The owner: name, a PIN strong enough, typed twice the same.
	test.Type(z.Owner, "Li Wei")
	test.Type(z.PIN, "123456")
	test.Type(z.Repeat, "123456")
	test.Tap(z.NextButton)
	if z.Step() != stepOwner || !strings.Contains(z.Error("pin"), "too easy") {
		t.Fatalf("a straight-run PIN passed: %q", z.Error("pin"))
	}
	z.PIN.SetText("902715")
	z.Repeat.SetText("902716")
	test.Tap(z.NextButton)
	if z.Step() != stepOwner || !strings.Contains(z.Error("repeat"), "differ") {
		t.Fatalf("different PINs passed: %q", z.Error("repeat"))
	}
	z.Repeat.SetText("902715")
	test.Tap(z.NextButton)
	if z.Step() != stepFinish {
		t.Fatalf("step %s", z.Step())
	}
	if len(set.writes) != 0 || len(staff.users) != 0 {
		t.Fatal("something was stored before the last step")
	}
	if z.NextButton.Text != "Start posdesk" {
		t.Errorf("last button = %q", z.NextButton.Text)
	}

	test.Tap(z.NextButton)
	if !z.NextButton.Disabled() {
		t.Error("Start stays enabled while the work runs")
	}
	q.drain()
	if set.values[posdesk.SettingShopName] != "Lucky Mart" || set.values[posdesk.SettingShopMerchantID] != "898310058120007" ||
		set.values[posdesk.SettingShopPhone] != "021-6888 1234" {
		t.Errorf("settings stored: %v", set.values)
	}
	if len(staff.users) != 1 || staff.users[0].Name != "Li Wei" || staff.users[0].Role != posdesk.RoleOwner {
		t.Fatalf("owner not created: %+v", staff.users)
	}
	if g.Locked() || w.User() == nil || w.User().Name != "Li Wei" {
		t.Fatalf("after the wizard: locked %v, user %+v", g.Locked(), w.User())
	}
	if w.Current() != "ledger" || w.Content() != g.main {
		t.Errorf("the window shows %q, want the ledger", w.Current())
	}
	if w.shopName.Text != "Lucky Mart" {
		t.Errorf("top bar = %q", w.shopName.Text)
	}
	if got := strings.Join(railTitles(w), ","); !strings.Contains(got, "Ledger") || !strings.Contains(got, "Staff") {
		t.Errorf("rail = %s", got)
	}
	q.drain()
	if NeedsSetup(w) {
		t.Error("the shop still needs setting up after the wizard")
	}
}

func TestSetupWizardChineseDemoShop(t *testing.T) {
	w, q, staff, set, demo := setupWindow(t, true)
	g := NewGate(w)
	t.Cleanup(g.Close)
	z := g.StartSetup()
	if z.NextButton.Text != "Next" {
		t.Fatalf("the wizard does not start in English: %q", z.NextButton.Text)
	}
	// Choosing Chinese redraws the wizard in Chinese at once.
	z.Lang.SetSelected("简体中文")
	if i18n.Current() != i18n.Chinese || w.Prefs.String(PrefLanguage) != "zh-Hans" {
		t.Fatalf("language now %s, saved %q", i18n.Current(), w.Prefs.String(PrefLanguage))
	}
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	if z.NextButton.Text != "下一步" || z.Lang.Selected != "简体中文" {
		t.Errorf("after choosing Chinese: button %q, chosen %q", z.NextButton.Text, z.Lang.Selected)
	}
	test.Tap(z.NextButton)
	if z.Step() != stepData {
		t.Fatalf("step %s", z.Step())
	}
	z.Data.SetSelected(z.Data.Options[1])
	test.Tap(z.NextButton)
	if z.Shop.Name.Text != "Green Leaf Grocery 绿叶超市" || z.Shop.MerchantID.Text != "898440354110003" {
		t.Errorf("shop step not filled with the demo shop: %q %q", z.Shop.Name.Text, z.Shop.MerchantID.Text)
	}
	// Back to an empty shop clears the demo's details, forward to the demo fills them again.
	test.Tap(z.BackButton)
	z.Data.SetSelected(z.Data.Options[0])
	test.Tap(z.NextButton)
	if z.Shop.Name.Text != "" {
		t.Errorf("an empty shop keeps the demo's name %q", z.Shop.Name.Text)
	}
	test.Tap(z.BackButton)
	z.Data.SetSelected(z.Data.Options[1])
	test.Tap(z.NextButton)
	test.Tap(z.NextButton)
	if z.Step() != stepOwner {
		t.Fatalf("step %s: %q", z.Step(), z.Error("name"))
	}
	test.Type(z.Owner, "王芳")
	test.Type(z.PIN, "５８１３２０") // full-width digits from a Chinese input method
	test.Type(z.Repeat, "581320")
	test.Tap(z.NextButton)
	if z.Step() != stepFinish {
		t.Fatalf("step %s: pin %q repeat %q", z.Step(), z.Error("pin"), z.Error("repeat"))
	}

	// The demo fails once: the error shows, nothing is repeated on the second try.
	demo.fail = posdesk.Errorf(posdesk.EINTERNAL, "Something went wrong inside posdesk; the details are in the log file.")
	test.Tap(z.NextButton)
	q.drain()
	if z.Error("") == "" || z.NextButton.Disabled() || len(staff.users) != 0 {
		t.Fatalf("after a failed demo: error %q, start disabled %v, %d staff", z.Error(""), z.NextButton.Disabled(), len(staff.users))
	}
	writes := len(set.writes)
	test.Tap(z.NextButton)
	q.drain()
	if len(set.writes) != writes {
		t.Errorf("the second try wrote the settings again: %v", set.writes[writes:])
	}
	if got := strings.Join(demo.loads, ","); got != "王芳,王芳" {
		t.Errorf("demo loads acted as %q, want the owner twice", got)
	}
	if len(demo.ledger.rows) != demo.n {
		t.Errorf("ledger holds %d demo records, want %d", len(demo.ledger.rows), demo.n)
	}
	if w.User() == nil || w.User().Name != "王芳" || w.Current() != "ledger" {
		t.Fatalf("after the wizard: user %+v on %q", w.User(), w.Current())
	}
	if got := railTitles(w); got[0] != "账本" {
		t.Errorf("rail after choosing Chinese = %q", got)
	}
	if set.values[posdesk.SettingShopName] != "Green Leaf Grocery 绿叶超市" {
		t.Errorf("shop name stored %q", set.values[posdesk.SettingShopName])
	}
	if StartLang(w.Prefs) != i18n.Chinese {
		t.Error("the next start would not be in Chinese")
	}
}

func TestNeedsSetup(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *Services, set *fakeSettings, l *fakeLedger, f *fakeStaff)
		setup bool
	}{
		{"brand new", func(*Services, *fakeSettings, *fakeLedger, *fakeStaff) {}, true},
		{"shop named", func(_ *Services, set *fakeSettings, _ *fakeLedger, _ *fakeStaff) {
			set.values[posdesk.SettingShopName] = "Lucky Mart"
		}, false},
		{"records already", func(_ *Services, _ *fakeSettings, l *fakeLedger, _ *fakeStaff) {
			l.rows = newFakeLedger(3).rows
		}, false},
		{"staff already", func(_ *Services, _ *fakeSettings, _ *fakeLedger, f *fakeStaff) {
			f.add("Li Wei", posdesk.RoleOwner, "902715")
		}, false},
		{"no ledger service", func(s *Services, _ *fakeSettings, _ *fakeLedger, _ *fakeStaff) { s.Transactions = nil }, false},
	}
	for _, tt := range tests {
		f, staff := newFakeStaff()
		set := newFakeSettings(nil)
		l := newFakeLedger(0)
		s := Services{Transactions: l.svc, Settings: set.svc, Staff: staff}
		tt.edit(&s, set, l, f)
		w, _ := newTestWindow(t, s, nil)
		if got := NeedsSetup(w); got != tt.setup {
			t.Errorf("%s: NeedsSetup = %v", tt.name, got)
		}
		g := NewGate(w)
		z := g.StartSetup()
		if (z != nil) != tt.setup {
			t.Errorf("%s: wizard shown %v", tt.name, z != nil)
		}
		if !tt.setup && s.Staff != nil && g.FirstRun == nil && g.SignIn == nil {
			t.Errorf("%s: neither the first-run view nor sign-in shows", tt.name)
		}
		g.Close()
	}
}
