package web

import (
	"errors"
	"net/http"
	"slices"

	"wharf"
	"wharf/collab"
)

// collaborationRoutes adds the pages where owners manage a project's
// collaborators and users answer invitations, at PyPI's paths. Forms post
// to sub-paths and come back with a ?done= notice.
func (s *Server) collaborationRoutes(m *http.ServeMux) {
	const projects = "/manage/projects/"
	add := func(method, path string, h handlerFunc) {
		m.Handle(method+" "+path, s.page(s.formPost(s.manage(projects, false, h))))
	}
	add("GET", projects+"{$}", s.manageProjects)
	add("POST", projects+"invitation/{project}/accept/{$}", s.answerInvitation(true))
	add("POST", projects+"invitation/{project}/decline/{$}", s.answerInvitation(false))
	// A login interrupted on a project's page returns to that page, not to
	// the path a form posted to.
	project := func(method, sub string, h handlerFunc) {
		m.Handle(method+" /manage/project/{project}/collaboration/"+sub, s.page(s.formPost(func(w http.ResponseWriter, r *http.Request) error {
			return s.manage(collabPath(r), false, s.sudo(h))(w, r)
		})))
	}
	project("GET", "{$}", s.collaboration)
	project("POST", "invite/{$}", s.invite)
	project("POST", "role/{$}", s.changeRole)
	project("POST", "revoke/{$}", s.revokeInvitation)
	project("GET", "remove/{$}", s.removeCollaborator)
	project("POST", "remove/{$}", s.removeCollaborator)
}

// collabPath is the collaborator page of r's project, without the prefix.
func collabPath(r *http.Request) string {
	return "/manage/project/" + r.PathValue("project") + "/collaboration/"
}

// doneValue returns r's ?done= when it is one of the notices a page knows.
func doneValue(r *http.Request, known ...string) string {
	if done := r.URL.Query().Get("done"); slices.Contains(known, done) {
		return done
	}
	return ""
}

// projectsPage is the data of manage-projects.html.
type projectsPage struct {
	Projects    []wharf.UserProject
	Invitations []wharf.Invitation
	Form        *form
	Done        string
}

// manageProjects serves /manage/projects/: the user's projects and the
// invitations waiting for their answer.
func (s *Server) manageProjects(w http.ResponseWriter, r *http.Request) error {
	return s.renderProjects(w, r, newForm(r), doneValue(r, "accepted", "declined", "left"))
}

func (s *Server) renderProjects(w http.ResponseWriter, r *http.Request, f *form, done string) error {
	id := currentUser(r).User.ID
	projects, err := s.collab.Projects(r.Context(), id)
	if err != nil {
		return err
	}
	invs, err := s.collab.Invitations(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderPage(w, r, f.status, "manage-projects.html", projectsPage{Projects: projects, Invitations: invs, Form: f, Done: done})
}

// answerInvitation accepts or declines the user's invitation to a
// project. Someone else's invitation, or none, is a 404.
func (s *Server) answerInvitation(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		answer, done := s.collab.Decline, "declined"
		if accept {
			answer, done = s.collab.Accept, "accepted"
		}
		err := answer(r.Context(), actor(r), r.PathValue("project"))
		switch {
		case err == nil:
			return seeOther(w, r, s.prefix+"/manage/projects/?done="+done)
		case wharf.IsCode(err, wharf.ENOTFOUND):
			return err
		}
		f := newForm(r)
		if err := refusalOn(f, err, nil); err != nil {
			return err
		}
		return s.renderProjects(w, r, f, "")
	}
}

// collabPage is the data of manage-collaboration.html, which shows one
// of three things: the collaborators (Team, with forms for owners), the
// refusal of a maintainer (Forbidden), or the confirmation of a removal
// (Remove names the user).
type collabPage struct {
	Team      *collab.Team
	Form      *form
	Done      string
	Forbidden bool
	Remove    string
	// Self says the user removes themselves (leaves the project).
	Self bool
}

// collaboration serves /manage/project/<name>/collaboration/.
func (s *Server) collaboration(w http.ResponseWriter, r *http.Request) error {
	return s.renderCollab(w, r, newForm(r), doneValue(r, "invited", "revoked", "role", "removed"))
}

// renderCollab renders the collaborator page with f's errors. A
// maintainer gets the refusal (403); an administrator with no role sees
// the page without its forms; anyone else with no role gets 404.
func (s *Server) renderCollab(w http.ResponseWriter, r *http.Request, f *form, done string) error {
	team, err := s.collab.Collaborators(r.Context(), actor(r), r.PathValue("project"))
	if err != nil {
		return err
	}
	if team.ViewerRole == wharf.RoleMaintainer {
		return s.renderPage(w, r, http.StatusForbidden, "manage-collaboration.html", collabPage{Team: team, Forbidden: true})
	}
	return s.renderPage(w, r, f.status, "manage-collaboration.html", collabPage{Team: team, Form: f, Done: done})
}

// collabAction runs one owner's action of a form on the collaborator
// page: on success back to the page with the notice done, else the page
// with the refusal next to field.
func (s *Server) collabAction(w http.ResponseWriter, r *http.Request, f *form, field, done string, action func() error) error {
	err := action()
	if err == nil {
		return seeOther(w, r, s.prefix+collabPath(r)+"?done="+done)
	}
	if err := refusalOn(f, err, fieldOf(field)); err != nil {
		return err
	}
	return s.renderCollab(w, r, f, "")
}

