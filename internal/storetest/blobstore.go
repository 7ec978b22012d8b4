package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"wharf"
)

// BlobStore runs the conformance suite for wharf.BlobStore against stores
// made by newStore, which is called once per subtest and must return an empty
// store that lives until the subtest ends.
func BlobStore(t *testing.T, newStore func(t *testing.T) wharf.BlobStore) {
	tests := []struct {
		name string
		run  func(t *testing.T, s wharf.BlobStore)
	}{
		{"PutOpen", testBlobPutOpen},
		{"PutExisting", testBlobPutExisting},
		{"PutWrongSize", testBlobPutWrongSize},
		{"PutReadError", testBlobPutReadError},
		{"BadKeys", testBlobBadKeys},
		{"Missing", testBlobMissing},
		{"Delete", testBlobDelete},
		{"Walk", testBlobWalk},
		{"WalkStops", testBlobWalkStops},
		{"ConcurrentPut", testBlobConcurrentPut},
		{"Seek", testBlobSeek},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newStore(t))
		})
	}
}

// blobContent returns n bytes of content unique to seed, and its key.
func blobContent(seed string, n int) ([]byte, string) {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s:%d;", seed, i)
	}
	data := b.Bytes()[:n]
	sum := sha256.Sum256(data)
	return data, wharf.BlobKey(hex.EncodeToString(sum[:]))
}

func putBlob(t *testing.T, s wharf.BlobStore, key string, data []byte) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put(%s): %v", key, err)
	}
}

// readBlob opens key, checks its Info and returns its content.
func readBlob(t *testing.T, s wharf.BlobStore, key string) []byte {
	t.Helper()
	b, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	if info := b.Info(); info.Key != key || info.Size != int64(len(data)) {
		t.Errorf("Info() = %+v, want key %s and size %d", info, key, len(data))
	}
	return data
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if !wharf.IsCode(err, code) {
		t.Errorf("%s: err = %v (code %q), want code %q", what, err, wharf.ErrorCode(err), code)
	}
}

func testBlobPutOpen(t *testing.T, s wharf.BlobStore) {
	for _, size := range []int{0, 1, 1000, 200_000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			data, key := blobContent("put-open", size)
			// A reader that returns one byte at a time shows that Put
			// does not rely on full reads.
			var r io.Reader = bytes.NewReader(data)
			if size < 2000 {
				r = iotest.OneByteReader(r)
			}
			if err := s.Put(t.Context(), key, r, int64(size)); err != nil {
				t.Fatalf("Put: %v", err)
			}
			if got := readBlob(t, s, key); !bytes.Equal(got, data) {
				t.Fatalf("content differs: got %d bytes, want %d", len(got), len(data))
			}
			info, err := s.Stat(t.Context(), key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if info.Key != key || info.Size != int64(size) || info.ModTime.IsZero() {
				t.Errorf("Stat = %+v, want key %s, size %d and a time", info, key, size)
			}
		})
	}
}

// failReader fails the test if it is read.
type failReader struct{ t *testing.T }

func (r failReader) Read([]byte) (int, error) {
	r.t.Error("Put read the content of a blob that exists")
	return 0, io.ErrUnexpectedEOF
}

func testBlobPutExisting(t *testing.T, s wharf.BlobStore) {
	data, key := blobContent("existing", 100)
	putBlob(t, s, key, data)
	if err := s.Put(t.Context(), key, failReader{t}, int64(len(data))); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	if got := readBlob(t, s, key); !bytes.Equal(got, data) {
		t.Fatal("second Put changed the content")
	}
}

