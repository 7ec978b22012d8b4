// Package audit is the use case of reading the security history: the
// audit events about an account, about a project, or about everything,
// each page checked against who asks, and the retention of the addresses
// the events carry.
//
// Who sees what:
//   - A user sees the events about their own account (Event.UserID), and
//     no one else's.
//   - The owners and maintainers of a project see its events; anyone
//     else (but an admin) gets ENOTFOUND, the answer an unknown project
//     gets, so that the history does not reveal which projects exist.
//   - Admins see every event, filtered by user, project and type.
//
// Addresses are personal data. On a project's history a collaborator sees
// only the addresses of their own actions; on an account's history the
// owner sees the addresses of their own actions and of anonymous requests
// against the account (failed logins, reset requests), not those of other
// people who acted on it (an owner adding them to a project). Admins see
// every address.
//
// After the retention period (Options.Retention) Retain replaces each
// address with a keyed hash: "hmac-sha256:" and the hex HMAC-SHA256 of the
// address under a key derived from the server secret. Equal addresses keep
// equal hashes, so an admin can still tell that two old events came from
// one place, but nobody can read an address back, and a hash never leaves
// this package: a hidden address is reported as hidden, not shown. Retain
// is the only change ever made to a recorded event.
package audit
