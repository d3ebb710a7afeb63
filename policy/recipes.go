package policy

import (
	"errors"
	"fmt"
	"strings"
)

// CommonRecipe is the title of the RECIPES.md section that applies to every
// kind (matched without regard to case). Recipes.For appends it to each
// kind's own recipe.
const CommonRecipe = "Every kind"

// Recipes is .nanobots/RECIPES.md: how work of each kind is done in the
// repository, one "## name" section per recipe.
type Recipes struct {
	// Sections are the file's level-2 sections in order, the common one
	// included.
	Sections []Recipe
	path     string // the file they were read from, for CheckRecipes
}

// Recipe is one section of RECIPES.md.
type Recipe struct {
	// Name is the heading's text as written, such as "bug".
	Name string
	// Text is the markdown between the heading and the next heading of
	// level 1 or 2, verbatim and trimmed; "### " subsections are part of it.
	Text string
	at   Pos // where the heading's text is
}

// Where returns where the section's heading was read.
func (r Recipe) Where() Pos { return r.at }

// ReadRecipes parses a RECIPES.md. Each level-2 heading ("## bug", or a
// setext heading underlined with "---") starts a section that runs to the
// next heading of level 1 or 2; headings inside code blocks, quotes and
// lists do not count. Text before the first section is prose for people
// and belongs to no recipe.
//
// Two sections with the same name (compared without regard to case) are an
// error, reported at the second as "path:line:col: what is wrong, and how to
// fix it"; so is a heading with no name.
func ReadRecipes(path string, src []byte) (Recipes, error) {
	doc := parseBlocks(src)
	idx := newLineIndex(src)
	hs := headings(doc, src)
	rs := Recipes{path: path}
	var errs []error
	first := map[string]Pos{}
	for i, h := range hs {
		if h.level > 2 {
			continue
		}
		end := len(src)
		for _, next := range hs[i+1:] {
			if next.level <= 2 {
				end = next.start
				break
			}
		}
		if h.level != 2 {
			continue
		}
		p := idx.pos(h.text)
		name := string(h.title)
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: a section heading with no name; name it after the kind it is for, or remove the heading", at(path, p)))
			continue
		}
		key := strings.ToLower(name)
		if f, dup := first[key]; dup {
			errs = append(errs, fmt.Errorf("%s: a second section %q (the first is at line %d): merge them into one, or rename one", at(path, p), name, f.Line))
			continue
		}
		first[key] = p
		rs.Sections = append(rs.Sections, Recipe{
			Name: name,
			Text: strings.TrimSpace(string(src[h.end:end])),
			at:   p,
		})
	}
	if len(errs) > 0 {
		return Recipes{}, errors.Join(errs...)
	}
	return rs, nil
}

// Lookup returns the section called name, compared without regard to case
// or surrounding space.
func (rs Recipes) Lookup(name string) (Recipe, bool) {
	name = strings.TrimSpace(name)
	for _, r := range rs.Sections {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Recipe{}, false
}

// Common returns the text of the section that applies to every kind, or ""
// when there is none.
func (rs Recipes) Common() string {
	r, _ := rs.Lookup(CommonRecipe)
	return r.Text
}

// For returns the recipe called name followed by the section common to every
// kind, separated by a blank line: what a dispatch brief quotes. ok is false
// when there is no section called name.
func (rs Recipes) For(name string) (recipe string, ok bool) {
	r, ok := rs.Lookup(name)
	if !ok {
		return "", false
	}
	common := rs.Common()
	switch {
	case strings.EqualFold(r.Name, CommonRecipe), common == "":
		return r.Text, true
	case r.Text == "":
		return common, true
	}
	return r.Text + "\n\n" + common, true
}

// CheckRecipes reports every kind of the rubric whose recipe column names no
// section of the recipes, at the table cell that names it. triagePath is the
// rubric's file, as the maintainer sees it.
func CheckRecipes(r Rubric, rec Recipes, triagePath string) error {
	recipesPath := rec.path
	if recipesPath == "" {
		recipesPath = "RECIPES.md"
	}
	var names []string
	for _, s := range rec.Sections {
		names = append(names, fmt.Sprintf("%q", s.Name))
	}
	have := "it has no sections"
	if len(names) > 0 {
		have = "its sections are " + strings.Join(names, ", ")
	}
	var errs []error
	for _, k := range r.Kinds {
		p := k.at.cell[1]
		if k.Recipe == "" {
			errs = append(errs, fmt.Errorf("%s: kind %q names no recipe: write the name of its section in %s (%s)", at(triagePath, p), k.Name, recipesPath, have))
			continue
		}
		if _, ok := rec.Lookup(k.Recipe); !ok {
			errs = append(errs, fmt.Errorf("%s: kind %q uses recipe %q, which is not a section of %s (%s): add a \"## %s\" section there, or name one of those", at(triagePath, p), k.Name, k.Recipe, recipesPath, have, k.Recipe))
		}
	}
	return errors.Join(errs...)
}
