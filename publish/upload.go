package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"wharf"
	"wharf/dist"
	"wharf/translog"
)

// Upload is one received upload: the form fields and the spooled file.
type Upload struct {
	Fields map[string][]string
	File   *Spooled
	// Local marks an upload by an operator on this machine (wharf import):
	// it is not rate limited.
	Local bool
}

// Result says what an upload did.
type Result struct {
	File      wharf.File
	Project   string // normalized name
	Duplicate bool   // the identical file was there already; nothing changed
}

// Publish validates and stores an upload for the principal. Every refusal is
// a coded error whose message reads like PyPI's. Blobs are made durable
// before the transaction that references them commits, so a crash leaves at
// worst an unreferenced blob.
func (s *Service) Publish(ctx context.Context, pr *Principal, actor wharf.Actor, up Upload) (*Result, error) {
	fm, err := s.checkForm(up.Fields, up.File)
	if err != nil {
		return nil, err
	}
	// A read-only pass first, so that a refused upload (no permission, a
	// duplicate) costs no archive inspection and writes no blob.
	var dup *wharf.File
	err = s.store.View(ctx, func(tx wharf.Tx) error {
		dup, err = s.plan(ctx, tx, pr, fm, up)
		return err
	})
	if err != nil {
		return nil, err
	}
	if dup != nil {
		return &Result{File: *dup, Project: fm.name, Duplicate: true}, nil
	}
	// The README is rendered after the checks that need no work, as on
	// PyPI, and before the archive is opened: a description that cannot
	// be rendered is refused before any blob is written.
	desc, err := s.describe(fm, up.Local)
	if err != nil {
		return nil, err
	}
	metadata, err := s.inspect(fm, up.File)
	if err != nil {
		return nil, err
	}
	metaSum := sha256.Sum256(metadata)
	metaHex := hex.EncodeToString(metaSum[:])
	if err := s.putBlobs(ctx, up.File, metaHex, metadata); err != nil {
		return nil, err
	}
	res := &Result{Project: fm.name}
	var notice *releaseNotice
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		dup, err := s.plan(ctx, tx, pr, fm, up)
		if err != nil || dup != nil {
			if dup != nil {
				res.File, res.Duplicate = *dup, true
			}
			return err
		}
		// A deletion may have removed a blob with these bytes since the
		// Put above; deletions hold the write transaction, so once the
		// blobs are seen here they stay until this commits.
		if err := s.ensureBlobs(ctx, up.File, metaHex, metadata); err != nil {
			return err
		}
		var created *wharf.Project
		res.File, created, err = s.record(ctx, tx, pr, actor, fm, up.File, desc, metaHex, int64(len(metadata)))
		if err != nil || created == nil {
			return err
		}
		notice, err = s.releaseNotice(ctx, tx, pr, created, res.File.Version)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !res.Duplicate {
		s.changed(fm.name)
	}
	s.sendReleaseNotice(ctx, notice)
	return res, nil
}

// putBlobs stores the file and its core metadata, durably.
func (s *Service) putBlobs(ctx context.Context, file *Spooled, metaHex string, metadata []byte) error {
	if err := s.blobs.Put(ctx, wharf.BlobKey(file.SHA256), file.Open(), file.Size); err != nil {
		return err
	}
	return s.blobs.Put(ctx, wharf.BlobKey(metaHex), bytes.NewReader(metadata), int64(len(metadata)))
}

