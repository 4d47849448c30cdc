package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/posdesk/posdesk/internal/ui"
)

// POSDESK_STARTUP_TRACE=1 makes the window print, on stderr, when each moment of its start-up
// happened, counted from the start of the process:
//
//	posdesk startup: window shown 0.412 s
//	posdesk startup: signed in 7.030 s
//	posdesk startup: ledger first page 7.161 s (100 rows; 0.131 s after signing in)
//
// POSDESK_STARTUP_TRACE=exit quits once the window is shown; POSDESK_STARTUP_TRACE=exit-ledger
// opens the Ledger as soon as somebody has signed in (an owner or a manager lands on Home; a
// cashier on the Ledger), as a click on it would, and quits once its first page is shown. The
// benchmark of the first window uses them.
func init() {
	mode := os.Getenv("POSDESK_STARTUP_TRACE")
	if mode == "" {
		return
	}
	var signedIn float64
	ui.StartupTrace = func(event string, rows int) {
		at := sinceProcessStart().Seconds()
		switch event {
		case "signed in":
			signedIn = at
			fmt.Fprintf(os.Stderr, "posdesk startup: %s %.3f s\n", event, at)
			if w := traceWindow; mode == "exit-ledger" && w != nil {
				// From another goroutine, so that it waits for the sign-in to finish on the UI goroutine.
				go fyne.Do(func() { w.Open("ledger") })
			}
		case "ledger first page":
			if signedIn > 0 {
				fmt.Fprintf(os.Stderr, "posdesk startup: %s %.3f s (%d rows; %.3f s after signing in)\n", event, at, rows, at-signedIn)
			} else {
				fmt.Fprintf(os.Stderr, "posdesk startup: %s %.3f s (%d rows)\n", event, at, rows)
			}
		default:
			fmt.Fprintf(os.Stderr, "posdesk startup: %s %.3f s\n", event, at)
		}
		if mode == "exit" && event == "window shown" || mode == "exit-ledger" && event == "ledger first page" && signedIn > 0 {
			fyne.Do(func() { fyne.CurrentApp().Quit() })
		}
	}
}

// traceWindow is the main window, for POSDESK_STARTUP_TRACE=exit-ledger to open the Ledger.
var traceWindow *ui.Window

// initTime is when the program's Go code started, the fallback for sinceProcessStart.
var initTime = time.Now()

// sinceProcessStart returns the time since the process started. On Linux it counts from the
// kernel's start time of the process (/proc/self/stat, in ticks of 10 ms), which includes
// loading the graphics libraries before any Go code runs; elsewhere from the program's start.
func sinceProcessStart() time.Duration {
	stat, err1 := os.ReadFile("/proc/self/stat")
	uptime, err2 := os.ReadFile("/proc/uptime")
	if err1 == nil && err2 == nil {
		// Field 22 (starttime) follows the command name, which is in parentheses.
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
			f := strings.Fields(string(stat)[i+1:])
			up := strings.Fields(string(uptime))
			if len(f) > 19 && len(up) > 0 {
				ticks, e1 := strconv.ParseFloat(f[19], 64)
				now, e2 := strconv.ParseFloat(up[0], 64)
				if e1 == nil && e2 == nil && now >= ticks/100 {
					return time.Duration((now - ticks/100) * float64(time.Second))
				}
			}
		}
	}
	return time.Since(initTime)
}
