package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func init() {
	RegisterSection(Section{ID: "ledger", Title: "Ledger", Icon: theme.IconNameList, Order: OrderLedger,
		Visible: func(w *Window) bool { return w.Services.Transactions != nil },
		Build:   func(w *Window) fyne.CanvasObject { return NewLedger(w) }})
}

// Ledger page sizes: rows per keyset page, and pages kept in memory (10,000 rows).
const (
	ledgerPageSize = 200
	ledgerMaxPages = 50
)

// ledgerColumn is one column of the ledger table. Its width fits the title and the widest of
// the samples in the current language (the note column has a fixed width).
type ledgerColumn struct {
	title   func() string
	samples func() []string
	align   fyne.TextAlign
}

func fixed(s ...string) func() []string { return func() []string { return s } }

var ledgerColumns = []ledgerColumn{
	{func() string { return i18n.T("Time") }, fixed("2024-12-31 23:59:59"), fyne.TextAlignLeading},
	{func() string { return i18n.T("Amount") }, fixed("¥ 1,000,000.00"), fyne.TextAlignTrailing},
	{func() string { return i18n.T("Kind") }, func() []string { return titles(posdesk.TxKinds) }, fyne.TextAlignLeading},
	{func() string { return i18n.T("Channel") }, func() []string { return titles(posdesk.Channels) }, fyne.TextAlignLeading},
	{func() string { return i18n.T("Status") }, func() []string { return append(titles(posdesk.TxStatuses), i18n.T("Voided")) }, fyne.TextAlignLeading},
	{func() string { return i18n.T("Terminal") }, fixed("T0000000"), fyne.TextAlignLeading},
	{func() string { return i18n.T("Trace") }, fixed("000000"), fyne.TextAlignLeading},
	{func() string { return i18n.T("RRN") }, fixed("000000000000"), fyne.TextAlignLeading},
	{func() string { return i18n.T("Auth code") }, fixed("AAAAAA"), fyne.TextAlignLeading},
	{func() string { return i18n.T("Card number") }, fixed("622848*********0000"), fyne.TextAlignLeading}, // 19-digit cards are the longest
	{func() string { return i18n.T("Note") }, nil, fyne.TextAlignLeading},
}

// noteWidth is the width of the note column, the last one; longer notes end in an ellipsis.
const noteWidth = 260

// width returns the column width that shows its title and samples whole.
func (c ledgerColumn) width() float32 {
	if c.samples == nil {
		return noteWidth
	}
	w := (&widget.Label{Text: c.title(), TextStyle: fyne.TextStyle{Bold: true}}).MinSize().Width
	for _, s := range c.samples() {
		w = fyne.Max(w, widget.NewLabel(s).MinSize().Width)
	}
	return w + 2 // room for the cell separator
}

// Column indexes.
const (
	colTime = iota
	colAmount
	colKind
	colChannel
	colStatus
	colTerminal
	colTrace
	colRRN
	colAuth
	colCard
	colNote
)

// Ledger is the ledger screen: filters, a virtualised table of transactions fed from a page
// cache, the totals per status, and the add, edit and void actions.
type Ledger struct {
	widget.BaseWidget

	w      *Window
	svc    posdesk.TransactionService
	cache  *txCache
	filter posdesk.TransactionFilter // the applied filter, without cursor and limit

	search, from, to, terminal, minAmount, maxAmount *Entry
	status, kind, channel                            *widget.Select
	voided                                           *widget.Check
	filterErr                                        *widget.Label

	table    *widget.Table
	empty    *widget.Label
	state    *widget.Label // loading, or why loading failed
	totals   *fyne.Container
	totalGen int
	selected int // selected row, or -1

	add, edit, void *widget.Button
	logIncident     *widget.Button  // "Log incident for this payment…"
	actions         *fyne.Container // the buttons the user may use
	content         fyne.CanvasObject

	form         *txForm                  // the form opened last
	voidDlg      *voidDialog              // the void confirmation opened last
	incidentForm *LogIncidentForm         // the Log incident form opened last from a record
	existingDlg  *existingIncidentsDialog // the "already has an incident" dialog opened last
}

