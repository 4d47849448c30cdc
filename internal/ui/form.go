package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// errorLabel returns the red line shown under a form field; it is hidden while empty.
func errorLabel() *widget.Label {
	l := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	l.Hide()
	return l
}

// setError shows msg under a field, or hides the line when msg is empty.
func setError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// fieldLabel returns a form label, right-aligned and bold.
func fieldLabel(text string) *widget.Label {
	return &widget.Label{Text: text, Alignment: fyne.TextAlignTrailing, TextStyle: fyne.TextStyle{Bold: true}}
}

// formLayout lays out (label, field) pairs in two columns: labels as wide as the widest one,
// fields taking the rest. Each row is as tall as its taller object, so an error line under a
// field pushes the next row down.
type formLayout struct{}

// Layout places the pairs.
func (formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	lw := labelWidth(objs)
	y := float32(0)
	for i := 0; i+1 < len(objs); i += 2 {
		l, f := objs[i], objs[i+1]
		if !f.Visible() {
			continue
		}
		h := fyne.Max(l.MinSize().Height, f.MinSize().Height)
		l.Move(fyne.NewPos(0, y))
		l.Resize(fyne.NewSize(lw, l.MinSize().Height))
		f.Move(fyne.NewPos(lw+pad, y))
		f.Resize(fyne.NewSize(size.Width-lw-pad, h))
		y += h + pad
	}
}

// MinSize is the widest label plus the widest field, by the rows' heights.
func (formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	lw := labelWidth(objs)
	var fw, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		l, f := objs[i], objs[i+1]
		if !f.Visible() {
			continue
		}
		fw = fyne.Max(fw, f.MinSize().Width)
		h += fyne.Max(l.MinSize().Height, f.MinSize().Height) + pad
	}
	if h > 0 {
		h -= pad
	}
	return fyne.NewSize(lw+pad+fw, h)
}

func labelWidth(objs []fyne.CanvasObject) float32 {
	var w float32
	for i := 0; i+1 < len(objs); i += 2 {
		if objs[i+1].Visible() {
			w = fyne.Max(w, objs[i].MinSize().Width)
		}
	}
	return w
}
