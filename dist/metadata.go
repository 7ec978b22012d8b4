package dist

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Metadata is a distribution's core metadata, as read from METADATA or
// PKG-INFO or from the upload form. Single-use fields are strings, empty when
// absent; multiple-use fields are slices in the order given. ProjectURLs keeps
// each Project-URL raw, as "Label, URL".
type Metadata struct {
	MetadataVersion, Name, Version, Summary, Description, DescriptionContentType, Keywords              string
	HomePage, DownloadURL, Author, AuthorEmail, Maintainer, MaintainerEmail, License, LicenseExpression string

	LicenseFiles, Classifiers, Platforms, SupportedPlatforms, RequiresDist, ProvidesExtra []string
	ProvidesDist, ObsoletesDist, RequiresExternal, Dynamic                                []string

	RequiresPython string
	ProjectURLs    []string
}

// field describes one core metadata field: its canonical header name, the
// upload form key twine sends it under, and where it lives in Metadata.
type field struct {
	header string
	form   string
	single func(*Metadata) *string
	multi  func(*Metadata) *[]string
}

var fields = []field{
	{header: "Metadata-Version", form: "metadata_version", single: func(m *Metadata) *string { return &m.MetadataVersion }},
	{header: "Name", form: "name", single: func(m *Metadata) *string { return &m.Name }},
	{header: "Version", form: "version", single: func(m *Metadata) *string { return &m.Version }},
	{header: "Summary", form: "summary", single: func(m *Metadata) *string { return &m.Summary }},
	{header: "Description", form: "description", single: func(m *Metadata) *string { return &m.Description }},
	{header: "Description-Content-Type", form: "description_content_type", single: func(m *Metadata) *string { return &m.DescriptionContentType }},
	{header: "Keywords", form: "keywords", single: func(m *Metadata) *string { return &m.Keywords }},
	{header: "Home-page", form: "home_page", single: func(m *Metadata) *string { return &m.HomePage }},
	{header: "Download-URL", form: "download_url", single: func(m *Metadata) *string { return &m.DownloadURL }},
	{header: "Author", form: "author", single: func(m *Metadata) *string { return &m.Author }},
	{header: "Author-email", form: "author_email", single: func(m *Metadata) *string { return &m.AuthorEmail }},
	{header: "Maintainer", form: "maintainer", single: func(m *Metadata) *string { return &m.Maintainer }},
	{header: "Maintainer-email", form: "maintainer_email", single: func(m *Metadata) *string { return &m.MaintainerEmail }},
	{header: "License", form: "license", single: func(m *Metadata) *string { return &m.License }},
	{header: "License-Expression", form: "license_expression", single: func(m *Metadata) *string { return &m.LicenseExpression }},
	{header: "Requires-Python", form: "requires_python", single: func(m *Metadata) *string { return &m.RequiresPython }},
	{header: "License-File", form: "license_file", multi: func(m *Metadata) *[]string { return &m.LicenseFiles }},
	{header: "Classifier", form: "classifiers", multi: func(m *Metadata) *[]string { return &m.Classifiers }},
	{header: "Platform", form: "platform", multi: func(m *Metadata) *[]string { return &m.Platforms }},
	{header: "Supported-Platform", form: "supported_platform", multi: func(m *Metadata) *[]string { return &m.SupportedPlatforms }},
	{header: "Requires-Dist", form: "requires_dist", multi: func(m *Metadata) *[]string { return &m.RequiresDist }},
	{header: "Provides-Extra", form: "provides_extra", multi: func(m *Metadata) *[]string { return &m.ProvidesExtra }},
	{header: "Provides-Dist", form: "provides_dist", multi: func(m *Metadata) *[]string { return &m.ProvidesDist }},
	{header: "Obsoletes-Dist", form: "obsoletes_dist", multi: func(m *Metadata) *[]string { return &m.ObsoletesDist }},
	{header: "Requires-External", form: "requires_external", multi: func(m *Metadata) *[]string { return &m.RequiresExternal }},
	{header: "Project-URL", form: "project_urls", multi: func(m *Metadata) *[]string { return &m.ProjectURLs }},
	{header: "Dynamic", form: "dynamic", multi: func(m *Metadata) *[]string { return &m.Dynamic }},
}

// legacyUnknown lists the fields for which setuptools before version 62 wrote
// the placeholder "UNKNOWN" when a project left them out.
var legacyUnknown = set("Summary", "Description", "Home-page", "Download-URL", "Author",
	"Author-email", "Maintainer", "Maintainer-email", "License", "Platform")

// unknownIsAbsent reports whether value is that placeholder for f, so that
// the field is treated as missing rather than, say, an invalid URL.
func (f field) unknownIsAbsent(value string) bool {
	return value == "UNKNOWN" && legacyUnknown[f.header]
}

// fieldByHeader finds a field by header name, ignoring case.
func fieldByHeader(name string) (field, bool) {
	for _, f := range fields {
		if strings.EqualFold(f.header, name) {
			return f, true
		}
	}
	return field{}, false
}

