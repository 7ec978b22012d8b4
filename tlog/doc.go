// Package tlog is the pure part of wharf's transparency log of published
// files: the encoding of log records, the Merkle tree maths (RFC 6962, as in
// the Go checksum database), signed checkpoints, inclusion and consistency
// proofs, and audits that recompute the tree from its records.
//
// The package is kept apart from storage and from HTTP, in the way that
// golang.org/x/mod/sumdb/tlog is kept apart from the sumdb server: stored
// hashes are read through a HashReader, which the database will implement
// later, and nothing here performs I/O. MemoryHashes is an in-memory
// HashReader for tests and small tools.
//
// A Record is one leaf. Its canonical encoding (Record.Encode) is what the
// leaf hash covers, so ParseRecord accepts only that canonical form: every
// record has exactly one encoding and every encoding exactly one record.
//
// A Checkpoint is the signed statement of a tree's size and root hash, in the
// Go sumdb note format: the text "<origin>\n<size>\n<base64 root hash>\n"
// followed by signatures (see golang.org/x/mod/sumdb/note).
//
// Errors from the package's own checks match ErrInvalid (malformed input
// or keys), ErrUnverified (a checkpoint not signed by the expected key) or
// ErrInconsistent (a proof, audit or fork check that failed) with
// errors.Is; errors from a HashReader are wrapped with %w.
//
// The package is a leaf: it imports the standard library and
// golang.org/x/mod/sumdb/tlog and note only. No wharf package uses it yet.
package tlog
