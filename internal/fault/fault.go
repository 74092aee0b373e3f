// Package fault holds the few kinds of error that every capability returns
// and that the web and API layers map, once, to pages and problem details.
// It uses the standard library only so that every package may import it.
package fault

import (
	"errors"
	"sort"
	"strings"
)

// The kinds. Wrap them with fmt.Errorf("…: %w", fault.ErrNotFound) and test
// with errors.Is.
var (
	// ErrNotFound means the thing asked for does not exist or is not visible
	// to the caller.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the request clashes with the current state (sold out,
	// already paid, duplicate key).
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated means the caller must sign in first.
	ErrUnauthenticated = errors.New("unauthenticated")
)

// Invalid reports input that failed validation, with one message per field.
// Messages are safe to show to the user.
type Invalid struct {
	Fields map[string]string
}

// Error lists the fields in a stable order.
func (e *Invalid) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("invalid input")
	for i, k := range keys {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(k)
		b.WriteString(" ")
		b.WriteString(e.Fields[k])
	}
	return b.String()
}

// Add records a message for field, keeping the first message given.
func (e *Invalid) Add(field, message string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = message
	}
}

// Err returns e when it holds at least one field and nil otherwise, so that a
// validator can collect messages and end with `return v.Err()`.
func (e *Invalid) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// AsInvalid returns the *Invalid inside err, if there is one.
func AsInvalid(err error) (*Invalid, bool) {
	var inv *Invalid
	if errors.As(err, &inv) {
		return inv, true
	}
	return nil, false
}
