package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	_ "time/tzdata" // shop time zones (Asia/Shanghai...) on machines without a zone database

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/assets"
	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/demo"
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
	// One window per database: a second one says the first is open and closes (a read-only
	// second window would show the records while the first one is locked). A database this
	// user may not write gets no lock files (see lockShared); two windows reading it harm
	// nothing.
	var winLock, shared *sqlite.InstanceLock
	if sqlite.Writable(path) == "" {
		winLock, err = sqlite.LockWindow(path)
		if err != nil {
			fmt.Fprintln(stderr, i18n.Message(err))
			if posdesk.ErrorCode(err) == posdesk.ECONFLICT {
				alreadyOpen(path)
			}
			return 1
		}
		defer winLock.Unlock()
	}
	shared, err = lockShared(path)
	if err != nil {
		fmt.Fprintln(stderr, i18n.Message(err))
		return 1
	}
	defer func() { shared.Unlock() }()
	// A database on a CD, a locked USB stick or without write permission opens read-only:
	// the window says so in a banner, and every save is refused with the reason.
	db, notice, err := sqlite.OpenOrReadOnly(path)
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
	restorer := &guiRestorer{path: path, db: db, shared: &shared}
	// Attachments are stamped with the person signed in when they are taken in.
	var w *ui.Window
	intake := func(name string, r io.Reader, kind posdesk.AttachmentKind, caption string) (*posdesk.Attachment, error) {
		by := ""
		if u := w.User(); u != nil {
			by = u.Name
		}
		return attach.Intake(name, r, attach.Options{Kind: kind, Caption: caption, By: by})
	}
	services := ui.Services{Transactions: db, Settings: db, Incidents: db, Intake: intake,
		Staff: db, Audit: db, Backups: db, Restore: restorer, FollowUps: db,
		DataFile: path, Demo: &demoData{path: path, now: time.Now, n: demo.DefaultTransactions},
		Packets: newGUIPackets(db, time.Now, time.Local), Reports: &guiReports{db: db, now: time.Now, loc: time.Local},
		Imports: newGUIImports(db, path, time.Now, time.Local)}
	// Nobody is signed in until the gate lets them in (first run: the owner is created).
	w = ui.NewMainWindow(a, services, ui.Config{Notice: notice})
	traceWindow = w
	gate := ui.NewGate(w)
	gate.StartSetup() // a new shop gets the first-run wizard (firstrun.go)
	ui.WarnDataPlace(w)
	gate.Run()
	defer gate.Close()
	if !db.ReadOnly { // a backup records itself in the database it copies
		stop := autoBackups(db, restorer)
		defer stop()
	}
	// Refund reminders: a desktop notification at start and once a day while posdesk is open.
	applyReminderDays(db)
	stopReminders := w.StartReminders(10 * time.Minute)
	defer stopReminders()
	w.ShowAndRun()
	return 0
}

// alreadyOpen shows a small window saying posdesk is open on path elsewhere.
func alreadyOpen(path string) {
	a := app.NewWithID(AppID)
	a.Settings().SetTheme(ui.NewTheme())
	i18n.SetLang(ui.StartLang(a.Preferences()))
	w := a.NewWindow(i18n.T("posdesk"))
	msg := i18n.T("posdesk is already open on %s in another window (it may be minimised or locked). Use that window.", path)
	w.SetContent(container.NewPadded(container.NewVBox(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord},
		container.NewCenter(&widget.Button{Text: i18n.T("Close"), OnTapped: a.Quit}))))
	w.Resize(fyne.NewSize(480, 160))
	w.ShowAndRun()
}

// autoBackups takes the daily automatic backup now and then every hour (a backup already taken
// today is not repeated) until stop is called. Failures go to the log.
func autoBackups(db *sqlite.DB, r *guiRestorer) (stop func()) {
	done := make(chan struct{})
	run := func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.closed {
			return
		}
		if _, _, err := db.AutoBackup(context.Background()); err != nil {
			logError(err)
		}
	}
	go func() {
		run()
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				run()
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}

// guiRestorer restores a backup from the window (ui.Restorer): checks first with everything
// open, then closes the database and its shared lock and restores; the window then closes.
type guiRestorer struct {
	path   string
	db     *sqlite.DB
	shared **sqlite.InstanceLock
	mu     sync.Mutex // keeps the automatic backup and the restore apart
	closed bool
}

// Restore implements ui.Restorer.
func (r *guiRestorer) Restore(ctx context.Context, file string) (string, bool, error) {
	if err := r.db.Authorize(ctx, posdesk.ActRestore); err != nil {
		return "", false, err
	}
	if _, err := sqlite.VerifyBackup(ctx, file); err != nil {
		return "", false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.db.Close()
	(*r.shared).Unlock()
	res, err := sqlite.Restore(ctx, r.path, file, time.Now())
	if err != nil {
		logError(err)
		return "", true, err
	}
	return res.Previous, true, nil
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
