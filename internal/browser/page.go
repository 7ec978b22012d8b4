package browser

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Page is one browser tab in a browser context of its own, bound to one
// test. Its methods fail that test on error, so they must be called from
// the test's goroutine.
type Page struct {
	t   testing.TB
	b   *Browser
	ctx context.Context
	rec *recorder
}

// actionTimeout bounds every page action, so that a page that never shows
// an element fails its test instead of hanging the whole run.
const actionTimeout = 30 * time.Second

// NewPage opens a tab that may load resources from origin only (such as
// "http://localhost:8080"); a request for anything else is blocked and,
// when the test ends, fails it (see Foreign). The tab closes when t ends.
func (b *Browser) NewPage(t testing.TB, origin string) *Page {
	t.Helper()
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		t.Fatalf("NewPage: origin %q is not scheme://host[:port]", origin)
	}
	rec := newRecorder(u.Scheme + "://" + u.Host)
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(rec.listen))
	p := &Page{t: t, b: b, ctx: ctx, rec: rec}
	t.Cleanup(func() {
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing the tab: %v", err)
		}
		cancel()
		if foreign := rec.foreignURLs(); len(foreign) > 0 {
			t.Errorf("the page requested resources outside %s (blocked):\n%s", rec.origin, bulleted(foreign))
		}
	})
	// The first Do opens the tab; it has no timeout of its own because
	// the tab would close with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if err := rec.intercept(ctx); err != nil {
		t.Fatalf("intercepting requests: %v", err)
	}
	return p
}

// do runs steps with the action timeout and fails the test on error.
func (p *Page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	p.call(what, func(ctx context.Context) error { return chromedp.Do(ctx, steps...) })
}

// Navigate loads url and waits for its load event. It returns the HTTP
// status of the document, so a test can tell a 404 page from a page.
func (p *Page) Navigate(url string) int {
	p.t.Helper()
	var status int
	p.call("navigating to "+url, func(ctx context.Context) error {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
		if err == nil && resp == nil {
			err = errors.New("no response")
		}
		if err == nil {
			status = int(resp.Status)
		}
		return err
	})
	return status
}

// Fill types text into the field that the CSS selector names, after
// clearing it.
func (p *Page) Fill(selector, text string) {
	p.t.Helper()
	sel := chromedp.CSS(selector)
	p.do("filling "+selector, chromedp.Clear(sel, chromedp.NodeVisible), chromedp.SendKeys(sel, text, chromedp.NodeVisible))
}

// Click clicks the first visible element that the CSS selector names.
func (p *Page) Click(selector string) {
	p.t.Helper()
	p.do("clicking "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// WaitVisible waits until an element that the CSS selector names is
// visible.
func (p *Page) WaitVisible(selector string) {
	p.t.Helper()
	p.do("waiting for "+selector, chromedp.WaitVisible(chromedp.CSS(selector)))
}

// Text returns the visible text of the first element that the CSS
// selector names, waiting for it to be present.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	var text string
	p.call("reading the text of "+selector, func(ctx context.Context) (err error) {
		text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector), chromedp.NodeReady))
		return err
	})
	return text
}

// Eval evaluates the JavaScript expression in the page, awaiting it if it
// is a promise, and decodes its JSON value into out (nil to ignore it).
// DevTools evaluation is not subject to the page's Content-Security-Policy.
func (p *Page) Eval(expression string, out any) {
	p.t.Helper()
	if err := p.eval(expression, out); err != nil {
		p.t.Fatalf("evaluating %.80q: %v", expression, err)
	}
}

// eval is Eval returning its error.
func (p *Page) eval(expression string, out any) error {
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expression, chromedp.EvalAwaitPromise))
	if err != nil || out == nil {
		return err
	}
	if len(raw) == 0 {
		raw = []byte("null") // undefined
	}
	return json.Unmarshal(raw, out)
}

// SetHeaders sends these HTTP headers with every later request of the
// page, such as Accept-Language to choose a locale.
func (p *Page) SetHeaders(headers map[string]string) {
	p.t.Helper()
	h := network.Headers{}
	for k, v := range headers {
		h[k] = v
	}
	p.call("setting request headers", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h})
		return err
	})
}

// SetCookie stores a cookie for the page's origin, as if the origin had
// set it (path /).
func (p *Page) SetCookie(name, value string) {
	p.t.Helper()
	p.call("setting cookie "+name, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: p.rec.origin + "/"})
		return err
	})
}

// Cookies returns the cookies the browser holds for the page's origin.
func (p *Page) Cookies() []*network.Cookie {
	p.t.Helper()
	var cookies []*network.Cookie
	p.call("reading cookies", func(ctx context.Context) error {
		res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.rec.origin + "/"}})
		cookies = res.Cookies
		return err
	})
	return cookies
}

// Requests returns the URL of every request the page made so far,
// blocked or not, in order.
func (p *Page) Requests() []string { return p.rec.allURLs() }

// Foreign returns the URLs the page requested outside its origin so far;
// each was blocked, and each fails the test when it ends.
func (p *Page) Foreign() []string { return p.rec.foreignURLs() }

// call runs f with the action timeout and fails the test on error.
func (p *Page) call(what string, f func(ctx context.Context) error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}
