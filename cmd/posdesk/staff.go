package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The staff commands. Accounts are managed by owners; anybody may change their own PIN.

func init() {
	var initName string
	register(&command{
		Name:    "staff init",
		Usage:   "--name NAME",
		Summary: "Create the shop's first owner (PIN from POSDESK_PIN or asked); from then on commands need --user and a PIN.",
		Flags:   func(fs *flag.FlagSet) { fs.StringVar(&initName, "name", "", "the owner's name, as they will sign in") },
		Run: func(e *env, args []string) error {
			if len(args) > 0 {
				return usagef("staff init takes no arguments; give the name with --name NAME.")
			}
			if strings.TrimSpace(initName) == "" {
				return usagef("Give the owner's name with --name NAME.")
			}
			pin, err := newPIN(e, "POSDESK_PIN", initName)
			if err != nil {
				return err
			}
			u, err := e.DB.CreateFirstOwner(e.Ctx, initName, pin)
			if err != nil {
				return err
			}
			if e.JSON {
				return staffWriteJSON(e.Stdout, staffJSON(u, e.Loc))
			}
			fmt.Fprintln(e.Stdout, i18n.T("Owner %[1]s created. From now on every command needs --user %[1]s (or POSDESK_USER) and the PIN.", u.Name))
			return nil
		},
	})

	var addRole string
	register(&command{
		Name:    "staff add",
		Usage:   "NAME --role cashier|manager|owner",
		Summary: "Add a member of staff (owners only); the new PIN comes from POSDESK_NEW_PIN or is asked twice.",
		Flags:   func(fs *flag.FlagSet) { fs.StringVar(&addRole, "role", "cashier", "cashier, manager or owner") },
		Run: func(e *env, args []string) error {
			if len(args) != 1 {
				return usagef("Give one name: posdesk staff add NAME --role cashier|manager|owner.")
			}
			// Refuse before asking for a PIN the user may not set anyway.
			if err := e.DB.Authorize(e.Ctx, posdesk.ActManageStaff); err != nil {
				return err
			}
			pin, err := newPIN(e, "POSDESK_NEW_PIN", args[0])
			if err != nil {
				return err
			}
			u, err := e.DB.CreateUser(e.Ctx, args[0], posdesk.Role(strings.ToLower(strings.TrimSpace(addRole))), pin)
			if err != nil {
				return err
			}
			if e.JSON {
				return staffWriteJSON(e.Stdout, staffJSON(u, e.Loc))
			}
			fmt.Fprintln(e.Stdout, i18n.T("Added %[1]s as %[2]s.", u.Name, i18n.T(u.Role.Title())))
			return nil
		},
	})

	var listAll bool
	register(&command{
		Name:    "staff list",
		Summary: "List the staff accounts (--all includes disabled ones).",
		Flags:   func(fs *flag.FlagSet) { fs.BoolVar(&listAll, "all", false, "include disabled accounts") },
		Run: func(e *env, args []string) error {
			users, err := e.DB.FindUsers(e.Ctx, posdesk.StaffFilter{IncludeDisabled: listAll})
			if err != nil {
				return err
			}
			if e.JSON {
				out := make([]map[string]any, 0, len(users))
				for _, u := range users {
					out = append(out, staffJSON(u, e.Loc))
				}
				return staffWriteJSON(e.Stdout, out)
			}
			if len(users) == 0 {
				fmt.Fprintln(e.Stdout, i18n.T("No staff accounts yet: commands act as the owner. Create the owner with posdesk staff init --name NAME."))
				return nil
			}
			tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, i18n.T("NAME\tROLE\tSTATE\tSINCE"))
			now := e.Now()
			for _, u := range users {
				state := i18n.T("active")
				if u.Disabled {
					state = i18n.T("disabled")
				} else if u.LockedUntil.After(now) {
					state = i18n.T("locked until %s", u.LockedUntil.In(e.Loc).Format("15:04:05"))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, i18n.T(u.Role.Title()), state, u.CreatedAt.In(e.Loc).Format("2006-01-02"))
			}
			return tw.Flush()
		},
	})

	for _, c := range []struct {
		name, summary string
		disabled      bool
	}{
		{"staff disable", "Disable a member of staff's account (owners only); their records stay.", true},
		{"staff enable", "Enable a disabled account again (owners only).", false},
	} {
		register(&command{
			Name:    c.name,
			Usage:   "NAME",
			Summary: c.summary,
			Run: func(e *env, args []string) error {
				if len(args) != 1 {
					return usagef("Give one name.")
				}
				u, err := e.DB.FindUserByName(e.Ctx, args[0])
				if err != nil {
					return err
				}
				disabled := c.disabled
				if u, err = e.DB.UpdateUser(e.Ctx, u.ID, posdesk.StaffUpdate{Disabled: &disabled}); err != nil {
					return err
				}
				if u.Disabled {
					fmt.Fprintln(e.Stdout, i18n.T("%s can no longer sign in.", u.Name))
				} else {
					fmt.Fprintln(e.Stdout, i18n.T("%s can sign in again.", u.Name))
				}
				return nil
			},
		})
	}

	register(&command{
		Name:    "staff role",
		Usage:   "NAME cashier|manager|owner",
		Summary: "Change a member of staff's role (owners only).",
		Run: func(e *env, args []string) error {
			if len(args) != 2 {
				return usagef("Give a name and a role: posdesk staff role NAME cashier|manager|owner.")
			}
			u, err := e.DB.FindUserByName(e.Ctx, args[0])
			if err != nil {
				return err
			}
			role := posdesk.Role(strings.ToLower(strings.TrimSpace(args[1])))
			if u, err = e.DB.UpdateUser(e.Ctx, u.ID, posdesk.StaffUpdate{Role: &role}); err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, i18n.T("%[1]s is now %[2]s.", u.Name, i18n.T(u.Role.Title())))
			return nil
		},
	})

	register(&command{
		Name:    "staff pin",
		Usage:   "[NAME]",
		Summary: "Set a new PIN (your own, or anyone's for owners); from POSDESK_NEW_PIN or asked twice.",
		Run: func(e *env, args []string) error {
			if len(args) > 1 {
				return usagef("Give at most one name.")
			}
			me := posdesk.UserFromContext(e.Ctx)
			target := me
			if len(args) == 1 {
				u, err := e.DB.FindUserByName(e.Ctx, args[0])
				if err != nil {
					return err
				}
				target = u
			}
			if target == nil || target.ID == 0 {
				return posdesk.Errorf(posdesk.EINVALID, "There are no staff accounts yet; create the owner with posdesk staff init --name NAME.")
			}
			pin, err := newPIN(e, "POSDESK_NEW_PIN", target.Name)
			if err != nil {
				return err
			}
			if err := e.DB.SetPIN(e.Ctx, target.ID, pin); err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, i18n.T("The PIN of %s was changed.", target.Name))
			return nil
		},
	})
}

// staffJSON is the JSON shape of an account (never its PIN hash).
func staffJSON(u *posdesk.User, loc *time.Location) map[string]any {
	m := map[string]any{"id": u.ID, "name": u.Name, "role": u.Role, "disabled": u.Disabled, "created_at": u.CreatedAt.In(loc).Format(time.RFC3339)}
	if !u.LockedUntil.IsZero() {
		m["locked_until"] = u.LockedUntil.In(loc).Format(time.RFC3339)
	}
	return m
}

// staffWriteJSON prints v as indented JSON.
func staffWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
