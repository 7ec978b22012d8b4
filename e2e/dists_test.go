package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// debianPython is the interpreter Debian's build, twine, poetry and pdm
// run on; python -m venv with it gives pip 23.0.
const debianPython = "/usr/bin/python3"

// project is a small real Python project the tests build with
// "python -m build".
type project struct {
	name, version string
	backend       string   // "setuptools" or "hatchling"
	deps          []string // PEP 508 requirements
}

// module is the project's import name.
func (p project) module() string { return strings.ReplaceAll(p.name, "-", "_") }

func baseProject(version string) project {
	return project{name: "wharf-e2e-base", version: version, backend: "setuptools"}
}

// appProject depends on wharf-e2e-base and is built with hatchling, so
// that two build backends' output goes through wharf.
func appProject() project {
	return project{name: "wharf-e2e-app", version: "1.0", backend: "hatchling", deps: []string{"wharf-e2e-base>=1.0"}}
}

// dists are the files one build produced.
type dists struct {
	wheel, sdist string // absolute paths
}

func (d dists) all() []string { return []string{d.wheel, d.sdist} }

// builds remembers each project's build, so that every test reuses the
// one build of a project version; different projects build in parallel.
var builds struct {
	mu   sync.Mutex
	done map[string]*build
}

type build struct {
	once sync.Once
	d    dists
	err  error
}

// buildDists builds p (once per test binary) and returns its wheel and sdist.
// Builds use --no-isolation: the backends are Debian's, and PyPI is never
// asked for anything.
func buildDists(t testing.TB, p project) dists {
	t.Helper()
	python := need(t, debianPython)
	needModules(t, python, "build", p.backend)
	key := p.name + "-" + p.version
	builds.mu.Lock()
	if builds.done == nil {
		builds.done = map[string]*build{}
	}
	b := builds.done[key]
	if b == nil {
		b = &build{}
		builds.done[key] = b
	}
	builds.mu.Unlock()
	b.once.Do(func() { b.d, b.err = runBuild(t, python, p, filepath.Join(workDir, "build", key)) })
	if b.err != nil {
		t.Fatalf("building %s: %v", key, b.err)
	}
	return b.d
}

func runBuild(t testing.TB, python string, p project, dir string) (dists, error) {
	if err := writeProject(p, dir); err != nil {
		return dists{}, err
	}
	// Debian's hatchling 1.12 declares a build requirement on editables,
	// which Debian does not package and an sdist or wheel build does not
	// use, so the dependency check is skipped (-x).
	r := run(t, dir, toolEnv(t), python, "-m", "build", "--no-isolation", "-x", "--outdir", "dist", ".")
	if r.code != 0 {
		return dists{}, fmt.Errorf("%s", r)
	}
	var d dists
	entries, err := os.ReadDir(filepath.Join(dir, "dist"))
	if err != nil {
		return dists{}, err
	}
	for _, e := range entries {
		path := filepath.Join(dir, "dist", e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".whl"):
			d.wheel = path
		case strings.HasSuffix(e.Name(), ".tar.gz"):
			d.sdist = path
		}
	}
	if d.wheel == "" || d.sdist == "" {
		return dists{}, fmt.Errorf("the build made no wheel or no sdist: %v\n%s", entries, r)
	}
	return d, nil
}

// writeProject writes p's sources into dir: a pyproject.toml and one
// module whose VALUE names the project (and, for a project with
// dependencies, imports the first one, so that importing it proves the
// dependency was installed).
func writeProject(p project, dir string) error {
	pkg := filepath.Join(dir, "src", p.module())
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return err
	}
	var deps []string
	for _, d := range p.deps {
		deps = append(deps, fmt.Sprintf("%q", d))
	}
	build := `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
`
	extra := ""
	if p.backend == "hatchling" {
		build = `[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
`
		extra = fmt.Sprintf("\n[tool.hatch.build.targets.wheel]\npackages = [\"src/%s\"]\n", p.module())
	}
	toml := fmt.Sprintf(`%s
[project]
name = %q
version = %q
description = "A project of wharf's end-to-end tests"
requires-python = ">=3.8"
dependencies = [%s]
%s`, build, p.name, p.version, strings.Join(deps, ", "), extra)
	code := fmt.Sprintf("VALUE = %q\n", p.name+" "+p.version)
	if len(p.deps) > 0 {
		dep := strings.ReplaceAll(strings.FieldsFunc(p.deps[0], func(r rune) bool { return strings.ContainsRune("<>=!~ ;[", r) })[0], "-", "_")
		code += fmt.Sprintf("from %s import VALUE as DEPENDENCY_VALUE\n", dep)
	}
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(toml), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(pkg, "__init__.py"), []byte(code), 0o644)
}

// copyFile copies src into dir under its own name and returns the new path.
func copyFile(t testing.TB, src, dir string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}
