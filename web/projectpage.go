package web

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"

	"wharf"
	"wharf/dist"
	"wharf/i18n"
	"wharf/pep440"
)

// projectPage is the data of /project/<name>/ and /project/<name>/<version>/:
// one release of a project, as PyPI's project page shows it.
type projectPage struct {
	Name, Version, Summary string
	Released               dateView
	Install                snippet
	Prerelease             bool
	Yanked                 bool
	YankedReason           string
	// Newest is the release the project's own page shows, when this page
	// shows another one.
	Newest *releaseView
	// Description is the README as the sanitiser left it, the only HTML a
	// page embeds as is; NoDescription and DescriptionFailed say why
	// there is none.
	Description       template.HTML
	NoDescription     bool
	DescriptionFailed bool
	Sidebar           projectSidebar
	Releases          []releaseView // newest first
	Sdists, Wheels    []fileView
	SimpleHref        string
	JSONHref          string
}

// projectSidebar is the metadata beside the description.
type projectSidebar struct {
	Links                      []projectLink
	License, LicenseExpression string
	RequiresPython             string
	Author, Maintainer         string
	Keywords                   string
	Classifiers                []classifierGroup
	Maintainers                []maintainerView
}

type releaseView struct {
	Version, Href string
	Date          dateView
	Yanked        bool
	Prerelease    bool
	Current       bool
}

type fileView struct {
	Filename, URL, SHA256 string
	Size                  sizeView
	Uploaded              dateView
}

type maintainerView struct {
	Name, Href string
	Owner      bool
}

// projectContent is what one render of a project page reads from the
// store, in one transaction.
type projectContent struct {
	*projectData
	Roles       []wharf.Role
	Description *wharf.Description // nil when none was stored
}

// projectPage serves /project/<name>/ and /project/<name>/<version>/ from
// the page cache, one rendering per project, locale and version.
func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	raw, version := r.PathValue("project"), r.PathValue("version")
	name := dist.NormalizeName(raw)
	if name != raw {
		path := s.projectHref(name)
		if version != "" {
			path += url.PathEscape(version) + "/"
		}
		redirect(w, r, path)
		return nil
	}
	canonical := ""
	if version != "" {
		v, err := pep440.Parse(version)
		if err != nil {
			return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
		}
		canonical = v.Canonical()
	}
	l := s.localizer(r)
	p, err := s.cache.cached(name, "page:"+l.ID()+":"+canonical, func() (*page, error) {
		c, rel, err := s.loadProjectContent(r.Context(), name, canonical)
		if err != nil {
			return nil, err
		}
		return s.renderProjectPage(l, c, rel, canonical != "")
	})
	if err != nil {
		return err
	}
	servePageHTML(w, l)
	s.servePage(w, r, p, pageHeaders)
	return nil
}

// loadProjectContent reads the project and picks the release to show: the
// one with the canonical version, or the newest (latestRelease) for "".
func (s *Server) loadProjectContent(ctx context.Context, name, canonical string) (*projectContent, *wharf.Release, error) {
	c := &projectContent{projectData: &projectData{}}
	var rel *wharf.Release
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(ctx, name)
		if err != nil {
			return err
		}
		c.Project = *p
		if c.Releases, err = tx.Releases(ctx, p.ID); err != nil {
			return err
		}
		rel = latestRelease(c.Releases)
		if canonical != "" {
			rel = nil
			for i := range c.Releases {
				if c.Releases[i].Canonical == canonical {
					rel = &c.Releases[i]
				}
			}
		}
		if rel == nil {
			return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
		}
		if c.Files, err = tx.Files(ctx, p.ID); err != nil {
			return err
		}
		if c.Roles, err = tx.Roles(ctx, p.ID); err != nil {
			return err
		}
		c.Description, err = tx.Description(ctx, rel.ID)
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			c.Description, err = nil, nil
		}
		return err
	})
	return c, rel, err
}

