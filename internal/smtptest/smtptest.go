package smtptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLS modes for Config.TLS.
const (
	TLSNone     = ""         // plain text only
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS; mail refused before it
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS)
)

// Config says what the server demands of clients.
type Config struct {
	// TLS is TLSNone, TLSStartTLS or TLSImplicit.
	TLS string
	// Username and Password, when Username is set, make the server
	// require AUTH PLAIN with exactly these credentials before MAIL.
	Username, Password string
}

// Message is one message the server accepted.
type Message struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To are the envelope recipients (RCPT TO), in order.
	To []string
	// Data is the message as sent after DATA: headers and body, with CRLF
	// line endings and dot-stuffing undone.
	Data []byte
	// TLS reports whether the session was encrypted when DATA was sent.
	TLS bool
	// User is the name the client authenticated as, or "".
	User string
}

// Server is a running SMTP server. Its methods are safe for concurrent
// use.
type Server struct {
	cfg  Config
	ln   net.Listener
	srv  *smtp.Server
	pool *x509.CertPool

	mu      sync.Mutex
	msgs    []Message
	arrived chan struct{} // closed and replaced whenever a message arrives
}

// Start starts a server that accepts any mail without TLS or
// authentication.
func Start(t testing.TB) *Server {
	return StartConfig(t, Config{})
}

// StartConfig starts a server with the given demands. It fails the test if
// the server cannot start, and stops the server when the test ends.
func StartConfig(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{cfg: cfg, arrived: make(chan struct{})}
	var tlsCfg *tls.Config
	if cfg.TLS != TLSNone {
		cert, pool, err := newCertificate()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.pool = pool
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		t.Fatalf("smtptest: unknown TLS mode %q", cfg.TLS)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	if cfg.TLS == TLSImplicit {
		ln = tls.NewListener(ln, tlsCfg)
	}
	s.ln = ln
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = tlsCfg
	s.srv.AllowInsecureAuth = cfg.TLS == TLSNone
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	// Failed handshakes and dropped connections are what some tests are
	// about; they are not worth a line on stderr.
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		// Serve may not have registered the listener with the server yet,
		// in which case Close would miss it; closing it here too ends
		// Serve either way.
		_ = s.srv.Close()
		_ = ln.Close()
		<-done
	})
	return s
}

// Addr returns the server's address as host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host returns the server's IP address, 127.0.0.1.
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port returns the server's port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// RootCAs returns a pool that trusts the server's certificate, or nil when
// the server does not use TLS.
func (s *Server) RootCAs() *x509.CertPool { return s.pool }

// Messages returns a copy of the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait blocks until at least n messages have been accepted and returns
// them, or returns ctx's error when ctx is done first.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			msgs := append([]Message(nil), s.msgs...)
			s.mu.Unlock()
			return msgs, nil
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// add records an accepted message and wakes waiters.
func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// newSession starts the state of one SMTP connection.
func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

// session is the state of one SMTP connection.
type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	msg  Message
}

// AuthMechanisms offers PLAIN when the server has credentials.
func (ss *session) AuthMechanisms() []string {
	if ss.srv.cfg.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks PLAIN credentials against the configured ones.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.srv.cfg.Username == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if username != ss.srv.cfg.Username || password != ss.srv.cfg.Password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

// Mail starts a message, enforcing the configured demands.
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if _, encrypted := ss.conn.TLSConnectionState(); ss.srv.cfg.TLS != TLSNone && !encrypted {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	}
	if ss.srv.cfg.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.msg = Message{From: from, User: ss.user}
	return nil
}

// Rcpt adds a recipient.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

// Data records the message.
func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(ss.msg.To) == 0 {
		return errors.New("no recipients")
	}
	_, ss.msg.TLS = ss.conn.TLSConnectionState()
	ss.msg.Data = data
	ss.srv.add(ss.msg)
	ss.msg = Message{}
	return nil
}

// Reset drops a message in progress.
func (ss *session) Reset() { ss.msg = Message{} }

// Logout ends the session.
func (ss *session) Logout() error { return nil }
