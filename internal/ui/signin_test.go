package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"

	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fakeStaff is an in-memory staff store behind a mock.StaffService: accounts with PINs, the
// sign-ins it was asked for, and the PIN rules of the domain.
type fakeStaff struct {
	users   []*posdesk.User
	pins    map[int64]string
	signIns []string
}

func newFakeStaff(users ...*posdesk.User) (*fakeStaff, *mock.StaffService) {
	f := &fakeStaff{pins: map[int64]string{}}
	for _, u := range users {
		f.add(u.Name, u.Role, pinOf(u.Role))
	}
	m := &mock.StaffService{
		CountStaffFn: func(context.Context) (int, error) { return len(f.users), nil },
		FindUsersFn: func(_ context.Context, flt posdesk.StaffFilter) ([]*posdesk.User, error) {
			var out []*posdesk.User
			for _, u := range f.users {
				if flt.IncludeDisabled || !u.Disabled {
					c := *u
					out = append(out, &c)
				}
			}
			return out, nil
		},
		SignInFn: func(_ context.Context, name, pin string) (*posdesk.User, error) {
			f.signIns = append(f.signIns, name)
			for _, u := range f.users {
				if strings.EqualFold(u.Name, name) && f.pins[u.ID] == pin && !u.Disabled {
					c := *u
					return &c, nil
				}
			}
			return nil, posdesk.Errorf(posdesk.EFORBIDDEN, "The name or PIN is wrong.")
		},
		CreateFirstOwnerFn: func(_ context.Context, name, pin string) (*posdesk.User, error) {
			if len(f.users) > 0 {
				return nil, posdesk.Errorf(posdesk.ECONFLICT, "This shop already has staff accounts; sign in as an owner to add people.")
			}
			if err := posdesk.ValidatePIN(posdesk.RoleOwner, pin); err != nil {
				return nil, err
			}
			return f.add(name, posdesk.RoleOwner, pin), nil
		},
		CreateUserFn: func(ctx context.Context, name string, role posdesk.Role, pin string) (*posdesk.User, error) {
			if err := posdesk.Authorize(ctx, posdesk.ActManageStaff); err != nil {
				return nil, err
			}
			if err := posdesk.ValidatePIN(role, pin); err != nil {
				return nil, err
			}
			return f.add(name, role, pin), nil
		},
		UpdateUserFn: func(ctx context.Context, id int64, upd posdesk.StaffUpdate) (*posdesk.User, error) {
			for _, u := range f.users {
				if u.ID == id {
					if upd.Role != nil {
						u.Role = *upd.Role
					}
					if upd.Disabled != nil {
						u.Disabled = *upd.Disabled
					}
					c := *u
					return &c, nil
				}
			}
			return nil, posdesk.Errorf(posdesk.ENOTFOUND, "There is no member of staff called %v.", id)
		},
		SetPINFn: func(ctx context.Context, id int64, pin string) error {
			if !posdesk.CanSetPIN(posdesk.UserFromContext(ctx), id) {
				return posdesk.Errorf(posdesk.EFORBIDDEN, "Only an owner may set another person's PIN.")
			}
			f.pins[id] = pin
			return nil
		},
	}
	return f, m
}

func (f *fakeStaff) add(name string, role posdesk.Role, pin string) *posdesk.User {
	u := &posdesk.User{ID: int64(len(f.users) + 1), Name: name, Role: role}
	f.users = append(f.users, u)
	f.pins[u.ID] = pin
	c := *u
	return &c
}

func pinOf(r posdesk.Role) string {
	if r == posdesk.RoleCashier {
		return "4821"
	}
	return "902715"
}

// settingsWith returns a settings mock holding values, recording writes into it.
func settingsWith(values map[string]string) *mock.SettingsService {
	return &mock.SettingsService{
		SettingFn: func(_ context.Context, key, def string) (string, error) {
			if v, ok := values[key]; ok {
				return v, nil
			}
			return def, nil
		},
		SetSettingFn: func(_ context.Context, key, value string) error { values[key] = value; return nil },
	}
}

