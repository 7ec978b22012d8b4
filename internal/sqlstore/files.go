package sqlstore

import (
	"context"

	"wharf"
)

// AddFile inserts f, sets its ID and UploadTime, and reserves its filename.
func (t *Tx) AddFile(ctx context.Context, f *wharf.File) error {
	f.UploadTime = t.now
	if _, err := t.exec(ctx, `INSERT INTO filenames (filename, created) VALUES (?, ?)`, f.Filename, micros(t.now)); err != nil {
		if wharf.IsCode(err, wharf.ECONFLICT) {
			return wharf.Errorf(wharf.ECONFLICT, "This filename has already been used, use a different version.")
		}
		return err
	}
	id, err := t.insertID(ctx, `INSERT INTO files (release_id, project_id, filename, packagetype, python_version, requires_python,
		size, sha256, blake2b_256, md5, metadata_sha256, metadata_size, upload_time, uploader_id, token_id, log_index)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ReleaseID, f.ProjectID, f.Filename, f.PackageType, f.PythonVersion, f.RequiresPython,
		f.Size, f.SHA256, f.Blake2b256, f.MD5, f.MetadataSHA256, f.MetadataSize, micros(f.UploadTime), f.UploaderID, f.TokenID, f.LogIndex)
	if wharf.IsCode(err, wharf.ECONFLICT) {
		return wharf.Errorf(wharf.ECONFLICT, "File already exists (%s).", f.Filename)
	}
	f.ID = id
	return err
}

const fileCols = `f.id, f.release_id, f.project_id, f.filename, f.packagetype, f.python_version, f.requires_python,
	f.size, f.sha256, f.blake2b_256, f.md5, f.metadata_sha256, f.metadata_size, f.upload_time, f.uploader_id, f.token_id, f.log_index,
	r.version, r.yanked, r.yanked_reason`

const fileFrom = ` FROM files f JOIN releases r ON r.id = f.release_id `

func (t *Tx) scanFile(row scanner) (*wharf.File, error) {
	var f wharf.File
	var uploaded int64
	var yanked int
	if err := row.Scan(&f.ID, &f.ReleaseID, &f.ProjectID, &f.Filename, &f.PackageType, &f.PythonVersion, &f.RequiresPython,
		&f.Size, &f.SHA256, &f.Blake2b256, &f.MD5, &f.MetadataSHA256, &f.MetadataSize, &uploaded, &f.UploaderID, &f.TokenID, &f.LogIndex,
		&f.Version, &yanked, &f.YankedReason); err != nil {
		return nil, t.scanErr(err, "File")
	}
	f.UploadTime = fromMicros(uploaded)
	f.Yanked = yanked != 0
	return &f, nil
}

func (t *Tx) listFiles(ctx context.Context, q string, args ...any) ([]wharf.File, error) {
	return queryAll(ctx, t, t.scanFile, q, args...)
}

// FileByFilename returns the live file with the given name.
func (t *Tx) FileByFilename(ctx context.Context, filename string) (*wharf.File, error) {
	return t.scanFile(t.queryRow(ctx, `SELECT `+fileCols+fileFrom+`WHERE f.filename = ?`, filename))
}

// FileByBlake2 returns the live file with the given blake2b-256 digest.
func (t *Tx) FileByBlake2(ctx context.Context, digest string) (*wharf.File, error) {
	return t.scanFile(t.queryRow(ctx, `SELECT `+fileCols+fileFrom+`WHERE f.blake2b_256 = ?`, digest))
}

// FilenameUsed reports whether the filename was ever accepted.
func (t *Tx) FilenameUsed(ctx context.Context, filename string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM filenames WHERE filename = ?`, filename).Scan(&n)
	return n > 0, t.mapErr(err)
}

// Files lists the project's files in release order, then by filename.
func (t *Tx) Files(ctx context.Context, projectID int64) ([]wharf.File, error) {
	return t.listFiles(ctx, `SELECT `+fileCols+fileFrom+`WHERE f.project_id = ? ORDER BY r.sort_key, r.id, f.filename`, projectID)
}

// ReleaseFiles lists the release's files by filename.
func (t *Tx) ReleaseFiles(ctx context.Context, releaseID int64) ([]wharf.File, error) {
	return t.listFiles(ctx, `SELECT `+fileCols+fileFrom+`WHERE f.release_id = ? ORDER BY f.filename`, releaseID)
}

// DeleteFile removes the file row; its filename stays reserved.
func (t *Tx) DeleteFile(ctx context.Context, fileID int64) error {
	return t.mustAffect(ctx, "File", `DELETE FROM files WHERE id = ?`, fileID)
}

// BlobReferenced reports whether a file uses the blob as content or metadata.
func (t *Tx) BlobReferenced(ctx context.Context, sha256 string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM files WHERE sha256 = ?) + (SELECT COUNT(*) FROM files WHERE metadata_sha256 = ?)`,
		sha256, sha256).Scan(&n)
	return n > 0, t.mapErr(err)
}

// EachFile calls fn for every file in id order.
func (t *Tx) EachFile(ctx context.Context, fn func(wharf.File) error) error {
	files, err := t.listFiles(ctx, `SELECT `+fileCols+fileFrom+`ORDER BY f.id`)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}
