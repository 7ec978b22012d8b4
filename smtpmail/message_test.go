package smtpmail

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"wharf"
)

var (
	testFrom = &mail.Address{Name: "Wharf", Address: "noreply@example.com"}
	testNow  = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
)

// parsed is a built message read back the way a mail client would.
type parsed struct {
	header mail.Header
	text   string
	html   string
}

// readBack parses message data, decoding the subject and the parts.
func readBack(t testing.TB, data []byte) parsed {
	t.Helper()
	for i, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 998 || strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d is not a valid SMTP line: %q", i, line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading message: %v", err)
	}
	p := parsed{header: msg.Header}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if mediaType == "text/plain" {
		p.text = decodeQP(t, msg.Body)
		return p
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q", mediaType)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return p
		} else if err != nil {
			t.Fatal(err)
		}
		switch part.Header.Get("Content-Type") {
		case "text/plain; charset=utf-8":
			p.text = decodeQP(t, part)
		case "text/html; charset=utf-8":
			p.html = decodeQP(t, part)
		default:
			t.Fatalf("part type %q", part.Header.Get("Content-Type"))
		}
	}
}

// decodeQP decodes a quoted-printable body and undoes the trailing CRLF
// writeQP adds, with CRLF line breaks turned back into LF.
func decodeQP(t testing.TB, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
}

