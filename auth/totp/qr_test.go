package totp

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func TestQRCodeSVG(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{name: "otpauth URI", text: URI(rfcSecret, "wharf", "alice@example.com")},
		{name: "short", text: "x"},
		{name: "markup characters", text: `<script>"&'</script>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := QRCodeSVG(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			// The whole element must have the expected shape, which leaves no
			// room for scripts, links or the encoded text.
			if !shapeRE.MatchString(svg) {
				t.Errorf("SVG has an unexpected shape: %.200s", svg)
			}
			if n := strings.Count(svg, "<path"); n != 1 {
				t.Errorf("SVG has %d paths, want 1", n)
			}
			q, err := qrcode.New(tt.text, qrcode.Medium)
			if err != nil {
				t.Fatal(err)
			}
			q.DisableBorder = true
			want := q.Bitmap()
			got := pathBitmap(t, svg, len(want))
			for y := range want {
				for x := range want[y] {
					if got[y][x] != want[y][x] {
						t.Fatalf("module (%d,%d) = %v in the SVG, want %v", x, y, got[y][x], want[y][x])
					}
				}
			}
		})
	}
}

func TestQRCodeSVGTooLong(t *testing.T) {
	if _, err := QRCodeSVG(strings.Repeat("x", 5000)); err == nil {
		t.Fatal("QRCodeSVG accepted text that no QR code holds")
	}
}

var (
	shapeRE = regexp.MustCompile(`^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \d+ \d+" shape-rendering="crispEdges" aria-hidden="true">` +
		`<rect width="\d+" height="\d+" fill="#fff"/><path fill="#000" d="[Mhvz0-9 -]*"/></svg>$`)
	viewBoxRE = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	pathRE    = regexp.MustCompile(` d="([^"]*)"`)
	runRE     = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

// pathBitmap redraws the path of an SVG made by QRCodeSVG as a size×size
// bitmap without the quiet zone, failing on anything else in the path.
func pathBitmap(t *testing.T, svg string, size int) [][]bool {
	t.Helper()
	vb := viewBoxRE.FindStringSubmatch(svg)
	if vb == nil || vb[1] != vb[2] || vb[1] != strconv.Itoa(size+2*quietZone) {
		t.Fatalf("viewBox %v, want a square of %d", vb, size+2*quietZone)
	}
	m := pathRE.FindStringSubmatch(svg)
	if m == nil {
		t.Fatal("no path data")
	}
	bits := make([][]bool, size)
	for i := range bits {
		bits[i] = make([]bool, size)
	}
	d := m[1]
	for d != "" {
		r := runRE.FindStringSubmatch(d)
		if r == nil || r[3] != r[4] {
			t.Fatalf("unexpected path data at %.20q", d)
		}
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		for i := x; i < x+w; i++ {
			if bits[y-quietZone][i-quietZone] {
				t.Fatalf("module (%d,%d) drawn twice", i, y)
			}
			bits[y-quietZone][i-quietZone] = true
		}
		d = d[len(r[0]):]
	}
	return bits
}
