package scaffold

import (
	"testing"

	"github.com/nanobots-dev/nanobots/policy"
)

// testConfig is a complete configuration, as `nanobots init` would write it
// for a typical organization repository.
func testConfig() policy.Config {
	c := policy.Default()
	c.Project.Owner = "acme"
	c.Project.OwnerType = "organization"
	c.Project.Number = 7
	c.Repo = "acme/widgets"
	c.Dispatcher = "ada-bot"
	c.Maintainers = []string{"ada"}
	return c
}

// testCommit and testCommit2 stand for the commits v0.1.0 and v0.2.0 were
// built from. They are test data, not commits of any repository.
const (
	testCommit  = "0123456789abcdef0123456789abcdef01234567"
	testCommit2 = "89abcdef0123456789abcdef0123456789abcdef"
)

func testValues() Values {
	return Values{Config: testConfig(), Rubric: policy.DefaultRubric(), Version: "v0.1.0", Commit: testCommit}
}

// TestRenderEveryTemplate renders every template with complete values: a
// template that refers to a missing key or function fails here, not in a
// maintainer's repository.
func TestRenderEveryTemplate(t *testing.T) {
	files, err := render(testValues())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("rendered no files")
	}
	for _, f := range files {
		if len(f.body) == 0 {
			t.Errorf("%s: rendered empty", f.path)
		}
	}
}

// render1 returns one rendered file's full content.
func render1(t *testing.T, v Values, path string) string {
	t.Helper()
	files, err := render(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.path == path {
			return string(f.content(v.Version))
		}
	}
	t.Fatalf("%s is not rendered", path)
	return ""
}
