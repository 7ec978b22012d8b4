package i18n

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Localizer writes the messages of one locale. It is read-only and safe
// for concurrent use; a request's view model carries the one negotiated
// for it.
type Localizer struct {
	id      string
	tag     language.Tag
	dir     string
	msgs    catalog
	source  catalog // the source locale's, for messages msgs lacks
	printer *message.Printer
}

// NameID is the message whose text is a locale's name for itself, shown in
// language switchers. Every catalog has it.
const NameID = "locale.name"

// ID returns the locale's BCP 47 id ("fa", "zh-Hans"), fit for an HTML lang
// attribute and for the locale cookie.
func (l *Localizer) ID() string { return l.id }

// Dir returns the locale's writing direction: "rtl" or "ltr", fit for an
// HTML dir attribute.
func (l *Localizer) Dir() string { return l.dir }

// Name returns the locale's name in its own language ("فارسی").
func (l *Localizer) Name() string { return l.T(NameID) }

// T returns the text of message id, with its placeholders filled from args:
// {name} from name/value pairs ("name", value), {0}, {1}, … by position. A
// message the locale lacks comes from the source locale; an unknown id is
// returned as it is, so that it shows on the page (and tests catch it).
// T of a plural message gives its "other" form.
func (l *Localizer) T(id string, args ...any) string {
	m, ok := l.lookup(id)
	if !ok {
		return id
	}
	s := m.text
	if m.forms != nil {
		s = m.forms[plural.Other]
	}
	return l.format(s, args, nil)
}

// N returns the form of plural message id that fits the count n in this
// locale's language, with {count} the number as this locale writes it and
// other placeholders filled from args as for T.
func (l *Localizer) N(id string, n int, args ...any) string {
	m, ok := l.lookup(id)
	if !ok {
		return id
	}
	s := m.text
	if m.forms != nil {
		s = m.forms[l.form(n)]
		if s == "" {
			s = m.forms[plural.Other]
		}
	}
	return l.format(s, args, &n)
}

// form returns the plural category of the whole number n.
func (l *Localizer) form(n int) plural.Form {
	if n < 0 {
		n = -n
	}
	if n < 0 { // the most negative int
		return plural.Other
	}
	return plural.Cardinal.MatchPlural(l.tag, n, 0, 0, 0, 0)
}

// Number writes n with the locale's digits and grouping ("۱٬۲۳۴" in fa).
func (l *Localizer) Number(n int) string {
	return l.printer.Sprint(n)
}

// lookup finds message id in the locale, else in the source locale.
func (l *Localizer) lookup(id string) (entry, bool) {
	if m, ok := l.msgs[id]; ok {
		return m, true
	}
	m, ok := l.source[id]
	return m, ok
}

// format fills the placeholders of s. count, when not nil, is {count}.
// Placeholders without a value stay as they are.
func (l *Localizer) format(s string, args []any, count *int) string {
	if strings.IndexByte(s, '{') < 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		name, rest, ok := placeholderAt(s[i:])
		if !ok {
			b.WriteByte('{')
			s = s[i+1:]
			continue
		}
		if v, found := argument(name, args, count); found {
			l.writeValue(&b, v)
		} else {
			b.WriteString(s[i : len(s)-len(rest)])
		}
		s = rest
	}
}

// argument finds the value of placeholder name.
func argument(name string, args []any, count *int) (any, bool) {
	if name == "count" && count != nil {
		return *count, true
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 0 && n < len(args) {
			return args[n], true
		}
		return nil, false
	}
	// Names are looked for at every position, not only even ones, so that
	// positional values may come first ({{t "id" .A "name" .B}}).
	for i := 0; i+1 < len(args); i++ {
		if k, ok := args[i].(string); ok && k == name {
			return args[i+1], true
		}
	}
	return nil, false
}

// writeValue writes an argument: integers as the locale writes numbers,
// anything else as text. In a right-to-left locale, text goes between
// FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, so that a Latin value
// such as "__token__" keeps its own order and leaves the sentence's alone.
func (l *Localizer) writeValue(b *strings.Builder, v any) {
	var s string
	switch v := v.(type) {
	case int:
		b.WriteString(l.Number(v))
		return
	case int64:
		b.WriteString(l.printer.Sprint(v))
		return
	case string:
		s = v
	case fmt.Stringer:
		s = v.String()
	default:
		s = fmt.Sprint(v)
	}
	if l.dir == "rtl" {
		s = "\u2068" + s + "\u2069"
	}
	b.WriteString(s)
}
