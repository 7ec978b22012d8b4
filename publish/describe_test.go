package publish_test

import (
	"maps"
	"strings"
	"testing"

	"wharf"
	"wharf/publish"
)

// brokenRST cannot be rendered: its emphasis on line 3 never ends.
const brokenRST = "Title\n=====\n\nSome *unfinished emphasis.\n"

// storedDescription returns the stored README of the project's release,
// or nil when none is stored.
func storedDescription(t *testing.T, e *env, project, canonical string) *wharf.Description {
	t.Helper()
	var d *wharf.Description
	err := e.store.View(t.Context(), func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(t.Context(), project)
		if err != nil {
			return err
		}
		r, err := tx.ReleaseByCanonical(t.Context(), p.ID, canonical)
		if err != nil {
			return err
		}
		d, err = tx.Description(t.Context(), r.ID)
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPublishStoresDescription(t *testing.T) {
	tests := []struct {
		name, ctype, src string
		wantType         string
		want             []string // in the stored HTML
	}{
		{"markdown", "text/markdown", "# Demo\n\nSee <https://example.org>.\n\n<script>alert(1)</script>", "text/markdown",
			[]string{`<h1 id="user-content-demo">Demo</h1>`, `href="https://example.org"`, `rel="nofollow`}},
		{"markdown with parameters", "text/markdown; charset=UTF-8; variant=CommonMark", "*hi*", "text/markdown", []string{"<em>hi</em>"}},
		{"rst by default", "", "Demo\n====\n\nA *fine* README.\n", "text/x-rst", []string{"<em>fine</em>"}},
		{"rst", "text/x-rst", "A ``literal``.\n", "text/x-rst", []string{"<code"}},
		{"plain", "text/plain", "a < b\n  indented", "text/plain", []string{"<pre>a &lt; b\n  indented</pre>"}},
		{"no description", "", "", "text/x-rst", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			alice := e.account("alice")
			d := wheel(t, "demo", "1.0", "a").set("description", tt.src).set("description_content_type", tt.ctype)
			e.mustPublish(alice, d)
			got := storedDescription(t, e, "demo", "1")
			if got == nil {
				t.Fatal("no description stored")
			}
			if got.ContentType != tt.wantType {
				t.Errorf("content type %q, want %q", got.ContentType, tt.wantType)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.HTML, w) {
					t.Errorf("HTML lacks %q:\n%s", w, got.HTML)
				}
			}
			if strings.Contains(got.HTML, "<script") {
				t.Errorf("HTML keeps a script:\n%s", got.HTML)
			}
		})
	}
}

// TestPublishDescriptionRefusals: a README that cannot be rendered refuses
// the upload with the reason and writes nothing, not even a blob.
func TestPublishDescriptionRefusals(t *testing.T) {
	tests := []struct {
		name, ctype, src string
		configure        func(*publish.Config)
		code, msg        string
	}{
		{name: "rst by default", src: brokenRST, code: wharf.EINVALID,
			msg: "The description failed to render in the default format of reStructuredText: line 4: Inline emphasis start-string without end-string. " +
				"See /help/#description-content-type for more information."},
		{name: "rst", ctype: "text/x-rst", src: brokenRST, code: wharf.EINVALID,
			msg: "The description failed to render for 'text/x-rst': line 4: Inline emphasis start-string without end-string. " +
				"See /help/#description-content-type for more information."},
		{name: "raw directive", ctype: "text/x-rst", src: ".. raw:: html\n\n   <script>alert(1)</script>\n", code: wharf.EINVALID},
		{name: "include directive", src: ".. include:: /etc/passwd\n", code: wharf.EINVALID},
		{name: "too large", ctype: "text/markdown", src: strings.Repeat("a", 101), code: wharf.ETOOLARGE,
			configure: func(c *publish.Config) { c.Readme.MaxSize = 100 },
			msg:       "The description failed to render for 'text/markdown': it is larger than 100 bytes. See /help/#description-content-type for more information."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.configure)
			alice := e.account("alice")
			before := e.snapshot()
			d := sdist(t, "demo", "1.0", "a").set("description", tt.src)
			if tt.ctype != "" {
				d = d.set("description_content_type", tt.ctype)
			}
			_, err := e.publish(alice, d)
			wantErr(t, err, tt.code, tt.msg)
			if after := e.snapshot(); !maps.Equal(before, after) {
				t.Errorf("a refused upload changed the store:\nbefore %v\nafter  %v", before, after)
			}
			if len(e.changed) != 0 {
				t.Errorf("a refused upload announced a change: %q", e.changed)
			}
		})
	}
}

// TestPublishDescriptionOfLaterFiles: a release keeps the README of the
// upload that created it; a later file's README is checked (as on PyPI)
// but not stored.
func TestPublishDescriptionOfLaterFiles(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	e.mustPublish(alice, sdist(t, "demo", "1.0", "a").set("description", "First *README*."))
	_, err := e.publish(alice, wheel(t, "demo", "1.0", "b").set("description", brokenRST))
	wantErr(t, err, wharf.EINVALID, "")
	e.mustPublish(alice, wheel(t, "demo", "1.0", "b").set("description", "Second README."))
	if got := storedDescription(t, e, "demo", "1"); got == nil || !strings.Contains(got.HTML, "<em>README</em>") {
		t.Errorf("stored description %+v, want the first", got)
	}
}

// TestPublishLocalDescription: files imported from disk are never refused
// for their README, which falls back to plain text.
func TestPublishLocalDescription(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	d := sdist(t, "demo", "1.0", "a").set("description", brokenRST)
	fields := maps.Clone(d.fields)
	fields["sha256_digest"] = []string{sha256Hex(d.data)}
	if _, err := e.svc.Publish(t.Context(), alice.pr, alice.actor, publish.Upload{Fields: fields, File: e.spool(d), Local: true}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got := storedDescription(t, e, "demo", "1")
	if got == nil || got.ContentType != "text/plain" || !strings.Contains(got.HTML, "<pre>Title\n=====") {
		t.Errorf("stored description %+v, want the plain-text fallback", got)
	}
}
