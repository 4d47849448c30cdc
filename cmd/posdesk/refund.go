package main

// The refund follow-up commands: add, list, show, edit, receive, void a receipt, approve, move
// along the ladder, and the approval threshold. Every identifier in this file starts with "rf" so
// that the rooms sharing package main do not clash.

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
)

var rfAddFlags struct {
	expected, currency, direction, method, due, preset, from, by, fees, feesReason     *string
	counterparty, customer, reason, caseRef, arrives, expectedBy, opened, next, nextOn *string
	standalone                                                                         *bool
}

var rfReceiveFlags struct {
	amount, date, note *string
	over               *bool
}

var rfStatusFlags struct{ reason *string }

var rfApproveFlags struct{ by *string }

var rfVoidFlags struct{ reason *string }

var rfListFlags struct {
	status, incident, direction, query *string
	open, owing, standalone            *bool
}

var rfEditFlags struct {
	fs                                                                          *flag.FlagSet
	method, expected, fees, feesReason, counterparty, customer, reason, caseRef *string
	due, preset, from, arrives, expectedBy, next, nextOn                        *string
}

func init() {
	register(&command{
		Name:    "refund add",
		Usage:   "INCIDENT|--standalone --expected A [--direction D] [--method M] [--due DATE|--preset P] [--by NAME] [--arrives-in 7wd]",
		Summary: "Start following up a refund for an incident (or, with --standalone, a customer refund without one) and print its ID.",
		Flags: func(fs *flag.FlagSet) {
			f := &rfAddFlags
			f.expected = fs.String("expected", "", "amount owed, e.g. 1,288.00 (default: the incident's amount)")
			f.currency = fs.String("currency", posdesk.DefaultCurrency, "currency of the amounts")
			f.direction = fs.String("direction", "", "who pays whom: shop_to_customer, acquirer_to_shop, bank_to_customer (default: suggested by the incident's kind)")
			f.method = fs.String("method", "", "how the money travels: original_route (原路返回), alipay, wechat_pay, cash, bank_transfer (default: bank_transfer from an acquirer, else original_route)")
			f.due = fs.String("due", "", "deadline: the date in the bank's letter or SMS, e.g. 2026-10-20")
			f.preset = fs.String("preset", "", "no letter? suggest the deadline from a preset: visa, mastercard, amex, square, paypal_inquiry, unionpay_retrieval")
			f.from = fs.String("from", "", "the day the preset counts from (default: the opening day)")
			f.by = fs.String("by", "", "who asks for the refund (default: the signed-in user); they cannot approve it")
			f.fees = fs.String("fees", "", "fees the payer deducts, e.g. 7.73")
			f.feesReason = fs.String("fees-reason", "", "why fees are deducted")
			f.counterparty = fs.String("counterparty", "", "the bank, acquirer or customer on the other side")
			f.customer = fs.String("customer", "", "customer's name or phone, only if needed to pay them back")
			f.reason = fs.String("reason", "", "why the money is owed")
			f.caseRef = fs.String("case", "", "the bank's case / ticket number (工单号)")
			f.arrives = fs.String("arrives-in", "", "how long the money takes once paid: 7wd (working days) or 10d (calendar days); default by method")
			f.expectedBy = fs.String("expected-by", "", "the date the payer promised the money instead of --arrives-in")
			f.opened = fs.String("opened", "", "the day the refund was asked for (default: today)")
			f.next = fs.String("next", "", "the next action, e.g. \"call the acquirer\"")
			f.nextOn = fs.String("next-on", "", "the date of the next action")
			f.standalone = fs.Bool("standalone", false, "a customer refund without an incident (shop_to_customer)")
		},
		Run: rfRunAdd,
	})
	register(&command{
		Name:    "refunds",
		Usage:   "[--open] [--owing] [--status S] [--incident I] [--direction D] [--query TEXT] [--json]",
		Summary: "List refund follow-ups, the earliest next date first.",
		Flags: func(fs *flag.FlagSet) {
			f := &rfListFlags
			f.status = fs.String("status", "", "only this status (see posdesk refund status -h)")
			f.incident = fs.String("incident", "", "only the refunds of this incident")
			f.direction = fs.String("direction", "", "only this direction")
			f.query = fs.String("query", "", "case number, counterparty, customer, reason or next action")
			f.open = fs.Bool("open", false, "only follow-ups still under way")
			f.owing = fs.Bool("owing", false, "only those with money outstanding")
			f.standalone = fs.Bool("standalone", false, "only customer refunds without an incident")
		},
		Run: rfRunList,
	})
	register(&command{Name: "refund show", Usage: "ID [--json]", Summary: "Show a refund follow-up with its receipts, history and next allowed steps.", Run: rfRunShow})
	register(&command{
		Name:    "refund edit",
		Usage:   "ID [--due DATE|--preset P] [--next TEXT --next-on DATE] [--arrives-in 7wd|--expected-by DATE] [--fees A --fees-reason TEXT] ...",
		Summary: "Change the details of a refund follow-up (deadline, next action, expected arrival, fees...).",
		Flags: func(fs *flag.FlagSet) {
			f := &rfEditFlags
			f.fs = fs
			f.method = fs.String("method", "", "how the money travels")
			f.expected = fs.String("expected", "", "amount owed (not after a manager approved it)")
			f.fees = fs.String("fees", "", "fees the payer deducts")
			f.feesReason = fs.String("fees-reason", "", "why fees are deducted")
			f.counterparty = fs.String("counterparty", "", "the bank, acquirer or customer on the other side")
			f.customer = fs.String("customer", "", "customer's name or phone (\"\" to erase)")
			f.reason = fs.String("reason", "", "why the money is owed")
			f.caseRef = fs.String("case", "", "the bank's case / ticket number (工单号)")
			f.due = fs.String("due", "", "deadline from the bank's letter (\"none\" clears it)")
			f.preset = fs.String("preset", "", "suggest the deadline from a preset instead")
			f.from = fs.String("from", "", "the day the preset counts from (default: the opening day)")
			f.arrives = fs.String("arrives-in", "", "how long the money takes once paid: 7wd or 10d")
			f.expectedBy = fs.String("expected-by", "", "the date the payer promised the money")
			f.next = fs.String("next", "", "the next action (\"\" clears it)")
			f.nextOn = fs.String("next-on", "", "the date of the next action (\"none\" clears it)")
		},
		Run: rfRunEdit,
	})
	register(&command{
		Name:    "refund receive",
		Usage:   "ID --amount A [--date D] [--note TEXT] [--over-payment]",
		Summary: "Record money that arrived on a refund follow-up (refunds are often paid in parts).",
		Flags: func(fs *flag.FlagSet) {
			rfReceiveFlags.amount = fs.String("amount", "", "amount that arrived, e.g. 800.00")
			rfReceiveFlags.date = fs.String("date", "", "the day it arrived (default: today)")
			rfReceiveFlags.note = fs.String("note", "", "a note, e.g. the bank statement line")
			rfReceiveFlags.over = fs.Bool("over-payment", false, "confirm that the payer sent more than was outstanding")
		},
		Run: rfRunReceive,
	})
	register(&command{
		Name:    "refund void-receipt",
		Usage:   "RECEIPT_ID --reason TEXT",
		Summary: "Void a receipt entered by mistake; it stays in the history with the reason.",
		Flags:   func(fs *flag.FlagSet) { rfVoidFlags.reason = fs.String("reason", "", "why the receipt is voided") },
		Run:     rfRunVoid,
	})
	register(&command{
		Name:    "refund approve",
		Usage:   "ID --by NAME",
		Summary: "Approve a refund the shop pays (a manager other than the one who asked).",
		Flags:   func(fs *flag.FlagSet) { rfApproveFlags.by = fs.String("by", "", "the approving manager's name") },
		Run:     rfRunApprove,
	})
	register(&command{
		Name:    "refund status",
		Usage:   "ID STATUS [--reason TEXT]",
		Summary: "Move a refund follow-up along its ladder (rejected and written_off need --reason).",
		Flags: func(fs *flag.FlagSet) {
			rfStatusFlags.reason = fs.String("reason", "", "why (required for rejected and written_off)")
		},
		Run: rfRunStatus,
	})
	register(&command{
		Name:    "refund threshold",
		Usage:   "[AMOUNT]",
		Summary: "Show, or set (owner), the amount at or above which a refund the shop pays needs a manager's approval.",
		Run:     rfRunThreshold,
	})
}

