package web

import (
	"context"
	"net/url"
	"time"

	"wharf"
	"wharf/pep440"
)

// projectData is everything the read APIs show of one project, loaded in
// one transaction.
type projectData struct {
	Project  wharf.Project
	Releases []wharf.Release // PEP 440 order, oldest first
	Files    []wharf.File    // release order, then filename
}

func (s *Server) loadProject(ctx context.Context, name string) (*projectData, error) {
	var d projectData
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(ctx, name)
		if err != nil {
			return err
		}
		d.Project = *p
		if d.Releases, err = tx.Releases(ctx, p.ID); err != nil {
			return err
		}
		d.Files, err = tx.Files(ctx, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// fileURL is the public URL of a file, in PyPI's content-addressed layout.
func (s *Server) fileURL(f wharf.File) string {
	h := f.SHA256
	return s.prefix + "/packages/" + h[0:2] + "/" + h[2:4] + "/" + h[4:] + "/" + url.PathEscape(f.Filename)
}

// servesMetadata reports whether the file's core metadata is offered as a
// PEP 658 file. Like PyPI, only wheels' metadata is: an sdist's PKG-INFO
// may list dependencies as dynamic and so cannot stand in for the build.
func servesMetadata(f wharf.File) bool {
	return f.PackageType == wharf.PackageWheel && f.MetadataSHA256 != ""
}

// isoTime formats an upload time as PyPI does, with microseconds.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// latestRelease picks the release whose metadata a project page shows, as
// PyPI does: the newest final release that is not yanked, else the newest
// pre-release that is not yanked, else the newest of all.
func latestRelease(rs []wharf.Release) *wharf.Release {
	var pre *wharf.Release
	for i := len(rs) - 1; i >= 0; i-- {
		r := &rs[i]
		if r.Yanked {
			continue
		}
		v, err := pep440.Parse(r.Version)
		if err == nil && !v.IsPrerelease() {
			return r
		}
		if pre == nil {
			pre = r
		}
	}
	if pre != nil {
		return pre
	}
	if len(rs) > 0 {
		return &rs[len(rs)-1]
	}
	return nil
}
