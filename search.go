package wharf

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SearchTx finds projects by words and classifiers. It is a Tx method set
// of its own so that each engine can answer it with its own full-text
// search (FTS5 in SQLite, tsvector in PostgreSQL) behind one contract.
type SearchTx interface {
	// Search returns one page of the projects that match q, judged by the
	// metadata of each project's latest release (the newest final release
	// that is not yanked, else the newest pre-release that is not yanked,
	// else the newest release). Every term must appear in the name,
	// summary, description, keywords or classifiers; each term is matched
	// as words, never read as query syntax, so no text makes Search fail.
	// It returns EINVALID when q.Validate does. A page past the last one
	// is empty, not an error.
	Search(ctx context.Context, q SearchQuery) (*SearchResults, error)
}

// Search bounds. Text beyond SearchMaxText bytes and terms beyond
// SearchMaxTerms are ignored, so that a hostile query costs the engine no
// more than a long honest one; results beyond SearchMaxResults are not
// counted or shown, as on PyPI.
const (
	SearchPageSize         = 20
	SearchMaxPages         = 500
	SearchMaxResults       = SearchPageSize * SearchMaxPages
	SearchMaxText          = 256
	SearchMaxTerms         = 16
	SearchMaxClassifiers   = 10
	SearchMaxClassifierLen = 200
)

// SearchOrder is how results are sorted; the values are PyPI's "o"
// parameter.
type SearchOrder string

// The orders Search knows.
const (
	// SearchByRelevance puts a project whose name is the query first, then
	// ranks by how well the terms match, a name match above a summary
	// match above a description match. Without terms it sorts by name.
	SearchByRelevance SearchOrder = ""
	// SearchByNewest puts the most recently released projects first.
	SearchByNewest SearchOrder = "-created"
)

// SearchQuery is what a visitor asks of Search.
type SearchQuery struct {
	// Text is what the visitor typed; Terms says how it is read.
	Text string
	// Classifiers must each be a classifier of the project, or a parent of
	// one ("Topic :: Internet" matches "Topic :: Internet :: WWW/HTTP").
	Classifiers []string
	Order       SearchOrder
	// Page is 1-based; each page holds SearchPageSize projects.
	Page int
}

// Validate returns an EINVALID error when the page, the classifiers or
// the order are out of bounds. The text is never invalid.
func (q SearchQuery) Validate() error {
	if q.Page < 1 || q.Page > SearchMaxPages {
		return Errorf(EINVALID, "The page number must be between 1 and %d.", SearchMaxPages)
	}
	if len(q.Classifiers) > SearchMaxClassifiers {
		return Errorf(EINVALID, "At most %d classifier filters can be combined.", SearchMaxClassifiers)
	}
	for _, c := range q.Classifiers {
		if c == "" || len(c) > SearchMaxClassifierLen || !utf8.ValidString(c) {
			return Errorf(EINVALID, "A classifier filter must be between 1 and %d bytes of text.", SearchMaxClassifierLen)
		}
	}
	if q.Order != SearchByRelevance && q.Order != SearchByNewest {
		return Errorf(EINVALID, "Unknown search order %q.", q.Order)
	}
	return nil
}

// Terms splits the text into the terms Search matches: runs of text
// between spaces, each holding at least one letter or digit. Only the
// first SearchMaxText bytes and SearchMaxTerms terms count; control
// characters and invalid UTF-8 act as spaces. A term may hold
// punctuation, quotes or operators of some query language: engines match
// its words, as a phrase, and must never interpret it.
func (q SearchQuery) Terms() []string {
	text := q.Text
	if len(text) > SearchMaxText {
		// Cutting inside a character leaves invalid bytes at the end,
		// which the next step turns into a space.
		text = text[:SearchMaxText]
	}
	text = strings.ToValidUTF8(text, " ")
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	var terms []string
	for _, f := range strings.Fields(text) {
		if len(terms) == SearchMaxTerms {
			break
		}
		if strings.IndexFunc(f, isWordRune) >= 0 {
			terms = append(terms, f)
		}
	}
	return terms
}

// isWordRune reports whether r can be part of a word that full-text
// engines index.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// SearchResults is one page of search results.
type SearchResults struct {
	Hits []SearchHit
	// Total counts the matching projects, up to SearchMaxResults.
	Total int
}

// Pages is the number of pages the results fill, at most SearchMaxPages.
func (r *SearchResults) Pages() int {
	return (r.Total + SearchPageSize - 1) / SearchPageSize
}

// SearchHit is one project found, as its latest release describes it.
type SearchHit struct {
	Name        string // normalized
	DisplayName string
	Version     string
	Summary     string
	Created     time.Time // when the release was created
}
