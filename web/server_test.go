package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/manage"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the reply (run go test -update if the change is right)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

const pipAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"

func TestSimpleProjectHTML(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	files := seedDemo(t, ix)
	resp, body := ix.get(t, "/simple/demo-pkg/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	checkGolden(t, "simple-project.golden", body)

	wheel, sdist := files["demo_pkg-1.0-py3-none-any.whl"], files["demo_pkg-1.0.tar.gz"]
	wheelMeta := sha256hex(wheel.Metadata)
	tests := []struct {
		name, want string
		absent     bool
	}{
		{name: "repository version", want: `<meta name="pypi:repository-version" content="1.1">`},
		{name: "requires-python escaped", want: `data-requires-python="&gt;=3.8"`},
		{name: "requires-python with <", want: `data-requires-python="&gt;=3.9,&lt;4"`},
		{name: "hash fragment", want: `/demo_pkg-1.0-py3-none-any.whl#sha256=` + wheel.sha256() + `"`},
		{name: "PEP 658 attribute", want: `data-dist-info-metadata="sha256=` + wheelMeta + `"`},
		{name: "PEP 714 attribute", want: `data-core-metadata="sha256=` + wheelMeta + `"`},
		{name: "yank reason escaped", want: `data-yanked="broken &#34;build&#34; &lt;see #12&gt; &amp; more"`},
		{name: "serial comment", want: "<!--SERIAL " + resp.Header.Get("X-PyPI-Last-Serial") + "-->"},
		{name: "sdist has no metadata", absent: true,
			want: `demo_pkg-1.0.tar.gz#sha256=` + sdist.sha256() + `" data-requires-python="&gt;=3.8" data-`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bytes.Contains(body, []byte(tt.want)); got == tt.absent {
				t.Errorf("page contains %q: %v, want %v", tt.want, got, !tt.absent)
			}
		})
	}
}

func sha256hex(b []byte) string {
	return testDist{Content: b}.sha256()
}

// simpleJSON is the PEP 691 project page.
type simpleJSON struct {
	Meta struct {
		APIVersion string `json:"api-version"`
		LastSerial int64  `json:"_last-serial"`
	} `json:"meta"`
	Name     string   `json:"name"`
	Versions []string `json:"versions"`
	Files    []struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python"`
		Size           int64             `json:"size"`
		UploadTime     string            `json:"upload-time"`
		Yanked         any               `json:"yanked"`
		CoreMetadata   any               `json:"core-metadata"`
		DataDistInfo   any               `json:"data-dist-info-metadata"`
	} `json:"files"`
}

