package dist

import (
	"strings"
	"testing"
)

// validMetadata returns metadata that passes Validate, for tests to break
// one field at a time.
func validMetadata() *Metadata {
	return &Metadata{
		MetadataVersion: "2.4",
		Name:            "foo",
		Version:         "1.0",
		Summary:         "A summary",
	}
}

func spec(value, field, reason string) string {
	return "'" + value + "' is an invalid value for " + field + ". Error: " + reason +
		" See https://packaging.python.org/specifications/core-metadata for more information."
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Metadata)
		wantErr string
	}{
		{"valid", func(*Metadata) {}, ""},
		{"every field valid", func(m *Metadata) {
			m.Description = "text"
			m.DescriptionContentType = "text/markdown; charset=utf-8; variant=CommonMark"
			m.HomePage = "https://example.com"
			m.DownloadURL = "http://example.com/dl"
			m.ProjectURLs = []string{"Source, https://github.com/x/y", "A label of thirty-two characters, https://x.org"}
			m.AuthorEmail = "A <a@example.com>, b@example.com"
			m.MaintainerEmail = "m@example.com"
			m.LicenseExpression = "MIT"
			m.LicenseFiles = []string{"LICENSE", "licenses/BSD.txt"}
			m.Classifiers = []string{"Programming Language :: Python :: 3"}
			m.RequiresPython = ">=3.8"
			m.RequiresDist = []string{"bar>=1", `baz[x]; extra == "y"`}
			m.ProvidesDist = []string{"foo-compat"}
			m.ObsoletesDist = []string{"oldfoo (<1.0)"}
			m.ProvidesExtra = []string{"y"}
			m.Dynamic = []string{"Requires-Dist", "classifier"}
		}, ""},
		{"metadata version 2.0", func(m *Metadata) { m.MetadataVersion = "2.0" },
			spec("2.0", "Metadata-Version", "Use a known metadata version.")},
		{"metadata version missing", func(m *Metadata) { m.MetadataVersion = "" },
			spec("", "Metadata-Version", "Use a known metadata version.")},
		{"name missing", func(m *Metadata) { m.Name = "" }, spec("", "Name", "This field is required.")},
		{"name invalid", func(m *Metadata) { m.Name = "-foo" },
			spec("-foo", "Name", "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.")},
		{"version missing", func(m *Metadata) { m.Version = "" }, spec("", "Version", "This field is required.")},
		{"version invalid", func(m *Metadata) { m.Version = "one" }, spec("one", "Version", "Use a valid PEP 440 version.")},
		{"version local", func(m *Metadata) { m.Version = "1.0+local" }, spec("1.0+local", "Version", "Can't use PEP 440 local versions.")},
		{"summary multi-line", func(m *Metadata) { m.Summary = "a\nb" }, spec("a\nb", "Summary", "Use a single line only.")},
		{"summary long", func(m *Metadata) { m.Summary = strings.Repeat("é", 513) },
			spec(strings.Repeat("é", 100)+"...", "Summary", "Use 512 characters or less.")},
		{"summary at limit", func(m *Metadata) { m.Summary = strings.Repeat("é", 512) }, ""},
		{"content type unknown", func(m *Metadata) { m.DescriptionContentType = "text/html" },
			spec("text/html", "Description-Content-Type", "Use a known content type: text/plain, text/x-rst or text/markdown.")},
		{"content type malformed", func(m *Metadata) { m.DescriptionContentType = "text/" },
			spec("text/", "Description-Content-Type", "Use a valid MIME type.")},
		{"content type charset", func(m *Metadata) { m.DescriptionContentType = "text/plain; charset=latin-1" },
			spec("text/plain; charset=latin-1", "Description-Content-Type", "Use a valid charset: UTF-8.")},
		{"content type variant", func(m *Metadata) { m.DescriptionContentType = "text/markdown; variant=wiki" },
			spec("text/markdown; variant=wiki", "Description-Content-Type", "Use a valid variant: GFM or CommonMark.")},
		{"content type upper", func(m *Metadata) { m.DescriptionContentType = "Text/X-RST; charset=UTF-8" }, ""},
		{"home page scheme", func(m *Metadata) { m.HomePage = "ftp://example.com" },
			spec("ftp://example.com", "Home-page", "Use a valid http or https URL.")},
		{"download url relative", func(m *Metadata) { m.DownloadURL = "/dl" },
			spec("/dl", "Download-URL", "Use a valid http or https URL.")},
		{"project url no comma", func(m *Metadata) { m.ProjectURLs = []string{"https://x.org"} },
			spec("https://x.org", "Project-URL", "Use both a label and a URL, separated by a comma.")},
		{"project url no label", func(m *Metadata) { m.ProjectURLs = []string{", https://x.org"} },
			spec(", https://x.org", "Project-URL", "Use a label.")},
		{"project url long label", func(m *Metadata) { m.ProjectURLs = []string{strings.Repeat("x", 33) + ", https://x.org"} },
			spec(strings.Repeat("x", 33)+", https://x.org", "Project-URL", "Use 32 characters or less for the label.")},
		{"project url bad url", func(m *Metadata) { m.ProjectURLs = []string{"Docs, javascript:alert(1)"} },
			spec("Docs, javascript:alert(1)", "Project-URL", "Use a valid http or https URL.")},
		{"author email", func(m *Metadata) { m.AuthorEmail = "not an address" },
			spec("not an address", "Author-email", "Use a valid email address.")},
		{"maintainer email", func(m *Metadata) { m.MaintainerEmail = "a@" },
			spec("a@", "Maintainer-email", "Use a valid email address.")},
		{"license expression old version", func(m *Metadata) { m.MetadataVersion = "2.3"; m.LicenseExpression = "MIT" },
			spec("MIT", "License-Expression", "Use Metadata-Version 2.4 or later for this field.")},
		{"license expression blank", func(m *Metadata) { m.LicenseExpression = "  " },
			spec("  ", "License-Expression", "Use a single-line SPDX license expression.")},
		{"license expression long", func(m *Metadata) { m.LicenseExpression = strings.Repeat("M", 1025) },
			spec(strings.Repeat("M", 100)+"...", "License-Expression", "Use 1024 characters or less.")},
		{"license file escapes", func(m *Metadata) { m.LicenseFiles = []string{"../LICENSE"} },
			spec("../LICENSE", "License-File", "Use a relative path without '..' and with '/' as separator.")},
		{"license file absolute", func(m *Metadata) { m.LicenseFiles = []string{"/etc/passwd"} },
			spec("/etc/passwd", "License-File", "Use a relative path without '..' and with '/' as separator.")},
		{"license file old version", func(m *Metadata) { m.MetadataVersion = "2.1"; m.LicenseFiles = []string{"LICENSE"} },
			spec("LICENSE", "License-File", "Use Metadata-Version 2.4 or later for this field.")},
		{"classifier unknown", func(m *Metadata) { m.Classifiers = []string{"Foo :: Bar"} },
			"Classifier 'Foo :: Bar' is not a valid classifier."},
		{"classifier deprecated", func(m *Metadata) { m.Classifiers = []string{"Natural Language :: Ukranian"} },
			"Classifier 'Natural Language :: Ukranian' has been deprecated, use the following classifier(s) instead: Natural Language :: Ukrainian"},
		{"requires python", func(m *Metadata) { m.RequiresPython = ">=3.8,<<4" },
			spec(">=3.8,<<4", "Requires-Python", "Use a valid PEP 440 version specifier set.")},
		{"requires dist invalid", func(m *Metadata) { m.RequiresDist = []string{"bar>="} },
			spec("bar>=", "Requires-Dist", "Use a valid PEP 508 requirement.")},
		{"requires dist direct", func(m *Metadata) { m.RequiresDist = []string{"bar @ https://example.com/bar.whl"} },
			"Can't have direct dependency: bar @ https://example.com/bar.whl"},
		{"provides dist invalid", func(m *Metadata) { m.ProvidesDist = []string{"bar baz"} },
			spec("bar baz", "Provides-Dist", "Use a valid PEP 508 requirement.")},
		{"obsoletes dist invalid", func(m *Metadata) { m.ObsoletesDist = []string{"(bar)"} },
			spec("(bar)", "Obsoletes-Dist", "Use a valid PEP 508 requirement.")},
		{"provides extra", func(m *Metadata) { m.ProvidesExtra = []string{"with space"} },
			spec("with space", "Provides-Extra", "Use a valid extra name.")},
		{"dynamic name", func(m *Metadata) { m.Dynamic = []string{"name"} },
			spec("name", "Dynamic", "Name can't be dynamic.")},
		{"dynamic version", func(m *Metadata) { m.Dynamic = []string{"Version"} },
			spec("Version", "Dynamic", "Version can't be dynamic.")},
		{"dynamic unknown", func(m *Metadata) { m.Dynamic = []string{"Color"} },
			spec("Color", "Dynamic", "Use the name of a core metadata field.")},
		{"dynamic old version", func(m *Metadata) { m.MetadataVersion = "2.1"; m.Dynamic = []string{"Summary"} },
			spec("Summary", "Dynamic", "Use Metadata-Version 2.2 or later for this field.")},
		{"unknown placeholder is not special here", func(m *Metadata) { m.HomePage = "UNKNOWN" },
			spec("UNKNOWN", "Home-page", "Use a valid http or https URL.")},
		{"first error wins", func(m *Metadata) { m.Name = ""; m.Version = "" }, spec("", "Name", "This field is required.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMetadata()
			tt.change(m)
			if got := errMessage(m.Validate(nil)); got != tt.wantErr {
				t.Errorf("Validate() = %q\nwant       %q", got, tt.wantErr)
			}
		})
	}
}

func TestValidateClassifierFunc(t *testing.T) {
	m := validMetadata()
	m.Classifiers = []string{"Private :: Do Not Upload", "Custom :: Ok"}
	allowAll := func(string) bool { return true }
	if err := m.Validate(allowAll); err != nil {
		t.Errorf("Validate(allowAll) = %v", err)
	}
	onlyCustom := func(c string) bool { return c == "Custom :: Ok" }
	want := "Classifier 'Private :: Do Not Upload' is not a valid classifier."
	if got := errMessage(m.Validate(onlyCustom)); got != want {
		t.Errorf("Validate(onlyCustom) = %q, want %q", got, want)
	}
}
