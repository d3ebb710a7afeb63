package ghsim

import "strings"

// CI is a repository's CI workflow as GitHub Actions runs it: on pull
// requests (opened, and synchronized by a push to their head branch) and on
// pushes to the default branch, among them a merge. Each run reports one
// completed check run named Name on the commit it ran on.
//
// It keeps GitHub's rule that events caused by GITHUB_TOKEN (the actor
// github-actions[bot]) start no workflow, while events caused by a person's
// token or by a GitHub App's (claude[bot]) do. The scripted agent's pushes
// ride on the inner workflow's GITHUB_TOKEN (see agent.go), so they start no
// CI; a pull request the agent opens with its App token does.
type CI struct {
	// Name is the check run's name.
	Name string
	// Conclusion is how every run ends: "success" or "failure". A test sets
	// it to make CI fail.
	Conclusion string
}

// EnableCI gives r a CI workflow whose runs report a check run called name
// that ends with conclusion. Worlds have none until this is called, so that
// tests which add their own check runs see only those.
func (w *World) EnableCI(r *Repo, name, conclusion string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r.CI = &CI{Name: name, Conclusion: conclusion}
}

// SetCIConclusion makes r's later CI runs end with conclusion.
func (w *World) SetCIConclusion(r *Repo, conclusion string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.CI != nil {
		r.CI.Conclusion = conclusion
	}
}

// StartsWorkflows reports whether an event caused by actor starts workflows
// on GitHub: everything but GITHUB_TOKEN's does ("When you use the
// repository's GITHUB_TOKEN to perform tasks, events triggered by the
// GITHUB_TOKEN ... will not create a new workflow run").
func StartsWorkflows(actor *User) bool {
	return actor != nil && !strings.EqualFold(actor.Login, ActionsBot)
}

// ciRun runs r's CI on sha for an event that actor caused.
func (w *World) ciRun(r *Repo, sha string, actor *User) {
	if r.CI == nil || !StartsWorkflows(actor) {
		return
	}
	w.addCheckRun(r, sha, r.CI.Name, "completed", r.CI.Conclusion)
}

// pullOpened is the pull_request "opened" event of a pull request from a
// branch of its own repository. One from a fork runs no CI here: GitHub
// holds such runs for a maintainer's approval (first-time contributors) and
// the simulator does not play that approval.
func (w *World) pullOpened(pr *Issue, actor *User) {
	w.ciRun(pr.Repo, pr.PR.HeadSHA, actor)
}

// pushed is a push of sha to branch by pusher: the push event on the default
// branch, and the pull_request "synchronize" event of every open pull
// request whose head it is.
func (w *World) pushed(r *Repo, branch, sha string, pusher *User) {
	if branch == r.DefaultBranch {
		w.ciRun(r, sha, pusher)
		return
	}
	for _, is := range r.Issues {
		if is.PR != nil && is.State == "open" && is.PR.Head == branch && (is.PR.HeadRepo == nil || is.PR.HeadRepo == r) {
			w.ciRun(r, sha, pusher)
			return // one run per commit, however many PRs share the head
		}
	}
}
