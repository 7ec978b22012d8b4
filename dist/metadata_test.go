package dist

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseMetadataSamples(t *testing.T) {
	tests := []struct {
		file string
		want Metadata
	}{
		{"setuptools-1.2.PKG-INFO", Metadata{
			MetadataVersion: "1.2", Name: "legacy-thing", Version: "0.9.1",
			Summary:        "A package built by an old setuptools",
			HomePage:       "https://example.org/legacy-thing",
			Author:         "Jane Doe",
			AuthorEmail:    "jane@example.org",
			License:        "MIT License\n\nCopyright (c) 2015 Jane Doe\n  Indented line.",
			Description:    "Legacy Thing\n============\n\nSome *reST* text.\n\n    code block",
			Keywords:       "legacy thing old",
			Classifiers:    []string{"Programming Language :: Python :: 2", "License :: OSI Approved :: MIT License"},
			RequiresPython: ">=2.7, !=3.0.*, !=3.1.*",
		}},
		{"setuptools-2.1-crlf.METADATA", Metadata{
			MetadataVersion: "2.1", Name: "crlf_pkg", Version: "1.0.post1",
			Summary:                "Written on Windows",
			AuthorEmail:            `"Doe, Jane" <jane@example.org>, bob@example.com`,
			DescriptionContentType: "text/markdown; charset=UTF-8; variant=GFM",
			RequiresDist:           []string{"requests (>=2.0)", `pytest ; extra == "test"`},
			ProvidesExtra:          []string{"test"},
			Description:            "# CRLF\n\nBody line.\n",
		}},
		{"hatchling-2.4.METADATA", Metadata{
			MetadataVersion: "2.4", Name: "modern-pkg", Version: "2.3.0rc1",
			Summary: "A package built by hatchling",
			ProjectURLs: []string{
				"Homepage, https://example.com/modern-pkg",
				"Source Code, https://github.com/example/modern-pkg",
				"Issue Tracker, https://github.com/example/modern-pkg/issues",
			},
			AuthorEmail:            "Ada Lovelace <ada@example.com>",
			MaintainerEmail:        `"Grace Hopper" <grace@example.com>`,
			LicenseExpression:      "MIT OR Apache-2.0",
			LicenseFiles:           []string{"LICENSE.txt", "licenses/APACHE"},
			Keywords:               "one,two,three",
			Classifiers:            []string{"Development Status :: 4 - Beta", "Programming Language :: Python :: 3.12"},
			RequiresPython:         ">=3.9",
			RequiresDist:           []string{"attrs>=23.1", `typing-extensions>=4.0; python_version < "3.11"`, "sphinx[toml]<8,>=7; extra == 'docs'"},
			ProvidesExtra:          []string{"docs"},
			Dynamic:                []string{"Classifier"},
			DescriptionContentType: "text/markdown",
			Description: "# modern-pkg\n\nA paragraph with `code`.\n\n    indented code\n\n" +
				"Key: value lines in the body are not headers.\n",
		}},
		{"poetry-2.1.METADATA", Metadata{
			MetadataVersion: "2.1", Name: "poetry-style", Version: "1.4.2",
			Summary: "Poetry-core output", HomePage: "https://poetry.example.net",
			License: "BSD-3-Clause", Keywords: "poetry,packaging",
			Author: "Sébastien Eustace", AuthorEmail: "sebastien@example.net",
			RequiresPython: ">=3.8,<4.0",
			Classifiers: []string{"License :: OSI Approved :: BSD License", "Programming Language :: Python :: 3",
				"Programming Language :: Python :: 3.8"},
			ProvidesExtra: []string{"all"},
			RequiresDist: []string{"click (>=8.0,<9.0)", `rich (>=13.0,<14.0) ; extra == "all"`,
				`tomli (>=2.0.1,<3.0.0) ; python_version < "3.11"`},
			ProjectURLs:            []string{"Repository, https://github.com/example/poetry-style"},
			DescriptionContentType: "text/x-rst",
			Description:            "Poetry style\n============\n\nÜnïcödé text survives.\n",
		}},
		{"spec-pipe-1.1.PKG-INFO", Metadata{
			MetadataVersion: "1.1", Name: "pipe.folded", Version: "3",
			Summary:     "Uses the specification's folding",
			Description: "First line\n\n    indented\nlast line",
			Platforms:   []string{"any"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseMetadata(b)
			if err != nil {
				t.Fatalf("ParseMetadata: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseMetadata(%s) =\n%#v\nwant\n%#v", tt.file, *got, tt.want)
			}
			if err := got.Validate(nil); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Metadata
		wantErr string
	}{
		{"empty", "", Metadata{}, ""},
		{"only body", "\nhello", Metadata{Description: "hello"}, ""},
		{"header wins over body", "Description: head\n\nbody", Metadata{Description: "head"}, ""},
		{"case-insensitive names", "name: x\nVERSION: 1\n", Metadata{Name: "x", Version: "1"}, ""},
		{"value trimmed", "Name:   x  \n", Metadata{Name: "x"}, ""},
		{"empty value", "Summary:\n", Metadata{}, ""},
		{"colon in value", "Home-page: https://x.org:8080/\n", Metadata{HomePage: "https://x.org:8080/"}, ""},
		{"folded summary keeps newline", "Summary: one\n two\n", Metadata{Summary: "one\ntwo"}, ""},
		{"lone CR", "Name: a\rVersion: 1\r\rbody", Metadata{Name: "a", Version: "1", Description: "body"}, ""},
		{"bom", "\uFEFFName: a\n", Metadata{Name: "a"}, ""},
		{"non-header line starts body", "Name: a\nnot a header\nmore", Metadata{Name: "a", Description: "not a header\nmore"}, ""},
		{"leading continuation starts body", " indented\nName: a", Metadata{Description: " indented\nName: a"}, ""},
		{"legacy UNKNOWN placeholders", "Name: a\nHome-page: UNKNOWN\nAuthor: UNKNOWN\nPlatform: UNKNOWN\nKeywords: UNKNOWN\n\nUNKNOWN",
			Metadata{Name: "a", Keywords: "UNKNOWN", Description: "UNKNOWN"}, ""},
		{"unknown fields ignored", "X-Thing: 1\nRequires: old\nName: a\n", Metadata{Name: "a"}, ""},
		{"duplicate single field", "Name: a\nName: b\n", Metadata{}, "Invalid metadata: the Name field appears more than once."},
		{"invalid utf8", "Name: \xff\n", Metadata{}, "Invalid metadata: not valid UTF-8."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMetadata([]byte(tt.in))
			if msg := errMessage(err); msg != tt.wantErr {
				t.Fatalf("ParseMetadata error = %q, want %q", msg, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseMetadata(%q) = %#v, want %#v", tt.in, *got, tt.want)
			}
		})
	}
}

func TestFormMetadata(t *testing.T) {
	values := map[string][]string{
		"metadata_version":         {"2.1"},
		"name":                     {"foo"},
		"version":                  {"1.0", "2.0"},
		"summary":                  {""},
		"author":                   {"UNKNOWN"},
		"description":              {"# Hi"},
		"description_content_type": {"text/markdown"},
		"classifiers":              {"Programming Language :: Python :: 3", ""},
		"requires_dist":            {"bar>=1", `baz; extra == "x"`},
		"provides_extra":           {"x"},
		"project_urls":             {"Docs, https://foo.dev"},
		"home_page":                {"https://foo.dev"},
		"license_file":             {"LICENSE"},
		"platform":                 {"any"},
		"supported_platform":       {"linux"},
		"requires_external":        {"libc"},
		"dynamic":                  {"Keywords"},
		":action":                  {"file_upload"},
		"md5_digest":               {"abc"},
	}
	want := Metadata{
		MetadataVersion: "2.1", Name: "foo", Version: "1.0", Description: "# Hi",
		DescriptionContentType: "text/markdown",
		Classifiers:            []string{"Programming Language :: Python :: 3"},
		RequiresDist:           []string{"bar>=1", `baz; extra == "x"`},
		ProvidesExtra:          []string{"x"},
		ProjectURLs:            []string{"Docs, https://foo.dev"},
		HomePage:               "https://foo.dev",
		LicenseFiles:           []string{"LICENSE"},
		Platforms:              []string{"any"},
		SupportedPlatforms:     []string{"linux"},
		RequiresExternal:       []string{"libc"},
		Dynamic:                []string{"Keywords"},
	}
	got := FormMetadata(values)
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("FormMetadata =\n%#v\nwant\n%#v", *got, want)
	}
	if empty := FormMetadata(nil); !reflect.DeepEqual(*empty, Metadata{}) {
		t.Errorf("FormMetadata(nil) = %#v", *empty)
	}
}

func TestFormValuesRoundTrip(t *testing.T) {
	m := &Metadata{MetadataVersion: "2.1", Name: "demo", Version: "1.0", Summary: "s",
		Classifiers: []string{"Programming Language :: Python"}, RequiresDist: []string{"a>=1", "b"}}
	got := FormMetadata(m.FormValues())
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("FormMetadata(FormValues()) = %+v, want %+v", got, m)
	}
}
