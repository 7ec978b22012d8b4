package publish_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"

	"wharf"
	"wharf/publish"
)

const specHelp = " See https://packaging.python.org/specifications/core-metadata for more information."

// scene is the state a refusal case starts from.
type scene struct {
	alice, bob *account
	prior      dist // a file prepare uploaded, for cases that reuse it
	uploader   *account
}

func blake2Hex(b []byte) string {
	sum := blake2b.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// refusal is an upload that must be refused without writing anything.
type refusal struct {
	name      string
	configure func(t *testing.T, c *publish.Config)
	prepare   func(t *testing.T, e *env, s *scene)
	upload    func(t *testing.T, e *env, s *scene) dist
	code      string
	msg       string
	msgOf     func(e *env, d dist) string // a message that depends on the upload
	// blobsMayRemain marks refusals made inside the writing transaction,
	// after the blobs were stored: an unreferenced blob is harmless and
	// fsck removes it, but no row may remain.
	blobsMayRemain bool
}

func fooSdist(t *testing.T, e *env, s *scene) dist { return sdist(t, "foo-bar", "1.0", "a") }

// withSdist uploads foo-bar 1.0's sdist as alice.
func withSdist(t *testing.T, e *env, s *scene) {
	s.prior = sdist(t, "foo-bar", "1.0", "a")
	e.mustPublish(s.alice, s.prior)
}

func withWheel(t *testing.T, e *env, s *scene) {
	s.prior = wheel(t, "foo-bar", "1.0", "a")
	e.mustPublish(s.alice, s.prior)
}

func refusals() []refusal {
	return []refusal{
		{
			name: "unknown metadata version",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("metadata_version", "3.0")
			},
			code: wharf.EINVALID,
			msg:  "'3.0' is an invalid value for Metadata-Version. Error: Use a known metadata version." + specHelp,
		},
		{
			name:   "invalid name",
			upload: func(t *testing.T, e *env, s *scene) dist { return fooSdist(t, e, s).set("name", "-foo-bar") },
			code:   wharf.EINVALID,
			msg:    "'-foo-bar' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." + specHelp,
		},
		{
			name:   "invalid version",
			upload: func(t *testing.T, e *env, s *scene) dist { return fooSdist(t, e, s).set("version", "one") },
			code:   wharf.EINVALID,
			msg:    "'one' is an invalid value for Version. Error: Use a valid PEP 440 version." + specHelp,
		},
		{
			name:   "local version",
			upload: func(t *testing.T, e *env, s *scene) dist { return fooSdist(t, e, s).set("version", "1.0+local") },
			code:   wharf.EINVALID,
			msg:    "'1.0+local' is an invalid value for Version. Error: Can't use PEP 440 local versions." + specHelp,
		},
		{
			name: "summary too long",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("summary", strings.Repeat("x", 513))
			},
			code: wharf.EINVALID,
			msg:  "'" + strings.Repeat("x", 100) + "...' is an invalid value for Summary. Error: Use 512 characters or less." + specHelp,
		},
		{
			name: "unknown classifier",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("classifiers", "Programming Language :: Python :: 3", "Fake :: Classifier")
			},
			code: wharf.EINVALID,
			msg:  "Classifier 'Fake :: Classifier' is not a valid classifier.",
		},
		{
			name: "direct URL dependency",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("requires_dist", "requests>=2", "foo @ https://example.com/foo-1.0.tar.gz")
			},
			code: wharf.EINVALID,
			msg:  "Can't have direct dependency: foo @ https://example.com/foo-1.0.tar.gz",
		},
		{
			name:   "unknown filetype",
			upload: func(t *testing.T, e *env, s *scene) dist { return fooSdist(t, e, s).set("filetype", "bdist_egg") },
			code:   wharf.EINVALID,
			msg:    "Invalid value for filetype. Error: Use a known file type.",
		},
		{
			name:   "sdist with a Python version",
			upload: func(t *testing.T, e *env, s *scene) dist { return fooSdist(t, e, s).set("pyversion", "py3") },
			code:   wharf.EINVALID,
			msg:    "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist.",
		},
		{
			name:   "wheel without a Python version",
			upload: func(t *testing.T, e *env, s *scene) dist { return wheel(t, "foo-bar", "1.0", "a").set("pyversion") },
			code:   wharf.EINVALID,
			msg:    "Invalid value for pyversion. Error: Python version is required for binary distribution uploads.",
		},
		{
			name: "filetype and extension disagree",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("filetype", "bdist_wheel").set("pyversion", "py3")
			},
			code: wharf.EINVALID,
			msg:  `Invalid file extension: the filetype is 'bdist_wheel' but 'foo_bar-1.0.tar.gz' is not one.`,
		},
		{
			name: "unknown extension",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := fooSdist(t, e, s)
				d.filename = "foo_bar-1.0.exe"
				return d
			},
			code: wharf.EINVALID,
			msg:  "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://peps.python.org/pep-0527 and https://peps.python.org/pep-0625 for more information",
		},
		{
			name: "filename of another project",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := fooSdist(t, e, s)
				d.filename = "other-1.0.tar.gz"
				return d
			},
			code: wharf.EINVALID,
			msg:  `Start filename for 'foo-bar' with 'foo_bar'.`,
		},
		{
			name: "filename of another version",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := fooSdist(t, e, s)
				d.filename = "foo_bar-1.1.tar.gz"
				return d
			},
			code: wharf.EINVALID,
			msg:  `Version in filename should be '1.0' not '1.1'.`,
		},
		{
			name:      "platform tag outside PyPI's list",
			configure: func(t *testing.T, c *publish.Config) { c.PyPIPlatformTags = true },
			upload: func(t *testing.T, e *env, s *scene) dist {
				return wheelTagged(t, "foo-bar", "1.0", "cp312-cp312-linux_x86_64", "a").set("pyversion", "cp312")
			},
			code: wharf.EINVALID,
			msg:  "Binary wheel 'foo_bar-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'.",
		},
		{
			name: "sha256 digest mismatch",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("sha256_digest", strings.Repeat("0", 64))
			},
			code: wharf.EINVALID,
			msg:  "The digest supplied does not match a digest calculated from the uploaded file.",
		},
		{
			name: "md5 digest mismatch",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("md5_digest", strings.Repeat("0", 32))
			},
			code: wharf.EINVALID,
			msg:  "The digest supplied does not match a digest calculated from the uploaded file.",
		},
		{
			name: "blake2 digest mismatch",
			upload: func(t *testing.T, e *env, s *scene) dist {
				return fooSdist(t, e, s).set("blake2_256_digest", strings.Repeat("0", 64))
			},
			code: wharf.EINVALID,
			msg:  "The digest supplied does not match a digest calculated from the uploaded file.",
		},
		{
			name:    "other bytes under a used filename",
			prepare: withSdist,
			upload:  func(t *testing.T, e *env, s *scene) dist { return sdist(t, "foo-bar", "1.0", "b") },
			code:    wharf.EINVALID,
			msgOf: func(e *env, d dist) string {
				return "File already exists ('foo_bar-1.0.tar.gz', with blake2_256 hash '" + blake2Hex(d.data) + "'). See /help/#file-name-reuse for more information."
			},
		},
		{
			name:    "same bytes under another filename",
			prepare: withWheel,
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := s.prior.clone()
				d.filename = "foo_bar-1.0-py2.py3-none-any.whl"
				return d
			},
			code: wharf.EINVALID,
			msgOf: func(e *env, d dist) string {
				return "File already exists ('foo_bar-1.0-py2.py3-none-any.whl', with blake2_256 hash '" + blake2Hex(d.data) + "'). See /help/#file-name-reuse for more information."
			},
		},
		{
			name: "filename used by a deleted file",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				deleteFile(t, e, s.prior.filename)
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return sdist(t, "foo-bar", "1.0", "b") },
			code:   wharf.EINVALID,
			msg:    "This filename has already been used, use a different version. See /help/#file-name-reuse for more information.",
		},
		{
			name: "same bytes as a deleted file",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				deleteFile(t, e, s.prior.filename)
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return s.prior },
			code:   wharf.EINVALID,
			msg:    "This filename has already been used, use a different version. See /help/#file-name-reuse for more information.",
		},
		{
			name:    "second sdist",
			prepare: withSdist,
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := sdist(t, "foo-bar", "1.0", "b")
				d.filename = "foo-bar-1.0.tar.gz"
				return d
			},
			code: wharf.EINVALID,
			msg:  "Only one sdist may be uploaded per release.",
		},
		{
			name: "release older than the window",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				e.clock.Advance(15 * 24 * time.Hour)
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return wheel(t, "foo-bar", "1.0", "a") },
			code:   wharf.EINVALID,
			msg:    `New files cannot be added to release '1.0' more than 14 days after it was created.`,
		},
		{
			name: "project size limit",
			configure: func(t *testing.T, c *publish.Config) {
				c.MaxProjectSize = projectLimit(t)
			},
			prepare: withSdist,
			upload:  func(t *testing.T, e *env, s *scene) dist { return wheel(t, "foo-bar", "1.0", "a") },
			code:    wharf.ETOOLARGE,
			msgOf: func(e *env, d dist) string {
				return fmt.Sprintf(`Project size too large. Limit for project 'foo-bar' total size is %d bytes. See /help/#project-size-limit for more information.`, e.cfg.MaxProjectSize)
			},
		},
		{
			name:      "new project over the size limit",
			configure: func(t *testing.T, c *publish.Config) { c.MaxProjectSize = 101 },
			upload:    fooSdist,
			code:      wharf.ETOOLARGE,
			msg:       `Project size too large. Limit for project 'foo-bar' total size is 101 bytes. See /help/#project-size-limit for more information.`,
		},
		{
			name:      "prohibited name",
			configure: func(t *testing.T, c *publish.Config) { c.ProhibitedNames = []string{"Evil_Pkg"} },
			upload:    func(t *testing.T, e *env, s *scene) dist { return sdist(t, "evil.pkg", "1.0", "a") },
			code:      wharf.EINVALID,
			msg:       `The name 'evil.pkg' isn't allowed. See /help/#project-name for more information.`,
		},
		{
			name:   "standard library name json",
			upload: func(t *testing.T, e *env, s *scene) dist { return sdist(t, "json", "1.0", "a") },
			code:   wharf.EINVALID,
			msg:    `The name 'json' isn't allowed. See /help/#project-name for more information.`,
		},
		{
			name:   "standard library name asyncio",
			upload: func(t *testing.T, e *env, s *scene) dist { return wheel(t, "AsyncIO", "1.0", "a") },
			code:   wharf.EINVALID,
			msg:    `The name 'AsyncIO' isn't allowed. See /help/#project-name for more information.`,
		},
		{
			name:    "too similar by case and separators",
			prepare: withSdist,
			upload:  func(t *testing.T, e *env, s *scene) dist { return sdist(t, "FooBar", "1.0", "b") },
			code:    wharf.EINVALID,
			msg:     `The name 'FooBar' is too similar to an existing project. See /help/#project-name for more information.`,
		},
		{
			name:    "too similar by confusable letters",
			prepare: withSdist,
			upload:  func(t *testing.T, e *env, s *scene) dist { return sdist(t, "f00bar", "1.0", "b") },
			code:    wharf.EINVALID,
			msg:     `The name 'f00bar' is too similar to an existing project. See /help/#project-name for more information.`,
		},
		{
			name: "scoped token creating a project",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				s.uploader = scoped(e, s.alice, "foo-bar")
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return sdist(t, "new-proj", "1.0", "a") },
			code:   wharf.EFORBIDDEN,
			msg:    `Invalid API Token: project-scoped token is not valid for project: 'new-proj'`,
		},
		{
			name:      "new projects per user",
			configure: func(t *testing.T, c *publish.Config) { c.NewProjectsPerHour = 2 },
			prepare: func(t *testing.T, e *env, s *scene) {
				e.mustPublish(s.alice, sdist(t, "p1", "1.0", "a"))
				e.clock.Advance(30 * time.Minute)
				e.mustPublish(s.alice, sdist(t, "p2", "1.0", "a"))
				s.alice.actor.IP = "192.0.2.99" // not the IP limit
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return sdist(t, "p3", "1.0", "a") },
			code:   wharf.ETOOMANY,
			msg:    "Too many new projects created. Try again later.",
		},
		{
			name:      "new projects per IP",
			configure: func(t *testing.T, c *publish.Config) { c.NewProjectsPerHour = 2 },
			prepare: func(t *testing.T, e *env, s *scene) {
				e.mustPublish(s.alice, sdist(t, "p1", "1.0", "a"))
				e.mustPublish(s.bob, sdist(t, "p2", "1.0", "a"))
				s.uploader = e.account("carol")
			},
			upload:         func(t *testing.T, e *env, s *scene) dist { return sdist(t, "p3", "1.0", "a") },
			code:           wharf.ETOOMANY,
			msg:            "Too many new projects created. Try again later.",
			blobsMayRemain: true,
		},
		{
			name: "another user's project",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				s.uploader = s.bob
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return wheel(t, "foo-bar", "1.0", "a") },
			code:   wharf.EFORBIDDEN,
			msg:    `The user 'bob' isn't allowed to upload to project 'foo-bar'. See /help/#project-name for more information.`,
		},
		{
			name: "another user's project, same bytes",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				s.uploader = s.bob
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return s.prior },
			code:   wharf.EFORBIDDEN,
			msg:    `The user 'bob' isn't allowed to upload to project 'foo-bar'. See /help/#project-name for more information.`,
		},
		{
			name: "token scoped to another project",
			prepare: func(t *testing.T, e *env, s *scene) {
				withSdist(t, e, s)
				e.mustPublish(s.alice, sdist(t, "other", "1.0", "a"))
				s.uploader = scoped(e, s.alice, "other")
			},
			upload: func(t *testing.T, e *env, s *scene) dist { return wheel(t, "foo-bar", "1.0", "a") },
			code:   wharf.EFORBIDDEN,
			msg:    `Invalid API Token: project-scoped token is not valid for project: 'foo-bar'`,
		},
		{
			name: "archive names another project",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := wheel(t, "foo-bar", "1.0", "a")
				d.data = buildWheel(t, "foo_bar-1.0", metadata("other-name", "1.0"), "a")
				return d
			},
			code: wharf.EINVALID,
			msg:  `The core metadata in 'foo_bar-1.0-py3-none-any.whl' names the project 'other-name', but the upload is for 'foo-bar'.`,
		},
		{
			name: "archive gives another version",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := sdist(t, "foo-bar", "1.0", "a")
				d.data = buildSdist(t, "foo_bar-1.0", metadata("foo-bar", "2.0"), "a")
				return d
			},
			code: wharf.EINVALID,
			msg:  `The core metadata in 'foo_bar-1.0.tar.gz' gives the version '2.0', but the upload is for '1.0'.`,
		},
		{
			name: "not an archive",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := wheel(t, "foo-bar", "1.0", "a")
				d.data = []byte("this is not a zip file")
				return d
			},
			code: wharf.EINVALID,
		},
		{
			name: "wheel whose .dist-info names another project",
			upload: func(t *testing.T, e *env, s *scene) dist {
				d := wheel(t, "foo-bar", "1.0", "a")
				d.data = buildWheel(t, "other-1.0", metadata("foo-bar", "1.0"), "a")
				return d
			},
			code: wharf.EINVALID,
		},
	}
}

