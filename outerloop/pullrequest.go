package outerloop

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
)

// openPR opens the pull request an OpenPR action asks for, with the
// dispatch token: a pull request opened with GITHUB_TOKEN starts no
// workflow, so CI would never run on it. A pull request from the branch
// that exists already (another cycle's, or this one's before it stopped)
// is labelled and left as it is; GitHub's refusal (no commits between the
// branches) is reported and spends nothing: the plan decides again next
// cycle.
func (a *applier) openPR(ctx context.Context, d *plan.Done) error {
	owner, repo := splitRepo(a.s.Repo)
	cl := a.c.Dispatch
	pr, err := a.pullFrom(ctx, owner, repo, d.Value)
	if err != nil {
		return err
	}
	if pr != nil {
		d.Skipped, d.Skip = fmt.Sprintf("#%d is open from %s already", pr.GetNumber(), d.Value), plan.SkipPullExists
	} else {
		pr, _, err = cl.REST.PullRequests.Create(ctx, owner, repo, &github.NewPullRequest{
			Title: github.String(d.Title), Head: github.String(d.Value), Base: github.String(a.s.DefaultBranch),
			Body: github.String(d.Body),
		})
		var re *ghclient.RESTError
		if err = ghclient.Classify(err); errors.Is(err, ghclient.ErrInvalid) && errors.As(err, &re) {
			// Another cycle opened it a moment ago, or GitHub will not open
			// one at all; which, the list says, not the message.
			if pr, err = a.pullFrom(ctx, owner, repo, d.Value); err != nil || pr == nil {
				d.Skipped, d.Skip = fmt.Sprintf("GitHub did not open a pull request from %s: %s", d.Value, re.Message), plan.SkipRefused
				return err
			}
			d.Skipped, d.Skip = fmt.Sprintf("#%d is open from %s already", pr.GetNumber(), d.Value), plan.SkipPullExists
		} else if err != nil {
			return wrapREST("open a pull request", err)
		}
	}
	d.URL = pr.GetHTMLURL()
	if d.Skip == plan.SkipPullExists && !closes(pr.GetBody(), a.s.Repo, d.Issue) {
		// The agent opened it itself, without a closing keyword: GitHub
		// links it to no issue, so the loop would never see it and would
		// stand the item In Progress forever. Say it closes the issue.
		body := fmt.Sprintf("Closes #%d\n\n%s", d.Issue, pr.GetBody())
		if _, _, err := cl.REST.PullRequests.Edit(ctx, owner, repo, pr.GetNumber(), &github.PullRequest{Body: github.String(body)}); err != nil {
			return wrapREST("say the pull request closes its issue", err)
		}
		d.Skipped += fmt.Sprintf("; its body now says Closes #%d", d.Issue)
	}
	if len(d.Labels) > 0 {
		_, _, err = cl.REST.Issues.AddLabelsToIssue(ctx, owner, repo, pr.GetNumber(), d.Labels)
		return wrapREST("label the pull request", err)
	}
	return nil
}

// pullFrom returns the pull request from branch, open or closed, or nil.
func (a *applier) pullFrom(ctx context.Context, owner, repo, branch string) (*github.PullRequest, error) {
	prs, _, err := a.c.Dispatch.REST.PullRequests.List(ctx, owner, repo, &github.PullRequestListOptions{
		Head: owner + ":" + branch, State: "all", ListOptions: github.ListOptions{PerPage: 10},
	})
	if err != nil {
		return nil, wrapREST("list the pull requests from "+branch, err)
	}
	if len(prs) == 0 {
		return nil, nil
	}
	return prs[0], nil
}

// closingKeyword is GitHub's closing keywords before an issue reference
// (#N or owner/repo#N).
var closingKeyword = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+([\w.-]+/[\w.-]+)?#(\d+)\b`)

// closes reports whether body closes issue n of repo with one of GitHub's
// keywords.
func closes(body, repo string, n int) bool {
	for _, m := range closingKeyword.FindAllStringSubmatch(body, -1) {
		if (m[1] == "" || strings.EqualFold(m[1], repo)) && m[2] == strconv.Itoa(n) {
			return true
		}
	}
	return false
}