// fieldOf returns the function that puts the invitation form's refusals
// about the user next to field, and the others at the top of the page.
func fieldOf(field string) func(collab.Refusal) string {
	return func(reason collab.Refusal) string {
		switch reason {
		case collab.RefusedUnknownUser, collab.RefusedSelf, collab.RefusedHasRole, collab.RefusedPending,
			collab.RefusedService, collab.RefusedUnverified:
			return field
		case collab.RefusedRole:
			if field != "" {
				return "role"
			}
		}
		return ""
	}
}

// invite sends an invitation (POST …/collaboration/invite/).
func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "username", "role")
	if !f.required(r, "username", "role") {
		return s.renderCollab(w, r, f, "")
	}
	return s.collabAction(w, r, f, "username", "invited", func() error {
		return s.collab.Invite(r.Context(), actor(r), r.PathValue("project"), r.PostFormValue("username"), r.PostFormValue("role"))
	})
}

// changeRole gives a collaborator another role (POST …/collaboration/role/).
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	return s.collabAction(w, r, newForm(r), "", "role", func() error {
		return s.collab.ChangeRole(r.Context(), actor(r), r.PathValue("project"), r.PostFormValue("username"), r.PostFormValue("role"))
	})
}

// revokeInvitation withdraws an invitation (POST …/collaboration/revoke/).
func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.collabAction(w, r, newForm(r), "", "revoked", func() error {
		return s.collab.RevokeInvitation(r.Context(), actor(r), r.PathValue("project"), r.PostFormValue("username"))
	})
}

// removeCollaborator serves …/collaboration/remove/?username=: GET asks
// for the username to be typed again, POST removes. Owners remove anyone,
// any collaborator themselves; a user who leaves goes back to their
// projects, as the page is no longer theirs.
func (s *Server) removeCollaborator(w http.ResponseWriter, r *http.Request) error {
	username := r.FormValue("username")
	team, err := s.collab.Collaborators(r.Context(), actor(r), r.PathValue("project"))
	if err != nil {
		return err
	}
	self := username == currentUser(r).User.Name
	if !team.Owner() && !self {
		return s.renderPage(w, r, http.StatusForbidden, "manage-collaboration.html", collabPage{Team: team, Forbidden: true})
	}
	if !slices.ContainsFunc(team.Roles, func(role wharf.Role) bool { return role.UserName == username }) {
		return wharf.Errorf(wharf.ENOTFOUND, "No such collaborator.")
	}
	f := newForm(r)
	if r.Method == http.MethodPost && f.required(r, "confirm") {
		switch {
		case r.PostFormValue("confirm") != username:
			f.invalid(http.StatusBadRequest, "confirm", msg{Key: "confirm"})
		default:
			err := s.collab.Remove(r.Context(), actor(r), r.PathValue("project"), username)
			if err == nil && self {
				return seeOther(w, r, s.prefix+"/manage/projects/?done=left")
			}
			if err == nil {
				return seeOther(w, r, s.prefix+collabPath(r)+"?done=removed")
			}
			if err := refusalOn(f, err, nil); err != nil {
				return err
			}
		}
	}
	return s.renderPage(w, r, f.status, "manage-collaboration.html", collabPage{Team: team, Form: f, Remove: username, Self: self})
}

// refusalOn records the use case's refusal on f, next to the field that
// fieldOf names (at the top without it), keyed by its reason for the
// template; a refusal to a maintainer renders as the page's refusal (403).
// A missing project, and anything that is not a refusal, are returned for
// the error pages.
func refusalOn(f *form, err error, fieldOf func(collab.Refusal) string) error {
	var reason collab.Refusal
	if !errors.As(err, &reason) {
		return err
	}
	field := ""
	if fieldOf != nil {
		field = fieldOf(reason)
	}
	// A name typed into a form that matches nothing is a mistake in the
	// form (400), not a missing page.
	status := statusOf(err)
	if status == http.StatusNotFound {
		status = http.StatusBadRequest
	}
	f.invalid(status, field, msg{Key: refusalKey(reason), Detail: wharf.ErrorMessage(err)})
	return nil
}

// refusalKey is the template's key for a refusal (collab-msg).
func refusalKey(reason collab.Refusal) string {
	switch reason {
	case collab.RefusedNotOwner:
		return "not_owner"
	case collab.RefusedRole:
		return "role"
	case collab.RefusedUnknownUser:
		return "unknown_user"
	case collab.RefusedSelf:
		return "self"
	case collab.RefusedHasRole:
		return "has_role"
	case collab.RefusedPending:
		return "pending"
	case collab.RefusedService:
		return "service"
	case collab.RefusedUnverified:
		return "unverified"
	case collab.RefusedLastOwner:
		return "last_owner"
	case collab.RefusedSameRole:
		return "same_role"
	case collab.RefusedNoRole:
		return "no_role"
	case collab.RefusedNoInvitation:
		return "no_invitation"
	case collab.RefusedExpired:
		return "expired"
	}
	return "detail"
}
