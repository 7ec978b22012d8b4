package rst_test

import (
	"fmt"
	"strings"
	"testing"

	"wharf/render/rst"
)

// bigReadme builds a README-like document of about n bytes with sections,
// lists, code, tables and links, all names unique.
func bigReadme(n int) string {
	var b strings.Builder
	b.WriteString("Project\n=======\n\n")
	for k := 0; b.Len() < n; k++ {
		fmt.Fprintf(&b, "Part %d\n-------------\n\n", k)
		fmt.Fprintf(&b, "Some *text* with **strong** words, ``code`` and a `link %d <https://example.org/%d>`_.\n\n", k, k)
		b.WriteString("- one\n- two with https://example.com/x\n\n  1. nested\n  2. list\n\n")
		b.WriteString(".. code-block:: python\n\n   def f(x):\n       return x * 2\n\n")
		b.WriteString("=====  =====\nA      B\n=====  =====\n1      2\n=====  =====\n\n")
		b.WriteString("+---+---+\n| a | b |\n+---+---+\n\n")
	}
	return b.String()
}

func BenchmarkToHTML(b *testing.B) {
	src := bigReadme(1 << 20)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := rst.ToHTML(src, rst.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
