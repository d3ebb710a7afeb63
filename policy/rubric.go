package policy

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Rubric is what the issue forms share with the triage rubric
// (.nanobots/TRIAGE.md): the areas, kinds and sizes a form offers must be
// exactly the ones the rubric's tables define, or triage would receive values
// it has no rule for.
type Rubric struct {
	Areas      []Area
	Kinds      []Kind
	Sizes      []Size
	Priorities []Priority
	Fields     []Field
}

// Area is a row of the rubric's area table: area → priority, size, hard gate.
type Area struct {
	Name     string
	Priority string
	Size     string // the size to assume when the form gives no hint
	HardGate bool   // a person must take items in this area
	About    string
	at       cells
}

// Kind is a row of the rubric's kind table; each issue form sets one.
type Kind struct {
	Name   string
	Recipe string // the RECIPES.md section quoted into the dispatch brief
	About  string
	at     cells
}

// Size is a row of the rubric's size table.
type Size struct {
	Name     string
	Dispatch bool // items of this size may be dispatched whole
	About    string
	at       cells
}

// Priority is a row of the rubric's priority table.
type Priority struct {
	Name  string
	About string
	at    cells
}

// Field is a row of the rubric's field table: a form field triage reads, by
// the id the forms give it and the label a submitted form shows as a heading.
type Field struct {
	ID       string
	Label    string
	Required bool // required before an item can be Ready
	at       cells
}

// Where returns where the row was read: its first cell. It is the zero Pos
// for a row built in Go, such as DefaultRubric's.
func (a Area) Where() Pos { return a.at.cell[0] }

// Where returns where the row was read; see Area.Where.
func (k Kind) Where() Pos { return k.at.cell[0] }

// Where returns where the row was read; see Area.Where.
func (s Size) Where() Pos { return s.at.cell[0] }

// Where returns where the row was read; see Area.Where.
func (p Priority) Where() Pos { return p.at.cell[0] }

// Where returns where the row was read; see Area.Where.
func (f Field) Where() Pos { return f.at.cell[0] }

// Equal reports whether a and b say the same, wherever each was read. Where
// a row was read is not part of its value: a rubric read back from the file
// it was rendered from equals the one it was rendered from.
func (a Area) Equal(b Area) bool { a.at, b.at = cells{}, cells{}; return a == b }

// Equal reports whether k and o say the same, wherever each was read.
func (k Kind) Equal(o Kind) bool { k.at, o.at = cells{}, cells{}; return k == o }

// Equal reports whether s and o say the same, wherever each was read.
func (s Size) Equal(o Size) bool { s.at, o.at = cells{}, cells{}; return s == o }

// Equal reports whether p and o say the same, wherever each was read.
func (p Priority) Equal(o Priority) bool { p.at, o.at = cells{}, cells{}; return p == o }

// Equal reports whether f and o say the same, wherever each was read.
func (f Field) Equal(o Field) bool { f.at, o.at = cells{}, cells{}; return f == o }

// cells records where a table row was read, for problems found after
// parsing (a recipe RECIPES.md lacks, a priority the priority table lacks).
// It is unexported, and the rows' Equal methods ignore it, so it is never
// part of what a row says.
type cells struct {
	table Pos    // the table's first header cell
	cell  [5]Pos // the row's cells, in the order nanobots reads them
}

// Pos is a place in a policy file: a 1-based line and a 1-based column,
// counted in bytes as Go's own tools count them. The zero Pos is "not read
// from a file".
type Pos struct{ Line, Col int }

// IsValid reports whether p is a place in a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// at formats a place in the file path as "path:line:col", or "path:1:1"
// when p is not a place (a row built in Go), so every message still starts
// the way an editor expects.
func at(path string, p Pos) string {
	if !p.IsValid() {
		p = Pos{1, 1}
	}
	return path + ":" + p.String()
}

