package manage

import (
	"context"

	"wharf"
	"wharf/dist"
)

// Access is what one actor may do with one project's releases and files.
//
// The rule, as on PyPI, is that maintainers upload and owners manage:
//
//   - An actor with no user (UserID 0) is the operator: wharf's commands,
//     run on the server's machine by someone who holds the database and
//     the blobs anyway. The operator may do anything, on every project.
//   - An actor that names a user (a web session) must hold a role on the
//     project. An Owner may yank, unyank and delete; a Maintainer may only
//     look, and is refused with EFORBIDDEN.
//   - Anyone else is told the project does not exist (ENOTFOUND, the same
//     message an unknown name gets), so the management pages reveal
//     nothing about a project to someone who has no part in it.
//
// Callers in package web never build an operator: every management route
// requires a login, so the actor they pass always names the user.
type Access struct {
	// Operator is the server's operator (see IsOperator).
	Operator bool
	// Role is the actor's role on the project (Owner or Maintainer); it
	// is empty for the operator.
	Role string
}

// CanManage reports whether the actor may yank, unyank and delete the
// project's releases and files.
func (a Access) CanManage() bool { return a.Operator || a.Role == wharf.RoleOwner }

// IsOperator reports whether actor is the server's operator: an actor
// that names no user, such as the command line's.
func IsOperator(actor wharf.Actor) bool { return actor.UserID == 0 }

// errNoProject is the refusal of a project the actor has no part in. It
// reads exactly as the store's answer for an unknown name.
func errNoProject() error { return wharf.Errorf(wharf.ENOTFOUND, "Project not found.") }

// accessTo returns the actor's access to p, or ENOTFOUND when the actor
// is a user with no role on it.
func accessTo(ctx context.Context, tx wharf.Tx, actor wharf.Actor, p *wharf.Project) (Access, error) {
	if IsOperator(actor) {
		return Access{Operator: true}, nil
	}
	role, err := tx.RoleOf(ctx, p.ID, actor.UserID)
	if err != nil {
		return Access{}, err
	}
	if role == "" {
		return Access{}, errNoProject()
	}
	return Access{Role: role}, nil
}

// project finds a project by any spelling of its name and checks that the
// actor has a part in it. A user with no role gets the same ENOTFOUND as
// for a name that does not exist.
func project(ctx context.Context, tx wharf.Tx, actor wharf.Actor, name string) (*wharf.Project, Access, error) {
	p, err := tx.ProjectByName(ctx, dist.NormalizeName(name))
	if err != nil {
		return nil, Access{}, err
	}
	acc, err := accessTo(ctx, tx, actor, p)
	if err != nil {
		return nil, Access{}, err
	}
	return p, acc, nil
}

// manageable finds a project the actor may change: the operator, or an
// owner. A maintainer is refused with EFORBIDDEN; anyone else with
// ENOTFOUND.
func manageable(ctx context.Context, tx wharf.Tx, actor wharf.Actor, name string) (*wharf.Project, error) {
	p, acc, err := project(ctx, tx, actor, name)
	if err != nil {
		return nil, err
	}
	if !acc.CanManage() {
		return nil, wharf.Errorf(wharf.EFORBIDDEN, "Only an owner of %s can yank or delete its releases and files.", p.DisplayName)
	}
	return p, nil
}
