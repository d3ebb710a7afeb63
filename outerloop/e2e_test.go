package outerloop_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// TestWholeLoopWithTheScriptedAgent runs cycles against the simulator with
// the scripted agent answering dispatches, until nothing changes: work whose
// CI passes ends Done, work whose CI fails on the merge commit ends Blocked
// with a human summoned, and work the agent never answers is dispatched
// again and then Blocked with a human summoned.
func TestWholeLoopWithTheScriptedAgent(t *testing.T) {
	h := newHarness(t, func(c *policy.Config) {
		c.WIPLimit = 3
		c.StaleTimeout = policy.Duration(time.Hour)
		c.Inner.TimeoutMinutes = 30
	})
	green := h.file("feature", "Add a --version flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	red := h.file("bug", "Crash on empty input", map[string]string{
		"kind": "bug", "area": "core", "problem": "It panics.", "acceptance": "- [ ] no panic", "size_hint": "XS",
	})
	silent := h.file("chore", "Tidy the README", map[string]string{
		"kind": "chore", "area": "docs", "problem": "Stale text.", "acceptance": "- [ ] current text",
	})
	agent := ghsim.NewAgent(h.world, "@claude", "octo")
	agent.Outcomes[red.Number] = ghsim.OutcomeRed
	agent.Outcomes[silent.Number] = ghsim.OutcomeSilent

	// Settled: four quiet cycles in a row, two hours, longer than the
	// stale timeout.
	cycles, quiet := 0, 0
	for ; cycles < 30 && quiet < 4; cycles++ {
		h.mergeOpened(t)
		res := h.cycle(false)
		if _, err := agent.Work(); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(30 * time.Minute)
		quiet++
		if len(res.Plan.Actions) > 0 || agent.Pending() > 0 {
			quiet = 0
		}
	}
	if quiet < 4 {
		t.Fatalf("the loop did not settle in %d cycles", cycles)
	}
	t.Logf("settled after %d cycles", cycles-quiet)

	if got := h.card(green)["Status"]; got != "Done" {
		t.Errorf("green #%d is %s, want Done", green.Number, got)
	}
	for _, is := range []*ghsim.Issue{red, silent} {
		if got := h.card(is)["Status"]; got != "Blocked" || !slices.Contains(labels(is), "summon-human") {
			t.Errorf("#%d %s is %s with labels %v, want Blocked with summon-human", is.Number, is.Title, got, labels(is))
		}
	}
	if n := dispatchCount(green); n != 1 {
		t.Errorf("green was dispatched %d times, want 1", n)
	}
	if n := dispatchCount(silent); n != 3 {
		t.Errorf("silent was dispatched %d times, want 3 (max_attempts)", n)
	}
	var summon string
	for _, c := range comments(red, ghsim.ActionsBot) {
		if strings.Contains(c.Body, "nanobots:summon") {
			summon = c.Body
		}
	}
	if !strings.Contains(summon, "CI failed") || !strings.Contains(summon, "ci (failure)") || !strings.Contains(summon, "@octo") {
		t.Errorf("red's summon comment does not name the failing check and the maintainer:\n%s", summon)
	}

	// LEARNINGS.md on the learnings branch has exactly one entry per Done
	// item; the default branch is untouched.
	h.world.Lock()
	head := h.repo.Head("nanobots/learnings")
	var learnings string
	if head != nil {
		if b, ok := head.Files[plan.LearningsFile]; ok {
			learnings = string(b.Content)
		}
	}
	h.world.Unlock()
	entries := plan.LearnedEntries(learnings)
	if len(entries) != 1 || entries[0].Issue != green.Number {
		t.Errorf("LEARNINGS.md entries = %+v, want one, for #%d:\n%s", entries, green.Number, learnings)
	}
	if !strings.Contains(learnings, "took one scripted run") {
		t.Errorf("the entry lacks the PR's Learnings section:\n%s", learnings)
	}

	// One status issue, pinned, whose body matches the board.
	st := statusIssues(h)
	if len(st) != 1 || len(pinned(h)) != 1 {
		t.Fatalf("%d status issues, %d pinned; want one, pinned", len(st), len(pinned(h)))
	}
	for _, want := range []string{`"Done: 1"`, `"Blocked: 2"`, `"In Progress: 0"`, "Needs a person (2)"} {
		if !strings.Contains(strings.ReplaceAll(st[0].Body, "**", ""), want) {
			t.Errorf("status body lacks %q:\n%s", want, st[0].Body)
		}
	}

	// Settled: one more cycle writes nothing.
	h.srv.Log.Reset()
	h.clock.Advance(30 * time.Minute)
	h.cycle(false)
	if w := h.srv.Log.Totals().Writes; w != 0 {
		t.Errorf("a settled loop wrote %d times", w)
	}
}

func dispatchCount(is *ghsim.Issue) int {
	n := 0
	for _, c := range comments(is, "octo") {
		if strings.Contains(c.Body, "<!-- nanobots:dispatch ") {
			n++
		}
	}
	return n
}
