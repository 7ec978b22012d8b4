package web

import (
	"context"
	"crypto/ecdsa"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"wharf"
	"wharf/accounts"
	"wharf/audit"
	"wharf/collab"
	"wharf/dist"
	"wharf/manage"
	"wharf/publish"
	"wharf/translog"
)

// Options configure the HTTP layer.
type Options struct {
	// BaseURL is the index's public URL, e.g. https://pypi.example.org. Its
	// path, if any, prefixes every route's links; empty means links are
	// root-relative.
	BaseURL string
	// CacheProjects bounds how many projects' pages are kept rendered.
	CacheProjects int
	// PollInterval is how often the journal is read to learn of changes
	// made by other processes (wharf commands, other nodes).
	PollInterval time.Duration
	Now          func() time.Time
	// TransparencyLog serves /log/…; nil leaves those routes out.
	TransparencyLog *translog.Log
	// Images configure the proxy for README images (/camo/…).
	Images ImageProxyOptions
	// Accounts serves the account pages (/account/…, /manage/account/…);
	// nil leaves them out. Its EnableWeb must have been called.
	Accounts *accounts.Service
	// Manage serves the project management pages (releases, files);
	// Collaboration serves the collaborator pages. Both are used only with
	// Accounts set.
	Manage        *manage.Service
	Collaboration *collab.Service
	// Audit serves the security history pages (with Accounts set); nil
	// reads the history from the store with the default retention.
	Audit *audit.Service
	// SecretScanners are the public keys of the secret scanners allowed to
	// report leaked tokens (POST /_/secrets/disclose-token, served when
	// Accounts is set).
	SecretScanners []ScannerKey
}

// Server is the HTTP side of wharf.
type Server struct {
	store   wharf.Store
	blobs   wharf.BlobStore
	publish *publish.Service
	log     *slog.Logger
	now     func() time.Time
	cache   *pageCache
	accepts *acceptMemo
	mux     *http.ServeMux
	origin  string // scheme://host of BaseURL, or ""
	prefix  string // path of BaseURL without trailing slash, or ""
	poll    time.Duration
	ui      *ui             // catalogs, templates and assets of the HTML pages
	secure  securityHeaders // sent on every reply
	tlog    *translog.Log
	images  *imageProxy // nil when the image proxy is off
	// accounts serves the account pages; nil when they are off.
	accounts *accounts.Service
	manager  *manage.Service
	collab   *collab.Service
	audit    *audit.Service
	// root is mux behind the cross-origin (CSRF) protection.
	root http.Handler
	// scanners are the secret scanners' keys by id.
	scanners map[string]*ecdsa.PublicKey
}

