package main

import (
	"strings"
	"testing"
)

// TestDemoShowsTheWholeLoop runs the README's first command as a new user
// would, offline, and checks it shows every kind of outcome and ends with
// the board, LEARNINGS.md and the status issue.
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
		"(the scripted agent answers 2 dispatches)",
		"✓ #4: append its entry to LEARNINGS.md on nanobots/learnings",
		"nothing to do: no writes",
		"══ the board ══",
		"#4     Add a --version flag            Done",
		"#5     Crash on empty input            Blocked",
		"<!-- nanobots:learned issue=4 pr=10 -->",
		"══ the pinned status issue ══",
		"Waiting on people: 3 items need a person",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out, "demo-dispatch-token") || strings.Contains(out, "demo-actions-token") {
		t.Errorf("demo output shows a token")
	}
}
