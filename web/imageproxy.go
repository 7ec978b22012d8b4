package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"wharf"
	"wharf/render"
)

// ImageProxyPurpose is the purpose under which cmd/wharf derives the image
// proxy's HMAC key from the server secret (secretbox.Derive). Renaming it
// (v2) voids every signed image URL at once.
const ImageProxyPurpose = "wharf image proxy v1"

// ImageProxyOptions configure the camo-style proxy through which project
// pages show README images, so that a reader's browser never contacts a
// third party: the proxy fetches the image without the reader's cookies,
// address or Referer.
type ImageProxyOptions struct {
	// Key signs image URLs with HMAC-SHA256. An empty key turns the proxy
	// off: README images keep their own URLs, and the pages' strict
	// Content-Security-Policy (img-src 'self') stops browsers from loading
	// them, so a page never makes a third-party request either way.
	Key []byte
	// MaxSize bounds an image's bytes; default 5 MiB.
	MaxSize int64
	// Timeout bounds one fetch, from dialling to the last byte; default 10 s.
	Timeout time.Duration
	// AllowPrivate lets the proxy fetch from loopback, private, link-local
	// and other non-public addresses. Only for tests and for indexes whose
	// READMEs point at an intranet: it opens the proxy to server-side
	// request forgery against every service the server can reach.
	AllowPrivate bool

	// resolver replaces the system's DNS resolver in tests.
	resolver resolver
	// allow, set by tests, replaces the address policy (publicAddr, or
	// anything when AllowPrivate is set).
	allow func(netip.Addr) bool
	// transport, set by tests, adjusts the fetching transport (to trust
	// a test server's certificate).
	transport func(*http.Transport)
}

// resolver is the part of *net.Resolver the proxy uses.
type resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

const (
	// imageProxyUserAgent is sent on every fetch, the same for every
	// reader, so that the upstream learns nothing of who is reading.
	imageProxyUserAgent = "wharf-image-proxy/1"
	// maxImageURL bounds the length of a proxied URL; longer ones are not
	// proxied (their images are dropped from the page).
	maxImageURL = 4096
	// maxImageRedirects is how many redirects a fetch follows.
	maxImageRedirects = 3
	// maxImageFetches bounds concurrent fetches, so that a page full of
	// slow images cannot tie up the server's connections and memory.
	maxImageFetches = 64
	// imageCacheControl lets browsers and shared caches keep an image for a
	// day: the signed URL names exactly one upstream URL.
	imageCacheControl = "public, max-age=86400"
	// imageCSP is the policy of every proxied reply. An SVG opened directly
	// (not through an <img>, where browsers never run script) is a
	// document on wharf's origin: the policy forbids script and every
	// load except inline styles and embedded data: images (badges carry
	// both), and sandbox gives it an opaque origin, so even a browser bug
	// would reach no cookie.
	imageCSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
)

// Errors a fetch fails with; the handler answers each with a 404 and logs
// which it was.
var (
	errImageAddress   = errors.New("image proxy: destination address is not public")
	errImageURL       = errors.New("image proxy: not an http or https URL")
	errImageRedirects = errors.New("image proxy: too many redirects")
	errImageStatus    = errors.New("image proxy: upstream status is not 200")
	errImageType      = errors.New("image proxy: upstream content type is not an allowed image type")
	errImageEncoding  = errors.New("image proxy: upstream content encoding is not identity")
	errImageTooLarge  = errors.New("image proxy: image exceeds the size limit")
)

// imageProxy signs image URLs and fetches them. It is safe for concurrent
// use.
type imageProxy struct {
	key      []byte
	maxSize  int64
	timeout  time.Duration
	allow    func(netip.Addr) bool // whether an address may be dialled
	resolver resolver
	dialer   *net.Dialer
	client   *http.Client
	slots    chan struct{} // one token per fetch in flight
}

