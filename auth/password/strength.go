package password

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

const (
	// MinLength is the fewest characters a new password may have, as on
	// PyPI.
	MinLength = 8

	// MinScore is the lowest zxcvbn score (0 to 4) a new password may
	// have, as on PyPI: about 10^8 guesses, too many for an online attack
	// that is rate-limited.
	MinScore = 2

	// scoredRunes is how many characters of a password zxcvbn looks at.
	// zxcvbn's time grows with the cube of the length: 100 characters take
	// up to about 30 ms, 512 over a second and 4096 would take hours. A
	// password whose first 100 characters score well is strong whatever
	// follows; one whose first 100 characters are weak is refused even if
	// the rest would have saved it, a rare case with an easy fix.
	scoredRunes = 100
)

// Errors CheckStrength returns besides a *WeakError. Their messages are safe
// to show.
var (
	ErrTooShort = errors.New("password must be at least 8 characters long")
	ErrEncoding = errors.New("password must be valid UTF-8 text")
)

// WeakError is returned by CheckStrength for a password that is too easy
// to guess. Its message is safe to show and says what to avoid.
type WeakError struct {
	// Score is the zxcvbn score, below MinScore.
	Score int
	// Suggestion is one sentence on how to choose better.
	Suggestion string
}

// Error returns the user-facing message.
func (e *WeakError) Error() string {
	return "password is too easy to guess. " + e.Suggestion
}

// CheckStrength applies the policy for choosing a new password: at least
// MinLength and at most MaxLength characters, no NUL, valid UTF-8, and a
// zxcvbn score of at least MinScore, where userInputs (the user name,
// display name, email address) count as words an attacker would try first.
// Only the first 100 characters are scored, which bounds the time a request
// can cost (see scoredRunes). It returns ErrTooShort, ErrTooLong, ErrNUL,
// ErrEncoding or a *WeakError. Hash does not call it: the policy applies
// when a password is chosen, not to passwords already set.
func CheckStrength(pw string, userInputs ...string) error {
	if err := check(pw); err != nil {
		return err
	}
	if !utf8.ValidString(pw) {
		return ErrEncoding
	}
	if utf8.RuneCountInString(pw) < MinLength {
		return ErrTooShort
	}
	scored := pw
	if n := utf8.RuneCountInString(pw); n > scoredRunes {
		scored = string([]rune(pw)[:scoredRunes])
	}
	r := zxcvbn.PasswordStrength(scored, expandInputs(userInputs))
	if r.Score >= MinScore {
		return nil
	}
	return &WeakError{Score: r.Score, Suggestion: suggestion(r.Sequence)}
}

// expandInputs returns the user inputs together with their parts, so that
// "alice.smith@example.com" also makes "alice", "smith" and "example" known
// words. Parts shorter than three characters are left out: they would only
// match by chance.
func expandInputs(inputs []string) []string {
	var out []string
	for _, in := range inputs {
		in = strings.ToLower(in)
		if in == "" {
			continue
		}
		out = append(out, in)
		parts := strings.FieldsFunc(in, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for _, p := range parts {
			if utf8.RuneCountInString(p) >= 3 && p != in {
				out = append(out, p)
			}
		}
	}
	return out
}

// suggestion returns advice for a weak password from the patterns zxcvbn
// found in it, looking at the longest match first, since that explains
// most of the weakness.
func suggestion(seq []*match.Match) string {
	var longest *match.Match
	for _, m := range seq {
		if m.Pattern != "bruteforce" && (longest == nil || m.J-m.I > longest.J-longest.I) {
			longest = m
		}
	}
	if longest == nil {
		return "Use a longer password, such as a few uncommon words together."
	}
	switch longest.Pattern {
	case "dictionary":
		switch {
		case longest.DictionaryName == "user_inputs":
			return "Do not build it from your user name, name or email address."
		case longest.DictionaryName == "passwords":
			return "It is, or is close to, a commonly used password."
		case longest.Reversed || longest.L33t:
			return "Reversed words and predictable substitutions such as '@' for 'a' do not help much."
		default:
			return "Common words and names are easy to guess; add more words, and less common ones."
		}
	case "spatial":
		return "Avoid keyboard patterns such as 'qwerty' or 'zxcvbn'."
	case "repeat":
		return "Avoid repeated characters and words."
	case "sequence":
		return "Avoid sequences such as 'abc' or '6543'."
	case "date", "regex":
		return "Avoid dates and years, which are easy to guess."
	}
	return "Use a longer password, such as a few uncommon words together."
}
