package accounts_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/protocol"

	"wharf"
	"wharf/accounts"
	"wharf/auth/token"
	"wharf/internal/testutil"
	"wharf/sqlite"
)

// mailLog is a wharf.Mailer that keeps what it is given.
type mailLog struct {
	mu   sync.Mutex
	msgs []wharf.Message
}

func (m *mailLog) Send(_ context.Context, msg wharf.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

func (m *mailLog) subjects() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, msg := range m.msgs {
		out = append(out, msg.Subject)
	}
	return out
}

const keyPassword = "tundra-velvet-comet-31"

// keyEnv is a Service on a real SQLite store with web login on, a
// recording mailer, a captured log and a settable clock. Unlike env it
// takes a testing.TB, so fuzz targets can share one.
type keyEnv struct {
	t     testing.TB
	ctx   context.Context
	clock *testutil.Clock
	raw   *sql.DB
	svc   *accounts.Service
	mails *mailLog
	log   *testutil.SyncBuffer
	actor wharf.Actor
}

// newKeyEnv starts a keyEnv; opts gives the location, policy and limits,
// and the rest is filled in (the location defaults to localhost:8080).
func newKeyEnv(t testing.TB, opts accounts.Options) *keyEnv {
	t.Helper()
	e := &keyEnv{t: t, ctx: t.Context(), clock: testutil.NewClock(time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)), mails: &mailLog{}, log: &testutil.SyncBuffer{},
		actor: wharf.Actor{IP: "192.0.2.7", UserAgent: "soft-browser"}}
	path := filepath.Join(t.TempDir(), "wharf.db")
	store, err := sqlite.Open(e.ctx, sqlite.Options{Path: path, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if e.raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	tokens, err := token.NewService([]byte("token secret for the key tests!!"))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Location == "" {
		opts.Location = "http://localhost:8080"
	}
	e.svc = accounts.New(store, tokens, opts.Location)
	opts.Secret, opts.Mailer, opts.Now = []byte("server secret for the key tests!"), e.mails, e.clock.Now
	opts.Log = slog.New(slog.NewTextHandler(e.log, nil))
	if err := e.svc.EnableWeb(opts); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *keyEnv) rows(query string, args ...any) []string {
	e.t.Helper()
	return testutil.Column(e.t, e.raw, query, args...)
}

// user makes an account with keyPassword.
func (e *keyEnv) user(name string) *wharf.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.ctx, e.actor, name, name+"@example.org", false, keyPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// signIn logs a user without a second factor in and returns the session.
func (e *keyEnv) signIn(name string) *accounts.Current {
	e.t.Helper()
	res, err := e.svc.Login(e.ctx, e.actor, name, keyPassword, "")
	if err != nil || res.SessionID == "" {
		e.t.Fatalf("login of %s = %+v, %v", name, res, err)
	}
	cur, err := e.svc.Session(e.ctx, res.SessionID)
	if err != nil {
		e.t.Fatal(err)
	}
	return cur
}

// proveRecovery generates recovery codes and enters one back, as a first
// second factor needs.
func (e *keyEnv) proveRecovery(cur *accounts.Current) {
	e.t.Helper()
	codes, err := e.svc.GenerateRecoveryCodes(e.ctx, e.actor, cur)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.ConfirmRecoveryCode(e.ctx, e.actor, cur, codes[0]); err != nil {
		e.t.Fatal(err)
	}
}

// addKey registers k under label through both ceremony steps.
func (e *keyEnv) addKey(cur *accounts.Current, k *softKey, label string) (*wharf.SecurityKey, error) {
	e.t.Helper()
	opts, state, err := e.svc.BeginKeyRegistration(e.ctx, cur)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.svc.FinishKeyRegistration(e.ctx, e.actor, cur, state, label, k.create(opts))
}

// withKey makes a user with proven recovery codes and one key, "YubiKey".
func (e *keyEnv) withKey(name string) (*accounts.Current, *softKey) {
	e.t.Helper()
	e.user(name)
	cur := e.signIn(name)
	e.proveRecovery(cur)
	k := newSoftKey(e.t)
	if _, err := e.addKey(cur, k, "YubiKey"); err != nil {
		e.t.Fatal(err)
	}
	return cur, k
}

// pending passes the password step of a user with a second factor.
func (e *keyEnv) pending(name string) string {
	e.t.Helper()
	res, err := e.svc.Login(e.ctx, e.actor, name, keyPassword, "")
	if err != nil || res.Pending == "" {
		e.t.Fatalf("password step of %s = %+v, %v; want a pending token", name, res, err)
	}
	return res.Pending
}

// beginLogin starts the key step of a pending login.
func (e *keyEnv) beginLogin(pending string) (options []byte, state string) {
	e.t.Helper()
	options, state, err := e.svc.BeginKeyLogin(e.ctx, pending)
	if err != nil {
		e.t.Fatal(err)
	}
	return options, state
}

// lastFailure returns the reason of the newest failed login.
func (e *keyEnv) lastFailure() string {
	e.t.Helper()
	got := e.rows(`SELECT json_extract(details, '$.reason') FROM events WHERE tag = 'account:login:failure' ORDER BY id DESC LIMIT 1`)
	if len(got) == 0 {
		return ""
	}
	return got[0]
}

func TestKeyRegisterAndLogin(t *testing.T) {
	e := newKeyEnv(t, accounts.Options{})
	alice := e.user("alice")
	cur := e.signIn("alice")
	k := newSoftKey(t)

	options, state, err := e.svc.BeginKeyRegistration(e.ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	o := parseOptions(t, options).PublicKey
	handle, _ := b64.DecodeString(o.User.ID)
	if o.RP.ID != "localhost" || o.User.Name != "alice" || len(handle) != 32 || o.Timeout != 300000 || o.Attestation != "none" ||
		o.Selection.ResidentKey != "preferred" || o.Selection.UserVerification != "preferred" || len(o.Exclude) != 0 {
		t.Errorf("creation options = %s", options)
	}

	// A first second factor needs recovery codes proven first.
	if _, err := e.svc.FinishKeyRegistration(e.ctx, e.actor, cur, state, "YubiKey 5", k.create(options)); !errors.Is(err, accounts.ErrNeedRecovery) {
		t.Fatalf("a first key without recovery codes: %v, want ErrNeedRecovery", err)
	}
	if n := e.rows("SELECT COUNT(*) FROM security_keys")[0]; n != "0" {
		t.Fatalf("a refused key left %s rows", n)
	}
	e.proveRecovery(cur)
	key, err := e.svc.FinishKeyRegistration(e.ctx, e.actor, cur, state, "  YubiKey 5 ", k.create(options))
	if err != nil {
		t.Fatal(err)
	}
	if key.ID <= 0 || key.Label != "YubiKey 5" || !bytes.Equal(key.CredentialID, k.id) || key.UserID != alice.ID || key.SignCount != k.counter {
		t.Errorf("key = %+v", key)
	}
	if got := e.rows(`SELECT json_extract(details, '$.method') || ' ' || json_extract(details, '$.label') FROM events WHERE tag = 'account:two_factor:method_added'`); !slices.Equal(got, []string{"webauthn YubiKey 5"}) {
		t.Errorf("method_added events = %q", got)
	}
	if !slices.Contains(e.mails.subjects(), "A security key was added to your account") {
		t.Errorf("mails = %q", e.mails.subjects())
	}
	if keys, err := e.svc.SecurityKeys(e.ctx, cur.User); err != nil || len(keys) != 1 || keys[0].ID != key.ID {
		t.Errorf("SecurityKeys = %+v, %v", keys, err)
	}

	// The registered key is excluded from the next registration, and
	// refused if the browser registers it anyway.
	options, state, err = e.svc.BeginKeyRegistration(e.ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	if ex := parseOptions(t, options).PublicKey.Exclude; len(ex) != 1 || ex[0].ID != b64.EncodeToString(k.id) {
		t.Errorf("excludeCredentials = %+v", ex)
	}
	_, err = e.svc.FinishKeyRegistration(e.ctx, e.actor, cur, state, "again", k.create(options))
	wantErr(t, err, wharf.ECONFLICT, `This security key is registered already, as "YubiKey 5".`)

	// Login: password, then the key.
	res, err := e.svc.Login(e.ctx, e.actor, "alice", keyPassword, "")
	if err != nil || res.Pending == "" || !slices.Contains(res.Methods, accounts.MethodWebAuthn) {
		t.Fatalf("password step = %+v, %v", res, err)
	}
	options, state = e.beginLogin(res.Pending)
	lo := parseOptions(t, options).PublicKey
	if lo.RPID != "localhost" || len(lo.Allow) != 1 || lo.Allow[0].ID != b64.EncodeToString(k.id) || lo.UserVerification != "preferred" {
		t.Errorf("request options = %s", options)
	}
	answer := k.get(options)
	done, err := e.svc.FinishKeyLogin(e.ctx, e.actor, res.Pending, state, answer)
	if err != nil || done.SessionID == "" || done.User.ID != alice.ID {
		t.Fatalf("FinishKeyLogin = %+v, %v", done, err)
	}
	if got := e.rows("SELECT sign_count FROM security_keys"); !slices.Equal(got, []string{itoa(int64(k.counter))}) {
		t.Errorf("stored sign count = %q, want %d", got, k.counter)
	}
	if got := e.rows("SELECT last_used FROM security_keys"); got[0] == "0" {
		t.Error("the key's last use was not recorded")
	}
	success := e.rows(`SELECT json_extract(details, '$.two_factor_method') || ' ' || json_extract(details, '$.two_factor_label') FROM events WHERE tag = 'account:login:success' ORDER BY id DESC LIMIT 1`)
	if !slices.Equal(success, []string{"webauthn YubiKey 5"}) {
		t.Errorf("login event = %q", success)
	}
	if slices.Contains(e.mails.subjects(), "Login from a new location") {
		t.Error("a phishing-resistant login mailed an unrecognized-login notice")
	}
	// The same answer cannot log in twice: the pending token is void.
	_, err = e.svc.FinishKeyLogin(e.ctx, e.actor, res.Pending, state, answer)
	wantErr(t, err, wharf.EUNAUTHORIZED, "")
}

func TestKeyLoginRefusals(t *testing.T) {
	tests := []struct {
		name string
		// answer prepares the key step of alice's login, whose key is k.
		answer func(e *keyEnv, k *softKey) (pending, state string, response []byte)
		code   string
		cause  string // in the error or the library's debugging detail
		reason string // of the recorded failure
	}{
		{"wrong origin", func(e *keyEnv, k *softKey) (string, string, []byte) {
			k.origin = "http://localhost:8081"
			return answerLogin(e, k)
		}, wharf.EUNAUTHORIZED, "Received: http://localhost:8081", "invalid_webauthn"},
		{"wrong RP ID hash", func(e *keyEnv, k *softKey) (string, string, []byte) {
			k.rpID = "evil.example"
			return answerLogin(e, k)
		}, wharf.EUNAUTHORIZED, "RP Hash mismatch", "invalid_webauthn"},
		{"replayed state from an old begin", func(e *keyEnv, k *softKey) (string, string, []byte) {
			p := e.pending("alice")
			_, old := e.beginLogin(p)
			options, _ := e.beginLogin(p)
			return p, old, k.get(options)
		}, wharf.EUNAUTHORIZED, "Error validating challenge", "invalid_webauthn"},
		{"sign count not rising", func(e *keyEnv, k *softKey) (string, string, []byte) {
			k.counter-- // the answer repeats the stored count
			return answerLogin(e, k)
		}, wharf.EUNAUTHORIZED, "counter went backwards", "webauthn_sign_count"},
		{"sign count back to zero", func(e *keyEnv, k *softKey) (string, string, []byte) {
			k.counter = 1<<32 - 1 // wraps to 0
			return answerLogin(e, k)
		}, wharf.EUNAUTHORIZED, "counter went backwards", "webauthn_sign_count"},
		{"a credential of another user", func(e *keyEnv, _ *softKey) (string, string, []byte) {
			_, bobs := e.withKey("bob")
			return answerLogin(e, bobs)
		}, wharf.EUNAUTHORIZED, "not owned by the user", "invalid_webauthn"},
		{"expired state", func(e *keyEnv, k *softKey) (string, string, []byte) {
			options, state := e.beginLogin(e.pending("alice"))
			e.clock.Advance(4 * time.Minute)
			fresh := e.pending("alice") // still valid when the state is not
			e.clock.Advance(time.Minute + time.Second)
			return fresh, state, k.get(options)
		}, wharf.EINVALID, "expired", "invalid_webauthn"},
		{"a registration state", func(e *keyEnv, k *softKey) (string, string, []byte) {
			cur := e.signIn("carol")
			_, state, err := e.svc.BeginKeyRegistration(e.ctx, cur)
			if err != nil {
				e.t.Fatal(err)
			}
			p, _, response := answerLogin(e, k)
			return p, state, response
		}, wharf.EINVALID, "expired", "invalid_webauthn"},
		{"another user's state", func(e *keyEnv, k *softKey) (string, string, []byte) {
			e.withKey("bob")
			_, state := e.beginLogin(e.pending("bob"))
			p, _, response := answerLogin(e, k)
			return p, state, response
		}, wharf.EINVALID, "expired", "invalid_webauthn"},
		{"altered state", func(e *keyEnv, k *softKey) (string, string, []byte) {
			p, state, response := answerLogin(e, k)
			return p, flipAt(state, len(state)/2), response
		}, wharf.EINVALID, "expired", "invalid_webauthn"},
		{"a registration answer", func(e *keyEnv, k *softKey) (string, string, []byte) {
			p := e.pending("alice")
			options, state := e.beginLogin(p)
			return p, state, k.create(options)
		}, wharf.EUNAUTHORIZED, "auth data", "invalid_webauthn"},
		{"not JSON", func(e *keyEnv, k *softKey) (string, string, []byte) {
			p, state, _ := answerLogin(e, k)
			return p, state, []byte("{not json")
		}, wharf.EUNAUTHORIZED, "Parse error for Assertion", "invalid_webauthn"},
		{"too large", func(e *keyEnv, k *softKey) (string, string, []byte) {
			p, state, _ := answerLogin(e, k)
			return p, state, bytes.Repeat([]byte(" "), 1<<20)
		}, wharf.ETOOLARGE, "too large", "invalid_webauthn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newKeyEnv(t, accounts.Options{})
			e.user("carol")
			_, k := e.withKey("alice")
			count := e.rows("SELECT sign_count FROM security_keys WHERE label = 'YubiKey' ORDER BY id LIMIT 1")
			pending, state, response := tt.answer(e, k)
			sessions := e.rows("SELECT COUNT(*) FROM sessions")
			res, err := e.svc.FinishKeyLogin(e.ctx, e.actor, pending, state, response)
			if err == nil {
				t.Fatalf("logged in: %+v", res)
			}
			wantErr(t, err, tt.code, "")
			wantCause(t, err, tt.cause)
			if got := e.lastFailure(); got != tt.reason {
				t.Errorf("recorded reason = %q, want %q", got, tt.reason)
			}
			if got := e.rows("SELECT sign_count FROM security_keys WHERE label = 'YubiKey' ORDER BY id LIMIT 1"); !slices.Equal(got, count) {
				t.Errorf("sign count changed from %v to %v", count, got)
			}
			if got := e.rows("SELECT COUNT(*) FROM sessions"); !slices.Equal(got, sessions) {
				t.Errorf("a session was made: %v sessions, had %v", got, sessions)
			}
			if warned := strings.Contains(e.log.String(), "signature counter went backwards"); warned != (tt.reason == "webauthn_sign_count") {
				t.Errorf("log (warned %v):\n%s", warned, e.log)
			}
		})
	}
}

// wantCause checks that cause is in err's text or, for an error of the
// WebAuthn library, in its debugging detail, so a refusal is known to be
// the one a test meant.
func wantCause(t *testing.T, err error, cause string) {
	t.Helper()
	text := err.Error()
	var pe *protocol.Error
	if errors.As(err, &pe) {
		text += " | " + pe.DevInfo
	}
	if !strings.Contains(text, cause) {
		t.Errorf("err = %s; want it to say %q", text, cause)
	}
}

// answerLogin passes alice's password step, begins the key step and
// answers it with k.
func answerLogin(e *keyEnv, k *softKey) (pending, state string, response []byte) {
	pending = e.pending("alice")
	options, state := e.beginLogin(pending)
	return pending, state, k.get(options)
}

// flipAt changes the i-th character of a base64url string.
func flipAt(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestKeyRegistrationRefusals(t *testing.T) {
	tests := []struct {
		name  string
		label string
		// spoil changes the ceremony before it finishes; it may return a
		// state to use instead of the one begun.
		spoil func(e *keyEnv, k *softKey) string
		code  string
		cause string // in the error or the library's debugging detail
	}{
		{"wrong origin", "key", func(_ *keyEnv, k *softKey) string { k.origin = "https://localhost:8080"; return "" },
			wharf.EINVALID, "Received: https://localhost:8080"},
		{"wrong RP ID hash", "key", func(_ *keyEnv, k *softKey) string { k.rpID = "localhost.evil.example"; return "" },
			wharf.EINVALID, "RP Hash mismatch"},
		{"expired state", "key", func(e *keyEnv, _ *softKey) string { e.clock.Advance(5*time.Minute + time.Second); return "" },
			wharf.EINVALID, "The security key request has expired. Start again."},
		{"another user's state", "key", func(e *keyEnv, _ *softKey) string {
			_, state, err := e.svc.BeginKeyRegistration(e.ctx, e.signIn("carol"))
			if err != nil {
				e.t.Fatal(err)
			}
			return state
		}, wharf.EINVALID, "The security key request has expired. Start again."},
		{"out of sudo mode", "key", func(e *keyEnv, _ *softKey) string { e.clock.Advance(31 * time.Minute); return "" }, wharf.EFORBIDDEN, accounts.ErrSudo.Message},
		{"no label", " \t", nil, wharf.EINVALID, "Give the security key a label, so you can tell your keys apart."},
		{"label of 65 characters", strings.Repeat("é", 65), nil, wharf.EINVALID, "The label is longer than 64 characters."},
		{"label with a line break", "my\nkey", nil, wharf.EINVALID, "The label must not contain control characters."},
		{"label taken, in another case", "yubikey", nil, wharf.ECONFLICT, `You already have a security key named "YubiKey".`},
		{"label of 64 characters", strings.Repeat("é", 64), nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newKeyEnv(t, accounts.Options{})
			e.user("carol")
			cur, _ := e.withKey("alice")
			k := newSoftKey(t)
			options, state, err := e.svc.BeginKeyRegistration(e.ctx, cur)
			if err != nil {
				t.Fatal(err)
			}
			if tt.spoil != nil {
				if s := tt.spoil(e, k); s != "" {
					state = s
				}
			}
			if tt.code != wharf.EFORBIDDEN {
				cur = e.session(cur.ID) // the clock may have moved
			}
			key, err := e.svc.FinishKeyRegistration(e.ctx, e.actor, cur, state, tt.label, k.create(options))
			if tt.code == "" {
				if err != nil || key.Label != tt.label {
					t.Fatalf("FinishKeyRegistration = %+v, %v", key, err)
				}
				return
			}
			wantErr(t, err, tt.code, "")
			wantCause(t, err, tt.cause)
			if n := e.rows("SELECT COUNT(*) FROM security_keys")[0]; n != "1" {
				t.Errorf("%s keys after a refusal, want 1", n)
			}
		})
	}
}

// session returns the Current of a session id.
func (e *keyEnv) session(id string) *accounts.Current {
	e.t.Helper()
	cur, err := e.svc.Session(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return cur
}

func TestRemoveSecurityKey(t *testing.T) {
	tests := []struct {
		policy   string
		lastCode string // removing the last second factor
	}{
		{accounts.Require2FAAll, wharf.EFORBIDDEN},
		{accounts.Require2FAPublishers, ""}, // alice has no project
		{accounts.Require2FAOff, ""},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			t.Parallel()
			e := newKeyEnv(t, accounts.Options{Require2FA: tt.policy})
			cur, _ := e.withKey("alice")
			second, err := e.addKey(cur, newSoftKey(t), "backup key")
			if err != nil {
				t.Fatal(err)
			}
			bob, _ := e.withKey("bob")
			bobs, _ := e.svc.SecurityKeys(e.ctx, bob.User)
			wantErr(t, e.svc.RemoveSecurityKey(e.ctx, e.actor, cur, bobs[0].ID), wharf.ENOTFOUND, "No such security key.")

			keys, _ := e.svc.SecurityKeys(e.ctx, cur.User)
			if err := e.svc.RemoveSecurityKey(e.ctx, e.actor, cur, keys[0].ID); err != nil {
				t.Fatalf("removing one of two keys: %v", err)
			}
			removed := e.rows(`SELECT json_extract(details, '$.label') FROM events WHERE tag = 'account:two_factor:method_removed'`)
			if !slices.Equal(removed, []string{"YubiKey"}) {
				t.Errorf("method_removed events = %q", removed)
			}
			if !slices.Contains(e.mails.subjects(), "A security key was removed from your account") {
				t.Errorf("mails = %q", e.mails.subjects())
			}
			err = e.svc.RemoveSecurityKey(e.ctx, e.actor, cur, second.ID)
			wantErr(t, err, tt.lastCode, "")
			left := map[bool]string{true: "1", false: "0"}[tt.lastCode != ""]
			if n := e.rows("SELECT COUNT(*) FROM security_keys WHERE user_id = ?", cur.User.ID)[0]; n != left {
				t.Errorf("%s keys left, want %s", n, left)
			}
			e.clock.Advance(31 * time.Minute)
			if err := e.svc.RemoveSecurityKey(e.ctx, e.actor, e.session(cur.ID), second.ID); !errors.Is(err, accounts.ErrSudo) {
				t.Errorf("out of sudo mode: %v, want ErrSudo", err)
			}
		})
	}
}

func TestKeyLoginRateLimited(t *testing.T) {
	e := newKeyEnv(t, accounts.Options{Limits: accounts.Limits{SecondFactor: []accounts.Window{{N: 3, Per: 5 * time.Minute}}}})
	_, k := e.withKey("alice")
	k.origin = "http://evil.example"
	for i := range 3 {
		p, state, response := answerLogin(e, k)
		if _, err := e.svc.FinishKeyLogin(e.ctx, e.actor, p, state, response); !wharf.IsCode(err, wharf.EUNAUTHORIZED) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	k.origin = "http://localhost:8080"
	p, state, response := answerLogin(e, k)
	if _, err := e.svc.FinishKeyLogin(e.ctx, e.actor, p, state, response); !wharf.IsCode(err, wharf.ETOOMANY) {
		t.Fatalf("after 3 failures: %v, want ETOOMANY", err)
	}
}

func TestKeyRelyingParty(t *testing.T) {
	tests := []struct {
		name, location string
		rpID, origin   string // "" when keys are off
	}{
		{"localhost with a port", "http://localhost:8080", "localhost", "http://localhost:8080"},
		{"a domain with a path", "https://pypi.example.com/index/", "pypi.example.com", "https://pypi.example.com"},
		{"the default port and capitals", "https://PyPI.Example.com:443", "pypi.example.com", "https://pypi.example.com"},
		{"another port", "https://pypi.example.com:8443", "pypi.example.com", "https://pypi.example.com:8443"},
		{"an IPv4 address", "http://127.0.0.1:8080", "", ""},
		{"an IPv6 address", "http://[::1]:8080", "", ""},
		{"no scheme", "localhost:8080", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newKeyEnv(t, accounts.Options{Location: tt.location})
			e.user("alice")
			cur := e.signIn("alice")
			if got := e.svc.SecurityKeysAvailable(); got != (tt.rpID != "") {
				t.Fatalf("SecurityKeysAvailable = %v", got)
			}
			if tt.rpID == "" {
				_, _, err := e.svc.BeginKeyRegistration(e.ctx, cur)
				wantErr(t, err, wharf.EFORBIDDEN, "")
				if !strings.Contains(e.log.String(), "security keys are off") {
					t.Errorf("log:\n%s", e.log)
				}
				return
			}
			e.proveRecovery(cur)
			k := newSoftKey(t)
			k.rpID, k.origin = tt.rpID, tt.origin
			if _, err := e.addKey(cur, k, "key"); err != nil {
				t.Fatal(err)
			}
			p, state, response := answerLogin(e, k)
			if _, err := e.svc.FinishKeyLogin(e.ctx, e.actor, p, state, response); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// FuzzFinishKeyLogin feeds arbitrary states and answers to the key step
// of a pending login. The seed answer was signed for an older challenge,
// so nothing derived from it may log in; nothing may panic or fail as an
// internal error.
func FuzzFinishKeyLogin(f *testing.F) {
	e := newKeyEnv(f, accounts.Options{Limits: accounts.Limits{SecondFactor: []accounts.Window{{N: 1 << 30, Per: time.Minute}}}})
	_, k := e.withKey("alice")
	p := e.pending("alice")
	options, old := e.beginLogin(p)
	answer := k.get(options)
	_, state := e.beginLogin(p)
	f.Add(state, answer)
	f.Add(old, []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{}}`))
	f.Add("", []byte(`{}`))
	f.Fuzz(func(t *testing.T, state string, response []byte) {
		res, err := e.svc.FinishKeyLogin(t.Context(), e.actor, p, state, response)
		if err == nil {
			t.Fatalf("logged in: %+v", res)
		}
		if wharf.IsCode(err, wharf.EINTERNAL) {
			t.Fatalf("internal error: %v", err)
		}
	})
}

// FuzzFinishKeyRegistration feeds arbitrary states, labels and answers to
// the finish of a registration. The seed answer was made for an older
// challenge, so nothing derived from it may be stored.
func FuzzFinishKeyRegistration(f *testing.F) {
	e := newKeyEnv(f, accounts.Options{})
	cur, _ := e.withKey("alice")
	options, old, err := e.svc.BeginKeyRegistration(e.ctx, cur)
	if err != nil {
		f.Fatal(err)
	}
	answer := newSoftKey(f).create(options)
	_, state, err := e.svc.BeginKeyRegistration(e.ctx, cur)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(state, "backup", answer)
	f.Add(old, "", []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"attestationObject":"oA"}}`))
	f.Fuzz(func(t *testing.T, state, label string, response []byte) {
		key, err := e.svc.FinishKeyRegistration(t.Context(), e.actor, cur, state, label, response)
		if err == nil {
			t.Fatalf("registered: %+v", key)
		}
		if wharf.IsCode(err, wharf.EINTERNAL) {
			t.Fatalf("internal error: %v", err)
		}
	})
}
