package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wharf/internal/smtptest"
)

// auditRun is the state the steps of TestAuditTrail share: the server,
// the people's browsers, and what the steps learnt (keys, tokens).
type auditRun struct {
	t       *testing.T
	s       *server
	smtp    *smtptest.Server
	scanner testScanner
	base    string
	clients map[string]*auditClient
	totpKey string
	step    int64 // the last TOTP step used
	codes   []string
	tokens  map[string]string // name → secret
}

// client returns the browser of a person (its User-Agent names them).
func (a *auditRun) client(name string) *auditClient {
	if c := a.clients[name]; c != nil {
		return c
	}
	c := newAuditClient(a.t, a.base, "audit-test "+name)
	a.clients[name] = c
	return c
}

// mailLink returns the link to path in the newest mail to rcpt.
func (a *auditRun) mailLink(rcpt, path string) string {
	a.t.Helper()
	mails := mailbox{t: a.t, srv: a.smtp}.all()
	// Links carry the index's public URL (localhost for a loopback
	// address), not necessarily the address the test reaches it at.
	re := regexp.MustCompile(`https?://[^/\s]+(` + regexp.QuoteMeta(path) + `\S+)`)
	for i := len(mails) - 1; i >= 0; i-- {
		if slices.Contains(mails[i].To, rcpt) {
			if m := re.FindStringSubmatch(mails[i].Text); m != nil {
				return m[1]
			}
		}
	}
	a.t.Fatalf("no mail to %s with a link to %s", rcpt, path)
	return ""
}

// register makes an account through the form and verifies its address.
func (a *auditRun) register(name string) {
	a.t.Helper()
	c := a.client(name)
	c.post("/account/register/", url.Values{"username": {name}, "email": {name + "@example.org"},
		"new_password": {auditPassword}, "password_confirm": {auditPassword}}).must(a.t, "register "+name, 303, "/manage/account/")
	link := a.mailLink(name+"@example.org", "/account/verify-email/")
	c.post("/account/verify-email/", url.Values{"token": {strings.TrimPrefix(link, "/account/verify-email/?token=")}}).
		must(a.t, "verify "+name, 200, "")
}

// upload posts a wheel to the upload API with a token, from name's
// machine, and returns the status.
func (a *auditRun) upload(name, token string, w wheel) page {
	a.t.Helper()
	ct, body := uploadForm{whl: w}.encode(a.t)
	req, err := http.NewRequest("POST", a.base+"/legacy/", strings.NewReader(string(body)))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("User-Agent", a.client(name).agent)
	req.SetBasicAuth("__token__", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	return page{status: resp.StatusCode}
}

const auditPassword = "correct horse audit staple 42"

// auditStep is one row of TestAuditTrail: an action through HTTP, the
// exact audit records it must append, in order, and the mails it must
// send. A setup step's records and mails are not checked.
type auditStep struct {
	name   string
	by     string // whose browser acts: the records' User-Agent
	do     func(a *auditRun)
	events []wantEvent
	mails  []wantMail
	setup  bool
}

// TestAuditTrail performs every security-sensitive action through HTTP,
// as the people involved would, and checks after each one the exact audit
// records that result (tag, actor, user, project, IP, User-Agent,
// details) and the mails sent, so that a change to what is recorded or
// announced is a deliberate one.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	smtp := smtptest.Start(t)
	scanner := newTestScanner(t)
	cfg := filepath.Join(dir, "wharf.toml")
	toml := fmt.Sprintf("[mail]\nsmtp_host = %q\nsmtp_port = %d\nsmtp_tls = \"none\"\nfrom = \"wharf@localhost\"\n\n"+
		"[accounts]\nrequire_2fa = \"off\"\n\n[accounts.limits]\nregister = \"10/1h\"\nemail_add = \"20/1h\"\nlogin_ip = \"50/1h\"\n\n[[secret_scanning.keys]]\nid = \"audit-test-key\"\nkey = '''\n%s'''\n",
		smtp.Host(), smtp.Port(), scanner.publicPEM(t))
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	s := startServerOn(t, data, "127.0.0.1:0", "--config", cfg)
	a := &auditRun{t: t, s: s, smtp: smtp, scanner: scanner, base: s.url, clients: map[string]*auditClient{}, tokens: map[string]string{}}

	var lastEvent int64
	mailsSeen := 0
	for _, st := range auditSteps(t) {
		st.do(a)
		got := eventsAfter(t, data, lastEvent)
		if len(got) > 0 {
			lastEvent = got[len(got)-1].ID
		}
		mails := mailbox{t: t, srv: smtp}.all()
		newMails := mails[mailsSeen:]
		mailsSeen = len(mails)
		if st.setup {
			continue
		}
		agent := a.client(st.by).agent
		for i := 0; i < max(len(got), len(st.events)); i++ {
			switch {
			case i >= len(got):
				t.Errorf("%s: missing record %s", st.name, st.events[i].tag)
			case i >= len(st.events):
				t.Errorf("%s: unexpected record %s", st.name, got[i])
			default:
				if d := st.events[i].mismatch(got[i], agent); d != "" {
					t.Errorf("%s: record %d: %s\n\tgot %s", st.name, i, d, got[i])
				}
			}
		}
		var gotMails, wantMails []string
		for _, m := range newMails {
			gotMails = append(gotMails, strings.Join(m.To, ",")+": "+m.Subject)
		}
		for _, m := range st.mails {
			wantMails = append(wantMails, m.to+": "+m.subject)
		}
		slices.Sort(gotMails)
		slices.Sort(wantMails)
		if !slices.Equal(gotMails, wantMails) {
			t.Errorf("%s: mails\n\t%q\nwant\n\t%q", st.name, gotMails, wantMails)
		}
	}
}

