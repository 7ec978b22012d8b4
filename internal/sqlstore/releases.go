package sqlstore

import (
	"context"

	"wharf"
)

// CreateRelease inserts r and sets its ID and Created time.
func (t *Tx) CreateRelease(ctx context.Context, r *wharf.Release) error {
	r.Created = t.now
	id, err := t.insertID(ctx, `INSERT INTO releases (project_id, version, canonical, sort_key, requires_python, summary, info_json, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ProjectID, r.Version, r.Canonical, r.SortKey, r.RequiresPython, r.Summary, r.InfoJSON, micros(r.Created))
	r.ID = id
	return err
}

const releaseCols = `id, project_id, version, canonical, sort_key, yanked, yanked_reason, requires_python, summary, info_json, created`

func (t *Tx) scanRelease(row scanner) (*wharf.Release, error) {
	var r wharf.Release
	var yanked int
	var created int64
	if err := row.Scan(&r.ID, &r.ProjectID, &r.Version, &r.Canonical, &r.SortKey, &yanked, &r.YankedReason,
		&r.RequiresPython, &r.Summary, &r.InfoJSON, &created); err != nil {
		return nil, t.scanErr(err, "Release")
	}
	r.Yanked = yanked != 0
	r.Created = fromMicros(created)
	return &r, nil
}

// ReleaseByCanonical returns the project's release with the canonical version.
func (t *Tx) ReleaseByCanonical(ctx context.Context, projectID int64, canonical string) (*wharf.Release, error) {
	return t.scanRelease(t.queryRow(ctx, `SELECT `+releaseCols+` FROM releases WHERE project_id = ? AND canonical = ?`, projectID, canonical))
}

// Releases lists the project's releases in PEP 440 order.
func (t *Tx) Releases(ctx context.Context, projectID int64) ([]wharf.Release, error) {
	return queryAll(ctx, t, t.scanRelease, `SELECT `+releaseCols+` FROM releases WHERE project_id = ? ORDER BY sort_key, id`, projectID)
}

// SetYanked sets or clears the release's yank and its reason.
func (t *Tx) SetYanked(ctx context.Context, releaseID int64, yanked bool, reason string) error {
	return t.mustAffect(ctx, "Release", `UPDATE releases SET yanked = ?, yanked_reason = ? WHERE id = ?`, boolInt(yanked), reason, releaseID)
}

// DeleteRelease removes the release and its files; their filenames stay
// reserved in the registry.
func (t *Tx) DeleteRelease(ctx context.Context, releaseID int64) error {
	if _, err := t.exec(ctx, `DELETE FROM files WHERE release_id = ?`, releaseID); err != nil {
		return err
	}
	return t.mustAffect(ctx, "Release", `DELETE FROM releases WHERE id = ?`, releaseID)
}
