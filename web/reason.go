package web

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// writeReason sends an error reply whose status line carries the message as
// its reason phrase ("HTTP/1.1 400 File already exists ..."), the way PyPI
// replies to uploads: twine shows only the reason phrase to its users.
// net/http always writes the standard phrase, so for HTTP/1.x this takes
// over the connection, writes the reply by hand and closes it. Other
// protocols (HTTP/2 has no reason phrase) get an ordinary reply.
//
// The request body is drained first (up to maxDrain bytes) so that a
// client still sending a large upload reads the reply instead of a reset.
func writeReason(w http.ResponseWriter, r *http.Request, status int, msg string, maxDrain int64) {
	body := strconv.Itoa(status) + " " + msg + "\n"
	if r.ProtoMajor != 1 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(30 * time.Second))
	io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
	if sr, ok := w.(interface{ noteStatus(int) }); ok {
		sr.noteStatus(status)
	}
	conn, buf, err := rc.Hijack()
	if err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	defer conn.Close()
	conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	reason := reasonPhrase(msg)
	if reason == "" {
		reason = http.StatusText(status)
	}
	writeRawReply(buf.Writer, status, reason, body, w.Header())
	buf.Flush()
}

// writeRawReply writes a complete HTTP/1.1 response that closes the
// connection, with the headers already set on the reply (the security
// headers every response carries) and its own framing headers.
func writeRawReply(bw *bufio.Writer, status int, reason, body string, set http.Header) {
	h := set.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	bw.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + reason + "\r\n")
	h.Write(bw)
	bw.WriteString("\r\n")
	bw.WriteString(body)
}

// reasonPhrase makes msg safe for a status line: printable ASCII only (a
// reason phrase is decoded as Latin-1 by clients), one line, bounded.
func reasonPhrase(msg string) string {
	var b strings.Builder
	for _, c := range msg {
		switch {
		case c == '\r' || c == '\n' || c == '\t':
			b.WriteByte(' ')
		case c < 0x80 && unicode.IsPrint(c):
			b.WriteRune(c)
		default:
			b.WriteByte('?')
		}
		if b.Len() >= 1024 {
			break
		}
	}
	return strings.TrimSpace(b.String())
}
