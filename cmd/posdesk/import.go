package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The import commands: import (files), imports (the list of batches) and import undo.

var importFlags struct {
	kind     *string
	profile  *string
	currency *string
}

func init() {
	register(&command{
		Name:    "import",
		Usage:   "--kind pos|settlement|bank [--profile NAME|FILE.json] [--currency CNY] FILE...",
		Summary: "Import POS exports, settlement statements or bank statements and print what each file added.",
		Flags: func(fs *flag.FlagSet) {
			importFlags.kind = fs.String("kind", "", "what the files are: pos (terminal export), settlement (acquirer statement) or bank (bank statement)")
			importFlags.profile = fs.String("profile", "", "column profile: a built-in name ("+profileNames()+") or a saved profile file (.json); default: detect")
			importFlags.currency = fs.String("currency", "", "currency of the amounts when the profile names none (default CNY)")
		},
		Run: runImport,
	})
	register(&command{
		Name:    "imports",
		Usage:   "[--all] [--json]",
		Summary: "List imported files, newest first, with their counts.",
		Flags:   func(fs *flag.FlagSet) { importsAll = fs.Bool("all", false, "include undone imports") },
		Run:     runImports,
	})
	register(&command{
		Name:    "import undo",
		Usage:   "BATCH",
		Summary: "Undo an import: its rows stay on record but no longer count (ledger records it created are voided).",
		Run:     runImportUndo,
	})
}

var importsAll *bool

