package dist

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{
		"foo-1.0-py3-none-any.whl",
		"foo_bar-2.0.post1-1local-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"six-1.16.0-py2.py3-none-any.whl", "a-b-c.whl", ".whl", "x-1-2-3-4-5-6-7.whl",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, fn string) {
		w, err := ParseWheelFilename(fn)
		if err != nil {
			if errMessage(err)[:3] == "NOT" {
				t.Fatalf("error %v is not a *Error", err)
			}
			return
		}
		if got := w.String(); got != fn {
			t.Fatalf("String() = %q, want %q", got, fn)
		}
		if !ValidName(w.Name) || len(w.PythonTags) == 0 || len(w.ABITags) == 0 || len(w.PlatformTags) == 0 {
			t.Fatalf("accepted a malformed wheel: %+v", w)
		}
		if kind, err := PackageType(fn); err != nil || kind != TypeWheel {
			t.Fatalf("PackageType(%q) = %q, %v", fn, kind, err)
		}
	})
}

func FuzzParseSdistFilename(f *testing.F) {
	for _, s := range []string{"foo_bar-1.0.tar.gz", "My.Pkg-1.0.zip", "my-pkg-1.0-1.tar.gz", "-.zip", "a-.tar.gz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, fn string) {
		s, err := ParseSdistFilename(fn)
		if err != nil {
			if errMessage(err)[:3] == "NOT" {
				t.Fatalf("error %v is not a *Error", err)
			}
			return
		}
		if got := s.String(); got != fn {
			t.Fatalf("String() = %q, want %q", got, fn)
		}
		if !ValidName(s.Name) || strings.Contains(s.Version, "/") {
			t.Fatalf("accepted a malformed sdist: %+v", s)
		}
		if kind, err := PackageType(fn); err != nil || kind != TypeSdist {
			t.Fatalf("PackageType(%q) = %q, %v", fn, kind, err)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*-*.*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Name: a\r\n Description: x\r\n\r\n"))
	f.Add([]byte("Description: a\n       |b\n        c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(b)
		if err != nil {
			if errMessage(err)[:3] == "NOT" {
				t.Fatalf("error %v is not a *Error", err)
			}
			return
		}
		for _, s := range []string{m.Name, m.Version, m.MetadataVersion, m.Summary} {
			if !utf8.ValidString(s) || strings.Contains(s, "\r") {
				t.Fatalf("field %q is not clean text", s)
			}
		}
		// Validation must not panic, whatever it decides.
		_ = m.Validate(nil)
		// Parsing is deterministic.
		again, err := ParseMetadata(b)
		if err != nil || !reflect.DeepEqual(m, again) {
			t.Fatalf("second parse differs")
		}
	})
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{
		"requests[security]>=2.8.1,==2.8.*; python_version < '2.7'",
		"pip @ https://example.com/pip.zip ; os_name == 'nt'",
		"click (>=8.0,<9.0)",
		`foo; (os_name == "nt" or sys_platform == 'darwin') and python_version not in "3.8"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			if errMessage(err)[:3] == "NOT" {
				t.Fatalf("error %v is not a *Error", err)
			}
			return
		}
		again, err := ParseRequirement(r.String())
		if err != nil {
			t.Fatalf("ParseRequirement(%q) failed on String() %q: %v", s, r.String(), err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("round trip of %q: %#v != %#v", s, again, r)
		}
		if !ValidName(r.Name) {
			t.Fatalf("accepted invalid name %q", r.Name)
		}
	})
}
