package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/sqlite"
)

// exported parses an export's JSON lines, failing on a malformed one.
func exported(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for line := range strings.Lines(out) {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

func tagsOf(recs []map[string]any) []string {
	var tags []string
	for _, r := range recs {
		tags = append(tags, r["tag"].(string))
	}
	return tags
}

// TestAuditExport records events with the commands, then exports them with
// each filter and checks the lines.
func TestAuditExport(t *testing.T) {
	c := newCLI(t)
	c.must("user", "create", "alice", "--email", "alice@example.org")
	c.must("user", "create", "bob", "--email", "bob@example.org")
	c.must("token", "create", "alice", "--description", "ci")
	c.importWheels("demo", "1.0")
	c.must("yank", "demo", "1.0", "--reason", "broken")

	all := exported(t, c.must("audit", "export", "--since", "1h"))
	if len(all) < 5 {
		t.Fatalf("exported %d events: %v", len(all), tagsOf(all))
	}
	var lastID float64
	for _, r := range all {
		for _, k := range []string{"id", "time", "tag", "user", "project", "actor", "ip", "user_agent", "details"} {
			if _, ok := r[k]; !ok {
				t.Errorf("record %v has no %q", r, k)
			}
		}
		if _, err := time.Parse(time.RFC3339, r["time"].(string)); err != nil {
			t.Errorf("time: %v", err)
		}
		if _, ok := r["details"].(map[string]any); !ok {
			t.Errorf("details %v is not an object", r["details"])
		}
		if id := r["id"].(float64); id <= lastID {
			t.Errorf("id %v after %v", id, lastID)
		} else {
			lastID = id
		}
	}
	first := all[0]
	if first["tag"] != "account:create" || first["user"] != "alice" || first["project"] != "" ||
		first["ip"] != "local" || first["user_agent"] != "wharf-cli" {
		t.Errorf("first record %v", first)
	}
	if d := first["details"].(map[string]any); d["email"] != "alice@example.org" {
		t.Errorf("first record's details %v", d)
	}

	tests := []struct {
		name  string
		args  []string
		check func(r map[string]any) bool
		some  bool // at least one line
	}{
		{"user", []string{"--user", "alice"}, func(r map[string]any) bool { return r["user"] == "alice" }, true},
		{"other user", []string{"--user", "bob"}, func(r map[string]any) bool { return r["user"] == "bob" }, true},
		{"project any spelling", []string{"--project", "Demo"}, func(r map[string]any) bool { return r["project"] == "demo" }, true},
		{"user and project", []string{"--user", "bob", "--project", "demo"}, func(map[string]any) bool { return false }, false},
		{"since a date", []string{"--since", "2000-01-01"}, func(map[string]any) bool { return true }, true},
		{"since a later time", []string{"--since", time.Now().Add(time.Hour).Format(time.RFC3339)}, func(map[string]any) bool { return false }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"audit", "export", "--since", "1h"}, tt.args...)
			recs := exported(t, c.must(args...))
			if tt.some != (len(recs) > 0) {
				t.Errorf("%d lines", len(recs))
			}
			for _, r := range recs {
				if !tt.check(r) {
					t.Errorf("line %v does not match", r)
				}
			}
		})
	}
	if p := exported(t, c.must("audit", "export", "--since", "1h", "--project", "demo")); !slices.Contains(tagsOf(p), "project:release:yank") {
		t.Errorf("project events %v lack the yank", tagsOf(p))
	}

	errorCases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no since", []string{"audit", "export"}, 2, "usage"},
		{"no export", []string{"audit", "--since", "1h"}, 2, "usage"},
		{"bad since", []string{"audit", "export", "--since", "yesterday"}, 1, "not a lifetime"},
		{"unknown user", []string{"audit", "export", "--since", "1h", "--user", "nobody"}, 1, "not found"},
		{"unknown project", []string{"audit", "export", "--since", "1h", "--project", "nope"}, 1, "not found"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := c.run(tt.args...)
			if code != tt.code || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, tt.code, tt.want)
			}
		})
	}

	// Pages of one event give the same lines as one page of all.
	store, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(c.data, "wharf.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var one, many bytes.Buffer
	n1, err := exportEvents(t.Context(), store, wharf.EventFilter{}, 1, &one)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := exportEvents(t.Context(), store, wharf.EventFilter{}, wharf.MaxEventPage, &many)
	if err != nil {
		t.Fatal(err)
	}
	if n1 != len(all) || n2 != n1 || one.String() != many.String() {
		t.Errorf("pages of 1 gave %d lines, of %d gave %d, export gave %d; same text %v", n1, wharf.MaxEventPage, n2, len(all), one.String() == many.String())
	}
}

func TestDetailsObject(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{``, `{}`},
		{`null`, `{}`},
		{`[1]`, `{"text":"[1]"}`},
		{`not json`, `{"text":"not json"}`},
		{`"s"`, `{"text":"\"s\""}`},
	}
	for _, tt := range tests {
		if got := string(detailsObject(tt.in)); got != tt.want {
			t.Errorf("detailsObject(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time // zero: an error
	}{
		{"30d", time.Date(2026, 2, 2, 5, 6, 7, 0, time.UTC)},
		{"1h", time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC)},
		{"2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"2026-01-02T03:04:05.5Z", time.Date(2026, 1, 2, 3, 4, 5, 500000000, time.UTC)},
		{"yesterday", time.Time{}},
		{"-1d", time.Time{}},
	}
	for _, tt := range tests {
		got, err := parseSince(tt.in, now)
		if tt.want.IsZero() != (err != nil) || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
