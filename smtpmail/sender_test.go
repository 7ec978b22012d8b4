package smtpmail

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/internal/smtptest"
)

// sendVia starts a server with cfg, sends msg through a Sender with opts
// pointed at it and returns the server's messages.
func sendVia(t *testing.T, cfg smtptest.Config, opts Options, msg wharf.Message) ([]smtptest.Message, error) {
	t.Helper()
	srv := smtptest.StartConfig(t, cfg)
	opts.Host, opts.Port, opts.RootCAs = srv.Host(), srv.Port(), srv.RootCAs()
	if opts.From == "" {
		opts.From = "Wharf <noreply@example.com>"
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), msg); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Wait(ctx, 1)
}

func TestSend(t *testing.T) {
	msg := wharf.Message{
		To:      []string{"Zoë <zoe@example.com>", "bob@example.com"},
		Subject: "Verify your email ✓",
		Text:    "Follow https://wharf.example/verify?t=secret\n.\nThanks.",
		HTML:    "<p>Follow <a href=\"https://wharf.example/verify?t=secret\">this link</a>.</p>",
	}
	tests := []struct {
		name    string
		cfg     smtptest.Config
		opts    Options
		wantTLS bool
		wantErr string
	}{
		{name: "starttls with auth", cfg: smtptest.Config{TLS: smtptest.TLSStartTLS, Username: "u", Password: "p"},
			opts: Options{TLS: StartTLS, Username: "u", Password: "p"}, wantTLS: true},
		{name: "implicit tls", cfg: smtptest.Config{TLS: smtptest.TLSImplicit}, opts: Options{TLS: ImplicitTLS}, wantTLS: true},
		{name: "local relay without tls", cfg: smtptest.Config{Username: "u", Password: "p"},
			opts: Options{TLS: NoTLS, Username: "u", Password: "p"}},
		{name: "wrong password", cfg: smtptest.Config{TLS: smtptest.TLSStartTLS, Username: "u", Password: "p"},
			opts: Options{Username: "u", Password: "x"}, wantErr: "535"},
		{name: "server without starttls", cfg: smtptest.Config{}, opts: Options{TLS: StartTLS}, wantErr: "does not offer STARTTLS"},
		{name: "untrusted certificate", cfg: smtptest.Config{TLS: smtptest.TLSImplicit}, opts: Options{TLS: ImplicitTLS}, wantErr: "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "untrusted certificate" {
				srv := smtptest.StartConfig(t, tt.cfg)
				s, err := New(Options{Host: srv.Host(), Port: srv.Port(), TLS: ImplicitTLS, From: "a@example.com"})
				if err != nil {
					t.Fatal(err)
				}
				err = s.Send(context.Background(), msg)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || wharf.IsCode(err, wharf.EINVALID) {
					t.Fatalf("Send = %v, want a transport error mentioning %q", err, tt.wantErr)
				}
				return
			}
			got, err := sendVia(t, tt.cfg, tt.opts, msg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || wharf.IsCode(err, wharf.EINVALID) {
					t.Fatalf("Send = %v, want a transport error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m := got[0]
			if m.From != "noreply@example.com" || strings.Join(m.To, ",") != "zoe@example.com,bob@example.com" ||
				m.TLS != tt.wantTLS || m.User != tt.opts.Username {
				t.Errorf("envelope %+v", m)
			}
			p := readBack(t, m.Data)
			if p.text != msg.Text || p.html != msg.HTML {
				t.Errorf("body %q / %q", p.text, p.html)
			}
			if p.header.Get("To") != "=?utf-8?q?Zo=C3=AB?= <zoe@example.com>, <bob@example.com>" {
				t.Errorf("To = %q", p.header.Get("To"))
			}
		})
	}
}

func TestSendRefusesBadMessage(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := New(Options{Host: srv.Host(), Port: srv.Port(), TLS: NoTLS, From: "a@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), wharf.Message{To: []string{"b@example.com"}, Subject: "x\r\nBcc: c@example.com"})
	if !wharf.IsCode(err, wharf.EINVALID) {
		t.Fatalf("Send = %v, want EINVALID", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server received %d messages", n)
	}
}

func TestSendTimeout(t *testing.T) {
	// A server that accepts connections but never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	msg := wharf.Message{To: []string{"b@example.com"}, Subject: "s", Text: "t"}
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     time.Duration
	}{
		{name: "option timeout", timeout: 100 * time.Millisecond, ctx: time.Minute},
		{name: "context deadline", timeout: time.Minute, ctx: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Options{Host: "127.0.0.1", Port: port, TLS: NoTLS, From: "a@example.com", Timeout: tt.timeout})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctx)
			defer cancel()
			start := time.Now()
			err = s.Send(ctx, msg)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Send = %v, want a deadline error", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("Send took %v", d)
			}
		})
	}
}

func TestNew(t *testing.T) {
	good := Options{Host: "smtp.example.com", From: "Wharf <noreply@example.com>"}
	with := func(f func(*Options)) Options {
		o := good
		f(&o)
		return o
	}
	tests := []struct {
		name     string
		opts     Options
		wantAddr string
	}{
		{name: "defaults to starttls on 587", opts: good, wantAddr: "smtp.example.com:587"},
		{name: "implicit tls on 465", opts: with(func(o *Options) { o.TLS = ImplicitTLS }), wantAddr: "smtp.example.com:465"},
		{name: "none on 25", opts: with(func(o *Options) { o.TLS = NoTLS }), wantAddr: "smtp.example.com:25"},
		{name: "explicit port", opts: with(func(o *Options) { o.Port = 2525 }), wantAddr: "smtp.example.com:2525"},
		{name: "ipv6 host", opts: with(func(o *Options) { o.Host = "::1" }), wantAddr: "[::1]:587"},
		{name: "unknown tls mode", opts: with(func(o *Options) { o.TLS = "ssl" })},
		{name: "no host", opts: with(func(o *Options) { o.Host = "" })},
		{name: "host with line break", opts: with(func(o *Options) { o.Host = "a\r\nb" })},
		{name: "bad port", opts: with(func(o *Options) { o.Port = 70000 })},
		{name: "negative timeout", opts: with(func(o *Options) { o.Timeout = -time.Second })},
		{name: "no from", opts: with(func(o *Options) { o.From = "" })},
		{name: "from with line break", opts: with(func(o *Options) { o.From = "a@example.com\r\nBcc: b@example.com" })},
		{name: "local name with space", opts: with(func(o *Options) { o.LocalName = "a b" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.opts)
			if tt.wantAddr == "" {
				if err == nil {
					t.Fatal("New accepted bad options")
				}
				return
			}
			if err != nil || s.addr != tt.wantAddr {
				t.Fatalf("New: addr %v, err %v; want %s", s, err, tt.wantAddr)
			}
		})
	}
}
