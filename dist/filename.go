package dist

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"wharf/pep440"
)

// MaxFilenameLength bounds uploaded filenames, as most filesystems do.
const MaxFilenameLength = 255

// Package types, as the upload form's filetype field names them.
const (
	TypeWheel = "bdist_wheel"
	TypeSdist = "sdist"
)

const extensionHelp = "Invalid file extension: Use .tar.gz, .whl or .zip extension. " +
	"See https://peps.python.org/pep-0527 and https://peps.python.org/pep-0625 for more information"

// CheckFilename returns an *Error when fn cannot safely name a stored file:
// empty, longer than MaxFilenameLength bytes, not UTF-8, starting with '.', or
// holding a path separator, NUL or another control character.
func CheckFilename(fn string) error {
	switch {
	case fn == "":
		return errorf("filename", "Missing filename.")
	case len(fn) > MaxFilenameLength:
		return errorf("filename", "Filename is too long (more than %d bytes).", MaxFilenameLength)
	case !utf8.ValidString(fn):
		return errorf("filename", "Invalid filename: not valid UTF-8.")
	case fn[0] == '.':
		return errorf("filename", "Invalid filename: %q starts with a dot.", fn)
	}
	for _, r := range fn {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return errorf("filename", "Invalid filename: %q contains a forbidden character.", fn)
		}
	}
	return nil
}

// PackageType returns TypeWheel for a ".whl" file and TypeSdist for a
// ".tar.gz" or ".zip" file; any other name is refused with PyPI's message.
func PackageType(fn string) (string, error) {
	if err := CheckFilename(fn); err != nil {
		return "", err
	}
	switch {
	case strings.HasSuffix(fn, ".whl"):
		return TypeWheel, nil
	case strings.HasSuffix(fn, ".tar.gz"), strings.HasSuffix(fn, ".zip"):
		return TypeSdist, nil
	}
	return "", errorf("filename", "%s", extensionHelp)
}

// WheelFilename is a parsed wheel filename. Name and Version are spelled as in
// the filename (Name escaped, with '_' for '-'); Build is empty when the
// filename has no build tag. Each tag list holds the '.'-separated members of
// the compressed tag set, in filename order.
type WheelFilename struct {
	Name, Version, Build string
	PythonTags           []string
	ABITags              []string
	PlatformTags         []string
}

// ParseWheelFilename parses a PEP 427 wheel filename,
// name-version(-build)?-python-abi-platform.whl. The version must be valid
// PEP 440, a build tag must start with a digit, and every tag must be made of
// lower-case ASCII letters, digits and '_'.
func ParseWheelFilename(fn string) (WheelFilename, error) {
	var w WheelFilename
	if err := CheckFilename(fn); err != nil {
		return w, err
	}
	if !strings.HasSuffix(fn, ".whl") {
		return w, errorf("filename", "Invalid wheel filename (extension must be '.whl'): %s", fn)
	}
	parts := strings.Split(strings.TrimSuffix(fn, ".whl"), "-")
	if len(parts) != 5 && len(parts) != 6 {
		return w, errorf("filename", "Invalid wheel filename (wrong number of parts): %s", fn)
	}
	w.Name, w.Version = parts[0], parts[1]
	if !validEscapedName(w.Name) {
		return w, errorf("filename", "Invalid project name: %s", fn)
	}
	if !filenameVersion(w.Version) {
		return w, errorf("filename", "Invalid wheel filename (invalid version): %s", fn)
	}
	if len(parts) == 6 {
		w.Build = parts[2]
		if !validBuildTag(w.Build) {
			return w, errorf("filename", "Invalid build number: %s in '%s'", w.Build, fn)
		}
	}
	tags := parts[len(parts)-3:]
	sets := [][]string{nil, nil, nil}
	for i, t := range tags {
		for _, tag := range strings.Split(t, ".") {
			if !validTag(tag) {
				return w, errorf("filename", "Invalid wheel filename (invalid tag %q): %s", tag, fn)
			}
			sets[i] = append(sets[i], tag)
		}
	}
	w.PythonTags, w.ABITags, w.PlatformTags = sets[0], sets[1], sets[2]
	return w, nil
}

// String returns the wheel's filename.
func (w WheelFilename) String() string {
	parts := []string{w.Name, w.Version}
	if w.Build != "" {
		parts = append(parts, w.Build)
	}
	parts = append(parts, strings.Join(w.PythonTags, "."), strings.Join(w.ABITags, "."), strings.Join(w.PlatformTags, "."))
	return strings.Join(parts, "-") + ".whl"
}

// validEscapedName reports whether s is a project name as escaped in wheel
// filenames: ASCII letters, digits, '.' and '_', starting and ending with a
// letter or digit, and no "__" (which escaping never produces).
func validEscapedName(s string) bool {
	return ValidName(s) && !strings.Contains(s, "__")
}

// filenameVersion reports whether s is a valid PEP 440 version spelled with
// the characters a filename may hold: pep440.Parse forgives surrounding
// blanks, which have no place in a filename.
func filenameVersion(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte("._!+-", c) < 0 {
			return false
		}
	}
	_, err := pep440.Parse(s)
	return err == nil
}

func validBuildTag(s string) bool {
	if s == "" || !isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func validTag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

// SdistFilename is a parsed source distribution filename. Name and Version are
// spelled as in the filename; Ext is ".tar.gz" or ".zip".
type SdistFilename struct {
	Name, Version, Ext string
}

// String returns the sdist's filename.
func (s SdistFilename) String() string { return s.Name + "-" + s.Version + s.Ext }

// ParseSdistFilename parses name-version.tar.gz or name-version.zip. It takes
// PEP 625 names (with '_' for '-') and the unnormalised names older tools
// write: the name ends at the last '-' whose tail is a valid PEP 440 version.
func ParseSdistFilename(fn string) (SdistFilename, error) {
	var s SdistFilename
	if err := CheckFilename(fn); err != nil {
		return s, err
	}
	switch {
	case strings.HasSuffix(fn, ".tar.gz"):
		s.Ext = ".tar.gz"
	case strings.HasSuffix(fn, ".zip"):
		s.Ext = ".zip"
	default:
		return s, errorf("filename", "Invalid sdist filename (extension must be '.tar.gz' or '.zip'): %s", fn)
	}
	stem := strings.TrimSuffix(fn, s.Ext)
	if !strings.Contains(stem, "-") {
		return s, errorf("filename", "Invalid sdist filename: %s", fn)
	}
	for i := strings.LastIndexByte(stem, '-'); i >= 0; i = strings.LastIndexByte(stem[:i], '-') {
		if !filenameVersion(stem[i+1:]) {
			continue
		}
		s.Name, s.Version = stem[:i], stem[i+1:]
		if !ValidName(s.Name) {
			return s, errorf("filename", "Invalid project name: %s", fn)
		}
		return s, nil
	}
	return s, errorf("filename", "Invalid sdist filename (invalid version): %s", fn)
}
