package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/reconcile"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// The reconciliation commands: reconcile, and incident from-exception.

var reconcileFlags struct {
	days   *int
	window *time.Duration
	lag    *int
	all    *bool
	asOf   *string
}

func init() {
	register(&command{
		Name:    "reconcile",
		Usage:   "[--days N] [--window 30m] [--lag 1] [--as-of TIME] [--all] [--json]",
		Summary: "Match the ledger with the imported settlement and bank statements and list the exceptions by queue.",
		Flags: func(fs *flag.FlagSet) {
			reconcileFlags.days = fs.Int("days", 3, "days after which an approved sale or a refund missing from settlement is an exception")
			reconcileFlags.window = fs.Duration("window", 30*time.Minute, "how far apart the POS and the statement may time one payment for a match by amount and card")
			reconcileFlags.lag = fs.Int("lag", 1, "days between a settlement date and the bank credit (T+1)")
			reconcileFlags.all = fs.Bool("all", false, "also list exceptions already turned into incidents or no longer found")
			reconcileFlags.asOf = fs.String("as-of", "", "reconcile as of this date and time (default now), e.g. 2026-09-30 or \"2026-09-30 18:00\"")
		},
		Run: runReconcile,
	})
	register(&command{
		Name:    "incident from-exception",
		Usage:   "EXCEPTION [--json]",
		Summary: "Open an incident from a reconciliation exception, with its ledger record and statement lines, and print its ID.",
		Run:     runIncidentFromException,
	})
}

// exceptionJSON is an exception as the reconcile command prints it.
type exceptionJSON struct {
	ID                int64   `json:"id"`
	Kind              string  `json:"kind"`
	RRN               string  `json:"rrn,omitempty"`
	Date              string  `json:"date,omitempty"`
	Expected          string  `json:"expected"`
	Actual            string  `json:"actual"`
	Currency          string  `json:"currency"`
	Reason            string  `json:"reason"`
	TransactionID     int64   `json:"transaction_id,omitempty"`
	SettlementLineIDs []int64 `json:"settlement_line_ids,omitempty"`
	BankLineIDs       []int64 `json:"bank_line_ids,omitempty"`
	FoundAt           string  `json:"found_at"`
	ResolvedAt        string  `json:"resolved_at,omitempty"`
	IncidentID        int64   `json:"incident_id,omitempty"`
}

type reconcileJSON struct {
	Ledger          int             `json:"ledger"`
	Settlement      int             `json:"settlement"`
	Bank            int             `json:"bank"`
	ExactMatches    int             `json:"exact_matches"`
	TolerantMatches int             `json:"tolerant_matches"`
	ToConfirm       int             `json:"to_confirm"`
	Queues          map[string]int  `json:"queues"`
	Unchecked       []string        `json:"terminals_without_settlement,omitempty"`
	Exceptions      []exceptionJSON `json:"exceptions"`
	RefundsReceived []int64         `json:"refunds_received"`
}

func toExceptionJSON(e *env, x *posdesk.Exception) exceptionJSON {
	j := exceptionJSON{ID: x.ID, Kind: string(x.Kind), RRN: x.RRN, Date: x.Date.String(), Expected: x.Expected.Plain(), Actual: x.Actual.Plain(),
		Currency: x.Expected.Currency, Reason: x.Reason, TransactionID: x.TransactionID, SettlementLineIDs: x.SettlementLineIDs,
		BankLineIDs: x.BankLineIDs, FoundAt: x.FoundAt.In(e.Loc).Format(time.RFC3339), IncidentID: x.IncidentID}
	if !x.ResolvedAt.IsZero() {
		j.ResolvedAt = x.ResolvedAt.In(e.Loc).Format(time.RFC3339)
	}
	return j
}

