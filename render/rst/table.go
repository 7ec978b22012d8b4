package rst

import (
	"container/heap"
	"sort"
	"strings"
)

// tableWork bounds the character visits of the grid table parser, so that
// a hostile table of corners cannot make it quadratic in practice.
const tableWork = 4 << 20

// pad follows an East Asian wide character in table lines so that columns
// line up in runes as they do on screen; it is removed from cell text.
const pad = '\x00'

// isGridBorder reports whether s is a grid table border like "+---+--+"
// (or, with "=", a header separator). As docutils' pattern has it, a
// border has at least one character between "+-" and "-+".
func isGridBorder(s string) bool {
	if len(s) < 5 || s[0] != '+' || s[len(s)-1] != '+' || strings.Trim(s, "+-=") != "" {
		return false
	}
	return s[1] != '+' && s[len(s)-2] != '+'
}

// isSimpleBorder reports whether s is a simple table border with at least
// two columns, like "=====  =====".
func isSimpleBorder(s string) bool {
	return strings.Trim(s, "= ") == "" && strings.Contains(strings.TrimSpace(s), " ") && s[0] == '='
}

// tableLines returns the lines as rune slices with wide characters padded.
func tableLines(ls []line) [][]rune {
	out := make([][]rune, len(ls))
	for k, l := range ls {
		rs := make([]rune, 0, len(l.s))
		for _, r := range l.s {
			rs = append(rs, r)
			if width(string(r)) == 2 {
				rs = append(rs, pad)
			}
		}
		out[k] = rs
	}
	return out
}

// cellBody cuts the 2D block rows [top,bottom) × columns [left,right) out of
// g (right < 0 means to the end of each line), dedents it and parses it.
func (st *state) cellBody(ls []line, g [][]rune, top, bottom, left, right int) ([]*node, error) {
	block := make([]line, 0, bottom-top)
	for r := top; r < bottom; r++ {
		rs := g[r]
		hi := right
		if hi < 0 || hi > len(rs) {
			hi = len(rs)
		}
		s := ""
		if left < hi {
			s = strings.TrimRight(strings.ReplaceAll(string(rs[left:hi]), string(pad), ""), " ")
		}
		block = append(block, line{s: s, n: ls[r].n})
	}
	dedent(block)
	return st.p.body(block, st.depth+1, false)
}

// corners is a min-heap of (row, column) corners still to scan.
type corners [][2]int

func (c corners) Len() int { return len(c) }
func (c corners) Less(i, j int) bool {
	return c[i][0] < c[j][0] || (c[i][0] == c[j][0] && c[i][1] < c[j][1])
}
func (c corners) Swap(i, j int) { c[i], c[j] = c[j], c[i] }
func (c *corners) Push(x any)   { *c = append(*c, x.([2]int)) }
func (c *corners) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

// grid is the state of parsing one grid table, after docutils'
// GridTableParser: cells are found by walking each cell's border clockwise
// from its top-left corner.
type grid struct {
	g       [][]rune
	bottom  int
	right   int
	done    []int
	rowseps map[int]bool
	colseps map[int]bool
	work    int
}

// gridCell is one cell found in a grid table.
type gridCell struct{ top, left, bottom, right int }

// gridTable parses a grid table starting at ls[i].
func (st *state) gridTable(ls []line, i int) (*node, int, error) {
	j := i
	for j < len(ls) && ls[j].s != "" {
		j++
	}
	tl := ls[i:j]
	g := tableLines(tl)
	head := 0
	for k, rs := range g {
		if len(rs) != len(g[0]) || (rs[0] != '+' && rs[0] != '|') || (rs[len(rs)-1] != '+' && rs[len(rs)-1] != '|') {
			return nil, 0, errorf(tl[k].n, "Malformed table.")
		}
		if k > 0 && head == 0 && isGridBorder(string(rs)) && strings.Contains(string(rs), "=") {
			head = k
			g[k] = []rune(strings.ReplaceAll(string(rs), "=", "-"))
		}
	}
	gr := &grid{g: g, bottom: len(g) - 1, right: len(g[0]) - 1, done: make([]int, len(g[0])),
		rowseps: map[int]bool{0: true}, colseps: map[int]bool{0: true}}
	for k := range gr.done {
		gr.done[k] = -1
	}
	cells, ok := gr.parse()
	if !ok {
		return nil, 0, errorf(tl[0].n, "Malformed table.")
	}
	rowIndex, colIndex := sepIndex(gr.rowseps), sepIndex(gr.colseps)
	t := &table{rows: make([][]cell, len(rowIndex)-1)}
	if head > 0 {
		t.head = rowIndex[head]
	}
	for _, c := range cells {
		body, err := st.cellBody(tl, g, c.top+1, c.bottom, c.left+1, c.right)
		if err != nil {
			return nil, 0, err
		}
		r := rowIndex[c.top]
		t.rows[r] = append(t.rows[r], cell{rowspan: rowIndex[c.bottom] - r, colspan: colIndex[c.right] - colIndex[c.left], body: body})
	}
	if j < len(ls) && ls[j].s != "" {
		return nil, 0, errorf(ls[j].n, "Malformed table.")
	}
	return &node{kind: kTable, line: ls[i].n, table: t}, j, nil
}

