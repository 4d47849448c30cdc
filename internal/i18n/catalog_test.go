package i18n_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
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

// formatArg maps the translating functions to the position of their format argument.
var formatArg = map[string]int{
	"i18n.T":          0,
	"usagef":          0,
	"i18n.In":         1,
	"posdesk.Errorf":  1,
	"posdesk.Invalid": 1,
	// Inside package posdesk and i18n the calls are unqualified.
	"Errorf":  1,
	"Invalid": 1,
	"T":       0,
}

// TestEveryMessageTranslated parses every non-test Go file of the project and checks that each
// literal format given to i18n.T, i18n.In, posdesk.Errorf or posdesk.Invalid has a zh-Hans
// translation.
func TestEveryMessageTranslated(t *testing.T) {
	root := filepath.Join("..", "..")
	var missing []string
	fset := token.NewFileSet()
	err := eachGoFile(root, fset, func(f *ast.File) {
		pkg := f.Name.Name
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if id, ok := fn.X.(*ast.Ident); ok {
					name = id.Name + "." + fn.Sel.Name
				}
			case *ast.Ident:
				if pkg == "posdesk" || pkg == "i18n" || fn.Name == "usagef" {
					name = fn.Name
				}
			}
			pos, ok := formatArg[name]
			if !ok || len(call.Args) <= pos {
				return true
			}
			lit, ok := call.Args[pos].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || s == "" {
				return true
			}
			if !i18n.Has(i18n.Chinese, s) {
				missing = append(missing, fset.Position(lit.Pos()).String()+": "+strconv.Quote(s))
			}
			return true
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no zh-Hans translation: %s", m)
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestTranslationsKeepVerbs checks that each translation uses as many fmt verbs as its English
// format, so no argument is dropped or invented.
func TestTranslationsKeepVerbs(t *testing.T) {
	cat, conflicts, err := i18n.Load(assets.Catalogs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conflicts {
		t.Errorf("one English term, two translations: %s", c)
	}
	for lang, m := range cat {
		for en, tr := range m {
			if strings.TrimSpace(tr) == "" {
				t.Errorf("%s: empty translation for %q", lang, en)
			}
			count := func(s string) int {
				n := 0
				for _, v := range verb.FindAllString(s, -1) {
					if v != "%%" {
						n++
					}
				}
				return n
			}
			if count(en) != count(tr) {
				t.Errorf("%s: %q has %d verbs but its translation %q has %d", lang, en, count(en), tr, count(tr))
			}
		}
	}
}

// terms are the words with one agreed Chinese rendering: every entry whose English uses the word
// says zh in Chinese, and never one of the renderings avoid that were used before.
var terms = []struct {
	en    *regexp.Regexp
	zh    string
	avoid []string
}{
	// A discrepancy reconciliation found, not an "abnormality" (异常) nor a bare 差异.
	{regexp.MustCompile(`(?i)\bexceptions?\b`), "对账差异", []string{"异常"}},
	// The shop's own record of its payments: 账本, what a shop owner keeps. Not 台账 (a formal
	// register), not 交易流水: 流水 is the bank statement (银行流水).
	{regexp.MustCompile(`(?i)\bledgers?\b`), "账本", []string{"台账", "交易流水"}},
	// The acquirer settles (清算) a payment: the word on UnionPay-style statements (清算日期,
	// 清算金额) and the bank's "POS清算入账" line, and in every reconciliation queue's name.
	{regexp.MustCompile(`(?i)\b(settle[sd]?|settling|cleared|clearing)\b`), "清算", []string{"结算"}},
	// The acquirer's statement of what it settled is the 对账单, and its lines 对账单明细.
	{regexp.MustCompile(`(?i)\bsettlement (statements?|lines?)\b`), "对账单", []string{"结算", "清算明细"}},
	// "Settlement" alone is the acquirer's settlement (清算) or its statement (对账单), which
	// sense decides; never 结算. (An empty zh only rules out the avoided words.)
	{regexp.MustCompile(`(?i)\bsettlements?\b`), "", []string{"结算"}},
	// The bank's account statement is the 银行流水, so it is never taken for the acquirer's 对账单.
	{regexp.MustCompile(`(?i)\bbank (account )?statements?\b`), "银行流水", []string{"银行对账单", "银行账户流水"}},
	// The PDF posdesk builds for the bank: 证据材料, as on the packet dialog and the PDF's title.
	{regexp.MustCompile(`(?i)\bevidence (packets?|packs?)\b`), "证据材料", []string{"证据包"}},
}

// TestTermsTranslatedOneWay checks the terms list across all catalogs, so the command line, the
// GUI and the evidence packets call one thing by one name.
func TestTermsTranslatedOneWay(t *testing.T) {
	cat, _, err := i18n.Load(assets.Catalogs)
	if err != nil {
		t.Fatal(err)
	}
	zhs := cat[i18n.Chinese]
	ens := make([]string, 0, len(zhs))
	for en := range zhs {
		ens = append(ens, en)
	}
	sort.Strings(ens)
	for _, en := range ens {
		zh := zhs[en]
		for _, term := range terms {
			if !term.en.MatchString(en) {
				continue
			}
			if !strings.Contains(zh, term.zh) {
				t.Errorf("%q is %q: say %s for %s", en, zh, term.zh, term.en)
			}
			for _, a := range term.avoid {
				if strings.Contains(zh, a) {
					t.Errorf("%q is %q: say %s, not %s", en, zh, term.zh, a)
				}
			}
		}
	}
}

// dynamicKeys are catalog entries no literal in the code spells out whole (built at run time),
// each with the reason. None so far.
var dynamicKeys = map[string]string{}

// TestEveryEntryUsed checks that each catalog entry's English format is a string literal (or a
// constant sum of literals) somewhere in the project's non-test Go code: a message whose code was
// deleted or reworded leaves its translation behind, and nobody updates an entry nobody sees.
// Every literal counts, not only the arguments of i18n.T, because formats also live in constants,
// tables and labels passed through variables.
func TestEveryEntryUsed(t *testing.T) {
	lits, err := goLiterals(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(assets.Catalogs, "i18n/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(assets.Catalogs, f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := lits[k]; !ok && dynamicKeys[k] == "" {
				t.Errorf("%s: no Go code uses %q; delete the entry", f, k)
			}
		}
	}
}

// goLiterals returns every string literal, and every sum of string literals, in the non-test Go
// files under root.
func goLiterals(root string) (map[string]bool, error) {
	lits := map[string]bool{}
	err := eachGoFile(root, token.NewFileSet(), func(f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok {
				if s, ok := constString(e); ok {
					lits[s] = true
				}
			}
			return true
		})
	})
	return lits, err
}

// eachGoFile parses every non-test Go file under root (testdata and dot folders left out) and
// calls fn with it.
func eachGoFile(root string, fset *token.FileSet, fn func(*ast.File)) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		fn(f)
		return nil
	})
}

// constString evaluates a string literal or a + of them ("a " + "b").
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return constString(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok := constString(e.X)
		if !ok {
			return "", false
		}
		y, ok := constString(e.Y)
		return x + y, ok
	}
	return "", false
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func TestMessageTranslatesLabels(t *testing.T) {
	err := posdesk.Invalid("trace", "%s must be digits only (you entered %q).", "Trace number", "12a")
	got := i18n.MessageIn(i18n.Chinese, err)
	if !strings.HasPrefix(got, "凭证号") || !strings.Contains(got, `"12a"`) {
		t.Errorf("got %q, want the label translated and the value kept", got)
	}
}
