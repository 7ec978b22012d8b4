package browser

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// recorder watches one page's requests. It learns of them twice: from
// Network.requestWillBeSent, which reports every request the page starts
// (documents, scripts, styles, images, fonts, prefetches), and from
// Fetch.requestPaused, which holds each request until recorder lets it go
// on or fails it. Only requests for the page's own origin go on.
type recorder struct {
	origin string // scheme://host[:port], lower case

	mu      sync.Mutex
	all     []string
	foreign []string // each URL once, in order
}

func newRecorder(origin string) *recorder {
	return &recorder{origin: normalOrigin(origin)}
}

// listen is called by chromedp for every event of the tab, in order, in
// the tab's read loop: it must return at once and send no command.
func (r *recorder) listen(ev any) {
	if ev, ok := ev.(*network.EventRequestWillBeSent); ok && ev.Request != nil {
		r.note(ev.Request.URL)
	}
}

// note records a request URL.
func (r *recorder) note(raw string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, raw)
	if !sameOrigin(raw, r.origin) && !slices.Contains(r.foreign, raw) {
		r.foreign = append(r.foreign, raw)
	}
}

// noteForeign records a URL that Fetch blocked, in case the Network
// domain never reported it (requests of workers, say).
func (r *recorder) noteForeign(raw string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.foreign, raw) {
		r.foreign = append(r.foreign, raw)
	}
}

func (r *recorder) allURLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.all)
}

func (r *recorder) foreignURLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.foreign)
}

// intercept pauses every request of the tab and answers each from a
// goroutine that ends with the tab: requests for the origin continue,
// the rest fail as blocked by the client, so they never leave the
// machine even when the page names an IP address, which the host
// resolver rule cannot stop.
func (r *recorder) intercept(ctx context.Context) error {
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
	if err != nil {
		return err
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return // the tab is gone
			}
			if ev.Request != nil && sameOrigin(ev.Request.URL, r.origin) {
				chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			if ev.Request != nil {
				r.noteForeign(ev.Request.URL)
			}
			chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	return nil
}

// sameOrigin reports whether the request URL raw stays on origin (a
// normalOrigin value) or never touches the network.
func sameOrigin(raw, origin string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "data", "blob", "about":
		// These never cause a network request; a blob URL names the
		// origin that made it only in its opaque part.
		return true
	}
	if u.Opaque != "" || u.User != nil {
		return false
	}
	return normalOrigin(u.Scheme+"://"+u.Host) == origin
}

// normalOrigin lower-cases an origin scheme://host[:port] and drops a
// default port, so that http://LocalHost:80 and http://localhost agree.
func normalOrigin(origin string) string {
	origin = strings.ToLower(origin)
	if rest, ok := strings.CutSuffix(origin, ":80"); ok && strings.HasPrefix(origin, "http://") {
		return rest
	}
	if rest, ok := strings.CutSuffix(origin, ":443"); ok && strings.HasPrefix(origin, "https://") {
		return rest
	}
	return origin
}

// bulleted formats lines as an indented list for a test message.
func bulleted(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  - ")
		b.WriteString(l)
		b.WriteString("\n")
	}
	return b.String()
}
