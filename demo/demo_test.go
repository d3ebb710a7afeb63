package demo

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// TestSummaryShowsDraftCards: a board may hold draft cards, which have no
// issue behind them; the summary lists them rather than failing on them.
func TestSummaryShowsDraftCards(t *testing.T) {
	clock := ghsim.NewClock(start)
	world := ghsim.Demo(clock.Now)
	p := world.Project("octo", 1)
	if _, err := world.AddDraftItem(p, world.User("octo"), "Sketch the roadmap", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := world.AddItem(p, world.Repo("octo/demo").Issue(1)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := summary(&out, world, world.Repo("octo/demo")); err != nil {
		t.Fatal(err)
	}
	var draft, issue bool
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == "draft" && strings.Contains(line, "Sketch the roadmap") {
			draft = true
		}
		if len(f) > 0 && f[0] == "#1" {
			issue = true
		}
	}
	if !draft || !issue {
		t.Errorf("the board lacks the draft card (%v) or the seeded issue #1 (%v):\n%s", draft, issue, out.String())
	}
}
