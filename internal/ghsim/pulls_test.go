package ghsim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v66/github"
)

// TestPullRequestWithNoCommitsIsRefused: as on GitHub, a pull request from
// a branch with no commit the base lacks is refused with 422; once the
// branch has one, it opens.
func TestPullRequestWithNoCommitsIsRefused(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	w := s.world
	r := w.Repo("octo/demo")
	if err := w.CreateBranch(r, "claude/issue-1-20261102-0930", "main"); err != nil {
		t.Fatal(err)
	}
	open := func() (*github.PullRequest, error) {
		pr, _, err := s.octo().PullRequests.Create(ctx, "octo", "demo", &github.NewPullRequest{
			Title: github.String("Fix #1"), Head: github.String("claude/issue-1-20261102-0930"), Base: github.String("main"), Body: github.String("Closes #1")})
		return pr, err
	}
	_, err := open()
	if status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "No commits between main and claude/issue-1-20261102-0930") {
		t.Fatalf("a pull request with nothing to merge: %v, want 422 No commits between", err)
	}
	if _, err := w.CommitFiles(r, "claude/issue-1-20261102-0930", "fix", w.User("octo"), map[string][]byte{"fix.txt": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if pr, err := open(); err != nil || pr.GetNumber() == 0 {
		t.Fatalf("with a commit: %v, %v", pr, err)
	}
}
