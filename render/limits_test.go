package render

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestNestedQuotesLinear checks that deeply nested block quotes, which take
// readme_renderer 13 s for 20 KB, render quickly and in full.
func TestNestedQuotesLinear(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
	}{
		{"20KB one line", strings.Repeat(">", 20<<10) + " a\n"},
		{"200KB one line", strings.Repeat(">", 200<<10) + " a\n"},
		{"200KB spaced", strings.Repeat("> ", 100<<10) + "a\n"},
		{"20KB then lazy lines", strings.Repeat(">", 20<<10) + " a\n" + strings.Repeat("b\n", 90<<10)},
		{"200KB of lines", strings.Repeat(strings.Repeat(">", 200)+" a\n", 1000)},
		{"nested lists", strings.Repeat("- ", 50<<10) + "a\n" + strings.Repeat("b\n", 50<<10)},
		{"nested numbers", strings.Repeat("1. ", 50<<10) + "a\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Render("text/markdown", tc.src, Options{})
			// The bound is loose so a busy CI machine passes; readme_renderer
			// takes 13 s on the first case, and quadratic work would take minutes.
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if !strings.Contains(res.HTML, "a") {
				t.Errorf("the text was lost: %.200q", res.HTML)
			}
			if d := maxDepth(t, res.HTML); d > 2*DefaultMaxDepth+8 {
				t.Errorf("output nests %d deep", d)
			}
		})
	}
}

// TestPathological checks that inputs known to make Markdown parsers slow
// or their output huge either render or fail with ErrTooComplex, within the
// time bound.
func TestPathological(t *testing.T) {
	table := "|" + strings.Repeat("a|", 5000) + "\n|" + strings.Repeat("-|", 5000) + "\n" + strings.Repeat("|\n", 5000)
	var indented strings.Builder
	for i := 0; i < 600; i++ {
		indented.WriteString(strings.Repeat("  ", i) + "- a\n")
	}
	indented.WriteString(strings.Repeat("b\n", 100000))
	for _, tc := range []struct {
		name, typ, src string
	}{
		{"open links", "text/markdown", strings.Repeat("[a](", 50000)},
		{"brackets", "text/markdown", strings.Repeat("[", 100000) + "a" + strings.Repeat("]", 100000)},
		{"emphasis", "text/markdown", strings.Repeat("*a **a ", 50000)},
		{"deep emphasis", "text/markdown", strings.Repeat("*", 100000) + "a" + strings.Repeat("*", 100000)},
		{"wide table", "text/markdown", table},
		{"reference definitions", "text/markdown", strings.Repeat("[a]: b\n", 50000) + strings.Repeat("[a] ", 50000)},
		{"indented lists", "text/markdown", indented.String()},
		{"backticks", "text/markdown", strings.Repeat("`a``", 50000)},
		{"html nesting", "text/markdown", strings.Repeat("<div>", 200000)},
		{"plain nesting", "text/plain", strings.Repeat("<div>", 200000)},
		{"strikethrough", "text/markdown", strings.Repeat("~~a ", 100000)},
		{"huge code", "text/markdown", "```python\n" + strings.Repeat("x = [1, 'a', {2: 3}]\n", 40000) + "```\n"},
		{"many code blocks", "text/markdown", strings.Repeat("```go\nfunc f() { return }\n```\n", 20000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Render(tc.typ, tc.src, Options{Timeout: 500 * time.Millisecond})
			d := time.Since(start)
			t.Logf("%d bytes in, %d out, %v, err %v", len(tc.src), len(res.HTML), d, err)
			// A 500 ms deadline; the slack is for a busy CI machine.
			if d > 4*time.Second {
				t.Errorf("took %v", d)
			}
			if err != nil && !errors.Is(err, ErrTooComplex) {
				t.Errorf("error %v, want nil or ErrTooComplex", err)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	_, err := Render("text/plain", strings.Repeat("a", 11), Options{MaxSize: 10})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want *Error with ErrTooLarge", err)
	}
}
