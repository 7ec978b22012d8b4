package smtptest

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

// send delivers one message with net/smtp, upgrading with STARTTLS and
// authenticating as the arguments say.
func send(s *Server, startTLS bool, user, pass string) error {
	var conn net.Conn
	var err error
	if s.cfg.TLS == TLSImplicit {
		conn, err = tls.Dial("tcp", s.Addr(), &tls.Config{RootCAs: s.RootCAs(), ServerName: s.Host()})
	} else {
		conn, err = net.Dial("tcp", s.Addr())
	}
	if err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, s.Host())
	if err != nil {
		return err
	}
	defer c.Close()
	if startTLS {
		if err := c.StartTLS(&tls.Config{RootCAs: s.RootCAs(), ServerName: s.Host()}); err != nil {
			return err
		}
	}
	if user != "" {
		if err := c.Auth(smtp.PlainAuth("", user, pass, s.Host())); err != nil {
			return err
		}
	}
	if err := c.Mail("from@example.com"); err != nil {
		return err
	}
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if err := c.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("Subject: hi\r\n\r\n.leading dot\r\nbody\r\n")); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func TestServer(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		startTLS bool
		user     string
		pass     string
		ok       bool
		wantTLS  bool
	}{
		{name: "plain", ok: true},
		{name: "plain with auth", cfg: Config{Username: "u", Password: "p"}, user: "u", pass: "p", ok: true},
		{name: "missing auth", cfg: Config{Username: "u", Password: "p"}},
		{name: "wrong password", cfg: Config{Username: "u", Password: "p"}, user: "u", pass: "x"},
		{name: "starttls", cfg: Config{TLS: TLSStartTLS, Username: "u", Password: "p"}, startTLS: true, user: "u", pass: "p", ok: true, wantTLS: true},
		{name: "starttls skipped", cfg: Config{TLS: TLSStartTLS}},
		{name: "implicit tls", cfg: Config{TLS: TLSImplicit}, ok: true, wantTLS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := StartConfig(t, tt.cfg)
			err := send(s, tt.startTLS, tt.user, tt.pass)
			if (err == nil) != tt.ok {
				t.Fatalf("send: %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				if n := len(s.Messages()); n != 0 {
					t.Fatalf("server accepted %d messages", n)
				}
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			msgs, err := s.Wait(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			m := msgs[0]
			if m.From != "from@example.com" || strings.Join(m.To, ",") != "a@example.com,b@example.com" ||
				m.TLS != tt.wantTLS || m.User != tt.user {
				t.Errorf("message %+v", m)
			}
			if string(m.Data) != "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n" {
				t.Errorf("data %q", m.Data)
			}
		})
	}
}

func TestWaitTimeout(t *testing.T) {
	s := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Wait(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want deadline exceeded", err)
	}
}

func TestWaitWakes(t *testing.T) {
	s := Start(t)
	errc := make(chan error, 1)
	go func() { errc <- send(s, false, "", "") }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := s.Wait(ctx, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Wait = %d messages, %v", len(msgs), err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
