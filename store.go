package wharf

import (
	"context"
	"time"
)

// Store is the metadata database. Every read and write happens inside a
// transaction passed to a closure, so a use case sees one consistent state
// and one fixed clock (Tx.Now).
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed when fn returns
	// nil and rolled back otherwise. Writers are serialised.
	Update(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction. Methods that find nothing return an ENOTFOUND
// error; inserts that break a uniqueness rule return ECONFLICT. A Tx must
// not be used after its closure returns, nor from several goroutines.
type Tx interface {
	// Now is the transaction's fixed time, used for every timestamp in it.
	Now() time.Time

	UserTx
	AccountTx
	TokenTx
	InvitationTx
	ProjectTx
	ReleaseTx
	FileTx
	JournalTx
	EventTx
	LookupTx
	LogTx
	BrowseTx
	SearchTx
}

// UserTx reads and writes accounts.
type UserTx interface {
	CreateUser(ctx context.Context, u *User) error
	UserByName(ctx context.Context, name string) (*User, error)
	UserByID(ctx context.Context, id int64) (*User, error)
}

// TokenTx reads and writes API token records.
type TokenTx interface {
	CreateToken(ctx context.Context, t *Token) error
	TokenByID(ctx context.Context, id string) (*Token, error)
	Tokens(ctx context.Context, userID int64) ([]Token, error)
	RevokeToken(ctx context.Context, id string) error
	TouchToken(ctx context.Context, id string, at time.Time) error
	// RestrictToken records narrower limits for the token: the projects it
	// is for (nil keeps them) and its expiry (zero keeps it). Callers
	// only ever narrow; the server checks the record on every use.
	RestrictToken(ctx context.Context, id string, projects []string, expires time.Time) error
}

// InvitationTx reads and writes pending role invitations.
type InvitationTx interface {
	// AddInvitation records an invitation; ECONFLICT if the user already
	// has one for the project (even an expired one: remove it first).
	AddInvitation(ctx context.Context, inv *Invitation) error
	// InvitationFor returns the user's invitation to the project.
	InvitationFor(ctx context.Context, projectID, userID int64) (*Invitation, error)
	// DeleteInvitation removes an invitation (accepted, declined, revoked
	// or expired).
	DeleteInvitation(ctx context.Context, projectID, userID int64) error
	// ProjectInvitations lists a project's invitations, oldest first.
	ProjectInvitations(ctx context.Context, projectID int64) ([]Invitation, error)
	// UserInvitations lists the invitations sent to a user, oldest first.
	UserInvitations(ctx context.Context, userID int64) ([]Invitation, error)
}

// ProjectTx reads and writes projects and roles.
type ProjectTx interface {
	CreateProject(ctx context.Context, p *Project) error
	ProjectByName(ctx context.Context, normalized string) (*Project, error)
	ProjectBySimilarityKey(ctx context.Context, key string) (*Project, error)
	// Projects lists every project ordered by name.
	Projects(ctx context.Context) ([]Project, error)
	// CountProjectsCreatedBy counts projects the user created since t.
	CountProjectsCreatedBy(ctx context.Context, userID int64, since time.Time) (int, error)
	AddProjectSize(ctx context.Context, projectID, delta int64) error
	SetRole(ctx context.Context, projectID, userID int64, role string) error
	RemoveRole(ctx context.Context, projectID, userID int64) error
	// RoleOf returns the user's role on the project, or "" if none.
	RoleOf(ctx context.Context, projectID, userID int64) (string, error)
	Roles(ctx context.Context, projectID int64) ([]Role, error)
}

// ReleaseTx reads and writes releases.
type ReleaseTx interface {
	CreateRelease(ctx context.Context, r *Release) error
	ReleaseByCanonical(ctx context.Context, projectID int64, canonical string) (*Release, error)
	// Releases lists a project's releases in PEP 440 order, oldest first.
	Releases(ctx context.Context, projectID int64) ([]Release, error)
	SetYanked(ctx context.Context, releaseID int64, yanked bool, reason string) error
	DeleteRelease(ctx context.Context, releaseID int64) error
}

// FileTx reads and writes files and the registry of used filenames.
type FileTx interface {
	// AddFile inserts the file and records its filename as used forever.
	AddFile(ctx context.Context, f *File) error
	FileByFilename(ctx context.Context, filename string) (*File, error)
	FileByBlake2(ctx context.Context, digest string) (*File, error)
	// FilenameUsed reports whether the filename was ever accepted, even if
	// the file has since been deleted.
	FilenameUsed(ctx context.Context, filename string) (bool, error)
	// Files lists a project's files with their release's version and yank
	// state, in release order then filename.
	Files(ctx context.Context, projectID int64) ([]File, error)
	ReleaseFiles(ctx context.Context, releaseID int64) ([]File, error)
	DeleteFile(ctx context.Context, fileID int64) error
	// BlobReferenced reports whether any file uses the blob with this sha256
	// as its content or its metadata.
	BlobReferenced(ctx context.Context, sha256 string) (bool, error)
	// EachFile calls fn for every file, stopping at fn's first error.
	EachFile(ctx context.Context, fn func(File) error) error
}

// JournalTx appends to and reads the journal and the audit log.
type JournalTx interface {
	// Journal appends an entry, fills its Serial and Time, and raises the
	// project's last serial.
	Journal(ctx context.Context, e *JournalEntry) error
	LastSerial(ctx context.Context) (int64, error)
	// JournalSince lists entries with a serial above the given one, oldest
	// first, at most limit of them.
	JournalSince(ctx context.Context, serial int64, limit int) ([]JournalEntry, error)
	AddEvent(ctx context.Context, e *Event) error
}
