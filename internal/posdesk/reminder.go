package posdesk

import "sort"

// ReminderDays are the days before a deadline on which posdesk reminds: a week, three days, the
// day before and the day itself.
var ReminderDays = []int{7, 3, 1, 0}

// ThisWeekDays is the length of "this week" in the Today list and the dashboard: today and the
// six days after.
const ThisWeekDays = 7

// Reminder is something to tell the user about today.
type Reminder struct {
	Refund   *Refund
	What     string // "deadline" (7, 3, 1 days before and on the day), "next_action" or "arrival" (on the day)
	Date     Date
	DaysLeft int
}

// RefundReminders returns today's reminders for the open follow-ups among refunds: each deadline
// 7, 3 and 1 days before and on the day, each next action and each expected arrival (while money
// is outstanding) on its day. They are ordered by days left, then refund ID.
func RefundReminders(refunds []*Refund, today Date) []Reminder {
	var out []Reminder
	for _, r := range refunds {
		if !r.Open() {
			continue
		}
		if !r.Due.IsZero() {
			left := today.DaysUntil(r.Due)
			for _, n := range ReminderDays {
				if left == n {
					out = append(out, Reminder{Refund: r, What: "deadline", Date: r.Due, DaysLeft: left})
				}
			}
		}
		if !r.NextActionOn.IsZero() && r.NextActionOn == today {
			out = append(out, Reminder{Refund: r, What: "next_action", Date: r.NextActionOn})
		}
		if !r.ExpectedBy.IsZero() && r.ExpectedBy == today && r.Outstanding().Amount.IsPositive() {
			out = append(out, Reminder{Refund: r, What: "arrival", Date: r.ExpectedBy})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DaysLeft != out[j].DaysLeft {
			return out[i].DaysLeft < out[j].DaysLeft
		}
		return out[i].Refund.ID < out[j].Refund.ID
	})
	return out
}

// TodayList is what needs attention on a day, by each open follow-up's next date (see
// Refund.NextDate): overdue, due today, due later this week (the next six days).
type TodayList struct {
	Today    Date
	Overdue  []*Refund
	DueToday []*Refund
	ThisWeek []*Refund
}

// Len returns the number of follow-ups in the list.
func (l TodayList) Len() int { return len(l.Overdue) + len(l.DueToday) + len(l.ThisWeek) }

// BuildTodayList sorts the open follow-ups among refunds into the Today list of day today; each
// part is ordered by next date, then ID. Follow-ups with nothing due this week are left out.
func BuildTodayList(refunds []*Refund, today Date) TodayList {
	l := TodayList{Today: today}
	weekEnd := today.AddDays(ThisWeekDays - 1)
	for _, r := range refunds {
		d, _ := r.NextDate()
		switch {
		case d.IsZero():
		case d.Before(today):
			l.Overdue = append(l.Overdue, r)
		case d == today:
			l.DueToday = append(l.DueToday, r)
		case !d.After(weekEnd):
			l.ThisWeek = append(l.ThisWeek, r)
		}
	}
	for _, part := range [][]*Refund{l.Overdue, l.DueToday, l.ThisWeek} {
		sort.SliceStable(part, func(i, j int) bool {
			di, _ := part[i].NextDate()
			dj, _ := part[j].NextDate()
			if di != dj {
				return di.Before(dj)
			}
			return part[i].ID < part[j].ID
		})
	}
	return l
}
