package ghsim

import (
	"fmt"
	"net/http"
	"strings"
)

// Forks, and pull requests from them: how someone without write access
// proposes a change. A fork is a repository of its own (the person pushes to
// it through the refs and contents APIs); a pull request into the upstream
// names its head "LOGIN:branch".

// Fork makes by's fork of r, or returns the one by already has, as
// POST /repos/{owner}/{repo}/forks does. The fork has r's branches (only
// the default one when defaultOnly) and no issues, labels or pull requests.
func (w *World) Fork(r *Repo, by *User, name string, defaultOnly bool) *Repo {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fork(r, by, name, defaultOnly)
}

func (w *World) fork(r *Repo, by *User, name string, defaultOnly bool) *Repo {
	if f := w.forkOf(r, by); f != nil {
		return f
	}
	if name == "" {
		name = r.Name
	}
	// A name the person already uses gets a suffix, as GitHub's does.
	base := name
	for i := 1; w.Repo(by.Login+"/"+name) != nil; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	f := &Repo{
		ID: w.id(), Owner: by, Name: name, Private: r.Private, DefaultBranch: r.DefaultBranch, CreatedAt: w.Now(),
		Branches: map[string]string{}, Commits: make(map[string]*Commit, len(r.Commits)), Labels: map[string]*Label{},
		Collaborators: map[string]string{strings.ToLower(by.Login): "admin"},
		CheckRuns:     map[string][]*CheckRun{}, Statuses: map[string][]*Status{}, Parent: r,
	}
	f.NodeID = w.nodeID("R", f.ID, f)
	for sha, c := range r.Commits {
		f.Commits[sha] = c
	}
	for b, sha := range r.Branches {
		if !defaultOnly || b == r.DefaultBranch {
			f.Branches[b] = sha
		}
	}
	w.repos[strings.ToLower(f.FullName())] = f
	return f
}

// forkOf returns by's fork of r, or nil.
func (w *World) forkOf(r *Repo, by *User) *Repo {
	for _, x := range w.repos {
		if x.Parent == r && x.Owner == by {
			return x
		}
	}
	return nil
}

// headRepo is the repository a pull request's head branch lives in.
func (pr *PullRequest) headRepo(base *Repo) *Repo {
	if pr.HeadRepo != nil {
		return pr.HeadRepo
	}
	return base
}

// headSHA is the pull request's head commit now: the head branch's tip
// while it is open and exists, else the one recorded.
func (pr *PullRequest) headSHA(base *Repo) string {
	if sha, ok := pr.headRepo(base).Branches[pr.Head]; ok && !pr.Merged {
		return sha
	}
	return pr.HeadSHA
}

// fetchHead copies a fork's commits into the upstream, as GitHub keeps a
// pull request's commits reachable from refs/pull/N/head, so a merge commit
// can name its head parent.
func (w *World) fetchHead(pr *Issue) {
	hr := pr.PR.headRepo(pr.Repo)
	if hr == pr.Repo {
		return
	}
	for sha, c := range hr.Commits {
		if pr.Repo.Commits[sha] == nil {
			pr.Repo.Commits[sha] = c
		}
	}
}

// CreatePullFrom opens a pull request into base of r from branch head of
// headRepo (r itself or a fork of it), as POST /pulls with head
// "LOGIN:branch" does.
func (w *World) CreatePullFrom(r *Repo, author *User, title, body string, headRepo *Repo, head, base string) (*Issue, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.createPullFrom(r, author, title, body, headRepo, head, base)
}

func (w *World) createPullFrom(r *Repo, author *User, title, body string, headRepo *Repo, head, base string) (*Issue, error) {
	if headRepo == nil || headRepo == r {
		return w.createPull(r, author, title, body, head, base)
	}
	if headRepo.Parent != r {
		return nil, fmt.Errorf("%s is not a fork of %s", headRepo.FullName(), r.FullName())
	}
	hs, ok := headRepo.Branches[head]
	if !ok {
		return nil, fmt.Errorf("head branch %q not found", head)
	}
	if _, ok := r.Branches[base]; !ok {
		return nil, fmt.Errorf("base branch %q not found", base)
	}
	for _, is := range r.Issues {
		if is.PR != nil && is.State == "open" && is.PR.HeadRepo == headRepo && is.PR.Head == head && is.PR.Base == base {
			return nil, fmt.Errorf("a pull request already exists for %s:%s", headRepo.Owner.Login, head)
		}
	}
	is := w.createIssue(r, author, title, body)
	is.PR = &PullRequest{Head: head, Base: base, HeadSHA: hs, HeadRepo: headRepo}
	delete(w.nodes, is.NodeID)
	is.NodeID = w.nodeID("PR", is.ID, is)
	is.PR.NodeID = is.NodeID
	return is, nil
}

