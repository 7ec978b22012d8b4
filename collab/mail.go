package collab

import (
	"context"
	"fmt"
	"strings"

	"wharf"
)

// letter is a notification composed inside a transaction, from the state
// it saw, and sent after the commit: a mail must never announce a change
// that was rolled back.
type letter struct {
	to      *wharf.User
	subject string
	lines   []string
}

// letters collects the notifications of one action.
type letters []letter

// add composes a mail to u, unless u has no address.
func (ls *letters) add(u *wharf.User, subject string, lines ...string) {
	if u.Email != "" {
		*ls = append(*ls, letter{to: u, subject: subject, lines: lines})
	}
}

// addAll composes the same mail to each user, once per user, skipping
// the one whose ID is skip (someone who got a mail of their own).
func (ls *letters) addAll(users []*wharf.User, skip int64, subject string, lines ...string) {
	for _, u := range users {
		if u.ID != skip {
			ls.add(u, subject, lines...)
		}
	}
}

// send delivers the notifications. One that cannot be sent is logged, not
// returned: the action it reports has happened.
func (s *Service) send(ctx context.Context, ls letters) {
	if s.mailer == nil {
		return
	}
	for _, l := range ls {
		body := fmt.Sprintf("Hello %s,\n\n%s\n\n— wharf\n", l.to.Name, strings.Join(l.lines, "\n"))
		if err := s.mailer.Send(ctx, wharf.Message{To: []string{l.to.Email}, Subject: l.subject, Text: body}); err != nil {
			s.log.Error("sending mail failed", "subject", l.subject, "err", err)
		}
	}
}

// link returns an absolute URL on this index.
func (s *Service) link(path string) string {
	return strings.TrimSuffix(s.location, "/") + path
}

// collaborationLink is the address of the project's collaborator page.
func (s *Service) collaborationLink(p *wharf.Project) string {
	return s.link("/manage/project/" + p.Name + "/collaboration/")
}

// ownerNote ends a mail sent to a project's owners.
func ownerNote(s *Service, p *wharf.Project) []string {
	return []string{"", fmt.Sprintf("You get this mail because you are an owner of %s. Its collaborators:", p.DisplayName), s.collaborationLink(p)}
}

// withArticle names a role in a sentence, with its article: "an owner".
func withArticle(role string) string {
	if role == wharf.RoleOwner {
		return "an owner"
	}
	return "a maintainer"
}
