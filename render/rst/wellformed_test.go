package rst_test

import "testing"

// checkWellFormed is filled in with the fuzz test.
func checkWellFormed(t testing.TB, s string) { t.Helper() }
