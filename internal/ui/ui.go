// Package ui holds posdesk's Fyne screens. Screens get the services they need as posdesk
// interfaces; this package never imports the storage adapter or fyne/v2/app (cmd/posdesk
// creates the app and wires the services).
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Services are the domain services the screens use. cmd/posdesk fills them in.
type Services struct {
	Transactions posdesk.TransactionService
}

// NewMainWindow builds posdesk's main window on a.
func NewMainWindow(a fyne.App, s Services) fyne.Window {
	w := a.NewWindow(i18n.T("posdesk"))
	w.SetContent(widget.NewLabel(i18n.T("posdesk")))
	w.Resize(fyne.NewSize(1280, 800))
	return w
}
