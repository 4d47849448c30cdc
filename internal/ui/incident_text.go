package ui

import (
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// This file holds the wording of incidents shared by the screens and the command line: timeline
// lines and deadline phrases. It uses no Fyne types.

// incidentFieldTitles are the English labels of the field names an edit event lists.
var incidentFieldTitles = map[string]string{
	"kind":            "Kind of problem",
	"cause":           "Cause",
	"time":            "Time",
	"amount":          "Amount",
	"story":           "What happened",
	"case_number":     "Bank case number",
	"deadline":        "Deadline",
	"deadline_source": "Deadline source",
	"customer_name":   "Customer name",
	"customer_phone":  "Customer phone",
}

// IncidentEventText returns one line describing a timeline event in the current language.
func IncidentEventText(e *posdesk.IncidentEvent) string {
	switch e.Type {
	case posdesk.EventCreated:
		return i18n.T("Incident logged")
	case posdesk.EventStatus:
		var s string
		if e.Outcome != "" {
			s = i18n.T("Status %[1]s → %[2]s: %[3]s", i18n.T(e.From.Title()), i18n.T(e.To.Title()), i18n.T(e.Outcome.Title()))
		} else {
			s = i18n.T("Status %[1]s → %[2]s", i18n.T(e.From.Title()), i18n.T(e.To.Title()))
		}
		if e.Detail != "" {
			s += i18n.T(" (note: %s)", e.Detail)
		}
		return s
	case posdesk.EventReopen:
		return i18n.T("Reopened (was %[1]s). Reason: %[2]s", i18n.T(e.From.Title()), e.Detail)
	case posdesk.EventEdit:
		var names []string
		for _, f := range strings.Split(e.Detail, ", ") {
			if t, ok := incidentFieldTitles[f]; ok {
				names = append(names, i18n.T(t))
			} else if f != "" {
				names = append(names, f)
			}
		}
		return i18n.T("Edited: %s", strings.Join(names, i18n.T(", ")))
	case posdesk.EventLink:
		return i18n.T("Linked ledger transaction %d", e.RefID)
	case posdesk.EventUnlink:
		return i18n.T("Unlinked ledger transaction %d", e.RefID)
	case posdesk.EventAttachment:
		return i18n.T("Attached %s", e.Detail)
	case posdesk.EventContact:
		party, channel, _ := strings.Cut(e.Detail, " ")
		return i18n.T("Contact logged: %[1]s, %[2]s", i18n.T(posdesk.ContactParty(party).Title()), i18n.T(posdesk.ContactChannel(channel).Title()))
	case posdesk.EventErased:
		return i18n.T("The customer's personal data was erased")
	case posdesk.EventPacket:
		sha := e.Detail
		if len(sha) > 12 {
			sha = sha[:12]
		}
		return i18n.T("Evidence packet built (SHA-256 %s…)", sha)
	}
	return string(e.Type)
}

// DeadlineText returns how a deadline reads today: "due today", "due in 3 days",
// "overdue by 2 days", or "" without a deadline; overdue reports whether the incident is
// overdue (active with the deadline passed). A finished incident's deadline is only a date.
func DeadlineText(inc *posdesk.Incident, today posdesk.Date) (text string, overdue bool) {
	days, ok := inc.DaysLeft(today)
	if !ok {
		return "", false
	}
	if !inc.Active() {
		return inc.Deadline.String(), false
	}
	switch {
	case days < -1:
		return i18n.T("overdue by %d days", -days), true
	case days == -1:
		return i18n.T("overdue by 1 day"), true
	case days == 0:
		return i18n.T("due today"), false
	case days == 1:
		return i18n.T("due tomorrow"), false
	}
	return i18n.T("due in %d days", days), false
}

// DeadlineSourceText returns where a deadline came from, in the current language: the bank's
// letter or a preset's name.
func DeadlineSourceText(source string) string {
	if source == posdesk.DeadlineFromLetter {
		return i18n.T("from the bank's letter")
	}
	if p, ok := posdesk.FindDeadlinePreset(source); ok {
		return i18n.T("suggested: %s", i18n.T(p.Title))
	}
	return source
}

// KindLabel returns a kind's translated title, followed by the Chinese merchants' name when the
// language is not Chinese ("Charged but failed (交易失败但已扣款)").
func KindLabel(k posdesk.IncidentKind) string {
	t := i18n.T(k.Title())
	if n := k.MerchantName(); n != "" && i18n.Current() != i18n.Chinese {
		return t + " (" + n + ")"
	}
	return t
}

// FormatLocalTime returns t in loc as "2006-01-02 15:04", or "" for the zero time.
func FormatLocalTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
