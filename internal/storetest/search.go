package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"wharf"
	"wharf/pep440"
)

// searchTests are the SearchTx conformance tests; Store runs them.
var searchTests = []struct {
	name string
	run  func(t *testing.T, s wharf.Store)
}{
	{"Ranking", testSearchRanking},
	{"LatestRelease", testSearchLatestRelease},
	{"Filters", testSearchFilters},
	{"Pages", testSearchPages},
	{"Newest", testSearchNewest},
	{"HostileText", testSearchHostileText},
	{"Invalid", testSearchInvalid},
}

// testSearch runs every search test as a subtest, each on its own store.
func testSearch(t *testing.T, open func(t *testing.T) wharf.Store) {
	for _, tt := range searchTests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

// searchDoc is the metadata of one release made for search tests.
type searchDoc struct {
	project, version, summary, description, keywords string
	classifiers                                      []string
	// rawInfo, when set, is stored as the release's info_json instead
	// of the JSON of the fields above.
	rawInfo string
}

// addSearchDocs creates the projects (once each) and releases of docs, in
// order, one transaction each, owned by a new user "searcher".
func addSearchDocs(t *testing.T, s wharf.Store, docs ...searchDoc) map[string]*wharf.Release {
	t.Helper()
	u := newUser(t, s, "searcher")
	projects := map[string]*wharf.Project{}
	releases := map[string]*wharf.Release{}
	for _, d := range docs {
		p := projects[d.project]
		if p == nil {
			p = newProject(t, s, d.project, u.ID)
			projects[d.project] = p
		}
		info, err := json.Marshal(wharf.ReleaseInfo{Name: d.project, Version: d.version, Summary: d.summary,
			Description: d.description, Keywords: d.keywords, Classifiers: d.classifiers})
		if err != nil {
			t.Fatal(err)
		}
		if d.rawInfo != "" {
			info = []byte(d.rawInfo)
		}
		v := pep440.MustParse(d.version)
		r := &wharf.Release{ProjectID: p.ID, Version: v.String(), Canonical: v.Canonical(), SortKey: v.SortKey(),
			Summary: d.summary, InfoJSON: string(info)}
		update(t, s, func(tx wharf.Tx) error { return tx.CreateRelease(t.Context(), r) })
		releases[d.project+" "+d.version] = r
	}
	return releases
}

// search runs q in a View and fails the test on an error.
func search(t *testing.T, s wharf.Store, q wharf.SearchQuery) *wharf.SearchResults {
	t.Helper()
	if q.Page == 0 {
		q.Page = 1
	}
	var res *wharf.SearchResults
	view(t, s, func(tx wharf.Tx) error {
		var err error
		res, err = tx.Search(t.Context(), q)
		return err
	})
	return res
}

// hitNames lists the names of the hits, in order.
func hitNames(res *wharf.SearchResults) []string {
	var names []string
	for _, h := range res.Hits {
		names = append(names, h.Name)
	}
	return names
}

func testSearchRanking(t *testing.T, s wharf.Store) {
	addSearchDocs(t, s,
		searchDoc{project: "in-description", version: "1.0", summary: "Something else", description: "This library is a widget of sorts."},
		searchDoc{project: "in-summary", version: "1.0", summary: "A widget maker", description: "Nothing to see."},
		searchDoc{project: "widget-tools", version: "1.0", summary: "Tools", description: "Helpers."},
		searchDoc{project: "widget", version: "1.0", summary: "The original", description: "Plain."},
		searchDoc{project: "in-keywords", version: "1.0", summary: "Unrelated", keywords: "gadget,widget"},
		searchDoc{project: "unrelated", version: "1.0", summary: "Nothing", description: "At all."},
		searchDoc{project: "super-gadget", version: "1.0", summary: "Gadgets for widgets", description: "More gadgets."},
	)
	tests := []struct {
		name, text string
		want       []string // a prefix of the hits, in order
		total      int
	}{
		{"exact name, then name", "widget", []string{"widget", "widget-tools"}, 6},
		{"exact name in other spelling", "Widget_Tools", []string{"widget-tools"}, 1},
		{"exact name of several words", "super gadget", []string{"super-gadget"}, 1},
		{"every term required", "widget original", []string{"widget"}, 1},
		{"stemmed", "widgets", []string{"widget"}, 6},
		{"case and diacritics folded", "WÍDGET", []string{"widget"}, 6},
		{"no match", "nonexistent", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, s, wharf.SearchQuery{Text: tt.text})
			got := hitNames(res)
			if res.Total != tt.total || len(got) != tt.total {
				t.Errorf("%q: Total %d, hits %q; want %d hits", tt.text, res.Total, got, tt.total)
			}
			if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
				t.Errorf("%q found %q, want them to start with %q", tt.text, got, tt.want)
			}
		})
	}
	// Summaries and keywords weigh the same, as on PyPI, and both more
	// than descriptions.
	got := hitNames(search(t, s, wharf.SearchQuery{Text: "widget"}))
	if i := slices.Index(got, "in-description"); i != len(got)-1 {
		t.Errorf("widget found %q: a match in the description should rank last", got)
	}
	if i := slices.Index(got, "in-summary"); i < 2 {
		t.Errorf("widget found %q: a match in the summary should rank below those in names", got)
	}
}

