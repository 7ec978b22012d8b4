package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wharf"
	"wharf/accounts"
)

// tokenRoutes adds the API token pages (/manage/account/token/): the list
// with the creation form, which posts to its own path, and a confirmation
// page before each revocation.
func (s *Server) tokenRoutes(m *http.ServeMux) {
	const list = "/manage/account/token/"
	add := func(method, path string, h handlerFunc) {
		m.Handle(method+" "+path, s.page(s.formPost(s.manage(list, false, h))))
	}
	add("GET", list+"{$}", s.tokens)
	add("POST", list+"{$}", s.createToken)
	add("GET", list+"{id}/revoke/{$}", s.confirmRevokeToken)
	add("POST", list+"{id}/revoke/{$}", s.revokeToken)
}

// tokenExpiry is a lifetime the creation form offers. PyPI's tokens never
// expire; wharf offers that too but defaults to 90 days, so a forgotten
// token does not stay usable for ever.
type tokenExpiry struct {
	Value string // the form value
	Days  int    // 0 for no expiry
}

// tokenExpiries returns the choices of the form, in its order. The
// template names each by its value.
func tokenExpiries() []tokenExpiry {
	return []tokenExpiry{{"30", 30}, {"90", 90}, {"365", 365}, {"never", 0}}
}

// defaultTokenExpiry is the value the form selects at first.
const defaultTokenExpiry = "90"

// tokenForm is a creation form as posted.
type tokenForm struct {
	Name     string
	Scoped   bool     // "only these projects" rather than all
	Projects []string // the boxes ticked, when Scoped
	Expiry   string   // a tokenExpiry value
}

// parseTokenForm reads a creation form into f, recording each field's
// error in errs: the name is required and at most 100 characters, a scope
// of chosen projects needs one, and the expiry must be one offered. It
// reports whether the form may go to the use case.
func parseTokenForm(name, scope string, projects []string, expiry string, errs *form) (tokenForm, bool) {
	tf := tokenForm{Name: strings.TrimSpace(name), Scoped: scope == "projects", Expiry: expiry}
	ok := true
	switch {
	case tf.Name == "":
		errs.invalid(http.StatusBadRequest, "name", msg{Key: "required"})
		ok = false
	case utf8.RuneCountInString(tf.Name) > accounts.MaxTokenName:
		errs.invalid(http.StatusBadRequest, "name", msg{Key: "token_name_long"})
		ok = false
	}
	if scope != "all" && scope != "projects" {
		errs.invalid(http.StatusBadRequest, "scope", msg{Key: "required"})
		ok = false
	}
	if tf.Scoped {
		tf.Projects = projects
		if len(projects) == 0 {
			errs.invalid(http.StatusBadRequest, "projects", msg{Key: "token_projects_none"})
			ok = false
		}
	}
	if !slices.ContainsFunc(tokenExpiries(), func(e tokenExpiry) bool { return e.Value == expiry }) {
		errs.invalid(http.StatusBadRequest, "expires", msg{Key: "token_expiry_invalid"})
		ok = false
	}
	return tf, ok
}

// lifetime is the token lifetime the form chose (0 for no expiry).
func (tf tokenForm) lifetime() time.Duration {
	for _, e := range tokenExpiries() {
		if e.Value == tf.Expiry {
			return time.Duration(e.Days) * 24 * time.Hour
		}
	}
	return 0
}

// tokenRow is one token of the list with its state at the time of the
// request, which the page writes out in words (not only in colour).
type tokenRow struct {
	wharf.Token
	State string // "active", "expired" or "revoked"
}

// newToken is the token just created, shown once with the
// configuration that uses it.
type newToken struct {
	Name                  string
	Token, Pypirc, Upload snippet
}

// tokensPage is the data of manage-tokens.html.
type tokensPage struct {
	Form     *form
	Tokens   []tokenRow
	Projects []wharf.Project // those a token may be scoped to
	Expiries []tokenExpiry
	// Values typed into the form, kept after an error.
	Name, Expiry string
	Scoped       bool
	Chosen       []string
	Done         string // "revoked" after a revocation, for a notice
	New          *newToken
}

// Chose reports whether the form had the project ticked.
func (p tokensPage) Chose(name string) bool { return slices.Contains(p.Chosen, name) }

// Error returns the message of field's error, or nil.
func (p tokensPage) Error(field string) *msg {
	for _, e := range p.Form.Errors {
		if e.Field == field {
			return &e.Msg
		}
	}
	return nil
}

// tokenRowOf returns t with its state at now.
func tokenRowOf(t wharf.Token, now time.Time) tokenRow {
	row := tokenRow{Token: t, State: "active"}
	switch {
	case t.Revoked:
		row.State = "revoked"
	case !t.Expires.IsZero() && !now.Before(t.Expires):
		row.State = "expired"
	}
	return row
}

