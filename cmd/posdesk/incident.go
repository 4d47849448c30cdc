package main

// The incident commands: log, list, show, edit, move along the workflow and erase personal data.
// Every identifier in this file starts with "inc" so that the rooms sharing package main do not
// clash.

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/ui"
)

// incAddFlags are the flags of `posdesk incident add`.
var incAddFlags struct {
	kind, amount, currency, at, rrn, terminal, trace, batch, auth, card, cause, story *string
	deadline, preset, caseNo, customerName, customerPhone                             *string
	working                                                                           *bool
	txIDs                                                                             incIDList
}

// incIDList is a repeatable flag of ledger record IDs ("--tx 3 --tx 4" or "--tx 3,4").
type incIDList []int64

func (l *incIDList) String() string {
	s := make([]string, len(*l))
	for i, id := range *l {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func (l *incIDList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a transaction ID", part)
		}
		*l = append(*l, id)
	}
	return nil
}

func init() {
	register(&command{
		Name:    "incident add",
		Usage:   "--kind K --amount A [--time T] [--rrn R] [--terminal T] [--trace N] [--cause C] [--story TEXT] [--deadline DATE] [--tx ID]",
		Summary: "Log an incident from the slip's details (or linked ledger records) and print its ID.",
		Flags: func(fs *flag.FlagSet) {
			f := &incAddFlags
			f.kind = fs.String("kind", "", "what went wrong: charged_but_failed, approved_then_reversed, no_response, posting_failure, duplicate_charge, wrong_amount, customer_refund, other (or the Chinese name, e.g. 单边账)")
			f.amount = fs.String("amount", "", "the amount in question, e.g. 58.00")
			f.currency = fs.String("currency", posdesk.DefaultCurrency, "currency of the amount")
			f.at = fs.String("time", "", "when it happened: 2026-09-20 14:30, or 14:30 for today (default: now)")
			f.rrn = fs.String("rrn", "", "reference number (参考号) from the slip")
			f.terminal = fs.String("terminal", "", "terminal ID (终端号)")
			f.trace = fs.String("trace", "", "trace / voucher number (凭证号)")
			f.batch = fs.String("batch", "", "batch number (批次号)")
			f.auth = fs.String("auth", "", "authorisation code (授权码)")
			f.card = fs.String("card", "", "card number as printed (masked, or the last 4 digits)")
			f.cause = fs.String("cause", "", "why it happened, if known (see the list in posdesk incident add -h)")
			f.story = fs.String("story", "", "what happened, in your own words")
			f.deadline = fs.String("deadline", "", "reply deadline from the bank's letter, e.g. 2026-10-20")
			f.preset = fs.String("preset", "", "suggest the deadline from a preset instead: visa, mastercard, amex, square, paypal_inquiry, unionpay_retrieval")
			f.working = fs.Bool("working-days", false, "count the preset in working days (Monday to Friday)")
			f.caseNo = fs.String("case", "", "the bank's case / ticket number (工单号)")
			f.customerName = fs.String("customer-name", "", "customer's name (customer refunds only)")
			f.customerPhone = fs.String("customer-phone", "", "customer's phone (customer refunds only)")
			f.txIDs = nil
			fs.Var(&f.txIDs, "tx", "link an existing ledger record by ID instead of the slip's details (repeatable)")
		},
		Run: incRunAdd,
	})
	register(&command{
		Name:    "incidents",
		Usage:   "[--status S] [--kind K] [--cause C] [--overdue] [--active] [--query TEXT] [--json]",
		Summary: "List incidents, newest first, with the count per status.",
		Flags: func(fs *flag.FlagSet) {
			f := &incListFlags
			f.status = fs.String("status", "", "only this status: open, contacting, waiting_for_bank, resolved, closed")
			f.kind = fs.String("kind", "", "only this kind")
			f.cause = fs.String("cause", "", "only this cause")
			f.overdue = fs.Bool("overdue", false, "only active incidents whose deadline has passed")
			f.active = fs.Bool("active", false, "only incidents that still need work")
			f.query = fs.String("query", "", "incident number, case number, RRN, trace, or words from the story")
			f.limit = fs.Int("limit", 100, "at most this many incidents")
			f.offset = fs.Int("offset", 0, "skip this many incidents first")
		},
		Run: incRunList,
	})
	register(&command{
		Name:    "incident show",
		Usage:   "ID [--json]",
		Summary: "Show an incident: facts, linked records, timeline, contacts, files and the checklist.",
		Run:     incRunShow,
	})
	register(&command{
		Name:    "incident status",
		Usage:   "ID STATUS [--outcome O] [--reason TEXT]",
		Summary: "Move an incident along the workflow (resolved needs --outcome; reopening needs --reason).",
		Flags: func(fs *flag.FlagSet) {
			incStatusFlags.outcome = fs.String("outcome", "", "how it was resolved: refunded_to_customer, recharged, credited_to_shop, written_off, rejected")
			incStatusFlags.reason = fs.String("reason", "", "why (required to reopen)")
		},
		Run: incRunStatus,
	})
	register(&command{
		Name:    "incident edit",
		Usage:   "ID [--kind K] [--cause C] [--amount A] [--time T] [--story TEXT] [--case N] [--deadline DATE | --preset P] [--link TX] [--unlink TX]",
		Summary: "Change an incident's facts, deadline or linked ledger records.",
		Flags: func(fs *flag.FlagSet) {
			f := &incEditFlags
			f.fs = fs
			f.kind = fs.String("kind", "", "what went wrong")
			f.cause = fs.String("cause", "", "why it happened")
			f.amount = fs.String("amount", "", "the amount in question")
			f.at = fs.String("time", "", "when it happened")
			f.story = fs.String("story", "", "what happened, in your own words")
			f.caseNo = fs.String("case", "", "the bank's case / ticket number (工单号)")
			f.deadline = fs.String("deadline", "", "reply deadline from the bank's letter (\"none\" clears it)")
			f.preset = fs.String("preset", "", "suggest the deadline from a preset, counted from --from (default today)")
			f.from = fs.String("from", "", "the date the bank's request arrived, for --preset")
			f.working = fs.Bool("working-days", false, "count the preset in working days (Monday to Friday)")
			f.customerName = fs.String("customer-name", "", "customer's name (customer refunds only)")
			f.customerPhone = fs.String("customer-phone", "", "customer's phone (customer refunds only)")
			f.link, f.unlink = nil, nil
			fs.Var(&f.link, "link", "link a ledger record by ID (repeatable)")
			fs.Var(&f.unlink, "unlink", "unlink a ledger record by ID (repeatable)")
		},
		Run: incRunEdit,
	})
	register(&command{
		Name:    "incident erase-personal",
		Usage:   "ID",
		Summary: "Erase the customer's name and phone from an incident, keeping the financial record (owner only).",
		Run:     incRunErase,
	})
}

