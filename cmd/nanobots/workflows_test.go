package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestProjectWorkflowsPassActionlint lints nanobots' own CI workflows.
func TestProjectWorkflowsPassActionlint(t *testing.T) {
	files, err := filepath.Glob("../../.github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows found (%v)", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		linter, err := actionlint.NewLinter(os.Stderr, &actionlint.LinterOptions{Shellcheck: "", Pyflakes: ""})
		if err != nil {
			t.Fatal(err)
		}
		found, err := linter.Lint(f, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range found {
			t.Errorf("%s:%d:%d: %s [%s]", f, e.Line, e.Column, e.Message, e.Kind)
		}
	}
}
