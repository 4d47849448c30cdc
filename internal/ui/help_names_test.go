package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/posdesk/posdesk/assets"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var (
	helpBold = regexp.MustCompile(`\*\*([^*\n]+)\*\*`)
	helpCode = regexp.MustCompile("`([^`\n]+)`")
)

// TestHelpNamesWhatTheProgramShows keeps the help pages' names of screens, buttons, fields,
// settings panes and reconciliation queues true to the program. The pages write such a name in
// **bold**, and bold only such names: on an English page it is an English message of the catalog
// (a string the code translates and shows), on a Chinese page that message's Chinese, and the
// two pages of a topic name the same things. A renamed button or queue then fails here instead
// of leaving the help pointing at something nobody can find.
func TestHelpNamesWhatTheProgramShows(t *testing.T) {
	cat, _, err := i18n.Load(assets.Catalogs)
	if err != nil {
		t.Fatal(err)
	}
	zh := cat[i18n.Chinese]
	shown := map[string]bool{}
	for _, tr := range zh {
		shown[tr] = true
	}
	for _, k := range posdesk.IncidentKinds {
		names := map[i18n.Lang][]string{}
		for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
			page := "help/" + string(lang) + "/" + string(k) + ".md"
			b, err := fs.ReadFile(assets.Help, page)
			if err != nil {
				t.Fatal(err)
			}
			for n, line := range strings.Split(string(b), "\n") {
				if strings.Contains(helpBold.ReplaceAllString(line, ""), "**") {
					t.Errorf("%s:%d: a bold name is not closed on its line: %q", page, n+1, line)
				}
				for _, m := range helpBold.FindAllStringSubmatch(line, -1) {
					name := m[1]
					names[lang] = append(names[lang], name)
					switch {
					case lang == i18n.English && zh[name] == "":
						t.Errorf("%s:%d: **%s** is not a name the program shows (no message of the catalog says it)", page, n+1, name)
					case lang == i18n.Chinese && !shown[name]:
						t.Errorf("%s:%d: **%s** is not a name the program shows in Chinese (no translation of the catalog says it)", page, n+1, name)
					}
				}
			}
		}
		want := map[string]bool{}
		for _, en := range names[i18n.English] {
			if tr := zh[en]; tr != "" {
				want[tr] = true
			}
		}
		got := map[string]bool{}
		for _, name := range names[i18n.Chinese] {
			got[name] = true
		}
		if missing, extra := setDiff(want, got), setDiff(got, want); len(missing)+len(extra) > 0 {
			t.Errorf("%s: the English and Chinese pages name different things: the Chinese page lacks %q and has %q besides", k, missing, extra)
		}
	}
}

// TestHelpSaysApprovedAsTheLedgerDoes: the ledger shows an approved payment's status as 成功
// (zh-Hans catalog, "Approved"), so the Chinese help pages call an approved payment and its slip
// that too, never 已批准.
func TestHelpSaysApprovedAsTheLedgerDoes(t *testing.T) {
	cat, _, err := i18n.Load(assets.Catalogs)
	if err != nil {
		t.Fatal(err)
	}
	if got := cat[i18n.Chinese]["Approved"]; got != "成功" {
		t.Fatalf("the ledger's Approved is %q; update this test and the help pages together", got)
	}
	for _, k := range posdesk.IncidentKinds {
		page := "help/" + string(i18n.Chinese) + "/" + string(k) + ".md"
		b, err := fs.ReadFile(assets.Help, page)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "已批准") {
				t.Errorf("%s:%d says 已批准; the ledger says 成功: %s", page, n+1, line)
			}
		}
	}
}

// TestHelpCommandsExist checks each command line a help page quotes (`posdesk incident edit
// NUMBER --kind KIND`): the command is one of cmd/posdesk's and takes each --flag given.
func TestHelpCommandsExist(t *testing.T) {
	commands, common, err := posdeskCommands(filepath.Join("..", "..", "cmd", "posdesk"))
	if err != nil {
		t.Fatal(err)
	}
	if len(commands) < 10 || !common["db"] {
		t.Fatalf("found %d commands and common flags %v in cmd/posdesk: the parsing below no longer fits it", len(commands), common)
	}
	for _, lang := range i18n.Langs {
		for _, k := range posdesk.IncidentKinds {
			page := "help/" + string(lang) + "/" + string(k) + ".md"
			b, err := fs.ReadFile(assets.Help, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range helpCode.FindAllStringSubmatch(string(b), -1) {
				words := strings.Fields(m[1])
				if len(words) == 0 || words[0] != "posdesk" {
					continue
				}
				words = words[1:]
				name, flags := "", map[string]bool(nil)
				for n := len(words); n > 0 && name == ""; n-- {
					if f, ok := commands[strings.Join(words[:n], " ")]; ok {
						name, flags = strings.Join(words[:n], " "), f
					}
				}
				if name == "" {
					t.Errorf("%s: `%s` is not a posdesk command", page, m[1])
					continue
				}
				for _, w := range words {
					flag, ok := strings.CutPrefix(w, "--")
					if !ok {
						continue
					}
					flag, _, _ = strings.Cut(flag, "=")
					if !common[flag] && (flags != nil && !flags[flag]) {
						t.Errorf("%s: `%s`: posdesk %s has no flag --%s", page, m[1], name, flag)
					}
				}
			}
		}
	}
}

// posdeskCommands reads the command line's source in dir: each registered command (a
// command{Name: ...} literal) with the flags its Flags function declares, nil when that is not
// a function literal (any flag is then accepted); and the flags every command takes, declared
// outside the commands.
func posdeskCommands(dir string) (map[string]map[string]bool, map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	commands := map[string]map[string]bool{}
	common := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return nil, nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				// A flag outside the command literals: a common one (main.go), or one of a
				// command whose Flags is a method value. Both count as common, which keeps the
				// check loose for those commands only.
				if name, ok := flagName(call); ok {
					common[name] = true
				}
				return true
			}
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "command" {
				return true
			}
			name, flags := "", map[string]bool(nil)
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				switch key, _ := kv.Key.(*ast.Ident); {
				case key == nil:
				case key.Name == "Name":
					if bl, ok := kv.Value.(*ast.BasicLit); ok && bl.Kind == token.STRING {
						name, _ = strconv.Unquote(bl.Value)
					}
				case key.Name == "Flags":
					if fn, ok := kv.Value.(*ast.FuncLit); ok {
						flags = map[string]bool{}
						ast.Inspect(fn, func(n ast.Node) bool {
							if call, ok := n.(*ast.CallExpr); ok {
								if name, ok := flagName(call); ok {
									flags[name] = true
								}
							}
							return true
						})
					}
				}
			}
			if name != "" {
				commands[name] = flags
			}
			return false
		})
	}
	return commands, common, nil
}

// flagName returns the name of the flag call declares, if it declares one: fs.String("name",
// ...), fs.Bool, fs.Int and the like, fs.Var(value, "name", ...), fs.Func("name", ...).
func flagName(call *ast.CallExpr) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	arg := 0
	switch sel.Sel.Name {
	case "String", "Bool", "Int", "Int64", "Uint", "Float64", "Duration", "Func", "BoolFunc":
	case "Var", "TextVar":
		arg = 1
	default:
		return "", false
	}
	if len(call.Args) <= arg+1 { // every flag declaration has a usage text after the name
		return "", false
	}
	bl, ok := call.Args[arg].(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

// setDiff returns the members of a not in b, sorted.
func setDiff(a, b map[string]bool) []string {
	var out []string
	for s := range a {
		if !b[s] {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
