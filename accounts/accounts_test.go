package accounts_test

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"wharf/internal/testutil"

	"wharf"
	"wharf/accounts"
	"wharf/auth/password"
	"wharf/auth/token"
	"wharf/sqlite"
)

type env struct {
	t      *testing.T
	store  *sqlite.Store
	raw    *sql.DB
	tokens *token.Service
	svc    *accounts.Service
	now    time.Time
	mu     sync.Mutex
	actor  wharf.Actor
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func newEnv(t *testing.T) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wharf.db")
	e := &env{t: t, now: time.Date(2030, 3, 1, 12, 0, 0, 500, time.UTC), actor: wharf.Actor{UserName: "wharf-cli", IP: "local"}}
	var err error
	if e.store, err = sqlite.Open(t.Context(), sqlite.Options{Path: path, Now: e.clock}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	if e.raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	if e.tokens, err = token.NewService(bytes.Repeat([]byte("k"), 32)); err != nil {
		t.Fatal(err)
	}
	e.svc = accounts.New(e.store, e.tokens, "http://localhost:8080")
	return e
}

func (e *env) rows(query string) []string {
	e.t.Helper()
	return testutil.Column(e.t, e.raw, query)
}

func (e *env) count(table string) string { return e.rows("SELECT COUNT(*) FROM " + table)[0] }

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if got := wharf.ErrorCode(err); got != code {
		t.Errorf("err = %v (code %q), want code %q", err, got, code)
	}
	if got := wharf.ErrorMessage(err); msg != "" && got != msg {
		t.Errorf("message = %q, want %q", got, msg)
	}
}

const badName = "The username is invalid. Usernames must be at most 50 characters, start and end with a letter or numeral, and contain only letters, numerals, '.', '_' and '-'."

