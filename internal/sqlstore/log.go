package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"wharf"
)

// logHashBatch bounds the placeholders of one LogHashes query.
const logHashBatch = 500

// LogSize returns the number of records in the transparency log.
func (t *Tx) LogSize(ctx context.Context) (int64, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT COALESCE(MAX(idx) + 1, 0) FROM log_records`).Scan(&n)
	return n, t.mapErr(err)
}

// AppendLog stores record r and the stored hashes its append adds.
func (t *Tx) AppendLog(ctx context.Context, r *wharf.LogRecord, hashStart int64, hashes []wharf.LogHash) error {
	var filename sql.NullString
	if r.Filename != "" {
		filename = sql.NullString{String: r.Filename, Valid: true}
	}
	if _, err := t.exec(ctx, `INSERT INTO log_records (idx, data, filename) VALUES (?, ?, ?)`, r.Index, r.Data, filename); err != nil {
		return err
	}
	for i, h := range hashes {
		if _, err := t.exec(ctx, `INSERT INTO log_hashes (id, hash) VALUES (?, ?)`, hashStart+int64(i), h[:]); err != nil {
			return err
		}
	}
	return nil
}

// LogHashes returns the stored hashes at the given storage indexes.
func (t *Tx) LogHashes(ctx context.Context, indexes []int64) ([]wharf.LogHash, error) {
	found := make(map[int64]wharf.LogHash, len(indexes))
	for lo := 0; lo < len(indexes); lo += logHashBatch {
		batch := indexes[lo:min(lo+logHashBatch, len(indexes))]
		args := make([]any, len(batch))
		for i, x := range batch {
			args[i] = x
		}
		q := `SELECT id, hash FROM log_hashes WHERE id IN (?` + strings.Repeat(", ?", len(batch)-1) + `)`
		if err := t.scanHashes(ctx, found, q, args); err != nil {
			return nil, err
		}
	}
	out := make([]wharf.LogHash, len(indexes))
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, wharf.Errorf(wharf.ENOTFOUND, "Log hash %d not found.", x)
		}
		out[i] = h
	}
	return out, nil
}

func (t *Tx) scanHashes(ctx context.Context, into map[int64]wharf.LogHash, q string, args []any) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return t.mapErr(err)
		}
		var h wharf.LogHash
		if len(b) != len(h) {
			return wharf.Errorf(wharf.EINTERNAL, "log hash %d has %d bytes", id, len(b))
		}
		copy(h[:], b)
		into[id] = h
	}
	return t.mapErr(rows.Err())
}

func (t *Tx) scanLogRecord(row scanner) (*wharf.LogRecord, error) {
	var r wharf.LogRecord
	var filename sql.NullString
	if err := row.Scan(&r.Index, &r.Data, &filename); err != nil {
		return nil, t.scanErr(err, "Log record")
	}
	r.Filename = filename.String
	return &r, nil
}

// LogRecords returns up to limit records from index from on.
func (t *Tx) LogRecords(ctx context.Context, from int64, limit int) ([]wharf.LogRecord, error) {
	return queryAll(ctx, t, t.scanLogRecord, `SELECT idx, data, filename FROM log_records WHERE idx >= ? ORDER BY idx LIMIT ?`, from, limit)
}

// LogRecordByFilename returns the record of the uploaded file with this name.
func (t *Tx) LogRecordByFilename(ctx context.Context, filename string) (*wharf.LogRecord, error) {
	return t.scanLogRecord(t.queryRow(ctx, `SELECT idx, data, filename FROM log_records WHERE filename = ?`, filename))
}

// AddCheckpoint stores a signed checkpoint; one of the same size is kept.
func (t *Tx) AddCheckpoint(ctx context.Context, c *wharf.LogCheckpoint) error {
	c.Created = t.now
	_, err := t.exec(ctx, `INSERT INTO log_checkpoints (size, note, created) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING`,
		c.Size, c.Note, micros(c.Created))
	return err
}

func (t *Tx) scanCheckpoint(row scanner) (*wharf.LogCheckpoint, error) {
	var c wharf.LogCheckpoint
	var created int64
	if err := row.Scan(&c.Size, &c.Note, &created); err != nil {
		return nil, t.scanErr(err, "Checkpoint")
	}
	c.Created = fromMicros(created)
	return &c, nil
}

// LatestCheckpoint returns the checkpoint of the largest size.
func (t *Tx) LatestCheckpoint(ctx context.Context) (*wharf.LogCheckpoint, error) {
	return t.scanCheckpoint(t.queryRow(ctx, `SELECT size, note, created FROM log_checkpoints ORDER BY size DESC LIMIT 1`))
}

// CheckpointBySize returns the checkpoint of exactly this size.
func (t *Tx) CheckpointBySize(ctx context.Context, size int64) (*wharf.LogCheckpoint, error) {
	return t.scanCheckpoint(t.queryRow(ctx, `SELECT size, note, created FROM log_checkpoints WHERE size = ?`, size))
}

// AddCosignature stores a witness's signature line for a checkpoint.
func (t *Tx) AddCosignature(ctx context.Context, c *wharf.LogCosignature) error {
	c.Created = t.now
	_, err := t.exec(ctx, `INSERT INTO log_cosignatures (size, witness, line, created) VALUES (?, ?, ?, ?)
		ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line, created = excluded.created`,
		c.Size, c.Witness, c.Line, micros(c.Created))
	return err
}

func (t *Tx) scanCosignature(row scanner) (*wharf.LogCosignature, error) {
	var c wharf.LogCosignature
	var created int64
	if err := row.Scan(&c.Size, &c.Witness, &c.Line, &created); err != nil {
		return nil, t.scanErr(err, "Cosignature")
	}
	c.Created = fromMicros(created)
	return &c, nil
}

// Cosignatures lists the cosignatures of the checkpoint of this size.
func (t *Tx) Cosignatures(ctx context.Context, size int64) ([]wharf.LogCosignature, error) {
	return queryAll(ctx, t, t.scanCosignature, `SELECT size, witness, line, created FROM log_cosignatures WHERE size = ? ORDER BY witness`, size)
}

// SetFileLogIndex records the index of a file's log record.
func (t *Tx) SetFileLogIndex(ctx context.Context, fileID, index int64) error {
	return t.mustAffect(ctx, "File", `UPDATE files SET log_index = ? WHERE id = ?`, index, fileID)
}