var incListFlags struct {
	status, kind, cause, query *string
	overdue, active            *bool
	limit, offset              *int
}

var incStatusFlags struct{ outcome, reason *string }

var incEditFlags struct {
	fs                                                             *flag.FlagSet
	kind, cause, amount, at, story, caseNo, deadline, preset, from *string
	customerName, customerPhone                                    *string
	working                                                        *bool
	link, unlink                                                   incIDList
}

// incTitled is a domain value with an English title (a translation key).
type incTitled interface {
	~string
	Title() string
}

// incParse reads a value of a domain enumeration from the command line: the domain parser takes
// ids and English titles; the Chinese title of each value (from the catalog) works too.
func incParse[T incTitled](s string, all []T, parse func(string) (T, error)) (T, error) {
	v, err := parse(s)
	if err == nil {
		return v, nil
	}
	s = strings.TrimSpace(s)
	for _, a := range all {
		if s != "" && s == i18n.In(i18n.Chinese, a.Title()) {
			return a, nil
		}
	}
	return v, err
}

// incParseTime reads when something happened, in the shop's time zone: "2026-09-20 14:30",
// "2026-09-20T14:30:00", "2026/9/20 14:30", a date alone (midnight), "14:30" for today, or an
// RFC 3339 instant. Empty means now.
func incParseTime(e *env, field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return e.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	datePart, clock, hasClock := strings.Cut(strings.Replace(s, "T", " ", 1), " ")
	if !hasClock && strings.Contains(s, ":") {
		datePart, clock = "", s
	}
	loc := shopLocation(e.Ctx, e.DB, e.Loc)
	d := posdesk.DateOf(e.Now(), loc)
	if datePart != "" {
		var err error
		if d, err = posdesk.ParseDate(datePart); err != nil {
			return time.Time{}, posdesk.Invalid(field, "Time %q is not a date and time; write it like 2026-09-20 14:30, or 14:30 for today.", s)
		}
	}
	h, m, sec := 0, 0, 0
	if clock = strings.TrimSpace(clock); clock != "" {
		parts := strings.Split(clock, ":")
		vals := []*int{&h, &m, &sec}
		if len(parts) < 2 || len(parts) > 3 {
			return time.Time{}, posdesk.Invalid(field, "Time %q is not a date and time; write it like 2026-09-20 14:30, or 14:30 for today.", s)
		}
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || (i == 0 && n > 23) || (i > 0 && n > 59) {
				return time.Time{}, posdesk.Invalid(field, "Time %q is not a date and time; write it like 2026-09-20 14:30, or 14:30 for today.", s)
			}
			*vals[i] = n
		}
	}
	return time.Date(d.Year, d.Month, d.Day, h, m, sec, 0, loc), nil
}