// ensureBlobs puts the blobs again if either has gone missing.
func (s *Service) ensureBlobs(ctx context.Context, file *Spooled, metaHex string, metadata []byte) error {
	for _, sum := range []string{file.SHA256, metaHex} {
		_, err := s.blobs.Stat(ctx, wharf.BlobKey(sum))
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return s.putBlobs(ctx, file, metaHex, metadata)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func tokenID(pr *Principal) string {
	if pr.Token == nil {
		return ""
	}
	return pr.Token.ID
}

func (s *Service) changed(project string) {
	if s.onChange != nil {
		s.onChange(project)
	}
}

// plan checks the upload against the database: the project's name and the
// uploader's permission, file reuse, the release's rules and size limits.
// It returns the existing file when the same bytes were uploaded before.
// It runs in the read-only pass and again inside the writing transaction,
// so a race cannot slip past it.
func (s *Service) plan(ctx context.Context, tx wharf.Tx, pr *Principal, fm *form, up Upload) (*wharf.File, error) {
	project, err := tx.ProjectByName(ctx, fm.name)
	switch {
	case wharf.IsCode(err, wharf.ENOTFOUND):
		if err := s.checkNewProject(ctx, tx, pr, fm, up); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if err := s.checkPermission(ctx, tx, pr, project); err != nil {
			return nil, err
		}
	}
	if dup, err := s.checkReuse(ctx, tx, up.File); dup != nil || err != nil {
		return dup, err
	}
	// A new project's first file counts against the size limit too, or a
	// limit below MaxFileSize could be passed once per project.
	total, display := int64(0), fm.meta.Name
	if project != nil {
		total, display = project.TotalSize, project.DisplayName
	}
	if s.cfg.MaxProjectSize > 0 && total+up.File.Size > s.cfg.MaxProjectSize {
		return nil, wharf.Errorf(wharf.ETOOLARGE, "Project size too large. Limit for project '%s' total size is %s. See /help/#project-size-limit for more information.",
			display, humanSize(s.cfg.MaxProjectSize))
	}
	if project == nil {
		return nil, nil
	}
	release, err := tx.ReleaseByCanonical(ctx, project.ID, fm.version.Canonical())
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, s.checkRelease(ctx, tx, release, fm)
}

// checkNewProject applies the rules for creating a project: allowed and
// distinct names, an unscoped token, and the per-user creation rate limit.
// The limit is a read, so it is checked in the read-only pass as well: a
// refused upload then writes no blob. The per-IP limit records a hit and is
// applied only when the project is created (createProject).
func (s *Service) checkNewProject(ctx context.Context, tx wharf.Tx, pr *Principal, fm *form, up Upload) error {
	if s.prohibited[fm.name] || dist.IsStdlibModule(fm.name) {
		return wharf.Errorf(wharf.EINVALID, "The name '%s' isn't allowed. See /help/#project-name for more information.", fm.meta.Name)
	}
	if _, err := tx.ProjectBySimilarityKey(ctx, dist.SimilarityKey(fm.name)); err == nil {
		return wharf.Errorf(wharf.EINVALID, "The name '%s' is too similar to an existing project. See /help/#project-name for more information.",
			fm.meta.Name)
	} else if !wharf.IsCode(err, wharf.ENOTFOUND) {
		return err
	}
	if pr.Claims.Restricted {
		return wharf.Errorf(wharf.EFORBIDDEN, "Invalid API Token: project-scoped token is not valid for project: '%s'", fm.name)
	}
	if up.Local || s.cfg.NewProjectsPerHour <= 0 {
		return nil
	}
	n, err := tx.CountProjectsCreatedBy(ctx, pr.User.ID, tx.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= s.cfg.NewProjectsPerHour {
		return wharf.Errorf(wharf.ETOOMANY, "Too many new projects created. Try again later.")
	}
	return nil
}

// checkPermission requires an owner or maintainer role and a token whose
// scope includes the project.
func (s *Service) checkPermission(ctx context.Context, tx wharf.Tx, pr *Principal, project *wharf.Project) error {
	role, err := tx.RoleOf(ctx, project.ID, pr.User.ID)
	if err != nil {
		return err
	}
	if role == "" {
		return wharf.Errorf(wharf.EFORBIDDEN, "The user '%s' isn't allowed to upload to project '%s'. See /help/#project-name for more information.",
			pr.User.Name, project.DisplayName)
	}
	if !pr.Claims.Allows(project.Name) {
		return wharf.Errorf(wharf.EFORBIDDEN, "Invalid API Token: project-scoped token is not valid for project: '%s'", project.Name)
	}
	return nil
}

// checkReuse enforces immutability: the same file again is a no-op; other
// bytes under a used filename, or the same bytes under another name, are
// refused; a filename once used is never accepted again.
func (s *Service) checkReuse(ctx context.Context, tx wharf.Tx, file *Spooled) (*wharf.File, error) {
	existing, err := tx.FileByFilename(ctx, file.Filename)
	if err == nil {
		if existing.SHA256 == file.SHA256 && existing.Blake2b256 == file.Blake2b256 {
			return existing, nil
		}
		return nil, fileExists(file)
	}
	if !wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, err
	}
	if _, err := tx.FileByBlake2(ctx, file.Blake2b256); err == nil {
		return nil, fileExists(file)
	} else if !wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, err
	}
	used, err := tx.FilenameUsed(ctx, file.Filename)
	if err != nil {
		return nil, err
	}
	if used {
		return nil, wharf.Errorf(wharf.EINVALID, "This filename has already been used, use a different version. See /help/#file-name-reuse for more information.")
	}
	return nil, nil
}

// fileExists is the refusal for an upload whose filename or bytes are
// taken. Like PyPI's, it names the uploaded file and its own digest, never
// the existing file: that one may belong to another project, and its digest
// would not help the uploader.
func fileExists(f *Spooled) error {
	return wharf.Errorf(wharf.EINVALID, "File already exists ('%s', with blake2_256 hash '%s'). See /help/#file-name-reuse for more information.",
		f.Filename, f.Blake2b256)
}

// checkRelease applies the rules for adding a file to an existing release.
func (s *Service) checkRelease(ctx context.Context, tx wharf.Tx, r *wharf.Release, fm *form) error {
	if s.cfg.NewFileWindow > 0 && tx.Now().Sub(r.Created) > s.cfg.NewFileWindow {
		return wharf.Errorf(wharf.EINVALID, "New files cannot be added to release '%s' more than %d days after it was created.",
			r.Version, int(s.cfg.NewFileWindow/(24*time.Hour)))
	}
	if fm.packageType != wharf.PackageSdist {
		return nil
	}
	files, err := tx.ReleaseFiles(ctx, r.ID)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.PackageType == wharf.PackageSdist {
			return wharf.Errorf(wharf.EINVALID, "Only one sdist may be uploaded per release.")
		}
	}
	return nil
}

