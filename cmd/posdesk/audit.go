package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The audit trail commands: listing it, printing its head, and posdesk check.

func init() {
	var f posdesk.AuditFilter
	register(&command{
		Name:    "audit",
		Usage:   "[--limit N] [--actor NAME] [--action ACTION] [--entity KIND [--id N]]",
		Summary: "List the audit trail, newest first.",
		Flags: func(fs *flag.FlagSet) {
			f = posdesk.AuditFilter{}
			fs.IntVar(&f.Limit, "limit", 50, "show at most N entries")
			fs.Int64Var(&f.BeforeSeq, "before", 0, "only entries numbered below N (paging)")
			fs.StringVar(&f.Actor, "actor", "", "only entries by this person")
			fs.StringVar(&f.Action, "action", "", "only this action (transaction.create, denied, signin.failed, backup...)")
			fs.StringVar(&f.Entity, "entity", "", "only entries about this kind of record (transaction, incident, staff...)")
			fs.Int64Var(&f.EntityID, "id", 0, "only entries about the record with this number")
		},
		Run: func(e *env, args []string) error {
			if len(args) > 0 {
				return usagef("audit takes no arguments.")
			}
			if f.Limit <= 0 {
				return usagef("--limit must be at least 1.")
			}
			entries, err := e.DB.FindAuditEntries(e.Ctx, f)
			if err != nil {
				return err
			}
			if e.JSON {
				out := make([]map[string]any, 0, len(entries))
				for _, a := range entries {
					out = append(out, auditJSON(a))
				}
				return staffWriteJSON(e.Stdout, out)
			}
			tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, i18n.T("NO.\tTIME\tWHO\tACTION\tRECORD\tCHANGE"))
			for _, a := range entries {
				rec := a.Entity
				if a.EntityID != 0 {
					rec = fmt.Sprintf("%s #%d", a.Entity, a.EntityID)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", a.Seq, a.Time.In(e.Loc).Format("2006-01-02 15:04:05"), a.Actor, a.Action, rec, auditChange(a))
			}
			return tw.Flush()
		},
	})

	register(&command{
		Name:    "audit head",
		Summary: "Print the newest audit entry's number and hash, the anchor printed on packets.",
		Run: func(e *env, args []string) error {
			h, err := e.DB.AuditHead(e.Ctx)
			if err != nil {
				return err
			}
			if e.JSON {
				return staffWriteJSON(e.Stdout, map[string]any{"seq": h.Seq, "hash": h.Hash, "short": h.Short(), "time": h.Time.Format(time.RFC3339)})
			}
			fmt.Fprintln(e.Stdout, h.Short())
			return nil
		},
	})

	var anchors []posdesk.AuditHead
	var backups string
	var noBackups bool
	register(&command{
		Name:    "check",
		Usage:   "[--anchor NO:HASH]... [--backups DIR | --no-backups]",
		Summary: "Check the database (integrity, foreign keys) and the audit chain; exit 1 naming the first problem.",
		Flags: func(fs *flag.FlagSet) {
			anchors, backups, noBackups = nil, "", false
			fs.Func("anchor", "an audit head printed on a packet or report (NO:HASH); may repeat", func(s string) error {
				a, err := posdesk.ParseAuditHead(s)
				if err != nil {
					return fmt.Errorf("%s", i18n.Message(err))
				}
				anchors = append(anchors, a)
				return nil
			})
			fs.StringVar(&backups, "backups", "", "check the trail against the backups in DIR (default: the automatic backup folder)")
			fs.BoolVar(&noBackups, "no-backups", false, "do not check against backups")
		},
		Run: func(e *env, args []string) error {
			if len(args) > 0 {
				return usagef("check takes no arguments.")
			}
			return runCheck(e, anchors, backups, noBackups)
		},
	})
}

// checkLine is one line of posdesk check's report.
type checkLine struct {
	Check string `json:"check"`
	OK    bool   `json:"ok"`
	Text  string `json:"text"`
}

