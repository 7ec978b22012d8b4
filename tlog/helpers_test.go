package tlog

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// testRecord returns a distinct valid record for each i.
func testRecord(i int) Record {
	name := fmt.Sprintf("pkg%d", i%7)
	version := fmt.Sprintf("1.%d", i)
	r := Record{
		Kind:       KindFile,
		Project:    name,
		Version:    version,
		Filename:   fmt.Sprintf("%s-%s-py3-none-any.whl", name, version),
		SHA256:     fmt.Sprintf("%x", sha256.Sum256([]byte{byte(i), 1})),
		Blake2b256: fmt.Sprintf("%x", sha256.Sum256([]byte{byte(i), 2})),
		Size:       int64(1000 + i),
		Time:       time.Date(2025, 3, 1, 12, 0, i%60, i*1000, time.UTC),
	}
	if i%10 == 9 {
		r = Record{Kind: KindYank, Project: name, Version: version, Time: r.Time}
	}
	return r
}

// testRecords returns testRecord(0) to testRecord(n-1).
func testRecords(n int) []Record {
	rs := make([]Record, n)
	for i := range rs {
		rs[i] = testRecord(i)
	}
	return rs
}

// buildLog appends records to a new MemoryHashes.
func buildLog(t testing.TB, records []Record) *MemoryHashes {
	t.Helper()
	m := new(MemoryHashes)
	for i, r := range records {
		idx, err := m.Append(r)
		if err != nil {
			t.Fatalf("Append(record %d): %v", i, err)
		}
		if idx != int64(i) {
			t.Fatalf("Append(record %d) = index %d", i, idx)
		}
	}
	return m
}

// rootOf computes the RFC 6962 root of the leaf hashes directly from the
// definition, independently of stored hashes, as a reference.
func rootOf(leaves []tlog.Hash) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return tlog.NodeHash(rootOf(leaves[:k]), rootOf(leaves[k:]))
}

// mustRoot returns the root of the first n records in m.
func mustRoot(t testing.TB, m *MemoryHashes, n int64) tlog.Hash {
	t.Helper()
	h, err := tlog.TreeHash(n, m)
	if err != nil {
		t.Fatalf("TreeHash(%d): %v", n, err)
	}
	return h
}
