package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// previewRows is how many data rows the wizard previews.
const previewRows = 30

// Steps of the import wizard.
const (
	stepChoose  = iota // choose the file, its kind and profile
	stepShape          // what posdesk detected, with a preview
	stepColumns        // which column holds which field, with a live preview
	stepResult         // the import under way, then its counts and refused lines
)

// importKinds are the kind choices of the wizard; "" detects.
var importKinds = []struct {
	kind  posdesk.ImportKind
	title string
}{
	{"", "Detect from the columns"},
	{posdesk.ImportPOS, "POS export (the terminal's transactions)"},
	{posdesk.ImportSettlement, "Settlement statement (对账单) from the acquirer"},
	{posdesk.ImportBank, "Bank account statement"},
}

// importKindTitle is the short name of a kind of file.
func importKindTitle(k posdesk.ImportKind) string {
	switch k {
	case posdesk.ImportPOS:
		return i18n.T("POS export")
	case posdesk.ImportSettlement:
		return i18n.T("Settlement statement")
	case posdesk.ImportBank:
		return i18n.T("Bank statement")
	}
	return string(k)
}

// importFields are the fields the columns step offers for each kind, in form order.
var importFields = map[posdesk.ImportKind][]importer.Field{
	posdesk.ImportPOS: {importer.FieldDate, importer.FieldTime, importer.FieldAmount, importer.FieldKind, importer.FieldStatus,
		importer.FieldTerminal, importer.FieldBatch, importer.FieldTrace, importer.FieldRRN, importer.FieldAuth, importer.FieldCard,
		importer.FieldScheme, importer.FieldChannel, importer.FieldMerchant, importer.FieldCurrency},
	posdesk.ImportSettlement: {importer.FieldDate, importer.FieldTime, importer.FieldAmount, importer.FieldFee, importer.FieldNet,
		importer.FieldKind, importer.FieldTerminal, importer.FieldBatch, importer.FieldTrace, importer.FieldRRN, importer.FieldAuth,
		importer.FieldCard, importer.FieldCardType, importer.FieldIssuer, importer.FieldMerchant, importer.FieldSettleDate, importer.FieldCurrency},
	posdesk.ImportBank: {importer.FieldDate, importer.FieldDescription, importer.FieldCounterparty, importer.FieldCredit, importer.FieldDebit,
		importer.FieldBalance, importer.FieldDirection, importer.FieldCurrency},
}

// fieldTitle is the label of a field in the columns step.
func fieldTitle(f importer.Field) string {
	switch f {
	case importer.FieldMerchant:
		return i18n.T("Merchant ID")
	case importer.FieldTerminal:
		return i18n.T("Terminal ID")
	case importer.FieldBatch:
		return i18n.T("Batch number")
	case importer.FieldTrace:
		return i18n.T("Trace number")
	case importer.FieldRRN:
		return i18n.T("Reference number (RRN)")
	case importer.FieldAuth:
		return i18n.T("Authorisation code")
	case importer.FieldCard:
		return i18n.T("Card")
	case importer.FieldCardType:
		return i18n.T("Card type")
	case importer.FieldIssuer:
		return i18n.T("Issuing bank")
	case importer.FieldScheme:
		return i18n.T("Card scheme")
	case importer.FieldKind:
		return i18n.T("Transaction type")
	case importer.FieldStatus:
		return i18n.T("Status at the POS")
	case importer.FieldChannel:
		return i18n.T("Payment channel")
	case importer.FieldAmount:
		return i18n.T("Amount")
	case importer.FieldFee:
		return i18n.T("Fee")
	case importer.FieldNet:
		return i18n.T("Net settled")
	case importer.FieldCurrency:
		return i18n.T("Currency")
	case importer.FieldDate:
		return i18n.T("Date")
	case importer.FieldTime:
		return i18n.T("Time")
	case importer.FieldSettleDate:
		return i18n.T("Settlement date")
	case importer.FieldDescription:
		return i18n.T("Description")
	case importer.FieldCounterparty:
		return i18n.T("Counterparty")
	case importer.FieldCredit:
		return i18n.T("Money in")
	case importer.FieldDebit:
		return i18n.T("Money out")
	case importer.FieldBalance:
		return i18n.T("Balance")
	case importer.FieldDirection:
		return i18n.T("Debit/credit mark")
	}
	return string(f)
}

