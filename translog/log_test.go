package translog

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf"
	"wharf/tlog"
)

// openCheckpoint verifies a note with the reference note package and
// parses the checkpoint text.
func openCheckpoint(t *testing.T, msg []byte, vkey string) tlog.Checkpoint {
	t.Helper()
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		t.Fatalf("note.Open: %v", err)
	}
	c, err := tlog.ParseCheckpoint(n.Text)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tileReader serves tiles from the log, as /log/tile/ does.
type tileReader struct {
	t *testing.T
	l *Log
}

func (r tileReader) Height() int { return TileHeight }

func (r tileReader) ReadTiles(tiles []xtlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, tile := range tiles {
		data, _, err := r.l.Tile(r.t.Context(), tile.Path())
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (r tileReader) SaveTiles([]xtlog.Tile, [][]byte) {}

func TestLookupProofsVerifyWithReferenceFunctions(t *testing.T) {
	e := newEnv(t)
	e.upload(t, 300) // more than one full tile
	c := e.sign(t)
	cp := openCheckpoint(t, c.Note, e.log.VerifierKey())
	if cp.Size != 300 || cp.Origin != "example.test/wharf" {
		t.Fatalf("checkpoint = %+v", cp)
	}
	for _, i := range []int{0, 1, 255, 256, 299} {
		f := e.files[i]
		got, err := e.log.Lookup(t.Context(), f.Filename)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := tlog.ParseRecord(got.Record)
		if err != nil || rec.SHA256 != f.SHA256 || got.Index != int64(i) {
			t.Fatalf("lookup %s: index %d record %+v, %v", f.Filename, got.Index, rec, err)
		}
		if err := xtlog.CheckRecord(got.Proof, cp.Size, cp.Hash, got.Index, xtlog.RecordHash(got.Record)); err != nil {
			t.Errorf("reference CheckRecord of %s: %v", f.Filename, err)
		}
	}
	// Tiles verified against the checkpoint by the reference tile reader
	// prove the same records.
	tree := xtlog.Tree{N: cp.Size, Hash: cp.Hash}
	hr := xtlog.TileHashReader(tree, tileReader{t, e.log})
	p, err := xtlog.ProveRecord(cp.Size, 257, hr)
	if err != nil {
		t.Fatalf("ProveRecord over tiles: %v", err)
	}
	if err := xtlog.CheckRecord(p, cp.Size, cp.Hash, 257, xtlog.RecordHash(FileRecord("demo", e.files[257]).Encode())); err != nil {
		t.Errorf("CheckRecord over tiles: %v", err)
	}
	if _, err := e.log.Lookup(t.Context(), "nope-1.0.tar.gz"); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("lookup of an unknown file: %v, want ENOTFOUND", err)
	}
}

func TestLookupSignsWhenBehind(t *testing.T) {
	e := newEnv(t)
	e.upload(t, 2)
	e.sign(t)
	e.upload(t, 1)
	got, err := e.log.Lookup(t.Context(), e.files[2].Filename)
	if err != nil {
		t.Fatal(err)
	}
	if got.Size != 3 {
		t.Errorf("lookup proof against size %d, want a new checkpoint of 3", got.Size)
	}
}

func TestConsistencyBetweenCheckpoints(t *testing.T) {
	e := newEnv(t)
	e.upload(t, 5)
	old := openCheckpoint(t, e.sign(t).Note, e.log.VerifierKey())
	e.upload(t, 400)
	next := openCheckpoint(t, e.sign(t).Note, e.log.VerifierKey())
	tree := xtlog.Tree{N: next.Size, Hash: next.Hash}
	p, err := xtlog.ProveTree(next.Size, old.Size, xtlog.TileHashReader(tree, tileReader{t, e.log}))
	if err != nil {
		t.Fatal(err)
	}
	if err := xtlog.CheckTree(p, next.Size, next.Hash, old.Size, old.Hash); err != nil {
		t.Errorf("reference CheckTree: %v", err)
	}
}

func TestTiles(t *testing.T) {
	e := newEnv(t)
	e.upload(t, 257)
	e.sign(t)
	tests := []struct {
		path    string
		full    bool
		wantErr bool
	}{
		{"tile/8/0/000", true, false},
		{"8/0/001.p/1", false, false},
		{"tile/8/data/000", true, false},
		{"tile/8/0/001", false, true},     // beyond the checkpoint
		{"tile/8/0/001.p/2", false, true}, // beyond the checkpoint
		{"tile/8/1/000.p/1", false, false},
		{"tile/8/1/000.p/2", false, true},
		{"tile/4/0/000", false, true}, // wrong height
		{"tile/8/0/x999/999", false, true},
		{"../../etc/passwd", false, true},
	}
	for _, tt := range tests {
		data, full, err := e.log.Tile(t.Context(), tt.path)
		if (err != nil) != tt.wantErr || (err == nil && full != tt.full) {
			t.Errorf("Tile(%q) = %d bytes, full %v, %v", tt.path, len(data), full, err)
		}
		if err != nil && !wharf.IsCode(err, wharf.ENOTFOUND) {
			t.Errorf("Tile(%q) error %v, want ENOTFOUND", tt.path, err)
		}
	}
	data, _, err := e.log.Tile(t.Context(), "tile/8/data/000")
	if err != nil {
		t.Fatal(err)
	}
	recs := strings.Split(strings.TrimSuffix(string(data), "\n\n"), "\n\n")
	if len(recs) != 256 {
		t.Fatalf("data tile holds %d records, want 256", len(recs))
	}
	if r, err := tlog.ParseRecord([]byte(recs[3] + "\n")); err != nil || r.Filename != e.files[3].Filename {
		t.Errorf("data tile record 3 = %+v, %v", r, err)
	}
}

func TestSignRefusesAForkedStore(t *testing.T) {
	e := newEnv(t)
	e.upload(t, 4)
	e.sign(t)
	// A rogue edit rewrites record 1 and its leaf hash consistently; the
	// new tree no longer contains the signed one.
	rec := FileRecord("demo", e.files[1])
	rec.SHA256 = hex64("evil", 1)
	leaf0 := xtlog.RecordHash(FileRecord("demo", e.files[0]).Encode())
	hashes, err := xtlog.StoredHashes(1, rec.Encode(), xtlog.HashReaderFunc(func([]int64) ([]xtlog.Hash, error) {
		return []xtlog.Hash{leaf0}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	e.exec(t, `DELETE FROM log_records WHERE idx >= 1`)
	e.exec(t, `DELETE FROM log_hashes WHERE id >= ?`, xtlog.StoredHashIndex(0, 1))
	e.exec(t, `INSERT INTO log_records (idx, data) VALUES (1, ?)`, rec.Encode())
	for i, h := range hashes {
		e.exec(t, `INSERT INTO log_hashes (id, hash) VALUES (?, ?)`, xtlog.StoredHashIndex(0, 1)+int64(i), h[:])
	}
	e.upload(t, 3) // appends records 2-4, hashed over the forged leaf
	_, err = e.log.Sign(t.Context())
	if !errors.Is(err, tlog.ErrInconsistent) {
		t.Fatalf("Sign over a rewritten log: %v, want ErrInconsistent", err)
	}
}

func TestCosign(t *testing.T) {
	e := newEnv(t)
	wskey, wvkey, err := tlog.GenerateKey("witness.example")
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(e.store, Options{SignerKey: e.skey, Witnesses: []string{wvkey}})
	if err != nil {
		t.Fatal(err)
	}
	e.upload(t, 3)
	c, err := l.Sign(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cp := openCheckpoint(t, c.Note, l.VerifierKey())
	ws, _ := note.NewSigner(wskey)
	cosigned, err := note.Sign(&note.Note{Text: cp.Text()}, ws)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := l.Cosign(t.Context(), cosigned); err != nil || n != 1 {
		t.Fatalf("Cosign = %d, %v", n, err)
	}
	msg, err := l.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	lv, _ := note.NewVerifier(l.VerifierKey())
	wv, _ := note.NewVerifier(wvkey)
	n, err := note.Open(msg, note.VerifierList(lv, wv))
	if err != nil || len(n.Sigs) != 2 {
		t.Fatalf("served checkpoint: %d verified signatures, %v; want the log's and the witness's", len(n.Sigs), err)
	}

	otherKey, _, _ := tlog.GenerateKey("stranger")
	os, _ := note.NewSigner(otherKey)
	stranger, _ := note.Sign(&note.Note{Text: cp.Text()}, os)
	if _, err := l.Cosign(t.Context(), stranger); !wharf.IsCode(err, wharf.EFORBIDDEN) {
		t.Errorf("cosignature by an unknown witness: %v, want EFORBIDDEN", err)
	}
	forged := tlog.Checkpoint{Origin: cp.Origin, Size: cp.Size, Hash: xtlog.Hash{1}}
	bad, _ := note.Sign(&note.Note{Text: forged.Text()}, ws)
	if _, err := l.Cosign(t.Context(), bad); !wharf.IsCode(err, wharf.EINVALID) {
		t.Errorf("cosignature of a checkpoint the log never signed: %v, want EINVALID", err)
	}
}