// FormMetadata builds Metadata from the upload form's fields, keyed as twine
// sends them. A single-use field takes its first non-empty value; empty values
// of multiple-use fields are dropped, and so is the placeholder "UNKNOWN"
// that old setuptools wrote for missing optional fields. Other keys are
// ignored.
func FormMetadata(values map[string][]string) *Metadata {
	m := &Metadata{}
	for _, f := range fields {
		for _, v := range values[f.form] {
			if v == "" || f.unknownIsAbsent(v) {
				continue
			}
			if f.single != nil {
				*f.single(m) = v
				break
			}
			p := f.multi(m)
			*p = append(*p, v)
		}
	}
	return m
}

// ParseMetadata parses core metadata in the email-header format of METADATA
// and PKG-INFO. Lines are separated by LF, CRLF or CR; a line starting with a
// space or tab continues the previous header; a blank line ends the headers
// and the rest is the body. Unknown headers, and the placeholder "UNKNOWN"
// that old setuptools wrote for missing optional fields, are ignored. A single-use field
// given twice and input that is not UTF-8 are errors. The body becomes the
// Description unless a Description header is present, which wins. The
// Description and License headers' continuation lines lose the indentation
// ("        " or "       |") that setuptools and the specification use to
// fold them; other headers are unfolded by joining their trimmed lines with a
// newline, so a folded Summary still fails validation as multi-line.
func ParseMetadata(b []byte) (*Metadata, error) {
	if !utf8.Valid(b) {
		return nil, errorf("metadata", "Invalid metadata: not valid UTF-8.")
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	text := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
	headers, body := splitHeaders(text)
	m := &Metadata{}
	seen := map[string]bool{}
	for _, h := range headers {
		f, ok := fieldByHeader(h.name)
		if !ok {
			continue
		}
		value := unfold(h.lines, f.header == "Description" || f.header == "License")
		if f.unknownIsAbsent(value) {
			continue
		}
		if f.multi != nil {
			p := f.multi(m)
			*p = append(*p, value)
			continue
		}
		if seen[f.header] {
			return nil, errorf(f.header, "Invalid metadata: the %s field appears more than once.", f.header)
		}
		seen[f.header] = true
		*f.single(m) = value
	}
	if !seen["Description"] && body != "" {
		m.Description = body
	}
	return m, nil
}

// header is one raw header: its name and its value's lines, the first without
// the name and colon, the rest with their leading whitespace.
type header struct {
	name  string
	lines []string
}

// splitHeaders splits normalised text into its headers and its body. Like
// Python's email parser, a line that is neither a header nor a continuation
// ends the headers and starts the body.
func splitHeaders(text string) ([]header, string) {
	var hs []header
	rest := text
	for rest != "" {
		line, next, _ := strings.Cut(rest, "\n")
		switch {
		case line == "":
			return hs, next
		case line[0] == ' ' || line[0] == '\t':
			if len(hs) == 0 {
				return hs, rest
			}
			h := &hs[len(hs)-1]
			h.lines = append(h.lines, line)
		default:
			name, value, ok := strings.Cut(line, ":")
			if !ok || !validHeaderName(name) {
				return hs, rest
			}
			hs = append(hs, header{name: name, lines: []string{value}})
		}
		rest = next
	}
	return hs, ""
}

// validHeaderName reports whether s is printable ASCII without spaces, as
// RFC 5322 field names are.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// unfold joins a header's lines into its value, separated by newlines. The
// free-text fields (Description and License) keep the text's own indentation:
// their continuation lines lose only the folding prefix, either blanks and a
// '|' (the specification's form, used when every continuation line has it)
// or up to eight blanks (what setuptools writes). Other fields lose all
// surrounding blanks on every line.
func unfold(lines []string, freeText bool) string {
	first := strings.TrimSpace(lines[0])
	if len(lines) == 1 {
		return first
	}
	out := make([]string, 0, len(lines))
	out = append(out, first)
	rest := lines[1:]
	if !freeText {
		for _, l := range rest {
			out = append(out, strings.TrimSpace(l))
		}
		return strings.TrimSpace(strings.Join(out, "\n"))
	}
	pipes := true
	for _, l := range rest {
		if _, ok := cutFold(l, true); !ok {
			pipes = false
			break
		}
	}
	for _, l := range rest {
		v, _ := cutFold(l, pipes)
		out = append(out, v)
	}
	return strings.TrimRight(strings.Join(out, "\n"), " \t\n")
}

// cutFold strips up to eight leading blanks from a continuation line and,
// when pipe is set, the '|' that must follow them; ok reports whether it was
// there.
func cutFold(l string, pipe bool) (string, bool) {
	n := 0
	for n < len(l) && n < 8 && (l[n] == ' ' || l[n] == '\t') {
		n++
	}
	if !pipe {
		return l[n:], true
	}
	if n < len(l) && l[n] == '|' {
		return l[n+1:], true
	}
	return l, false
}
