package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"wharf/internal/smtptest"
)

// sentMail is one message the test SMTP server accepted, decoded for
// reading: the subject without MIME encoded words and the plain-text body
// without its transfer encoding.
type sentMail struct {
	To      []string
	Subject string
	Text    string
}

// decodeMail reads a message as wharf's mailer writes it: a plain-text
// part in quoted-printable, alone or inside a multipart/alternative.
func decodeMail(m smtptest.Message) (sentMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return sentMail{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return sentMail{}, fmt.Errorf("subject: %w", err)
	}
	text, err := plainText(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return sentMail{}, err
	}
	return sentMail{To: m.To, Subject: subject, Text: text}, nil
}

// plainText returns the text/plain content of a body with the given
// content type and transfer encoding, looking inside multipart bodies.
func plainText(contentType, encoding string, body io.Reader) (string, error) {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		// multipart.Reader undoes quoted-printable itself and drops the
		// header that says so.
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return "", fmt.Errorf("no text/plain part in %s", mediaType)
			}
			if err != nil {
				return "", err
			}
			text, err := plainText(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
			if err == nil && text != "" {
				return text, nil
			}
		}
	}
	if mediaType != "text/plain" {
		return "", nil
	}
	if strings.EqualFold(strings.TrimSpace(encoding), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	return string(b), err
}

// mailbox reads what wharf mailed to the test SMTP server.
type mailbox struct {
	t   testing.TB
	srv *smtptest.Server
}

// all returns every message so far, decoded.
func (mb mailbox) all() []sentMail {
	mb.t.Helper()
	var out []sentMail
	for _, m := range mb.srv.Messages() {
		d, err := decodeMail(m)
		if err != nil {
			mb.t.Fatalf("decoding a mail to %v: %v\n%s", m.To, err, m.Data)
		}
		out = append(out, d)
	}
	return out
}

// find waits up to ten seconds for a message to rcpt whose body matches
// re and returns the first submatch of re (or the whole match).
func (mb mailbox) find(rcpt string, re *regexp.Regexp) string {
	mb.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for n := 1; ; n++ {
		if _, err := mb.srv.Wait(ctx, n); err != nil {
			mb.t.Fatalf("no mail to %s matching %s within 10s; mails: %+v", rcpt, re, mb.all())
		}
		// Mails that came before n are checked again: n only says how
		// many to wait for.
		for _, m := range mb.all() {
			if !strings.Contains(strings.Join(m.To, ","), rcpt) {
				continue
			}
			if sub := re.FindStringSubmatch(m.Text); sub != nil {
				return sub[len(sub)-1]
			}
		}
	}
}

// subjects returns the subjects of the messages sent to rcpt so far.
func (mb mailbox) subjects(rcpt string) []string {
	mb.t.Helper()
	var out []string
	for _, m := range mb.all() {
		if strings.Contains(strings.Join(m.To, ","), rcpt) {
			out = append(out, m.Subject)
		}
	}
	return out
}

// userEvents reads the audit records about user from a server's
// database, oldest first.
func userEvents(t testing.TB, data, user string) []recordedEvent {
	t.Helper()
	var out []recordedEvent
	for _, e := range eventsAfter(t, data, 0) {
		if e.User == user {
			out = append(out, e)
		}
	}
	return out
}

// countEvents counts the events with tag whose details hold every key and
// value of want.
func countEvents(events []recordedEvent, tag string, want map[string]any) int {
	n := 0
	for _, e := range events {
		if e.Tag != tag {
			continue
		}
		match := true
		for k, v := range want {
			if e.Details[k] != v {
				match = false
			}
		}
		if match {
			n++
		}
	}
	return n
}