const (
	aliceNew  = "alice@new.example.org"
	aliceMail = "alice@example.org"
	bobMail   = "bob@example.org"
	carolMail = "carol@example.org"
)

// auditSteps are the rows of TestAuditTrail, in the order a project's life
// would bring them.
func auditSteps(t *testing.T) []auditStep {
	steps := []auditStep{
		{name: "register", by: "alice", do: func(a *auditRun) {
			c := a.client("alice")
			c.post("/account/register/", url.Values{"username": {"alice"}, "email": {aliceMail},
				"new_password": {auditPassword}, "password_confirm": {auditPassword}}).must(a.t, "register", 303, "/manage/account/")
		}, events: []wantEvent{
			{tag: "account:create", user: "alice", details: map[string]any{"email": aliceMail, "registered": true}},
			{tag: "account:login:success", actor: "alice", user: "alice", details: map[string]any{"remembered_device": false, "two_factor_method": nil}},
		}, mails: []wantMail{{aliceMail, "Verify your email address"}}},

		{name: "verify email", by: "alice", do: func(a *auditRun) {
			link := a.mailLink(aliceMail, "/account/verify-email/")
			a.client("alice").post("/account/verify-email/", url.Values{"token": {strings.TrimPrefix(link, "/account/verify-email/?token=")}}).
				must(a.t, "verify", 200, "")
		}, events: []wantEvent{
			{tag: "account:email:verified", actor: "alice", user: "alice", details: map[string]any{"email": aliceMail}},
		}},

		{name: "login failure", by: "mallory", do: func(a *auditRun) {
			a.client("mallory").post("/account/login/", url.Values{"username": {"alice"}, "password": {"guess"}}).must(a.t, "bad login", 401, "")
		}, events: []wantEvent{
			{tag: "account:login:failure", user: "alice", details: map[string]any{"reason": "invalid_password"}},
		}},

		{name: "password changed", by: "alice", do: func(a *auditRun) {
			a.client("alice").post("/manage/account/password/", url.Values{"password": {auditPassword},
				"new_password": {auditPassword + "!"}, "password_confirm": {auditPassword + "!"}}).must(a.t, "change password", 303, "/manage/account/?done=password")
			a.client("alice").post("/manage/account/password/", url.Values{"password": {auditPassword + "!"},
				"new_password": {auditPassword}, "password_confirm": {auditPassword}}).must(a.t, "change password back", 303, "/manage/account/?done=password")
		}, events: []wantEvent{
			{tag: "account:password:change", actor: "alice", user: "alice", details: map[string]any{}},
			{tag: "account:password:change", actor: "alice", user: "alice", details: map[string]any{}},
		}, mails: []wantMail{{aliceMail, "Your password was changed"}, {aliceMail, "Your password was changed"}}},

		{name: "recovery codes generated", by: "alice", do: func(a *auditRun) {
			c := a.client("alice")
			p := c.post("/manage/account/recovery-codes/", url.Values{"action": {"generate"}}).must(a.t, "generate codes", 200, "")
			for _, m := range regexp.MustCompile(`<li><code>([0-9a-f]{16})</code></li>`).FindAllStringSubmatch(p.body, -1) {
				a.codes = append(a.codes, m[1])
			}
			c.post("/manage/account/recovery-codes/", url.Values{"action": {"confirm"}, "recovery_code_value": {a.codes[0]}}).
				must(a.t, "confirm codes", 303, "/manage/account/two-factor/")
		}, events: []wantEvent{
			{tag: "account:recovery_codes:generated", actor: "alice", user: "alice", details: map[string]any{"replaced": false}},
			// Proving that the codes were saved burns the code typed.
			{tag: "account:recovery_codes:used", actor: "alice", user: "alice", details: map[string]any{}},
		}},

		{name: "2FA added", by: "alice", do: func(a *auditRun) {
			c := a.client("alice")
			p := c.get("/manage/account/totp-provision/").must(a.t, "provision page", 200, "")
			a.totpKey = p.field(a.t, "secret")
			var code string
			code, a.step = totpNow(a.t, a.totpKey, a.step)
			c.post("/manage/account/totp-provision/", url.Values{"state": {p.field(a.t, "state")}, "secret": {a.totpKey}, "totp_value": {code}}).
				must(a.t, "confirm TOTP", 303, "/manage/account/two-factor/")
		}, events: []wantEvent{
			{tag: "account:two_factor:method_added", actor: "alice", user: "alice", details: map[string]any{"method": "totp"}},
		}, mails: []wantMail{{aliceMail, "Two-factor authentication was added to your account"}}},

		{name: "login with 2FA", by: "alice-laptop", do: func(a *auditRun) {
			c := a.client("alice-laptop")
			c.post("/account/login/", url.Values{"username": {"alice"}, "password": {auditPassword}}).must(a.t, "password step", 303, "/account/two-factor/")
			var code string
			code, a.step = totpNow(a.t, a.totpKey, a.step)
			c.post("/account/two-factor/", url.Values{"totp_value": {code}}).must(a.t, "TOTP step", 303, "/manage/account/")
		}, events: []wantEvent{
			{tag: "account:login:success", actor: "alice", user: "alice", details: map[string]any{"two_factor_method": "totp"}},
		}},

		{name: "recovery code used", by: "alice-phone", do: func(a *auditRun) {
			c := a.client("alice-phone")
			c.post("/account/login/", url.Values{"username": {"alice"}, "password": {auditPassword}}).must(a.t, "password step", 303, "/account/two-factor/")
			c.post("/account/recovery-code/", url.Values{"recovery_code_value": {a.codes[1]}}).must(a.t, "recovery step", 303, "/manage/account/")
		}, events: []wantEvent{
			{tag: "account:recovery_codes:used", actor: "alice", user: "alice", details: map[string]any{}},
			{tag: "account:login:success", actor: "alice", user: "alice", details: map[string]any{"two_factor_method": "recovery"}},
		}, mails: []wantMail{{aliceMail, "A recovery code was used to log in to your account"}}},

		{name: "email changed", by: "alice", do: func(a *auditRun) {
			c := a.client("alice")
			c.post("/manage/account/email/", url.Values{"email": {"alice@new.example.org"}}).must(a.t, "change email", 303, "/manage/account/")
			link := a.mailLink("alice@new.example.org", "/account/verify-email/")
			c.post("/account/verify-email/", url.Values{"token": {strings.TrimPrefix(link, "/account/verify-email/?token=")}}).must(a.t, "verify new", 200, "")
		}, events: []wantEvent{
			{tag: "account:email:add", actor: "alice", user: "alice", details: map[string]any{"email": "alice@new.example.org"}},
			{tag: "account:email:remove", actor: "alice", user: "alice", details: map[string]any{"email": aliceMail, "replaced_by": "alice@new.example.org"}},
			{tag: "account:email:verified", actor: "alice", user: "alice", details: map[string]any{"email": "alice@new.example.org", "previous": aliceMail}},
		}, mails: []wantMail{{aliceMail, "Your email address is being changed"}, {"alice@new.example.org", "Verify your email address"}}},
	}
	return append(steps, projectSteps(t)...)
}

