package pep440

import (
	"errors"
	"testing"
)

func TestParseSpecifierSet(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"blank items", " , ,, ", ""},
		{"single", ">=1.0", ">=1.0"},
		{"spaces", "  >=  1.0 ,  < 2 ", "<2,>=1.0"},
		{"sorted", "~=1.4.2,!=1.4.5,<2", "!=1.4.5,<2,~=1.4.2"},
		{"spelling kept", "==1.0.0-RC1", "==1.0.0-RC1"},
		{"wildcard", "==1.*,!=1.3.*", "!=1.3.*,==1.*"},
		{"wildcard with epoch and v", "==v1!2.*", "==v1!2.*"},
		{"local with ==", "==1.0+local.1", "==1.0+local.1"},
		{"local with !=", "!=1.0+Local", "!=1.0+Local"},
		{"arbitrary", "===foobar", "===foobar"},
		{"arbitrary empty", "===", "==="},
		{"duplicates by canonical form", ">=1.0,>=1.0.0", ">=1.0"},
		{"compatible keeps trailing zero", "~=1.0,~=1.0.0", "~=1.0,~=1.0.0"},
		{"all operators", "<1,>1,<=1,>=1,==1,!=1,~=1.0,===1", "!=1,<1,<=1,==1,===1,>1,>=1,~=1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSpecifierSet(tt.in)
			if err != nil {
				t.Fatalf("ParseSpecifierSet(%q): %v", tt.in, err)
			}
			if got := s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			again, err := ParseSpecifierSet(s.String())
			if err != nil || again.String() != s.String() {
				t.Errorf("round trip of %q gave %q, %v", s, again, err)
			}
		})
	}
}

func TestParseSpecifierSetRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"no operator", "1.0"},
		{"bad operator", "=>1.0"},
		{"tilde alone", "~1.0"},
		{"compatible one component", "~=1"},
		{"compatible wildcard", "~=1.0.*"},
		{"compatible local", "~=1.0+local"},
		{"ordered wildcard", ">=1.*"},
		{"less wildcard", "<1.0.*"},
		{"ordered local", ">=1.0+local"},
		{"less local", "<1.0+local"},
		{"wildcard local", "==1.0+local.*"},
		{"wildcard pre", "==1.0a1.*"},
		{"wildcard post", "!=1.0.post1.*"},
		{"double wildcard", "==1.*.*"},
		{"bare wildcard", "==*"},
		{"space inside", "==1.0 .*"},
		{"bad version", ">=foo"},
		{"missing version", ">="},
		{"arbitrary with space", "===a b"},
		{"arbitrary with paren", "===a)"},
		{"one bad among good", ">=1.0,foo,<2"},
		{"semicolon", ">=1.0;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSpecifierSet(tt.in)
			if err == nil {
				t.Fatalf("ParseSpecifierSet(%q) = %q, want error", tt.in, s)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
		})
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		name, spec, version string
		pre, want           bool
	}{
		{"empty set", "", "1.0", false, true},
		{"empty set pre excluded", "", "1.0a1", false, false},
		{"empty set pre allowed", "", "1.0a1", true, true},
		{"ge", ">=1.0", "1.0", false, true},
		{"ge below", ">=1.0", "0.9", false, false},
		{"ge ignores local", ">=1.0", "1.0+local", false, true},
		{"le ignores local", "<=1.0", "1.0+local", false, true},
		{"eq trailing zeros", "==1.0", "1.0.0", false, true},
		{"eq ignores candidate local", "==1.0", "1.0+local", false, true},
		{"eq with local", "==1.0+local", "1.0+local", false, true},
		{"eq with other local", "==1.0+local", "1.0+other", false, false},
		{"eq with local needs local", "==1.0+local", "1.0", false, false},
		{"ne", "!=1.0", "1.0.0", false, false},
		{"ne other", "!=1.0", "1.1", false, true},
		{"prefix", "==1.4.*", "1.4.5", false, true},
		{"prefix exact", "==1.4.*", "1.4", false, true},
		{"prefix padded", "==1.0.*", "1", false, true},
		{"prefix miss", "==1.4.*", "1.5", false, false},
		{"prefix not numeric prefix", "==1.1.*", "1.10", false, false},
		{"prefix post", "==1.4.*", "1.4.post1", false, true},
		{"prefix pre", "==1.4.*", "1.4a1", true, true},
		{"prefix local", "==1.4.*", "1.4.2+local", false, true},
		{"prefix epoch", "==1.*", "1!1.0", false, false},
		{"prefix with epoch", "==1!1.*", "1!1.2", false, true},
		{"not prefix", "!=1.4.*", "1.4.5", false, false},
		{"not prefix other", "!=1.4.*", "1.5", false, true},
		{"compatible", "~=1.4.2", "1.4.5", false, true},
		{"compatible below", "~=1.4.2", "1.4.1", false, false},
		{"compatible next minor", "~=1.4.2", "1.5", false, false},
		{"compatible two parts", "~=1.4", "1.9", false, true},
		{"compatible two parts major", "~=1.4", "2.0", false, false},
		{"compatible pre spec", "~=1.4.5a4", "1.4.5", false, true},
		{"compatible post spec", "~=2.2.post3", "2.3", false, true},
		{"compatible post spec next", "~=2.2.post3", "3.0", false, false},
		{"compatible epoch", "~=1!1.2", "1!1.3", false, true},
		{"compatible epoch other", "~=1!1.2", "1.3", false, false},
		{"less", "<3.1", "3.0", false, true},
		{"less excludes its dev", "<3.1", "3.1.dev0", true, false},
		{"less allows older dev", "<3.1", "3.0.dev0", true, true},
		{"less excludes its pre", "<3.1", "3.1a1", true, false},
		{"less pre spec allows pre", "<3.1a2", "3.1a1", true, true},
		{"less trailing zero", "<3.1.0", "3.1rc1", true, false},
		{"less equal", "<3.1", "3.1", false, false},
		{"less local", "<3.1", "3.1+local", false, false},
		{"greater", ">3.1", "3.2", false, true},
		{"greater excludes its post", ">3.1", "3.1.post0", false, false},
		{"greater allows later post", ">3.1", "3.2.post0", false, true},
		{"greater post spec", ">3.1.post1", "3.1.post2", false, true},
		{"greater excludes its local", ">3.1", "3.1+local", false, false},
		{"greater excludes post local", ">3.1.post1", "3.1.post1+local", false, false},
		{"greater pre", ">3.1", "3.2a1", true, true},
		{"greater pre excluded", ">3.1", "3.2a1", false, false},
		{"arbitrary", "===1.0", "1.0", false, true},
		{"arbitrary case", "===1.0RC1", "1.0rc1", true, true},
		{"arbitrary is textual", "===1.0", "1.0.0", false, false},
		{"arbitrary local", "===1.0+local", "1.0+local", false, true},
		{"set all", ">=1.0,<2.0,!=1.5.*", "1.4", false, true},
		{"set one fails", ">=1.0,<2.0,!=1.5.*", "1.5.1", false, false},
		{"huge numbers", ">99999999999999999999", "100000000000000000000", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSpecifierSet(tt.spec)
			if err != nil {
				t.Fatalf("ParseSpecifierSet(%q): %v", tt.spec, err)
			}
			if got := s.Contains(MustParse(tt.version), tt.pre); got != tt.want {
				t.Errorf("%q.Contains(%q, %v) = %v, want %v", tt.spec, tt.version, tt.pre, got, tt.want)
			}
		})
	}
}

func TestPrereleases(t *testing.T) {
	tests := []struct {
		spec string
		want bool
	}{
		{"", false},
		{">=1.0", false},
		{">=1.0a1", true},
		{"<=1.0.dev1", true},
		{"==1.0rc1", true},
		{"~=1.0b1", true},
		{"===1.0a1", true},
		{"!=1.0a1", false},
		{"<1.0a1", false},
		{">1.0a1", false},
		{"==1.*", false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := ParseSpecifierSet(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Prereleases(); got != tt.want {
				t.Errorf("Prereleases() = %v, want %v", got, tt.want)
			}
		})
	}
}
