package audit_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/audit"
)

func TestRetain(t *testing.T) {
	e := newEnv(t)
	alice := e.actor("alice", "192.0.2.1")
	old := e.add(
		alice.Event("account:login:success", 0, 0, map[string]any{"method": "totp"}),
		alice.Event("project:release:add", e.demo.ID, 0, nil),
		e.actor("bob", "2001:db8::1").Event("account:login:success", 0, 0, nil),
		wharf.Actor{UserName: "wharf-cli", UserAgent: "wharf-cli", IP: "local"}.Event("project:create", e.other.ID, 0, nil),
		&wharf.Event{Tag: "account:create", UserID: e.users["carol"].ID},
	)
	e.clock.Advance(retention - time.Hour)
	recent := e.add(alice.Event("account:logout", 0, 0, nil))
	before := e.all()
	e.clock.Advance(2 * time.Hour)

	n, err := e.svc.Retain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The addressless event is left alone; the command line's marker is
	// counted (it is marked done) but kept readable.
	if n != 4 {
		t.Errorf("Retain hashed %d events, want 4", n)
	}
	after := e.all()
	wantIP := map[int64]string{
		old[0].ID:    audit.HashIP(e.key, "192.0.2.1"),
		old[1].ID:    audit.HashIP(e.key, "192.0.2.1"),
		old[2].ID:    audit.HashIP(e.key, "2001:db8::1"),
		old[3].ID:    "local",
		old[4].ID:    "",
		recent[0].ID: "192.0.2.1",
	}
	for i, ev := range after {
		if ev.IP != wantIP[ev.ID] {
			t.Errorf("event %d (%s): IP %q, want %q", ev.ID, ev.Tag, ev.IP, wantIP[ev.ID])
		}
		if strings.Contains(ev.IP, "192.0.2.1") && ev.IPHashed {
			t.Errorf("event %d: hashed IP still holds the address: %q", ev.ID, ev.IP)
		}
		// Nothing else about an event ever changes.
		b := before[i]
		b.IP, b.IPHashed = ev.IP, ev.IPHashed
		if b != ev {
			t.Errorf("event %d changed beyond its address:\n%+v\n%+v", ev.ID, before[i], ev)
		}
	}
	if after[0].IP != after[1].IP || after[0].IP == after[2].IP {
		t.Errorf("equal addresses must hash alike and different ones apart: %q %q %q", after[0].IP, after[1].IP, after[2].IP)
	}
	if !strings.HasPrefix(after[0].IP, audit.HashPrefix) || len(after[0].IP) != len(audit.HashPrefix)+64 {
		t.Errorf("hash %q is not %s and 64 hex digits", after[0].IP, audit.HashPrefix)
	}

	// Idempotent: nothing more to do until the recent event ages.
	if n, err := e.svc.Retain(t.Context()); err != nil || n != 0 {
		t.Errorf("second Retain = %d, %v; want 0, nil", n, err)
	}
	e.clock.Advance(retention)
	if n, err := e.svc.Retain(t.Context()); err != nil || n != 1 {
		t.Errorf("Retain after the last event aged = %d, %v; want 1, nil", n, err)
	}
	if got := e.all(); got[0].IP != after[0].IP || got[5].IP != after[0].IP {
		t.Errorf("hashes are not stable across runs: %q, %q, want %q", got[0].IP, got[5].IP, after[0].IP)
	}
}

func TestHashIPKeyed(t *testing.T) {
	a := audit.HashIP(bytes.Repeat([]byte("a"), 32), "192.0.2.1")
	b := audit.HashIP(bytes.Repeat([]byte("b"), 32), "192.0.2.1")
	if a == b {
		t.Error("different keys gave the same hash")
	}
	if a != audit.HashIP(bytes.Repeat([]byte("a"), 32), "192.0.2.1") {
		t.Error("the same key and address gave different hashes")
	}
}

func TestRetainNeedsKey(t *testing.T) {
	e := newEnv(t)
	for _, key := range [][]byte{nil, bytes.Repeat([]byte("k"), audit.MinKeyLength-1)} {
		svc := audit.New(e.store, audit.Options{IPKey: key})
		if _, err := svc.Retain(t.Context()); !wharf.IsCode(err, wharf.EINVALID) {
			t.Errorf("Retain with a %d-byte key: %v, want EINVALID", len(key), err)
		}
	}
}

func TestDefaultRetention(t *testing.T) {
	e := newEnv(t)
	for _, d := range []time.Duration{0, -time.Hour} {
		if got := audit.New(e.store, audit.Options{Retention: d}).Retention(); got != audit.DefaultRetention {
			t.Errorf("Retention %v gave %v, want %v", d, got, audit.DefaultRetention)
		}
	}
}
