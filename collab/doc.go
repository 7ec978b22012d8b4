// Package collab is the use case of a project's collaborators: owners
// invite users to a role (an invitation the user accepts or declines
// before it expires), change roles and remove collaborators, and every
// such change is recorded as an audit event and announced by email to the
// people it concerns. The last owner of a project cannot be removed.
package collab