func profileNames() string {
	var names []string
	for _, p := range importer.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// loadProfile returns the profile named by --profile: a built-in one or a JSON file.
func loadProfile(name string) (*importer.Profile, error) {
	if name == "" {
		return nil, nil
	}
	if p, ok := importer.LookupProfile(name); ok {
		return p, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("--profile %q is neither a built-in profile (%s) nor a readable profile file", name, profileNames())
	}
	return importer.ParseProfile(b)
}

// importResult is what the import command reports for one file.
type importResult struct {
	File      string             `json:"file"`
	Batch     int64              `json:"batch,omitempty"`
	Kind      posdesk.ImportKind `json:"kind"`
	Profile   string             `json:"profile,omitempty"`
	Encoding  string             `json:"encoding,omitempty"`
	New       int                `json:"new"`
	Duplicate int                `json:"duplicate"`
	Skipped   int                `json:"skipped"`
	Refused   int                `json:"refused"`
	Errors    []rowErrorOut      `json:"errors,omitempty"`
	FileError string             `json:"file_error,omitempty"` // set when the whole file was refused
}

type rowErrorOut struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func runImport(e *env, args []string) error {
	kind := posdesk.ImportKind(strings.ToLower(strings.TrimSpace(*importFlags.kind)))
	if !kind.Valid() {
		return usagef("say what the files are with --kind pos, --kind settlement or --kind bank")
	}
	if len(args) == 0 {
		return usagef("name the files to import, e.g. posdesk import --kind settlement statement.csv")
	}
	profile, err := loadProfile(*importFlags.profile)
	if err != nil {
		return err
	}
	if profile != nil && profile.Kind != "" && profile.Kind != kind {
		return usagef("profile %q is for %s files, not %s", profile.Name, string(profile.Kind), string(kind))
	}
	var results []importResult
	refused := 0
	for _, path := range args {
		res := importOne(e, kind, profile, path)
		if res.FileError != "" {
			refused++
		}
		results = append(results, res)
		if !e.JSON {
			printImportResult(e, res)
		}
	}
	if e.JSON {
		if err := writeJSON(e.Stdout, results); err != nil {
			return err
		}
	}
	if refused > 0 {
		return posdesk.Errorf(posdesk.EINVALID, "%d of %d files were refused and nothing of them imported; the other files were imported.", refused, len(args))
	}
	return nil
}

// importOne imports one file as one batch. A refused file is reported in the result.
func importOne(e *env, kind posdesk.ImportKind, profile *importer.Profile, path string) importResult {
	res := importResult{File: posdesk.MaskText(filepath.Base(path)), Kind: kind}
	fail := func(err error) importResult {
		res.FileError = i18n.Message(err)
		logError(err)
		return res
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(posdesk.Errorf(posdesk.EINVALID, "File %s cannot be opened; check the name and that you may read it.", res.File))
	}
	defer f.Close()
	rd, err := importer.NewReader(f, importer.Options{Kind: kind, Profile: profile, FileName: path, Location: e.Loc, Currency: strings.ToUpper(*importFlags.currency)})
	if err != nil {
		return fail(err)
	}
	m := rd.Mapping()
	res.Profile, res.Encoding = m.Profile, m.Encoding
	batch := &posdesk.ImportBatch{FileName: filepath.Base(path), Profile: m.Profile}
	switch kind {
	case posdesk.ImportSettlement:
		err = e.DB.CreateSettlementImport(e.Ctx, batch, importer.WithBatch(rd, batch, rd.SettlementLines(), nil))
	case posdesk.ImportBank:
		err = e.DB.CreateBankImport(e.Ctx, batch, importer.WithBatch(rd, batch, rd.BankLines(), nil))
	default:
		err = e.DB.CreatePOSImport(e.Ctx, batch, importer.WithBatch(rd, batch, rd.POSLines(), nil))
	}
	if err != nil {
		return fail(err)
	}
	res.Batch, res.New, res.Duplicate, res.Skipped, res.Refused = batch.ID, batch.New, batch.Duplicate, batch.Skipped, batch.Refused
	for _, re := range batch.Errors {
		res.Errors = append(res.Errors, rowErrorOut{Line: re.Line, Field: re.Field, Message: i18n.Message(re.Err)})
	}
	return res
}

// maxPrintedRowErrors is how many refused rows the text output lists per file.
const maxPrintedRowErrors = 20

func printImportResult(e *env, r importResult) {
	if r.FileError != "" {
		fmt.Fprintln(e.Stderr, i18n.T("%s: refused: %s", r.File, r.FileError))
		return
	}
	fmt.Fprintln(e.Stdout, i18n.T("%s: %d new, %d duplicate, %d skipped, %d refused (import %d).", r.File, r.New, r.Duplicate, r.Skipped, r.Refused, r.Batch))
	for i, re := range r.Errors {
		if i == maxPrintedRowErrors {
			fmt.Fprintln(e.Stdout, i18n.T("  ... and %d more refused rows: posdesk imports --json lists them all.", r.Refused-i))
			break
		}
		if re.Field != "" {
			fmt.Fprintln(e.Stdout, i18n.T("  line %d (%s): %s", re.Line, re.Field, re.Message))
		} else {
			fmt.Fprintln(e.Stdout, i18n.T("  line %d: %s", re.Line, re.Message))
		}
	}
}

// batchJSON is an import batch as the imports command prints it.
type batchJSON struct {
	ID         int64              `json:"id"`
	Kind       posdesk.ImportKind `json:"kind"`
	File       string             `json:"file"`
	SHA256     string             `json:"sha256"`
	Profile    string             `json:"profile,omitempty"`
	ImportedAt string             `json:"imported_at"`
	ImportedBy string             `json:"imported_by"`
	New        int                `json:"new"`
	Duplicate  int                `json:"duplicate"`
	Skipped    int                `json:"skipped"`
	Refused    int                `json:"refused"`
	Errors     []rowErrorOut      `json:"errors,omitempty"`
	UndoneAt   string             `json:"undone_at,omitempty"`
	UndoneBy   string             `json:"undone_by,omitempty"`
}

func toBatchJSON(e *env, b *posdesk.ImportBatch) batchJSON {
	j := batchJSON{ID: b.ID, Kind: b.Kind, File: b.FileName, SHA256: b.FileSHA256, Profile: b.Profile,
		ImportedAt: b.ImportedAt.In(e.Loc).Format("2006-01-02 15:04:05"), ImportedBy: b.ImportedBy,
		New: b.New, Duplicate: b.Duplicate, Skipped: b.Skipped, Refused: b.Refused, UndoneBy: b.UndoneBy}
	if b.Undone() {
		j.UndoneAt = b.UndoneAt.In(e.Loc).Format("2006-01-02 15:04:05")
	}
	for _, re := range b.Errors {
		j.Errors = append(j.Errors, rowErrorOut{Line: re.Line, Field: re.Field, Message: i18n.Message(re.Err)})
	}
	return j
}

func runImports(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	batches, _, err := e.DB.FindImportBatches(e.Ctx, posdesk.ImportBatchFilter{IncludeUndone: *importsAll})
	if err != nil {
		return err
	}
	if e.JSON {
		out := make([]batchJSON, 0, len(batches))
		for _, b := range batches {
			out = append(out, toBatchJSON(e, b))
		}
		return writeJSON(e.Stdout, out)
	}
	if len(batches) == 0 {
		fmt.Fprintln(e.Stdout, i18n.T("No imports yet."))
		return nil
	}
	t := &textTable{header: []string{i18n.T("ID"), i18n.T("Imported"), i18n.T("Kind"), i18n.T("File"), i18n.T("New"), i18n.T("Duplicate"),
		i18n.T("Skipped"), i18n.T("Refused"), ""}, right: map[int]bool{0: true, 4: true, 5: true, 6: true, 7: true}}
	for _, b := range batches {
		state := ""
		if b.Undone() {
			state = i18n.T("undone")
		}
		t.add(strconv.FormatInt(b.ID, 10), b.ImportedAt.In(e.Loc).Format("2006-01-02 15:04"), string(b.Kind), truncate(b.FileName, 40),
			strconv.Itoa(b.New), strconv.Itoa(b.Duplicate), strconv.Itoa(b.Skipped), strconv.Itoa(b.Refused), state)
	}
	return t.write(e.Stdout)
}

func runImportUndo(e *env, args []string) error {
	if len(args) != 1 {
		return usagef("give one import number: posdesk import undo BATCH (posdesk imports lists them)")
	}
	id, ok := parseID(args[0])
	if !ok {
		return usagef("%q is not an import number; numbers are whole numbers such as 3", args[0])
	}
	b, err := e.DB.UndoImportBatch(e.Ctx, id)
	if err != nil {
		return err
	}
	if e.JSON {
		return writeJSON(e.Stdout, toBatchJSON(e, b))
	}
	fmt.Fprintln(e.Stdout, i18n.T("Import %d (%s) undone: its %d rows no longer count.", b.ID, b.FileName, b.New))
	return nil
}