// ImportWizard is the import dialog: choose the file, see what posdesk detected with a preview,
// adjust which column holds which field (with a live preview, saved as a profile if wanted),
// then the import with progress and cancel, and its result: new, duplicate, skipped and refused
// rows with their lines.
type ImportWizard struct {
	w      *Window
	svc    ImportMatcher
	onDone func(*posdesk.ImportBatch) // after a file was imported (the section reloads)

	step int
	file string
	// kind and profile chosen on the first step ("" and nil detect).
	kind     *widget.RadioGroup
	profile  *widget.Select
	profiles []importer.Profile
	fileLine *widget.Label
	fileErr  *widget.Label

	preview    *importer.Preview
	custom     *importer.Profile // the profile built on the columns step, nil until changed
	previewSeq int
	shape      *widget.Label
	stats      *widget.Label
	table      *widget.Table
	tableErr   *widget.Label
	columns    map[importer.Field]*widget.Select
	colForm    *fyne.Container
	saveName   *Entry
	saveBtn    *widget.Button
	saveStatus *widget.Label

	job    *job
	result *posdesk.ImportBatch
	counts *widget.Label
	errors *widget.Label

	body    *fyne.Container // the current step
	title   *widget.Label
	back    *widget.Button
	next    *widget.Button
	cols    *widget.Button
	importB *widget.Button
	again   *widget.Button
	match   *widget.Button
	close   *widget.Button
	content fyne.CanvasObject
	dlg     *dialog.CustomDialog

	// chooseFile shows the file open dialog; tests replace it.
	chooseFile func()
}

// OpenImportWizard shows the import dialog on w; onDone runs after each imported file.
func OpenImportWizard(w *Window, onDone func(*posdesk.ImportBatch)) *ImportWizard {
	z := NewImportWizard(w, onDone)
	z.dlg = dialog.NewCustomWithoutButtons(i18n.T("Import a file"), z.content, w)
	z.close.OnTapped = func() { z.dlg.Hide() }
	z.dlg.SetButtons([]fyne.CanvasObject{z.close, z.back, z.cols, z.next, z.importB, z.again, z.match})
	z.dlg.SetOnClosed(func() { z.job.Cancel() })
	size := w.Canvas().Size()
	z.dlg.Resize(fyne.NewSize(fyne.Min(1180, size.Width*0.96), fyne.Min(740, size.Height*0.96)))
	w.ShowDialog(z.dlg)
	return z
}