// clockWindow is newTestWindow with a clock the test moves.
func clockWindow(t *testing.T, s Services) (*Window, *queue, *time.Time) {
	t.Helper()
	w, q := newTestWindow(t, s, nil)
	now := testNow
	w.Now = func() time.Time { return now }
	return w, q, &now
}

func TestGateFirstRunCreatesOwner(t *testing.T) {
	f, staff := newFakeStaff()
	w, q, _ := clockWindow(t, Services{Staff: staff, Settings: settingsWith(map[string]string{})})
	g := NewGate(w)
	t.Cleanup(g.Close)
	g.Start()
	if !g.Locked() || g.FirstRun == nil {
		t.Fatal("a shop without staff does not show the first-run view")
	}
	v := g.FirstRun
	test.Type(v.Name, "王芳")
	test.Type(v.PIN, "902715")
	test.Type(v.Repeat, "902716")
	test.Tap(v.Button)
	if !v.Err.Visible() || !strings.Contains(v.Err.Text, "differ") || staff.CreateFirstOwnerInvoked {
		t.Fatalf("different PINs: %q", v.Err.Text)
	}
	v.PIN.SetText("1234")
	v.Repeat.SetText("1234")
	test.Tap(v.Button)
	q.drain()
	if !strings.Contains(v.Err.Text, "6 digits") {
		t.Errorf("short owner PIN: %q", v.Err.Text)
	}
	v.PIN.SetText("902715")
	v.Repeat.SetText("902715")
	test.Tap(v.Button)
	q.drain()
	if g.Locked() || w.User() == nil || w.User().Name != "王芳" || w.User().Role != posdesk.RoleOwner {
		t.Fatalf("after creating the owner: locked %v user %+v", g.Locked(), w.User())
	}
	if len(f.users) != 1 || w.Content() == v.box {
		t.Errorf("owner not created or the first-run view still shows")
	}
	if !w.Open("staff") {
		t.Error("the owner does not see the Staff section")
	}
}

func TestGateSignInAndSwitchUser(t *testing.T) {
	f, staff := newFakeStaff(&posdesk.User{Name: "王芳", Role: posdesk.RoleOwner}, &posdesk.User{Name: "小陈", Role: posdesk.RoleCashier})
	w, q, _ := clockWindow(t, Services{Staff: staff, Settings: settingsWith(map[string]string{})})
	g := NewGate(w)
	t.Cleanup(g.Close)
	g.Start()
	v := g.SignIn
	if v == nil || len(v.People) != 2 {
		t.Fatalf("sign-in view with %v", v)
	}
	// The records are hidden while nobody is signed in.
	if w.Content() != v.box {
		t.Error("the window shows more than the sign-in view")
	}
	test.Tap(v.People[1])
	if v.Name.Text != "小陈" {
		t.Errorf("tapping a person chose %q", v.Name.Text)
	}
	test.Type(v.PIN, "0000")
	v.PIN.OnSubmitted(v.PIN.Text)
	q.drain()
	if !g.Locked() || !strings.Contains(v.Err.Text, "wrong") || v.PIN.Text != "" {
		t.Fatalf("wrong PIN: locked %v err %q pin %q", g.Locked(), v.Err.Text, v.PIN.Text)
	}
	test.Type(v.PIN, "4821")
	test.Tap(v.Button)
	q.drain()
	if g.Locked() || w.User().Name != "小陈" {
		t.Fatalf("right PIN: locked %v user %+v", g.Locked(), w.User())
	}
	if w.Open("staff") {
		t.Error("a cashier sees the Staff section")
	}

	// Quick switch: the top-bar action locks; the owner signs in and gets fresh screens.
	var switchUser *Action
	for _, a := range Actions() {
		if a.ID == "switch-user" {
			switchUser = &a
		}
	}
	if switchUser == nil || !switchUser.Visible(w) {
		t.Fatal("no visible Switch user action")
	}
	switchUser.Run(w)
	if !g.Locked() || g.SignIn.Name.Text != "小陈" {
		t.Fatalf("after Switch user: locked %v name %q", g.Locked(), g.SignIn.Name.Text)
	}
	g.SignIn.Choose("王芳")
	test.Type(g.SignIn.PIN, "902715")
	test.Tap(g.SignIn.Button)
	q.drain()
	if g.Locked() || w.User().Name != "王芳" || !w.Open("staff") {
		t.Errorf("owner after switch: %+v", w.User())
	}
	if got, want := strings.Join(f.signIns, ","), "小陈,小陈,王芳"; got != want {
		t.Errorf("sign-ins %s, want %s", got, want)
	}
}

