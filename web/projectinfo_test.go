package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"wharf"
)

func TestNewSize(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want sizeView
	}{
		{0, sizeView{"B", 0, 0}},
		{999, sizeView{"B", 999, 0}},
		{1000, sizeView{"kB", 1, 0}},
		{1049, sizeView{"kB", 1, 0}},
		{1050, sizeView{"kB", 1, 1}},
		{123456, sizeView{"kB", 123, 5}},
		{999949, sizeView{"kB", 999, 9}},
		{999950, sizeView{"MB", 1, 0}}, // not 1000.0 kB
		{104857600, sizeView{"MB", 104, 9}},
		{5e12, sizeView{"GB", 5000, 0}},
	} {
		if got := newSize(tt.n); got != tt.want {
			t.Errorf("newSize(%d) = %+v, want %+v", tt.n, got, tt.want)
		}
	}
}

func TestProjectLinks(t *testing.T) {
	info := wharf.ReleaseInfo{
		ProjectURLs: []string{"Home-page, https://example.org/", "Docs, https://docs.example.org/x?y=1#z", "Bad, javascript:alert(1)",
			"No label here", ", https://example.org/empty-label", "Mail, mailto:a@example.org"},
		HomePage:    "https://example.org/other-home",
		DownloadURL: "HTTPS://EXAMPLE.ORG/dl",
	}
	want := []projectLink{
		{Label: "Home-page", URL: "https://example.org/"},
		{Label: "Docs", URL: "https://docs.example.org/x?y=1#z"},
		{URL: "https://EXAMPLE.ORG/dl", Kind: "download"},
	}
	if got := projectLinks(info); !reflect.DeepEqual(got, want) {
		t.Errorf("projectLinks =\n%+v\nwant\n%+v", got, want)
	}
}

func TestSafeLink(t *testing.T) {
	for _, tt := range []struct {
		raw string
		ok  bool
	}{
		{"https://example.org/a?b=c#d", true},
		{"http://example.org", true},
		{"HtTpS://example.org/", true},
		{"javascript:alert(1)", false},
		{"JaVaScRiPt:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{" https://example.org/", false},
		{"https://example.org/\n", false},
		{"data:text/html,<script>", false},
		{"//example.org/", false},
		{"/relative", false},
		{"https:example.org", false},
		{"https://user:pw@example.org/", false},
		{`https:\\example.org`, false},
		{"https://example.org/\u202Efdp.exe", false},
		{"ftp://example.org/", false},
		{"", false},
	} {
		if _, ok := safeLink(tt.raw); ok != tt.ok {
			t.Errorf("safeLink(%q) ok = %v, want %v", tt.raw, ok, tt.ok)
		}
	}
}

// FuzzSafeLink: whatever safeLink accepts is an absolute http or https URL
// with a host and no credentials, free of spaces and control characters,
// and a fixed point of safeLink.
func FuzzSafeLink(f *testing.F) {
	for _, s := range []string{"https://example.org/a?b=c#d", "javascript:alert(1)", "http://[::1]:80/", "https://%41.example/",
		"http://example.org/%zz", "https://exa mple.org", "HTTP://example.org", "https://example.org:99999/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := safeLink(raw)
		if !ok {
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			t.Fatalf("safeLink(%q) = %q, which is not a safe absolute URL (%v)", raw, got, err)
		}
		if strings.IndexFunc(got, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
			t.Fatalf("safeLink(%q) = %q has spaces, control or format characters", raw, got)
		}
		if again, ok := safeLink(got); !ok || again != got {
			t.Fatalf("safeLink(%q) = %q, but safeLink(%q) = %q, %v", raw, got, got, again, ok)
		}
	})
}

func TestGroupClassifiers(t *testing.T) {
	got := groupClassifiers([]string{"Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License",
		"Programming Language :: Python :: 3.12", "Typing :: Typed", "Odd"})
	want := []classifierGroup{
		{"License", []string{"OSI Approved :: MIT License"}},
		{"Odd", []string{"Odd"}},
		{"Programming Language", []string{"Python :: 3", "Python :: 3.12"}},
		{"Typing", []string{"Typed"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groupClassifiers =\n%+v\nwant\n%+v", got, want)
	}
}

func TestLicenseSummary(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"MIT", "MIT"},
		{"  BSD-3-Clause \n", "BSD-3-Clause"},
		{"MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted…", "MIT License…"},
		{strings.Repeat("é", 150), strings.Repeat("é", 100) + "…"},
		{"", ""},
	} {
		if got := licenseSummary(tt.in); got != tt.want {
			t.Errorf("licenseSummary(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
