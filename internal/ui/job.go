package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
)

// job runs one piece of long work at a time off the UI goroutine (a report, an export, an
// import) with a progress bar, a cancel button and a status line; the buttons it guards are
// disabled while it runs.
type job struct {
	w        *Window
	progress *widget.ProgressBar
	cancel   *widget.Button
	status   *widget.Label
	guards   []*widget.Button

	stop context.CancelFunc // cancels the work under way, or nil
}

func newJob(w *Window, guards ...*widget.Button) *job {
	j := &job{w: w, progress: &widget.ProgressBar{Max: 1}, status: &widget.Label{Wrapping: fyne.TextWrapWord}, guards: guards}
	j.cancel = &widget.Button{Text: i18n.T("Cancel"), Icon: theme.CancelIcon(), OnTapped: j.Cancel}
	j.progress.Hide()
	j.cancel.Hide()
	j.status.Hide()
	return j
}

// view is the progress bar with its cancel button, and the status line under them.
func (j *job) view() fyne.CanvasObject {
	return container.NewVBox(container.NewBorder(nil, nil, nil, j.cancel, j.progress), j.status)
}

// Running reports whether work is under way.
func (j *job) Running() bool { return j.stop != nil }

// Cancel stops the work under way.
func (j *job) Cancel() {
	if j.stop != nil {
		j.stop()
		j.say(j.status.Importance, i18n.T("Cancelling…"))
	}
}

// say shows msg in the status line with importance imp.
func (j *job) say(imp widget.Importance, msg string) {
	j.status.Importance = imp
	j.status.Wrapping = textWrap()
	j.status.SetText(msg)
	if msg == "" {
		j.status.Hide()
	} else {
		j.status.Show()
	}
}

// textWrap is how long labels wrap in the current language: Chinese breaks between any two
// characters (word wrapping would break at the only space, e.g. after "POS"), other languages
// between words.
func textWrap() fyne.TextWrap {
	if i18n.Current() == i18n.Chinese {
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}

func (j *job) busy(on bool) {
	for _, b := range j.guards {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		j.progress.SetValue(0)
		j.progress.Show()
		j.cancel.Show()
	} else {
		j.progress.Hide()
		j.cancel.Hide()
	}
}

// runJob runs work on j off the UI goroutine, saying what in the status line; progress moves
// the bar. done gets the result on the UI goroutine; a failure or a cancel is said in the
// status line and done is not called. It does nothing while other work runs on j.
func runJob[T any](j *job, what string, work func(ctx context.Context, progress func(done, total int)) (T, error), done func(T)) {
	if j.stop != nil {
		return
	}
	ctx, stop := context.WithCancel(j.w.Ctx())
	j.stop = stop
	j.busy(true)
	j.say(widget.MediumImportance, what)
	j.w.Async(func() {
		defer stop()
		res, err := work(ctx, func(d, t int) {
			if t > 0 {
				v := min(1, float64(d)/float64(t))
				fyne.Do(func() { j.progress.SetValue(v) })
			}
		})
		if err == nil {
			err = ctx.Err()
		}
		fyne.Do(func() {
			j.stop = nil
			j.busy(false)
			switch {
			case errors.Is(err, context.Canceled):
				j.say(widget.WarningImportance, i18n.T("Cancelled; nothing was written."))
			case err != nil:
				j.say(widget.DangerImportance, i18n.Message(err))
			default:
				j.say(widget.MediumImportance, "")
				done(res)
			}
		})
	})
}
