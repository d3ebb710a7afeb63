package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Bodies as GitHub renders the three default forms when they are submitted:
// each field's label as a level-3 heading, a blank line, the answer, and
// "_No response_" for a blank optional field. Markdown elements (the intro)
// are not part of the body.
const (
	featureBody = "### Kind\n\nfeature\n\n### Area\n\ninterface\n\n### Problem\n\nThe CLI has no `--json` flag, so scripts scrape its tables.\n\n### Proposal\n\n_No response_\n\n### Acceptance criteria\n\n- [ ] `widgets list --json` prints a JSON array\n- [ ] the README shows it\n\n### Blocked by\n\n#12, #34\n\n### Size hint\n\nS"
	bugBody     = "### Kind\n\nbug\n\n### Area\n\ncore\n\n### Problem\n\nSaving a widget with an empty name panics:\n\n```\npanic: runtime error: index out of range [0] with length 0\n### not a heading: this is inside the code block\n```\n\n### Steps to reproduce\n\n1. `widgets new \"\"`\n2. see the panic\n\n### Version or commit\n\nv1.4.2\n\n### Acceptance criteria\n\n- [ ] an empty name is refused with a message\n\n### Blocked by\n\n_No response_\n\n### Size hint\n\n_No response_"
	choreBody   = "### Kind\r\n\r\nchore\r\n\r\n### Area\r\n\r\nbuild\r\n\r\n### Problem\r\n\r\nsee title\r\n\r\n### Acceptance criteria\r\n\r\nn/a\r\n\r\n### Blocked by\r\n\r\nacme/widgets#7 and https://github.com/acme/widgets/issues/9\r\n\r\n### Size hint\r\n\r\nXS\r\n"
)

func TestParseFormSubmittedForms(t *testing.T) {
	r := DefaultRubric()
	for _, tc := range []struct {
		name, body string
		want       []FormField
		missing    []string
		blockedBy  []int
	}{
		{
			name: "feature",
			body: featureBody,
			want: []FormField{
				{"kind", "Kind", "feature"},
				{"area", "Area", "interface"},
				{"problem", "Problem", "The CLI has no `--json` flag, so scripts scrape its tables."},
				{"", "Proposal", ""},
				{"acceptance", "Acceptance criteria", "- [ ] `widgets list --json` prints a JSON array\n- [ ] the README shows it"},
				{"blocked_by", "Blocked by", "#12, #34"},
				{"size_hint", "Size hint", "S"},
			},
			blockedBy: []int{12, 34},
		},
		{
			name: "bug",
			body: bugBody,
			want: []FormField{
				{"kind", "Kind", "bug"},
				{"area", "Area", "core"},
				{"problem", "Problem", "Saving a widget with an empty name panics:\n\n```\npanic: runtime error: index out of range [0] with length 0\n### not a heading: this is inside the code block\n```"},
				{"", "Steps to reproduce", "1. `widgets new \"\"`\n2. see the panic"},
				{"", "Version or commit", "v1.4.2"},
				{"acceptance", "Acceptance criteria", "- [ ] an empty name is refused with a message"},
				{"blocked_by", "Blocked by", ""},
				{"size_hint", "Size hint", ""},
			},
		},
		{
			name: "chore, with CRLF line ends and answers that say nothing",
			body: choreBody,
			want: []FormField{
				{"kind", "Kind", "chore"},
				{"area", "Area", "build"},
				{"problem", "Problem", "see title"},
				{"acceptance", "Acceptance criteria", "n/a"},
				{"blocked_by", "Blocked by", "acme/widgets#7 and https://github.com/acme/widgets/issues/9"},
				{"size_hint", "Size hint", "XS"},
			},
			missing:   []string{"problem", "acceptance"},
			blockedBy: []int{7, 9},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ParseForm(tc.body, r)
			if !f.IsForm {
				t.Error("IsForm = false, want true")
			}
			if diff := cmp.Diff(tc.want, f.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			var missing []string
			for _, m := range f.Missing(r) {
				missing = append(missing, m.ID)
			}
			if !slices.Equal(missing, tc.missing) {
				t.Errorf("Missing = %q, want %q", missing, tc.missing)
			}
			if got := f.BlockedBy("acme/widgets"); !slices.Equal(got, tc.blockedBy) {
				t.Errorf("BlockedBy = %v, want %v", got, tc.blockedBy)
			}
		})
	}
	f := ParseForm(bugBody, r)
	if f.Kind() != "bug" || f.Area() != "core" || f.SizeHint() != "" {
		t.Errorf("Kind, Area, SizeHint = %q, %q, %q; want bug, core and nothing", f.Kind(), f.Area(), f.SizeHint())
	}
	if got := f.Value("steps to reproduce"); !strings.HasPrefix(got, "1. ") {
		t.Errorf(`Value("steps to reproduce") = %q, want the steps: a field the rubric does not name is found by its label`, got)
	}
}

