package client

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// State remembers, in a folder, the newest checkpoint the user has seen of
// each log, so that the next run can check the log only grew since. The
// files are the signed notes themselves and are verified again on load.
type State struct {
	Dir string
}

// file is the state file of the client's log: its name and key hash, so
// that a new key for the same name starts afresh instead of failing.
func (s State) file(c *Client) string {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 0x20 {
			return '_'
		}
		return r
	}, c.Name())
	return filepath.Join(s.Dir, fmt.Sprintf("%s-%08x.checkpoint", name, c.verifier.KeyHash()))
}

// Load returns the checkpoint last saved for the client's log, or nil if
// there is none. A saved note that no longer verifies is an error: the
// state was tampered with.
func (s State) Load(c *Client) (*Checkpoint, error) {
	b, err := os.ReadFile(s.file(c))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	cp, err := c.open(b, nil)
	if err != nil {
		return nil, fmt.Errorf("saved checkpoint %s: %w", s.file(c), err)
	}
	return cp, nil
}

// Save records cp as the newest checkpoint seen, atomically.
func (s State) Save(c *Client, cp *Checkpoint) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, ".checkpoint-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(cp.Note); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.file(c))
}

// Advance checks that cp is consistent with the saved checkpoint (if any)
// and saves whichever of the two is newer. It returns the newer one.
func (s State) Advance(ctx context.Context, c *Client, cp *Checkpoint) (*Checkpoint, error) {
	old, err := s.Load(c)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if err := c.CheckConsistent(ctx, old.Checkpoint, cp.Checkpoint); err != nil {
			return nil, fmt.Errorf("checkpoint %d is inconsistent with checkpoint %d seen before: %w", cp.Size, old.Size, err)
		}
		if old.Size >= cp.Size {
			return old, nil
		}
	}
	return cp, s.Save(c, cp)
}