// NewLedger builds the ledger screen for w and starts loading the first page.
func NewLedger(w *Window) *Ledger {
	l := &Ledger{w: w, svc: w.Services.Transactions, cache: newTxCache(ledgerPageSize, ledgerMaxPages), selected: -1}
	l.ExtendBaseWidget(l)
	l.buildFilters()
	l.buildTable()
	l.empty = &widget.Label{Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	l.empty.Hide()
	l.state = &widget.Label{}
	l.totals = container.New(&flowLayout{}, &widget.Label{Text: i18n.T("Calculating totals…"), Importance: widget.LowImportance})

	l.add = &widget.Button{Text: i18n.T("Add transaction"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: l.onAdd}
	l.edit = &widget.Button{Text: i18n.T("Edit…"), Icon: theme.DocumentCreateIcon(), OnTapped: l.onEdit}
	l.void = &widget.Button{Text: i18n.T("Void record…"), Icon: theme.CancelIcon(), OnTapped: l.onVoid}
	l.logIncident = &widget.Button{Text: i18n.T("Log incident for this payment…"), Icon: theme.WarningIcon(), OnTapped: l.onLogIncident}
	l.edit.Disable()
	l.void.Disable()
	l.logIncident.Disable()
	l.actions = container.NewHBox()
	if w.Can(posdesk.ActCreateTransaction) {
		l.actions.Add(l.add)
	}
	if w.Can(posdesk.ActEditTransaction) {
		l.actions.Add(l.edit)
	}
	if w.Can(posdesk.ActVoidTransaction) {
		l.actions.Add(l.void)
	}
	if w.Services.Incidents != nil && w.Can(posdesk.ActLogIncident) {
		l.actions.Add(l.logIncident)
	}
	searchBtn := &widget.Button{Icon: theme.SearchIcon(), OnTapped: l.Apply}
	clear := &widget.Button{Text: i18n.T("Clear filters"), Icon: theme.ContentClearIcon(), OnTapped: l.ClearFilters}
	row1 := container.NewBorder(nil, nil, nil, container.NewHBox(searchBtn, l.actions), l.search)
	row2 := container.NewGridWithColumns(5, l.status, l.kind, l.channel, l.terminal, l.voided)
	row3 := container.NewGridWithColumns(5, l.from, l.to, l.minAmount, l.maxAmount, clear)
	top := container.NewVBox(row1, row2, row3, l.filterErr)
	bottom := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, l.state, l.totals))
	l.content = container.NewBorder(top, bottom, nil, nil, container.NewStack(l.table, container.NewCenter(l.empty)))
	l.Apply()
	return l
}

// CreateRenderer draws the screen.
func (l *Ledger) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(l.content) }

// FocusSearch puts the cursor in the search box (Ctrl+F).
func (l *Ledger) FocusSearch() {
	l.w.Canvas().Focus(l.search)
}

func (l *Ledger) buildFilters() {
	w := l.w
	l.search = w.NewEntry()
	l.search.SetPlaceHolder(i18n.T("Search RRN, trace, auth code, card last 4 or note (Ctrl+F), then Enter"))
	l.from, l.to = w.NewEntry(), w.NewEntry()
	l.from.SetPlaceHolder(i18n.T("From, e.g. 2024-05-01"))
	l.to.SetPlaceHolder(i18n.T("To date (inclusive)"))
	l.terminal = w.NewEntry()
	l.terminal.SetPlaceHolder(i18n.T("Terminal ID"))
	l.minAmount, l.maxAmount = w.NewEntry(), w.NewEntry()
	l.minAmount.SetPlaceHolder(i18n.T("Amount from"))
	l.maxAmount.SetPlaceHolder(i18n.T("Amount to"))
	for _, e := range []*Entry{l.search, l.from, l.to, l.terminal, l.minAmount, l.maxAmount} {
		e.OnSubmitted = func(string) { l.Apply() }
	}
	l.status = widget.NewSelect(append([]string{i18n.T("All statuses")}, titles(posdesk.TxStatuses)...), nil)
	l.kind = widget.NewSelect(append([]string{i18n.T("All kinds")}, titles(posdesk.TxKinds)...), nil)
	l.channel = widget.NewSelect(append([]string{i18n.T("All channels")}, titles(posdesk.Channels)...), nil)
	for _, s := range []*widget.Select{l.status, l.kind, l.channel} {
		s.SetSelectedIndex(0)
		s.OnChanged = func(string) { l.Apply() }
	}
	l.voided = widget.NewCheck(i18n.T("Show voided"), nil)
	l.voided.SetChecked(true)
	l.voided.OnChanged = func(bool) { l.Apply() }
	l.filterErr = errorLabel()
}

