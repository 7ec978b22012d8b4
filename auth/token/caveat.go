package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"
)

// The caveat tags. They are part of every token ever issued, so a tag's
// meaning never changes and a retired tag is never reused. Tag 2 is kept
// free, as in Warehouse, where it names projects by id.
const (
	tagExpiry   = 0 // [0, notAfter, notBefore]
	tagProjects = 1 // [1, ["name", ...]]
	tagUser     = 3 // [3, userID]
)

// expiryCaveat encodes an expiry caveat valid up to and including the second
// of notAfter. Minting and Restrict have no clock, so notBefore is 0.
func expiryCaveat(notAfter time.Time) []byte {
	return []byte("[" + strconv.Itoa(tagExpiry) + "," +
		strconv.FormatInt(notAfter.Unix(), 10) + ",0]")
}

// projectsCaveat encodes a project caveat for the given names, which must be
// normalized project names. Duplicates are dropped.
func projectsCaveat(names []string) ([]byte, error) {
	var list []string
	for _, n := range names {
		if !validProjectName(n) {
			return nil, errors.New("token: project names must be normalized (PEP 503)")
		}
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	b, err := json.Marshal([]any{tagProjects, list})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// userCaveat encodes a caveat binding the token to one user.
func userCaveat(userID int64) []byte {
	return []byte("[" + strconv.Itoa(tagUser) + "," + strconv.FormatInt(userID, 10) + "]")
}

// validProjectName reports whether s is a normalized project name as PEP 503
// defines it: runs of lower-case letters and digits joined by single hyphens.
func validProjectName(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// restrictions collects what a token's caveats say, combining several
// caveats of one kind into the narrowest result.
type restrictions struct {
	users       []int64
	restricted  bool
	projects    []string // the intersection of all project caveats
	hasNotAfter bool
	notAfter    int64 // the earliest notAfter, Unix seconds
	notBefore   int64 // the latest notBefore, Unix seconds
}

// add parses one caveat condition and folds it in. It returns ErrCaveat for
// a condition that is not valid JSON of the right shape or has an unknown
// tag.
func (r *restrictions) add(cond []byte) error {
	var parts []json.RawMessage
	if err := decodeStrict(cond, &parts); err != nil || len(parts) == 0 {
		return invalid(ErrCaveat, "")
	}
	var tag int
	if err := decodeStrict(parts[0], &tag); err != nil {
		return invalid(ErrCaveat, "")
	}
	var err error
	switch tag {
	case tagExpiry:
		err = r.addExpiry(parts[1:])
	case tagProjects:
		err = r.addProjects(parts[1:])
	case tagUser:
		err = r.addUser(parts[1:])
	default:
		err = errors.New("unknown tag")
	}
	if err != nil {
		return invalid(ErrCaveat, "")
	}
	return nil
}

// addExpiry folds in the arguments of an expiry caveat.
func (r *restrictions) addExpiry(args []json.RawMessage) error {
	var notAfter, notBefore int64
	if len(args) != 2 {
		return errors.New("expiry caveat needs two arguments")
	}
	if err := decodeStrict(args[0], &notAfter); err != nil {
		return err
	}
	if err := decodeStrict(args[1], &notBefore); err != nil {
		return err
	}
	if !inTimeRange(notAfter) || !inTimeRange(notBefore) {
		return errors.New("expiry out of range")
	}
	if !r.hasNotAfter || notAfter < r.notAfter {
		r.notAfter = notAfter
	}
	r.hasNotAfter = true
	r.notBefore = max(r.notBefore, notBefore)
	return nil
}

// addProjects folds in the arguments of a project caveat by intersecting
// its names with those of earlier project caveats.
func (r *restrictions) addProjects(args []json.RawMessage) error {
	var names []string
	if len(args) != 1 {
		return errors.New("project caveat needs one argument")
	}
	if err := decodeStrict(args[0], &names); err != nil {
		return err
	}
	if len(names) == 0 {
		// An empty list is never minted; rejecting it keeps "no
		// caveat" the only way of saying "every project".
		return errors.New("empty project caveat")
	}
	for _, n := range names {
		if !validProjectName(n) {
			return errors.New("project name is not normalized")
		}
	}
	if !r.restricted {
		r.restricted = true
		r.projects = slices.Compact(slices.Sorted(slices.Values(names)))
		return nil
	}
	r.projects = slices.DeleteFunc(r.projects, func(n string) bool {
		return !slices.Contains(names, n)
	})
	return nil
}

// addUser folds in the arguments of a user caveat.
func (r *restrictions) addUser(args []json.RawMessage) error {
	var id int64
	if len(args) != 1 {
		return errors.New("user caveat needs one argument")
	}
	if err := decodeStrict(args[0], &id); err != nil {
		return err
	}
	r.users = append(r.users, id)
	return nil
}

// check tests the collected restrictions against the time of use and the
// user presenting the token. It does not look at projects.
func (r *restrictions) check(now time.Time, userID int64) error {
	if len(r.users) == 0 {
		// Every minted token names its user; one that does not was
		// not made by Mint.
		return invalid(ErrCaveat, "")
	}
	for _, u := range r.users {
		if u != userID {
			return invalid(ErrUser, "")
		}
	}
	sec := now.Unix()
	if r.hasNotAfter && sec > r.notAfter {
		return invalid(ErrExpired, "")
	}
	if sec < r.notBefore {
		return invalid(ErrNotYetValid, "")
	}
	return nil
}

// claims returns the collected restrictions as Claims.
func (r *restrictions) claims() Claims {
	var c Claims
	if r.restricted {
		c.Restricted = true
		c.Projects = append([]string{}, r.projects...)
	}
	if r.hasNotAfter {
		c.NotAfter = time.Unix(r.notAfter, 0).UTC()
	}
	return c
}

// maxUnix is the last second of the year 9999. Times in caveats are limited
// to 1970 through 9999 so that they convert to time.Time without overflow.
const maxUnix = 253402300799

// inTimeRange reports whether sec is a Unix time a caveat may carry.
func inTimeRange(sec int64) bool { return 0 <= sec && sec <= maxUnix }

var jsonNull = []byte("null")

// decodeStrict unmarshals JSON into v but, unlike json.Unmarshal, rejects a
// null, which would otherwise leave v at its zero value and let [null, ...]
// pass for tag 0.
func decodeStrict(data []byte, v any) error {
	if bytes.Equal(bytes.TrimSpace(data), jsonNull) {
		return errors.New("null is not allowed")
	}
	return json.Unmarshal(data, v)
}
