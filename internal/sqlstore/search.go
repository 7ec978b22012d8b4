package sqlstore

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"wharf"
	"wharf/dist"
)

// SearchDialect is the engine's own half of search: its full-text index.
// The rest (which release stands for a project, classifier filters, order
// and pages) is portable SQL over the tables search_docs (project_id,
// release_id) and search_classifiers (project_id, classifier), which each
// adapter's migrations keep in step with releases.
type SearchDialect interface {
	// SearchMatch returns a subquery with the columns project_id and rank
	// that lists the projects whose indexed text holds every term, a lower
	// rank for a better match, and the subquery's arguments. terms is not
	// empty; each term is text to match as words, which the subquery must
	// never read as query syntax, whatever it holds. The index covers a
	// project's name, summary, description, keywords and classifiers, and
	// ranks a match in the name above one in the summary above one in the
	// description.
	SearchMatch(terms []string) (subquery string, args []any)
}

// Search returns a page of the projects matching q; see wharf.SearchTx.
func (t *Tx) Search(ctx context.Context, q wharf.SearchQuery) (*wharf.SearchResults, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	sd, ok := t.dialect.(SearchDialect)
	if !ok {
		return nil, wharf.Errorf(wharf.EINTERNAL, "this database has no full-text search")
	}
	terms := q.Terms()
	from, args := searchFrom(sd, terms, q.Classifiers)
	res := &wharf.SearchResults{}
	countArgs := append(slices.Clip(args), wharf.SearchMaxResults)
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 `+from+` LIMIT ?) found`, countArgs...).Scan(&res.Total)
	if err != nil {
		return nil, t.mapErr(err)
	}
	offset := (q.Page - 1) * wharf.SearchPageSize
	if offset >= res.Total {
		return res, nil
	}
	order, orderArgs := searchOrder(q.Order, terms)
	args = append(append(args, orderArgs...), wharf.SearchPageSize, offset)
	res.Hits, err = queryAll(ctx, t, t.scanHit,
		`SELECT p.name, p.display_name, r.version, r.summary, r.created `+from+` ORDER BY `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// searchFrom returns the FROM and WHERE clauses that select the matching
// projects (p), their latest releases (r) and, with terms, their ranks
// (m.rank), with the clauses' arguments.
func searchFrom(sd SearchDialect, terms, classifiers []string) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`FROM search_docs d JOIN projects p ON p.id = d.project_id JOIN releases r ON r.id = d.release_id`)
	if len(terms) > 0 {
		sub, subArgs := sd.SearchMatch(terms)
		b.WriteString(` JOIN (` + sub + `) m ON m.project_id = d.project_id`)
		args = append(args, subArgs...)
	}
	for i, c := range classifiers {
		if i == 0 {
			b.WriteString(` WHERE `)
		} else {
			b.WriteString(` AND `)
		}
		// A filter names the classifier itself or any of its parents;
		// substr counts characters in every engine, as the length does.
		parent := c + " :: "
		b.WriteString(`EXISTS (SELECT 1 FROM search_classifiers sc WHERE sc.project_id = d.project_id
			AND (sc.classifier = ? OR substr(sc.classifier, 1, ?) = ?))`)
		args = append(args, c, utf8.RuneCountInString(parent), parent)
	}
	return b.String(), args
}

// searchOrder returns the ORDER BY clause for the order, with its
// arguments. Names break ties, so that pages never overlap.
func searchOrder(o wharf.SearchOrder, terms []string) (string, []any) {
	switch {
	case o == wharf.SearchByNewest:
		return `r.created DESC, p.name`, nil
	case len(terms) == 0:
		return `p.name`, nil
	default:
		// The project named by the whole query comes first, as on PyPI:
		// "requests" finds requests before every project that mentions it.
		name := dist.NormalizeName(strings.Join(terms, "-"))
		return `CASE WHEN p.name = ? THEN 0 ELSE 1 END, m.rank, p.name`, []any{name}
	}
}

func (t *Tx) scanHit(row scanner) (*wharf.SearchHit, error) {
	var h wharf.SearchHit
	var created int64
	if err := row.Scan(&h.Name, &h.DisplayName, &h.Version, &h.Summary, &created); err != nil {
		return nil, t.mapErr(err)
	}
	h.Created = fromMicros(created)
	return &h, nil
}
