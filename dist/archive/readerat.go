package archive

import (
	"fmt"
	"io"
)

// guardedReaderAt remembers the first read error other than io.EOF, so that
// a failing disk is reported as an I/O error and not blamed on the uploader.
type guardedReaderAt struct {
	r   io.ReaderAt
	err error
}

// ReadAt reads from the wrapped io.ReaderAt and remembers its error.
func (g *guardedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := g.r.ReadAt(p, off)
	if err != nil && err != io.EOF && g.err == nil {
		g.err = err
	}
	return n, err
}

// finish returns err, unless a read failed: then the read error, which is
// not an *InvalidError, takes its place.
func (g *guardedReaderAt) finish(err error) error {
	if g.err != nil {
		return fmt.Errorf("archive: reading the upload: %w", g.err)
	}
	return err
}

// readFullAt fills p from r at off; a short read is reported as
// io.ErrUnexpectedEOF.
func readFullAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
