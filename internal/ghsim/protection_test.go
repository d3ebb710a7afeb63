package ghsim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// TestBranchProtection reads the default branch's rule as an admin and as a
// collaborator with write access, before and after it is protected; every
// answer is checked against GitHub's description by newSim.
func TestBranchProtection(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	s.world.AddToken("ghp_writer", "wendy", "repo")
	r := s.world.Repo("octo/demo")
	s.world.SetPermission(r, "wendy", "write")
	admin, writer := s.client("ghp_octo").REST, s.client("ghp_writer").REST

	b, _, err := writer.Repositories.GetBranch(ctx, "octo", "demo", "main", 0)
	if err != nil || b.GetProtected() {
		t.Fatalf("unprotected main: protected = %v, err %v", b.GetProtected(), err)
	}
	if _, _, err := admin.Repositories.GetBranchProtection(ctx, "octo", "demo", "main"); !errors.Is(err, github.ErrBranchNotProtected) {
		t.Errorf("rule of an unprotected branch: err %v, want go-github's ErrBranchNotProtected", err)
	}

	s.world.ProtectBranch(r, "main", &ghsim.BranchProtection{RequiredApprovingReviews: 2, DismissStaleReviews: true})
	b, _, err = writer.Repositories.GetBranch(ctx, "octo", "demo", "main", 0)
	if err != nil || !b.GetProtected() {
		t.Fatalf("protected main: protected = %v, err %v", b.GetProtected(), err)
	}
	p, _, err := admin.Repositories.GetBranchProtection(ctx, "octo", "demo", "main")
	if err != nil {
		t.Fatal(err)
	}
	if rv := p.GetRequiredPullRequestReviews(); rv == nil || rv.RequiredApprovingReviewCount != 2 || !rv.DismissStaleReviews {
		t.Errorf("required reviews %+v, want 2 approvals, stale ones dismissed", rv)
	}
	var er *github.ErrorResponse
	if _, _, err := writer.Repositories.GetBranchProtection(ctx, "octo", "demo", "main"); !errors.As(err, &er) || er.Response.StatusCode != http.StatusNotFound {
		t.Errorf("a writer reading the rule: err %v, want 404 (it needs admin)", err)
	}
	if _, _, err := admin.Repositories.GetBranchProtection(ctx, "octo", "demo", "no-such-branch"); !errors.As(err, &er) || er.Response.StatusCode != http.StatusNotFound {
		t.Errorf("rule of a missing branch: err %v, want 404", err)
	}

	s.world.ProtectBranch(r, "main", nil)
	if b, _, err = writer.Repositories.GetBranch(ctx, "octo", "demo", "main", 0); err != nil || b.GetProtected() {
		t.Errorf("after removing the rule: protected = %v, err %v", b.GetProtected(), err)
	}
}
