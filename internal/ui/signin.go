package ui

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Gate is the sign-in gate of a window. While it is closed the window shows only the sign-in
// view (or, in a shop without staff accounts, the first-run view that creates the owner);
// records stay hidden. It closes again after the idle time (setting lock.idle_minutes, 10 by
// default), and on "Switch user". Signing back in as the same person brings back the screens
// as they were, open dialogs included; another person gets fresh screens.
//
// cmd/posdesk creates it right after the window:
//
//	w := ui.NewMainWindow(a, services, ui.Config{})
//	g := ui.NewGate(w)
//	g.Start()   // first run or sign-in
//	g.Run()     // the idle ticker
//
// The signed-in user is then w.User(), and w.Ctx() acts as them.
type Gate struct {
	w       *Window
	session posdesk.Session
	main    fyne.CanvasObject
	locked  bool
	// active is the time of the last activity (unix nanoseconds, 0: none since unlocking):
	// Touch may be called from any goroutine that calls Window.Ctx.
	active atomic.Int64
	hidden []fyne.CanvasObject // overlays (dialogs) taken off the window while locked
	stop   chan struct{}

	// SignIn and FirstRun are the views on screen while the gate is closed (one of them, or
	// nil); tests drive them.
	SignIn   *SignInView
	FirstRun *FirstRunView
}

// gates finds the gate of a window, for the "Switch user" action.
var gates = map[*Window]*Gate{}

func init() {
	RegisterAction(Action{
		ID: "switch-user", Title: "Switch user", Order: 90,
		Icon:     theme.IconNameAccount,
		Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault},
		Visible:  func(w *Window) bool { return w.Services.Staff != nil && gates[w] != nil && w.User() != nil },
		Run: func(w *Window) {
			if g := gates[w]; g != nil {
				g.Lock()
			}
		},
	})
}

// NewGate puts a sign-in gate in front of w. It does nothing until Start.
func NewGate(w *Window) *Gate {
	g := &Gate{w: w, main: w.Content()}
	gates[w] = g
	w.OnActivity = g.Touch
	return g
}

// Start closes the gate: the first-run view when the shop has no staff accounts yet, else the
// sign-in view. Without a staff service (screen tests of other rooms) it leaves the window as
// it is.
func (g *Gate) Start() {
	if g.w.Services.Staff == nil {
		return
	}
	n, err := g.w.Services.Staff.CountStaff(context.Background())
	if err == nil && n == 0 {
		g.showFirstRun()
		return
	}
	g.Lock()
}

// Run starts the ticker that locks the window after the idle time. Close stops it.
func (g *Gate) Run() {
	g.stop = make(chan struct{})
	t := time.NewTicker(15 * time.Second)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fyne.Do(g.Tick)
			case <-g.stop:
				return
			}
		}
	}()
}

// Close stops the ticker and forgets the window.
func (g *Gate) Close() {
	if g.stop != nil {
		close(g.stop)
		g.stop = nil
	}
	delete(gates, g.w)
}

// Locked reports whether the gate is closed.
func (g *Gate) Locked() bool { return g.locked }

// Touch records that somebody is using the window. It is safe from any goroutine; activity
// while the gate is closed is ignored at the next Tick or sign-in.
func (g *Gate) Touch() { g.active.Store(g.w.Now().UnixNano()) }

// Tick locks the window when it has been idle long enough; the ticker calls it, tests too.
func (g *Gate) Tick() {
	if g.locked || g.session.User == nil {
		return
	}
	if t := g.active.Load(); t != 0 {
		g.session.Touch(time.Unix(0, t))
	}
	if g.session.Locked(g.w.Now()) {
		g.Lock()
	}
}

// SetIdle changes the idle time (0: never lock), as the Security settings pane saves it.
func (g *Gate) SetIdle(d time.Duration) { g.session.Idle = d }

