package main

import (
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"wharf"
	"wharf/accounts"
	"wharf/auth/password"
	"wharf/smtpmail"
)

// location is the index's public origin and path: the base URL, or for a
// server without one, http://localhost:PORT when it listens on loopback
// (WebAuthn accepts localhost, never an IP address) and http://ADDR
// otherwise. Mailed links and security keys are bound to it.
func location(c Config) string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return "http://" + c.Addr
	}
	if ip := net.ParseIP(host); host == "" || host == "localhost" || (ip != nil && (ip.IsLoopback() || ip.IsUnspecified())) {
		return "http://localhost:" + port
	}
	return "http://" + net.JoinHostPort(host, port)
}

// newMailer returns the configured mailer: SMTP, or in development mode
// (no smtp_host) an outbox folder in the data folder.
func newMailer(a *app) (wharf.Mailer, error) {
	m := a.cfg.Mail
	if m.SMTPHost == "" {
		return smtpmail.NewOutbox(filepath.Join(a.cfg.Data, "outbox"), a.log)
	}
	return smtpmail.New(smtpmail.Options{Host: m.SMTPHost, Port: m.SMTPPort, Username: m.SMTPUsername,
		Password: m.SMTPPassword, From: m.From, TLS: m.SMTPTLS})
}

// enableWebAccounts turns on web login in the accounts service.
func enableWebAccounts(a *app, secret []byte) error {
	mailer, err := newMailer(a)
	if err != nil {
		return err
	}
	a.mailer = mailer
	limits, err := a.cfg.accountLimits()
	if err != nil {
		return err
	}
	opts := accounts.Options{Location: location(a.cfg), Secret: secret, Mailer: mailer,
		Require2FA: a.cfg.Accounts.Require2FA, Limits: limits, Log: a.log}
	if api := a.cfg.Accounts.BreachAPI; api != "" {
		if _, err := url.Parse(api); err != nil {
			return err
		}
		opts.Breach = &password.BreachChecker{BaseURL: api, Client: &http.Client{Timeout: 3 * time.Second}, Timeout: 3 * time.Second}
	}
	return a.accounts.EnableWeb(opts)
}
