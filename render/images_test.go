package render

import (
	"net/url"
	"testing"
)

func TestRewriteImages(t *testing.T) {
	proxy := func(src string) string { return "https://proxy.example/i?u=" + url.QueryEscape(src) }
	for _, tc := range []struct{ name, in, want string }{
		{"img", `<p><img src="https://a.example/x.png" alt="x"></p>`,
			`<p><img src="https://proxy.example/i?u=https%3A%2F%2Fa.example%2Fx.png" alt="x"></p>`},
		{"srcset", `<picture><source srcset="https://a.example/d.png 1x, https://a.example/d2.png 2x"></picture>`,
			`<picture><source srcset="https://proxy.example/i?u=https%3A%2F%2Fa.example%2Fd.png 1x, https://proxy.example/i?u=https%3A%2F%2Fa.example%2Fd2.png 2x"></picture>`},
		{"untouched", `<a href="https://a.example/x.png" rel="nofollow ugc">&lt;x&gt; &#34;</a>`,
			`<a href="https://a.example/x.png" rel="nofollow ugc">&lt;x&gt; &#34;</a>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RewriteImages(tc.in, proxy)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v\nwant %q", got, err, tc.want)
			}
		})
	}
}

func TestRenderedImagesRewrite(t *testing.T) {
	res, err := Render("text/markdown", "![logo](https://a.example/l.png)", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := RewriteImages(res.HTML, func(string) string { return `https://p.example/"><script>` })
	if err != nil {
		t.Fatal(err)
	}
	want := "<p><img src=\"https://p.example/&#34;&gt;&lt;script&gt;\" alt=\"logo\"></p>\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
