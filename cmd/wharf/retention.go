package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"wharf/audit"
)

// retentionInterval is how often serve hashes the addresses that have
// aged past the retention period: often enough that none stays readable
// much longer than configured, rarely enough to cost nothing.
const retentionInterval = time.Hour

// runRetention applies the retention of addresses at once and then every
// interval until ctx ends. A failure is logged and retried at the next
// tick; the history pages meanwhile show the address a little longer.
func runRetention(ctx context.Context, svc *audit.Service, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := svc.Retain(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("audit: hashing old addresses failed", "err", err)
		case n > 0:
			log.Info("audit: hashed the addresses of old events", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runAuditRetain runs "wharf audit retain": it hashes the addresses of
// the audit events older than audit.ip_retention now, for servers that
// want it at a set time (cron) as well as hourly, and for tests.
func runAuditRetain(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit retain", flag.ContinueOnError)
	a, _, err := setup(ctx, fs, args, stderr, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.audit.Retain(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wharf: hashed the addresses of %d audit events older than %s\n", n, a.cfg.Audit.IPRetention)
	return nil
}
