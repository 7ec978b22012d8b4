// Package browser drives a headless Chromium over the DevTools protocol
// (with chromedp) for wharf's browser tests: pages are checked with
// axe-core, every request a page makes is recorded and anything bound for
// another origin is blocked and fails the test, and security keys are
// simulated with the DevTools WebAuthn virtual authenticator.
//
// Only tests import it; internal/archtest keeps it out of the binary.
//
// A test starts one browser with Start and opens a Page per subtest with
// NewPage. Starting Chromium takes about a second on an idle machine and
// several on a loaded two-core runner, while a tab opens in a fraction of
// that, so a test starts one browser and runs its pages as parallel
// subtests rather than starting one browser per page. Each page lives in its own browser context (a
// fresh cookie jar and cache), so parallel tests sharing a browser never
// see each other's sessions. Page methods fail the test on any DevTools
// error, so the tests read as a list of steps.
//
// Wharf's test servers must be served as http://localhost:PORT, not
// 127.0.0.1: WebAuthn accepts "localhost" as a relying party ID on plain
// HTTP, but never an IP address.
//
// Chromium comes from Debian (apt-get install chromium) and axe-core from
// npm (package.json at the repository root; scripts/deps installs both).
// When either is missing a test is skipped, except under CI=true, where it
// fails: a suite that CI never runs is a defect.
//
// The browser never reaches beyond loopback: it runs with background
// networking, component updates and QUIC off and with a host resolver that
// resolves nothing but localhost, and each page pauses every request with
// the Fetch domain and fails those for other origins, so a stray font or
// image link shows up as a test failure rather than as a request leaving
// the machine.
package browser
