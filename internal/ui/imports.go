package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
)

// ImportMatcher is what the Import & match section needs: reading and storing statement files,
// the column profiles, reconciliation and its queues. cmd/posdesk implements it with
// internal/importer, internal/reconcile and the storage.
type ImportMatcher interface {
	// ImportProfiles returns the built-in column profiles, then the ones the shop saved.
	ImportProfiles(ctx context.Context) ([]importer.Profile, error)
	// SaveImportProfile saves p for later imports, replacing a saved one of the same name.
	SaveImportProfile(ctx context.Context, p importer.Profile) error
	// PreviewImport reads the start of the file: what was detected and the first rows.
	PreviewImport(ctx context.Context, req ImportRequest, rows int) (*importer.Preview, error)
	// Import stores the whole file as one batch and returns it with its counts and refused
	// rows. progress is called with done of total; cancelling ctx stores nothing.
	Import(ctx context.Context, req ImportRequest, progress func(done, total int)) (*posdesk.ImportBatch, error)
	// FindImportBatches and UndoImportBatch are posdesk.ImportService's.
	FindImportBatches(ctx context.Context, f posdesk.ImportBatchFilter) ([]*posdesk.ImportBatch, int, error)
	UndoImportBatch(ctx context.Context, id int64) (*posdesk.ImportBatch, error)
	// Reconcile matches everything stored again and stores the matches and exceptions.
	Reconcile(ctx context.Context, progress func(done, total int)) (*reconcile.Summary, error)
	// FindExceptions, FindMatches and ConfirmMatch are posdesk.ReconcileService's.
	FindExceptions(ctx context.Context, f posdesk.ExceptionFilter) ([]*posdesk.Exception, int, error)
	FindMatches(ctx context.Context, f posdesk.MatchFilter) ([]*posdesk.Match, int, error)
	ConfirmMatch(ctx context.Context, id int64) (*posdesk.Match, error)
	// FindSettlementLines and FindBankLines are posdesk.ImportService's.
	FindSettlementLines(ctx context.Context, f posdesk.SettlementLineFilter) ([]*posdesk.SettlementLine, int, error)
	FindBankLines(ctx context.Context, f posdesk.BankLineFilter) ([]*posdesk.BankLine, int, error)
	// FindTransactionByID is posdesk.TransactionService's.
	FindTransactionByID(ctx context.Context, id int64) (*posdesk.Transaction, error)
	// CreateIncidentFromException opens an incident from exception id, with its ledger record
	// linked and its statement lines attached, and returns it. ECONFLICT when one was opened.
	CreateIncidentFromException(ctx context.Context, id int64) (*posdesk.Incident, error)
}

// ImportRequest says which file to read and how.
type ImportRequest struct {
	File    string             // path of the file
	Kind    posdesk.ImportKind // "" detects it from the columns
	Profile *importer.Profile  // nil detects the columns
}

func init() {
	RegisterSection(Section{ID: "import", Title: "Import & match", Icon: theme.IconNameUpload, Order: OrderImport,
		Visible: func(w *Window) bool {
			return w.Services.Imports != nil && (w.Can(posdesk.ActImport) || w.Can(posdesk.ActReconcile))
		},
		Build: func(w *Window) fyne.CanvasObject { return NewImports(w) }})
}

// queueHelp says what a queue holds and what to do about it.
func queueHelp(k posdesk.ExceptionKind) string {
	switch k {
	case posdesk.ExcChargedButPOSFailed:
		return i18n.T("The POS recorded a failure, time-out or reversal, yet the acquirer settled the sale: the customer paid. Check the till and refund the customer or keep the sale.")
	case posdesk.ExcApprovedNotSettled:
		return i18n.T("Approved at the POS but missing from every settlement statement after the grace period: the shop was not paid. Ask the acquirer to settle it.")
	case posdesk.ExcAmountMismatch:
		return i18n.T("The acquirer settled another amount than the POS approved. Ask for an adjustment.")
	case posdesk.ExcSettledTwice:
		return i18n.T("One sale appears more than once in settlement: the customer may have been charged twice.")
	case posdesk.ExcSettledNotInLedger:
		return i18n.T("The acquirer settled a transaction the ledger does not know. Import the POS export of that day, or ask the acquirer.")
	case posdesk.ExcRefundNotCredited:
		return i18n.T("A refund or void at the POS never reached settlement: the customer may not have their money back.")
	case posdesk.ExcBankCreditMismatch:
		return i18n.T("A day's credit on the bank statement differs from that day's settled net total, or one of them is missing.")
	}
	return ""
}

