package wharf

import (
	"context"
	"time"
)

// LogHash is one stored hash of the transparency log: a SHA-256 node of its
// Merkle tree, addressed by its storage index (see
// golang.org/x/mod/sumdb/tlog.StoredHashIndex).
type LogHash [32]byte

// LogRecord is one record of the transparency log as stored: its index in
// the log and its canonical encoding, whose hash is the Merkle leaf. The
// package wharf/tlog defines the encoding; the store keeps bytes.
type LogRecord struct {
	Index int64
	Data  []byte
	// Filename is set for records of uploaded files, so that a file's record
	// can be found by its name. Other records leave it empty.
	Filename string
}

// LogCheckpoint is a signed checkpoint of the log: the tree of the first
// Size records, as a note signed by the server (golang.org/x/mod/sumdb/note).
type LogCheckpoint struct {
	Size    int64
	Note    []byte
	Created time.Time
}

// LogCosignature is a witness's signature line over the checkpoint of the
// given size, as it appears in a note ("— name base64").
type LogCosignature struct {
	Size    int64
	Witness string // the witness key's name
	Line    string
	Created time.Time
}

// LogTx appends to and reads the transparency log. Records and stored
// hashes are only ever appended: no method updates or deletes them.
type LogTx interface {
	// LogSize returns the number of records in the log.
	LogSize(ctx context.Context) (int64, error)
	// AppendLog stores r, which must be record number LogSize, and the
	// stored hashes its append adds, which begin at storage index
	// hashStart. ECONFLICT if the index or a stored hash index is taken, or
	// if a file record's filename already has a record.
	AppendLog(ctx context.Context, r *LogRecord, hashStart int64, hashes []LogHash) error
	// LogHashes returns the stored hashes at the given storage indexes, or
	// ENOTFOUND if any is missing.
	LogHashes(ctx context.Context, indexes []int64) ([]LogHash, error)
	// LogRecords returns up to limit records from index from on, in order.
	LogRecords(ctx context.Context, from int64, limit int) ([]LogRecord, error)
	// LogRecordByFilename returns the record of the uploaded file with this
	// name, also after the file was deleted; ENOTFOUND if there is none.
	LogRecordByFilename(ctx context.Context, filename string) (*LogRecord, error)
	// AddCheckpoint stores a signed checkpoint. A second checkpoint of the
	// same size is ignored: signatures are deterministic, so it is the
	// same note.
	AddCheckpoint(ctx context.Context, c *LogCheckpoint) error
	// LatestCheckpoint returns the checkpoint of the largest size, or
	// ENOTFOUND if none was signed yet.
	LatestCheckpoint(ctx context.Context) (*LogCheckpoint, error)
	// CheckpointBySize returns the checkpoint of exactly this size, or
	// ENOTFOUND.
	CheckpointBySize(ctx context.Context, size int64) (*LogCheckpoint, error)
	// AddCosignature stores a witness's signature, replacing an earlier one
	// by the same witness for the same size.
	AddCosignature(ctx context.Context, c *LogCosignature) error
	// Cosignatures lists the cosignatures of the checkpoint of this size,
	// ordered by witness name.
	Cosignatures(ctx context.Context, size int64) ([]LogCosignature, error)
	// SetFileLogIndex records the index of a file's log record; it is used
	// once, to give files uploaded before the log existed their records.
	SetFileLogIndex(ctx context.Context, fileID, index int64) error
}