func testSearchLatestRelease(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	rs := addSearchDocs(t, s,
		searchDoc{project: "evolving", version: "1.0", summary: "ancient words"},
		searchDoc{project: "evolving", version: "2.0", summary: "current words", classifiers: []string{"Topic :: Current"}},
		searchDoc{project: "evolving", version: "3.0a1", summary: "preview words"},
		searchDoc{project: "only-pre", version: "1.0b1", summary: "beta words"},
		searchDoc{project: "only-pre", version: "1.0.dev1", summary: "dev words"},
		searchDoc{project: "broken-json", version: "1.0", summary: "broken words", rawInfo: `{"description": "not JSON`},
	)
	find := func(text string) string {
		t.Helper()
		var found []string
		for _, h := range search(t, s, wharf.SearchQuery{Text: text}).Hits {
			found = append(found, h.Name+" "+h.Version)
		}
		return strings.Join(found, ", ")
	}
	checks := func(step string, want map[string]string) {
		t.Helper()
		for text, w := range want {
			if got := find(text); got != w {
				t.Errorf("%s: %q found %q, want %q", step, text, got, w)
			}
		}
	}
	checks("uploaded", map[string]string{"current": "evolving 2.0", "ancient": "", "preview": "", "beta": "only-pre 1.0b1", "dev": "",
		"broken": "broken-json 1.0"})
	if got := hitNames(search(t, s, wharf.SearchQuery{Classifiers: []string{"Topic :: Current"}})); !slices.Equal(got, []string{"evolving"}) {
		t.Errorf("classifier of the latest release found %q", got)
	}
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, rs["evolving 2.0"].ID, true, "bad") })
	checks("2.0 yanked", map[string]string{"current": "", "ancient": "evolving 1.0", "preview": ""})
	if got := hitNames(search(t, s, wharf.SearchQuery{Classifiers: []string{"Topic :: Current"}})); len(got) != 0 {
		t.Errorf("classifier of a release no longer latest found %q", got)
	}
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, rs["evolving 1.0"].ID, true, "bad") })
	checks("all finals yanked", map[string]string{"ancient": "", "preview": "evolving 3.0a1"})
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, rs["evolving 3.0a1"].ID, true, "bad") })
	checks("all yanked", map[string]string{"preview": "evolving 3.0a1", "current": ""})
	update(t, s, func(tx wharf.Tx) error {
		for _, v := range []string{"1.0", "2.0", "3.0a1"} {
			if err := tx.DeleteRelease(ctx, rs["evolving "+v].ID); err != nil {
				return err
			}
		}
		return nil
	})
	checks("all deleted", map[string]string{"words": "broken-json 1.0, only-pre 1.0b1"})
	hits := search(t, s, wharf.SearchQuery{Text: "beta"}).Hits
	if len(hits) != 1 || hits[0].DisplayName != "only-pre" || hits[0].Summary != "beta words" || !hits[0].Created.Equal(rs["only-pre 1.0b1"].Created) {
		t.Errorf("hit %+v, want only-pre's 1.0b1 release", hits)
	}
}

