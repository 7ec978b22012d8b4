// Package smtpmail implements wharf.Mailer: Sender delivers mail through
// an SMTP relay, and Outbox, for development, writes each mail as an .eml
// file into a folder instead of sending it.
//
// Messages are built here rather than by the relay: From, To, Subject,
// Date, Message-ID, MIME-Version and Auto-Submitted headers, a
// quoted-printable UTF-8 text part, and a multipart/alternative with an
// HTML part when the message has one. Header values come from users (names,
// addresses), so any carriage return or line feed in one is refused rather
// than cleaned, which rules out header injection; non-ASCII subjects and
// names are encoded as RFC 2047 words. Addresses must be ASCII, since not
// every relay supports SMTPUTF8.
//
// Sender speaks SMTP with net/smtp: STARTTLS (the default, and refused if
// the server does not offer it), implicit TLS, or plain text, and AUTH
// PLAIN when a user name is set. net/smtp never sends a password over an
// unencrypted connection except to localhost, so a "none" relay with
// credentials must be a local one. Each Send opens one connection; the
// whole exchange is bounded by Options.Timeout and by the context.
//
// The package imports only the wharf root package.
package smtpmail
