package diskblob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/diskblob"
	"wharf/internal/storetest"
)

func openStore(t *testing.T, dir string) *diskblob.Store {
	t.Helper()
	s, err := diskblob.Open(diskblob.Options{Dir: dir})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.BlobStore(t, func(t *testing.T) wharf.BlobStore {
		return openStore(t, filepath.Join(t.TempDir(), "blobs"))
	})
}

func keyOf(data []byte) string {
	sum := sha256.Sum256(data)
	return wharf.BlobKey(hex.EncodeToString(sum[:]))
}

func TestOpenRemovesStaleTempFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	openStore(t, dir)
	tmp := filepath.Join(dir, "tmp")
	now := time.Now()
	tests := []struct {
		name     string
		age      time.Duration
		dir      bool
		wantKept bool
	}{
		{name: "fresh", age: 0, wantKept: true},
		{name: "almost stale", age: 59 * time.Minute, wantKept: true},
		{name: "stale", age: 61 * time.Minute, wantKept: false},
		{name: "ancient", age: 30 * 24 * time.Hour, wantKept: false},
		{name: "stale folder", age: 2 * time.Hour, dir: true, wantKept: true},
	}
	for _, tt := range tests {
		p := filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "-"))
		var err error
		if tt.dir {
			err = os.Mkdir(p, 0o700)
		} else {
			err = os.WriteFile(p, []byte("partial"), 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
		mtime := now.Add(-tt.age)
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	openStore(t, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := os.Stat(filepath.Join(tmp, strings.ReplaceAll(tt.name, " ", "-")))
			if kept := err == nil; kept != tt.wantKept {
				t.Errorf("kept = %v (%v), want %v", kept, err, tt.wantKept)
			}
		})
	}
}

func TestLayoutAndPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s := openStore(t, dir)
	data := []byte("hello, wharf")
	key := keyOf(data)
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	sum := key[len("sha256/ab/cd/"):]
	tests := []struct {
		name string
		path string
		mode fs.FileMode
	}{
		{name: "root", path: dir, mode: fs.ModeDir | 0o700},
		{name: "tmp", path: filepath.Join(dir, "tmp"), mode: fs.ModeDir | 0o700},
		{name: "sha256", path: filepath.Join(dir, "sha256"), mode: fs.ModeDir | 0o700},
		{name: "first level", path: filepath.Join(dir, "sha256", sum[:2]), mode: fs.ModeDir | 0o700},
		{name: "second level", path: filepath.Join(dir, "sha256", sum[:2], sum[2:4]), mode: fs.ModeDir | 0o700},
		{name: "blob", path: filepath.Join(dir, "sha256", sum[:2], sum[2:4], sum), mode: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi, err := os.Stat(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode() != tt.mode {
				t.Errorf("mode = %v, want %v", fi.Mode(), tt.mode)
			}
		})
	}
}

func TestNoTempFilesLeft(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s := openStore(t, dir)
	data := []byte("some content")
	key := keyOf(data)
	puts := []struct {
		name string
		size int64
	}{
		{name: "short", size: int64(len(data)) + 1},
		{name: "long", size: int64(len(data)) - 1},
		{name: "ok", size: int64(len(data))},
	}
	for _, p := range puts {
		_ = s.Put(t.Context(), key, bytes.NewReader(data), p.size)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left in tmp: %s", e.Name())
	}
}

func TestWalkSkipsStrayFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s := openStore(t, dir)
	data := []byte("real blob")
	key := keyOf(data)
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	strays := []string{
		filepath.Join(dir, "sha256", "README"),
		filepath.Join(dir, "sha256", "ab", "cd", "not-a-hash"),
		filepath.Join(dir, "sha256", "ab", "cd", strings.Repeat("0", 64)),
		filepath.Join(dir, "tmp", "put-123"),
	}
	for _, p := range strays {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	if err := s.Walk(t.Context(), func(info wharf.BlobInfo) error {
		keys = append(keys, info.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != key {
		t.Errorf("Walk = %v, want [%s]", keys, key)
	}
}

func TestOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		code string
	}{
		{name: "no folder", dir: "", code: wharf.EINVALID},
		{name: "folder is a file", dir: file, code: wharf.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := diskblob.Open(diskblob.Options{Dir: tt.dir})
			if !wharf.IsCode(err, tt.code) {
				t.Fatalf("Open err = %v, want code %s", err, tt.code)
			}
			if strings.Contains(wharf.ErrorMessage(err), file) {
				t.Errorf("message %q contains a path", wharf.ErrorMessage(err))
			}
		})
	}
}

func TestPutExistingRefreshesModTime(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir)
	sum := sha256.Sum256([]byte("x"))
	hexsum := hex.EncodeToString(sum[:])
	key := wharf.BlobKey(hexsum)
	if err := s.Put(ctx, key, strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(key)), old, old); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, key, strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(info.ModTime) > time.Minute {
		t.Fatalf("ModTime after a repeated Put is %v, want now", info.ModTime)
	}
}