// titled is a domain enum with an English label that is its translation key.
type titled interface{ Title() string }

func titles[T titled](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = i18n.T(v.Title())
	}
	return out
}

// readFilter builds the filter from the filter widgets; an error names the bad field.
func (l *Ledger) readFilter() (posdesk.TransactionFilter, error) {
	loc := l.w.Location
	f := posdesk.TransactionFilter{
		Query:         strings.TrimSpace(l.search.Text),
		Terminal:      strings.TrimSpace(l.terminal.Text),
		IncludeVoided: l.voided.Checked,
	}
	if i := l.status.SelectedIndex(); i > 0 {
		f.Statuses = []posdesk.TxStatus{posdesk.TxStatuses[i-1]}
	}
	if i := l.kind.SelectedIndex(); i > 0 {
		f.Kinds = []posdesk.TxKind{posdesk.TxKinds[i-1]}
	}
	if i := l.channel.SelectedIndex(); i > 0 {
		f.Channels = []posdesk.Channel{posdesk.Channels[i-1]}
	}
	if s := strings.TrimSpace(l.from.Text); s != "" {
		d, err := parseDate("from", s, loc)
		if err != nil {
			return f, err
		}
		f.From = d
	}
	if s := strings.TrimSpace(l.to.Text); s != "" {
		d, err := parseDate("to", s, loc)
		if err != nil {
			return f, err
		}
		f.To = d.AddDate(0, 0, 1) // the filter's To is exclusive; the user's is the last day shown
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, posdesk.Invalid("to", "The end date is before the start date; swap them.")
	}
	for _, a := range []struct {
		e   *Entry
		dst **posdesk.Money
	}{{l.minAmount, &f.MinAmount}, {l.maxAmount, &f.MaxAmount}} {
		if s := strings.TrimSpace(a.e.Text); s != "" {
			m, err := posdesk.ParseMoney(s, posdesk.DefaultCurrency)
			if err != nil {
				return f, err
			}
			*a.dst = &m
		}
	}
	if f.MinAmount != nil && f.MaxAmount != nil && f.MinAmount.Cmp(*f.MaxAmount) > 0 {
		return f, posdesk.Invalid("amount", "The smallest amount is above the largest; swap them.")
	}
	return f, nil
}

// filtered reports whether any filter narrows the ledger (voided rows aside).
func (l *Ledger) filtered() bool {
	f := l.filter
	return f.Query != "" || f.Terminal != "" || len(f.Statuses)+len(f.Kinds)+len(f.Channels) > 0 ||
		!f.From.IsZero() || !f.To.IsZero() || f.MinAmount != nil || f.MaxAmount != nil
}

// Filter returns the filter the table shows.
func (l *Ledger) Filter() posdesk.TransactionFilter { return l.filter }

// Apply reads the filters and reloads the table and the totals from the first page.
func (l *Ledger) Apply() {
	f, err := l.readFilter()
	if err != nil {
		setError(l.filterErr, i18n.Message(err))
		return
	}
	setError(l.filterErr, "")
	l.filter = f
	l.reload()
}

// ClearFilters empties every filter and shows the whole ledger.
func (l *Ledger) ClearFilters() {
	for _, e := range []*Entry{l.search, l.from, l.to, l.terminal, l.minAmount, l.maxAmount} {
		e.SetText("")
	}
	for _, s := range []*widget.Select{l.status, l.kind, l.channel} {
		s.OnChanged = nil
		s.SetSelectedIndex(0)
		s.OnChanged = func(string) { l.Apply() }
	}
	l.voided.OnChanged = nil
	l.voided.SetChecked(true)
	l.voided.OnChanged = func(bool) { l.Apply() }
	l.Apply()
}

// reload forgets the loaded rows and loads the first page and the totals again.
func (l *Ledger) reload() {
	l.cache.reset()
	l.selectRow(-1)
	l.table.UnselectAll()
	l.table.ScrollToTop()
	l.state.SetText(i18n.T("Loading…"))
	l.refreshTable()
	l.requestPage(0)
	l.loadTotals()
}

