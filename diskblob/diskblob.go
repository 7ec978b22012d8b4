package diskblob

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"wharf"
)

var _ wharf.BlobStore = (*Store)(nil)

// staleAge is how old a file in <Dir>/tmp must be before Open removes it.
// A running Put writes to its file all the time, which keeps its
// modification time fresh, so only files abandoned by a crash, or by a Put
// stalled for this long, get this old.
const staleAge = time.Hour

// Options configure a Store.
type Options struct {
	// Dir is the folder that holds the blobs, such as <data>/blobs. It is
	// created if missing.
	Dir string
}

// Store is a wharf.BlobStore on a local folder. It is safe for concurrent use
// by several goroutines and by several processes sharing the folder.
type Store struct {
	dir  string // Options.Dir
	root string // dir/sha256, where the blobs live
	tmp  string // dir/tmp, where Put writes before renaming

	// durable holds the folders (sha256/ab and sha256/ab/cd) whose own
	// entries this process has made durable by syncing their parents.
	// Folders are never removed, so an entry, once synced, stays durable.
	durable sync.Map
}

// Open returns a Store on opts.Dir, creating the folder and its tmp
// subfolder (0700) if needed. It removes files in tmp that are older than
// an hour, which a crash left behind. Newer ones are kept, since another
// process sharing the folder, such as a CLI command run beside the server,
// may be writing them right now.
func Open(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, wharf.Errorf(wharf.EINVALID, "The blob folder is not configured.")
	}
	s := &Store{
		dir:  opts.Dir,
		root: filepath.Join(opts.Dir, "sha256"),
		tmp:  filepath.Join(opts.Dir, "tmp"),
	}
	for _, d := range []string{s.dir, s.root, s.tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, internal("Creating the blob folder failed.", err)
		}
	}
	if err := syncDir(s.dir); err != nil {
		return nil, internal("Creating the blob folder failed.", err)
	}
	// The age is measured with the system clock because the modification
	// times it is compared with come from that clock too.
	if err := s.removeStale(time.Now()); err != nil {
		return nil, err
	}
	return s, nil
}

// removeStale removes the regular files in the tmp folder last modified
// before now minus staleAge.
func (s *Store) removeStale(now time.Time) error {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return internal("Cleaning the blob temp folder failed.", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed into place meanwhile
		}
		if err != nil {
			return internal("Cleaning the blob temp folder failed.", err)
		}
		if now.Sub(info.ModTime()) <= staleAge {
			continue
		}
		if err := os.Remove(filepath.Join(s.tmp, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return internal("Cleaning the blob temp folder failed.", err)
		}
	}
	return nil
}

// Put stores exactly size bytes from r under key. See wharf.BlobStore. An
// error from r that carries a wharf code is returned as it is; any other
// read error is EINTERNAL, except an unexpected EOF, which is a short read.
// Put stops early, with an EINTERNAL error wrapping ctx.Err(), when ctx is
// done.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	if err := checkKey(key); err != nil {
		return err
	}
	if size < 0 {
		return wharf.Errorf(wharf.EINVALID, "Invalid blob size.")
	}
	if err := ctx.Err(); err != nil {
		return internal("Storing the blob was cancelled.", err)
	}
	final := s.path(key)
	if _, err := os.Lstat(final); err == nil {
		// The blob may be an unreferenced one about to be used again: make
		// it young, so that fsck --repair (which removes only unreferenced
		// blobs older than an hour) leaves it to the upload now using it.
		now := time.Now()
		if err := os.Chtimes(final, now, now); err != nil {
			return internal("Storing the blob failed.", err)
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return internal("Storing the blob failed.", err)
	}

	f, err := os.CreateTemp(s.tmp, "put-*")
	if err != nil {
		return internal("Storing the blob failed.", err)
	}
	tmpName := f.Name()
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			os.Remove(tmpName)
		}
	}()
	if err := copyExactly(ctx, f, r, size); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return internal("Storing the blob failed.", err)
	}
	closeErr := f.Close()
	f = nil
	if closeErr != nil {
		return internal("Storing the blob failed.", closeErr)
	}
	if err := s.mkdirs(filepath.Dir(final)); err != nil {
		return err
	}
	if err := os.Rename(tmpName, final); err != nil {
		return internal("Storing the blob failed.", err)
	}
	return s.syncParents(final)
}

// copyExactly copies size bytes from r to w and checks that r ends there.
func copyExactly(ctx context.Context, w io.Writer, r io.Reader, size int64) error {
	buf := make([]byte, 64<<10)
	for n := int64(0); n < size; {
		if err := ctx.Err(); err != nil {
			return internal("Storing the blob was cancelled.", err)
		}
		chunk := buf[:min(int64(len(buf)), size-n)]
		m, rerr := r.Read(chunk)
		if m > 0 {
			if _, err := w.Write(chunk[:m]); err != nil {
				return internal("Storing the blob failed.", err)
			}
			n += int64(m)
		}
		if rerr == io.EOF && n < size {
			return wharf.Errorf(wharf.EINVALID, "The blob is shorter than its declared size.")
		}
		if rerr != nil && rerr != io.EOF {
			return readError(rerr)
		}
	}
	var one [1]byte
	switch m, err := io.ReadFull(r, one[:]); {
	case m > 0:
		return wharf.Errorf(wharf.EINVALID, "The blob is longer than its declared size.")
	case err != io.EOF:
		return readError(err)
	}
	return nil
}

