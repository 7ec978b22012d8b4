package wharf

import (
	"encoding/json"
	"time"
)

// Project is a named collection of releases. Name is the PEP 503 normalized
// name and the key; DisplayName is the name as first uploaded.
type Project struct {
	ID            int64
	Name          string
	DisplayName   string
	SimilarityKey string // confusable-folded name, unique across projects
	LastSerial    int64
	TotalSize     int64
	Created       time.Time
	CreatedBy     int64 // user id
}

// Release is one version of a project.
type Release struct {
	ID             int64
	ProjectID      int64
	Version        string // normalized (PEP 440 str(Version))
	Canonical      string // identity: 1.0 and 1.0.0 are one release
	SortKey        string // byte order equals PEP 440 order
	Yanked         bool
	YankedReason   string
	RequiresPython string
	Summary        string
	InfoJSON       string // the JSON API's "info" fields, rendered at upload
	Created        time.Time
}

// Package types, as in the upload form's filetype field.
const (
	PackageSdist = "sdist"
	PackageWheel = "bdist_wheel"
)

// File is one uploaded distribution file.
type File struct {
	ID             int64
	ReleaseID      int64
	ProjectID      int64
	Filename       string
	PackageType    string
	PythonVersion  string
	RequiresPython string
	Size           int64
	SHA256         string
	Blake2b256     string
	MD5            string
	MetadataSHA256 string // sha256 of the core metadata blob (PEP 658)
	MetadataSize   int64
	UploadTime     time.Time
	UploaderID     int64
	TokenID        string
	// LogIndex is the index of the file's record in the transparency log,
	// or -1 for a file not yet recorded there.
	LogIndex int64

	// Version and Yanked are filled when files are listed with their
	// release; they are not columns of the file.
	Version      string
	Yanked       bool
	YankedReason string
}

// User is an account. PasswordHash is empty for accounts that cannot log in.
type User struct {
	ID           int64
	Name         string
	Email        string
	PasswordHash string
	IsAdmin      bool
	Created      time.Time

	// EmailVerified says the owner proved they read Email.
	EmailVerified bool
	// Service marks an account for CI: no password, no web login, tokens
	// only; exempt from the two-factor policy.
	Service bool
	// TOTPSecret is the authenticator-app secret, sealed with a server key;
	// empty when TOTP is not enabled.
	TOTPSecret []byte
	// TOTPLastStep is the time step of the last accepted TOTP code; codes
	// at or before it are refused (no replay).
	TOTPLastStep int64
	// LoginCount rises with every login and every password change, voiding
	// pending second-factor tokens issued before.
	LoginCount int64
	// PendingEmail is an address the user asked to change to, not yet
	// verified.
	PendingEmail string
}

// Roles a user can hold on a project.
const (
	RoleOwner      = "Owner"
	RoleMaintainer = "Maintainer"
)

// Role is a user's role on a project.
type Role struct {
	ProjectID int64
	UserID    int64
	UserName  string
	Role      string
}

// Token is the record of an API token. The token's secret is never stored:
// its root key is derived from the server secret and the ID.
type Token struct {
	ID          string
	UserID      int64
	Description string
	Projects    []string // normalized names; empty means every project of the user
	Expires     time.Time
	Created     time.Time
	LastUsed    time.Time
	Revoked     bool
	// MadeWith2FA says the session that created the token had passed a
	// second factor (false for tokens made with the command line).
	MadeWith2FA bool
}

// Journal actions.
const (
	ActionCreate   = "create"
	ActionAddFile  = "add file"
	ActionYank     = "yank release"
	ActionUnyank   = "unyank release"
	ActionRemove   = "remove release"
	ActionRemFile  = "remove file"
	ActionAddRole  = "add role"
	ActionDelRole  = "remove role"
	ActionNewToken = "new token"
)

// JournalEntry records one change to a project. Serials increase
// monotonically; they feed X-PyPI-Last-Serial and cache invalidation.
type JournalEntry struct {
	Serial   int64
	Project  string // normalized name
	Version  string
	Filename string
	Action   string
	Time     time.Time
	ActorID  int64
}

// Event is an append-only audit record in PyPI's tag style
// ("project:release:add").
type Event struct {
	ID        int64
	Tag       string
	ProjectID int64
	UserID    int64
	ActorID   int64
	IP        string
	UserAgent string
	Details   string // JSON object
	Time      time.Time
	// IPHashed says IP holds a keyed hash of the address, not the address:
	// addresses are kept readable only for the retention period.
	IPHashed bool
}

// Invitation asks a user to take a role on a project. It is pending until
// the user accepts or declines it, or it expires.
type Invitation struct {
	ProjectID int64
	UserID    int64
	Role      string
	InvitedBy int64
	Created   time.Time
	Expires   time.Time

	// Project (display name), UserName and InviterName are filled when
	// invitations are listed; they are not columns.
	Project     string
	UserName    string
	InviterName string
}

// Actor is who performs an action: the user, the token used, and where the
// request came from. Use cases take it instead of a request.
type Actor struct {
	UserID    int64
	UserName  string
	TokenID   string
	IP        string
	UserAgent string
}

// ReleaseInfo is the core metadata of a release as the JSON API shows it,
// taken from the upload that created the release and stored as JSON.
type ReleaseInfo struct {
	Name                   string   `json:"name"`
	Version                string   `json:"version"`
	Summary                string   `json:"summary"`
	Description            string   `json:"description"`
	DescriptionContentType string   `json:"description_content_type"`
	Keywords               string   `json:"keywords"`
	HomePage               string   `json:"home_page"`
	DownloadURL            string   `json:"download_url"`
	Author                 string   `json:"author"`
	AuthorEmail            string   `json:"author_email"`
	Maintainer             string   `json:"maintainer"`
	MaintainerEmail        string   `json:"maintainer_email"`
	License                string   `json:"license"`
	LicenseExpression      string   `json:"license_expression"`
	LicenseFiles           []string `json:"license_files"`
	Classifiers            []string `json:"classifiers"`
	Platforms              []string `json:"platform"`
	RequiresDist           []string `json:"requires_dist"`
	RequiresPython         string   `json:"requires_python"`
	ProvidesExtra          []string `json:"provides_extra"`
	Dynamic                []string `json:"dynamic"`
	ProjectURLs            []string `json:"project_urls"` // "Label, URL"
}

// Event returns an audit event of this actor with details encoded as JSON.
// userID is the account the event concerns (0 for a project-only event).
func (a Actor) Event(tag string, projectID, userID int64, details map[string]any) *Event {
	if details == nil {
		details = map[string]any{}
	}
	b, err := json.Marshal(details)
	if err != nil {
		// Details are maps of strings, numbers and times; they always encode.
		b = []byte("{}")
	}
	if userID == 0 {
		userID = a.UserID
	}
	return &Event{Tag: tag, ProjectID: projectID, UserID: userID, ActorID: a.UserID, IP: a.IP, UserAgent: a.UserAgent, Details: string(b)}
}