// NewImportWizard builds the wizard's content at its first step and loads the profiles.
func NewImportWizard(w *Window, onDone func(*posdesk.ImportBatch)) *ImportWizard {
	z := &ImportWizard{w: w, svc: w.Services.Imports, onDone: onDone, columns: map[importer.Field]*widget.Select{}}
	var kinds []string
	for _, k := range importKinds {
		kinds = append(kinds, i18n.T(k.title))
	}
	z.kind = widget.NewRadioGroup(kinds, func(string) { z.profileOptions() })
	z.kind.Required = true
	z.kind.Selected = kinds[0]
	z.profile = widget.NewSelect(nil, nil)
	z.fileLine = &widget.Label{Text: i18n.T("No file chosen yet."), Importance: widget.LowImportance, Wrapping: fyne.TextWrapBreak}
	z.fileErr = errorLabel()
	z.shape = &widget.Label{Wrapping: textWrap()}
	z.stats = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	z.tableErr = errorLabel()
	z.buildTable()
	z.colForm = container.New(formLayout{})
	z.saveName = w.NewEntry()
	z.saveName.SetPlaceHolder(i18n.T("Name, e.g. ICBC statement"))
	z.saveName.OnSubmitted = func(string) { z.SaveProfile() }
	z.saveBtn = &widget.Button{Text: i18n.T("Save as profile"), Icon: theme.DocumentSaveIcon(), OnTapped: z.SaveProfile}
	z.saveStatus = &widget.Label{Wrapping: textWrap()}
	z.counts = &widget.Label{Wrapping: textWrap(), TextStyle: fyne.TextStyle{Bold: true}}
	z.errors = &widget.Label{Wrapping: textWrap(), Importance: widget.DangerImportance}

	z.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	z.back = &widget.Button{Text: i18n.T("Back"), Icon: theme.NavigateBackIcon(), OnTapped: z.Back}
	z.next = &widget.Button{Text: i18n.T("Next"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance, OnTapped: z.Next}
	z.cols = &widget.Button{Text: i18n.T("Change columns…"), Icon: theme.ListIcon(), OnTapped: func() { z.show(stepColumns) }}
	z.importB = &widget.Button{Text: i18n.T("Import"), Icon: theme.DownloadIcon(), Importance: widget.HighImportance, OnTapped: z.Import}
	z.again = &widget.Button{Text: i18n.T("Import another file"), Icon: theme.ContentAddIcon(), OnTapped: z.Restart}
	z.match = &widget.Button{Text: i18n.T("Match now"), Icon: theme.SearchReplaceIcon(), Importance: widget.HighImportance}
	z.close = &widget.Button{Text: i18n.T("Close")}
	z.job = newJob(w, z.back, z.importB)
	z.chooseFile = z.openFileDialog
	z.body = container.NewStack()
	z.content = container.NewBorder(container.NewVBox(z.title, widget.NewSeparator()), nil, nil, nil, z.body)
	z.loadProfiles()
	z.show(stepChoose)
	return z
}

// Step returns the step on screen (stepChoose ... stepResult).
func (z *ImportWizard) Step() int { return z.step }

func (z *ImportWizard) chosenKind() posdesk.ImportKind {
	for _, k := range importKinds {
		if z.kind.Selected == i18n.T(k.title) {
			return k.kind
		}
	}
	return ""
}

// loadProfiles fetches the built-in and saved profiles off the UI goroutine.
func (z *ImportWizard) loadProfiles() {
	ctx := z.w.Ctx()
	z.w.Async(func() {
		ps, err := z.svc.ImportProfiles(ctx)
		fyne.Do(func() {
			if err != nil {
				setError(z.fileErr, i18n.T("Could not read the saved profiles: %s", i18n.Message(err)))
				return
			}
			z.profiles = ps
			z.profileOptions()
		})
	})
}

// profileOptions lists "detect" and the profiles of the chosen kind.
func (z *ImportWizard) profileOptions() {
	opts := []string{i18n.T("Detect the columns")}
	kind := z.chosenKind()
	for _, p := range z.profiles {
		if kind == "" || p.Kind == "" || p.Kind == kind {
			opts = append(opts, p.Name)
		}
	}
	sel := z.profile.Selected
	z.profile.Options = opts
	if !strings.Contains("\x00"+strings.Join(opts, "\x00")+"\x00", "\x00"+sel+"\x00") || sel == "" {
		sel = opts[0]
	}
	z.profile.Selected = sel
	z.profile.Refresh()
}

// chosenProfile returns the profile chosen on the first step, or nil to detect.
func (z *ImportWizard) chosenProfile() *importer.Profile {
	if z.profile.SelectedIndex() <= 0 {
		return nil
	}
	for _, p := range z.profiles {
		if p.Name == z.profile.Selected {
			p := p
			return &p
		}
	}
	return nil
}

// request is the import the wizard's choices describe.
func (z *ImportWizard) request() ImportRequest {
	r := ImportRequest{File: z.file, Kind: z.chosenKind(), Profile: z.chosenProfile()}
	if z.custom != nil {
		r.Profile = z.custom
		r.Kind = z.custom.Kind
	}
	return r
}

// SetFile chooses the file to import.
func (z *ImportWizard) SetFile(path string) {
	z.file = path
	z.fileLine.Importance = widget.MediumImportance
	z.fileLine.SetText(path)
	setError(z.fileErr, "")
}

func (z *ImportWizard) openFileDialog() {
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			z.w.ShowError(err)
			return
		}
		if rc == nil {
			return
		}
		rc.Close()
		z.SetFile(rc.URI().Path())
	}, z.w)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".CSV", ".TXT", ".XLSX"}))
	fd.Show()
	size := z.w.Canvas().Size()
	fd.Resize(fyne.NewSize(fyne.Min(960, size.Width*0.9), fyne.Min(640, size.Height*0.9)))
}

