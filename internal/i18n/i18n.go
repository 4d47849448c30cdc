// Package i18n translates posdesk's user-visible strings. Messages are keyed by their English
// fmt format (as gettext does): English is the identity, and assets/i18n/zh-Hans/*.json maps each
// format to its Chinese form. Chinese formats may reorder arguments with explicit indexes
// ("%[2]s ... %[1]d"). A test checks that every format the code uses has a translation.
package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/posdesk/posdesk/assets"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Lang is a language posdesk speaks.
type Lang string

// The languages posdesk speaks.
const (
	English Lang = "en"
	Chinese Lang = "zh-Hans"
)

// Langs lists the supported languages in menu order.
var Langs = []Lang{Chinese, English}

// Name returns the language's name written in itself, for language pickers.
func (l Lang) Name() string {
	if l == Chinese {
		return "简体中文"
	}
	return "English"
}

// ParseLang returns the language for a user or locale string ("zh", "zh_CN.UTF-8", "en-US",
// "zh-Hans"); anything not Chinese is English.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "zh") {
		return Chinese
	}
	return English
}

// SystemLang returns the language of the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), or
// English when none is set.
func SystemLang() Lang {
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" && s != "C" && s != "POSIX" && !strings.HasPrefix(s, "C.") {
			return ParseLang(strings.Split(s, ":")[0])
		}
	}
	return English
}

var current atomic.Value // Lang

// SetLang sets the language T uses.
func SetLang(l Lang) { current.Store(l) }

// Current returns the language T uses (English until SetLang is called).
func Current() Lang {
	if l, ok := current.Load().(Lang); ok {
		return l
	}
	return English
}

// T translates format into the current language and fills in args.
func T(format string, args ...any) string { return In(Current(), format, args...) }

// In translates format into lang and fills in args.
func In(lang Lang, format string, args ...any) string {
	f := Lookup(lang, format)
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// Lookup returns the translation of format in lang, or format itself when there is none.
func Lookup(lang Lang, format string) string {
	if lang == English {
		return format
	}
	if t, ok := catalog()[lang][format]; ok {
		return t
	}
	return format
}

// Has reports whether lang has a translation for format.
func Has(lang Lang, format string) bool {
	_, ok := catalog()[lang][format]
	return ok
}

// Message returns err's message for a shop owner in the current language: the translated message
// of the first *posdesk.Error in the chain (several for posdesk.Errors, one per line), or a
// generic message for anything else.
func Message(err error) string { return MessageIn(Current(), err) }

// MessageIn is Message in lang. Card numbers quoted in the message (a value typed into the wrong
// field) are masked.
func MessageIn(lang Lang, err error) string { return posdesk.MaskText(messageIn(lang, err)) }

func messageIn(lang Lang, err error) string {
	if err == nil {
		return ""
	}
	var es posdesk.Errors
	if errors.As(err, &es) {
		lines := make([]string, len(es))
		for i, e := range es {
			lines[i] = In(lang, e.Format, labels(lang, e.Args)...)
		}
		return strings.Join(lines, "\n")
	}
	var e *posdesk.Error
	if errors.As(err, &e) {
		return In(lang, e.Format, labels(lang, e.Args)...)
	}
	return In(lang, posdesk.Internal(err).Format)
}

// labels translates the string arguments of a message that are themselves catalog entries (field
// labels such as "Trace number" passed to a shared format), so a message never mixes languages.
// Values the user typed are not catalog entries and stay as they are.
func labels(lang Lang, args []any) []any {
	if lang == English {
		return args
	}
	out := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok && Has(lang, s) {
			out[i] = Lookup(lang, s)
			continue
		}
		out[i] = a
	}
	return out
}

var (
	loadOnce sync.Once
	loaded   map[Lang]map[string]string
)

func catalog() map[Lang]map[string]string {
	loadOnce.Do(func() {
		c, _, err := Load(assets.Catalogs)
		if err != nil {
			panic(err) // the catalogs are embedded: a bad one is a build defect, caught by tests
		}
		loaded = c
	})
	return loaded
}

// Load reads every i18n/<lang>/*.json catalog in fsys. A format translated differently in two
// files is reported in conflicts (the file read first, in name order, wins); a test keeps that
// list empty so one English term has one Chinese term across the app.
func Load(fsys fs.FS) (cat map[Lang]map[string]string, conflicts []string, err error) {
	out := map[Lang]map[string]string{}
	from := map[string]string{}
	dirs, err := fs.ReadDir(fsys, "i18n")
	if err != nil {
		return nil, nil, fmt.Errorf("read catalogs: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		lang := Lang(d.Name())
		out[lang] = map[string]string{}
		files, err := fs.Glob(fsys, path.Join("i18n", d.Name(), "*.json"))
		if err != nil {
			return nil, nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, nil, fmt.Errorf("catalog %s: %w", f, err)
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				v := m[k]
				if old, dup := out[lang][k]; dup {
					if old != v {
						conflicts = append(conflicts, fmt.Sprintf("%s: %q is %q here but %q in %s", f, k, v, old, from[string(lang)+"\x00"+k]))
					}
					continue
				}
				out[lang][k] = v
				from[string(lang)+"\x00"+k] = f
			}
		}
	}
	return out, conflicts, nil
}
