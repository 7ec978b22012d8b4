package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wharf/internal/testutil"
)

// Browser is one running headless Chromium. It is safe for concurrent
// use: parallel tests open their own pages on it.
type Browser struct {
	ctx context.Context // the chromedp context that owns the browser process
	out *testutil.SyncBuffer

	// axe holds the text of axe.min.js once a page first needs it; a
	// test that never runs axe does not need node_modules.
	axeOnce sync.Once
	axe     string
	axeErr  error
}

// startTimeout bounds Chromium's start; it starts in well under a second
// on an idle machine, but a loaded CI runner can be slow.
const startTimeout = 30 * time.Second

// Start launches headless Chromium and closes it when t ends. When
// Chromium is missing the test is skipped, or fails under CI=true.
func Start(t testing.TB) *Browser {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err != nil {
		missing(t, "chromium (apt-get install chromium; scripts/deps installs it)", err)
	}
	b := &Browser{out: &testutil.SyncBuffer{}}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(exe, b.out)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b.ctx = ctx
	t.Cleanup(func() {
		// Cancel closes the browser gracefully and waits for it;
		// cancelAlloc then removes the temporary profile.
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing chromium: %v", err)
		}
		cancel()
		cancelAlloc()
		if t.Failed() {
			t.Logf("chromium's output:\n%s", b.output())
		}
	})
	// The first Do starts the process; it must not carry a timeout, or
	// the browser would die with it, so the wait is bounded separately.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = errors.New("not started within " + startTimeout.String())
	}
	if err != nil {
		t.Fatalf("starting %s: %v\n%s", exe, err, b.output())
	}
	return b
}

// allocatorOptions are chromedp's defaults plus what a root user in a
// container on a closed network needs. Without the networking flags
// Chromium keeps trying to reach Google's services and logs the refused
// connections; the host resolver rule makes sure that nothing but
// localhost resolves even if a page or the browser tries.
func allocatorOptions(exe string, out *testutil.SyncBuffer) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("dns-prefetch-disable", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost"),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(out),
	)
}

// inCI reports whether the tests run in CI, where a missing tool fails.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// missing ends the test for a missing tool: a failure under CI, a skip
// elsewhere, as e2e's need does.
func missing(t testing.TB, what string, err error) {
	t.Helper()
	if inCI() {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s is missing (%v); under CI=true this fails", what, err)
}

// repoRoot returns the folder holding go.mod, found by walking up from the
// working directory (a package's folder under go test).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// output returns the last lines Chromium printed, without its complaints
// about the missing D-Bus, which a container never has and which would
// bury anything that matters.
func (b *Browser) output() string {
	var lines []string
	for line := range strings.SplitSeq(b.out.String(), "\n") {
		if line != "" && !strings.Contains(line, ":ERROR:dbus/") {
			lines = append(lines, line)
		}
	}
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}
