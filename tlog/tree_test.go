package tlog

import (
	"errors"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// proofSizes are tree sizes around powers of two, where the proof shapes change.
var proofSizes = []int64{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 100}

func TestAppendRoot(t *testing.T) {
	records := testRecords(100)
	m := new(MemoryHashes)
	var leaves []tlog.Hash
	for i, r := range records {
		if _, err := m.Append(r); err != nil {
			t.Fatalf("Append(%d): %v", i, err)
		}
		leaves = append(leaves, LeafHash(r))
		n := int64(i + 1)
		got, err := m.Root()
		if err != nil {
			t.Fatalf("Root after %d: %v", n, err)
		}
		if want := mustRoot(t, m, n); got != want {
			t.Fatalf("size %d: Root = %v, tlog.TreeHash = %v", n, got, want)
		}
		if want := rootOf(leaves); got != want {
			t.Fatalf("size %d: Root = %v, reference = %v", n, got, want)
		}
		if m.Len() != n {
			t.Fatalf("Len = %d, want %d", m.Len(), n)
		}
	}
	if got, want := int64(len(m.hashes)), tlog.StoredHashCount(100); got != want {
		t.Errorf("stored %d hashes, want %d", got, want)
	}
	if got, err := new(MemoryHashes).Root(); err != nil || got != rootOf(nil) {
		t.Errorf("empty Root = %v, %v; want %v", got, err, rootOf(nil))
	}
}

func TestAppendMatchesStoredHashes(t *testing.T) {
	m := buildLog(t, testRecords(40))
	r := testRecord(40)
	got, err := Append(40, r, m)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tlog.StoredHashes(40, r.Encode(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Append gave %d hashes, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("hash %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := Append(-1, r, m); !errors.Is(err, ErrInvalid) {
		t.Errorf("Append(-1) = %v, want ErrInvalid", err)
	}
}

func TestRecordProofs(t *testing.T) {
	records := testRecords(100)
	m := buildLog(t, records)
	for _, size := range proofSizes {
		root := mustRoot(t, m, size)
		for i := range size {
			p, err := ProveRecord(size, i, m)
			if err != nil {
				t.Fatalf("ProveRecord(%d, %d): %v", size, i, err)
			}
			leaf := LeafHash(records[i])
			if err := tlog.CheckRecord(p, size, root, i, leaf); err != nil {
				t.Fatalf("tlog.CheckRecord(size %d, index %d): %v", size, i, err)
			}
			if err := CheckRecord(p, size, root, i, leaf); err != nil {
				t.Fatalf("CheckRecord(size %d, index %d): %v", size, i, err)
			}
			other := LeafHash(records[(i+1)%100])
			if err := CheckRecord(p, size, root, i, other); !errors.Is(err, ErrInconsistent) {
				t.Fatalf("CheckRecord with wrong leaf (size %d, index %d) = %v, want ErrInconsistent", size, i, err)
			}
		}
	}
}

func TestRecordProofErrors(t *testing.T) {
	m := buildLog(t, testRecords(10))
	root := mustRoot(t, m, 10)
	tests := []struct {
		name        string
		size, index int64
	}{
		{"index equals size", 10, 10},
		{"negative index", 10, -1},
		{"empty tree", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ProveRecord(tt.size, tt.index, m); !errors.Is(err, ErrInvalid) {
				t.Errorf("ProveRecord = %v, want ErrInvalid", err)
			}
			if err := CheckRecord(nil, tt.size, root, tt.index, tlog.Hash{}); !errors.Is(err, ErrInvalid) {
				t.Errorf("CheckRecord = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := ProveRecord(11, 0, m); err == nil {
		t.Errorf("ProveRecord beyond the stored log succeeded")
	}
}

func TestTreeProofs(t *testing.T) {
	m := buildLog(t, testRecords(100))
	sizes := append([]int64{0}, proofSizes...)
	for _, newSize := range sizes {
		newRoot := mustRoot(t, m, newSize)
		for _, oldSize := range sizes {
			if oldSize > newSize {
				continue
			}
			oldRoot := mustRoot(t, m, oldSize)
			p, err := ProveTree(newSize, oldSize, m)
			if err != nil {
				t.Fatalf("ProveTree(%d, %d): %v", newSize, oldSize, err)
			}
			if oldSize > 0 {
				if err := tlog.CheckTree(p, newSize, newRoot, oldSize, oldRoot); err != nil {
					t.Fatalf("tlog.CheckTree(%d, %d): %v", newSize, oldSize, err)
				}
			}
			if err := CheckTree(p, newSize, newRoot, oldSize, oldRoot); err != nil {
				t.Fatalf("CheckTree(%d, %d): %v", newSize, oldSize, err)
			}
			bad := oldRoot
			bad[0] ^= 1
			if err := CheckTree(p, newSize, newRoot, oldSize, bad); !errors.Is(err, ErrInconsistent) {
				t.Fatalf("CheckTree(%d, %d) with wrong old root = %v, want ErrInconsistent", newSize, oldSize, err)
			}
		}
	}
}

func TestTreeProofErrors(t *testing.T) {
	m := buildLog(t, testRecords(10))
	root := mustRoot(t, m, 10)
	tests := []struct {
		name             string
		newSize, oldSize int64
	}{
		{"old larger", 5, 6},
		{"negative old", 5, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ProveTree(tt.newSize, tt.oldSize, m); !errors.Is(err, ErrInvalid) {
				t.Errorf("ProveTree = %v, want ErrInvalid", err)
			}
			if err := CheckTree(nil, tt.newSize, root, tt.oldSize, root); !errors.Is(err, ErrInvalid) {
				t.Errorf("CheckTree = %v, want ErrInvalid", err)
			}
		})
	}
	if err := CheckTree(tlog.TreeProof{root}, 10, root, 0, rootOf(nil)); !errors.Is(err, ErrInconsistent) {
		t.Errorf("CheckTree from empty tree with a non-empty proof = %v, want ErrInconsistent", err)
	}
}

func TestMemoryHashesReadOutOfRange(t *testing.T) {
	m := buildLog(t, testRecords(3))
	for _, idx := range []int64{-1, int64(len(m.hashes))} {
		if _, err := m.ReadHashes([]int64{0, idx}); !errors.Is(err, ErrInvalid) {
			t.Errorf("ReadHashes(%d) = %v, want ErrInvalid", idx, err)
		}
	}
}
