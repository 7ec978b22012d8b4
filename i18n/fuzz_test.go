package i18n_test

import (
	"errors"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"wharf/i18n"
)

// FuzzLoadCatalog feeds arbitrary bytes as a catalog: loading either fails
// with ErrInvalid or gives a bundle whose messages can all be written and
// checked.
func FuzzLoadCatalog(f *testing.F) {
	f.Add([]byte(`a = "x {name} {0}"`))
	f.Add([]byte("[g]\nb = { one = \"{count}\", other = \"{count}s\" }\n"))
	f.Add([]byte(`a = { other = "x", zero = "", many = "{" }`))
	f.Add([]byte("a = 1\n[b.c]\nd = \"\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := i18n.LoadFS(fstest.MapFS{"en.toml": {Data: data}, "ar.toml": {Data: data}})
		if err != nil {
			if !errors.Is(err, i18n.ErrInvalid) {
				t.Fatalf("LoadFS error %v is not ErrInvalid", err)
			}
			return
		}
		b.Check()
		for _, l := range b.Locales() {
			for _, id := range b.IDs() {
				l.T(id, "name", "v", 0, 1)
				for _, n := range []int{0, 1, 2, 3, 11, 100, -5} {
					l.N(id, n, "x")
				}
			}
		}
	})
}

// FuzzFormat fills an arbitrary message, plain and plural, in a
// left-to-right and a right-to-left locale: it never panics, and valid
// UTF-8 in gives valid UTF-8 out.
func FuzzFormat(f *testing.F) {
	f.Add("Hello {name}, {0} and {count}", "Ann", 7)
	f.Add("{{}}{a}{", "}", -1)
	f.Add("{}", "", 0)
	f.Fuzz(func(t *testing.T, msg, arg string, n int) {
		if !utf8.ValidString(msg) {
			return
		}
		data := []byte("m = " + quoteTOML(msg) + "\np = { one = " + quoteTOML(msg) + ", other = " + quoteTOML(msg) + " }\n")
		b, err := i18n.LoadFS(fstest.MapFS{"en.toml": {Data: data}, "fa.toml": {Data: data}})
		if err != nil {
			t.Fatalf("LoadFS of a quoted message: %v\n%s", err, data)
		}
		for _, l := range b.Locales() {
			for _, s := range []string{l.T("m", arg, "name", arg), l.N("p", n, "name", arg)} {
				if utf8.ValidString(arg) && !utf8.ValidString(s) {
					t.Fatalf("%s: invalid UTF-8 %q from %q", l.ID(), s, msg)
				}
			}
		}
	})
}

// quoteTOML writes s as a TOML basic string.
func quoteTOML(s string) string {
	out := []byte{'"'}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			out = append(out, '\\', byte(r))
		case r < 0x20 || r == 0x7f:
			out = append(out, []byte("\\u00")...)
			out = append(out, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&15])
		default:
			out = utf8.AppendRune(out, r)
		}
	}
	return string(append(out, '"'))
}

// FuzzNegotiate: any cookie and Accept-Language header give a shipped
// locale.
func FuzzNegotiate(f *testing.F) {
	b, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("", "fa-IR,fa;q=0.9,en;q=0.5")
	f.Add("zh_Hans", "")
	f.Add("x", "*;q=0, zh-Hant-TW")
	f.Fuzz(func(t *testing.T, cookie, accept string) {
		l := b.Negotiate(cookie, accept)
		if l == nil {
			t.Fatal("Negotiate returned nil")
		}
		if got, ok := b.Lookup(l.ID()); !ok || got != l {
			t.Fatalf("Negotiate gave %q, which Lookup does not find", l.ID())
		}
	})
}
