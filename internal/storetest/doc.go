// Package storetest holds conformance suites for wharf's storage interfaces.
// Each suite is an ordinary function taking a *testing.T and a constructor,
// so every adapter's tests run the same checks against their own backend,
// and a behaviour the interface promises is tested once for all of them.
package storetest
