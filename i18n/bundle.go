package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Source is the id of the source locale, English: its catalog defines
// which messages exist, and it is the fallback for every other locale.
const Source = "en"

//go:embed locales/*.toml
var embedded embed.FS

// Bundle holds every locale's catalog. It is read-only once loaded and safe
// for concurrent use.
type Bundle struct {
	locales []*Localizer          // Source first, then by id
	byKey   map[string]*Localizer // by lower-case id with "_" as "-"
	matcher language.Matcher
}

// Load reads the catalogs embedded in the package.
func Load() (*Bundle, error) {
	sub, err := fs.Sub(embedded, "locales")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
}

// LoadFS reads the catalogs *.toml at the root of fsys. A file's name is
// its locale's BCP 47 id, optionally followed by a part name
// ("fr.toml", "fr.tokens.toml"): a locale's parts are merged, so that
// pages of separate features keep their messages in separate files, and
// an id defined in two parts is an error. The source catalog (en.toml)
// must be there. Errors about the files match ErrInvalid; a catalog that
// is well formed but incomplete loads, and Check reports it.
func LoadFS(fsys fs.FS) (*Bundle, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	b := &Bundle{byKey: map[string]*Localizer{}}
	for _, name := range names {
		id, _, _ := strings.Cut(strings.TrimSuffix(path.Base(name), ".toml"), ".")
		tag, err := language.Parse(id)
		if err != nil || tag.String() != id {
			return nil, fmt.Errorf("%w: %s: the name must be a canonical BCP 47 id (%v)", ErrInvalid, name, tag)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		c, err := parseCatalog(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if l := b.byKey[localeKey(id)]; l != nil {
			if err := l.msgs.merge(c); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		l := &Localizer{id: id, tag: tag, dir: direction(tag), msgs: c, printer: message.NewPrinter(tag)}
		b.locales = append(b.locales, l)
		b.byKey[localeKey(id)] = l
	}
	src := b.byKey[Source]
	if src == nil {
		return nil, fmt.Errorf("%w: no catalog for the source locale %q", ErrInvalid, Source)
	}
	sort.Slice(b.locales, func(i, j int) bool {
		if (b.locales[i] == src) != (b.locales[j] == src) {
			return b.locales[i] == src
		}
		return b.locales[i].id < b.locales[j].id
	})
	tags := make([]language.Tag, len(b.locales))
	for i, l := range b.locales {
		l.source = src.msgs
		tags[i] = l.tag
	}
	b.matcher = language.NewMatcher(tags)
	return b, nil
}

// localeKey is the form locale ids are compared in: case-insensitive, with
// "_" (PyPI's zh_Hans) taken as "-".
func localeKey(id string) string {
	return strings.ToLower(strings.ReplaceAll(id, "_", "-"))
}

// direction is "rtl" for a language written in a right-to-left script
// (its own, or the one CLDR says it is most likely written in), else "ltr".
func direction(tag language.Tag) string {
	s, _ := tag.Script()
	switch s.String() {
	case "Adlm", "Arab", "Hebr", "Nkoo", "Rohg", "Syrc", "Thaa":
		return "rtl"
	}
	return "ltr"
}

// Locales returns every locale, the source first, then by id.
func (b *Bundle) Locales() []*Localizer {
	return append([]*Localizer(nil), b.locales...)
}

// Source returns the source locale's Localizer.
func (b *Bundle) Source() *Localizer { return b.locales[0] }

// Lookup returns the locale with the given id, compared without regard to
// case and with "_" taken as "-" ("zh_hans" finds zh-Hans).
func (b *Bundle) Lookup(id string) (*Localizer, bool) {
	l, ok := b.byKey[localeKey(id)]
	return l, ok
}

// Negotiate chooses the locale for a request: the one named by chosen (the
// locale cookie) if it exists, else the best match for the Accept-Language
// header acceptLanguage, else the source locale. A match must be close (a
// regional variant, or a script CLDR takes as the language's usual one):
// zh-TW readers are not sent Simplified Chinese.
func (b *Bundle) Negotiate(chosen, acceptLanguage string) *Localizer {
	if chosen != "" {
		if l, ok := b.Lookup(chosen); ok {
			return l
		}
	}
	if acceptLanguage == "" || len(acceptLanguage) > maxAcceptLanguage {
		return b.Source()
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return b.Source()
	}
	_, i, conf := b.matcher.Match(tags...)
	if conf < language.High || i < 0 || i >= len(b.locales) {
		return b.Source()
	}
	return b.locales[i]
}

// maxAcceptLanguage bounds the Accept-Language header Negotiate parses;
// browsers send a few dozen bytes.
const maxAcceptLanguage = 1024
