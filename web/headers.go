package web

import "net/http"

// contentSecurityPolicy lets a page load only wharf's own script, style
// sheet and images (README images will come through wharf's own image
// proxy), call only wharf from script (the WebAuthn pages fetch their
// options and post their results), submit forms only to wharf, and be
// framed by no one. It allows no inline script or style, so templates
// carry neither.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// permissionsPolicy turns off the powerful browser features no wharf page
// uses. Features the account pages will need (WebAuthn's
// publickey-credentials-get and -create, clipboard-write) are left to
// their same-origin default.
const permissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), payment=(), usb=()"

// hstsPolicy keeps browsers on HTTPS for a year once they have seen the
// site over HTTPS. It leaves subdomains alone: a self-hosted index often
// shares its parent domain with services wharf knows nothing about.
const hstsPolicy = "max-age=31536000"

// securityHeaders are the headers every reply carries, whatever route
// serves it. Each value is a slice of length and capacity 1, shared by
// every reply: handlers that set a header replace the slice, and one that
// appends gets a new array, so none can change another reply's headers.
type securityHeaders map[string][]string

// newSecurityHeaders returns the headers; https adds Strict-Transport-
// Security, which browsers heed only over HTTPS and which must not be sent
// for a base URL that is plain HTTP.
func newSecurityHeaders(https bool) securityHeaders {
	h := securityHeaders{
		"Content-Security-Policy":    {contentSecurityPolicy},
		"X-Content-Type-Options":     {"nosniff"},
		"Referrer-Policy":            {"strict-origin-when-cross-origin"},
		"X-Frame-Options":            {"DENY"},
		"Cross-Origin-Opener-Policy": {"same-origin"},
		"Permissions-Policy":         {permissionsPolicy},
	}
	if https {
		h["Strict-Transport-Security"] = []string{hstsPolicy}
	}
	return h
}

// set puts the headers into a reply's header map before anything else
// runs (Server.ServeHTTP calls it first), so a handler may still override
// one: project pages send a stricter policy of their own. Nothing is
// wrapped around the ResponseWriter, so hijacking (the upload API's
// reason-phrase replies) and http.ResponseController keep working.
func (sh securityHeaders) set(h http.Header) {
	for k, v := range sh {
		h[k] = v
	}
}
