package token

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"gopkg.in/macaroon.v2"
)

// TestNoUserCaveat checks that a correctly signed token without a user
// caveat, which Mint never makes, is rejected.
func TestNoUserCaveat(t *testing.T) {
	svc, err := NewService(bytes.Repeat([]byte("s"), MinSecretLength))
	if err != nil {
		t.Fatal(err)
	}
	id := "00112233445566778899aabbccddeeff"
	tests := []struct {
		name    string
		caveats []string
	}{
		{name: "no caveats"},
		{name: "only a project caveat", caveats: []string{`[1,["proj"]]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := svc.rootKey(id)
			if err != nil {
				t.Fatal(err)
			}
			m, err := macaroon.New(key, []byte(id), "", macaroon.V2)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.caveats {
				if err := m.AddFirstPartyCaveat([]byte(c)); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := encode(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.Verify(tok, Request{Now: time.Unix(1e9, 0), UserID: 1, Project: "proj"})
			if !errors.Is(err, ErrCaveat) {
				t.Fatalf("Verify err = %v, want ErrCaveat", err)
			}
		})
	}
}

func TestValidProjectName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"simple", "requests", true},
		{"hyphens", "zope-interface", true},
		{"digits", "2to3", true},
		{"single", "a", true},
		{"empty", "", false},
		{"upper", "Django", false},
		{"underscore", "zope_interface", false},
		{"dot", "zope.interface", false},
		{"double hyphen", "a--b", false},
		{"leading hyphen", "-a", false},
		{"trailing hyphen", "a-", false},
		{"slash", "a/b", false},
		{"non-ascii", "caf\u00e9", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := validProjectName(tt.in); got != tt.want {
				t.Errorf("validProjectName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