// Tabs of the section.
const (
	tabExceptions = iota
	tabConfirm
	tabBatches
)

// Imports is the Import & match section: the import wizard, matching, the exception queues with
// their counts, the details of an exception (with "Create incident"), the weak matches to
// confirm, and the imported files (with undo).
type Imports struct {
	widget.BaseWidget

	w   *Window
	svc ImportMatcher

	importBtn *widget.Button
	matchBtn  *widget.Button
	job       *job
	state     *widget.Label
	tabs      *container.AppTabs

	// The exception queues.
	counts    map[posdesk.ExceptionKind]int
	queue     posdesk.ExceptionKind
	queueList *widget.List
	queueHelp *widget.Label
	excs      []*posdesk.Exception
	excTotal  int
	excList   *widget.List
	excDetail *fyne.Container
	selected  *posdesk.Exception
	createBtn *widget.Button

	// The weak matches.
	matches     []*posdesk.Match
	matchTotal  int
	matchList   *widget.List
	matchDetail *fyne.Container
	chosenMatch *posdesk.Match
	confirmBtn  *widget.Button

	// The imported files.
	batches   []*posdesk.ImportBatch
	batchList *widget.List

	wizard  *ImportWizard
	created *posdesk.Incident // the incident opened last from an exception
	content fyne.CanvasObject
}

// NewImports builds the section for w and loads the queues.
func NewImports(w *Window) *Imports {
	s := &Imports{w: w, svc: w.Services.Imports, counts: map[posdesk.ExceptionKind]int{}, queue: posdesk.ExceptionKinds[0]}
	s.ExtendBaseWidget(s)
	s.importBtn = &widget.Button{Text: i18n.T("Import a file…"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: s.OpenWizard}
	s.matchBtn = &widget.Button{Text: i18n.T("Match now"), Icon: theme.SearchReplaceIcon(), OnTapped: s.Match}
	if !w.Can(posdesk.ActImport) {
		s.importBtn.Hide()
	}
	if !w.Can(posdesk.ActReconcile) {
		s.matchBtn.Hide()
	}
	s.job = newJob(w, s.matchBtn, s.importBtn)
	s.state = &widget.Label{Wrapping: textWrap()}

	s.queueList = widget.NewList(func() int { return len(posdesk.ExceptionKinds) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}, &widget.Label{Truncation: fyne.TextTruncateEllipsis})
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			k := posdesk.ExceptionKinds[id]
			c.Objects[0].(*widget.Label).SetText(reconcile.QueueTitle(k))
			n := c.Objects[1].(*widget.Label)
			n.Importance = widget.MediumImportance
			if s.counts[k] > 0 {
				n.Importance = widget.DangerImportance
			}
			n.SetText(fmt.Sprint(s.counts[k]))
		})
	s.queueList.OnSelected = func(id widget.ListItemID) { s.SelectQueue(posdesk.ExceptionKinds[id]) }
	s.queueHelp = &widget.Label{Wrapping: textWrap(), Importance: widget.LowImportance}
	s.excList = widget.NewList(func() int { return len(s.excs) },
		func() fyne.CanvasObject { return &widget.Label{Text: "\n", Truncation: fyne.TextTruncateEllipsis} },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.excs) {
				o.(*widget.Label).SetText(exceptionLine(s.excs[id]))
			}
		})
	s.excList.OnSelected = func(id widget.ListItemID) {
		if id < len(s.excs) {
			s.SelectException(s.excs[id])
		}
	}
	s.excDetail = container.NewVBox()
	s.createBtn = &widget.Button{Text: i18n.T("Create incident"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: s.CreateIncident}

	s.matchList = widget.NewList(func() int { return len(s.matches) },
		func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.matches) {
				m := s.matches[id]
				o.(*widget.Label).SetText(i18n.T("Score %[1]d: %[2]s", m.Score, m.Reason))
			}
		})
	s.matchList.OnSelected = func(id widget.ListItemID) {
		if id < len(s.matches) {
			s.SelectMatch(s.matches[id])
		}
	}
	s.matchDetail = container.NewVBox()
	s.confirmBtn = &widget.Button{Text: i18n.T("Confirm this match"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: s.ConfirmMatch}

	s.batchList = widget.NewList(func() int { return len(s.batches) }, s.newBatchRow, s.updateBatchRow)

	excRight := container.NewHSplit(container.NewBorder(s.queueHelp, nil, nil, nil, s.excList), container.NewVScroll(s.excDetail))
	excRight.Offset = 0.45
	excSplit := container.NewHSplit(s.queueList, excRight)
	excSplit.Offset = 0.33
	matchSplit := container.NewHSplit(s.matchList, container.NewVScroll(s.matchDetail))
	matchSplit.Offset = 0.5
	s.tabs = container.NewAppTabs(
		container.NewTabItem(i18n.T("Exceptions"), excSplit),
		container.NewTabItem(i18n.T("Matches to confirm"), matchSplit),
		container.NewTabItem(i18n.T("Imported files"), s.batchList),
	)
	s.tabs.OnSelected = func(*container.TabItem) { s.Reload() }
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.matchBtn, s.importBtn), s.state)
	s.content = container.NewBorder(container.NewVBox(top, s.job.view()), nil, nil, nil, s.tabs)
	s.queueList.Select(0)
	s.Reload()
	return s
}