// incFind returns the incident a person names by number (INC-2026-0007) or ID.
func incFind(e *env, ref string) (*posdesk.Incident, error) {
	return e.DB.FindIncidentByNumber(e.Ctx, ref)
}

// incOneArg returns the single incident reference of a command, or a usage error.
func incOneArg(args []string, usage string) (string, error) {
	if len(args) != 1 {
		return "", usagef("give one incident: %s", usage)
	}
	return args[0], nil
}

func incRunAdd(e *env, args []string) error {
	f := &incAddFlags
	if len(args) > 0 {
		return usagef("unexpected argument %q; put text with spaces in quotes, e.g. --story \"...\"", args[0])
	}
	if *f.kind == "" {
		return usagef("say what went wrong with --kind, e.g. --kind charged_but_failed")
	}
	kind, err := incParse(*f.kind, posdesk.IncidentKinds, posdesk.ParseIncidentKind)
	if err != nil {
		return err
	}
	cause, err := incParse(*f.cause, posdesk.Causes, posdesk.ParseCause)
	if err != nil {
		return err
	}
	inc := &posdesk.Incident{Kind: kind, Cause: cause, Story: *f.story, CaseNumber: *f.caseNo,
		CustomerName: *f.customerName, CustomerPhone: *f.customerPhone}
	if *f.amount != "" {
		if inc.Amount, err = posdesk.ParseMoney(*f.amount, strings.ToUpper(*f.currency)); err != nil {
			return err
		}
	}
	at, err := incParseTime(e, "time", *f.at)
	if err != nil {
		return err
	}
	if *f.at != "" || len(f.txIDs) == 0 {
		inc.Time = at
	}
	if inc.Deadline, inc.DeadlineSource, err = incDeadline(e, *f.deadline, *f.preset, "", *f.working); err != nil {
		return err
	}
	for _, id := range f.txIDs {
		inc.Transactions = append(inc.Transactions, &posdesk.Transaction{ID: id})
	}
	slipGiven := *f.rrn != "" || *f.terminal != "" || *f.trace != "" || *f.batch != "" || *f.auth != "" || *f.card != ""
	if len(f.txIDs) == 0 || slipGiven {
		if *f.amount == "" {
			return usagef("give the amount with --amount (or link a ledger record with --tx)")
		}
		slip := posdesk.NewSlip(kind, at, inc.Amount, *f.terminal, *f.trace, *f.rrn)
		slip.Batch, slip.AuthCode, slip.Card = *f.batch, *f.auth, *f.card
		inc.Transactions = append(inc.Transactions, slip)
	}
	if err := e.DB.CreateIncident(e.Ctx, inc); err != nil {
		return err
	}
	if e.JSON {
		return incPrintJSON(e, incToJSON(e, inc, nil))
	}
	fmt.Fprintln(e.Stdout, inc.ID)
	return nil
}

