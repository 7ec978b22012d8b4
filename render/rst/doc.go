// Package rst renders reStructuredText, as found in the long descriptions
// of Python packages, to an HTML fragment.
//
// PyPI renders READMEs with readme_renderer, which runs docutils and fails
// on any problem docutils reports at the warning level or above. Wharf
// renders a README once, at upload, and refuses an upload whose README
// docutils would refuse, so this package aims to accept and refuse the same
// documents and to produce similar HTML for what real READMEs use:
//
//   - sections in every adornment style (levels by order of first
//     appearance, ids made as docutils makes them), transitions;
//   - paragraphs, bullet, enumerated (arabic, alphabetic, roman, "#."; "1.",
//     "1)" and "(1)"), definition, field and option lists, block quotes with
//     attributions, line blocks, doctest blocks, literal blocks ("::" in all
//     its forms, indented or quoted);
//   - inline markup with docutils' start- and end-string rules and
//     backslash escapes: emphasis, strong, inline literals, interpreted text
//     with the standard roles (emphasis, strong, literal, code, sub, sup,
//     title-reference, pep, rfc, abbr) and roles defined with "role";
//   - hyperlinks: named, anonymous and embedded references, external,
//     indirect and internal targets, section references, standalone URLs and
//     email addresses; footnotes and citations;
//   - substitutions defined with image (badges, with :target:), replace and
//     unicode, and references to them, linked with a trailing "_";
//   - directives: image, figure, code, code-block, sourcecode, the
//     admonitions, contents (a generated table of contents), topic, sidebar,
//     rubric, container, class, compound, epigraph, highlights, pull-quote,
//     parsed-literal, math (shown as literal text), table, list-table,
//     csv-table (inline data only), default-role, role; meta, title and
//     sectnum are accepted and dropped;
//   - simple tables and grid tables (with row and column spans).
//
// Refused with an *Error, as docutils under readme_renderer refuses them:
// raw and include (disabled there), csv-table with :file: or :url:, unknown
// directives, roles and options, unknown or ambiguous reference names,
// undefined substitutions, inconsistent title levels, title underlines
// shorter than the title, markup without its end-string, and structure
// that ends without the blank line docutils expects.
//
// Acceptance was checked against docutils 0.19 with readme_renderer's
// settings on some 30,000 generated documents; the known differences are
// deliberate: code-block accepts (and ignores) Sphinx's :linenos: and
// related options and :abbr: is a role, as wharf's users expect; the date
// directive is refused, because output must not depend on the clock; and
// inputs on which docutils crashes render.
//
// The output is HTML built only from the tags, attribute names and classes
// of this package (see Classes); all text, URLs and other attribute values
// from the document are escaped. It is not sanitised: wharf's render
// package runs a strict sanitizer over it, which also drops URLs with
// dangerous schemes and prefixes ids and fragment links.
//
// Input is hostile: rendering never panics, nesting is bounded by
// Options.MaxDepth, and the work done is close to linear in the size of
// the input.
package rst
