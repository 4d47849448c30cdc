package main

import (
	"flag"
	"fmt"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var incContactFlags struct{ party, channel, summary, person, ticket, next, due, at *string }

func init() {
	register(&command{
		Name:    "contact",
		Usage:   "ID --party P --channel C --summary TEXT [--person NAME] [--ticket N] [--next TEXT --due DATE] [--time T]",
		Summary: "Log a call, visit or message about an incident in its contact log.",
		Flags: func(fs *flag.FlagSet) {
			f := &incContactFlags
			f.party = fs.String("party", "", "who: issuing_bank, acquirer, qr_platform, customer")
			f.channel = fs.String("channel", "", "how: phone, counter, online, wechat, email")
			f.summary = fs.String("summary", "", "what was said")
			f.person = fs.String("person", "", "who you talked to")
			f.ticket = fs.String("ticket", "", "their ticket / case number (工单号)")
			f.next = fs.String("next", "", "the next step")
			f.due = fs.String("due", "", "when the next step is due, e.g. 2026-09-25")
			f.at = fs.String("time", "", "when the contact happened (default: now)")
		},
		Run: incRunContact,
	})
}

func incRunContact(e *env, args []string) error {
	ref, err := incOneArg(args, "posdesk contact INC-2026-0007 --party acquirer --channel phone --summary \"...\"")
	if err != nil {
		return err
	}
	f := &incContactFlags
	if *f.party == "" || *f.channel == "" || *f.summary == "" {
		return usagef("give --party, --channel and --summary, e.g. --party acquirer --channel phone --summary \"they will check the batch\"")
	}
	inc, err := incFind(e, ref)
	if err != nil {
		return err
	}
	party, err := incParse(*f.party, posdesk.ContactParties, posdesk.ParseContactParty)
	if err != nil {
		return err
	}
	channel, err := incParse(*f.channel, posdesk.ContactChannels, posdesk.ParseContactChannel)
	if err != nil {
		return err
	}
	due, err := posdesk.ParseDate(*f.due)
	if err != nil {
		return err
	}
	at, err := incParseTime(e, "time", *f.at)
	if err != nil {
		return err
	}
	c := &posdesk.Contact{IncidentID: inc.ID, Time: at, Channel: channel, Party: party, Person: *f.person, Ticket: *f.ticket,
		Summary: *f.summary, NextStep: *f.next, Due: due}
	if err := e.DB.AddContact(e.Ctx, c); err != nil {
		return err
	}
	if e.JSON {
		return incPrintJSON(e, incContactJSON{ID: c.ID, Time: incTime(c.Time), Channel: string(c.Channel), Party: string(c.Party),
			Person: c.Person, Ticket: c.Ticket, Summary: c.Summary, NextStep: c.NextStep, Due: c.Due})
	}
	fmt.Fprintln(e.Stdout, i18n.T("Contact #%[1]d logged on %[2]s.", c.ID, inc.Number))
	return nil
}
