package ghsim_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// ciSim is the demo world with a CI workflow on octo/demo, mona with write
// access, reader with read, and a GITHUB_TOKEN (github-actions[bot]).
func ciSim(t *testing.T) (*sim, *ghsim.Repo) {
	t.Helper()
	s := newSim(t)
	r := s.world.Repo("octo/demo")
	s.world.EnableCI(r, "ci", "success")
	s.world.AddToken("ghp_mona", "mona")
	s.world.SetPermission(r, "mona", "write")
	s.world.AddToken("ghp_reader", "reader")
	s.world.SetPermission(r, "reader", "read")
	s.world.AddToken("ghs_actions", ghsim.ActionsBot)
	return s, r
}

func checkRuns(s *sim, r *ghsim.Repo, sha string) []string {
	s.world.Lock()
	defer s.world.Unlock()
	var out []string
	for _, cr := range r.CheckRuns[sha] {
		out = append(out, cr.Name+":"+cr.Conclusion)
	}
	return out
}

// branchWithCommit makes a branch off main with one commit, as octo.
func branchWithCommit(t *testing.T, s *sim, r *ghsim.Repo, branch string) {
	t.Helper()
	if err := s.world.CreateBranch(r, branch, "main"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.world.CommitFiles(r, branch, "work", s.world.User("octo"), map[string][]byte{branch + ".txt": []byte("x")}); err != nil {
		t.Fatal(err)
	}
}

func openPR(t *testing.T, s *sim, token, head string) *github.PullRequest {
	t.Helper()
	pr, _, err := s.client(token).REST.PullRequests.Create(context.Background(), "octo", "demo", &github.NewPullRequest{
		Title: github.String("Work on " + head), Head: github.String(head), Base: github.String("main"), Body: github.String("Closes #1"),
	})
	if err != nil {
		t.Fatalf("open a PR from %s with %s: %v", head, token, err)
	}
	return pr
}

// TestCIFollowsTheGitHubTokenRule: a PR opened or pushed to by a person
// runs CI on its head; one opened or pushed to with GITHUB_TOKEN does not.
func TestCIFollowsTheGitHubTokenRule(t *testing.T) {
	s, r := ciSim(t)
	ctx := context.Background()
	branchWithCommit(t, s, r, "by-person")
	branchWithCommit(t, s, r, "by-token")
	person := openPR(t, s, "ghp_mona", "by-person")
	// The outer workflow's GITHUB_TOKEN may not open PRs (pull-requests:
	// read); one whose workflow grants it would, so open it in the world.
	tokenPR, err := s.world.CreatePull(r, s.world.User(ghsim.ActionsBot), "By the token", "", "by-token", "main")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.client("t").REST.PullRequests.Get(ctx, "octo", "demo", tokenPR.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got := checkRuns(s, r, person.GetHead().GetSHA()); len(got) != 1 || got[0] != "ci:success" {
		t.Errorf("CI on a person's PR: %v, want [ci:success]", got)
	}
	if got := checkRuns(s, r, token.GetHead().GetSHA()); len(got) != 0 {
		t.Errorf("CI on GITHUB_TOKEN's PR: %v, want none", got)
	}

	// synchronize: a push to the head branch through the contents API.
	put := func(tok, branch string) string {
		t.Helper()
		res, _, err := s.client(tok).REST.Repositories.CreateFile(ctx, "octo", "demo", "more-"+branch+".txt", &github.RepositoryContentFileOptions{
			Message: github.String("more"), Content: []byte("y"), Branch: github.String(branch),
		})
		if err != nil {
			t.Fatalf("push to %s with %s: %v", branch, tok, err)
		}
		return res.GetSHA()
	}
	if got := checkRuns(s, r, put("ghp_mona", "by-token")); len(got) != 1 {
		t.Errorf("CI after a person's push to a PR's head: %v, want one run", got)
	}
	if got := checkRuns(s, r, put("ghs_actions", "by-person")); len(got) != 0 {
		t.Errorf("CI after GITHUB_TOKEN's push to a PR's head: %v, want none", got)
	}
	// A push to a branch without a PR runs nothing (CI runs on PRs and main).
	branchWithCommit(t, s, r, "lonely")
	if got := checkRuns(s, r, r.Head("lonely").SHA); len(got) != 0 {
		t.Errorf("CI on a branch with no PR: %v, want none", got)
	}
}

// TestMergeEndpoint: a writer merges through PUT …/pulls/{n}/merge and CI
// runs on the merge commit (and can be made to fail); a reader gets 403;
// a second merge or a draft's 405; a stale sha 409; a merge with GITHUB_TOKEN works but
// starts no CI.
func TestMergeEndpoint(t *testing.T) {
	s, r := ciSim(t)
	ctx := context.Background()
	for _, b := range []string{"a", "b", "c"} {
		branchWithCommit(t, s, r, b)
	}
	a, b, c := openPR(t, s, "ghp_mona", "a"), openPR(t, s, "ghp_mona", "b"), openPR(t, s, "ghp_mona", "c")

	if _, _, err := s.client("ghp_reader").REST.PullRequests.Merge(ctx, "octo", "demo", a.GetNumber(), "", nil); status(err) != http.StatusForbidden {
		t.Errorf("a reader merges: %v, want 403", err)
	}
	if _, _, err := s.client("ghp_mona").REST.PullRequests.Merge(ctx, "octo", "demo", a.GetNumber(), "", &github.PullRequestOptions{SHA: "0000000000000000000000000000000000000000"}); status(err) != http.StatusConflict {
		t.Errorf("a merge with a stale sha: %v, want 409", err)
	}
	res, _, err := s.client("ghp_mona").REST.PullRequests.Merge(ctx, "octo", "demo", a.GetNumber(), "", nil)
	if err != nil || !res.GetMerged() {
		t.Fatalf("a writer merges: %+v, %v", res, err)
	}
	if got := checkRuns(s, r, res.GetSHA()); len(got) != 1 || got[0] != "ci:success" {
		t.Errorf("CI on the merge commit: %v, want [ci:success]", got)
	}
	if is, _, _ := s.client("t").REST.Issues.Get(ctx, "octo", "demo", 1); is.GetState() != "closed" {
		t.Errorf("issue #1 is %s after a merge of a PR that closes it", is.GetState())
	}
	if _, _, err := s.client("ghp_mona").REST.PullRequests.Merge(ctx, "octo", "demo", a.GetNumber(), "", nil); status(err) != http.StatusMethodNotAllowed {
		t.Errorf("a second merge: %v, want 405", err)
	}

	s.world.SetCIConclusion(r, "failure")
	res, _, err = s.client("t").REST.PullRequests.Merge(ctx, "octo", "demo", b.GetNumber(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := checkRuns(s, r, res.GetSHA()); len(got) != 1 || got[0] != "ci:failure" {
		t.Errorf("CI made to fail, on the merge commit: %v, want [ci:failure]", got)
	}

	branchWithCommit(t, s, r, "d")
	draft, _, err := s.client("ghp_mona").REST.PullRequests.Create(ctx, "octo", "demo", &github.NewPullRequest{
		Title: github.String("Draft"), Head: github.String("d"), Base: github.String("main"), Draft: github.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.client("ghp_mona").REST.PullRequests.Merge(ctx, "octo", "demo", draft.GetNumber(), "", nil); status(err) != http.StatusMethodNotAllowed {
		t.Errorf("a draft merged: %v, want 405", err)
	}

	res, _, err = s.client("ghs_actions").REST.PullRequests.Merge(ctx, "octo", "demo", c.GetNumber(), "", nil)
	if err != nil {
		t.Fatalf("GITHUB_TOKEN (write) merges: %v", err)
	}
	if got := checkRuns(s, r, res.GetSHA()); len(got) != 0 {
		t.Errorf("CI on GITHUB_TOKEN's merge commit: %v, want none", got)
	}
}

// TestKindAgentLeavesCIToTheRepository: with a CI workflow, the kind agent's
// merge (by the owner) runs the repository's CI instead of adding its own.
func TestKindAgentLeavesCIToTheRepository(t *testing.T) {
	s, r := ciSim(t)
	agent := ghsim.NewAgent(s.world, "@claude", "octo")
	agent.Default = ghsim.OutcomeRed
	s.comment("t", 2, "@claude go")
	work(t, agent, 1)
	s.world.Lock()
	pr := agent.Runs()[0].Pull
	sha := pr.PR.MergeCommitSHA
	s.world.Unlock()
	if got := checkRuns(s, r, sha); len(got) != 1 || got[0] != "ci:success" {
		t.Errorf("check runs on the kind agent's merge: %v, want the repository's one [ci:success]", got)
	}
}
