package publish_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"wharf"
	"wharf/publish"
)

// mailbox is a wharf.Mailer that keeps what it is given, or fails with
// fail when that is set.
type mailbox struct {
	mu   sync.Mutex
	msgs []wharf.Message
	fail error
}

func (m *mailbox) Send(ctx context.Context, msg wharf.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.msgs = append(m.msgs, msg)
	return nil
}

// take returns the messages sent since the last call.
func (m *mailbox) take() []wharf.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.msgs
	m.msgs = nil
	return out
}

// collaborator gives an account a role on foo-bar and sets whether its
// address is verified, straight in the store.
func (e *env) collaborator(name, role string, verified bool) *account {
	e.t.Helper()
	a := e.account(name)
	ctx := e.t.Context()
	err := e.store.Update(ctx, func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(ctx, "foo-bar")
		if err != nil {
			return err
		}
		if role != "" {
			if err := tx.SetRole(ctx, p.ID, a.user.ID, role); err != nil {
				return err
			}
		}
		a.user.EmailVerified = verified
		return tx.UpdateUser(ctx, a.user)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// recipients returns the addresses of the messages, sorted.
func recipients(msgs []wharf.Message) []string {
	var to []string
	for _, m := range msgs {
		to = append(to, strings.Join(m.To, ","))
	}
	slices.Sort(to)
	return to
}

func TestReleaseNotice(t *testing.T) {
	box := &mailbox{}
	e := newEnv(t, func(c *publish.Config) { c.Mailer, c.Location = box, "https://pypi.example.org/py/" })
	alice := e.account("alice")
	// The first upload creates the project: there is nobody else to tell.
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	if got := box.take(); len(got) != 0 {
		t.Fatalf("a new project mailed %q", recipients(got))
	}
	bob := e.collaborator("bob", wharf.RoleMaintainer, true)
	e.collaborator("carol", wharf.RoleOwner, true)
	e.collaborator("dave", wharf.RoleMaintainer, false) // unverified: no mail
	e.collaborator("erin", "", true)                    // no role: no mail

	// A maintainer's new release: every other collaborator with a
	// verified address hears of it, one mail each; alice's address was
	// never verified.
	e.mustPublish(bob, wheel(t, "foo-bar", "2.0", "a"))
	msgs := box.take()
	if got, want := recipients(msgs), []string{"carol@example.com"}; !slices.Equal(got, want) {
		t.Fatalf("mailed %q, want %q", got, want)
	}
	m := msgs[0]
	if m.Subject != "New release of foo-bar: 2.0" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{
		"Hello carol,",
		"A new release foo-bar 2.0 was uploaded by bob",
		"https://pypi.example.org/py/project/foo-bar/2.0/",
		"https://pypi.example.org/py/manage/project/foo-bar/release/2.0/",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.Text)
		}
	}

	// Another file of the same release is no new release.
	e.mustPublish(bob, sdist(t, "foo-bar", "2.0", "a"))
	// The owner's own upload reaches bob and carol, never alice.
	e.mustPublish(alice, wheel(t, "foo-bar", "2.1", "a"))
	if got, want := recipients(box.take()), []string{"bob@example.com", "carol@example.com"}; !slices.Equal(got, want) {
		t.Errorf("mailed %q, want %q", got, want)
	}
	// A duplicate changes nothing and mails nobody.
	if res, err := e.publish(alice, wheel(t, "foo-bar", "2.1", "a")); err != nil || !res.Duplicate {
		t.Fatalf("duplicate: %+v, %v", res, err)
	}
	if got := box.take(); len(got) != 0 {
		t.Errorf("a duplicate mailed %q", recipients(got))
	}
}

func TestReleaseNoticeFailureKeepsUpload(t *testing.T) {
	box := &mailbox{fail: errors.New("relay down")}
	e := newEnv(t, func(c *publish.Config) { c.Mailer = box })
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	e.collaborator("carol", wharf.RoleOwner, true)
	// The mail fails; the upload, already committed, does not.
	e.mustPublish(alice, wheel(t, "foo-bar", "2.0", "a"))
	wantRows(t, e, "SELECT version FROM releases ORDER BY id", "1.0", "2.0")
}

func TestReleaseNoticeRelativeLinks(t *testing.T) {
	box := &mailbox{}
	e := newEnv(t, func(c *publish.Config) { c.Mailer = box })
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	e.collaborator("carol", wharf.RoleOwner, true)
	e.mustPublish(alice, wheel(t, "foo-bar", "1.0rc1", "a"))
	msgs := box.take()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "\n  /manage/project/foo-bar/release/1.0rc1/\n") {
		t.Errorf("mails %+v", msgs)
	}
}

// TestFileAddEvent checks that the audit record of an upload names the
// token and the uploader, with the request's address and user agent.
func TestFileAddEvent(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	wantRows(t, e, `SELECT tag || ' ' || actor_id || ' ' || user_id || ' ' || ip || ' ' || user_agent || ' ' ||
		json_extract(details, '$.token_id') || ' ' || json_extract(details, '$.submitted_by') || ' ' ||
		json_extract(details, '$.uploaded_by') || ' ' || json_extract(details, '$.filename')
		FROM events WHERE tag = 'file:add'`,
		"file:add "+fmt.Sprint(alice.user.ID)+" "+fmt.Sprint(alice.user.ID)+" 192.0.2.1 twine/6.1.0 "+alice.pr.Token.ID+" alice alice foo_bar-1.0.tar.gz")
	wantRows(t, e, `SELECT json_extract(details, '$.submitted_by') FROM events WHERE tag = 'project:release:add'`, "alice")
}
