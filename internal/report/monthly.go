package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// MonthlyOptions configures the monthly report PDF.
type MonthlyOptions struct {
	Shop string           // shop name for the subtitle ("" leaves it out)
	Lang i18n.Lang        // "" means the current language
	Now  func() time.Time // build time in the footer; nil means the wall clock
}

// MonthlyPDF renders the monthly report: an overview, incidents by kind, cause (with a bar chart)
// and terminal, the money recovered, refunded and written off, the ageing of what is outstanding
// and the list of open follow-ups.
func MonthlyPDF(rep *posdesk.MonthlyReport, o MonthlyOptions) ([]byte, error) {
	l := o.Lang
	if l == "" {
		l = i18n.Current()
	}
	month := fmt.Sprintf("%04d-%02d", rep.Month.Year, int(rep.Month.Month))
	subtitle := i18n.In(l, "Figures as on %s", rep.AsOf.String())
	if o.Shop != "" {
		subtitle = o.Shop + " · " + subtitle
	}
	r := pdf.NewReport(pdf.ReportOptions{Title: i18n.In(l, "Monthly report %s", month), Subtitle: subtitle, Lang: l, Now: o.Now})
	money := func(f posdesk.Figure) string {
		if s := f.AmountText(); s != "" {
			return s
		}
		return posdesk.NewMoney(0, posdesk.DefaultCurrency).Display()
	}

	r.Heading(i18n.In(l, "Overview"))
	r.Paragraph(i18n.In(l, "%[1]d incidents in the month, for %[2]s in question.", rep.Incidents.Count, money(rep.Incidents)))
	r.Paragraph(i18n.In(l, "Recovered from banks and acquirers: %[1]s. Refunded to customers by the shop: %[2]s. Written off: %[3]s.",
		money(rep.Recovered), money(rep.RefundedToCustomers), money(rep.WrittenOff)))
	r.Paragraph(i18n.In(l, "Still outstanding on %[1]s: %[2]s on %[3]d follow-ups.", rep.AsOf.String(), money(rep.Outstanding), rep.Outstanding.Count))

	breakdown := func(heading string, figs []posdesk.Figure, translate bool, chart bool) {
		r.Heading(heading)
		if len(figs) == 0 {
			r.Paragraph(i18n.In(l, "None this month."))
			return
		}
		rows := make([][]string, 0, len(figs))
		bars := make([]pdf.Bar, 0, len(figs))
		for _, f := range figs {
			label := f.Label
			if translate {
				label = i18n.In(l, f.Label)
			}
			rows = append(rows, []string{label, strconv.Itoa(f.Count), money(f)})
			bars = append(bars, pdf.Bar{Label: label, Value: decimal.NewFromInt(int64(f.Count)), Text: strconv.Itoa(f.Count)})
		}
		if chart {
			r.Bars("", bars)
		}
		r.Table([]string{"", i18n.In(l, "Count"), i18n.In(l, "Amount")}, rows)
	}
	breakdown(i18n.In(l, "Incidents by kind"), rep.ByKind, true, false)
	breakdown(i18n.In(l, "Incidents by cause"), rep.ByCause, true, true)
	breakdown(i18n.In(l, "Incidents by terminal"), rep.ByTerminal, true, false)

	r.Heading(i18n.In(l, "Money"))
	r.Table([]string{"", i18n.In(l, "Count"), i18n.In(l, "Amount")}, [][]string{
		{i18n.In(l, "Recovered from banks and acquirers"), strconv.Itoa(rep.Recovered.Count), money(rep.Recovered)},
		{i18n.In(l, "Refunded to customers by the shop"), strconv.Itoa(rep.RefundedToCustomers.Count), money(rep.RefundedToCustomers)},
		{i18n.In(l, "Written off"), strconv.Itoa(rep.WrittenOff.Count), money(rep.WrittenOff)},
		{i18n.In(l, "Outstanding"), strconv.Itoa(rep.Outstanding.Count), money(rep.Outstanding)},
	})
	r.Note(i18n.In(l, "Recovered is the money that arrived in the month on amounts owed by a bank or acquirer; its count is of payments, not of follow-ups."))

	r.Heading(i18n.In(l, "Ageing of outstanding amounts"))
	bars := make([]pdf.Bar, 0, len(rep.Ageing))
	rows := make([][]string, 0, len(rep.Ageing))
	for _, f := range rep.Ageing {
		v := decimal.Zero
		for _, m := range f.Amounts {
			v = v.Add(m.Amount)
		}
		bars = append(bars, pdf.Bar{Label: i18n.In(l, f.Label), Value: v, Text: money(f)})
		rows = append(rows, []string{i18n.In(l, f.Label), strconv.Itoa(f.Count), money(f)})
	}
	r.Bars("", bars)
	r.Table([]string{i18n.In(l, "Age"), i18n.In(l, "Count"), i18n.In(l, "Amount")}, rows)

	r.Heading(i18n.In(l, "Open follow-ups"))
	if len(rep.OpenRefunds) == 0 {
		r.Paragraph(i18n.In(l, "Nothing is outstanding."))
	} else {
		rows = rows[:0]
		for _, f := range rep.OpenRefunds {
			inc := rep.IncidentNumbers[f.IncidentID]
			if f.IncidentID == 0 {
				inc = i18n.In(l, "Customer refund")
			}
			rows = append(rows, []string{
				strconv.FormatInt(f.ID, 10), inc, i18n.In(l, f.Direction.Title()), f.OpenedOn.String(),
				strconv.Itoa(f.OpenedOn.DaysUntil(rep.AsOf)), f.Due.String(), f.Outstanding().Display(),
			})
		}
		r.Table([]string{i18n.In(l, "Refund ID"), i18n.In(l, "Incident"), i18n.In(l, "Direction"), i18n.In(l, "Opened"), i18n.In(l, "Days"), i18n.In(l, "Deadline"), i18n.In(l, "Outstanding")}, rows)
	}
	r.Note(i18n.In(l, "Outstanding amounts and their ages are as on %s, rebuilt from the receipts and status changes recorded up to that day; ages count calendar days since the follow-up was opened.", rep.AsOf.String()))
	return r.Bytes()
}
