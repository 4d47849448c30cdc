package posdesk

import (
	"context"
	"strings"
	"time"
)

// IncidentSlice selects incidents for a dashboard figure or a report line: an IncidentFilter
// plus the windows it does not have (when the incident happened, when its deadline falls, which
// terminal it concerns).
type IncidentSlice struct {
	Filter                   IncidentFilter
	From, To                 time.Time // happened within [From, To); zero does not limit
	DeadlineFrom, DeadlineTo Date      // deadline within, inclusive; zero does not limit
	Terminal                 string    // the terminal of its first linked ledger record ("" any)
	NoTerminal               bool      // only incidents whose records carry no terminal ID
}

// FigureList is the list behind a figure: exactly one of its filters is set, and the list it
// selects holds exactly the rows the figure counts and sums.
type FigureList struct {
	Refunds   *RefundFilter
	Receipts  *RefundReceiptFilter
	Incidents *IncidentSlice
}

// Figure is one number on the dashboard or in a report: a count, the sums per currency, and the
// filter of the list behind it.
type Figure struct {
	Key     string  // stable identifier: "age_0_7", "status_open", "cause_network"
	Label   string  // English label; a translation key (causes, statuses and kinds use their Title)
	Count   int     // rows counted
	Amounts []Money // sums per currency, in currency order; empty when nothing is summed
	List    FigureList
}

// Amount returns the figure's sum in currency cur (zero when it has none).
func (f Figure) Amount(cur string) Money {
	for _, m := range f.Amounts {
		if m.Currency == cur {
			return m
		}
	}
	return NewMoney(0, cur)
}

// AmountText returns the sums for display: "¥ 1,288.00", several currencies joined with " + ",
// "" when nothing is summed.
func (f Figure) AmountText() string {
	parts := make([]string, 0, len(f.Amounts))
	for _, m := range f.Amounts {
		parts = append(parts, m.Display())
	}
	return strings.Join(parts, " + ")
}

// AgeBucket is a band of ages in days, inclusive; Max 0 means no upper limit.
type AgeBucket struct {
	Key      string
	Label    string // English; a translation key
	Min, Max int
}

// AgeBuckets are the bands of the "outstanding by age" figures, counted in calendar days since
// the follow-up was opened.
var AgeBuckets = []AgeBucket{
	{"age_0_7", "0-7 days", 0, 7},
	{"age_8_30", "8-30 days", 8, 30},
	{"age_31_90", "31-90 days", 31, 90},
	{"age_over_90", "Over 90 days", 91, 0},
}

// OpenedRange returns the OpenedOn dates whose age on day today falls in b.
func (b AgeBucket) OpenedRange(today Date) (from, to Date) {
	to = today.AddDays(-b.Min)
	if b.Max > 0 {
		from = today.AddDays(-b.Max)
	}
	return from, to
}

// MonthRange returns the first and last day of the month containing d.
func MonthRange(d Date) (first, last Date) {
	first = NewDate(d.Year, d.Month, 1)
	return first, NewDate(d.Year, d.Month+1, 0)
}

// Dashboard is the home screen's figures on one day. Every figure carries the filter of its list.
type Dashboard struct {
	Today Date

	Outstanding       []Figure // open follow-ups with money outstanding, by age (AgeBuckets)
	IncidentsByStatus []Figure // incidents still needing work, per status
	Deadlines         []Figure // this week (today and six days): refund deadlines, incident deadlines
	Recovered         Figure   // money owed by banks and acquirers that arrived this month (receipts)
	WrittenOff        Figure   // money owed by banks and acquirers written off this month
	IncidentsByCause  []Figure // incidents that happened this month, per cause (causes with none left out)
}

// MonthlyReport holds the figures of the monthly report: what went wrong in the month (by kind,
// cause and terminal), what was recovered and written off, and what is outstanding on AsOf.
type MonthlyReport struct {
	Month Date // its first day
	AsOf  Date // the month's last day, or today while the month runs

	Incidents           Figure           // incidents that happened in the month
	ByKind              []Figure         // per kind, most first
	ByCause             []Figure         // per cause, most first
	ByTerminal          []Figure         // per terminal of the first linked record, most first
	Recovered           Figure           // receipts in the month on money owed by banks and acquirers
	RefundedToCustomers Figure           // receipts in the month on refunds the shop paid
	WrittenOff          Figure           // follow-ups written off in the month (their lost amounts)
	Outstanding         Figure           // open follow-ups with money outstanding on AsOf
	Ageing              []Figure         // Outstanding by age on AsOf (AgeBuckets)
	OpenRefunds         []*Refund        // the follow-ups behind Outstanding, oldest first, as on AsOf
	IncidentNumbers     map[int64]string // incident ID -> number, for the incidents of OpenRefunds
}

// DashboardService computes the dashboard and the monthly report.
type DashboardService interface {
	// Dashboard returns the figures of day today.
	Dashboard(ctx context.Context, today Date) (*Dashboard, error)
	// FindIncidentSlice returns the incidents of s, newest first, and how many there are.
	FindIncidentSlice(ctx context.Context, s IncidentSlice) ([]*Incident, int, error)
	// MonthlyReport returns the figures of the month containing month, as known on day today.
	MonthlyReport(ctx context.Context, month, today Date) (*MonthlyReport, error)
}
