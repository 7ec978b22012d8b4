package translog

import (
	"context"
	"time"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf"
	"wharf/tlog"
)

// hashReader reads the log's stored hashes through a transaction.
func hashReader(ctx context.Context, tx wharf.LogTx) xtlog.HashReader {
	return xtlog.HashReaderFunc(func(indexes []int64) ([]xtlog.Hash, error) {
		hs, err := tx.LogHashes(ctx, indexes)
		if err != nil {
			return nil, err
		}
		out := make([]xtlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = xtlog.Hash(h)
		}
		return out, nil
	})
}

// Append adds r as the next record of the log, inside tx, and returns its
// index. The caller's transaction makes the record and the change it
// describes visible together, or neither. A file record is filed under its
// filename for lookups.
func Append(ctx context.Context, tx wharf.LogTx, r tlog.Record) (int64, error) {
	n, err := tx.LogSize(ctx)
	if err != nil {
		return 0, err
	}
	hashes, err := tlog.Append(n, r, hashReader(ctx, tx))
	if err != nil {
		return 0, wharf.WrapError(wharf.EINTERNAL, "transparency log append failed", err)
	}
	stored := make([]wharf.LogHash, len(hashes))
	for i, h := range hashes {
		stored[i] = wharf.LogHash(h)
	}
	rec := &wharf.LogRecord{Index: n, Data: r.Encode()}
	if r.Kind == tlog.KindFile {
		rec.Filename = r.Filename
	}
	if err := tx.AppendLog(ctx, rec, xtlog.StoredHashIndex(0, n), stored); err != nil {
		return 0, err
	}
	return n, nil
}

// FileRecord returns the record of an uploaded file of the named project.
func FileRecord(project string, f wharf.File) tlog.Record {
	return tlog.Record{
		Kind: tlog.KindFile, Project: project, Version: f.Version, Filename: f.Filename,
		SHA256: f.SHA256, Blake2b256: f.Blake2b256, Size: f.Size, Time: f.UploadTime,
	}
}

// EventRecord returns the record of a yank, unyank or deletion in project:
// of a whole release when f is nil, of one file otherwise.
func EventRecord(kind, project, version string, f *wharf.File, at time.Time) tlog.Record {
	r := tlog.Record{Kind: kind, Project: project, Version: version, Time: at}
	if f != nil {
		r.Filename, r.SHA256, r.Blake2b256, r.Size = f.Filename, f.SHA256, f.Blake2b256, f.Size
	}
	return r
}
