package web

import (
	"net/http"

	"wharf"
)

// crossOrigin returns the protection against cross-site request forgery
// that wraps every route: a state-changing request (any method but GET,
// HEAD and OPTIONS) that a browser marks as coming from another site is
// refused with 403. Browsers say so with Sec-Fetch-Site, or with an
// Origin header that is not this host; requests with neither (pip, twine,
// curl) are not from a browser and pass.
//
// The base URL's origin is trusted as well, because behind a reverse
// proxy the Host header wharf sees may not be the name the browser used.
// The upload API and the witnesses' cosignature endpoint are left out:
// they authenticate every request with a token or a signature, never
// with a cookie, so a forged request gains nothing.
func (s *Server) crossOrigin() (*http.CrossOriginProtection, error) {
	c := http.NewCrossOriginProtection()
	if s.origin != "" {
		if err := c.AddTrustedOrigin(s.origin); err != nil {
			return nil, wharf.WrapError(wharf.EINVALID, "base URL origin", err)
		}
	}
	for _, p := range []string{"POST /legacy/{$}", "POST /legacy", "POST /log/cosign"} {
		c.AddInsecureBypassPattern(p)
	}
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeErrorPage(w, r, wharf.Errorf(wharf.EFORBIDDEN, "Cross-origin request refused."))
	}))
	return c, nil
}
