package archive

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"strings"
)

// Sdist inspects the source distribution in r, size bytes long, whose
// filename ends with ext (".tar.gz" or ".zip"), and returns the bytes of its
// "<top>/PKG-INFO" file. All entries must sit under the single top-level
// folder <top>.
//
// A refused sdist gives an *InvalidError; any other error is a failure to
// read r.
func Sdist(r io.ReaderAt, size int64, ext string, lim Limits) ([]byte, error) {
	g := &guardedReaderAt{r: r}
	lim = lim.withDefaults()
	var md []byte
	var err error
	switch ext {
	case ".tar.gz":
		md, err = tarSdist(g, size, lim)
	case ".zip":
		md, err = zipSdist(g, size, lim)
	default:
		err = invalidf("Source distributions must be .tar.gz or .zip files, not %s", quote(ext))
	}
	if err != nil {
		return nil, g.finish(err)
	}
	return md, nil
}

// topLevel checks that every entry sits under one top-level folder.
type topLevel struct {
	name string
}

// add records path, which names a directory when dir is true.
func (t *topLevel) add(path string, dir bool) error {
	first, _, nested := strings.Cut(path, "/")
	if !nested && !dir {
		return invalidf("Source distribution must contain a single top-level directory; %s is outside it", quote(path))
	}
	if t.name == "" {
		t.name = first
	} else if first != t.name {
		return invalidf("Source distribution must contain a single top-level directory; found %s and %s", quote(t.name), quote(first))
	}
	return nil
}

// missingPKGINFO is the refusal for an sdist without "<top>/PKG-INFO".
func (t *topLevel) missingPKGINFO() error {
	if t.name == "" {
		return invalidf("Source distribution is empty")
	}
	return invalidf("Source distribution does not contain the required PKG-INFO file: %s", quote(t.name+"/PKG-INFO"))
}

func zipSdist(r io.ReaderAt, size int64, lim Limits) ([]byte, error) {
	z, err := openZip(r, size, lim)
	if err != nil {
		return nil, err
	}
	var top topLevel
	for i := range z.entries {
		if err := top.add(z.entries[i].name, z.entries[i].isDir()); err != nil {
			return nil, err
		}
	}
	e := z.find(top.name + "/PKG-INFO")
	if e == nil || !e.isRegular() {
		return nil, top.missingPKGINFO()
	}
	return z.readEntry(e, lim.MaxMetadataSize)
}

// bombGuard counts the decompressed bytes read through it and fails once
// they break the decompression bomb bound. It remembers the first error of
// the decompressor, so that a gzip fault can be told from a tar fault.
type bombGuard struct {
	r       io.Reader
	lim     Limits
	size    int64
	n       uint64
	tripped bool
	srcErr  error
}

func (b *bombGuard) Read(p []byte) (int, error) {
	if b.tripped {
		return 0, bombError(b.lim)
	}
	n, err := b.r.Read(p)
	b.n += uint64(n)
	if b.lim.isBomb(b.n, b.size) {
		b.tripped = true
		return n, bombError(b.lim)
	}
	if err != nil && err != io.EOF && b.srcErr == nil {
		b.srcErr = err
	}
	return n, err
}

// explain turns an error met while reading the tar stream into a refusal.
func (b *bombGuard) explain(err error) error {
	var ie *InvalidError
	switch {
	case b.tripped:
		return bombError(b.lim)
	case errors.As(b.srcErr, &ie):
		return ie
	case b.srcErr != nil:
		return invalidf("File is not a tarfile: the gzip data is corrupt or truncated")
	case errors.As(err, &ie):
		return ie
	}
	return invalidf("File is not a tarfile")
}

// gzipMembers reads concatenated gzip members, as gzip(1) and Python do, and
// refuses anything after the last member that is not another member.
type gzipMembers struct {
	br *bufio.Reader
	zr *gzip.Reader
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	for {
		n, err := g.zr.Read(p)
		if err != io.EOF || n > 0 {
			return n, err
		}
		if _, err := g.br.Peek(1); err != nil {
			return 0, err // io.EOF at the true end of the file
		}
		if err := g.zr.Reset(g.br); err != nil {
			return 0, invalidf("File is not a tarfile: data after the end of the gzip stream")
		}
		g.zr.Multistream(false)
	}
}

func tarSdist(r io.ReaderAt, size int64, lim Limits) ([]byte, error) {
	if size < 0 {
		return nil, invalidf("File is not a tarfile")
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 32<<10)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, invalidf("File is not a tarfile")
	}
	zr.Multistream(false)
	guard := &bombGuard{r: &gzipMembers{br: br, zr: zr}, lim: lim, size: size}
	md, err := readTar(tar.NewReader(guard), lim)
	if err == nil {
		err = drainPadding(guard)
	}
	if err != nil {
		return nil, guard.explain(err)
	}
	return md, nil
}

// readTar walks the tar stream and returns the top-level PKG-INFO.
func readTar(tr *tar.Reader, lim Limits) ([]byte, error) {
	var top topLevel
	var md []byte
	seen, entries := false, 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if entries++; entries > lim.MaxEntries {
			return nil, invalidf("Archive has more than %d entries", lim.MaxEntries)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		name, dir := h.Name, h.Typeflag == tar.TypeDir
		for strings.HasPrefix(name, "./") {
			name = name[2:]
		}
		if dir && (name == "" || name == ".") {
			continue
		}
		if r := checkPath(name); r != "" {
			return nil, invalidf("Tar archive not accepted: %s: %s", r, quote(h.Name))
		}
		if err := top.add(name, dir); err != nil {
			return nil, err
		}
		if name != top.name+"/PKG-INFO" {
			continue
		}
		if seen {
			return nil, invalidf("Source distribution contains more than one %s", quote(name))
		}
		seen = true
		if h.Typeflag == tar.TypeReg {
			if md, err = readTarFile(tr, h, lim.MaxMetadataSize); err != nil {
				return nil, err
			}
		}
	}
	if md == nil {
		return nil, top.missingPKGINFO()
	}
	return md, nil
}

// readTarFile reads the current file of tr, which must be no larger than
// max bytes.
func readTarFile(tr *tar.Reader, h *tar.Header, max int64) ([]byte, error) {
	if h.Size > max {
		return nil, invalidf("Metadata file %s is too large: %d bytes (the limit is %d)", quote(h.Name), h.Size, max)
	}
	buf := make([]byte, h.Size)
	if _, err := io.ReadFull(tr, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// drainPadding reads what follows the tar end-of-archive marker, which may
// only be zero padding, to the end of the gzip stream.
func drainPadding(r io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			if c != 0 {
				return invalidf("Tar archive not accepted: data after the end of the archive")
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
