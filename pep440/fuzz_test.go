package pep440

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range sortedVersions {
		f.Add(s)
	}
	for _, s := range []string{"v1.0-1", " 1.0.0-RC1 ", "1!2.3a4.post5.dev6+abc-7", "1.0a.post", "1.0-dev-2", "1.0+", "foo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		norm := v.String()
		w, err := Parse(norm)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q does not parse: %v", s, norm, err)
		}
		if w.String() != norm || Compare(v, w) != 0 || v.SortKey() != w.SortKey() {
			t.Fatalf("round trip of %q: %q then %q", s, norm, w)
		}
		c, err := Parse(v.Canonical())
		if err != nil || Compare(c, v) != 0 || c.Canonical() != v.Canonical() {
			t.Fatalf("canonical %q of %q does not round trip: %v", v.Canonical(), s, err)
		}
		for _, o := range sortedVersions {
			ov := MustParse(o)
			if sign(strings.Compare(v.SortKey(), ov.SortKey())) != Compare(v, ov) {
				t.Fatalf("key order of %q and %q disagrees with Compare", norm, o)
			}
		}
	})
}

func FuzzParseSpecifierSet(f *testing.F) {
	for _, s := range []string{"", ">=1.0,<2", "~=1.4.2", "==1.*", "!=1.0+local", "===foo", " , >= 1 ,", "==1.0.*,~=2.2.post3"} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, s, version string) {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			return
		}
		again, err := ParseSpecifierSet(set.String())
		if err != nil || again.String() != set.String() {
			t.Fatalf("round trip of %q: %q then %q, %v", s, set, again, err)
		}
		if v, err := Parse(version); err == nil {
			for _, pre := range []bool{false, true} {
				if set.Contains(v, pre) != again.Contains(v, pre) {
					t.Fatalf("%q and its round trip %q disagree on %q", s, set, v)
				}
			}
		}
	})
}
