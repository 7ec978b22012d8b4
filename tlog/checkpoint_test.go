package tlog

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func TestCheckpointText(t *testing.T) {
	c := Checkpoint{Origin: "wharf.example/log", Size: 2, Hash: sha256.Sum256([]byte("x"))}
	want := "wharf.example/log\n2\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=\n"
	if got := c.Text(); got != want {
		t.Fatalf("Text() = %q, want %q", got, want)
	}
	got, err := ParseCheckpoint(want)
	if err != nil || got != c {
		t.Fatalf("ParseCheckpoint = %+v, %v; want %+v", got, err, c)
	}
}

func TestParseCheckpointRejects(t *testing.T) {
	h := "LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE="
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"no final newline", "o\n2\n" + h},
		{"extension line", "o\n2\n" + h + "\nextra\n"},
		{"two lines", "o\n2\n"},
		{"empty origin", "\n2\n" + h + "\n"},
		{"control in origin", "o\x01\n2\n" + h + "\n"},
		{"invalid utf8 origin", "o\xff\n2\n" + h + "\n"},
		{"negative size", "o\n-2\n" + h + "\n"},
		{"size plus", "o\n+2\n" + h + "\n"},
		{"size leading zero", "o\n02\n" + h + "\n"},
		{"size not a number", "o\ntwo\n" + h + "\n"},
		{"short hash", "o\n2\nAAAA\n"},
		{"hash not base64", "o\n2\n" + strings.Repeat("!", 44) + "\n"},
		{"hash without padding", "o\n2\n" + strings.TrimSuffix(h, "=") + "\n"},
		{"hash with nonzero padding bits", "o\n2\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIF=\n"},
		{"go sumdb tree header", "go.sum database tree\n2\n" + h + "\n" + "x\n"},
		{"too long", strings.Repeat("o", maxCheckpointSize) + "\n2\n" + h + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCheckpoint(tt.in)
			if err == nil {
				t.Fatalf("ParseCheckpoint(%q) = %+v, want error", tt.in, c)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
		})
	}
}

func TestSignOpen(t *testing.T) {
	skey, vkey, err := GenerateKey("wharf.example")
	if err != nil {
		t.Fatal(err)
	}
	otherSkey, otherVkey, err := GenerateKey("wharf.example")
	if err != nil {
		t.Fatal(err)
	}
	m := buildLog(t, testRecords(9))
	c := Checkpoint{Origin: "wharf.example", Size: 9, Hash: mustRoot(t, m, 9)}
	msg, err := Sign(c, skey)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if !bytes.HasPrefix(msg, []byte(c.Text()+"\n— wharf.example ")) {
		t.Fatalf("signed note has unexpected form:\n%s", msg)
	}
	otherMsg, err := Sign(c, otherSkey)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(msg, []byte("\n9\n"), []byte("\n8\n"), 1)

	tests := []struct {
		name    string
		msg     []byte
		vkey    string
		wantErr error
	}{
		{"round trip", msg, vkey, nil},
		{"signed by another key", otherMsg, vkey, ErrUnverified},
		{"verified with another key", msg, otherVkey, ErrUnverified},
		{"text changed after signing", forged, vkey, ErrUnverified},
		{"unsigned", []byte(c.Text()), vkey, ErrInvalid},
		{"bad verifier key", msg, "not a key", ErrInvalid},
		{"signer key as verifier key", msg, skey, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Open(tt.msg, tt.vkey)
			if tt.wantErr == nil {
				if err != nil || got != c {
					t.Fatalf("Open = %+v, %v; want %+v", got, err, c)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open = %+v, %v; want error matching %v", got, err, tt.wantErr)
			}
		})
	}
}

func TestOpenExtraSignature(t *testing.T) {
	skey, vkey, _ := GenerateKey("a.example")
	skey2, _, _ := GenerateKey("b.example")
	c := Checkpoint{Origin: "o", Size: 0, Hash: rootOf(nil)}
	msg, err := Sign(c, skey2)
	if err != nil {
		t.Fatal(err)
	}
	// Co-sign: append a second signature line from skey.
	both, err := Sign(c, skey)
	if err != nil {
		t.Fatal(err)
	}
	msg = append(msg, both[len(c.Text())+1:]...)
	if got, err := Open(msg, vkey); err != nil || got != c {
		t.Fatalf("Open of a co-signed note = %+v, %v", got, err)
	}
}

func TestSignRejects(t *testing.T) {
	skey, _, err := GenerateKey("k")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		c    Checkpoint
		skey string
	}{
		{"newline in origin", Checkpoint{Origin: "a\nb", Size: 1}, skey},
		{"empty origin", Checkpoint{Size: 1}, skey},
		{"negative size", Checkpoint{Origin: "o", Size: -1}, skey},
		{"bad signer key", Checkpoint{Origin: "o", Size: 1}, "PRIVATE+KEY+nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Sign(tt.c, tt.skey); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Sign = %v, want ErrInvalid", err)
			}
		})
	}
	if _, _, err := GenerateKey("bad name"); !errors.Is(err, ErrInvalid) {
		t.Errorf("GenerateKey with a space in the name = %v, want ErrInvalid", err)
	}
}

func TestCheckCheckpoints(t *testing.T) {
	records := testRecords(30)
	m := buildLog(t, records)
	cp := func(n int64) Checkpoint {
		return Checkpoint{Origin: "o", Size: n, Hash: mustRoot(t, m, n)}
	}
	prove := func(newSize, oldSize int64) tlog.TreeProof {
		p, err := ProveTree(newSize, oldSize, m)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// A fork: the same first 19 records, then a different record 19.
	forkRecords := append(testRecords(19), testRecord(77))
	forkRecords = append(forkRecords, records[20:]...)
	fork := buildLog(t, forkRecords)
	forkCP := func(n int64) Checkpoint {
		return Checkpoint{Origin: "o", Size: n, Hash: mustRoot(t, fork, n)}
	}
	forkProof, err := ProveTree(30, 10, fork)
	if err != nil {
		t.Fatal(err)
	}
	// The fork agrees with the honest log up to size 19 and proves it.
	shared, err := ProveTree(30, 19, fork)
	if err != nil {
		t.Fatal(err)
	}

	other := cp(20)
	other.Origin = "p"
	tests := []struct {
		name         string
		older, newer Checkpoint
		p            tlog.TreeProof
		wantErr      error
	}{
		{"same checkpoint", cp(20), cp(20), nil, nil},
		{"growth", cp(10), cp(30), prove(30, 10), nil},
		{"growth from empty", cp(0), cp(30), prove(30, 0), nil},
		{"fork below shared prefix is fine", cp(19), forkCP(30), shared, nil},
		{"same size, different roots", cp(20), forkCP(20), nil, ErrInconsistent},
		{"fork after older checkpoint", cp(20), forkCP(30), prove(30, 20), ErrInconsistent},
		{"fork only after the older size", cp(10), forkCP(30), forkProof, nil},
		{"honest proof against forked root", cp(20), forkCP(30), prove(30, 20), ErrInconsistent},
		{"proof for another size", cp(10), cp(30), prove(30, 11), ErrInconsistent},
		{"log shrank", cp(30), cp(10), nil, ErrInconsistent},
		{"different logs", cp(20), other, nil, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCheckpoints(tt.older, tt.newer, tt.p)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckCheckpoints: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckCheckpoints = %v, want error matching %v", err, tt.wantErr)
			}
		})
	}
}