// show puts step on screen with its buttons.
func (z *ImportWizard) show(step int) {
	z.step = step
	for _, b := range []*widget.Button{z.back, z.next, z.cols, z.importB, z.again, z.match} {
		b.Hide()
	}
	var body fyne.CanvasObject
	switch step {
	case stepChoose:
		z.title.SetText(i18n.T("1. Choose the file"))
		choose := &widget.Button{Text: i18n.T("Choose file…"), Icon: theme.FolderOpenIcon(), OnTapped: func() { z.chooseFile() }}
		body = container.NewVBox(
			container.New(formLayout{},
				fieldLabel(i18n.T("File")), container.NewBorder(nil, nil, nil, choose, z.fileLine),
				fieldLabel(i18n.T("What it is")), z.kind,
				fieldLabel(i18n.T("Columns")), z.profile),
			z.fileErr,
			&widget.Label{Text: i18n.T("Excel workbooks (.xlsx) and CSV or text files exported by the POS, the acquirer's portal or online banking; Chinese (GBK/GB18030) and UTF-8 both work. A workbook is read from its first sheet with a header row posdesk recognises; old .xls files and password-protected workbooks must be saved as .xlsx or CSV first. Title lines, totals rows and blank rows are skipped; a file imported twice adds nothing the second time."),
				Importance: widget.LowImportance, Wrapping: textWrap()})
		z.next.Show()
	case stepShape:
		z.title.SetText(i18n.T("2. What posdesk found"))
		body = container.NewBorder(container.NewVBox(z.shape, z.stats, z.tableErr), nil, nil, nil, z.table)
		z.back.Show()
		z.cols.Show()
		z.importB.Show()
	case stepColumns:
		z.title.SetText(i18n.T("3. Which column holds what"))
		z.buildColumnForm()
		save := container.NewVBox(&widget.Label{Text: i18n.T("Use these columns again next time:"), Wrapping: textWrap()},
			container.NewBorder(nil, nil, nil, z.saveBtn, z.saveName), z.saveStatus)
		left := container.NewBorder(nil, save, nil, nil, container.NewVScroll(z.colForm))
		right := container.NewBorder(container.NewVBox(z.stats, z.tableErr), nil, nil, nil, z.table)
		split := container.NewHSplit(left, right)
		split.Offset = 0.36
		body = split
		z.back.Show()
		z.importB.Show()
	case stepResult:
		z.title.SetText(i18n.T("4. Result"))
		body = container.NewBorder(container.NewVBox(z.job.view(), z.counts), nil, nil, nil, container.NewVScroll(z.errors))
		z.back.Show()
	}
	z.body.Objects = []fyne.CanvasObject{body}
	z.body.Refresh()
}

// Next goes from the first step to the preview.
func (z *ImportWizard) Next() {
	if z.file == "" {
		setError(z.fileErr, i18n.T("Choose the file to import first."))
		return
	}
	z.custom = nil
	z.Preview(func(err error) {
		if err != nil {
			setError(z.fileErr, i18n.Message(err))
			return
		}
		z.show(stepShape)
	})
}

