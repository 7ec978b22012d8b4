package sqlstore

import (
	"context"
	"slices"
	"strings"

	"wharf"
)

// lookupChunk is how many ids one lookup query takes: far below every
// engine's limit on bound parameters, and enough for a page of history in
// one query.
const lookupChunk = 200

// UsersByID returns the users with these ids, keyed by id.
func (t *Tx) UsersByID(ctx context.Context, ids []int64) (map[int64]wharf.User, error) {
	out := map[int64]wharf.User{}
	err := eachChunk(ids, func(marks string, args []any) error {
		users, err := queryAll(ctx, t, t.scanUser, `SELECT `+userCols+` FROM users WHERE id IN (`+marks+`)`, args...)
		for _, u := range users {
			out[u.ID] = u
		}
		return err
	})
	return out, err
}

// ProjectsByID returns the projects with these ids, keyed by id.
func (t *Tx) ProjectsByID(ctx context.Context, ids []int64) (map[int64]wharf.Project, error) {
	out := map[int64]wharf.Project{}
	err := eachChunk(ids, func(marks string, args []any) error {
		projects, err := queryAll(ctx, t, t.scanProject, `SELECT `+projectCols+` FROM projects WHERE id IN (`+marks+`)`, args...)
		for _, p := range projects {
			out[p.ID] = p
		}
		return err
	})
	return out, err
}

// eachChunk calls fn with the distinct ids in chunks of at most
// lookupChunk, each with its placeholders ("?, ?") and arguments.
func eachChunk(ids []int64, fn func(marks string, args []any) error) error {
	distinct := slices.Clone(ids)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	for chunk := range slices.Chunk(distinct, lookupChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")
		if err := fn(marks, args); err != nil {
			return err
		}
	}
	return nil
}
