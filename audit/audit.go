package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"wharf"
)

// DefaultRetention is how long addresses stay readable when Options leave
// it unset: 90 days, long enough to look into an incident reported late,
// short enough not to keep a profile of where people work from.
const DefaultRetention = 90 * 24 * time.Hour

// HashPrefix starts every hashed address, naming the hash so that a later
// change of scheme can tell old hashes apart.
const HashPrefix = "hmac-sha256:"

// IPKeyPurpose names the key that hashes addresses among the keys derived
// from the server secret (auth/secretbox.Derive); the version allows a new
// key under a new name.
const IPKeyPurpose = "wharf audit ip v1"

// MinKeyLength is the shortest IP key Retain accepts: a shorter key could
// be guessed, and with it every hashed address of the small IPv4 space.
const MinKeyLength = 32

// localIP is the address the command-line actor records ("wharf audit
// export" reads it too): it marks the server's own machine, not a
// person's address, so retention leaves it readable and the history pages
// name such events' actor as the index's administrator.
const localIP = "local"

// Service reads the security history and applies the retention of
// addresses. It is safe for concurrent use.
type Service struct {
	store     wharf.Store
	ipKey     []byte
	retention time.Duration
}

// Options configure a Service.
type Options struct {
	// IPKey keys the hash of old addresses: at least MinKeyLength bytes,
	// derived from the server secret for this purpose only. Without one,
	// Retain fails (the history pages work without it).
	IPKey []byte
	// Retention is how long addresses stay readable; zero or less means
	// DefaultRetention. The configuration refuses anything but a positive
	// duration, so there is no "keep forever".
	Retention time.Duration
}

// New returns a Service reading from store.
func New(store wharf.Store, opts Options) *Service {
	s := &Service{store: store, ipKey: opts.IPKey, retention: opts.Retention}
	if s.retention <= 0 {
		s.retention = DefaultRetention
	}
	return s
}

// Retention is how long addresses stay readable, for the pages that say
// why an address is hidden.
func (s *Service) Retention() time.Duration { return s.retention }

// Retain hashes the address of every event recorded more than the
// retention period ago that is not hashed yet, and returns how many it
// hashed. Running it again changes nothing until more events age, so it
// is safe to run on a schedule and from several processes. The age is
// measured on the store's clock, the one that stamped the events.
func (s *Service) Retain(ctx context.Context) (int, error) {
	if len(s.ipKey) < MinKeyLength {
		return 0, wharf.Errorf(wharf.EINVALID, "The key that hashes addresses must have at least %d bytes.", MinKeyLength)
	}
	var n int
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		var err error
		n, err = tx.HashEventIPs(ctx, tx.Now().Add(-s.retention), s.hashIP)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// hashIP is the stored form of an address after retention.
func (s *Service) hashIP(ip string) string {
	if ip == localIP {
		return ip
	}
	return HashIP(s.ipKey, ip)
}

// HashIP returns the keyed hash that replaces the address ip after
// retention. It is exported so that a tool holding the key can look a
// known address up among old events.
func HashIP(key []byte, ip string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ip))
	return HashPrefix + hex.EncodeToString(m.Sum(nil))
}
