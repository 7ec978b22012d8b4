package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"wharf"
	"wharf/accounts"
	"wharf/audit"
	"wharf/auth/secretbox"
	"wharf/auth/token"
	"wharf/collab"
	"wharf/diskblob"
	"wharf/manage"
	"wharf/publish"
	"wharf/sqlite"
	"wharf/translog"
	"wharf/web"
)

// app is everything a command needs, wired from the configuration. This is
// the only place that chooses adapters.
type app struct {
	cfg      Config
	log      *slog.Logger
	store    wharf.Store
	blobs    wharf.BlobStore
	tokens   *token.Service
	publish  *publish.Service
	manage   *manage.Service
	accounts *accounts.Service
	collab   *collab.Service
	audit    *audit.Service
	mailer   wharf.Mailer
	tlog     *translog.Log
	imageKey []byte // signs the image proxy's URLs
	onChange func(string)
	changed  atomic.Bool // something changed; Close signs a checkpoint
}

// openApp creates the data folder on first use (private: 0700, secrets
// 0600) and opens the database and blob store in it.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("creating data folder: %w", err)
	}
	if err := os.Chmod(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("securing data folder: %w", err)
	}
	spool := filepath.Join(cfg.Data, "tmp")
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return nil, fmt.Errorf("creating spool folder: %w", err)
	}
	secret, err := loadSecret(filepath.Join(cfg.Data, "secret"))
	if err != nil {
		return nil, err
	}
	tokens, err := token.NewService(secret)
	if err != nil {
		return nil, err
	}
	dbPath := filepath.Join(cfg.Data, "wharf.db")
	// The database holds password hashes and emails: create it 0600 before
	// SQLite does (0644), and SQLite gives its -wal and -shm files the
	// same mode.
	if f, err := os.OpenFile(dbPath, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("creating database: %w", err)
	} else if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Chmod(dbPath, 0o600); err != nil {
		return nil, fmt.Errorf("securing database: %w", err)
	}
	store, err := sqlite.Open(ctx, sqlite.Options{Path: dbPath})
	if err != nil {
		return nil, err
	}
	blobs, err := diskblob.Open(diskblob.Options{Dir: filepath.Join(cfg.Data, "blobs")})
	if err != nil {
		store.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, store: store, blobs: blobs, tokens: tokens,
		imageKey: secretbox.Derive(secret, web.ImageProxyPurpose, 32)}
	if err := a.openLog(ctx); err != nil {
		store.Close()
		return nil, err
	}
	pcfg := publish.DefaultConfig()
	pcfg.MaxFileSize = cfg.maxFileSize
	pcfg.MaxProjectSize = cfg.maxProjectSize
	pcfg.NewFileWindow = time.Duration(cfg.Upload.NewFileDays) * 24 * time.Hour
	pcfg.PyPIPlatformTags = cfg.Upload.PyPIPlatformTags
	pcfg.ProhibitedNames = cfg.Upload.ProhibitedNames
	pcfg.NewProjectsPerHour = cfg.Upload.NewProjectsPerHour
	pcfg.SpoolDir = spool
	pcfg.Require2FA = cfg.Accounts.Require2FA
	publish.CleanSpool(spool, time.Now())
	notify := func(p string) {
		a.changed.Store(true)
		a.tlog.Notify()
		if a.onChange != nil {
			a.onChange(p)
		}
	}
	a.manage = manage.New(store, blobs, notify)
	a.accounts = accounts.New(store, tokens, location(cfg))
	if err := enableWebAccounts(a, secret); err != nil {
		store.Close()
		return nil, err
	}
	// Publish mails collaborators about new releases through the accounts'
	// mailer.
	pcfg.Mailer, pcfg.Location = a.mailer, location(cfg)
	a.publish = publish.New(store, blobs, tokens, pcfg, log, notify)
	a.collab = collab.New(store, collab.Options{Mailer: a.mailer, Location: location(cfg), Log: log, OnChange: notify})
	a.audit = audit.New(store, audit.Options{IPKey: secretbox.Derive(secret, audit.IPKeyPurpose, 32), Retention: cfg.Audit.ipRetention})
	return a, nil
}

// openLog opens the transparency log and gives files uploaded before it
// existed their records (only an upgraded database, whose log is still
// empty, can have such files).
func (a *app) openLog(ctx context.Context) error {
	l, err := openLog(a)
	if err != nil {
		return err
	}
	a.tlog = l
	var size int64
	if err := a.store.View(ctx, func(tx wharf.Tx) error {
		size, err = tx.LogSize(ctx)
		return err
	}); err != nil {
		return err
	}
	if size > 0 {
		return nil
	}
	n, err := translog.Backfill(ctx, a.store)
	if n > 0 {
		a.log.Info("transparency log: recorded files uploaded before the log existed", "files", n)
		a.changed.Store(true)
	}
	return err
}

// Close signs a checkpoint covering this process's changes, so that a
// command's yank, deletion or import is vouched for even when no server
// runs, and closes the database.
func (a *app) Close() error {
	if a.changed.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := a.tlog.Sign(ctx); err != nil {
			a.log.Error("transparency log: signing a checkpoint failed", "err", err)
		}
	}
	return a.store.Close()
}

// loadSecret reads the server secret, creating it (32 random bytes, mode
// 0600) on first start. Token root keys are derived from it, so losing it
// voids every token.
func loadSecret(path string) ([]byte, error) {
	b, err := loadOrCreatePrivate(path, func() ([]byte, error) {
		b := make([]byte, 32)
		_, err := rand.Read(b)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("server secret: %w", err)
	}
	if len(b) < token.MinSecretLength {
		return nil, fmt.Errorf("%s is too short to be a server secret", path)
	}
	return b, nil
}

// loadOrCreatePrivate reads the file at path, or creates it (mode 0600)
// with the bytes make returns. It writes a temporary file and hard-links it
// into place: the link fails if another process created the file first
// (then that file is read), and a reader never sees a partly written one.
func loadOrCreatePrivate(path string, make func() ([]byte, error)) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if b, err = make(); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".private-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path)
	} else if err != nil {
		return nil, err
	}
	return b, nil
}

// cliActor is the actor for commands run on the server's machine.
func cliActor() wharf.Actor {
	return wharf.Actor{UserName: "wharf-cli", UserAgent: "wharf-cli", IP: "local"}
}
