package token

import (
	"bytes"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"gopkg.in/macaroon.v2"
)

const (
	// Prefix starts every token, so that secret scanners and people can
	// recognise one.
	Prefix = "wharf-"

	// MaxLength bounds the length of a token string. Longer strings are
	// rejected before any decoding, and Mint and Restrict refuse to make
	// tokens that ParseID would reject.
	MaxLength = 4096

	// MinSecretLength is the shortest server secret NewService accepts.
	MinSecretLength = 32

	// hkdfInfo names the purpose of keys derived from the server secret, so
	// that the same secret can safely derive keys for other purposes.
	hkdfInfo = "wharf api token v1"

	// idBytes is the number of random bytes in a token id.
	idBytes = 16
)

// b64 is the strict unpadded base64url encoding used for token strings.
var b64 = base64.RawURLEncoding.Strict()

// Caveats are the restrictions a token is minted with.
type Caveats struct {
	// UserID is the user the token acts for. It must be positive.
	UserID int64
	// Projects lists normalized project names. Empty means every project
	// the user may upload to.
	Projects []string
	// NotAfter is the last moment, at second precision, the token is
	// valid. Zero means the token does not expire.
	NotAfter time.Time
}

// Request is what a token is verified against.
type Request struct {
	// Now is the time of use. It must not be zero.
	Now time.Time
	// UserID is the owner of the token as recorded under its id.
	UserID int64
	// Project is the normalized name of the project acted on.
	Project string
}

// Claims is what a verified token's caveats allow.
type Claims struct {
	// Restricted reports whether the token is limited to Projects.
	Restricted bool
	// Projects is the intersection of all project caveats, sorted; nil if
	// the token is unrestricted and possibly empty if it is restricted.
	Projects []string
	// NotAfter is the earliest expiry of all caveats, zero if none.
	NotAfter time.Time
}

// Allows reports whether the claims allow acting on project. It is the check
// Verify makes once the project is known.
func (c Claims) Allows(project string) bool {
	return !c.Restricted || slices.Contains(c.Projects, project)
}

// Service mints and verifies tokens with a server secret. It is safe for
// concurrent use.
type Service struct {
	secret []byte
}

// NewService returns a Service using serverSecret, which must be at least
// MinSecretLength bytes of high-entropy data. The secret is copied.
func NewService(serverSecret []byte) (*Service, error) {
	if len(serverSecret) < MinSecretLength {
		return nil, errors.New("token: server secret must be at least 32 bytes")
	}
	return &Service{secret: bytes.Clone(serverSecret)}, nil
}

