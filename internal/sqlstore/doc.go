// Package sqlstore implements wharf.Tx with portable SQL on database/sql.
// The sqlite adapter (and a later postgres one) supply the connection, the
// migrations and a Dialect that rewrites placeholders and classifies driver
// errors, so the queries themselves are written once.
package sqlstore
