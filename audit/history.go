package audit

import (
	"context"
	"strconv"
	"time"

	"wharf"
	"wharf/dist"
)

// PageSize is how many events a history page holds.
const PageSize = 50

// maxTag bounds the event type a query filters by; real tags are short.
const maxTag = 200

// maxAgent is how many characters of a user agent a record keeps: enough
// to tell browsers and tools apart, short enough to keep a table
// readable. The rest is cut rather than hidden in a tooltip that no
// keyboard reaches; "wharf audit export" gives the whole text.
const maxAgent = 80

// Errors of the admin filters: the name given matches no account or
// project. They are EINVALID, so that the page can say so next to the
// filter rather than answer "not found".
var (
	ErrUnknownUser    = wharf.Errorf(wharf.EINVALID, "No account has that name.")
	ErrUnknownProject = wharf.Errorf(wharf.EINVALID, "No project has that name.")
)

// Query selects a page of history.
type Query struct {
	// Tag keeps the events of this type, or of the types under it when it
	// stops at a colon boundary ("account:login"); "" keeps all.
	Tag string
	// Before keeps the events older than the event with this id: the
	// Older of the previous page; 0 starts at the newest.
	Before int64
	// User and Project filter AllHistory by account name and project
	// name; the other histories ignore them.
	User, Project string
}

// Record is one event as a history page shows it.
type Record struct {
	ID   int64
	Time time.Time
	Tag  string
	// Details are the event's details, sorted by key.
	Details []Detail
	// IP is the address of the request, or "" when it is not shown: see
	// IPHidden and IPWithheld.
	IP string
	// IPHidden says the address was replaced by a hash after the retention
	// period.
	IPHidden bool
	// IPWithheld says the address is another person's, which this viewer
	// does not see (see the package comment).
	IPWithheld bool
	// UserAgent is cut to 80 characters, marked with an ellipsis.
	UserAgent string
	// ActorID is who acted, 0 for nobody logged in; Actor is their name.
	// ByAdmin marks the actions of the command line on the server, whose
	// actor is also 0.
	ActorID int64
	Actor   string
	ByAdmin bool
	// UserID and User name the account the event is about (0, "" for
	// none); ProjectName (normalized, for links) and Project (display)
	// the project.
	UserID      int64
	User        string
	ProjectID   int64
	ProjectName string
	Project     string
}

// History is a page of events, newest first.
type History struct {
	Records []Record
	// Tags are the event types in the whole history (not only this page),
	// sorted, for the filter.
	Tags []string
	// Older is the Before of the next page, 0 on the last.
	Older int64
	// Project is the project of a ProjectHistory.
	Project *wharf.Project
}

// scope is what a history reads and how it shows addresses.
type scope struct {
	filter wharf.EventFilter
	// showIP reports whether the viewer sees the address of an event.
	showIP func(e wharf.Event) bool
}

// AccountHistory returns a page of the events about the viewer's own
// account. It fails with EUNAUTHORIZED without a viewer.
func (s *Service) AccountHistory(ctx context.Context, viewer *wharf.User, q Query) (*History, error) {
	noViewer := wharf.Errorf(wharf.EUNAUTHORIZED, "Log in to see your security history.")
	return s.history(ctx, viewer, q, noViewer, func(tx wharf.Tx) (*History, error) {
		return read(ctx, tx, scope{filter: wharf.EventFilter{UserID: viewer.ID}, showIP: func(e wharf.Event) bool {
			return e.ActorID == viewer.ID || e.ActorID == 0
		}}, q)
	})
}

// ProjectHistory returns a page of the events about the project named
// project. The viewer must hold a role on it or be an admin; otherwise,
// and for an unknown project, it fails with the same ENOTFOUND.
func (s *Service) ProjectHistory(ctx context.Context, viewer *wharf.User, project string, q Query) (*History, error) {
	notFound := wharf.Errorf(wharf.ENOTFOUND, "Project %q not found.", project)
	return s.history(ctx, viewer, q, notFound, func(tx wharf.Tx) (*History, error) {
		p, err := projectNamed(ctx, tx, project, notFound)
		if err != nil {
			return nil, err
		}
		admin, err := isAdmin(ctx, tx, viewer)
		if err != nil {
			return nil, err
		}
		role, err := tx.RoleOf(ctx, p.ID, viewer.ID)
		if err != nil {
			return nil, err
		}
		if role == "" && !admin {
			return nil, notFound
		}
		h, err := read(ctx, tx, scope{filter: wharf.EventFilter{ProjectID: p.ID}, showIP: func(e wharf.Event) bool {
			return admin || e.ActorID == viewer.ID
		}}, q)
		if err != nil {
			return nil, err
		}
		h.Project = p
		return h, nil
	})
}

