package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// DemoData fills a new shop with made-up records for trying posdesk out. cmd/posdesk implements
// it with internal/demo and storage.
type DemoData interface {
	// Shop returns the demo shop's details, to fill in the wizard's shop step.
	Shop() posdesk.Shop
	// Load stores the demo records acting as the user in ctx. It calls progress from its own
	// goroutine with the share done (0 to 1) and a line saying what it is doing.
	Load(ctx context.Context, progress func(done float64, what string)) error
}

// Wizard steps.
const (
	stepLanguage = "language"
	stepData     = "data"
	stepShop     = "shop"
	stepOwner    = "owner"
	stepFinish   = "finish"
)

// NeedsSetup reports whether w opens on a new shop: no staff accounts yet, no shop name and no
// records. The first-run wizard is shown then.
func NeedsSetup(w *Window) bool {
	s := w.Services
	if s.Settings == nil || s.Transactions == nil {
		return false
	}
	ctx := context.Background()
	if s.Staff != nil {
		if n, err := s.Staff.CountStaff(ctx); err != nil || n > 0 {
			return false
		}
	}
	if name, err := s.Settings.Setting(ctx, posdesk.SettingShopName, ""); err != nil || name != "" {
		return false
	}
	if ts, _, err := s.Transactions.FindTransactions(ctx, posdesk.TransactionFilter{Limit: 1, IncludeVoided: true}); err != nil || len(ts) > 0 {
		return false
	}
	if s.Incidents != nil {
		if _, n, err := s.Incidents.FindIncidents(ctx, posdesk.IncidentFilter{Limit: 1}); err != nil || n > 0 {
			return false
		}
	}
	return true
}

// StartSetup is Start for a window that may open on a new shop: then the first-run wizard takes
// the place of the first-run view, ends with the owner it created signed in on the ledger, and
// is returned. Otherwise it is Start, and the result is nil.
func (g *Gate) StartSetup() *SetupWizard {
	if !NeedsSetup(g.w) {
		g.Start()
		return nil
	}
	return ShowSetup(g.w, func(u *posdesk.User) {
		if u != nil {
			g.open(u)
		}
		g.w.Open("ledger")
	})
}

// SetupWizard is the first-run wizard: the language (applied at once), an empty shop or a demo
// shop, the shop's details, the owner's account (when staff accounts exist in this build), and a
// last step that stores everything and ends on the ledger.
type SetupWizard struct {
	w    *Window
	done func(u *posdesk.User)
	prev fyne.CanvasObject // the window's content before the wizard

	steps []string
	step  int

	// What was chosen so far; the widgets of each step are made afresh from it, so a change of
	// language redraws the wizard without losing anything typed.
	lang      i18n.Lang
	demo      bool
	shop      posdesk.Shop
	demoShop  bool // shop holds the demo shop's details, untouched
	ownerName string
	pin       string
	busy      bool
	// What the last step already stored, so that trying again after an error does not repeat it.
	savedShop  posdesk.Shop
	demoLoaded bool

	// The widgets of the step on screen; tests drive them.
	Lang       *widget.RadioGroup
	Data       *widget.RadioGroup
	Shop       *ShopForm
	Owner      *Entry
	PIN        *Entry
	Repeat     *Entry
	BackButton *widget.Button
	NextButton *widget.Button
	Progress   *widget.ProgressBar
	Status     *widget.Label
	errs       *fieldErrors
}

// ShowSetup shows the first-run wizard in w in place of its content. done runs on the UI
// goroutine once everything is stored, with the new owner signed in (nil when w has no staff
// service); the window's content is back by then.
func ShowSetup(w *Window, done func(u *posdesk.User)) *SetupWizard {
	z := &SetupWizard{w: w, done: done, prev: w.Content(), lang: i18n.Current()}
	z.steps = []string{stepLanguage}
	if w.Services.Demo != nil {
		z.steps = append(z.steps, stepData)
	}
	z.steps = append(z.steps, stepShop)
	if w.Services.Staff != nil {
		z.steps = append(z.steps, stepOwner)
	}
	z.steps = append(z.steps, stepFinish)
	z.render()
	return z
}