// projectLimit is the project size limit of the "project size limit" case:
// room for foo-bar's sdist but not its wheel too. It is odd, so that the
// message states it in bytes.
func projectLimit(t *testing.T) int64 {
	return int64(len(sdist(t, "foo-bar", "1.0", "a").data)+len(wheel(t, "foo-bar", "1.0", "a").data)-2) | 1
}

// scoped returns a copy of a whose token is scoped to projects.
func scoped(e *env, a *account, projects ...string) *account {
	e.t.Helper()
	c := *a
	c.token = e.mint(a.user, projects, time.Time{})
	c.pr = e.auth(c.token)
	c.actor.TokenID = c.pr.Token.ID
	return &c
}

// deleteFile removes a file's row, as wharf's delete command does.
func deleteFile(t *testing.T, e *env, filename string) {
	t.Helper()
	err := e.store.Update(t.Context(), func(tx wharf.Tx) error {
		f, err := tx.FileByFilename(t.Context(), filename)
		if err != nil {
			return err
		}
		return tx.DeleteFile(t.Context(), f.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPublishRefusals(t *testing.T) {
	for _, tt := range refusals() {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *publish.Config) {
				if tt.configure != nil {
					tt.configure(t, c)
				}
			})
			s := &scene{alice: e.account("alice"), bob: e.account("bob")}
			if tt.prepare != nil {
				tt.prepare(t, e, s)
			}
			if s.uploader == nil {
				s.uploader = s.alice
			}
			d := tt.upload(t, e, s)
			before, changes := e.snapshot(), len(e.changed)
			res, err := e.publish(s.uploader, d)
			if err == nil {
				t.Fatalf("Publish = %+v, want a refusal", res)
			}
			msg := tt.msg
			if tt.msgOf != nil {
				msg = tt.msgOf(e, d)
			}
			wantErr(t, err, tt.code, msg)
			after := e.snapshot()
			if tt.blobsMayRemain {
				after["blobs"] = before["blobs"]
			}
			if !maps.Equal(before, after) {
				t.Errorf("a refused upload changed the store:\nbefore %v\nafter  %v", before, after)
			}
			if len(e.changed) != changes {
				t.Errorf("a refused upload announced a change: %q", e.changed[changes:])
			}
		})
	}
}

