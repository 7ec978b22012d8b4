package collab

import (
	"context"
	"fmt"

	"wharf"
	"wharf/dist"
)

// Journal actions of invitations, in PyPI's words; "add role" and "remove
// role" (wharf.ActionAddRole, wharf.ActionDelRole) record the roles
// themselves.
const (
	actionInvite  = "invite"
	actionRevoke  = "revoke_invite"
	actionDecline = "decline_invite"
	actionChange  = "change"
)

// mailTime is how mails write a time: without the reader's zone, so in UTC.
const mailTime = "2006-01-02 15:04 UTC"

// Invite asks the user named username to take role on the project, by an
// invitation they accept or decline within InvitationLifetime, and mails
// them. Only an owner may invite (EFORBIDDEN for a maintainer; ENOTFOUND
// for a user with no role, as for a missing project). It refuses an
// unknown user (ENOTFOUND), the actor themselves, a service account (it
// cannot log in to answer; an administrator gives it a role with wharf
// project role) and a user whose email address is not verified (EINVALID),
// and a user who already has a role or a pending invitation (ECONFLICT).
// An expired invitation is replaced.
func (s *Service) Invite(ctx context.Context, actor wharf.Actor, project, username, role string) error {
	var ls letters
	var name string
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		m, err := owner(ctx, tx, actor, project)
		if err != nil {
			return err
		}
		if err := validRole(role); err != nil {
			return err
		}
		u, err := invitee(ctx, tx, m, username)
		if err != nil {
			return err
		}
		now := s.now()
		old, err := tx.InvitationFor(ctx, m.project.ID, u.ID)
		switch {
		case err == nil && now.Before(old.Expires):
			return refuse(wharf.ECONFLICT, RefusedPending, "%s already has a pending invitation to %s.", u.Name, m.project.DisplayName)
		case err == nil:
			err = tx.DeleteInvitation(ctx, m.project.ID, u.ID)
		case wharf.IsCode(err, wharf.ENOTFOUND):
			err = nil
		}
		if err != nil {
			return err
		}
		inv := &wharf.Invitation{ProjectID: m.project.ID, UserID: u.ID, Role: role, InvitedBy: m.user.ID, Expires: now.Add(InvitationLifetime)}
		if err := tx.AddInvitation(ctx, inv); err != nil {
			return err
		}
		p := m.project
		name = p.Name
		ls.add(u, fmt.Sprintf("Invitation to be %s of %s", withArticle(role), p.DisplayName),
			fmt.Sprintf("%s invited you to be %s of the project %s.", m.user.Name, withArticle(role), p.DisplayName),
			"", "To accept or decline, log in and open your projects:", s.link("/manage/projects/"),
			"", fmt.Sprintf("The invitation expires on %s. If you did not expect it, decline it or let it expire.", inv.Expires.UTC().Format(mailTime)))
		return record(ctx, tx, actor, p, u, actionInvite+" "+role+" "+u.Name, "project:role:invite", map[string]any{"role_name": role})
	})
	return s.finish(ctx, name, ls, err)
}

// invitee finds the user to invite and refuses those who cannot be.
func invitee(ctx context.Context, tx wharf.Tx, m *member, username string) (*wharf.User, error) {
	u, err := target(ctx, tx, username)
	if err != nil {
		return nil, err
	}
	switch {
	case u.ID == m.user.ID:
		return nil, refuse(wharf.EINVALID, RefusedSelf, "You cannot invite yourself.")
	case u.Service:
		return nil, refuse(wharf.EINVALID, RefusedService, "%s is a service account, which cannot log in to accept an invitation; an administrator can give it a role with wharf project role.", u.Name)
	case !u.EmailVerified:
		return nil, refuse(wharf.EINVALID, RefusedUnverified, "%s has no verified email address and cannot be invited yet.", u.Name)
	}
	role, err := tx.RoleOf(ctx, m.project.ID, u.ID)
	if err != nil {
		return nil, err
	}
	if role != "" {
		return nil, refuse(wharf.ECONFLICT, RefusedHasRole, "%s already has the %s role on %s.", u.Name, role, m.project.DisplayName)
	}
	return u, nil
}

// finish sends the notifications of a committed action and tells the
// index; it returns the action's error.
func (s *Service) finish(ctx context.Context, project string, ls letters, err error) error {
	if err != nil {
		return err
	}
	s.changed(project)
	s.send(ctx, ls)
	return nil
}

// errExpired is what answering an expired invitation returns.
func errExpired() error {
	return refuse(wharf.EINVALID, RefusedExpired, "This invitation has expired.")
}

// pending loads the actor's own invitation to the project. Anyone else,
// and a missing project, gets ENOTFOUND. An expired invitation is deleted
// (expired reports it, and the caller commits and then refuses).
func (s *Service) pending(ctx context.Context, tx wharf.Tx, actor wharf.Actor, project string) (p *wharf.Project, u *wharf.User, inv *wharf.Invitation, expired bool, err error) {
	none := refuse(wharf.ENOTFOUND, RefusedNoInvitation, "You have no invitation to %s.", project)
	p, err = tx.ProjectByName(ctx, dist.NormalizeName(project))
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, nil, nil, false, none
	}
	if err != nil {
		return nil, nil, nil, false, err
	}
	if u, err = tx.UserByID(ctx, actor.UserID); err != nil {
		return nil, nil, nil, false, err
	}
	inv, err = tx.InvitationFor(ctx, p.ID, u.ID)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, nil, nil, false, none
	}
	if err != nil {
		return nil, nil, nil, false, err
	}
	if !s.now().Before(inv.Expires) {
		return p, u, inv, true, tx.DeleteInvitation(ctx, p.ID, u.ID)
	}
	return p, u, inv, false, nil
}