// rfParse reads a value of a refund enumeration: its id, its English title or its Chinese title.
func rfParse[T interface {
	~string
	Title() string
}](s string, all []T, parse func(string) (T, error)) (T, error) {
	v, err := parse(s)
	if err == nil {
		return v, nil
	}
	for _, a := range all {
		if strings.TrimSpace(s) != "" && strings.TrimSpace(s) == i18n.In(i18n.Chinese, a.Title()) {
			return a, nil
		}
	}
	return v, err
}

// rfToday returns the shop's date now, in the shop's time zone (setting shop.timezone) or the
// PC's.
func rfToday(e *env) posdesk.Date {
	return posdesk.DateOf(e.Now(), shopLocation(e.Ctx, e.DB, e.Loc))
}

// rfDate parses an optional date flag; "none" gives the zero Date and clear = true.
func rfDate(s string) (d posdesk.Date, clear bool, err error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return posdesk.Date{}, true, nil
	}
	d, err = posdesk.ParseDate(s)
	return d, false, err
}

// rfID reads a refund ID argument.
func rfID(args []string, usage string) (int64, []string, error) {
	if len(args) == 0 {
		return 0, nil, usagef("give the refund's ID: %s", usage)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(args[0]), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, usagef("%q is not a refund ID (a number, as printed by posdesk refund add)", args[0])
	}
	return id, args[1:], nil
}

