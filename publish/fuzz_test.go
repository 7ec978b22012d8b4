package publish

import (
	"encoding/json"
	"strings"
	"testing"

	"wharf"
	"wharf/dist"
)

// FuzzCheckForm feeds arbitrary form fields and filenames to checkForm. It
// must never panic, must refuse only with EINVALID, and what it accepts must
// be self-consistent: the filename names the normalized project, and the
// release metadata encodes.
func FuzzCheckForm(f *testing.F) {
	seeds := []struct{ mv, name, version, filetype, pyversion, filename, summary, req, classifier string }{
		{"2.1", "foo-bar", "1.0", "sdist", "source", "foo_bar-1.0.tar.gz", "A thing", "requests>=2", ""},
		{"2.4", "Foo.Bar", "1.0.0", "bdist_wheel", "py3", "foo_bar-1.0-py3-none-any.whl", "", "", "Programming Language :: Python :: 3"},
		{"1.0", "x", "1!2.0rc1.post3.dev4", "bdist_wheel", "cp312", "x-1!2.0rc1.post3.dev4-1-cp312-cp312-linux_x86_64.whl", "", "a @ https://e.x/a.whl", ""},
		{"2.1", "-bad", "1.0+local", "bdist_egg", "", "../../etc/passwd", strings.Repeat("s", 600), "(", "Fake :: X"},
		{"", "", "", "", "", "", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.mv, s.name, s.version, s.filetype, s.pyversion, s.filename, s.summary, s.req, s.classifier)
	}
	s := New(nil, nil, nil, Config{PyPIPlatformTags: true}, nil, nil)
	f.Fuzz(func(t *testing.T, mv, name, version, filetype, pyversion, filename, summary, req, classifier string) {
		fields := map[string][]string{
			"metadata_version": {mv}, "name": {name}, "version": {version}, "filetype": {filetype},
			"pyversion": {pyversion}, "summary": {summary}, "requires_dist": {req}, "classifiers": {classifier},
		}
		file := &Spooled{Filename: filename, SHA256: strings.Repeat("a", 64), Blake2b256: strings.Repeat("b", 64), MD5: strings.Repeat("c", 32)}
		fm, err := s.checkForm(fields, file)
		if err != nil {
			if code := wharf.ErrorCode(err); code != wharf.EINVALID {
				t.Fatalf("checkForm refused with code %q: %v", code, err)
			}
			return
		}
		if fm.name != dist.NormalizeName(fm.meta.Name) || !dist.ValidName(fm.meta.Name) || fm.version.HasLocal() {
			t.Fatalf("accepted inconsistent form: %+v", fm)
		}
		stem := fm.sdist.Name
		if fm.packageType == wharf.PackageWheel {
			stem = fm.wheel.Name
		}
		if dist.NormalizeName(stem) != fm.name {
			t.Fatalf("accepted %q for project %q", filename, fm.name)
		}
		if fm.pyVersion == "" {
			t.Fatalf("accepted %q without a Python version", filename)
		}
		if _, err := json.Marshal(releaseInfo(fm)); err != nil {
			t.Fatalf("release metadata does not encode: %v", err)
		}
	})
}