func runReconcile(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if *reconcileFlags.days < 1 || *reconcileFlags.lag < 1 || *reconcileFlags.window <= 0 {
		return usagef("--days and --lag must be at least 1 and --window positive")
	}
	ctx := e.Ctx
	if err := posdesk.Authorize(ctx, posdesk.ActReconcile); err != nil {
		return err
	}
	now := e.Now()
	if *reconcileFlags.asOf != "" {
		t, ok := parseTimeFlag(*reconcileFlags.asOf, now, e.Loc)
		if !ok {
			return usagef("--as-of %q is not a date or time; write it like 2026-09-30 or \"2026-09-30 18:00\"", *reconcileFlags.asOf)
		}
		now = t
	}
	run := &posdesk.Reconciliation{RanAt: now}
	sum, err := reconcile.Run(ctx, reconcile.Options{
		Now: now, Location: e.Loc, SettleDays: *reconcileFlags.days, Window: *reconcileFlags.window, CreditLagDays: *reconcileFlags.lag,
	}, reconcile.Input{Ledger: e.DB.ScanTransactions(ctx), Settlement: e.DB.ScanSettlementLines(ctx), Bank: e.DB.ScanBankLines(ctx)},
		reconcile.Sink{
			Match:     func(m *posdesk.Match) error { run.Matches = append(run.Matches, m); return nil },
			Exception: func(x *posdesk.Exception) error { run.Exceptions = append(run.Exceptions, x); return nil },
		})
	if err != nil {
		return err
	}
	var received []reconcile.RefundCredit
	var exceptions []*posdesk.Exception
	if e.DB.ReadOnly {
		// Nothing can be saved (the notice after the output says why): list what this run
		// found, without numbers, in the order the stored list has.
		exceptions = run.Exceptions
		rank := map[posdesk.ExceptionKind]int{}
		for i, k := range posdesk.ExceptionKinds {
			rank[k] = i
		}
		slices.SortStableFunc(exceptions, func(a, b *posdesk.Exception) int {
			return cmp.Or(cmp.Compare(rank[a.Kind], rank[b.Kind]), cmp.Compare(a.Date.String(), b.Date.String()))
		})
	} else {
		if err := e.DB.CreateReconciliation(ctx, run); err != nil {
			return err
		}
		if received, err = receiveRefundCredits(e); err != nil {
			return err
		}
		if exceptions, _, err = e.DB.FindExceptions(ctx, posdesk.ExceptionFilter{Open: !*reconcileFlags.all}); err != nil {
			return err
		}
	}
	if e.JSON {
		out := reconcileJSON{RefundsReceived: []int64{}, Ledger: sum.Ledger, Settlement: sum.Settlement, Bank: sum.Bank, ExactMatches: sum.ExactMatches,
			TolerantMatches: sum.TolerantMatches, ToConfirm: sum.ToConfirm, Queues: map[string]int{}, Unchecked: sum.TerminalsWithoutSettlement,
			Exceptions: []exceptionJSON{}}
		for k, n := range sum.Exceptions {
			out.Queues[string(k)] = n
		}
		for _, x := range exceptions {
			out.Exceptions = append(out.Exceptions, toExceptionJSON(e, x))
		}
		for _, c := range received {
			out.RefundsReceived = append(out.RefundsReceived, c.Refund.ID)
		}
		return writeJSON(e.Stdout, out)
	}
	for _, c := range received {
		fmt.Fprintln(e.Stdout, i18n.T("Refund follow-up %[1]d: %[2]s arrived, bank statement of %[3]s line %[4]d; recorded as received.", c.Refund.ID, c.Line.Credit.Display(), c.Line.Date.String(), c.Line.Line))
	}
	fmt.Fprintln(e.Stdout, i18n.T("Read %d ledger records, %d settlement lines and %d bank lines.", sum.Ledger, sum.Settlement, sum.Bank))
	fmt.Fprintln(e.Stdout, i18n.T("Matched %d by reference or terminal and trace, %d by amount and time (%d of them to confirm).", sum.ExactMatches, sum.TolerantMatches, sum.ToConfirm))
	if len(sum.TerminalsWithoutSettlement) > 0 {
		fmt.Fprintln(e.Stdout, i18n.T("Not checked: no settlement statement covers terminals %s; import their statements.", strings.Join(sum.TerminalsWithoutSettlement, ", ")))
	}
	if len(exceptions) == 0 {
		fmt.Fprintln(e.Stdout, i18n.T("No exceptions: everything matches."))
		return nil
	}
	fmt.Fprintln(e.Stdout)
	last := posdesk.ExceptionKind("")
	for _, x := range exceptions {
		if x.Kind != last {
			if last != "" {
				fmt.Fprintln(e.Stdout)
			}
			n := 0
			for _, y := range exceptions {
				if y.Kind == x.Kind {
					n++
				}
			}
			fmt.Fprintf(e.Stdout, "%s (%d)\n", reconcile.QueueTitle(x.Kind), n)
			last = x.Kind
		}
		state := ""
		switch {
		case x.IncidentID != 0:
			state = " " + i18n.T("[incident %d]", x.IncidentID)
		case !x.ResolvedAt.IsZero():
			state = " " + i18n.T("[no longer found]")
		}
		rrn := x.RRN
		if rrn == "" {
			rrn = "-"
		}
		num := "#" + strconv.FormatInt(x.ID, 10)
		if x.ID == 0 {
			num = "-" // not saved: the database is read-only
		}
		fmt.Fprintf(e.Stdout, "  %-6s %s  %-12s  %s -> %s%s\n         %s\n", num, x.Date.String(), rrn, amountCell(x.Expected), amountCell(x.Actual), state, x.Reason)
	}
	fmt.Fprintln(e.Stdout)
	if e.DB.ReadOnly {
		fmt.Fprintln(e.Stdout, i18n.T("These exceptions were not saved: the database is read-only. Open a copy you can write to, then run posdesk reconcile again to number them and open incidents."))
		return nil
	}
	fmt.Fprintln(e.Stdout, i18n.T("Open an incident from an exception with: posdesk incident from-exception ID"))
	return nil
}

