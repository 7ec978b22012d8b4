package password

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	tests := []struct {
		name  string
		pw    string
		try   string
		match bool
	}{
		{name: "same password", pw: "correct horse battery staple", try: "correct horse battery staple", match: true},
		{name: "non-ascii", pw: "pässwörd ✓ 密码", try: "pässwörd ✓ 密码", match: true},
		{name: "longest", pw: strings.Repeat("é", MaxLength), try: strings.Repeat("é", MaxLength), match: true},
		{name: "wrong password", pw: "correct horse battery staple", try: "correct horse battery stapl", match: false},
		{name: "case differs", pw: "Secret", try: "secret", match: false},
		{name: "empty attempt", pw: "secret", try: "", match: false},
		{name: "attempt with NUL", pw: "secret", try: "secret\x00", match: false},
		{name: "attempt too long", pw: "secret", try: strings.Repeat("a", MaxLength+1), match: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := Hash(tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("Hash = %q, want current parameters", enc)
			}
			ok, rehash, err := Verify(enc, tt.try)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.match || rehash {
				t.Errorf("Verify = %v, %v; want %v, false", ok, rehash, tt.match)
			}
		})
	}
}

func TestHashSalted(t *testing.T) {
	a, err := Hash("same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hash("same")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two hashes of one password are equal")
	}
}

func TestHashPolicy(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{name: "empty", pw: "", want: ErrEmpty},
		{name: "too long", pw: strings.Repeat("a", MaxLength+1), want: ErrTooLong},
		{name: "too many characters", pw: strings.Repeat("é", MaxLength+1), want: ErrTooLong},
		{name: "NUL", pw: "abc\x00def", want: ErrNUL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := Hash(tt.pw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Hash = %q, %v; want %v", enc, err, tt.want)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := hashWith("pw", current, bytes.Repeat([]byte{1}, 16))
	salt := b64.EncodeToString(bytes.Repeat([]byte{1}, 16))
	key := good[strings.LastIndexByte(good, '$')+1:]
	tests := []struct {
		name string
		enc  string
	}{
		{name: "empty", enc: ""},
		{name: "bcrypt", enc: "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
		{name: "argon2i", enc: strings.Replace(good, "argon2id", "argon2i", 1)},
		{name: "version 16", enc: strings.Replace(good, "v=19", "v=16", 1)},
		{name: "missing version", enc: strings.Replace(good, "$v=19", "", 1)},
		{name: "extra field", enc: good + "$"},
		{name: "leading text", enc: "x" + good},
		{name: "params reordered", enc: "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key},
		{name: "param missing", enc: "$argon2id$v=19$m=19456,t=2$" + salt + "$" + key},
		{name: "leading zero", enc: "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key},
		{name: "plus sign", enc: "$argon2id$v=19$m=+19456,t=2,p=1$" + salt + "$" + key},
		{name: "space", enc: "$argon2id$v=19$m=19456, t=2,p=1$" + salt + "$" + key},
		{name: "zero time", enc: "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key},
		{name: "zero threads", enc: "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key},
		{name: "memory below 8 per lane", enc: "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + key},
		{name: "huge memory", enc: "$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key},
		{name: "huge time", enc: "$argon2id$v=19$m=19456,t=100000,p=1$" + salt + "$" + key},
		{name: "too many threads", enc: "$argon2id$v=19$m=19456,t=2,p=255$" + salt + "$" + key},
		{name: "memory overflows", enc: "$argon2id$v=19$m=99999999999,t=2,p=1$" + salt + "$" + key},
		{name: "padded salt", enc: "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key},
		{name: "bad base64 key", enc: "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:10] + "!" + key[11:]},
		{name: "short salt", enc: "$argon2id$v=19$m=19456,t=2,p=1$AAAA$" + key},
		{name: "empty key", enc: "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$"},
		{name: "short key", enc: "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$AAAAAAAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(tt.enc, "pw")
			if !errors.Is(err, ErrMalformedHash) || ok || rehash {
				t.Fatalf("Verify = %v, %v, %v; want ErrMalformedHash", ok, rehash, err)
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	good := hashWith("pw", current, bytes.Repeat([]byte{1}, 16))
	f := strings.Split(good, "$")
	flip := func(s string) string {
		b, err := b64.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		b[0] ^= 1
		return b64.EncodeToString(b)
	}
	tests := []struct {
		name string
		enc  string
	}{
		{name: "salt", enc: strings.Join([]string{"", f[1], f[2], f[3], flip(f[4]), f[5]}, "$")},
		{name: "key", enc: strings.Join([]string{"", f[1], f[2], f[3], f[4], flip(f[5])}, "$")},
		{name: "memory", enc: strings.Replace(good, "m=19456", "m=19457", 1)},
		{name: "time", enc: strings.Replace(good, "t=2", "t=3", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, _, err := Verify(tt.enc, "pw")
			if err != nil || ok {
				t.Fatalf("Verify = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	tests := []struct {
		name string
		p    params
		want bool
	}{
		{name: "current", p: current, want: false},
		{name: "less memory", p: params{memory: 4096, time: 2, threads: 1, saltLen: 16, keyLen: 32}, want: true},
		{name: "fewer passes", p: params{memory: 19456, time: 1, threads: 1, saltLen: 16, keyLen: 32}, want: true},
		{name: "shorter salt", p: params{memory: 19456, time: 2, threads: 1, saltLen: 8, keyLen: 32}, want: true},
		{name: "shorter key", p: params{memory: 19456, time: 2, threads: 1, saltLen: 16, keyLen: 16}, want: true},
		{name: "more memory", p: params{memory: 20480, time: 2, threads: 1, saltLen: 16, keyLen: 32}, want: false},
		{name: "more passes and lanes", p: params{memory: 19456, time: 3, threads: 2, saltLen: 16, keyLen: 32}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := hashWith("pw", tt.p, bytes.Repeat([]byte{7}, tt.p.saltLen))
			ok, rehash, err := Verify(enc, "pw")
			if err != nil || !ok || rehash != tt.want {
				t.Fatalf("Verify(%q) = %v, %v, %v; want true, %v, nil", enc, ok, rehash, err, tt.want)
			}
			if ok, rehash, err := Verify(enc, "other"); err != nil || ok || rehash {
				t.Fatalf("Verify with wrong password = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

// FuzzDecode checks that the hash parser never panics, keeps its bounds and
// accepts only the one spelling encode produces.
func FuzzDecode(f *testing.F) {
	f.Add(hashWith("pw", current, bytes.Repeat([]byte{1}, 16)))
	f.Add("$argon2id$v=19$m=1,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decode(s)
		if err != nil {
			return
		}
		if p.memory > maxMemory || p.time > maxTime || p.threads > maxThreads || p.threads == 0 || p.time == 0 {
			t.Fatalf("decode(%q) accepted out-of-bounds params %+v", s, p)
		}
		if encode(p, salt, key) != s {
			t.Fatalf("decode(%q) accepted a non-canonical encoding", s)
		}
	})
}