func testSearchFilters(t *testing.T, s wharf.Store) {
	addSearchDocs(t, s,
		searchDoc{project: "web-mit", version: "1.0", summary: "net tool", classifiers: []string{"Topic :: Internet :: WWW/HTTP", "License :: OSI Approved :: MIT License"}},
		searchDoc{project: "web-plain", version: "1.0", summary: "net tool", classifiers: []string{"Topic :: Internet"}},
		searchDoc{project: "networking", version: "1.0", summary: "net tool", classifiers: []string{"Topic :: Internetworking"}},
		searchDoc{project: "bare", version: "1.0", summary: "net tool"},
	)
	tests := []struct {
		name, text  string
		classifiers []string
		want        []string
	}{
		{"exact and children", "", []string{"Topic :: Internet"}, []string{"web-mit", "web-plain"}},
		{"with text", "net", []string{"Topic :: Internet"}, []string{"web-mit", "web-plain"}},
		{"a leaf", "", []string{"Topic :: Internet :: WWW/HTTP"}, []string{"web-mit"}},
		{"several are AND", "", []string{"Topic :: Internet", "License :: OSI Approved"}, []string{"web-mit"}},
		{"a word prefix is no parent", "", []string{"Topic :: Inter"}, nil},
		{"unknown", "", []string{"Nope :: Nothing"}, nil},
		{"like-pattern characters are text", "", []string{"Topic :: %"}, nil},
		{"no filter, no text: every project by name", "", nil, []string{"bare", "networking", "web-mit", "web-plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, s, wharf.SearchQuery{Text: tt.text, Classifiers: tt.classifiers})
			got := hitNames(res)
			if tt.text != "" {
				// Ranks differ with the length of what is indexed;
				// only the set found matters here.
				slices.Sort(got)
			}
			if !slices.Equal(got, tt.want) || res.Total != len(tt.want) {
				t.Errorf("found %q (Total %d), want %q", got, res.Total, tt.want)
			}
		})
	}
}

func testSearchPages(t *testing.T, s wharf.Store) {
	const n = 2*wharf.SearchPageSize + 5
	var docs []searchDoc
	for i := range n {
		docs = append(docs, searchDoc{project: fmt.Sprintf("paged-%02d", i), version: "1.0", summary: "common text"})
	}
	addSearchDocs(t, s, docs...)
	var all []string
	for page := 1; page <= 4; page++ {
		res := search(t, s, wharf.SearchQuery{Text: "common", Page: page})
		if res.Total != n || res.Pages() != 3 {
			t.Errorf("page %d: Total %d, Pages %d; want %d and 3", page, res.Total, res.Pages(), n)
		}
		want := min(max(n-(page-1)*wharf.SearchPageSize, 0), wharf.SearchPageSize)
		if len(res.Hits) != want {
			t.Errorf("page %d has %d hits, want %d", page, len(res.Hits), want)
		}
		all = append(all, hitNames(res)...)
	}
	if len(all) != n || !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != n {
		t.Errorf("the pages together hold %q, want %d distinct projects in name order (equal ranks)", all, n)
	}
	last := search(t, s, wharf.SearchQuery{Text: "common", Page: wharf.SearchMaxPages})
	if len(last.Hits) != 0 || last.Total != n {
		t.Errorf("the last allowed page: %d hits, Total %d", len(last.Hits), last.Total)
	}
}

func testSearchNewest(t *testing.T, s wharf.Store) {
	addSearchDocs(t, s,
		searchDoc{project: "bbb", version: "1.0", summary: "dated thing"},
		searchDoc{project: "aaa", version: "1.0", summary: "dated thing"},
		searchDoc{project: "ccc", version: "1.0", summary: "dated thing"},
		searchDoc{project: "bbb", version: "2.0", summary: "dated thing"},
	)
	for _, tt := range []struct {
		text  string
		order wharf.SearchOrder
		want  []string
	}{
		{"dated", wharf.SearchByNewest, []string{"bbb", "ccc", "aaa"}},
		{"", wharf.SearchByNewest, []string{"bbb", "ccc", "aaa"}},
		{"dated", wharf.SearchByRelevance, []string{"aaa", "bbb", "ccc"}},
		{"", wharf.SearchByRelevance, []string{"aaa", "bbb", "ccc"}},
	} {
		res := search(t, s, wharf.SearchQuery{Text: tt.text, Order: tt.order})
		if got := hitNames(res); !slices.Equal(got, tt.want) {
			t.Errorf("%q by %q found %q, want %q", tt.text, tt.order, got, tt.want)
		}
	}
	res := search(t, s, wharf.SearchQuery{Text: "dated", Order: wharf.SearchByNewest})
	if len(res.Hits) == 3 && !res.Hits[0].Created.After(res.Hits[1].Created) {
		t.Errorf("the first hit (%v) is not newer than the second (%v)", res.Hits[0].Created, res.Hits[1].Created)
	}
}