func TestGateLocksAfterIdle(t *testing.T) {
	_, staff := newFakeStaff(&posdesk.User{Name: "小陈", Role: posdesk.RoleCashier})
	settings := settingsWith(map[string]string{posdesk.SettingIdleLock: "5"})
	w, q, now := clockWindow(t, Services{Staff: staff, Settings: settings})
	g := NewGate(w)
	t.Cleanup(g.Close)
	g.Start()
	g.SignIn.Choose("小陈")
	test.Type(g.SignIn.PIN, "4821")
	test.Tap(g.SignIn.Button)
	q.drain()
	main := w.Content()

	// A dialog open at the till is hidden by the lock and comes back for the same person.
	d := dialog.NewInformation("x", "a form in progress", w)
	w.ShowDialog(d)
	*now = now.Add(4 * time.Minute)
	w.Ctx() // a service call counts as activity
	*now = now.Add(4*time.Minute + 59*time.Second)
	g.Tick()
	if g.Locked() {
		t.Fatal("locked 4:59 after the last activity")
	}
	*now = now.Add(time.Second)
	g.Tick()
	if !g.Locked() || w.Content() == main {
		t.Fatal("not locked 5 minutes after the last activity")
	}
	if overlays := w.Canvas().Overlays().List(); len(overlays) != 0 {
		t.Errorf("%d dialogs still over the lock screen", len(overlays))
	}
	// Typing in the sign-in view does not unlock anything by itself.
	test.Type(g.SignIn.PIN, "4821")
	test.Tap(g.SignIn.Button)
	q.drain()
	if g.Locked() || w.Content() != main || len(w.Canvas().Overlays().List()) != 1 {
		t.Errorf("same person back: locked %v, same screens %v, dialogs %d", g.Locked(), w.Content() == main, len(w.Canvas().Overlays().List()))
	}
	// 0 minutes: never lock.
	g.SetIdle(0)
	*now = now.Add(48 * time.Hour)
	g.Tick()
	if g.Locked() {
		t.Error("idle 0 locked")
	}
}

func TestSecurityPaneSavesIdle(t *testing.T) {
	_, staff := newFakeStaff(&posdesk.User{Name: "王芳", Role: posdesk.RoleOwner})
	values := map[string]string{}
	w, _, _ := clockWindow(t, Services{Staff: staff, Settings: settingsWith(values)})
	w.SetUser(&posdesk.User{ID: 1, Name: "王芳", Role: posdesk.RoleOwner})
	g := NewGate(w)
	t.Cleanup(g.Close)
	pane, _ := newSecurityPane(w)
	if pane.Idle.Text != "10" {
		t.Errorf("idle shown as %q, want the default 10", pane.Idle.Text)
	}
	pane.Idle.SetText("abc")
	pane.Save()
	if !pane.Err.Visible() {
		t.Error("minutes 'abc' accepted")
	}
	pane.Idle.SetText(" 3 ")
	pane.Save()
	if values[posdesk.SettingIdleLock] != "3" || g.session.Idle != 3*time.Minute {
		t.Errorf("saved %q, gate idle %v", values[posdesk.SettingIdleLock], g.session.Idle)
	}
}