// AllHistory returns a page of every event, filtered by q's user and
// project. Only admins may read it; anyone else gets ENOTFOUND, as if the
// page did not exist. An unknown user or project in the filter fails with
// ErrUnknownUser or ErrUnknownProject.
func (s *Service) AllHistory(ctx context.Context, viewer *wharf.User, q Query) (*History, error) {
	notFound := wharf.Errorf(wharf.ENOTFOUND, "Not found.")
	return s.history(ctx, viewer, q, notFound, func(tx wharf.Tx) (*History, error) {
		admin, err := isAdmin(ctx, tx, viewer)
		if err != nil {
			return nil, err
		}
		if !admin {
			return nil, notFound
		}
		sc := scope{showIP: func(wharf.Event) bool { return true }}
		if q.User != "" {
			u, err := tx.UserByName(ctx, q.User)
			if wharf.IsCode(err, wharf.ENOTFOUND) {
				return nil, ErrUnknownUser
			} else if err != nil {
				return nil, err
			}
			sc.filter.UserID = u.ID
		}
		if q.Project != "" {
			p, err := projectNamed(ctx, tx, q.Project, ErrUnknownProject)
			if err != nil {
				return nil, err
			}
			sc.filter.ProjectID = p.ID
		}
		return read(ctx, tx, sc, q)
	})
}

// history runs fn in a read transaction after the checks every history
// makes first: a viewer (else the error noViewer) and a query some page
// could have linked to.
func (s *Service) history(ctx context.Context, viewer *wharf.User, q Query, noViewer error, fn func(tx wharf.Tx) (*History, error)) (*History, error) {
	if viewer == nil {
		return nil, noViewer
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	var h *History
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		h, err = fn(tx)
		return err
	})
	return h, err
}

// projectNamed returns the project of a name in any spelling, or the
// error missing when there is none.
func projectNamed(ctx context.Context, tx wharf.Tx, name string, missing error) (*wharf.Project, error) {
	p, err := tx.ProjectByName(ctx, dist.NormalizeName(name))
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, missing
	}
	return p, err
}

// isAdmin reads the viewer's admin flag from the store rather than
// trusting the record passed in, which may predate a change.
func isAdmin(ctx context.Context, tx wharf.Tx, viewer *wharf.User) (bool, error) {
	u, err := tx.UserByID(ctx, viewer.ID)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.IsAdmin, nil
}

// check refuses a query no page links to.
func (q Query) check() error {
	if q.Before < 0 {
		return wharf.Errorf(wharf.EINVALID, "The page to show is not valid.")
	}
	if len(q.Tag) > maxTag {
		return wharf.Errorf(wharf.EINVALID, "The event type to show is not valid.")
	}
	return nil
}

// read returns the page of sc's events that q selects, with names.
func read(ctx context.Context, tx wharf.Tx, sc scope, q Query) (*History, error) {
	f := sc.filter
	f.Tag, f.Newest, f.BeforeID, f.Limit = q.Tag, true, q.Before, PageSize+1
	events, err := tx.Events(ctx, f)
	if err != nil {
		return nil, err
	}
	h := &History{}
	if len(events) > PageSize {
		events = events[:PageSize]
		h.Older = events[PageSize-1].ID
	}
	if h.Tags, err = tx.EventTags(ctx, sc.filter); err != nil {
		return nil, err
	}
	h.Records, err = records(ctx, tx, events, sc.showIP)
	return h, err
}

// records turns events into records, looking every name up at once.
func records(ctx context.Context, tx wharf.Tx, events []wharf.Event, showIP func(wharf.Event) bool) ([]Record, error) {
	var userIDs, projectIDs []int64
	for _, e := range events {
		userIDs = append(userIDs, e.UserID, e.ActorID)
		projectIDs = append(projectIDs, e.ProjectID)
	}
	users, err := tx.UsersByID(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	projects, err := tx.ProjectsByID(ctx, projectIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(events))
	for _, e := range events {
		r := Record{ID: e.ID, Time: e.Time, Tag: e.Tag, Details: ParseDetails(e.Details), UserAgent: clip(e.UserAgent, maxAgent),
			ActorID: e.ActorID, Actor: nameOf(users, e.ActorID), UserID: e.UserID, User: nameOf(users, e.UserID),
			ProjectID: e.ProjectID, ProjectName: projects[e.ProjectID].Name, Project: projects[e.ProjectID].DisplayName}
		r.ByAdmin = e.ActorID == 0 && e.IP == localIP
		switch {
		case e.IP == localIP:
			r.IP = e.IP
		case !showIP(e):
			r.IPWithheld = e.IP != ""
		case e.IPHashed:
			r.IPHidden = true
		default:
			r.IP = e.IP
		}
		out = append(out, r)
	}
	return out, nil
}

// nameOf returns the name of the user with this id: "" for none (0), and
// "#id" for an account that no longer exists, since records outlive them.
func nameOf(users map[int64]wharf.User, id int64) string {
	if id == 0 {
		return ""
	}
	if u, ok := users[id]; ok {
		return u.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}