// idleSetting reads lock.idle_minutes.
func (g *Gate) idleSetting() time.Duration {
	if g.w.Services.Settings == nil {
		return posdesk.DefaultIdleLock
	}
	v, err := g.w.Services.Settings.Setting(context.Background(), posdesk.SettingIdleLock, "")
	if err != nil || strings.TrimSpace(v) == "" {
		return posdesk.DefaultIdleLock
	}
	m, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || m < 0 {
		return posdesk.DefaultIdleLock
	}
	return time.Duration(m) * time.Minute
}

// Lock closes the gate: open dialogs are hidden and the sign-in view covers the window, with
// the person who was signed in chosen.
func (g *Gate) Lock() {
	if g.w.Services.Staff == nil {
		return
	}
	if !g.locked {
		g.main = g.w.Content()
		g.hidden = nil
		for _, o := range g.w.Canvas().Overlays().List() {
			g.hidden = append(g.hidden, o)
		}
		for _, o := range g.hidden {
			g.w.Canvas().Overlays().Remove(o)
		}
	}
	g.locked = true
	g.FirstRun = nil
	g.SignIn = newSignInView(g)
	g.w.SetContent(g.SignIn.box)
	if g.SignIn.Name.Text == "" {
		g.w.Canvas().Focus(g.SignIn.Name)
	} else {
		g.w.Canvas().Focus(g.SignIn.PIN)
	}
}

// open lets u in: the screens come back as they were for the same person, afresh for another.
func (g *Gate) open(u *posdesk.User) {
	prev := g.w.User()
	same := prev != nil && prev.ID == u.ID && prev.Role == u.Role && prev.Name == u.Name
	g.locked = false
	g.SignIn, g.FirstRun = nil, nil
	g.w.SetContent(g.main)
	if same {
		for _, o := range g.hidden {
			g.w.Canvas().Overlays().Add(o)
		}
	} else {
		g.w.SetUser(u)
	}
	g.hidden = nil
	g.session = posdesk.Session{User: u, Last: g.w.Now(), Idle: g.idleSetting()}
	g.active.Store(0)
}

// SignInView asks who is there and their PIN. The staff appear as buttons, so switching user
// at the till is a tap and a PIN.
type SignInView struct {
	g      *Gate
	Name   *Entry
	PIN    *Entry
	Err    *widget.Label
	Button *widget.Button
	People []*widget.Button // one per enabled account
	Notice *widget.Label    // the window's notice (a read-only database), or nil
	box    fyne.CanvasObject
}

