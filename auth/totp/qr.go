package totp

import (
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// quietZone is the number of light modules around a QR code that scanners
// need to find it.
const quietZone = 4

// QRCodeSVG returns text as a QR code in a self-contained SVG element, meant
// to be placed inline in a page. Error correction is at level M (15%), which
// is what phone cameras handle well on a screen.
//
// The dark modules form one path of unit squares joined into horizontal
// runs, on a white background that includes the quiet zone, so the code
// scans on dark page themes too. The image has a viewBox but no size, so the
// page's style decides how large it is drawn; shape-rendering="crispEdges"
// keeps module edges sharp when scaled. The SVG holds no script, link, text
// or title, and is aria-hidden: the page around it gives the accessible name.
func QRCodeSVG(text string) (string, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", err
	}
	q.DisableBorder = true
	return renderSVG(q.Bitmap()), nil
}

// renderSVG draws a square bitmap (true for dark) as the SVG QRCodeSVG
// describes.
func renderSVG(bits [][]bool) string {
	size := len(bits) + 2*quietZone
	n := strconv.Itoa(size)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n +
		`" shape-rendering="crispEdges" aria-hidden="true"><rect width="` + n + `" height="` + n +
		`" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			w := strconv.Itoa(x - start)
			b.WriteString("M" + strconv.Itoa(start+quietZone) + " " + strconv.Itoa(y+quietZone) +
				"h" + w + "v1h-" + w + "z")
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
