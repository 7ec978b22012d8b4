package manage

import (
	"context"
	"slices"
	"strings"

	"wharf"
	"wharf/pep440"
)

// ProjectView is a project as its management page shows it.
type ProjectView struct {
	Project wharf.Project
	// Access says what the actor may do; the page offers only that.
	Access Access
	// Releases are newest first (PEP 440 order, reversed).
	Releases []ReleaseRow
}

// ReleaseRow is one release of a project and how many files it has.
type ReleaseRow struct {
	wharf.Release
	Files int
}

// ReleaseView is one release as its management page shows it.
type ReleaseView struct {
	Project wharf.Project
	Access  Access
	Release wharf.Release
	// Files are in filename order.
	Files []FileRow
}

// FileRow is one file of a release and the name of the account that
// uploaded it ("" if that account cannot be found).
type FileRow struct {
	wharf.File
	Uploader string
}

// Project returns the project called name (any spelling) with its
// releases, for the operator and for users with a role on it; anyone else
// gets ENOTFOUND, as for a name that does not exist.
func (s *Service) Project(ctx context.Context, actor wharf.Actor, name string) (*ProjectView, error) {
	var v ProjectView
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		p, acc, err := project(ctx, tx, actor, name)
		if err != nil {
			return err
		}
		v.Project, v.Access = *p, acc
		releases, err := tx.Releases(ctx, p.ID)
		if err != nil {
			return err
		}
		files, err := tx.Files(ctx, p.ID)
		if err != nil {
			return err
		}
		count := map[int64]int{}
		for _, f := range files {
			count[f.ReleaseID]++
		}
		for _, r := range slices.Backward(releases) {
			v.Releases = append(v.Releases, ReleaseRow{Release: r, Files: count[r.ID]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Release returns one release of the project called name with its files,
// under the same rule as Project. The actor is checked before the version
// is read.
func (s *Service) Release(ctx context.Context, actor wharf.Actor, name, version string) (*ReleaseView, error) {
	var v ReleaseView
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		p, acc, err := project(ctx, tx, actor, name)
		if err != nil {
			return err
		}
		r, err := releaseOf(ctx, tx, p, version)
		if err != nil {
			return err
		}
		v.Project, v.Access, v.Release = *p, acc, *r
		files, err := tx.ReleaseFiles(ctx, r.ID)
		if err != nil {
			return err
		}
		v.Files, err = withUploaders(ctx, tx, files)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// releaseOf finds p's release by any spelling of version.
func releaseOf(ctx context.Context, tx wharf.Tx, p *wharf.Project, version string) (*wharf.Release, error) {
	v, err := pep440.Parse(version)
	if err != nil {
		return nil, wharf.Errorf(wharf.EINVALID, "Invalid version %q.", version)
	}
	return tx.ReleaseByCanonical(ctx, p.ID, v.Canonical())
}

// withUploaders names the uploader of each file, sorted by filename,
// reading each account once.
func withUploaders(ctx context.Context, tx wharf.Tx, files []wharf.File) ([]FileRow, error) {
	names := map[int64]string{}
	rows := make([]FileRow, 0, len(files))
	for _, f := range files {
		name, seen := names[f.UploaderID]
		if !seen {
			u, err := tx.UserByID(ctx, f.UploaderID)
			switch {
			case err == nil:
				name = u.Name
			case !wharf.IsCode(err, wharf.ENOTFOUND):
				return nil, err
			}
			names[f.UploaderID] = name
		}
		rows = append(rows, FileRow{File: f, Uploader: name})
	}
	slices.SortFunc(rows, func(a, b FileRow) int { return strings.Compare(a.Filename, b.Filename) })
	return rows, nil
}
