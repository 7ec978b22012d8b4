package publish

import (
	"errors"
	"strings"

	"wharf"
	"wharf/dist"
	"wharf/dist/archive"
	"wharf/pep440"
)

// form is an upload's validated form: its metadata and what the filename
// says, checked against each other.
type form struct {
	meta        *dist.Metadata
	version     pep440.Version
	name        string // normalized project name
	packageType string
	pyVersion   string
	wheel       dist.WheelFilename
	sdist       dist.SdistFilename
}

func first(f map[string][]string, key string) string {
	if v := f[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func invalid(err error) error {
	var de *dist.Error
	if errors.As(err, &de) {
		return wharf.WrapError(wharf.EINVALID, de.Message, err)
	}
	var ae *archive.InvalidError
	if errors.As(err, &ae) {
		return wharf.WrapError(wharf.EINVALID, ae.Msg, err)
	}
	return wharf.WrapError(wharf.EINVALID, err.Error(), err)
}

// checkForm validates the metadata fields, the file type and the filename,
// in the order PyPI checks them, before anything touches storage.
func (s *Service) checkForm(fields map[string][]string, file *Spooled) (*form, error) {
	meta := dist.FormMetadata(fields)
	if err := meta.Validate(func(c string) bool { return dist.ClassifierError(c) == nil }); err != nil {
		return nil, invalid(err)
	}
	v, err := pep440.Parse(meta.Version)
	if err != nil {
		return nil, invalid(err)
	}
	fm := &form{meta: meta, version: v, name: dist.NormalizeName(meta.Name)}
	fm.packageType = first(fields, "filetype")
	fm.pyVersion = first(fields, "pyversion")
	if fm.packageType != wharf.PackageSdist && fm.packageType != wharf.PackageWheel {
		return nil, wharf.Errorf(wharf.EINVALID, "Invalid value for filetype. Error: Use a known file type.")
	}
	if fm.packageType == wharf.PackageSdist && fm.pyVersion != "source" && fm.pyVersion != "" {
		return nil, wharf.Errorf(wharf.EINVALID, "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist.")
	}
	if fm.packageType == wharf.PackageSdist {
		fm.pyVersion = "source"
	}
	// As in PyPI's form: a wheel must say which Python it is for. Without
	// this a wheel was stored with an empty python_version.
	if fm.packageType == wharf.PackageWheel && strings.TrimSpace(fm.pyVersion) == "" {
		return nil, wharf.Errorf(wharf.EINVALID, "Invalid value for pyversion. Error: Python version is required for binary distribution uploads.")
	}
	if file == nil {
		return nil, wharf.Errorf(wharf.EINVALID, "Upload payload does not have a file.")
	}
	if err := s.checkFilename(fm, file.Filename); err != nil {
		return nil, err
	}
	return fm, checkDigests(fields, file)
}

// checkFilename parses the filename and checks that it names this project,
// this version and the declared file type.
func (s *Service) checkFilename(fm *form, filename string) error {
	if err := dist.CheckFilename(filename); err != nil {
		return invalid(err)
	}
	ptype, err := dist.PackageType(filename)
	if err != nil {
		return invalid(err)
	}
	if ptype != fm.packageType {
		return wharf.Errorf(wharf.EINVALID, "Invalid file extension: the filetype is '%s' but '%s' is not one.", fm.packageType, filename)
	}
	var fname, fversion string
	if ptype == wharf.PackageWheel {
		if fm.wheel, err = dist.ParseWheelFilename(filename); err != nil {
			return invalid(err)
		}
		fname, fversion = fm.wheel.Name, fm.wheel.Version
		if s.cfg.PyPIPlatformTags {
			for _, tag := range fm.wheel.PlatformTags {
				if !dist.ValidPyPIPlatformTag(tag) {
					return wharf.Errorf(wharf.EINVALID, "Binary wheel '%s' has an unsupported platform tag '%s'.", filename, tag)
				}
			}
		}
	} else {
		if fm.sdist, err = dist.ParseSdistFilename(filename); err != nil {
			return invalid(err)
		}
		fname, fversion = fm.sdist.Name, fm.sdist.Version
	}
	if dist.NormalizeName(fname) != fm.name {
		return wharf.Errorf(wharf.EINVALID, "Start filename for '%s' with '%s'.", fm.meta.Name, strings.ReplaceAll(fm.name, "-", "_"))
	}
	fv, err := pep440.Parse(fversion)
	if err != nil {
		return invalid(err)
	}
	if fv.Canonical() != fm.version.Canonical() {
		return wharf.Errorf(wharf.EINVALID, "Version in filename should be '%s' not '%s'.", fm.version.String(), fversion)
	}
	return nil
}

// checkDigests compares every digest the client supplied with the bytes.
func checkDigests(fields map[string][]string, file *Spooled) error {
	pairs := [][2]string{
		{first(fields, "md5_digest"), file.MD5},
		{first(fields, "sha256_digest"), file.SHA256},
		{first(fields, "blake2_256_digest"), file.Blake2b256},
	}
	for _, p := range pairs {
		if p[0] != "" && !strings.EqualFold(strings.TrimSpace(p[0]), p[1]) {
			return wharf.Errorf(wharf.EINVALID, "The digest supplied does not match a digest calculated from the uploaded file.")
		}
	}
	return nil
}

// inspect reads the archive and returns its core metadata, which must name
// the same project and version as the form.
func (s *Service) inspect(fm *form, file *Spooled) ([]byte, error) {
	var raw []byte
	var err error
	if fm.packageType == wharf.PackageWheel {
		raw, err = archive.Wheel(file.ReaderAt(), file.Size, fm.wheel.Name, fm.wheel.Version, s.cfg.Archive)
	} else {
		raw, err = archive.Sdist(file.ReaderAt(), file.Size, fm.sdist.Ext, s.cfg.Archive)
	}
	if err != nil {
		return nil, invalid(err)
	}
	am, err := dist.ParseMetadata(raw)
	if err != nil {
		return nil, wharf.Errorf(wharf.EINVALID, "Invalid distribution file. The core metadata of '%s' cannot be read: %s", file.Filename, err.Error())
	}
	if dist.NormalizeName(am.Name) != fm.name {
		return nil, wharf.Errorf(wharf.EINVALID, "The core metadata in '%s' names the project '%s', but the upload is for '%s'.", file.Filename, am.Name, fm.meta.Name)
	}
	av, err := pep440.Parse(am.Version)
	if err != nil || av.Canonical() != fm.version.Canonical() {
		return nil, wharf.Errorf(wharf.EINVALID, "The core metadata in '%s' gives the version '%s', but the upload is for '%s'.", file.Filename, am.Version, fm.meta.Version)
	}
	return raw, nil
}

// releaseInfo turns the validated form into the stored release metadata.
func releaseInfo(fm *form) wharf.ReleaseInfo {
	m := fm.meta
	return wharf.ReleaseInfo{
		Name: m.Name, Version: fm.version.String(), Summary: m.Summary, Description: m.Description,
		DescriptionContentType: m.DescriptionContentType, Keywords: m.Keywords, HomePage: m.HomePage,
		DownloadURL: m.DownloadURL, Author: m.Author, AuthorEmail: m.AuthorEmail, Maintainer: m.Maintainer,
		MaintainerEmail: m.MaintainerEmail, License: m.License, LicenseExpression: m.LicenseExpression,
		LicenseFiles: m.LicenseFiles, Classifiers: m.Classifiers, Platforms: m.Platforms,
		RequiresDist: m.RequiresDist, RequiresPython: m.RequiresPython, ProvidesExtra: m.ProvidesExtra,
		Dynamic: m.Dynamic, ProjectURLs: m.ProjectURLs,
	}
}
