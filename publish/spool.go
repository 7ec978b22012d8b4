package publish

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/crypto/blake2b"

	"wharf"
)

// Spooled is an uploaded file written to a private temporary file while it
// was hashed and counted. Remove it when done.
type Spooled struct {
	Filename   string
	Path       string
	Size       int64
	SHA256     string
	Blake2b256 string
	MD5        string
	file       *os.File
}

// ReaderAt gives random access to the spooled bytes.
func (s *Spooled) ReaderAt() io.ReaderAt { return s.file }

// Open returns a reader over the spooled bytes from the start.
func (s *Spooled) Open() io.Reader { return io.NewSectionReader(s.file, 0, s.Size) }

// Remove deletes the temporary file.
func (s *Spooled) Remove() {
	if s == nil || s.file == nil {
		return
	}
	s.file.Close()
	os.Remove(s.Path)
	s.file = nil
}

// errTooLarge is returned by Spool when more than max bytes arrive.
var errTooLarge = errors.New("file too large")

// Spool copies r into a new temporary file in dir, computing the digests
// on the way, and refuses (with ETOOLARGE) as soon as more than max bytes
// arrive, so an oversized upload never fills the disk.
func Spool(dir, filename string, r io.Reader, max int64) (*Spooled, error) {
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "spool", err)
	}
	s := &Spooled{Filename: filename, Path: f.Name(), file: f}
	hs := []hash.Hash{sha256.New(), mustBlake2b256(), md5.New()}
	w := io.MultiWriter(f, hs[0], hs[1], hs[2])
	n, err := io.Copy(w, io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = errTooLarge
	}
	if err != nil {
		s.Remove()
		if errors.Is(err, errTooLarge) {
			return nil, wharf.Errorf(wharf.ETOOLARGE, "File too large. Limit for this index is %s.", humanSize(max))
		}
		return nil, wharf.WrapError(wharf.EINVALID, "The upload was interrupted.", err)
	}
	s.Size = n
	s.SHA256 = hex.EncodeToString(hs[0].Sum(nil))
	s.Blake2b256 = hex.EncodeToString(hs[1].Sum(nil))
	s.MD5 = hex.EncodeToString(hs[2].Sum(nil))
	return s, nil
}

func mustBlake2b256() hash.Hash {
	h, err := blake2b.New256(nil)
	if err != nil {
		// New256 fails only for a key longer than 64 bytes; there is none.
		panic(err)
	}
	return h
}

// CleanSpool removes temporary upload files older than an hour from dir.
// Younger ones may belong to an upload in flight in another process.
func CleanSpool(dir string, now time.Time) {
	matches, _ := filepath.Glob(filepath.Join(dir, "upload-*"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && now.Sub(fi.ModTime()) > time.Hour {
			os.Remove(m)
		}
	}
}

// humanSize formats a byte count the way PyPI states limits ("100 MiB").
func humanSize(n int64) string {
	const unit = 1024
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	v := n
	for v >= unit && v%unit == 0 && i < len(units)-1 {
		v /= unit
		i++
	}
	return strconv.FormatInt(v, 10) + " " + units[i]
}
