package tlog

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// auditBatch is how many stored hashes AuditStored reads at a time.
const auditBatch = 1024

// Audit recomputes the tree from records and checks that its first c.Size
// records have the root hash c.Hash. Records after c.Size, appended since
// the checkpoint, are validated but not otherwise checked. The error is an
// *AuditError (matching ErrInconsistent) naming the first invalid record or
// the first missing index when it can. A record changed in place cannot be
// pinned down from a root hash alone; AuditStored can, given the stored
// hashes. Audit holds about two hashes per record in memory.
func Audit(records []Record, c Checkpoint) error {
	if c.Size < 0 {
		return invalidf("negative checkpoint size")
	}
	m, err := buildHashes(records)
	if err != nil {
		return err
	}
	return checkRoot(m, c)
}

// AuditStored is Audit for a log whose stored hashes hr also reads, such as
// the database. For the records the checkpoint c covers, it checks that each
// record's leaf hash equals the stored one, naming the first record that
// differs (a record changed, inserted or removed behind the log's back),
// and that every other stored hash of that tree is right; then it checks
// the records against c as Audit does. Records after c.Size are validated
// only, as the store may not hold their hashes yet. Errors are *AuditError
// values, or come from hr.
func AuditStored(records []Record, c Checkpoint, hr tlog.HashReader) error {
	if c.Size < 0 {
		return invalidf("negative checkpoint size")
	}
	m, err := buildHashes(records)
	if err != nil {
		return err
	}
	n := min(int64(len(records)), c.Size)
	leaves := make([]int64, 0, auditBatch)
	for lo := int64(0); lo < n; lo += auditBatch {
		leaves = leaves[:0]
		for i := lo; i < n && i < lo+auditBatch; i++ {
			leaves = append(leaves, tlog.StoredHashIndex(0, i))
		}
		if i, err := firstDifference(leaves, m, hr); err != nil {
			return err
		} else if i >= 0 {
			return &AuditError{Index: lo + int64(i), Reason: "leaf hash differs from the stored leaf hash"}
		}
	}
	count := tlog.StoredHashCount(n)
	all := make([]int64, 0, auditBatch)
	for lo := int64(0); lo < count; lo += auditBatch {
		all = all[:0]
		for x := lo; x < count && x < lo+auditBatch; x++ {
			all = append(all, x)
		}
		if i, err := firstDifference(all, m, hr); err != nil {
			return err
		} else if i >= 0 {
			level, k := tlog.SplitStoredHashIndex(lo + int64(i))
			return &AuditError{Index: -1, Reason: fmt.Sprintf("stored hash %d at level %d is wrong", k, level)}
		}
	}
	return checkRoot(m, c)
}

// buildHashes appends records to a new MemoryHashes, reporting the first
// invalid record.
func buildHashes(records []Record) (*MemoryHashes, error) {
	m := new(MemoryHashes)
	for i, r := range records {
		if _, err := m.Append(r); err != nil {
			if errors.Is(err, ErrInvalid) {
				return nil, &AuditError{Index: int64(i), Reason: err.Error()}
			}
			return nil, err
		}
	}
	return m, nil
}

// checkRoot checks that the first c.Size records in m have the root c.Hash.
func checkRoot(m *MemoryHashes, c Checkpoint) error {
	if n := m.Len(); n < c.Size {
		return &AuditError{Index: n, Reason: fmt.Sprintf("log has %d records but the checkpoint covers %d", n, c.Size)}
	}
	root, err := tlog.TreeHash(c.Size, m)
	if err != nil {
		return err
	}
	if root != c.Hash {
		return &AuditError{Index: -1, Reason: fmt.Sprintf("root hash of the first %d records differs from the checkpoint", c.Size)}
	}
	return nil
}

// firstDifference reads indexes from want and got and returns the position
// of the first hash that differs, or -1.
func firstDifference(indexes []int64, want, got tlog.HashReader) (int, error) {
	w, err := want.ReadHashes(indexes)
	if err != nil {
		return 0, err
	}
	g, err := got.ReadHashes(indexes)
	if err != nil {
		return 0, fmt.Errorf("tlog: audit: read stored hashes: %w", err)
	}
	if len(g) != len(indexes) {
		return 0, fmt.Errorf("tlog: audit: read %d stored hashes, want %d", len(g), len(indexes))
	}
	for i := range w {
		if w[i] != g[i] {
			return i, nil
		}
	}
	return -1, nil
}
