package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// getenv reads the environment; tests replace it.
var getenv = os.Getenv

// errNotTerminal means the command cannot ask for a PIN: its input is not a terminal.
var errNotTerminal = errors.New("stdin is not a terminal")

// askSecret shows prompt on stderr and reads one line from the terminal on stdin without
// echoing it (see readSecret). It fails with errNotTerminal when stdin is a pipe or file.
func askSecret(ctx context.Context, e *env, prompt string) (string, error) {
	f, ok := e.Stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return "", errNotTerminal
	}
	fmt.Fprint(e.Stderr, prompt)
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	restore, err := noEcho(f)
	if err != nil {
		return "", errNotTerminal
	}
	go func() {
		s, err := bufio.NewReader(f).ReadString('\n')
		if errors.Is(err, io.EOF) && s != "" {
			err = nil
		}
		done <- result{strings.TrimRight(s, "\r\n"), err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		r.err = ctx.Err()
	}
	restore()
	fmt.Fprintln(e.Stderr)
	if r.err != nil {
		return "", posdesk.Errorf(posdesk.EINVALID, "No PIN was entered.")
	}
	return r.s, nil
}

// actorPIN returns the PIN of the person named for this command: POSDESK_PIN, or asked on the
// terminal.
func actorPIN(e *env, name string) (string, error) {
	if pin := getenv("POSDESK_PIN"); pin != "" {
		return pin, nil
	}
	pin, err := askSecret(e.Ctx, e, i18n.T("PIN for %s: ", name))
	if errors.Is(err, errNotTerminal) {
		return "", posdesk.Errorf(posdesk.EFORBIDDEN, "Give the PIN of %s in the POSDESK_PIN environment variable, or run the command in a terminal to be asked for it.", name)
	}
	return pin, err
}

// newPIN returns a new PIN for name: from the environment variable envName, or asked twice on
// the terminal.
func newPIN(e *env, envName, name string) (string, error) {
	if pin := getenv(envName); pin != "" {
		return pin, nil
	}
	pin, err := askSecret(e.Ctx, e, i18n.T("New PIN for %s: ", name))
	if errors.Is(err, errNotTerminal) {
		return "", posdesk.Errorf(posdesk.EINVALID, "Give the new PIN of %[1]s in the %[2]s environment variable, or run the command in a terminal to be asked for it.", name, envName)
	} else if err != nil {
		return "", err
	}
	again, err := askSecret(e.Ctx, e, i18n.T("The same PIN again: "))
	if err != nil {
		return "", err
	}
	if again != pin {
		return "", posdesk.Invalid("pin", "The two PINs differ; nothing was changed.")
	}
	return pin, nil
}
