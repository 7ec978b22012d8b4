package web

import (
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name   string
		accept string // "" sends no Accept header
		format string // the ?format= value, unescaped
		want   string
	}{
		{name: "no Accept", want: typeHTML},
		{name: "anything", accept: "*/*", want: typeHTML},
		{name: "browser", accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", want: typeHTML},
		{name: "pip", accept: "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", want: typeJSONv1},
		{name: "latest json", accept: "application/vnd.pypi.simple.latest+json", want: typeJSONv1},
		{name: "latest html", accept: "application/vnd.pypi.simple.latest+html", want: typeHTMLv1},
		{name: "v1 html", accept: "application/vnd.pypi.simple.v1+html", want: typeHTMLv1},
		{name: "json preferred by q", accept: "text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.6", want: typeJSONv1},
		{name: "html preferred by q", accept: "text/html;q=0.7, application/vnd.pypi.simple.v1+json;q=0.6", want: typeHTML},
		{name: "q=0 excludes", accept: "application/vnd.pypi.simple.v1+json;q=0, */*", want: typeHTML},
		{name: "q=0 excludes html", accept: "text/html;q=0, application/vnd.pypi.simple.v1+json;q=0.1", want: typeJSONv1},
		{name: "specific q=0 beats wildcard", accept: "*/*;q=1, text/html;q=0, application/vnd.pypi.simple.v1+html;q=0", want: typeHTMLv1}, // latest+html, served as v1
		{name: "everything excluded", accept: "*/*;q=0", want: typeHTML},
		{name: "unknown only", accept: "application/json", want: typeHTML},
		{name: "unknown types", accept: "image/png, application/xml;q=0.9", want: typeHTML},
		{name: "type wildcard", accept: "application/*", want: typeHTMLv1},
		{name: "case-insensitive", accept: "Application/VND.PyPI.Simple.V1+JSON", want: typeJSONv1},
		{name: "Q upper case", accept: "text/html;Q=0.1, application/vnd.pypi.simple.v1+json;Q=0.2", want: typeJSONv1},
		{name: "spaces", accept: "  application/vnd.pypi.simple.v1+json ; q = 0.9 ,text/html;q=0.1", want: typeJSONv1},
		{name: "other parameters", accept: "text/html;charset=utf-8;q=0.1, application/vnd.pypi.simple.v1+json;level=1;q=0.2", want: typeJSONv1},
		{name: "malformed q", accept: "application/vnd.pypi.simple.v1+json;q=high, text/html;q=0.1", want: typeHTML},
		{name: "q above 1", accept: "application/vnd.pypi.simple.v1+json;q=5, text/html;q=0.1", want: typeHTML},
		{name: "negative q", accept: "application/vnd.pypi.simple.v1+json;q=-1", want: typeHTML},
		{name: "NaN q", accept: "application/vnd.pypi.simple.v1+json;q=NaN", want: typeHTML},
		{name: "empty q", accept: "application/vnd.pypi.simple.v1+json;q=", want: typeHTML},
		{name: "garbage", accept: ",;,;=;q", want: typeHTML},
		{name: "format overrides Accept", accept: "text/html", format: typeJSONv1, want: typeJSONv1},
		{name: "format html over pip", accept: "application/vnd.pypi.simple.v1+json", format: typeHTML, want: typeHTML},
		{name: "format latest", format: typeJSONlast, want: typeJSONv1},
		{name: "format with + as space", format: "application/vnd.pypi.simple.v1 json", want: typeJSONv1},
		{name: "unknown format ignored", accept: "application/vnd.pypi.simple.v1+json", format: "application/json", want: typeJSONv1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/simple/x/"
			if tt.format != "" {
				target += "?format=" + url.QueryEscape(tt.format)
			}
			r := httptest.NewRequest("GET", target, nil)
			if tt.accept != "" {
				r.Header.Set("Accept", tt.accept)
			}
			if got := negotiate(r); got != tt.want {
				t.Errorf("negotiate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAcceptQ(t *testing.T) {
	tests := []struct {
		name, accept, media string
		want                float64
	}{
		{"exact", "text/html", typeHTML, 1},
		{"exact with q", "text/html;q=0.3", typeHTML, 0.3},
		{"type wildcard", "text/*;q=0.4", typeHTML, 0.4},
		{"full wildcard", "*/*;q=0.2", typeHTML, 0.2},
		{"exact beats wildcard", "*/*;q=0.9, text/html;q=0.1", typeHTML, 0.1},
		{"type beats full wildcard", "*/*;q=0.9, text/*;q=0.2", typeHTML, 0.2},
		{"best of equals", "text/html;q=0.2, text/html;q=0.6", typeHTML, 0.6},
		{"no match", "application/json", typeHTML, 0},
		{"other subtype", "text/plain", typeHTML, 0},
		{"malformed q", "text/html;q=x", typeHTML, 0},
		{"three decimals", "text/html;q=0.125", typeHTML, 0.125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acceptQ(tt.accept, tt.media); got != tt.want {
				t.Errorf("acceptQ(%q, %q) = %v, want %v", tt.accept, tt.media, got, tt.want)
			}
		})
	}
}

// FuzzAcceptQ checks that no Accept header makes acceptQ panic or leave
// [0, 1], and that negotiate always answers with a type it serves.
func FuzzAcceptQ(f *testing.F) {
	for _, s := range []string{
		"", "*/*", "text/html", "text/html;q=0.5", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01",
		"text/html;q=1e9", "text/html;q=-0", "text/html;q=NaN", "text/html;q=0x1p-2", ";;;,,,", "text/html;q", "*/*;q=0;q=1",
	} {
		f.Add(s)
	}
	served := map[string]bool{typeHTML: true, typeHTMLv1: true, typeJSONv1: true}
	f.Fuzz(func(t *testing.T, accept string) {
		for _, media := range offers {
			q := acceptQ(accept, media)
			if math.IsNaN(q) || q < 0 || q > 1 {
				t.Fatalf("acceptQ(%q, %q) = %v", accept, media, q)
			}
		}
		r := httptest.NewRequest("GET", "/simple/", nil)
		r.Header.Set("Accept", accept)
		if got := negotiate(r); !served[got] {
			t.Fatalf("negotiate with Accept %q = %q", accept, got)
		}
	})
}

func TestAcceptMemoAgreesAndIsBounded(t *testing.T) {
	m := &acceptMemo{}
	headers := []string{"", "*/*", "text/html", typeJSONv1,
		"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"}
	for round := 0; round < 2; round++ {
		for _, h := range headers {
			if got, want := m.accept(h), negotiateParse(h); h != "" && got != want {
				t.Errorf("round %d: memo says %q for %q, parsing says %q", round, got, h, want)
			}
		}
	}
	for i := 0; i < 3*maxAcceptMemo; i++ {
		m.accept(fmt.Sprintf("application/x-%d", i))
	}
	if n := m.n.Load(); n > maxAcceptMemo {
		t.Errorf("memo holds %d headers, want at most %d", n, maxAcceptMemo)
	}
}
