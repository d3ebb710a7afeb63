package ghsim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// TestWorkflowEnableAndInactivity walks the life of a scheduled workflow in
// a quiet public repository: GitHub's 60-day rule disables it, GET shows
// disabled_inactivity, and PUT …/enable makes it active again — but only
// for a classic token with the repo scope and write access, never for
// GITHUB_TOKEN with the outer workflow's actions: read.
func TestWorkflowEnableAndInactivity(t *testing.T) {
	s := newSim(t)
	r := s.world.Repo("octo/demo")
	s.world.AddLoopWorkflows(r)
	ctx := context.Background()
	const outer = "nanobots-outer.yml"
	state := func() string {
		t.Helper()
		wf, _, err := s.client("pat").REST.Actions.GetWorkflowByFileName(ctx, "octo", "demo", outer)
		if err != nil {
			t.Fatal(err)
		}
		return wf.GetState()
	}

	s.clock.Advance(59 * 24 * time.Hour)
	if off := s.world.ApplyInactivityRule(r); len(off) != 0 {
		t.Fatalf("disabled %d workflows after 59 quiet days, want none", len(off))
	}
	s.clock.Advance(25 * time.Hour)
	if off := s.world.ApplyInactivityRule(r); len(off) == 0 {
		t.Fatal("disabled nothing after 60 quiet days")
	}
	if got := state(); got != "disabled_inactivity" {
		t.Fatalf("state = %q, want disabled_inactivity", got)
	}

	s.world.AddToken("actions", ghsim.ActionsBot)
	s.world.AddToken("no-repo", "octo", "project")
	s.world.AddToken("reader", "mona", "repo")
	for _, tok := range []string{"actions", "no-repo", "reader"} {
		_, err := s.client(tok).REST.Actions.EnableWorkflowByFileName(ctx, "octo", "demo", outer)
		var ge *github.ErrorResponse
		if !errors.As(err, &ge) || ge.Response.StatusCode != http.StatusForbidden {
			t.Errorf("enable with %s: %v, want 403", tok, err)
		}
	}
	if got := state(); got != "disabled_inactivity" {
		t.Fatalf("state = %q after refused enables, want disabled_inactivity", got)
	}
	if _, err := s.client("pat").REST.Actions.EnableWorkflowByFileName(ctx, "octo", "demo", outer); err != nil {
		t.Fatal(err)
	}
	if got := state(); got != "active" {
		t.Errorf("state = %q after enable, want active", got)
	}
	if _, err := s.client("pat").REST.Actions.EnableWorkflowByFileName(ctx, "octo", "demo", "nope.yml"); err == nil {
		t.Error("enabled a workflow that does not exist")
	}

	// A private repository's schedule is never disabled for inactivity.
	s.world.SetPrivate(r, true)
	s.clock.Advance(90 * 24 * time.Hour)
	if off := s.world.ApplyInactivityRule(r); len(off) != 0 {
		t.Errorf("disabled %d workflows of a private repository", len(off))
	}
}
