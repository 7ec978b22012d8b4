package i18n_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"wharf/i18n"
)

// shipped are the locales wharf ships, in Bundle.Locales order.
var shipped = []string{"en", "ar", "es", "fa", "fr", "ru", "tr", "uk", "zh-Hans"}

func load(t testing.TB) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCatalogsComplete is the completeness test docs/i18n.md describes:
// every shipped catalog has exactly the source's messages, placeholders
// and its language's plural forms.
func TestCatalogsComplete(t *testing.T) {
	b := load(t)
	var ids []string
	for _, l := range b.Locales() {
		ids = append(ids, l.ID())
	}
	if !slices.Equal(ids, shipped) {
		t.Errorf("locales %v, want %v", ids, shipped)
	}
	for _, p := range b.Check() {
		t.Error(p)
	}
}

// TestCatalogsArePlainText keeps markup out of catalogs: templates escape
// what T returns, so a tag would show as text.
func TestCatalogsArePlainText(t *testing.T) {
	b := load(t)
	for _, l := range b.Locales() {
		for _, id := range b.IDs() {
			if s := l.T(id); strings.ContainsAny(s, "<>") {
				t.Errorf("%s %s has markup: %q", l.ID(), id, s)
			}
		}
	}
}

func TestCheckFindsProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"en.toml": {Data: []byte(`
a = "Hello {name}"
b = "Bye"
c = { one = "{count} file", other = "{count} files" }
d = { one = "{count} day", other = "{count} days" }
e = "Plain"
`)},
		"ru.toml": {Data: []byte(`
a = "Привет {who}"
c = { one = "{count} файл", few = "{count} файла", other = "{count} файла" }
d = { one = "{count} день", few = "{count} дня", many = "{count} дней", other = "{count} дня", two = "x" }
e = { one = "x", other = "y" }
z = "stale"
`)},
		"fr.toml": {Data: []byte(`
a = "Bonjour {name}"
b = " "
c = { one = "{count} fichier {extra}", other = "{count} fichiers" }
d = "jours"
e = "Simple"
`)},
	}
	b, err := i18n.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := b.Check()
	slices.Sort(got)
	want := []string{
		"fr: b has an empty text",
		"fr: c.one has placeholder {extra}, which the source does not",
		"fr: d must be plural exactly when the source's is",
		"ru: a has placeholders [who], the source [name]",
		"ru: c lacks plural form many",
		"ru: d has plural form two, which the language does not use",
		"ru: e must be plural exactly when the source's is",
		"ru: missing message b",
		"ru: stale message z (not in en)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadFSMergesParts(t *testing.T) {
	b, err := i18n.LoadFS(fstest.MapFS{
		"en.toml":        {Data: []byte(`a = "A"`)},
		"en.tokens.toml": {Data: []byte("[tokens]\nb = \"B\"")},
		"fr.toml":        {Data: []byte(`a = "Ah"`)},
		"fr.tokens.toml": {Data: []byte("[tokens]\nb = \"Bé\"")},
	})
	if err != nil {
		t.Fatal(err)
	}
	fr, _ := b.Lookup("fr")
	if got := fr.T("tokens.b") + fr.T("a"); got != "BéAh" {
		t.Errorf("merged catalog gives %q", got)
	}
	if p := b.Check(); len(p) != 0 {
		t.Errorf("Check: %v", p)
	}
}

func TestLoadFSRefuses(t *testing.T) {
	en := &fstest.MapFile{Data: []byte(`a = "A"`)}
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"no source", fstest.MapFS{"fr.toml": en}},
		{"bad TOML", fstest.MapFS{"en.toml": {Data: []byte(`a = `)}}},
		{"upper-case key", fstest.MapFS{"en.toml": {Data: []byte(`Title = "x"`)}}},
		{"number", fstest.MapFS{"en.toml": {Data: []byte(`a = 3`)}}},
		{"array", fstest.MapFS{"en.toml": {Data: []byte(`a = ["x"]`)}}},
		{"unknown category", fstest.MapFS{"en.toml": {Data: []byte(`a = { other = "x", lots = "y" }`)}}},
		{"form not a string", fstest.MapFS{"en.toml": {Data: []byte(`a = { other = "x", one = 1 }`)}}},
		{"bad locale name", fstest.MapFS{"en.toml": en, "not a tag.toml": en}},
		{"non-canonical locale name", fstest.MapFS{"en.toml": en, "zh-hans.toml": en}},
		{"id in two parts", fstest.MapFS{"en.toml": en, "en.more.toml": en}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := i18n.LoadFS(tt.fsys); !errors.Is(err, i18n.ErrInvalid) {
				t.Errorf("LoadFS: %v, want ErrInvalid", err)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	b := load(t)
	tests := []struct {
		name, cookie, accept, want string
	}{
		{"nothing", "", "", "en"},
		{"exact", "", "fa", "fa"},
		{"region", "", "fr-CA,fr;q=0.9,en;q=0.5", "fr"},
		{"q values", "", "de;q=1, ru;q=0.8, en;q=0.1", "ru"},
		{"simplified chinese by region", "", "zh-CN", "zh-Hans"},
		{"simplified chinese by script", "", "zh-Hans-SG", "zh-Hans"},
		{"traditional chinese is not simplified", "", "zh-TW", "en"},
		{"unsupported", "", "de-DE, pt-BR;q=0.5", "en"},
		{"wildcard", "", "*", "en"},
		{"garbage", "", ";;;q=x,,", "en"},
		{"cookie wins", "uk", "fa", "uk"},
		{"cookie as PyPI spells it", "zh_Hans", "", "zh-Hans"},
		{"cookie case", "ZH-HANS", "", "zh-Hans"},
		{"unknown cookie", "xx", "tr", "tr"},
		{"huge header", "", strings.Repeat("fa,", 1000), "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Negotiate(tt.cookie, tt.accept).ID(); got != tt.want {
				t.Errorf("Negotiate(%q, %q) = %s, want %s", tt.cookie, tt.accept, got, tt.want)
			}
		})
	}
}

