package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wharf"
	"wharf/audit"
)

// historyRoutes adds the security history pages: a user's own account, a
// project's (for its owners and maintainers), and every record (for
// admins). All are GET pages whose filters travel in the query string, so
// that a filtered page can be bookmarked and reloaded.
func (s *Server) historyRoutes(m *http.ServeMux) {
	if s.audit == nil {
		s.audit = audit.New(s.store, audit.Options{})
	}
	add := func(path string, h handlerFunc) {
		m.Handle("GET "+path, s.page(s.formPost(s.manage("", false, h))))
	}
	add("/manage/account/history/{$}", s.accountHistory)
	add("/manage/project/{project}/history/{$}", s.projectHistory)
	add("/admin/history/{$}", s.adminHistory)
}

// Which history a page shows; the template picks its title and columns.
const (
	historyAccount = "account"
	historyProject = "project"
	historyAdmin   = "admin"
)

// historyPage is the data of history.html.
type historyPage struct {
	Kind    string
	Project *wharf.Project // of a project's history
	Query   audit.Query
	Tags    []string
	Rows    []historyRow
	// Newest and Older link to the first page and to the next page, with
	// the same filters; "" when there is none.
	Newest, Older string
	// RetentionDays (or, for a period that is not whole days,
	// RetentionHours) says how long addresses stay readable.
	RetentionDays, RetentionHours int
	// FilterError names the admin filter that matched nothing: "user"
	// or "project".
	FilterError string
}

// historyRow is one record as the table shows it.
type historyRow struct {
	audit.Record
}

// Machine is the record's time for the datetime attribute.
func (r historyRow) Machine() string { return r.Time.UTC().Format(time.RFC3339) }

// Shown is the record's time as the table shows it, in UTC.
func (r historyRow) Shown() string { return r.Time.UTC().Format("2006-01-02 15:04 UTC") }

// accountHistory serves /manage/account/history/: the events about the
// logged-in user's account.
func (s *Server) accountHistory(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r, false)
	if err != nil {
		return err
	}
	h, err := s.audit.AccountHistory(r.Context(), currentUser(r).User, q)
	if err != nil {
		return err
	}
	return s.renderHistory(w, r, http.StatusOK, historyPage{Kind: historyAccount, Query: q}, h)
}

// projectHistory serves /manage/project/<name>/history/ to the project's
// owners and maintainers (and admins); anyone else gets the 404 an
// unknown project gets.
func (s *Server) projectHistory(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r, false)
	if err != nil {
		return err
	}
	h, err := s.audit.ProjectHistory(r.Context(), currentUser(r).User, r.PathValue("project"), q)
	if err != nil {
		return err
	}
	return s.renderHistory(w, r, http.StatusOK, historyPage{Kind: historyProject, Query: q, Project: h.Project}, h)
}

// adminHistory serves /admin/history/: every record, filtered by type,
// user and project, to admins; anyone else gets 404.
func (s *Server) adminHistory(w http.ResponseWriter, r *http.Request) error {
	q, err := historyQuery(r, true)
	if err != nil {
		return err
	}
	p := historyPage{Kind: historyAdmin, Query: q}
	h, err := s.audit.AllHistory(r.Context(), currentUser(r).User, q)
	switch {
	case errors.Is(err, audit.ErrUnknownUser):
		p.FilterError = "user"
	case errors.Is(err, audit.ErrUnknownProject):
		p.FilterError = "project"
	case err != nil:
		return err
	}
	if p.FilterError != "" {
		return s.renderHistory(w, r, http.StatusBadRequest, p, &audit.History{})
	}
	return s.renderHistory(w, r, http.StatusOK, p, h)
}

// historyQuery reads a history page's filters; admin pages also take a
// user and a project.
func historyQuery(r *http.Request, admin bool) (audit.Query, error) {
	v := r.URL.Query()
	q := audit.Query{Tag: v.Get("tag")}
	if b := v.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return q, wharf.Errorf(wharf.EINVALID, "The page to show is not valid.")
		}
		q.Before = n
	}
	if admin {
		q.User, q.Project = v.Get("user"), v.Get("project")
	}
	return q, nil
}

// renderHistory fills the page's rows, links and retention from h.
func (s *Server) renderHistory(w http.ResponseWriter, r *http.Request, status int, p historyPage, h *audit.History) error {
	p.Tags = h.Tags
	for _, rec := range h.Records {
		p.Rows = append(p.Rows, historyRow{rec})
	}
	link := func(before int64) string {
		v := url.Values{}
		for k, val := range map[string]string{"tag": p.Query.Tag, "user": p.Query.User, "project": p.Query.Project} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if before > 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return s.prefix + r.URL.Path
		}
		return s.prefix + r.URL.Path + "?" + v.Encode()
	}
	if p.Query.Before > 0 {
		p.Newest = link(0)
	}
	if h.Older > 0 {
		p.Older = link(h.Older)
	}
	ret := s.audit.Retention()
	if ret%(24*time.Hour) == 0 {
		p.RetentionDays = int(ret / (24 * time.Hour))
	} else {
		p.RetentionHours = int((ret + time.Hour - 1) / time.Hour)
	}
	return s.renderPage(w, r, status, "history.html", p)
}
