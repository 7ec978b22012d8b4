package smtpmail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"

	"wharf"
)

// TLS modes for Options.TLS.
const (
	StartTLS    = "starttls" // plain connection upgraded with STARTTLS (port 587)
	ImplicitTLS = "tls"      // TLS from the first byte (port 465)
	NoTLS       = "none"     // no encryption (port 25), for a relay on localhost
)

// DefaultTimeout bounds one Send when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options configure a Sender.
type Options struct {
	// Host is the relay's host name, also used to check its certificate.
	Host string
	// Port is the relay's port; zero means 587, 465 or 25 by TLS mode.
	Port int
	// Username and Password, when Username is set, are sent with AUTH
	// PLAIN after TLS is up.
	Username, Password string
	// From is the sender, bare or with a display name:
	// "Wharf <noreply@example.com>".
	From string
	// TLS is StartTLS, ImplicitTLS or NoTLS; empty means StartTLS.
	TLS string
	// Timeout bounds the whole exchange of one Send; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// RootCAs, when set, replaces the system's trusted certificates, for a
	// relay with a private certificate authority.
	RootCAs *x509.CertPool
	// LocalName is the name sent with EHLO; empty means "localhost".
	LocalName string
}

// Sender delivers mail through an SMTP relay. It is safe for concurrent use.
type Sender struct {
	opts Options
	addr string
	from *mail.Address
	now  func() time.Time
}

var _ wharf.Mailer = (*Sender)(nil)

// New checks opts and returns a Sender. It does not connect: a relay that
// is down shows at the first Send.
func New(opts Options) (*Sender, error) {
	if opts.TLS == "" {
		opts.TLS = StartTLS
	}
	port, ok := map[string]int{StartTLS: 587, ImplicitTLS: 465, NoTLS: 25}[opts.TLS]
	if !ok {
		return nil, fmt.Errorf("smtpmail: TLS mode %q is not starttls, tls or none", opts.TLS)
	}
	if opts.Port != 0 {
		port = opts.Port
	}
	switch {
	case opts.Host == "" || strings.ContainsAny(opts.Host, "\r\n /"):
		return nil, errors.New("smtpmail: host must be a host name or address")
	case port < 1 || port > 65535:
		return nil, errors.New("smtpmail: port must be between 1 and 65535")
	case opts.Timeout < 0:
		return nil, errors.New("smtpmail: timeout must not be negative")
	case strings.ContainsAny(opts.LocalName, "\r\n "):
		return nil, errors.New("smtpmail: local name must not contain spaces or line breaks")
	}
	from, err := parseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("smtpmail: from address: %w", err)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.LocalName == "" {
		opts.LocalName = "localhost"
	}
	return &Sender{
		opts: opts,
		addr: net.JoinHostPort(opts.Host, strconv.Itoa(port)),
		from: from,
		now:  time.Now,
	}, nil
}

// Send builds m and delivers it in one SMTP session. See wharf.Mailer for
// the errors.
func (s *Sender) Send(ctx context.Context, m wharf.Message) error {
	b, err := build(s.from, m, s.now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := s.deliver(ctx, b); err != nil {
		ctxErr := ctx.Err()
		if ctxErr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
			// The connection's deadline is the context's, and its timer
			// may fire a moment before the context's own.
			ctxErr = context.DeadlineExceeded
		}
		if ctxErr != nil {
			return fmt.Errorf("smtpmail: sending to %s: %w (%w)", s.addr, ctxErr, err)
		}
		return fmt.Errorf("smtpmail: sending to %s: %w", s.addr, err)
	}
	return nil
}

// tlsConfig returns the TLS settings for the relay.
func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.opts.Host, RootCAs: s.opts.RootCAs, MinVersion: tls.VersionTLS12}
}

// deliver runs one SMTP session. The connection's deadline is ctx's, and
// cancelling ctx unblocks any read or write at once.
func (s *Sender) deliver(ctx context.Context, b built) error {
	var d net.Dialer
	var conn net.Conn
	var err error
	if s.opts.TLS == ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := smtp.NewClient(conn, s.opts.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(s.opts.LocalName); err != nil {
		return err
	}
	if s.opts.TLS == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("server does not offer STARTTLS")
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return err
		}
	}
	if s.opts.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.opts.Username, s.opts.Password, s.opts.Host)); err != nil {
			return err
		}
	}
	return transfer(c, s.from.Address, b)
}

// transfer sends the envelope and the message and ends the session.
func transfer(c *smtp.Client, from string, b built) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, r := range b.rcpts {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(b.data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
