package tlog

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// maxCheckpointSize bounds the checkpoint text ParseCheckpoint accepts.
const maxCheckpointSize = 4096

// maxOriginSize bounds the origin line of a checkpoint.
const maxOriginSize = 1024

// Checkpoint states the size and root hash of the log named Origin. Signed,
// it is a note in the Go sumdb format.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Text returns the checkpoint's note text:
// "<origin>\n<size>\n<base64 root hash>\n".
func (c Checkpoint) Text() string {
	return c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" +
		base64.StdEncoding.EncodeToString(c.Hash[:]) + "\n"
}

// validate reports whether c can be written as a checkpoint: a non-empty
// origin of valid UTF-8 without control characters, and a non-negative size.
func (c Checkpoint) validate() error {
	if c.Origin == "" || len(c.Origin) > maxOriginSize || !utf8.ValidString(c.Origin) {
		return invalidf("checkpoint origin empty, too long or not UTF-8")
	}
	for _, r := range c.Origin {
		if r < 0x20 || r == 0x7f {
			return invalidf("checkpoint origin contains a control character")
		}
	}
	if c.Size < 0 {
		return invalidf("negative checkpoint size")
	}
	return nil
}

// ParseCheckpoint parses checkpoint text as written by Text. It is strict:
// the text must be exactly three lines, with a canonical decimal size and
// canonical base64 of a 32-byte hash. Extension lines are rejected, because
// wharf writes none. Errors match ErrInvalid.
func ParseCheckpoint(text string) (Checkpoint, error) {
	if len(text) > maxCheckpointSize {
		return Checkpoint{}, invalidf("checkpoint longer than %d bytes", maxCheckpointSize)
	}
	if !strings.HasSuffix(text, "\n") {
		return Checkpoint{}, invalidf("checkpoint does not end with a newline")
	}
	lines := strings.Split(text[:len(text)-1], "\n")
	if len(lines) != 3 {
		return Checkpoint{}, invalidf("checkpoint has %d lines, want 3", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return Checkpoint{}, invalidf("checkpoint size is not a decimal integer")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, invalidf("checkpoint hash is not base64 of %d bytes", tlog.HashSize)
	}
	c := Checkpoint{Origin: lines[0], Size: size, Hash: tlog.Hash(raw)}
	if err := c.validate(); err != nil {
		return Checkpoint{}, err
	}
	if c.Text() != text {
		return Checkpoint{}, invalidf("checkpoint is not in canonical form")
	}
	return c, nil
}

// GenerateKey returns a new signer key and its verifier key for the given
// key name, in the golang.org/x/mod/sumdb/note formats, using crypto/rand.
// The name must be non-empty UTF-8 without spaces or '+'; errors match
// ErrInvalid.
func GenerateKey(name string) (skey, vkey string, err error) {
	skey, vkey, err = note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("tlog: generate key: %w", err)
	}
	// note.GenerateKey does not check the name, but a signer made from the
	// key does; check now rather than at the first signing.
	if _, err := note.NewSigner(skey); err != nil {
		return "", "", invalidf("key name %q must be non-empty, without spaces or '+'", shorten(name))
	}
	return skey, vkey, nil
}

// Sign returns c as a note signed with the signer key skey. Errors match
// ErrInvalid.
func Sign(c Checkpoint, skey string) ([]byte, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, invalidf("signer key: %v", err)
	}
	msg, err := note.Sign(&note.Note{Text: c.Text()}, s)
	if err != nil {
		return nil, invalidf("sign checkpoint: %v", err)
	}
	return msg, nil
}

// Open verifies that msg is a note signed by the verifier key vkey and
// parses its text as a checkpoint. Other signatures on the note are
// ignored. An error matches ErrUnverified when the note lacks a valid
// signature by vkey, and ErrInvalid when the key, note or checkpoint is
// malformed.
func Open(msg []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, invalidf("verifier key: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return Checkpoint{}, fmtUnverified(v.Name(), err)
		}
		return Checkpoint{}, invalidf("checkpoint note: %v", err)
	}
	return ParseCheckpoint(n.Text)
}

// fmtUnverified wraps a note error so that it matches ErrUnverified.
func fmtUnverified(name string, err error) error {
	return fmt.Errorf("%w: key %s: %v", ErrUnverified, name, err)
}