// Back goes one step back.
func (z *ImportWizard) Back() {
	switch z.step {
	case stepShape:
		z.show(stepChoose)
	case stepColumns, stepResult:
		z.show(stepShape)
	}
}

// Restart goes back to the first step for another file.
func (z *ImportWizard) Restart() {
	z.file, z.custom, z.preview, z.result = "", nil, nil, nil
	z.fileLine.Importance = widget.LowImportance
	z.fileLine.SetText(i18n.T("No file chosen yet."))
	z.counts.SetText("")
	z.errors.SetText("")
	z.job.say(widget.MediumImportance, "")
	z.show(stepChoose)
}

// Preview reads the start of the file with the current choices off the UI goroutine and shows
// it; done, when set, gets the error (nil when it worked). Older answers are dropped.
func (z *ImportWizard) Preview(done func(error)) {
	z.previewSeq++
	seq, req, ctx := z.previewSeq, z.request(), z.w.Ctx()
	z.w.Async(func() {
		p, err := z.svc.PreviewImport(ctx, req, previewRows)
		fyne.Do(func() {
			if seq != z.previewSeq {
				return
			}
			if err == nil {
				z.preview = p
				z.showPreview()
				setError(z.tableErr, "")
			} else if z.step == stepColumns {
				setError(z.tableErr, i18n.Message(err))
			}
			if done != nil {
				done(err)
			}
		})
	})
}

// showPreview writes what was detected and redraws the table.
func (z *ImportWizard) showPreview() {
	m := z.preview.Mapping
	how := i18n.T("columns found by their names")
	switch {
	case z.custom != nil:
		how = i18n.T("the columns you chose")
	case m.Profile != "":
		how = i18n.T("columns of the profile %s", m.Profile)
	}
	if m.Encoding == importer.EncodingXLSX {
		z.shape.SetText(i18n.T("%[1]s in an Excel workbook; header on row %[2]d; %[3]s.", importKindTitle(m.Kind), m.HeaderLine, how))
	} else {
		z.shape.SetText(i18n.T("%[1]s in %[2]s; header on line %[3]d; %[4]s.", importKindTitle(m.Kind), strings.ToUpper(m.Encoding), m.HeaderLine, how))
	}
	s := z.preview.Stats
	z.stats.SetText(i18n.T("First %[1]d rows: %[2]d read, %[3]d refused, %[4]d skipped (title, totals or blank).", len(z.preview.Rows), s.Good, s.Refused, s.Skipped()))
	z.table.Refresh()
	for i, c := range z.tableColumns() {
		z.table.SetColumnWidth(i, c.width)
	}
}

// previewColumn is one column of the preview table.
type previewColumn struct {
	title string
	width float32
	cell  func(r *importer.PreviewRow) string
	right bool                                           // amounts: right-aligned
	imp   func(r *importer.PreviewRow) widget.Importance // the cell's colour; nil: normal
}

