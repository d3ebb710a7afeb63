package ghsim

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The Actions workflow routes beyond listing: enabling and disabling a
// workflow, and GitHub's rule that disables the scheduled workflows of a
// quiet public repository. GitHub's documentation: "Enables a workflow and
// sets the state of the workflow to active. You can replace workflow_id
// with the workflow file name." Classic tokens need the repo scope (and the
// person write access); installation tokens such as GITHUB_TOKEN need
// actions: write, which nanobots' outer workflow does not grant.

// InactivityLimit is how long a public repository may go without activity
// before GitHub disables its scheduled workflows ("In a public repository,
// scheduled workflows are automatically disabled when no repository
// activity has occurred in 60 days.").
const InactivityLimit = 60 * 24 * time.Hour

// scheduleRE finds a schedule trigger in a workflow file.
var scheduleRE = regexp.MustCompile(`(?m)^\s*schedule:`)

// workflowByID finds a workflow by its numeric ID or its file name, as
// GitHub's {workflow_id} accepts either.
func workflowByID(r *Repo, id string) *Workflow {
	for _, wf := range r.Workflows {
		if strconv.FormatInt(wf.ID, 10) == id || strings.HasSuffix(wf.Path, "/"+id) {
			return wf
		}
	}
	return nil
}

// setWorkflowState is PUT …/enable and …/disable.
func setWorkflowState(state string) func(c *call, p map[string]string) (int, any) {
	return func(c *call, p map[string]string) (int, any) {
		r, err := c.repo(p)
		if err != nil {
			return 0, err
		}
		wf := workflowByID(r, p["workflow_id"])
		if wf == nil {
			return 0, notFound()
		}
		if c.user == nil {
			return 0, &apiError{status: http.StatusUnauthorized, message: "Requires authentication"}
		}
		switch {
		case c.app():
			// An installation token such as GITHUB_TOKEN needs actions: write.
			if !appHas(c.token, "actions:write") {
				return 0, c.refuse(http.StatusForbidden, integrationRefusal)
			}
		case !c.hasRepoScope() || !c.can(r, "write"):
			if r.Private {
				return 0, notFound()
			}
			return 0, forbidden("Resource not accessible by personal access token")
		}
		wf.State = state
		return http.StatusNoContent, nil
	}
}

// hasRepoScope reports whether the caller's classic token has the repo
// scope, which the enable and disable endpoints require.
func (c *call) hasRepoScope() bool {
	if c.token == nil {
		return false
	}
	for _, s := range c.token.Scopes {
		if s == "repo" {
			return true
		}
	}
	return false
}

// LastActivity is what the simulator counts as a repository's activity for
// the inactivity rule: the date of the newest commit on its default branch.
// GitHub does not define "activity"; this is the narrowest reading, so the
// simulator disables no later than GitHub would for a repository whose only
// activity is commits.
func (r *Repo) LastActivity() time.Time {
	if head := r.Head(r.DefaultBranch); head != nil {
		return head.Date
	}
	return r.CreatedAt
}

// ApplyInactivityRule does what GitHub does to a quiet public repository:
// every active scheduled workflow of a public repository whose last
// activity is InactivityLimit or longer before now becomes
// disabled_inactivity. A workflow whose file the simulated default branch
// does not hold counts as scheduled (the harsher reading). It returns the
// workflows it disabled. Tests call it once they have moved the clock; the
// clock does not call it by itself.
func (w *World) ApplyInactivityRule(r *Repo) []*Workflow {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.Private || w.Now().Sub(r.LastActivity()) < InactivityLimit {
		return nil
	}
	head := r.Head(r.DefaultBranch)
	var off []*Workflow
	for _, wf := range r.Workflows {
		scheduled := true
		if head != nil {
			if f, ok := head.Files[wf.Path]; ok {
				scheduled = scheduleRE.Match(f.Content)
			}
		}
		if wf.State == "active" && scheduled {
			wf.State = "disabled_inactivity"
			off = append(off, wf)
		}
	}
	return off
}

// SetPrivate makes r private or public, as its owner would in Settings.
func (w *World) SetPrivate(r *Repo, private bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r.Private = private
}