func TestSimpleProjectJSON(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	files := seedDemo(t, ix)
	resp, body := ix.get(t, "/simple/demo-pkg/", "Accept", pipAccept)
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.pypi.simple.v1+json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var page simpleJSON
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	if page.Meta.APIVersion != "1.1" || page.Name != "demo-pkg" || strconv.FormatInt(page.Meta.LastSerial, 10) != resp.Header.Get("X-PyPI-Last-Serial") {
		t.Errorf("meta %+v, name %q", page.Meta, page.Name)
	}
	if got := strings.Join(page.Versions, " "); got != "0.9 1.0 1.1b1" {
		t.Errorf("versions %q", got)
	}
	if bytes.Contains(body, []byte(`"dist-info-metadata"`)) {
		t.Error(`the page has a "dist-info-metadata" key, which makes pip 23.0 fail`)
	}
	if len(page.Files) != 4 {
		t.Fatalf("%d files, want 4", len(page.Files))
	}
	want := []struct {
		filename   string
		uploaded   string
		yanked     any
		hasMeta    bool
		requiresPy string
	}{
		{"demo_pkg-0.9-py3-none-any.whl", "2024-05-06T07:08:09.123456Z", demoYankReason, true, ">=3.8"},
		{"demo_pkg-1.0-py3-none-any.whl", "2024-05-06T08:08:09.123456Z", false, true, ">=3.8"},
		{"demo_pkg-1.0.tar.gz", "2024-05-06T09:08:09.123456Z", false, false, ">=3.8"},
		{"demo_pkg-1.1b1-py3-none-any.whl", "2024-05-06T10:08:09.123456Z", false, true, ">=3.9,<4"},
	}
	for i, w := range want {
		t.Run(w.filename, func(t *testing.T) {
			f, d := page.Files[i], files[w.filename]
			if f.Filename != w.filename || f.Size != int64(len(d.Content)) || f.Hashes["sha256"] != d.sha256() ||
				f.UploadTime != w.uploaded || f.Yanked != w.yanked || f.RequiresPython != w.requiresPy {
				t.Errorf("got %+v", f)
			}
			h := d.sha256()
			if f.URL != "/packages/"+h[:2]+"/"+h[2:4]+"/"+h[4:]+"/"+w.filename {
				t.Errorf("url %q", f.URL)
			}
			wantMeta := any(nil)
			if w.hasMeta {
				wantMeta = map[string]any{"sha256": sha256hex(d.Metadata)}
			}
			if !jsonEqual(f.CoreMetadata, wantMeta) || !jsonEqual(f.DataDistInfo, wantMeta) {
				t.Errorf("core-metadata %v, data-dist-info-metadata %v, want %v", f.CoreMetadata, f.DataDistInfo, wantMeta)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestSimpleIndex(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	ix.upload(t, distSpec{Name: "Another_One", Version: "2.0"}.build(t))

	resp, body := ix.get(t, "/simple/")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	checkGolden(t, "simple-index.golden", body)

	resp, body = ix.get(t, "/simple/", "Accept", pipAccept)
	if resp.Header.Get("Content-Type") != "application/vnd.pypi.simple.v1+json" {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	var index struct {
		Meta struct {
			APIVersion string `json:"api-version"`
			LastSerial int64  `json:"_last-serial"`
		} `json:"meta"`
		Projects []struct {
			Name       string `json:"name"`
			LastSerial int64  `json:"_last-serial"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(body, &index); err != nil {
		t.Fatal(err)
	}
	if index.Meta.APIVersion != "1.1" || strconv.FormatInt(index.Meta.LastSerial, 10) != resp.Header.Get("X-PyPI-Last-Serial") {
		t.Errorf("meta %+v", index.Meta)
	}
	if len(index.Projects) != 2 || index.Projects[0].Name != "Another_One" || index.Projects[1].Name != "Demo.Pkg" ||
		index.Projects[0].LastSerial <= index.Projects[1].LastSerial {
		t.Errorf("projects %+v", index.Projects)
	}
}

func TestSimpleNegotiation(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	tests := []struct {
		name, path, accept, want string
	}{
		{"no Accept", "/simple/demo-pkg/", "", "text/html; charset=utf-8"},
		{"pip", "/simple/demo-pkg/", pipAccept, "application/vnd.pypi.simple.v1+json"},
		{"v1 html", "/simple/demo-pkg/", "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html"},
		{"latest json", "/simple/demo-pkg/", "application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+json"},
		{"format wins", "/simple/demo-pkg/?format=application/vnd.pypi.simple.v1%2Bjson", "text/html", "application/vnd.pypi.simple.v1+json"},
		{"format with raw plus", "/simple/demo-pkg/?format=application/vnd.pypi.simple.v1+json", "", "application/vnd.pypi.simple.v1+json"},
		{"format on index", "/simple/?format=text/html", pipAccept, "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := ix.get(t, tt.path, "Accept", tt.accept)
			if got := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || got != tt.want {
				t.Errorf("%s, Content-Type %q, want %q", resp.Status, got, tt.want)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	tests := []struct {
		name, path, location string
	}{
		{"non-normalized name", "/simple/Demo.Pkg/", "/simple/demo-pkg/"},
		{"query kept", "/simple/Demo_Pkg/?format=text/html", "/simple/demo-pkg/?format=text/html"},
		{"no trailing slash", "/simple/demo-pkg", "/simple/demo-pkg/"},
		{"no slash and not normalized", "/simple/DEMO__pkg?x=1", "/simple/demo-pkg/?x=1"},
		{"index without slash", "/simple", "/simple/"},
		{"name escaped in Location", "/simple/Demo%3Fpkg/", "/simple/demo%3Fpkg/"},
		{"JSON API", "/pypi/Demo.Pkg/json", "/pypi/demo-pkg/json"},
		{"JSON API version", "/pypi/DEMO-PKG/1.0/json", "/pypi/demo-pkg/1.0/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := ix.get(t, tt.path)
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != tt.location {
				t.Errorf("%s Location %q, want 301 %q", resp.Status, resp.Header.Get("Location"), tt.location)
			}
		})
	}
}

func TestSimpleHeaders(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	for _, path := range []string{"/simple/", "/simple/demo-pkg/", "/pypi/demo-pkg/json", "/pypi/demo-pkg/1.0/json"} {
		t.Run(path, func(t *testing.T) {
			resp, body := ix.get(t, path)
			h := resp.Header
			if resp.StatusCode != http.StatusOK {
				t.Fatal(resp.Status)
			}
			if !strings.Contains(h.Get("Vary"), "Accept") || h.Get("Access-Control-Allow-Origin") != "*" ||
				h.Get("Cache-Control") != "max-age=60, public" || h.Get("X-PyPI-Last-Serial") != "9" ||
				h.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("headers %v", h)
			}
			etag := h.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 3 {
				t.Fatalf("ETag %q", etag)
			}
			conditional := []struct {
				name, ifNoneMatch string
				status            int
			}{
				{"same tag", etag, http.StatusNotModified},
				{"weak form", "W/" + etag, http.StatusNotModified},
				{"in a list", `"other", ` + etag, http.StatusNotModified},
				{"star", "*", http.StatusNotModified},
				{"other tag", `"other"`, http.StatusOK},
			}
			for _, c := range conditional {
				resp, body := ix.get(t, path, "If-None-Match", c.ifNoneMatch)
				if resp.StatusCode != c.status || (c.status == http.StatusNotModified && len(body) != 0) {
					t.Errorf("%s: %s with %d bytes", c.name, resp.Status, len(body))
				}
				if resp.Header.Get("ETag") != etag {
					t.Errorf("%s: ETag %q", c.name, resp.Header.Get("ETag"))
				}
			}
			// Another form of the page is another representation: another tag.
			if resp, _ := ix.get(t, path, "Accept", pipAccept); strings.HasPrefix(path, "/simple") && resp.Header.Get("ETag") == etag {
				t.Error("the JSON form has the HTML form's ETag")
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	tests := []struct {
		name, path string
		jsonBody   bool
	}{
		{name: "simple project", path: "/simple/nope/"},
		{name: "simple project JSON", path: "/simple/nope/?format=application/vnd.pypi.simple.v1%2Bjson"},
		{name: "JSON API project", path: "/pypi/nope/json", jsonBody: true},
		{name: "JSON API version", path: "/pypi/demo-pkg/7.0/json", jsonBody: true},
		{name: "JSON API bad version", path: "/pypi/demo-pkg/not-a-version/json", jsonBody: true},
		{name: "JSON API version of unknown project", path: "/pypi/nope/1.0/json", jsonBody: true},
		{name: "unknown route", path: "/nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %s", resp.Status)
			}
			if !tt.jsonBody {
				return
			}
			var msg map[string]any
			if err := json.Unmarshal(body, &msg); err != nil || len(msg) != 1 || msg["message"] != "Not Found" {
				t.Errorf("body %q (%v)", body, err)
			}
			if resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

// pageHas fetches path and reports whether it contains s.
func (ix *testIndex) pageHas(t *testing.T, path, s string) bool {
	t.Helper()
	_, body := ix.get(t, path)
	return bytes.Contains(body, []byte(s))
}

func TestCacheInvalidation(t *testing.T) {
	ctx := context.Background()
	actor := wharf.Actor{UserName: "test"}
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	const page = "/simple/demo-pkg/"

	t.Run("upload", func(t *testing.T) {
		ix.get(t, "/simple/") // cache the index too
		ix.pageHas(t, page, "")
		ix.upload(t, distSpec{Name: "Demo.Pkg", Version: "1.2"}.build(t))
		if !ix.pageHas(t, page, "demo_pkg-1.2-py3-none-any.whl") {
			t.Error("the page lacks the new file")
		}
		ix.upload(t, distSpec{Name: "new-project", Version: "1.0"}.build(t))
		if !ix.pageHas(t, "/simple/", "new-project") {
			t.Error("the index lacks the new project")
		}
	})
	t.Run("yank in this process", func(t *testing.T) {
		ix.pageHas(t, page, "")
		if err := ix.manage.Yank(ctx, actor, "demo-pkg", "1.2", "oops"); err != nil {
			t.Fatal(err)
		}
		if !ix.pageHas(t, page, `data-yanked="oops">demo_pkg-1.2`) {
			t.Error("the page does not show the yank")
		}
		if !ix.pageHas(t, "/pypi/demo-pkg/1.2/json", `"yanked_reason":"oops"`) {
			t.Error("the JSON API does not show the yank")
		}
	})

	// Another process (a wharf command) changes the store without telling
	// this server: the page stays cached until it is invalidated.
	other := manage.New(ix.store, ix.blobs, nil)
	t.Run("change elsewhere, Invalidate", func(t *testing.T) {
		if err := other.Unyank(ctx, actor, "demo-pkg", "1.2"); err != nil {
			t.Fatal(err)
		}
		if !ix.pageHas(t, page, `data-yanked="oops">demo_pkg-1.2`) {
			t.Fatal("the page changed without invalidation: is it cached at all?")
		}
		ix.srv.Invalidate("demo-pkg")
		if ix.pageHas(t, page, `data-yanked="oops">demo_pkg-1.2`) {
			t.Error("the page is stale after Invalidate")
		}
	})
	t.Run("change elsewhere, FollowJournal", func(t *testing.T) {
		follow, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { ix.srv.FollowJournal(follow); close(done) }()
		defer func() { stop(); <-done }()
		ix.pageHas(t, page, "")
		if err := other.Yank(ctx, actor, "demo-pkg", "1.2", "seen by the follower"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !ix.pageHas(t, page, `data-yanked="seen by the follower"`) {
			if time.Now().After(deadline) {
				t.Fatal("the follower did not invalidate the page")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

func TestJSONAPIProject(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	files := seedDemo(t, ix)
	resp, body := ix.get(t, "/pypi/demo-pkg/json")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		Info struct {
			Name           string            `json:"name"`
			Version        string            `json:"version"`
			Summary        string            `json:"summary"`
			RequiresDist   []string          `json:"requires_dist"`
			RequiresPython string            `json:"requires_python"`
			ProjectURLs    map[string]string `json:"project_urls"`
			Yanked         bool              `json:"yanked"`
		} `json:"info"`
		LastSerial      int64                    `json:"last_serial"`
		Releases        map[string][]jsonAPIFile `json:"releases"`
		URLs            []jsonAPIFile            `json:"urls"`
		Vulnerabilities []any                    `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	info := doc.Info
	if info.Name != "Demo.Pkg" || info.Version != "1.0" || info.Summary != "The demo." || info.RequiresPython != ">=3.8" || info.Yanked {
		t.Errorf("info %+v: want the newest final release, 1.0", info)
	}
	if strings.Join(info.RequiresDist, "|") != `requests>=2|tomli; python_version < "3.11"` {
		t.Errorf("requires_dist %q", info.RequiresDist)
	}
	if len(info.ProjectURLs) != 2 || info.ProjectURLs["Homepage"] != "https://example.org/demo" || info.ProjectURLs["Source"] != "https://example.org/demo.git" {
		t.Errorf("project_urls %v", info.ProjectURLs)
	}
	if doc.LastSerial != 9 || doc.Vulnerabilities == nil || len(doc.Vulnerabilities) != 0 || !bytes.Contains(body, []byte(`"vulnerabilities":[]`)) {
		t.Errorf("last_serial %d, vulnerabilities %v", doc.LastSerial, doc.Vulnerabilities)
	}
	if len(doc.Releases) != 3 || len(doc.Releases["0.9"]) != 1 || len(doc.Releases["1.0"]) != 2 || len(doc.Releases["1.1b1"]) != 1 {
		t.Errorf("releases %v", doc.Releases)
	}
	if len(doc.URLs) != 2 || doc.URLs[0].Filename != "demo_pkg-1.0-py3-none-any.whl" || doc.URLs[1].Filename != "demo_pkg-1.0.tar.gz" {
		t.Errorf("urls %+v", doc.URLs)
	}
	yanked := doc.Releases["0.9"][0]
	if !yanked.Yanked || yanked.YankedReason == nil || *yanked.YankedReason != demoYankReason {
		t.Errorf("0.9: yanked %v reason %v", yanked.Yanked, yanked.YankedReason)
	}
	for _, f := range doc.URLs {
		d := files[f.Filename]
		if f.Digests["sha256"] != d.sha256() || len(f.Digests["md5"]) != 32 || len(f.Digests["blake2b_256"]) != 64 ||
			f.MD5Digest != f.Digests["md5"] || f.Size != int64(len(d.Content)) || f.Yanked || f.YankedReason != nil {
			t.Errorf("%s: %+v", f.Filename, f)
		}
	}
	if f := doc.URLs[0]; f.UploadTimeISO8601 != "2024-05-06T08:08:09.123456Z" || f.UploadTime != "2024-05-06T08:08:09" ||
		f.PackageType != "bdist_wheel" || f.PythonVersion != "py3" {
		t.Errorf("wheel %+v", f)
	}
}

func TestJSONAPIInfoChoice(t *testing.T) {
	tests := []struct {
		name     string
		versions []string
		yank     []string
		want     string
	}{
		{"final preferred over newer pre-release", []string{"1.0", "2.0rc1"}, nil, "1.0"},
		{"newest final", []string{"1.0", "1.1", "2.0a1"}, nil, "1.1"},
		{"yanked final skipped", []string{"1.0", "1.1"}, []string{"1.1"}, "1.0"},
		{"only pre-releases", []string{"1.0a1", "1.0b1"}, nil, "1.0b1"},
		{"pre-release over yanked finals", []string{"1.0", "2.0b1"}, []string{"1.0"}, "2.0b1"},
		{"all yanked", []string{"1.0", "1.1"}, []string{"1.0", "1.1"}, "1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := newTestIndex(t, indexConfig{})
			for _, v := range tt.versions {
				ix.upload(t, distSpec{Name: "choice", Version: v, Summary: "version " + v}.build(t))
			}
			for _, v := range tt.yank {
				if err := ix.manage.Yank(context.Background(), wharf.Actor{}, "choice", v, ""); err != nil {
					t.Fatal(err)
				}
			}
			_, body := ix.get(t, "/pypi/choice/json")
			var doc struct {
				Info struct{ Version, Summary string }
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Info.Version != tt.want || doc.Info.Summary != "version "+tt.want {
				t.Errorf("info is %s (%q), want %s", doc.Info.Version, doc.Info.Summary, tt.want)
			}
		})
	}
}

func TestJSONAPIRelease(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	tests := []struct {
		name, path, version string
		files               int
		yanked              bool
	}{
		{"final", "/pypi/demo-pkg/1.0/json", "1.0", 2, false},
		{"other spelling", "/pypi/demo-pkg/1.0.0/json", "1.0", 2, false},
		{"pre-release", "/pypi/demo-pkg/1.1b1/json", "1.1b1", 1, false},
		{"yanked", "/pypi/demo-pkg/0.9/json", "0.9", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatal(resp.Status)
			}
			var doc struct {
				Info struct {
					Version      string  `json:"version"`
					Yanked       bool    `json:"yanked"`
					YankedReason *string `json:"yanked_reason"`
				} `json:"info"`
				URLs       []jsonAPIFile `json:"urls"`
				LastSerial int64         `json:"last_serial"`
				Releases   any           `json:"releases"`
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Info.Version != tt.version || len(doc.URLs) != tt.files || doc.Info.Yanked != tt.yanked || doc.LastSerial != 9 || doc.Releases != nil {
				t.Errorf("got %+v", doc)
			}
			if tt.yanked && (doc.Info.YankedReason == nil || *doc.Info.YankedReason != demoYankReason) {
				t.Errorf("yanked_reason %v", doc.Info.YankedReason)
			}
		})
	}
	// Every spelling of a version is one release and one cached page.
	for i := 0; i < 20; i++ {
		ix.get(t, "/pypi/demo-pkg/1"+strings.Repeat(".0", i)+"/json")
	}
	c := ix.srv.cache
	c.mu.Lock()
	n := len(c.entries["demo-pkg"].Value.(*cacheEntry).pages)
	c.mu.Unlock()
	if n > 4 {
		t.Errorf("%d pages cached for one project", n)
	}
}

func TestPackageFiles(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	files := seedDemo(t, ix)
	wheel, sdist := files["demo_pkg-1.0-py3-none-any.whl"], files["demo_pkg-1.0.tar.gz"]
	url := func(d testDist) string {
		h := d.sha256()
		return "/packages/" + h[:2] + "/" + h[2:4] + "/" + h[4:] + "/" + d.Filename
	}
	other := sdist.sha256()
	tests := []struct {
		name    string
		path    string
		header  []string
		status  int
		body    []byte
		etag    string
		dispose string
	}{
		{name: "wheel", path: url(wheel), status: 200, body: wheel.Content, etag: `"` + wheel.sha256() + `"`, dispose: wheel.Filename},
		{name: "sdist", path: url(sdist), status: 200, body: sdist.Content, etag: `"` + sdist.sha256() + `"`, dispose: sdist.Filename},
		{name: "range", path: url(wheel), header: []string{"Range", "bytes=10-29"}, status: 206, body: wheel.Content[10:30], etag: `"` + wheel.sha256() + `"`},
		{name: "suffix range", path: url(sdist), header: []string{"Range", "bytes=-100"}, status: 206, body: sdist.Content[len(sdist.Content)-100:]},
		{name: "if-none-match", path: url(wheel), header: []string{"If-None-Match", `"` + wheel.sha256() + `"`}, status: 304, body: []byte{}},
		{name: "wheel metadata", path: url(wheel) + ".metadata", status: 200, body: wheel.Metadata, etag: `"` + sha256hex(wheel.Metadata) + `"`,
			dispose: wheel.Filename + ".metadata"},
		{name: "sdist metadata", path: url(sdist) + ".metadata", status: 404},
		{name: "hash of another file", path: "/packages/" + other[:2] + "/" + other[2:4] + "/" + other[4:] + "/" + wheel.Filename, status: 404},
		{name: "hash split otherwise", path: "/packages/" + wheel.sha256()[:1] + "/" + wheel.sha256()[1:4] + "/" + wheel.sha256()[4:] + "/" + wheel.Filename, status: 404},
		{name: "upper-case hash", path: strings.ToUpper(url(wheel)[:80]) + url(wheel)[80:], status: 404},
		{name: "short hash", path: "/packages/ab/cd/ef/" + wheel.Filename, status: 404},
		{name: "unknown file", path: "/packages/" + wheel.sha256()[:2] + "/" + wheel.sha256()[2:4] + "/" + wheel.sha256()[4:] + "/demo_pkg-9.9-py3-none-any.whl", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path, tt.header...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %s, want %d", resp.Status, tt.status)
			}
			if tt.body != nil && !bytes.Equal(body, tt.body) {
				t.Errorf("body differs: %d bytes, want %d", len(body), len(tt.body))
			}
			if tt.status >= 300 && tt.status != 304 {
				return
			}
			h := resp.Header
			if tt.status != 304 && h.Get("Content-Length") != strconv.Itoa(len(tt.body)) {
				t.Errorf("Content-Length %q", h.Get("Content-Length"))
			}
			if tt.etag != "" && h.Get("ETag") != tt.etag {
				t.Errorf("ETag %q, want %q", h.Get("ETag"), tt.etag)
			}
			if !strings.Contains(h.Get("Cache-Control"), "immutable") {
				t.Errorf("Cache-Control %q", h.Get("Cache-Control"))
			}
			if tt.dispose != "" && h.Get("Content-Disposition") != "attachment; filename*=UTF-8''"+tt.dispose {
				t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
			}
		})
	}
}

func TestBaseURLPrefix(t *testing.T) {
	ix := newTestIndex(t, indexConfig{BaseURL: "https://pypi.example.org/py/"})
	files := seedDemo(t, ix)
	wheel := files["demo_pkg-1.0-py3-none-any.whl"]
	h := wheel.sha256()
	fileURL := "/py/packages/" + h[:2] + "/" + h[2:4] + "/" + h[4:] + "/" + wheel.Filename
	tests := []struct {
		name, path string
		status     int
		location   string
		contains   string
	}{
		{name: "index links", path: "/py/simple/", status: 200, contains: `href="/py/simple/demo-pkg/"`},
		{name: "file links", path: "/py/simple/demo-pkg/", status: 200, contains: `href="` + fileURL + `#sha256=`},
		{name: "JSON file URLs are absolute", path: "/py/pypi/demo-pkg/json", status: 200, contains: `"url":"https://pypi.example.org` + fileURL + `"`},
		{name: "file", path: fileURL, status: 200},
		{name: "redirect keeps the prefix", path: "/py/simple/Demo.Pkg/", status: 301, location: "/py/simple/demo-pkg/"},
		{name: "bare prefix", path: "/py", status: 301, location: "/py/"},
		{name: "unclean path", path: "/py/simple//demo-pkg/", status: 301, location: "/py/simple/demo-pkg/"},
		{name: "outside the prefix", path: "/simple/", status: 404},
		{name: "prefix as a name prefix", path: "/pyx/simple/", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
				t.Errorf("%s Location %q, want %d %q", resp.Status, resp.Header.Get("Location"), tt.status, tt.location)
			}
			if !bytes.Contains(body, []byte(tt.contains)) {
				t.Errorf("body lacks %q:\n%s", tt.contains, body)
			}
		})
	}
}

func TestNewRefusesBadBaseURL(t *testing.T) {
	for _, base := range []string{"ftp://example.org", "example.org/simple", "https://", "://x"} {
		t.Run(base, func(t *testing.T) {
			if _, err := New(nil, nil, nil, nil, Options{BaseURL: base}); !wharf.IsCode(err, wharf.EINVALID) {
				t.Errorf("New: %v, want an EINVALID error", err)
			}
		})
	}
}
