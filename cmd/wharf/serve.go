package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"time"

	"wharf/web"
)

// serveConfig reads serve's configuration: the file, the environment, then
// the flags (serve's own --addr and --base-url too), validated.
func serveConfig(args []string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := commonFlags(fs)
	addr := fs.String("addr", "", "listen address (default 127.0.0.1:8080, or WHARF_ADDR)")
	baseURL := fs.String("base-url", "", "public URL of the index (or WHARF_BASE_URL)")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 0 {
		return Config{}, errUsage
	}
	cfg, err := load()
	if err != nil {
		return Config{}, err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	if *baseURL != "" {
		cfg.BaseURL = *baseURL
	}
	return cfg, cfg.Validate()
}

// runServe runs the HTTP server until SIGINT/SIGTERM, then drains
// in-flight requests (uploads included) for up to a minute.
func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg, err := serveConfig(args, stderr)
	if err != nil {
		return err
	}
	logOut := newLogWriter(stderr, 100*time.Millisecond)
	defer logOut.Close()
	log := newLogger(logOut, cfg.LogLevel)
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	srv, err := web.New(a.store, a.blobs, a.publish, log, web.Options{BaseURL: cfg.BaseURL, CacheProjects: cfg.Cache.Projects,
		TransparencyLog: a.tlog, Images: imageOptions(cfg, a.imageKey), SecretScanners: scannerKeys(cfg), Accounts: a.accounts,
		Manage: a.manage, Collaboration: a.collab, Audit: a.audit})
	if err != nil {
		return err
	}
	a.onChange = srv.Invalidate
	follow, stopFollow := context.WithCancel(context.Background())
	defer stopFollow()
	go srv.FollowJournal(follow)
	go a.tlog.Run(follow)
	go runRetention(follow, a.audit, log, retentionInterval)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           web.Logged(srv, log),
		ReadHeaderTimeout: 10 * time.Second, // slow headers (slowloris) are cut off
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// Bodies and replies get per-handler deadlines: uploads and file
		// downloads may legitimately take long.
	}
	if cfg.Images.Proxy && cfg.Images.AllowPrivate {
		log.Warn("image proxy: images.allow_private lets README images reach private and loopback addresses")
	}
	log.Info("wharf serving", "addr", ln.Addr().String(), "data", cfg.Data, "base_url", cfg.BaseURL,
		"log_key", a.tlog.VerifierKey())
	io.WriteString(stdout, "wharf: serving on http://"+ln.Addr().String()+"/\n")
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("wharf shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// imageOptions configures the README image proxy: off (proxy = false)
// leaves its key empty, which web takes as off.
func imageOptions(cfg Config, key []byte) web.ImageProxyOptions {
	if !cfg.Images.Proxy {
		return web.ImageProxyOptions{}
	}
	return web.ImageProxyOptions{Key: key, MaxSize: cfg.Images.maxSize, Timeout: cfg.Images.timeout,
		AllowPrivate: cfg.Images.AllowPrivate}
}

// scannerKeys passes the secret scanners' keys to web, which parses them
// and refuses to start on a bad one.
func scannerKeys(cfg Config) []web.ScannerKey {
	var keys []web.ScannerKey
	for _, k := range cfg.SecretScanning.Keys {
		keys = append(keys, web.ScannerKey{ID: k.ID, PEM: k.Key})
	}
	return keys
}
