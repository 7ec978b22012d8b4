package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"wharf"
	"wharf/auth/token"
	"wharf/diskblob"
	"wharf/dist"
	"wharf/pep440"
	"wharf/publish"
	"wharf/sqlite"
)

// These benchmarks measure what one Simple API request costs inside the
// server, without the network: served from the page cache (the common
// case, which bench/run.sh load-tests end to end), rendered after an
// invalidation, and the content negotiation in front of both. Each runs
// against 100 and 10,000 projects to show that a cached request costs the
// same whatever the size of the index.
//
//	go test -run='^$' -bench=. -benchmem ./web

// benchSizes are the index sizes every benchmark runs at.
var benchSizes = []int{100, 10000}

// benchReleases is how many releases (one wheel each) a project has, as in
// bench/run.sh.
const benchReleases = 5

// benchFormats are the Simple API forms, by the Accept header that asks
// for them.
var benchFormats = []struct{ name, accept string }{
	{"html", "text/html"},
	{"json", typeJSONv1},
}

// benchIndex is a Server over a real SQLite store holding benchmark
// projects, and their normalized names.
type benchIndex struct {
	srv   *Server
	names []string
}

// newBenchIndex opens a SQLite store and a blob store in a temporary folder,
// fills the store with n projects of benchReleases releases each, and
// wires a Server over them as cmd/wharf does. Rows are inserted straight
// through the store's transaction: page rendering reads no blobs.
func newBenchIndex(b *testing.B, n int) *benchIndex {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	store, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "wharf.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	blobs, err := diskblob.Open(diskblob.Options{Dir: filepath.Join(dir, "blobs")})
	if err != nil {
		b.Fatal(err)
	}
	tokens, err := token.NewService([]byte("benchmark-server-secret-of-32-bytes!"))
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	pcfg := publish.DefaultConfig()
	pcfg.SpoolDir = filepath.Join(dir, "tmp")
	pub := publish.New(store, blobs, tokens, pcfg, log, nil)
	srv, err := New(store, blobs, pub, log, Options{})
	if err != nil {
		b.Fatal(err)
	}
	names, err := seedBenchProjects(ctx, store, n)
	if err != nil {
		b.Fatal(err)
	}
	return &benchIndex{srv: srv, names: names}
}

// seedBenchProjects inserts a user and n projects named as bench/gen names
// them, each with benchReleases releases of one wheel, in one transaction.
func seedBenchProjects(ctx context.Context, store wharf.Store, n int) ([]string, error) {
	names := make([]string, 0, n)
	err := store.Update(ctx, func(tx wharf.Tx) error {
		u := &wharf.User{Name: "bench", Email: "bench@example.invalid"}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("bench-pkg-%05d", i)
			if err := seedBenchProject(ctx, tx, u.ID, name); err != nil {
				return err
			}
			names = append(names, name)
		}
		return nil
	})
	return names, err
}

func seedBenchProject(ctx context.Context, tx wharf.Tx, userID int64, name string) error {
	p := &wharf.Project{Name: dist.NormalizeName(name), DisplayName: name, SimilarityKey: dist.SimilarityKey(name), CreatedBy: userID}
	if err := tx.CreateProject(ctx, p); err != nil {
		return err
	}
	for r := 0; r < benchReleases; r++ {
		v, err := pep440.Parse("1.0." + strconv.Itoa(r))
		if err != nil {
			return err
		}
		rel := &wharf.Release{ProjectID: p.ID, Version: v.String(), Canonical: v.Canonical(), SortKey: v.SortKey(),
			RequiresPython: ">=3.8", Summary: "Load benchmark package " + name, InfoJSON: "{}"}
		if err := tx.CreateRelease(ctx, rel); err != nil {
			return err
		}
		filename := fmt.Sprintf("%s-%s-py3-none-any.whl", strings.ReplaceAll(name, "-", "_"), v.String())
		f := &wharf.File{ReleaseID: rel.ID, ProjectID: p.ID, Filename: filename, PackageType: wharf.PackageWheel,
			PythonVersion: "py3", RequiresPython: ">=3.8", Size: 1200, SHA256: benchDigest(filename),
			Blake2b256: benchDigest("b2:" + filename), MD5: benchDigest("md5:" + filename)[:32],
			MetadataSHA256: benchDigest("metadata:" + filename), MetadataSize: 130, UploaderID: userID}
		if err := tx.AddFile(ctx, f); err != nil {
			return err
		}
	}
	return tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Action: wharf.ActionCreate, ActorID: userID})
}

