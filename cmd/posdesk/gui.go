package main

import (
	"fmt"
	"io"
	"os"
	"time"
	_ "time/tzdata" // shop time zones (Asia/Shanghai...) on machines without a zone database

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/posdesk/posdesk/assets"
	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
	"github.com/posdesk/posdesk/internal/ui"
)

// AppID is the application ID; it must match FyneApp.toml.
const AppID = "io.posdesk.app"

// runGUI opens the main window on the database given by --db or the default one.
func runGUI(args []string, stderr io.Writer) int {
	dbFlag := ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--db" || a == "-db":
			if i+1 < len(args) {
				dbFlag = args[i+1]
				i++
			}
		case len(a) > 5 && (a[:5] == "--db=" || a[:4] == "-db="):
			dbFlag = a[len("--db="):]
		}
	}
	path, err := resolveDBPath(dbFlag)
	if err != nil {
		fmt.Fprintln(stderr, i18n.Message(err))
		return 1
	}
	db, err := sqlite.Open(path)
	if err != nil {
		fmt.Fprintln(stderr, i18n.Message(err))
		logError(err)
		return 1
	}
	defer db.Close()
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("posdesk.png", assets.Icon))
	a.Settings().SetTheme(ui.NewTheme())
	// The language chosen in Settings applies from this start on; Fyne's own words (the entry
	// menu's Copy, Paste) follow it too.
	l := ui.StartLang(a.Preferences())
	i18n.SetLang(l)
	setFyneLang(l)
	// Until staff accounts and sign-in exist, the shop has a single owner.
	user := &posdesk.User{Name: "owner", Role: posdesk.RoleOwner}
	intake := func(name string, r io.Reader, kind posdesk.AttachmentKind, caption string) (*posdesk.Attachment, error) {
		return attach.Intake(name, r, attach.Options{Kind: kind, Caption: caption, By: user.Name})
	}
	w := ui.NewMainWindow(a, ui.Services{Transactions: db, Settings: db, Incidents: db, Intake: intake, FollowUps: db}, ui.Config{User: user})
	// Refund reminders: a desktop notification at start and once a day while posdesk is open.
	stopReminders := w.StartReminders(10 * time.Minute)
	defer stopReminders()
	w.ShowAndRun()
	return 0
}

// setFyneLang makes Fyne's built-in strings use l. Fyne picks its locale from the environment
// when its lang package initialises; adding an (empty) catalog makes it pick again.
func setFyneLang(l i18n.Lang) {
	loc := "en_US"
	if l == i18n.Chinese {
		loc = "zh_CN"
	}
	os.Setenv("LANGUAGE", loc)
	_ = lang.AddTranslationsForLocale([]byte("{}"), fyne.Locale("en"))
}
