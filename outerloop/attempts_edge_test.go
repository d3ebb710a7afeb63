package outerloop_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/policy"
)

// TestAgentPRWithoutClosingKeyword: the agent opens the pull request itself
// but words it without a closing keyword ("This PR addresses issue #N", as
// the action's own Create PR link does). The loop must not try to open a
// second pull request from the same branch, which GitHub refuses, nor leave
// the item In Progress for ever: it says the PR closes the issue, and the
// item goes In Review and, once a maintainer merges it, Done.
func TestAgentPRWithoutClosingKeyword(t *testing.T) {
	s := newStory(t, func(a *ghsim.Agent) {
		a.Default = ghsim.Outcome{PR: true, NoClosingKeyword: true}
		a.RunTime = 50 * time.Minute
		a.Timeout = 90 * time.Minute
	}, func(c *policy.Config) {
		c.StaleTimeout = policy.Duration(time.Hour)
		c.Inner.TimeoutMinutes = 90
	})
	for i := 0; i < 8; i++ {
		s.step()
	}
	prs := s.pulls()
	if len(prs) != 1 {
		t.Fatalf("%d pull requests from the agent's branches, want 1", len(prs))
	}
	pr := prs[0]
	s.h.world.Lock()
	body := pr.Body
	s.h.world.Unlock()
	if !slices.Contains(ghsim.ClosingReferences(body), s.is.Number) {
		t.Errorf("the agent's #%d still closes no issue:\n%s", pr.Number, body)
	}
	if s.status() != "In Review" {
		t.Fatalf("with the agent's #%d open the item is %s, want In Review", pr.Number, s.status())
	}
	s.asOcto(http.MethodPut, fmt.Sprintf("/repos/octo/demo/pulls/%d/merge", pr.Number), map[string]string{})
	for i := 0; i < 3 && s.status() != "Done"; i++ {
		s.step()
	}
	if s.status() != "Done" {
		t.Errorf("after #%d merged the item is %s, want Done", pr.Number, s.status())
	}
	s.checkNoErrors()
	s.checkOneAttemptPerRun()
	if n := len(s.dispatches()); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
}
