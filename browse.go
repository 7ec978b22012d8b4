package wharf

import "context"

// Description is a release's README as rendered once at upload. The web
// pages embed HTML as it is, so it must come from wharf/render's
// sanitiser and nowhere else.
type Description struct {
	// ContentType is the type the README was rendered as: text/markdown,
	// text/x-rst or text/plain, without parameters.
	ContentType string
	// HTML is the sanitised fragment.
	HTML string
}

// Counts are the sizes of the index that the home page shows.
type Counts struct {
	Projects, Releases, Files, Users int64
}

// ProjectRelease is a release with the names of its project, as listed
// across projects (the home page's newest releases).
type ProjectRelease struct {
	Project     string // normalized name
	DisplayName string
	Release     Release
}

// UserProject is a project on which a user holds a role.
type UserProject struct {
	Project Project
	Role    string // RoleOwner or RoleMaintainer
}

// BrowseTx reads what the public pages show across projects and users,
// and stores the rendered READMEs they embed. Like every Tx method, these
// must not be called from several goroutines at once.
type BrowseTx interface {
	// SetDescription stores the release's rendered README, replacing any
	// before. It returns ENOTFOUND when there is no such release.
	SetDescription(ctx context.Context, releaseID int64, d Description) error
	// Description returns the release's rendered README. It returns
	// ENOTFOUND when none was stored, as for releases uploaded before
	// READMEs were rendered at upload, and for unknown releases.
	Description(ctx context.Context, releaseID int64) (*Description, error)
	// Counts counts projects, releases, files and users.
	Counts(ctx context.Context) (Counts, error)
	// NewestReleases lists at most limit releases that are not yanked,
	// newest first.
	NewestReleases(ctx context.Context, limit int) ([]ProjectRelease, error)
	// UserProjects lists the projects on which the user holds a role,
	// ordered by normalized name; none for an unknown user.
	UserProjects(ctx context.Context, userID int64) ([]UserProject, error)
}
