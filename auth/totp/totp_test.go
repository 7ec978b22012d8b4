package totp

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the SHA-1 key of RFC 6238, appendix B.
var rfcSecret = []byte("12345678901234567890")

func TestCodeRFC6238(t *testing.T) {
	// The RFC lists eight-digit codes; six-digit codes are their last six
	// digits, since both are the same number modulo a power of ten.
	tests := []struct {
		name string
		unix int64
		want string
	}{
		{name: "59", unix: 59, want: "287082"},
		{name: "1111111109", unix: 1111111109, want: "081804"},
		{name: "1111111111", unix: 1111111111, want: "050471"},
		{name: "1234567890", unix: 1234567890, want: "005924"},
		{name: "2000000000", unix: 2000000000, want: "279037"},
		{name: "20000000000", unix: 20000000000, want: "353130"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(rfcSecret, Step(time.Unix(tt.unix, 0))); got != tt.want {
				t.Errorf("Code = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestStep(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want int64
	}{
		{name: "epoch", t: time.Unix(0, 0), want: 0},
		{name: "end of first step", t: time.Unix(29, 999999999), want: 0},
		{name: "second step", t: time.Unix(30, 0), want: 1},
		{name: "before epoch", t: time.Unix(-1, 0), want: -1},
		{name: "RFC 1111111109", t: time.Unix(1111111109, 0), want: 0x23523EC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Step(tt.t); got != tt.want {
				t.Errorf("Step = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1700000000, 0)
	cur := Step(now)
	code := func(d int64) string { return Code(rfcSecret, cur+d) }
	tests := []struct {
		name     string
		code     string
		lastStep int64
		want     int64
		err      error
	}{
		{name: "current step", code: code(0), want: cur},
		{name: "previous step", code: code(-1), want: cur - 1},
		{name: "next step", code: code(1), want: cur + 1},
		{name: "two steps back", code: code(-2), err: ErrInvalid},
		{name: "two steps ahead", code: code(2), err: ErrInvalid},
		{name: "spaces inside", code: code(0)[:3] + " " + code(0)[3:], want: cur},
		{name: "surrounding white space", code: " \t" + code(0) + "\r\n", want: cur},
		{name: "spaces between digits", code: strings.Join(strings.Split(code(0), ""), " "), want: cur},
		{name: "replay of current step", code: code(0), lastStep: cur, err: ErrReused},
		{name: "older code after newer", code: code(-1), lastStep: cur, err: ErrReused},
		{name: "newer code after older", code: code(1), lastStep: cur, want: cur + 1},
		{name: "previous step after older use", code: code(-1), lastStep: cur - 2, want: cur - 1},
		{name: "wrong code", code: wrong(code(-1), code(0), code(1)), err: ErrInvalid},
		{name: "five digits", code: code(0)[:5], err: ErrMalformed},
		{name: "seven digits", code: code(0) + "0", err: ErrMalformed},
		{name: "empty", code: "", err: ErrMalformed},
		{name: "letters", code: "12a456", err: ErrMalformed},
		{name: "dash", code: code(0)[:3] + "-" + code(0)[3:], err: ErrMalformed},
		{name: "full-width digits", code: "１２３４５６", err: ErrMalformed},
		{name: "sign", code: "+" + code(0)[1:], err: ErrMalformed},
		{name: "too long input", code: code(0) + strings.Repeat(" ", 100), err: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(rfcSecret, tt.code, now, tt.lastStep)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("Verify(%q) = %d, %v; want %d, %v", tt.code, got, err, tt.want, tt.err)
			}
		})
	}
}

// wrong returns a six-digit code that differs from all of codes.
func wrong(codes ...string) string {
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !strings.Contains(strings.Join(codes, ","), c) {
			return c
		}
	}
	panic("unreachable")
}

func TestVerifyShortSecret(t *testing.T) {
	now := time.Unix(1700000000, 0)
	secret := []byte("short")
	if _, err := Verify(secret, Code(secret, Step(now)), now, 0); !errors.Is(err, ErrSecret) {
		t.Fatalf("Verify with a %d-byte secret: err = %v, want ErrSecret", len(secret), err)
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != SecretSize || string(a) == string(b) {
		t.Fatalf("NewSecret = %x, %x; want two different %d-byte secrets", a, b, SecretSize)
	}
}

func TestURI(t *testing.T) {
	tests := []struct {
		name            string
		issuer, account string
		want            string
	}{
		{
			name: "plain", issuer: "wharf", account: "alice",
			want: "otpauth://totp/wharf:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=wharf&algorithm=SHA1&digits=6&period=30",
		},
		{
			name: "spaces colons and at", issuer: "Acme Index", account: "a:b@example.com",
			want: "otpauth://totp/Acme%20Index:a%3Ab%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Index&algorithm=SHA1&digits=6&period=30",
		},
		{
			name: "query characters", issuer: "x&y=z?", account: "é",
			want: "otpauth://totp/x%26y%3Dz%3F:%C3%A9?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=x%26y%3Dz%3F&algorithm=SHA1&digits=6&period=30",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URI(rfcSecret, tt.issuer, tt.account); got != tt.want {
				t.Errorf("URI =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestFormatSecret(t *testing.T) {
	tests := []struct {
		name   string
		secret []byte
		want   string
	}{
		{name: "RFC key", secret: rfcSecret, want: "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"},
		{name: "uneven", secret: []byte("ab"), want: "MFRA"},
		{name: "uneven tail", secret: []byte("abc"), want: "MFRG G"},
		{name: "empty", secret: nil, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatSecret(tt.secret); got != tt.want {
				t.Errorf("FormatSecret = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzVerify checks that code parsing never panics and that Verify accepts
// only input that, with spaces removed, is exactly the code of the step it
// reports, inside the window and after lastStep.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1700000000, 0)
	cur := Step(now)
	for _, s := range []string{Code(rfcSecret, cur), " 123 456 ", "", "12345", "1234567", "١٢٣٤٥٦", "12\x00456"} {
		f.Add(s, int64(0))
	}
	f.Add(Code(rfcSecret, cur+1), cur)
	f.Fuzz(func(t *testing.T, code string, lastStep int64) {
		step, err := Verify(rfcSecret, code, now, lastStep)
		if err != nil {
			if step != 0 {
				t.Fatalf("Verify(%q) failed with step %d", code, step)
			}
			return
		}
		if step < cur-Skew || step > cur+Skew || step <= lastStep {
			t.Fatalf("Verify(%q, lastStep %d) matched step %d outside the window", code, lastStep, step)
		}
		if got := strings.ReplaceAll(strings.TrimSpace(code), " ", ""); got != Code(rfcSecret, step) {
			t.Fatalf("Verify accepted %q for step %d, whose code is %s", code, step, Code(rfcSecret, step))
		}
	})
}
