package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wharf"
)

// searchPage is the data of /search/: the query as asked, and either a
// prompt (nothing asked yet) or one page of results.
type searchPage struct {
	Query   string
	Newest  bool // ordered by date (o=-created) rather than relevance
	Filters []searchFilter
	Prompt  bool // no words and no filters: invite a search
	Hits    []searchHit
	Total   int
	Capped  bool // more projects match than are counted
	First   int  // the number of the page's first hit in the whole list
	Page    int
	Pages   int
	// PrevHref and NextHref lead to the neighbouring pages; "" at an end.
	PrevHref, NextHref string
}

// searchFilter is a classifier the results are limited to, with the
// address of the same search without it.
type searchFilter struct {
	Classifier, RemoveHref string
}

type searchHit struct {
	Name, Version, Summary, Href string
	Date, DateTime               string // the release day, and its time for <time datetime>
}

// search serves /search/?q=…&c=…&o=…&page=…, PyPI's parameters. An empty
// query shows a prompt; a page number that is not a number or lies
// beyond wharf.SearchMaxPages is refused (400), and a page past the last
// result is not found (404), as on PyPI.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q, err := searchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	data := searchPage{Query: q.Text, Newest: q.Order == wharf.SearchByNewest, Page: q.Page}
	for i, c := range q.Classifiers {
		rest := q
		rest.Classifiers = append(q.Classifiers[:i:i], q.Classifiers[i+1:]...)
		data.Filters = append(data.Filters, searchFilter{Classifier: c, RemoveHref: s.searchHref(rest, 1)})
	}
	if len(q.Terms()) == 0 && len(q.Classifiers) == 0 {
		data.Prompt = true
		return s.renderPage(w, r, http.StatusOK, "search.html", data)
	}
	var res *wharf.SearchResults
	err = s.store.View(r.Context(), func(tx wharf.Tx) error {
		res, err = tx.Search(r.Context(), q)
		return err
	})
	if err != nil {
		return err
	}
	data.Total, data.Capped, data.Pages = res.Total, res.Total >= wharf.SearchMaxResults, res.Pages()
	if q.Page > 1 && q.Page > data.Pages {
		return wharf.Errorf(wharf.ENOTFOUND, "There is no page %d of these results.", q.Page)
	}
	data.First = (q.Page-1)*wharf.SearchPageSize + 1
	if q.Page > 1 {
		data.PrevHref = s.searchHref(q, q.Page-1)
	}
	if q.Page < data.Pages {
		data.NextHref = s.searchHref(q, q.Page+1)
	}
	for _, h := range res.Hits {
		data.Hits = append(data.Hits, searchHit{Name: h.DisplayName, Version: h.Version, Summary: h.Summary,
			Href: s.prefix + "/project/" + url.PathEscape(h.Name) + "/", Date: h.Created.UTC().Format(time.DateOnly),
			DateTime: h.Created.UTC().Format(time.RFC3339)})
	}
	return s.renderPage(w, r, http.StatusOK, "search.html", data)
}

// searchQuery reads PyPI's search parameters. An unknown order means
// relevance, and empty classifier fields are left out, since a form may
// send them; everything else out of bounds is an EINVALID error.
func searchQuery(form url.Values) (wharf.SearchQuery, error) {
	q := wharf.SearchQuery{Text: form.Get("q"), Page: 1}
	if form.Get("o") == string(wharf.SearchByNewest) {
		q.Order = wharf.SearchByNewest
	}
	for _, c := range form["c"] {
		if c != "" {
			q.Classifiers = append(q.Classifiers, c)
		}
	}
	if p := form.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return q, wharf.Errorf(wharf.EINVALID, "The page number must be a whole number.")
		}
		q.Page = n
	}
	return q, q.Validate()
}

// searchHref is the address of page n of the results for q.
func (s *Server) searchHref(q wharf.SearchQuery, n int) string {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if len(q.Classifiers) > 0 {
		v["c"] = q.Classifiers
	}
	if q.Order != wharf.SearchByRelevance {
		v.Set("o", string(q.Order))
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return s.prefix + "/search/"
	}
	return s.prefix + "/search/?" + v.Encode()
}