// newImageProxy returns the proxy opts describe, or nil when it is off.
func newImageProxy(opts ImageProxyOptions) *imageProxy {
	if len(opts.Key) == 0 {
		return nil
	}
	p := &imageProxy{
		key:      opts.Key,
		maxSize:  opts.MaxSize,
		timeout:  opts.Timeout,
		allow:    opts.allow,
		resolver: opts.resolver,
		slots:    make(chan struct{}, maxImageFetches),
	}
	if p.allow == nil {
		p.allow = publicAddr
		if opts.AllowPrivate {
			p.allow = func(netip.Addr) bool { return true }
		}
	}
	if p.maxSize <= 0 {
		p.maxSize = 5 << 20
	}
	if p.timeout <= 0 {
		p.timeout = 10 * time.Second
	}
	if p.resolver == nil {
		p.resolver = net.DefaultResolver
	}
	p.dialer = &net.Dialer{Timeout: p.timeout, Control: p.checkDial}
	tr := &http.Transport{
		// No proxy from the environment: the address check must apply to
		// the image's host, not to an outbound proxy's.
		Proxy:                  nil,
		DialContext:            p.dial,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    p.timeout,
		ResponseHeaderTimeout:  p.timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           64,
		IdleConnTimeout:        90 * time.Second,
		// The bytes are passed on as they come, so they must arrive
		// unencoded; images are compressed already.
		DisableCompression: true,
	}
	if opts.transport != nil {
		opts.transport(tr)
	}
	p.client = &http.Client{Transport: tr, CheckRedirect: checkImageRedirect}
	return p
}

// checkImageRedirect follows at most maxImageRedirects redirects, each to
// an http or https URL without credentials, and sends no Referer (which
// net/http adds to a redirected request before asking). The new target's
// address is checked when it is dialled.
func checkImageRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxImageRedirects {
		return errImageRedirects
	}
	if !proxiable(req.URL) {
		return errImageURL
	}
	req.Header.Del("Referer")
	return nil
}

// proxiable reports whether u is a URL the proxy fetches: absolute http or
// https with a host and no user information (which net/http would send as
// credentials).
func proxiable(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == "" && u.User == nil
}

// sign returns the path of the proxied URL for raw, "/camo/<mac>/<url>",
// both parts in lowercase hex, or "" when raw is not proxiable.
func (p *imageProxy) sign(raw string) string {
	if len(raw) > maxImageURL {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || !proxiable(u) {
		return ""
	}
	return "/camo/" + hex.EncodeToString(p.mac(raw)) + "/" + hex.EncodeToString([]byte(raw))
}

func (p *imageProxy) mac(raw string) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(raw))
	return m.Sum(nil)
}

