package sqlite

import (
	"strings"

	"wharf/internal/sqlstore"
)

var _ sqlstore.SearchDialect = dialect{}

// SearchMatch searches the FTS5 table search_fts (migration 0005). bm25
// weighs a word in the summary or the keywords five times one in the
// description or the classifiers, as PyPI's search does. FTS5 normalises
// by the length of the whole row, not of the column, so a long README
// weakens every column's score; the name weighs twenty, twice PyPI's ten,
// to keep a name match above a mere mention.
func (dialect) SearchMatch(terms []string) (string, []any) {
	return `SELECT rowid AS project_id, bm25(search_fts, 20.0, 5.0, 1.0, 5.0, 1.0) AS rank
		FROM search_fts WHERE search_fts MATCH ?`, []any{matchExpr(terms)}
}

// matchExpr writes the terms as an FTS5 query that requires each of them:
// every term becomes a string (a phrase of the words the tokenizer finds
// in it) with its quotes doubled, so operators, column filters, stars and
// brackets in a term are only text. FTS5 ends a string at a NUL byte,
// which would leave it unterminated, so NULs become spaces.
func matchExpr(terms []string) string {
	var b strings.Builder
	for i, term := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(term, "\x00", " "), `"`, `""`))
		b.WriteByte('"')
	}
	return b.String()
}