func TestPublishNewProject(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	d := sdist(t, "Foo.Bar", "1.0", "a")
	d.fields["requires_dist"] = []string{"requests>=2"}
	d.fields["classifiers"] = []string{"Programming Language :: Python :: 3"}
	res := e.mustPublish(alice, d)
	f := res.File
	if res.Project != "foo-bar" || f.Filename != "Foo_Bar-1.0.tar.gz" || f.Version != "1.0" || f.PackageType != wharf.PackageSdist ||
		f.PythonVersion != "source" || f.Size != int64(len(d.data)) || f.SHA256 != sha256Hex(d.data) ||
		f.Blake2b256 != blake2Hex(d.data) || f.UploaderID != alice.user.ID || f.TokenID != alice.pr.Token.ID {
		t.Errorf("Result = %+v", res)
	}
	for _, sum := range []string{f.SHA256, f.MetadataSHA256} {
		if _, err := e.blobs.Stat(t.Context(), wharf.BlobKey(sum)); err != nil {
			t.Errorf("blob %s: %v", sum, err)
		}
	}
	if f.MetadataSHA256 != sha256Hex([]byte(metadata("Foo.Bar", "1.0"))) {
		t.Errorf("metadata blob %s is not the archive's PKG-INFO", f.MetadataSHA256)
	}
	err := e.store.View(t.Context(), func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(t.Context(), "foo-bar")
		if err != nil {
			return err
		}
		if p.DisplayName != "Foo.Bar" || p.TotalSize != f.Size || p.CreatedBy != alice.user.ID || p.LastSerial == 0 {
			t.Errorf("project = %+v", *p)
		}
		if role, _ := tx.RoleOf(t.Context(), p.ID, alice.user.ID); role != wharf.RoleOwner {
			t.Errorf("uploader's role = %q, want Owner", role)
		}
		r, err := tx.ReleaseByCanonical(t.Context(), p.ID, "1")
		if err != nil {
			return err
		}
		var info wharf.ReleaseInfo
		if err := json.Unmarshal([]byte(r.InfoJSON), &info); err != nil {
			return err
		}
		if r.Summary != "A test package" || info.Name != "Foo.Bar" || !slices.Equal(info.RequiresDist, []string{"requests>=2"}) {
			t.Errorf("release = %+v, info %+v", *r, info)
		}
		tok, err := tx.TokenByID(t.Context(), alice.pr.Token.ID)
		if err == nil && !tok.LastUsed.Equal(e.clock.Now()) {
			t.Errorf("token last used %v, want %v", tok.LastUsed, e.clock.Now())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, e, "SELECT action FROM journal ORDER BY serial",
		"create", "new release", "add source file Foo_Bar-1.0.tar.gz")
	wantRows(t, e, "SELECT tag FROM events ORDER BY id",
		"project:create", "project:role:add", "project:release:add", "file:add")
	if !slices.Equal(e.changed, []string{"foo-bar"}) {
		t.Errorf("changes announced: %q, want foo-bar", e.changed)
	}

	// A wheel of the same release adds a file and no release.
	w := wheel(t, "foo-bar", "1.0", "a")
	e.mustPublish(alice, w)
	wantRows(t, e, "SELECT action FROM journal ORDER BY serial",
		"create", "new release", "add source file Foo_Bar-1.0.tar.gz", "add py3 file foo_bar-1.0-py3-none-any.whl")
	wantRows(t, e, "SELECT tag FROM events ORDER BY id",
		"project:create", "project:role:add", "project:release:add", "file:add", "file:add")
	wantRows(t, e, "SELECT total_size FROM projects", fmt.Sprint(len(d.data)+len(w.data)))
}

func wantRows(t *testing.T, e *env, query string, want ...string) {
	t.Helper()
	if got := e.column(query); !slices.Equal(got, want) {
		t.Errorf("%s =\n%q\nwant\n%q", query, got, want)
	}
}

func TestPublishDuplicate(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	d := wheel(t, "foo-bar", "1.0", "a")
	first := e.mustPublish(alice, d)
	before := e.snapshot()
	res, err := e.publish(alice, d)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Duplicate || res.File.ID != first.File.ID || res.File.SHA256 != first.File.SHA256 {
		t.Errorf("second upload = %+v, want a duplicate of file %d", res, first.File.ID)
	}
	if after := e.snapshot(); !maps.Equal(before, after) {
		t.Errorf("a duplicate changed the store:\nbefore %v\nafter  %v", before, after)
	}
	if len(e.changed) != 1 {
		t.Errorf("a duplicate announced a change: %q", e.changed)
	}
}

// TestPublishOneRelease checks that 1.0 and 1.0.0 name one release.
func TestPublishOneRelease(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	res := e.mustPublish(alice, wheel(t, "foo-bar", "1.0.0", "a"))
	if res.File.Version != "1.0" {
		t.Errorf("the 1.0.0 wheel joined release %q, want 1.0", res.File.Version)
	}
	// A wheel whose filename spells the version differently from the form.
	d := wheelTagged(t, "foo-bar", "1.0", "py2-none-any", "a")
	d.filename = "foo_bar-1.0.0-py2-none-any.whl"
	d.data = buildWheel(t, "foo_bar-1.0.0", metadata("foo-bar", "1.0"), "b")
	e.mustPublish(alice, d)
	wantRows(t, e, "SELECT version FROM releases", "1.0")
	wantRows(t, e, "SELECT COUNT(*) FROM files", "3")
}

// TestPublishAllowed covers uploads that similar refusals must not catch.
func TestPublishAllowed(t *testing.T) {
	tests := []struct {
		name string
		d    func(t *testing.T) dist
	}{
		{"linux platform tag by default", func(t *testing.T) dist {
			return wheelTagged(t, "foo-bar", "1.0", "cp312-cp312-linux_x86_64", "a").set("pyversion", "cp312")
		}},
		{"name that is no module", func(t *testing.T) dist { return sdist(t, "requests", "2.0", "a") }},
		{"sdist without pyversion", func(t *testing.T) dist { return sdist(t, "foo-bar", "1.0", "a").set("pyversion") }},
		{"upper-case digest", func(t *testing.T) dist {
			d := sdist(t, "foo-bar", "1.0", "a")
			return d.set("sha256_digest", strings.ToUpper(sha256Hex(d.data)))
		}},
		{"legacy UNKNOWN summary", func(t *testing.T) dist { return sdist(t, "foo-bar", "1.0", "a").set("summary", "UNKNOWN") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.mustPublish(e.account("alice"), tt.d(t))
		})
	}
}

func TestPublishPlatformTagsOnPyPIList(t *testing.T) {
	e := newEnv(t, func(c *publish.Config) { c.PyPIPlatformTags = true })
	alice := e.account("alice")
	d := wheelTagged(t, "foo-bar", "1.0", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", "a").set("pyversion", "cp312")
	e.mustPublish(alice, d)
}

func TestPublishRateLimitWindow(t *testing.T) {
	e := newEnv(t, func(c *publish.Config) { c.NewProjectsPerHour = 1 })
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "p1", "1.0", "a"))
	_, err := e.publish(alice, sdist(t, "p2", "1.0", "a"))
	wantErr(t, err, wharf.ETOOMANY, "Too many new projects created. Try again later.")
	// New files for an existing project are not limited.
	e.mustPublish(alice, wheel(t, "p1", "1.0", "a"))
	e.clock.Advance(61 * time.Minute)
	e.mustPublish(alice, sdist(t, "p2", "1.0", "a"))
}