// renderProjectPage renders the page of release rel in locale l; pinned
// says the URL named the version.
func (s *Server) renderProjectPage(l *i18n.Localizer, c *projectContent, rel *wharf.Release, pinned bool) (*page, error) {
	var info wharf.ReleaseInfo
	if err := json.Unmarshal([]byte(rel.InfoJSON), &info); err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "decoding release info", err)
	}
	pre := isPrerelease(rel.Version)
	pg := projectPage{
		Name: c.Project.DisplayName, Version: rel.Version, Summary: rel.Summary, Released: newDate(rel.Created),
		Prerelease: pre, Yanked: rel.Yanked, YankedReason: rel.YankedReason,
		SimpleHref: s.simpleURL(c.Project.Name), JSONHref: s.prefix + "/pypi/" + url.PathEscape(c.Project.Name) + "/json",
	}
	// Plain "pip install name" would not pick a pre-release or a yanked
	// release, so those are pinned like a version's own page.
	install := "pip install " + c.Project.DisplayName
	if pinned || pre || rel.Yanked {
		install += "==" + rel.Version
	}
	pg.Install = snippet{ID: "pip-install", Code: install}
	pg.Description, pg.NoDescription, pg.DescriptionFailed = s.descriptionHTML(c.Description, info)
	pg.Sidebar = s.sidebar(info, rel, c.Roles)
	newest := latestRelease(c.Releases)
	for i := len(c.Releases) - 1; i >= 0; i-- {
		r := &c.Releases[i]
		rv := releaseView{Version: r.Version, Href: s.projectHref(c.Project.Name) + url.PathEscape(r.Version) + "/",
			Date: newDate(r.Created), Yanked: r.Yanked, Prerelease: isPrerelease(r.Version), Current: r.ID == rel.ID}
		pg.Releases = append(pg.Releases, rv)
		if r == newest && r.ID != rel.ID {
			pg.Newest = &rv
		}
	}
	for _, f := range c.Files {
		if f.ReleaseID != rel.ID {
			continue
		}
		fv := fileView{Filename: f.Filename, URL: s.fileURL(f), SHA256: f.SHA256, Size: newSize(f.Size), Uploaded: newDate(f.UploadTime)}
		if f.PackageType == wharf.PackageSdist {
			pg.Sdists = append(pg.Sdists, fv)
		} else {
			pg.Wheels = append(pg.Wheels, fv)
		}
	}
	// The switcher returns to the page's own address, whatever spelling of
	// the version the request used, so one rendering serves them all.
	here := s.projectHref(c.Project.Name)
	if pinned {
		here += url.PathEscape(rel.Version) + "/"
	}
	body, err := s.renderView(l, "project.html", here, pg)
	if err != nil {
		return nil, err
	}
	return newPage(body, "text/html; charset=utf-8", c.Project.LastSerial), nil
}

// sidebar gathers the release's metadata and the project's maintainers.
func (s *Server) sidebar(info wharf.ReleaseInfo, rel *wharf.Release, roles []wharf.Role) projectSidebar {
	sb := projectSidebar{
		Links: projectLinks(info), License: licenseSummary(info.License), LicenseExpression: info.LicenseExpression,
		RequiresPython: rel.RequiresPython, Author: info.Author, Maintainer: info.Maintainer, Keywords: info.Keywords,
		Classifiers: groupClassifiers(info.Classifiers),
	}
	for _, r := range roles {
		sb.Maintainers = append(sb.Maintainers, maintainerView{Name: r.UserName, Href: s.userHref(r.UserName), Owner: r.Role == wharf.RoleOwner})
	}
	return sb
}

// projectHref is the path of a project's page, with its trailing slash.
func (s *Server) projectHref(name string) string {
	return s.prefix + "/project/" + url.PathEscape(name) + "/"
}

// userHref is the path of a user's page.
func (s *Server) userHref(name string) string {
	return s.prefix + "/user/" + url.PathEscape(name) + "/"
}

// isPrerelease reports whether a stored version is a PEP 440 pre- or
// development release.
func isPrerelease(version string) bool {
	v, err := pep440.Parse(version)
	return err == nil && v.IsPrerelease()
}

// pageHeaders are the fixed headers of cached HTML pages. The layout's
// headers (Content-Security-Policy and the rest) come from Server.ServeHTTP.
// Browsers ask again each time (the ETag makes that cheap), so a page
// never outlives a language switch.
var pageHeaders = map[string][]string{
	"Cache-Control": {"no-cache"},
	"Vary":          {"Accept-Language, Cookie"},
}

// servePageHTML sets the header that differs between the locales of a
// cached page.
func servePageHTML(w http.ResponseWriter, l *i18n.Localizer) {
	w.Header().Set("Content-Language", l.ID())
}
