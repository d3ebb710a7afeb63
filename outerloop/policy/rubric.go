package policy

import (
	"bytes"
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
}

// Kind is a row of the rubric's kind table; each issue form sets one.
type Kind struct {
	Name   string
	Recipe string // the RECIPES.md section quoted into the dispatch brief
	About  string
}

// Size is a row of the rubric's size table.
type Size struct {
	Name     string
	Dispatch bool // items of this size may be dispatched whole
	About    string
}

// Priority is a row of the rubric's priority table.
type Priority struct {
	Name  string
	About string
}

// Field is a row of the rubric's field table: a form field triage reads, by
// the id the forms give it and the label a submitted form shows as a heading.
type Field struct {
	ID       string
	Label    string
	Required bool // required before an item can be Ready
}

// DefaultRubric is the rubric `nanobots init` writes into TRIAGE.md. Its areas
// suit most repositories; maintainers are expected to change them.
func DefaultRubric() Rubric {
	return Rubric{
		Areas: []Area{
			{"core", "P1", "M", false, "The product's main code: libraries, services, business logic."},
			{"interface", "P2", "S", false, "What users touch directly: the CLI, UI, public API and messages."},
			{"docs", "P3", "S", false, "User and contributor documentation, examples, comments."},
			{"tests", "P2", "S", false, "Tests, fixtures and test tooling."},
			{"build", "P2", "S", false, "Build scripts, dependencies, developer tooling (not CI workflows)."},
			{"ci", "P2", "S", true, "`.github/workflows/` and other CI configuration: the agent cannot push workflow files."},
			{"security", "P0", "M", true, "Authentication, secrets, permissions, and anything a vulnerability report touches."},
			{"release", "P1", "S", true, "Versioning, changelogs and publishing."},
		},
		Kinds: []Kind{
			{"feature", "feature", "Something the project should do that it does not do yet."},
			{"bug", "bug", "Something that worked, or should work, and does not."},
			{"chore", "chore", "Upkeep that changes no behaviour: dependencies, refactors, cleanups."},
		},
		Sizes: []Size{
			{"XS", true, "One obvious change in one place; minutes for someone who knows the code."},
			{"S", true, "A focused change in one package or module, with its tests."},
			{"M", true, "Several files around one concern; needs reading before writing."},
			{"L", false, "Several packages or a design decision; split it first."},
			{"XL", false, "A project, not an issue; split it into an epic of smaller issues."},
		},
		Priorities: []Priority{
			{"P0", "Drop everything: broken for users now, or a security hole."},
			{"P1", "Next: the most valuable work that is ready."},
			{"P2", "Soon: worth doing once P1 is clear."},
			{"P3", "When idle: nice to have."},
		},
		Fields: []Field{
			{"kind", "Kind", true},
			{"area", "Area", true},
			{"problem", "Problem", true},
			{"acceptance", "Acceptance criteria", true},
			{"blocked_by", "Blocked by", false},
			{"size_hint", "Size hint", false},
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
// present: the issue forms are rendered from them.
func ReadRubric(path string, src []byte) (Rubric, error) {
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	doc := md.Parser().Parse(text.NewReader(src))
	var r Rubric
	var errs []string
	seen := map[string]bool{}
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*east.Table)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		header, rows := tableCells(t, src)
		if len(header) == 0 {
			return ast.WalkSkipChildren, nil
		}
		name := strings.ToLower(header[0].text)
		want, known := rubricColumns[name]
		if !known {
			return ast.WalkSkipChildren, nil
		}
		at := func(c cell) string {
			line, col := offsetLineCol(src, c.offset)
			return fmt.Sprintf("%s:%d:%d", path, line, col)
		}
		if seen[name] {
			errs = append(errs, fmt.Sprintf("%s: a second %q table, keep one", at(header[0]), name))
			return ast.WalkSkipChildren, nil
		}
		seen[name] = true
		var got []string
		for _, h := range header {
			got = append(got, strings.ToLower(h.text))
		}
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			errs = append(errs, fmt.Sprintf("%s: the %s table's columns are %q, want %q first: nanobots reads them by position", at(header[0]), name, got, want))
			return ast.WalkSkipChildren, nil
		}
		for _, row := range rows {
			if len(row) < len(want) || row[0].text == "" {
				continue
			}
			yes := func(i int) bool {
				switch strings.ToLower(row[i].text) {
				case "yes":
					return true
				case "no":
				default:
					errs = append(errs, fmt.Sprintf("%s: %s is %q, write yes or no", at(row[i]), want[i], row[i].text))
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
				r.Areas = append(r.Areas, Area{row[0].text, row[1].text, row[2].text, yes(3), about(4)})
			case "kind":
				r.Kinds = append(r.Kinds, Kind{row[0].text, row[1].text, about(2)})
			case "size":
				r.Sizes = append(r.Sizes, Size{row[0].text, yes(1), about(2)})
			case "priority":
				r.Priorities = append(r.Priorities, Priority{row[0].text, row[1].text})
			case "field":
				r.Fields = append(r.Fields, Field{row[0].text, row[1].text, yes(2)})
			}
		}
		return ast.WalkSkipChildren, nil
	})
	if err != nil {
		return Rubric{}, err
	}
	for _, name := range []string{"area", "kind", "size"} {
		if !seen[name] {
			errs = append(errs, fmt.Sprintf("%s:1:1: no table whose first column is %q; the issue forms are rendered from it: restore it (nanobots init writes one)", path, name))
		}
	}
	if len(errs) > 0 {
		return Rubric{}, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return r, nil
}

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

func offsetLineCol(src []byte, off int) (int, int) {
	off = min(max(off, 0), len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(src[:off], '\n')
	return line, col
}
