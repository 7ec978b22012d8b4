package i18n

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/feature/plural"
)

// ErrInvalid is matched (with errors.Is) by every error about a malformed
// catalog.
var ErrInvalid = errors.New("i18n: invalid catalog")

// entry is one catalog entry: either plain text or plural forms.
type entry struct {
	text  string
	forms map[plural.Form]string // nil for a plain message
}

// catalog is one locale's messages by id.
type catalog map[string]entry

// categoryNames are CLDR's plural category names, in CLDR's order.
var categoryNames = [...]struct {
	name string
	form plural.Form
}{
	{"zero", plural.Zero}, {"one", plural.One}, {"two", plural.Two},
	{"few", plural.Few}, {"many", plural.Many}, {"other", plural.Other},
}

// formByName returns the plural form a CLDR category name stands for.
func formByName(name string) (plural.Form, bool) {
	for _, c := range categoryNames {
		if c.name == name {
			return c.form, true
		}
	}
	return 0, false
}

// formName is the CLDR name of a plural form.
func formName(f plural.Form) string {
	for _, c := range categoryNames {
		if c.form == f {
			return c.name
		}
	}
	return fmt.Sprintf("form(%d)", f)
}

// parseCatalog reads a TOML catalog. Nested tables make dotted ids; a
// table with an "other" key is a plural message.
func parseCatalog(data []byte) (catalog, error) {
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	c := catalog{}
	if err := c.add("", raw); err != nil {
		return nil, err
	}
	return c, nil
}

// merge adds the messages of another part of the same locale's catalog.
func (c catalog) merge(part catalog) error {
	for id, m := range part {
		if _, dup := c[id]; dup {
			return fmt.Errorf("%w: message %q is defined in two parts", ErrInvalid, id)
		}
		c[id] = m
	}
	return nil
}

// add flattens the table t whose id is prefix into c.
func (c catalog) add(prefix string, t map[string]any) error {
	for k, v := range t {
		if !validIDPart(k) {
			return fmt.Errorf("%w: key %q: use lower-case letters, digits and _", ErrInvalid, k)
		}
		id := k
		if prefix != "" {
			id = prefix + "." + k
		}
		switch v := v.(type) {
		case string:
			c[id] = entry{text: v}
		case map[string]any:
			if _, ok := v["other"]; !ok {
				if err := c.add(id, v); err != nil {
					return err
				}
				continue
			}
			m, err := pluralMessage(id, v)
			if err != nil {
				return err
			}
			c[id] = m
		default:
			return fmt.Errorf("%w: %s: a message must be a string or a table of plural forms, not %T", ErrInvalid, id, v)
		}
	}
	return nil
}

// pluralMessage reads the table of plural forms of message id.
func pluralMessage(id string, t map[string]any) (entry, error) {
	m := entry{forms: map[plural.Form]string{}}
	for k, v := range t {
		f, ok := formByName(k)
		if !ok {
			return entry{}, fmt.Errorf("%w: %s: %q is not a CLDR plural category", ErrInvalid, id, k)
		}
		s, ok := v.(string)
		if !ok {
			return entry{}, fmt.Errorf("%w: %s.%s: a plural form must be a string", ErrInvalid, id, k)
		}
		m.forms[f] = s
	}
	return m, nil
}

// validIDPart reports whether s may be one part of a dotted message id.
func validIDPart(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// ids returns the catalog's message ids, sorted.
func (c catalog) ids() []string {
	ids := make([]string, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// placeholders returns the names of the placeholders in s ({name} or {0}),
// sorted and without repeats.
func placeholders(s string) []string {
	seen := map[string]bool{}
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		name, rest, ok := placeholderAt(s[i:])
		if ok {
			seen[name] = true
			s = rest
		} else {
			s = s[i+1:]
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// placeholderAt reads the placeholder s begins with ("{name}..."), returning
// its name and the text after it; ok is false when s does not begin with
// one, and the brace is then plain text.
func placeholderAt(s string) (name, rest string, ok bool) {
	end := strings.IndexByte(s, '}')
	if len(s) < 3 || s[0] != '{' || end < 2 {
		return "", "", false
	}
	name = s[1:end]
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return "", "", false
		}
	}
	return name, s[end+1:], true
}

// texts returns every text of m: its one text, or each plural form.
func (m entry) texts() []string {
	if m.forms == nil {
		return []string{m.text}
	}
	out := make([]string, 0, len(m.forms))
	for _, c := range categoryNames {
		if s, ok := m.forms[c.form]; ok {
			out = append(out, s)
		}
	}
	return out
}
