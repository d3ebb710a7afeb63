package templates

import (
	"io/fs"
	"testing"
)

// TestEmbedsHiddenPaths checks the all: prefix is in effect: without it,
// embed skips .github/, .nanobots/ and .gitattributes silently.
func TestEmbedsHiddenPaths(t *testing.T) {
	for _, p := range []string{
		"files/.github/workflows/nanobots-outer.yml.tmpl",
		"files/.github/ISSUE_TEMPLATE/_forms.tmpl",
		"files/.nanobots/prompts/dispatch.md.tmpl",
		"files/.gitattributes.tmpl",
	} {
		if _, err := fs.Stat(FS, p); err != nil {
			t.Errorf("%s is not embedded: %v", p, err)
		}
	}
}