// installDrop makes a file dropped on the window while this section is on screen open the
// import wizard with it. The incident form takes the window's drop handler while it is open and
// clears it afterwards, so Reload installs this one again.
func (s *Imports) installDrop() {
	if !s.w.Can(posdesk.ActImport) {
		return
	}
	s.w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if s.w.Current() != "import" || len(uris) == 0 || len(s.w.Canvas().Overlays().List()) > 0 {
			return
		}
		s.DropFile(uris[0].Path())
	})
}

// DropFile opens the import wizard on file and goes to its preview.
func (s *Imports) DropFile(file string) {
	s.OpenWizard()
	s.wizard.SetFile(file)
	s.wizard.Next()
}

// CreateRenderer draws the section.
func (s *Imports) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// exceptionLine is an exception's entry in its queue's list: the date and RRN, then the amounts.
func exceptionLine(x *posdesk.Exception) string {
	head := x.Date.String()
	if x.RRN != "" {
		head += "  " + i18n.T("RRN %s", x.RRN)
	}
	return head + "\n" + i18n.T("expected %[1]s, found %[2]s", x.Expected.Display(), x.Actual.Display())
}

// Reload fetches the counts of every queue and the contents of the tab on screen.
func (s *Imports) Reload() {
	s.installDrop()
	ctx, queue, tab := s.w.Ctx(), s.queue, s.tabs.SelectedIndex()
	type loaded struct {
		counts  map[posdesk.ExceptionKind]int
		excs    []*posdesk.Exception
		total   int
		matches []*posdesk.Match
		mtotal  int
		batches []*posdesk.ImportBatch
		nfiles  int
	}
	s.w.Async(func() {
		var l loaded
		l.counts = map[posdesk.ExceptionKind]int{}
		var err error
		for _, k := range posdesk.ExceptionKinds {
			k := k
			var n int
			if _, n, err = s.svc.FindExceptions(ctx, posdesk.ExceptionFilter{Kind: &k, Open: true, Limit: 1}); err != nil {
				break
			}
			l.counts[k] = n
		}
		if err == nil {
			l.matches, l.mtotal, err = s.svc.FindMatches(ctx, posdesk.MatchFilter{NeedsConfirmation: true, Limit: 500})
		}
		if err == nil && tab == tabExceptions {
			l.excs, l.total, err = s.svc.FindExceptions(ctx, posdesk.ExceptionFilter{Kind: &queue, Open: true, Limit: 500})
		}
		if err == nil {
			l.batches, l.nfiles, err = s.svc.FindImportBatches(ctx, posdesk.ImportBatchFilter{IncludeUndone: true, Limit: 200})
		}
		fyne.Do(func() {
			if err != nil {
				s.state.Importance = widget.DangerImportance
				s.state.SetText(i18n.T("Could not load the queues: %s", i18n.Message(err)))
				return
			}
			s.counts, s.matches, s.matchTotal, s.batches = l.counts, l.matches, l.mtotal, l.batches
			if tab == tabExceptions && queue == s.queue {
				s.excs, s.excTotal = l.excs, l.total
			}
			open := 0
			for _, n := range l.counts {
				open += n
			}
			s.state.Importance = widget.MediumImportance
			switch {
			case l.nfiles == 0:
				s.state.SetText(i18n.T("No statements imported yet. Drop the acquirer's settlement statement (对账单) or the POS export on this window, or press Import a file; then match them to find the incidents nobody noticed."))
			case open == 0 && l.mtotal == 0:
				s.state.Importance = widget.SuccessImportance
				s.state.SetText(i18n.T("Nothing to look at: every imported line matches. Import newer statements, then match again."))
			default:
				s.state.SetText(i18n.T("%[1]d exceptions to look at, %[2]d matches to confirm, from %[3]d imported files.", open, l.mtotal, l.nfiles))
			}
			s.tabs.Items[tabExceptions].Text = i18n.T("Exceptions (%d)", open)
			s.tabs.Items[tabConfirm].Text = i18n.T("Matches to confirm (%d)", l.mtotal)
			s.tabs.Refresh()
			s.queueList.Refresh()
			s.excList.UnselectAll()
			s.excList.Refresh()
			s.matchList.UnselectAll()
			s.matchList.Refresh()
			s.batchList.Refresh()
			s.renderQueueHelp()
			s.renderException(nil)
			s.renderMatch(nil, nil, nil)
		})
	})
}

