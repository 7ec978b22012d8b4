package web

import (
	"context"
	"net/http"
	"net/url"

	"wharf"
	"wharf/i18n"
)

// newestReleases is how many releases the home page lists.
const newestReleases = 10

// homeView is the data of /: the index's size and its newest releases.
type homeView struct {
	Projects, Releases, Files, Users int
	Newest                           []newestView
}

type newestView struct {
	Name, Version, Summary, Href string
	Date                         dateView
	Prerelease                   bool
}

// homePage serves /. It is kept in the page cache with the index pages, which
// every change evicts; a new account alone does not, so the user count
// may lag until the next upload.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request) error {
	l := s.localizer(r)
	p, err := s.cache.cached(indexKey, "home:"+l.ID(), func() (*page, error) { return s.renderHome(r.Context(), l) })
	if err != nil {
		return err
	}
	servePageHTML(w, l)
	s.servePage(w, r, p, pageHeaders)
	return nil
}

func (s *Server) renderHome(ctx context.Context, l *i18n.Localizer) (*page, error) {
	var counts wharf.Counts
	var newest []wharf.ProjectRelease
	var serial int64
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		if serial, err = tx.LastSerial(ctx); err != nil {
			return err
		}
		if counts, err = tx.Counts(ctx); err != nil {
			return err
		}
		newest, err = tx.NewestReleases(ctx, newestReleases)
		return err
	})
	if err != nil {
		return nil, err
	}
	hp := homeView{Projects: int(counts.Projects), Releases: int(counts.Releases), Files: int(counts.Files), Users: int(counts.Users)}
	for _, pr := range newest {
		hp.Newest = append(hp.Newest, newestView{Name: pr.DisplayName, Version: pr.Release.Version, Summary: pr.Release.Summary,
			Href: s.projectHref(pr.Project) + url.PathEscape(pr.Release.Version) + "/", Date: newDate(pr.Release.Created),
			Prerelease: isPrerelease(pr.Release.Version)})
	}
	body, err := s.renderView(l, "home.html", s.prefix+"/", hp)
	if err != nil {
		return nil, err
	}
	return newPage(body, "text/html; charset=utf-8", serial), nil
}
