package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wharf"
	"wharf/manage"
)

// projectManageRoutes adds the pages where a project's owners and
// maintainers see its releases and files, and where owners yank, unyank
// and delete them, at PyPI's paths. Who may do what is decided by the
// manage use case (manage.Access); these handlers only ask it and offer
// what it allows.
func (s *Server) projectManageRoutes(m *http.ServeMux) {
	if s.manager == nil {
		return
	}
	const project, release = "/manage/project/{project}/", "/manage/project/{project}/release/{version}/"
	add := func(method, path string, h handlerFunc) {
		// A login started from a form comes back to the release page,
		// which a GET can reach, not to the form's own path.
		back := func(w http.ResponseWriter, r *http.Request) error {
			path := ""
			if r.Method == http.MethodPost {
				path = releasePath(r.PathValue("project"), r.PathValue("version"))
			}
			return s.manage(path, false, s.sudo(h))(w, r)
		}
		m.Handle(method+" "+path, s.page(s.formPost(back)))
	}
	add("GET", project+"{$}", s.manageProject)
	add("GET", release+"{$}", s.manageRelease)
	add("POST", release+"yank/{$}", s.releaseAction(yankAction))
	add("POST", release+"unyank/{$}", s.releaseAction(unyankAction))
	add("POST", release+"delete/{$}", s.releaseAction(deleteReleaseAction))
	add("POST", release+"file/delete/{$}", s.releaseAction(deleteFileAction))
}

// releasePath is the path (without the prefix) of a release's management
// page.
func releasePath(project, version string) string {
	return "/manage/project/" + url.PathEscape(project) + "/release/" + url.PathEscape(version) + "/"
}

// userActor is the actor of a management request. The routes require a
// login, so it always names the user; should one ever not, the request is
// refused rather than acting as the operator, which an actor without a
// user is to the manage use case.
func userActor(r *http.Request) (wharf.Actor, error) {
	a := actor(r)
	if a.UserID == 0 {
		return a, wharf.Errorf(wharf.EUNAUTHORIZED, "Log in to manage projects.")
	}
	return a, nil
}

// projectManagePage is the data of manage-project.html.
type projectManagePage struct {
	Project   wharf.Project
	Role      string
	CanManage bool
	Releases  []releaseRowView
	// Done names the change that just succeeded, for a notice.
	Done string
}

// releaseRowView is one row of a project's releases.
type releaseRowView struct {
	Version string
	Path    string // the release page, prefix included
	Created dateView
	Yanked  bool
	Files   int
}

// manageProject serves /manage/project/<name>/: the releases of a project,
// for its owners and maintainers.
func (s *Server) manageProject(w http.ResponseWriter, r *http.Request) error {
	a, err := userActor(r)
	if err != nil {
		return err
	}
	v, err := s.manager.Project(r.Context(), a, r.PathValue("project"))
	if err != nil {
		return err
	}
	p := projectManagePage{Project: v.Project, Role: v.Access.Role, CanManage: v.Access.CanManage()}
	for _, rel := range v.Releases {
		p.Releases = append(p.Releases, releaseRowView{Version: rel.Version, Path: s.prefix + releasePath(v.Project.Name, rel.Version),
			Created: newDate(rel.Created), Yanked: rel.Yanked, Files: rel.Files})
	}
	if r.URL.Query().Get("done") == "deleted" {
		p.Done = "deleted"
	}
	return s.renderPage(w, r, http.StatusOK, "manage-project.html", p)
}

// releaseManagePage is the data of manage-release.html.
type releaseManagePage struct {
	Project   wharf.Project
	Release   wharf.Release
	Created   dateView
	Role      string
	CanManage bool
	Files     []fileRowView
	Form      *form
	Done      string
}

// fileRowView is one file of a release. Field is the name of its
// confirmation field, unique on the page.
type fileRowView struct {
	Filename, PackageType, Uploader, Field string
	Size                                   sizeView
	Uploaded                               dateView
}

// confirmField is the data of the template "release-confirm": a field
// where the owner types a version or file name, and its error.
type confirmField struct {
	Name, ID, Label string
	Error           *msg
}

// Confirm is a confirmation field for the template; id is unique on the
// page and is the field its errors name.
func (p releaseManagePage) Confirm(name, id, label string) confirmField {
	c := confirmField{Name: name, ID: id, Label: label}
	for _, e := range p.Form.Errors {
		if e.Field == id {
			c.Error = &e.Msg
			break
		}
	}
	return c
}

// loadRelease reads the release of the request's path for its actor.
func (s *Server) loadRelease(r *http.Request) (*manage.ReleaseView, error) {
	a, err := userActor(r)
	if err != nil {
		return nil, err
	}
	return s.manager.Release(r.Context(), a, r.PathValue("project"), r.PathValue("version"))
}