// verify returns the URL a signed path names, or false when the signature
// does not match (compared in constant time) or the URL is not proxiable.
func (p *imageProxy) verify(encMAC, encURL string) (*url.URL, bool) {
	sum, raw, err := decodeImagePath(encMAC, encURL)
	if err != nil || !hmac.Equal(sum, p.mac(raw)) {
		return nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || !proxiable(u) {
		return nil, false
	}
	return u, true
}

// decodeImagePath decodes the two hex parts of a proxied URL's path: a
// SHA-256 HMAC and a URL of at most maxImageURL bytes.
func decodeImagePath(encMAC, encURL string) (sum []byte, raw string, err error) {
	if len(encMAC) != 2*sha256.Size || len(encURL) == 0 || len(encURL) > 2*maxImageURL {
		return nil, "", errImageURL
	}
	sum, err = hex.DecodeString(encMAC)
	if err != nil {
		return nil, "", errImageURL
	}
	b, err := hex.DecodeString(encURL)
	if err != nil {
		return nil, "", errImageURL
	}
	return sum, string(b), nil
}

// proxyImages returns a sanitised README fragment with every image URL
// replaced by its signed proxy URL under the base URL, or unchanged when
// the proxy is off (see ImageProxyOptions.Key). An image whose URL cannot
// be proxied is given an empty source rather than its own.
func (s *Server) proxyImages(fragment string) string {
	if s.images == nil {
		return fragment
	}
	out, err := render.RewriteImages(fragment, func(src string) string {
		if path := s.images.sign(src); path != "" {
			return s.prefix + path
		}
		return ""
	})
	if err != nil {
		// Reading a string fails only on a tokenizer bug. The fragment
		// is still sanitised, and the page's policy blocks its remote
		// images, so it is shown as it is.
		s.log.Error("image proxy: rewriting README images", "err", err)
		return fragment
	}
	return out
}

// imageRoutes adds the proxy's route when it is on.
func (s *Server) imageRoutes(m *http.ServeMux) {
	if s.images != nil {
		m.Handle("GET /camo/{mac}/{url}", s.handle(s.proxiedImage))
	}
}

// proxiedImage serves /camo/<mac>/<url>: it fetches the image and streams
// it on with only its type and length, never the upstream's other headers
// (Set-Cookie among them). Every failure is a 404, whatever the cause, so
// that the proxy tells no one which internal names resolve.
func (s *Server) proxiedImage(w http.ResponseWriter, r *http.Request) error {
	p := s.images
	target, ok := p.verify(r.PathValue("mac"), r.PathValue("url"))
	if !ok {
		return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	default:
		return wharf.Errorf(wharf.ETOOMANY, "Too many images are being fetched; try again later.")
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.timeout)
	defer cancel()
	resp, mediaType, err := p.fetch(ctx, target)
	if err != nil {
		// A refused address may be someone probing the network behind
		// the server; the rest are broken images, common and harmless.
		level := slog.LevelDebug
		if errors.Is(err, errImageAddress) {
			level = slog.LevelWarn
		}
		s.log.Log(r.Context(), level, "image proxy: fetch failed", "host", target.Host, "err", err)
		return wharf.Errorf(wharf.ENOTFOUND, "The image is not available.")
	}
	defer resp.Body.Close()
	h := w.Header()
	h.Set("Content-Type", mediaType)
	if resp.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	h.Set("Cache-Control", imageCacheControl)
	h.Set("Content-Security-Policy", imageCSP)
	h.Set("Content-Disposition", "inline")
	h.Set("X-Content-Type-Options", "nosniff")
	// A reader that stops reading must not hold a fetch slot forever.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(p.timeout))
	w.WriteHeader(http.StatusOK)
	if err := p.copyImage(w, resp); err != nil {
		s.log.Debug("image proxy: streaming failed", "host", target.Host, "err", err)
		// Headers and part of the image are out: only breaking the
		// connection tells the browser the image is incomplete.
		panic(http.ErrAbortHandler)
	}
	return nil
}

// fetch gets target and returns the response, whose body the caller
// closes, with its media type, once the status, content type, encoding
// and announced length are acceptable.
func (p *imageProxy) fetch(ctx context.Context, target *url.URL) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, "", errImageURL
	}
	req.Header.Set("User-Agent", imageProxyUserAgent)
	req.Header.Set("Accept", "image/*")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	mediaType, err := checkImageResponse(resp, p.maxSize)
	if err != nil {
		resp.Body.Close()
		return nil, "", err
	}
	return resp, mediaType, nil
}

