package outerloop_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
)

// TestNewUserFirstCycles follows a new user: init, three issues filed
// through the forms, then cycles. The first triages all three, the second
// dispatches the Ready one with the dispatcher's token, the third has
// nothing to do and writes nothing.
func TestNewUserFirstCycles(t *testing.T) {
	h := newHarness(t, nil)
	complete := h.file("feature", "Add a --version flag", map[string]string{
		"kind": "feature", "area": "interface",
		"problem":    "Nobody can tell which build is installed.",
		"acceptance": "- [ ] `demo --version` prints the version and exits 0\n- [ ] the version comes from the build",
		"size_hint":  "S",
	})
	incomplete := h.file("bug", "Crash on empty input", map[string]string{
		"kind": "bug", "area": "core",
		"problem": "Running demo with no input panics.",
	})
	gated := h.file("chore", "Rotate the release signing key", map[string]string{
		"kind": "chore", "area": "security",
		"problem":    "The release key is two years old.",
		"acceptance": "- [ ] a new key signs the next release",
	})

	// Cycle 1: intake and triage.
	res := h.cycle(false)
	for _, c := range []struct {
		is   *ghsim.Issue
		want map[string]string
	}{
		{complete, map[string]string{"Status": "Ready", "Priority": "P2", "Size": "S"}},
		{incomplete, map[string]string{"Status": "Blocked", "Priority": "P1", "Size": "M"}},
		{gated, map[string]string{"Status": "Blocked", "Priority": "P0", "Size": "M"}},
	} {
		if diff := cmp.Diff(c.want, h.card(c.is)); diff != "" {
			t.Errorf("#%d %s on the board (-want +got):\n%s", c.is.Number, c.is.Title, diff)
		}
		if got := comments(c.is, ghsim.ActionsBot); len(got) != 1 || !strings.Contains(got[0].Body, "<!-- nanobots:triage ") {
			t.Errorf("#%d: %d triage comments by the Actions bot, want 1", c.is.Number, len(got))
		}
	}
	if got := comments(complete, ghsim.ActionsBot)[0].Body; !strings.Contains(got, "## Work spec") ||
		!strings.Contains(got, "`demo --version` prints the version and exits 0") {
		t.Errorf("the Ready item's triage comment is not its work spec:\n%s", got)
	}
	if got := comments(incomplete, ghsim.ActionsBot)[0].Body; !strings.Contains(got, "@mona") || !strings.Contains(got, "**Acceptance criteria**") {
		t.Errorf("the incomplete item's comment does not ask its author for the acceptance criteria:\n%s", got)
	}
	if !slices.Contains(labels(gated), "summon-human") || len(gated.Assignees) != 1 || gated.Assignees[0].Login != "octo" {
		t.Errorf("gated item: labels %v, %d assignees; want summon-human and @octo", labels(gated), len(gated.Assignees))
	}
	if slices.ContainsFunc(res.Plan.Actions, func(a plan.Action) bool { return a.Kind == plan.Dispatch }) {
		t.Errorf("the first cycle dispatched; the Ready item is dispatched on the next")
	}

	// Cycle 2: dispatch the Ready one, with the dispatcher's token.
	h.clock.Advance(30 * time.Minute)
	h.cycle(false)
	dispatches := comments(complete, "octo")
	if len(dispatches) != 1 || !strings.HasPrefix(dispatches[0].Body, "@claude ") ||
		!strings.Contains(dispatches[0].Body, "<!-- nanobots:dispatch attempt=1 issue=1") && !strings.Contains(dispatches[0].Body, "<!-- nanobots:dispatch attempt=1 issue=") {
		t.Fatalf("dispatch comments by octo on #%d: %d, want 1 starting with @claude and carrying the marker", complete.Number, len(dispatches))
	}
	if !strings.Contains(dispatches[0].Body, "Closes #") || !strings.Contains(dispatches[0].Body, "## Work spec") {
		t.Errorf("the brief lacks the work spec or the Closes request:\n%s", dispatches[0].Body)
	}
	if got := h.card(complete)["Status"]; got != "In Progress" {
		t.Errorf("dispatched item is %s, want In Progress", got)
	}
	for _, is := range []*ghsim.Issue{incomplete, gated} {
		if n := len(comments(is, "octo")); n != 0 {
			t.Errorf("#%d got %d comments by octo; only Ready items are dispatched", is.Number, n)
		}
	}

	// Cycle 3: nothing new, nothing written.
	h.clock.Advance(30 * time.Minute)
	h.srv.Log.Reset()
	res = h.cycle(false)
	if tot := h.srv.Log.Totals(); tot.Writes != 0 || len(res.Plan.Actions) != 0 {
		t.Errorf("idle cycle: %d writes, %d actions; want none", tot.Writes, len(res.Plan.Actions))
	}
}
