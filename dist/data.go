package dist

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:generate sh gendata.sh

//go:embed stdlib_modules.txt
var stdlibModulesTxt string

//go:embed classifiers.txt
var classifiersTxt string

//go:embed deprecated_classifiers.txt
var deprecatedClassifiersTxt string

// tables holds the lookup sets built once from the embedded files. They are
// read-only after construction, so sharing them between goroutines is safe.
type tables struct {
	stdlib      map[string]bool     // normalised module names
	classifiers map[string]bool     // live classifiers
	sorted      []string            // live classifiers in sorted order
	deprecated  map[string][]string // deprecated classifier -> replacements
}

var loadTables = sync.OnceValue(func() *tables {
	t := &tables{
		stdlib:      map[string]bool{},
		classifiers: map[string]bool{},
		deprecated:  map[string][]string{},
	}
	for _, m := range lines(stdlibModulesTxt) {
		t.stdlib[NormalizeName(m)] = true
	}
	for _, c := range lines(classifiersTxt) {
		if !t.classifiers[c] {
			t.classifiers[c] = true
			t.sorted = append(t.sorted, c)
		}
	}
	sort.Strings(t.sorted)
	for _, l := range lines(deprecatedClassifiersTxt) {
		parts := strings.Split(l, "\t")
		t.deprecated[parts[0]] = parts[1:]
	}
	return t
})

// lines splits an embedded file into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
