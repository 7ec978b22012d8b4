package tlog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

const goodHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestEncodeExact(t *testing.T) {
	r := Record{
		Kind: KindFile, Project: "demo", Version: "1.0", Filename: "demo-1.0.tar.gz",
		SHA256: goodHex, Blake2b256: goodHex, Size: 42,
		Time: time.Date(2025, 1, 2, 3, 4, 5, 600, time.FixedZone("X", 3600)),
	}
	want := "kind file\nproject demo\nversion 1.0\nfilename demo-1.0.tar.gz\n" +
		"sha256 " + goodHex + "\nblake2b256 " + goodHex + "\nsize 42\ntime 2025-01-02T02:04:05.0000006Z\n"
	if got := string(r.Encode()); got != want {
		t.Fatalf("Encode() =\n%s\nwant\n%s", got, want)
	}
	if got, want := LeafHash(r), tlog.RecordHash([]byte(want)); got != want {
		t.Errorf("LeafHash = %v, want %v", got, want)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	when := time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC)
	tests := []struct {
		name string
		r    Record
	}{
		{"file", testRecord(1)},
		{"yank release", Record{Kind: KindYank, Project: "p", Version: "2.0", Time: when}},
		{"unyank", Record{Kind: KindUnyank, Project: "p", Version: "2.0", Time: when}},
		{"delete project", Record{Kind: KindDelete, Project: "p", Time: when}},
		{"delete file with digest", Record{Kind: KindDelete, Project: "p", Version: "1", Filename: "p-1.tar.gz", SHA256: goodHex, Size: 9, Time: when}},
		{"newline escaped", Record{Kind: KindDelete, Project: "evil\nsize 1", Time: when}},
		{"percent and controls", Record{Kind: KindDelete, Project: "a%0Ab\r\t\x00\x7f", Time: when}},
		{"invalid utf8", Record{Kind: KindDelete, Project: "caf\xe9", Time: when}},
		{"unicode and spaces", Record{Kind: KindDelete, Project: "naïve proj ☃", Version: " 1 ", Time: when}},
		{"nanoseconds", Record{Kind: KindDelete, Project: "p", Time: when.Add(123456789)}},
		{"local time zone", Record{Kind: KindDelete, Project: "p", Time: when.In(time.FixedZone("Y", -7*3600))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.r.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			enc := tt.r.Encode()
			if n := strings.Count(string(enc), "\n"); n != len(recordKeys) {
				t.Fatalf("encoding has %d lines:\n%s", n, enc)
			}
			got, err := ParseRecord(enc)
			if err != nil {
				t.Fatalf("ParseRecord: %v\n%s", err, enc)
			}
			if !recordsEqual(got, tt.r) {
				t.Fatalf("ParseRecord = %+v, want %+v", got, tt.r)
			}
			if got.Time.Location() != time.UTC {
				t.Errorf("parsed time in %v, want UTC", got.Time.Location())
			}
			if string(got.Encode()) != string(enc) {
				t.Errorf("re-encoding differs")
			}
		})
	}
}

// recordsEqual compares records, times by instant.
func recordsEqual(a, b Record) bool {
	at, bt := a.Time, b.Time
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b && at.Equal(bt)
}

func TestParseRecordRejects(t *testing.T) {
	good := string(testRecord(1).Encode())
	digest := testRecord(1).SHA256
	replace := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("test setup: %q not in record", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"no final newline", strings.TrimSuffix(good, "\n")},
		{"trailing data", good + "x"},
		{"trailing line", good + "extra 1\n"},
		{"trailing blank line", good + "\n"},
		{"newline in a field", replace("project pkg1\n", "project pkg\n1\n")},
		{"missing field", replace("size 1001\n", "")},
		{"fields reordered", replace("kind file\nproject pkg1\n", "project pkg1\nkind file\n")},
		{"wrong key", replace("project pkg1", "projekt pkg1")},
		{"no space", replace("project pkg1", "projectpkg1")},
		{"bad time", replace("time 2025-03-01T12:00:01.000001Z", "time yesterday")},
		{"time not UTC", replace("time 2025-03-01T12:00:01.000001Z", "time 2025-03-01T13:00:01.000001+01:00")},
		{"time trailing zeros", replace("time 2025-03-01T12:00:01.000001Z", "time 2025-03-01T12:00:01.0000010Z")},
		{"zero time", replace("time 2025-03-01T12:00:01.000001Z", "time 0001-01-01T00:00:00Z")},
		{"bad size", replace("size 1001", "size ten")},
		{"size plus sign", replace("size 1001", "size +1001")},
		{"size leading zero", replace("size 1001", "size 01001")},
		{"negative size", replace("size 1001", "size -1")},
		{"unknown kind", replace("kind file", "kind upload")},
		{"missing project", replace("project pkg1", "project ")},
		{"missing filename", replace("filename pkg1-1.1-py3-none-any.whl", "filename ")},
		{"uppercase digest", replace(digest, strings.ToUpper(digest))},
		{"short digest", replace(digest, "abcd")},
		{"raw tab", replace("project pkg1", "project pkg\t1")},
		{"raw carriage return", replace("project pkg1", "project pkg1\r")},
		{"raw invalid utf8", replace("project pkg1", "project pkg\xff")},
		{"needless escape", replace("project pkg1", "project %70kg1")},
		{"lowercase escape", replace("project pkg1", "project pkg%0a")},
		{"truncated escape", replace("project pkg1", "project pkg%0")},
		{"bad escape", replace("project pkg1", "project pkg%GG")},
		{"too long", replace("project pkg1", "project "+strings.Repeat("p", MaxRecordSize))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRecord([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseRecord(%q) = %+v, want error", tt.in, r)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	when := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		r    Record
	}{
		{"zero record", Record{}},
		{"no kind", Record{Project: "p", Time: when}},
		{"file without digests", Record{Kind: KindFile, Project: "p", Version: "1", Filename: "f", Time: when}},
		{"no time", Record{Kind: KindYank, Project: "p"}},
		{"year 10000", Record{Kind: KindYank, Project: "p", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"too long", Record{Kind: KindYank, Project: strings.Repeat("\n", MaxRecordSize/3), Time: when}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.r.Validate(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want ErrInvalid", err)
			}
			if _, err := Append(0, tt.r, new(MemoryHashes)); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Append() = %v, want ErrInvalid", err)
			}
		})
	}
}
