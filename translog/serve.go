package translog

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf"
	"wharf/tlog"
)

// TileHeight is the height of the tiles the log serves, as in the Go
// checksum database: 256 hashes (or records) to a full tile.
const TileHeight = 8

// Lookup is a file's record with the proof that the latest checkpoint's
// tree contains it.
type Lookup struct {
	Index      int64
	Record     []byte // the canonical record encoding
	Checkpoint []byte // the signed checkpoint note the proof is against
	Size       int64  // the checkpoint's tree size
	Proof      xtlog.RecordProof
}

// Lookup returns the record of the uploaded file with this name and its
// inclusion proof; ENOTFOUND if no such file was ever uploaded. A record
// newer than the latest checkpoint gets a checkpoint signed first.
func (l *Log) Lookup(ctx context.Context, filename string) (*Lookup, error) {
	for range 2 {
		out, err := l.lookup(ctx, filename)
		if err != nil || out != nil {
			return out, err
		}
		if _, err := l.Sign(ctx); err != nil {
			return nil, err
		}
	}
	return nil, wharf.Errorf(wharf.EINTERNAL, "no checkpoint covers the record of %s", filename)
}

// lookup returns nil, nil when the record is newer than the latest
// checkpoint.
func (l *Log) lookup(ctx context.Context, filename string) (*Lookup, error) {
	var out *Lookup
	err := l.store.View(ctx, func(tx wharf.Tx) error {
		rec, err := tx.LogRecordByFilename(ctx, filename)
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return wharf.Errorf(wharf.ENOTFOUND, "No log record for %q.", filename)
		} else if err != nil {
			return err
		}
		c, err := tx.LatestCheckpoint(ctx)
		if wharf.IsCode(err, wharf.ENOTFOUND) || (err == nil && c.Size <= rec.Index) {
			return nil
		} else if err != nil {
			return err
		}
		p, err := tlog.ProveRecord(c.Size, rec.Index, hashReader(ctx, tx))
		if err != nil {
			return err
		}
		out = &Lookup{Index: rec.Index, Record: rec.Data, Checkpoint: c.Note, Size: c.Size, Proof: p}
		return nil
	})
	return out, err
}

// Tile returns the tile at path (as in "tile/8/0/001.p/5", with or without
// the "tile/" prefix) and whether it is full, so immutable. Tiles beyond
// the latest checkpoint are ENOTFOUND: a client must not see a tree no
// checkpoint vouches for.
func (l *Log) Tile(ctx context.Context, path string) (data []byte, full bool, err error) {
	t, err := xtlog.ParseTilePath("tile/" + trimTilePrefix(path))
	if err != nil || t.H != TileHeight {
		return nil, false, wharf.Errorf(wharf.ENOTFOUND, "No such tile.")
	}
	c, err := l.latest(ctx)
	if err != nil {
		return nil, false, err
	}
	if !tileWithin(t, c.Size) {
		return nil, false, wharf.Errorf(wharf.ENOTFOUND, "Tile beyond the latest checkpoint.")
	}
	err = l.store.View(ctx, func(tx wharf.Tx) error {
		if t.L == -1 {
			data, err = dataTile(ctx, tx, t)
			return err
		}
		data, err = xtlog.ReadTileData(t, hashReader(ctx, tx))
		return err
	})
	return data, t.W == 1<<TileHeight, err
}

func trimTilePrefix(p string) string {
	if len(p) >= 5 && p[:5] == "tile/" {
		return p[5:]
	}
	return p
}

// tileWithin reports whether every hash (or record) of t exists in the
// tree of the given size. A hash at level h and index k exists once the
// tree has (k+1)·2^h leaves.
func tileWithin(t xtlog.Tile, size int64) bool {
	level := max(t.L, 0) * t.H
	if level > 62 || t.N >= 1<<(62-t.H) {
		return false
	}
	last := t.N<<t.H + int64(t.W) // one past the tile's last hash at its level
	// last·2^level <= size, without the multiplication's overflow.
	return last <= size>>level
}

// dataTile returns the records of a data tile, each followed by an empty
// line (records end in a newline and contain no empty line, so the
// concatenation splits back unambiguously).
func dataTile(ctx context.Context, tx wharf.Tx, t xtlog.Tile) ([]byte, error) {
	recs, err := tx.LogRecords(ctx, t.N<<t.H, t.W)
	if err != nil {
		return nil, err
	}
	if len(recs) != t.W {
		return nil, wharf.Errorf(wharf.EINTERNAL, "log records missing in data tile %s", t.Path())
	}
	var out []byte
	for _, r := range recs {
		out = append(out, r.Data...)
		out = append(out, '\n')
	}
	return out, nil
}

// Cosign stores the cosignatures in msg, a checkpoint note signed by one
// or more of the configured witnesses. The note's text must be exactly a
// checkpoint this log signed. EFORBIDDEN when no configured witness signed
// it; EINVALID when it is not one of this log's checkpoints.
func (l *Log) Cosign(ctx context.Context, msg []byte) (int, error) {
	n, err := note.Open(msg, l.witnesses)
	if err != nil {
		return 0, wharf.Errorf(wharf.EFORBIDDEN, "The note is not signed by a known witness.")
	}
	c, err := tlog.ParseCheckpoint(n.Text)
	if err != nil {
		return 0, wharf.Errorf(wharf.EINVALID, "The note is not a checkpoint: %v", err)
	}
	err = l.store.Update(ctx, func(tx wharf.Tx) error {
		stored, err := tx.CheckpointBySize(ctx, c.Size)
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return wharf.Errorf(wharf.EINVALID, "This log signed no checkpoint of size %d.", c.Size)
		} else if err != nil {
			return err
		}
		mine, err := tlog.Open(stored.Note, l.VerifierKey())
		if err != nil {
			return err
		}
		if mine != c {
			return wharf.Errorf(wharf.EINVALID, "The cosigned checkpoint differs from this log's checkpoint of size %d.", c.Size)
		}
		for _, s := range n.Sigs {
			line := fmt.Sprintf("— %s %s\n", s.Name, s.Base64)
			if err := tx.AddCosignature(ctx, &wharf.LogCosignature{Size: c.Size, Witness: s.Name, Line: line}); err != nil {
				return err
			}
		}
		return nil
	})
	return len(n.Sigs), err
}
