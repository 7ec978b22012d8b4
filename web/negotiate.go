package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Simple API content types (PEP 691).
const (
	typeJSONv1   = "application/vnd.pypi.simple.v1+json"
	typeHTMLv1   = "application/vnd.pypi.simple.v1+html"
	typeJSONlast = "application/vnd.pypi.simple.latest+json"
	typeHTMLlast = "application/vnd.pypi.simple.latest+html"
	typeHTML     = "text/html"
)

// offers are the types the Simple API serves, in PyPI's order of
// preference when a client rates several equally: HTML first, so that
// "Accept: */*" (curl, browsers) gets HTML as on PyPI.
var offers = []string{typeHTML, typeHTMLv1, typeHTMLlast, typeJSONv1, typeJSONlast}

// negotiate picks the Simple API response type for r: the ?format= query
// parameter wins; otherwise the Accept header's best offer by q-value; with
// no Accept header, or none that matches, text/html. It returns the type to
// send (the "latest" aliases resolve to v1).
func negotiate(r *http.Request) string {
	return (*acceptMemo)(nil).negotiate(r)
}

// acceptMemo remembers the answer for Accept headers seen before: clients
// send a handful of fixed headers, and parsing one costs more than the
// rest of serving a cached page. It stops growing at maxAcceptMemo
// entries. A nil *acceptMemo remembers nothing.
type acceptMemo struct {
	m sync.Map
	n atomic.Int32
}

const maxAcceptMemo = 256

// negotiate is the package function negotiate, with memory.
func (m *acceptMemo) negotiate(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return m.accept(r.Header.Get("Accept"))
	}
	if f := r.URL.Query().Get("format"); f != "" {
		// "?format=application/vnd.pypi.simple.v1+json" typed as is reaches
		// us with the "+" decoded to a space; no media type has spaces.
		f = strings.ToLower(strings.ReplaceAll(f, " ", "+"))
		for _, o := range offers {
			if f == o {
				return resolveLatest(o)
			}
		}
	}
	return m.accept(r.Header.Get("Accept"))
}

// accept picks the type for an Accept header.
func (m *acceptMemo) accept(header string) string {
	if header == "" {
		return typeHTML
	}
	if m == nil {
		return negotiateParse(header)
	}
	if t, ok := m.m.Load(header); ok {
		return t.(string)
	}
	t := negotiateParse(header)
	if m.n.Load() < maxAcceptMemo && len(header) <= 512 {
		if _, loaded := m.m.LoadOrStore(header, t); !loaded {
			m.n.Add(1)
		}
	}
	return t
}

// negotiateParse picks the offer with the highest q-value in the header.
func negotiateParse(accept string) string {
	best, bestQ := "", 0.0
	for _, o := range offers {
		if q := acceptQ(accept, o); q > bestQ {
			best, bestQ = o, q
		}
	}
	if best == "" {
		return typeHTML
	}
	return resolveLatest(best)
}

func resolveLatest(t string) string {
	switch t {
	case typeJSONlast:
		return typeJSONv1
	case typeHTMLlast:
		return typeHTMLv1
	}
	return t
}

// acceptQ returns the q-value the Accept header gives the media type,
// honouring the most specific matching range (exact, type/*, */*).
func acceptQ(accept, media string) float64 {
	mtype, _, _ := strings.Cut(media, "/")
	q, specificity := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		rng := strings.ToLower(strings.TrimSpace(fields[0]))
		spec := -1
		switch {
		case rng == media:
			spec = 2
		case rng == mtype+"/*":
			spec = 1
		case rng == "*/*":
			spec = 0
		}
		if spec < specificity || spec < 0 {
			continue
		}
		pq := 1.0
		for _, param := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					pq = f
				} else {
					pq = 0
				}
			}
		}
		if spec > specificity || pq > q {
			q, specificity = pq, spec
		}
	}
	return q
}
