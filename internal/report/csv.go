// Package report renders what the owner takes away: the monthly report as a PDF (through
// internal/pdf) and CSV exports of incidents and refund follow-ups that open safely in Excel and
// WPS.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// BOM is the UTF-8 byte order mark written first in every export: without it Excel opens a
// UTF-8 file as the system code page (GBK on Chinese Windows) and the Chinese turns to mojibake.
const BOM = "\uFEFF"

// SafeText returns a text cell that a spreadsheet will not run as a formula: a cell starting with
// = + - @ tab or carriage return gets a leading apostrophe (OWASP's advice on CSV injection), which
// Excel and WPS hide and LibreOffice shows. Card numbers in it are masked.
func SafeText(s string) string {
	s = posdesk.MaskText(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// cell is one CSV cell: text is made safe, a number is written as it is.
type cell struct {
	s      string
	number bool
}

func text(s string) cell { return cell{s: s} }

// amount writes m as a plain number ("1288.00", "-0.50"), with no currency sign or separator, so
// the spreadsheet can add it up.
func amount(m posdesk.Money) cell { return cell{s: m.Plain(), number: true} }

func integer(n int64) cell { return cell{s: strconv.FormatInt(n, 10), number: true} }

// writeCSV writes the BOM, the header and the rows, CRLF-terminated as Excel expects.
func writeCSV(w io.Writer, header []string, rows [][]cell) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(header))
	for i, h := range header {
		rec[i] = SafeText(h)
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range rows {
		rec = rec[:0]
		for _, c := range row {
			if c.number {
				rec = append(rec, c.s)
			} else {
				rec = append(rec, SafeText(c.s))
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// CSVOptions says how exports are written.
type CSVOptions struct {
	Lang i18n.Lang      // language of headers and labels; "" means the current language
	Loc  *time.Location // time zone of times; nil means the local zone
}

func (o CSVOptions) lang() i18n.Lang {
	if o.Lang == "" {
		return i18n.Current()
	}
	return o.Lang
}

func (o CSVOptions) loc() *time.Location {
	if o.Loc == nil {
		return time.Local
	}
	return o.Loc
}

// WriteIncidentsCSV writes incidents (with their linked records) as CSV. The customer's name and
// phone are left out: exports travel, personal data should not.
func WriteIncidentsCSV(w io.Writer, incs []*posdesk.Incident, o CSVOptions) error {
	l := o.lang()
	header := []string{
		i18n.In(l, "Number"), i18n.In(l, "Happened"), i18n.In(l, "Kind"), i18n.In(l, "Cause"), i18n.In(l, "Status of the incident"),
		i18n.In(l, "Outcome"), i18n.In(l, "Amount"), i18n.In(l, "Currency"), i18n.In(l, "Terminal ID"), i18n.In(l, "Trace number"),
		i18n.In(l, "Reference number (RRN)"), i18n.In(l, "Card"), i18n.In(l, "Case number"), i18n.In(l, "Deadline"),
		i18n.In(l, "What happened"), i18n.In(l, "Logged by"),
	}
	rows := make([][]cell, 0, len(incs))
	for _, inc := range incs {
		var terms, traces, rrns, cards []string
		for _, t := range inc.Transactions {
			terms, traces = appendNew(terms, t.Terminal), appendNew(traces, t.Trace)
			rrns, cards = appendNew(rrns, t.RRN), appendNew(cards, t.Card)
		}
		happened := ""
		if !inc.Time.IsZero() {
			happened = inc.Time.In(o.loc()).Format("2006-01-02 15:04")
		}
		outcome := ""
		if inc.Outcome != "" {
			outcome = i18n.In(l, inc.Outcome.Title())
		}
		rows = append(rows, []cell{
			text(inc.Number), text(happened), text(i18n.In(l, inc.Kind.Title())), text(i18n.In(l, inc.Cause.Title())),
			text(i18n.In(l, inc.Status.Title())), text(outcome), amount(inc.Amount), text(inc.Amount.Currency),
			text(strings.Join(terms, " ")), text(strings.Join(traces, " ")), text(strings.Join(rrns, " ")), text(strings.Join(cards, " ")),
			text(inc.CaseNumber), text(inc.Deadline.String()), text(inc.Story), text(inc.CreatedBy),
		})
	}
	return writeCSV(w, header, rows)
}

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// WriteRefundsCSV writes refund follow-ups as CSV; numbers maps incident IDs to their numbers.
// Amounts are plain numbers in the refund's currency. The customer field is left out.
func WriteRefundsCSV(w io.Writer, refunds []*posdesk.Refund, numbers map[int64]string, o CSVOptions) error {
	l := o.lang()
	header := []string{
		i18n.In(l, "Refund ID"), i18n.In(l, "Incident"), i18n.In(l, "Direction"), i18n.In(l, "Method"), i18n.In(l, "Status of the refund"),
		i18n.In(l, "Currency"), i18n.In(l, "Expected"), i18n.In(l, "Fees"), i18n.In(l, "Reason for the fees"), i18n.In(l, "Received"),
		i18n.In(l, "Outstanding"), i18n.In(l, "Written off"), i18n.In(l, "Counterparty"), i18n.In(l, "Case number"),
		i18n.In(l, "Opened"), i18n.In(l, "Requested by"), i18n.In(l, "Approved by"), i18n.In(l, "Deadline"),
		i18n.In(l, "Expected arrival"), i18n.In(l, "Next action"), i18n.In(l, "Next action date"), i18n.In(l, "Reason for the refund"),
		i18n.In(l, "Reason for the status"), i18n.In(l, "Status date"),
	}
	rows := make([][]cell, 0, len(refunds))
	for _, r := range refunds {
		inc := ""
		if r.IncidentID != 0 {
			inc = numbers[r.IncidentID]
			if inc == "" {
				inc = strconv.FormatInt(r.IncidentID, 10)
			}
		}
		rows = append(rows, []cell{
			integer(r.ID), text(inc), text(i18n.In(l, r.Direction.Title())), text(i18n.In(l, r.Method.Title())),
			text(i18n.In(l, r.Status.Title())), text(r.Expected.Currency), amount(r.Expected), amount(r.Fees), text(r.FeesReason),
			amount(r.Received), amount(r.Outstanding()), amount(r.WrittenOff), text(r.Counterparty), text(r.CaseRef),
			text(r.OpenedOn.String()), text(r.RequestedBy), text(r.ApprovedBy), text(r.Due.String()), text(r.ExpectedBy.String()),
			text(r.NextAction), text(r.NextActionOn.String()), text(r.Reason), text(r.StatusReason), text(r.StatusOn.String()),
		})
	}
	return writeCSV(w, header, rows)
}