// answered is an answer to an invitation, recorded inside the answering
// transaction; it composes its notifications into ls.
type answered func(tx wharf.Tx, p *wharf.Project, u *wharf.User, inv *wharf.Invitation, ls *letters) error

// answer loads the actor's invitation to the project and records their
// answer in one transaction. An expired invitation is deleted, and then
// refused with EINVALID; a missing one is ENOTFOUND.
func (s *Service) answer(ctx context.Context, actor wharf.Actor, project string, fn answered) error {
	var ls letters
	var name string
	expired := false
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		p, u, inv, gone, err := s.pending(ctx, tx, actor, project)
		if err != nil || gone {
			expired = gone
			return err
		}
		name = p.Name
		return fn(tx, p, u, inv, &ls)
	})
	if err == nil && expired {
		return errExpired()
	}
	return s.finish(ctx, name, ls, err)
}

// Accept gives the actor the role their invitation to the project offers
// and mails the project's owners. It records the answer
// (project:role:accepted) and the new role (project:role:add), as an
// owner's direct change would record it. Errors are answer's, and
// ECONFLICT when the actor has a role already.
func (s *Service) Accept(ctx context.Context, actor wharf.Actor, project string) error {
	return s.answer(ctx, actor, project, func(tx wharf.Tx, p *wharf.Project, u *wharf.User, inv *wharf.Invitation, ls *letters) error {
		role, err := tx.RoleOf(ctx, p.ID, u.ID)
		if err != nil {
			return err
		}
		if role != "" {
			return refuse(wharf.ECONFLICT, RefusedHasRole, "You already have the %s role on %s; decline the invitation instead.", role, p.DisplayName)
		}
		if err := tx.DeleteInvitation(ctx, p.ID, u.ID); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, p.ID, u.ID, inv.Role); err != nil {
			return err
		}
		details := map[string]any{"role_name": inv.Role, "invited_by": inv.InviterName}
		if err := record(ctx, tx, actor, p, u, "", "project:role:accepted", details); err != nil {
			return err
		}
		err = record(ctx, tx, actor, p, u, wharf.ActionAddRole+" "+inv.Role+" "+u.Name, "project:role:add", map[string]any{"role_name": inv.Role})
		if err != nil {
			return err
		}
		list, err := owners(ctx, tx, p.ID)
		ls.addAll(list, 0, fmt.Sprintf("%s is now %s of %s", u.Name, withArticle(inv.Role), p.DisplayName),
			append([]string{fmt.Sprintf("%s accepted the invitation of %s and is now %s of the project %s.", u.Name, inv.InviterName, withArticle(inv.Role), p.DisplayName)},
				ownerNote(s, p)...)...)
		return err
	})
}

// Decline refuses the actor's invitation to the project and mails the
// owner who sent it. Errors are answer's.
func (s *Service) Decline(ctx context.Context, actor wharf.Actor, project string) error {
	return s.answer(ctx, actor, project, func(tx wharf.Tx, p *wharf.Project, u *wharf.User, inv *wharf.Invitation, ls *letters) error {
		if err := tx.DeleteInvitation(ctx, p.ID, u.ID); err != nil {
			return err
		}
		inviter, err := tx.UserByID(ctx, inv.InvitedBy)
		if err != nil {
			return err
		}
		ls.add(inviter, fmt.Sprintf("%s declined the invitation to %s", u.Name, p.DisplayName),
			fmt.Sprintf("%s declined your invitation to be %s of the project %s.", u.Name, withArticle(inv.Role), p.DisplayName))
		details := map[string]any{"role_name": inv.Role, "invited_by": inv.InviterName}
		return record(ctx, tx, actor, p, u, actionDecline+" "+inv.Role+" "+u.Name, "project:role:declined", details)
	})
}

// RevokeInvitation withdraws the invitation of the user named username to
// the project, expired or not, and mails them. Only an owner may (errors
// as Invite's); ENOTFOUND when there is none.
func (s *Service) RevokeInvitation(ctx context.Context, actor wharf.Actor, project, username string) error {
	var ls letters
	var name string
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		m, err := owner(ctx, tx, actor, project)
		if err != nil {
			return err
		}
		u, err := target(ctx, tx, username)
		if err != nil {
			return err
		}
		p := m.project
		inv, err := tx.InvitationFor(ctx, p.ID, u.ID)
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return refuse(wharf.ENOTFOUND, RefusedNoInvitation, "%s has no invitation to %s.", u.Name, p.DisplayName)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteInvitation(ctx, p.ID, u.ID); err != nil {
			return err
		}
		name = p.Name
		if s.now().Before(inv.Expires) {
			ls.add(u, fmt.Sprintf("Invitation to %s withdrawn", p.DisplayName),
				fmt.Sprintf("%s withdrew the invitation to be %s of the project %s.", m.user.Name, withArticle(inv.Role), p.DisplayName))
		}
		return record(ctx, tx, actor, p, u, actionRevoke+" "+inv.Role+" "+u.Name, "project:role:revoke_invite", map[string]any{"role_name": inv.Role})
	})
	return s.finish(ctx, name, ls, err)
}