// tableColumns are the preview's columns for the detected kind: the values the rows become, and
// the reason of a refused row.
func (z *ImportWizard) tableColumns() []previewColumn {
	cols := []previewColumn{{title: i18n.T("Line"), width: 60, cell: func(r *importer.PreviewRow) string { return fmt.Sprint(r.Line) }}}
	if z.preview == nil {
		return cols
	}
	// The reason of a refused row comes second, where it is seen; only when a row was refused.
	for _, r := range z.preview.Rows {
		if r.Err != nil {
			cols = append(cols, previewColumn{title: i18n.T("Problem"), width: 360, cell: func(r *importer.PreviewRow) string {
				if r.Err != nil {
					return i18n.Message(r.Err)
				}
				return ""
			}})
			break
		}
	}
	loc := z.w.Location
	col := func(title string, width float32, cell func(r *importer.PreviewRow) string) previewColumn {
		return previewColumn{title: title, width: width, cell: cell}
	}
	money := func(title string, width float32, cell func(r *importer.PreviewRow) string) previewColumn {
		return previewColumn{title: title, width: width, cell: cell, right: true}
	}
	switch z.preview.Mapping.Kind {
	case posdesk.ImportSettlement:
		s := func(f func(l *posdesk.SettlementLine) string) func(r *importer.PreviewRow) string {
			return func(r *importer.PreviewRow) string {
				if r.Record == nil || r.Record.Settlement == nil {
					return ""
				}
				return f(r.Record.Settlement)
			}
		}
		return append(cols,
			col(i18n.T("Time"), 150, s(func(l *posdesk.SettlementLine) string { return FormatLocalTime(l.Time, loc) })),
			col(i18n.T("Type"), 80, s(func(l *posdesk.SettlementLine) string { return i18n.T(l.Kind.Title()) })),
			money(i18n.T("Amount"), 110, s(func(l *posdesk.SettlementLine) string { return l.Amount.Display() })),
			money(i18n.T("Fee"), 80, s(func(l *posdesk.SettlementLine) string { return l.Fee.Display() })),
			money(i18n.T("Net settled"), 110, s(func(l *posdesk.SettlementLine) string { return l.Net.Display() })),
			col(i18n.T("Terminal ID"), 100, s(func(l *posdesk.SettlementLine) string { return l.TerminalID })),
			col(i18n.T("Trace number"), 100, s(func(l *posdesk.SettlementLine) string { return l.Trace })),
			col(i18n.T("RRN"), 130, s(func(l *posdesk.SettlementLine) string { return l.RRN })),
			col(i18n.T("Card"), 160, s(func(l *posdesk.SettlementLine) string { return l.Card })),
			col(i18n.T("Settlement date"), 110, s(func(l *posdesk.SettlementLine) string { return l.SettleDate.String() })))
	case posdesk.ImportBank:
		b := func(f func(l *posdesk.BankLine) string) func(r *importer.PreviewRow) string {
			return func(r *importer.PreviewRow) string {
				if r.Record == nil || r.Record.Bank == nil {
					return ""
				}
				return f(r.Record.Bank)
			}
		}
		amount := func(m posdesk.Money) string {
			if m.IsZero() {
				return ""
			}
			return m.Display()
		}
		return append(cols,
			col(i18n.T("Date"), 100, b(func(l *posdesk.BankLine) string { return l.Date.String() })),
			col(i18n.T("Description"), 180, b(func(l *posdesk.BankLine) string { return l.Description })),
			col(i18n.T("Counterparty"), 180, b(func(l *posdesk.BankLine) string { return l.Counterparty })),
			money(i18n.T("Money in"), 120, b(func(l *posdesk.BankLine) string { return amount(l.Credit) })),
			money(i18n.T("Money out"), 120, b(func(l *posdesk.BankLine) string { return amount(l.Debit) })),
			money(i18n.T("Balance"), 130, b(func(l *posdesk.BankLine) string { return amount(l.Balance) })))
	}
	p := func(f func(t *posdesk.Transaction) string) func(r *importer.PreviewRow) string {
		return func(r *importer.PreviewRow) string {
			if r.Record == nil || r.Record.POS == nil || r.Record.POS.Tx == nil {
				return ""
			}
			return f(r.Record.POS.Tx)
		}
	}
	status := col(i18n.T("Status"), 90, p(func(t *posdesk.Transaction) string { return i18n.T(t.Status.Title()) }))
	status.imp = func(r *importer.PreviewRow) widget.Importance {
		if r.Record == nil || r.Record.POS == nil || r.Record.POS.Tx == nil {
			return widget.MediumImportance
		}
		return statusImportance(r.Record.POS.Tx.Status)
	}
	return append(cols,
		col(i18n.T("Time"), 150, p(func(t *posdesk.Transaction) string { return FormatLocalTime(t.Time, loc) })),
		col(i18n.T("Type"), 80, p(func(t *posdesk.Transaction) string { return i18n.T(t.Kind.Title()) })),
		status,
		money(i18n.T("Amount"), 110, p(func(t *posdesk.Transaction) string { return t.Amount.Display() })),
		col(i18n.T("Terminal ID"), 100, p(func(t *posdesk.Transaction) string { return t.Terminal })),
		col(i18n.T("Trace number"), 100, p(func(t *posdesk.Transaction) string { return t.Trace })),
		col(i18n.T("RRN"), 130, p(func(t *posdesk.Transaction) string { return t.RRN })),
		col(i18n.T("Card"), 160, p(func(t *posdesk.Transaction) string { return t.Card })))
}

