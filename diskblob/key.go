package diskblob

import (
	"path/filepath"
	"strings"

	"wharf"
)

// keyLen is the length of a key: "sha256/ab/cd/" and 64 hex digits.
const keyLen = len("sha256/ab/cd/") + 64

// checkKey returns an EINVALID error unless key has exactly the form
// wharf.BlobKey produces with a lower-case hex digest. Only such keys reach
// the file system, so no key can name a path outside the store.
func checkKey(key string) error {
	if len(key) != keyLen || !strings.HasPrefix(key, "sha256/") ||
		key[9] != '/' || key[12] != '/' {
		return wharf.Errorf(wharf.EINVALID, "Invalid blob key.")
	}
	sum := key[13:]
	if !wharf.ValidSHA256(sum) || key[7:9] != sum[0:2] || key[10:12] != sum[2:4] {
		return wharf.Errorf(wharf.EINVALID, "Invalid blob key.")
	}
	return nil
}

// path returns the file that holds the blob with a checked key.
func (s *Store) path(key string) string {
	return filepath.Join(s.dir, filepath.FromSlash(key))
}