// sepIndex numbers separator positions in order.
func sepIndex(seps map[int]bool) map[int]int {
	keys := make([]int, 0, len(seps))
	for k := range seps {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	idx := make(map[int]int, len(keys))
	for n, k := range keys {
		idx[k] = n
	}
	return idx
}

// parse finds all cells, in row-major order of their top-left corners.
func (gr *grid) parse() ([]gridCell, bool) {
	var out []gridCell
	h := &corners{{0, 0}}
	for h.Len() > 0 {
		c := heap.Pop(h).([2]int)
		top, left := c[0], c[1]
		if top == gr.bottom || left == gr.right || top <= gr.done[left] {
			continue
		}
		bottom, right, ok := gr.scanRight(top, left)
		if gr.work > tableWork {
			return nil, false
		}
		if !ok {
			continue
		}
		for col := left; col < right; col++ {
			if gr.done[col] != top-1 && !(top == 0 && gr.done[col] == -1) {
				return nil, false
			}
			gr.done[col] = bottom - 1
		}
		out = append(out, gridCell{top, left, bottom, right})
		heap.Push(h, [2]int{top, right})
		heap.Push(h, [2]int{bottom, left})
	}
	for col := 0; col < gr.right; col++ {
		if gr.done[col] != gr.bottom-1 {
			return nil, false
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		return out[a].top < out[b].top || out[a].top == out[b].top && out[a].left < out[b].left
	})
	return out, true
}

// scanRight follows the top edge of the cell at (top, left).
func (gr *grid) scanRight(top, left int) (int, int, bool) {
	if gr.g[top][left] != '+' {
		return 0, 0, false
	}
	row := gr.g[top]
	for c := left + 1; c <= gr.right; c++ {
		gr.work++
		if row[c] == '+' {
			if bottom, ok := gr.scanDown(top, left, c); ok {
				gr.colseps[c] = true
				return bottom, c, true
			}
		} else if row[c] != '-' {
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// scanDown follows the right edge of a cell.
func (gr *grid) scanDown(top, left, right int) (int, bool) {
	for r := top + 1; r <= gr.bottom; r++ {
		gr.work++
		if gr.work > tableWork {
			return 0, false
		}
		switch gr.g[r][right] {
		case '+':
			if gr.scanLeft(top, left, r, right) {
				gr.rowseps[r] = true
				return r, true
			}
		case '|':
		default:
			return 0, false
		}
	}
	return 0, false
}

// scanLeft follows the bottom edge of a cell, then its left edge up.
func (gr *grid) scanLeft(top, left, bottom, right int) bool {
	row := gr.g[bottom]
	for c := right - 1; c > left; c-- {
		gr.work++
		if row[c] != '+' && row[c] != '-' {
			return false
		}
	}
	if row[left] != '+' {
		return false
	}
	for r := bottom - 1; r > top; r-- {
		gr.work++
		if gr.g[r][left] != '+' && gr.g[r][left] != '|' {
			return false
		}
	}
	return true
}

// simpleTable parses a simple table starting at the border ls[i]: columns
// are the runs of "=" in the border, a second border inside the table ends
// the header, and the table ends at a border followed by a blank line.
func (st *state) simpleTable(ls []line, i int) (*node, int, error) {
	border := ls[i].s
	end, head := -1, -1
	for j := i + 1; j < len(ls); j++ {
		if !isSimpleBorder(ls[j].s) && !isAdornmentOf(ls[j].s, '=') {
			continue
		}
		if j+1 == len(ls) || ls[j+1].s == "" {
			end = j
			break
		}
		if head < 0 {
			head = j
		}
	}
	if end < 0 {
		return nil, 0, errorf(ls[i].n, "Malformed table: no bottom table border found.")
	}
	if ls[end].s != border || (head > 0 && ls[head].s != border) {
		return nil, 0, errorf(ls[end].n, "Malformed table: bottom/header table border does not match top border.")
	}
	cols := columnsOf(border)
	tl := ls[i+1 : end]
	g := tableLines(tl)
	specs, heads := simpleRows(tl, g, i+1, head, cols)
	t := &table{head: heads}
	for _, sp := range specs {
		row, err := st.simpleRow(tl, g, sp, len(cols))
		if err != nil {
			return nil, 0, err
		}
		t.rows = append(t.rows, row)
	}
	return &node{kind: kTable, line: ls[i].n, table: t}, end + 1, nil
}

// rowSpec is one row of a simple table: lines [top, bottom) and its
// columns, merged where a span underline below the row says so.
type rowSpec struct {
	top, bottom int
	cols        [][2]int
	spans       []int
}

// simpleRows groups the lines of a simple table into rows: a row starts
// at a line with text in the first column and takes the lines after it
// that have none (a row after a border may start with an empty first
// column). It also returns the number of header rows.
func simpleRows(tl []line, g [][]rune, first, head int, cols [][2]int) ([]rowSpec, int) {
	var specs []rowSpec
	heads, cur := 0, -1
	closeRow := func(stop int) {
		if cur < 0 {
			return
		}
		for stop > cur && tl[stop-1].s == "" {
			stop--
		}
		spans := make([]int, len(cols))
		for k := range spans {
			spans[k] = 1
		}
		specs = append(specs, rowSpec{top: cur, bottom: stop, cols: cols, spans: spans})
		cur = -1
	}
	for k, rs := range g {
		switch {
		case first+k == head:
			closeRow(k)
			heads = len(specs)
		case len(rs) > 0 && strings.Trim(string(rs), "- ") == "" && (cur >= 0 || len(specs) > 0):
			closeRow(k)
			sp := &specs[len(specs)-1]
			sp.cols, sp.spans = mergeColumns(cols, columnsOf(strings.ReplaceAll(string(rs), "-", "=")))
		case len(rs) > 0 && (cur < 0 || strings.TrimSpace(string(rs[:min(len(rs), cols[0][1])])) != ""):
			closeRow(k)
			cur = k
		}
	}
	closeRow(len(g))
	return specs, heads
}

// mergeColumns merges the table's columns under each run of a span
// underline and returns the merged columns and how many each spans.
func mergeColumns(cols, runs [][2]int) ([][2]int, []int) {
	var out [][2]int
	var spans []int
	c := 0
	for _, r := range runs {
		first := c
		for c < len(cols) && cols[c][0] < r[1] {
			c++
		}
		if first < c {
			out = append(out, [2]int{cols[first][0], cols[c-1][1]})
			spans = append(spans, c-first)
		}
	}
	for ; c < len(cols); c++ {
		out = append(out, cols[c])
		spans = append(spans, 1)
	}
	return out, spans
}

// isAdornmentOf reports whether s is a run of c.
func isAdornmentOf(s string, c byte) bool {
	return s != "" && strings.Trim(s, string(c)) == ""
}

// columnsOf returns the [start, end) rune columns of the runs of "=".
func columnsOf(border string) [][2]int {
	var cols [][2]int
	rs := []rune(border)
	for k := 0; k < len(rs); k++ {
		if rs[k] == '=' && (k == 0 || rs[k-1] != '=') {
			cols = append(cols, [2]int{k, k})
		}
		if rs[k] == '=' {
			cols[len(cols)-1][1] = k + 1
		}
	}
	return cols
}

// simpleRow builds the cells of one simple table row, refusing text in
// the margins between its columns. The last column of the table extends to
// the end of each line.
func (st *state) simpleRow(tl []line, g [][]rune, sp rowSpec, ncols int) ([]cell, error) {
	cols := sp.cols
	for r := sp.top; r < sp.bottom; r++ {
		for c := 1; c < len(cols); c++ {
			for k := cols[c-1][1]; k < cols[c][0] && k < len(g[r]); k++ {
				if g[r][k] != ' ' {
					return nil, errorf(tl[r].n, "Malformed table: text in column margin.")
				}
			}
		}
	}
	row := make([]cell, len(cols))
	covered := 0
	for c, col := range cols {
		covered += sp.spans[c]
		right := col[1]
		if covered == ncols {
			right = -1
		}
		body, err := st.cellBody(tl, g, sp.top, sp.bottom, col[0], right)
		if err != nil {
			return nil, err
		}
		row[c] = cell{rowspan: 1, colspan: sp.spans[c], body: body}
	}
	return row, nil
}