// Counts returns the open exceptions per queue, for tests.
func (s *Imports) Counts() map[posdesk.ExceptionKind]int { return s.counts }

// State returns the line at the top of the section, for tests.
func (s *Imports) State() string { return s.state.Text }

// SelectQueue shows the open exceptions of queue k.
func (s *Imports) SelectQueue(k posdesk.ExceptionKind) {
	if s.queue == k {
		return
	}
	s.queue = k
	s.excs = nil
	s.excList.Refresh()
	s.Reload()
}

func (s *Imports) renderQueueHelp() {
	text := queueHelp(s.queue)
	if len(s.excs) == 0 {
		text += "\n" + i18n.T("Nothing in this queue.")
	} else if s.excTotal > len(s.excs) {
		text += "\n" + i18n.T("The first %[1]d of %[2]d are listed.", len(s.excs), s.excTotal)
	}
	s.queueHelp.SetText(text)
}

// SelectException shows an exception's details: its figures and reason, its ledger record and
// the statement lines concerned, loaded off the UI goroutine.
func (s *Imports) SelectException(x *posdesk.Exception) {
	s.selected = x
	s.renderException(x)
	ctx := s.w.Ctx()
	s.w.Async(func() {
		var lines []string
		var err error
		if x.TransactionID != 0 {
			var t *posdesk.Transaction
			if t, err = s.svc.FindTransactionByID(ctx, x.TransactionID); err == nil {
				lines = append(lines, s.txText(t))
			}
		}
		for _, id := range x.SettlementLineIDs {
			if err != nil {
				break
			}
			id := id
			var ls []*posdesk.SettlementLine
			if ls, _, err = s.svc.FindSettlementLines(ctx, posdesk.SettlementLineFilter{ID: &id}); err == nil {
				for _, l := range ls {
					lines = append(lines, s.settlementText(l))
				}
			}
		}
		for _, id := range x.BankLineIDs {
			if err != nil {
				break
			}
			id := id
			var ls []*posdesk.BankLine
			if ls, _, err = s.svc.FindBankLines(ctx, posdesk.BankLineFilter{ID: &id}); err == nil {
				for _, l := range ls {
					lines = append(lines, i18n.T("Bank statement, line %[1]d: %[2]s %[3]s, in %[4]s, out %[5]s", l.Line, l.Date.String(), l.Description, l.Credit.Display(), l.Debit.Display()))
				}
			}
		}
		fyne.Do(func() {
			if s.selected != x {
				return
			}
			if err != nil {
				lines = append(lines, i18n.T("Could not load the lines: %s", i18n.Message(err)))
			}
			s.renderException(x, lines...)
		})
	})
}

