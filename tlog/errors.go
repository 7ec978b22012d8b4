package tlog

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid is matched by errors for malformed records, checkpoints,
	// notes, keys and arguments.
	ErrInvalid = errors.New("tlog: invalid input")

	// ErrUnverified is matched by errors from Open when the note is not
	// signed by the expected key, or the signature does not verify.
	ErrUnverified = errors.New("tlog: checkpoint not signed by the expected key")

	// ErrInconsistent is matched by errors that show the log disagrees with
	// itself: a failed proof, a failed audit or a fork between checkpoints.
	ErrInconsistent = errors.New("tlog: log is inconsistent")
)

// invalidf returns an error matching ErrInvalid with a formatted message.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// AuditError reports that the records of a log do not match a checkpoint or
// the stored hashes. It matches ErrInconsistent with errors.Is.
type AuditError struct {
	// Index is the index of the first record found to disagree, or -1 when
	// the disagreement cannot be pinned on a single record (for example
	// when only a root hash is known to compare with).
	Index int64
	// Reason says what disagreed.
	Reason string
}

// Error returns a message such as "tlog: audit failed at record 7: ...".
func (e *AuditError) Error() string {
	if e.Index < 0 {
		return "tlog: audit failed: " + e.Reason
	}
	return fmt.Sprintf("tlog: audit failed at record %d: %s", e.Index, e.Reason)
}

// Is reports whether target is ErrInconsistent, so callers need not know the
// concrete type.
func (e *AuditError) Is(target error) bool { return target == ErrInconsistent }