// DefaultRubric is the rubric `nanobots init` writes into TRIAGE.md. Its areas
// suit most repositories; maintainers are expected to change them.
func DefaultRubric() Rubric {
	area := func(name, priority, size string, gate bool, about string) Area {
		return Area{Name: name, Priority: priority, Size: size, HardGate: gate, About: about}
	}
	kind := func(name, recipe, about string) Kind { return Kind{Name: name, Recipe: recipe, About: about} }
	size := func(name string, dispatch bool, about string) Size {
		return Size{Name: name, Dispatch: dispatch, About: about}
	}
	priority := func(name, about string) Priority { return Priority{Name: name, About: about} }
	field := func(id, label string, required bool) Field { return Field{ID: id, Label: label, Required: required} }
	return Rubric{
		Areas: []Area{
			area("core", "P1", "M", false, "The product's main code: libraries, services, business logic."),
			area("interface", "P2", "S", false, "What users touch directly: the CLI, UI, public API and messages."),
			area("docs", "P3", "S", false, "User and contributor documentation, examples, comments."),
			area("tests", "P2", "S", false, "Tests, fixtures and test tooling."),
			area("build", "P2", "S", false, "Build scripts, dependencies, developer tooling (not CI workflows)."),
			area("ci", "P2", "S", true, "`.github/workflows/` and other CI configuration: the agent cannot push workflow files."),
			area("security", "P0", "M", true, "Authentication, secrets, permissions, and anything a vulnerability report touches."),
			area("release", "P1", "S", true, "Versioning, changelogs and publishing."),
		},
		Kinds: []Kind{
			kind("feature", "feature", "Something the project should do that it does not do yet."),
			kind("bug", "bug", "Something that worked, or should work, and does not."),
			kind("chore", "chore", "Upkeep that changes no behaviour: dependencies, refactors, cleanups."),
		},
		Sizes: []Size{
			size("XS", true, "One obvious change in one place; minutes for someone who knows the code."),
			size("S", true, "A focused change in one package or module, with its tests."),
			size("M", true, "Several files around one concern; needs reading before writing."),
			size("L", false, "Several packages or a design decision; split it first."),
			size("XL", false, "A project, not an issue; split it into an epic of smaller issues."),
		},
		Priorities: []Priority{
			priority("P0", "Drop everything: broken for users now, or a security hole."),
			priority("P1", "Next: the most valuable work that is ready."),
			priority("P2", "Soon: worth doing once P1 is clear."),
			priority("P3", "When idle: nice to have."),
		},
		Fields: []Field{
			field("kind", "Kind", true),
			field("area", "Area", true),
			field("problem", "Problem", true),
			field("acceptance", "Acceptance criteria", true),
			field("blocked_by", "Blocked by", false),
			field("size_hint", "Size hint", false),
		},
	}
}

