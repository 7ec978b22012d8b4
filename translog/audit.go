package translog

import (
	"context"
	"errors"
	"fmt"

	"wharf"
	"wharf/tlog"
)

// auditBatch is how many records Audit reads per query.
const auditBatch = 10000

// AuditReport is what Audit found. Problems is empty for a sound log.
type AuditReport struct {
	Records    int64 // records in the log
	Checkpoint int64 // size of the latest signed checkpoint, -1 if none
	Files      int   // live files checked against their records
	Problems   []string
}

// Audit recomputes the log's tree from its records and checks it against
// the stored hashes and the latest signed checkpoint, then checks every
// live file against its record: a record rewritten, inserted or removed, a
// stored hash changed, a checkpoint that does not match, a file row whose
// hash or size was changed, a file without a record, and a file record
// whose file vanished without a deletion record are each reported. It
// reads one consistent snapshot and changes nothing.
func (l *Log) Audit(ctx context.Context) (*AuditReport, error) {
	rep := &AuditReport{Checkpoint: -1}
	err := l.store.View(ctx, func(tx wharf.Tx) error {
		records, err := readRecords(ctx, tx, rep)
		if err != nil {
			return err
		}
		rep.Records = int64(len(records))
		if err := l.auditTree(ctx, tx, records, rep); err != nil {
			return err
		}
		return auditFiles(ctx, tx, records, rep)
	})
	return rep, err
}

// problem adds a finding to the report.
func (r *AuditReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// readRecords reads and parses every record. A gap in the indexes or a
// record that does not parse is a problem; the returned slice then stops
// before it, since nothing after it can be placed in the tree.
func readRecords(ctx context.Context, tx wharf.Tx, rep *AuditReport) ([]tlog.Record, error) {
	var out []tlog.Record
	for {
		batch, err := tx.LogRecords(ctx, int64(len(out)), auditBatch)
		if err != nil {
			return nil, err
		}
		for _, r := range batch {
			want := int64(len(out))
			if r.Index != want {
				rep.problem("log record %d is missing", want)
				return out, nil
			}
			rec, err := tlog.ParseRecord(r.Data)
			if err != nil {
				rep.problem("log record %d does not parse: %v", want, err)
				return out, nil
			}
			if rec.Kind == tlog.KindFile && r.Filename != rec.Filename {
				rep.problem("log record %d is filed under %q but names %q", want, r.Filename, rec.Filename)
			}
			out = append(out, rec)
		}
		if len(batch) < auditBatch {
			return out, nil
		}
	}
}

// auditTree checks the records against the stored hashes and the latest
// signed checkpoint.
func (l *Log) auditTree(ctx context.Context, tx wharf.Tx, records []tlog.Record, rep *AuditReport) error {
	hr := hashReader(ctx, tx)
	mem := new(tlog.MemoryHashes)
	for _, r := range records {
		if _, err := mem.Append(r); err != nil {
			return err
		}
	}
	root, err := mem.Root()
	if err != nil {
		return err
	}
	all := tlog.Checkpoint{Origin: l.Origin(), Size: int64(len(records)), Hash: root}
	if err := tlog.AuditStored(records, all, hr); err != nil {
		if !errors.Is(err, tlog.ErrInconsistent) && !wharf.IsCode(err, wharf.ENOTFOUND) {
			return err
		}
		rep.problem("stored log disagrees with its records: %v", err)
	}
	c, err := tx.LatestCheckpoint(ctx)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil
	} else if err != nil {
		return err
	}
	cp, err := tlog.Open(c.Note, l.VerifierKey())
	if err != nil {
		rep.problem("latest checkpoint (size %d) does not verify with the log's key: %v", c.Size, err)
		return nil
	}
	rep.Checkpoint = cp.Size
	if cp.Size != c.Size {
		rep.problem("checkpoint stored as size %d says size %d", c.Size, cp.Size)
	}
	if cp.Size > int64(len(records)) {
		rep.problem("checkpoint of size %d covers more records than the log holds (%d)", cp.Size, len(records))
		return nil
	}
	if err := tlog.Audit(records, cp); err != nil {
		if !errors.Is(err, tlog.ErrInconsistent) {
			return err
		}
		rep.problem("records do not match checkpoint %d: %v", cp.Size, err)
	}
	return nil
}

// auditFiles checks each live file against its record, and each file
// record against the live files and deletion records.
func auditFiles(ctx context.Context, tx wharf.Tx, records []tlog.Record, rep *AuditReport) error {
	projects, err := tx.Projects(ctx)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(projects))
	for _, p := range projects {
		names[p.ID] = p.Name
	}
	live := make(map[string]bool)
	err = tx.EachFile(ctx, func(f wharf.File) error {
		rep.Files++
		live[f.Filename] = true
		if f.LogIndex < 0 || f.LogIndex >= int64(len(records)) {
			rep.problem("file %s has no log record (log index %d)", f.Filename, f.LogIndex)
			return nil
		}
		got, want := records[f.LogIndex], FileRecord(names[f.ProjectID], f)
		want.Time = got.Time
		if got != want {
			rep.problem("file %s differs from its log record %d: %s", f.Filename, f.LogIndex, difference(want, got))
		}
		return nil
	})
	if err != nil {
		return err
	}
	deleted := make(map[string]bool)
	for _, r := range records {
		if r.Kind == tlog.KindDelete && r.Filename != "" {
			deleted[r.Filename] = true
		}
	}
	for i, r := range records {
		if r.Kind == tlog.KindFile && !live[r.Filename] && !deleted[r.Filename] {
			rep.problem("log record %d names file %s, which is gone without a deletion record", i, r.Filename)
		}
	}
	return nil
}

// difference names the fields in which a file row (want) and its record
// (got) differ.
func difference(want, got tlog.Record) string {
	var out string
	add := func(field, w, g string) {
		if w != g {
			if out != "" {
				out += "; "
			}
			out += fmt.Sprintf("%s is %q in the database, %q in the log", field, w, g)
		}
	}
	add("project", want.Project, got.Project)
	add("version", want.Version, got.Version)
	add("filename", want.Filename, got.Filename)
	add("sha256", want.SHA256, got.SHA256)
	add("blake2b_256", want.Blake2b256, got.Blake2b256)
	add("size", fmt.Sprint(want.Size), fmt.Sprint(got.Size))
	add("kind", want.Kind, got.Kind)
	return out
}
