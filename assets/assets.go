// Package assets embeds the files posdesk ships inside its binary: the CJK font used by the GUI
// and the PDFs, the application icon and the translation catalogs.
package assets

import (
	"embed"
	_ "embed"
)

// Font is WenQuanYi Micro Hei (Apache-2.0, see fonts/LICENSE-wqy-microhei.txt): one TrueType face
// with simplified and traditional Chinese, Latin letters and digits.
//
//go:embed fonts/wqy-microhei.ttf
var Font []byte

// Icon is the application icon, a 512x512 PNG.
//
//go:embed icon.png
var Icon []byte

// Catalogs holds the translation catalogs: i18n/<lang>/<room>.json, each a flat JSON object
// from the English message format to the translated format.
//
//go:embed i18n
var Catalogs embed.FS

// Help holds the in-app help: help/<lang>/<topic>.md, Markdown pages in English (en) and
// Chinese (zh-Hans). There is one page per incident kind, named after the kind
// (charged_but_failed.md): what happened, the usual resolution, what to prepare before calling
// the bank, and deadlines.
//
//go:embed help
var Help embed.FS
