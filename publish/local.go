package publish

import (
	"os"
	"path/filepath"
	"strings"

	"wharf"
	"wharf/dist"
	"wharf/dist/archive"
)

// LocalUpload prepares a file found on disk (wharf import) as an upload:
// it spools and hashes the file and fills the form from the file's own core
// metadata, so that it passes through exactly the checks an upload does.
// The caller must Remove the returned upload's File.
func (s *Service) LocalUpload(path string) (Upload, error) {
	name := filepath.Base(path)
	ptype, err := dist.PackageType(name)
	if err != nil {
		return Upload{}, invalid(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return Upload{}, wharf.WrapError(wharf.EINVALID, "cannot read file", err)
	}
	defer f.Close()
	sp, err := Spool(s.cfg.SpoolDir, name, f, s.cfg.MaxFileSize)
	if err != nil {
		return Upload{}, err
	}
	raw, err := s.localMetadata(sp, ptype)
	if err != nil {
		sp.Remove()
		return Upload{}, err
	}
	m, err := dist.ParseMetadata(raw)
	if err != nil {
		sp.Remove()
		return Upload{}, invalid(err)
	}
	fields := m.FormValues()
	fields[":action"] = []string{"file_upload"}
	fields["protocol_version"] = []string{"1"}
	fields["filetype"] = []string{ptype}
	fields["sha256_digest"] = []string{sp.SHA256}
	if ptype == wharf.PackageSdist {
		fields["pyversion"] = []string{"source"}
	} else if w, err := dist.ParseWheelFilename(name); err == nil && len(w.PythonTags) > 0 {
		// The whole python tag set, as twine sends it: "py2.py3", not "py2".
		fields["pyversion"] = []string{strings.Join(w.PythonTags, ".")}
	}
	return Upload{Fields: fields, File: sp, Local: true}, nil
}

func (s *Service) localMetadata(sp *Spooled, ptype string) ([]byte, error) {
	var raw []byte
	var err error
	if ptype == wharf.PackageWheel {
		w, perr := dist.ParseWheelFilename(sp.Filename)
		if perr != nil {
			return nil, invalid(perr)
		}
		raw, err = archive.Wheel(sp.ReaderAt(), sp.Size, w.Name, w.Version, s.cfg.Archive)
	} else {
		sd, perr := dist.ParseSdistFilename(sp.Filename)
		if perr != nil {
			return nil, invalid(perr)
		}
		raw, err = archive.Sdist(sp.ReaderAt(), sp.Size, sd.Ext, s.cfg.Archive)
	}
	if err != nil {
		return nil, invalid(err)
	}
	return raw, nil
}
