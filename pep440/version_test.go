package pep440

import (
	"errors"
	"strings"
	"testing"
)

func TestParseNormalizes(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "1.0", "1.0"},
		{"single", "1", "1"},
		{"long release", "1.2.3.4.5", "1.2.3.4.5"},
		{"leading zeros", "01.002.0003", "1.2.3"},
		{"zero", "0", "0"},
		{"whitespace", "  1.0\t\n", "1.0"},
		{"python whitespace", "\x1c1.0\x1f", "1.0"},
		{"v prefix", "v1.0", "1.0"},
		{"V prefix", "V1.0", "1.0"},
		{"epoch", "1!1.0", "1!1.0"},
		{"zero epoch dropped", "0!1.0", "1.0"},
		{"epoch leading zeros", "007!1.0", "7!1.0"},
		{"v and epoch", "v2!1.0", "2!1.0"},
		{"alpha", "1.0a1", "1.0a1"},
		{"alpha spelled", "1.0alpha1", "1.0a1"},
		{"beta spelled", "1.0beta2", "1.0b2"},
		{"c is rc", "1.0c1", "1.0rc1"},
		{"pre is rc", "1.0pre1", "1.0rc1"},
		{"preview is rc", "1.0preview1", "1.0rc1"},
		{"upper RC with dash", "1.0.0-RC1", "1.0.0rc1"},
		{"pre separators", "1.0-a.1", "1.0a1"},
		{"pre underscore", "1.0_b_3", "1.0b3"},
		{"pre dot", "1.0.rc.2", "1.0rc2"},
		{"implicit pre number", "1.0a", "1.0a0"},
		{"implicit pre number before post", "1.0a.post", "1.0a0.post0"},
		{"separator after label", "1.0A-", "1.0a0"},
		{"separators after labels", "1.0c_rev.dev.", "1.0rc0.post0.dev0"},
		{"label separator then implicit post", "1.0a--1", "1.0a0.post1"},
		{"post", "1.0.post1", "1.0.post1"},
		{"post no dot", "1.0post1", "1.0.post1"},
		{"rev", "1.0rev2", "1.0.post2"},
		{"r", "1.0-r3", "1.0.post3"},
		{"implicit post", "1.0-1", "1.0.post1"},
		{"implicit post with v", "v1.0-1", "1.0.post1"},
		{"implicit post number", "1.0.post", "1.0.post0"},
		{"post separators", "1.0_post_4", "1.0.post4"},
		{"dev", "1.0.dev1", "1.0.dev1"},
		{"dev no dot", "1.0dev", "1.0.dev0"},
		{"dev dash", "1.0-dev-2", "1.0.dev2"},
		{"all segments", "1!2.3a4.post5.dev6+abc.7", "1!2.3a4.post5.dev6" + "+abc.7"},
		{"pre post dev", "1.0RC1-1.DEV2", "1.0rc1.post1.dev2"},
		{"local", "1.0+ubuntu-1", "1.0+ubuntu.1"},
		{"local underscore", "1.0+Ubuntu_1.2", "1.0+ubuntu.1.2"},
		{"local leading zeros", "1.0+001.abc", "1.0+1.abc"},
		{"local mixed part", "1.0+01a", "1.0+01a"},
		{"huge numbers", "123456789012345678901234567890.1", "123456789012345678901234567890.1"},
		{"uppercase everything", "V1.0A1.POST2.DEV3+ABC", "1.0a1.post2.dev3+abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"blank", "   "},
		{"word", "foo"},
		{"v alone", "v"},
		{"trailing dot", "1."},
		{"leading dot", ".1"},
		{"double dot", "1..0"},
		{"empty epoch release", "1!"},
		{"epoch without number", "!1.0"},
		{"v after epoch", "1!v1.0"},
		{"wildcard", "1.0.*"},
		{"unknown label", "1.0x1"},
		{"dangling separator", "1.0-"},
		{"separator after post", "1.0-1-"},
		{"double post", "1.0.post1.post2"},
		{"dev before pre", "1.0.dev1a1"},
		{"empty local", "1.0+"},
		{"local dangling separator", "1.0+abc."},
		{"local bad character", "1.0+ab!c"},
		{"inner space", "1 .0"},
		{"non-ascii digit", "١.0"},
		{"two versions", "1.0 2.0"},
		{"too long", strings.Repeat("1", MaxLength+1)},
		{"legacy", "1.0-beta-2-3-4"},
		{"dev twice", "1.0.dev1.dev2"},
		{"local twice", "1.0+a+b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want error", tt.in, v)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%q) error %v does not match ErrInvalid", tt.in, err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.What != "version" {
				t.Errorf("Parse(%q) error %#v is not a version *SyntaxError", tt.in, err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse("foo")
	if got, want := err.Error(), `invalid version "foo"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Parse(strings.Repeat("x", 1000))
	if got := err.Error(); len(got) > 120 || !strings.Contains(got, "too long") {
		t.Errorf("Error() for long input = %q, want a short message saying too long", got)
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"trailing zeros", []string{"1", "1.0", "1.0.0", "v1.00.000"}, "1"},
		{"zero", []string{"0", "0.0", "0.0.0"}, "0"},
		{"inner zero kept", []string{"1.0.1", "1.00.1.0"}, "1.0.1"},
		{"ten", []string{"10", "10.0"}, "10"},
		{"pre", []string{"1.0a1", "1.0.0a1", "1.0.0-alpha.1"}, "1a1"},
		{"post and dev", []string{"1.0.post1.dev2", "1-1dev2"}, "1.post1.dev2"},
		{"epoch", []string{"2!1.0", "2!1"}, "2!1"},
		{"local", []string{"1.0+ABC-01", "1+abc.1"}, "1+abc.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, in := range tt.in {
				v := MustParse(in)
				if got := v.Canonical(); got != tt.want {
					t.Errorf("Canonical(%q) = %q, want %q", in, got, tt.want)
				}
				if Compare(v, MustParse(tt.in[0])) != 0 {
					t.Errorf("Compare(%q, %q) != 0", in, tt.in[0])
				}
				if v.SortKey() != MustParse(tt.in[0]).SortKey() {
					t.Errorf("SortKey(%q) != SortKey(%q)", in, tt.in[0])
				}
			}
		})
	}
}

func TestPredicates(t *testing.T) {
	tests := []struct {
		in                    string
		public, base          string
		local, pre, dev, post bool
	}{
		{"1.0", "1.0", "1.0", false, false, false, false},
		{"1.0a1", "1.0a1", "1.0", false, true, false, false},
		{"1.0.dev1", "1.0.dev1", "1.0", false, true, true, false},
		{"1.0rc1.dev1", "1.0rc1.dev1", "1.0", false, true, true, false},
		{"1.0.post1", "1.0.post1", "1.0", false, false, false, true},
		{"1.0.post1.dev1", "1.0.post1.dev1", "1.0", false, true, true, true},
		{"2!1.0+abc.5", "2!1.0", "2!1.0", true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v := MustParse(tt.in)
			if got := v.Public(); got != tt.public {
				t.Errorf("Public() = %q, want %q", got, tt.public)
			}
			if got := v.BaseVersion(); got != tt.base {
				t.Errorf("BaseVersion() = %q, want %q", got, tt.base)
			}
			if v.HasLocal() != tt.local || v.IsPrerelease() != tt.pre || v.IsDevrelease() != tt.dev || v.IsPostrelease() != tt.post {
				t.Errorf("HasLocal, IsPrerelease, IsDevrelease, IsPostrelease = %v %v %v %v, want %v %v %v %v",
					v.HasLocal(), v.IsPrerelease(), v.IsDevrelease(), v.IsPostrelease(), tt.local, tt.pre, tt.dev, tt.post)
			}
		})
	}
}

func TestZeroVersion(t *testing.T) {
	var z Version
	if z.String() != "0" || Compare(z, MustParse("0.0")) != 0 || z.SortKey() != MustParse("0").SortKey() {
		t.Errorf("zero Version = %q, key %q; want it to equal 0", z, z.SortKey())
	}
}
