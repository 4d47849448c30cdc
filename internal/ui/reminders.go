package ui

import (
	"context"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// ReminderNotifier sends the desktop notification of the day's refund reminders (deadlines 7,
// 3 and 1 days ahead and on the day, next actions and expected arrivals due today) and of what is
// overdue: at start, then once a day while posdesk stays open.
type ReminderNotifier struct {
	Svc  posdesk.RefundService
	Ctx  context.Context
	Now  func() time.Time
	Loc  *time.Location
	Send func(*fyne.Notification) // fyne.App.SendNotification

	mu   sync.Mutex
	last posdesk.Date // the day the last notification was decided
}

// Check decides today's notification once a day: on the first call of a day it loads the open
// follow-ups and sends a notification if anything is due or overdue. It reports whether it sent.
func (n *ReminderNotifier) Check() (bool, error) {
	today := posdesk.DateOf(n.Now(), n.Loc)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.last == today {
		return false, nil
	}
	open, _, err := n.Svc.FindRefunds(n.Ctx, posdesk.RefundFilter{Open: true})
	if err != nil {
		return false, err
	}
	n.last = today
	note := ReminderNotification(posdesk.RefundReminders(open, today), posdesk.BuildTodayList(open, today))
	if note == nil {
		return false, nil
	}
	n.Send(note)
	return true, nil
}

// ReminderNotification returns the notification for a day's reminders and Today list, or nil
// when nothing is due and nothing is overdue.
func ReminderNotification(rs []posdesk.Reminder, l posdesk.TodayList) *fyne.Notification {
	if len(rs) == 0 && len(l.Overdue) == 0 {
		return nil
	}
	var lines []string
	if len(l.Overdue) > 0 {
		lines = append(lines, i18n.T("%d follow-ups are overdue.", len(l.Overdue)))
	}
	for i, rm := range rs {
		if i == 4 {
			lines = append(lines, i18n.T("…and %d more in Follow-ups.", len(rs)-i))
			break
		}
		lines = append(lines, ReminderText(rm))
	}
	return fyne.NewNotification(i18n.T("posdesk: %d refund reminders today", len(rs)), strings.Join(lines, "\n"))
}

// ReminderText writes one reminder for people.
func ReminderText(rm posdesk.Reminder) string {
	r := rm.Refund
	switch {
	case rm.What == "next_action":
		return i18n.T("Refund %[1]d: today: %[2]s", r.ID, r.NextAction)
	case rm.What == "arrival":
		return i18n.T("Refund %[1]d: %[2]s should arrive today; check the account.", r.ID, r.Outstanding().Display())
	case rm.DaysLeft == 0:
		return i18n.T("Refund %d: the deadline is today.", r.ID)
	case rm.DaysLeft == 1:
		return i18n.T("Refund %[1]d: the deadline is tomorrow, %[2]s.", r.ID, rm.Date.String())
	}
	return i18n.T("Refund %[1]d: the deadline is in %[2]d days, %[3]s.", r.ID, rm.DaysLeft, rm.Date.String())
}

// StartReminders checks the reminders now and then every interval (a new day triggers the next
// notification), sending them through the app. It returns a function that stops it. Without the
// follow-up service or a manager signed in it does nothing.
func (w *Window) StartReminders(interval time.Duration) (stop func()) {
	if w.Services.FollowUps == nil || !w.Can(posdesk.ActManageRefund) {
		return func() {}
	}
	send := func(note *fyne.Notification) { fyne.Do(func() { w.App.SendNotification(note) }) }
	n := &ReminderNotifier{Svc: w.Services.FollowUps, Ctx: w.Ctx(), Now: w.Now, Loc: w.Location, Send: send}
	done := make(chan struct{})
	check := func() {
		if _, err := n.Check(); err != nil {
			fyne.LogError("refund reminders", err)
		}
	}
	go func() {
		check()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				check()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
