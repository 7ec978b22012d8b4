package translog

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"wharf"
	"wharf/sqlite"
	"wharf/tlog"
)

// env is a log over a real SQLite store, with a raw connection for
// tampering with the tables behind the log's back.
type env struct {
	store *sqlite.Store
	raw   *sql.DB
	log   *Log
	skey  string
	files []wharf.File
}

func newEnv(t testing.TB) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wharf.db")
	store, err := sqlite.Open(t.Context(), sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	skey, _, err := tlog.GenerateKey("example.test/wharf")
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(store, Options{SignerKey: skey})
	if err != nil {
		t.Fatal(err)
	}
	return &env{store: store, raw: raw, log: l, skey: skey}
}

// upload adds n files to project "demo", each with its log record, in the
// way publish does: record first, then the file with its index.
func (e *env) upload(t testing.TB, n int) {
	t.Helper()
	ctx := t.Context()
	err := e.store.Update(ctx, func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(ctx, "demo")
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			p = &wharf.Project{Name: "demo", DisplayName: "demo", SimilarityKey: "demo", CreatedBy: 1}
			err = tx.CreateProject(ctx, p)
		}
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			k := len(e.files)
			r := &wharf.Release{ProjectID: p.ID, Version: fmt.Sprintf("1.%d", k), Canonical: fmt.Sprintf("1.%d", k), SortKey: fmt.Sprintf("%08d", k)}
			if err := tx.CreateRelease(ctx, r); err != nil {
				return err
			}
			f := wharf.File{ReleaseID: r.ID, ProjectID: p.ID, Filename: fmt.Sprintf("demo-1.%d.tar.gz", k),
				PackageType: wharf.PackageSdist, PythonVersion: "source", Size: int64(100 + k),
				SHA256: hex64("s", k), Blake2b256: hex64("b", k), MD5: hex64("m", k)[:32],
				Version: r.Version, UploadTime: tx.Now()}
			if f.LogIndex, err = Append(ctx, tx, FileRecord(p.Name, f)); err != nil {
				return err
			}
			if err := tx.AddFile(ctx, &f); err != nil {
				return err
			}
			e.files = append(e.files, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hex64 returns 64 hex digits unique to kind and k.
func hex64(kind string, k int) string {
	return fmt.Sprintf("%064x", fmt.Sprintf("%s%d", kind, k))[:64]
}

// exec runs SQL on the raw connection.
func (e *env) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := e.raw.ExecContext(t.Context(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// sign signs a checkpoint and fails the test on error.
func (e *env) sign(t *testing.T) *wharf.LogCheckpoint {
	t.Helper()
	c, err := e.log.Sign(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// audit runs Audit and returns its problems.
func (e *env) audit(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rep, err := e.log.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Problems
}
