package ghsim

import (
	"net/http"
	"net/url"
)

// BranchProtection is a classic branch protection rule, as much of it as
// the simulator plays: whether merging needs a pull request, and how many
// approving reviews it needs. GitHub counts an approval only from someone
// with write access who is not the pull request's author.
type BranchProtection struct {
	// RequiredApprovingReviews is 0 for a rule that requires a pull request
	// but no approval, as GitHub allows.
	RequiredApprovingReviews int
	DismissStaleReviews      bool
	RequireCodeOwnerReviews  bool
}

// ProtectBranch puts p on branch of r; nil removes the rule.
func (w *World) ProtectBranch(r *Repo, branch string, p *BranchProtection) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p == nil {
		delete(r.Protected, branch)
		return
	}
	if r.Protected == nil {
		r.Protected = map[string]*BranchProtection{}
	}
	cp := *p
	r.Protected[branch] = &cp
}

func init() {
	restHandlers["repos/get-branch-protection"] = getBranchProtection
}

// getBranchProtection answers GET /repos/{owner}/{repo}/branches/{branch}/protection.
// Reading a rule needs admin access: anyone else is told the branch is not
// found, as GitHub hides what a caller may not read. An unprotected branch
// is GitHub's 404 "Branch not protected".
func getBranchProtection(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	branch := p["branch"]
	if !c.can(r, "admin") || r.Head(branch) == nil {
		return 0, notFound()
	}
	bp := r.Protected[branch]
	if bp == nil {
		return 0, &apiError{status: http.StatusNotFound, message: "Branch not protected"}
	}
	api := c.repoAPI(r) + "/branches/" + url.PathEscape(branch) + "/protection"
	return http.StatusOK, obj{
		"url": api,
		"required_pull_request_reviews": obj{
			"url":                             api + "/required_pull_request_reviews",
			"dismiss_stale_reviews":           bp.DismissStaleReviews,
			"require_code_owner_reviews":      bp.RequireCodeOwnerReviews,
			"required_approving_review_count": bp.RequiredApprovingReviews,
			"require_last_push_approval":      false,
		},
		"enforce_admins":                   obj{"url": api + "/enforce_admins", "enabled": false},
		"required_linear_history":          obj{"enabled": false},
		"allow_force_pushes":               obj{"enabled": false},
		"allow_deletions":                  obj{"enabled": false},
		"block_creations":                  obj{"enabled": false},
		"required_conversation_resolution": obj{"enabled": false},
		"lock_branch":                      obj{"enabled": false},
		"allow_fork_syncing":               obj{"enabled": false},
		"required_signatures":              obj{"url": api + "/required_signatures", "enabled": false},
	}
}