// hostileTexts are queries that mean something, or something broken, to
// full-text query languages; none may fail a search.
var hostileTexts = []string{
	`"`, `""`, `"widget`, `widget"`, `*`, `widget*`, `*widget`, `^widget`, `NEAR(`, `NEAR(widget thing, 2)`,
	`-`, `-widget`, `widget -thing`, `AND OR NOT`, `widget AND`, `OR`, `NOT widget`, `(`, `)`, `((widget)`,
	`widget)`, `name:widget`, `{name summary}:widget`, `summary : widget`, `-name:x`, `+`, `:`, `'`, `\`,
	"widget\x00thing", "\x00", "wid\x00get", `%`, `_`, `@@`, `&`, `|`, `!`, `<->`, `a:*`, `'a' & 'b'`,
	strings.Repeat("widget ", 2000), strings.Repeat("x", 10000), strings.Repeat(`"(`, 5000),
	"\xff\xfe", "wid\xc3get", "\u202ewidget", "日本語の検索", "ویجت", "виджет",
}

func testSearchHostileText(t *testing.T, s wharf.Store) {
	addSearchDocs(t, s, searchDoc{project: "widget", version: "1.0", summary: "A widget thing"})
	for _, text := range hostileTexts {
		for _, order := range []wharf.SearchOrder{wharf.SearchByRelevance, wharf.SearchByNewest} {
			err := s.View(t.Context(), func(tx wharf.Tx) error {
				_, err := tx.Search(t.Context(), wharf.SearchQuery{Text: text, Order: order, Page: 1,
					Classifiers: []string{text[:min(len(text), wharf.SearchMaxClassifierLen)] + "x"}})
				if wharf.ErrorCode(err) == wharf.EINVALID {
					// An invalid classifier filter (bad UTF-8) is refused
					// on its own; the text must still search.
					_, err = tx.Search(t.Context(), wharf.SearchQuery{Text: text, Order: order, Page: 1})
				}
				return err
			})
			if err != nil {
				t.Errorf("Search(%.40q): %v", text, err)
			}
		}
	}
	for _, text := range []string{`widget"`, `"widget`, `(widget)`, "widget\x00", `-widget`, `widget*`} {
		if got := hitNames(search(t, s, wharf.SearchQuery{Text: text})); !slices.Equal(got, []string{"widget"}) {
			t.Errorf("%q found %q, want widget", text, got)
		}
	}
}

func testSearchInvalid(t *testing.T, s wharf.Store) {
	tests := []struct {
		name string
		q    wharf.SearchQuery
	}{
		{"page 0", wharf.SearchQuery{Text: "x"}},
		{"page -1", wharf.SearchQuery{Text: "x", Page: -1}},
		{"page past the bound", wharf.SearchQuery{Text: "x", Page: wharf.SearchMaxPages + 1}},
		{"unknown order", wharf.SearchQuery{Text: "x", Page: 1, Order: "name"}},
		{"too many classifiers", wharf.SearchQuery{Page: 1, Classifiers: make([]string, wharf.SearchMaxClassifiers+1)}},
		{"empty classifier", wharf.SearchQuery{Page: 1, Classifiers: []string{""}}},
		{"long classifier", wharf.SearchQuery{Page: 1, Classifiers: []string{strings.Repeat("x", wharf.SearchMaxClassifierLen+1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.View(t.Context(), func(tx wharf.Tx) error {
				_, err := tx.Search(t.Context(), tt.q)
				return err
			})
			wantCode(t, "Search", err, wharf.EINVALID)
		})
	}
}
