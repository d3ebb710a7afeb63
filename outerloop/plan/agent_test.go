package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// TestOpenPRCarriesTheAgentsWords: the pull request the loop opens closes
// the issue, quotes the agent's final text with mentions broken, carries
// its learnings for LEARNINGS.md, and says which attempt it is.
func TestOpenPRCarriesTheAgentsWords(t *testing.T) {
	p := defaultPolicy(t)
	at := now.Add(-time.Hour)
	is := iss(1, complete, dispatched(1, 3, at), comment(claudeBot, at.Add(time.Minute),
		"**Claude finished @octo's task in 3m** —— [View job](https://x)\n\n---\nDone; @mona asked for it.\n\n## Learnings\n\nRun `make test` first.\n"))
	s := snap(card("In Progress", at, is))
	branch(s, 1, at.Add(time.Minute), at.Add(3*time.Minute))
	pl := makePure(t, s, p, now)
	if len(pl.Actions) != 1 || pl.Actions[0].Kind != OpenPR {
		t.Fatalf("plan %v, want one OpenPR", pl.Actions)
	}
	a := pl.Actions[0]
	if a.Value != "claude/issue-1-20261102-1101" || a.Title != "issue 1" || a.Attempt != 3 {
		t.Errorf("branch %q, title %q, attempt %d", a.Value, a.Title, a.Attempt)
	}
	for _, want := range []string{"Closes #1\n", "attempt 3 of #1", "> Done; @\u200bmona asked for it.", "## Learnings\n\nRun `make test` first.",
		ledger.Marker{Kind: ledger.MarkOpened, Fields: map[string]string{"issue": "1", "attempt": "3"}}.String()} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("the body lacks %q:\n%s", want, a.Body)
		}
	}
	if strings.Contains(a.Body, "Claude finished") {
		t.Errorf("the body quotes the tracking comment's header:\n%s", a.Body)
	}
	if len(a.Labels) != 1 || a.Labels[0] != policy.LabelBuilt {
		t.Errorf("labels %v, want %s", a.Labels, policy.LabelBuilt)
	}
	if got := LearningsSection(a.Body); got != "Run `make test` first." {
		t.Errorf("the LEARNINGS entry would read %q", got)
	}
}
