package translog

import (
	"fmt"
	"testing"
	"time"

	"wharf"
	"wharf/tlog"
)

// BenchmarkAppend measures what the log adds to an upload's transaction:
// "empty" is a write transaction that only journals (the baseline),
// "append" journals and appends a file record with its stored hashes.
func BenchmarkAppend(b *testing.B) {
	for _, mode := range []string{"empty", "append"} {
		b.Run(mode, func(b *testing.B) {
			e := newEnv(b)
			ctx := b.Context()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				err := e.store.Update(ctx, func(tx wharf.Tx) error {
					if err := tx.Journal(ctx, &wharf.JournalEntry{Project: "demo", Action: "bench"}); err != nil {
						return err
					}
					if mode == "empty" {
						return nil
					}
					_, err := Append(ctx, tx, tlog.Record{Kind: tlog.KindFile, Project: "demo", Version: "1.0",
						Filename: fmt.Sprintf("demo-%d.tar.gz", i), SHA256: hex64("s", i), Blake2b256: hex64("b", i), Size: 1, Time: time.Unix(1, 0)})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLookup measures a lookup with its inclusion proof in a log of
// 10,000 records.
func BenchmarkLookup(b *testing.B) {
	e := newEnv(b)
	e.upload(b, 10000)
	if _, err := e.log.Sign(b.Context()); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := e.log.Lookup(b.Context(), e.files[i%len(e.files)].Filename); err != nil {
			b.Fatal(err)
		}
	}
}
