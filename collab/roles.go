package collab

import (
	"context"
	"fmt"

	"wharf"
)

// collaborator finds the user named username and their role on the
// project; ENOTFOUND when they have none.
func collaborator(ctx context.Context, tx wharf.Tx, p *wharf.Project, username string) (*wharf.User, string, error) {
	u, err := target(ctx, tx, username)
	if err != nil {
		return nil, "", err
	}
	role, err := tx.RoleOf(ctx, p.ID, u.ID)
	if err != nil {
		return nil, "", err
	}
	if role == "" {
		return nil, "", refuse(wharf.ENOTFOUND, RefusedNoRole, "%s has no role on %s.", u.Name, p.DisplayName)
	}
	return u, role, nil
}

// ChangeRole gives a collaborator another role on the project and mails
// them and the project's owners. Only an owner may (errors as Invite's).
// It refuses an unknown user and one with no role (ENOTFOUND), the role
// they already have and demoting the last owner (ECONFLICT).
func (s *Service) ChangeRole(ctx context.Context, actor wharf.Actor, project, username, role string) error {
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
		p := m.project
		u, old, err := collaborator(ctx, tx, p, username)
		if err != nil {
			return err
		}
		if old == role {
			return refuse(wharf.ECONFLICT, RefusedSameRole, "%s already has the %s role on %s.", u.Name, role, p.DisplayName)
		}
		if err := lastOwner(ctx, tx, p, u, old); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, p.ID, u.ID, role); err != nil {
			return err
		}
		list, err := owners(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		name = p.Name
		ls.add(u, fmt.Sprintf("Your role on %s is now %s", p.DisplayName, role),
			fmt.Sprintf("%s changed your role on the project %s from %s to %s.", m.user.Name, p.DisplayName, old, role))
		ls.addAll(list, u.ID, fmt.Sprintf("%s is now %s of %s", u.Name, withArticle(role), p.DisplayName),
			append([]string{fmt.Sprintf("%s changed the role of %s on the project %s from %s to %s.", m.user.Name, u.Name, p.DisplayName, old, role)},
				ownerNote(s, p)...)...)
		action := fmt.Sprintf("%s %s %s to %s", actionChange, old, u.Name, role)
		return record(ctx, tx, actor, p, u, action, "project:role:change", map[string]any{"role_name": role, "old_role_name": old})
	})
	return s.finish(ctx, name, ls, err)
}

// Remove takes the role of the user named username on the project away,
// and mails them and the project's owners. An owner may remove anyone,
// any collaborator themselves; the last owner cannot be removed
// (ECONFLICT). Other errors are ChangeRole's.
func (s *Service) Remove(ctx context.Context, actor wharf.Actor, project, username string) error {
	var ls letters
	var name string
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		m, err := access(ctx, tx, actor.UserID, project)
		if err != nil {
			return err
		}
		p := m.project
		if m.role != wharf.RoleOwner && (m.role == "" || username != m.user.Name) {
			return refuse(wharf.EFORBIDDEN, RefusedNotOwner, "Only owners of this project can manage its collaborators.")
		}
		u, old, err := collaborator(ctx, tx, p, username)
		if err != nil {
			return err
		}
		if err := lastOwner(ctx, tx, p, u, old); err != nil {
			return err
		}
		if err := tx.RemoveRole(ctx, p.ID, u.ID); err != nil {
			return err
		}
		list, err := owners(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		name = p.Name
		toUser := fmt.Sprintf("%s removed you from the project %s, where you were %s.", m.user.Name, p.DisplayName, withArticle(old))
		toOwners := fmt.Sprintf("%s removed %s, %s, from the project %s.", m.user.Name, u.Name, withArticle(old), p.DisplayName)
		if u.ID == m.user.ID {
			toUser = fmt.Sprintf("You left the project %s, where you were %s.", p.DisplayName, withArticle(old))
			toOwners = fmt.Sprintf("%s, %s, left the project %s.", u.Name, withArticle(old), p.DisplayName)
		}
		ls.add(u, fmt.Sprintf("You are no longer %s of %s", withArticle(old), p.DisplayName), toUser)
		ls.addAll(list, u.ID, fmt.Sprintf("%s is no longer %s of %s", u.Name, withArticle(old), p.DisplayName), append([]string{toOwners}, ownerNote(s, p)...)...)
		action := wharf.ActionDelRole + " " + old + " " + u.Name
		return record(ctx, tx, actor, p, u, action, "project:role:remove", map[string]any{"role_name": old})
	})
	return s.finish(ctx, name, ls, err)
}
