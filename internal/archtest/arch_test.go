package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// listPackages runs go list over the module (or the given pattern with
// -deps) and decodes its JSON stream.
func listPackages(t *testing.T, args ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Standard"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			return pkgs
		} else if err != nil {
			t.Fatalf("decoding go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
}

// layer classifies a wharf package.
func layer(path string) string {
	switch {
	case path == "wharf":
		return "domain"
	case path == "wharf/pep440", path == "wharf/i18n", path == "wharf/render", strings.HasPrefix(path, "wharf/render/"), path == "wharf/tlog", strings.HasPrefix(path, "wharf/tlog/"), path == "wharf/dist", strings.HasPrefix(path, "wharf/dist/"), strings.HasPrefix(path, "wharf/auth/"):
		return "leaf"
	case path == "wharf/internal/sqlstore":
		return "sqlshared"
	case path == "wharf/sqlite", path == "wharf/diskblob", path == "wharf/smtpmail":
		return "adapter"
	case path == "wharf/translog":
		return "logcore"
	case path == "wharf/publish", path == "wharf/manage", path == "wharf/accounts", path == "wharf/collab", path == "wharf/audit":
		return "usecase"
	case path == "wharf/web":
		return "web"
	case strings.HasPrefix(path, "wharf/cmd/"):
		return "cmd"
	default:
		return "other"
	}
}

// allowed says which layers a layer may import.
var allowed = map[string]map[string]bool{
	"domain":    {},
	"leaf":      {"leaf": true},
	"sqlshared": {"domain": true, "leaf": true},
	"adapter":   {"domain": true, "leaf": true, "sqlshared": true},
	"logcore":   {"domain": true, "leaf": true},
	"usecase":   {"domain": true, "leaf": true, "logcore": true},
	"web":       {"domain": true, "leaf": true, "usecase": true, "logcore": true},
	"cmd":       {"domain": true, "leaf": true, "usecase": true, "logcore": true, "web": true, "adapter": true},
}

func TestImportArrows(t *testing.T) {
	for _, p := range listPackages(t, "wharf/...") {
		from := layer(p.ImportPath)
		rules, ok := allowed[from]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, "wharf") || (imp != "wharf" && !strings.HasPrefix(imp, "wharf/")) {
				continue
			}
			to := layer(imp)
			if !rules[to] {
				t.Errorf("%s (%s) must not import %s (%s)", p.ImportPath, from, imp, to)
			}
		}
	}
}

func TestDomainImportsOnlyStandardLibrary(t *testing.T) {
	for _, p := range listPackages(t, "-deps", "wharf") {
		if !p.Standard && p.ImportPath != "wharf" {
			t.Errorf("package wharf depends on non-standard %s", p.ImportPath)
		}
	}
}

func TestUseCasesKnowNoHTTP(t *testing.T) {
	for _, p := range listPackages(t, "wharf/publish", "wharf/manage", "wharf/accounts", "wharf/collab", "wharf/audit") {
		for _, imp := range p.Imports {
			if imp == "net/http" {
				t.Errorf("%s imports net/http; only web may", p.ImportPath)
			}
		}
	}
}

func TestBinaryHasNoTestCode(t *testing.T) {
	for _, p := range listPackages(t, "-deps", "wharf/cmd/wharf") {
		if p.ImportPath == "testing" || strings.HasPrefix(p.ImportPath, "wharf/internal/storetest") || p.ImportPath == "wharf/internal/testutil" ||
			p.ImportPath == "wharf/internal/smtptest" ||
			strings.HasPrefix(p.ImportPath, "net/http/httptest") {
			t.Errorf("the wharf binary depends on test-only package %s", p.ImportPath)
		}
	}
}
