package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wharf"
	"wharf/internal/storetest"
	"wharf/sqlite"
)

func openStore(t *testing.T, path string, now func() time.Time) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Options{Path: path, Now: now})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Store(t, func(t *testing.T) wharf.Store {
		return openStore(t, filepath.Join(t.TempDir(), "wharf.db"), nil)
	})
}

// rawDB opens the database file directly, to look at what the adapter does
// not expose.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wharf.db")
	s, err := sqlite.Open(t.Context(), sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(t.Context(), func(tx wharf.Tx) error {
		return tx.CreateUser(t.Context(), &wharf.User{Name: "alice", Email: "alice@example.com"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening again applies nothing twice and keeps the data.
	s = openStore(t, path, nil)
	err = s.View(t.Context(), func(tx wharf.Tx) error {
		_, err := tx.UserByName(t.Context(), "alice")
		return err
	})
	if err != nil {
		t.Fatalf("user lost after reopening: %v", err)
	}
	var versions []int
	rows, err := rawDB(t, path).QueryContext(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(versions) == 0 || versions[0] != 1 {
		t.Fatalf("schema_migrations = %v, want a row for migration 1", versions)
	}
	for i := 1; i < len(versions); i++ {
		if versions[i] == versions[i-1] {
			t.Errorf("migration %d recorded twice", versions[i])
		}
	}
}

func TestOpenRefusesEmptyPath(t *testing.T) {
	_, err := sqlite.Open(t.Context(), sqlite.Options{})
	if !wharf.IsCode(err, wharf.EINVALID) {
		t.Errorf("Open without a path: %v, want EINVALID", err)
	}
}

// TestOddPaths checks that characters with a meaning in SQLite URIs name
// a file rather than start a query or a fragment.
func TestOddPaths(t *testing.T) {
	for _, name := range []string{"a?b.db", "a#b.db", "100%25.db", "sp ace.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			s := openStore(t, path, nil)
			err := s.Update(t.Context(), func(tx wharf.Tx) error {
				return tx.CreateUser(t.Context(), &wharf.User{Name: "alice", Email: "alice@example.com"})
			})
			if err != nil {
				t.Fatal(err)
			}
			matches, _ := filepath.Glob(filepath.Join(dir, "*"))
			found := false
			for _, m := range matches {
				found = found || m == path
			}
			if !found {
				t.Errorf("database written to %q, want %q", matches, path)
			}
		})
	}
}

func TestInjectedClock(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.FixedZone("X", 3600))
	s := openStore(t, filepath.Join(t.TempDir(), "wharf.db"), func() time.Time { return at })
	u := &wharf.User{Name: "alice", Email: "alice@example.com"}
	err := s.Update(t.Context(), func(tx wharf.Tx) error { return tx.CreateUser(t.Context(), u) })
	if err != nil {
		t.Fatal(err)
	}
	want := at.UTC().Truncate(time.Microsecond)
	if !u.Created.Equal(want) || u.Created.Location() != time.UTC {
		t.Errorf("Created = %v, want %v", u.Created, want)
	}
}

// TestPanicReleasesWriter checks that a closure that panics does not keep
// the only write connection, which would block every later write.
func TestPanicReleasesWriter(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "wharf.db"), nil)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		s.Update(t.Context(), func(tx wharf.Tx) error {
			if err := tx.CreateUser(t.Context(), &wharf.User{Name: "ghost", Email: "g@example.com"}); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err := s.Update(ctx, func(tx wharf.Tx) error {
		if _, err := tx.UserByName(ctx, "ghost"); !wharf.IsCode(err, wharf.ENOTFOUND) {
			return fmt.Errorf("the panicking transaction was committed: %v", err)
		}
		return tx.CreateUser(ctx, &wharf.User{Name: "alice", Email: "alice@example.com"})
	})
	if err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
}

// TestTwoStoresOneFile runs writers through two Stores on one file, as the
// server and a CLI command do; the second waits for the first instead of
// failing with SQLITE_BUSY.
func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wharf.db")
	stores := []*sqlite.Store{openStore(t, path, nil), openStore(t, path, nil)}
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		s := stores[w%2]
		wg.Go(func() {
			for i := range rounds {
				errs <- s.Update(t.Context(), func(tx wharf.Tx) error {
					n, err := tx.LastSerial(t.Context())
					if err != nil {
						return err
					}
					e := &wharf.JournalEntry{Project: "demo", Action: fmt.Sprintf("w%d i%d after %d", w, i, n)}
					if err := tx.Journal(t.Context(), e); err != nil {
						return err
					}
					if e.Serial != n+1 {
						return fmt.Errorf("serial %d after %d: writers interleaved", e.Serial, n)
					}
					return nil
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var last int64
	err := stores[0].View(t.Context(), func(tx wharf.Tx) error {
		var err error
		last, err = tx.LastSerial(t.Context())
		return err
	})
	if err != nil || last != workers*rounds {
		t.Errorf("LastSerial = %d, %v; want %d", last, err, workers*rounds)
	}
}

func TestClosedStore(t *testing.T) {
	s, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "wharf.db")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.View(t.Context(), func(wharf.Tx) error { return nil })
	if err == nil || !errors.Is(err, sql.ErrConnDone) && wharf.ErrorCode(err) != wharf.EINTERNAL {
		t.Errorf("View on a closed store: %v, want an internal error", err)
	}
}
