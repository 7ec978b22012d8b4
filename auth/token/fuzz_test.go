package token_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"wharf/auth/token"
)

func FuzzParseID(f *testing.F) {
	valid := mint(f, token.Caveats{UserID: 5, Projects: []string{"proj-a"}, NotAfter: testNow})
	for _, s := range []string{valid, "", token.Prefix, "wharf-AgEA", "wharf-" + "A=", valid[:len(valid)-3]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := token.ParseID(s)
		if err != nil {
			if !errors.Is(err, token.ErrMalformed) {
				t.Fatalf("ParseID error %v is not ErrMalformed", err)
			}
			return
		}
		if len(id) != 32 {
			t.Fatalf("ParseID accepted id %q", id)
		}
		// A token ParseID accepts can be restricted and parsed again.
		r, err := token.Restrict(s, []string{"x"}, time.Time{})
		if err == nil {
			if id2, err := token.ParseID(r); err != nil || id2 != id {
				t.Fatalf("ParseID(Restrict(s)) = %q, %v", id2, err)
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	svc := newService(f, testSecret)
	valid := mint(f, token.Caveats{UserID: 5, Projects: []string{"proj-a"}, NotAfter: testNow.Add(time.Hour)})
	f.Add(valid)
	f.Add(flipLast(f, valid))
	f.Add(withCaveat(f, valid, "[0,1,0]"))
	f.Add("wharf-")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := svc.Verify(s, token.Request{Now: testNow, UserID: 5, Project: "proj-a"})
		if err != nil {
			var ie *token.InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("Verify error %v is not *InvalidError", err)
			}
			return
		}
		if !c.Allows("proj-a") {
			t.Fatalf("Verify succeeded with claims %+v that exclude the project", c)
		}
	})
}

// FuzzCaveat appends an arbitrary caveat to a valid token, as any holder
// could, and checks that the result never verifies with more rights than the
// original: never for another user, project or a later time.
func FuzzCaveat(f *testing.F) {
	svc := newService(f, testSecret)
	valid := mint(f, token.Caveats{UserID: 5, Projects: []string{"proj-a", "proj-b"}, NotAfter: testNow.Add(time.Hour)})
	for _, c := range append(slices.Clone(badCaveats), `[1,["proj-a","proj-c"]]`, `[0,9999999999,0]`, `[3,5]`, `[3,6]`) {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, cond []byte) {
		tok := withCaveat(t, valid, string(cond))
		if len(tok) > token.MaxLength {
			return
		}
		for _, req := range []token.Request{
			{Now: testNow, UserID: 6, Project: "proj-a"},
			{Now: testNow, UserID: 5, Project: "proj-c"},
			{Now: testNow.Add(time.Hour + time.Second), UserID: 5, Project: "proj-a"},
		} {
			if c, err := svc.Verify(tok, req); err == nil {
				t.Fatalf("caveat %q widened the token: %+v verifies with claims %+v", cond, req, c)
			}
		}
		c, err := svc.Verify(tok, token.Request{Now: testNow, UserID: 5, Project: "proj-a"})
		if err == nil && (!c.Restricted || c.NotAfter.After(testNow.Add(time.Hour))) {
			t.Fatalf("caveat %q widened the claims to %+v", cond, c)
		}
	})
}
