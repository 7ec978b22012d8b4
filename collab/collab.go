package collab

import (
	"log/slog"
	"time"

	"wharf"
)

// Service performs collaboration actions. It is safe for concurrent use.
type Service struct {
	store    wharf.Store
	mailer   wharf.Mailer
	location string // the index's public URL, for links in emails
	log      *slog.Logger
	onChange func(project string)
	now      func() time.Time
}

// Options configure a Service.
type Options struct {
	// Mailer sends the notifications; nil sends none.
	Mailer wharf.Mailer
	// Location is the index's public URL, for links in emails.
	Location string
	Log      *slog.Logger
	// OnChange, when set, is called with a project's name after a commit
	// that changed its roles.
	OnChange func(project string)
	Now      func() time.Time
}

// New returns a Service.
func New(store wharf.Store, opts Options) *Service {
	s := &Service{store: store, mailer: opts.Mailer, location: opts.Location, log: opts.Log, onChange: opts.OnChange, now: opts.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}
