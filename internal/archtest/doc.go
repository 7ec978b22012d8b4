// Package archtest holds a test that keeps wharf's import arrows pointing
// one way (see docs/architecture.md). It has no code of its own.
package archtest
