package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"testing"
)

func TestSdistTarGz(t *testing.T) {
	tests := []struct {
		name    string
		build   func(t *testing.T) []byte
		lim     Limits
		wantErr string
	}{
		{name: "valid", build: func(t *testing.T) []byte { return buildTarGz(t, sdistFiles()) }},
		{name: "no directory entry", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles()[1:])
		}},
		{name: "dot slash prefix", build: func(t *testing.T) []byte {
			return buildTarGz(t, []tfile{{name: "./", typeflag: tar.TypeDir}, {name: "./my-pkg-1.0/PKG-INFO", body: testMetadata}})
		}},
		{name: "pax global header", build: func(t *testing.T) []byte {
			return buildTarGz(t, append([]tfile{{name: "pax_global_header", typeflag: tar.TypeXGlobalHeader}}, sdistFiles()...))
		}},
		{name: "symlink and hardlink are ignored", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(
				tfile{name: "my-pkg-1.0/link", typeflag: tar.TypeSymlink, linkname: "/etc/passwd"},
				tfile{name: "my-pkg-1.0/hard", typeflag: tar.TypeLink, linkname: "my-pkg-1.0/setup.py"},
			))
		}},
		{name: "nested PKG-INFO as well", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "my-pkg-1.0/src/x.egg-info/PKG-INFO", body: "other"}))
		}},
		{name: "multiple gzip members", build: func(t *testing.T) []byte {
			b := buildTarGz(t, sdistFiles())
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(make([]byte, 1024))
			zw.Close()
			return append(b, buf.Bytes()...)
		}},
		{name: "not a gzip", wantErr: "File is not a tarfile", build: func(t *testing.T) []byte {
			return []byte("plain text, not gzip")
		}},
		{name: "gzip but not tar", wantErr: "File is not a tarfile", build: func(t *testing.T) []byte {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(bytes.Repeat([]byte("not a tar header "), 100))
			zw.Close()
			return buf.Bytes()
		}},
		{name: "gzip trailing garbage", wantErr: "data after the end of the gzip stream", build: func(t *testing.T) []byte {
			return append(buildTarGz(t, sdistFiles()), "garbage"...)
		}},
		{name: "truncated gzip", wantErr: "corrupt or truncated", build: func(t *testing.T) []byte {
			b := buildTarGz(t, sdistFiles())
			return b[:len(b)-6]
		}},
		{name: "data after tar end", wantErr: "data after the end of the archive", build: func(t *testing.T) []byte {
			var raw bytes.Buffer
			tw := tar.NewWriter(&raw)
			tw.WriteHeader(&tar.Header{Name: "my-pkg-1.0/PKG-INFO", Size: int64(len(testMetadata)), Mode: 0o644, Typeflag: tar.TypeReg})
			tw.Write([]byte(testMetadata))
			tw.Close()
			raw.WriteString("hidden")
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(raw.Bytes())
			zw.Close()
			return buf.Bytes()
		}},
		{name: "two top-level folders", wantErr: "single top-level directory", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "other-1.0/setup.py"}))
		}},
		{name: "file at top level", wantErr: "single top-level directory", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "setup.py"}))
		}},
		{name: "missing PKG-INFO", wantErr: "does not contain the required PKG-INFO file", build: func(t *testing.T) []byte {
			return buildTarGz(t, []tfile{{name: "my-pkg-1.0/setup.py"}})
		}},
		{name: "nested PKG-INFO only", wantErr: "does not contain the required PKG-INFO file", build: func(t *testing.T) []byte {
			return buildTarGz(t, []tfile{{name: "my-pkg-1.0/src/x.egg-info/PKG-INFO", body: testMetadata}})
		}},
		{name: "PKG-INFO is a symlink", wantErr: "does not contain the required PKG-INFO file", build: func(t *testing.T) []byte {
			return buildTarGz(t, []tfile{{name: "my-pkg-1.0/PKG-INFO", typeflag: tar.TypeSymlink, linkname: "/etc/passwd"}})
		}},
		{name: "two PKG-INFO", wantErr: "more than one", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "my-pkg-1.0/PKG-INFO", body: "evil"}))
		}},
		{name: "empty archive", wantErr: "is empty", build: func(t *testing.T) []byte { return buildTarGz(t, nil) }},
		{name: "traversal", wantErr: "Tar archive not accepted", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "my-pkg-1.0/../../evil"}))
		}},
		{name: "leading traversal", wantErr: "Tar archive not accepted", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "../evil"}))
		}},
		{name: "absolute path", wantErr: "absolute file name", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "/etc/passwd"}))
		}},
		{name: "symlink with a traversing name", wantErr: "Tar archive not accepted", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles(tfile{name: "my-pkg-1.0/../x", typeflag: tar.TypeSymlink, linkname: "/"}))
		}},
		{name: "metadata too large", lim: Limits{MaxMetadataSize: 10}, wantErr: "is too large", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles())
		}},
		{name: "too many entries", lim: Limits{MaxEntries: 2}, wantErr: "more than 2 entries", build: func(t *testing.T) []byte {
			return buildTarGz(t, sdistFiles())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.build(t)
			got, err := Sdist(bytes.NewReader(b), int64(len(b)), ".tar.gz", tt.lim)
			checkResult(t, got, err, testMetadata, tt.wantErr)
		})
	}
}

func TestSdistZip(t *testing.T) {
	valid := []zfile{
		{name: "my-pkg-1.0/"},
		{name: "my-pkg-1.0/PKG-INFO", body: testMetadata},
		{name: "my-pkg-1.0/setup.py", body: "import setuptools\n"},
	}
	tests := []struct {
		name    string
		files   []zfile
		ext     string
		wantErr string
	}{
		{name: "valid", files: valid},
		{name: "two top-level folders", files: append(valid[:3:3], zfile{name: "other/x"}), wantErr: "single top-level directory"},
		{name: "missing PKG-INFO", files: without(valid, "my-pkg-1.0/PKG-INFO"), wantErr: "does not contain the required PKG-INFO file"},
		{name: "nested PKG-INFO only", files: []zfile{{name: "my-pkg-1.0/x.egg-info/PKG-INFO", body: testMetadata}}, wantErr: "does not contain the required PKG-INFO file"},
		{name: "PKG-INFO is a symlink", files: []zfile{{name: "my-pkg-1.0/PKG-INFO", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, wantErr: "does not contain the required PKG-INFO file"},
		{name: "traversal", files: append(valid[:3:3], zfile{name: "my-pkg-1.0/../../evil"}), wantErr: "ZIP archive not accepted"},
		{name: "unsupported extension", files: valid, ext: ".tar.bz2", wantErr: "must be .tar.gz or .zip"},
		{name: "empty", files: nil, wantErr: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildZip(t, tt.files)
			ext := tt.ext
			if ext == "" {
				ext = ".zip"
			}
			got, err := Sdist(bytes.NewReader(b), int64(len(b)), ext, Limits{})
			checkResult(t, got, err, testMetadata, tt.wantErr)
		})
	}
}

// TestTarBomb checks that a 100 MiB tar bomb is refused as soon as the
// bound is crossed, without allocating anywhere near its size.
func TestTarBomb(t *testing.T) {
	const size = 100 << 20
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "my-pkg-1.0/zeros", Size: size, Mode: 0o644, Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range size / len(chunk) {
		if _, err := tw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	zw.Close()
	b := buf.Bytes()

	checkCheapBomb(t, func() error {
		_, err := Sdist(bytes.NewReader(b), int64(len(b)), ".tar.gz", Limits{})
		return err
	})
}