// createFork is POST /repos/{owner}/{repo}/forks. Anyone who can read a
// repository may fork it; an installation token may not (GITHUB_TOKEN
// cannot create repositories).
func createFork(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if c.app() {
		return 0, c.refuse(http.StatusForbidden, integrationRefusal)
	}
	var in struct {
		Organization      string `json:"organization"`
		Name              string `json:"name"`
		DefaultBranchOnly bool   `json:"default_branch_only"`
	}
	c.decode(&in)
	owner := c.user
	if in.Organization != "" {
		org := c.s.World.User(in.Organization)
		if org == nil || org.Type != "Organization" {
			return 0, invalid("Validation Failed", obj{"resource": "Fork", "code": "invalid", "field": "organization"})
		}
		if !c.s.World.IsMember(org, c.user) {
			return 0, forbidden("You do not have permission to fork into this organization.")
		}
		owner = org
	}
	if r.Owner == owner {
		return 0, invalid("Validation Failed", obj{"resource": "Fork", "code": "custom", "message": "Cannot fork a repository into its own owner."})
	}
	f := c.s.World.fork(r, owner, in.Name, in.DefaultBranchOnly)
	return http.StatusAccepted, c.repoJSON(f)
}

// headOf resolves a pull request's head as GitHub reads it: "branch" in
// the repository itself, or "LOGIN:branch" in LOGIN's fork of it (or in
// the repository itself when LOGIN is its owner).
func (c *call) headOf(r *Repo, head string) (*Repo, string) {
	login, branch, ok := strings.Cut(head, ":")
	if !ok {
		return r, head
	}
	if strings.EqualFold(login, r.Owner.Login) {
		return r, branch
	}
	u := c.s.World.User(login)
	if u == nil {
		return nil, branch
	}
	return c.s.World.forkOf(r, u), branch
}

// updatePull is PATCH /repos/{owner}/{repo}/pulls/{pull_number}: its author
// edits and closes their own pull request; a triager may close or reopen
// anyone's; only write access edits someone else's title, body or base.
func updatePull(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoPull(p)
	if err != nil {
		return 0, err
	}
	if !c.canApp("pull_requests:write") {
		return 0, c.refuse(http.StatusForbidden, integrationRefusal)
	}
	author := c.user != nil && is.Author == c.user
	var in struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State string  `json:"state"`
		Base  string  `json:"base"`
	}
	c.decode(&in)
	edits := in.Title != nil && *in.Title != is.Title || in.Body != nil && *in.Body != is.Body || in.Base != "" && in.Base != is.PR.Base
	switch {
	case edits && !author && !c.can(r, "write"),
		in.State != "" && !author && !c.can(r, "triage"):
		return 0, c.refuse(http.StatusForbidden, needAdminRights)
	}
	if in.Body != nil {
		if e := tooLong(*in.Body); e != nil {
			return 0, e
		}
	}
	if in.Base != "" && in.Base != is.PR.Base {
		if _, ok := r.Branches[in.Base]; !ok {
			return 0, invalid("Validation Failed", obj{"resource": "PullRequest", "code": "invalid", "field": "base"})
		}
		is.PR.Base = in.Base
	}
	c.s.World.editIssue(is, c.user, in.Title, in.Body)
	switch {
	case in.State == "closed" && is.State == "open":
		c.s.World.closeIssue(is, "")
	case in.State == "open" && is.State == "closed":
		if is.PR.Merged {
			return 0, invalid("Validation Failed", obj{"resource": "PullRequest", "code": "custom", "message": "state cannot be changed. The pull request has been merged."})
		}
		c.s.World.reopenIssue(is)
	}
	is.UpdatedAt = c.s.World.Now()
	return http.StatusOK, c.pullJSON(is)
}
