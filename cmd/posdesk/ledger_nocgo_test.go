//go:build !cgo

package main_test

// ledgerCgo reports whether this test binary was built with cgo, as posdesk is shipped.
const ledgerCgo = false
