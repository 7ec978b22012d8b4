package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"time"
)

// zfile describes one entry of a test ZIP archive.
type zfile struct {
	name   string
	body   string
	mode   fs.FileMode // 0 means a regular file
	stored bool
}

// buildZip writes files into a ZIP archive with archive/zip, which uses data
// descriptors for every entry.
func buildZip(t testing.TB, files []zfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		if f.stored {
			h.Method = zip.Store
		}
		if f.mode != 0 {
			h.SetMode(f.mode)
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testMetadata = "Metadata-Version: 2.1\nName: my-pkg\nVersion: 1.0\n"

// wheelFiles returns the files of a minimal wheel for my_pkg 1.0 plus extra.
func wheelFiles(extra ...zfile) []zfile {
	files := []zfile{
		{name: "my_pkg/__init__.py", body: "x = 1\n"},
		{name: "my_pkg-1.0.dist-info/METADATA", body: testMetadata},
		{name: "my_pkg-1.0.dist-info/WHEEL", body: "Wheel-Version: 1.0\n"},
		{name: "my_pkg-1.0.dist-info/RECORD", body: ""},
	}
	return append(files, extra...)
}

// without returns files minus the one named name.
func without(files []zfile, name string) []zfile {
	var out []zfile
	for _, f := range files {
		if f.name != name {
			out = append(out, f)
		}
	}
	return out
}

// tfile describes one entry of a test tar archive.
type tfile struct {
	name     string
	body     string
	typeflag byte // 0 means a regular file
	linkname string
}

// buildTarGz writes files into a gzip-compressed tar archive.
func buildTarGz(t testing.TB, files []tfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Typeflag: f.typeflag, Linkname: f.linkname, Format: tar.FormatPAX}
		if h.Typeflag != tar.TypeXGlobalHeader {
			h.Mode = 0o644
		}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(f.body))
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			h.PAXRecords = map[string]string{"comment": "global"}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sdistFiles returns the files of a minimal sdist for my-pkg 1.0 plus extra.
func sdistFiles(extra ...tfile) []tfile {
	files := []tfile{
		{name: "my-pkg-1.0/", typeflag: tar.TypeDir},
		{name: "my-pkg-1.0/PKG-INFO", body: testMetadata},
		{name: "my-pkg-1.0/setup.py", body: "import setuptools\n"},
	}
	return append(files, extra...)
}

// checkResult fails t unless err is nil and got is want, or err is an
// *InvalidError whose message contains wantErr.
func checkResult(t *testing.T, got []byte, err error, want, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if string(got) != want {
			t.Fatalf("metadata = %q, want %q", got, want)
		}
		return
	}
	var ie *InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want an *InvalidError containing %q", err, err, wantErr)
	}
	if !strings.Contains(ie.Msg, wantErr) {
		t.Fatalf("error = %q, want it to contain %q", ie.Msg, wantErr)
	}
	if !strings.HasPrefix(ie.Msg, "Invalid distribution file. ") {
		t.Fatalf("error = %q, want PyPI's prefix", ie.Msg)
	}
}

// zipRecords locates, in a ZIP archive without a comment, the central
// directory entry and local header offsets of entry i.
func zipRecords(t testing.TB, b []byte, i int) (central, local int) {
	t.Helper()
	end := len(b) - lenEnd
	if le.Uint32(b[end:]) != sigEnd {
		t.Fatal("no end record at the end of the test archive")
	}
	p := int(le.Uint32(b[end+16:]))
	for range i {
		p += lenCentral + int(le.Uint16(b[p+28:])) + int(le.Uint16(b[p+30:])) + int(le.Uint16(b[p+32:]))
	}
	return p, int(le.Uint32(b[p+42:]))
}

// checkCheapBomb checks that refuse refuses a bomb within seconds and
// without allocating more than a few MiB.
func checkCheapBomb(t *testing.T, refuse func() error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := refuse()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	checkResult(t, nil, err, "", "decompression bomb")
	if elapsed > 5*time.Second {
		t.Errorf("refusing the bomb took %v", elapsed)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", alloc)
	}
}