// rfDeadline works out the deadline from --due (the bank's letter first) or --preset.
func rfDeadline(due, preset, from string, start posdesk.Date) (*posdesk.Date, string, error) {
	if due != "" && preset != "" {
		return nil, "", usagef("give either --due (the date in the bank's letter) or --preset, not both")
	}
	if due != "" {
		d, _, err := rfDate(due)
		if err != nil {
			return nil, "", err
		}
		return &d, posdesk.DeadlineFromLetter, nil
	}
	if preset == "" {
		return nil, "", nil
	}
	p, ok := posdesk.FindDeadlinePreset(preset)
	if !ok {
		return nil, "", posdesk.Invalid("preset", "Deadline preset %q is not one of: visa, mastercard, amex, square, paypal_inquiry, unionpay_retrieval.", preset)
	}
	if from != "" {
		var err error
		if start, err = posdesk.ParseDate(from); err != nil {
			return nil, "", err
		}
	}
	d := p.Deadline(start, false)
	return &d, p.ID, nil
}

func rfRunAdd(e *env, args []string) error {
	f := &rfAddFlags
	r := &posdesk.Refund{Counterparty: *f.counterparty, Customer: *f.customer, Reason: *f.reason, CaseRef: *f.caseRef,
		RequestedBy: *f.by, NextAction: *f.next, FeesReason: *f.feesReason}
	cur := strings.ToUpper(strings.TrimSpace(*f.currency))
	var inc *posdesk.Incident
	switch {
	case len(args) > 1:
		return usagef("unexpected argument %q; put text with spaces in quotes", args[1])
	case len(args) == 1 && *f.standalone:
		return usagef("give an incident or --standalone, not both")
	case len(args) == 1:
		var err error
		if inc, err = e.DB.FindIncidentByNumber(e.Ctx, args[0]); err != nil {
			return err
		}
		r.IncidentID = inc.ID
	case !*f.standalone:
		return usagef("give the incident the refund belongs to (posdesk refund add INC-2026-0007 ...), or --standalone for a customer refund without one")
	}
	var err error
	switch {
	case *f.direction != "":
		if r.Direction, err = rfParse(*f.direction, posdesk.RefundDirections, posdesk.ParseRefundDirection); err != nil {
			return err
		}
	case inc != nil:
		r.Direction = posdesk.SuggestDirection(inc.Kind)
	default:
		r.Direction = posdesk.DirShopToCustomer
	}
	switch {
	case *f.method != "":
		if r.Method, err = rfParse(*f.method, posdesk.RefundMethods, posdesk.ParseRefundMethod); err != nil {
			return err
		}
	case r.Direction == posdesk.DirAcquirerToShop:
		r.Method = posdesk.MethodBankTransfer
	default:
		r.Method = posdesk.MethodOriginalRoute
	}
	switch {
	case *f.expected != "":
		if r.Expected, err = posdesk.ParseMoney(*f.expected, cur); err != nil {
			return posdesk.Invalid("expected", "Expected amount %q is not an amount; write it like 1,288.00.", *f.expected)
		}
	case inc != nil:
		r.Expected = inc.Amount
	default:
		return usagef("give the amount owed with --expected, e.g. --expected 58.00")
	}
	if *f.fees != "" {
		if r.Fees, err = posdesk.ParseMoney(*f.fees, r.Expected.Currency); err != nil {
			return err
		}
	}
	if r.OpenedOn, err = posdesk.ParseDate(*f.opened); err != nil {
		return err
	}
	start := r.OpenedOn
	if start.IsZero() {
		start = rfToday(e)
	}
	due, source, err := rfDeadline(*f.due, *f.preset, *f.from, start)
	if err != nil {
		return err
	}
	if due != nil {
		r.Due, r.DueSource = *due, source
	}
	if r.NextActionOn, err = posdesk.ParseDate(*f.nextOn); err != nil {
		return err
	}
	switch {
	case *f.arrives != "" && *f.expectedBy != "":
		return usagef("give either --arrives-in or --expected-by, not both")
	case *f.expectedBy != "":
		if r.ExpectedBy, err = posdesk.ParseDate(*f.expectedBy); err != nil {
			return err
		}
	case *f.arrives != "":
		if r.Arrival, err = posdesk.ParseSpan(*f.arrives); err != nil {
			return err
		}
	default:
		r.Arrival = r.Method.DefaultArrival()
	}
	if err := e.DB.CreateRefund(e.Ctx, r); err != nil {
		return err
	}
	if e.JSON {
		return rfPrintJSON(e, rfToJSON(e, r, nil, nil))
	}
	fmt.Fprintln(e.Stdout, r.ID)
	return nil
}