func (z *ImportWizard) buildTable() {
	z.table = &widget.Table{
		Length: func() (int, int) {
			n := 0
			if z.preview != nil {
				n = len(z.preview.Rows)
			}
			return n, len(z.tableColumns())
		},
		CreateCell: func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		UpdateCell: func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			cols := z.tableColumns()
			if z.preview == nil || id.Row >= len(z.preview.Rows) || id.Col >= len(cols) {
				l.SetText("")
				return
			}
			r := &z.preview.Rows[id.Row]
			c := cols[id.Col]
			l.Importance = widget.MediumImportance
			switch {
			case r.Err != nil:
				l.Importance = widget.DangerImportance
			case c.imp != nil:
				l.Importance = c.imp(r)
			}
			l.Alignment = fyne.TextAlignLeading
			if c.right {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(c.cell(r))
		},
		ShowHeaderRow: true,
		CreateHeader: func() fyne.CanvasObject {
			return &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
		},
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			if cols := z.tableColumns(); id.Col >= 0 && id.Col < len(cols) {
				l := o.(*widget.Label)
				l.Alignment = fyne.TextAlignLeading
				if cols[id.Col].right {
					l.Alignment = fyne.TextAlignTrailing
				}
				l.SetText(cols[id.Col].title)
			}
		},
	}
	z.table.ExtendBaseWidget(z.table)
}

// PreviewCell returns the text of a preview cell, for tests.
func (z *ImportWizard) PreviewCell(row, col int) string {
	cols := z.tableColumns()
	if z.preview == nil || row >= len(z.preview.Rows) || col >= len(cols) {
		return ""
	}
	return cols[col].cell(&z.preview.Rows[row])
}

// noColumn is the columns step's choice for a field the file does not have.
func noColumn() string { return i18n.T("(not in the file)") }

// buildColumnForm lists each field of the detected kind with a choice of the file's columns.
func (z *ImportWizard) buildColumnForm() {
	z.colForm.RemoveAll()
	z.columns = map[importer.Field]*widget.Select{}
	if z.preview == nil {
		return
	}
	m := z.preview.Mapping
	opts := append([]string{noColumn()}, m.Header...)
	for _, f := range importFields[m.Kind] {
		sel := widget.NewSelect(opts, nil)
		sel.Selected = noColumn()
		if c := m.Column(f); c != "" {
			sel.Selected = c
		}
		sel.OnChanged = func(col string) {
			// One column holds one field: another field on the same column loses it.
			for g, o := range z.columns {
				if g != f && col != noColumn() && o.Selected == col {
					o.Selected = noColumn()
					o.Refresh()
				}
			}
			z.ColumnsChanged()
		}
		z.columns[f] = sel
		z.colForm.Add(fieldLabel(fieldTitle(f)))
		z.colForm.Add(sel)
	}
	z.colForm.Refresh()
}

// SetColumn chooses column (a header cell, or "" for none) for field on the columns step.
func (z *ImportWizard) SetColumn(f importer.Field, column string) {
	if sel := z.columns[f]; sel != nil {
		if column == "" {
			column = noColumn()
		}
		sel.SetSelected(column)
	}
}

// columnsProfile is the profile the columns step describes, named name.
func (z *ImportWizard) columnsProfile(name string) importer.Profile {
	p := z.preview.Mapping.AsProfile(name)
	p.Columns = map[importer.Field]string{}
	for f, sel := range z.columns {
		if sel.Selected != "" && sel.Selected != noColumn() {
			p.Columns[f] = sel.Selected
		}
	}
	return p
}