func testBlobPutWrongSize(t *testing.T, s wharf.BlobStore) {
	data, key := blobContent("wrong-size", 100)
	tests := []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"short", bytes.NewReader(data[:99]), 100},
		{"empty", strings.NewReader(""), 100},
		{"long", bytes.NewReader(data), 99},
		{"long for empty", bytes.NewReader(data), 0},
		{"unexpected EOF", io.MultiReader(bytes.NewReader(data[:50]), iotest.ErrReader(io.ErrUnexpectedEOF)), 100},
		{"negative size", bytes.NewReader(data), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, "Put", s.Put(t.Context(), key, tt.r, tt.size), wharf.EINVALID)
			_, err := s.Stat(t.Context(), key)
			wantCode(t, "Stat after failed Put", err, wharf.ENOTFOUND)
		})
	}
	// The key is still free for a correct Put.
	putBlob(t, s, key, data)
}

func testBlobPutReadError(t *testing.T, s wharf.BlobStore) {
	data, key := blobContent("read-error", 100)
	cause := errors.New("connection reset")
	tests := []struct {
		name     string
		err      error
		wantCode string
	}{
		{"plain error", cause, wharf.EINTERNAL},
		{"coded error", wharf.Errorf(wharf.ETOOLARGE, "Too large."), wharf.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := io.MultiReader(bytes.NewReader(data[:10]), iotest.ErrReader(tt.err))
			err := s.Put(t.Context(), key, r, int64(len(data)))
			wantCode(t, "Put", err, tt.wantCode)
			if !errors.Is(err, tt.err) {
				t.Errorf("Put error %v does not wrap the reader's error", err)
			}
			_, err = s.Stat(t.Context(), key)
			wantCode(t, "Stat after failed Put", err, wharf.ENOTFOUND)
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Put with a cancelled context: err = %v, want context.Canceled", err)
		}
	})
}

// badBlobKeys are keys every BlobStore must reject with EINVALID.
var badBlobKeys = []string{
	"",
	"sha256",
	"sha256/",
	"sha256/ab/cd/",
	"sha256/ab/cd/abcd",
	"sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
	"sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
	"sha256/E3/B0/E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	"sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g",
	"sha256/00/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sha256/e3/00/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sha512/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"/sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/",
	"sha256\\e3\\b0\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\x00",
	"sha256/../../../../../../../../../../../../../../../../../../../etc/passwd",
	"sha256/e3/../../../../e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b",
	"sha256/./b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"tmp/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sha256/e3/b0/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ",
}

func testBlobBadKeys(t *testing.T, s wharf.BlobStore) {
	ctx := t.Context()
	for i, key := range badBlobKeys {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			wantCode(t, "Put", s.Put(ctx, key, strings.NewReader("x"), 1), wharf.EINVALID)
			_, err := s.Open(ctx, key)
			wantCode(t, "Open", err, wharf.EINVALID)
			_, err = s.Stat(ctx, key)
			wantCode(t, "Stat", err, wharf.EINVALID)
			wantCode(t, "Delete", s.Delete(ctx, key), wharf.EINVALID)
		})
	}
	n := 0
	if err := s.Walk(ctx, func(wharf.BlobInfo) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("Walk after bad Puts: %d blobs, err %v; want none", n, err)
	}
}

func testBlobMissing(t *testing.T, s wharf.BlobStore) {
	_, key := blobContent("missing", 10)
	_, err := s.Open(t.Context(), key)
	wantCode(t, "Open", err, wharf.ENOTFOUND)
	_, err = s.Stat(t.Context(), key)
	wantCode(t, "Stat", err, wharf.ENOTFOUND)
	if err := s.Delete(t.Context(), key); err != nil {
		t.Errorf("Delete of a missing blob: %v", err)
	}
}

func testBlobDelete(t *testing.T, s wharf.BlobStore) {
	data, key := blobContent("delete", 10)
	other, otherKey := blobContent("keep", 10)
	putBlob(t, s, key, data)
	putBlob(t, s, otherKey, other)
	if err := s.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Stat(t.Context(), key)
	wantCode(t, "Stat after Delete", err, wharf.ENOTFOUND)
	if err := s.Delete(t.Context(), key); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	if got := readBlob(t, s, otherKey); !bytes.Equal(got, other) {
		t.Error("Delete changed another blob")
	}
	// A deleted key can be stored again.
	putBlob(t, s, key, data)
	if got := readBlob(t, s, key); !bytes.Equal(got, data) {
		t.Error("content differs after Put of a deleted key")
	}
}

