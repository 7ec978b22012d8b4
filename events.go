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
	// Tag keeps the events with this tag or, when it is a prefix ending
	// at a colon boundary ("account:login"), with a tag under it
	// ("account:login:success").
	Tag string
	// AfterID keeps the events with a larger ID: the last ID of the
	// previous page, or 0 for the first page.
	AfterID int64
	// Newest lists the newest events first, as history pages show them;
	// BeforeID then keeps the events with a smaller ID (the last ID of the
	// previous page, or 0 for the first page).
	Newest   bool
	BeforeID int64
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
	// EventTags lists the distinct tags of the events that match f's
	// user and project (the other fields are ignored), sorted, for a
	// history page's filter.
	EventTags(ctx context.Context, f EventFilter) ([]string, error)
	// HashEventIPs replaces the IP address of every event recorded before
	// t whose address is not hashed yet with hash(address), and marks it
	// hashed. It is the retention of addresses, and the only change ever
	// made to a recorded event. It returns how many events it changed.
	HashEventIPs(ctx context.Context, before time.Time, hash func(ip string) string) (int, error)
}
