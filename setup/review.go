package setup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
)

// reviewRule is what the default branch requires before a pull request
// merges, and who could give the approvals.
type reviewRule struct {
	branch    string
	protected bool
	// unreadable is set when the branch is protected but its rule could
	// not be read: GitHub shows it to admins only.
	unreadable bool
	required   int      // approving reviews required; 0 when none
	approvers  []string // people with write access, the dispatcher aside
}

// readReviewRule reads the default branch's protection and, when it asks
// for approvals, the people who could give them. The pull requests the loop
// opens are the dispatcher's, and GitHub counts no approval from a pull
// request's author.
func readReviewRule(ctx context.Context, c *ghclient.Client, owner, name, dispatcher string) (reviewRule, error) {
	var rr reviewRule
	repo, _, err := c.REST.Repositories.Get(ctx, owner, name)
	if err != nil {
		return rr, err
	}
	rr.branch = repo.GetDefaultBranch()
	b, _, err := c.REST.Repositories.GetBranch(ctx, owner, name, rr.branch, 1)
	if err != nil {
		return rr, err
	}
	if rr.protected = b.GetProtected(); !rr.protected {
		return rr, nil
	}
	p, _, err := c.REST.Repositories.GetBranchProtection(ctx, owner, name, rr.branch)
	var er *github.ErrorResponse
	switch {
	case errors.Is(err, github.ErrBranchNotProtected):
		rr.protected = false
		return rr, nil
	case errors.As(err, &er) && (er.Response.StatusCode == http.StatusNotFound || er.Response.StatusCode == http.StatusForbidden):
		rr.unreadable = true
		return rr, nil
	case err != nil:
		return rr, err
	}
	if rv := p.GetRequiredPullRequestReviews(); rv != nil {
		rr.required = rv.RequiredApprovingReviewCount
	}
	if rr.required == 0 {
		return rr, nil
	}
	opts := &github.ListCollaboratorsOptions{Affiliation: "all", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		page, resp, err := c.REST.Repositories.ListCollaborators(ctx, owner, name, opts)
		if err != nil {
			return rr, err
		}
		for _, u := range page {
			if u.GetType() == "User" && u.GetPermissions()["push"] && !strings.EqualFold(u.GetLogin(), dispatcher) {
				rr.approvers = append(rr.approvers, u.GetLogin())
			}
		}
		if resp.NextPage == 0 {
			return rr, nil
		}
		opts.Page = resp.NextPage
	}
}

// reviewCheck warns when the default branch needs more approvals than
// anyone but the dispatcher could give: every pull request the loop opens
// would wait for ever.
func (d *doctor) reviewCheck(g *remote) {
	const id = "branch-review"
	rr, disp := g.review, d.cfg.Dispatcher
	machine := fmt.Sprintf("make a machine user the dispatcher (recommended: the people then review the loop's pull requests), or give someone besides %s write access", disp)
	switch {
	case g.repoErr != nil:
		d.skip(id, "the repository was not read")
	case g.reviewErr != nil:
		d.add(id, Fail, fmt.Sprintf("read the default branch's protection of %s: %v", d.cfg.Repo, g.reviewErr), "")
	case !rr.protected:
		d.pass(id, "%s is not protected: no review is required before a merge", rr.branch)
	case rr.unreadable:
		d.skip(id, fmt.Sprintf("%s is protected, and only an admin may read its rule: if it requires approving reviews, they must come from someone other than %s, whose pull requests the loop opens", rr.branch, disp))
	case rr.required == 0:
		d.pass(id, "%s is protected and requires no approving review", rr.branch)
	case len(rr.approvers) < rr.required:
		who := "nobody"
		if len(rr.approvers) > 0 {
			who = "only " + strings.Join(rr.approvers, ", ")
		}
		d.add(id, Warn, fmt.Sprintf("%s requires %s, and %s with write access besides the dispatcher %s could give them: the pull requests the loop opens are %s's, and nobody can approve their own, so none would merge",
			rr.branch, plural(rr.required, "approving review"), who, disp, disp), machine)
	default:
		d.pass(id, "%s requires %s; %s could give them (the loop's pull requests are %s's, who cannot)",
			rr.branch, plural(rr.required, "approving review"), strings.Join(rr.approvers, ", "), disp)
	}
}