func (s *Imports) txText(t *posdesk.Transaction) string {
	return i18n.T("Ledger record #%[1]d: %[2]s %[3]s %[4]s, terminal %[5]s, trace %[6]s, RRN %[7]s, card %[8]s",
		t.ID, FormatLocalTime(t.Time, s.w.Location), t.Amount.Display(), i18n.T(t.Status.Title()), t.Terminal, t.Trace, t.RRN, t.Card)
}

func (s *Imports) settlementText(l *posdesk.SettlementLine) string {
	return i18n.T("Settlement statement, line %[1]d: %[2]s %[3]s, fee %[4]s, net %[5]s, terminal %[6]s, trace %[7]s, RRN %[8]s, settled %[9]s",
		l.Line, FormatLocalTime(l.Time, s.w.Location), l.Amount.Display(), l.Fee.Display(), l.Net.Display(), l.TerminalID, l.Trace, l.RRN, l.SettleDate.String())
}

// renderException draws the detail panel of x (nothing chosen when nil) with lines under it.
func (s *Imports) renderException(x *posdesk.Exception, lines ...string) {
	s.excDetail.RemoveAll()
	if x == nil {
		s.selected = nil
		s.excDetail.Add(&widget.Label{Text: i18n.T("Choose an exception to see its details."), Importance: widget.LowImportance, Wrapping: textWrap()})
		s.excDetail.Refresh()
		return
	}
	s.excDetail.Add(&widget.Label{Text: reconcile.QueueTitle(x.Kind), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: textWrap()})
	facts := container.New(formLayout{})
	fact := func(label, value string, imp widget.Importance) {
		if value != "" {
			facts.Add(fieldLabel(label))
			facts.Add(&widget.Label{Text: value, Wrapping: textWrap(), Importance: imp})
		}
	}
	fact(i18n.T("Date"), x.Date.String(), widget.MediumImportance)
	fact(i18n.T("RRN"), x.RRN, widget.MediumImportance)
	fact(i18n.T("Expected amount"), x.Expected.Display(), widget.MediumImportance)
	fact(i18n.T("Found amount"), x.Actual.Display(), widget.DangerImportance)
	fact(i18n.T("Why"), x.Reason, widget.MediumImportance)
	fact(i18n.T("Found on"), FormatLocalTime(x.FoundAt, s.w.Location), widget.MediumImportance)
	s.excDetail.Add(facts)
	for _, l := range lines {
		s.excDetail.Add(&widget.Label{Text: l, Wrapping: textWrap()})
	}
	if s.w.Can(posdesk.ActLogIncident) && x.IncidentID == 0 {
		s.createBtn.Enable()
		s.excDetail.Add(container.NewHBox(s.createBtn))
	}
	s.excDetail.Refresh()
}

