package translog

import (
	"strings"
	"testing"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf/tlog"
)

func TestAuditCatchesTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, e *env)
		want   string // a phrase of the expected problem
	}{
		{"nothing", func(*testing.T, *env) {}, ""},
		{"record rewritten", func(t *testing.T, e *env) {
			rec := FileRecord("demo", e.files[2])
			rec.Size++
			e.exec(t, `UPDATE log_records SET data = ? WHERE idx = 2`, rec.Encode())
		}, "leaf hash differs"},
		{"record removed", func(t *testing.T, e *env) {
			e.exec(t, `DELETE FROM log_records WHERE idx = 3`)
		}, "log record 3 is missing"},
		{"last record removed", func(t *testing.T, e *env) {
			e.exec(t, `DELETE FROM log_records WHERE idx = 5`)
		}, "covers more records than the log holds"},
		{"record not canonical", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE log_records SET data = ? WHERE idx = 1`, []byte("kind file\n"))
		}, "log record 1 does not parse"},
		{"stored hash changed", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE log_hashes SET hash = ? WHERE id = ?`, make([]byte, 32), xtlog.StoredHashIndex(1, 0))
		}, "stored hash"},
		{"file hash changed in the database", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE files SET sha256 = ? WHERE filename = ?`, hex64("evil", 0), e.files[4].Filename)
		}, "sha256 is"},
		{"file size changed in the database", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE files SET size = 1 WHERE filename = ?`, e.files[1].Filename)
		}, "size is"},
		{"file without a record", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE files SET log_index = -1 WHERE filename = ?`, e.files[0].Filename)
		}, "has no log record"},
		{"file removed without a deletion record", func(t *testing.T, e *env) {
			e.exec(t, `DELETE FROM files WHERE filename = ?`, e.files[3].Filename)
		}, "gone without a deletion record"},
		{"checkpoint signed by another key", func(t *testing.T, e *env) {
			other, _, _ := tlog.GenerateKey("example.test/wharf")
			c := openCheckpoint(t, e.sign(t).Note, e.log.VerifierKey())
			msg, err := tlog.Sign(c, other)
			if err != nil {
				t.Fatal(err)
			}
			e.exec(t, `UPDATE log_checkpoints SET note = ? WHERE size = ?`, msg, c.Size)
		}, "does not verify with the log's key"},
		{"checkpoint with another root", func(t *testing.T, e *env) {
			c := openCheckpoint(t, e.sign(t).Note, e.log.VerifierKey())
			c.Hash[0] ^= 1
			msg, err := tlog.Sign(c, e.skey)
			if err != nil {
				t.Fatal(err)
			}
			e.exec(t, `UPDATE log_checkpoints SET note = ? WHERE size = ?`, msg, c.Size)
		}, "do not match checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.upload(t, 6)
			e.sign(t)
			tt.tamper(t, e)
			problems := e.audit(t)
			if tt.want == "" {
				if len(problems) != 0 {
					t.Fatalf("audit of a sound log: %q", problems)
				}
				return
			}
			if !strings.Contains(strings.Join(problems, "\n"), tt.want) {
				t.Errorf("audit problems %q do not mention %q", problems, tt.want)
			}
		})
	}
}

func TestBackfill(t *testing.T) {
	e := newEnv(t)
	e.upload(t, 3)
	// Files from before the log: no records, no index.
	e.exec(t, `DELETE FROM log_records`)
	e.exec(t, `DELETE FROM log_hashes`)
	e.exec(t, `UPDATE files SET log_index = -1`)
	n, err := Backfill(t.Context(), e.store)
	if err != nil || n != 3 {
		t.Fatalf("Backfill = %d, %v; want 3", n, err)
	}
	if n, err := Backfill(t.Context(), e.store); err != nil || n != 0 {
		t.Fatalf("second Backfill = %d, %v; want 0", n, err)
	}
	e.sign(t)
	if p := e.audit(t); len(p) != 0 {
		t.Errorf("audit after backfill: %q", p)
	}
}
