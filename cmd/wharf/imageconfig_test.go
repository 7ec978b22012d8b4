package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestImagesConfig(t *testing.T) {
	dir := t.TempDir()
	key := bytes.Repeat([]byte("k"), 32)
	tests := []struct {
		name, file  string
		wantOn      bool
		wantSize    int64
		wantTimeout time.Duration
		wantPrivate bool
	}{
		{name: "defaults", wantOn: true, wantSize: 5 << 20, wantTimeout: 10 * time.Second},
		{name: "from the file", file: "[images]\nmax_size = \"1MiB\"\ntimeout = \"2s\"\nallow_private = true\n",
			wantOn: true, wantSize: 1 << 20, wantTimeout: 2 * time.Second, wantPrivate: true},
		{name: "off", file: "[images]\nproxy = false\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			var args []string
			if tt.file != "" {
				args = []string{"--config", writeFile(t, filepath.Join(dir, strings.Repeat("i", i+1)+".toml"), tt.file)}
			}
			cfg, err := serveConfig(args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			o := imageOptions(cfg, key)
			if on := len(o.Key) > 0; on != tt.wantOn {
				t.Fatalf("proxy on = %v, want %v", on, tt.wantOn)
			}
			if tt.wantOn && (o.MaxSize != tt.wantSize || o.Timeout != tt.wantTimeout || o.AllowPrivate != tt.wantPrivate) {
				t.Errorf("got %+v", o)
			}
		})
	}
}

func TestImagesConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for i, file := range []string{
		"[images]\nmax_size = \"huge\"\n",
		"[images]\nmax_size = \"0\"\n",
		"[images]\ntimeout = \"soon\"\n",
		"[images]\ntimeout = \"0s\"\n",
		"[images]\ntimeout = \"10m\"\n",
		"[images]\nproxy = \"yes\"\n",
		"[images]\nmax_bytes = \"1MiB\"\n",
	} {
		clearEnv(t)
		path := writeFile(t, filepath.Join(dir, strings.Repeat("e", i+1)+".toml"), file)
		if _, err := serveConfig([]string{"--config", path}, io.Discard); err == nil || !strings.Contains(err.Error(), "images") {
			t.Errorf("%q: error %v, want one about images", file, err)
		}
	}
}
