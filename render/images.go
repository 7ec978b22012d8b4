package render

import (
	"io"
	"strings"

	"golang.org/x/net/html"
)

// RewriteImages returns an already sanitised fragment (a Result's HTML)
// with every image URL, in img src and in img and source srcset, replaced
// by rewrite's answer, so that the web layer can send images through a
// signing proxy at serve time. Everything else is copied byte for byte.
// rewrite's results are escaped, and trusted to be safe URLs.
func RewriteImages(fragment string, rewrite func(src string) string) (string, error) {
	var out strings.Builder
	out.Grow(len(fragment))
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); err != io.EOF {
				return "", err
			}
			return out.String(), nil
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		if tok.Data != "img" && tok.Data != "source" {
			out.Write(raw)
			continue
		}
		for i, a := range tok.Attr {
			switch {
			case a.Key == "src" && tok.Data == "img":
				tok.Attr[i].Val = rewrite(a.Val)
			case a.Key == "srcset":
				tok.Attr[i].Val = rewriteSrcset(a.Val, rewrite)
			}
		}
		out.WriteString(tok.String())
	}
}

// rewriteSrcset rewrites each URL of a srcset value as the cleaner wrote it
// ("URL [descriptor], URL [descriptor]").
func rewriteSrcset(v string, rewrite func(string) string) string {
	cands := strings.Split(v, ", ")
	for i, c := range cands {
		u, desc, found := strings.Cut(strings.TrimSpace(c), " ")
		cands[i] = rewrite(u)
		if found {
			cands[i] += " " + desc
		}
	}
	return strings.Join(cands, ", ")
}