// requestPage loads page p off the UI goroutine, unless it is loaded or loading.
func (l *Ledger) requestPage(p int) {
	after, gen, ok := l.cache.begin(p)
	if !ok {
		return
	}
	f := l.filter
	f.After, f.Limit = after, ledgerPageSize
	ctx := l.w.Ctx()
	l.w.Async(func() {
		rows, next, err := l.svc.FindTransactions(ctx, f)
		fyne.Do(func() {
			if err != nil {
				if l.cache.fail(gen, p, err) {
					l.state.Importance = widget.DangerImportance
					l.state.SetText(i18n.T("Could not load the ledger: %s", i18n.Message(err)))
					l.refreshTable()
				}
				return
			}
			if l.cache.put(gen, p, rows, next) {
				if l.state.Importance != widget.DangerImportance {
					l.state.SetText("")
				}
				l.refreshTable()
				if p == 0 {
					traceEvent("ledger first page", len(rows))
				}
			}
		})
	})
}

func (l *Ledger) refreshTable() {
	if l.cache.empty() {
		if l.filtered() {
			l.empty.SetText(i18n.T("No transactions match these filters. Clear the filters to see every record."))
		} else {
			l.empty.SetText(i18n.T("No transactions yet. Add one, or run posdesk demo to explore."))
		}
		l.empty.Show()
	} else {
		l.empty.Hide()
	}
	l.table.Refresh()
}

func (l *Ledger) buildTable() {
	l.table = &widget.Table{
		Length: func() (int, int) { return l.cache.rows(), len(ledgerColumns) },
		CreateCell: func() fyne.CanvasObject {
			return &widget.Label{Truncation: fyne.TextTruncateEllipsis}
		},
		UpdateCell: func(id widget.TableCellID, o fyne.CanvasObject) {
			l.updateCell(id, o.(*widget.Label))
		},
		ShowHeaderRow: true,
		CreateHeader: func() fyne.CanvasObject {
			return &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
		},
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			lbl := o.(*widget.Label)
			if id.Col >= 0 && id.Col < len(ledgerColumns) {
				lbl.Alignment = ledgerColumns[id.Col].align
				lbl.SetText(ledgerColumns[id.Col].title())
			}
		},
		StickyColumnCount: 1,
		OnSelected:        func(id widget.TableCellID) { l.selectRow(id.Row) },
		OnUnselected:      func(widget.TableCellID) { l.selectRow(-1) },
	}
	l.table.ExtendBaseWidget(l.table)
	for i, c := range ledgerColumns {
		l.table.SetColumnWidth(i, c.width())
	}
}

func (l *Ledger) updateCell(id widget.TableCellID, lbl *widget.Label) {
	t, need := l.cache.row(id.Row)
	if need >= 0 {
		l.requestPage(need)
	}
	lbl.Alignment = ledgerColumns[id.Col].align
	lbl.Importance = widget.MediumImportance
	lbl.TextStyle = fyne.TextStyle{}
	if t == nil {
		text := ""
		if id.Col == colTime {
			text = i18n.T("Loading…")
			lbl.Importance = widget.LowImportance
		}
		lbl.SetText(text)
		return
	}
	text := l.cellText(t, id.Col)
	if id.Col == colStatus {
		lbl.Importance = statusImportance(t.Status)
	}
	if t.Voided() {
		lbl.Importance = widget.LowImportance
		if id.Col != colStatus && id.Col != colNote {
			lbl.TextStyle.Strikethrough = true
		}
	}
	lbl.SetText(text)
}

// cellText returns what column col shows for t.
func (l *Ledger) cellText(t *posdesk.Transaction, col int) string {
	switch col {
	case colTime:
		return t.Time.In(l.w.Location).Format(tableTimeLayout)
	case colAmount:
		return t.Amount.Display()
	case colKind:
		return i18n.T(t.Kind.Title())
	case colChannel:
		return i18n.T(t.Channel.Title())
	case colStatus:
		if t.Voided() {
			return i18n.T("Voided")
		}
		return i18n.T(t.Status.Title())
	case colTerminal:
		return t.Terminal
	case colTrace:
		return t.Trace
	case colRRN:
		return t.RRN
	case colAuth:
		return t.AuthCode
	case colCard:
		return t.Card
	case colNote:
		if t.Voided() {
			return i18n.T("Voided: %s", t.VoidReason)
		}
		return strings.ReplaceAll(t.Note, "\n", " ")
	}
	return ""
}

