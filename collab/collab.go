package collab

import (
	"context"
	"log/slog"
	"time"

	"wharf"
	"wharf/dist"
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

// InvitationLifetime is how long an invitation waits for an answer. PyPI's
// lasts hours; a week leaves time for someone on leave, and an owner can
// revoke an invitation sooner.
const InvitationLifetime = 7 * 24 * time.Hour

// changed tells the index that the project's roles or invitations changed
// (its journal serial moved), after the commit.
func (s *Service) changed(project string) {
	if s.onChange != nil {
		s.onChange(project)
	}
}

// validRole refuses any role but the two a project has: upload permission
// is "has any role", so an unchecked "owner" or "Admin" would grant uploads
// while counting as no owner.
func validRole(role string) error {
	if role != wharf.RoleOwner && role != wharf.RoleMaintainer {
		return refuse(wharf.EINVALID, RefusedRole, "Unknown role %q: use %s or %s.", role, wharf.RoleOwner, wharf.RoleMaintainer)
	}
	return nil
}

// member is a project as one user sees it: the project and their role on
// it.
type member struct {
	project *wharf.Project
	user    *wharf.User
	role    string // "" for none
}

// access loads the project by any spelling of its name and the actor's
// role on it. A user with no role who is not an administrator gets the
// same ENOTFOUND as for a project that does not exist, so the pages are
// no oracle of which projects exist.
func access(ctx context.Context, tx wharf.Tx, userID int64, name string) (*member, error) {
	notFound := wharf.Errorf(wharf.ENOTFOUND, "Project not found.")
	p, err := tx.ProjectByName(ctx, dist.NormalizeName(name))
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	u, err := tx.UserByID(ctx, userID)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	role, err := tx.RoleOf(ctx, p.ID, u.ID)
	if err != nil {
		return nil, err
	}
	if role == "" && !u.IsAdmin {
		return nil, notFound
	}
	return &member{project: p, user: u, role: role}, nil
}

// owner is access for the actions only owners may take: a maintainer, or
// an administrator without a role, gets EFORBIDDEN. Administrators give
// roles with the command line (wharf project role), which needs no
// invitation.
func owner(ctx context.Context, tx wharf.Tx, actor wharf.Actor, name string) (*member, error) {
	m, err := access(ctx, tx, actor.UserID, name)
	if err != nil {
		return nil, err
	}
	if m.role != wharf.RoleOwner {
		return nil, refuse(wharf.EFORBIDDEN, RefusedNotOwner, "Only owners of this project can manage its collaborators.")
	}
	return m, nil
}

// target finds the user an action is about by name.
func target(ctx context.Context, tx wharf.Tx, username string) (*wharf.User, error) {
	u, err := tx.UserByName(ctx, username)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, refuse(wharf.ENOTFOUND, RefusedUnknownUser, "No user named %q.", username)
	}
	return u, err
}

// owners returns the users who own the project, for notifications.
func owners(ctx context.Context, tx wharf.Tx, projectID int64) ([]*wharf.User, error) {
	roles, err := tx.Roles(ctx, projectID)
	if err != nil {
		return nil, err
	}
	var out []*wharf.User
	for _, r := range roles {
		if r.Role != wharf.RoleOwner {
			continue
		}
		u, err := tx.UserByID(ctx, r.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// lastOwner refuses to take the owner role from u when u is the project's
// only owner: a project without an owner could never be managed again.
func lastOwner(ctx context.Context, tx wharf.Tx, p *wharf.Project, u *wharf.User, oldRole string) error {
	if oldRole != wharf.RoleOwner {
		return nil
	}
	list, err := owners(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	if len(list) <= 1 {
		return refuse(wharf.ECONFLICT, RefusedLastOwner, "%s is the last owner of %s; add another owner first.", u.Name, p.DisplayName)
	}
	return nil
}

// record appends the journal entry (action, unless empty) and the audit
// event of one action on u's role. The event concerns u (the invitee, the
// collaborator), so it shows in their account's history as well as in the
// project's.
func record(ctx context.Context, tx wharf.Tx, actor wharf.Actor, p *wharf.Project, u *wharf.User, action, tag string, details map[string]any) error {
	if action != "" {
		if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Action: action, ActorID: actor.UserID}); err != nil {
			return err
		}
	}
	details["target_user"] = u.Name
	return tx.AddEvent(ctx, actor.Event(tag, p.ID, u.ID, details))
}
