//go:build !linux && !windows

package main

import "os"

// isTerminal reports false: on this system posdesk does not ask for PINs on the terminal (it
// cannot hide what is typed); give them in POSDESK_PIN and POSDESK_NEW_PIN.
func isTerminal(*os.File) bool { return false }

func noEcho(*os.File) (func(), error) { return func() {}, nil }
