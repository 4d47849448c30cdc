package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/posdesk/posdesk/assets"
)

// fontResource is the bundled WenQuanYi Micro Hei face, loaded once.
var fontResource = fyne.NewStaticResource("wqy-microhei.ttf", assets.Font)

// Theme is posdesk's Fyne theme: Fyne's default colours, icons and sizes, with the bundled
// WenQuanYi Micro Hei font for every text style, so Chinese and digits render the same on machines
// without Chinese fonts and in test image captures. Use it for the app and in screen tests:
//
//	a := test.NewTempApp(t)
//	a.Settings().SetTheme(ui.NewTheme())
type Theme struct{}

// NewTheme returns posdesk's theme.
func NewTheme() fyne.Theme { return Theme{} }

// Color returns the default theme's colour.
func (Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, v)
}

// Font returns the bundled CJK font for every style except Symbol, whose glyphs (keyboard
// symbols in menus) come from Fyne's symbol font.
func (Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return fontResource
}

// Icon returns the default theme's icon.
func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size returns the default theme's size.
func (Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