func testBlobWalk(t *testing.T, s wharf.BlobStore) {
	if err := s.Walk(t.Context(), func(info wharf.BlobInfo) error {
		t.Errorf("Walk of an empty store found %s", info.Key)
		return nil
	}); err != nil {
		t.Fatalf("Walk of an empty store: %v", err)
	}
	want := map[string]int64{}
	for i := range 5 {
		data, key := blobContent(fmt.Sprint("walk", i), 10*i)
		putBlob(t, s, key, data)
		want[key] = int64(len(data))
	}
	got := map[string]int64{}
	err := s.Walk(t.Context(), func(info wharf.BlobInfo) error {
		if _, dup := got[info.Key]; dup {
			t.Errorf("Walk visited %s twice", info.Key)
		}
		got[info.Key] = info.Size
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	if len(got) != len(want) {
		t.Errorf("Walk found %d blobs, want %d", len(got), len(want))
	}
	for k, size := range want {
		if got[k] != size {
			t.Errorf("Walk: %s has size %d, want %d", k, got[k], size)
		}
	}
}

func testBlobWalkStops(t *testing.T, s wharf.BlobStore) {
	for i := range 3 {
		data, key := blobContent(fmt.Sprint("stop", i), 10)
		putBlob(t, s, key, data)
	}
	stop := errors.New("stop")
	tests := []struct {
		name string
		err  error
	}{
		{"own error", stop},
		{"wrapped error", fmt.Errorf("wrapped: %w", stop)},
		// These mean something to io/fs walkers; a store must not
		// swallow them.
		{"fs.SkipAll", fs.SkipAll},
		{"fs.SkipDir", fs.SkipDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := s.Walk(t.Context(), func(wharf.BlobInfo) error {
				calls++
				return tt.err
			})
			if !errors.Is(err, tt.err) || calls != 1 {
				t.Errorf("Walk = %v after %d calls, want %v after 1", err, calls, tt.err)
			}
		})
	}
}

func testBlobConcurrentPut(t *testing.T, s wharf.BlobStore) {
	data, key := blobContent("concurrent", 300_000)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put %d: %v", i, err)
		}
	}
	if got := readBlob(t, s, key); !bytes.Equal(got, data) {
		t.Fatal("content differs after concurrent Puts")
	}
	var keys []string
	if err := s.Walk(t.Context(), func(info wharf.BlobInfo) error {
		keys = append(keys, info.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{key}) {
		t.Errorf("Walk after concurrent Puts = %v, want [%s]", keys, key)
	}
}

func testBlobSeek(t *testing.T, s wharf.BlobStore) {
	data, key := blobContent("seek", 1000)
	putBlob(t, s, key, data)
	b, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tests := []struct {
		name   string
		offset int64
		whence int
		n      int
		want   int64 // absolute offset after Seek
	}{
		{"start", 100, io.SeekStart, 10, 100},
		{"current", 50, io.SeekCurrent, 20, 160},
		{"from end", -30, io.SeekEnd, 30, 970},
		{"back to start", 0, io.SeekStart, 1000, 0},
		{"size probe", 0, io.SeekEnd, 0, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos, err := b.Seek(tt.offset, tt.whence)
			if err != nil || pos != tt.want {
				t.Fatalf("Seek = %d, %v; want %d", pos, err, tt.want)
			}
			buf := make([]byte, tt.n)
			if _, err := io.ReadFull(b, buf); err != nil {
				t.Fatalf("read: %v", err)
			}
			if !bytes.Equal(buf, data[pos:pos+int64(tt.n)]) {
				t.Errorf("read after Seek returned wrong bytes")
			}
		})
	}
	if n, err := b.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("Read at end = %d, %v; want 0, io.EOF", n, err)
	}
}
