package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/audit"
	"wharf/auth/secretbox"
	"wharf/sqlite"
)

func TestAuditRetentionConfig(t *testing.T) {
	tests := []struct {
		name    string
		setting string // the [audit] line, "" for none
		want    time.Duration
		wantErr bool
	}{
		{"default", "", 90 * 24 * time.Hour, false},
		{"days", `ip_retention = "30d"`, 30 * 24 * time.Hour, false},
		{"go duration", `ip_retention = "36h"`, 36 * time.Hour, false},
		{"zero", `ip_retention = "0"`, 0, true},
		{"zero days", `ip_retention = "0d"`, 0, true},
		{"negative", `ip_retention = "-1h"`, 0, true},
		{"never is no option", `ip_retention = "never"`, 0, true},
		{"too long", `ip_retention = "999999999d"`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			file := writeFile(t, filepath.Join(t.TempDir(), "wharf.toml"), "[audit]\n"+tt.setting+"\n")
			cfg, err := serveConfig([]string{"--config", file}, io.Discard)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "audit.ip_retention") {
					t.Errorf("error %v, want one naming audit.ip_retention", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Audit.ipRetention != tt.want {
				t.Errorf("retention %v, want %v", cfg.Audit.ipRetention, tt.want)
			}
		})
	}
}

// recordLogin adds a login event from ip to the data folder's database.
func recordLogin(t *testing.T, data, ip string) {
	t.Helper()
	store, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(data, "wharf.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	err = store.Update(t.Context(), func(tx wharf.Tx) error {
		return tx.AddEvent(t.Context(), wharf.Actor{IP: ip, UserAgent: "test"}.Event("account:login:failure", 0, 0, nil))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// eventIPs returns the stored addresses of every event, oldest first.
func eventIPs(t *testing.T, data string) []string {
	t.Helper()
	store, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(data, "wharf.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var ips []string
	err = store.View(t.Context(), func(tx wharf.Tx) error {
		evs, err := tx.Events(t.Context(), wharf.EventFilter{Limit: 100})
		for _, e := range evs {
			ips = append(ips, e.IP)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ips
}

// TestAuditRetainCommand runs "wharf audit retain" with a retention short
// enough to pass in the test: old addresses become the keyed hash of the
// server secret's audit key, once.
func TestAuditRetainCommand(t *testing.T) {
	c := newCLI(t)
	config := writeFile(t, filepath.Join(t.TempDir(), "wharf.toml"), "[audit]\nip_retention = \"50ms\"\n")
	c.must("user", "create", "alice", "--email", "alice@example.org") // creates the data folder
	recordLogin(t, c.data, "192.0.2.1")
	time.Sleep(100 * time.Millisecond)

	// The command runs through the command table, as a user types it.
	retain := func(args ...string) string {
		t.Helper()
		return c.must(append([]string{"audit", "retain"}, args...)...)
	}
	out := retain("--config", config)
	if !strings.Contains(out, "hashed the addresses of 2 audit events older than 50ms") {
		t.Errorf("output %q", out)
	}
	secret, err := os.ReadFile(filepath.Join(c.data, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"local", audit.HashIP(secretbox.Derive(secret, audit.IPKeyPurpose, 32), "192.0.2.1")}
	if got := eventIPs(t, c.data); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("addresses %q, want %q", got, want)
	}
	if out := retain("--config", config); !strings.Contains(out, " 0 audit events") {
		t.Errorf("second run: %q", out)
	}
	// With the default retention nothing is old enough.
	recordLogin(t, c.data, "192.0.2.2")
	if out := retain(); !strings.Contains(out, " 0 audit events older than 90d") {
		t.Errorf("default retention: %q", out)
	}
	if err := runAuditRetain(t.Context(), []string{"extra"}, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("audit retain with an argument: %v, want the usage", err)
	}
}

// TestRunRetention checks serve's loop: it hashes at once, again after
// each interval, and stops with its context.
func TestRunRetention(t *testing.T) {
	store, err := sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "wharf.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	add := func(ip string) {
		err := store.Update(t.Context(), func(tx wharf.Tx) error {
			return tx.AddEvent(t.Context(), wharf.Actor{IP: ip}.Event("account:login:failure", 0, 0, nil))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	hashed := func() int {
		n := 0
		err := store.View(t.Context(), func(tx wharf.Tx) error {
			evs, err := tx.Events(t.Context(), wharf.EventFilter{Limit: 100})
			for _, e := range evs {
				if e.IPHashed {
					n++
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	add("192.0.2.1")
	time.Sleep(20 * time.Millisecond)
	svc := audit.New(store, audit.Options{IPKey: bytes.Repeat([]byte("k"), 32), Retention: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		runRetention(ctx, svc, slog.New(slog.DiscardHandler), 20*time.Millisecond)
		close(done)
	}()
	add("192.0.2.2")
	for deadline := time.Now().Add(10 * time.Second); hashed() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d events hashed after 10s, want 2", hashed())
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("runRetention did not stop with its context")
	}
}