// benchDigest is a stand-in digest: the hex sha256 of s.
func benchDigest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// requests returns a GET of every project's Simple page with the Accept
// header, built once so that the loop measures only the serving.
func (ix *benchIndex) requests(accept string) []*http.Request {
	reqs := make([]*http.Request, len(ix.names))
	for i, name := range ix.names {
		r := httptest.NewRequest(http.MethodGet, "/simple/"+name+"/", nil)
		r.Header.Set("Accept", accept)
		reqs[i] = r
	}
	return reqs
}

// benchServe serves r to a fresh recorder and fails unless the reply is 200.
func benchServe(b *testing.B, h http.Handler, r *http.Request) {
	if err := benchTry(h, r); err != nil {
		b.Fatal(err)
	}
}

// benchTry serves r to a fresh recorder and reports a reply other than 200.
func benchTry(h http.Handler, r *http.Request) error {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %s", r.URL.Path, w.Code, w.Body)
	}
	return nil
}

// benchIndexes builds one index per size, shared by a benchmark's
// sub-benchmarks (the parent function runs once, its sub-benchmarks many
// times).
func benchIndexes(b *testing.B) map[int]*benchIndex {
	b.Helper()
	m := map[int]*benchIndex{}
	for _, n := range benchSizes {
		m[n] = newBenchIndex(b, n)
	}
	return m
}

// BenchmarkSimpleProjectCached serves project pages from a warm cache,
// rotating over every project so that the lookups are spread across the
// whole cache as under real load. It also reports what a cached page costs
// in Go heap ("heap-B/page": body, validator and cache entry), measured
// while warming the cache.
func BenchmarkSimpleProjectCached(b *testing.B) {
	for n, ix := range sortedIndexes(benchIndexes(b)) {
		for _, f := range benchFormats {
			reqs := ix.requests(f.accept)
			before := benchHeap()
			for _, r := range reqs {
				benchServe(b, ix.srv, r) // warm the cache
			}
			perPage := float64(benchHeap()-before) / float64(len(reqs))
			b.Run(fmt.Sprintf("projects=%d/%s", n, f.name), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					benchServe(b, ix.srv, reqs[i%len(reqs)])
					i++
				}
				b.ReportMetric(perPage, "heap-B/page") // after the loop, which resets metrics
			})
		}
	}
}