func rfRunList(e *env, args []string) error {
	f := &rfListFlags
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	filter := posdesk.RefundFilter{Open: *f.open, Owing: *f.owing, Standalone: *f.standalone, Query: *f.query}
	if *f.status != "" {
		s, err := rfParse(*f.status, posdesk.RefundStatuses, posdesk.ParseRefundStatus)
		if err != nil {
			return err
		}
		filter.Statuses = []posdesk.RefundStatus{s}
	}
	if *f.direction != "" {
		d, err := rfParse(*f.direction, posdesk.RefundDirections, posdesk.ParseRefundDirection)
		if err != nil {
			return err
		}
		filter.Directions = []posdesk.RefundDirection{d}
	}
	if *f.incident != "" {
		inc, err := e.DB.FindIncidentByNumber(e.Ctx, *f.incident)
		if err != nil {
			return err
		}
		filter.IncidentID = inc.ID
	}
	list, _, err := e.DB.FindRefunds(e.Ctx, filter)
	if err != nil {
		return err
	}
	return rfPrintList(e, list, rfToday(e))
}

// rfPrintList prints follow-ups as a table, or as JSON with --json.
func rfPrintList(e *env, list []*posdesk.Refund, today posdesk.Date) error {
	numbers, err := rfIncidentNumbers(e, list)
	if err != nil {
		return err
	}
	if e.JSON {
		out := make([]rfJSON, len(list))
		for i, r := range list {
			out[i] = rfToJSON(e, r, numbers, nil)
		}
		return rfPrintJSON(e, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.Stdout, i18n.T("No refund follow-ups match."))
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join([]string{i18n.T("ID"), i18n.T("Incident"), i18n.T("Direction"), i18n.T("Status"),
		i18n.T("Expected"), i18n.T("Outstanding"), i18n.T("Next date"), i18n.T("Next action")}, "\t"))
	var total posdesk.Money
	for _, r := range list {
		next, what := r.NextDate()
		nextText := rfNextText(next, what, today)
		action := r.NextAction
		if what != "next_action" && what != "" {
			action = rfWhatText(what)
		}
		fmt.Fprintln(tw, strings.Join([]string{strconv.FormatInt(r.ID, 10), rfIncidentText(r, numbers), i18n.T(r.Direction.Title()),
			i18n.T(r.Status.Title()), r.Expected.Display(), r.Outstanding().Display(), nextText, action}, "\t"))
		if r.Expected.Currency == posdesk.DefaultCurrency {
			total = total.Add(r.Outstanding())
		}
	}
	tw.Flush()
	fmt.Fprintln(e.Stdout)
	fmt.Fprintln(e.Stdout, i18n.T("%[1]d follow-ups; outstanding %[2]s.", len(list), total.Display()))
	return nil
}

// rfNextText shows a next date with how far it is: "2026-03-25 (in 5 days)", "! 2026-03-18 (2 days late)".
func rfNextText(d posdesk.Date, what string, today posdesk.Date) string {
	if d.IsZero() {
		return ""
	}
	n := today.DaysUntil(d)
	switch {
	case n < 0:
		return "! " + i18n.T("%[1]s (%[2]d days late)", d.String(), -n)
	case n == 0:
		return i18n.T("%s (today)", d.String())
	case n == 1:
		return i18n.T("%s (tomorrow)", d.String())
	}
	return i18n.T("%[1]s (in %[2]d days)", d.String(), n)
}

// rfWhatText names what a next date is.
func rfWhatText(what string) string {
	switch what {
	case "deadline":
		return i18n.T("Deadline")
	case "arrival":
		return i18n.T("Money expected")
	}
	return i18n.T("Next action")
}

