package dist

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCheckFilename(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"plain", "foo-1.0.tar.gz", true},
		{"unicode", "föö-1.0.tar.gz", true},
		{"empty", "", false},
		{"slash", "a/b-1.0.tar.gz", false},
		{"backslash", `a\b-1.0.tar.gz`, false},
		{"nul", "a\x00-1.0.tar.gz", false},
		{"newline", "a\n-1.0.tar.gz", false},
		{"del", "a\x7f-1.0.tar.gz", false},
		{"leading dot", ".hidden-1.0.tar.gz", false},
		{"too long", strings.Repeat("a", 250) + "-1.0.zip", false},
		{"bad utf8", "a\xff-1.0.zip", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckFilename(tt.in)
			if (err == nil) != tt.ok {
				t.Errorf("CheckFilename(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
		})
	}
}

func TestPackageType(t *testing.T) {
	tests := []struct {
		name, in, want, wantErr string
	}{
		{"wheel", "foo-1.0-py3-none-any.whl", TypeWheel, ""},
		{"tar.gz", "foo-1.0.tar.gz", TypeSdist, ""},
		{"zip", "foo-1.0.zip", TypeSdist, ""},
		{"egg", "foo-1.0-py2.7.egg", "", extensionHelp},
		{"bz2", "foo-1.0.tar.bz2", "", extensionHelp},
		{"exe", "foo-1.0.win32.exe", "", extensionHelp},
		{"upper ext", "foo-1.0.WHL", "", extensionHelp},
		{"unsafe", "../foo-1.0.tar.gz", "", `Invalid filename: "../foo-1.0.tar.gz" starts with a dot.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PackageType(tt.in)
			if got != tt.want || errMessage(err) != tt.wantErr {
				t.Errorf("PackageType(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// errMessage returns the user-facing message of err, or "" for nil, and
// fails loudly on errors that are not *Error.
func errMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		return "NOT *Error: " + err.Error()
	}
	return e.Message
}

func TestParseWheelFilename(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    WheelFilename
		wantErr string
	}{
		{"pure", "foo-1.0-py3-none-any.whl",
			WheelFilename{Name: "foo", Version: "1.0", PythonTags: []string{"py3"}, ABITags: []string{"none"}, PlatformTags: []string{"any"}}, ""},
		{"compressed tags", "six-1.16.0-py2.py3-none-any.whl",
			WheelFilename{Name: "six", Version: "1.16.0", PythonTags: []string{"py2", "py3"}, ABITags: []string{"none"}, PlatformTags: []string{"any"}}, ""},
		{"build tag", "foo_bar-2.0.post1-1local-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			WheelFilename{Name: "foo_bar", Version: "2.0.post1", Build: "1local", PythonTags: []string{"cp312"}, ABITags: []string{"cp312"},
				PlatformTags: []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64"}}, ""},
		{"dotted name", "zope.interface-6.0-cp311-cp311-win_amd64.whl",
			WheelFilename{Name: "zope.interface", Version: "6.0", PythonTags: []string{"cp311"}, ABITags: []string{"cp311"}, PlatformTags: []string{"win_amd64"}}, ""},
		{"upper name", "Django-5.0-py3-none-any.whl",
			WheelFilename{Name: "Django", Version: "5.0", PythonTags: []string{"py3"}, ABITags: []string{"none"}, PlatformTags: []string{"any"}}, ""},
		{"not whl", "foo-1.0-py3-none-any.zip", WheelFilename{}, "Invalid wheel filename (extension must be '.whl'): foo-1.0-py3-none-any.zip"},
		{"too few parts", "foo-1.0-py3-any.whl", WheelFilename{}, "Invalid wheel filename (wrong number of parts): foo-1.0-py3-any.whl"},
		{"too many parts", "foo-bar-1.0-1-py3-none-any.whl", WheelFilename{}, "Invalid wheel filename (wrong number of parts): foo-bar-1.0-1-py3-none-any.whl"},
		{"bad name", "foo+bar-1.0-py3-none-any.whl", WheelFilename{}, "Invalid project name: foo+bar-1.0-py3-none-any.whl"},
		{"double underscore", "foo__bar-1.0-py3-none-any.whl", WheelFilename{}, "Invalid project name: foo__bar-1.0-py3-none-any.whl"},
		{"empty name", "-1.0-py3-none-any.whl", WheelFilename{}, "Invalid project name: -1.0-py3-none-any.whl"},
		{"bad version", "foo-one-py3-none-any.whl", WheelFilename{}, "Invalid wheel filename (invalid version): foo-one-py3-none-any.whl"},
		{"blank in version", "foo-1.0 -py3-none-any.whl", WheelFilename{}, "Invalid wheel filename (invalid version): foo-1.0 -py3-none-any.whl"},
		{"bad build", "foo-1.0-abc-py3-none-any.whl", WheelFilename{}, "Invalid build number: abc in 'foo-1.0-abc-py3-none-any.whl'"},
		{"empty tag", "foo-1.0-py3.-none-any.whl", WheelFilename{}, `Invalid wheel filename (invalid tag ""): foo-1.0-py3.-none-any.whl`},
		{"upper tag", "foo-1.0-PY3-none-any.whl", WheelFilename{}, `Invalid wheel filename (invalid tag "PY3"): foo-1.0-PY3-none-any.whl`},
		{"slash", "a/foo-1.0-py3-none-any.whl", WheelFilename{}, `Invalid filename: "a/foo-1.0-py3-none-any.whl" contains a forbidden character.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWheelFilename(tt.in)
			if msg := errMessage(err); msg != tt.wantErr {
				t.Fatalf("ParseWheelFilename(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseWheelFilename(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestParseSdistFilename(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    SdistFilename
		wantErr string
	}{
		{"pep 625", "foo_bar-1.0.tar.gz", SdistFilename{"foo_bar", "1.0", ".tar.gz"}, ""},
		{"zip", "foo_bar-1.0.post1.zip", SdistFilename{"foo_bar", "1.0.post1", ".zip"}, ""},
		{"dotted upper", "My.Pkg-1.0.tar.gz", SdistFilename{"My.Pkg", "1.0", ".tar.gz"}, ""},
		{"dashed name", "my-pkg-1.0.tar.gz", SdistFilename{"my-pkg", "1.0", ".tar.gz"}, ""},
		{"dashed name with digits", "py-3-foo-2.0rc1.tar.gz", SdistFilename{"py-3-foo", "2.0rc1", ".tar.gz"}, ""},
		{"epoch", "foo-1!2.0.tar.gz", SdistFilename{"foo", "1!2.0", ".tar.gz"}, ""},
		{"bz2", "foo-1.0.tar.bz2", SdistFilename{}, "Invalid sdist filename (extension must be '.tar.gz' or '.zip'): foo-1.0.tar.bz2"},
		{"egg", "foo-1.0.egg", SdistFilename{}, "Invalid sdist filename (extension must be '.tar.gz' or '.zip'): foo-1.0.egg"},
		{"exe", "foo-1.0.exe", SdistFilename{}, "Invalid sdist filename (extension must be '.tar.gz' or '.zip'): foo-1.0.exe"},
		{"no dash", "foo.tar.gz", SdistFilename{}, "Invalid sdist filename: foo.tar.gz"},
		{"bad version", "foo-bar.tar.gz", SdistFilename{}, "Invalid sdist filename (invalid version): foo-bar.tar.gz"},
		{"blank before version", "foo- 1.0.tar.gz", SdistFilename{}, "Invalid sdist filename (invalid version): foo- 1.0.tar.gz"},
		{"blank after version", "foo-1.0 .zip", SdistFilename{}, "Invalid sdist filename (invalid version): foo-1.0 .zip"},
		{"old post release spelling splits last", "foo-1.0-1.tar.gz", SdistFilename{"foo-1.0", "1", ".tar.gz"}, ""},
		{"bad name", "foo+x-1.0.tar.gz", SdistFilename{}, "Invalid project name: foo+x-1.0.tar.gz"},
		{"empty name", "-1.0.tar.gz", SdistFilename{}, "Invalid project name: -1.0.tar.gz"},
		{"leading dot", ".foo-1.0.zip", SdistFilename{}, `Invalid filename: ".foo-1.0.zip" starts with a dot.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSdistFilename(tt.in)
			if msg := errMessage(err); msg != tt.wantErr {
				t.Fatalf("ParseSdistFilename(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got != tt.want {
				t.Errorf("ParseSdistFilename(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestValidPyPIPlatformTag(t *testing.T) {
	tests := []struct {
		name string
		tag  string
		want bool
	}{
		{"any", "any", true},
		{"win32", "win32", true},
		{"win_amd64", "win_amd64", true},
		{"win_arm64", "win_arm64", true},
		{"manylinux1", "manylinux1_x86_64", true},
		{"manylinux2010", "manylinux2010_i686", true},
		{"manylinux2014 s390x", "manylinux2014_s390x", true},
		{"pep 600", "manylinux_2_28_aarch64", true},
		{"pep 600 ppc64", "manylinux_2_17_ppc64", true},
		{"musllinux", "musllinux_1_2_x86_64", true},
		{"musllinux ppc64 refused", "musllinux_1_2_ppc64", false},
		{"macosx intel", "macosx_10_9_x86_64", true},
		{"macosx universal2", "macosx_11_0_universal2", true},
		{"macosx arm64", "macosx_14_0_arm64", true},
		{"macosx fat3", "macosx_10_6_fat3", true},
		{"macosx unknown major", "macosx_9_0_x86_64", false},
		{"macosx unknown arch", "macosx_11_0_sparc", false},
		{"ios device", "ios_13_0_arm64_iphoneos", true},
		{"ios simulator", "ios_13_0_x86_64_iphonesimulator", true},
		{"ios no sdk", "ios_13_0_arm64", false},
		{"android", "android_21_arm64_v8a", true},
		{"android x86", "android_24_x86", true},
		{"android bad arch", "android_21_mips", false},
		{"linux x86_64 refused", "linux_x86_64", false},
		{"linux armv7l allowed", "linux_armv7l", true},
		{"manylinux bad numbers", "manylinux_x_17_x86_64", false},
		{"manylinux missing arch", "manylinux_2_17_", false},
		{"manylinux unknown arch", "manylinux_2_17_sparc", false},
		{"empty", "", false},
		{"junk", "freebsd_13_amd64", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidPyPIPlatformTag(tt.tag); got != tt.want {
				t.Errorf("ValidPyPIPlatformTag(%q) = %v, want %v", tt.tag, got, tt.want)
			}
		})
	}
}