// Step returns the step on screen: language, data, shop, owner or finish.
func (z *SetupWizard) Step() string { return z.steps[z.step] }

// Error returns the message under field ("" for the general line), for tests.
func (z *SetupWizard) Error(field string) string {
	if z.Step() == stepShop {
		if msg := z.Shop.Error(field); msg != "" {
			return msg
		}
	}
	return z.errs.text(field)
}

// SetLanguage switches the wizard, and posdesk from now on, to l, and saves the choice.
func (z *SetupWizard) SetLanguage(l i18n.Lang) {
	z.w.Prefs.SetString(PrefLanguage, string(l))
	if l == z.lang && i18n.Current() == l {
		return
	}
	z.lang = l
	i18n.SetLang(l)
	z.render()
}

// render draws the step on screen from what was chosen so far.
func (z *SetupWizard) render() {
	w := z.w
	z.errs = newFieldErrors()
	z.Status = &widget.Label{Wrapping: fyne.TextWrapWord}
	z.Progress = widget.NewProgressBar()
	z.Progress.Hide()
	z.BackButton = &widget.Button{Text: i18n.T("Back"), Icon: theme.NavigateBackIcon(), OnTapped: z.Back}
	z.NextButton = &widget.Button{Text: i18n.T("Next"), Icon: theme.NavigateNextIcon(), IconPlacement: widget.ButtonIconTrailingText,
		Importance: widget.HighImportance, OnTapped: z.Next}
	if z.step == 0 {
		z.BackButton.Hide()
	}
	var title string
	var body fyne.CanvasObject
	var focus fyne.Focusable
	switch z.Step() {
	case stepLanguage:
		title = i18n.In(i18n.Chinese, "Welcome to posdesk") + "  ·  " + i18n.In(i18n.English, "Welcome to posdesk")
		var options []string
		for _, l := range i18n.Langs {
			options = append(options, l.Name())
		}
		z.Lang = widget.NewRadioGroup(options, nil)
		z.Lang.Required = true
		z.Lang.Selected = z.lang.Name()
		z.Lang.OnChanged = func(name string) {
			for _, l := range i18n.Langs {
				if l.Name() == name {
					z.SetLanguage(l)
				}
			}
		}
		body = container.NewVBox(wrapped(i18n.T("posdesk keeps the payments that went wrong at the till, and follows each one until the money is where it belongs.")),
			z.Lang, hint(i18n.T("The language of posdesk on this PC. You can change it later under Settings.")))
	case stepData:
		title = i18n.T("How do you want to start?")
		z.Data = widget.NewRadioGroup([]string{i18n.T("My own shop: an empty ledger"), i18n.T("A demo shop: made-up sales, incidents and refunds to try posdesk out")}, nil)
		z.Data.Required = true
		z.Data.SetSelected(z.Data.Options[0])
		if z.demo {
			z.Data.SetSelected(z.Data.Options[1])
		}
		body = container.NewVBox(z.Data, hint(i18n.T("Demo records stay in this database for good. To try posdesk without mixing them into your own records, start it once on another database: posdesk --db demo.db")))
	case stepShop:
		title = i18n.T("Your shop")
		z.Shop = newShopForm(w, false)
		z.Shop.Set(z.shop)
		for _, e := range z.Shop.entries() {
			e.OnSubmitted = func(string) { z.Next() }
		}
		focus = z.Shop.Name
		body = container.NewVBox(hint(i18n.T("As the bank knows the shop: these details go on every evidence packet. Only the name is needed now; the rest can wait until Settings.")),
			z.Shop.form, z.Shop.errs.general)
	case stepOwner:
		title = i18n.T("The owner's account")
		z.Owner, z.PIN, z.Repeat = w.NewEntry(), w.NewEntry(), w.NewEntry()
		z.PIN.Password, z.Repeat.Password = true, true
		z.Owner.SetText(z.ownerName)
		z.PIN.SetText(z.pin)
		z.Repeat.SetText(z.pin)
		z.PIN.SetPlaceHolder(i18n.T("At least %d digits", posdesk.MinPINManager))
		for _, e := range []*Entry{z.Owner, z.PIN, z.Repeat} {
			e.OnSubmitted = func(string) { z.Next() }
		}
		focus = z.Owner
		form := container.New(&formLayout{},
			fieldLabel(i18n.T("Owner's name")), z.errs.field(z.Owner, "name"),
			fieldLabel(i18n.T("PIN")), z.errs.field(z.PIN, "pin"),
			fieldLabel(i18n.T("PIN again")), z.errs.field(z.Repeat, "repeat"))
		body = container.NewVBox(hint(i18n.T("The owner signs in with this name and PIN, adds the other staff under Staff, and alone can change the settings.")), form)
	case stepFinish:
		title = i18n.T("Ready to start")
		z.NextButton.Text = i18n.T("Start posdesk")
		z.NextButton.Icon = theme.ConfirmIcon()
		form := container.New(&formLayout{},
			fieldLabel(i18n.T("Language")), wrapped(z.lang.Name()),
			fieldLabel(i18n.T("Shop name")), wrapped(z.shop.Name))
		if z.shop.MerchantID != "" {
			form.Add(fieldLabel(i18n.T("Merchant ID")))
			form.Add(wrapped(z.shop.MerchantID))
		}
		if z.hasStep(stepOwner) {
			form.Add(fieldLabel(i18n.T("Owner's name")))
			form.Add(wrapped(z.ownerName))
		}
		start := i18n.T("An empty ledger")
		if z.demo {
			start = i18n.T("A demo shop with made-up records")
		}
		form.Add(fieldLabel(i18n.T("Start with")))
		form.Add(wrapped(start))
		body = container.NewVBox(form, z.Progress, z.Status)
	}
	head := container.NewVBox(
		&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: i18n.T("Step %[1]d of %[2]d", z.step+1, len(z.steps)), Importance: widget.LowImportance},
		widget.NewSeparator())
	buttons := container.NewBorder(nil, nil, z.BackButton, z.NextButton)
	card := container.NewBorder(head, container.NewVBox(z.errs.general, buttons), nil, nil, container.NewVScroll(body))
	size := fyne.NewSize(640, 520)
	w.SetContent(container.NewCenter(container.NewGridWrap(size, container.NewPadded(card))))
	if focus != nil {
		w.Canvas().Focus(focus)
	}
}

