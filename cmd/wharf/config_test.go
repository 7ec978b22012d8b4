package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// clearEnv unsets the WHARF_* variables for the test, so that the
// environment of whoever runs the tests cannot change their outcome.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"WHARF_CONFIG", "WHARF_ADDR", "WHARF_DATA", "WHARF_BASE_URL", "WHARF_LOG_LEVEL"} {
		t.Setenv(k, "")
	}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServeConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "wharf.toml"), `
addr = "127.0.0.1:1001"
data = "/from/file"
base_url = "https://file.example.org"
log_level = "debug"
[upload]
max_file_size = "20MiB"
new_file_days = 3
prohibited_names = ["evil"]
[cache]
projects = 7
`)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Config
	}{
		{name: "defaults", want: Config{Addr: "127.0.0.1:8080", Data: "./wharf-data", LogLevel: "info"}},
		{name: "file", args: []string{"--config", file},
			want: Config{Addr: "127.0.0.1:1001", Data: "/from/file", BaseURL: "https://file.example.org", LogLevel: "debug"}},
		{name: "file from the environment", env: map[string]string{"WHARF_CONFIG": file},
			want: Config{Addr: "127.0.0.1:1001", Data: "/from/file", BaseURL: "https://file.example.org", LogLevel: "debug"}},
		{name: "environment over file", args: []string{"--config", file},
			env:  map[string]string{"WHARF_ADDR": "127.0.0.1:2002", "WHARF_DATA": "/from/env", "WHARF_BASE_URL": "https://env.example.org", "WHARF_LOG_LEVEL": "warn"},
			want: Config{Addr: "127.0.0.1:2002", Data: "/from/env", BaseURL: "https://env.example.org", LogLevel: "warn"}},
		{name: "flags over environment", args: []string{"--config", file, "--addr", "127.0.0.1:3003", "--data", "/from/flag", "--base-url", "https://flag.example.org"},
			env:  map[string]string{"WHARF_ADDR": "127.0.0.1:2002", "WHARF_DATA": "/from/env", "WHARF_BASE_URL": "https://env.example.org"},
			want: Config{Addr: "127.0.0.1:3003", Data: "/from/flag", BaseURL: "https://flag.example.org", LogLevel: "debug"}},
		{name: "empty environment ignored", args: []string{"--config", file}, env: map[string]string{"WHARF_DATA": ""},
			want: Config{Addr: "127.0.0.1:1001", Data: "/from/file", BaseURL: "https://file.example.org", LogLevel: "debug"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := serveConfig(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr != tt.want.Addr || got.Data != tt.want.Data || got.BaseURL != tt.want.BaseURL || got.LogLevel != tt.want.LogLevel {
				t.Errorf("got addr %q data %q base %q level %q, want %+v", got.Addr, got.Data, got.BaseURL, got.LogLevel, tt.want)
			}
		})
	}
	t.Run("upload and cache settings from the file", func(t *testing.T) {
		clearEnv(t)
		got, err := serveConfig([]string{"--config", file}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got.maxFileSize != 20<<20 || got.maxProjectSize != 10<<30 || got.Upload.NewFileDays != 3 ||
			!slices.Equal(got.Upload.ProhibitedNames, []string{"evil"}) || got.Cache.Projects != 7 || got.Upload.NewProjectsPerHour != 100 {
			t.Errorf("got %+v", got)
		}
	})
}

func TestServeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file string
		args       []string
		want       string // in the error
	}{
		{name: "bad size", file: "[upload]\nmax_file_size = \"lots\"\n", want: "upload.max_file_size"},
		{name: "bad project size", file: "[upload]\nmax_project_size = \"10 GB of it\"\n", want: "upload.max_project_size"},
		{name: "zero size", file: "[upload]\nmax_file_size = \"0MiB\"\n", want: "upload.max_file_size"},
		{name: "bad level", file: "log_level = \"loud\"\n", want: "log_level"},
		{name: "level case", file: "log_level = \"INFO\"\n", want: "log_level"},
		{name: "negative days", file: "[upload]\nnew_file_days = -1\n", want: "negative"},
		{name: "too many days", file: "[upload]\nnew_file_days = 1000000\n", want: "new_file_days"},
		{name: "negative cache", file: "[cache]\nprojects = -5\n", want: "negative"},
		{name: "empty data", file: "data = \"\"\n", want: "data folder"},
		{name: "address without port", file: "addr = \"localhost\"\n", want: "addr"},
		{name: "relative base URL", file: "base_url = \"/simple\"\n", want: "base_url"},
		{name: "base URL without host", file: "base_url = \"https://\"\n", want: "base_url"},
		{name: "misspelt setting", file: "adr = \"127.0.0.1:1\"\n", want: `unknown setting "adr"`},
		{name: "misspelt nested setting", file: "[upload]\nmax_filesize = \"1MiB\"\n", want: `unknown setting "upload.max_filesize"`},
		{name: "not TOML", file: "addr = \n", want: "reading"},
		{name: "wrong type", file: "addr = 5\n", want: "reading"},
		{name: "missing file", args: []string{"--config", filepath.Join(dir, "absent.toml")}, want: "absent.toml"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			args := tt.args
			if tt.file != "" {
				args = []string{"--config", writeFile(t, filepath.Join(dir, strings.Repeat("c", i+1)+".toml"), tt.file)}
			}
			_, err := serveConfig(args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	t.Run("environment level", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("WHARF_LOG_LEVEL", "verbose")
		if _, err := serveConfig(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "log_level") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("positional argument", func(t *testing.T) {
		clearEnv(t)
		if _, err := serveConfig([]string{"now"}, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("error %v, want errUsage", err)
		}
	})
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0 for an error
	}{
		{"1000", 1000},
		{"100MiB", 100 << 20},
		{"100 MiB", 100 << 20},
		{" 10GiB ", 10 << 30},
		{"512KiB", 512 << 10},
		{"2TiB", 2 << 40},
		{"100MB", 100 << 20},
		{"1GB", 1 << 30},
		{"3KB", 3 << 10},
		{"1TB", 1 << 40},
		{"42B", 42},
		{"0", 0},
		{"-1MiB", 0},
		{"+5", 0},
		{"05", 0},
		{"1.5GiB", 0},
		{"100mib", 0},
		{"MiB", 0},
		{"", 0},
		{"ten", 0},
		{"100 apples", 0},
		{"4194304TiB", 1 << 62},
		{"4194305TiB", 0},
		{"99999999999999999999", 0},
		{"4611686018427387904", 1 << 62},
		{"4611686018427387905", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if tt.want == 0 {
				if err == nil {
					t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration // 0 for an error
	}{
		{"90d", 90 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"12h", 12 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"106751d", 106751 * 24 * time.Hour},
		{"106752d", 0},
		{"99999999999d", 0},
		{"0d", 0},
		{"-1d", 0},
		{"0h", 0},
		{"-5m", 0},
		{"d", 0},
		{"1.5d", 0},
		{"1D", 0},
		{"01d", 0},
		{" 1d", 0},
		{"", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDuration(tt.in)
			if tt.want == 0 {
				if err == nil {
					t.Errorf("parseDuration(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		pos    []string
		email  string
		admin  bool
		reason string
		err    bool
	}{
		{name: "none", pos: nil},
		{name: "flags first", args: []string{"--email", "a@b.c", "create", "bob"}, pos: []string{"create", "bob"}, email: "a@b.c"},
		{name: "flags after positionals", args: []string{"create", "bob", "--email", "a@b.c", "--admin"}, pos: []string{"create", "bob"}, email: "a@b.c", admin: true},
		{name: "flags between", args: []string{"create", "--admin", "bob", "-email=a@b.c"}, pos: []string{"create", "bob"}, email: "a@b.c", admin: true},
		{name: "double dash", args: []string{"x", "--", "-y", "--admin", "z"}, pos: []string{"x", "-y", "--admin", "z"}},
		{name: "double dash first", args: []string{"--", "--email", "q"}, pos: []string{"--email", "q"}},
		{name: "double dash after a flag", args: []string{"--admin", "--", "-x"}, pos: []string{"-x"}, admin: true},
		{name: "double dash as a value", args: []string{"--reason", "--", "x"}, pos: []string{"x"}, reason: "--"},
		{name: "double dash after name=value", args: []string{"--reason=r", "--", "-x"}, pos: []string{"-x"}, reason: "r"},
		{name: "unknown flag", args: []string{"create", "--colour", "red"}, err: true},
		{name: "missing value", args: []string{"create", "--email"}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			email := fs.String("email", "", "")
			admin := fs.Bool("admin", false, "")
			reason := fs.String("reason", "", "")
			pos, err := parseArgs(fs, tt.args)
			if tt.err {
				if err == nil {
					t.Errorf("parseArgs(%q) = %q, want an error", tt.args, pos)
				}
				return
			}
			if err != nil || !slices.Equal(pos, tt.pos) || *email != tt.email || *admin != tt.admin || *reason != tt.reason {
				t.Errorf("parseArgs(%q) = %q, %v; email %q admin %v reason %q", tt.args, pos, err, *email, *admin, *reason)
			}
		})
	}
}

func TestParseWindows(t *testing.T) {
	tests := []struct {
		in   string
		want string // fmt of the windows, or "error"
	}{
		{"", "[]"},
		{"10/5m", "[{10 5m0s}]"},
		{"5/5m, 20/1h,50/1d", "[{5 5m0s} {20 1h0m0s} {50 24h0m0s}]"},
		{"0/5m", "error"},
		{"10", "error"},
		{"ten/5m", "error"},
		{"10/forever", "error"},
		{"10/-5m", "error"},
	}
	for _, tt := range tests {
		ws, err := parseWindows(tt.in)
		got := fmt.Sprint(ws)
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("parseWindows(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