func newSignInView(g *Gate) *SignInView {
	w := g.w
	v := &SignInView{g: g, Name: w.NewEntry(), PIN: w.NewEntry(), Err: errorLabel()}
	v.PIN.Password = true
	v.Name.SetPlaceHolder(i18n.T("Your name"))
	v.PIN.SetPlaceHolder(i18n.T("PIN"))
	v.Name.OnSubmitted = func(string) { w.Canvas().Focus(v.PIN) }
	v.PIN.OnSubmitted = func(string) { v.Submit() }
	v.Button = &widget.Button{Text: i18n.T("Sign in"), Importance: widget.HighImportance, OnTapped: v.Submit}
	people := container.NewGridWrap(fyne.NewSize(160, 44))
	if users, err := w.Services.Staff.FindUsers(context.Background(), posdesk.StaffFilter{}); err == nil {
		for _, u := range users {
			b := &widget.Button{Text: u.Name, OnTapped: func() { v.Choose(u.Name) }}
			v.People = append(v.People, b)
			people.Add(b)
		}
	} else {
		setError(v.Err, i18n.Message(err))
	}
	title := i18n.T("Sign in")
	if u := w.User(); u != nil {
		v.Name.SetText(u.Name)
		title = i18n.T("posdesk is locked")
	}
	form := container.New(&formLayout{}, fieldLabel(i18n.T("Name")), v.Name, fieldLabel(i18n.T("PIN")), v.PIN)
	body := container.NewVBox(people, form, v.Err, v.Button)
	if w.notice != nil {
		v.Notice = &widget.Label{Text: w.notice.Text, Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
		body.Add(v.Notice)
	}
	card := widget.NewCard(title, w.shopTitle(), body)
	v.box = container.NewCenter(container.New(fixedWidth(560), card))
	return v
}

// Choose picks a person from the buttons and moves to the PIN.
func (v *SignInView) Choose(name string) {
	v.Name.SetText(name)
	v.PIN.SetText("")
	setError(v.Err, "")
	v.g.w.Canvas().Focus(v.PIN)
}

// Submit signs in with the name and PIN typed. The check takes about 100 ms (argon2id), so it
// runs off the UI goroutine.
func (v *SignInView) Submit() {
	name, pin := strings.TrimSpace(v.Name.Text), v.PIN.Text
	if name == "" {
		setError(v.Err, i18n.T("Choose your name or type it."))
		return
	}
	v.Button.Disable()
	staff := v.g.w.Services.Staff
	v.g.w.Async(func() {
		u, err := staff.SignIn(context.Background(), name, pin)
		fyne.Do(func() {
			v.Button.Enable()
			v.PIN.SetText("")
			if err != nil {
				setError(v.Err, i18n.Message(err))
				return
			}
			v.g.open(u)
		})
	})
}

// FirstRunView creates the shop's first owner, the first time posdesk opens.
type FirstRunView struct {
	g      *Gate
	Name   *Entry
	PIN    *Entry
	Repeat *Entry
	Err    *widget.Label
	Button *widget.Button
	box    fyne.CanvasObject
}

func (g *Gate) showFirstRun() {
	w := g.w
	v := &FirstRunView{g: g, Name: w.NewEntry(), PIN: w.NewEntry(), Repeat: w.NewEntry(), Err: errorLabel()}
	v.PIN.Password, v.Repeat.Password = true, true
	v.PIN.SetPlaceHolder(i18n.T("At least %d digits", posdesk.MinPINManager))
	v.Repeat.OnSubmitted = func(string) { v.Submit() }
	v.Button = &widget.Button{Text: i18n.T("Create the owner"), Importance: widget.HighImportance, OnTapped: v.Submit}
	intro := &widget.Label{Text: i18n.T("Welcome. First create the owner's account: the owner adds the other staff and signs in with this PIN."), Wrapping: fyne.TextWrapWord}
	form := container.New(&formLayout{}, fieldLabel(i18n.T("Owner's name")), v.Name, fieldLabel(i18n.T("PIN")), v.PIN,
		fieldLabel(i18n.T("PIN again")), v.Repeat)
	card := widget.NewCard(i18n.T("Set up posdesk"), "", container.NewVBox(intro, form, v.Err, v.Button))
	v.box = container.NewCenter(container.NewGridWrap(fyne.NewSize(560, card.MinSize().Height+40), card))
	if !g.locked {
		g.main = w.Content()
	}
	g.locked = true
	g.SignIn, g.FirstRun = nil, v
	w.SetContent(v.box)
	w.Canvas().Focus(v.Name)
}

// Submit creates the owner and signs them in.
func (v *FirstRunView) Submit() {
	name, pin := strings.TrimSpace(v.Name.Text), v.PIN.Text
	if pin != v.Repeat.Text {
		setError(v.Err, i18n.T("The two PINs differ; type the same PIN twice."))
		return
	}
	v.Button.Disable()
	staff := v.g.w.Services.Staff
	v.g.w.Async(func() {
		ctx := context.Background()
		_, err := staff.CreateFirstOwner(ctx, name, pin)
		var u *posdesk.User
		if err == nil {
			u, err = staff.SignIn(ctx, name, pin)
		}
		fyne.Do(func() {
			v.Button.Enable()
			if err != nil {
				setError(v.Err, i18n.Message(err))
				return
			}
			v.g.open(u)
		})
	})
}

// fixedWidth lays out one object at a fixed width and the height it needs at that width, so
// that wrapped text (the read-only notice, a long error) grows the sign-in card instead of
// running past its bottom edge.
type fixedWidth float32

func (w fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		// A wrapping label reports its height for its current width: give it the width first.
		o.Resize(fyne.NewSize(float32(w), max(o.Size().Height, o.MinSize().Height)))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

func (w fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(float32(w), size.Height))
	}
}
