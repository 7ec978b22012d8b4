package sqlstore

import (
	"context"
	"time"

	"wharf"
)

// CreateProject inserts p and sets its ID and Created time.
func (t *Tx) CreateProject(ctx context.Context, p *wharf.Project) error {
	p.Created = t.now
	id, err := t.insertID(ctx, `INSERT INTO projects (name, display_name, similarity_key, created, created_by) VALUES (?, ?, ?, ?, ?)`,
		p.Name, p.DisplayName, p.SimilarityKey, micros(p.Created), p.CreatedBy)
	if wharf.IsCode(err, wharf.ECONFLICT) {
		return wharf.Errorf(wharf.ECONFLICT, "The name %q conflicts with an existing project.", p.DisplayName)
	}
	p.ID = id
	return err
}

const projectCols = `id, name, display_name, similarity_key, last_serial, total_size, created, created_by`

func (t *Tx) scanProject(row scanner) (*wharf.Project, error) {
	var p wharf.Project
	var created int64
	if err := row.Scan(&p.ID, &p.Name, &p.DisplayName, &p.SimilarityKey, &p.LastSerial, &p.TotalSize, &created, &p.CreatedBy); err != nil {
		return nil, t.scanErr(err, "Project")
	}
	p.Created = fromMicros(created)
	return &p, nil
}

// ProjectByName returns the project with the normalized name.
func (t *Tx) ProjectByName(ctx context.Context, normalized string) (*wharf.Project, error) {
	return t.scanProject(t.queryRow(ctx, `SELECT `+projectCols+` FROM projects WHERE name = ?`, normalized))
}

// ProjectBySimilarityKey returns the project whose confusable-folded name is key.
func (t *Tx) ProjectBySimilarityKey(ctx context.Context, key string) (*wharf.Project, error) {
	return t.scanProject(t.queryRow(ctx, `SELECT `+projectCols+` FROM projects WHERE similarity_key = ?`, key))
}

// Projects lists every project ordered by name.
func (t *Tx) Projects(ctx context.Context) ([]wharf.Project, error) {
	return queryAll(ctx, t, t.scanProject, `SELECT `+projectCols+` FROM projects ORDER BY name`)
}

// CountProjectsCreatedBy counts the projects userID created since the given time.
func (t *Tx) CountProjectsCreatedBy(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM projects WHERE created_by = ? AND created >= ?`, userID, micros(since)).Scan(&n)
	return n, t.mapErr(err)
}

// AddProjectSize adds delta bytes to the project's total size.
func (t *Tx) AddProjectSize(ctx context.Context, projectID, delta int64) error {
	_, err := t.exec(ctx, `UPDATE projects SET total_size = total_size + ? WHERE id = ?`, delta, projectID)
	return err
}

// SetRole gives the user a role on the project, replacing any other role.
func (t *Tx) SetRole(ctx context.Context, projectID, userID int64, role string) error {
	if _, err := t.exec(ctx, `DELETE FROM roles WHERE project_id = ? AND user_id = ?`, projectID, userID); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO roles (project_id, user_id, role) VALUES (?, ?, ?)`, projectID, userID, role)
	return err
}

// RemoveRole takes away the user's role on the project.
func (t *Tx) RemoveRole(ctx context.Context, projectID, userID int64) error {
	return t.mustAffect(ctx, "Role", `DELETE FROM roles WHERE project_id = ? AND user_id = ?`, projectID, userID)
}

// RoleOf returns the user's role on the project, or "".
func (t *Tx) RoleOf(ctx context.Context, projectID, userID int64) (string, error) {
	var role string
	err := t.queryRow(ctx, `SELECT role FROM roles WHERE project_id = ? AND user_id = ?`, projectID, userID).Scan(&role)
	if wharf.IsCode(t.scanErr(err, ""), wharf.ENOTFOUND) {
		return "", nil
	}
	return role, t.mapErr(err)
}

// Roles lists the project's collaborators ordered by role then name.
func (t *Tx) Roles(ctx context.Context, projectID int64) ([]wharf.Role, error) {
	rows, err := t.query(ctx, `SELECT r.project_id, r.user_id, u.name, r.role FROM roles r JOIN users u ON u.id = r.user_id
		WHERE r.project_id = ? ORDER BY r.role DESC, u.name`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wharf.Role
	for rows.Next() {
		var r wharf.Role
		if err := rows.Scan(&r.ProjectID, &r.UserID, &r.UserName, &r.Role); err != nil {
			return nil, t.mapErr(err)
		}
		out = append(out, r)
	}
	return out, t.mapErr(rows.Err())
}
