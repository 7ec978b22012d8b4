package rst

import (
	"encoding/csv"
	"strconv"
	"strings"
)

// tableDirective builds the table of a table, list-table or csv-table
// directive, with the directive's argument as its title.
func (st *state) tableDirective(d *directive) ([]*node, error) {
	var n *node
	var err error
	switch d.name {
	case "table":
		n, err = st.titledTable(d)
	case "list-table":
		n, err = st.listTable(d)
	default:
		n, err = st.csvTable(d)
	}
	if err != nil {
		return nil, err
	}
	if d.args != "" {
		n.title = &node{kind: kParagraph, line: d.line, text: d.args}
	}
	if a, ok := d.opts["align"]; ok {
		if a != "left" && a != "center" && a != "right" {
			return nil, d.errorf("invalid option value for \"align\": %q.", a)
		}
		n.table.align = "align-" + a
	}
	return []*node{n}, nil
}

// titledTable checks that the table directive holds exactly one table.
func (st *state) titledTable(d *directive) (*node, error) {
	children, err := st.content(d)
	if err != nil {
		return nil, err
	}
	if len(children) != 1 || children[0].kind != kTable {
		return nil, d.errorf("Error parsing content block for the \"table\" directive: exactly one table expected.")
	}
	return children[0], nil
}

// headerRows parses the header-rows option.
func headerRows(d *directive, rows int) (int, error) {
	v, ok := d.opts["header-rows"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, d.errorf("invalid option value for \"header-rows\": %q.", v)
	}
	if n > rows {
		return 0, d.errorf("%d table header rows specified but table only has %d rows.", n, rows)
	}
	return n, nil
}

// listTable builds a table from a two-level bullet list.
func (st *state) listTable(d *directive) (*node, error) {
	children, err := st.content(d)
	if err != nil {
		return nil, err
	}
	bad := d.errorf("Error parsing content block for the \"list-table\" directive: exactly one bullet list expected.")
	if len(children) != 1 || children[0].kind != kBulletList {
		return nil, bad
	}
	t := &table{}
	for r, item := range children[0].children {
		if len(item.children) != 1 || item.children[0].kind != kBulletList {
			return nil, d.errorf("Error parsing content block for the \"list-table\" directive: two-level bullet list expected, but row %d does not contain a second-level bullet list.", r+1)
		}
		var row []cell
		for _, c := range item.children[0].children {
			row = append(row, cell{rowspan: 1, colspan: 1, body: c.children})
		}
		if r > 0 && len(row) != len(t.rows[0]) {
			return nil, d.errorf("Error parsing content block for the \"list-table\" directive: uniform two-level bullet list expected, but row %d does not contain the same number of items as row 1 (%d vs %d).", r+1, len(row), len(t.rows[0]))
		}
		t.rows = append(t.rows, row)
	}
	if t.head, err = headerRows(d, len(t.rows)); err != nil {
		return nil, err
	}
	return &node{kind: kTable, line: d.line, table: t}, nil
}

// csvTable builds a table from CSV data in the directive's content. Data
// from files or URLs is refused: wharf renders only what was uploaded.
func (st *state) csvTable(d *directive) (*node, error) {
	for _, k := range []string{"file", "url"} {
		if _, ok := d.opts[k]; ok {
			return nil, errorf(d.line, "File and URL access deactivated; ignoring \"csv-table\" directive.")
		}
	}
	if len(d.content) == 0 {
		return nil, errorf(d.line, "The \"csv-table\" directive requires content; none supplied.")
	}
	var records [][]string
	if h, ok := d.opts["header"]; ok {
		rs, err := readCSV(d, []line{{s: h, n: d.line}})
		if err != nil {
			return nil, err
		}
		records = append(records, rs...)
	}
	rs, err := readCSV(d, d.content)
	if err != nil {
		return nil, err
	}
	records = append(records, rs...)
	width := 0
	for _, r := range records {
		width = max(width, len(r))
	}
	t := &table{}
	for k, rec := range records {
		row := make([]cell, width)
		for c := range row {
			row[c] = cell{rowspan: 1, colspan: 1}
			if c < len(rec) {
				body, err := st.p.body(cellLines(rec[c], d.content[0].n+k), st.depth+1, false)
				if err != nil {
					return nil, err
				}
				row[c].body = body
			}
		}
		t.rows = append(t.rows, row)
	}
	if _, ok := d.opts["header"]; ok {
		t.head = 1
	}
	h, err := headerRows(d, len(t.rows))
	if err != nil {
		return nil, err
	}
	t.head += h
	return &node{kind: kTable, line: d.line, table: t}, nil
}

// readCSV parses ls as CSV with the directive's delimiter and quote.
func readCSV(d *directive, ls []line) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(joinLines(ls)))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true
	if v, ok := d.opts["delim"]; ok {
		switch {
		case v == "tab":
			r.Comma = '\t'
		case v == "space":
			r.Comma = ' '
		case len([]rune(v)) == 1 && v != "\"" && v != "\n" && v != "\r":
			r.Comma = []rune(v)[0]
		default:
			return nil, d.errorf("invalid option value for \"delim\": %q.", v)
		}
	}
	recs, err := r.ReadAll()
	if err != nil {
		return nil, d.errorf("Error with CSV data in \"csv-table\" directive.")
	}
	return recs, nil
}

// cellLines turns a CSV cell's text into lines for the body parser.
func cellLines(s string, n int) []line {
	parts := strings.Split(s, "\n")
	ls := make([]line, len(parts))
	for k, p := range parts {
		ls[k] = line{s: strings.TrimRight(p, " "), n: n + k}
	}
	dedent(ls)
	return ls
}
