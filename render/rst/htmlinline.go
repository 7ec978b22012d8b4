package rst

import (
	"strconv"
	"strings"
)

// maxSubstitutions bounds the substitution references expanded in one
// document, counting those inside substitutions.
const maxSubstitutions = 1 << 18

// table writes a table with its title, header rows and spans.
func (w *writer) table(n *node) error {
	t := n.table
	w.raw("<table")
	if t.align != "" {
		w.raw(" class=\"" + t.align + "\"")
	}
	w.raw(">\n")
	if n.title != nil {
		if err := w.wrap("<caption>", n.title.inl, "</caption>\n"); err != nil {
			return err
		}
	}
	for r, row := range t.rows {
		switch r {
		case 0:
			if t.head > 0 {
				w.raw("<thead>\n")
			} else {
				w.raw("<tbody>\n")
			}
		case t.head:
			w.raw("</thead>\n<tbody>\n")
		}
		cellTag := "td"
		if r < t.head {
			cellTag = "th"
		}
		w.raw("<tr>")
		for _, c := range row {
			if c.colspan == 0 {
				continue
			}
			w.raw("<" + cellTag)
			if c.colspan > 1 {
				w.attr("colspan", strconv.Itoa(c.colspan))
			}
			if c.rowspan > 1 {
				w.attr("rowspan", strconv.Itoa(c.rowspan))
			}
			w.raw(">")
			if err := w.blocks(c.body, len(c.body) == 1); err != nil {
				return err
			}
			w.raw("</" + cellTag + ">")
		}
		w.raw("</tr>\n")
	}
	switch {
	case len(t.rows) == 0:
	case t.head >= len(t.rows):
		w.raw("</thead>\n")
	default:
		w.raw("</tbody>\n")
	}
	w.raw("</table>\n")
	return nil
}

// inline writes inline nodes.
func (w *writer) inline(inl []inode) error {
	for _, nd := range inl {
		if err := w.inode(nd); err != nil {
			return err
		}
	}
	return nil
}

// simpleTags maps inline kinds that are a plain element to its tag.
func simpleTag(k ikind) string {
	switch k {
	case iEm:
		return "em"
	case iStrong:
		return "strong"
	case iLiteral:
		return "code"
	case iSub:
		return "sub"
	case iSup:
		return "sup"
	case iCite:
		return "cite"
	}
	return ""
}

// inode writes one inline node.
func (w *writer) inode(nd inode) error {
	if tag := simpleTag(nd.kind); tag != "" {
		w.raw("<" + tag + ">")
		w.esc(nd.text)
		w.raw("</" + tag + ">")
		return nil
	}
	switch nd.kind {
	case iText, iSpan:
		w.esc(nd.text)
	case iAbbr:
		w.raw("<abbr")
		if nd.ref.title != "" {
			w.attr("title", nd.ref.title)
		}
		w.raw(">")
		w.esc(nd.text)
		w.raw("</abbr>")
	case iTarget:
		w.raw("<span")
		w.attr("id", nd.ref.id)
		w.raw(">")
		w.esc(nd.text)
		w.raw("</span>")
	case iRef, iStandard:
		return w.reference(nd)
	case iSubst:
		return w.substitution(nd)
	case iFootRef, iCiteRef:
		return w.noteRef(nd)
	}
	return nil
}

// reference writes a hyperlink reference.
func (w *writer) reference(nd inode) error {
	href, err := w.refHref(nd)
	if err != nil {
		return err
	}
	class := nd.ref.class
	if class == "" {
		class = "reference"
	}
	w.raw("<a class=\"" + class + "\"")
	w.attr("href", href)
	w.raw(">")
	w.esc(nd.text)
	w.raw("</a>")
	return nil
}

// refHref resolves a reference node's destination.
func (w *writer) refHref(nd inode) (string, error) {
	if nd.anon {
		if w.p.anonRef >= len(w.p.anon) {
			return "", errorf(nd.line, "Anonymous hyperlink mismatch: more references than targets.")
		}
		t := w.p.anon[w.p.anonRef]
		w.p.anonRef++
		return w.href(t.refname, t.uri, nd.line)
	}
	return w.href(nd.ref.refname, nd.ref.uri, nd.line)
}

// href resolves a URL or a reference name through indirect targets to a
// URL or a fragment.
func (w *writer) href(refname, uri string, line int) (string, error) {
	for hops := 0; refname != "" && uri == ""; hops++ {
		t, ok := w.p.targets[refname]
		switch {
		case !ok:
			return "", errorf(line, "Unknown target name: %q.", refname)
		case t.dup:
			return "", errorf(line, "Duplicate target name, cannot be used as a unique reference: %q.", refname)
		case hops > 32:
			return "", errorf(t.line, "Indirect hyperlink target %q is a circular reference.", refname)
		case t.uri != "":
			return t.uri, nil
		case t.refname != "":
			refname = t.refname
		case t.id != "":
			return "#" + t.id, nil
		default:
			return "", errorf(line, "Unknown target name: %q.", refname)
		}
	}
	return uri, nil
}

// substitution writes a substitution reference, linked when it ends
// with "_" or "__".
func (w *writer) substitution(nd inode) error {
	sub := w.p.lookupSubst(nd.text)
	if sub == nil {
		return errorf(nd.line, "Undefined substitution referenced: %q.", nd.text)
	}
	// Substitutions that refer to each other can multiply the output
	// exponentially; the bound is far above what documents use.
	if w.substWork++; w.substWork > maxSubstitutions {
		return errorf(nd.line, "too many substitutions")
	}
	link := nd.ref.refname != "" || nd.anon
	if link {
		href, err := w.refHref(nd)
		if err != nil {
			return err
		}
		w.raw("<a class=\"reference\"")
		w.attr("href", href)
		w.raw(">")
	}
	var err error
	switch {
	case sub.img != nil:
		err = w.image(sub.img, !link)
	case sub.raw:
		w.esc(sub.text)
	default:
		err = w.inline(sub.inl)
	}
	if link {
		w.raw("</a>")
	}
	return err
}

// noteRef writes a footnote or citation reference.
func (w *writer) noteRef(nd inode) error {
	var target *node
	if nd.kind == iFootRef && strings.HasPrefix(nd.text, "#") && nd.text != "#" && w.p.noteByName[nd.ref.refname] == nil {
		// docutils numbers an auto-numbered reference whose label names
		// no footnote like a "[#]_" reference.
		nd.text = "#"
	}
	switch {
	case nd.kind == iFootRef && (nd.text == "#" || nd.text == "*"):
		notes, counter := w.p.autoNotes, &w.autoRef
		if nd.text == "*" {
			notes, counter = w.p.symNotes, &w.symRef
		}
		if *counter >= len(notes) {
			return errorf(nd.line, "Too many autonumbered footnote references: only %d corresponding footnotes available.", len(notes))
		}
		target = notes[*counter]
		*counter++
	default:
		name := nd.ref.refname
		if name == "" {
			name = nd.text
		}
		target = w.p.noteByName[name]
		if target == nil || (target.kind == kCitation) != (nd.kind == iCiteRef) {
			return errorf(nd.line, "Unknown target name: %q.", name)
		}
	}
	class := "footnote-reference"
	if nd.kind == iCiteRef {
		class = "citation-reference"
	}
	w.raw("<a class=\"" + class + "\"")
	w.attr("href", "#"+target.id)
	w.raw(">[")
	w.esc(target.label)
	w.raw("]</a>")
	return nil
}
