package tlog

import (
	"crypto/sha256"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Append returns the stored hashes to add, starting at storage index
// tlog.StoredHashIndex(0, n), when r is written as record n of a log whose
// earlier stored hashes hr reads. It validates r first; errors match
// ErrInvalid, or come from hr.
func Append(n int64, r Record, hr tlog.HashReader) ([]tlog.Hash, error) {
	if n < 0 {
		return nil, invalidf("negative record index %d", n)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	hashes, err := tlog.StoredHashes(n, r.Encode(), hr)
	if err != nil {
		return nil, fmt.Errorf("tlog: append record %d: %w", n, err)
	}
	return hashes, nil
}

// ProveRecord returns the proof that the tree of the given size contains the
// record at index. Errors match ErrInvalid for bad arguments, or come from hr.
func ProveRecord(size, index int64, hr tlog.HashReader) (tlog.RecordProof, error) {
	if index < 0 || index >= size {
		return nil, invalidf("record %d is not in a tree of size %d", index, size)
	}
	p, err := tlog.ProveRecord(size, index, hr)
	if err != nil {
		return nil, fmt.Errorf("tlog: prove record %d in tree %d: %w", index, size, err)
	}
	return p, nil
}

// CheckRecord verifies that p proves that the tree of the given size and
// root contains leaf at index. An error matches ErrInconsistent when the
// proof fails, and ErrInvalid for bad arguments.
func CheckRecord(p tlog.RecordProof, size int64, root tlog.Hash, index int64, leaf tlog.Hash) error {
	if index < 0 || index >= size {
		return invalidf("record %d is not in a tree of size %d", index, size)
	}
	if err := tlog.CheckRecord(p, size, root, index, leaf); err != nil {
		return fmt.Errorf("%w: record %d not proved in tree %d: %v", ErrInconsistent, index, size, err)
	}
	return nil
}

// ProveTree returns the proof that the tree of newSize contains the tree of
// oldSize as a prefix. The proof for an empty old tree is empty. Errors
// match ErrInvalid for bad arguments, or come from hr.
func ProveTree(newSize, oldSize int64, hr tlog.HashReader) (tlog.TreeProof, error) {
	if oldSize < 0 || oldSize > newSize {
		return nil, invalidf("tree %d cannot be a prefix of tree %d", oldSize, newSize)
	}
	if oldSize == 0 {
		return tlog.TreeProof{}, nil
	}
	p, err := tlog.ProveTree(newSize, oldSize, hr)
	if err != nil {
		return nil, fmt.Errorf("tlog: prove tree %d in tree %d: %w", oldSize, newSize, err)
	}
	return p, nil
}

// CheckTree verifies that p proves that the tree of newSize and newRoot
// contains the tree of oldSize and oldRoot as a prefix. An error matches
// ErrInconsistent when the proof fails, and ErrInvalid for bad arguments.
func CheckTree(p tlog.TreeProof, newSize int64, newRoot tlog.Hash, oldSize int64, oldRoot tlog.Hash) error {
	if oldSize < 0 || oldSize > newSize {
		return invalidf("tree %d cannot be a prefix of tree %d", oldSize, newSize)
	}
	if oldSize == 0 {
		// The empty tree is a prefix of every tree; only its root is
		// checked, and an empty new tree must have the empty root too.
		empty := emptyRoot()
		if len(p) != 0 || oldRoot != empty || newSize == 0 && newRoot != empty {
			return fmt.Errorf("%w: bad proof from the empty tree to tree %d", ErrInconsistent, newSize)
		}
		return nil
	}
	if err := tlog.CheckTree(p, newSize, newRoot, oldSize, oldRoot); err != nil {
		return fmt.Errorf("%w: tree %d not proved a prefix of tree %d: %v", ErrInconsistent, oldSize, newSize, err)
	}
	return nil
}

// emptyRoot returns the root hash of the empty tree, per RFC 6962: the
// SHA-256 hash of no bytes.
func emptyRoot() tlog.Hash {
	return sha256.Sum256(nil)
}

// CheckCheckpoints verifies that newer, a checkpoint seen after older, is
// consistent with it, given the consistency proof p from older.Size to
// newer.Size: the log must not shrink, two checkpoints of the same size must
// have the same root, and p must prove older a prefix of newer. An error
// matches ErrInconsistent when the checkpoints show a fork (signed, they are
// evidence of it), and ErrInvalid when they name different logs.
func CheckCheckpoints(older, newer Checkpoint, p tlog.TreeProof) error {
	if older.Origin != newer.Origin {
		return invalidf("checkpoints of different logs %q and %q", shorten(older.Origin), shorten(newer.Origin))
	}
	switch {
	case older.Size > newer.Size:
		return fmt.Errorf("%w: log shrank from %d to %d records", ErrInconsistent, older.Size, newer.Size)
	case older.Size == newer.Size:
		if older.Hash != newer.Hash {
			return fmt.Errorf("%w: fork: two roots for tree size %d", ErrInconsistent, older.Size)
		}
		return nil
	}
	if err := CheckTree(p, newer.Size, newer.Hash, older.Size, older.Hash); err != nil {
		return fmt.Errorf("fork between tree sizes %d and %d: %w", older.Size, newer.Size, err)
	}
	return nil
}
