package smtpmail

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wharf"
)

func TestOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox", "mail")
	var logs bytes.Buffer
	o, err := NewOutbox(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("outbox folder: %v, %v; want mode 0700", fi.Mode(), err)
	}
	msgs := []wharf.Message{
		{To: []string{"alice@example.com"}, Subject: "Reset your password", Text: "https://x/reset?t=SECRET-TOKEN"},
		{To: []string{"bob@example.com"}, Subject: "Verify", Text: "text", HTML: "<p>SECRET-TOKEN</p>"},
	}
	for _, m := range msgs {
		if err := o.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(msgs) {
		t.Fatalf("outbox holds %v, want %d files", entries, len(msgs))
	}
	for i, e := range entries {
		// Names sort by time, so the files are in sending order.
		if !strings.HasSuffix(e.Name(), ".eml") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("file name %q", e.Name())
		}
		fi, err := e.Info()
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("file %s mode %v, %v; want 0600", e.Name(), fi.Mode(), err)
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		p := readBack(t, data)
		if p.header.Get("To") != "<"+msgs[i].To[0]+">" || p.text != msgs[i].Text || p.html != msgs[i].HTML {
			t.Errorf("file %s holds %v / %q / %q", e.Name(), p.header, p.text, p.html)
		}
	}
	log := logs.String()
	if strings.Count(log, "\n") != len(msgs) || !strings.Contains(log, "alice@example.com") || !strings.Contains(log, "Reset your password") {
		t.Errorf("log %q, want one line per mail with recipient and subject", log)
	}
	if strings.Contains(log, "SECRET") {
		t.Errorf("log reveals the body: %q", log)
	}
}

func TestOutboxRefuses(t *testing.T) {
	dir := t.TempDir()
	o, err := NewOutbox(dir, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Send(context.Background(), wharf.Message{To: []string{"a@example.com\nBcc: b@example.com"}}); !wharf.IsCode(err, wharf.EINVALID) {
		t.Errorf("Send = %v, want EINVALID", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Send(ctx, wharf.Message{To: []string{"a@example.com"}, Text: "t"}); err == nil {
		t.Error("Send with a cancelled context succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("outbox holds %v after refusals", entries)
	}
}

func TestNewOutboxFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewOutbox(filepath.Join(file, "sub"), slog.Default()); err == nil {
		t.Fatal("NewOutbox under a file succeeded")
	}
}
