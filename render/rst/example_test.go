package rst_test

import (
	"fmt"

	"wharf/render/rst"
)

func ExampleToHTML() {
	out, err := rst.ToHTML("Hello\n=====\n\nSee *the* docs_.\n\n.. _docs: https://example.org/\n", rst.Options{})
	fmt.Print(out, err)
	// Output:
	// <div class="section" id="hello">
	// <h2>Hello</h2>
	// <p>See <em>the</em> <a class="reference" href="https://example.org/">docs</a>.</p>
	// </div>
	// <nil>
}

func ExampleError() {
	_, err := rst.ToHTML(".. raw:: html\n\n   <script>alert(1)</script>\n", rst.Options{})
	fmt.Println(err)
	// Output:
	// line 1: "raw" directive disabled.
}
