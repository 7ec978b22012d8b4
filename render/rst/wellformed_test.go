package rst_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"wharf/render/rst"
)

// allowedTags lists the elements ToHTML emits, and for each the attributes
// it may carry; the sanitizer in package render is configured to match.
var allowedTags = map[string][]string{
	"a": {"class", "href"}, "abbr": {"title"}, "blockquote": nil, "br": nil,
	"caption": nil, "cite": nil, "code": nil, "dd": nil, "div": {"class", "id"},
	"dl": {"class"}, "dt": {"class", "id"}, "em": nil, "h2": nil, "h3": nil,
	"h4": nil, "h5": nil, "h6": nil, "hr": nil, "img": {"src", "alt", "width", "height", "class"},
	"li": nil, "ol": {"class", "start"}, "p": {"class"}, "pre": {"class"},
	"span": {"class", "id"}, "strong": nil, "sub": nil, "sup": nil,
	"table": {"class"}, "tbody": nil, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
	"thead": nil, "tr": nil, "ul": nil,
}

// checkWellFormed fails unless s is a balanced fragment of allowed tags,
// attributes and classes, with ids of [a-z0-9-].
func checkWellFormed(t testing.TB, s string) {
	t.Helper()
	if err := wellFormed(s); err != nil {
		t.Fatalf("%v in output:\n%s", err, s)
	}
}

func wellFormed(s string) error {
	classes := rst.Classes()
	z := html.NewTokenizer(strings.NewReader(s))
	var stack []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				return z.Err()
			}
			if len(stack) > 0 {
				return errors.New("unclosed <" + strings.Join(stack, "> <") + ">")
			}
			return nil
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs, ok := allowedTags[tok.Data]
			if !ok {
				return errors.New("unexpected tag <" + tok.Data + ">")
			}
			for _, a := range tok.Attr {
				if !slices.Contains(attrs, a.Key) {
					return errors.New("unexpected attribute " + a.Key + " on <" + tok.Data + ">")
				}
				switch a.Key {
				case "class":
					for _, c := range strings.Fields(a.Val) {
						if !slices.Contains(classes, c) {
							return errors.New("class " + c + " not in Classes()")
						}
					}
				case "id":
					if a.Val == "" || strings.Trim(a.Val, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
						return errors.New("bad id " + a.Val)
					}
				}
			}
			if tt == html.StartTagToken && tok.Data != "img" && tok.Data != "hr" && tok.Data != "br" {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				return errors.New("unbalanced </" + tok.Data + ">")
			}
			stack = stack[:len(stack)-1]
		}
	}
}
