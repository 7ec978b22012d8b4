// Package client is the verifying side of wharf's transparency log: it
// fetches an index's signed checkpoint, tiles and lookups over HTTP and
// trusts nothing it has not checked — every checkpoint against the log's
// verifier key, every tile against a checkpoint's root hash (through
// golang.org/x/mod/sumdb/tlog's TileHashReader), every record against an
// inclusion proof, and every new checkpoint against the last one the
// caller saw, so that a server showing different users different logs (a
// fork) is caught. `wharf verify` and `wharf log witness` are built on it.
//
// It imports only the standard library, wharf/tlog and x/mod's sumdb
// packages: a leaf, usable by any program that wants to audit an index.
package client