// incDeadline works out a deadline from the flags: the bank's date first, else a preset counted
// from `from` (default today). "none" clears it (for edits).
func incDeadline(e *env, date, preset, from string, working bool) (posdesk.Date, string, error) {
	if date != "" && preset != "" {
		return posdesk.Date{}, "", usagef("give either --deadline (the date in the bank's letter) or --preset, not both")
	}
	if date != "" {
		if strings.EqualFold(date, "none") {
			return posdesk.Date{}, "", nil
		}
		d, err := posdesk.ParseDate(date)
		if err != nil {
			return d, "", err
		}
		return d, posdesk.DeadlineFromLetter, nil
	}
	if preset == "" {
		return posdesk.Date{}, "", nil
	}
	p, ok := posdesk.FindDeadlinePreset(preset)
	if !ok {
		return posdesk.Date{}, "", posdesk.Invalid("preset", "Deadline preset %q is not one of: visa, mastercard, amex, square, paypal_inquiry, unionpay_retrieval.", preset)
	}
	start := posdesk.DateOf(e.Now(), e.Loc)
	if from != "" {
		var err error
		if start, err = posdesk.ParseDate(from); err != nil {
			return posdesk.Date{}, "", err
		}
	}
	return p.Deadline(start, working), p.ID, nil
}

func incRunList(e *env, args []string) error {
	f := &incListFlags
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	filter := posdesk.IncidentFilter{Active: *f.active, Query: *f.query, Limit: *f.limit, Offset: *f.offset}
	var err error
	if *f.status != "" {
		if filter.Status, err = incParse(*f.status, posdesk.IncidentStatuses, posdesk.ParseIncidentStatus); err != nil {
			return err
		}
	}
	if *f.kind != "" {
		if filter.Kind, err = incParse(*f.kind, posdesk.IncidentKinds, posdesk.ParseIncidentKind); err != nil {
			return err
		}
	}
	if *f.cause != "" {
		if filter.Cause, err = incParse(*f.cause, posdesk.Causes, posdesk.ParseCause); err != nil {
			return err
		}
	}
	today := posdesk.DateOf(e.Now(), e.Loc)
	if *f.overdue {
		filter.OverdueOn = today
	}
	list, total, err := e.DB.FindIncidents(e.Ctx, filter)
	if err != nil {
		return err
	}
	if e.JSON {
		out := make([]incJSON, len(list))
		for i, inc := range list {
			out[i] = incToJSON(e, inc, nil)
		}
		return incPrintJSON(e, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.Stdout, i18n.T("No incidents match."))
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join([]string{i18n.T("ID"), i18n.T("Number"), i18n.T("Happened"), i18n.T("Kind of problem"),
		i18n.T("Amount"), i18n.T("Status"), i18n.T("Deadline"), i18n.T("Bank case number")}, "\t"))
	for _, inc := range list {
		deadline, overdue := ui.DeadlineText(inc, today)
		if overdue {
			deadline = "! " + deadline
		}
		fmt.Fprintln(tw, strings.Join([]string{strconv.FormatInt(inc.ID, 10), inc.Number, ui.FormatLocalTime(inc.Time, e.Loc),
			i18n.T(inc.Kind.Title()), inc.Amount.Display(), incStatusText(inc), deadline, inc.CaseNumber}, "\t"))
	}
	tw.Flush()
	counts, err := e.DB.CountIncidents(e.Ctx, filter, today)
	if err != nil {
		return err
	}
	var parts []string
	for _, s := range posdesk.IncidentStatuses {
		if n := counts.ByStatus[s]; n > 0 {
			parts = append(parts, i18n.T("%[1]s %[2]d", i18n.T(s.Title()), n))
		}
	}
	fmt.Fprintln(e.Stdout)
	fmt.Fprintln(e.Stdout, i18n.T("%[1]d shown of %[2]d; overdue %[3]d. %[4]s", len(list), total, counts.Overdue, strings.Join(parts, i18n.T(", "))))
	return nil
}

