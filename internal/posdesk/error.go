// Package posdesk is the vocabulary of the business: transactions, incidents, refunds, staff and
// the rules that govern them. It imports nothing of the project; adapters (sqlite, importer, pdf,
// ui) depend on it, and only cmd/posdesk wires them together.
package posdesk

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened; the message says what to do about it.
const (
	ECONFLICT  = "conflict"  // the change clashes with existing data
	EFORBIDDEN = "forbidden" // the person may not do this
	EINTERNAL  = "internal"  // a fault of the program or the machine
	EINVALID   = "invalid"   // the input is wrong; the message says where and how to fix it
	ENOTFOUND  = "not_found" // the record does not exist
)

// Error is the one error type of posdesk. Its message is written for a shop owner and is also a
// key in the translation catalog: Format is an English fmt format whose Chinese counterpart lives
// in assets/i18n, and Args fill it in. Field names the form field or file column the error
// concerns, so screens can show it next to that field.
type Error struct {
	Code   string // one of the E* codes
	Field  string // optional: the field the message concerns
	Format string // English message format; the translation key
	Args   []any  // arguments for Format
	Err    error  // optional underlying cause, for logs only
}

// Error returns the English message, followed by the cause when there is one.
func (e *Error) Error() string {
	msg := e.Message()
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Message returns the English message without the cause.
func (e *Error) Message() string {
	if len(e.Args) == 0 {
		return e.Format
	}
	return fmt.Sprintf(e.Format, e.Args...)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code. format must be a constant string so that the
// translation catalog can hold it.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Format: format, Args: args}
}

// Invalid returns an EINVALID error about one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Format: format, Args: args}
}

// Internal wraps an unexpected failure. The shop owner sees a short message; the log keeps err.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Format: "Something went wrong inside posdesk. Details are in the log.", Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorField returns the field of the first *Error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Errors collects several field errors from one validation, so a form can show all of them at
// once. It is itself an error whose message is the first one's.
type Errors []*Error

// Error returns the first error's message and how many more there are.
func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
}

// Unwrap returns the collected errors, so errors.As finds the first *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Err returns es as an error, or nil when it is empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
