package ui

import (
	"sync"

	"fyne.io/fyne/v2"
)

// StartupTrace, when set, is told about the moments that make up posdesk's start-up, once each
// per process: "window shown" (the main window is on screen, behind the sign-in gate),
// "signed in" (somebody signed in or the first owner was created) and "ledger first page" (the
// ledger has its first page of records; rows is how many), which comes again after signing in,
// when the ledger is built afresh for that person. cmd/posdesk sets it when
// POSDESK_STARTUP_TRACE is in the environment; the benchmark of the first window uses it.
var StartupTrace func(event string, rows int)

var traced sync.Map // event -> struct{}: each event is reported once

// traceEvent reports event to StartupTrace the first time it happens.
func traceEvent(event string, rows int) {
	if StartupTrace == nil {
		return
	}
	if _, done := traced.LoadOrStore(event, struct{}{}); !done {
		StartupTrace(event, rows)
	}
	if event == "signed in" {
		// The ledger is built again for the person signed in: report its first page again.
		traced.Delete("ledger first page")
	}
}

// traceWindow reports "window shown" when a's event loop has started with the window on screen.
func traceWindow(a fyne.App) {
	if StartupTrace == nil {
		return
	}
	a.Lifecycle().SetOnStarted(func() { traceEvent("window shown", 0) })
}
