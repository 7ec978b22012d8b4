package web

import (
	"context"
	"net/http"
	"sort"

	"wharf"
)

// userPage is the data of /user/<name>/: an account's public profile, as
// on PyPI: the name, when it joined and its projects. The e-mail address
// is never shown.
type userPage struct {
	Name     string
	Service  bool // a CI service account, marked as such
	Joined   dateView
	Projects []userProjectView
}

type userProjectView struct {
	Name, Href, Summary string
	Owner               bool
	LastReleased        *dateView // nil for a project without releases
}

// profile serves /user/<name>/. Names are matched without regard
// to case, as logins are; another spelling redirects to the account's own.
func (s *Server) profile(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	up, err := s.loadUserPage(r.Context(), name)
	if err != nil {
		return err
	}
	if up.Name != name {
		redirect(w, r, s.userHref(up.Name))
		return nil
	}
	return s.renderPage(w, r, http.StatusOK, "user.html", up)
}

func (s *Server) loadUserPage(ctx context.Context, name string) (*userPage, error) {
	up := &userPage{}
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByName(ctx, name)
		if err != nil {
			return err
		}
		up.Name, up.Service, up.Joined = u.Name, u.Service, newDate(u.Created)
		projects, err := tx.UserProjects(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, p := range projects {
			releases, err := tx.Releases(ctx, p.Project.ID)
			if err != nil {
				return err
			}
			up.Projects = append(up.Projects, userProject(s, p, releases))
		}
		return nil
	})
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	if err != nil {
		return nil, err
	}
	// Newest activity first, as on PyPI's profile pages; projects without
	// releases last.
	sort.SliceStable(up.Projects, func(i, j int) bool {
		a, b := up.Projects[i].LastReleased, up.Projects[j].LastReleased
		return a != nil && (b == nil || a.Machine > b.Machine)
	})
	return up, nil
}

// userProject is one row of a user's projects: the summary of the release
// the project's page shows, and when the project last released.
func userProject(s *Server, p wharf.UserProject, releases []wharf.Release) userProjectView {
	v := userProjectView{Name: p.Project.DisplayName, Href: s.projectHref(p.Project.Name), Owner: p.Role == wharf.RoleOwner}
	if r := latestRelease(releases); r != nil {
		v.Summary = r.Summary
	}
	for _, r := range releases {
		if d := newDate(r.Created); v.LastReleased == nil || d.Machine > v.LastReleased.Machine {
			v.LastReleased = &d
		}
	}
	return v
}
