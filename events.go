package wharf

import (
	"context"
	"time"
)

// MaxEventPage is the most events one EventTx.Events call returns, so that
// a reader of millions of records goes through them page by page.
const MaxEventPage = 10000

// EventFilter selects audit events. Zero fields select everything.
type EventFilter struct {
	// UserID keeps the events about this user (Event.UserID).
	UserID int64
	// ProjectID keeps the events about this project.
	ProjectID int64
	// Since keeps the events recorded at or after this time.
	Since time.Time
	// AfterID keeps the events with a larger ID: the last ID of the
	// previous page, or 0 for the first page.
	AfterID int64
	// Limit is the most events to return, from 1 to MaxEventPage.
	Limit int
}

// EventTx reads the audit log. Events are only ever appended (by
// JournalTx.AddEvent), so paging by ID sees each event once even across
// transactions.
type EventTx interface {
	// Events lists the events that match f in ID order, which is the order
	// they were recorded in, at most f.Limit of them. It fails with
	// EINVALID for a limit outside 1 to MaxEventPage.
	Events(ctx context.Context, f EventFilter) ([]Event, error)
}
