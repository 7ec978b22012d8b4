package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"wharf"
)

// SetDescription stores the release's rendered README.
func (t *Tx) SetDescription(ctx context.Context, releaseID int64, d wharf.Description) error {
	return t.mustAffect(ctx, "Release", `UPDATE releases SET description_type = ?, description_html = ? WHERE id = ?`,
		d.ContentType, d.HTML, releaseID)
}

// Description returns the release's rendered README; a NULL column means
// none was stored.
func (t *Tx) Description(ctx context.Context, releaseID int64) (*wharf.Description, error) {
	var d wharf.Description
	var html sql.NullString
	err := t.queryRow(ctx, `SELECT description_type, description_html FROM releases WHERE id = ?`, releaseID).Scan(&d.ContentType, &html)
	if err != nil {
		return nil, t.scanErr(err, "Description")
	}
	if !html.Valid {
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Description not found.")
	}
	d.HTML = html.String
	return &d, nil
}

// Counts counts projects, releases, files and users in one query.
func (t *Tx) Counts(ctx context.Context) (wharf.Counts, error) {
	var c wharf.Counts
	err := t.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM projects), (SELECT COUNT(*) FROM releases),
		(SELECT COUNT(*) FROM files), (SELECT COUNT(*) FROM users)`).Scan(&c.Projects, &c.Releases, &c.Files, &c.Users)
	return c, t.mapErr(err)
}

// prefixedReleaseCols are releaseCols qualified by the alias r, for joins.
var prefixedReleaseCols = "r." + strings.ReplaceAll(releaseCols, ", ", ", r.")

// NewestReleases lists the newest releases that are not yanked.
func (t *Tx) NewestReleases(ctx context.Context, limit int) ([]wharf.ProjectRelease, error) {
	rows, err := t.query(ctx, `SELECT `+prefixedReleaseCols+`, p.name, p.display_name
		FROM releases r JOIN projects p ON p.id = r.project_id
		WHERE r.yanked = 0 ORDER BY r.created DESC, r.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wharf.ProjectRelease
	for rows.Next() {
		var pr wharf.ProjectRelease
		r, err := t.scanRelease(withExtra{rows, []any{&pr.Project, &pr.DisplayName}})
		if err != nil {
			return nil, err
		}
		pr.Release = *r
		out = append(out, pr)
	}
	return out, t.mapErr(rows.Err())
}

// UserProjects lists the projects on which the user holds a role.
func (t *Tx) UserProjects(ctx context.Context, userID int64) ([]wharf.UserProject, error) {
	cols := "p." + strings.ReplaceAll(projectCols, ", ", ", p.")
	rows, err := t.query(ctx, `SELECT `+cols+`, r.role FROM roles r JOIN projects p ON p.id = r.project_id
		WHERE r.user_id = ? ORDER BY p.name`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wharf.UserProject
	for rows.Next() {
		var up wharf.UserProject
		p, err := t.scanProject(withExtra{rows, []any{&up.Role}})
		if err != nil {
			return nil, err
		}
		up.Project = *p
		out = append(out, up)
	}
	return out, t.mapErr(rows.Err())
}

// withExtra lets a table's scan function read a joined row: the columns
// after the table's own go into extra.
type withExtra struct {
	row   scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error {
	return w.row.Scan(append(dest, w.extra...)...)
}
