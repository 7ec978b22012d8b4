package tlog

import (
	"errors"
	"slices"
	"testing"
)

func TestAudit(t *testing.T) {
	records := testRecords(50)
	m := buildLog(t, records)
	c := Checkpoint{Origin: "wharf.example/log", Size: 50, Hash: mustRoot(t, m, 50)}
	c40 := Checkpoint{Origin: c.Origin, Size: 40, Hash: mustRoot(t, m, 40)}

	modified := slices.Clone(records)
	modified[17].Size++
	removed := slices.Delete(slices.Clone(records), 23, 24)
	truncated := records[:49]
	inserted := slices.Insert(slices.Clone(records), 5, testRecord(99))
	swapped := slices.Clone(records)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	invalid := slices.Clone(records)
	invalid[8].Kind = "upload"

	tests := []struct {
		name       string
		records    []Record
		c          Checkpoint
		wantErr    bool
		wantIndex  int64 // from Audit, when wantErr
		storedIdx  int64 // from AuditStored, when wantErr
		storedOnly bool  // only AuditStored can name the index
	}{
		{name: "intact", records: records, c: c},
		{name: "intact, older checkpoint", records: records, c: c40},
		{name: "empty log, empty checkpoint", records: nil, c: Checkpoint{Origin: c.Origin, Hash: rootOf(nil)}},
		{name: "modified record", records: modified, c: c, wantErr: true, wantIndex: -1, storedIdx: 17},
		{name: "removed record", records: removed, c: c, wantErr: true, wantIndex: 49, storedIdx: 23},
		{name: "removed record, older checkpoint", records: removed, c: c40, wantErr: true, wantIndex: -1, storedIdx: 23},
		{name: "truncated log", records: truncated, c: c, wantErr: true, wantIndex: 49, storedIdx: 49},
		{name: "inserted record", records: inserted, c: c, wantErr: true, wantIndex: -1, storedIdx: 5},
		{name: "swapped records", records: swapped, c: c, wantErr: true, wantIndex: -1, storedIdx: 3},
		{name: "invalid record", records: invalid, c: c, wantErr: true, wantIndex: 8, storedIdx: 8},
		{name: "wrong root", records: records, c: Checkpoint{Origin: c.Origin, Size: 50, Hash: c40.Hash}, wantErr: true, wantIndex: -1, storedIdx: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAuditError(t, "Audit", Audit(tt.records, tt.c), tt.wantErr, tt.wantIndex)
			checkAuditError(t, "AuditStored", AuditStored(tt.records, tt.c, m), tt.wantErr, tt.storedIdx)
		})
	}
}

// checkAuditError checks that err is nil, or an *AuditError naming index.
func checkAuditError(t *testing.T, fn string, err error, wantErr bool, index int64) {
	t.Helper()
	if !wantErr {
		if err != nil {
			t.Errorf("%s: %v", fn, err)
		}
		return
	}
	var ae *AuditError
	if !errors.As(err, &ae) {
		t.Fatalf("%s = %v, want *AuditError", fn, err)
	}
	if !errors.Is(err, ErrInconsistent) {
		t.Errorf("%s error %v does not match ErrInconsistent", fn, err)
	}
	if ae.Index != index {
		t.Errorf("%s names record %d, want %d (%v)", fn, ae.Index, index, err)
	}
}

func TestAuditStoredCorruptInteriorHash(t *testing.T) {
	records := testRecords(20)
	m := buildLog(t, records)
	c := Checkpoint{Origin: "o", Size: 20, Hash: mustRoot(t, m, 20)}
	// Storage index 2 is the level-1 hash of records 0 and 1.
	m.hashes[2][0] ^= 1
	err := AuditStored(records, c, m)
	var ae *AuditError
	if !errors.As(err, &ae) || ae.Index != -1 {
		t.Fatalf("AuditStored = %v, want *AuditError with index -1", err)
	}
	if err := Audit(records, c); err != nil {
		t.Errorf("Audit, which ignores stored hashes: %v", err)
	}
}