var tokenRE = regexp.MustCompile(`wharf-[A-Za-z0-9_-]{20,}`)

// createToken makes a token on the token page and returns its secret,
// which the page shows once.
func (a *auditRun) createToken(name, tokenName string) string {
	a.t.Helper()
	p := a.client(name).post("/manage/account/token/", url.Values{"name": {tokenName}, "scope": {"all"}, "expires": {"90"}}).
		must(a.t, "create token "+tokenName, 200, "")
	tok := tokenRE.FindString(p.body)
	if tok == "" {
		a.t.Fatalf("no token shown after creating %s:\n%s", tokenName, tail(p.body, 60))
	}
	a.tokens[tokenName] = tok
	return tok
}

// tokenID returns the id of the user's token with this name, from the
// token list's revoke link.
func (a *auditRun) tokenID(name, tokenName string) string {
	a.t.Helper()
	p := a.client(name).get("/manage/account/token/").must(a.t, "token list", 200, "")
	m := regexp.MustCompile(`(?s)` + regexp.QuoteMeta(tokenName) + `.*?/manage/account/token/([0-9a-f]+)/revoke/`).FindStringSubmatch(p.body)
	if m == nil {
		a.t.Fatalf("no revoke link for %s in\n%s", tokenName, tail(p.body, 80))
	}
	return m[1]
}

