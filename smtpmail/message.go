package smtpmail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"wharf"
)

const (
	// maxSubject is the most characters a subject may have; with folding
	// it keeps every header line far below SMTP's 998-byte limit.
	maxSubject = 250
	// maxRecipients bounds the recipients of one message.
	maxRecipients = 100
)

// parseAddress parses one address as Message.To and Options.From allow:
// bare or with a display name, no line breaks, an ASCII address.
func parseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, wharf.Errorf(wharf.EINVALID, "Email address must not contain line breaks.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, wharf.Errorf(wharf.EINVALID, "Invalid email address %q.", s)
	}
	for i := 0; i < len(a.Address); i++ {
		if c := a.Address[i]; c >= utf8.RuneSelf || c < ' ' {
			return nil, wharf.Errorf(wharf.EINVALID, "Email address %q must be ASCII.", s)
		}
	}
	return a, nil
}

// built is a message ready for the wire.
type built struct {
	rcpts []string // envelope recipients
	data  []byte   // headers and body with CRLF line endings
}

// build checks m and renders it with the given sender, time and domain for
// the Message-ID. Errors for a bad message carry wharf.EINVALID.
func build(from *mail.Address, m wharf.Message, now time.Time) (built, error) {
	if len(m.To) == 0 {
		return built{}, wharf.Errorf(wharf.EINVALID, "Email needs at least one recipient.")
	}
	if len(m.To) > maxRecipients {
		return built{}, wharf.Errorf(wharf.EINVALID, "Email has too many recipients.")
	}
	var b built
	var to []string
	for _, s := range m.To {
		a, err := parseAddress(s)
		if err != nil {
			return built{}, err
		}
		b.rcpts = append(b.rcpts, a.Address)
		to = append(to, a.String())
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return built{}, wharf.Errorf(wharf.EINVALID, "Email subject must not contain line breaks.")
	}
	if utf8.RuneCountInString(m.Subject) > maxSubject || !utf8.ValidString(m.Subject) {
		return built{}, wharf.Errorf(wharf.EINVALID, "Email subject must be valid text of at most %d characters.", maxSubject)
	}
	id, err := messageID(from.Address)
	if err != nil {
		return built{}, err
	}
	var buf bytes.Buffer
	header := func(k, v string) { buf.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(to, ",\r\n "))
	// Mail readers drop white space around a header value, so it is
	// dropped here too and what is sent is what arrives.
	header("Subject", encodeSubject(strings.TrimSpace(m.Subject)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	// Auto-Submitted (RFC 3834) asks vacation responders not to reply.
	header("Auto-Submitted", "auto-generated")
	if err := writeBody(&buf, m); err != nil {
		return built{}, err
	}
	b.data = buf.Bytes()
	return b, nil
}

// encodeSubject encodes s as RFC 2047 words when it is not plain ASCII and
// folds between the words, so no line grows long.
func encodeSubject(s string) string {
	return strings.ReplaceAll(mime.QEncoding.Encode("utf-8", s), "?= =?", "?=\r\n =?")
}

// messageID returns a new random Message-ID in the sender's domain.
func messageID(fromAddr string) (string, error) {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	domain := fromAddr[strings.LastIndexByte(fromAddr, '@')+1:]
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">", nil
}

// writeBody writes the content headers and body: one text part, or a
// multipart/alternative of text and HTML when m.HTML is set. The HTML part
// comes last because readers show the last alternative they understand.
func writeBody(buf *bytes.Buffer, m wharf.Message) error {
	if m.HTML == "" {
		buf.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
		buf.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
		if err := writeQP(buf, m.Text); err != nil {
			return err
		}
		if !bytes.HasSuffix(buf.Bytes(), []byte("\r\n")) {
			buf.WriteString("\r\n")
		}
		return nil
	}
	mw := multipart.NewWriter(buf)
	buf.WriteString("Content-Type: multipart/alternative; boundary=" + mw.Boundary() + "\r\n\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return err
		}
		if err := writeQP(w, p.body); err != nil {
			return err
		}
	}
	return mw.Close()
}

// writeQP writes s quoted-printable encoded with CRLF line breaks. The
// encoding keeps every line short and the message 7-bit, whatever the text;
// lines that start with a dot are left to SMTP's dot-stuffing.
func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(s, "\r\n", "\n"))); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("smtpmail: encoding body: %w", err)
	}
	return nil
}
