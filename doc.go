// Package wharf holds the domain of the index: projects, releases, files,
// users, roles, tokens, journal entries and audit events; the Store, Tx and
// BlobStore interfaces that adapters implement; and the error codes that
// every layer uses. It performs no I/O and imports nothing but the standard
// library, so that every other package may depend on it.
package wharf
