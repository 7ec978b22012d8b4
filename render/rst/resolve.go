package rst

import (
	"slices"
	"strconv"
	"strings"
)

// resolve parses the inline markup of every text in document order, gives
// ids to sections, targets, footnotes and citations, and registers the
// implicit targets of section titles, so that the writer can resolve every
// reference.
func (p *parser) resolve(doc *node) error {
	r := &resolver{p: p}
	if err := r.walk(doc.children); err != nil {
		return err
	}
	if err := r.substitutions(); err != nil {
		return err
	}
	if r.anonRefs != len(p.anon) {
		return errorf(1, "Anonymous hyperlink mismatch: %d references but %d targets.", r.anonRefs, len(p.anon))
	}
	return p.numberFootnotes()
}

// substitutions parses the text of replace substitutions and checks them
// as docutils does when it reads their definitions: no element that would
// need an id or an anonymous target, no undefined or circular references.
func (r *resolver) substitutions() error {
	p := r.p
	subs := p.substList()
	for _, sub := range subs {
		if old, ok := p.substFold[normName(sub.name)]; !ok || sub.name < old.name {
			p.substFold[normName(sub.name)] = sub
		}
	}
	for _, sub := range subs {
		if sub.img != nil || sub.raw {
			continue
		}
		inl, err := p.parseInline(sub.text, sub.line, "")
		if err != nil {
			return err
		}
		sub.inl = inl
		r.count(inl)
		for _, nd := range inl {
			if el := illegalInSubstitution(nd); el != "" {
				return errorf(sub.line, "Substitution definition contains illegal element <%s>.", el)
			}
			if nd.kind == iSubst && p.lookupSubst(nd.text) == nil {
				return errorf(sub.line, "Undefined substitution referenced: %q.", nd.text)
			}
		}
	}
	return p.checkSubstCycles(subs)
}

// illegalInSubstitution names the element docutils refuses in a
// substitution definition that nd would make, or returns "".
func illegalInSubstitution(nd inode) string {
	switch {
	case nd.kind == iTarget || (nd.kind == iRef && nd.ref.target):
		return "target"
	case nd.kind == iFootRef:
		return "footnote_reference"
	case nd.kind == iCiteRef:
		return "citation_reference"
	case nd.kind == iRef && nd.anon:
		return "reference"
	}
	return ""
}

// substList returns the substitutions in the order they were defined.
func (p *parser) substList() []*subst {
	subs := make([]*subst, 0, len(p.substs))
	for _, sub := range p.substs {
		subs = append(subs, sub)
	}
	slices.SortFunc(subs, func(a, b *subst) int { return a.line - b.line })
	return subs
}

// lookupSubst finds a substitution by exact name, then by normalised name.
func (p *parser) lookupSubst(name string) *subst {
	if sub, ok := p.substs[name]; ok {
		return sub
	}
	return p.substFold[normName(name)]
}

// checkSubstCycles refuses substitutions that refer to themselves through
// other substitutions.
func (p *parser) checkSubstCycles(subs []*subst) error {
	const (
		unseen = iota
		active
		done
	)
	state := map[*subst]int{}
	var visit func(s *subst) error
	visit = func(s *subst) error {
		switch state[s] {
		case active:
			return errorf(s.line, "Circular substitution definition detected: %q.", s.name)
		case done:
			return nil
		}
		state[s] = active
		for _, nd := range s.inl {
			if nd.kind == iSubst {
				if err := visit(p.lookupSubst(nd.text)); err != nil {
					return err
				}
			}
		}
		state[s] = done
		return nil
	}
	for _, s := range subs {
		if err := visit(s); err != nil {
			return err
		}
	}
	return nil
}

// resolver carries the walk's state: the default role and counts.
type resolver struct {
	p        *parser
	role     string
	anonRefs int
	notes    int
}

// walk resolves nodes and their descendants in document order.
func (r *resolver) walk(nodes []*node) error {
	for _, n := range nodes {
		if err := r.node(n); err != nil {
			return err
		}
	}
	return nil
}