// wrapped returns a label that wraps its text.
func wrapped(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
}

func (z *SetupWizard) hasStep(id string) bool {
	for _, s := range z.steps {
		if s == id {
			return true
		}
	}
	return false
}

// Back goes to the previous step, keeping what was typed on this one.
func (z *SetupWizard) Back() {
	if z.busy || z.step == 0 {
		return
	}
	z.keep()
	z.step--
	z.render()
}

// keep takes what the step on screen holds, unchecked.
func (z *SetupWizard) keep() {
	switch z.Step() {
	case stepData:
		z.demo = z.Data.Selected == z.Data.Options[1]
	case stepShop:
		z.shop = posdesk.Shop{Name: z.Shop.Name.Text, MerchantID: z.Shop.MerchantID.Text, Address: z.Shop.Address.Text,
			Phone: z.Shop.Phone.Text, Contact: z.Shop.Contact.Text, Acquirer: z.Shop.Acquirer.Text}
	case stepOwner:
		z.ownerName, z.pin = z.Owner.Text, z.PIN.Text
	}
}

// Next checks the step on screen and moves on; on the last step it starts posdesk.
func (z *SetupWizard) Next() {
	if z.busy {
		return
	}
	switch z.Step() {
	case stepLanguage:
		z.SetLanguage(z.lang)
	case stepData:
		z.keep()
		if z.demo && (z.shop == posdesk.Shop{}) {
			z.shop, z.demoShop = z.w.Services.Demo.Shop(), true
		} else if !z.demo && z.demoShop {
			z.shop, z.demoShop = posdesk.Shop{}, false
		}
	case stepShop:
		shop, ok := z.Shop.Read()
		if !ok {
			return
		}
		if shop != z.shop {
			z.demoShop = false
		}
		z.shop = shop
	case stepOwner:
		if !z.checkOwner() {
			return
		}
	case stepFinish:
		z.finish()
		return
	}
	z.step++
	z.render()
}