func rfIncidentText(r *posdesk.Refund, numbers map[int64]string) string {
	if r.IncidentID == 0 {
		return i18n.T("Customer refund")
	}
	if n := numbers[r.IncidentID]; n != "" {
		return n
	}
	return "#" + strconv.FormatInt(r.IncidentID, 10)
}

// rfIncidentNumbers returns the numbers of the incidents of list.
func rfIncidentNumbers(e *env, list []*posdesk.Refund) (map[int64]string, error) {
	out := map[int64]string{}
	for _, r := range list {
		if r.IncidentID == 0 || out[r.IncidentID] != "" {
			continue
		}
		inc, err := e.DB.FindIncidentByID(e.Ctx, r.IncidentID)
		if err != nil {
			return nil, err
		}
		out[r.IncidentID] = inc.Number
	}
	return out, nil
}

func rfRunShow(e *env, args []string) error {
	id, rest, err := rfID(args, "posdesk refund show 3")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	r, err := e.DB.FindRefundByID(e.Ctx, id)
	if err != nil {
		return err
	}
	events, err := e.DB.FindRefundEvents(e.Ctx, id)
	if err != nil {
		return err
	}
	numbers, err := rfIncidentNumbers(e, []*posdesk.Refund{r})
	if err != nil {
		return err
	}
	if e.JSON {
		return rfPrintJSON(e, rfToJSON(e, r, numbers, events))
	}
	threshold, err := e.DB.ApprovalThreshold(e.Ctx)
	if err != nil {
		return err
	}
	w := e.Stdout
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%s: %s\n", label, value)
		}
	}
	fmt.Fprintln(w, i18n.T("Refund follow-up %d", r.ID))
	line(i18n.T("Incident"), rfIncidentText(r, numbers))
	line(i18n.T("Direction"), i18n.T(r.Direction.Title()))
	line(i18n.T("Method"), i18n.T(r.Method.Title()))
	status := i18n.T(r.Status.Title())
	if r.StatusReason != "" {
		status += " — " + r.StatusReason
	}
	line(i18n.T("Status"), status+" ("+r.StatusOn.String()+")")
	line(i18n.T("Expected"), r.Expected.Display())
	if !r.Fees.IsZero() {
		line(i18n.T("Fees"), r.Fees.Display()+" — "+r.FeesReason)
	}
	line(i18n.T("Received"), r.Received.Display())
	line(i18n.T("Outstanding"), r.Outstanding().Display())
	if !r.WrittenOff.IsZero() {
		line(i18n.T("Written off"), r.WrittenOff.Display())
	}
	line(i18n.T("Counterparty"), r.Counterparty)
	line(i18n.T("Customer"), r.Customer)
	line(i18n.T("Reason for the refund"), r.Reason)
	line(i18n.T("Case number"), r.CaseRef)
	line(i18n.T("Opened"), r.OpenedOn.String())
	line(i18n.T("Requested by"), r.RequestedBy)
	switch {
	case r.Approved():
		line(i18n.T("Approved by"), r.ApprovedBy)
	case r.NeedsApproval(threshold):
		line(i18n.T("Approval"), i18n.T("needed: %[1]s is at or above %[2]s; another manager approves it", r.Expected.Display(), threshold.Display()))
	}
	if !r.Due.IsZero() {
		line(i18n.T("Deadline"), r.Due.String()+" ("+rfDueSourceText(r.DueSource)+")")
	}
	if !r.ExpectedBy.IsZero() {
		arr := r.ExpectedBy.String()
		if !r.Arrival.IsZero() {
			arr += " (" + rfSpanText(r.Arrival) + ")"
		}
		line(i18n.T("Expected arrival"), arr)
	}
	if r.NextAction != "" {
		line(i18n.T("Next action"), strings.TrimSpace(r.NextAction+" "+r.NextActionOn.String()))
	}
	next := posdesk.NextRefundStatuses(r.Direction, r.Status)
	codes := make([]string, len(next))
	for i, s := range next {
		codes[i] = string(s)
	}
	if len(codes) > 0 {
		line(i18n.T("Allowed next"), strings.Join(codes, ", "))
	}
	if len(r.Receipts) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, i18n.T("Receipts"))
		for _, rc := range r.Receipts {
			s := fmt.Sprintf("  #%d  %s  %s", rc.ID, rc.On.String(), rc.Amount.Display())
			if rc.OverPayment {
				s += "  " + i18n.T("(over-payment)")
			}
			if rc.Voided() {
				s += "  " + i18n.T("VOIDED: %s", rc.VoidReason)
			}
			if rc.Note != "" {
				s += "  " + rc.Note
			}
			fmt.Fprintln(w, s)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T("History"))
	for _, ev := range events {
		fmt.Fprintf(w, "  %s  %s  %s\n", ev.Time.In(e.Loc).Format("2006-01-02 15:04"), ev.Actor, rfEventText(ev))
	}
	return nil
}

