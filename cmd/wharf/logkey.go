package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"wharf/tlog"
	"wharf/translog"
)

// openLog loads the transparency log's signer key — from log.key_file, or
// from <data>/log.key, made at first start — and returns the log. The key
// is kept apart from the server secret: it must outlive a rotation of the
// other keys, since clients pin its verifier key.
func openLog(a *app) (*translog.Log, error) {
	path := a.cfg.Log.KeyFile
	var b []byte
	var err error
	if path != "" {
		b, err = os.ReadFile(path)
	} else {
		path = filepath.Join(a.cfg.Data, "log.key")
		b, err = loadOrCreatePrivate(path, func() ([]byte, error) {
			skey, _, err := tlog.GenerateKey(logName(a.cfg))
			return []byte(skey + "\n"), err
		})
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("transparency log key %s does not exist", path)
	} else if err != nil {
		return nil, fmt.Errorf("transparency log key: %w", err)
	}
	l, err := translog.New(a.store, translog.Options{
		SignerKey: strings.TrimSpace(string(b)), Witnesses: a.cfg.Log.Witnesses, Log: a.log,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// logName is the name a new log key gets: log.name, else the base URL's
// host and path (what clients know the index by), else the machine's name.
func logName(c Config) string {
	if c.Log.Name != "" {
		return c.Log.Name
	}
	if u, err := url.Parse(c.BaseURL); err == nil && u.Host != "" {
		return strings.TrimSuffix(u.Host+u.Path, "/")
	}
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, "+ ") {
		return h
	}
	return "wharf"
}
