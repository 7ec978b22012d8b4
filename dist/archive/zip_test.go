package archive

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"
)

// TestZipFraming feeds crafted archives to Wheel and checks the framing
// rules of the ZIP reader.
func TestZipFraming(t *testing.T) {
	valid := func(t *testing.T) []byte { return buildZip(t, wheelFiles()) }
	tests := []struct {
		name    string
		build   func(t *testing.T) []byte
		wantErr string
	}{
		{name: "not a zip", wantErr: "File is not a zipfile", build: func(t *testing.T) []byte {
			return []byte("this is not a zip file at all, just text")
		}},
		{name: "empty file", wantErr: "File is not a zipfile", build: func(t *testing.T) []byte { return nil }},
		{name: "duplicate names", wantErr: "duplicate file name", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles(zfile{name: "my_pkg/__init__.py", body: "evil"}))
		}},
		{name: "duplicate METADATA", wantErr: "duplicate file name", build: func(t *testing.T) []byte {
			return buildZip(t, wheelFiles(zfile{name: "my_pkg-1.0.dist-info/METADATA", body: "evil"}))
		}},
		{name: "local name differs", wantErr: "local header name", build: func(t *testing.T) []byte {
			b := valid(t)
			_, local := zipRecords(t, b, 1)
			b[local+lenLocal] = 'X'
			return b
		}},
		{name: "local method differs", wantErr: "disagrees with the central directory", build: func(t *testing.T) []byte {
			b := valid(t)
			_, local := zipRecords(t, b, 1)
			le.PutUint16(b[local+8:], methodStore)
			return b
		}},
		{name: "local flags differ", wantErr: "disagrees with the central directory", build: func(t *testing.T) []byte {
			b := valid(t)
			_, local := zipRecords(t, b, 1)
			b[local+6] ^= 0x02
			return b
		}},
		{name: "local CRC differs", wantErr: "on CRC or sizes", build: func(t *testing.T) []byte {
			b := buildRawWheel(t, func(*zip.FileHeader) {})
			_, local := zipRecords(t, b, 3)
			b[local+14]++
			return b
		}},
		{name: "data descriptor differs", wantErr: "data descriptor", build: func(t *testing.T) []byte {
			b := valid(t)
			_, next := zipRecords(t, b, 2)
			b[next-16+4]++ // the CRC in entry 1's descriptor, which has a signature
			return b
		}},
		{name: "prepended data", wantErr: "central directory does not end where the end record begins", build: func(t *testing.T) []byte {
			return append([]byte("#!/bin/sh\nexit 0\n"), valid(t)...)
		}},
		{name: "prepended data with shifted offsets", wantErr: "data before the first entry", build: func(t *testing.T) []byte {
			prefix := []byte("#!/bin/sh\nexit 0\n")
			var buf bytes.Buffer
			buf.Write(prefix)
			w := zip.NewWriter(&buf)
			w.SetOffset(int64(len(prefix)))
			writeFiles(t, w, wheelFiles())
			closeZip(t, w)
			return buf.Bytes()
		}},
		{name: "trailing data", wantErr: "trailing data", build: func(t *testing.T) []byte {
			return append(valid(t), "junk"...)
		}},
		{name: "truncated comment", wantErr: "not a zipfile", build: func(t *testing.T) []byte {
			b := valid(t)
			le.PutUint16(b[len(b)-2:], 10)
			return b
		}},
		{name: "ambiguous end record", wantErr: "ambiguous end of central directory", build: func(t *testing.T) []byte {
			b := valid(t)
			fake := append([]byte(nil), b[len(b)-lenEnd:]...)
			le.PutUint16(b[len(b)-2:], lenEnd)
			return append(b, fake...)
		}},
		{name: "overlapping entries", wantErr: "overlaps another entry", build: func(t *testing.T) []byte {
			b := valid(t)
			central, _ := zipRecords(t, b, 2)
			_, local1 := zipRecords(t, b, 1)
			le.PutUint32(b[central+42:], uint32(local1))
			return b
		}},
		{name: "gap between entries", wantErr: "unused data before entry", build: func(t *testing.T) []byte {
			b := valid(t)
			central, local := zipRecords(t, b, 2)
			le.PutUint32(b[central+42:], uint32(local+1))
			return b
		}},
		{name: "encrypted entry", wantErr: "encrypted entry", build: func(t *testing.T) []byte {
			b := valid(t)
			central, local := zipRecords(t, b, 1)
			b[central+8] |= flagEncrypted
			b[local+6] |= flagEncrypted
			return b
		}},
		{name: "unsupported method", wantErr: "unsupported compression method 12", build: func(t *testing.T) []byte {
			return wheelWithRaw(t, &zip.FileHeader{Name: "my_pkg/data", Method: 12, CompressedSize64: 3, UncompressedSize64: 3}, "abc")
		}},
		{name: "stored sizes differ", wantErr: "different compressed and uncompressed sizes", build: func(t *testing.T) []byte {
			return wheelWithRaw(t, &zip.FileHeader{Name: "my_pkg/data", Method: zip.Store, CompressedSize64: 3, UncompressedSize64: 300}, "abc")
		}},
		{name: "non-ASCII name without UTF-8 flag", wantErr: "without the UTF-8 flag", build: func(t *testing.T) []byte {
			var buf bytes.Buffer
			w := zip.NewWriter(&buf)
			writeFiles(t, w, wheelFiles())
			if _, err := w.CreateHeader(&zip.FileHeader{Name: "my_pkg/caf\u00e9", NonUTF8: true}); err != nil {
				t.Fatal(err)
			}
			closeZip(t, w)
			return buf.Bytes()
		}},
	}
	for _, name := range []string{"../evil", "/etc/passwd", "my_pkg\\evil", "C:/evil", "my_pkg/../../evil", "my_pkg//x", "my_pkg/./x", "my_pkg/a\x00b", "my_pkg/a\nb"} {
		tests = append(tests, struct {
			name    string
			build   func(t *testing.T) []byte
			wantErr string
		}{
			name:    fmt.Sprintf("bad name %q", name),
			wantErr: "ZIP archive not accepted",
			build:   func(t *testing.T) []byte { return buildZip(t, wheelFiles(zfile{name: name})) },
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.build(t)
			got, err := Wheel(bytes.NewReader(b), int64(len(b)), "my_pkg", "1.0", Limits{})
			checkResult(t, got, err, testMetadata, tt.wantErr)
		})
	}
}

// TestZip64 checks an archive with ZIP64 end records, which archive/zip
// writes for 65,535 entries or more.
func TestZip64(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	writeFiles(t, w, wheelFiles())
	for i := range 0xffff {
		if _, err := w.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("my_pkg/%d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	closeZip(t, w)
	b := buf.Bytes()
	if le.Uint32(b[len(b)-lenEnd-lenZip64Locator:]) != sigZip64Locator {
		t.Fatal("the test archive has no ZIP64 locator")
	}
	got, err := Wheel(bytes.NewReader(b), int64(len(b)), "my_pkg", "1.0", Limits{})
	checkResult(t, got, err, testMetadata, "")

	// The classic entry counts now disagree with the ZIP64 ones.
	b[len(b)-lenEnd+8]--
	b[len(b)-lenEnd+10]--
	_, err = Wheel(bytes.NewReader(b), int64(len(b)), "my_pkg", "1.0", Limits{})
	checkResult(t, nil, err, "", "disagrees with the classic one")
}

// wheelWithRaw returns a valid wheel plus one raw entry with header h.
func wheelWithRaw(t *testing.T, h *zip.FileHeader, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	writeFiles(t, w, wheelFiles())
	fw, err := w.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	closeZip(t, w)
	return buf.Bytes()
}
