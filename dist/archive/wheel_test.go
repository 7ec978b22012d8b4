package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWheel(t *testing.T) {
	metaPath := "my_pkg-1.0.dist-info/METADATA"
	tests := []struct {
		name    string
		build   func(t *testing.T) []byte
		pkg     string // defaults to my_pkg
		lim     Limits
		wantErr string
	}{
		{name: "valid", build: func(t *testing.T) []byte { return buildZip(t, wheelFiles()) }},
		{name: "stored entries", build: func(t *testing.T) []byte {
			files := wheelFiles()
			for i := range files {
				files[i].stored = true
			}
			return buildZip(t, files)
		}},
		{name: "tolerant dist-info name", pkg: "My.Pkg", build: func(t *testing.T) []byte { return buildZip(t, wheelFiles()) }},
		{name: "symlink is ignored", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles(zfile{name: "my_pkg/link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}))
		}},
		{name: "comment", build: func(t *testing.T) []byte {
			var buf bytes.Buffer
			w := zip.NewWriter(&buf)
			writeFiles(t, w, wheelFiles())
			if err := w.SetComment("a comment"); err != nil {
				t.Fatal(err)
			}
			closeZip(t, w)
			return buf.Bytes()
		}},
		{name: "missing METADATA", wantErr: "does not contain the required METADATA file", build: func(t *testing.T) []byte {
			return buildZip(t, without(wheelFiles(), metaPath))
		}},
		{name: "missing WHEEL", wantErr: "does not contain the required WHEEL file", build: func(t *testing.T) []byte {
			return buildZip(t, without(wheelFiles(), "my_pkg-1.0.dist-info/WHEEL"))
		}},
		{name: "missing RECORD", wantErr: "does not contain the required RECORD file", build: func(t *testing.T) []byte {
			return buildZip(t, without(wheelFiles(), "my_pkg-1.0.dist-info/RECORD"))
		}},
		{name: "METADATA is a symlink", wantErr: "does not contain the required METADATA file", build: func(t *testing.T) []byte {
			files := without(wheelFiles(), metaPath)
			return buildZip(t, append(files, zfile{name: metaPath, body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}))
		}},
		{name: "METADATA is a directory", wantErr: "does not contain the required METADATA file", build: func(t *testing.T) []byte {
			files := without(wheelFiles(), metaPath)
			return buildZip(t, append(files, zfile{name: metaPath + "/"}))
		}},
		{name: "no dist-info", wantErr: "does not contain a .dist-info directory", build: func(t *testing.T) []byte {
			return buildZip(t, []zfile{{name: "my_pkg/__init__.py"}})
		}},
		{name: "two dist-info folders", wantErr: "more than one .dist-info directory", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles(zfile{name: "other-1.0.dist-info/METADATA", body: testMetadata}))
		}},
		{name: "dist-info does not match", pkg: "other", wantErr: "does not match its filename", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles())
		}},
		{name: "nested dist-info only", wantErr: "does not contain a .dist-info directory", build: func(t *testing.T) []byte {
			return buildZip(t, []zfile{{name: "lib/my_pkg-1.0.dist-info/METADATA", body: testMetadata}})
		}},
		{name: "metadata too large", lim: Limits{MaxMetadataSize: 10}, wantErr: "is too large", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles())
		}},
		{name: "too many entries", lim: Limits{MaxEntries: 3}, wantErr: "more than 3 entries", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles())
		}},
		{name: "metadata CRC lies", wantErr: "CRC mismatch", build: func(t *testing.T) []byte {
			return buildRawWheel(t, func(h *zip.FileHeader) { h.CRC32++ })
		}},
		{name: "metadata size lies low", wantErr: "longer than declared", build: func(t *testing.T) []byte {
			return buildRawWheel(t, func(h *zip.FileHeader) { h.UncompressedSize64-- })
		}},
		{name: "metadata size lies high", wantErr: "shorter than declared", build: func(t *testing.T) []byte {
			return buildRawWheel(t, func(h *zip.FileHeader) { h.UncompressedSize64++ })
		}},
		{name: "declared bomb", wantErr: "decompression bomb", build: func(t *testing.T) []byte {
			return buildRawWheel(t, func(h *zip.FileHeader) { h.UncompressedSize64 = 1 << 40 })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.build(t)
			pkg := tt.pkg
			if pkg == "" {
				pkg = "my_pkg"
			}
			got, err := Wheel(bytes.NewReader(b), int64(len(b)), pkg, "1.0", tt.lim)
			checkResult(t, got, err, testMetadata, tt.wantErr)
		})
	}
}

