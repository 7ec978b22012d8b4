// Package sqlite is the wharf.Store adapter for SQLite, through the pure-Go
// modernc.org/sqlite driver (no cgo). It opens the database in WAL mode so
// that readers never wait for the writer and so that wharf commands can run
// while the server does; writers take the lock at BEGIN (IMMEDIATE) so that
// concurrent writers queue instead of failing on upgrade.
package sqlite
