package ui

import (
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/posdesk/posdesk/internal/posdesk"
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

// writeFile writes data to wc off the UI goroutine and closes it; done gets nil or an error
// naming where, on the UI goroutine.
func writeFile(w *Window, wc io.WriteCloser, where string, data []byte, done func(error)) {
	w.Async(func() {
		_, err := wc.Write(data)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			err = withCause(posdesk.Errorf(posdesk.EINTERNAL, "Could not save %s; choose a folder you can write to and try again.", where), err)
		}
		fyne.Do(func() { done(err) })
	})
}

// openTemp writes data to a new temporary file in dir ("" means the system's), named after
// prefix, and opens it with open (the app's OpenURL: the system's viewer), off the UI goroutine;
// done gets the file's path or an error on the UI goroutine.
func openTemp(w *Window, open func(*url.URL) error, dir, prefix string, data []byte, done func(path string, err error)) {
	w.Async(func() {
		path, err := writeTemp(dir, prefix, data)
		if err == nil {
			if oerr := open(fileURL(path)); oerr != nil {
				err = withCause(posdesk.Errorf(posdesk.EINTERNAL, "Could not open a viewer for %s; open the file yourself or save it.", path), oerr)
			}
		}
		fyne.Do(func() { done(path, err) })
	})
}

// fileURL is the file:// URL of path (file:///C:/... on Windows).
func fileURL(path string) *url.URL {
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	return u
}

// writeTemp writes data to a new temporary file in dir ("" means the system's) whose name starts
// with "posdesk-"+prefix, and returns its path. The file stays for the viewer to read.
func writeTemp(dir, prefix string, data []byte) (string, error) {
	ext := filepath.Ext(prefix)
	f, err := os.CreateTemp(dir, "posdesk-"+strings.TrimSuffix(prefix, ext)+"-*"+ext)
	if err != nil {
		return "", withCause(posdesk.Errorf(posdesk.EINTERNAL, "Could not write a temporary copy to open; save the file instead."), err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", withCause(posdesk.Errorf(posdesk.EINTERNAL, "Could not write a temporary copy to open; save the file instead."), err)
	}
	return f.Name(), nil
}

// withCause sets err as the cause of e (kept for the log; the message stays e's) and returns e.
func withCause(e *posdesk.Error, err error) error {
	e.Err = err
	return e
}
