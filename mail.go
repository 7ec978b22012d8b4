package wharf

import "context"

// Message is one email. To holds addresses, each either bare
// ("alice@example.com") or with a display name ("Alice <alice@example.com>").
// Text is the plain-text body, which every message has; HTML, when not
// empty, is an alternative rendering of the same content. Header values
// (To, Subject) must not contain line breaks.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
}

// Mailer sends email, such as address verification and password reset
// links.
type Mailer interface {
	// Send delivers m to its recipients, or hands it to a relay that will,
	// and returns once that is done, so a nil error means the mail is on
	// its way. It fails with an error whose code is EINVALID for a message
	// that cannot be sent as given (no recipient, a malformed address, a
	// line break in a header value) and an uncoded error for a failure of
	// the transport. It stops early when ctx is done. Implementations are
	// safe for concurrent use. Message bodies carry secret links, so
	// implementations never log them.
	Send(ctx context.Context, m Message) error
}
