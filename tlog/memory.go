package tlog

import (
	"fmt"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// HashReader reads stored hashes by storage index (see tlog.StoredHashIndex).
// The database implements it over the hashes that Append returned; it must
// return exactly one hash per index or an error.
type HashReader = tlog.HashReader

// MemoryHashes is an in-memory log of stored hashes, for tests and small
// tools. The zero value is an empty log. It is safe for concurrent use;
// appends are serialised.
type MemoryHashes struct {
	mu     sync.RWMutex
	hashes []tlog.Hash // by storage index
	n      int64       // number of records
}

var _ HashReader = (*MemoryHashes)(nil)

// ReadHashes returns the stored hashes at the given storage indexes, or an
// error matching ErrInvalid if any index is not stored.
func (m *MemoryHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.read(indexes)
}

// read is ReadHashes without locking.
func (m *MemoryHashes) read(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, invalidf("stored hash index %d out of range [0, %d)", x, len(m.hashes))
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// Append adds r as the next record and returns its index. Errors match
// ErrInvalid when r does not validate.
func (m *MemoryHashes) Append(r Record) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	hashes, err := Append(m.n, r, tlog.HashReaderFunc(m.read))
	if err != nil {
		return 0, err
	}
	if want := tlog.StoredHashIndex(0, m.n); want != int64(len(m.hashes)) {
		// This cannot happen unless the slice was changed behind our back.
		return 0, fmt.Errorf("tlog: memory log holds %d hashes, want %d", len(m.hashes), want)
	}
	m.hashes = append(m.hashes, hashes...)
	m.n++
	return m.n - 1, nil
}

// Len returns the number of records appended.
func (m *MemoryHashes) Len() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.n
}

// Root returns the root hash of the tree of all records appended so far.
func (m *MemoryHashes) Root() (tlog.Hash, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return tlog.TreeHash(m.n, tlog.HashReaderFunc(m.read))
}
