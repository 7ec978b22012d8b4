package dist

import (
	"mime"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"wharf/pep440"
)

// Limits on field sizes.
const (
	MaxSummaryLength           = 512
	MaxProjectURLLabelLength   = 32
	MaxLicenseExpressionLength = 1024
)

const specHelp = "See https://packaging.python.org/specifications/core-metadata for more information."

// metadataVersions are the core metadata versions the index accepts.
var metadataVersions = set("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")

// invalid returns the user-facing error for a bad value of a metadata field.
func invalid(fieldName, value, reason string) *Error {
	return errorf(fieldName, "'%s' is an invalid value for %s. Error: %s %s", shorten(value), fieldName, reason, specHelp)
}

// maxQuoted bounds how many characters of a bad value an error message
// repeats, so a megabyte-long field cannot make a megabyte-long response.
const maxQuoted = 100

// shorten returns s, cut to maxQuoted characters with "..." when longer.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return s
	}
	return string([]rune(s)[:maxQuoted]) + "..."
}

// Validate checks m against the core metadata specification and the index's
// rules, and returns an *Error for the first problem found, in the order the
// fields are listed in the specification. classifierOK decides which
// classifiers are accepted; when it is nil the embedded trove classifiers are
// used. Refused classifiers and direct references in Requires-Dist get plain
// messages; every other problem is reported as
// "'<value>' is an invalid value for <Field>. Error: <reason> See …".
func (m *Metadata) Validate(classifierOK func(string) bool) error {
	checks := []func() *Error{
		m.checkIdentity,
		m.checkText,
		m.checkURLs,
		m.checkPeople,
		m.checkLicense,
		func() *Error { return checkClassifiers(m.Classifiers, classifierOK) },
		m.checkRequirements,
		m.checkDynamic,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// checkIdentity checks Metadata-Version, Name and Version.
func (m *Metadata) checkIdentity() *Error {
	if !metadataVersions[m.MetadataVersion] {
		return invalid("Metadata-Version", m.MetadataVersion, "Use a known metadata version.")
	}
	if m.Name == "" {
		return invalid("Name", m.Name, "This field is required.")
	}
	if !ValidName(m.Name) {
		return invalid("Name", m.Name, "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.")
	}
	if m.Version == "" {
		return invalid("Version", m.Version, "This field is required.")
	}
	v, err := pep440.Parse(m.Version)
	if err != nil {
		return invalid("Version", m.Version, "Use a valid PEP 440 version.")
	}
	if v.HasLocal() {
		return invalid("Version", m.Version, "Can't use PEP 440 local versions.")
	}
	return nil
}

// checkText checks Summary and Description-Content-Type.
func (m *Metadata) checkText() *Error {
	if strings.ContainsAny(m.Summary, "\r\n") {
		return invalid("Summary", m.Summary, "Use a single line only.")
	}
	if utf8.RuneCountInString(m.Summary) > MaxSummaryLength {
		return invalid("Summary", m.Summary, sprintf("Use %d characters or less.", MaxSummaryLength))
	}
	if m.DescriptionContentType != "" {
		if reason := checkContentType(m.DescriptionContentType); reason != "" {
			return invalid("Description-Content-Type", m.DescriptionContentType, reason)
		}
	}
	return nil
}

// checkContentType returns why ct is not an accepted description content
// type, or "" when it is.
func checkContentType(ct string) string {
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "Use a valid MIME type."
	}
	switch mediaType {
	case "text/plain", "text/x-rst", "text/markdown":
	default:
		return "Use a known content type: text/plain, text/x-rst or text/markdown."
	}
	for k, v := range params {
		switch {
		case k == "charset":
			if !strings.EqualFold(v, "utf-8") {
				return "Use a valid charset: UTF-8."
			}
		case k == "variant" && mediaType == "text/markdown":
			if v != "GFM" && v != "CommonMark" {
				return "Use a valid variant: GFM or CommonMark."
			}
		}
	}
	return ""
}

// checkURLs checks Home-page, Download-URL and every Project-URL.
func (m *Metadata) checkURLs() *Error {
	if m.HomePage != "" && !validWebURL(m.HomePage) {
		return invalid("Home-page", m.HomePage, "Use a valid http or https URL.")
	}
	if m.DownloadURL != "" && !validWebURL(m.DownloadURL) {
		return invalid("Download-URL", m.DownloadURL, "Use a valid http or https URL.")
	}
	for _, pu := range m.ProjectURLs {
		label, u, ok := strings.Cut(pu, ",")
		label, u = strings.TrimSpace(label), strings.TrimSpace(u)
		switch {
		case !ok:
			return invalid("Project-URL", pu, "Use both a label and a URL, separated by a comma.")
		case label == "":
			return invalid("Project-URL", pu, "Use a label.")
		case utf8.RuneCountInString(label) > MaxProjectURLLabelLength:
			return invalid("Project-URL", pu, sprintf("Use %d characters or less for the label.", MaxProjectURLLabelLength))
		case !validWebURL(u):
			return invalid("Project-URL", pu, "Use a valid http or https URL.")
		}
	}
	return nil
}

// validWebURL reports whether s is an absolute http or https URL with a host.
func validWebURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkPeople checks Author-email and Maintainer-email.
func (m *Metadata) checkPeople() *Error {
	for _, f := range []struct{ name, value string }{
		{"Author-email", m.AuthorEmail},
		{"Maintainer-email", m.MaintainerEmail},
	} {
		if f.value == "" {
			continue
		}
		if _, err := mail.ParseAddressList(f.value); err != nil {
			return invalid(f.name, f.value, "Use a valid email address.")
		}
	}
	return nil
}

// checkLicense checks License-Expression and License-File, fields that
// metadata 2.4 introduced.
func (m *Metadata) checkLicense() *Error {
	modern := m.MetadataVersion >= "2.4"
	if m.LicenseExpression != "" {
		switch {
		case !modern:
			return invalid("License-Expression", m.LicenseExpression, "Use Metadata-Version 2.4 or later for this field.")
		case strings.TrimSpace(m.LicenseExpression) == "" || strings.ContainsAny(m.LicenseExpression, "\r\n"):
			return invalid("License-Expression", m.LicenseExpression, "Use a single-line SPDX license expression.")
		case len(m.LicenseExpression) > MaxLicenseExpressionLength:
			return invalid("License-Expression", m.LicenseExpression, sprintf("Use %d characters or less.", MaxLicenseExpressionLength))
		}
	}
	for _, lf := range m.LicenseFiles {
		if !modern {
			return invalid("License-File", lf, "Use Metadata-Version 2.4 or later for this field.")
		}
		if lf == "" || strings.HasPrefix(lf, "/") || strings.Contains(lf, "\\") || strings.Contains("/"+lf+"/", "/../") {
			return invalid("License-File", lf, "Use a relative path without '..' and with '/' as separator.")
		}
	}
	return nil
}

// checkClassifiers checks every classifier with ok, or against the embedded
// list when ok is nil.
func checkClassifiers(cs []string, ok func(string) bool) *Error {
	if ok == nil {
		ok = ValidClassifier
	}
	for _, c := range cs {
		if !ok(c) {
			return classifierRefusal(c)
		}
	}
	return nil
}

// checkRequirements checks Requires-Python, the three requirement fields and
// Provides-Extra.
func (m *Metadata) checkRequirements() *Error {
	if m.RequiresPython != "" {
		if _, err := pep440.ParseSpecifierSet(m.RequiresPython); err != nil {
			return invalid("Requires-Python", m.RequiresPython, "Use a valid PEP 440 version specifier set.")
		}
	}
	for _, f := range []struct {
		name   string
		values []string
	}{
		{"Requires-Dist", m.RequiresDist},
		{"Provides-Dist", m.ProvidesDist},
		{"Obsoletes-Dist", m.ObsoletesDist},
	} {
		for _, v := range f.values {
			r, err := ParseRequirement(v)
			if err != nil {
				return invalid(f.name, v, "Use a valid PEP 508 requirement.")
			}
			if r.URL != "" {
				return errorf(f.name, "Can't have direct dependency: %s", shorten(v))
			}
		}
	}
	for _, e := range m.ProvidesExtra {
		if !ValidName(e) {
			return invalid("Provides-Extra", e, "Use a valid extra name.")
		}
	}
	return nil
}

// checkDynamic checks that Dynamic names known fields other than the ones
// that must always be static.
func (m *Metadata) checkDynamic() *Error {
	for _, d := range m.Dynamic {
		if m.MetadataVersion < "2.2" {
			return invalid("Dynamic", d, "Use Metadata-Version 2.2 or later for this field.")
		}
		f, ok := fieldByHeader(d)
		if !ok {
			return invalid("Dynamic", d, "Use the name of a core metadata field.")
		}
		switch f.header {
		case "Name", "Version", "Metadata-Version":
			return invalid("Dynamic", d, sprintf("%s can't be dynamic.", f.header))
		}
	}
	return nil
}