// record writes the project (if new), the release (if new), the file, the
// journal entries and the audit events, all in the caller's transaction.
// When the upload created the release, it also returns the project, for
// the notice to the other collaborators.
func (s *Service) record(ctx context.Context, tx wharf.Tx, pr *Principal, actor wharf.Actor, fm *form, file *Spooled,
	desc *wharf.Description, metaHex string, metaSize int64) (wharf.File, *wharf.Project, error) {
	project, err := tx.ProjectByName(ctx, fm.name)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		project, err = s.createProject(ctx, tx, pr, actor, fm)
	}
	if err != nil {
		return wharf.File{}, nil, err
	}
	var created *wharf.Project
	release, err := tx.ReleaseByCanonical(ctx, project.ID, fm.version.Canonical())
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		release, err = s.createRelease(ctx, tx, project, actor, fm, desc)
		created = project
	}
	if err != nil {
		return wharf.File{}, nil, err
	}
	f, err := s.addFile(ctx, tx, pr, actor, project, release, fm, file, metaHex, metaSize)
	return f, created, err
}

// addFile writes the file row, its log record, the project's size, the
// token's last use, the journal entry and the file:add event. The event
// names the token (token_id) and the uploader (submitted_by, PyPI's key;
// uploaded_by is kept for the events recorded before it).
func (s *Service) addFile(ctx context.Context, tx wharf.Tx, pr *Principal, actor wharf.Actor, project *wharf.Project,
	release *wharf.Release, fm *form, file *Spooled, metaHex string, metaSize int64) (wharf.File, error) {
	f := wharf.File{
		ReleaseID: release.ID, ProjectID: project.ID, Filename: file.Filename, PackageType: fm.packageType,
		PythonVersion: fm.pyVersion, RequiresPython: fm.meta.RequiresPython, Size: file.Size,
		SHA256: file.SHA256, Blake2b256: file.Blake2b256, MD5: file.MD5,
		MetadataSHA256: metaHex, MetadataSize: metaSize, UploaderID: pr.User.ID, TokenID: tokenID(pr),
		Version: release.Version, Yanked: release.Yanked, YankedReason: release.YankedReason,
	}
	// The log record is written in the same transaction as the file, so a
	// file is never visible without its record, nor a record without its
	// file.
	f.UploadTime = tx.Now()
	idx, err := translog.Append(ctx, tx, translog.FileRecord(project.Name, f))
	if err != nil {
		return wharf.File{}, err
	}
	f.LogIndex = idx
	if err := tx.AddFile(ctx, &f); err != nil {
		return wharf.File{}, err
	}
	if err := tx.AddProjectSize(ctx, project.ID, f.Size); err != nil {
		return wharf.File{}, err
	}
	// The token's last use is recorded in the same transaction: a second
	// one after the commit would delay the reply for nothing.
	if f.TokenID != "" {
		if err := tx.TouchToken(ctx, f.TokenID, tx.Now()); err != nil {
			return wharf.File{}, err
		}
	}
	// The action reads as PyPI's: "add source file foo-1.0.tar.gz". It was
	// built from wharf.ActionAddFile ("add file") and so read "add file
	// source file foo-1.0.tar.gz".
	if err := tx.Journal(ctx, &wharf.JournalEntry{Project: project.Name, Version: release.Version, Filename: f.Filename,
		Action: fmt.Sprintf("add %s file %s", f.PythonVersion, f.Filename), ActorID: actor.UserID}); err != nil {
		return wharf.File{}, err
	}
	return f, tx.AddEvent(ctx, actor.Event("file:add", project.ID, 0, map[string]any{
		"filename": f.Filename, "version": release.Version, "sha256": f.SHA256, "token_id": f.TokenID,
		"submitted_by": actor.UserName, "uploaded_by": actor.UserName}))
}