// New returns a Server. Call Invalidate after changes made in this process
// and run FollowJournal to learn of changes made elsewhere.
func New(store wharf.Store, blobs wharf.BlobStore, pub *publish.Service, log *slog.Logger, opts Options) (*Server, error) {
	s := &Server{store: store, blobs: blobs, publish: pub, log: log, now: opts.Now, poll: opts.PollInterval, tlog: opts.TransparencyLog}
	if s.now == nil {
		s.now = time.Now
	}
	if s.poll <= 0 {
		s.poll = time.Second
	}
	if opts.CacheProjects <= 0 {
		opts.CacheProjects = 100000
	}
	s.cache = newPageCache(opts.CacheProjects)
	s.accepts = &acceptMemo{}
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, wharf.Errorf(wharf.EINVALID, "base URL %q must be an absolute http or https URL", opts.BaseURL)
		}
		s.origin = u.Scheme + "://" + u.Host
		s.prefix = strings.TrimSuffix(u.Path, "/")
	}
	ui, err := newUI(s.prefix)
	if err != nil {
		return nil, err
	}
	s.ui, s.secure = ui, newSecurityHeaders(strings.HasPrefix(s.origin, "https:"))
	s.images = newImageProxy(opts.Images)
	s.accounts, s.manager, s.collab = opts.Accounts, opts.Manage, opts.Collaboration
	s.audit = opts.Audit
	if s.scanners, err = parseScannerKeys(opts.SecretScanners); err != nil {
		return nil, err
	}
	if err := s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) routes() error {
	m := http.NewServeMux()
	m.Handle("GET /{$}", s.page(s.homePage))
	m.Handle("GET /simple/{$}", s.handle(s.simpleIndex))
	m.Handle("GET /simple/{project}/{$}", s.handle(s.simpleProject))
	m.HandleFunc("GET /simple", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, r, s.prefix+"/simple/")
	})
	// Without its slash, a project's page redirects straight to the
	// normalized name, saving clients a second redirect.
	m.HandleFunc("GET /simple/{project}", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, r, s.simpleURL(dist.NormalizeName(r.PathValue("project"))))
	})
	m.Handle("GET /project/{project}/{$}", s.page(s.projectPage))
	m.Handle("GET /project/{project}/{version}/{$}", s.page(s.projectPage))
	m.Handle("GET /user/{name}/{$}", s.page(s.profile))
	m.Handle("GET /help/{$}", s.page(s.help))
	m.Handle("GET /search/{$}", s.page(s.search))
	m.Handle("GET /locale/{$}", s.page(s.switchLocale))
	m.Handle("GET /static/{hash}/{name}", s.handle(s.staticFile))
	// Every other GET: a friendly 404 page for browsers (see notFound).
	m.Handle("GET /", s.page(s.notFound))
	m.Handle("GET /pypi/{project}/json", s.handle(s.jsonProject))
	m.Handle("GET /pypi/{project}/{version}/json", s.handle(s.jsonProject))
	m.Handle("GET /packages/{h1}/{h2}/{rest}/{filename}", s.handle(s.packageFile))
	m.HandleFunc("POST /legacy/{$}", s.upload)
	m.HandleFunc("POST /legacy", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.prefix+"/legacy/", http.StatusPermanentRedirect)
	})
	if s.tlog != nil {
		s.logRoutes(m)
	}
	s.imageRoutes(m)
	if s.accounts != nil {
		s.accountRoutes(m)
		m.Handle("POST /_/secrets/disclose-token", s.handle(s.discloseToken))
	}
	m.HandleFunc("GET /_health", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	s.mux = m
	csrf, err := s.crossOrigin()
	if err != nil {
		return err
	}
	s.root = csrf.Handler(m)
	return nil
}

// ServeHTTP serves a request through the middleware. The base URL's path
// prefix, if any, is stripped first.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.secure.set(w.Header())
	if s.prefix != "" {
		rest, ok := strings.CutPrefix(r.URL.Path, s.prefix)
		if !ok || (rest != "" && rest[0] != '/') {
			http.NotFound(w, r)
			return
		}
		if clean := cleanPath(rest); clean != rest {
			// The mux would redirect to the clean path itself, without
			// the prefix ("" to "/", "/simple//x/" to "/simple/x/").
			redirect(w, r, s.prefix+clean)
			return
		}
		// A handler must not modify its request (the access log reads it
		// afterwards), so the stripped path goes in a copy, as
		// http.StripPrefix does.
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.Path, r2.URL.RawPath = rest, ""
		r = r2
	}
	s.root.ServeHTTP(w, r)
}

// cleanPath is the canonical form of p as http.ServeMux computes it:
// rooted, without "." and ".." elements or repeated slashes, keeping a
// trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// Invalidate drops the cached pages of a project and of the index.
func (s *Server) Invalidate(project string) {
	s.cache.evict(project)
	s.cache.evict(indexKey)
}

// FollowJournal evicts cached pages for every change recorded in the
// journal by any process, until ctx ends. Changes made in this process are
// evicted at once by Invalidate; this catches the rest within PollInterval.
func (s *Server) FollowJournal(ctx context.Context) {
	var seen int64
	started := false
	t := time.NewTicker(s.poll)
	defer t.Stop()
	for {
		if !started {
			started = s.startFollowing(ctx, &seen)
		} else {
			s.followOnce(ctx, &seen)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startFollowing reads the serial to follow the journal from. Pages cached
// before it was read may predate a change at or below that serial, which
// the follower will never report, so they are all dropped.
func (s *Server) startFollowing(ctx context.Context, seen *int64) bool {
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		*seen, err = tx.LastSerial(ctx)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("reading journal", "err", err)
		}
		return false
	}
	s.cache.clear()
	return true
}

// followOnce evicts the projects of the journal entries after *seen.
func (s *Server) followOnce(ctx context.Context, seen *int64) {
	var entries []wharf.JournalEntry
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		entries, err = tx.JournalSince(ctx, *seen, 10000)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("reading journal", "err", err)
		}
		return
	}
	for _, e := range entries {
		s.Invalidate(e.Project)
		*seen = e.Serial
	}
}
