package outerloop_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/policy"
)

// TestCommentFloodKeepsTheLoopsMemory: after the loop dispatched an item,
// 40 comments by someone else come in, more than one read of an issue
// holds. The loop still finds its dispatch note: the attempt is its own,
// followed and, past the stale timeout, tried again; never taken for a
// person's work, and no cycle fails (issue 13, finding 4).
func TestCommentFloodKeepsTheLoopsMemory(t *testing.T) {
	h := newHarness(t, func(c *policy.Config) {
		c.StaleTimeout = policy.Duration(time.Hour)
		c.Inner.TimeoutMinutes = 30
	})
	is := h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	agent := ghsim.NewAgent(h.world, "@claude", "octo")
	agent.Default = ghsim.OutcomeSilent
	for range 2 {
		h.cycle(false)
		if _, err := agent.Work(); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(30 * time.Minute)
	}
	if got := h.card(is)["Status"]; got != "In Progress" {
		t.Fatalf("#%d is %s after two cycles, want In Progress", is.Number, got)
	}
	for i := range 40 {
		h.world.AddComment(is, h.world.User("mona"), fmt.Sprintf("any news? (%d)", i))
	}
	res := h.cycle(false)
	for _, w := range res.Plan.Waiting {
		if w.Issue == is.Number && strings.Contains(w.Why, "a person is on it") {
			t.Fatalf("the flood made the loop's attempt look like a person's: %s", w.Why)
		}
	}
	h.clock.Advance(2 * time.Hour)
	res = h.cycle(false)
	var requeued bool
	for _, a := range res.Plan.Actions {
		requeued = requeued || a.Issue == is.Number && strings.Contains(a.Body, "nanobots:requeue")
	}
	if !requeued {
		t.Errorf("past the stale timeout, attempt 1 was not given up: %v", res.Plan.Actions)
	}
}
