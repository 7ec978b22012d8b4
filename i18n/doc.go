// Package i18n is wharf's one translation layer: message catalogs, the
// choice of a locale for a request, and the Localizer that turns a message
// id into text.
//
// Catalogs are TOML files embedded from locales/, one per locale, named by
// the locale's BCP 47 id (en.toml, fa.toml, zh-Hans.toml). English is the
// source: every other catalog must have exactly English's message ids, the
// same placeholders, and a form for every CLDR plural category its
// language uses with whole numbers (Bundle.Check reports what is wrong, and
// a test runs it). docs/i18n.md says how to add a locale.
//
// A catalog's keys are dotted ids ("help.pip.title"); TOML tables group
// them. A table with an "other" key is one plural message whose keys are
// CLDR categories (zero, one, two, few, many, other):
//
//	[help]
//	title = "Using this index"
//	files = { one = "{count} file", other = "{count} files" }
//
// Placeholders are {name}, filled from name/value argument pairs, or {0},
// {1}, … filled from the arguments by position; N provides {count}. Numbers
// are written with the locale's digits and grouping. Messages are plain
// text: markup belongs in templates, which escape what they insert.
//
// Language matching and plural categories come from golang.org/x/text
// (language.Matcher, feature/plural), which carry CLDR's data, rather than
// from a larger framework: the catalog format and its checks are small
// enough to own, and owning them lets the completeness test be exact.
//
// The package is a leaf: it imports the standard library, golang.org/x/text
// and github.com/BurntSushi/toml only.
package i18n
