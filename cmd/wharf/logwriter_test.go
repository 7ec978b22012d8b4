package main

import (
	"testing"
	"time"
	"wharf/internal/testutil"
)

func TestLogWriterFlushesPeriodicallyAndOnClose(t *testing.T) {
	var out testutil.SyncBuffer
	lw := newLogWriter(&out, 10*time.Millisecond)
	lw.Write([]byte("one\n"))
	deadline := time.Now().Add(2 * time.Second)
	for out.String() != "one\n" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := out.String(); got != "one\n" {
		t.Fatalf("after an interval the output is %q, want %q", got, "one\n")
	}
	slow := newLogWriter(&out, time.Hour)
	slow.Write([]byte("two\n"))
	slow.Close()
	lw.Close()
	if got := out.String(); got != "one\ntwo\n" {
		t.Fatalf("after Close the output is %q, want %q", got, "one\ntwo\n")
	}
}