func (s *Service) createProject(ctx context.Context, tx wharf.Tx, pr *Principal, actor wharf.Actor, fm *form) (*wharf.Project, error) {
	if !s.ipLimit.allow(actor.IP, tx.Now()) {
		return nil, wharf.Errorf(wharf.ETOOMANY, "Too many new projects created. Try again later.")
	}
	p := &wharf.Project{Name: fm.name, DisplayName: fm.meta.Name, SimilarityKey: dist.SimilarityKey(fm.name), CreatedBy: pr.User.ID}
	if err := tx.CreateProject(ctx, p); err != nil {
		return nil, err
	}
	if err := tx.SetRole(ctx, p.ID, pr.User.ID, wharf.RoleOwner); err != nil {
		return nil, err
	}
	if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Action: wharf.ActionCreate, ActorID: actor.UserID}); err != nil {
		return nil, err
	}
	if err := tx.AddEvent(ctx, actor.Event("project:create", p.ID, 0, map[string]any{"created_by": pr.User.Name})); err != nil {
		return nil, err
	}
	return p, tx.AddEvent(ctx, actor.Event("project:role:add", p.ID, 0, map[string]any{"role_name": wharf.RoleOwner, "target_user": pr.User.Name}))
}

// createRelease inserts the release with its rendered README, if any. A
// release keeps the description of the upload that created it, as on
// PyPI; later files' descriptions are checked but not stored.
func (s *Service) createRelease(ctx context.Context, tx wharf.Tx, p *wharf.Project, actor wharf.Actor, fm *form, desc *wharf.Description) (*wharf.Release, error) {
	info, err := json.Marshal(releaseInfo(fm))
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "encoding release metadata", err)
	}
	r := &wharf.Release{ProjectID: p.ID, Version: fm.version.String(), Canonical: fm.version.Canonical(),
		SortKey: fm.version.SortKey(), RequiresPython: fm.meta.RequiresPython, Summary: fm.meta.Summary, InfoJSON: string(info)}
	if err := tx.CreateRelease(ctx, r); err != nil {
		return nil, err
	}
	if desc != nil {
		if err := tx.SetDescription(ctx, r.ID, *desc); err != nil {
			return nil, err
		}
	}
	if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Version: r.Version, Action: "new release", ActorID: actor.UserID}); err != nil {
		return nil, err
	}
	return r, tx.AddEvent(ctx, actor.Event("project:release:add", p.ID, 0, map[string]any{"version": r.Version, "submitted_by": actor.UserName}))
}