// renderRelease renders the release page of v with f's errors (or a
// notice).
func (s *Server) renderRelease(w http.ResponseWriter, r *http.Request, v *manage.ReleaseView, f *form, done string) error {
	p := releaseManagePage{Project: v.Project, Release: v.Release, Created: newDate(v.Release.Created),
		Role: v.Access.Role, CanManage: v.Access.CanManage(), Form: f, Done: done}
	for i, file := range v.Files {
		p.Files = append(p.Files, fileRowView{Filename: file.Filename, PackageType: file.PackageType, Uploader: file.Uploader,
			Field: fileField(i), Size: newSize(file.Size), Uploaded: newDate(file.UploadTime)})
	}
	return s.renderPage(w, r, f.status, "manage-release.html", p)
}

// fileField names the confirmation field of the i-th file's form.
func fileField(i int) string { return "confirm_file_" + strconv.Itoa(i) }

// manageRelease serves /manage/project/<name>/release/<version>/: the
// release's files, and for owners the forms that yank, unyank and delete.
func (s *Server) manageRelease(w http.ResponseWriter, r *http.Request) error {
	v, err := s.loadRelease(r)
	if err != nil {
		return err
	}
	done := r.URL.Query().Get("done")
	switch done {
	case "yanked", "unyanked", "file_deleted", "":
	default:
		done = ""
	}
	return s.renderRelease(w, r, v, newForm(r), done)
}

// releaseOp is one owner action of the release page.
type releaseOp int

const (
	yankAction releaseOp = iota
	unyankAction
	deleteReleaseAction
	deleteFileAction
)

// confirmFields are the fields where the owner types the version to
// confirm each action on the whole release, as on PyPI.
var confirmFields = map[releaseOp]string{
	yankAction:          "confirm_yank_version",
	unyankAction:        "confirm_unyank_version",
	deleteReleaseAction: "confirm_delete_version",
}

// releaseAction serves the form of one owner action. The release is read
// first: a user with no role on the project gets 404 and a maintainer 403
// before the form is looked at. A confirmation that does not match gives
// the page again with the error (400) and changes nothing. The use case
// checks the actor again itself.
func (s *Server) releaseAction(op releaseOp) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := s.loadRelease(r)
		if err != nil {
			return err
		}
		if !v.Access.CanManage() {
			return wharf.Errorf(wharf.EFORBIDDEN, "Only an owner of %s can yank or delete its releases and files.", v.Project.DisplayName)
		}
		f := newForm(r, "yanked_reason")
		filename, err := confirmAction(op, r, v, f)
		if err != nil {
			return err
		}
		if len(f.Errors) > 0 {
			return s.renderRelease(w, r, v, f, "")
		}
		a, ctx, name, version := actor(r), r.Context(), v.Project.Name, v.Release.Version
		next := s.prefix + releasePath(name, version) + "?done="
		switch op {
		case yankAction:
			err, next = s.manager.Yank(ctx, a, name, version, strings.TrimSpace(r.PostFormValue("yanked_reason"))), next+"yanked"
		case unyankAction:
			err, next = s.manager.Unyank(ctx, a, name, version), next+"unyanked"
		case deleteReleaseAction:
			err, next = s.manager.Delete(ctx, a, name, version, ""), s.prefix+"/manage/project/"+url.PathEscape(name)+"/?done=deleted"
		case deleteFileAction:
			err, next = s.manager.Delete(ctx, a, name, version, filename), next+"file_deleted"
		}
		if err != nil {
			return err
		}
		return seeOther(w, r, next)
	}
}

// confirmAction checks the typed confirmation of op, recording an error
// on f when it does not match: the release's version, or for a file the
// file's name. It returns the file to delete; a file that is not in the
// release is ENOTFOUND.
func confirmAction(op releaseOp, r *http.Request, v *manage.ReleaseView, f *form) (string, error) {
	if field, ok := confirmFields[op]; ok {
		if strings.TrimSpace(r.PostFormValue(field)) != v.Release.Version {
			f.invalid(http.StatusBadRequest, field, msg{Key: "confirm_version"})
		}
		return "", nil
	}
	filename := r.PostFormValue("filename")
	for i, file := range v.Files {
		if file.Filename != filename {
			continue
		}
		if strings.TrimSpace(r.PostFormValue("confirm_filename")) != filename {
			f.invalid(http.StatusBadRequest, fileField(i), msg{Key: "confirm_filename"})
		}
		return filename, nil
	}
	return "", wharf.Errorf(wharf.ENOTFOUND, "File %q not found in release %s.", filename, v.Release.Version)
}