// CreateIncident opens an incident from the chosen exception and offers to show it.
func (s *Imports) CreateIncident() {
	x := s.selected
	if x == nil {
		return
	}
	s.createBtn.Disable()
	ctx := s.w.Ctx()
	s.w.Async(func() {
		inc, err := s.svc.CreateIncidentFromException(ctx, x.ID)
		fyne.Do(func() {
			s.createBtn.Enable()
			if err != nil {
				s.job.say(widget.DangerImportance, i18n.Message(err))
				return
			}
			s.created = inc
			s.job.say(widget.SuccessImportance, i18n.T("Incident %[1]s opened from the exception; the statement lines are attached to it.", inc.Number))
			s.Reload()
			if s.w.Open("incidents") {
				if is, ok := s.w.Built("incidents").(*IncidentsScreen); ok {
					is.OpenDetail(inc.ID)
				}
			}
		})
	})
}

// SelectMatch shows a weak match: the ledger record and the settlement line side by side.
func (s *Imports) SelectMatch(m *posdesk.Match) {
	s.chosenMatch = m
	s.renderMatch(m, nil, nil)
	ctx := s.w.Ctx()
	s.w.Async(func() {
		t, err := s.svc.FindTransactionByID(ctx, m.TransactionID)
		var ls []*posdesk.SettlementLine
		if err == nil {
			id := m.SettlementLineID
			ls, _, err = s.svc.FindSettlementLines(ctx, posdesk.SettlementLineFilter{ID: &id})
		}
		fyne.Do(func() {
			if s.chosenMatch != m {
				return
			}
			if err != nil {
				s.job.say(widget.DangerImportance, i18n.T("Could not load the lines: %s", i18n.Message(err)))
				return
			}
			var l *posdesk.SettlementLine
			if len(ls) > 0 {
				l = ls[0]
			}
			s.renderMatch(m, t, l)
		})
	})
}

func (s *Imports) renderMatch(m *posdesk.Match, t *posdesk.Transaction, l *posdesk.SettlementLine) {
	s.matchDetail.RemoveAll()
	if m == nil {
		s.chosenMatch = nil
		text := i18n.T("Choose a match to compare its two lines.")
		if len(s.matches) == 0 {
			text = i18n.T("No matches wait for confirmation: every pairing was made by an exact key or a high score.")
		}
		s.matchDetail.Add(&widget.Label{Text: text, Importance: widget.LowImportance, Wrapping: textWrap()})
		s.matchDetail.Refresh()
		return
	}
	s.matchDetail.Add(&widget.Label{Text: i18n.T("Paired with a score of %[1]d out of 100: %[2]s", m.Score, m.Reason), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: textWrap()})
	if t != nil {
		s.matchDetail.Add(&widget.Label{Text: s.txText(t), Wrapping: textWrap()})
	}
	if l != nil {
		s.matchDetail.Add(&widget.Label{Text: s.settlementText(l), Wrapping: textWrap()})
	}
	if s.w.Can(posdesk.ActReconcile) && !m.Confirmed {
		s.confirmBtn.Enable()
		s.matchDetail.Add(&widget.Label{Text: i18n.T("Confirm when both lines are the same sale; otherwise leave it, and match again after importing more statements."), Importance: widget.LowImportance, Wrapping: textWrap()})
		s.matchDetail.Add(container.NewHBox(s.confirmBtn))
	}
	s.matchDetail.Refresh()
}

// ConfirmMatch confirms the chosen weak match.
func (s *Imports) ConfirmMatch() {
	m := s.chosenMatch
	if m == nil {
		return
	}
	s.confirmBtn.Disable()
	ctx := s.w.Ctx()
	s.w.Async(func() {
		_, err := s.svc.ConfirmMatch(ctx, m.ID)
		fyne.Do(func() {
			s.confirmBtn.Enable()
			if err != nil {
				s.job.say(widget.DangerImportance, i18n.Message(err))
				return
			}
			s.job.say(widget.SuccessImportance, i18n.T("Match confirmed."))
			s.Reload()
		})
	})
}

