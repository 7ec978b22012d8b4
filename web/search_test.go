package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"wharf"
	"wharf/pep440"
)

// seedSearch adds projects with one release each straight to the store,
// which is quicker than uploading when only search is under test.
func seedSearch(t *testing.T, ix *testIndex, projects map[string]wharf.ReleaseInfo) {
	t.Helper()
	err := ix.store.Update(t.Context(), func(tx wharf.Tx) error {
		u, err := tx.UserByName(t.Context(), "alice")
		if err != nil {
			return err
		}
		for name, info := range projects {
			p := &wharf.Project{Name: name, DisplayName: name, SimilarityKey: name, CreatedBy: u.ID}
			if err := tx.CreateProject(t.Context(), p); err != nil {
				return err
			}
			v := pep440.MustParse(info.Version)
			b, err := json.Marshal(info)
			if err != nil {
				return err
			}
			r := &wharf.Release{ProjectID: p.ID, Version: v.String(), Canonical: v.Canonical(), SortKey: v.SortKey(),
				Summary: info.Summary, InfoJSON: string(b)}
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

// resultLinks lists the project links of a results page, in order.
var resultLink = regexp.MustCompile(`<a class="package-name" href="([^"]*)">`)

func resultLinks(body []byte) []string {
	var out []string
	for _, m := range resultLink.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func TestSearchPage(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	long := strings.Repeat("demo ", 2000)
	tests := []struct {
		name, query string
		status      int
		want        []string // substrings of the page
		links       []string // the result links, in order
	}{
		{name: "prompt", query: "", status: 200, want: []string{"<h1>Search projects</h1>", "Type words to look for"}},
		{name: "blank", query: "q=+++", status: 200, want: []string{"Type words to look for"}},
		{name: "no words", query: "q=" + url.QueryEscape(`*"(-`), status: 200, want: []string{"Type words to look for"}},
		{name: "found by upload", query: "q=demo", status: 200,
			want:  []string{"<h1>Search results for “demo”</h1>", "1 project found", "<bdi>Demo.Pkg</bdi> <bdi>1.0</bdi>", "The demo.", `<time datetime="2024-05-06T08:08:09Z">2024-05-06</time>`},
			links: []string{"/project/demo-pkg/"}},
		{name: "by name", query: "q=Demo.Pkg", status: 200, links: []string{"/project/demo-pkg/"}},
		{name: "newest", query: "q=demo&o=-created", status: 200, want: []string{`<option value="-created" selected>`}, links: []string{"/project/demo-pkg/"}},
		{name: "unknown order is relevance", query: "q=demo&o=name", status: 200, want: []string{`<option value="" selected>`}},
		{name: "nothing found", query: "q=zebra", status: 200, want: []string{"0 projects found", "No project matches this search."}},
		{name: "hostile", query: "q=" + url.QueryEscape(`demo" NEAR( name:x -y AND OR NOT *`), status: 200, want: []string{"0 projects found"}},
		{name: "NUL", query: "q=de%00mo", status: 200, want: []string{"0 projects found"}},
		{name: "long", query: "q=" + url.QueryEscape(long), status: 200, links: []string{"/project/demo-pkg/"}},
		{name: "query escaped", query: "q=" + url.QueryEscape(`<script>demo`), status: 200,
			want: []string{`value="&lt;script&gt;demo"`, "Search results for “&lt;script&gt;demo”"}},
		{name: "page not a number", query: "q=demo&page=x", status: 400},
		{name: "page 0", query: "q=demo&page=0", status: 400},
		{name: "page past the bound", query: fmt.Sprintf("q=demo&page=%d", wharf.SearchMaxPages+1), status: 400},
		{name: "page past the results", query: "q=demo&page=2", status: 404},
		{name: "too many filters", query: "q=demo" + strings.Repeat("&c=x", wharf.SearchMaxClassifiers+1), status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, "/search/?"+tt.query, "Accept", "text/html")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if tt.links != nil {
				if got := resultLinks(body); strings.Join(got, " ") != strings.Join(tt.links, " ") {
					t.Errorf("results %q, want %q", got, tt.links)
				}
			}
			if strings.Contains(string(body), "<script>") {
				t.Error("the page holds a raw <script>")
			}
		})
	}
}

func TestSearchPagination(t *testing.T) {
	ix := newTestIndex(t, indexConfig{BaseURL: "https://pypi.example.org/py/"})
	projects := map[string]wharf.ReleaseInfo{}
	for i := range 2*wharf.SearchPageSize + 5 {
		projects[fmt.Sprintf("paged-%02d", i)] = wharf.ReleaseInfo{Version: "1.0", Summary: "common words"}
	}
	seedSearch(t, ix, projects)
	tests := []struct {
		page            int
		first, count    int
		prev, next      string
		pageOf          string
		firstLink, last string
	}{
		{1, 1, 20, "", "/py/search/?page=2&amp;q=common", "Page 1 of 3", "/py/project/paged-00/", "/py/project/paged-19/"},
		{2, 21, 20, "/py/search/?q=common", "/py/search/?page=3&amp;q=common", "Page 2 of 3", "/py/project/paged-20/", "/py/project/paged-39/"},
		{3, 41, 5, "/py/search/?page=2&amp;q=common", "", "Page 3 of 3", "/py/project/paged-40/", "/py/project/paged-44/"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("page ", tt.page), func(t *testing.T) {
			_, body := ix.get(t, fmt.Sprintf("/py/search/?q=common&page=%d", tt.page))
			page := string(body)
			links := resultLinks(body)
			if len(links) != tt.count || links[0] != tt.firstLink || links[len(links)-1] != tt.last {
				t.Fatalf("results %q", links)
			}
			for _, w := range []string{fmt.Sprintf(`start="%d"`, tt.first), tt.pageOf, "45 projects found", `<nav class="pagination" aria-label="Result pages">`} {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for rel, href := range map[string]string{"prev": tt.prev, "next": tt.next} {
				link := `<a href="` + href + `" rel="` + rel + `">`
				if has := strings.Contains(page, `rel="`+rel+`"`); has != (href != "") || (href != "" && !strings.Contains(page, link)) {
					t.Errorf("page lacks %s, or has a %s link it should not", link, rel)
				}
			}
		})
	}
	_, body := ix.get(t, "/py/search/?q=paged-07")
	if links := resultLinks(body); len(links) == 0 || links[0] != "/py/project/paged-07/" {
		t.Errorf("the exact name does not come first: %q", links)
	}
}

func TestSearchFilters(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedSearch(t, ix, map[string]wharf.ReleaseInfo{
		"web-tool":   {Version: "1.0", Summary: "net tool", Classifiers: []string{"Topic :: Internet :: WWW/HTTP", "License :: OSI Approved :: MIT License"}},
		"plain-tool": {Version: "1.0", Summary: "net tool", Classifiers: []string{"Topic :: Utilities"}},
	})
	_, body := ix.get(t, "/search/?q=net&c="+url.QueryEscape("Topic :: Internet")+"&c="+url.QueryEscape("License :: OSI Approved")+"&o=-created")
	page := string(body)
	if links := resultLinks(body); strings.Join(links, " ") != "/project/web-tool/" {
		t.Errorf("results %q", links)
	}
	for _, w := range []string{
		`<input type="hidden" name="c" value="Topic :: Internet">`,
		`<input type="hidden" name="c" value="License :: OSI Approved">`,
		`<a href="/search/?c=License&#43;%3A%3A&#43;OSI&#43;Approved&amp;o=-created&amp;q=net">Remove filter: Topic :: Internet</a>`,
		`<a href="/search/?c=Topic&#43;%3A%3A&#43;Internet&amp;o=-created&amp;q=net">Remove filter: License :: OSI Approved</a>`,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	// Filters alone list what they select; an empty filter field (a form
	// may send one) is left out.
	resp, body := ix.get(t, "/search/?q=&c=&c="+url.QueryEscape("Topic :: Utilities"))
	if links := resultLinks(body); resp.StatusCode != http.StatusOK || strings.Join(links, " ") != "/project/plain-tool/" ||
		!strings.Contains(string(body), "<h1>Search results</h1>") {
		t.Errorf("status %d, results %q", resp.StatusCode, links)
	}
}

// TestSearchFollowsUploads checks that an upload, a yank and a deletion
// change what search finds at once: the index is written in their
// transactions.
func TestSearchFollowsUploads(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	version := func() string {
		t.Helper()
		_, body := ix.get(t, "/search/?q=demo")
		m := regexp.MustCompile(`<bdi>Demo.Pkg</bdi> <bdi>([^<]*)</bdi>`).FindSubmatch(body)
		if m == nil {
			return ""
		}
		return string(m[1])
	}
	if v := version(); v != "1.0" {
		t.Fatalf("found version %q, want 1.0", v)
	}
	actor := wharf.Actor{UserName: "test"}
	if err := ix.manage.Yank(t.Context(), actor, "demo.pkg", "1.0", "bad"); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != "1.1b1" {
		t.Errorf("after yanking 1.0, found version %q, want 1.1b1", v)
	}
	for _, v := range []string{"0.9", "1.0", "1.1b1"} {
		if err := ix.manage.Delete(t.Context(), actor, "demo.pkg", v, ""); err != nil {
			t.Fatal(err)
		}
	}
	if v := version(); v != "" {
		t.Errorf("after deleting every release, found version %q", v)
	}
}