// incStatusText is the status word, with the outcome once resolved.
func incStatusText(inc *posdesk.Incident) string {
	s := i18n.T(inc.Status.Title())
	if inc.Outcome != "" {
		s += " (" + i18n.T(inc.Outcome.Title()) + ")"
	}
	return s
}

func incRunShow(e *env, args []string) error {
	ref, err := incOneArg(args, "posdesk incident show INC-2026-0007")
	if err != nil {
		return err
	}
	inc, err := incFind(e, ref)
	if err != nil {
		return err
	}
	atts, err := e.DB.FindAttachments(e.Ctx, inc.ID)
	if err != nil {
		return err
	}
	if e.JSON {
		return incPrintJSON(e, incToJSON(e, inc, atts))
	}
	incPrintDetail(e, inc, atts)
	return nil
}

func incPrintDetail(e *env, inc *posdesk.Incident, atts []*posdesk.Attachment) {
	w := e.Stdout
	today := posdesk.DateOf(e.Now(), e.Loc)
	fmt.Fprintf(w, "%s  %s\n", inc.Number, ui.KindLabel(inc.Kind))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", i18n.T(label), value)
		}
	}
	row("Status", incStatusText(inc))
	row("Amount", inc.Amount.Display())
	row("Happened", ui.FormatLocalTime(inc.Time, e.Loc))
	row("Cause", i18n.T(inc.Cause.Title()))
	row("Bank case number", inc.CaseNumber)
	if !inc.Deadline.IsZero() {
		text, overdue := ui.DeadlineText(inc, today)
		if overdue {
			text = "! " + text
		}
		row("Deadline", fmt.Sprintf("%s (%s%s%s)", inc.Deadline, text, i18n.T(", "), ui.DeadlineSourceText(inc.DeadlineSource)))
	}
	row("Customer name", inc.CustomerName)
	row("Customer phone", inc.CustomerPhone)
	if !inc.PersonalErasedAt.IsZero() {
		row("Personal data", i18n.T("erased %s", ui.FormatLocalTime(inc.PersonalErasedAt, e.Loc)))
	}
	row("Logged", i18n.T("%[1]s by %[2]s", ui.FormatLocalTime(inc.CreatedAt, e.Loc), inc.CreatedBy))
	if inc.PacketSHA256 != "" {
		row("Evidence packet", i18n.T("%[1]s, SHA-256 %[2]s", ui.FormatLocalTime(inc.PacketAt, e.Loc), inc.PacketSHA256))
	}
	tw.Flush()
	if inc.Story != "" {
		fmt.Fprintf(w, "\n%s\n  %s\n", i18n.T("What happened"), strings.ReplaceAll(inc.Story, "\n", "\n  "))
	}
	fmt.Fprintf(w, "\n%s\n", i18n.T("Ledger transactions"))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range inc.Transactions {
		ids := []string{}
		for _, p := range [][2]string{{"terminal", t.Terminal}, {"trace", t.Trace}, {"RRN", t.RRN}, {"auth", t.AuthCode}, {"card", t.Card}} {
			if p[1] != "" {
				ids = append(ids, i18n.T(p[0])+" "+p[1])
			}
		}
		fmt.Fprintf(tw, "  #%d\t%s\t%s\t%s\t%s\n", t.ID, ui.FormatLocalTime(t.Time, e.Loc), t.Amount.Display(), i18n.T(t.Status.Title()), strings.Join(ids, "  "))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", i18n.T("Timeline"))
	for _, ev := range inc.Events {
		fmt.Fprintf(w, "  %s  %s  %s\n", ui.FormatLocalTime(ev.Time, e.Loc), ev.Actor, ui.IncidentEventText(ev))
	}
	if len(inc.Contacts) > 0 {
		fmt.Fprintf(w, "\n%s\n", i18n.T("Contacts"))
		for _, c := range inc.Contacts {
			fmt.Fprintf(w, "  %s  %s%s%s", ui.FormatLocalTime(c.Time, e.Loc), i18n.T(c.Party.Title()), i18n.T(", "), i18n.T(c.Channel.Title()))
			if c.Person != "" {
				fmt.Fprint(w, i18n.T(", ")+c.Person)
			}
			if c.Ticket != "" {
				fmt.Fprint(w, i18n.T(", ticket %s", c.Ticket))
			}
			fmt.Fprintf(w, "\n    %s\n", c.Summary)
			if c.NextStep != "" {
				due := ""
				if !c.Due.IsZero() {
					due = i18n.T(" (due %s)", c.Due.String())
				}
				fmt.Fprintf(w, "    %s%s\n", i18n.T("Next: %s", c.NextStep), due)
			}
		}
	}
	if len(atts) > 0 {
		fmt.Fprintf(w, "\n%s\n", i18n.T("Files"))
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, a := range atts {
			fmt.Fprintf(tw, "  #%d\t%s\t%s\t%s\t%s\n", a.ID, a.FileName, i18n.T(a.Kind.Title()), incFileFacts(a), a.Caption)
		}
		tw.Flush()
	}
	if next := posdesk.NextStatuses(inc.Status); len(next) > 0 {
		var moves []string
		for _, s := range next {
			t, _ := posdesk.FindTransition(inc.Status, s)
			switch {
			case t.NeedsOutcome:
				moves = append(moves, string(s)+" --outcome O")
			case t.NeedsReason:
				moves = append(moves, string(s)+" --reason TEXT")
			default:
				moves = append(moves, string(s))
			}
		}
		fmt.Fprintf(w, "\n%s %s\n", i18n.T("Next status:"), strings.Join(moves, " | "))
	}
	if inc.Active() {
		fmt.Fprintf(w, "\n%s\n", i18n.T("Before you call the bank"))
		for _, line := range inc.Kind.Checklist() {
			fmt.Fprintf(w, "  [ ] %s\n", i18n.T(line))
		}
	}
}