// KindIndex returns the position of kind name in the kind table, which the
// issue form for that kind uses as its dropdown's default.
func (r Rubric) KindIndex(name string) (int, error) {
	for i, k := range r.Kinds {
		if k.Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("the rubric's kind table has no kind %q, which its issue form sets: add a row for it to the Kinds table in .nanobots/TRIAGE.md", name)
}

// LargestDispatchable returns the largest size that may be dispatched whole.
func (r Rubric) LargestDispatchable() string {
	largest := ""
	for _, s := range r.Sizes {
		if s.Dispatch {
			largest = s.Name
		}
	}
	return largest
}

// ReadRubric parses the tables of a TRIAGE.md. Tables are recognized by the
// name of their first column (area, kind, size, priority, field), so prose and
// other tables may be added freely. The areas, kinds and sizes tables must be
// present: the issue forms are rendered from them. A recognized table must
// have at least one row, and no two rows of one table may share a name.
//
// Every problem is reported, each as "path:line:col: what is wrong, and how
// to fix it", joined with errors.Join. CheckRubric checks what the loop needs
// beyond what the forms need.
func ReadRubric(path string, src []byte) (Rubric, error) {
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	// Cells are read from the flattened source too: it differs only
	// inside nesting no rubric has, and keeps parsing linear.
	src = flattenNesting(src)
	doc := md.Parser().Parse(text.NewReader(src))
	idx := newLineIndex(src)
	var r Rubric
	var errs []error
	seen := map[string]bool{}
	read := func(t *east.Table) {
		header, rows := tableCells(t, src)
		if len(header) == 0 {
			return
		}
		name := strings.ToLower(header[0].text)
		want, known := rubricColumns[name]
		if !known {
			return
		}
		pos := func(c cell) Pos { return idx.pos(c.offset) }
		where := func(c cell) string { return at(path, pos(c)) }
		if seen[name] {
			errs = append(errs, fmt.Errorf("%s: a second %q table, keep one", where(header[0]), name))
			return
		}
		seen[name] = true
		var got []string
		for _, h := range header {
			got = append(got, strings.ToLower(h.text))
		}
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			errs = append(errs, fmt.Errorf("%s: the %s table's columns are %q, want %q first: nanobots reads them by position", where(header[0]), name, got, want))
			return
		}
		first := map[string]Pos{} // row name → where it was first read
		read := 0
		for _, row := range rows {
			if len(row) < len(want) || row[0].text == "" {
				continue
			}
			read++
			if p, dup := first[row[0].text]; dup {
				errs = append(errs, fmt.Errorf("%s: a second %s row %q (the first is at line %d), keep one", where(row[0]), name, row[0].text, p.Line))
				continue
			}
			first[row[0].text] = pos(row[0])
			var c cells
			c.table = pos(header[0])
			for i := range min(len(row), len(c.cell)) {
				c.cell[i] = pos(row[i])
			}
			yes := func(i int) bool {
				switch strings.ToLower(row[i].text) {
				case "yes":
					return true
				case "no":
				default:
					errs = append(errs, fmt.Errorf("%s: %s is %q, write yes or no", where(row[i]), want[i], row[i].text))
				}
				return false
			}
			about := func(i int) string {
				if i < len(row) {
					return row[i].text
				}
				return ""
			}
			switch name {
			case "area":
				r.Areas = append(r.Areas, Area{row[0].text, row[1].text, row[2].text, yes(3), about(4), c})
			case "kind":
				r.Kinds = append(r.Kinds, Kind{row[0].text, row[1].text, about(2), c})
			case "size":
				r.Sizes = append(r.Sizes, Size{row[0].text, yes(1), about(2), c})
			case "priority":
				r.Priorities = append(r.Priorities, Priority{row[0].text, row[1].text, c})
			case "field":
				r.Fields = append(r.Fields, Field{row[0].text, row[1].text, yes(2), c})
			}
		}
		if read == 0 {
			errs = append(errs, fmt.Errorf("%s: the %s table has no rows, add at least one (nanobots init writes a starting set)", where(header[0]), name))
		}
	}
	// Tables are read wherever they are (in a list item, a blockquote), as
	// people write them.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*east.Table); ok && entering {
			read(t)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, name := range []string{"area", "kind", "size"} {
		if !seen[name] {
			errs = append(errs, fmt.Errorf("%s:1:1: no table whose first column is %q; the issue forms are rendered from it: restore it (nanobots init writes one)", path, name))
		}
	}
	if len(errs) > 0 {
		return Rubric{}, errors.Join(errs...)
	}
	return r, nil
}

