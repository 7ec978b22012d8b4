package tlog

import (
	"bytes"
	"testing"
	"time"
)

func FuzzParseRecord(f *testing.F) {
	for i := range 12 {
		f.Add(testRecord(i).Encode())
	}
	when := time.Date(2025, 1, 1, 0, 0, 0, 5, time.UTC)
	f.Add(Record{Kind: KindDelete, Project: "a\n%b\xff", Time: when}.Encode())
	f.Add([]byte("kind file\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRecord(b)
		if err != nil {
			return
		}
		if enc := r.Encode(); !bytes.Equal(enc, b) {
			t.Fatalf("ParseRecord(%q) = %+v, which encodes as %q", b, r, enc)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("parsed record does not validate: %v", err)
		}
		r2, err := ParseRecord(r.Encode())
		if err != nil || !recordsEqual(r, r2) {
			t.Fatalf("second parse = %+v, %v; want %+v", r2, err, r)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add("wharf.example/log\n2\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=\n")
	f.Add("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
	f.Add("o\n-1\nAAAA\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCheckpoint(text)
		if err != nil {
			return
		}
		if c.Text() != text {
			t.Fatalf("ParseCheckpoint(%q) = %+v, whose text is %q", text, c, c.Text())
		}
		if c2, err := ParseCheckpoint(c.Text()); err != nil || c2 != c {
			t.Fatalf("second parse = %+v, %v; want %+v", c2, err, c)
		}
	})
}