func TestDirAndName(t *testing.T) {
	b := load(t)
	want := map[string][2]string{
		"en": {"ltr", "English"}, "fa": {"rtl", "فارسی"}, "ar": {"rtl", "العربية"},
		"ru": {"ltr", "Русский"}, "zh-Hans": {"ltr", "简体中文"}, "uk": {"ltr", "Українська"},
		"es": {"ltr", "Español"}, "fr": {"ltr", "Français"}, "tr": {"ltr", "Türkçe"},
	}
	for _, l := range b.Locales() {
		if got := [2]string{l.Dir(), l.Name()}; got != want[l.ID()] {
			t.Errorf("%s: dir and name %v, want %v", l.ID(), got, want[l.ID()])
		}
	}
}

// testBundle is a small bundle for formatting tests.
func testBundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.LoadFS(fstest.MapFS{
		"en.toml": {Data: []byte(`
greet = "Hello, {name}! You have {n} new {0}."
pos = "{1} before {0}, {0} again, {2} missing"
braces = "a {b c} {} {x-y} {{ }"
only_en = "English only"
files = { one = "{count} file in {where}", other = "{count} files in {where}" }
[group.sub]
leaf = "Leaf"
`)},
		"fa.toml": {Data: []byte(`
greet = "سلام {name}! {n} {0} تازه دارید."
files = { one = "{count} پرونده در {where}", other = "{count} پرونده در {where}" }
`)},
		"ar.toml": {Data: []byte(`
files = { zero = "لا ملفات", one = "ملف واحد", two = "ملفان", few = "{count} ملفات", many = "{count} ملفًا", other = "{count} ملف" }
`)},
		"ru.toml": {Data: []byte(`
files = { one = "{count} файл", few = "{count} файла", many = "{count} файлов", other = "{count} файла" }
`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestT(t *testing.T) {
	b := testBundle(t)
	en, _ := b.Lookup("en")
	fa, _ := b.Lookup("fa")
	tests := []struct {
		name string
		l    *i18n.Localizer
		id   string
		args []any
		want string
	}{
		{"named and positional", en, "greet", []any{"messages", "name", "Ann", "n", 1200}, "Hello, Ann! You have 1,200 new messages."},
		{"missing values stay", en, "greet", nil, "Hello, {name}! You have {n} new {0}."},
		{"positions", en, "pos", []any{"A", "B"}, "B before A, A again, {2} missing"},
		{"braces that are no placeholders", en, "braces", []any{"b c", "x"}, "a {b c} {} {x-y} {{ }"},
		{"nested table id", en, "group.sub.leaf", nil, "Leaf"},
		{"unknown id", en, "nope", nil, "nope"},
		{"plural message gives other", en, "files", []any{"where", "x"}, "{count} files in x"},
		{"fallback to the source", fa, "only_en", nil, "English only"},
		{"rtl isolates text, not numbers", fa, "greet", []any{"پیام", "name", "Ann", "n", 3},
			"سلام \u2068Ann\u2069! ۳ \u2068پیام\u2069 تازه دارید."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.T(tt.id, tt.args...); got != tt.want {
				t.Errorf("T = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestN(t *testing.T) {
	b := testBundle(t)
	tests := []struct {
		locale string
		n      int
		want   string
	}{
		{"en", 1, "1 file in here"},
		{"en", 0, "0 files in here"},
		{"en", 2, "2 files in here"},
		{"en", -1, "-1 file in here"},
		{"en", 1234567, "1,234,567 files in here"},
		{"fa", 1, "۱ پرونده در \u2068here\u2069"},
		{"fa", 1234, "۱٬۲۳۴ پرونده در \u2068here\u2069"},
		{"ru", 1, "1 файл"},
		{"ru", 21, "21 файл"},
		{"ru", 3, "3 файла"},
		{"ru", 5, "5 файлов"},
		{"ru", 11, "11 файлов"},
		{"ar", 0, "لا ملفات"},
		{"ar", 1, "ملف واحد"},
		{"ar", 2, "ملفان"},
		{"ar", 3, "٣ ملفات"},
		{"ar", 11, "١١ ملفًا"},
		{"ar", 100, "١٠٠ ملف"},
	}
	for _, tt := range tests {
		l, _ := b.Lookup(tt.locale)
		if got := l.N("files", tt.n, "where", "here"); got != tt.want {
			t.Errorf("%s N(%d) = %q, want %q", tt.locale, tt.n, got, tt.want)
		}
	}
	en, _ := b.Lookup("en")
	if got := en.N("group.sub.leaf", 3); got != "Leaf" {
		t.Errorf("N of a plain message = %q", got)
	}
}