// incFileFacts is the type, pixel size or pages, and size of an attachment.
func incFileFacts(a *posdesk.Attachment) string {
	size := fmt.Sprintf("%d KB", (a.Size+1023)/1024)
	switch {
	case a.IsImage():
		return fmt.Sprintf("%s %d×%d, %s", strings.ToUpper(strings.TrimPrefix(a.MediaType, "image/")), a.Width, a.Height, size)
	case a.IsPDF():
		return i18n.T("PDF, %[1]d pages, %[2]s", a.Pages, size)
	}
	return i18n.T("text, %s", size)
}

func incRunStatus(e *env, args []string) error {
	if len(args) != 2 {
		return usagef("give the incident and the new status, e.g. posdesk incident status INC-2026-0007 contacting")
	}
	inc, err := incFind(e, args[0])
	if err != nil {
		return err
	}
	to, err := incParse(args[1], posdesk.IncidentStatuses, posdesk.ParseIncidentStatus)
	if err != nil {
		return err
	}
	outcome, err := incParse(*incStatusFlags.outcome, posdesk.Outcomes, posdesk.ParseOutcome)
	if err != nil {
		return err
	}
	inc, err = e.DB.SetIncidentStatus(e.Ctx, inc.ID, posdesk.StatusChange{To: to, Outcome: outcome, Reason: *incStatusFlags.reason})
	if err != nil {
		return err
	}
	if e.JSON {
		return incPrintJSON(e, incToJSON(e, inc, nil))
	}
	fmt.Fprintf(e.Stdout, "%s: %s\n", inc.Number, incStatusText(inc))
	return nil
}

