package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// wharfBin is the binary under test and workDir a folder shared by all
// tests for things built once (Python distributions, a pip venv). Both are
// set by TestMain and only read afterwards.
var wharfBin, workDir string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	start := time.Now()
	dir, err := os.MkdirTemp("", "wharf-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	workDir = dir
	flag.Parse()
	setParallel()
	if wharfBin, err = wharfBinary(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	code := m.Run()
	fmt.Printf("e2e: total runtime %s\n", time.Since(start).Round(time.Millisecond))
	return code
}

// setParallel raises -test.parallel, unless given, to at least 4: the
// tests spend most of their time waiting for child processes (pip, twine,
// the server), and the default of GOMAXPROCS would serialise them on a
// small machine.
func setParallel() {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if n := runtime.GOMAXPROCS(0); !set && n < 4 {
		flag.Set("test.parallel", "4")
	}
}

// wharfBinary returns WHARF_BIN when set, else builds wharf into dir.
func wharfBinary(dir string) (string, error) {
	if bin := os.Getenv("WHARF_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("WHARF_BIN: %w", err)
		}
		return abs, nil
	}
	bin := filepath.Join(dir, "wharf")
	cmd := exec.Command("go", "build", "-o", bin, "wharf/cmd/wharf")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build wharf/cmd/wharf: %v\n%s", err, out.String())
	}
	return bin, nil
}

// inCI reports whether the tests run in CI, where a missing tool fails.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// need returns the path of tool (a name looked up in PATH, or a path). If
// it is missing the test fails under CI and is skipped otherwise.
func need(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	if inCI() {
		t.Fatalf("%s is required in CI (scripts/deps installs the Debian tools; pyenv provides 3.11.7 and 3.13.0): %v", tool, err)
	}
	t.Skipf("%s is missing (%v); under CI=true this fails", tool, err)
	return ""
}

// needModules checks that python can import every module, like need.
func needModules(t testing.TB, python string, modules ...string) {
	t.Helper()
	code := "import " + strings.Join(modules, ", ")
	out, err := exec.Command(python, "-c", code).CombinedOutput()
	if err == nil {
		return
	}
	if inCI() {
		t.Fatalf("%s cannot import %s, required in CI: %v\n%s", python, strings.Join(modules, ", "), err, out)
	}
	t.Skipf("%s cannot import %s (%v); under CI=true this fails", python, strings.Join(modules, ", "), err)
}

// systemPath keeps pyenv shims and user folders out of the tools' way, so
// that "python3" means Debian's interpreter for poetry, pdm and virtualenv.
const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// toolEnv is the environment for Python tools: a private HOME (no user
// configuration, caches or keyrings), no inherited pip, poetry, pdm or
// virtualenv settings, wide uncoloured output, and extra on top.
func toolEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME" || k == "PATH" || k == "VIRTUAL_ENV" || k == "COLUMNS" || k == "TERM",
			strings.HasPrefix(k, "PIP_"), strings.HasPrefix(k, "PYTHON"), strings.HasPrefix(k, "POETRY_"),
			strings.HasPrefix(k, "PDM_"), strings.HasPrefix(k, "TWINE_"), strings.HasPrefix(k, "PYENV"),
			strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "CONDA"), strings.HasPrefix(k, "WHARF_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "PATH="+systemPath, "PIP_CONFIG_FILE="+os.DevNull, "PIP_NO_INPUT=1",
		"PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring", "PDM_CHECK_UPDATE=false",
		"COLUMNS=400", "TERM=dumb", "NO_COLOR=1", "LC_ALL=C.UTF-8")
	return append(env, extra...)
}

// result is what a finished command printed and how it ended.
type result struct {
	cmd            string
	stdout, stderr string
	code           int // exit status; -1 if it did not run or was killed
	err            error
}

// output is stdout and stderr together, for messages.
func (r result) output() string { return r.stdout + r.stderr }

func (r result) String() string {
	return fmt.Sprintf("%s: exit %d (%v)\n--- stdout\n%s--- stderr\n%s", r.cmd, r.code, r.err, r.stdout, r.stderr)
}

// commandTimeout bounds every command a test runs.
const commandTimeout = 3 * time.Minute

// run runs a command in dir (the test's temp dir if empty) with env (the
// test's own environment if nil) and returns its result. It never fails
// the test; see mustRun.
func run(t testing.TB, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env, cmd.WaitDelay = dir, env, 5*time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{cmd: name + " " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String(), code: -1, err: err}
	var exit *exec.ExitError
	switch {
	case err == nil:
		r.code = 0
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	}
	if ctx.Err() != nil {
		r.err = fmt.Errorf("timed out after %s: %w", commandTimeout, err)
	}
	return r
}

// mustRun is run that fails the test unless the command exits 0.
func mustRun(t testing.TB, dir string, env []string, name string, args ...string) result {
	t.Helper()
	r := run(t, dir, env, name, args...)
	if r.code != 0 {
		t.Fatalf("command failed: %s", r)
	}
	return r
}

var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// flat removes terminal escapes and folds all runs of white space into one
// space, so that text a client wrapped to its terminal can be searched.
func flat(s string) string {
	return strings.Join(strings.Fields(ansiEscape.ReplaceAllString(s, "")), " ")
}

// waitFor polls cond until it holds or timeout passes, and returns how long
// it took; on timeout it fails the test with cond's last explanation.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ok, why := cond()
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s: %s", what, timeout, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