// rfSpanText writes a span in words.
func rfSpanText(s posdesk.Span) string {
	if s.Workdays {
		return i18n.T("%d working days", s.Days)
	}
	return i18n.T("%d calendar days", s.Days)
}

// rfDueSourceText says where a deadline came from.
func rfDueSourceText(source string) string {
	if source == posdesk.DeadlineFromLetter || source == "" {
		return i18n.T("from the bank's letter")
	}
	if p, ok := posdesk.FindDeadlinePreset(source); ok {
		return i18n.T("suggested: %s", i18n.T(p.Title))
	}
	return source
}

// rfEventText describes a history line.
func rfEventText(ev *posdesk.RefundEvent) string {
	var s string
	switch ev.Kind {
	case "created":
		s = i18n.T("opened for %s", ev.Amount.Display())
	case "status":
		s = i18n.T("%[1]s → %[2]s", i18n.T(ev.From.Title()), i18n.T(ev.To.Title()))
	case "approved":
		s = i18n.T("approved by %s", ev.Note)
		return s
	case "receipt":
		s = i18n.T("received %[1]s on %[2]s", ev.Amount.Display(), ev.On.String())
	case "receipt_void":
		s = i18n.T("voided a receipt of %s", ev.Amount.Display())
	case "updated":
		s = i18n.T("changed %s", ev.Note)
		return s
	default:
		s = ev.Kind
	}
	if ev.Note != "" {
		s += " — " + ev.Note
	}
	return s
}

func rfRunEdit(e *env, args []string) error {
	f := &rfEditFlags
	id, rest, err := rfID(args, "posdesk refund edit 3 --next \"call the bank\" --next-on 2026-10-08")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q; put text with spaces in quotes", rest[0])
	}
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	r, err := e.DB.FindRefundByID(e.Ctx, id)
	if err != nil {
		return err
	}
	var upd posdesk.RefundUpdate
	str := func(name string, v *string) *string {
		if set[name] {
			return v
		}
		return nil
	}
	upd.FeesReason, upd.Counterparty, upd.Customer = str("fees-reason", f.feesReason), str("counterparty", f.counterparty), str("customer", f.customer)
	upd.Reason, upd.CaseRef, upd.NextAction = str("reason", f.reason), str("case", f.caseRef), str("next", f.next)
	if set["method"] {
		m, err := rfParse(*f.method, posdesk.RefundMethods, posdesk.ParseRefundMethod)
		if err != nil {
			return err
		}
		upd.Method = &m
	}
	for _, a := range []struct {
		name string
		dst  **posdesk.Money
	}{{"expected", &upd.Expected}, {"fees", &upd.Fees}} {
		if set[a.name] {
			v := map[string]string{"expected": *f.expected, "fees": *f.fees}[a.name]
			m, err := posdesk.ParseMoney(v, r.Expected.Currency)
			if err != nil {
				return err
			}
			*a.dst = &m
		}
	}
	if set["due"] || set["preset"] {
		start := r.OpenedOn
		due, source, err := rfDeadline(*f.due, *f.preset, *f.from, start)
		if err != nil {
			return err
		}
		upd.Due = due
		if source != "" && source != posdesk.DeadlineFromLetter {
			upd.DueSource = &source
		}
	}
	if set["arrives-in"] && set["expected-by"] {
		return usagef("give either --arrives-in or --expected-by, not both")
	}
	if set["arrives-in"] {
		s, err := posdesk.ParseSpan(*f.arrives)
		if err != nil {
			return err
		}
		upd.Arrival = &s
	}
	if set["expected-by"] {
		d, _, err := rfDate(*f.expectedBy)
		if err != nil {
			return err
		}
		upd.ExpectedBy = &d
	}
	if set["next-on"] {
		d, _, err := rfDate(*f.nextOn)
		if err != nil {
			return err
		}
		upd.NextActionOn = &d
	}
	if len(set) == 0 {
		return usagef("say what to change, e.g. --next \"call the bank\" --next-on 2026-10-08")
	}
	r, err = e.DB.UpdateRefund(e.Ctx, id, upd)
	if err != nil {
		return err
	}
	return rfDone(e, r)
}

