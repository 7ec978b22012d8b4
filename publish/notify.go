package publish

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"wharf"
)

// mailTimeout bounds the sending of the new-release notices, so a slow
// mail relay delays an upload's reply by at most this much.
const mailTimeout = 30 * time.Second

// releaseNotice is the mail that tells a project's other collaborators
// that an upload created a release. Its recipients are read in the
// upload's own transaction, so they are the collaborators at the moment
// the release appeared; it is sent after the commit.
type releaseNotice struct {
	project  string // normalized name, for links
	display  string
	version  string
	uploader string
	to       []*wharf.User
}

// releaseNotice gathers the notice for a release the principal's upload
// created: every owner and maintainer of the project but the uploader,
// each with a verified address (an unverified one may belong to someone
// else). It returns nil when there is no mailer or nobody to tell.
func (s *Service) releaseNotice(ctx context.Context, tx wharf.Tx, pr *Principal, p *wharf.Project, version string) (*releaseNotice, error) {
	if s.cfg.Mailer == nil {
		return nil, nil
	}
	roles, err := tx.Roles(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	n := &releaseNotice{project: p.Name, display: p.DisplayName, version: version, uploader: pr.User.Name}
	for _, r := range roles {
		if r.UserID == pr.User.ID {
			continue
		}
		u, err := tx.UserByID(ctx, r.UserID)
		if err != nil {
			return nil, err
		}
		if u.Email != "" && u.EmailVerified {
			n.to = append(n.to, u)
		}
	}
	if len(n.to) == 0 {
		return nil, nil
	}
	return n, nil
}

// sendReleaseNotice mails n to each recipient on its own, so nobody learns
// the others' addresses. The release exists whatever happens here: a
// failure is logged, never returned. The request's cancellation does not
// stop the sending, the timeout does.
func (s *Service) sendReleaseNotice(ctx context.Context, n *releaseNotice) {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mailTimeout)
	defer cancel()
	subject := fmt.Sprintf("New release of %s: %s", n.display, n.version)
	for _, u := range n.to {
		err := s.cfg.Mailer.Send(ctx, wharf.Message{To: []string{u.Email}, Subject: subject, Text: n.text(u, s.cfg.Location)})
		if err != nil {
			s.log.Error("sending mail failed", "subject", "new release", "project", n.project, "user", u.Name, "err", err)
		}
	}
}

// text is the plain-text body of the notice for u. location is the
// index's public URL; without one the links are paths on the index.
func (n *releaseNotice) text(u *wharf.User, location string) string {
	base := strings.TrimSuffix(location, "/")
	name, version := url.PathEscape(n.project), url.PathEscape(n.version)
	return fmt.Sprintf("Hello %s,\n\n"+
		"A new release %s %s was uploaded by %s, a collaborator on the project:\n\n"+
		"  %s/project/%s/%s/\n\n"+
		"You get this email because you are an owner or maintainer of %s. If you did not expect this release, "+
		"an owner can yank or delete it on the project's management page:\n\n"+
		"  %s/manage/project/%s/release/%s/\n\n"+
		"— wharf\n",
		u.Name, n.display, n.version, n.uploader, base, name, version, n.display, base, name, version)
}
