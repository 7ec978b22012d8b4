package dist

import (
	"reflect"
	"testing"
)

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Requirement
		wantErr bool
	}{
		{"bare", "requests", Requirement{Name: "requests"}, false},
		{"spaces", "  requests  ", Requirement{Name: "requests"}, false},
		{"specifier", "requests>=2.8.1", Requirement{Name: "requests", Specifier: ">=2.8.1"}, false},
		{"several clauses", "requests >= 2.8.1, == 2.8.*", Requirement{Name: "requests", Specifier: ">=2.8.1,==2.8.*"}, false},
		{"parenthesised", "click (>=8.0,<9.0)", Requirement{Name: "click", Specifier: ">=8.0,<9.0"}, false},
		{"extras", "requests[security, socks]>=2", Requirement{Name: "requests", Extras: []string{"security", "socks"}, Specifier: ">=2"}, false},
		{"empty extras", "requests[]", Requirement{Name: "requests", Extras: nil}, false},
		{"marker", `pytest ; extra == "test"`, Requirement{Name: "pytest", Marker: `extra == "test"`}, false},
		{"marker no space", `tomli>=2;python_version<'3.11'`, Requirement{Name: "tomli", Specifier: ">=2", Marker: `python_version<'3.11'`}, false},
		{"compound marker", `foo; (os_name == "nt" or sys_platform == 'darwin') and python_version >= "3.8"`,
			Requirement{Name: "foo", Marker: `(os_name == "nt" or sys_platform == 'darwin') and python_version >= "3.8"`}, false},
		{"in marker", `foo; "linux" in sys_platform`, Requirement{Name: "foo", Marker: `"linux" in sys_platform`}, false},
		{"not in marker", `foo; platform_machine not in "x86_64 aarch64"`, Requirement{Name: "foo", Marker: `platform_machine not in "x86_64 aarch64"`}, false},
		{"legacy variable", `foo; sys.platform == "win32"`, Requirement{Name: "foo", Marker: `sys.platform == "win32"`}, false},
		{"url", "pip @ https://github.com/pypa/pip/archive/1.3.1.zip", Requirement{Name: "pip", URL: "https://github.com/pypa/pip/archive/1.3.1.zip"}, false},
		{"url marker", `pip[x] @ https://example.com/pip.zip ; python_version < "3"`,
			Requirement{Name: "pip", Extras: []string{"x"}, URL: "https://example.com/pip.zip", Marker: `python_version < "3"`}, false},
		{"file url", "pkg @ file:///tmp/pkg.whl", Requirement{Name: "pkg", URL: "file:///tmp/pkg.whl"}, false},
		{"local version", "foo==1.0+abc", Requirement{Name: "foo", Specifier: "==1.0+abc"}, false},
		{"empty", "", Requirement{}, true},
		{"bad name", "-foo", Requirement{}, true},
		{"bad operator", "foo=>1.0", Requirement{}, true},
		{"bad version", "foo>=one", Requirement{}, true},
		{"trailing comma", "foo>=1,", Requirement{}, true},
		{"unclosed paren", "foo (>=1", Requirement{}, true},
		{"unclosed extras", "foo[bar", Requirement{}, true},
		{"bad extra", "foo[-bar]", Requirement{}, true},
		{"junk after", "foo bar", Requirement{}, true},
		{"url without host", "foo @ https:///x", Requirement{}, true},
		{"url no scheme", "foo @ example.com/x", Requirement{}, true},
		{"url marker without space", `foo @ https://x.org/a.zip; python_version<"3"`, Requirement{}, true},
		{"unknown marker variable", `foo; python_versions == "3"`, Requirement{}, true},
		{"unbalanced marker", `foo; (python_version == "3"`, Requirement{}, true},
		{"unterminated string", `foo; python_version == "3`, Requirement{}, true},
		{"missing operator", `foo; python_version "3"`, Requirement{}, true},
		{"dangling and", `foo; python_version == "3" and`, Requirement{}, true},
		{"empty marker", `foo;`, Requirement{}, true},
		{"deep nesting", "foo; " + repeat("(", 100) + `os_name == "nt"` + repeat(")", 100), Requirement{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRequirement(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseRequirement(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				if errMessage(err) == "" || errMessage(err)[:3] == "NOT" {
					t.Errorf("error %v is not a *Error", err)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseRequirement(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			again, err := ParseRequirement(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("round trip of %q via %q = %#v, %v", tt.in, got.String(), again, err)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
