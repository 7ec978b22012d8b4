package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseRequirements(t *testing.T) {
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("B", 64)
	tests := []struct {
		name    string
		text    string
		want    []pinned
		wantErr string
	}{
		{"one line", "demo==1.0 --hash=sha256:" + h1 + "\n", []pinned{{1, "demo", "1.0", []string{h1}}}, ""},
		{"continued, two hashes, comments", "# top\n-i https://x\nDemo[extra]==2.0 ; python_version>'3' \\\n  --hash=sha256:" + h1 + " \\\n  --hash=sha256:" + h2 + "  # pinned\n",
			[]pinned{{3, "Demo", "2.0", []string{h1, strings.ToLower(h2)}}}, ""},
		{"unpinned", "demo>=1.0 --hash=sha256:" + h1 + "\n", nil, "not pinned"},
		{"wildcard", "demo==1.* --hash=sha256:" + h1 + "\n", nil, "not pinned"},
		{"no hash", "demo==1.0\n", nil, "no --hash"},
		{"md5 only", "demo==1.0 --hash=md5:0123\n", nil, "no --hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "requirements.txt")
			os.WriteFile(p, []byte(tt.text), 0o644)
			got, err := parseRequirements(p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
			for i := range got {
				if got[i].line != tt.want[i].line || got[i].name != tt.want[i].name || got[i].version != tt.want[i].version || !slices.Equal(got[i].hashes, tt.want[i].hashes) {
					t.Errorf("requirement %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func FuzzParsePinned(f *testing.F) {
	f.Add("demo==1.0 --hash=sha256:" + strings.Repeat("a", 64))
	f.Add("x[y]==1 ; a \\")
	f.Add("==")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePinned(s)
		if err == nil && (p.name == "" || p.version == "" || len(p.hashes) == 0) {
			t.Fatalf("parsePinned(%q) = %+v without error", s, p)
		}
	})
}

func TestLogName(t *testing.T) {
	var c Config
	c.BaseURL = "https://pypi.example.org/internal/"
	if got := logName(c); got != "pypi.example.org/internal" {
		t.Errorf("logName from base URL = %q", got)
	}
	c.Log.Name = "named"
	if got := logName(c); got != "named" {
		t.Errorf("logName with log.name = %q", got)
	}
}
