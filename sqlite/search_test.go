package sqlite_test

import (
	"path/filepath"
	"slices"
	"testing"

	"wharf"
	"wharf/pep440"
	"wharf/sqlite"
)

// addProject creates a project with one release per summary, versions
// 1.0, 2.0, … in order.
func addProject(t testing.TB, s *sqlite.Store, name string, summaries ...string) {
	t.Helper()
	err := s.Update(t.Context(), func(tx wharf.Tx) error {
		u, err := tx.UserByName(t.Context(), "owner")
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			u = &wharf.User{Name: "owner", Email: "owner@example.com"}
			err = tx.CreateUser(t.Context(), u)
		}
		if err != nil {
			return err
		}
		p := &wharf.Project{Name: name, DisplayName: name, SimilarityKey: name, CreatedBy: u.ID}
		if err := tx.CreateProject(t.Context(), p); err != nil {
			return err
		}
		for i, summary := range summaries {
			v := pep440.MustParse(string(rune('1'+i)) + ".0")
			r := &wharf.Release{ProjectID: p.ID, Version: v.String(), Canonical: v.Canonical(), SortKey: v.SortKey(),
				Summary: summary, InfoJSON: `{"keywords": "` + name + `-keyword", "classifiers": ["Topic :: Utilities"]}`}
			if err := tx.CreateRelease(t.Context(), r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func searchNames(t testing.TB, s *sqlite.Store, q wharf.SearchQuery) []string {
	t.Helper()
	var names []string
	err := s.View(t.Context(), func(tx wharf.Tx) error {
		res, err := tx.Search(t.Context(), q)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			names = append(names, h.Name+" "+h.Version)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return names
}

// TestSearchMigrationIndexesOldProjects undoes migration 0005 on a
// database with projects, as a database from before it would be, and
// checks that applying it indexes them.
func TestSearchMigrationIndexesOldProjects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wharf.db")
	s, err := sqlite.Open(t.Context(), sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	addProject(t, s, "older", "first summary", "second summary")
	addProject(t, s, "newer", "third summary")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	db := rawDB(t, path)
	rows, err := db.QueryContext(t.Context(), `SELECT type, name FROM sqlite_master
		WHERE name LIKE 'search\_%' ESCAPE '\' AND type IN ('trigger', 'view', 'table') ORDER BY type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var drops []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			t.Fatal(err)
		}
		drops = append(drops, "DROP "+typ+" IF EXISTS "+name)
	}
	rows.Close()
	drops = append(drops, "DELETE FROM schema_migrations WHERE version = 5")
	for _, q := range drops {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s = openStore(t, path, nil)
	for text, want := range map[string][]string{
		"second":        {"older 2.0"},
		"first":         nil,
		"summary":       {"newer 1.0", "older 2.0"},
		"older-keyword": {"older 2.0"},
	} {
		got := searchNames(t, s, wharf.SearchQuery{Text: text, Page: 1})
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("after the migration, %q found %q, want %q", text, got, want)
		}
	}
	got := searchNames(t, s, wharf.SearchQuery{Classifiers: []string{"Topic :: Utilities"}, Page: 1})
	if !slices.Equal(got, []string{"newer 1.0", "older 2.0"}) {
		t.Errorf("after the migration, the classifier found %q", got)
	}
}

// FuzzSearch searches a small index with any text, classifier, order and
// page: the only error allowed is EINVALID from a query that Validate
// refuses, never one from the full-text engine.
func FuzzSearch(f *testing.F) {
	s, err := sqlite.Open(f.Context(), sqlite.Options{Path: filepath.Join(f.TempDir(), "wharf.db")})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	addProject(f, s, "widget", "a widget thing")
	addProject(f, s, "gadget-tools", "tools for gadgets")
	for _, text := range []string{"widget", `"`, `*`, `NEAR(a b)`, `-x`, `AND OR NOT`, "a\x00b", `(`, `name:x`, `{name}:x`, `x:*`, `^x`, "\xff"} {
		f.Add(text, "Topic :: Utilities", false, uint16(1))
	}
	f.Add("", "", true, uint16(0))
	f.Fuzz(func(t *testing.T, text, classifier string, newest bool, page uint16) {
		q := wharf.SearchQuery{Text: text, Page: int(page)}
		if classifier != "" {
			q.Classifiers = []string{classifier}
		}
		if newest {
			q.Order = wharf.SearchByNewest
		}
		err := s.View(t.Context(), func(tx wharf.Tx) error {
			res, err := tx.Search(t.Context(), q)
			if err == nil && (len(res.Hits) > wharf.SearchPageSize || res.Total > 2 || res.Total < len(res.Hits)) {
				t.Errorf("Search(%+v) = %d hits of %d", q, len(res.Hits), res.Total)
			}
			return err
		})
		if verr := q.Validate(); (verr == nil) != (err == nil) || (err != nil && !wharf.IsCode(err, wharf.EINVALID)) {
			t.Fatalf("Search(%+v): %v (Validate: %v)", q, err, verr)
		}
	})
}
