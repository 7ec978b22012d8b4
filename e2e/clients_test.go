package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// twine runs "twine upload" of files to the server as user with password
// (for a token, user is "__token__"), with extra options before the files.
// It runs without --verbose: the assertions are about what a twine user
// sees by default.
func twine(t testing.TB, s *server, user, password string, extra []string, files ...string) result {
	t.Helper()
	bin := need(t, "/usr/bin/twine")
	args := []string{"upload", "--repository-url", s.url + s.prefix + "/legacy/", "-u", user, "-p", password,
		"--non-interactive", "--disable-progress-bar"}
	args = append(append(args, extra...), files...)
	return run(t, "", toolEnv(t), bin, args...)
}

// mustTwine uploads files with a token and fails the test unless twine
// succeeds.
func mustTwine(t testing.TB, s *server, token string, files ...string) {
	t.Helper()
	if r := twine(t, s, "__token__", token, nil, files...); r.code != 0 {
		t.Fatalf("twine upload failed: %s", r)
	}
}

// newVenv creates a fresh virtual environment with python (and the pip
// that python bundles) and returns its folder.
func newVenv(t testing.TB, python string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "venv")
	mustRun(t, "", toolEnv(t), python, "-m", "venv", dir)
	return dir
}

// pipArgs are the options every pip run gets: wharf as the only index, no
// cache (so that every request reaches the server), no self-check.
func pipArgs(s *server) []string {
	return []string{"--index-url", s.url + s.prefix + "/simple/", "--no-cache-dir", "--disable-pip-version-check", "--progress-bar", "off"}
}

// pip runs "python -m pip COMMAND pipArgs... args..." in the venv.
func pip(t testing.TB, venv string, s *server, command string, args ...string) result {
	t.Helper()
	all := append(append([]string{"-m", "pip", command}, pipArgs(s)...), args...)
	return run(t, "", toolEnv(t), filepath.Join(venv, "bin", "python"), all...)
}

// installer is a venv of Debian's Python shared by the tests that need "a
// pip" rather than a particular one; they install with --target into
// their own folders, so the venv itself never changes.
var installer struct {
	once sync.Once
	dir  string
	err  result
}

// pipTarget installs requirements from the server into a new folder with
// the shared installer venv, and returns the folder and pip's result.
func pipTarget(t testing.TB, s *server, requirements ...string) (string, result) {
	t.Helper()
	python := need(t, debianPython)
	needModules(t, python, "venv", "ensurepip")
	installer.once.Do(func() {
		dir := filepath.Join(workDir, "installer-venv")
		r := run(t, "", toolEnv(t), python, "-m", "venv", dir)
		if r.code != 0 {
			installer.err = r
			return
		}
		installer.dir = dir
	})
	if installer.dir == "" {
		t.Fatalf("creating the installer venv failed: %s", installer.err)
	}
	target := filepath.Join(t.TempDir(), "site")
	r := pip(t, installer.dir, s, "install", append([]string{"--target", target}, requirements...)...)
	return target, r
}

// installedVersion returns the version of project installed under a
// --target folder (from its .dist-info folder name), or "".
func installedVersion(t testing.TB, target, project string) string {
	t.Helper()
	prefix := strings.ReplaceAll(project, "-", "_") + "-"
	entries, err := os.ReadDir(target)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if v, ok := strings.CutPrefix(e.Name(), prefix); ok && strings.HasSuffix(v, ".dist-info") {
			return strings.TrimSuffix(v, ".dist-info")
		}
	}
	return ""
}
