package password

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckStrength(t *testing.T) {
	tests := []struct {
		name   string
		pw     string
		inputs []string
		err    error // nil, a sentinel, or errWeak for a *WeakError
		advice string
	}{
		{name: "passphrase", pw: "correct horse battery staple"},
		{name: "random", pw: "x7#Qv!2mLp9z"},
		{name: "non-ascii", pw: "ränder küste wölkchen"},
		{name: "long and strong", pw: strings.Repeat("é", MaxLength-20) + "Zq8!vW2#kR7@pL4$mN1^"},
		{name: "empty", pw: "", err: ErrEmpty},
		{name: "seven characters", pw: "x7#Qv!2", err: ErrTooShort},
		{name: "seven runes", pw: "ränderé", err: ErrTooShort},
		{name: "too long", pw: strings.Repeat("a", MaxLength+1), err: ErrTooLong},
		{name: "NUL", pw: "correct horse\x00battery", err: ErrNUL},
		{name: "invalid UTF-8", pw: "correct horse \xff battery", err: ErrEncoding},
		{name: "common password", pw: "password1", err: errWeak, advice: "commonly used password"},
		{name: "keyboard", pw: "zxcvbnm,./", err: errWeak, advice: "keyboard"},
		{name: "repeat", pw: "aaaaaaaaaaaa", err: errWeak, advice: "repeated"},
		{name: "sequence", pw: "abcdefghijkl", err: errWeak, advice: "sequences"},
		{name: "user name", pw: "zebulonkowalczyk", inputs: []string{"zebulonkowalczyk"}, err: errWeak, advice: "user name"},
		{name: "email parts", pw: "kowalczykzebulon", inputs: []string{"zebulon.kowalczyk@example.org"}, err: errWeak, advice: "user name"},
		{name: "same without inputs", pw: "zebulonkowalczyk"},
		{name: "weak start of a long password", pw: strings.Repeat("a", 100) + "Zq8!vW2#kR7@pL4$", err: errWeak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStrength(tt.pw, tt.inputs...)
			var weak *WeakError
			switch {
			case tt.err == errWeak:
				if !errors.As(err, &weak) || weak.Score >= MinScore {
					t.Fatalf("CheckStrength = %v, want a *WeakError", err)
				}
				if !strings.Contains(err.Error(), tt.advice) {
					t.Errorf("message %q does not mention %q", err, tt.advice)
				}
			case !errors.Is(err, tt.err):
				t.Fatalf("CheckStrength = %v, want %v", err, tt.err)
			}
		})
	}
}

// errWeak stands for a *WeakError in test tables.
var errWeak = errors.New("weak")

// TestCheckStrengthBounded checks that the longest password costs little:
// only the first characters are scored.
func TestCheckStrengthBounded(t *testing.T) {
	for _, pw := range []string{strings.Repeat("1q2w3e4r", MaxLength/8), strings.Repeat("password", MaxLength/8)} {
		start := time.Now()
		_ = CheckStrength(pw)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("CheckStrength of %d characters took %v", len(pw), d)
		}
	}
}
