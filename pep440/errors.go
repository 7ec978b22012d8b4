package pep440

import (
	"errors"
	"fmt"
)

// MaxLength is the longest version or single specifier, in bytes, that
// Parse and ParseSpecifierSet accept. Real versions are far shorter; the
// bound keeps the work done on hostile input small.
const MaxLength = 256

// maxSetLength bounds a whole specifier set, for the same reason.
const maxSetLength = 4096

// ErrInvalid is matched, with errors.Is, by every error that Parse and
// ParseSpecifierSet return.
var ErrInvalid = errors.New("invalid PEP 440 input")

// SyntaxError reports input that is not a valid version or specifier. Its
// message is safe to show to the user who supplied the input.
type SyntaxError struct {
	// What names the kind of input: "version", "specifier" or
	// "specifier set".
	What string
	// Input is the rejected text, shortened when it is very long.
	Input string
	// TooLong is set when the input was rejected for its length alone.
	TooLong bool
}

// Error returns a message such as `invalid version "foo"`.
func (e *SyntaxError) Error() string {
	if e.TooLong {
		return fmt.Sprintf("invalid %s %q: too long", e.What, e.Input)
	}
	return fmt.Sprintf("invalid %s %q", e.What, e.Input)
}

// Is reports whether target is ErrInvalid, so callers need not know the
// concrete type.
func (e *SyntaxError) Is(target error) bool { return target == ErrInvalid }

// syntaxError builds a *SyntaxError, shortening the echoed input so that an
// error message never grows with hostile input. tooLong says whether the
// input was rejected for its length alone.
func syntaxError(what, input string, tooLong bool) *SyntaxError {
	const show = 64
	if len(input) > show {
		input = input[:show] + "..."
	}
	return &SyntaxError{What: what, Input: input, TooLong: tooLong}
}