func TestPublishReleaseWindowNewRelease(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	e.clock.Advance(13 * 24 * time.Hour)
	e.mustPublish(alice, wheel(t, "foo-bar", "1.0", "a"))
	e.clock.Advance(2 * 24 * time.Hour)
	// A new release has a window of its own.
	e.mustPublish(alice, sdist(t, "foo-bar", "1.1", "a"))
}

func TestPublishMaintainer(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.account("alice"), e.account("bob")
	e.mustPublish(alice, sdist(t, "foo-bar", "1.0", "a"))
	err := e.store.Update(t.Context(), func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(t.Context(), "foo-bar")
		if err != nil {
			return err
		}
		return tx.SetRole(t.Context(), p.ID, bob.user.ID, wharf.RoleMaintainer)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.mustPublish(bob, wheel(t, "foo-bar", "1.0", "a"))
	e.mustPublish(scoped(e, bob, "foo-bar"), sdist(t, "foo-bar", "1.1", "a"))
}

func TestPublishNoFile(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	d := sdist(t, "foo-bar", "1.0", "a")
	_, err := e.svc.Publish(t.Context(), alice.pr, alice.actor, publish.Upload{Fields: d.fields})
	wantErr(t, err, wharf.EINVALID, "Upload payload does not have a file.")
}
