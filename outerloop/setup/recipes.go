package setup

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/nanobots/nanobots/outerloop/policy"
)

// checkRecipes reports the kinds of the rubric whose recipe RECIPES.md has no
// "## <recipe>" section for: the dispatch brief quotes that section.
//
// TODO: use policy.LoadDir's Recipes when it lands.
func checkRecipes(src []byte, r policy.Rubric) error {
	sections := map[string]bool{}
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if h.Level == 2 {
			var b strings.Builder
			for i := 0; i < h.Lines().Len(); i++ {
				seg := h.Lines().At(i)
				b.Write(seg.Value(src))
			}
			sections[strings.ToLower(strings.TrimSpace(b.String()))] = true
		}
		return ast.WalkSkipChildren, nil
	})
	var missing []string
	for _, k := range r.Kinds {
		if !sections[strings.ToLower(k.Recipe)] {
			missing = append(missing, fmt.Sprintf("%q (kind %s)", k.Recipe, k.Name))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s:1:1: no section for recipe %s", RecipesPath, strings.Join(missing, ", "))
	}
	return nil
}
