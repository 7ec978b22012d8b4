package publish_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"sync"
	"testing"

	"wharf"
	"wharf/publish"
)

// vanishing is a BlobStore whose first Put of each key is undone at once,
// as if a concurrent deletion of a file with the same bytes removed the
// blob between the upload's Put and its commit.
type vanishing struct {
	wharf.BlobStore
	mu   sync.Mutex
	seen map[string]bool
}

func (v *vanishing) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := v.BlobStore.Put(ctx, key, r, size); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen[key] {
		return nil
	}
	v.seen[key] = true
	return v.BlobStore.Delete(ctx, key)
}

func TestPublishRestoresBlobDeletedBeforeCommit(t *testing.T) {
	e := newEnv(t, nil)
	a := e.account("alice")
	blobs := &vanishing{BlobStore: e.blobs, seen: map[string]bool{}}
	svc := publish.New(e.store, blobs, e.tokens, e.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	d := wheel(t, "vanish", "1.0", "a")
	fields := maps.Clone(d.fields)
	fields["sha256_digest"] = []string{sha256Hex(d.data)}
	res, err := svc.Publish(t.Context(), a.pr, a.actor, publish.Upload{Fields: fields, File: e.spool(d)})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	for _, sum := range []string{res.File.SHA256, res.File.MetadataSHA256} {
		if _, err := e.blobs.Stat(t.Context(), wharf.BlobKey(sum)); err != nil {
			t.Errorf("blob %s missing after a successful upload: %v", sum, err)
		}
	}
}
