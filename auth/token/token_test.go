package token_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/macaroon.v2"

	"wharf/auth/token"
)

var (
	testNow    = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	testSecret = bytes.Repeat([]byte("s"), token.MinSecretLength)
	testID     = "0123456789abcdef0123456789abcdef"
)

func newService(t testing.TB, secret []byte) *token.Service {
	t.Helper()
	s, err := token.NewService(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mint(t testing.TB, c token.Caveats) string {
	t.Helper()
	tok, err := newService(t, testSecret).Mint(testID, "https://wharf.test", c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func restrict(t testing.TB, tok string, projects []string, notAfter time.Time) string {
	t.Helper()
	out, err := token.Restrict(tok, projects, notAfter)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawBytes returns the binary macaroon inside tok.
func rawBytes(t testing.TB, tok string) []byte {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, token.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func encodeRaw(raw []byte) string {
	return token.Prefix + base64.RawURLEncoding.EncodeToString(raw)
}

func encodeMacaroon(t testing.TB, m *macaroon.Macaroon) string {
	t.Helper()
	raw, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return encodeRaw(raw)
}

// withCaveat appends a first-party caveat holding cond, as any holder of a
// token can.
func withCaveat(t testing.TB, tok, cond string) string {
	t.Helper()
	var m macaroon.Macaroon
	if err := m.UnmarshalBinary(rawBytes(t, tok)); err != nil {
		t.Fatal(err)
	}
	if err := m.AddFirstPartyCaveat([]byte(cond)); err != nil {
		t.Fatal(err)
	}
	return encodeMacaroon(t, &m)
}

// flipLast flips a bit in the last byte of tok's macaroon, which is part of
// its signature.
func flipLast(t testing.TB, tok string) string {
	raw := rawBytes(t, tok)
	raw[len(raw)-1] ^= 1
	return encodeRaw(raw)
}

// replaceOnce replaces old by new in tok's macaroon bytes.
func replaceOnce(t testing.TB, tok, old, new string) string {
	t.Helper()
	raw := rawBytes(t, tok)
	if !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("%q not in token", old)
	}
	return encodeRaw(bytes.Replace(raw, []byte(old), []byte(new), 1))
}

// verifyCase is a case of TestVerify.
type verifyCase struct {
	name    string
	token   func(t *testing.T) string
	secret  []byte // testSecret if nil
	req     token.Request
	want    token.Claims
	wantErr error
	wantMsg string
}

// restricted returns a function that mints a token with c and restricts it
// offline.
func restricted(c token.Caveats, projects []string, notAfter time.Time) func(t *testing.T) string {
	return func(t *testing.T) string { return restrict(t, mint(t, c), projects, notAfter) }
}

func TestVerify(t *testing.T) {
	user5 := token.Caveats{UserID: 5}
	scoped := token.Caveats{UserID: 5, Projects: []string{"proj-b", "proj-a"}}
	expiring := token.Caveats{UserID: 5, NotAfter: testNow.Add(time.Hour)}
	req := token.Request{Now: testNow, UserID: 5, Project: "proj-a"}
	at := func(d time.Duration) token.Request { r := req; r.Now = testNow.Add(d); return r }
	forProject := func(p string) token.Request { r := req; r.Project = p; return r }

	tests := []verifyCase{
		{
			name:  "valid unrestricted",
			token: func(t *testing.T) string { return mint(t, user5) },
			req:   req,
		},
		{
			name:  "valid scoped",
			token: func(t *testing.T) string { return mint(t, scoped) },
			req:   req,
			want:  token.Claims{Restricted: true, Projects: []string{"proj-a", "proj-b"}},
		},
		{
			name:  "valid until expiry",
			token: func(t *testing.T) string { return mint(t, expiring) },
			req:   at(time.Hour),
			want:  token.Claims{NotAfter: testNow.Add(time.Hour)},
		},
		{
			name:  "expiry has second precision",
			token: func(t *testing.T) string { return mint(t, expiring) },
			req:   at(time.Hour + 999*time.Millisecond),
			want:  token.Claims{NotAfter: testNow.Add(time.Hour)},
		},
		{
			name:    "expired",
			token:   func(t *testing.T) string { return mint(t, expiring) },
			req:     at(time.Hour + time.Second),
			wantErr: token.ErrExpired,
			wantMsg: "Invalid API Token: token is expired",
		},
		{
			name:    "wrong secret",
			token:   func(t *testing.T) string { return mint(t, user5) },
			secret:  bytes.Repeat([]byte("t"), 32),
			req:     req,
			wantErr: token.ErrSignature,
		},
		{
			name:    "tampered signature",
			token:   func(t *testing.T) string { return flipLast(t, mint(t, user5)) },
			req:     req,
			wantErr: token.ErrSignature,
		},
		{
			name: "tampered user caveat",
			token: func(t *testing.T) string {
				return replaceOnce(t, mint(t, token.Caveats{UserID: 6}), "[3,6]", "[3,5]")
			},
			req:     req,
			wantErr: token.ErrSignature,
		},
		{
			name: "tampered id",
			token: func(t *testing.T) string {
				return replaceOnce(t, mint(t, user5), testID, strings.Repeat("0", 32))
			},
			req:     req,
			wantErr: token.ErrSignature,
		},
		{
			name: "caveat shortened in place",
			token: func(t *testing.T) string {
				return replaceOnce(t, mint(t, scoped), `"proj-b",`, "")
			},
			req:     req,
			wantErr: token.ErrMalformed,
		},
		{
			name:    "wrong user",
			token:   func(t *testing.T) string { return mint(t, user5) },
			req:     token.Request{Now: testNow, UserID: 6, Project: "proj-a"},
			wantErr: token.ErrUser,
		},
		{
			name:    "other project",
			token:   func(t *testing.T) string { return mint(t, scoped) },
			req:     forProject("proj-c"),
			wantErr: token.ErrProject,
			wantMsg: "Invalid API Token: project-scoped token is not valid for project: 'proj-c'",
		},
		{
			name:    "unnormalized project is not echoed",
			token:   func(t *testing.T) string { return mint(t, scoped) },
			req:     forProject("<b>Proj"),
			wantErr: token.ErrProject,
			wantMsg: "Invalid API Token: project-scoped token is not valid for project",
		},
		{
			name:  "restricted offline to one project",
			token: restricted(scoped, []string{"proj-a"}, time.Time{}),
			req:   req,
			want:  token.Claims{Restricted: true, Projects: []string{"proj-a"}},
		},
		{
			name:    "restricted offline excludes dropped project",
			token:   restricted(scoped, []string{"proj-a"}, time.Time{}),
			req:     forProject("proj-b"),
			wantErr: token.ErrProject,
		},
		{
			name:    "restricted offline from unrestricted",
			token:   restricted(user5, []string{"proj-z"}, time.Time{}),
			req:     req,
			wantErr: token.ErrProject,
		},
		{
			name:    "restrict cannot widen projects",
			token:   restricted(scoped, []string{"proj-a", "proj-c"}, time.Time{}),
			req:     forProject("proj-c"),
			wantErr: token.ErrProject,
		},
		{
			name:  "restrict cannot widen claims",
			token: restricted(scoped, []string{"proj-a", "proj-c"}, time.Time{}),
			req:   req,
			want:  token.Claims{Restricted: true, Projects: []string{"proj-a"}},
		},
		{
			name:    "disjoint restrictions allow nothing",
			token:   restricted(scoped, []string{"proj-c"}, time.Time{}),
			req:     forProject("proj-c"),
			wantErr: token.ErrProject,
		},
		{
			name:    "restrict cannot extend expiry",
			token:   restricted(expiring, nil, testNow.Add(48*time.Hour)),
			req:     at(2 * time.Hour),
			wantErr: token.ErrExpired,
		},
		{
			name:    "restrict shortens expiry",
			token:   restricted(expiring, nil, testNow.Add(time.Minute)),
			req:     at(2 * time.Minute),
			wantErr: token.ErrExpired,
		},
		{
			name:  "earliest expiry in claims",
			token: restricted(expiring, nil, testNow.Add(time.Minute)),
			req:   req,
			want:  token.Claims{NotAfter: testNow.Add(time.Minute)},
		},
		{
			name:    "not yet valid",
			token:   func(t *testing.T) string { return withCaveat(t, mint(t, user5), "[0,253402300799,1773500967]") },
			req:     req,
			wantErr: token.ErrNotYetValid,
		},
		{
			name:    "second user caveat must match too",
			token:   func(t *testing.T) string { return withCaveat(t, mint(t, user5), "[3,6]") },
			req:     req,
			wantErr: token.ErrUser,
		},
		{
			name:    "foreign root key",
			token:   func(t *testing.T) string { return encodeMacaroon(t, foreignMacaroon(t)) },
			req:     req,
			wantErr: token.ErrSignature,
		},
		{
			name:    "malformed",
			token:   func(*testing.T) string { return "wharf-%%%" },
			req:     req,
			wantErr: token.ErrMalformed,
			wantMsg: "Invalid API Token: token is malformed",
		},
	}
	for _, c := range badCaveats {
		tests = append(tests, verifyCase{
			name:    "caveat " + c,
			token:   func(t *testing.T) string { return withCaveat(t, mint(t, user5), c) },
			req:     req,
			wantErr: token.ErrCaveat,
			wantMsg: "Invalid API Token: token has an unknown or malformed restriction",
		})
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := testSecret
			if tt.secret != nil {
				secret = tt.secret
			}
			got, err := newService(t, secret).Verify(tt.token(t), tt.req)
			if tt.wantErr != nil {
				checkInvalid(t, err, tt.wantErr, tt.wantMsg)
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			checkClaims(t, got, tt.want)
		})
	}
}

// badCaveats are caveats that must fail verification even when signed.
var badCaveats = []string{
	`[99,1]`,
	`[2,"0123"]`,
	`[4,"request"]`,
	`not json`,
	`{}`,
	`[]`,
	`null`,
	`[null,1,0]`,
	`["0",1,0]`,
	`[0.0,1,0]`,
	`[0,"1",0]`,
	`[0,1]`,
	`[0,1,0,0]`,
	`[0,1e3,0]`,
	`[0,-1,0]`,
	`[0,253402300800,0]`,
	`[0,null,0]`,
	`[1]`,
	`[1,[]]`,
	`[1,null]`,
	`[1,[null]]`,
	`[1,"proj-a"]`,
	`[1,["Proj-A"]]`,
	`[1,["proj_a"]]`,
	`[1,["proj--a"]]`,
	`[1,["-proj"]]`,
	`[1,["proj-a"],["proj-b"]]`,
	`[3]`,
	`[3,"5"]`,
	`[3,5.5]`,
	`[3,null]`,
	`[3,5,6]`,
	`[3,5] trailing`,
}

// foreignMacaroon returns a macaroon with a valid id but made with a key
// that is not derived from the server secret.
func foreignMacaroon(t testing.TB) *macaroon.Macaroon {
	t.Helper()
	m, err := macaroon.New([]byte("some other key"), []byte(testID), "", macaroon.V2)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func checkInvalid(t *testing.T, err, want error, wantMsg string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	var ie *token.InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("err %T is not *InvalidError", err)
	}
	if wantMsg != "" && err.Error() != wantMsg {
		t.Errorf("message = %q, want %q", err.Error(), wantMsg)
	}
}

func checkClaims(t *testing.T, got, want token.Claims) {
	t.Helper()
	if got.Restricted != want.Restricted || !slices.Equal(got.Projects, want.Projects) ||
		!got.NotAfter.Equal(want.NotAfter) || (got.Projects == nil) != (want.Projects == nil) {
		t.Errorf("claims = %+v, want %+v", got, want)
	}
}

func TestVerifyZeroNow(t *testing.T) {
	_, err := newService(t, testSecret).Verify(mint(t, token.Caveats{UserID: 5}), token.Request{UserID: 5})
	var ie *token.InvalidError
	if err == nil || errors.As(err, &ie) {
		t.Fatalf("err = %v, want a plain error", err)
	}
}

func TestInspect(t *testing.T) {
	svc := newService(t, testSecret)
	tests := []struct {
		name     string
		caveats  token.Caveats
		userID   int64
		wantErr  error
		allows   []string
		disallow []string
	}{
		{name: "unrestricted", caveats: token.Caveats{UserID: 5}, userID: 5, allows: []string{"any", "other"}},
		{
			name:     "scoped is not checked but reported",
			caveats:  token.Caveats{UserID: 5, Projects: []string{"proj-a"}},
			userID:   5,
			allows:   []string{"proj-a"},
			disallow: []string{"proj-b", ""},
		},
		{name: "wrong user", caveats: token.Caveats{UserID: 5}, userID: 7, wantErr: token.ErrUser},
		{
			name:    "expired",
			caveats: token.Caveats{UserID: 5, NotAfter: testNow.Add(-time.Second)},
			userID:  5,
			wantErr: token.ErrExpired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := svc.Inspect(mint(t, tt.caveats), testNow, tt.userID)
			if tt.wantErr != nil {
				checkInvalid(t, err, tt.wantErr, "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.allows {
				if !c.Allows(p) {
					t.Errorf("Allows(%q) = false", p)
				}
			}
			for _, p := range tt.disallow {
				if c.Allows(p) {
					t.Errorf("Allows(%q) = true", p)
				}
			}
		})
	}
}

func TestParseID(t *testing.T) {
	valid := mint(t, token.Caveats{UserID: 5})
	v1, err := macaroon.New([]byte("k"), []byte(testID), "", macaroon.V1)
	if err != nil {
		t.Fatal(err)
	}
	badID, err := macaroon.New([]byte("k"), []byte("not-hex"), "", macaroon.V2)
	if err != nil {
		t.Fatal(err)
	}
	thirdParty, err := macaroon.New([]byte("k"), []byte(testID), "", macaroon.V2)
	if err != nil {
		t.Fatal(err)
	}
	if err := thirdParty.AddThirdPartyCaveat([]byte("k2"), []byte("cav"), "https://elsewhere"); err != nil {
		t.Fatal(err)
	}
	raw := rawBytes(t, valid)
	b64 := strings.TrimPrefix(valid, token.Prefix)

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{name: "valid", token: valid, want: testID},
		{name: "restricted", token: restrict(t, valid, []string{"proj"}, testNow), want: testID},
		{name: "empty", token: ""},
		{name: "prefix only", token: token.Prefix},
		{name: "other prefix", token: "pypi-" + b64},
		{name: "no prefix", token: b64},
		{name: "upper-case prefix", token: "WHARF-" + b64},
		{name: "bad base64", token: token.Prefix + "!!!!"},
		{name: "standard base64", token: token.Prefix + base64.RawStdEncoding.EncodeToString(raw)},
		{name: "padded base64", token: valid + "="},
		{name: "line break", token: token.Prefix + b64[:10] + "\n" + b64[10:]},
		{name: "surrounding space", token: " " + valid + " "},
		{name: "trailing byte", token: encodeRaw(append(bytes.Clone(raw), 0))},
		{name: "truncated", token: encodeRaw(raw[:len(raw)-1])},
		{name: "garbage", token: encodeRaw([]byte("hello, world"))},
		{name: "version 1", token: encodeMacaroon(t, v1)},
		{name: "id not hex", token: encodeMacaroon(t, badID)},
		{name: "third-party caveat", token: encodeMacaroon(t, thirdParty)},
		{name: "too long", token: token.Prefix + strings.Repeat("A", token.MaxLength)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := token.ParseID(tt.token)
			if tt.want == "" {
				checkInvalid(t, err, token.ErrMalformed, "Invalid API Token: token is malformed")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseID = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestMintErrors(t *testing.T) {
	svc := newService(t, testSecret)
	tests := []struct {
		name    string
		id      string
		caveats token.Caveats
	}{
		{name: "short id", id: "abc", caveats: token.Caveats{UserID: 1}},
		{name: "upper-case id", id: strings.ToUpper(testID), caveats: token.Caveats{UserID: 1}},
		{name: "zero user", id: testID},
		{name: "negative user", id: testID, caveats: token.Caveats{UserID: -1}},
		{name: "unnormalized project", id: testID, caveats: token.Caveats{UserID: 1, Projects: []string{"Foo_Bar"}}},
		{name: "empty project", id: testID, caveats: token.Caveats{UserID: 1, Projects: []string{""}}},
		{name: "expiry before 1970", id: testID, caveats: token.Caveats{UserID: 1, NotAfter: time.Unix(-1, 0)}},
		{name: "expiry after 9999", id: testID, caveats: token.Caveats{UserID: 1, NotAfter: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{name: "too many projects", id: testID, caveats: token.Caveats{UserID: 1, Projects: manyProjects(400)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, err := svc.Mint(tt.id, "", tt.caveats); err == nil {
				t.Fatalf("Mint = %q, want error", tok)
			}
		})
	}
}

func manyProjects(n int) []string {
	var names []string
	for i := range n {
		names = append(names, "project-"+strings.Repeat("x", i%10)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	return names
}

func TestMintDuplicateProjects(t *testing.T) {
	tok := mint(t, token.Caveats{UserID: 5, Projects: []string{"a", "b", "a"}})
	if !bytes.Contains(rawBytes(t, tok), []byte(`[1,["a","b"]]`)) {
		t.Errorf("duplicates kept in project caveat")
	}
}

func TestRestrictErrors(t *testing.T) {
	valid := mint(t, token.Caveats{UserID: 5})
	tests := []struct {
		name     string
		token    string
		projects []string
		notAfter time.Time
	}{
		{name: "malformed token", token: "wharf-AAAA"},
		{name: "unnormalized project", token: valid, projects: []string{"A"}},
		{name: "expiry out of range", token: valid, notAfter: time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "result too long", token: valid, projects: manyProjects(400)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, err := token.Restrict(tt.token, tt.projects, tt.notAfter); err == nil {
				t.Fatalf("Restrict = %q, want error", tok)
			}
		})
	}
}

func TestRestrictNothing(t *testing.T) {
	valid := mint(t, token.Caveats{UserID: 5})
	if got := restrict(t, valid, nil, time.Time{}); got != valid {
		t.Errorf("Restrict without caveats changed the token")
	}
}

func TestNewService(t *testing.T) {
	tests := []struct {
		name    string
		secret  []byte
		wantErr bool
	}{
		{name: "nil", secret: nil, wantErr: true},
		{name: "31 bytes", secret: make([]byte, 31), wantErr: true},
		{name: "32 bytes", secret: make([]byte, 32)},
		{name: "64 bytes", secret: make([]byte, 64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := token.NewService(tt.secret)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewService err = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}

func TestNewServiceCopiesSecret(t *testing.T) {
	secret := bytes.Clone(testSecret)
	svc := newService(t, secret)
	tok := mint(t, token.Caveats{UserID: 5})
	secret[0] ^= 1
	if _, err := svc.Verify(tok, token.Request{Now: testNow, UserID: 5}); err != nil {
		t.Fatalf("Verify after caller changed its secret slice: %v", err)
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, err := token.NewID()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Fatalf("NewID = %q, want 32 lower-case hex digits", id)
		}
		if seen[id] {
			t.Fatalf("NewID repeated %q", id)
		}
		seen[id] = true
		if _, err := newService(t, testSecret).Mint(id, "", token.Caveats{UserID: 1}); err != nil {
			t.Fatalf("Mint with NewID: %v", err)
		}
	}
}

func TestRootKeyDependsOnID(t *testing.T) {
	svc := newService(t, testSecret)
	a, err := svc.Mint(testID, "", token.Caveats{UserID: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Mint(strings.Repeat("f", 32), "", token.Caveats{UserID: 5})
	if err != nil {
		t.Fatal(err)
	}
	sigA, sigB := rawBytes(t, a), rawBytes(t, b)
	if bytes.Equal(sigA[len(sigA)-32:], sigB[len(sigB)-32:]) {
		t.Fatal("tokens with different ids share a signature")
	}
}
