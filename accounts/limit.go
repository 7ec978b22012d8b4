package accounts

import (
	"fmt"
	"sync"
	"time"

	"wharf"
)

// Window is one rate limit: at most N events per Per.
type Window struct {
	N   int
	Per time.Duration
}

// Limits are the moving-window rate limits of the account pages. Each is
// a list of windows that must all allow an event.
type Limits struct {
	LoginUser     []Window // failed logins per user
	LoginIP       []Window // failed logins per IP
	SecondFactor  []Window // failed second-factor attempts per user
	PasswordReset []Window // reset mails per user
	EmailAdd      []Window // address changes per IP
	Register      []Window // registrations per IP
}

// withDefaults fills unset limits with PyPI's defaults.
func (l Limits) withDefaults() Limits {
	def := func(w *[]Window, d ...Window) {
		if len(*w) == 0 {
			*w = d
		}
	}
	def(&l.LoginUser, Window{10, 5 * time.Minute})
	def(&l.LoginIP, Window{10, 5 * time.Minute})
	def(&l.SecondFactor, Window{5, 5 * time.Minute}, Window{20, time.Hour}, Window{50, 24 * time.Hour})
	def(&l.PasswordReset, Window{5, 24 * time.Hour})
	def(&l.EmailAdd, Window{2, 24 * time.Hour})
	def(&l.Register, Window{10, time.Hour})
	return l
}

// limiter counts events per key in moving windows. It lives in one
// process: several nodes each apply the limits (a documented trade-off).
type limiter struct {
	windows []Window
	longest time.Duration

	mu   sync.Mutex
	hits map[string][]time.Time // oldest first
}

func newLimiter(ws []Window) *limiter {
	l := &limiter{windows: ws, hits: map[string][]time.Time{}}
	for _, w := range ws {
		l.longest = max(l.longest, w.Per)
	}
	return l
}

// check returns an ETOOMANY error, with the wait in its message, when the
// key has used up any window; it records nothing.
func (l *limiter) check(key string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.hits[key]
	for _, w := range l.windows {
		in := 0
		for i := len(hs) - 1; i >= 0 && now.Sub(hs[i]) < w.Per; i-- {
			in++
		}
		if in >= w.N {
			// The oldest hit inside the window leaves it first.
			re := &RateError{Wait: w.Per - now.Sub(hs[len(hs)-in])}
			return wharf.WrapError(wharf.ETOOMANY, re.Error(), re)
		}
	}
	return nil
}

// hit records an event for key.
func (l *limiter) hit(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.hits[key]
	for len(hs) > 0 && now.Sub(hs[0]) >= l.longest {
		hs = hs[1:]
	}
	l.hits[key] = append(hs, now)
	if len(l.hits) > 100000 {
		l.prune(now)
	}
}

// prune drops keys with no hit inside the longest window, bounding memory.
func (l *limiter) prune(now time.Time) {
	for k, hs := range l.hits {
		if len(hs) == 0 || now.Sub(hs[len(hs)-1]) >= l.longest {
			delete(l.hits, k)
		}
	}
}

// reset forgets a key (after a successful login, say).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

// RateError is a rate limit hit, wrapped in an ETOOMANY error; web finds
// it with errors.As and answers 429 with Retry-After.
type RateError struct {
	Wait time.Duration
}

func (e *RateError) Error() string {
	return fmt.Sprintf("There have been too many attempts. Try again in %s.", humanWait(e.Wait))
}

func humanWait(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d seconds", max(1, int(d.Seconds()+0.5)))
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()+0.5))
	default:
		return fmt.Sprintf("%d hours", int(d.Hours()+0.5))
	}
}
