package audit

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxDetailValue bounds a detail's value as pages show it, so that one
// long value (a yank reason, a hostile user name) cannot swamp a page.
const maxDetailValue = 500

// maxDetails bounds how many details of one event a page shows.
const maxDetails = 50

// Detail is one key and value of an event's details.
type Detail struct {
	Key, Value string
}

// ParseDetails reads an event's details, stored as a JSON object, into
// key and value pairs sorted by key. Strings are shown as they are, other
// values as compact JSON. Details that are not an object (empty, null, or
// not JSON at all, as old or hand-made records may be) become one "text"
// detail holding them, unless empty. Values are cut to a bounded length
// and made valid UTF-8; escaping for HTML is the page's job.
func ParseDetails(s string) []Detail {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err != nil || obj == nil {
		if t := strings.TrimSpace(s); t == "" || t == "null" {
			return nil
		}
		return []Detail{{Key: "text", Value: clip(s, maxDetailValue)}}
	}
	out := make([]Detail, 0, len(obj))
	for k, raw := range obj {
		out = append(out, Detail{Key: clip(k, maxDetailValue), Value: clip(detailValue(raw), maxDetailValue)})
	}
	slices.SortFunc(out, func(a, b Detail) int { return strings.Compare(a.Key, b.Key) })
	if len(out) > maxDetails {
		out = out[:maxDetails]
	}
	return out
}

// detailValue is how a page shows one JSON value: a string unquoted,
// anything else compacted.
func detailValue(raw json.RawMessage) string {
	var str string
	if bytes.HasPrefix(raw, []byte(`"`)) && json.Unmarshal(raw, &str) == nil {
		return str
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// clip makes s valid UTF-8 and at most max runes, marking a cut with an
// ellipsis.
func clip(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
