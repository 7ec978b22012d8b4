package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"wharf/auth/totp"
)

// auditClient is one person's browser as far as the server can tell: a
// cookie jar and a User-Agent of its own, so that every audit record can be
// traced to who made it. It does not follow redirects: the test checks
// where each form leads.
type auditClient struct {
	t     *testing.T
	base  string
	agent string
	c     *http.Client
}

func newAuditClient(t *testing.T, base, agent string) *auditClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &auditClient{t: t, base: base, agent: agent, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is one reply: its status, Location and body.
type page struct {
	status   int
	location string
	body     string
}

func (c *auditClient) do(method, path string, form url.Values) page {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", c.agent)
	req.Header.Set("Accept-Language", "en")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

func (c *auditClient) get(path string) page { c.t.Helper(); return c.do("GET", path, nil) }

func (c *auditClient) post(path string, form url.Values) page {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return c.do("POST", path, form)
}

// must fails unless the reply has the status (and, for a redirect, leads
// to a location starting with to).
func (p page) must(t *testing.T, what string, status int, to string) page {
	t.Helper()
	if p.status != status || !strings.HasPrefix(p.location, to) {
		t.Fatalf("%s: %d to %q, want %d to %q…\n%s", what, p.status, p.location, status, to, tail(p.body, 40))
	}
	return p
}

// field returns the value of the page's input named name.
func (p page) field(t *testing.T, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input[^>]*name="` + regexp.QuoteMeta(name) + `"[^>]*value="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no field %s in\n%s", name, tail(p.body, 60))
	}
	return html.UnescapeString(m[1])
}

// totpNow computes the current code of a TOTP key as an app would. It
// waits for the next time step if after is that step or later, so that a
// code is never used twice (the server refuses replays).
func totpNow(t *testing.T, key string, after int64) (string, int64) {
	t.Helper()
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(key, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	for totp.Step(time.Now()) <= after {
		time.Sleep(200 * time.Millisecond)
	}
	step := totp.Step(time.Now())
	return totp.Code(secret, step), step
}

// recordedEvent is one audit record with its ids resolved to names.
type recordedEvent struct {
	ID                   int64
	Tag                  string
	Actor, User, Project string
	IP, Agent            string
	Details              map[string]any
}

func (e recordedEvent) String() string {
	d, _ := json.Marshal(e.Details)
	return fmt.Sprintf("%s actor=%q user=%q project=%q ip=%s agent=%q %s", e.Tag, e.Actor, e.User, e.Project, e.IP, e.Agent, d)
}

// eventsAfter reads the audit records after id from a running server's
// database (read-only; SQLite's WAL lets it read beside the writer).
func eventsAfter(t testing.TB, data string, id int64) []recordedEvent {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "wharf.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT e.id, e.tag, COALESCE(a.name, ''), COALESCE(u.name, ''), COALESCE(p.name, ''), e.ip, e.user_agent, e.details
		FROM events e LEFT JOIN users a ON a.id = e.actor_id LEFT JOIN users u ON u.id = e.user_id
		LEFT JOIN projects p ON p.id = e.project_id WHERE e.id > ? ORDER BY e.id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []recordedEvent
	for rows.Next() {
		var e recordedEvent
		var details string
		if err := rows.Scan(&e.ID, &e.Tag, &e.Actor, &e.User, &e.Project, &e.IP, &e.Agent, &details); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			t.Fatalf("event %s: details %q: %v", e.Tag, details, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantEvent is an audit record a step must produce. Details must match
// exactly: the same keys, and the same values except that anyValue
// matches any non-empty value (an id or a time the test cannot know).
type wantEvent struct {
	tag, actor, user, project string
	details                   map[string]any
	// agent is the User-Agent recorded; "" means the acting client's.
	agent string
}

const anyValue = "<any>"

// mismatch says how got differs from w, or "" if it matches.
func (w wantEvent) mismatch(got recordedEvent, agent string) string {
	if w.agent != "" {
		agent = w.agent
	}
	var diffs []string
	check := func(what, got, want string) {
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", what, got, want))
		}
	}
	check("tag", got.Tag, w.tag)
	check("actor", got.Actor, w.actor)
	check("user", got.User, w.user)
	check("project", got.Project, w.project)
	check("ip", got.IP, "127.0.0.1")
	check("agent", got.Agent, agent)
	keys := map[string]bool{}
	for k := range got.Details {
		keys[k] = true
	}
	for k := range w.details {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		gv, ok := got.Details[k]
		wv, want := w.details[k]
		switch {
		case !want:
			diffs = append(diffs, fmt.Sprintf("unexpected detail %s=%v", k, gv))
		case !ok:
			diffs = append(diffs, fmt.Sprintf("missing detail %s", k))
		case wv == anyValue:
			if gv == nil || gv == "" {
				diffs = append(diffs, fmt.Sprintf("detail %s is empty", k))
			}
		default:
			gj, _ := json.Marshal(gv)
			wj, _ := json.Marshal(wv)
			if !bytes.Equal(gj, wj) {
				diffs = append(diffs, fmt.Sprintf("detail %s=%s, want %s", k, gj, wj))
			}
		}
	}
	return strings.Join(diffs, "; ")
}

// wantMail is a message a step must send: its recipient and subject.
type wantMail struct {
	to, subject string
}

// testScanner is a secret scanner's key pair; its public key is
// configured in the server, and it signs its reports.
type testScanner struct {
	priv *ecdsa.PrivateKey
}

func newTestScanner(t *testing.T) testScanner {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testScanner{priv: priv}
}

// publicPEM is the scanner's public key as the configuration holds it.
func (s testScanner) publicPEM(t *testing.T) string {
	der, err := x509.MarshalPKIXPublicKey(&s.priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// report posts a leaked-token report, signed, as GitHub's scanner does.
func (s testScanner) report(t *testing.T, base, agent, token string) int {
	t.Helper()
	body, _ := json.Marshal([]map[string]string{{"token": token, "type": "wharf_api_token",
		"url": "https://github.com/example/leak/blob/main/.pypirc", "source": "content"}})
	sum := sha256.Sum256(body)
	sig, err := ecdsa.SignASN1(rand.Reader, s.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", base+"/_/secrets/disclose-token", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", agent)
	req.Header.Set("GITHUB-PUBLIC-KEY-IDENTIFIER", "audit-test-key")
	req.Header.Set("GITHUB-PUBLIC-KEY-SIGNATURE", base64.StdEncoding.EncodeToString(sig))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
