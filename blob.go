package wharf

import (
	"context"
	"io"
	"time"
)

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// Blob is an open blob: readable, seekable (for Range requests) and closable.
type Blob interface {
	io.ReadSeekCloser
	Info() BlobInfo
}

// BlobStore keeps immutable, content-addressed blobs. Keys come from BlobKey;
// a key names exactly one content, so writing a key that exists is a no-op.
// Implementations are safe for concurrent use by several goroutines and by
// several processes sharing the same storage.
type BlobStore interface {
	// Put stores the size bytes read from r under key, atomically: a reader
	// never sees a partial blob, and after Put returns nil the blob is
	// durable. If the key exists already, Put drains nothing, marks the blob
	// as recently written (its ModTime, which fsck --repair goes by) and
	// returns nil.
	// Errors: EINVALID for a malformed key or a short read; EINTERNAL else.
	Put(ctx context.Context, key string, r io.Reader, size int64) error

	// Open returns the blob for reading. Errors: ENOTFOUND.
	Open(ctx context.Context, key string) (Blob, error)

	// Stat describes the blob. Errors: ENOTFOUND.
	Stat(ctx context.Context, key string) (BlobInfo, error)

	// Delete removes the blob; deleting a missing blob is not an error.
	Delete(ctx context.Context, key string) error

	// Walk calls fn for every blob, in no particular order, stopping at the
	// first error fn returns.
	Walk(ctx context.Context, fn func(BlobInfo) error) error
}

// BlobKey returns the storage key for content with the given lower-case hex
// sha256: "sha256/ab/cd/<hex>". Identical bytes thus share one blob.
func BlobKey(sha256hex string) string {
	return "sha256/" + sha256hex[0:2] + "/" + sha256hex[2:4] + "/" + sha256hex
}

// ValidSHA256 reports whether s is a sha256 digest as wharf writes them:
// 64 lower-case hex digits. Keys and URLs are checked with it before they
// reach storage.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
