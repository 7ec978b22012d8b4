package wharf

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"empty", "", nil},
		{"blank", " \t\n ", nil},
		{"words", "fast  json\tparser", []string{"fast", "json", "parser"}},
		{"punctuation kept in a term", `"requests-oauthlib" name:x`, []string{`"requests-oauthlib"`, "name:x"}},
		{"terms without words dropped", `* - ( ) " AND`, []string{"AND"}},
		{"NUL splits", "wid\x00get", []string{"wid", "get"}},
		{"control characters split", "a\x1bb\u0085c", []string{"a", "b", "c"}},
		{"invalid UTF-8 splits", "a\xffb", []string{"a", "b"}},
		{"digits are words", "3.12 ×", []string{"3.12"}},
		{"other scripts", "ویجت виджет 日本語", []string{"ویجت", "виджет", "日本語"}},
		{"term count bounded", strings.Repeat("x ", 40), slices.Repeat([]string{"x"}, SearchMaxTerms)},
		{"length bounded", strings.Repeat("y", 300), []string{strings.Repeat("y", SearchMaxText)}},
		{"cut inside a character", strings.Repeat("a", SearchMaxText-1) + "é", []string{strings.Repeat("a", SearchMaxText-1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (SearchQuery{Text: tt.text}).Terms(); !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSearchValidate(t *testing.T) {
	tests := []struct {
		name  string
		q     SearchQuery
		valid bool
	}{
		{"first page", SearchQuery{Page: 1}, true},
		{"last page", SearchQuery{Page: SearchMaxPages, Order: SearchByNewest}, true},
		{"hostile text is valid", SearchQuery{Page: 1, Text: "\x00\"(*"}, true},
		{"classifiers", SearchQuery{Page: 1, Classifiers: []string{"Topic :: Internet", "License :: OSI Approved"}}, true},
		{"page 0", SearchQuery{}, false},
		{"past the last page", SearchQuery{Page: SearchMaxPages + 1}, false},
		{"unknown order", SearchQuery{Page: 1, Order: "created"}, false},
		{"too many classifiers", SearchQuery{Page: 1, Classifiers: make([]string, SearchMaxClassifiers+1)}, false},
		{"empty classifier", SearchQuery{Page: 1, Classifiers: []string{""}}, false},
		{"long classifier", SearchQuery{Page: 1, Classifiers: []string{strings.Repeat("c", SearchMaxClassifierLen+1)}}, false},
		{"invalid UTF-8 classifier", SearchQuery{Page: 1, Classifiers: []string{"Topic :: \xff"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate()
			if tt.valid != (err == nil) || (err != nil && !IsCode(err, EINVALID)) {
				t.Errorf("Validate() = %v, want valid %v", err, tt.valid)
			}
		})
	}
}

func TestSearchPages(t *testing.T) {
	for total, want := range map[int]int{0: 0, 1: 1, SearchPageSize: 1, SearchPageSize + 1: 2, SearchMaxResults: SearchMaxPages} {
		if got := (&SearchResults{Total: total}).Pages(); got != want {
			t.Errorf("Pages() of %d results = %d, want %d", total, got, want)
		}
	}
}

// FuzzSearchTerms checks the bounds every engine relies on: few, short
// terms of valid text without spaces or control characters, each with a
// word in it.
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"", "a b", `"x" NEAR(`, "a\x00b", "\xff", strings.Repeat("ab ", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms := SearchQuery{Text: text}.Terms()
		if len(terms) > SearchMaxTerms {
			t.Fatalf("%d terms", len(terms))
		}
		n := 0
		for _, term := range terms {
			n += len(term)
			if !utf8.ValidString(term) || strings.IndexFunc(term, isWordRune) < 0 ||
				strings.IndexFunc(term, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
				t.Fatalf("bad term %q", term)
			}
			if !strings.Contains(text, term) {
				t.Fatalf("term %q is not in the text", term)
			}
		}
		if n > SearchMaxText {
			t.Fatalf("terms hold %d bytes", n)
		}
	})
}
