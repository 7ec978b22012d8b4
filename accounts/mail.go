package accounts

import (
	"context"
	"fmt"
	"strings"

	"wharf"
)

// mail builds and sends one notification. A notification that cannot be
// sent is logged, not fatal: the action it reports has happened.
func (s *Service) notify(ctx context.Context, u *wharf.User, subject string, lines ...string) {
	if u.Email == "" {
		return
	}
	err := s.web.mailer.Send(ctx, wharf.Message{To: []string{u.Email}, Subject: subject, Text: mailBody(u, lines)})
	if err != nil {
		s.web.log.Error("sending mail failed", "subject", subject, "err", err)
	}
}

// send sends a mail whose delivery the action depends on (a verification
// or reset link), returning the error.
func (s *Service) send(ctx context.Context, to string, u *wharf.User, subject string, lines ...string) error {
	err := s.web.mailer.Send(ctx, wharf.Message{To: []string{to}, Subject: subject, Text: mailBody(u, lines)})
	if err != nil {
		return wharf.WrapError(wharf.EINTERNAL, "The email could not be sent. Try again later.", err)
	}
	return nil
}

func mailBody(u *wharf.User, lines []string) string {
	return fmt.Sprintf("Hello %s,\n\n%s\n\nIf this was not you, change your password and review your account's security at once.\n\n— wharf\n",
		u.Name, strings.Join(lines, "\n"))
}

// link returns an absolute URL on this index.
func (s *Service) link(path string) string {
	return strings.TrimSuffix(s.location, "/") + path
}

// hostOf returns the host of a URL, or "".
func hostOf(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, _ = strings.CutPrefix(u, "http://")
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}
