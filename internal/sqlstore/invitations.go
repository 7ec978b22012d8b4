package sqlstore

import (
	"context"

	"wharf"
)

// AddInvitation records a pending invitation and sets its Created time.
func (t *Tx) AddInvitation(ctx context.Context, inv *wharf.Invitation) error {
	inv.Created = t.now
	_, err := t.exec(ctx, `INSERT INTO role_invitations (project_id, user_id, role, invited_by, created, expires) VALUES (?, ?, ?, ?, ?, ?)`,
		inv.ProjectID, inv.UserID, inv.Role, inv.InvitedBy, micros(inv.Created), micros(inv.Expires))
	return err
}

// invitationQuery selects invitations with the names a page shows.
const invitationQuery = `SELECT i.project_id, i.user_id, i.role, i.invited_by, i.created, i.expires, p.display_name, u.name, b.name
	FROM role_invitations i JOIN projects p ON p.id = i.project_id JOIN users u ON u.id = i.user_id JOIN users b ON b.id = i.invited_by `

func (t *Tx) scanInvitation(r scanner) (*wharf.Invitation, error) {
	var inv wharf.Invitation
	var created, expires int64
	if err := r.Scan(&inv.ProjectID, &inv.UserID, &inv.Role, &inv.InvitedBy, &created, &expires, &inv.Project, &inv.UserName, &inv.InviterName); err != nil {
		return nil, t.scanErr(err, "Invitation")
	}
	inv.Created, inv.Expires = fromMicros(created), fromMicros(expires)
	return &inv, nil
}

// InvitationFor returns the user's invitation to the project.
func (t *Tx) InvitationFor(ctx context.Context, projectID, userID int64) (*wharf.Invitation, error) {
	return t.scanInvitation(t.queryRow(ctx, invitationQuery+`WHERE i.project_id = ? AND i.user_id = ?`, projectID, userID))
}

// DeleteInvitation removes an invitation.
func (t *Tx) DeleteInvitation(ctx context.Context, projectID, userID int64) error {
	return t.mustAffect(ctx, "Invitation", `DELETE FROM role_invitations WHERE project_id = ? AND user_id = ?`, projectID, userID)
}

// ProjectInvitations lists a project's invitations, oldest first.
func (t *Tx) ProjectInvitations(ctx context.Context, projectID int64) ([]wharf.Invitation, error) {
	return queryAll(ctx, t, t.scanInvitation, invitationQuery+`WHERE i.project_id = ? ORDER BY i.created, u.name`, projectID)
}

// UserInvitations lists the invitations sent to a user, oldest first.
func (t *Tx) UserInvitations(ctx context.Context, userID int64) ([]wharf.Invitation, error) {
	return queryAll(ctx, t, t.scanInvitation, invitationQuery+`WHERE i.user_id = ? ORDER BY i.created, p.name`, userID)
}
