package setup_test

import (
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/setup"
)

// TestDoctorNamesTheMissingInboxLabel: without the inbox label, issue forms
// lose it, and doctor says that is why no form issue would reach the loop.
func TestDoctorNamesTheMissingInboxLabel(t *testing.T) {
	w := ghsim.Bare(ghsim.NewClock(epoch).Now)
	e := newEnv(t, w, octoConfig("octo/demo"))
	const why = "every issue form adds nanobots:inbox, and GitHub drops a form's label that does not exist, so no issue filed through a form would reach the loop"
	c, _ := e.doctor().Check("labels")
	if c.Result != setup.Fail || !strings.Contains(c.Detail, why) {
		t.Errorf("labels: %s %q, want a failure saying %q", c.Result, c.Detail, why)
	}
	w.AddLabel(w.Repo("octo/demo"), "nanobots:inbox", "c5def5", "")
	c, _ = e.doctor().Check("labels")
	if c.Result != setup.Fail || strings.Contains(c.Detail, "nanobots:inbox") || strings.Contains(c.Detail, "reach the loop") {
		t.Errorf("labels with the inbox label there: %s %q, want the other labels named, not the inbox", c.Result, c.Detail)
	}
}

// TestDoctorWarnsWhenOnlyTheDispatcherCouldApprove protects the default
// branch and counts who could approve the dispatcher's pull requests.
func TestDoctorWarnsWhenOnlyTheDispatcherCouldApprove(t *testing.T) {
	w := ghsim.Bare(ghsim.NewClock(epoch).Now)
	e := newEnv(t, w, octoConfig("octo/demo"))
	r := w.Repo("octo/demo")
	check := func() setup.Check {
		t.Helper()
		c, ok := e.doctor().Check("branch-review")
		if !ok {
			t.Fatal("doctor has no branch-review check")
		}
		return c
	}

	if c := check(); c.Result != setup.Pass || !strings.Contains(c.Detail, "main is not protected") {
		t.Errorf("unprotected: %s %q", c.Result, c.Detail)
	}
	w.ProtectBranch(r, "main", &ghsim.BranchProtection{})
	if c := check(); c.Result != setup.Pass || !strings.Contains(c.Detail, "requires no approving review") {
		t.Errorf("a rule without approvals: %s %q", c.Result, c.Detail)
	}

	w.ProtectBranch(r, "main", &ghsim.BranchProtection{RequiredApprovingReviews: 1})
	w.SetPermission(r, "rita", "read")
	c := check()
	if c.Result != setup.Warn || !strings.Contains(c.Detail, "main requires 1 approving review, and nobody with write access besides the dispatcher octo") ||
		!strings.Contains(c.Detail, "nobody can approve their own") || !strings.Contains(c.Fix, "machine user") {
		t.Errorf("only the dispatcher has write: %s %q (fix %q)", c.Result, c.Detail, c.Fix)
	}

	w.SetPermission(r, "ada", "maintain")
	if c := check(); c.Result != setup.Pass || !strings.Contains(c.Detail, "ada could give them") {
		t.Errorf("a maintainer besides the dispatcher: %s %q", c.Result, c.Detail)
	}
	w.ProtectBranch(r, "main", &ghsim.BranchProtection{RequiredApprovingReviews: 2})
	if c := check(); c.Result != setup.Warn || !strings.Contains(c.Detail, "requires 2 approving reviews, and only ada with write access") {
		t.Errorf("two approvals, one possible approver: %s %q", c.Result, c.Detail)
	}

	// A dispatcher without admin access cannot read the rule: doctor says
	// so and does not guess.
	w.SetPermission(r, "octo", "write")
	if c := check(); c.Result != setup.Skip || !strings.Contains(c.Detail, "only an admin may read its rule") {
		t.Errorf("rule unreadable: %s %q", c.Result, c.Detail)
	}
}

// TestDoctorChecksTheAgentsCommands: without a test or lint command, or
// without git fetch, the agent cannot do what the brief asks.
func TestDoctorChecksTheAgentsCommands(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tools  []string
		result setup.Verdict
		want   []string
	}{
		{"a test command and git fetch", []string{"Bash(gh pr view:*)", "Bash(make test:*)", "Bash(git fetch:*)"}, setup.Pass, []string{"the agent may run make test"}},
		{"no test command", []string{"Bash(gh pr view:*)", "Bash(git fetch:*)", "Bash(git diff:*)"}, setup.Warn, []string{"cannot run the repository's tests or linters", `"Bash(go test:*)"`}},
		{"no git fetch", []string{"Bash(go vet:*)"}, setup.Warn, []string{"lacks Bash(git fetch:*)", "a retry cannot fetch"}},
		{"nothing", nil, setup.Warn, []string{"cannot run the repository's tests", "lacks Bash(git fetch:*)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := octoConfig("octo/demo")
			cfg.Inner.AllowedTools = tc.tools
			e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), cfg)
			e.token = "" // a local check: no GitHub needed
			c, ok := e.doctor().Check("agent-tools")
			if !ok || c.Result != tc.result {
				t.Fatalf("agent-tools: %s %q, want %s", c.Result, c.Detail, tc.result)
			}
			for _, w := range tc.want {
				if !strings.Contains(c.Detail+" "+c.Fix, w) {
					t.Errorf("agent-tools %q (fix %q) lacks %q", c.Detail, c.Fix, w)
				}
			}
		})
	}
}
