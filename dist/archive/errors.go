package archive

import (
	"fmt"
	"strconv"
)

// InvalidError reports a distribution file that was refused. Msg is safe to
// show to the uploader, for example as the text of a "400 Bad Request".
type InvalidError struct {
	Msg string
}

// Error returns Msg.
func (e *InvalidError) Error() string { return e.Msg }

// invalidf returns an *InvalidError whose message starts as PyPI's do.
func invalidf(format string, args ...any) error {
	return &InvalidError{Msg: "Invalid distribution file. " + fmt.Sprintf(format, args...)}
}

// zipRejectf returns an *InvalidError for a ZIP archive that breaks a
// framing rule.
func zipRejectf(format string, args ...any) error {
	return invalidf("ZIP archive not accepted: "+format, args...)
}

// maxShownName bounds how much of an attacker-chosen name goes into a
// message.
const maxShownName = 200

// quote returns name quoted for a message, with unprintable characters
// escaped and long names cut short.
func quote(name string) string {
	if len(name) > maxShownName {
		return strconv.QuoteToASCII(name[:maxShownName]) + "..."
	}
	return strconv.QuoteToASCII(name)
}
