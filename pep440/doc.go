// Package pep440 parses, normalises and orders Python package versions and
// version specifiers as defined by PEP 440, matching the behaviour of the
// Python "packaging" library (packaging.version.Version,
// packaging.specifiers.SpecifierSet and packaging.utils.canonicalize_version).
//
// A Version is parsed with Parse, printed in normal form with String and in
// canonical form with Canonical, and ordered with Compare. SortKey gives a
// string whose byte order equals the PEP 440 order, so that versions can be
// sorted by a database; the column must use a byte-wise collation (SQLite's
// BINARY, PostgreSQL's "C").
//
// Numbers in versions are kept as decimal strings, so arbitrarily large
// components are compared exactly and never overflow. Inputs are bounded in
// length to keep parsing cheap; see MaxLength.
//
// Every parse error matches ErrInvalid with errors.Is, and its message is
// safe to show to the user who supplied the input.
//
// The package is a leaf: it imports only the standard library.
package pep440
