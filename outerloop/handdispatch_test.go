package outerloop_test

import (
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/ledger"
)

// TestHandDispatchIsTheAttempt: a maintainer types the trigger phrase on a
// Ready item before the loop dispatches it. The action starts one run; the
// loop records that run as attempt 1, moves the card In Progress and
// dispatches nothing itself, so one run and one pull request follow
// (issue 13, finding 12).
func TestHandDispatchIsTheAttempt(t *testing.T) {
	h := newHarness(t, nil)
	is := h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	agent := ghsim.NewAgent(h.world, "@claude", "octo")
	agent.RunTime = 20 * time.Minute
	h.cycle(false) // triaged: Ready
	h.clock.Advance(5 * time.Minute)
	h.world.AddComment(is, h.world.User("octo"), "@claude please take this one now")
	if _, err := agent.Work(); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		h.mergeOpened(t)
		h.cycle(false)
		if _, err := agent.Work(); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(30 * time.Minute)
	}
	h.world.Lock()
	defer h.world.Unlock()
	var loopDispatches, recorded int
	for _, c := range is.Comments {
		for _, m := range ledger.ParseMarkers(c.Body) {
			if m.Kind != ledger.MarkDispatch {
				continue
			}
			if m.Fields["by"] == "octo" {
				recorded++
			} else {
				loopDispatches++
			}
		}
	}
	if recorded != 1 || loopDispatches != 0 {
		t.Errorf("%d hand dispatches recorded and %d dispatched by the loop; want 1 and 0", recorded, loopDispatches)
	}
	if n := len(agent.Runs()); n != 1 {
		t.Errorf("the agent ran %d times, want once", n)
	}
	if got := h.card(is)["Status"]; got != "Done" {
		t.Errorf("#%d is %s, want Done: the hand-started run's pull request is followed like the loop's own", is.Number, got)
	}
}