func runCheck(e *env, anchors []posdesk.AuditHead, backupDir string, noBackups bool) error {
	var lines []checkLine
	var firstErr error
	add := func(check string, err error, okText string) {
		if err != nil {
			lines = append(lines, checkLine{check, false, i18n.Message(err)})
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		lines = append(lines, checkLine{check, true, okText})
	}

	problems, err := e.DB.Check(e.Ctx)
	if err != nil {
		return err
	}
	var dbErr error
	if len(problems) > 0 {
		dbErr = posdesk.Errorf(posdesk.EINTERNAL, "The database file is damaged (%[1]d problems; the first: %[2]s). Restore a backup.", len(problems), problems[0])
	}
	add("database", dbErr, i18n.T("integrity_check and foreign_key_check: ok"))

	head, n, bad, err := e.DB.VerifyAudit(e.Ctx)
	if err != nil && bad == nil {
		return err
	}
	h, herr := e.DB.AuditHead(e.Ctx)
	if herr == nil && head == "" {
		head = h.Hash
	}
	okText := i18n.T("audit chain: %[1]d entries intact, head %[2]s", n, (posdesk.AuditHead{Seq: int64(n), Hash: head}).Short())
	if n == 0 {
		okText = i18n.T("audit chain: no entries yet")
	}
	add("audit", err, okText)

	missing, err := e.DB.MissingAuditTriggers(e.Ctx)
	if err != nil {
		return err
	}
	var trigErr error
	if len(missing) > 0 {
		trigErr = posdesk.Errorf(posdesk.ECONFLICT, "The audit trail's append-only guards were removed (%s): somebody worked on the file with another tool.", strings.Join(missing, ", "))
	}
	add("guards", trigErr, i18n.T("append-only guards in place"))

	for _, a := range anchors {
		add("anchor", e.DB.CheckAnchor(e.Ctx, a), i18n.T("anchor %s: the trail still holds it", a.Short()))
	}
	if !noBackups {
		if backupDir == "" {
			if backupDir, _, err = e.DB.BackupSettings(e.Ctx); err != nil {
				return err
			}
		}
		results, err := e.DB.CheckBackupAnchors(e.Ctx, backupDir)
		if err != nil {
			return err
		}
		used := 0
		for _, r := range results {
			if r.Skipped != nil {
				continue
			}
			used++
			if r.Err != nil {
				add("backup", r.Err, "")
			}
		}
		if used > 0 {
			lines = append(lines, checkLine{"backups", true, i18n.T("%[1]d backups in %[2]s checked as anchors", used, backupDir)})
		}
	}

	if e.JSON {
		if err := staffWriteJSON(e.Stdout, map[string]any{"ok": firstErr == nil, "entries": n, "head": head, "checks": lines}); err != nil {
			return err
		}
	} else {
		for _, l := range lines {
			mark := "ok  "
			if !l.OK {
				mark = "FAIL"
			}
			fmt.Fprintf(e.Stdout, "%s %s\n", mark, l.Text)
		}
	}
	return firstErr
}

// auditJSON is the JSON shape of an audit entry; old and new are embedded as JSON values.
func auditJSON(a *posdesk.AuditEntry) map[string]any {
	raw := func(s string) any {
		if s == "" {
			return nil
		}
		if json.Valid([]byte(s)) {
			return json.RawMessage(s)
		}
		return s
	}
	return map[string]any{"seq": a.Seq, "time": a.Time.Format(time.RFC3339Nano), "actor": a.Actor, "action": a.Action,
		"entity": a.Entity, "entity_id": a.EntityID, "old": raw(a.Old), "new": raw(a.New), "prev_hash": a.PrevHash, "hash": a.Hash}
}

// auditChange shortens an entry's old -> new for one table line.
func auditChange(a *posdesk.AuditEntry) string {
	s := a.New
	if a.Old != "" {
		s = a.Old + " -> " + a.New
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return s
}