func TestBuild(t *testing.T) {
	longSubject := strings.TrimSpace(strings.Repeat("Überprüfung ", 20))
	tests := []struct {
		name     string
		msg      wharf.Message
		wantTo   string
		wantSubj string
	}{
		{
			name:   "plain text",
			msg:    wharf.Message{To: []string{"alice@example.com"}, Subject: "Verify your email", Text: "Open https://x/verify?t=abc\nThanks."},
			wantTo: "<alice@example.com>", wantSubj: "Verify your email",
		},
		{
			name:   "names and non-ascii",
			msg:    wharf.Message{To: []string{"Zoë Ünal <zoe@example.com>", "bob@example.com"}, Subject: "Bestätigen ✓", Text: "Grüße\r\n.dot line\n", HTML: "<p>Grüße</p>"},
			wantTo: "=?utf-8?q?Zo=C3=AB_=C3=9Cnal?= <zoe@example.com>, <bob@example.com>", wantSubj: "Bestätigen ✓",
		},
		{
			name:   "long non-ascii subject",
			msg:    wharf.Message{To: []string{"a@example.com"}, Subject: longSubject, Text: strings.Repeat("long line ", 100)},
			wantTo: "<a@example.com>", wantSubj: longSubject,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := build(testFrom, tt.msg, testNow)
			if err != nil {
				t.Fatal(err)
			}
			p := readBack(t, b.data)
			h := p.header
			dec := new(mime.WordDecoder)
			subj, err := dec.DecodeHeader(h.Get("Subject"))
			if err != nil || subj != tt.wantSubj {
				t.Errorf("Subject = %q (%v), want %q", subj, err, tt.wantSubj)
			}
			if got := h.Get("To"); got != tt.wantTo {
				t.Errorf("To = %q, want %q", got, tt.wantTo)
			}
			if got := h.Get("From"); got != `"Wharf" <noreply@example.com>` {
				t.Errorf("From = %q", got)
			}
			if d, err := h.Date(); err != nil || !d.Equal(testNow) {
				t.Errorf("Date = %v, %v", d, err)
			}
			if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@example\.com>$`).MatchString(id) {
				t.Errorf("Message-ID = %q", id)
			}
			if h.Get("MIME-Version") != "1.0" || h.Get("Auto-Submitted") != "auto-generated" {
				t.Errorf("headers %v", h)
			}
			wantText := strings.TrimSuffix(strings.ReplaceAll(tt.msg.Text, "\r\n", "\n"), "\n")
			if p.text != wantText || p.html != tt.msg.HTML {
				t.Errorf("body text %q html %q, want %q and %q", p.text, p.html, wantText, tt.msg.HTML)
			}
			if len(b.rcpts) != len(tt.msg.To) {
				t.Errorf("recipients %v", b.rcpts)
			}
		})
	}
}

func TestBuildRefuses(t *testing.T) {
	tests := []struct {
		name string
		msg  wharf.Message
	}{
		{name: "no recipients", msg: wharf.Message{Subject: "s", Text: "t"}},
		{name: "CRLF in subject", msg: wharf.Message{To: []string{"a@example.com"}, Subject: "hi\r\nBcc: evil@example.com", Text: "t"}},
		{name: "LF in subject", msg: wharf.Message{To: []string{"a@example.com"}, Subject: "hi\nBcc: evil@example.com", Text: "t"}},
		{name: "CR in subject", msg: wharf.Message{To: []string{"a@example.com"}, Subject: "hi\rx", Text: "t"}},
		{name: "LF in recipient", msg: wharf.Message{To: []string{"a@example.com\nBcc: evil@example.com"}, Text: "t"}},
		{name: "LF in display name", msg: wharf.Message{To: []string{"\"A\nB\" <a@example.com>"}, Text: "t"}},
		{name: "two addresses in one", msg: wharf.Message{To: []string{"a@example.com, b@example.com"}, Text: "t"}},
		{name: "not an address", msg: wharf.Message{To: []string{"alice"}, Text: "t"}},
		{name: "non-ascii address", msg: wharf.Message{To: []string{"zoë@example.com"}, Text: "t"}},
		{name: "subject too long", msg: wharf.Message{To: []string{"a@example.com"}, Subject: strings.Repeat("x", maxSubject+1), Text: "t"}},
		{name: "invalid UTF-8 subject", msg: wharf.Message{To: []string{"a@example.com"}, Subject: "\xff", Text: "t"}},
		{name: "too many recipients", msg: wharf.Message{To: strings.Split(strings.Repeat("a@example.com,", maxRecipients+1), ",")[:maxRecipients+1], Text: "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(testFrom, tt.msg, testNow)
			if !wharf.IsCode(err, wharf.EINVALID) {
				t.Fatalf("build = %v, want an EINVALID error", err)
			}
		})
	}
}

// knownHeaders are the headers build writes, in canonical form.
var knownHeaders = map[string]bool{
	"From": true, "To": true, "Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
	"Auto-Submitted": true, "Content-Type": true, "Content-Transfer-Encoding": true,
}

// FuzzBuild checks that no recipient, subject or body can break the
// message's structure: whatever build accepts reads back with the same
// recipients, subject and bodies and no extra headers.
func FuzzBuild(f *testing.F) {
	f.Add("a@example.com", "Hello", "text\n.\n", "")
	f.Add("\"Zoë\" <z@example.com>", "Grüße\r\nBcc: x@example.com", "x\r\n\r\n", "<p>x</p>")
	f.Add("a@example.com\r\nBcc: b@example.com", "s", "--boundary", "=?utf-8?q?x?=")
	f.Fuzz(func(t *testing.T, to, subject, text, html string) {
		b, err := build(testFrom, wharf.Message{To: []string{to}, Subject: subject, Text: text, HTML: html}, testNow)
		if err != nil {
			if !wharf.IsCode(err, wharf.EINVALID) {
				t.Fatalf("build error %v is not EINVALID", err)
			}
			return
		}
		p := readBack(t, b.data)
		for k := range p.header {
			if !knownHeaders[k] {
				t.Fatalf("message has an unexpected header %q: %v", k, p.header)
			}
		}
		subj, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
		if err != nil || subj != strings.TrimSpace(subject) && !strings.Contains(subject, "=?") {
			t.Fatalf("subject %q read back as %q (%v)", subject, subj, err)
		}
		if len(b.rcpts) != 1 || strings.ContainsAny(b.rcpts[0], "\r\n<>") {
			t.Fatalf("recipients %q", b.rcpts)
		}
	})
}