// checkOwner validates the owner's name and PIN on the owner step.
func (z *SetupWizard) checkOwner() bool {
	name := posdesk.NormalizeStaffName(z.Owner.Text)
	pin := posdesk.NormalizePIN(z.PIN.Text)
	var es posdesk.Errors
	if err := posdesk.ValidateStaffName(name); err != nil {
		es = append(es, asError(err, "name"))
	}
	if err := posdesk.ValidatePIN(posdesk.RoleOwner, pin); err != nil {
		es = append(es, asError(err, "pin"))
	} else if posdesk.NormalizePIN(z.Repeat.Text) != pin {
		es = append(es, posdesk.Invalid("repeat", "The two PINs differ; type the same PIN twice."))
	}
	if len(es) > 0 {
		z.errs.show(es)
		return false
	}
	z.errs.clear()
	z.ownerName, z.pin = name, pin
	return true
}

// finish stores the shop's details, loads the demo records if chosen, creates the owner and
// signs them in, off the UI goroutine; the window then opens on the ledger.
func (z *SetupWizard) finish() {
	z.busy = true
	z.BackButton.Disable()
	z.NextButton.Disable()
	z.errs.clear()
	z.Progress.SetValue(0)
	z.Progress.Show()
	z.Status.SetText(i18n.T("Saving the shop's details..."))
	s := z.w.Services
	shop, demo, owner, pin := z.shop, z.demo, z.ownerName, z.pin
	withOwner := z.hasStep(stepOwner)
	// Until the owner exists, storage lets the person setting up act as the owner; the audit
	// trail records the setup under the owner's name.
	ctx := z.w.Ctx()
	if withOwner {
		ctx = posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: owner, Role: posdesk.RoleOwner})
	} else if z.w.User() == nil {
		ctx = posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
	}
	progress := func(done float64, what string) {
		fyne.Do(func() {
			z.Progress.SetValue(done)
			z.Status.SetText(what)
		})
	}
	saved, loaded := z.savedShop == shop, z.demoLoaded
	z.w.Async(func() {
		var u *posdesk.User
		var err error
		if !saved {
			if err = saveSettings(ctx, s.Settings, shop.Settings()); err == nil {
				saved = true
			}
		}
		if err == nil && demo && !loaded {
			progress(0, i18n.T("Making up the demo shop's records..."))
			if err = s.Demo.Load(ctx, progress); err == nil {
				loaded = true
			}
		}
		if err == nil && withOwner {
			progress(1, i18n.T("Creating the owner's account..."))
			if _, err = s.Staff.CreateFirstOwner(context.Background(), owner, pin); err == nil {
				u, err = s.Staff.SignIn(context.Background(), owner, pin)
			}
		}
		fyne.Do(func() {
			z.busy = false
			if saved {
				z.savedShop = shop
			}
			z.demoLoaded = loaded
			if err != nil {
				z.BackButton.Enable()
				z.NextButton.Enable()
				z.Progress.Hide()
				z.Status.SetText("")
				z.errs.show(err)
				return
			}
			z.Progress.SetValue(1)
			z.w.SetContent(z.prev)
			z.w.SetShopName(shop.Name)
			if u == nil {
				z.w.SetUser(z.w.User()) // the screens again, in the language chosen
			}
			z.done(u)
		})
	})
}