// node resolves one node.
func (r *resolver) node(n *node) error {
	p := r.p
	switch n.kind {
	case kSetRole:
		r.role = n.text
		return nil
	case kTargetAnchor:
		// A target that took the URL of an external target after it
		// (".. _a:" then ".. _b: URL") is external and needs no anchor.
		if t := p.targets[n.refname]; t != nil && t.id == "" && t.uri == "" && t.refname == "" {
			n.id = p.newID(n.refname, "target")
			t.id = n.id
		}
		return nil
	case kCitation:
		n.id = p.newID(n.refname, "citation")
		if err := p.addTarget(&target{name: n.refname, id: n.id, line: n.line}); err != nil {
			return err
		}
	case kFootnote:
		r.notes++
		n.id = p.newID("footnote-"+strconv.Itoa(r.notes), "footnote")
	}
	for _, t := range []*node{n.title, n} {
		if t == nil || (t == n && !hasInline(n)) {
			continue
		}
		inl, err := p.parseInline(t.text, t.line, r.role)
		if err != nil {
			return err
		}
		t.inl = inl
		r.count(inl)
	}
	if n.kind == kSection {
		text := plainText(n.title.inl)
		n.id = p.newID(text, "section")
		name := normName(text)
		if old, ok := p.targets[name]; !ok {
			p.targets[name] = &target{name: name, id: n.id, implicit: true, line: n.line}
		} else if old.implicit {
			old.dup = true
		}
	}
	for _, x := range n.extra {
		if err := r.node(x); err != nil {
			return err
		}
	}
	if err := r.walk(n.children); err != nil {
		return err
	}
	if n.table != nil {
		for _, row := range n.table.rows {
			for _, c := range row {
				if err := r.walk(c.body); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// hasInline reports whether n's text is inline markup to parse.
func hasInline(n *node) bool {
	switch n.kind {
	case kParagraph, kAttribution, kLine, kCaption, kRubric:
		return true
	case kLiteral:
		return n.local
	}
	return false
}

// count notes inline targets' ids and counts anonymous references.
func (r *resolver) count(inl []inode) {
	for k := range inl {
		nd := &inl[k]
		switch {
		case nd.kind == iTarget:
			nd.ref.id = r.p.newID(nd.ref.refname, "target")
			if t := r.p.targets[nd.ref.refname]; t != nil && t.id == "" && t.uri == "" && t.refname == "" {
				t.id = nd.ref.id
			}
		case nd.anon:
			r.anonRefs++
		}
	}
}

// plainText is the text of inline nodes without markup.
func plainText(inl []inode) string {
	var b strings.Builder
	for _, nd := range inl {
		b.WriteString(nd.text)
	}
	return b.String()
}

// newID returns a unique id made from text as docutils' make_id does: lower
// case ASCII letters and digits, other runs as "-", no leading digits or
// hyphens. An empty id becomes fallback; a taken one gets a number.
func (p *parser) newID(text, fallback string) string {
	base := slug(text)
	if base == "" {
		base = fallback
	}
	id := base
	for p.ids[id] {
		p.idNext[base]++
		id = base + "-" + strconv.Itoa(p.idNext[base])
	}
	p.ids[id] = true
	return id
}

// slug turns text into an id of [a-z0-9-], folding common accented Latin
// letters to their base letters.
func slug(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(text) {
		if f, ok := foldLatin(r); ok {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(f)
			continue
		}
		dash = true
	}
	return strings.TrimLeft(b.String(), "-0123456789")
}

// foldLatin maps a lower-case letter or digit to ASCII, or reports false.
func foldLatin(r rune) (string, bool) {
	if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
		return string(r), true
	}
	const from = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ"
	const to = "aaaaaaceeeeiiiinoooooouuuuyy"
	if k := strings.IndexRune(from, r); k >= 0 {
		n := strings.Count(from[:k], "") - 1
		return to[n : n+1], true
	}
	switch r {
	case 'ß':
		return "sz", true
	case 'æ':
		return "ae", true
	case 'œ':
		return "oe", true
	}
	return "", false
}

// numberFootnotes gives auto-numbered footnotes the numbers manual ones
// did not take, and auto-symbol footnotes their symbols, in order, and
// indexes footnotes and citations by name.
func (p *parser) numberFootnotes() error {
	used := map[string]bool{}
	for _, n := range p.notes {
		if isDigits(n.label) {
			used[n.label] = true
		}
	}
	next, sym := 1, 0
	for _, n := range p.notes {
		switch {
		case n.label == "*":
			n.label = symbol(sym)
			p.symNotes = append(p.symNotes, n)
			sym++
		case strings.HasPrefix(n.label, "#"):
			for used[strconv.Itoa(next)] {
				next++
			}
			n.label = strconv.Itoa(next)
			used[n.label] = true
			if n.refname == "" {
				// docutils names an unlabelled auto-numbered footnote by
				// its number, so "[2]_" may refer to it too.
				n.refname = n.label
				p.autoNotes = append(p.autoNotes, n)
			}
		}
	}
	for _, n := range p.notes {
		if n.refname == "" {
			continue
		}
		if _, dup := p.noteByName[n.refname]; dup {
			return errorf(n.line, "Duplicate explicit target name: %q.", n.refname)
		}
		p.noteByName[n.refname] = n
		// A footnote's name is a hyperlink target too ("1_" links to it).
		if err := p.addTarget(&target{name: n.refname, id: n.id, line: n.line}); err != nil {
			return err
		}
	}
	for _, n := range p.cites {
		p.noteByName[n.refname] = n
	}
	return nil
}

// symbol returns the k-th auto-symbol footnote label.
func symbol(k int) string {
	syms := []string{"*", "\u2020", "\u2021", "\u00a7", "\u00b6", "#", "\u2660", "\u2665", "\u2666", "\u2663"}
	return strings.Repeat(syms[k%len(syms)], k/len(syms)+1)
}