func TestParseFormNotAForm(t *testing.T) {
	r := DefaultRubric()
	for _, body := range []string{
		"",
		"It crashes when I click the button.",
		"## Kind\n\nbug\n",                  // level 2: not what a form renders
		"```\n### Kind\n\nbug\n```\n",       // inside a code block
		"> ### Kind\n>\n> bug\n",            // inside a quote
		"- ### Kind\n\n  bug\n",             // inside a list item
		"### Summary\n\nIt crashes.\n",      // a heading, but no field's label
		"    ### Kind\n\n    bug\n",         // an indented code block
		"<details>\n### Kind\n</details>\n", // an HTML block
	} {
		f := ParseForm(body, r)
		if f.IsForm {
			t.Errorf("ParseForm(%q).IsForm = true, want false", body)
		}
		if got, want := len(f.Missing(r)), 4; got != want {
			t.Errorf("ParseForm(%q).Missing: %d fields, want all %d required ones", body, got, want)
		}
	}
}

func TestParseFormEdges(t *testing.T) {
	r := DefaultRubric()
	for _, tc := range []struct {
		name, body string
		want       []FormField
	}{
		{"label case and space", "###   acceptance CRITERIA   \n\n- [ ] it works\n", []FormField{{"acceptance", "acceptance CRITERIA", "- [ ] it works"}}},
		{"closing hashes", "### Area ###\ncore", []FormField{{"area", "Area", "core"}}},
		{"text before the first heading is not a field", "Filed from the CLI.\n\n### Area\n\ncore", []FormField{{"area", "Area", "core"}}},
		{"an empty heading", "###\n\nx\n### Area\n\ncore", []FormField{{"", "", "x"}, {"area", "Area", "core"}}},
		{"a blank answer", "### Problem\n\n   \n\n### Area\n\ncore", []FormField{{"problem", "Problem", ""}, {"area", "Area", "core"}}},
		{"level 2 and 4 headings belong to the answer", "### Problem\n\n## Context\n\n#### Detail\n\ntext", []FormField{{"problem", "Problem", "## Context\n\n#### Detail\n\ntext"}}},
		{"a setext heading belongs to the answer", "### Problem\n\nTitle\n---\n\ntext", []FormField{{"problem", "Problem", "Title\n---\n\ntext"}}},
		{"checkboxes", "### Area\n\n- [X] core\n- [ ] docs", []FormField{{"area", "Area", "- [X] core\n- [ ] docs"}}},
		{"odd unicode", "### Área\n\n\u202e\u0000core\uFFFD", []FormField{{"", "Área", "\u202e\u0000core\uFFFD"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ParseForm(tc.body, r).Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	// A repeated heading: the first counts.
	f := ParseForm("### Area\n\ncore\n\n### Area\n\nsecurity", r)
	if got := f.Area(); got != "core" {
		t.Errorf("Area() = %q with the heading twice, want the first answer %q", got, "core")
	}
}

func TestMissingSaysNothing(t *testing.T) {
	r := DefaultRubric()
	for _, tc := range []struct {
		answer  string
		nothing bool
	}{
		{"", true}, {"_No response_", true}, {"N/A", true}, {"n/a.", true}, {"-", true}, {"TBD", true},
		{"none", true}, {"See  Title", true}, {"see above.", true}, {"…", true}, {"...", true}, {"?", true},
		{"It panics.", false}, {"- [ ] it works", false}, {"none of the buttons respond", false}, {"x", false},
	} {
		body := fmt.Sprintf("### Kind\n\nbug\n### Area\n\ncore\n### Problem\n\nIt breaks.\n### Acceptance criteria\n\n%s\n", tc.answer)
		missing := ParseForm(body, r).Missing(r)
		got := len(missing) == 1 && missing[0].ID == "acceptance"
		if got != tc.nothing || (!tc.nothing && len(missing) != 0) {
			t.Errorf("acceptance %q: Missing = %v, want says-nothing = %v", tc.answer, missing, tc.nothing)
		}
	}
}

func TestBlockedBy(t *testing.T) {
	for _, tc := range []struct {
		answer string
		want   []int
	}{
		{"#12, #34", []int{12, 34}},
		{"12", []int{12}},
		{"#12 #12 12", []int{12}},
		{"- #3\n- #1\n- #2", []int{3, 1, 2}},
		{"(#5), [#6](https://github.com/acme/widgets/issues/6); *#7*, _#8_.", []int{5, 6, 7, 8}},
		{"ACME/Widgets#5", []int{5}},
		{"acme/other#5 other/widgets#6", nil},
		{"https://github.com/acme/widgets/issues/40", []int{40}},
		{"https://github.com/Acme/Widgets/issues/41/", []int{41}},
		{"<https://github.com/acme/widgets/issues/42#issuecomment-1>", []int{42}},
		{"https://github.com/acme/widgets/pull/43 https://github.com/acme/other/issues/44 https://example.com/acme/widgets/issues/45", nil},
		{"#0 #-1 #1e3 #0x10 #99999999999 #１２", nil},
		{"none", nil},
		{"_No response_", nil},
		{"see #5 and #6 first", []int{5, 6}},
		{"abc#5 #5x 5.5", nil},
	} {
		body := "### Blocked by\n\n" + tc.answer
		if got := ParseForm(body, DefaultRubric()).BlockedBy("acme/widgets"); !slices.Equal(got, tc.want) {
			t.Errorf("BlockedBy(%q) = %v, want %v", tc.answer, got, tc.want)
		}
	}
	// Repository names may hold '_', '.' and '-'.
	f := ParseForm("### Blocked by\n\n_acme/my_repo.go#5_, https://github.com/acme/my_repo.go/issues/6", DefaultRubric())
	if got, want := f.BlockedBy("acme/my_repo.go"), []int{5, 6}; !slices.Equal(got, want) {
		t.Errorf("BlockedBy in acme/my_repo.go = %v, want %v", got, want)
	}
}

// TestParseFormLinear parses bodies of GitHub's maximum length built to
// trouble markdown parsers, and wants each well under a second: a body is
// written by anyone, and the loop reads every Inbox issue on every cycle.
func TestParseFormLinear(t *testing.T) {
	const max = 65536
	fill := func(unit string) string { return strings.Repeat(unit, max/len(unit)) }
	for name, body := range map[string]string{
		"headings":        fill("### Area\n"),
		"nested quotes":   fill(">"),
		"nested lists":    fill("- "),
		"open fences":     fill("```\n### Area\n"),
		"brackets":        fill("["),
		"emphasis":        fill("*_"),
		"backticks":       fill("`"),
		"links":           fill("[a]("),
		"html":            fill("<a "),
		"blocked_by refs": "### Blocked by\n\n" + fill("#1 "),
		"one long line":   "### Problem\n\n" + fill("x"),
		"tables":          fill("|a|\n|-|\n"),
		"indentation":     fill(" "),
		"entities":        fill("&#"),
		"crlf":            fill("### Area\r\n\r\n"),
	} {
		start := time.Now()
		f := ParseForm(body, DefaultRubric())
		_ = f.BlockedBy("acme/widgets")
		_ = f.Missing(DefaultRubric())
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: ParseForm of %d bytes took %v", name, len(body), d)
		}
	}
}
