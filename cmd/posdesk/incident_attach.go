package main

import (
	"flag"
	"fmt"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

var incAttachFlags struct{ caption, kind *string }

func init() {
	register(&command{
		Name:    "attach",
		Usage:   "ID FILE... [--caption C] [--type T]",
		Summary: "Attach slip photos, receipts, statements, screenshots or terminal logs to an incident.",
		Flags: func(fs *flag.FlagSet) {
			incAttachFlags.caption = fs.String("caption", "", "one line saying what the file shows")
			incAttachFlags.kind = fs.String("type", "", "slip_photo, receipt, statement, screenshot, terminal_log or other (default: from the file)")
		},
		Run: incRunAttach,
	})
}

// incRunAttach checks and stores each file on its own: a refused file is named on stderr with
// the reason, the accepted ones are kept, and the command fails (exit 1) if any was refused.
func incRunAttach(e *env, args []string) error {
	if len(args) < 2 {
		return usagef("give the incident and at least one file, e.g. posdesk attach INC-2026-0007 slip.jpg")
	}
	inc, err := incFind(e, args[0])
	if err != nil {
		return err
	}
	var kind posdesk.AttachmentKind
	if *incAttachFlags.kind != "" {
		if kind, err = incParse(*incAttachFlags.kind, posdesk.AttachmentKinds, posdesk.ParseAttachmentKind); err != nil {
			return err
		}
	}
	files := args[1:]
	refused := 0
	for _, path := range files {
		a, err := attach.IntakeFile(path, attach.Options{Kind: kind, Caption: *incAttachFlags.caption, By: posdesk.ActorName(e.Ctx), Now: e.Now})
		if err == nil {
			err = e.DB.AddAttachment(e.Ctx, inc.ID, a)
		}
		if err != nil {
			refused++
			fmt.Fprintln(e.Stderr, i18n.Message(err))
			continue
		}
		fmt.Fprintln(e.Stdout, i18n.T("Attached %[1]s to %[2]s as file #%[3]d (%[4]s).", a.FileName, inc.Number, a.ID, incFileFacts(a)))
	}
	if refused > 0 {
		return posdesk.Errorf(posdesk.EINVALID, "%[1]d of %[2]d files were refused (see above); the others are attached.", refused, len(files))
	}
	return nil
}