func incRunEdit(e *env, args []string) error {
	ref, err := incOneArg(args, "posdesk incident edit INC-2026-0007 --case GD123")
	if err != nil {
		return err
	}
	inc, err := incFind(e, ref)
	if err != nil {
		return err
	}
	f := &incEditFlags
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	var upd posdesk.IncidentUpdate
	if set["kind"] {
		k, err := incParse(*f.kind, posdesk.IncidentKinds, posdesk.ParseIncidentKind)
		if err != nil {
			return err
		}
		upd.Kind = &k
	}
	if set["cause"] {
		c, err := incParse(*f.cause, posdesk.Causes, posdesk.ParseCause)
		if err != nil {
			return err
		}
		upd.Cause = &c
	}
	if set["amount"] {
		m, err := posdesk.ParseMoney(*f.amount, inc.Amount.Currency)
		if err != nil {
			return err
		}
		upd.Amount = &m
	}
	if set["time"] {
		t, err := incParseTime(e, "time", *f.at)
		if err != nil {
			return err
		}
		upd.Time = &t
	}
	if set["story"] {
		upd.Story = f.story
	}
	if set["case"] {
		upd.CaseNumber = f.caseNo
	}
	if set["customer-name"] {
		upd.CustomerName = f.customerName
	}
	if set["customer-phone"] {
		upd.CustomerPhone = f.customerPhone
	}
	if set["deadline"] || set["preset"] {
		d, src, err := incDeadline(e, *f.deadline, *f.preset, *f.from, *f.working)
		if err != nil {
			return err
		}
		upd.Deadline, upd.DeadlineSource = &d, &src
	}
	upd.Link, upd.Unlink = f.link, f.unlink
	if len(set) == 0 {
		return usagef("say what to change, e.g. --case GD123 or --deadline 2026-10-20")
	}
	inc, err = e.DB.UpdateIncident(e.Ctx, inc.ID, upd)
	if err != nil {
		return err
	}
	if e.JSON {
		return incPrintJSON(e, incToJSON(e, inc, nil))
	}
	fmt.Fprintln(e.Stdout, i18n.T("%s updated.", inc.Number))
	return nil
}

func incRunErase(e *env, args []string) error {
	ref, err := incOneArg(args, "posdesk incident erase-personal INC-2026-0007")
	if err != nil {
		return err
	}
	inc, err := incFind(e, ref)
	if err != nil {
		return err
	}
	if err := e.DB.EraseIncidentPersonalData(e.Ctx, inc.ID); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, i18n.T("The customer's name and phone were erased from %s; the amounts and records stay.", inc.Number))
	return nil
}

// incJSON is the JSON shape of an incident on the command line. Field names are stable: scripts
// and the end-to-end tests read them.
type incJSON struct {
	ID             int64            `json:"id"`
	Number         string           `json:"number"`
	Kind           string           `json:"kind"`
	Cause          string           `json:"cause"`
	Status         string           `json:"status"`
	Outcome        string           `json:"outcome,omitempty"`
	Time           string           `json:"time"`
	Amount         string           `json:"amount"`
	Currency       string           `json:"currency"`
	Story          string           `json:"story,omitempty"`
	CaseNumber     string           `json:"case_number,omitempty"`
	Deadline       posdesk.Date     `json:"deadline"`
	DeadlineSource string           `json:"deadline_source,omitempty"`
	DaysLeft       *int             `json:"days_left,omitempty"`
	Overdue        bool             `json:"overdue"`
	CustomerName   string           `json:"customer_name,omitempty"`
	CustomerPhone  string           `json:"customer_phone,omitempty"`
	PersonalErased string           `json:"personal_erased_at,omitempty"`
	PacketSHA256   string           `json:"packet_sha256,omitempty"`
	Transactions   []incTxJSON      `json:"transactions"`
	Events         []incEventJSON   `json:"events,omitempty"`
	Contacts       []incContactJSON `json:"contacts,omitempty"`
	Attachments    []incFileJSON    `json:"attachments,omitempty"`
	Attached       int              `json:"attachment_count"`
	ContactCount   int              `json:"contact_count"`
	NextStatuses   []string         `json:"next_statuses"`
	Checklist      []string         `json:"checklist,omitempty"`
	CreatedAt      string           `json:"created_at"`
	CreatedBy      string           `json:"created_by"`
	UpdatedAt      string           `json:"updated_at"`
}

