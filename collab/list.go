package collab

import (
	"context"

	"wharf"
)

// Pending is an invitation as a project's owners see it.
type Pending struct {
	wharf.Invitation
	// Expired says the invitation can no longer be accepted; an owner
	// may revoke it or invite the user again.
	Expired bool
}

// Team is a project's collaborators as its management page shows them.
type Team struct {
	Project wharf.Project
	// Roles are the collaborators, owners first, then by name.
	Roles []wharf.Role
	// Invitations are the invitations not yet answered, oldest first.
	Invitations []Pending
	// ViewerRole is the viewer's role on the project: "" for an
	// administrator with none.
	ViewerRole string
}

// Owner reports whether the viewer owns the project, and so may manage
// its collaborators.
func (t *Team) Owner() bool { return t.ViewerRole == wharf.RoleOwner }

// Collaborators lists the project's collaborators and pending
// invitations for the viewer. Someone with no role on it who is not an
// administrator gets ENOTFOUND, as for a missing project; a maintainer
// gets the list, and the caller decides what to show (Team.Owner).
func (s *Service) Collaborators(ctx context.Context, viewer wharf.Actor, project string) (*Team, error) {
	var t *Team
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		m, err := access(ctx, tx, viewer.UserID, project)
		if err != nil {
			return err
		}
		t = &Team{Project: *m.project, ViewerRole: m.role}
		if t.Roles, err = tx.Roles(ctx, m.project.ID); err != nil {
			return err
		}
		invs, err := tx.ProjectInvitations(ctx, m.project.ID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, inv := range invs {
			t.Invitations = append(t.Invitations, Pending{Invitation: inv, Expired: !now.Before(inv.Expires)})
		}
		return nil
	})
	return t, err
}

// Invitations lists the invitations the user may still accept, oldest
// first; expired ones are left out.
func (s *Service) Invitations(ctx context.Context, userID int64) ([]wharf.Invitation, error) {
	var out []wharf.Invitation
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		invs, err := tx.UserInvitations(ctx, userID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, inv := range invs {
			if now.Before(inv.Expires) {
				out = append(out, inv)
			}
		}
		return nil
	})
	return out, err
}

// Projects lists the projects on which the user has a role, by name.
func (s *Service) Projects(ctx context.Context, userID int64) ([]wharf.UserProject, error) {
	var out []wharf.UserProject
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		out, err = tx.UserProjects(ctx, userID)
		return err
	})
	return out, err
}
