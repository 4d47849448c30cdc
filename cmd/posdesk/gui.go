package main

import (
	"context"
	"fmt"
	"io"

	"fyne.io/fyne/v2/app"

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
	ctx := posdesk.NewContextWithUser(context.Background(), &posdesk.User{Name: "owner", Role: posdesk.RoleOwner})
	_ = ctx
	w := ui.NewMainWindow(a, ui.Services{Transactions: db})
	w.ShowAndRun()
	return 0
}
