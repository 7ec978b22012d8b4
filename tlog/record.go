package tlog

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// The kinds of record in the log.
const (
	KindFile   = "file"   // a file was uploaded
	KindYank   = "yank"   // a release or file was yanked
	KindUnyank = "unyank" // a yank was undone
	KindDelete = "delete" // a project, release or file was deleted
)

// MaxRecordSize is the longest encoded record, in bytes, that ParseRecord
// accepts and Validate allows. Real records are a few hundred bytes; the
// bound keeps the work done on hostile input small.
const MaxRecordSize = 8192

// Record is one log entry. Kind is KindFile for an upload, and KindYank,
// KindUnyank or KindDelete for later events about a project, release or file.
type Record struct {
	Kind       string
	Project    string
	Version    string
	Filename   string
	SHA256     string // lowercase hex; required for KindFile
	Blake2b256 string // lowercase hex; required for KindFile
	Size       int64
	Time       time.Time
}

// recordKeys lists the keys of an encoded record in their fixed order.
var recordKeys = [...]string{"kind", "project", "version", "filename", "sha256", "blake2b256", "size", "time"}

// values returns the record's field values, escaped, in the order of
// recordKeys.
func (r Record) values() [len(recordKeys)]string {
	return [...]string{
		escape(r.Kind),
		escape(r.Project),
		escape(r.Version),
		escape(r.Filename),
		escape(r.SHA256),
		escape(r.Blake2b256),
		strconv.FormatInt(r.Size, 10),
		r.Time.UTC().Format(time.RFC3339Nano),
	}
}

// Encode returns the canonical text encoding of r: one "key value" line per
// field in a fixed order, each ending in a newline, with the time in
// RFC 3339 form in UTC. Bytes that could break the line structure (ASCII
// control characters including newlines), '%' and bytes that are not valid
// UTF-8 are written as %XX, so Encode is total and distinct records always
// have distinct encodings. Encode does not validate r; Append does.
func (r Record) Encode() []byte {
	var b bytes.Buffer
	for i, v := range r.values() {
		b.WriteString(recordKeys[i])
		b.WriteByte(' ')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ParseRecord parses the canonical encoding of a record, as written by
// Encode, and validates it. It is strict: it rejects missing, extra or
// reordered lines, trailing data, non-canonical numbers, times and escapes,
// so that ParseRecord(b) succeeds only if Encode of the result equals b.
// Errors match ErrInvalid.
func ParseRecord(b []byte) (Record, error) {
	if len(b) > MaxRecordSize {
		return Record{}, invalidf("record longer than %d bytes", MaxRecordSize)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return Record{}, invalidf("record does not end with a newline")
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	if len(lines) != len(recordKeys) {
		return Record{}, invalidf("record has %d lines, want %d", len(lines), len(recordKeys))
	}
	var vals [len(recordKeys)]string
	for i, line := range lines {
		key, val, ok := strings.Cut(line, " ")
		if !ok || key != recordKeys[i] {
			return Record{}, invalidf("record line %d: want key %q", i+1, recordKeys[i])
		}
		vals[i] = val
	}
	r, err := decodeValues(vals)
	if err != nil {
		return Record{}, err
	}
	if err := r.Validate(); err != nil {
		return Record{}, err
	}
	// The decoders above accept some non-canonical spellings (escapes of
	// harmless bytes, "+1" sizes, other time zones); comparing with the
	// canonical encoding rejects them all at once.
	if !bytes.Equal(r.Encode(), b) {
		return Record{}, invalidf("record is not in canonical form")
	}
	return r, nil
}

// decodeValues builds a record from the values of an encoded record.
func decodeValues(vals [len(recordKeys)]string) (Record, error) {
	var strs [6]string
	for i := range strs {
		s, err := unescape(vals[i])
		if err != nil {
			return Record{}, invalidf("record field %s: %v", recordKeys[i], err)
		}
		strs[i] = s
	}
	size, err := strconv.ParseInt(vals[6], 10, 64)
	if err != nil {
		return Record{}, invalidf("record field size: not a decimal integer")
	}
	t, err := time.Parse(time.RFC3339Nano, vals[7])
	if err != nil {
		return Record{}, invalidf("record field time: not an RFC 3339 time")
	}
	return Record{
		Kind:       strs[0],
		Project:    strs[1],
		Version:    strs[2],
		Filename:   strs[3],
		SHA256:     strs[4],
		Blake2b256: strs[5],
		Size:       size,
		Time:       t.UTC(),
	}, nil
}

// Validate reports whether r may be appended to the log: a known kind, a
// project, a version and filename for uploads, digests in lowercase hex
// (required for uploads), a non-negative size, a time between the years 1
// and 9999 that is not the zero time, and an encoding no longer than
// MaxRecordSize. Errors match ErrInvalid.
func (r Record) Validate() error {
	switch r.Kind {
	case KindFile:
		if r.Version == "" || r.Filename == "" || r.SHA256 == "" || r.Blake2b256 == "" {
			return invalidf("file record needs version, filename, sha256 and blake2b256")
		}
	case KindYank, KindUnyank, KindDelete:
	default:
		return invalidf("unknown record kind %q", shorten(r.Kind))
	}
	if r.Project == "" {
		return invalidf("record needs a project")
	}
	if r.SHA256 != "" && !isDigest(r.SHA256) {
		return invalidf("sha256 is not 64 lowercase hex digits")
	}
	if r.Blake2b256 != "" && !isDigest(r.Blake2b256) {
		return invalidf("blake2b256 is not 64 lowercase hex digits")
	}
	if r.Size < 0 {
		return invalidf("negative size %d", r.Size)
	}
	if y := r.Time.UTC().Year(); r.Time.IsZero() || y < 1 || y > 9999 {
		return invalidf("record time missing or out of range")
	}
	if n := len(r.Encode()); n > MaxRecordSize {
		return invalidf("record encoding is %d bytes, limit %d", n, MaxRecordSize)
	}
	return nil
}

// LeafHash returns the Merkle leaf hash of r, the hash of its encoding.
func LeafHash(r Record) tlog.Hash {
	return tlog.RecordHash(r.Encode())
}

// isDigest reports whether s is 32 bytes in lowercase hex.
func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// needsEscape reports whether the rune r, decoded with size bytes, must be
// written as %XX.
func needsEscape(r rune, size int) bool {
	return r < 0x20 || r == 0x7f || r == '%' || r == utf8.RuneError && size == 1
}

const upperhex = "0123456789ABCDEF"

// escape writes the bytes of s that needsEscape selects as %XX with
// uppercase hex digits, and leaves the rest as they are.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			c := s[i]
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&0xf])
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// unescape decodes %XX escapes. It rejects raw bytes that escape would
// have escaped; the caller's canonical check rejects unneeded escapes.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '%' {
			if i+3 > len(s) {
				return "", errBadEscape
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", errBadEscape
			}
			b.WriteByte(hi<<4 | lo)
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			return "", errRawByte
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String(), nil
}

var (
	errBadEscape = errors.New("bad %XX escape")
	errRawByte   = errors.New("control character or invalid UTF-8 not escaped")
)

// unhex returns the value of an uppercase hex digit.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// shorten cuts s for echoing in an error message, so that a message never
// grows with hostile input.
func shorten(s string) string {
	const show = 64
	if len(s) > show {
		return s[:show] + "..."
	}
	return s
}
