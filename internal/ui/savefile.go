package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// askSaveFile shows the file save dialog suggesting name (and only files ending in one of
// exts, e.g. ".pdf"); save gets the chosen file's writer, which it must close. Cancelling calls
// nothing; an error opening the file is shown in a dialog. It returns the dialog, for tests.
func askSaveFile(w *Window, name string, exts []string, save func(fyne.URIWriteCloser)) *dialog.FileDialog {
	fd := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			w.ShowError(err)
			return
		}
		if wc != nil {
			save(wc)
		}
	}, w)
	fd.SetFileName(name)
	if len(exts) > 0 {
		fd.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	fd.Show()
	// The dialog only has a size once shown; large enough for long Chinese folder names.
	fd.Resize(fyne.NewSize(fyne.Min(960, w.Canvas().Size().Width*0.9), fyne.Min(640, w.Canvas().Size().Height*0.9)))
	return fd
}
