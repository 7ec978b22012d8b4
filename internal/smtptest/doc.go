// Package smtptest runs a real SMTP server on the loopback interface for
// tests, so that mail code is tested through the protocol it will speak in
// production rather than against a fake of its own interface.
//
// Start listens on 127.0.0.1 on a free port and records every message it
// accepts; Wait blocks until a number of messages have arrived. With a
// Config the server can require STARTTLS or implicit TLS (with a throw-away
// certificate for 127.0.0.1 and localhost, trusted through RootCAs) and
// AUTH PLAIN with a fixed user name and password. The server closes itself
// when the test ends.
//
// The package is for tests only and never part of the wharf binary.
package smtptest
