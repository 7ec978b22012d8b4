package audit_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"wharf/audit"
)

func TestParseDetails(t *testing.T) {
	long := strings.Repeat("é", 600)
	tests := []struct {
		name string
		in   string
		want []audit.Detail
	}{
		{"empty", "", nil},
		{"null", "null", nil},
		{"empty object", "{}", []audit.Detail{}},
		{"sorted keys, strings unquoted", `{"version":"1.0","reason":"<script>"}`,
			[]audit.Detail{{"reason", "<script>"}, {"version", "1.0"}}},
		{"other values compacted", `{"n": 3, "ok": true, "none": null, "list": [1, "a"], "obj": {"b": 1}}`,
			[]audit.Detail{{"list", `[1,"a"]`}, {"n", "3"}, {"none", "null"}, {"obj", `{"b":1}`}, {"ok", "true"}}},
		{"not an object", `["a"]`, []audit.Detail{{"text", `["a"]`}}},
		{"not JSON", "plain words", []audit.Detail{{"text", "plain words"}}},
		{"invalid UTF-8", "{\"k\":\"a\xffb\"}", []audit.Detail{{"k", "a\uFFFDb"}}},
		{"long value cut", `{"k":"` + long + `"}`, []audit.Detail{{"k", strings.Repeat("é", 500) + "…"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := audit.ParseDetails(tt.in)
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("ParseDetails(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDetailsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 80 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i) + `":1`)
	}
	b.WriteString("}")
	if got := audit.ParseDetails(b.String()); len(got) != 50 {
		t.Errorf("%d details shown, want at most 50", len(got))
	}
}

// FuzzParseDetails checks that any stored details, however hostile, give
// sorted, valid UTF-8 pairs of bounded length, without a panic.
func FuzzParseDetails(f *testing.F) {
	for _, s := range []string{"", "null", "{}", `{"a":"b","c":[1,2]}`, `{"a":{"b":{"c":null}}}`, "\xff", `"str"`, `{"a":"\u0000"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := audit.ParseDetails(s)
		if len(got) > 50 {
			t.Fatalf("%d details", len(got))
		}
		for i, d := range got {
			for _, v := range []string{d.Key, d.Value} {
				if !utf8.ValidString(v) || utf8.RuneCountInString(v) > 501 {
					t.Fatalf("detail %q: invalid or unbounded", v)
				}
			}
			if i > 0 && got[i-1].Key > d.Key {
				t.Fatalf("details not sorted: %q", got)
			}
		}
	})
}
