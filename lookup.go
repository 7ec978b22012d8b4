package wharf

import "context"

// LookupTx finds many users or projects by id at once, for pages that
// list records naming many of them (audit history). One call costs a few
// queries however many ids it is given, where a loop over UserByID would
// cost one per id.
type LookupTx interface {
	// UsersByID returns the users with these ids, keyed by id. Ids no
	// user has (and repeated ids) are left out without an error, since a
	// record may outlive the account it names.
	UsersByID(ctx context.Context, ids []int64) (map[int64]User, error)
	// ProjectsByID returns the projects with these ids, keyed by id, on
	// the same terms as UsersByID.
	ProjectsByID(ctx context.Context, ids []int64) (map[int64]Project, error)
}
