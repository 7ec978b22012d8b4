package publish

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"wharf"
	"wharf/auth/token"
	"wharf/dist"
	"wharf/dist/archive"
	"wharf/render"
)

// Config holds the upload rules an operator may change.
type Config struct {
	MaxFileSize    int64         // bytes per file (default 100 MiB)
	MaxProjectSize int64         // bytes per project (default 10 GiB)
	NewFileWindow  time.Duration // files may be added this long after a release is created; 0 disables
	// PyPIPlatformTags restricts wheel platform tags to PyPI's allow-list.
	PyPIPlatformTags bool
	// ProhibitedNames are project names (any spelling) nobody may create.
	ProhibitedNames []string
	// NewProjectsPerHour bounds how many projects one user, and one IP, may
	// create per hour over HTTP; 0 disables the limit.
	NewProjectsPerHour int
	SpoolDir           string // temporary upload files; same disk as the blobs is best
	// Require2FA is the account policy for uploaders: Require2FAAll or
	// Require2FAPublishers refuse token owners without a second factor or
	// a verified email (service accounts excepted); "" or Require2FAOff
	// checks nothing.
	Require2FA string
	Archive    archive.Limits
	// Readme bounds the rendering of descriptions at upload; the zero
	// value is wharf/render's defaults.
	Readme render.Options
	// Mailer, when set, tells a project's other owners and maintainers
	// by email when an upload creates a new release; nil sends nothing.
	// Location is the index's public URL, for the links in the mail.
	Mailer   wharf.Mailer
	Location string
}

// DefaultConfig returns the defaults described in the README.
func DefaultConfig() Config {
	return Config{
		MaxFileSize:        100 << 20,
		MaxProjectSize:     10 << 30,
		NewFileWindow:      14 * 24 * time.Hour,
		NewProjectsPerHour: 100,
		Archive:            archive.DefaultLimits(),
	}
}

// Service runs uploads. It is safe for concurrent use.
type Service struct {
	store    wharf.Store
	blobs    wharf.BlobStore
	tokens   *token.Service
	cfg      Config
	log      *slog.Logger
	onChange func(project string)

	prohibited map[string]bool
	ipLimit    *limiter
}

// New returns a Service. onChange, when not nil, is called after every
// committed change with the project's normalized name.
func New(store wharf.Store, blobs wharf.BlobStore, tokens *token.Service, cfg Config, log *slog.Logger, onChange func(string)) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: store, blobs: blobs, tokens: tokens, cfg: cfg, log: log, onChange: onChange,
		prohibited: map[string]bool{}, ipLimit: newLimiter(cfg.NewProjectsPerHour, time.Hour)}
	for _, n := range cfg.ProhibitedNames {
		s.prohibited[dist.NormalizeName(n)] = true
	}
	return s
}

// Config returns the service's rules.
func (s *Service) Config() Config { return s.cfg }

// Principal is an authenticated uploader: the user, the token's record and
// what its caveats allow.
type Principal struct {
	User   *wharf.User
	Token  *wharf.Token
	Claims token.Claims
}

// errBadToken is the one message every token failure that could reveal
// whether a token exists gets, so the endpoint is no oracle.
func tokenError(err error) error {
	var inv *token.InvalidError
	if errors.As(err, &inv) && !errors.Is(inv, token.ErrSignature) && !errors.Is(inv, token.ErrMalformed) {
		return wharf.WrapError(wharf.EFORBIDDEN, inv.Error(), err)
	}
	return wharf.WrapError(wharf.EFORBIDDEN, "Invalid or non-existent authentication information. See /help/#invalid-auth for more information.", err)
}

// Authenticate checks an API token — its record, owner and signature — and
// returns who it acts for. It has no side effect but recording last use.
func (s *Service) Authenticate(ctx context.Context, raw string, now time.Time) (*Principal, error) {
	id, err := token.ParseID(raw)
	if err != nil {
		return nil, tokenError(err)
	}
	var p Principal
	var policy error // the account policy's refusal, if any
	err = s.store.View(ctx, func(tx wharf.Tx) error {
		t, err := tx.TokenByID(ctx, id)
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		p.Token, p.User = t, u
		// The refusal is kept until the macaroon has verified below: it
		// must tell nothing to the holder of a forged token.
		policy, err = uploaderRefusal(ctx, tx, u, s.cfg.Require2FA)
		return err
	})
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, tokenError(err)
	}
	if err != nil {
		return nil, err
	}
	claims, err := s.tokens.Inspect(raw, now, p.User.ID)
	if err != nil {
		return nil, tokenError(err)
	}
	if p.Token.Revoked {
		return nil, wharf.Errorf(wharf.EFORBIDDEN, "Invalid API Token: token has been revoked")
	}
	if !p.Token.Expires.IsZero() && now.After(p.Token.Expires) {
		return nil, wharf.Errorf(wharf.EFORBIDDEN, "Invalid API Token: token is expired")
	}
	if policy != nil {
		return nil, policy
	}
	p.Claims = claims
	if len(p.Token.Projects) > 0 {
		p.Claims = intersect(p.Claims, p.Token.Projects)
	}
	return &p, nil
}

// intersect narrows claims to the projects recorded with the token, so a
// record's scope binds even if the token's own caveats were lost.
func intersect(c token.Claims, projects []string) token.Claims {
	if !c.Restricted {
		return token.Claims{Restricted: true, Projects: projects, NotAfter: c.NotAfter}
	}
	var keep []string
	for _, p := range c.Projects {
		for _, q := range projects {
			if p == q {
				keep = append(keep, p)
			}
		}
	}
	c.Projects = keep
	return c
}

// limiter is a fixed-window counter per key, for per-IP limits that need no
// database. Counts are per process.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, hits: map[string][]time.Time{}}
}

// allow records a hit for key at now and reports whether it is within the limit.
func (l *limiter) allow(key string, now time.Time) bool {
	if l.max <= 0 || key == "" {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.hits[key][:0]
	for _, t := range l.hits[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	if len(recent) >= l.max {
		l.hits[key] = recent
		return false
	}
	l.hits[key] = append(recent, now)
	if len(l.hits) > 100000 {
		// Bound memory under a flood of distinct keys: forget them all.
		l.hits = map[string][]time.Time{}
	}
	return true
}
