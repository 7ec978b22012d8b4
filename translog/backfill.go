package translog

import (
	"context"

	"wharf"
)

// Backfill gives every file that has no log record one, in upload order,
// and returns how many it added. Files uploaded before the log existed
// (wharf before issue 6) need this once; afterwards it finds nothing.
func Backfill(ctx context.Context, store wharf.Store) (int, error) {
	added := 0
	err := store.Update(ctx, func(tx wharf.Tx) error {
		var missing []wharf.File
		err := tx.EachFile(ctx, func(f wharf.File) error {
			if f.LogIndex < 0 {
				missing = append(missing, f)
			}
			return nil
		})
		if err != nil || len(missing) == 0 {
			return err
		}
		projects, err := tx.Projects(ctx)
		if err != nil {
			return err
		}
		names := make(map[int64]string, len(projects))
		for _, p := range projects {
			names[p.ID] = p.Name
		}
		for _, f := range missing {
			i, err := Append(ctx, tx, FileRecord(names[f.ProjectID], f))
			if err != nil {
				return err
			}
			if err := tx.SetFileLogIndex(ctx, f.ID, i); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}
