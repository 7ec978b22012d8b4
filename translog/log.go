package translog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf"
	"wharf/tlog"
)

// Log is the server's side of the transparency log: it signs checkpoints
// with the log's key and serves checkpoints, tiles and lookups. It is safe
// for concurrent use; signings are serialised.
type Log struct {
	store     wharf.Store
	skey      string
	verifier  note.Verifier
	witnesses note.Verifiers
	log       *slog.Logger

	mu     sync.Mutex // serialises Sign
	notify chan struct{}
}

// Options configure a Log.
type Options struct {
	// SignerKey is the log's private key in the note format
	// ("PRIVATE+KEY+name+hash+key"); its name is the log's origin.
	SignerKey string
	// Witnesses are the verifier keys of witnesses whose cosignatures the
	// log accepts and serves.
	Witnesses []string
	Log       *slog.Logger
}

// New returns a Log over store. Bad keys are an error.
func New(store wharf.Store, opts Options) (*Log, error) {
	s, err := note.NewSigner(opts.SignerKey)
	if err != nil {
		return nil, fmt.Errorf("transparency log signer key: %w", err)
	}
	l := &Log{store: store, skey: opts.SignerKey, log: opts.Log, notify: make(chan struct{}, 1)}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	l.verifier, err = note.NewVerifier(VerifierKeyOf(opts.SignerKey))
	if err != nil {
		return nil, fmt.Errorf("transparency log signer key: %w", err)
	}
	if l.verifier.Name() != s.Name() {
		return nil, errors.New("transparency log signer key: name mismatch")
	}
	var ws []note.Verifier
	for _, k := range opts.Witnesses {
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("witness key %q: %w", k, err)
		}
		if v.Name() == s.Name() {
			return nil, fmt.Errorf("witness key %q has the log's own name", k)
		}
		ws = append(ws, v)
	}
	l.witnesses = note.VerifierList(ws...)
	return l, nil
}

// Origin is the log's name: the first line of its checkpoints and the name
// of its key.
func (l *Log) Origin() string { return l.verifier.Name() }

// VerifierKey returns the public key clients verify checkpoints with.
func (l *Log) VerifierKey() string { return VerifierKeyOf(l.skey) }

// Notify asks Run to sign a checkpoint soon; it never blocks.
func (l *Log) Notify() {
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

// Run signs checkpoints until ctx ends: after each Notify, and once a
// second so that changes made by other processes (CLI commands, other
// nodes) are covered too. At most one signing runs per wake-up, so a
// burst of uploads costs one signature.
func (l *Log) Run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if _, err := l.Sign(ctx); err != nil && ctx.Err() == nil {
			l.log.Error("transparency log: signing failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-l.notify:
		case <-tick.C:
		}
	}
}

// Sign signs a checkpoint of the whole log if the latest checkpoint does
// not cover it, and returns the latest checkpoint. Before signing it checks
// that the new tree contains the tree of the previous checkpoint; if not,
// the stored log was changed behind wharf's back and Sign refuses with an
// error matching tlog.ErrInconsistent.
func (l *Log) Sign(ctx context.Context) (*wharf.LogCheckpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var latest *wharf.LogCheckpoint
	var next tlog.Checkpoint
	err := l.store.View(ctx, func(tx wharf.Tx) error {
		size, err := tx.LogSize(ctx)
		if err != nil {
			return err
		}
		latest, err = tx.LatestCheckpoint(ctx)
		if err != nil && !wharf.IsCode(err, wharf.ENOTFOUND) {
			return err
		}
		if latest != nil && latest.Size >= size {
			return nil
		}
		hr := hashReader(ctx, tx)
		root, err := xtlog.TreeHash(size, hr)
		if err != nil {
			return err
		}
		next = tlog.Checkpoint{Origin: l.Origin(), Size: size, Hash: root}
		if latest == nil {
			return nil
		}
		return l.checkExtends(latest, next, hr)
	})
	if err != nil || next.Origin == "" {
		return latest, err
	}
	msg, err := tlog.Sign(next, l.skey)
	if err != nil {
		return nil, err
	}
	c := &wharf.LogCheckpoint{Size: next.Size, Note: msg}
	if err := l.store.Update(ctx, func(tx wharf.Tx) error { return tx.AddCheckpoint(ctx, c) }); err != nil {
		return nil, err
	}
	return c, nil
}

// checkExtends proves that next contains the tree of the signed
// checkpoint old.
func (l *Log) checkExtends(old *wharf.LogCheckpoint, next tlog.Checkpoint, hr xtlog.HashReader) error {
	prev, err := tlog.Open(old.Note, l.VerifierKey())
	if err != nil {
		return fmt.Errorf("latest stored checkpoint: %w", err)
	}
	p, err := tlog.ProveTree(next.Size, prev.Size, hr)
	if err == nil {
		err = tlog.CheckCheckpoints(prev, next, p)
	}
	if err != nil {
		return fmt.Errorf("%w: refusing to sign checkpoint %d: the stored log does not extend checkpoint %d: %v",
			tlog.ErrInconsistent, next.Size, prev.Size, err)
	}
	return nil
}

// Checkpoint returns the latest signed checkpoint note, with the
// cosignature lines of witnesses appended to its signatures. It signs the
// first checkpoint if there is none.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	c, err := l.latest(ctx)
	if err != nil {
		return nil, err
	}
	var cosigs []wharf.LogCosignature
	err = l.store.View(ctx, func(tx wharf.Tx) error {
		cosigs, err = tx.Cosignatures(ctx, c.Size)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(c.Note)
	for _, s := range cosigs {
		out = append(out, s.Line...)
	}
	return out, nil
}

// latest returns the latest checkpoint, signing one if none exists.
func (l *Log) latest(ctx context.Context) (*wharf.LogCheckpoint, error) {
	var c *wharf.LogCheckpoint
	err := l.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		c, err = tx.LatestCheckpoint(ctx)
		return err
	})
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return l.Sign(ctx)
	}
	return c, err
}

// VerifierKeyOf returns the verifier key of a note signer key
// ("PRIVATE+KEY+name+hash+key" → "name+hash+pubkey"), or "" if skey is
// malformed.
func VerifierKeyOf(skey string) string {
	vkey, err := verifierOf(skey)
	if err != nil {
		return ""
	}
	return vkey
}