// projectSteps are the rows about tokens, a project's life and its
// collaborators.
func projectSteps(t *testing.T) []auditStep {
	const demo = "audit-demo"
	w1 := makeWheel(t, demo, "1.0", "one", 0)
	w2 := makeWheel(t, demo, "2.0", "two", 0)
	manage := "/manage/project/" + demo + "/"
	collab := manage + "collaboration/"
	uploaded := func(actor, version string, w wheel, created bool) []wantEvent {
		var evs []wantEvent
		if created {
			evs = append(evs,
				wantEvent{tag: "project:create", actor: actor, user: actor, project: demo, details: map[string]any{"created_by": actor}},
				wantEvent{tag: "project:role:add", actor: actor, user: actor, project: demo, details: map[string]any{"role_name": "Owner", "target_user": actor}})
		}
		return append(evs,
			wantEvent{tag: "project:release:add", actor: actor, user: actor, project: demo, details: map[string]any{"version": version, "submitted_by": actor}},
			wantEvent{tag: "file:add", actor: actor, user: actor, project: demo, details: map[string]any{"filename": w.filename,
				"version": version, "sha256": w.sha256(), "submitted_by": actor, "uploaded_by": actor, "token_id": anyValue}})
	}
	return []auditStep{
		{name: "token created", by: "alice", do: func(a *auditRun) { a.createToken("alice", "laptop") },
			events: []wantEvent{{tag: "account:api_token:added", actor: "alice", user: "alice", details: map[string]any{
				"token_id": anyValue, "description": "laptop", "projects": nil, "expires": anyValue}}},
			mails: []wantMail{{aliceNew, "A new API token was added to your account"}}},

		{name: "upload creates a project", by: "alice", do: func(a *auditRun) {
			a.upload("alice", a.tokens["laptop"], w1).must(a.t, "upload 1.0", 200, "")
		}, events: uploaded("alice", "1.0", w1, true)},

		{name: "collaborators register", setup: true, do: func(a *auditRun) {
			a.register("bob")
			a.register("carol")
		}},

		{name: "invitation sent", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(collab+"invite/", url.Values{"username": {"bob"}, "role": {"Maintainer"}}).must(a.t, "invite bob", 303, collab)
		}, events: []wantEvent{{tag: "project:role:invite", actor: "alice", user: "bob", project: demo,
			details: map[string]any{"role_name": "Maintainer", "target_user": "bob"}}},
			mails: []wantMail{{bobMail, "Invitation to be a maintainer of audit-demo"}}},

		{name: "invitation accepted", by: "bob", do: func(a *auditRun) {
			a.client("bob").post("/manage/projects/invitation/"+demo+"/accept/", nil).must(a.t, "accept", 303, "/manage/projects/")
		}, events: []wantEvent{
			{tag: "project:role:accepted", actor: "bob", user: "bob", project: demo, details: map[string]any{"role_name": "Maintainer", "target_user": "bob", "invited_by": "alice"}},
			{tag: "project:role:add", actor: "bob", user: "bob", project: demo, details: map[string]any{"role_name": "Maintainer", "target_user": "bob"}},
		}, mails: []wantMail{{aliceNew, "bob is now a maintainer of audit-demo"}}},

		{name: "collaborator's token", setup: true, do: func(a *auditRun) { a.createToken("bob", "ci") }},

		{name: "release uploaded by a collaborator", by: "bob", do: func(a *auditRun) {
			a.upload("bob", a.tokens["ci"], w2).must(a.t, "upload 2.0", 200, "")
		}, events: uploaded("bob", "2.0", w2, false),
			mails: []wantMail{{aliceNew, "New release of audit-demo: 2.0"}}},

		{name: "role changed", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(collab+"role/", url.Values{"username": {"bob"}, "role": {"Owner"}}).must(a.t, "change role", 303, collab)
		}, events: []wantEvent{{tag: "project:role:change", actor: "alice", user: "bob", project: demo,
			details: map[string]any{"role_name": "Owner", "old_role_name": "Maintainer", "target_user": "bob"}}},
			mails: []wantMail{{bobMail, "Your role on audit-demo is now Owner"}, {aliceNew, "bob is now an owner of audit-demo"}}},

		{name: "release yanked", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(manage+"release/1.0/yank/", url.Values{"confirm_yank_version": {"1.0"}, "yanked_reason": {"broken"}}).
				must(a.t, "yank", 303, manage+"release/1.0/")
		}, events: []wantEvent{{tag: "project:release:yank", actor: "alice", user: "alice", project: demo,
			details: map[string]any{"version": "1.0", "yanked_reason": "broken"}}}},

		{name: "release unyanked", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(manage+"release/1.0/unyank/", url.Values{"confirm_unyank_version": {"1.0"}}).
				must(a.t, "unyank", 303, manage+"release/1.0/")
		}, events: []wantEvent{{tag: "project:release:unyank", actor: "alice", user: "alice", project: demo,
			details: map[string]any{"version": "1.0", "yanked_reason": ""}}}},

		{name: "file deleted", by: "bob", do: func(a *auditRun) {
			a.client("bob").post(manage+"release/2.0/file/delete/", url.Values{"filename": {w2.filename}, "confirm_filename": {w2.filename}}).
				must(a.t, "delete file", 303, manage+"release/2.0/")
		}, events: []wantEvent{{tag: "file:remove", actor: "bob", user: "bob", project: demo,
			details: map[string]any{"version": "2.0", "filename": w2.filename}}}},

		{name: "release deleted", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(manage+"release/1.0/delete/", url.Values{"confirm_delete_version": {"1.0"}}).
				must(a.t, "delete release", 303, manage)
		}, events: []wantEvent{
			{tag: "project:release:remove", actor: "alice", user: "alice", project: demo, details: map[string]any{"version": "1.0"}},
		}},

		{name: "collaborator removed", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(collab+"remove/", url.Values{"username": {"bob"}, "confirm": {"bob"}}).must(a.t, "remove bob", 303, collab)
		}, events: []wantEvent{{tag: "project:role:remove", actor: "alice", user: "bob", project: demo,
			details: map[string]any{"role_name": "Owner", "target_user": "bob"}}},
			mails: []wantMail{{bobMail, "You are no longer an owner of audit-demo"}, {aliceNew, "bob is no longer an owner of audit-demo"}}},

		{name: "invitation to decline", by: "alice", do: func(a *auditRun) {
			a.client("alice").post(collab+"invite/", url.Values{"username": {"carol"}, "role": {"Owner"}}).must(a.t, "invite carol", 303, collab)
		}, events: []wantEvent{{tag: "project:role:invite", actor: "alice", user: "carol", project: demo,
			details: map[string]any{"role_name": "Owner", "target_user": "carol"}}},
			mails: []wantMail{{carolMail, "Invitation to be an owner of audit-demo"}}},

		{name: "invitation declined", by: "carol", do: func(a *auditRun) {
			a.client("carol").post("/manage/projects/invitation/"+demo+"/decline/", nil).must(a.t, "decline", 303, "/manage/projects/")
		}, events: []wantEvent{{tag: "project:role:declined", actor: "carol", user: "carol", project: demo,
			details: map[string]any{"role_name": "Owner", "target_user": "carol", "invited_by": "alice"}}},
			mails: []wantMail{{aliceNew, "carol declined the invitation to audit-demo"}}},

		{name: "invitation revoked", by: "alice", do: func(a *auditRun) {
			c := a.client("alice")
			c.post(collab+"invite/", url.Values{"username": {"carol"}, "role": {"Maintainer"}}).must(a.t, "invite carol again", 303, collab)
			c.post(collab+"revoke/", url.Values{"username": {"carol"}}).must(a.t, "revoke", 303, collab)
		}, events: []wantEvent{
			{tag: "project:role:invite", actor: "alice", user: "carol", project: demo, details: map[string]any{"role_name": "Maintainer", "target_user": "carol"}},
			{tag: "project:role:revoke_invite", actor: "alice", user: "carol", project: demo, details: map[string]any{"role_name": "Maintainer", "target_user": "carol"}},
		}, mails: []wantMail{{carolMail, "Invitation to be a maintainer of audit-demo"}, {carolMail, "Invitation to audit-demo withdrawn"}}},

		{name: "token revoked", by: "alice", do: func(a *auditRun) {
			id := a.tokenID("alice", "laptop")
			a.client("alice").post("/manage/account/token/"+id+"/revoke/", nil).must(a.t, "revoke", 303, "/manage/account/token/")
		}, events: []wantEvent{{tag: "account:api_token:removed", actor: "alice", user: "alice", details: map[string]any{"token_id": anyValue, "description": "laptop", "projects": []any{}}}}},

		{name: "token reported leaked", by: "scanner", do: func(a *auditRun) {
			if code := a.scanner.report(a.t, a.base, a.client("scanner").agent, a.tokens["ci"]); code != http.StatusNoContent {
				a.t.Fatalf("disclose-token: %d", code)
			}
			if p := a.upload("bob", a.tokens["ci"], makeWheel(a.t, demo, "3.0", "three", 0)); p.status != http.StatusForbidden {
				a.t.Errorf("upload with a leaked token: %d, want 403", p.status)
			}
		}, events: []wantEvent{{tag: "account:api_token:removed_leak", user: "bob", details: map[string]any{
			"token_id": anyValue, "description": "ci", "projects": []any{}, "public_url": "https://github.com/example/leak/blob/main/.pypirc"}}},
			mails: []wantMail{{bobMail, "Your API token was found in public and revoked"}}},

		{name: "2FA removed", by: "alice", do: func(a *auditRun) {
			a.client("alice").post("/manage/account/totp/remove/", nil).must(a.t, "remove TOTP", 303, "/manage/account/two-factor/")
		}, events: []wantEvent{{tag: "account:two_factor:method_removed", actor: "alice", user: "alice", details: map[string]any{"method": "totp"}}},
			mails: []wantMail{{aliceNew, "Two-factor authentication was removed from your account"}}},

		{name: "password reset", by: "alice-phone", do: func(a *auditRun) {
			c := a.client("alice-phone")
			c.post("/account/request-password-reset/", url.Values{"username_or_email": {"alice"}}).must(a.t, "request reset", 200, "")
			link := a.mailLink(aliceNew, "/account/reset-password/")
			c.post("/account/reset-password/", url.Values{"token": {strings.TrimPrefix(link, "/account/reset-password/?token=")},
				"new_password": {auditPassword + "?"}, "password_confirm": {auditPassword + "?"}}).must(a.t, "reset", 200, "")
		}, events: []wantEvent{
			{tag: "account:password:reset:request", actor: "alice", user: "alice", details: map[string]any{}},
			{tag: "account:password:reset", actor: "alice", user: "alice", details: map[string]any{}},
		}, mails: []wantMail{{aliceNew, "Reset your password"}, {aliceNew, "Your password was reset"}}},
	}
}