func TestCreateUser(t *testing.T) {
	tests := []struct {
		name, user, email, password string
		code, msg                   string
	}{
		{"plain", "alice", "alice@example.com", "", "", ""},
		{"one letter", "a", "a@example.com", "", "", ""},
		{"punctuation inside", "a.b_c-d", "abcd@example.com", "", "", ""},
		{"fifty characters", strings.Repeat("x", 50), "x@example.com", "", "", ""},
		{"with a password", "bob", "bob@example.com", "correct horse battery staple", "", ""},
		{"empty name", "", "e@example.com", "", wharf.EINVALID, badName},
		{"leading hyphen", "-alice", "a@example.com", "", wharf.EINVALID, badName},
		{"trailing dot", "alice.", "a@example.com", "", wharf.EINVALID, badName},
		{"space", "al ice", "a@example.com", "", wharf.EINVALID, badName},
		{"non-ASCII", "alicé", "a@example.com", "", wharf.EINVALID, badName},
		{"fifty-one characters", strings.Repeat("x", 51), "x@example.com", "", wharf.EINVALID, badName},
		{"empty email", "carol", "", "", wharf.EINVALID, `The email address "" isn't valid.`},
		{"not an email", "carol", "carol", "", wharf.EINVALID, `The email address "carol" isn't valid.`},
		{"email with a display name", "carol", "Carol <carol@example.com>", "", wharf.EINVALID, `The email address "Carol <carol@example.com>" isn't valid.`},
		{"email with a newline", "carol", "carol@example.com\nBcc: x@example.com", "", wharf.EINVALID, ""},
		{"password with NUL", "carol", "carol@example.com", "a\x00b", wharf.EINVALID, "password must not contain NUL characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			u, err := e.svc.CreateUser(t.Context(), e.actor, tt.user, tt.email, false, tt.password)
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.msg)
				if n := e.count("users"); n != "0" {
					t.Errorf("a refused user left %s rows", n)
				}
				if n := e.count("events"); n != "0" {
					t.Errorf("a refused user left %s events", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.ID <= 0 || u.Name != tt.user || u.Email != tt.email || u.IsAdmin {
				t.Errorf("user = %+v", *u)
			}
			if tt.password == "" && u.PasswordHash != "" {
				t.Error("a user without a password got a hash")
			}
			if tt.password != "" {
				if ok, _, err := password.Verify(u.PasswordHash, tt.password); !ok || err != nil {
					t.Errorf("the stored hash does not verify the password: %v", err)
				}
				if strings.Contains(u.PasswordHash, tt.password) {
					t.Error("the password is stored in clear")
				}
			}
			got := e.rows("SELECT tag || ' ' || user_id || ' ' || json_extract(details, '$.email') FROM events")
			if want := "account:create " + itoa(u.ID) + " " + tt.email; !slices.Equal(got, []string{want}) {
				t.Errorf("events = %q, want %q", got, want)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCreateUserTwice(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.CreateUser(t.Context(), e.actor, "alice", "alice@example.com", true, ""); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.CreateUser(t.Context(), e.actor, "alice", "other@example.com", false, "")
	wantErr(t, err, wharf.ECONFLICT, `User "alice" already exists.`)
	if got := e.rows("SELECT email || ' ' || is_admin FROM users"); !slices.Equal(got, []string{"alice@example.com 1"}) {
		t.Errorf("users = %q", got)
	}
	if n := e.count("events"); n != "1" {
		t.Errorf("%s events, want 1", n)
	}
}

// seed creates alice and bob and the projects foo-bar and baz.
func seed(t *testing.T, e *env) {
	t.Helper()
	for _, u := range []string{"alice", "bob"} {
		if _, err := e.svc.CreateUser(t.Context(), e.actor, u, u+"@example.com", false, ""); err != nil {
			t.Fatal(err)
		}
	}
	err := e.store.Update(t.Context(), func(tx wharf.Tx) error {
		for _, p := range []string{"foo-bar", "baz"} {
			if err := tx.CreateProject(t.Context(), &wharf.Project{Name: p, DisplayName: p, SimilarityKey: p, CreatedBy: 1}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCreateToken(t *testing.T) {
	tests := []struct {
		name     string
		req      accounts.TokenRequest
		projects []string
		expires  time.Time
	}{
		{"unscoped", accounts.TokenRequest{User: "alice", Description: "laptop"}, nil, time.Time{}},
		{"scoped, any spelling", accounts.TokenRequest{User: "alice", Projects: []string{"Foo_Bar", "foo.bar", "BAZ"}},
			[]string{"foo-bar", "baz"}, time.Time{}},
		{"expiring", accounts.TokenRequest{User: "alice", Expires: 90 * time.Minute},
			nil, time.Date(2030, 3, 1, 13, 30, 0, 0, time.UTC)},
		{"description of 100 characters", accounts.TokenRequest{User: "alice", Description: strings.Repeat("é", 100)}, nil, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			seed(t, e)
			raw, rec, err := e.svc.CreateToken(t.Context(), e.actor, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(raw, token.Prefix) || !slices.Equal(rec.Projects, tt.projects) || !rec.Expires.Equal(tt.expires) ||
				rec.UserID != 1 || rec.Description != tt.req.Description || !rec.Created.Equal(e.now.Truncate(time.Microsecond)) {
				t.Errorf("token record = %+v", *rec)
			}
			id, err := token.ParseID(raw)
			if err != nil || id != rec.ID {
				t.Errorf("the token's id is %q (%v), the record's %q", id, err, rec.ID)
			}
			claims, err := e.tokens.Inspect(raw, e.now, rec.UserID)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if claims.Restricted != (tt.projects != nil) || !slices.Equal(slices.Sorted(slices.Values(claims.Projects)), slices.Sorted(slices.Values(tt.projects))) ||
				!claims.NotAfter.Equal(tt.expires) {
				t.Errorf("claims = %+v", claims)
			}
			if _, err := e.tokens.Inspect(raw, e.now, 2); err == nil {
				t.Error("alice's token verifies for bob")
			}
			if !tt.expires.IsZero() {
				if _, err := e.tokens.Inspect(raw, tt.expires.Add(time.Second), rec.UserID); err == nil {
					t.Error("the token verifies after its expiry")
				}
			}
			list, err := e.svc.Tokens(t.Context(), "alice")
			if err != nil || len(list) != 1 || list[0].ID != rec.ID || !slices.Equal(list[0].Projects, tt.projects) {
				t.Errorf("Tokens(alice) = %+v, %v", list, err)
			}
			if strings.Contains(strings.Join(e.rows("SELECT details FROM events"), " "), raw) {
				t.Error("an event holds the token")
			}
			got := e.rows("SELECT tag || ' ' || user_id || ' ' || json_extract(details, '$.token_id') FROM events WHERE tag LIKE 'account:api_token:%'")
			if want := "account:api_token:added 1 " + rec.ID; !slices.Equal(got, []string{want}) {
				t.Errorf("events = %q, want %q", got, want)
			}
		})
	}
}

func TestCreateTokenRefusals(t *testing.T) {
	tests := []struct {
		name      string
		req       accounts.TokenRequest
		code, msg string
	}{
		{"unknown user", accounts.TokenRequest{User: "nobody"}, wharf.ENOTFOUND, "User not found."},
		{"unknown project", accounts.TokenRequest{User: "alice", Projects: []string{"foo-bar", "nope"}}, wharf.ENOTFOUND,
			`Project "nope" not found; a scoped token names existing projects.`},
		{"long description", accounts.TokenRequest{User: "alice", Description: strings.Repeat("x", 101)}, wharf.EINVALID,
			"The description is longer than 100 characters."},
		{"expiry in the past", accounts.TokenRequest{User: "alice", Expires: -time.Hour}, wharf.EINVALID,
			"The expiry must be in the future."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			seed(t, e)
			events := e.count("events")
			raw, rec, err := e.svc.CreateToken(t.Context(), e.actor, tt.req)
			wantErr(t, err, tt.code, tt.msg)
			if raw != "" || rec != nil {
				t.Errorf("a refused token was returned: %q %+v", raw, rec)
			}
			if n := e.count("tokens"); n != "0" {
				t.Errorf("a refused token left %s rows", n)
			}
			if n := e.count("events"); n != events {
				t.Errorf("a refused token left events: %s, was %s", n, events)
			}
		})
	}
}

func TestTokensAndRevoke(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	ctx := t.Context()
	_, first, err := e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "alice", Description: "one"})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.now = e.now.Add(time.Minute)
	e.mu.Unlock()
	_, second, err := e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "alice", Description: "two"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.CreateToken(ctx, e.actor, accounts.TokenRequest{User: "bob"}); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.Tokens(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Errorf("Tokens(alice) = %+v, want two, newest first", list)
	}
	if err := e.svc.RevokeToken(ctx, e.actor, first.ID); err != nil {
		t.Fatal(err)
	}
	list, _ = e.svc.Tokens(ctx, "alice")
	for _, tok := range list {
		if tok.Revoked != (tok.ID == first.ID) {
			t.Errorf("token %s revoked = %v", tok.Description, tok.Revoked)
		}
	}
	got := e.rows("SELECT user_id || ' ' || json_extract(details, '$.token_id') FROM events WHERE tag = 'account:api_token:removed'")
	if !slices.Equal(got, []string{"1 " + first.ID}) {
		t.Errorf("revoke events = %q", got)
	}
	events := e.count("events")
	wantErr(t, e.svc.RevokeToken(ctx, e.actor, "0123456789abcdef0123456789abcdef"), wharf.ENOTFOUND, "Token not found.")
	if n := e.count("events"); n != events {
		t.Error("a refused revocation left an event")
	}
	_, err = e.svc.Tokens(ctx, "nobody")
	wantErr(t, err, wharf.ENOTFOUND, "User not found.")
}
