package client

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf/tlog"
)

// fakeLog is a log served over HTTP in the server's layout, whose replies
// a test may spoil to play a hostile index.
type fakeLog struct {
	t       *testing.T
	mem     *tlog.MemoryHashes
	records []tlog.Record
	skey    string
	vkey    string
	spoil   func(path string, body []byte) []byte
}

func newFakeLog(t *testing.T, n int) (*fakeLog, *Client) {
	skey, vkey, err := tlog.GenerateKey("fake.test")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeLog{t: t, mem: new(tlog.MemoryHashes), skey: skey, vkey: vkey}
	f.add(n)
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	c, err := New(ts.URL, vkey, ts.Client())
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// add appends n file records.
func (f *fakeLog) add(n int) {
	for range n {
		i := len(f.records)
		r := tlog.Record{Kind: tlog.KindFile, Project: "demo", Version: fmt.Sprintf("1.%d", i),
			Filename: fmt.Sprintf("demo-1.%d.tar.gz", i), SHA256: fmt.Sprintf("%064x", i+1), Blake2b256: fmt.Sprintf("%064x", i+2),
			Size: int64(i), Time: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)}
		if _, err := f.mem.Append(r); err != nil {
			f.t.Fatal(err)
		}
		f.records = append(f.records, r)
	}
}

func (f *fakeLog) checkpoint() tlog.Checkpoint {
	root, err := f.mem.Root()
	if err != nil {
		f.t.Fatal(err)
	}
	return tlog.Checkpoint{Origin: "fake.test", Size: f.mem.Len(), Hash: root}
}

func (f *fakeLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := f.reply(r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if f.spoil != nil {
		body = f.spoil(r.URL.Path, body)
	}
	w.Write(body)
}

func (f *fakeLog) reply(path string) ([]byte, error) {
	cp := f.checkpoint()
	note, err := tlog.Sign(cp, f.skey)
	if err != nil {
		return nil, err
	}
	switch {
	case path == "/log/checkpoint":
		return note, nil
	case strings.HasPrefix(path, "/log/tile/"):
		t, err := xtlog.ParseTilePath(strings.TrimPrefix(path, "/log/"))
		if err != nil {
			return nil, err
		}
		return xtlog.ReadTileData(t, f.mem)
	case strings.HasPrefix(path, "/log/lookup/"):
		name := strings.TrimPrefix(path, "/log/lookup/")
		for i, r := range f.records {
			if r.Filename == name {
				p, err := tlog.ProveRecord(cp.Size, int64(i), f.mem)
				if err != nil {
					return nil, err
				}
				reply := lookupReply{Index: int64(i), Record: string(r.Encode()), Checkpoint: string(note), TreeSize: cp.Size}
				for _, h := range p {
					reply.Proof = append(reply.Proof, base64.StdEncoding.EncodeToString(h[:]))
				}
				return json.Marshal(reply)
			}
		}
	}
	return nil, errors.New("not found")
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(path string, body []byte) []byte
		want  error // nil, or what the error must match
		text  string
	}{
		{"honest", nil, nil, ""},
		{"record of another file", func(p string, b []byte) []byte {
			return []byte(strings.ReplaceAll(string(b), "filename demo-1.3.tar.gz", "filename demo-1.4.tar.gz"))
		}, tlog.ErrInconsistent, "not the upload of"},
		{"record changed", func(p string, b []byte) []byte {
			return []byte(strings.ReplaceAll(string(b), "size 3", "size 4"))
		}, tlog.ErrInconsistent, ""},
		{"proof changed", func(p string, b []byte) []byte {
			var r lookupReply
			json.Unmarshal(b, &r)
			r.Proof[0] = base64.StdEncoding.EncodeToString(make([]byte, 32))
			out, _ := json.Marshal(r)
			return out
		}, tlog.ErrInconsistent, ""},
		{"checkpoint by another key", func(p string, b []byte) []byte {
			var r lookupReply
			json.Unmarshal(b, &r)
			other, _, _ := tlog.GenerateKey("fake.test")
			c, _ := tlog.ParseCheckpoint(r.Checkpoint[:strings.Index(r.Checkpoint, "\n\n")+1])
			n, _ := tlog.Sign(c, other)
			r.Checkpoint = string(n)
			out, _ := json.Marshal(r)
			return out
		}, tlog.ErrUnverified, ""},
		{"unknown field", func(p string, b []byte) []byte {
			return append(b[:len(b)-1], []byte(`,"extra":1}`)...)
		}, tlog.ErrInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c := newFakeLog(t, 9)
			f.spoil = tt.spoil
			l, err := c.Lookup(t.Context(), "demo-1.3.tar.gz")
			if tt.want == nil {
				if err != nil || l.Index != 3 || l.Record.SHA256 != f.records[3].SHA256 || l.Checkpoint.Size != 9 {
					t.Fatalf("Lookup = %+v, %v", l, err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(fmt.Sprint(err), tt.text) {
				t.Fatalf("Lookup error %v, want %v (%q)", err, tt.want, tt.text)
			}
		})
	}
}

func TestCheckConsistent(t *testing.T) {
	f, c := newFakeLog(t, 5)
	old := f.checkpoint()
	f.add(300)
	cp, err := c.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckConsistent(t.Context(), old, cp.Checkpoint); err != nil {
		t.Errorf("honest growth: %v", err)
	}
	forked := old
	forked.Hash[0] ^= 1
	if err := c.CheckConsistent(t.Context(), forked, cp.Checkpoint); !errors.Is(err, tlog.ErrInconsistent) {
		t.Errorf("forked older checkpoint: %v, want ErrInconsistent", err)
	}
	same := cp.Checkpoint
	same.Hash[1] ^= 1
	if err := c.CheckConsistent(t.Context(), same, cp.Checkpoint); !errors.Is(err, tlog.ErrInconsistent) {
		t.Errorf("two roots of one size: %v, want ErrInconsistent", err)
	}
	// Tiles that do not hash to the checkpoint's root are caught.
	f.spoil = func(p string, b []byte) []byte {
		if strings.HasPrefix(p, "/log/tile/") && len(b) > 0 {
			b[0] ^= 1
		}
		return b
	}
	if err := c.CheckConsistent(t.Context(), old, cp.Checkpoint); !errors.Is(err, tlog.ErrInconsistent) {
		t.Errorf("spoilt tiles: %v, want ErrInconsistent", err)
	}
}

func TestStateAdvance(t *testing.T) {
	f, c := newFakeLog(t, 3)
	st := State{Dir: t.TempDir()}
	cp, err := c.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.Advance(t.Context(), c, cp); err != nil || got.Size != 3 {
		t.Fatalf("first Advance = %+v, %v", got, err)
	}
	// A different log of the same name and key (a fork) is refused.
	f.mem, f.records = new(tlog.MemoryHashes), nil
	f.add(4)
	f.records[0].Size = 99
	f.mem = new(tlog.MemoryHashes)
	for _, r := range f.records {
		f.mem.Append(r)
	}
	cp2, err := c.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Advance(t.Context(), c, cp2); !errors.Is(err, tlog.ErrInconsistent) {
		t.Errorf("Advance over a fork: %v, want ErrInconsistent", err)
	}
}
