package i18n

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// IDs returns the source locale's message ids, sorted: the messages that
// exist.
func (b *Bundle) IDs() []string { return b.Source().msgs.ids() }

// Check compares every catalog with the source and returns what is wrong,
// one line per problem ("fa: missing message help.title"), sorted by
// locale and id:
//   - a message missing from a catalog, or one the source does not have
//     (stale: the source renamed or dropped it);
//   - an empty text;
//   - a plural message that is plain in the source, or the other way round;
//   - a plural message without a form for one of its language's CLDR
//     categories for whole numbers (and "other", always), or with a form
//     for a category the language does not use;
//   - placeholders that differ from the source's (a plural form may leave
//     out {count} and others, as in Arabic's "ملفان", but never add one).
func (b *Bundle) Check() []string {
	var problems []string
	src := b.Source()
	for _, l := range b.locales {
		report := func(format string, args ...any) {
			problems = append(problems, l.id+": "+fmt.Sprintf(format, args...))
		}
		need := pluralForms(l.tag)
		for _, id := range src.msgs.ids() {
			m, ok := l.msgs[id]
			if !ok {
				report("missing message %s", id)
				continue
			}
			checkMessage(report, id, m, src.msgs[id], need)
		}
		for _, id := range l.msgs.ids() {
			if _, ok := src.msgs[id]; !ok {
				report("stale message %s (not in %s)", id, Source)
			}
		}
	}
	return problems
}

// checkMessage reports what is wrong with m, the translation of src.
func checkMessage(report func(string, ...any), id string, m, src entry, need []plural.Form) {
	if (m.forms == nil) != (src.forms == nil) {
		report("%s must be plural exactly when the source's is", id)
		return
	}
	for _, s := range m.texts() {
		if strings.TrimSpace(s) == "" {
			report("%s has an empty text", id)
		}
	}
	want := placeholders(strings.Join(src.texts(), " "))
	if m.forms == nil {
		if got := placeholders(m.text); !slices.Equal(got, want) {
			report("%s has placeholders %v, the source %v", id, got, want)
		}
		return
	}
	if src.forms != nil {
		want = append(want, "count")
	}
	for _, f := range need {
		if _, ok := m.forms[f]; !ok {
			report("%s lacks plural form %s", id, formName(f))
		}
	}
	for f, s := range m.forms {
		if !slices.Contains(need, f) {
			report("%s has plural form %s, which the language does not use", id, formName(f))
		}
		for _, p := range placeholders(s) {
			if !slices.Contains(want, p) {
				report("%s.%s has placeholder {%s}, which the source does not", id, formName(f), p)
			}
		}
	}
}

// pluralForms returns the CLDR plural categories the language uses for
// whole numbers, and "other", which CLDR requires of every language. x/text
// has no list of a language's categories, so they are found by asking for
// the category of numbers that meet every rule: CLDR's integer rules look
// at n modulo 10 and 100 and at ranges below 1,000, except rules for
// millions (French's and Spanish's "many"), met by the powers of ten.
func pluralForms(tag language.Tag) []plural.Form {
	seen := map[plural.Form]bool{plural.Other: true}
	probe := func(n int) { seen[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)] = true }
	for n := 0; n < 1200; n++ {
		probe(n)
	}
	for p := 1000; p <= 1_000_000_000; p *= 10 {
		probe(p)
		probe(2 * p)
	}
	var forms []plural.Form
	for _, c := range categoryNames {
		if seen[c.form] {
			forms = append(forms, c.form)
		}
	}
	return forms
}
