package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// posdesk backup and posdesk restore.

func init() {
	var auto bool
	register(&command{
		Name:    "backup",
		Usage:   "FILE | --auto",
		Summary: "Write a consistent copy of the database to FILE (safe while the window is open); --auto takes today's automatic backup.",
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&auto, "auto", false, "take today's backup in the backup folder unless it exists, and delete old ones")
		},
		Run: func(e *env, args []string) error {
			switch {
			case auto && len(args) == 0:
				return runAutoBackup(e)
			case !auto && len(args) == 1:
				info, err := e.DB.Backup(e.Ctx, args[0])
				if err != nil {
					return err
				}
				return printBackup(e, info, nil)
			}
			return usagef("Give one backup file (posdesk backup FILE), or --auto alone.")
		},
	})

	register(&command{
		Name:    "restore",
		Usage:   "FILE",
		Summary: "Replace the database with a checked backup; the current one is kept as posdesk.db.before-restore-TIME.",
		NoDB:    true,
		Run: func(e *env, args []string) error {
			if len(args) != 1 {
				return usagef("Give one backup file: posdesk restore FILE.")
			}
			return runRestore(e, args[0])
		},
	})
}

func runAutoBackup(e *env) error {
	info, removed, err := e.DB.AutoBackup(e.Ctx)
	if err != nil {
		return err
	}
	if info == nil {
		folder, _, err := e.DB.BackupSettings(e.Ctx)
		if err != nil {
			return err
		}
		if e.JSON {
			return staffWriteJSON(e.Stdout, map[string]any{"taken": false, "removed": removed})
		}
		fmt.Fprintln(e.Stdout, i18n.T("Today's backup is already in %s.", folder))
		for _, r := range removed {
			fmt.Fprintln(e.Stdout, i18n.T("Deleted the old backup %s.", r))
		}
		return nil
	}
	return printBackup(e, info, removed)
}

func printBackup(e *env, info *sqlite.BackupInfo, removed []string) error {
	if e.JSON {
		return staffWriteJSON(e.Stdout, map[string]any{"taken": true, "file": info.Path, "taken_at": info.TakenAt.In(e.Loc).Format(time.RFC3339),
			"size": info.Size, "audit_seq": info.Head.Seq, "audit_hash": info.Head.Hash, "schema_version": info.SchemaVersion, "removed": removed})
	}
	fmt.Fprintln(e.Stdout, i18n.T("Backup written: %[1]s (%[2]d KiB, audit head %[3]s).", info.Path, (info.Size+1023)/1024, info.Head.Short()))
	for _, r := range removed {
		fmt.Fprintln(e.Stdout, i18n.T("Deleted the old backup %s.", r))
	}
	return nil
}

// runRestore signs in as an owner on the current database, when it opens, then restores. Onto
// a new PC (no database yet) or over a database that no longer opens there is nobody to sign
// in against, and nobody to protect: whoever can reach the files could copy them anyway.
func runRestore(e *env, file string) error {
	path, err := resolveDBPath(e.DBPath)
	if err != nil {
		return err
	}
	ctx := e.Ctx
	if _, serr := os.Stat(path); serr == nil {
		// Hold the shared lock while signing in like any command; Restore takes it exclusively
		// afterwards and fails if a window or another command still has the database.
		lock, err := sqlite.LockShared(path)
		if err != nil {
			return err
		}
		cur, err := sqlite.Open(path)
		if err == nil {
			e.DB = cur
			if ctx, err = signIn(e); err == nil {
				err = cur.Authorize(ctx, posdesk.ActRestore)
			}
			cur.Close()
			e.DB = nil
			if err != nil {
				lock.Unlock()
				return err
			}
		} else if posdesk.ErrorCode(err) != posdesk.EINVALID {
			lock.Unlock()
			return err
		}
		lock.Unlock()
	}
	res, err := sqlite.Restore(ctx, path, file, e.Now())
	if err != nil {
		return err
	}
	if e.JSON {
		return staffWriteJSON(e.Stdout, map[string]any{"restored": file, "taken_at": res.Backup.TakenAt.In(e.Loc).Format(time.RFC3339),
			"previous": res.Previous, "audit_seq": res.Head.Seq, "audit_hash": res.Head.Hash})
	}
	taken := i18n.T("unknown time")
	if !res.Backup.TakenAt.IsZero() {
		taken = res.Backup.TakenAt.In(e.Loc).Format("2006-01-02 15:04")
	}
	fmt.Fprintln(e.Stdout, i18n.T("Restored the backup of %[1]s into %[2]s (audit head %[3]s).", taken, path, res.Head.Short()))
	if res.Previous != "" {
		fmt.Fprintln(e.Stdout, i18n.T("The database it replaced is kept as %s.", res.Previous))
	}
	return nil
}