// BenchmarkSimpleProjectCachedParallel is BenchmarkSimpleProjectCached
// from GOMAXPROCS goroutines at once, which shows contention on the cache's
// lock.
func BenchmarkSimpleProjectCachedParallel(b *testing.B) {
	ix := newBenchIndex(b, benchSizes[len(benchSizes)-1])
	for _, f := range benchFormats {
		reqs := ix.requests(f.accept)
		for _, r := range reqs {
			benchServe(b, ix.srv, r)
		}
		// Each goroutine needs requests of its own, since the mux records
		// its match in the request; they are built before the clock starts.
		sets := make(chan []*http.Request, runtime.GOMAXPROCS(0))
		for range cap(sets) {
			sets <- ix.requests(f.accept)
		}
		b.Run(fmt.Sprintf("projects=%d/%s", len(ix.names), f.name), func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				mine := <-sets
				defer func() { sets <- mine }()
				for i := 0; pb.Next(); i++ {
					if err := benchTry(ix.srv, mine[i%len(mine)]); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkSimpleProjectLogged adds the access log that "wharf serve" wraps
// around the server: none (log level warn), discarded after formatting, and
// written to a file as it is to stderr, one write per request.
func BenchmarkSimpleProjectLogged(b *testing.B) {
	ix := newBenchIndex(b, benchSizes[0])
	reqs := ix.requests("text/html")
	for _, r := range reqs {
		benchServe(b, ix.srv, r)
	}
	file, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { file.Close() })
	handlers := []struct {
		name string
		h    http.Handler
	}{
		{"level=warn", Logged(ix.srv, slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})))},
		{"level=info/discard", Logged(ix.srv, slog.New(slog.NewJSONHandler(io.Discard, nil)))},
		{"level=info/file", Logged(ix.srv, slog.New(slog.NewJSONHandler(file, nil)))},
	}
	for _, h := range handlers {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				benchServe(b, h.h, reqs[i%len(reqs)])
				i++
			}
		})
	}
}

// BenchmarkSimpleProjectRender serves a page whose cache entry was just
// invalidated, as after an upload: the project is loaded from SQLite and
// rendered. The render-only cases render from data loaded beforehand, to
// tell the template or JSON encoding apart from the database.
func BenchmarkSimpleProjectRender(b *testing.B) {
	for n, ix := range sortedIndexes(benchIndexes(b)) {
		for _, f := range benchFormats {
			reqs := ix.requests(f.accept)
			b.Run(fmt.Sprintf("projects=%d/%s", n, f.name), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					k := i % len(reqs)
					ix.srv.Invalidate(ix.names[k])
					benchServe(b, ix.srv, reqs[k])
					i++
				}
			})
		}
		if n != benchSizes[0] {
			continue // rendering alone does not touch the index
		}
		d, err := ix.srv.loadProject(context.Background(), ix.names[0])
		if err != nil {
			b.Fatal(err)
		}
		for _, ct := range []string{typeHTML, typeJSONv1} {
			b.Run("render-only/"+map[string]string{typeHTML: "html", typeJSONv1: "json"}[ct], func(b *testing.B) {
				b.ReportAllocs()
				var p *page
				for b.Loop() {
					if p, err = ix.srv.renderSimpleProject(d, ct); err != nil {
						b.Fatal(err)
					}
				}
				// The cache keeps the body's whole backing array.
				b.ReportMetric(float64(len(p.body)), "body-B")
				b.ReportMetric(float64(cap(p.body)), "body-cap-B")
			})
		}
	}
}

// BenchmarkNegotiate picks the response type for the Accept headers that
// real clients send.
func BenchmarkNegotiate(b *testing.B) {
	cases := []struct {
		name, target, accept string
		want                 string
	}{
		{"none", "/simple/x/", "", typeHTML},
		{"html", "/simple/x/", "text/html", typeHTML},
		{"pip", "/simple/x/", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", typeJSONv1},
		{"uv", "/simple/x/", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01", typeJSONv1},
		{"browser", "/simple/x/", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", typeHTML},
		{"query", "/simple/x/?format=" + typeJSONv1, "", typeJSONv1},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, c.target, nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if got := negotiate(r); got != c.want {
			b.Fatalf("%s: negotiate = %q, want %q", c.name, got, c.want)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				negotiate(r)
			}
		})
	}
}

// benchHeap returns the bytes of live heap objects after a collection.
func benchHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// sortedIndexes yields the indexes smallest first, so that sub-benchmarks
// run and print in a stable order.
func sortedIndexes(m map[int]*benchIndex) func(func(int, *benchIndex) bool) {
	return func(yield func(int, *benchIndex) bool) {
		for _, n := range benchSizes {
			if ix, ok := m[n]; ok && !yield(n, ix) {
				return
			}
		}
	}
}
