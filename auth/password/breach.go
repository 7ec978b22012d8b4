package password

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// DefaultBreachTimeout bounds a breach check when BreachChecker has no
	// Timeout: a login or sign-up page must not hang on a slow service.
	DefaultBreachTimeout = 3 * time.Second

	// maxRangeBody bounds the response read from the range API. A real
	// answer, padded, is about 40 KB.
	maxRangeBody = 1 << 20
)

// BreachChecker asks a k-anonymity range API compatible with Have I Been
// Pwned's Pwned Passwords whether a password appears in known breaches. Only
// the first five hex digits of the password's SHA-1 leave the server; the
// service answers with every suffix it knows under that prefix, and the
// comparison happens here. Responses are requested with padding, so their
// size does not hint at the prefix either.
//
// Callers fail open: when Breached returns an error, they let the password
// through (and log the error), because a third-party outage must not stop
// people from signing up or changing passwords, and the check only adds to
// the strength policy. A BreachChecker is safe for concurrent use.
type BreachChecker struct {
	// BaseURL is the API root, such as "https://api.pwnedpasswords.com";
	// requests go to BaseURL + "/range/" + prefix.
	BaseURL string
	// Client makes the requests; nil means http.DefaultClient.
	Client *http.Client
	// Timeout bounds one check; zero means DefaultBreachTimeout.
	Timeout time.Duration
}

// Breached reports whether pw appears in the range API's breach corpus with
// a count above zero (padding entries have count zero). It returns an error
// for a failed request, a status other than 200 or a response it cannot
// parse; see the type's documentation for what callers do then.
func (c *BreachChecker) Breached(ctx context.Context, pw string) (bool, error) {
	sum := sha1.Sum([]byte(pw))
	digest := strings.ToUpper(hex.EncodeToString(sum[:]))
	prefix, suffix := digest[:5], digest[5:]

	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultBreachTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.BaseURL, "/")+"/range/"+prefix, nil)
	if err != nil {
		return false, fmt.Errorf("password: breach check: %w", err)
	}
	req.Header.Set("Add-Padding", "true")
	req.Header.Set("User-Agent", "wharf")
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("password: breach check: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("password: breach check: status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRangeBody+1))
	if err != nil {
		return false, fmt.Errorf("password: breach check: %w", err)
	}
	if len(body) > maxRangeBody {
		return false, errors.New("password: breach check: response too large")
	}
	count, err := parseRange(body, suffix)
	if err != nil {
		return false, fmt.Errorf("password: breach check: %w", err)
	}
	return count > 0, nil
}

// parseRange finds suffix (35 upper-case hex digits) in a range response:
// lines of "SUFFIX:COUNT" separated by CRLF or LF. It returns the count, 0
// if the suffix is absent, and an error for any malformed line, so that a
// wrong endpoint (an HTML page, say) is noticed rather than read as "not
// breached". Suffixes are compared case-insensitively.
func parseRange(body []byte, suffix string) (int64, error) {
	var found int64
	sc := bufio.NewScanner(bytes.NewReader(body))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			continue
		}
		hash, num, ok := strings.Cut(text, ":")
		if !ok || len(hash) != 35 || !isHex(hash) {
			return 0, fmt.Errorf("malformed range line %d", line)
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("malformed count on range line %d", line)
		}
		if strings.EqualFold(hash, suffix) {
			found = max(found, n)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return found, nil
}

// isHex reports whether s consists of hex digits only.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
