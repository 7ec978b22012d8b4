package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/mod/sumdb/note"
	xtlog "golang.org/x/mod/sumdb/tlog"

	"wharf/tlog"
)

// Size bounds on what the server may send.
const (
	maxCheckpoint = 64 << 10
	maxLookup     = 256 << 10
	maxTile       = 1 << 20
)

// Client talks to one index's log.
type Client struct {
	base     string // index URL without trailing slash
	http     *http.Client
	verifier note.Verifier
	vkey     string
}

// New returns a client for the index at indexURL (its base URL, e.g.
// "https://pypi.example.org") whose log signs with the verifier key vkey.
// httpClient may be nil for http.DefaultClient.
func New(indexURL, vkey string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(indexURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("index URL %q must be an absolute http or https URL", indexURL)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimSuffix(indexURL, "/"), http: httpClient, verifier: v, vkey: vkey}, nil
}

// Name is the log's name, from its verifier key.
func (c *Client) Name() string { return c.verifier.Name() }

// get fetches path below the index URL, reading at most limit bytes.
func (c *Client) get(ctx context.Context, path string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("GET %s: reply longer than %d bytes", path, limit)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Path: path, Code: resp.StatusCode, Body: firstLine(body)}
	}
	return body, nil
}

// StatusError is a reply other than 200 OK.
type StatusError struct {
	Path string
	Code int
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s: %s", e.Path, e.Code, http.StatusText(e.Code), e.Body)
}

// firstLine returns the first non-empty line after the status text of a
// plain-text error reply, shortened.
func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if _, rest, ok := strings.Cut(s, "\n\n"); ok {
		s = rest
	}
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// Checkpoint is a verified checkpoint with the note it came in.
type Checkpoint struct {
	tlog.Checkpoint
	Note      []byte
	Witnesses []string // names of the witness keys whose cosignatures verified
}

// Checkpoint fetches and verifies the latest checkpoint. Cosignatures by
// the given witness keys are verified and named in the result; others are
// ignored.
func (c *Client) Checkpoint(ctx context.Context, witnesses ...string) (*Checkpoint, error) {
	msg, err := c.get(ctx, "/log/checkpoint", maxCheckpoint)
	if err != nil {
		return nil, err
	}
	return c.open(msg, witnesses)
}

// open verifies a checkpoint note: it must carry the log's signature, and
// each given witness's signature is checked if present.
func (c *Client) open(msg []byte, witnesses []string) (*Checkpoint, error) {
	vs := []note.Verifier{c.verifier}
	for _, k := range witnesses {
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("witness key: %w", err)
		}
		vs = append(vs, v)
	}
	n, err := note.Open(msg, note.VerifierList(vs...))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", tlog.ErrUnverified, err)
	}
	out := &Checkpoint{Note: msg}
	signed := false
	for _, s := range n.Sigs {
		if s.Name == c.verifier.Name() && s.Hash == c.verifier.KeyHash() {
			signed = true
		} else {
			out.Witnesses = append(out.Witnesses, s.Name)
		}
	}
	if !signed {
		return nil, fmt.Errorf("%w: the checkpoint is not signed by %s", tlog.ErrUnverified, c.verifier.Name())
	}
	if out.Checkpoint, err = tlog.ParseCheckpoint(n.Text); err != nil {
		return nil, err
	}
	if out.Origin != c.verifier.Name() {
		return nil, fmt.Errorf("%w: checkpoint of log %q, expected %q", tlog.ErrInvalid, out.Origin, c.verifier.Name())
	}
	return out, nil
}

// tileReader fetches tiles from the index; TileHashReader checks them.
type tileReader struct {
	ctx context.Context
	c   *Client
}

func (r tileReader) Height() int { return 8 }

func (r tileReader) ReadTiles(tiles []xtlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := r.c.get(r.ctx, "/log/"+t.Path(), maxTile)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (r tileReader) SaveTiles([]xtlog.Tile, [][]byte) {}

// CheckConsistent proves, from tiles, that the two checkpoints describe
// one append-only log: the larger tree contains the smaller. An error
// matching tlog.ErrInconsistent means the log forked.
func (c *Client) CheckConsistent(ctx context.Context, a, b tlog.Checkpoint) error {
	older, newer := a, b
	if older.Size > newer.Size {
		older, newer = newer, older
	}
	if older.Size == newer.Size {
		if older.Hash != newer.Hash {
			return fmt.Errorf("%w: two checkpoints of size %d with different roots (the log forked)", tlog.ErrInconsistent, older.Size)
		}
		return nil
	}
	hr := xtlog.TileHashReader(xtlog.Tree{N: newer.Size, Hash: newer.Hash}, tileReader{ctx, c})
	p, err := xtlog.ProveTree(newer.Size, older.Size, hr)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		var se *StatusError
		if errors.As(err, &se) {
			return err
		}
		// TileHashReader fails when the served tiles do not hash to the
		// checkpoint's root: the server's tree is not the signed one.
		return fmt.Errorf("%w: tiles do not match checkpoint %d: %v", tlog.ErrInconsistent, newer.Size, err)
	}
	if err := tlog.CheckCheckpoints(older, newer, p); err != nil {
		return fmt.Errorf("checkpoint %d does not extend checkpoint %d (the log forked): %w", newer.Size, older.Size, err)
	}
	return nil
}

// Lookup is a file's verified log record.
type Lookup struct {
	Index      int64
	Record     tlog.Record
	Checkpoint *Checkpoint // the checkpoint the record was proved in
}

// lookupReply mirrors the server's JSON.
type lookupReply struct {
	Index      int64    `json:"index"`
	Record     string   `json:"record"`
	Checkpoint string   `json:"checkpoint"`
	TreeSize   int64    `json:"tree_size"`
	Proof      []string `json:"inclusion_proof"`
}

// Lookup fetches the record of the file named filename and verifies it:
// the checkpoint's signature, the record's form, and its inclusion proof.
// The caller still compares the record with the file it has, and the
// checkpoint with the ones it saw before.
func (c *Client) Lookup(ctx context.Context, filename string) (*Lookup, error) {
	body, err := c.get(ctx, "/log/lookup/"+url.PathEscape(filename), maxLookup)
	if err != nil {
		return nil, err
	}
	var r lookupReply
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: lookup reply: %v", tlog.ErrInvalid, err)
	}
	cp, err := c.open([]byte(r.Checkpoint), nil)
	if err != nil {
		return nil, err
	}
	rec, err := tlog.ParseRecord([]byte(r.Record))
	if err != nil {
		return nil, err
	}
	if rec.Kind != tlog.KindFile || rec.Filename != filename {
		return nil, fmt.Errorf("%w: the log's record %d is not the upload of %s", tlog.ErrInconsistent, r.Index, filename)
	}
	proof := make(xtlog.RecordProof, len(r.Proof))
	for i, s := range r.Proof {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != len(xtlog.Hash{}) {
			return nil, fmt.Errorf("%w: malformed inclusion proof", tlog.ErrInvalid)
		}
		copy(proof[i][:], b)
	}
	if err := tlog.CheckRecord(proof, cp.Size, cp.Hash, r.Index, tlog.LeafHash(rec)); err != nil {
		return nil, err
	}
	return &Lookup{Index: r.Index, Record: rec, Checkpoint: cp}, nil
}