// NewID returns a new random token id: 128 bits from crypto/rand as 32
// lower-case hex digits.
func NewID() (string, error) {
	var b [idBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// rootKey derives the macaroon root key for the token id from the server
// secret. A NUL separates the purpose from the id in the HKDF info.
func (s *Service) rootKey(id string) ([]byte, error) {
	return hkdf.Key(sha256.New, s.secret, nil, hkdfInfo+"\x00"+id, sha256.Size)
}

// Mint returns a new token with the given id (from NewID), location hint and
// caveats. The location is not signed; it only tells people where the token
// belongs. Mint fails for a malformed id, a non-positive user id, project
// names that are not normalized, or an expiry outside the years 1970–9999.
func (s *Service) Mint(id, location string, c Caveats) (string, error) {
	if !validID(id) {
		return "", errors.New("token: id must be 32 lower-case hex digits")
	}
	if c.UserID <= 0 {
		return "", errors.New("token: user id must be positive")
	}
	key, err := s.rootKey(id)
	if err != nil {
		return "", err
	}
	m, err := macaroon.New(key, []byte(id), location, macaroon.V2)
	if err != nil {
		return "", err
	}
	if err := m.AddFirstPartyCaveat(userCaveat(c.UserID)); err != nil {
		return "", err
	}
	if err := addCaveats(m, c.Projects, c.NotAfter); err != nil {
		return "", err
	}
	return encode(m)
}

// Restrict narrows token offline, without the server secret, by appending a
// project caveat (if projects is not empty) and an expiry caveat (if
// notAfter is not zero). The result can never do more than token: a project
// caveat intersects with earlier ones and the earliest expiry wins. Restrict
// checks only that token is well formed, not that it is valid.
func Restrict(token string, projects []string, notAfter time.Time) (string, error) {
	m, err := decode(token)
	if err != nil {
		return "", err
	}
	if err := addCaveats(m, projects, notAfter); err != nil {
		return "", err
	}
	return encode(m)
}

// addCaveats appends the optional project and expiry caveats to m.
func addCaveats(m *macaroon.Macaroon, projects []string, notAfter time.Time) error {
	if len(projects) > 0 {
		cav, err := projectsCaveat(projects)
		if err != nil {
			return err
		}
		if err := m.AddFirstPartyCaveat(cav); err != nil {
			return err
		}
	}
	if !notAfter.IsZero() {
		if !inTimeRange(notAfter.Unix()) {
			return errors.New("token: expiry must lie in the years 1970 to 9999")
		}
		if err := m.AddFirstPartyCaveat(expiryCaveat(notAfter)); err != nil {
			return err
		}
	}
	return nil
}

// ParseID returns the id of token without verifying anything, so that the
// token's record can be looked up. It fails with ErrMalformed for anything
// that is not a well-formed wharf token.
func ParseID(token string) (string, error) {
	m, err := decode(token)
	if err != nil {
		return "", err
	}
	return string(m.Id()), nil
}

// Inspect verifies token's signature and checks its expiry and user caveats
// against now and userID, but not its project caveats. It is used before the
// project is known; the caller then checks each project with Claims.Allows.
// Errors are *InvalidError values except when now is zero.
func (s *Service) Inspect(token string, now time.Time, userID int64) (Claims, error) {
	if now.IsZero() {
		return Claims{}, errors.New("token: the time of use must be set")
	}
	m, err := decode(token)
	if err != nil {
		return Claims{}, err
	}
	key, err := s.rootKey(string(m.Id()))
	if err != nil {
		return Claims{}, err
	}
	// The signature is checked before any caveat is parsed, so that the
	// error for a forged token never depends on what it claims.
	conds, err := m.VerifySignature(key, nil)
	if err != nil {
		return Claims{}, invalid(ErrSignature, "")
	}
	var r restrictions
	for _, c := range conds {
		if err := r.add([]byte(c)); err != nil {
			return Claims{}, err
		}
	}
	if err := r.check(now, userID); err != nil {
		return Claims{}, err
	}
	return r.claims(), nil
}

// Verify verifies token's signature and checks every caveat against req:
// the token must belong to req.UserID, be valid at req.Now and, if it is
// project-scoped, allow req.Project. Unknown caveats fail. Errors are
// *InvalidError values except when req.Now is zero.
func (s *Service) Verify(token string, req Request) (Claims, error) {
	c, err := s.Inspect(token, req.Now, req.UserID)
	if err != nil {
		return Claims{}, err
	}
	if !c.Allows(req.Project) {
		detail := ""
		if validProjectName(req.Project) {
			detail = "'" + req.Project + "'"
		}
		return Claims{}, invalid(ErrProject, detail)
	}
	return c, nil
}

// encode returns the token string for m.
func encode(m *macaroon.Macaroon) (string, error) {
	raw, err := m.MarshalBinary()
	if err != nil {
		return "", err
	}
	t := Prefix + b64.EncodeToString(raw)
	if len(t) > MaxLength {
		return "", errors.New("token: too many caveats")
	}
	return t, nil
}

// decode parses a token string into its macaroon. It accepts only the exact
// encoding encode produces: a V2 macaroon with a well-formed id and only
// first-party caveats, with no trailing bytes, non-minimal lengths or
// skipped characters such as line breaks (which the base64 decoder ignores).
func decode(token string) (*macaroon.Macaroon, error) {
	if len(token) > MaxLength || len(token) <= len(Prefix) || token[:len(Prefix)] != Prefix {
		return nil, invalid(ErrMalformed, "")
	}
	text := token[len(Prefix):]
	raw, err := b64.DecodeString(text)
	if err != nil || len(raw) == 0 || raw[0] != byte(macaroon.V2) || b64.EncodeToString(raw) != text {
		return nil, invalid(ErrMalformed, "")
	}
	var m macaroon.Macaroon
	if err := m.UnmarshalBinary(raw); err != nil {
		return nil, invalid(ErrMalformed, "")
	}
	again, err := m.MarshalBinary()
	if err != nil || !bytes.Equal(again, raw) || !validID(string(m.Id())) {
		return nil, invalid(ErrMalformed, "")
	}
	for _, c := range m.Caveats() {
		if len(c.VerificationId) != 0 || c.Location != "" {
			return nil, invalid(ErrMalformed, "")
		}
	}
	return &m, nil
}

// validID reports whether id has the form NewID returns.
func validID(id string) bool {
	if len(id) != 2*idBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