// readError classifies an error from the reader given to Put.
func readError(err error) error {
	var we *wharf.Error
	switch {
	case errors.As(err, &we):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return wharf.WrapError(wharf.EINVALID, "The blob is shorter than its declared size.", err)
	default:
		return internal("Reading the blob failed.", err)
	}
}

// mkdirs creates dir, a blob's folder sha256/ab/cd, and its parent sha256/ab.
func (s *Store) mkdirs(dir string) error {
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return internal("Storing the blob failed.", err)
		}
	}
	return nil
}

// syncParents makes the entry for the blob at path durable by syncing its
// folder, and the two above it up to the sha256 folder unless this process
// synced them before. They are synced once even when this Put did not
// create them, because another Put (perhaps in another process) that did
// may not have synced them yet. Skipping the repeats halves the fsyncs of
// an upload.
func (s *Store) syncParents(path string) error {
	cd := filepath.Dir(path)
	ab := filepath.Dir(cd)
	if err := syncDir(cd); err != nil {
		return internal("Storing the blob failed.", err)
	}
	for _, d := range []string{cd, ab} {
		if _, ok := s.durable.Load(d); ok {
			continue
		}
		if err := syncDir(filepath.Dir(d)); err != nil {
			return internal("Storing the blob failed.", err)
		}
		s.durable.Store(d, true)
	}
	return nil
}

// Open opens the blob for reading. See wharf.BlobStore.
func (s *Store) Open(ctx context.Context, key string) (wharf.Blob, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound()
	}
	if err != nil {
		return nil, internal("Opening the blob failed.", err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, internal("Opening the blob failed.", err)
	}
	return &blob{f: f, info: blobInfo(key, fi)}, nil
}

// Stat describes the blob. See wharf.BlobStore.
func (s *Store) Stat(ctx context.Context, key string) (wharf.BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return wharf.BlobInfo{}, err
	}
	fi, err := os.Stat(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return wharf.BlobInfo{}, notFound()
	}
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		return wharf.BlobInfo{}, internal("Reading the blob's details failed.", err)
	}
	return blobInfo(key, fi), nil
}

// Delete removes the blob. See wharf.BlobStore. Empty folders are left in
// place: removing one could race with a Put about to rename a file into it.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	p := s.path(key)
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return internal("Deleting the blob failed.", err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return internal("Deleting the blob failed.", err)
	}
	return nil
}

// Walk calls fn for every blob. See wharf.BlobStore. Files under the sha256
// folder whose paths are not keys are skipped, as are blobs deleted while
// Walk runs. Walk returns fn's error unchanged, and an EINTERNAL error
// wrapping ctx.Err() when ctx is done.
func (s *Store) Walk(ctx context.Context, fn func(wharf.BlobInfo) error) error {
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != s.root && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if checkKey(key) != nil {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(blobInfo(key, fi)); err != nil {
			// fn's error is wrapped so that WalkDir does not treat
			// fs.SkipDir or fs.SkipAll from fn as its own signals.
			return &stopError{err}
		}
		return nil
	})
	var stop *stopError
	if errors.As(err, &stop) {
		return stop.err
	}
	if err != nil {
		return internal("Listing the blobs failed.", err)
	}
	return nil
}

// stopError carries an error returned by Walk's fn through filepath.WalkDir.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

// blob is an open blob file.
type blob struct {
	f    *os.File
	info wharf.BlobInfo
}

// Read reads from the blob. Errors other than io.EOF are EINTERNAL.
func (b *blob) Read(p []byte) (int, error) {
	n, err := b.f.Read(p)
	if err != nil && err != io.EOF {
		err = internal("Reading the blob failed.", err)
	}
	return n, err
}

// Seek sets the offset of the next Read, as io.Seeker describes.
func (b *blob) Seek(offset int64, whence int) (int64, error) {
	n, err := b.f.Seek(offset, whence)
	if err != nil {
		err = wharf.WrapError(wharf.EINVALID, "Invalid position in blob.", err)
	}
	return n, err
}

// Close closes the file.
func (b *blob) Close() error { return b.f.Close() }

// Info describes the blob as it was when it was opened.
func (b *blob) Info() wharf.BlobInfo { return b.info }

// blobInfo returns the BlobInfo for the blob key whose file is fi.
func blobInfo(key string, fi fs.FileInfo) wharf.BlobInfo {
	return wharf.BlobInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}
}

// syncDir flushes the entries of the folder dir to stable storage.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// internal returns an EINTERNAL error with a message free of paths and the
// cause in Err for the log.
func internal(msg string, err error) error {
	return wharf.WrapError(wharf.EINTERNAL, msg, err)
}

// notFound returns the ENOTFOUND error for a missing blob.
func notFound() error {
	return wharf.Errorf(wharf.ENOTFOUND, "Blob not found.")
}