func runIncidentFromException(e *env, args []string) error {
	if len(args) != 1 {
		return usagef("give one exception number: posdesk incident from-exception ID (posdesk reconcile lists them)")
	}
	id, ok := parseID(args[0])
	if !ok {
		return usagef("%q is not an exception number; numbers are whole numbers such as 7", args[0])
	}
	inc, err := e.DB.CreateIncidentFromException(e.Ctx, id, exceptionIncident(e.Ctx, shopLocation(e.Ctx, e.DB, e.Loc), e.Now))
	if err != nil {
		return err
	}
	if e.JSON {
		return incPrintJSON(e, incToJSON(e, inc, nil))
	}
	fmt.Fprintln(e.Stdout, inc.ID)
	return nil
}

// exceptionIncident returns what the command line and the GUI give storage to turn an
// exception into an incident: the rules of reconcile.IncidentFromException, with the exception
// and its statement lines attached as a text file through the attachment intake. loc is the
// shop's time zone.
func exceptionIncident(ctx context.Context, loc *time.Location, now func() time.Time) posdesk.ExceptionIncidentFunc {
	return func(x *posdesk.Exception, r *posdesk.ExceptionRecords) (*posdesk.Incident, *posdesk.Attachment, error) {
		p, err := reconcile.IncidentFromException(x, r, loc)
		if err != nil {
			return nil, nil, err
		}
		a, err := attach.Intake(p.FileName, strings.NewReader(p.Text), attach.Options{Kind: posdesk.AttachmentStatement,
			Caption: p.Caption, By: posdesk.ActorName(ctx), Now: now})
		if err != nil {
			return nil, nil, err
		}
		return p.Incident, a, nil
	}
}

// shopLocation returns the shop's time zone (setting shop.timezone), or fallback when none is
// set or it is not a zone this PC knows.
func shopLocation(ctx context.Context, db *sqlite.DB, fallback *time.Location) *time.Location {
	if name, err := db.Setting(ctx, sqlite.ShopTimezoneSetting, ""); err == nil && name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return fallback
}

// receiveRefundCredits records a receipt on every open follow-up the acquirer owes the shop
// whose money shows up as a credit in an imported bank statement (reconcile.RefundCredits). The
// receipt's note names the bank line, so the same line never pays twice. A receipt that pays the
// rest moves the follow-up to "received".
func receiveRefundCredits(e *env) ([]reconcile.RefundCredit, error) {
	refunds, _, err := e.DB.FindRefunds(e.Ctx, posdesk.RefundFilter{Open: true, Owing: true, Directions: []posdesk.RefundDirection{posdesk.DirAcquirerToShop}})
	if err != nil || len(refunds) == 0 {
		return nil, err
	}
	lines, _, err := e.DB.FindBankLines(e.Ctx, posdesk.BankLineFilter{})
	if err != nil {
		return nil, err
	}
	receipts, _, err := e.DB.FindRefundReceipts(e.Ctx, posdesk.RefundReceiptFilter{Directions: []posdesk.RefundDirection{posdesk.DirAcquirerToShop}})
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, rc := range receipts {
		if strings.HasPrefix(rc.Note, "bank-line:") {
			key, _, _ := strings.Cut(rc.Note, " ")
			used[key] = true
		}
	}
	credits := reconcile.RefundCredits(refunds, lines, used)
	for _, c := range credits {
		note := c.Key + " " + i18n.T("bank statement of %[1]s, line %[2]d: %[3]s", c.Line.Date.String(), c.Line.Line, c.Line.Description)
		if _, err := e.DB.CreateRefundReceipt(e.Ctx, c.Refund.ID, &posdesk.RefundReceipt{On: c.Line.Date, Amount: c.Line.Credit, Note: note}); err != nil {
			return nil, err
		}
	}
	return credits, nil
}
