// Package e2e holds wharf's end-to-end tests: they build the wharf binary,
// run "wharf serve" on a loopback port with a fresh data folder, and drive
// it with the real Python packaging clients — python -m build, twine, pip
// (three generations), poetry and pdm — and with the wharf commands, the
// way an operator and their users would.
//
// The tests need Debian's Python tools (see scripts/deps) and pyenv's
// Python 3.11.7 and 3.13.0 for the newer pip generations. When a tool is
// missing a test is skipped, except under CI=true, where it fails: a suite
// that CI never runs is a defect. WHARF_BIN names a prebuilt binary to test
// instead of building one.
//
// No test needs the network beyond loopback: projects are built with
// --no-isolation and every client is pointed at the wharf under test only.
package e2e
