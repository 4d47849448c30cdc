package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/posdesk/posdesk/internal/datadir"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fakeSettings is an in-memory settings store that behaves like storage: writes need the
// owner's permission (posdesk.Authorize) and values are masked like free text.
type fakeSettings struct {
	values map[string]string
	writes []string // keys written, in order
	svc    *mock.SettingsService
}

func newFakeSettings(values map[string]string) *fakeSettings {
	f := &fakeSettings{values: map[string]string{}}
	for k, v := range values {
		f.values[k] = v
	}
	f.svc = &mock.SettingsService{
		SettingFn: func(_ context.Context, key, def string) (string, error) {
			if v, ok := f.values[key]; ok {
				return v, nil
			}
			return def, nil
		},
		SetSettingFn: func(ctx context.Context, key, value string) error {
			if err := posdesk.Authorize(ctx, posdesk.ActEditSettings); err != nil {
				return err
			}
			f.values[key] = posdesk.MaskText(value)
			f.writes = append(f.writes, key)
			return nil
		},
	}
	return f
}

// luhnMID returns a 15-digit merchant ID that passes the Luhn check, so storage masks it.
func luhnMID() string {
	for seq := 0; ; seq++ {
		mid := "89844035411" + strings.Repeat("0", 4-len(itoa(seq))) + itoa(seq)
		if posdesk.MaskText(mid) != mid {
			return mid
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestShopPane(t *testing.T) {
	set := newFakeSettings(map[string]string{posdesk.SettingShopName: "好运便利店", posdesk.SettingShopAcquirer: "拉卡拉"})
	w, _ := newTestWindow(t, Services{Settings: set.svc}, owner)
	p, _ := NewShopPane(w)
	if got := p.Form.Name.Text; got != "好运便利店" {
		t.Errorf("name loaded = %q", got)
	}
	if got := p.Form.Acquirer.Text; got != "拉卡拉" {
		t.Errorf("acquirer loaded = %q", got)
	}

	// Every field wrong at once: each message under its field, nothing saved.
	p.Form.Name.SetText("")
	p.Form.MerchantID.SetText("12345")
	p.Form.Phone.SetText("ask at the till")
	p.Form.Timezone.SetText("Mars/Olympus")
	test.Tap(p.Save)
	for _, f := range []string{"name", "merchant_id", "phone", "timezone"} {
		if p.Form.Error(f) == "" {
			t.Errorf("no error under %s", f)
		}
	}
	if p.Form.Error("address") != "" || p.Form.Error("") != "" {
		t.Errorf("errors on fields that are fine: address %q, general %q", p.Form.Error("address"), p.Form.Error(""))
	}
	if len(set.writes) != 0 {
		t.Fatalf("saved %v despite errors", set.writes)
	}

	// Fixed, with full-width digits from a Chinese input method.
	p.Form.Name.SetText(" 好运便利店  南山店 ")
	p.Form.MerchantID.SetText("８９８４４０３５４１１０００１")
	p.Form.Phone.SetText("0755-8888 6666")
	p.Form.Timezone.SetText("Asia/Hong_Kong")
	test.Type(p.Form.Contact, "李伟")
	test.Tap(p.Save)
	if msg := p.Form.Error("merchant_id"); msg != "" {
		t.Fatalf("merchant ID refused: %s", msg)
	}
	want := map[string]string{posdesk.SettingShopName: "好运便利店 南山店", posdesk.SettingShopMerchantID: "898440354110001",
		posdesk.SettingShopPhone: "0755-8888 6666", posdesk.SettingShopContact: "李伟", posdesk.SettingShopTimezone: "Asia/Hong_Kong",
		posdesk.SettingShopAcquirer: "拉卡拉"}
	for k, v := range want {
		if set.values[k] != v {
			t.Errorf("%s = %q, want %q", k, set.values[k], v)
		}
	}
	if strings.Contains(strings.Join(set.writes, ","), posdesk.SettingShopAcquirer) {
		t.Error("an unchanged setting was written again (an audit entry for nothing)")
	}
	if w.shopName.Text != "好运便利店 南山店" || w.Location.String() != "Asia/Hong_Kong" {
		t.Errorf("top bar %q, location %s after saving", w.shopName.Text, w.Location)
	}
	if p.Status.Text != "Saved." {
		t.Errorf("status = %q", p.Status.Text)
	}

	// A merchant ID that looks like a card number comes back masked from storage: said at the
	// field, not hidden.
	mid := luhnMID()
	p.Form.MerchantID.SetText(mid)
	test.Tap(p.Save)
	if msg := p.Form.Error("merchant_id"); !strings.Contains(msg, "masked") {
		t.Errorf("masked merchant ID %s not reported at the field: %q", mid, msg)
	}
}

func TestSettingsPanesAreOwnerOnly(t *testing.T) {
	set := newFakeSettings(nil)
	manager := &posdesk.User{Name: "Wang", Role: posdesk.RoleManager}
	w, _ := newTestWindow(t, Services{Settings: set.svc}, manager)
	shop, _ := NewShopPane(w)
	rem, _ := NewRemindersPane(w)
	packets, _ := NewPacketPane(w)
	for name, disabled := range map[string]bool{
		"shop save": shop.Save.Disabled(), "shop name": shop.Form.Name.Disabled(), "reminder days": rem.Days.Disabled(),
		"reminders save": rem.Save.Disabled(), "preset": packets.Preset.Disabled(), "packet save": packets.Save.Disabled(),
	} {
		if !disabled {
			t.Errorf("%s is enabled for a manager", name)
		}
	}
	// Storage refuses too, and the refusal shows.
	rem.Days.SetText("5, 1")
	rem.OnSave()
	if got := rem.errs.text("reminder_days") + rem.errs.text(""); got == "" {
		t.Error("a manager's write was not refused")
	}
	if len(set.writes) != 0 {
		t.Errorf("a manager wrote %v", set.writes)
	}
}

func TestRemindersPane(t *testing.T) {
	set := newFakeSettings(nil)
	w, _ := newTestWindow(t, Services{Settings: set.svc}, owner)
	p, _ := NewRemindersPane(w)
	if p.Days.Text != "7, 3, 1, 0" {
		t.Errorf("loaded %q, want the defaults", p.Days.Text)
	}
	p.Days.SetText("7, 120")
	p.OnSave()
	if p.errs.text("reminder_days") == "" || len(set.writes) != 0 {
		t.Fatalf("120 days: error %q, writes %v", p.errs.text("reminder_days"), set.writes)
	}
	p.Days.SetText("1 14 3")
	p.OnSave()
	if got := set.values[posdesk.SettingReminderDays]; got != "14, 3, 1" {
		t.Errorf("reminder days stored %q", got)
	}
	if p.errs.text("reminder_days") != "" || p.Days.Text != "14, 3, 1" || p.Status.Text != "Saved." {
		t.Errorf("after saving: error %q, field %q, status %q", p.errs.text("reminder_days"), p.Days.Text, p.Status.Text)
	}
	p2, _ := NewRemindersPane(w)
	if p2.Days.Text != "14, 3, 1" {
		t.Errorf("reopened with %q", p2.Days.Text)
	}
}

func TestPacketPane(t *testing.T) {
	set := newFakeSettings(map[string]string{posdesk.SettingPacketPreset: "carrier-pigeon", posdesk.SettingPacketParty: "issuing_bank"})
	w, _ := newTestWindow(t, Services{Settings: set.svc}, owner)
	p, _ := NewPacketPane(w)
	if p.errs.text("preset") == "" {
		t.Error("an unknown stored preset is not reported")
	}
	if got := p.Party.SelectedIndex(); got != 1 {
		t.Errorf("party chosen %d, want issuing bank (1)", got)
	}
	p.Preset.SetSelectedIndex(1) // visa
	p.Party.SetSelectedIndex(2)
	p.OnSave()
	if set.values[posdesk.SettingPacketPreset] != "visa" || set.values[posdesk.SettingPacketParty] != "qr_platform" {
		t.Errorf("stored %q, %q", set.values[posdesk.SettingPacketPreset], set.values[posdesk.SettingPacketParty])
	}
	if p.errs.text("preset") != "" {
		t.Error("the error stays after a good save")
	}
	// Fresh settings: the first preset and the acquirer.
	w2, _ := newTestWindow(t, Services{Settings: newFakeSettings(nil).svc}, owner)
	p2, _ := NewPacketPane(w2)
	if p2.Preset.SelectedIndex() != 0 || p2.Party.SelectedIndex() != 0 || p2.errs.text("preset") != "" {
		t.Errorf("defaults: preset %d, party %d, error %q", p2.Preset.SelectedIndex(), p2.Party.SelectedIndex(), p2.errs.text("preset"))
	}
}

// urlApp records the URLs it is asked to open.
type urlApp struct {
	fyne.App
	opened []*url.URL
}

func (a *urlApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u)
	return nil
}

func TestDataPane(t *testing.T) {
	w, q := newTestWindow(t, Services{DataFile: "/home/li/Dropbox/posdesk/posdesk.db"}, owner)
	if !w.Open("settings") {
		t.Fatal("no settings")
	}
	p, _ := NewDataPane(w)
	if p.Warning.Visible() {
		t.Error("warning shown before the check ran")
	}
	q.drain()
	if !p.Warning.Visible() || !strings.Contains(p.Warning.Text, "Dropbox") {
		t.Errorf("warning = %q (visible %v)", p.Warning.Text, p.Warning.Visible())
	}
	app := &urlApp{App: w.App}
	w.App = app
	test.Tap(p.Open)
	if len(app.opened) != 1 || app.opened[0].String() != "file:///home/li/Dropbox/posdesk" {
		t.Errorf("Open folder opened %v", app.opened)
	}
	p.SetRisk(datadir.Risk{Kind: datadir.Local})
	if p.Warning.Visible() {
		t.Error("warning stays for a local disk")
	}
	setLang(t, i18n.Chinese)
	if got := DataRiskMessage(datadir.Risk{Kind: datadir.Network, Why: `\\nas\shop`}); !strings.Contains(got, `网络驱动器上（\\nas\shop）`) {
		t.Errorf("Chinese network warning = %q", got)
	}
}
