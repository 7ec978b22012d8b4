package pep440

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sortedVersions is in strictly increasing PEP 440 order.
var sortedVersions = []string{
	"0.dev0",
	"0",
	"0.0.1",
	"0.1",
	"0.9.9",
	"1.0.dev456",
	"1.0a1.dev1",
	"1.0a1",
	"1.0a2.dev456",
	"1.0a12.dev456",
	"1.0a12",
	"1.0b1.dev456",
	"1.0b2",
	"1.0b2.post345.dev456",
	"1.0b2.post345",
	"1.0b2-346",
	"1.0c1.dev456",
	"1.0c1",
	"1.0rc2",
	"1.0c3",
	"1.0",
	"1.0+abc.5",
	"1.0+abc.7",
	"1.0+5",
	"1.0+7",
	"1.0+7.a",
	"1.0+7.0",
	"1.0.post456.dev34",
	"1.0.post456",
	"1.0.post456+local",
	"1.0.15",
	"1.1.dev1",
	"1.1a1",
	"1.1",
	"1.2+123abc",
	"1.2+123abc456",
	"1.2+abc",
	"1.2+abc123",
	"1.2+abc123def",
	"1.2+1234.abc",
	"1.2+123456",
	"1.2.r32+123456",
	"1.2.rev33+123456",
	"1.10",
	"2.0",
	"9.99999999999999999999",
	"10",
	"99999999999999999999",
	"100000000000000000000",
	"1!0.dev0",
	"1!0.1",
	"1!1.0",
	"2!0.1",
	"10!0.1",
}

func TestCompareOrder(t *testing.T) {
	vs := make([]Version, len(sortedVersions))
	for i, s := range sortedVersions {
		vs[i] = MustParse(s)
	}
	for i := range vs {
		for j := range vs {
			want := compareInt(i, j)
			if got := Compare(vs[i], vs[j]); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", sortedVersions[i], sortedVersions[j], got, want)
			}
			if got := sign(strings.Compare(vs[i].SortKey(), vs[j].SortKey())); got != want {
				t.Errorf("SortKey order of %q, %q = %d, want %d", sortedVersions[i], sortedVersions[j], got, want)
			}
		}
	}
	// Sorting shuffled keys as a database would must give back the order.
	keys := make([]string, len(vs))
	for i, v := range vs {
		keys[i] = v.SortKey()
	}
	want := slices.Clone(keys)
	rand.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("sorted keys differ from the PEP 440 order")
	}
}

func TestCompareEqual(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"trailing zeros", "1.0", "1.0.0"},
		{"zero", "0", "0.0.0.0"},
		{"spelling", "1.0alpha1", "1.0a1"},
		{"implicit post", "1.0-1", "1.0.post1"},
		{"zero epoch", "0!1.0", "1.0"},
		{"local separators", "1.0+ubuntu-1", "1.0+ubuntu.1"},
		{"local zeros", "1.0+01", "1.0+1"},
		{"local case", "1.0+ABC", "1.0+abc"},
		{"pre trailing zeros", "1.0.0a1", "1a1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := MustParse(tt.a), MustParse(tt.b)
			if !Equal(a, b) || a.SortKey() != b.SortKey() || a.Canonical() != b.Canonical() {
				t.Errorf("%q and %q differ: keys %q %q, canonical %q %q", tt.a, tt.b, a.SortKey(), b.SortKey(), a.Canonical(), b.Canonical())
			}
		})
	}
}

// TestSortKeyProperty checks the key against Compare on random versions
// built to collide often in every segment.
func TestSortKeyProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vs := make([]Version, 2000)
	for i := range vs {
		vs[i] = MustParse(randomVersion(r))
	}
	for i := 0; i < 100000; i++ {
		a, b := vs[r.IntN(len(vs))], vs[r.IntN(len(vs))]
		if got, want := sign(strings.Compare(a.SortKey(), b.SortKey())), Compare(a, b); got != want {
			t.Fatalf("%q vs %q: key order %d, Compare %d (keys %q, %q)", a, b, got, want, a.SortKey(), b.SortKey())
		}
		if Compare(b, a) != -Compare(a, b) {
			t.Fatalf("Compare(%q, %q) is not antisymmetric", a, b)
		}
	}
}

func randomVersion(r *rand.Rand) string {
	num := func() string {
		switch r.IntN(6) {
		case 0:
			return "0"
		case 1:
			return strings.Repeat("9", 1+r.IntN(30)) // beyond uint64
		case 2:
			return "00" + strconv.Itoa(r.IntN(3))
		default:
			return strconv.Itoa(r.IntN(12))
		}
	}
	var b strings.Builder
	if r.IntN(8) == 0 {
		b.WriteString(num() + "!")
	}
	b.WriteString(num())
	for n := r.IntN(4); n > 0; n-- {
		b.WriteString("." + num())
	}
	if r.IntN(3) == 0 {
		b.WriteString([]string{"a", "b", "rc", "c", "alpha"}[r.IntN(5)] + num())
	}
	if r.IntN(3) == 0 {
		b.WriteString(".post" + num())
	}
	if r.IntN(3) == 0 {
		b.WriteString(".dev" + num())
	}
	if r.IntN(3) == 0 {
		b.WriteString("+" + localPart(r, num))
		for n := r.IntN(3); n > 0; n-- {
			b.WriteString("." + localPart(r, num))
		}
	}
	return b.String()
}

func localPart(r *rand.Rand, num func() string) string {
	if r.IntN(2) == 0 {
		return num()
	}
	return []string{"a", "ab", "abc", "b", "z9", "1a", "ubuntu"}[r.IntN(7)]
}

func sign(n int) int { return compareInt(n, 0) }
