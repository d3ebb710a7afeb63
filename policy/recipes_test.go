package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const recipesSrc = "# Recipes\n\nProse for people.\n\n## feature\n\n1. Read the spec.\n\n### A subsection\n\nStill the feature recipe.\n\n## bug\n\n```md\n## not a section: inside a code block\n```\n\nReproduce first.\n\n# An appendix\n\nNot a recipe.\n\n## Every Kind\n\n- Open one pull request.\n"

func TestReadRecipes(t *testing.T) {
	rs, err := ReadRecipes("RECIPES.md", []byte(recipesSrc))
	if err != nil {
		t.Fatal(err)
	}
	type section struct {
		Name, Text string
		At         Pos
	}
	var got []section
	for _, s := range rs.Sections {
		got = append(got, section{s.Name, s.Text, s.Where()})
	}
	want := []section{
		{"feature", "1. Read the spec.\n\n### A subsection\n\nStill the feature recipe.", Pos{5, 4}},
		{"bug", "```md\n## not a section: inside a code block\n```\n\nReproduce first.", Pos{13, 4}},
		{"Every Kind", "- Open one pull request.", Pos{25, 4}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		want string
		ok   bool
	}{
		{"feature", "1. Read the spec.\n\n### A subsection\n\nStill the feature recipe.\n\n- Open one pull request.", true},
		{" BUG ", "```md\n## not a section: inside a code block\n```\n\nReproduce first.\n\n- Open one pull request.", true},
		{"every kind", "- Open one pull request.", true},
		{"chore", "", false},
	} {
		got, ok := rs.For(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("For(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestReadRecipesSetext(t *testing.T) {
	rs, err := ReadRecipes("RECIPES.md", []byte("chore\n-----\nKeep it small.\n\nbug\n===\nNot a recipe: level 1.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Sections) != 1 || rs.Sections[0].Name != "chore" || rs.Sections[0].Text != "Keep it small." {
		t.Errorf("sections = %+v, want one chore section", rs.Sections)
	}
	if got, _ := rs.For("chore"); got != "Keep it small." {
		t.Errorf("For(chore) without a common section = %q, want the recipe alone", got)
	}
}

func TestReadRecipesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{
			name: "the same section twice",
			src:  "## bug\n\nOne.\n\n## chore\n\nTwo.\n\n## Bug\n\nThree.\n",
			want: []string{`RECIPES.md:9:4: a second section "Bug" (the first is at line 1): merge them into one, or rename one`},
		},
		{
			name: "a heading with no name",
			src:  "## bug\n\nOne.\n\n##\n\nOrphan text.\n",
			want: []string{`RECIPES.md:5:1: a section heading with no name; name it after the kind it is for, or remove the heading`},
		},
		{
			name: "every problem",
			src:  "## a\n## a\n## a\n",
			want: []string{
				`RECIPES.md:2:4: a second section "a" (the first is at line 1): merge them into one, or rename one`,
				`RECIPES.md:3:4: a second section "a" (the first is at line 1): merge them into one, or rename one`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRecipes("RECIPES.md", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckRecipes(t *testing.T) {
	triage := "| kind | recipe |\n|---|---|\n| feature | feature |\n| bug | bugs |\n| chore | |\n| docs | Every kind |\n\n| area | priority | size | hard gate |\n|---|---|---|---|\n| core | P1 | S | no |\n\n| size | dispatch |\n|---|---|\n| S | yes |\n"
	r, err := ReadRubric("TRIAGE.md", []byte(triage))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ReadRecipes(".nanobots/RECIPES.md", []byte("## Feature\n\nx\n\n## bug\n\ny\n\n## every kind\n\nz\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`TRIAGE.md:4:9: kind "bug" uses recipe "bugs", which is not a section of .nanobots/RECIPES.md (its sections are "Feature", "bug", "every kind"): add a "## bugs" section there, or name one of those`,
		`TRIAGE.md:5:11: kind "chore" names no recipe: write the name of its section in .nanobots/RECIPES.md (its sections are "Feature", "bug", "every kind")`,
	}
	err = CheckRecipes(r, rs, "TRIAGE.md")
	if err == nil {
		t.Fatal("no error")
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
