package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"wharf/web"
)

// TestSecretScanningConfig reads [[secret_scanning.keys]] from the file and
// checks that each key needs an id and a key, and reaches web as given.
func TestSecretScanningConfig(t *testing.T) {
	const pemKey = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"
	tests := []struct {
		name, file string
		want       []web.ScannerKey
		err        string
	}{
		{name: "none", file: "", want: nil},
		{name: "two", file: "[[secret_scanning.keys]]\nid = \"a\"\nkey = \"\"\"\n" + pemKey + "\"\"\"\n" +
			"[[secret_scanning.keys]]\nid = \"b\"\nkey = \"k\"\n",
			want: []web.ScannerKey{{ID: "a", PEM: pemKey}, {ID: "b", PEM: "k"}}},
		{name: "no id", file: "[[secret_scanning.keys]]\nkey = \"k\"\n", err: "secret_scanning.keys[0]"},
		{name: "no key", file: "[[secret_scanning.keys]]\nid = \"a\"\n", err: "secret_scanning.keys[0]"},
		{name: "misspelt", file: "[[secret_scanning.keys]]\nid = \"a\"\npem = \"k\"\n", err: "unknown setting"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			file := writeFile(t, filepath.Join(dir, strings.Repeat("s", i+1)+".toml"), tt.file)
			cfg, err := serveConfig([]string{"--config", file}, io.Discard)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want one mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := scannerKeys(cfg)
			if len(got) != len(tt.want) {
				t.Fatalf("keys %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("key %d: %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
