package accounts_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/accounts"
)

// tokenEnv is a web env where alice is logged in (in sudo mode) and owns
// foo-bar; baz exists and is bob's.
type tokenEnv struct {
	*webEnv
	alice *wharf.User
	cur   *accounts.Current
}

func newTokenEnv(t *testing.T) *tokenEnv {
	t.Helper()
	e := newWebEnv(t, accounts.Require2FAOff)
	alice := e.register()
	if _, err := e.svc.CreateUser(t.Context(), e.actor, "bob", "bob@example.com", false, ""); err != nil {
		t.Fatal(err)
	}
	err := e.store.Update(t.Context(), func(tx wharf.Tx) error {
		for _, p := range []struct {
			name  string
			owner int64
		}{{"foo-bar", alice.ID}, {"baz", alice.ID + 1}, {"qux", alice.ID}} {
			proj := &wharf.Project{Name: p.name, DisplayName: p.name, SimilarityKey: p.name, CreatedBy: p.owner}
			if err := tx.CreateProject(t.Context(), proj); err != nil {
				return err
			}
			if err := tx.SetRole(t.Context(), proj.ID, p.owner, wharf.RoleOwner); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.login(strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	return &tokenEnv{webEnv: e, alice: alice, cur: e.session(res.SessionID)}
}

// create makes a web token for alice, failing the test on error.
func (e *tokenEnv) create(req accounts.TokenRequest) *wharf.Token {
	e.t.Helper()
	_, rec, err := e.svc.CreateWebToken(e.t.Context(), e.actor, e.cur, req)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

func TestCreateWebToken(t *testing.T) {
	tests := []struct {
		name      string
		req       accounts.TokenRequest
		projects  []string
		code, msg string
	}{
		{"all projects", accounts.TokenRequest{Description: "laptop", Expires: 90 * 24 * time.Hour}, nil, "", ""},
		{"own projects, any spelling", accounts.TokenRequest{Description: " ci ", Projects: []string{"Foo_Bar", "QUX", "foo.bar"}},
			[]string{"foo-bar", "qux"}, "", ""},
		{"the user is ignored", accounts.TokenRequest{User: "bob", Description: "mine"}, nil, "", ""},
		{"no name", accounts.TokenRequest{Description: "  "}, nil, wharf.EINVALID, "Give the token a name."},
		{"name too long", accounts.TokenRequest{Description: strings.Repeat("é", 101)}, nil, wharf.EINVALID,
			"The description is longer than 100 characters."},
		{"name with a newline", accounts.TokenRequest{Description: "a\nSubject: b"}, nil, wharf.EINVALID,
			"The token's name must not contain control characters."},
		{"another user's project", accounts.TokenRequest{Description: "x", Projects: []string{"foo-bar", "baz"}}, nil, wharf.EFORBIDDEN,
			`You have no role on project "baz"; a token can be scoped only to your projects.`},
		{"unknown project answers alike", accounts.TokenRequest{Description: "x", Projects: []string{"nope"}}, nil, wharf.EFORBIDDEN,
			`You have no role on project "nope"; a token can be scoped only to your projects.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTokenEnv(t)
			events := e.count("events")
			raw, rec, err := e.svc.CreateWebToken(t.Context(), e.actor, e.cur, tt.req)
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.msg)
				if raw != "" || rec != nil || e.count("tokens") != "0" || e.count("events") != events {
					t.Errorf("a refused token left something: %q %+v", raw, rec)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.UserID != e.alice.ID || rec.Description != strings.TrimSpace(tt.req.Description) ||
				!slices.Equal(rec.Projects, tt.projects) || rec.MadeWith2FA {
				t.Errorf("token record = %+v", *rec)
			}
			if _, err := e.tokens.Inspect(raw, e.clock(), e.alice.ID); err != nil {
				t.Errorf("the token does not verify for alice: %v", err)
			}
			mail := e.mail(2)
			for _, want := range []string{"A new API token was added to your account", "Name:    " + rec.Description,
				"From:    192.0.2.1", "http://localhost:8080/manage/account/token/"} {
				if !strings.Contains(mail, want) {
					t.Errorf("the mail lacks %q:\n%s", want, mail)
				}
			}
			if strings.Contains(mail, raw) {
				t.Error("the mail holds the token")
			}
		})
	}
}

func TestCreateWebTokenMailScopeAndExpiry(t *testing.T) {
	e := newTokenEnv(t)
	e.create(accounts.TokenRequest{Description: "ci", Projects: []string{"qux", "foo-bar"}, Expires: 30 * 24 * time.Hour})
	mail := e.mail(2)
	for _, want := range []string{"Scope:   only qux, foo-bar", "Expires: 2030-03-31 12:00 UTC"} {
		if !strings.Contains(mail, want) {
			t.Errorf("the mail lacks %q:\n%s", want, mail)
		}
	}
	e.create(accounts.TokenRequest{Description: "all"})
	if mail := e.mail(3); !strings.Contains(mail, "Scope:   all your projects") || !strings.Contains(mail, "Expires: never") {
		t.Errorf("second mail:\n%s", mail)
	}
}

func TestCreateWebTokenNeedsSudo(t *testing.T) {
	e := newTokenEnv(t)
	e.advance(accounts.SudoWindow + time.Minute)
	e.cur = e.session(e.cur.ID)
	_, _, err := e.svc.CreateWebToken(t.Context(), e.actor, e.cur, accounts.TokenRequest{Description: "x"})
	if !errors.Is(err, accounts.ErrSudo) {
		t.Fatalf("err = %v, want ErrSudo", err)
	}
	// Sudo is asked first, so the form's other errors never hide it.
	_, _, err = e.svc.CreateWebToken(t.Context(), e.actor, e.cur, accounts.TokenRequest{})
	if !errors.Is(err, accounts.ErrSudo) {
		t.Fatalf("empty form: err = %v, want ErrSudo", err)
	}
	if _, err := e.svc.ConfirmPassword(t.Context(), e.actor, e.cur, strongPassword); err != nil {
		t.Fatal(err)
	}
	e.create(accounts.TokenRequest{Description: "x"})
}

func TestCreateWebTokenMadeWith2FA(t *testing.T) {
	e := newTokenEnv(t)
	e.enableTOTP(e.cur)
	if rec := e.create(accounts.TokenRequest{Description: "x"}); !rec.MadeWith2FA {
		t.Error("a token made by an account with TOTP is not marked")
	}
	_, rec, err := e.svc.CreateToken(t.Context(), e.actor, accounts.TokenRequest{User: "alice", Description: "cli"})
	if err != nil || rec.MadeWith2FA {
		t.Errorf("command-line token: %+v, %v", rec, err)
	}
	// Both were made at the same instant, so the list's order between
	// them is not defined: each is checked by its name.
	list, err := e.svc.Tokens(t.Context(), "alice")
	marked := map[string]bool{}
	for _, tok := range list {
		marked[tok.Description] = tok.MadeWith2FA
	}
	if err != nil || len(list) != 2 || !marked["x"] || marked["cli"] {
		t.Errorf("Tokens = %+v, %v", list, err)
	}
}

// TestTokenNameUnique: a name is the user's own and is freed by revoking
// or expiry; unnamed command-line tokens never clash.
func TestTokenNameUnique(t *testing.T) {
	e := newTokenEnv(t)
	ctx := t.Context()
	first := e.create(accounts.TokenRequest{Description: "ci", Expires: time.Hour})
	_, _, err := e.svc.CreateWebToken(ctx, e.actor, e.cur, accounts.TokenRequest{Description: "ci"})
	wantErr(t, err, wharf.ECONFLICT, "You have already created a token with this name.")
	_, _, err = e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "alice", Description: "ci"})
	wantErr(t, err, wharf.ECONFLICT, "You have already created a token with this name.")
	if _, _, err := e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "bob", Description: "ci"}); err != nil {
		t.Errorf("bob's token named like alice's: %v", err)
	}
	for range 2 {
		if _, _, err := e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "alice"}); err != nil {
			t.Errorf("unnamed token: %v", err)
		}
	}
	e.create(accounts.TokenRequest{Description: "CI"})
	e.advance(time.Hour + time.Second)
	if _, err := e.svc.ConfirmPassword(ctx, e.actor, e.cur, strongPassword); err != nil {
		t.Fatal(err)
	}
	second := e.create(accounts.TokenRequest{Description: "ci"})
	if err := e.svc.RevokeWebToken(ctx, e.actor, e.cur, second.ID); err != nil {
		t.Fatal(err)
	}
	e.create(accounts.TokenRequest{Description: "ci"})
	if first.ID == second.ID {
		t.Error("two tokens share an id")
	}
}

func TestRevokeWebToken(t *testing.T) {
	e := newTokenEnv(t)
	ctx := t.Context()
	mine := e.create(accounts.TokenRequest{Description: "mine"})
	_, bobs, err := e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "bob", Description: "bob's"})
	if err != nil {
		t.Fatal(err)
	}
	events := e.count("events")
	for _, id := range []string{bobs.ID, "0123456789abcdef0123456789abcdef"} {
		wantErr(t, e.svc.RevokeWebToken(ctx, e.actor, e.cur, id), wharf.ENOTFOUND, "Token not found.")
		_, err := e.svc.UserToken(ctx, e.cur, id)
		wantErr(t, err, wharf.ENOTFOUND, "Token not found.")
	}
	if e.count("events") != events {
		t.Error("a refused revocation left an event")
	}
	if got, err := e.svc.UserToken(ctx, e.cur, mine.ID); err != nil || got.Description != "mine" {
		t.Errorf("UserToken(mine) = %+v, %v", got, err)
	}
	for range 2 {
		if err := e.svc.RevokeWebToken(ctx, e.actor, e.cur, mine.ID); err != nil {
			t.Fatal(err)
		}
	}
	got := e.rows("SELECT json_extract(details, '$.token_id') || ' ' || json_extract(details, '$.description') FROM events WHERE tag = 'account:api_token:removed'")
	if !slices.Equal(got, []string{mine.ID + " mine"}) {
		t.Errorf("revoke events = %q, want one", got)
	}
	if list, _ := e.svc.Tokens(ctx, "bob"); len(list) != 1 || list[0].Revoked {
		t.Errorf("bob's tokens = %+v", list)
	}
}

func TestTokenProjects(t *testing.T) {
	e := newTokenEnv(t)
	got, err := e.svc.TokenProjects(t.Context(), e.alice)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"foo-bar", "qux"}) {
		t.Errorf("TokenProjects(alice) = %q", names)
	}
}

func TestRestrictToken(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name         string
		scope        []string      // the token's projects
		lifetime     time.Duration // the token's lifetime, 0 for none
		projects     []string
		expires      time.Duration // from now, 0 to keep
		wantProjects []string
		wantExpires  time.Duration // from now, 0 for none
		code, msg    string
	}{
		{"scope an unscoped token", nil, 0, []string{"Foo_Bar"}, 0, []string{"foo-bar"}, 0, "", ""},
		{"drop a project", []string{"foo-bar", "qux"}, 0, []string{"qux"}, 0, []string{"qux"}, 0, "", ""},
		{"add an expiry", nil, 0, nil, day, nil, day, "", ""},
		{"shorten the expiry", nil, 30 * day, nil, day, nil, day, "", ""},
		{"both", []string{"foo-bar", "qux"}, 30 * day, []string{"foo-bar"}, 2 * day, []string{"foo-bar"}, 2 * day, "", ""},
		{"widen the scope", []string{"foo-bar"}, 0, []string{"foo-bar", "qux"}, 0, nil, 0, wharf.EINVALID,
			`The token is not scoped to project "qux"; narrowing cannot widen it.`},
		{"lengthen the expiry", nil, day, nil, 2 * day, nil, 0, wharf.EINVALID,
			"The token already expires at 2030-03-02T12:00:00Z; a narrower expiry must be earlier."},
		{"expiry in the past", nil, 0, nil, -time.Hour, nil, 0, wharf.EINVALID, "The expiry must be in the future."},
		{"unknown project", nil, 0, []string{"nope"}, 0, nil, 0, wharf.ENOTFOUND,
			`Project "nope" not found; a scoped token names existing projects.`},
		{"nothing to narrow", nil, 0, nil, 0, nil, 0, wharf.EINVALID, "Name the projects or the expiry to narrow the token to."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTokenEnv(t)
			ctx := t.Context()
			rec := e.create(accounts.TokenRequest{Description: "t", Projects: tt.scope, Expires: tt.lifetime})
			var expires time.Time
			if tt.expires != 0 {
				expires = e.clock().Add(tt.expires)
			}
			events := e.count("events")
			err := e.svc.RestrictToken(ctx, e.actor, rec.ID, tt.projects, expires)
			got, gerr := e.svc.UserToken(ctx, e.cur, rec.ID)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.msg)
				if !slices.Equal(got.Projects, rec.Projects) || !got.Expires.Equal(rec.Expires) || e.count("events") != events {
					t.Errorf("a refused narrowing changed the token: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := time.Time{}
			if tt.wantExpires != 0 {
				want = e.clock().Add(tt.wantExpires).Truncate(time.Second)
			}
			if !slices.Equal(got.Projects, tt.wantProjects) || !got.Expires.Equal(want) {
				t.Errorf("narrowed token = %+v, want projects %q, expiry %v", got, tt.wantProjects, want)
			}
			ev := e.rows("SELECT json_extract(details, '$.token_id') || ' ' || json_extract(details, '$.projects') FROM events WHERE tag = 'account:api_token:restricted'")
			if len(ev) != 1 || !strings.HasPrefix(ev[0], rec.ID+" ") {
				t.Errorf("restrict events = %q", ev)
			}
		})
	}
}

func TestRestrictRevokedToken(t *testing.T) {
	e := newTokenEnv(t)
	rec := e.create(accounts.TokenRequest{Description: "t"})
	if err := e.svc.RevokeToken(t.Context(), e.actor, rec.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.RestrictToken(t.Context(), e.actor, rec.ID, []string{"qux"}, time.Time{}), wharf.EINVALID, "The token has been revoked.")
	wantErr(t, e.svc.RestrictToken(t.Context(), e.actor, "0123456789abcdef0123456789abcdef", []string{"qux"}, time.Time{}),
		wharf.ENOTFOUND, "Token not found.")
}
