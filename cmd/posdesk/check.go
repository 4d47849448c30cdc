package main

import (
	"fmt"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func init() {
	register(&command{
		Name:    "check",
		Summary: "Check the database: SQLite integrity and links between records. Exit 1 on any problem.",
		Run:     runCheck,
	})
}

// dbCheck is one check posdesk check runs. It returns the problems it found, one line each; an
// error means the check itself could not run.
type dbCheck struct {
	Name string // English label; a translation key
	Run  func(e *env) ([]string, error)
}

// dbChecks are the checks posdesk check runs, in order. Other parts of posdesk add theirs (the
// audit chain, attachments) from an init function in their own file:
//
//	func init() { dbChecks = append(dbChecks, dbCheck{Name: "Audit chain", Run: checkAuditChain}) }
var dbChecks = []dbCheck{
	{Name: "Database integrity", Run: func(e *env) ([]string, error) { return e.DB.Check(e.Ctx) }},
}

// checkResult is what posdesk check --json prints.
type checkResult struct {
	OK     bool                `json:"ok"`
	Checks map[string][]string `json:"checks"`
}

func runCheck(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("Unexpected argument %q; posdesk check takes only flags.", args[0])
	}
	res := checkResult{OK: true, Checks: map[string][]string{}}
	total := 0
	for _, c := range dbChecks {
		problems, err := c.Run(e)
		if err != nil {
			return err
		}
		res.Checks[c.Name] = append([]string{}, problems...)
		total += len(problems)
		if e.JSON {
			continue
		}
		if len(problems) == 0 {
			fmt.Fprintln(e.Stdout, i18n.T("%s: ok", i18n.T(c.Name)))
		}
		for _, p := range problems {
			fmt.Fprintln(e.Stdout, i18n.T("%s: %s", i18n.T(c.Name), p))
		}
	}
	res.OK = total == 0
	if e.JSON {
		if err := writeJSON(e.Stdout, res); err != nil {
			return err
		}
	} else if res.OK {
		fmt.Fprintln(e.Stdout, "ok")
	}
	if !res.OK {
		return posdesk.Errorf(posdesk.EINTERNAL, "posdesk check found %d problems. Restore a backup, or ask for help with the lines above.", total)
	}
	return nil
}