// CheckRubric reports what the outer loop needs from a rubric beyond what
// ReadRubric checks for the issue forms: a priority table, areas whose
// priority and size are rows of those tables, a size that may be dispatched,
// and a field table that names the fields the loop reads (kind, area and
// acceptance) under distinct labels. path is the rubric's file, as the
// maintainer sees it; problems are reported at the cells that cause them.
func CheckRubric(r Rubric, path string) error {
	var errs []error
	add := func(p Pos, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", at(path, p), fmt.Sprintf(format, args...)))
	}
	priorities := map[string]bool{}
	var pnames []string
	for _, p := range r.Priorities {
		priorities[p.Name] = true
		pnames = append(pnames, p.Name)
	}
	sizes := map[string]bool{}
	var snames []string
	dispatchable := false
	for _, s := range r.Sizes {
		sizes[s.Name] = true
		snames = append(snames, s.Name)
		dispatchable = dispatchable || s.Dispatch
	}
	if len(r.Priorities) == 0 {
		add(Pos{}, "no table whose first column is %q; the loop sets Priority on the board from it: restore it (nanobots init writes one)", "priority")
	}
	if len(r.Sizes) > 0 && !dispatchable {
		add(r.Sizes[0].at.table, "no size is marked dispatch yes, so nothing would ever be dispatched: mark the sizes the agent can take whole")
	}
	for _, a := range r.Areas {
		if len(r.Priorities) > 0 && !priorities[a.Priority] {
			add(a.at.cell[1], "area %q has priority %q, which is not a row of the priority table (%s): use one of those, or add a row for it", a.Name, a.Priority, strings.Join(pnames, ", "))
		}
		if len(r.Sizes) > 0 && !sizes[a.Size] {
			add(a.at.cell[2], "area %q has size %q, which is not a row of the size table (%s): use one of those, or add a row for it", a.Name, a.Size, strings.Join(snames, ", "))
		}
	}
	if len(r.Fields) == 0 {
		add(Pos{}, "no table whose first column is %q; the loop reads issue forms by it: restore it (nanobots init writes one)", "field")
		return errors.Join(errs...)
	}
	ids := map[string]bool{}
	labels := map[string]Field{}
	for _, f := range r.Fields {
		ids[f.ID] = true
		key := strings.ToLower(f.Label)
		if g, dup := labels[key]; dup {
			add(f.at.cell[1], "fields %q and %q are both labelled %q, so a submitted form's heading cannot tell them apart: give each its own label", g.ID, f.ID, f.Label)
			continue
		}
		labels[key] = f
	}
	for _, id := range LoopFields {
		if ids[id] {
			continue
		}
		row := fmt.Sprintf("| %s | | yes |", id)
		for _, d := range DefaultRubric().Fields {
			if d.ID == id {
				row = fmt.Sprintf("| %s | %s | yes |", d.ID, d.Label)
			}
		}
		add(r.Fields[0].at.table, "the field table has no row %q, which the loop reads: add %q with the label its issue forms use", id, row)
	}
	return errors.Join(errs...)
}

// LoopFields are the ids of the form fields the outer loop itself reads;
// the rubric's field table must name them.
var LoopFields = []string{"kind", "area", "acceptance"}

// rubricColumns are the leading columns nanobots reads from each table.
var rubricColumns = map[string][]string{
	"area":     {"area", "priority", "size", "hard gate"},
	"kind":     {"kind", "recipe"},
	"size":     {"size", "dispatch"},
	"priority": {"priority", "meaning"},
	"field":    {"field", "label", "required for ready"},
}

type cell struct {
	text   string
	offset int
}

// tableCells returns the header cells and the body rows of a table, each cell
// as text (emphasis dropped, code spans kept) with its source offset.
func tableCells(t *east.Table, src []byte) ([]cell, [][]cell) {
	var header []cell
	var rows [][]cell
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []cell
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			var buf bytes.Buffer
			off := -1
			_ = ast.Walk(c, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if t, ok := n.(*ast.Text); ok && entering {
					if off < 0 {
						off = t.Segment.Start
					}
					buf.Write(t.Segment.Value(src))
					if t.SoftLineBreak() {
						buf.WriteByte(' ')
					}
				}
				if s, ok := n.(*ast.String); ok && entering {
					buf.Write(s.Value)
				}
				if _, ok := n.(*ast.CodeSpan); ok {
					buf.WriteByte('`') // keep code spans as the author wrote them
				}
				return ast.WalkContinue, nil
			})
			if off < 0 {
				if l := c.Lines(); l != nil && l.Len() > 0 {
					off = l.At(0).Start
				} else {
					off = 0
				}
			}
			cells = append(cells, cell{strings.TrimSpace(buf.String()), off})
		}
		if _, ok := row.(*east.TableHeader); ok {
			header = cells
		} else {
			rows = append(rows, cells)
		}
	}
	return header, rows
}