func writeFiles(t *testing.T, w *zip.Writer, files []zfile) {
	t.Helper()
	for _, f := range files {
		fw, err := w.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
}

func closeZip(t *testing.T, w *zip.Writer) {
	t.Helper()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// buildRawWheel writes a wheel whose METADATA is stored without a data
// descriptor, with its header changed by edit (to make it lie).
func buildRawWheel(t *testing.T, edit func(*zip.FileHeader)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	writeFiles(t, w, without(wheelFiles(), "my_pkg-1.0.dist-info/METADATA"))
	body := []byte(testMetadata)
	h := &zip.FileHeader{
		Name:               "my_pkg-1.0.dist-info/METADATA",
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE(body),
		CompressedSize64:   uint64(len(body)),
		UncompressedSize64: uint64(len(body)),
	}
	edit(h)
	if h.UncompressedSize64 != h.CompressedSize64 {
		// A stored entry must have equal sizes, so lie through deflate.
		h.Method = zip.Deflate
		body = deflate(t, body)
		h.CompressedSize64 = uint64(len(body))
	}
	fw, err := w.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(body); err != nil {
		t.Fatal(err)
	}
	closeZip(t, w)
	return buf.Bytes()
}

func deflate(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.Create("x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(b); err != nil {
		t.Fatal(err)
	}
	closeZip(t, w)
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	off, err := z.File[0].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()[off : off+int64(z.File[0].CompressedSize64)]
}

// TestZipBomb checks that a real 100 MiB bomb is refused quickly and without
// allocating anywhere near its size.
func TestZipBomb(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	writeFiles(t, w, wheelFiles())
	fw, err := w.Create("my_pkg/zeros")
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 100 {
		if _, err := fw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	closeZip(t, w)
	b := buf.Bytes()

	checkCheapBomb(t, func() error {
		_, err := Wheel(bytes.NewReader(b), int64(len(b)), "my_pkg", "1.0", Limits{})
		return err
	})
}

// TestReal checks artifacts built by Debian's python3 -m build.
func TestReal(t *testing.T) {
	tests := []struct {
		name string
		file string
		run  func(b []byte) ([]byte, error)
	}{
		{"wheel", "tiny_pkg-0.1.0-py3-none-any.whl", func(b []byte) ([]byte, error) {
			return Wheel(bytes.NewReader(b), int64(len(b)), "tiny_pkg", "0.1.0", DefaultLimits())
		}},
		{"tar.gz sdist", "tiny-pkg-0.1.0.tar.gz", func(b []byte) ([]byte, error) {
			return Sdist(bytes.NewReader(b), int64(len(b)), ".tar.gz", DefaultLimits())
		}},
		{"zip sdist", "tiny-pkg-0.1.0.zip", func(b []byte) ([]byte, error) {
			return Sdist(bytes.NewReader(b), int64(len(b)), ".zip", DefaultLimits())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", tt.file+".metadata"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.run(b)
			checkResult(t, got, err, string(want), "")
		})
	}
}

// failingReaderAt fails every read past its first n bytes.
type failingReaderAt struct {
	b []byte
	n int64
}

var errDisk = errors.New("disk on fire")

func (f failingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.n {
		return 0, errDisk
	}
	return copy(p, f.b[off:]), nil
}

// TestReadError checks that a failing reader is not blamed on the uploader.
func TestReadError(t *testing.T) {
	b := buildZip(t, wheelFiles())
	tests := []struct {
		name string
		run  func(r failingReaderAt) error
	}{
		{"wheel", func(r failingReaderAt) error {
			_, err := Wheel(r, int64(len(b)), "my_pkg", "1.0", Limits{})
			return err
		}},
		{"zip sdist", func(r failingReaderAt) error {
			_, err := Sdist(r, int64(len(b)), ".zip", Limits{})
			return err
		}},
		{"tar sdist", func(r failingReaderAt) error {
			_, err := Sdist(r, int64(len(b)), ".tar.gz", Limits{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(failingReaderAt{b: b, n: 0})
			var ie *InvalidError
			if !errors.Is(err, errDisk) || errors.As(err, &ie) {
				t.Fatalf("error = %v, want the read error and no *InvalidError", err)
			}
			if strings.Contains(err.Error(), "Invalid distribution") {
				t.Fatalf("error = %v blames the file", err)
			}
		})
	}
}
