package storetest

import (
	"bytes"
	"testing"

	"wharf"
)

// logHash returns a stored hash whose bytes are all b.
func logHash(b byte) wharf.LogHash {
	var h wharf.LogHash
	for i := range h {
		h[i] = b
	}
	return h
}

// testLog checks the append-only log tables: records and stored hashes
// appended in order, lookups by filename, checkpoints kept once per size,
// cosignatures replaced per witness, and the files' log index.
func testLog(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	view(t, s, func(tx wharf.Tx) error {
		if n, err := tx.LogSize(ctx); err != nil || n != 0 {
			t.Fatalf("LogSize of an empty log = %d, %v", n, err)
		}
		if _, err := tx.LatestCheckpoint(ctx); !wharf.IsCode(err, wharf.ENOTFOUND) {
			t.Fatalf("LatestCheckpoint of an empty log: %v, want ENOTFOUND", err)
		}
		return nil
	})
	update(t, s, func(tx wharf.Tx) error {
		if err := tx.AppendLog(ctx, &wharf.LogRecord{Index: 0, Data: []byte("a\n"), Filename: "a.whl"}, 0, []wharf.LogHash{logHash(1)}); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &wharf.LogRecord{Index: 1, Data: []byte("b\n")}, 1, []wharf.LogHash{logHash(2), logHash(3)})
	})
	if err := tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.AppendLog(ctx, &wharf.LogRecord{Index: 1, Data: []byte("again\n")}, 3, nil)
	}); !wharf.IsCode(err, wharf.ECONFLICT) {
		t.Errorf("appending record 1 twice: %v, want ECONFLICT", err)
	}
	if err := tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.AppendLog(ctx, &wharf.LogRecord{Index: 2, Data: []byte("c\n"), Filename: "a.whl"}, 3, nil)
	}); !wharf.IsCode(err, wharf.ECONFLICT) {
		t.Errorf("a second record for a.whl: %v, want ECONFLICT", err)
	}
	view(t, s, func(tx wharf.Tx) error {
		if n, err := tx.LogSize(ctx); err != nil || n != 2 {
			t.Errorf("LogSize = %d, %v; want 2", n, err)
		}
		hs, err := tx.LogHashes(ctx, []int64{2, 0, 1, 2})
		if err != nil || len(hs) != 4 || hs[0] != logHash(3) || hs[1] != logHash(1) || hs[2] != logHash(2) || hs[3] != logHash(3) {
			t.Errorf("LogHashes = %v, %v", hs, err)
		}
		if _, err := tx.LogHashes(ctx, []int64{0, 9}); !wharf.IsCode(err, wharf.ENOTFOUND) {
			t.Errorf("LogHashes of a missing index: %v, want ENOTFOUND", err)
		}
		recs, err := tx.LogRecords(ctx, 1, 10)
		if err != nil || len(recs) != 1 || recs[0].Index != 1 || string(recs[0].Data) != "b\n" || recs[0].Filename != "" {
			t.Errorf("LogRecords(1) = %+v, %v", recs, err)
		}
		r, err := tx.LogRecordByFilename(ctx, "a.whl")
		if err != nil || r.Index != 0 || string(r.Data) != "a\n" {
			t.Errorf("LogRecordByFilename = %+v, %v", r, err)
		}
		if _, err := tx.LogRecordByFilename(ctx, "b.whl"); !wharf.IsCode(err, wharf.ENOTFOUND) {
			t.Errorf("LogRecordByFilename of an unknown file: %v, want ENOTFOUND", err)
		}
		return nil
	})
	testCheckpoints(t, s)
}

func testCheckpoints(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	update(t, s, func(tx wharf.Tx) error {
		for _, c := range []wharf.LogCheckpoint{{Size: 1, Note: []byte("one")}, {Size: 2, Note: []byte("two")}, {Size: 2, Note: []byte("ignored")}} {
			if err := tx.AddCheckpoint(ctx, &c); err != nil {
				return err
			}
		}
		for _, c := range []wharf.LogCosignature{{Size: 2, Witness: "w2", Line: "old"}, {Size: 2, Witness: "w1", Line: "x"}, {Size: 2, Witness: "w2", Line: "new"}} {
			if err := tx.AddCosignature(ctx, &c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx wharf.Tx) error {
		c, err := tx.LatestCheckpoint(ctx)
		if err != nil || c.Size != 2 || !bytes.Equal(c.Note, []byte("two")) || c.Created.IsZero() {
			t.Errorf("LatestCheckpoint = %+v, %v", c, err)
		}
		if c, err := tx.CheckpointBySize(ctx, 1); err != nil || string(c.Note) != "one" {
			t.Errorf("CheckpointBySize(1) = %+v, %v", c, err)
		}
		if _, err := tx.CheckpointBySize(ctx, 3); !wharf.IsCode(err, wharf.ENOTFOUND) {
			t.Errorf("CheckpointBySize(3): %v, want ENOTFOUND", err)
		}
		cs, err := tx.Cosignatures(ctx, 2)
		if err != nil || len(cs) != 2 || cs[0].Witness != "w1" || cs[1].Line != "new" {
			t.Errorf("Cosignatures = %+v, %v", cs, err)
		}
		return nil
	})
}

// testFileLogIndex checks that a file's log index is stored, read back and
// set once for files recorded late.
func testFileLogIndex(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	fx := setup(t, s)
	f := fileOf(fx.release, "demo-1.0.tar.gz", "x")
	f.LogIndex = -1
	addFile(t, s, f)
	update(t, s, func(tx wharf.Tx) error { return tx.SetFileLogIndex(ctx, f.ID, 7) })
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.FileByFilename(ctx, f.Filename)
		if err != nil || got.LogIndex != 7 {
			t.Errorf("LogIndex = %+v, %v; want 7", got, err)
		}
		return nil
	})
	if err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.SetFileLogIndex(ctx, 999, 1) }); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("SetFileLogIndex of a missing file: %v, want ENOTFOUND", err)
	}
}
