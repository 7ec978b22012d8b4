// Package translog runs wharf's transparency log on top of the store: it
// appends a record for every uploaded file (and for yanks and deletions)
// inside the transaction that makes the change, signs checkpoints after
// commits, and answers the questions clients and auditors ask — the latest
// checkpoint with its witnesses' cosignatures, tiles of the tree, a file's
// record with an inclusion proof — and audits the stored log against its
// own records, its latest checkpoint and the files table.
//
// The Merkle maths, record encoding and note signatures live in the pure
// package wharf/tlog; translog is the use case that connects them to
// wharf.Store. Before it signs a new checkpoint it proves the new tree
// consistent with the last one it signed, so a database rewritten behind
// its back is refused rather than signed into a fork.
package translog