// rfDone prints the follow-up after a change: JSON with --json, else a one-line summary.
func rfDone(e *env, r *posdesk.Refund) error {
	if e.JSON {
		return rfPrintJSON(e, rfToJSON(e, r, nil, nil))
	}
	fmt.Fprintln(e.Stdout, i18n.T("Refund %[1]d: %[2]s; outstanding %[3]s.", r.ID, i18n.T(r.Status.Title()), r.Outstanding().Display()))
	return nil
}

func rfRunReceive(e *env, args []string) error {
	f := &rfReceiveFlags
	id, rest, err := rfID(args, "posdesk refund receive 3 --amount 800.00")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *f.amount == "" {
		return usagef("give the amount that arrived with --amount, e.g. --amount 800.00")
	}
	r, err := e.DB.FindRefundByID(e.Ctx, id)
	if err != nil {
		return err
	}
	rc := &posdesk.RefundReceipt{Note: *f.note, OverPayment: *f.over}
	if rc.Amount, err = posdesk.ParseMoney(*f.amount, r.Expected.Currency); err != nil {
		return err
	}
	if rc.On, err = posdesk.ParseDate(*f.date); err != nil {
		return err
	}
	if r, err = e.DB.CreateRefundReceipt(e.Ctx, id, rc); err != nil {
		return err
	}
	return rfDone(e, r)
}

func rfRunVoid(e *env, args []string) error {
	if len(args) != 1 {
		return usagef("give the receipt's ID (shown by posdesk refund show): posdesk refund void-receipt 5 --reason TEXT")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return usagef("%q is not a receipt ID", args[0])
	}
	r, err := e.DB.VoidRefundReceipt(e.Ctx, id, *rfVoidFlags.reason)
	if err != nil {
		return err
	}
	return rfDone(e, r)
}

func rfRunApprove(e *env, args []string) error {
	id, rest, err := rfID(args, "posdesk refund approve 3 --by NAME")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if u := posdesk.UserFromContext(e.Ctx); strings.TrimSpace(*rfApproveFlags.by) == "" && (u == nil || u.ID == 0) {
		// Without staff logins the approver is named; with them it is the signed-in person.
		return usagef("name the approving manager with --by NAME")
	}
	r, err := e.DB.ApproveRefund(e.Ctx, id, *rfApproveFlags.by)
	if err != nil {
		return err
	}
	return rfDone(e, r)
}

func rfRunStatus(e *env, args []string) error {
	id, rest, err := rfID(args, "posdesk refund status 3 paid")
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("give one status: requested, under_review, approved, paid, received, customer_notified, closed, rejected, written_off")
	}
	to, err := rfParse(rest[0], posdesk.RefundStatuses, posdesk.ParseRefundStatus)
	if err != nil {
		return err
	}
	r, err := e.DB.SetRefundStatus(e.Ctx, id, to, *rfStatusFlags.reason)
	if err != nil {
		return err
	}
	return rfDone(e, r)
}

func rfRunThreshold(e *env, args []string) error {
	if len(args) > 1 {
		return usagef("give at most one amount, e.g. posdesk refund threshold 500.00")
	}
	if len(args) == 1 {
		m, err := posdesk.ParseMoney(args[0], posdesk.DefaultCurrency)
		if err != nil {
			return err
		}
		if !m.Amount.IsPositive() {
			return posdesk.Invalid("amount", "Enter an amount greater than zero.")
		}
		if err := e.DB.SetSetting(e.Ctx, posdesk.RefundThresholdSetting, m.Plain()); err != nil {
			return err
		}
	}
	m, err := e.DB.ApprovalThreshold(e.Ctx)
	if err != nil {
		return err
	}
	if e.JSON {
		return rfPrintJSON(e, map[string]string{"threshold": m.Plain(), "currency": m.Currency})
	}
	fmt.Fprintln(e.Stdout, i18n.T("Refunds the shop pays of %s or more need a manager's approval.", m.Display()))
	return nil
}

