package archive

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keeps each fuzz run small while still reaching every check.
func fuzzLimits() Limits {
	return Limits{MaxUncompressed: 1 << 20, MaxRatio: 50, MaxEntries: 1000, MaxMetadataSize: 64 << 10}
}

// addSeeds adds the real artifacts in testdata with the given suffix.
func addSeeds(f *testing.F, suffix string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*"+suffix))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkFuzzError fails unless err is nil or an *InvalidError: a bytes.Reader
// never fails, so no other error may come back.
func checkFuzzError(t *testing.T, md []byte, err error) {
	t.Helper()
	var ie *InvalidError
	if err != nil && !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *InvalidError", err, err)
	}
	if int64(len(md)) > fuzzLimits().MaxMetadataSize {
		t.Fatalf("metadata of %d bytes is over the limit", len(md))
	}
}

func FuzzWheel(f *testing.F) {
	addSeeds(f, ".whl")
	f.Add(buildZip(f, wheelFiles()))
	f.Add(buildZip(f, wheelFiles(zfile{name: "my_pkg/data", body: "stored", stored: true})))
	f.Fuzz(func(t *testing.T, b []byte) {
		md, err := Wheel(bytes.NewReader(b), int64(len(b)), "my_pkg", "1.0", fuzzLimits())
		checkFuzzError(t, md, err)
		md, err = Wheel(bytes.NewReader(b), int64(len(b)), "tiny_pkg", "0.1.0", fuzzLimits())
		checkFuzzError(t, md, err)
	})
}

func FuzzSdist(f *testing.F) {
	addSeeds(f, ".tar.gz")
	addSeeds(f, ".zip")
	f.Add(buildTarGz(f, sdistFiles()))
	f.Add(buildZip(f, []zfile{{name: "my-pkg-1.0/PKG-INFO", body: testMetadata}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, ext := range []string{".tar.gz", ".zip"} {
			md, err := Sdist(bytes.NewReader(b), int64(len(b)), ext, fuzzLimits())
			checkFuzzError(t, md, err)
		}
	})
}