// selectRow remembers the selected row and enables the actions that fit it.
func (l *Ledger) selectRow(row int) {
	l.selected = row
	t := l.selectedTx()
	for _, b := range []*widget.Button{l.edit, l.void, l.logIncident} {
		if t != nil && !t.Voided() {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// onLogIncident opens the Log incident form for the selected record: the incident is linked
// to it instead of creating a second record of the same payment. When the record already has
// open incidents, a dialog names them first (see checkExistingIncidents).
func (l *Ledger) onLogIncident() {
	if t := l.selectedTx(); t != nil && !t.Voided() && l.w.Services.Incidents != nil {
		l.checkExistingIncidents(t)
	}
}

func (l *Ledger) selectedTx() *posdesk.Transaction {
	if l.selected < 0 {
		return nil
	}
	t, _ := l.cache.row(l.selected)
	return t
}

// loadTotals loads the count and amount per status for the applied filter, voided records not
// counted.
func (l *Ledger) loadTotals() {
	l.totalGen++
	gen := l.totalGen
	l.setTotals([]fyne.CanvasObject{&widget.Label{Text: i18n.T("Calculating totals…"), Importance: widget.LowImportance}})
	f := l.filter
	f.IncludeVoided = false
	ctx := l.w.Ctx()
	l.w.Async(func() {
		totals, err := l.svc.SumTransactions(ctx, f)
		fyne.Do(func() {
			if gen != l.totalGen {
				return
			}
			if err != nil {
				l.setTotals([]fyne.CanvasObject{&widget.Label{Text: i18n.T("Totals unavailable: %s", i18n.Message(err)), Importance: widget.DangerImportance}})
				return
			}
			var objs []fyne.CanvasObject
			for _, t := range totalLines(totals) {
				objs = append(objs, &widget.Label{Text: t.text, Importance: t.importance, TextStyle: fyne.TextStyle{Bold: t.bold}})
			}
			l.setTotals(objs)
		})
	})
}

// setTotals shows objs in the totals bar and lays the screen out again, since the bar may have
// gained or lost a line.
func (l *Ledger) setTotals(objs []fyne.CanvasObject) {
	l.totals.Objects = objs
	l.totals.Refresh()
	if c, ok := l.content.(*fyne.Container); ok {
		c.Refresh()
	}
}

// flowLayout places objects in as many equal columns as fit the width (each as wide as the
// widest object) and as many lines as needed. Its minimum height follows the width it was last
// laid out at, so the bar grows a line on a narrow window instead of cutting text off.
type flowLayout struct{ width float32 }

func (f *flowLayout) grid(objs []fyne.CanvasObject, width float32) (cols, rows int, cell fyne.Size) {
	for _, o := range objs {
		cell = cell.Max(o.MinSize())
	}
	pad := theme.Padding()
	cols = 1
	if cell.Width > 0 && width > cell.Width {
		cols = int((width + pad) / (cell.Width + pad))
	}
	cols = max(1, min(cols, len(objs)))
	rows = (len(objs) + cols - 1) / cols
	return cols, rows, cell
}

// Layout places the objects in the grid for size.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	cols, _, cell := f.grid(objs, size.Width)
	pad := theme.Padding()
	w := (size.Width - pad*float32(cols-1)) / float32(cols)
	for i, o := range objs {
		r, c := i/cols, i%cols
		o.Move(fyne.NewPos(float32(c)*(w+pad), float32(r)*(cell.Height+pad)))
		o.Resize(fyne.NewSize(w, cell.Height))
	}
}

// MinSize is one cell wide and as tall as the lines needed at the last width.
func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	_, rows, cell := f.grid(objs, f.width)
	return fyne.NewSize(cell.Width, float32(rows)*cell.Height+float32(rows-1)*theme.Padding())
}

// totalLine is one part of the totals bar.
type totalLine struct {
	text       string
	importance widget.Importance
	bold       bool
}

// totalLines turns per-status totals into the totals bar: the overall count first, then each
// status in menu order with its count and amount per currency.
func totalLines(totals []posdesk.TxTotal) []totalLine {
	var count int64
	for _, t := range totals {
		count += t.Count
	}
	out := []totalLine{{text: i18n.T("Total %s (voided excluded)", groupDigits(count)), bold: true}}
	for _, s := range posdesk.TxStatuses {
		for _, t := range totals {
			if t.Status != s {
				continue
			}
			out = append(out, totalLine{
				text:       i18n.T("%[1]s: %[2]s · %[3]s", i18n.T(s.Title()), groupDigits(t.Count), t.Amount.Display()),
				importance: statusImportance(s),
			})
		}
	}
	return out
}