// rfJSON is the JSON shape of a refund follow-up; amounts are decimal strings, dates YYYY-MM-DD.
type rfJSON struct {
	ID             int64           `json:"id"`
	IncidentID     int64           `json:"incident_id,omitempty"`
	IncidentNumber string          `json:"incident_number,omitempty"`
	Direction      string          `json:"direction"`
	Method         string          `json:"method"`
	Status         string          `json:"status"`
	StatusOn       posdesk.Date    `json:"status_on"`
	StatusReason   string          `json:"status_reason,omitempty"`
	Currency       string          `json:"currency"`
	Expected       string          `json:"expected"`
	Fees           string          `json:"fees"`
	FeesReason     string          `json:"fees_reason,omitempty"`
	Received       string          `json:"received"`
	Outstanding    string          `json:"outstanding"`
	WrittenOff     string          `json:"written_off"`
	Counterparty   string          `json:"counterparty,omitempty"`
	Customer       string          `json:"customer,omitempty"`
	Reason         string          `json:"reason,omitempty"`
	CaseRef        string          `json:"case,omitempty"`
	OpenedOn       posdesk.Date    `json:"opened"`
	RequestedBy    string          `json:"requested_by"`
	ApprovedBy     string          `json:"approved_by,omitempty"`
	Due            posdesk.Date    `json:"due"`
	DueSource      string          `json:"due_source,omitempty"`
	Arrival        string          `json:"arrival,omitempty"`
	ExpectedBy     posdesk.Date    `json:"expected_by"`
	NextAction     string          `json:"next_action,omitempty"`
	NextActionOn   posdesk.Date    `json:"next_action_on"`
	NextDate       posdesk.Date    `json:"next_date"`
	NextWhat       string          `json:"next_what,omitempty"`
	AllowedNext    []string        `json:"allowed_next"`
	Receipts       []rfReceiptJSON `json:"receipts,omitempty"`
	History        []rfEventJSON   `json:"history,omitempty"`
}

type rfReceiptJSON struct {
	ID          int64        `json:"id"`
	On          posdesk.Date `json:"date"`
	Amount      string       `json:"amount"`
	OverPayment bool         `json:"over_payment,omitempty"`
	Note        string       `json:"note,omitempty"`
	Voided      bool         `json:"voided,omitempty"`
	VoidReason  string       `json:"void_reason,omitempty"`
}

type rfEventJSON struct {
	Time   string       `json:"time"`
	On     posdesk.Date `json:"date"`
	Kind   string       `json:"kind"`
	From   string       `json:"from,omitempty"`
	To     string       `json:"to,omitempty"`
	Amount string       `json:"amount,omitempty"`
	Note   string       `json:"note,omitempty"`
	Actor  string       `json:"actor"`
}

func rfToJSON(e *env, r *posdesk.Refund, numbers map[int64]string, events []*posdesk.RefundEvent) rfJSON {
	next, what := r.NextDate()
	j := rfJSON{ID: r.ID, IncidentID: r.IncidentID, IncidentNumber: numbers[r.IncidentID], Direction: string(r.Direction),
		Method: string(r.Method), Status: string(r.Status), StatusOn: r.StatusOn, StatusReason: r.StatusReason,
		Currency: r.Expected.Currency, Expected: r.Expected.Plain(), Fees: r.Fees.Plain(), FeesReason: r.FeesReason,
		Received: r.Received.Plain(), Outstanding: r.Outstanding().Plain(), WrittenOff: r.WrittenOff.Plain(),
		Counterparty: r.Counterparty, Customer: r.Customer, Reason: r.Reason, CaseRef: r.CaseRef, OpenedOn: r.OpenedOn,
		RequestedBy: r.RequestedBy, ApprovedBy: r.ApprovedBy, Due: r.Due, DueSource: r.DueSource, Arrival: r.Arrival.String(),
		ExpectedBy: r.ExpectedBy, NextAction: r.NextAction, NextActionOn: r.NextActionOn, NextDate: next, NextWhat: what,
		AllowedNext: []string{}}
	for _, s := range posdesk.NextRefundStatuses(r.Direction, r.Status) {
		j.AllowedNext = append(j.AllowedNext, string(s))
	}
	for _, rc := range r.Receipts {
		j.Receipts = append(j.Receipts, rfReceiptJSON{ID: rc.ID, On: rc.On, Amount: rc.Amount.Plain(), OverPayment: rc.OverPayment,
			Note: rc.Note, Voided: rc.Voided(), VoidReason: rc.VoidReason})
	}
	for _, ev := range events {
		ej := rfEventJSON{Time: ev.Time.In(e.Loc).Format(time.RFC3339), On: ev.On, Kind: ev.Kind, From: string(ev.From),
			To: string(ev.To), Note: ev.Note, Actor: ev.Actor}
		if ev.Amount.Currency != "" {
			ej.Amount = ev.Amount.Plain()
		}
		j.History = append(j.History, ej)
	}
	return j
}

func rfPrintJSON(e *env, v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
