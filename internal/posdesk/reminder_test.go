package posdesk_test

import (
	"reflect"
	"testing"

	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestRemindersOnTheRightDays(t *testing.T) {
	due := d(2026, 10, 12)
	r := newRefund(posdesk.DirAcquirerToShop, "100.00")
	r.Due = due
	for offset := -3; offset <= 10; offset++ {
		today := due.AddDays(-offset)
		got := posdesk.RefundReminders([]*posdesk.Refund{r}, today)
		want := offset == 7 || offset == 3 || offset == 1 || offset == 0
		if (len(got) == 1) != want || len(got) > 1 {
			t.Errorf("%d days before the deadline: %d reminders, want reminder %v", offset, len(got), want)
			continue
		}
		if want && (got[0].What != "deadline" || got[0].DaysLeft != offset || got[0].Date != due) {
			t.Errorf("%d days before: reminder %+v", offset, got[0])
		}
	}
	r.Status = posdesk.RefundClosed
	if got := posdesk.RefundReminders([]*posdesk.Refund{r}, due); len(got) != 0 {
		t.Errorf("closed follow-up reminded: %+v", got)
	}
}

func TestRemindersForNextActionAndArrival(t *testing.T) {
	today := d(2026, 3, 10)
	a := newRefund(posdesk.DirAcquirerToShop, "100.00")
	a.ID = 2
	a.NextAction, a.NextActionOn = "call", today
	b := newRefund(posdesk.DirAcquirerToShop, "100.00")
	b.ID = 3
	b.ExpectedBy = today
	c := newRefund(posdesk.DirAcquirerToShop, "100.00") // arrived already: no arrival reminder
	c.ID = 4
	c.ExpectedBy = today
	c.Received = posdesk.CNY("100")
	e := newRefund(posdesk.DirAcquirerToShop, "100.00")
	e.ID = 1
	e.Due = today.AddDays(3)
	got := posdesk.RefundReminders([]*posdesk.Refund{a, b, c, e}, today)
	var whats []string
	for _, rm := range got {
		whats = append(whats, rm.What)
	}
	if want := []string{"next_action", "arrival", "deadline"}; !reflect.DeepEqual(whats, want) {
		t.Errorf("reminders %v, want %v", whats, want)
	}
}

func TestBuildTodayList(t *testing.T) {
	today := d(2026, 3, 10)
	mk := func(id int64, due posdesk.Date, status posdesk.RefundStatus) *posdesk.Refund {
		r := newRefund(posdesk.DirAcquirerToShop, "10.00")
		r.ID, r.Due, r.Status = id, due, status
		return r
	}
	refunds := []*posdesk.Refund{
		mk(1, today.AddDays(-1), posdesk.RefundRequested),  // overdue
		mk(2, today, posdesk.RefundUnderReview),            // today
		mk(3, today.AddDays(6), posdesk.RefundPaid),        // last day of this week
		mk(4, today.AddDays(7), posdesk.RefundPaid),        // next week: left out
		mk(5, today.AddDays(-30), posdesk.RefundClosed),    // finished: left out
		mk(6, posdesk.Date{}, posdesk.RefundRequested),     // no date: left out
		mk(7, today.AddDays(-5), posdesk.RefundApproved),   // overdue, earlier
		mk(8, today.AddDays(1), posdesk.RefundRequested),   // this week
		mk(9, today.AddDays(-2), posdesk.RefundWrittenOff), // finished
	}
	l := posdesk.BuildTodayList(refunds, today)
	ids := func(rs []*posdesk.Refund) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	if got, want := ids(l.Overdue), []int64{7, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("overdue %v, want %v", got, want)
	}
	if got, want := ids(l.DueToday), []int64{2}; !reflect.DeepEqual(got, want) {
		t.Errorf("due today %v, want %v", got, want)
	}
	if got, want := ids(l.ThisWeek), []int64{8, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("this week %v, want %v", got, want)
	}
	if got, want := l.Len(), 5; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
}