// ShortID is the start of the token's id, which names a token made
// without a name (the id is no secret: it only finds the record).
func (t tokenRow) ShortID() string { return t.ID[:min(8, len(t.ID))] }

// renderTokens renders the list and the form with f's errors.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, f *form, p tokensPage) error {
	cur := currentUser(r)
	toks, err := s.accounts.Tokens(r.Context(), cur.User.Name)
	if err != nil {
		return err
	}
	now := s.now()
	for _, t := range toks {
		p.Tokens = append(p.Tokens, tokenRowOf(t, now))
	}
	if p.Projects, err = s.accounts.TokenProjects(r.Context(), cur.User); err != nil {
		return err
	}
	p.Form, p.Expiries = f, tokenExpiries()
	if p.Expiry == "" {
		p.Expiry = defaultTokenExpiry
	}
	return s.renderPage(w, r, f.status, "manage-tokens.html", p)
}

// tokens serves GET /manage/account/token/. It never shows a token: that
// happens once, in the reply to the creation form.
func (s *Server) tokens(w http.ResponseWriter, r *http.Request) error {
	var p tokensPage
	if r.URL.Query().Get("done") == "revoked" {
		p.Done = "revoked"
	}
	return s.renderTokens(w, r, newForm(r), p)
}

// createToken serves POST /manage/account/token/ (sudo mode). On success
// the reply is the page itself with the token in it, not a redirect, so
// the secret is never in a URL or in the history, and no-store keeps it
// out of every cache; reloading posts the form again, which the name
// already taken refuses.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r)
	tf, ok := parseTokenForm(r.PostFormValue("name"), r.PostFormValue("scope"), r.PostForm["projects"], r.PostFormValue("expires"), f)
	p := tokensPage{Name: r.PostFormValue("name"), Expiry: tf.Expiry, Scoped: tf.Scoped, Chosen: tf.Projects}
	if !ok {
		// Sudo mode is asked before the form is judged, so a user who
		// must confirm the password does not correct a form first.
		if !s.accounts.InSudo(currentUser(r), accounts.SudoWindow) {
			return accounts.ErrSudo
		}
		return s.renderTokens(w, r, f, p)
	}
	req := accounts.TokenRequest{Description: tf.Name, Projects: tf.Projects, Expires: tf.lifetime()}
	raw, rec, err := s.accounts.CreateWebToken(r.Context(), actor(r), currentUser(r), req)
	if err == nil {
		upload := s.requestOrigin(r) + s.prefix + "/legacy/"
		p = tokensPage{New: &newToken{
			Name:  rec.Description,
			Token: snippet{"new-token", raw},
			Pypirc: snippet{"new-token-pypirc", "[distutils]\nindex-servers = wharf\n[wharf]\nrepository = " + upload +
				"\nusername = __token__\npassword = " + raw},
			Upload: snippet{"new-token-twine", "twine upload --repository wharf dist/*"},
		}}
		return s.renderTokens(noStore{w}, r, f, p)
	}
	if errors.Is(err, accounts.ErrSudo) {
		return err
	}
	keys := map[string]string{wharf.ECONFLICT: "token_name_taken"}
	field := "name"
	if wharf.IsCode(err, wharf.EFORBIDDEN) {
		keys, field = map[string]string{wharf.EFORBIDDEN: "token_project_forbidden"}, "projects"
	}
	if err := f.useCaseError(w, err, field, keys); err != nil {
		return err
	}
	return s.renderTokens(w, r, f, p)
}

// revokeTokenPage is the data of manage-tokens-revoke.html.
type revokeTokenPage struct {
	Token tokenRow
}

// userToken returns the logged-in user's token named by the path; another
// user's token is the same 404 as one that does not exist.
func (s *Server) userToken(r *http.Request) (*wharf.Token, error) {
	return s.accounts.UserToken(r.Context(), currentUser(r), r.PathValue("id"))
}

// confirmRevokeToken serves GET /manage/account/token/{id}/revoke/: a
// page that names the token and says what revoking it does. A token
// already revoked goes back to the list.
func (s *Server) confirmRevokeToken(w http.ResponseWriter, r *http.Request) error {
	t, err := s.userToken(r)
	if err != nil {
		return err
	}
	if t.Revoked {
		return seeOther(w, r, s.prefix+"/manage/account/token/")
	}
	return s.renderPage(w, r, http.StatusOK, "manage-tokens-revoke.html", revokeTokenPage{Token: tokenRowOf(*t, s.now())})
}

// revokeToken serves POST /manage/account/token/{id}/revoke/ and goes
// back to the list with a notice.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.RevokeWebToken(r.Context(), actor(r), currentUser(r), r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, s.prefix+"/manage/account/token/?done=revoked")
}