// checkImageResponse returns the media type of an acceptable response.
func checkImageResponse(resp *http.Response, maxSize int64) (string, error) {
	if resp.StatusCode != http.StatusOK {
		return "", errImageStatus
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && ce != "identity" {
		return "", errImageEncoding
	}
	mediaType, ok := imageType(resp.Header.Get("Content-Type"))
	if !ok {
		return "", errImageType
	}
	if resp.ContentLength > maxSize {
		return "", errImageTooLarge
	}
	return mediaType, nil
}

// copyImage streams the body to w, failing once more than maxSize bytes
// (or a different length than announced) arrive; at most maxSize bytes are
// written.
func (p *imageProxy) copyImage(w io.Writer, resp *http.Response) error {
	n, err := io.Copy(w, io.LimitReader(resp.Body, p.maxSize))
	if err != nil {
		return err
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return io.ErrUnexpectedEOF
	}
	var one [1]byte
	if m, _ := io.ReadFull(resp.Body, one[:]); m > 0 {
		return errImageTooLarge
	}
	return nil
}

// imageType returns the bare media type of a Content-Type header when it is
// an image type browsers display: the raster formats and SVG (see imageCSP
// for why SVG is safe to serve).
func imageType(header string) (string, bool) {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return "", false
	}
	switch mt {
	case "image/png", "image/apng", "image/jpeg", "image/gif", "image/webp", "image/avif",
		"image/bmp", "image/x-icon", "image/vnd.microsoft.icon", "image/svg+xml":
		return mt, true
	}
	return "", false
}

// dial resolves addr's host and connects to its first address that may be
// dialled; a host with none fails with errImageAddress. Control checks the
// address again at the socket, so nothing between the check and the
// connection (a second DNS answer included) can change it.
func (p *imageProxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = p.resolver.LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	} else if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	err = errImageAddress
	for _, ip := range ips {
		if !p.allow(ip) {
			continue
		}
		var c net.Conn
		c, err = p.dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
	}
	return nil, err
}

// checkDial is the dialer's Control function: it refuses a socket whose
// remote address is not public, unless private addresses are allowed.
func (p *imageProxy) checkDial(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !p.allow(ap.Addr()) {
		return errImageAddress
	}
	return nil
}

// publicAddr reports whether ip may be fetched from: it is none of
// loopback, private, link-local, multicast or unspecified, nor in a range
// that holds no public web server (shared address space, benchmarking,
// reserved, broadcast, IPv6 site-local, discard-only, Teredo, IPv4-
// compatible). NAT64 and 6to4 addresses are judged by the IPv4 address
// they embed, which the translator will reach.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	if ip.Is4() {
		return publicIPv4(ip.As4())
	}
	b := ip.As16()
	var zero [12]byte
	switch {
	case b[0] == 0x20 && b[1] == 0x02: // 2002::/16, 6to4
		return publicIPv4([4]byte(b[2:6]))
	case [12]byte(b[:12]) == [12]byte{0, 0x64, 0xff, 0x9b}: // 64:ff9b::/96, NAT64
		return publicIPv4([4]byte(b[12:]))
	case b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b: // the rest of 64:ff9b::/32: local-use NAT64
		return false
	case b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0: // 2001::/32, Teredo
		return false
	case b[0] == 0x01 && [7]byte(b[1:8]) == [7]byte{}: // 100::/64, discard-only
		return false
	case b[0] == 0xfe && b[1]&0xc0 == 0xc0: // fec0::/10, site-local
		return false
	case [12]byte(b[:12]) == zero: // ::/96, IPv4-compatible
		return false
	}
	return true
}

// publicIPv4 reports whether an IPv4 address may be fetched from.
func publicIPv4(b [4]byte) bool {
	switch {
	case b[0] == 0, b[0] == 10, b[0] == 127, b[0] >= 224: // this network, private, loopback, multicast and reserved
		return false
	case b[0] == 100 && b[1]&0xc0 == 64: // 100.64.0.0/10, shared address space
		return false
	case b[0] == 169 && b[1] == 254: // link-local, cloud metadata services
		return false
	case b[0] == 172 && b[1]&0xf0 == 16, b[0] == 192 && b[1] == 168: // private
		return false
	case b[0] == 192 && b[1] == 0 && b[2] == 0: // 192.0.0.0/24, protocol assignments
		return false
	case b[0] == 198 && b[1]&0xfe == 18: // 198.18.0.0/15, benchmarking
		return false
	}
	return true
}
