package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"wharf/auth/token"
)

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 890000000, time.UTC)
	tests := []struct {
		in   string
		want time.Time // zero: an error
	}{
		{"30d", time.Date(2026, 4, 3, 5, 6, 7, 0, time.UTC)},
		{"12h", time.Date(2026, 3, 4, 17, 6, 7, 0, time.UTC)},
		{"2030-01-02T03:04:05Z", time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"2030-01-02T03:04:05+02:00", time.Date(2030, 1, 2, 1, 4, 5, 0, time.UTC)},
		{"2026-03-04", time.Date(2026, 3, 4, 23, 59, 59, 0, time.UTC)},
		{"2026-03-03", time.Time{}},
		{"2000-01-01T00:00:00Z", time.Time{}},
		{"0d", time.Time{}},
		{"-5h", time.Time{}},
		{"forever", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got, err := parseExpiry(tt.in, now)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("parseExpiry(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseExpiry(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// TestTokenRestrict attenuates a token with "wharf token restrict", with no
// data folder, and checks with the server's secret what the result allows.
func TestTokenRestrict(t *testing.T) {
	clearEnv(t)
	t.Chdir(t.TempDir())
	svc, err := token.NewService(bytes.Repeat([]byte("k"), token.MinSecretLength))
	if err != nil {
		t.Fatal(err)
	}
	id, err := token.NewID()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := svc.Mint(id, "https://pypi.example.org", token.Caveats{UserID: 7})
	if err != nil {
		t.Fatal(err)
	}
	restrict := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"token", "restrict"}, args...), strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	now := time.Now()
	tests := []struct {
		name     string
		stdin    string
		args     []string
		allowed  []string // projects the new token may act on now
		refused  []string
		lifetime time.Duration // 0: no expiry added
	}{
		{"one project", "", []string{raw, "--project", "Demo_Pkg"}, []string{"demo-pkg"}, []string{"other"}, 0},
		{"two projects", "", []string{"--project", "a", raw, "--project", "b"}, []string{"a", "b"}, []string{"c"}, 0},
		{"expiry", "", []string{raw, "--expires", "1h"}, []string{"a", "b"}, nil, time.Hour},
		{"both, token on stdin", raw + "\n", []string{"-", "--project", "a", "--expires", "2d"}, []string{"a"}, []string{"b"}, 48 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := restrict(tt.stdin, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			out := strings.TrimSuffix(stdout, "\n")
			if strings.Count(stdout, "\n") != 1 || !strings.HasPrefix(out, token.Prefix) || out == raw {
				t.Fatalf("printed %q, want one line with a new token", stdout)
			}
			if gotID, err := token.ParseID(out); err != nil || gotID != id {
				t.Errorf("new token has id %q (%v), want the old one's, %q", gotID, err, id)
			}
			for _, p := range tt.allowed {
				if _, err := svc.Verify(out, token.Request{Now: now, UserID: 7, Project: p}); err != nil {
					t.Errorf("project %s refused: %v", p, err)
				}
			}
			for _, p := range tt.refused {
				if _, err := svc.Verify(out, token.Request{Now: now, UserID: 7, Project: p}); !errors.Is(err, token.ErrProject) {
					t.Errorf("project %s: %v, want ErrProject", p, err)
				}
			}
			late := token.Request{Now: now.Add(tt.lifetime + time.Minute), UserID: 7, Project: tt.allowed[0]}
			if _, err := svc.Verify(out, late); (tt.lifetime != 0) != errors.Is(err, token.ErrExpired) {
				t.Errorf("after the lifetime: %v", err)
			}
		})
	}
	if _, err := os.Stat("wharf-data"); !os.IsNotExist(err) {
		t.Errorf("token restrict made a data folder: %v", err)
	}

	errorCases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no restriction", "", []string{raw}, 2, "usage"},
		{"no token", "", []string{"--project", "a"}, 2, "usage"},
		{"two tokens", "", []string{raw, raw, "--project", "a"}, 2, "usage"},
		{"not a token", "", []string{"pypi-AgEIcHlwaS5vcmc", "--project", "a"}, 1, "not a wharf token"},
		{"altered token", "", []string{raw + "A", "--project", "a"}, 1, "not a wharf token"},
		{"bad project", "", []string{raw, "--project", "-a-"}, 1, "not a valid project name"},
		{"past expiry", "", []string{raw, "--expires", "2001-01-01"}, 1, "not in the future"},
		{"bad expiry", "", []string{raw, "--expires", "soon"}, 1, "not a lifetime"},
		{"empty stdin", "", []string{"-", "--project", "a"}, 1, "no token"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := restrict(tt.stdin, tt.args...)
			if code != tt.code || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, tt.code, tt.want)
			}
		})
	}
}