type incTxJSON struct {
	ID       int64  `json:"id"`
	Time     string `json:"time"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Status   string `json:"status"`
	Terminal string `json:"terminal,omitempty"`
	Trace    string `json:"trace,omitempty"`
	RRN      string `json:"rrn,omitempty"`
	Card     string `json:"card,omitempty"`
}

type incEventJSON struct {
	Time    string `json:"time"`
	Actor   string `json:"actor"`
	Type    string `json:"type"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	Outcome string `json:"outcome,omitempty"`
	RefID   int64  `json:"ref_id,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Text    string `json:"text"`
}

type incContactJSON struct {
	ID       int64        `json:"id"`
	Time     string       `json:"time"`
	Channel  string       `json:"channel"`
	Party    string       `json:"party"`
	Person   string       `json:"person,omitempty"`
	Ticket   string       `json:"ticket,omitempty"`
	Summary  string       `json:"summary"`
	NextStep string       `json:"next_step,omitempty"`
	Due      posdesk.Date `json:"due"`
}

type incFileJSON struct {
	ID        int64  `json:"id"`
	FileName  string `json:"file_name"`
	Kind      string `json:"kind"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
	Pages     int    `json:"pages,omitempty"`
	Caption   string `json:"caption,omitempty"`
}

func incTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func incToJSON(e *env, inc *posdesk.Incident, atts []*posdesk.Attachment) incJSON {
	today := posdesk.DateOf(e.Now(), e.Loc)
	out := incJSON{ID: inc.ID, Number: inc.Number, Kind: string(inc.Kind), Cause: string(inc.Cause), Status: string(inc.Status),
		Outcome: string(inc.Outcome), Time: incTime(inc.Time), Amount: inc.Amount.Plain(), Currency: inc.Amount.Currency,
		Story: inc.Story, CaseNumber: inc.CaseNumber, Deadline: inc.Deadline, DeadlineSource: inc.DeadlineSource,
		Overdue: inc.Overdue(today), CustomerName: inc.CustomerName, CustomerPhone: inc.CustomerPhone,
		PersonalErased: incTime(inc.PersonalErasedAt), PacketSHA256: inc.PacketSHA256,
		Attached: inc.AttachmentCount, ContactCount: inc.ContactCount, NextStatuses: []string{},
		CreatedAt: incTime(inc.CreatedAt), CreatedBy: inc.CreatedBy, UpdatedAt: incTime(inc.UpdatedAt)}
	if d, ok := inc.DaysLeft(today); ok {
		out.DaysLeft = &d
	}
	for _, s := range posdesk.NextStatuses(inc.Status) {
		out.NextStatuses = append(out.NextStatuses, string(s))
	}
	out.Transactions = []incTxJSON{}
	for _, t := range inc.Transactions {
		out.Transactions = append(out.Transactions, incTxJSON{ID: t.ID, Time: incTime(t.Time), Amount: t.Amount.Plain(),
			Currency: t.Amount.Currency, Status: string(t.Status), Terminal: t.Terminal, Trace: t.Trace, RRN: t.RRN, Card: t.Card})
	}
	for _, ev := range inc.Events {
		out.Events = append(out.Events, incEventJSON{Time: incTime(ev.Time), Actor: ev.Actor, Type: string(ev.Type),
			From: string(ev.From), To: string(ev.To), Outcome: string(ev.Outcome), RefID: ev.RefID, Detail: ev.Detail,
			Text: ui.IncidentEventText(ev)})
	}
	for _, c := range inc.Contacts {
		out.Contacts = append(out.Contacts, incContactJSON{ID: c.ID, Time: incTime(c.Time), Channel: string(c.Channel),
			Party: string(c.Party), Person: c.Person, Ticket: c.Ticket, Summary: c.Summary, NextStep: c.NextStep, Due: c.Due})
	}
	for _, a := range atts {
		out.Attachments = append(out.Attachments, incFileJSON{ID: a.ID, FileName: a.FileName, Kind: string(a.Kind),
			MediaType: a.MediaType, Size: a.Size, SHA256: a.SHA256, Width: a.Width, Height: a.Height, Pages: a.Pages, Caption: a.Caption})
	}
	if inc.Events != nil && inc.Active() {
		for _, line := range inc.Kind.Checklist() {
			out.Checklist = append(out.Checklist, i18n.T(line))
		}
	}
	return out
}

func incPrintJSON(e *env, v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