func (s *Imports) newBatchRow() fyne.CanvasObject {
	undo := &widget.Button{Text: i18n.T("Undo…"), Icon: theme.ContentUndoIcon(), Importance: widget.LowImportance}
	return container.NewBorder(nil, nil, nil, undo, &widget.Label{Truncation: fyne.TextTruncateEllipsis})
}

func (s *Imports) updateBatchRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.batches) {
		return
	}
	b := s.batches[id]
	c := o.(*fyne.Container)
	l := c.Objects[0].(*widget.Label)
	text := i18n.T("%[1]s  %[2]s  %[3]s: new %[4]d, already imported %[5]d, skipped %[6]d, refused %[7]d", FormatLocalTime(b.ImportedAt, s.w.Location),
		importKindTitle(b.Kind), b.FileName, b.New, b.Duplicate, b.Skipped, b.Refused)
	l.Importance = widget.MediumImportance
	if b.Undone() {
		text += "  " + i18n.T("(undone %[1]s by %[2]s)", FormatLocalTime(b.UndoneAt, s.w.Location), b.UndoneBy)
		l.Importance = widget.LowImportance
	}
	l.SetText(text)
	undo := c.Objects[1].(*widget.Button)
	undo.OnTapped = func() { s.askUndo(b) }
	if b.Undone() || !s.w.Can(posdesk.ActImport) {
		undo.Hide()
	} else {
		undo.Show()
	}
}

// askUndo asks before undoing an import.
func (s *Imports) askUndo(b *posdesk.ImportBatch) {
	msg := i18n.T("Undo the import of %[1]s? Its %[2]d rows stop counting (ledger records from a POS export are voided); they stay on record and the audit trail notes who undid it. Match again afterwards.", b.FileName, b.New)
	d := dialog.NewConfirm(i18n.T("Undo an import"), msg, func(ok bool) {
		if ok {
			s.UndoBatch(b.ID)
		}
	}, s.w)
	s.w.ShowDialog(d)
}

// UndoBatch undoes import batch id.
func (s *Imports) UndoBatch(id int64) {
	ctx := s.w.Ctx()
	s.w.Async(func() {
		b, err := s.svc.UndoImportBatch(ctx, id)
		fyne.Do(func() {
			if err != nil {
				s.job.say(widget.DangerImportance, i18n.Message(err))
				return
			}
			s.job.say(widget.SuccessImportance, i18n.T("The import of %s was undone. Match again to update the queues.", b.FileName))
			s.Reload()
		})
	})
}

// OpenWizard opens the import dialog.
func (s *Imports) OpenWizard() {
	s.wizard = OpenImportWizard(s.w, func(*posdesk.ImportBatch) { s.Reload() })
	if s.w.Can(posdesk.ActReconcile) {
		s.wizard.match.OnTapped = func() {
			s.wizard.dlg.Hide()
			s.Match()
		}
	}
}

// Match runs reconciliation off the UI goroutine, with progress and a cancel button, then
// shows the queues again.
func (s *Imports) Match() {
	runJob(s.job, i18n.T("Matching the ledger with the statements…"), func(ctx context.Context, progress func(int, int)) (*reconcile.Summary, error) {
		return s.svc.Reconcile(ctx, progress)
	}, func(sum *reconcile.Summary) {
		n := 0
		for _, c := range sum.Exceptions {
			n += c
		}
		msg := i18n.T("Matched %[1]d ledger records with %[2]d settlement and %[3]d bank lines: %[4]d by exact keys, %[5]d by amount and time (%[6]d to confirm); %[7]d exceptions.",
			sum.Ledger, sum.Settlement, sum.Bank, sum.ExactMatches, sum.TolerantMatches, sum.ToConfirm, n)
		if len(sum.TerminalsWithoutSettlement) > 0 {
			msg += "\n" + i18n.T("No statement covers terminal(s) %s: their sales could not be checked.", strings.Join(sum.TerminalsWithoutSettlement, ", "))
		}
		s.job.say(widget.SuccessImportance, msg)
		s.Reload()
	})
}
