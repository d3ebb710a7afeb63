package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDemoShowsTheWholeLoop runs the README's first command as a new user
// would, offline, and checks what that user would look for: the agent's runs
// end with a branch and no pull request, the loop opens the pull request, a
// maintainer merges it, the merged work reaches Done with the agent's
// learnings in LEARNINGS.md, red CI on a merge commit summons a person, and
// the run ends with the board and the status issue.
func TestDemoShowsTheWholeLoop(t *testing.T) {
	code, out, errOut := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d: %s\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"mona files four issues through the rendered issue forms",
		"── cycle 1,",
		"✓ #4: add to the board as Inbox",
		"✓ #5: dispatch attempt 1",
		"the agent's run on #4 ends: pushed claude/issue-4-20261102-0930 and left its final comment; no pull request",
		"✓ #4: open a pull request from claude/issue-4-20261102-0930",
		"octo reviews and merges #9 (Closes #4) ──",
		`#9 "Add a --version flag", opened by the loop from claude/issue-4-20261102-0930, labelled nanobots:built; CI on its head: ci (success)`,
		"octo reviews and merges #10 (Closes #5) ──",
		"✓ #4: append its entry to LEARNINGS.md on nanobots/learnings",
		"✓ #4: comment (Done: #9 merged, and CI passed on",
		"nothing to do: no writes",
		"══ the board ══",
		"#4     Add a --version flag            Done",
		"#5     Crash on empty input            Blocked",
		"#6     Colour the output               Blocked",
		"#7     Rotate the release signing key  Blocked",
		"<!-- nanobots:learned issue=4 pr=9 -->",
		"- Learnings, as the agent wrote them in #9:",
		"> - #4 took one scripted run; the work spec named what to check.",
		"══ the pinned status issue ══",
		"Waiting on people: 3 items need a person",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// The maintainer's merge precedes the Done it leads to, and the loop
	// opened the pull request before the maintainer saw it.
	opened := strings.Index(out, "✓ #4: open a pull request from")
	merged := strings.Index(out, "octo reviews and merges #9")
	done := strings.Index(out, "✓ #4: comment (Done: #9 merged")
	if opened < 0 || merged < opened || done < merged {
		t.Errorf("the story is out of order: opened at %d, merged at %d, Done at %d", opened, merged, done)
	}
	// CI fails on #10's merge commit, and that commit is the one the loop
	// blocks #5 on.
	m := regexp.MustCompile(`octo reviews and merges #10 \(Closes #5\) ──\n.*\nCI on the merge commit ([0-9a-f]{7}): ci \(failure\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("demo output does not show CI failing on #10's merge commit:\n%s", out)
	}
	if want := "✓ #5: move Status Done → Blocked\n      why: CI failed on " + m[1] + ", the merge commit of #10: ci (failure)"; !strings.Contains(out, want) {
		t.Errorf("demo output lacks %q", want)
	}
	// Nobody but octo merges, and the agent opens no pull request.
	if strings.Count(out, "reviews and merges") != 2 {
		t.Errorf("want two merges by octo, got %d", strings.Count(out, "reviews and merges"))
	}
	if strings.Contains(out, "and opened #") {
		t.Errorf("the agent opened a pull request; claude-code-action does not")
	}
	if strings.Contains(out, "demo-dispatch-token") || strings.Contains(out, "demo-actions-token") {
		t.Errorf("demo output shows a token")
	}
}

// TestREADMEDemoSampleIsTheDemo: every line of the README's `make try`
// sample, other than its "..." elisions, is a line the demo prints, so the
// README shows the story as it runs.
func TestREADMEDemoSampleIsTheDemo(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "```\n── cycle 1, ")
	if i < 0 {
		t.Fatal("README has no `make try` sample starting at cycle 1")
	}
	sample := text[i+len("```\n"):]
	sample = sample[:strings.Index(sample, "```")]
	code, out, errOut := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d: %s\n%s", code, errOut, out)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		lines[l] = true
	}
	n := 0
	for _, l := range strings.Split(sample, "\n") {
		if l == "" || l == "..." {
			continue
		}
		n++
		if !lines[l] {
			t.Errorf("README's sample shows a line the demo does not print:\n%s", l)
		}
	}
	if n < 10 {
		t.Errorf("README's sample has %d lines; want the story, not a stub", n)
	}
}