// ColumnsChanged reads the file again with the chosen columns (the live preview).
func (z *ImportWizard) ColumnsChanged() {
	if z.preview == nil {
		return
	}
	p := z.columnsProfile(i18n.T("Chosen columns"))
	z.custom = &p
	z.Preview(nil)
}

// SaveProfile saves the chosen columns as a profile under the name typed.
func (z *ImportWizard) SaveProfile() {
	name := strings.TrimSpace(z.saveName.Text)
	if name == "" {
		z.saveStatus.Importance = widget.DangerImportance
		z.saveStatus.SetText(i18n.T("Type a name for the profile first."))
		return
	}
	if z.preview == nil {
		return
	}
	p := z.columnsProfile(name)
	ctx := z.w.Ctx()
	z.w.Async(func() {
		err := z.svc.SaveImportProfile(ctx, p)
		fyne.Do(func() {
			if err != nil {
				z.saveStatus.Importance = widget.DangerImportance
				z.saveStatus.SetText(i18n.Message(err))
				return
			}
			z.saveStatus.Importance = widget.SuccessImportance
			z.saveStatus.SetText(i18n.T("Saved as %s; choose it under Columns next time.", name))
			z.custom = &p
			z.loadProfiles()
		})
	})
}

// Import imports the whole file with the current choices off the UI goroutine, with progress
// and a cancel button, and shows the result.
func (z *ImportWizard) Import() {
	req := z.request()
	z.show(stepResult)
	z.counts.SetText("")
	z.errors.SetText("")
	runJob(z.job, i18n.T("Importing %s…", filepath.Base(req.File)), func(ctx context.Context, progress func(int, int)) (*posdesk.ImportBatch, error) {
		return z.svc.Import(ctx, req, progress)
	}, func(b *posdesk.ImportBatch) {
		z.result = b
		z.showResult(b)
		if z.onDone != nil {
			z.onDone(b)
		}
	})
}

// showResult shows an import's counts and the refused lines.
func (z *ImportWizard) showResult(b *posdesk.ImportBatch) {
	z.job.say(widget.SuccessImportance, i18n.T("Imported %[1]s as %[2]s.", b.FileName, importKindTitle(b.Kind)))
	if b.New == 0 && b.Duplicate > 0 {
		z.job.say(widget.WarningImportance, i18n.T("%s was imported before: every row is already stored, nothing was added.", b.FileName))
	}
	z.counts.SetText(i18n.T("New: %[1]d    Already imported: %[2]d    Skipped: %[3]d    Refused: %[4]d", b.New, b.Duplicate, b.Skipped, b.Refused))
	var lines []string
	for _, e := range b.Errors {
		msg := i18n.T("invalid row")
		if e.Err != nil {
			msg = i18n.Message(e.Err)
		}
		lines = append(lines, i18n.T("Line %[1]d: %[2]s", e.Line, msg))
	}
	if b.Refused > len(b.Errors) {
		lines = append(lines, i18n.T("… and %d more refused rows.", b.Refused-len(b.Errors)))
	}
	z.errors.Importance = widget.DangerImportance
	if len(lines) == 0 {
		z.errors.Importance = widget.MediumImportance
		lines = append(lines, i18n.T("No row was refused."))
	} else {
		lines = append([]string{i18n.T("Refused rows (correct them in the file and import it again; rows already imported are not added twice):")}, lines...)
	}
	z.errors.SetText(strings.Join(lines, "\n"))
	z.back.Hide()
	z.again.Show()
	if z.w.Can(posdesk.ActReconcile) && z.match.OnTapped != nil {
		z.match.Show()
	}
}

// Result returns the last imported batch, for tests.
func (z *ImportWizard) Result() *posdesk.ImportBatch { return z.result }
