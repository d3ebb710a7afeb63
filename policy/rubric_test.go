package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadRubricErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no tables", "# Rubric\n\nProse only.\n", `TRIAGE.md:1:1: no table whose first column is "area"`},
		{"bad gate", "| area | priority | size | hard gate |\n|---|---|---|---|\n| core | P1 | M | maybe |\n", `TRIAGE.md:3:19: hard gate is "maybe", write yes or no`},
		{"columns", "intro\n\n| area | size | priority | hard gate |\n|---|---|---|---|\n| core | M | P1 | no |\n", `TRIAGE.md:3:3: the area table's columns are`},
		{"no rows", "| kind | recipe |\n|---|---|\n", `TRIAGE.md:1:3: the kind table has no rows, add at least one`},
		{"a second row", "| size | dispatch |\n|---|---|\n| S | yes |\n| M | yes |\n| S | no |\n", `TRIAGE.md:5:3: a second size row "S" (the first is at line 3), keep one`},
		{"a second table", "| size | dispatch |\n|---|---|\n| S | yes |\n\n| size | dispatch |\n|---|---|\n| M | yes |\n", `TRIAGE.md:5:3: a second "size" table, keep one`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRubric("TRIAGE.md", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// rubricSrc is a small TRIAGE.md that CheckRubric accepts; tests break it
// one way each.
const rubricSrc = `# Rubric

| area | priority | size | hard gate |
|---|---|---|---|
| core | P1 | S | no |
| ci | P2 | M | yes |

| kind | recipe |
|---|---|
| bug | bug |

| size | dispatch |
|---|---|
| S | yes |
| M | no |

| priority | meaning |
|---|---|
| P1 | next |
| P2 | soon |

| field | label | required for ready |
|---|---|---|
| kind | Kind | yes |
| area | Area | yes |
| acceptance | Acceptance criteria | yes |
`

func TestCheckRubric(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		want     []string // the whole error, one problem a line
	}{
		{name: "valid"},
		{
			name: "area priority and size not in their tables",
			old:  "| core | P1 | S | no |", new: "| core | P9 | XL | no |",
			want: []string{
				`TRIAGE.md:5:10: area "core" has priority "P9", which is not a row of the priority table (P1, P2): use one of those, or add a row for it`,
				`TRIAGE.md:5:15: area "core" has size "XL", which is not a row of the size table (S, M): use one of those, or add a row for it`,
			},
		},
		{
			name: "no priority table",
			old:  "| priority | meaning |\n|---|---|\n| P1 | next |\n| P2 | soon |\n", new: "",
			want: []string{`TRIAGE.md:1:1: no table whose first column is "priority"; the loop sets Priority on the board from it: restore it (nanobots init writes one)`},
		},
		{
			name: "no field table",
			old:  "| field | label | required for ready |", new: "| input | label | required for ready |",
			want: []string{`TRIAGE.md:1:1: no table whose first column is "field"; the loop reads issue forms by it: restore it (nanobots init writes one)`},
		},
		{
			name: "a field the loop reads is missing",
			old:  "| acceptance | Acceptance criteria | yes |\n", new: "",
			want: []string{`TRIAGE.md:22:3: the field table has no row "acceptance", which the loop reads: add "| acceptance | Acceptance criteria | yes |" with the label its issue forms use`},
		},
		{
			name: "two fields with one label",
			old:  "| area | Area | yes |", new: "| area | kind | yes |",
			want: []string{`TRIAGE.md:25:10: fields "kind" and "area" are both labelled "kind", so a submitted form's heading cannot tell them apart: give each its own label`},
		},
		{
			name: "nothing may be dispatched",
			old:  "| S | yes |", new: "| S | no |",
			want: []string{`TRIAGE.md:12:3: no size is marked dispatch yes, so nothing would ever be dispatched: mark the sizes the agent can take whole`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := rubricSrc
			if tc.old != "" {
				if !strings.Contains(src, tc.old) {
					t.Fatalf("the test rubric has no %q", tc.old)
				}
				src = strings.Replace(src, tc.old, tc.new, 1)
			}
			r, err := ReadRubric("TRIAGE.md", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if err := CheckRubric(r, "TRIAGE.md"); err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("CheckRubric (-want +got):\n%s", diff)
			}
		})
	}
	if err := CheckRubric(DefaultRubric(), "TRIAGE.md"); err != nil {
		t.Errorf("CheckRubric(DefaultRubric()) = %v", err)
	}
}

// TestRowsEqualWhereverRead checks that where a row was read is not part of
// its value: the scaffold compares a rubric read back from TRIAGE.md with
// DefaultRubric.
func TestRowsEqualWhereverRead(t *testing.T) {
	r, err := ReadRubric("TRIAGE.md", []byte(rubricSrc))
	if err != nil {
		t.Fatal(err)
	}
	k := r.Kinds[0]
	if got := k.Where(); got != (Pos{10, 3}) {
		t.Errorf("kind bug read at %v, want 10:3", got)
	}
	if !k.Equal(Kind{Name: "bug", Recipe: "bug"}) {
		t.Errorf("a kind read from a file does not equal the same kind built in Go")
	}
	if k.Equal(Kind{Name: "bug", Recipe: "chore"}) {
		t.Errorf("kinds with different recipes are equal")
	}
	if diff := cmp.Diff([]Kind{{Name: "bug", Recipe: "bug"}}, r.Kinds); diff != "" {
		t.Errorf("cmp.Diff sees where a row was read (-want +got):\n%s", diff)
	}
}
