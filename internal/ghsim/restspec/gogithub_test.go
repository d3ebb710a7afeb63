package restspec

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/go-github/v66/github"
)

// seen is one request the recording server received, and its verdicts.
type seen struct {
	method, path string
	body         []byte
	route        *Route
	err          error // from Find or ValidateRequest
}

// recordingServer checks every request it gets the way the simulator will:
// Find, then ValidateRequest. It answers an empty JSON value of the shape
// the operation documents, enough for go-github to decode. It records
// verdicts rather than failing a test itself, since it runs on the server's
// goroutine.
type recordingServer struct {
	spec *Spec
	mu   sync.Mutex
	reqs []seen
}

func (rs *recordingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	route, findErr := rs.spec.Find(r)
	if err == nil {
		err = findErr
	}
	if err == nil && !route.Served {
		err = fmt.Errorf("%q is not served", route.OperationID)
	}
	if err == nil {
		err = rs.spec.ValidateRequest(route, r, body)
	}
	rs.mu.Lock()
	rs.reqs = append(rs.reqs, seen{r.Method, r.URL.RequestURI(), body, route, err})
	rs.mu.Unlock()
	if findErr != nil {
		http.Error(w, findErr.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if answersArray(route) {
		io.WriteString(w, "[]")
		return
	}
	io.WriteString(w, "{}")
}

func (rs *recordingServer) take() []seen {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := rs.reqs
	rs.reqs = nil
	return out
}

// answersArray reports whether route's success response is a JSON array.
func answersArray(route *Route) bool {
	if route.kin == nil {
		return false
	}
	for code, resp := range route.kin.Operation.Responses.Map() {
		if code[0] != '2' || resp.Value == nil {
			continue
		}
		if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			return mt.Schema.Value.Type.Is("array")
		}
	}
	return false
}

// TestGoGitHubCalls drives the go-github v66 calls nanobots and the
// simulator's agent make, and checks each lands on the operation it should
// and that the request validates.
func TestGoGitHubCalls(t *testing.T) {
	s := loadSpec(t)
	rs := &recordingServer{spec: s}
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	c := github.NewClient(srv.Client())
	base, err := url.Parse(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = base
	ctx := context.Background()
	const o, r = "octo", "demo"
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	learnings := ".nanobots/LEARNINGS.md"

	cases := []struct {
		name   string
		want   string            // operationId
		params map[string]string // path parameters to check, unescaped
		query  url.Values        // query parameters to check
		call   func() error
	}{
		{"get repo", "repos/get", nil, nil, func() error {
			_, _, err := c.Repositories.Get(ctx, o, r)
			return err
		}},
		{"list collaborators", "repos/list-collaborators", nil, url.Values{"affiliation": {"direct"}, "permission": {"push"}}, func() error {
			_, _, err := c.Repositories.ListCollaborators(ctx, o, r, &github.ListCollaboratorsOptions{Affiliation: "direct", Permission: "push", ListOptions: github.ListOptions{PerPage: 100}})
			return err
		}},
		{"permission level", "repos/get-collaborator-permission-level", map[string]string{"username": "octocat"}, nil, func() error {
			_, _, err := c.Repositories.GetPermissionLevel(ctx, o, r, "octocat")
			return err
		}},
		{"list issues", "issues/list-for-repo", nil, url.Values{"labels": {"nanobots:ready,size:s"}, "state": {"all"}, "per_page": {"100"}, "page": {"2"}}, func() error {
			_, _, err := c.Issues.ListByRepo(ctx, o, r, &github.IssueListByRepoOptions{
				State: "all", Labels: []string{"nanobots:ready", "size:s"}, Since: since, Sort: "updated", Direction: "asc",
				ListOptions: github.ListOptions{PerPage: 100, Page: 2},
			})
			return err
		}},
		{"list issues with no options", "issues/list-for-repo", nil, nil, func() error {
			_, _, err := c.Issues.ListByRepo(ctx, o, r, nil)
			return err
		}},
		{"create issue", "issues/create", nil, nil, func() error {
			_, _, err := c.Issues.Create(ctx, o, r, &github.IssueRequest{
				Title: github.String("nanobots status"), Body: github.String("<!-- nanobots:status -->"),
				Labels: &[]string{"nanobots:status"}, Assignees: &[]string{"octocat"},
			})
			return err
		}},
		{"get issue", "issues/get", map[string]string{"issue_number": "5"}, nil, func() error {
			_, _, err := c.Issues.Get(ctx, o, r, 5)
			return err
		}},
		{"close issue", "issues/update", nil, nil, func() error {
			_, _, err := c.Issues.Edit(ctx, o, r, 5, &github.IssueRequest{State: github.String("closed"), StateReason: github.String("completed")})
			return err
		}},
		{"edit issue body and labels", "issues/update", nil, nil, func() error {
			_, _, err := c.Issues.Edit(ctx, o, r, 5, &github.IssueRequest{Body: github.String("new"), Labels: &[]string{}})
			return err
		}},
		{"list comments", "issues/list-comments", nil, url.Values{"per_page": {"100"}}, func() error {
			_, _, err := c.Issues.ListComments(ctx, o, r, 5, &github.IssueListCommentsOptions{Since: &since, ListOptions: github.ListOptions{PerPage: 100}})
			return err
		}},
		{"create comment", "issues/create-comment", nil, nil, func() error {
			_, _, err := c.Issues.CreateComment(ctx, o, r, 5, &github.IssueComment{Body: github.String("@claude please take this on")})
			return err
		}},
		{"get comment", "issues/get-comment", map[string]string{"comment_id": "99"}, nil, func() error {
			_, _, err := c.Issues.GetComment(ctx, o, r, 99)
			return err
		}},
		{"edit comment", "issues/update-comment", nil, nil, func() error {
			_, _, err := c.Issues.EditComment(ctx, o, r, 99, &github.IssueComment{Body: github.String("edited")})
			return err
		}},
		{"delete comment", "issues/delete-comment", map[string]string{"comment_id": "99"}, nil, func() error {
			_, err := c.Issues.DeleteComment(ctx, o, r, 99)
			return err
		}},
		{"add labels (bare array)", "issues/add-labels", nil, nil, func() error {
			_, _, err := c.Issues.AddLabelsToIssue(ctx, o, r, 5, []string{"nanobots:built", "summon-human"})
			return err
		}},
		{"remove label", "issues/remove-label", map[string]string{"name": "nanobots:built"}, nil, func() error {
			_, err := c.Issues.RemoveLabelForIssue(ctx, o, r, 5, "nanobots:built")
			return err
		}},
		{"remove label with a space", "issues/remove-label", map[string]string{"name": "needs review"}, nil, func() error {
			_, err := c.Issues.RemoveLabelForIssue(ctx, o, r, 5, "needs review")
			return err
		}},
		{"add assignees", "issues/add-assignees", nil, nil, func() error {
			_, _, err := c.Issues.AddAssignees(ctx, o, r, 5, []string{"octocat"})
			return err
		}},
		{"list labels", "issues/list-labels-for-repo", nil, url.Values{"per_page": {"100"}}, func() error {
			_, _, err := c.Issues.ListLabels(ctx, o, r, &github.ListOptions{PerPage: 100})
			return err
		}},
		{"create label", "issues/create-label", nil, nil, func() error {
			_, _, err := c.Issues.CreateLabel(ctx, o, r, &github.Label{Name: github.String("nanobots:built"), Color: github.String("0e8a16"), Description: github.String("built by an agent")})
			return err
		}},
		{"get label", "issues/get-label", map[string]string{"name": "nanobots:built"}, nil, func() error {
			_, _, err := c.Issues.GetLabel(ctx, o, r, "nanobots:built")
			return err
		}},
		{"edit label", "issues/update-label", nil, nil, func() error {
			_, _, err := c.Issues.EditLabel(ctx, o, r, "nanobots:built", &github.Label{Name: github.String("nanobots:built"), Color: github.String("1d76db")})
			return err
		}},
		{"get LEARNINGS.md", "repos/get-content", map[string]string{"path": learnings}, url.Values{"ref": {"nanobots/state"}}, func() error {
			_, _, _, err := c.Repositories.GetContents(ctx, o, r, learnings, &github.RepositoryContentGetOptions{Ref: "nanobots/state"})
			return err
		}},
		{"create LEARNINGS.md", "repos/create-or-update-file-contents", map[string]string{"path": learnings}, nil, func() error {
			_, _, err := c.Repositories.CreateFile(ctx, o, r, learnings, &github.RepositoryContentFileOptions{
				Message: github.String("nanobots: record learnings"), Content: []byte("# Learnings\n"), Branch: github.String("nanobots/state"),
				Committer: &github.CommitAuthor{Name: github.String("nanobots"), Email: github.String("nanobots@example.com")},
			})
			return err
		}},
		{"update LEARNINGS.md", "repos/create-or-update-file-contents", map[string]string{"path": learnings}, nil, func() error {
			_, _, err := c.Repositories.UpdateFile(ctx, o, r, learnings, &github.RepositoryContentFileOptions{
				Message: github.String("nanobots: record learnings"), Content: []byte("# Learnings\n- one\n"),
				SHA: github.String("95b966ae1c166bd92f8ae7d1c313e738c731dfc3"),
			})
			return err
		}},
		{"list pulls", "pulls/list", nil, url.Values{"state": {"all"}, "head": {"octo:claude/issue-1-x"}}, func() error {
			_, _, err := c.PullRequests.List(ctx, o, r, &github.PullRequestListOptions{State: "all", Head: "octo:claude/issue-1-x", Base: "main", ListOptions: github.ListOptions{PerPage: 50}})
			return err
		}},
		{"get pull", "pulls/get", map[string]string{"pull_number": "3"}, nil, func() error {
			_, _, err := c.PullRequests.Get(ctx, o, r, 3)
			return err
		}},
		{"create pull", "pulls/create", nil, nil, func() error {
			_, _, err := c.PullRequests.Create(ctx, o, r, &github.NewPullRequest{Title: github.String("Fix #1"), Head: github.String("claude/issue-1-x"), Base: github.String("main"), Body: github.String("Closes #1")})
			return err
		}},
		{"merge pull", "pulls/merge", nil, nil, func() error {
			_, _, err := c.PullRequests.Merge(ctx, o, r, 3, "Fix #1", &github.PullRequestOptions{MergeMethod: "squash", SHA: "6dcb09b5b57875f334f61aebed695e2e4193db5e"})
			return err
		}},
		{"merge pull with defaults", "pulls/merge", nil, nil, func() error {
			_, _, err := c.PullRequests.Merge(ctx, o, r, 3, "", nil)
			return err
		}},
		{"close own pull", "pulls/update", map[string]string{"pull_number": "3"}, nil, func() error {
			_, _, err := c.PullRequests.Edit(ctx, o, r, 3, &github.PullRequest{State: github.String("closed"), Title: github.String("Fix #1 (withdrawn)")})
			return err
		}},
		{"fork", "repos/create-fork", nil, nil, func() error {
			_, _, err := c.Repositories.CreateFork(ctx, o, r, &github.RepositoryCreateForkOptions{DefaultBranchOnly: true})
			if _, accepted := err.(*github.AcceptedError); accepted {
				return nil // go-github reports 202 Accepted as an error
			}
			return err
		}},
		{"label events", "issues/list-events", map[string]string{"issue_number": "5"}, url.Values{"per_page": {"100"}}, func() error {
			_, _, err := c.Issues.ListIssueEvents(ctx, o, r, 5, &github.ListOptions{PerPage: 100})
			return err
		}},
		{"matching refs", "git/list-matching-refs", map[string]string{"ref": "heads/claude/issue-1-"}, nil, func() error {
			_, _, err := c.Git.ListMatchingRefs(ctx, o, r, &github.ReferenceListOptions{Ref: "heads/claude/issue-1-"})
			return err
		}},
		{"get ref", "git/get-ref", map[string]string{"ref": "heads/claude/issue-1-x"}, nil, func() error {
			_, _, err := c.Git.GetRef(ctx, o, r, "refs/heads/claude/issue-1-x")
			return err
		}},
		{"create ref", "git/create-ref", nil, nil, func() error {
			_, _, err := c.Git.CreateRef(ctx, o, r, &github.Reference{Ref: github.String("refs/heads/claude/issue-1-x"), Object: &github.GitObject{SHA: github.String("aa218f56b14c9653891f9e74264a383fa43fefbd")}})
			return err
		}},
		{"get branch", "repos/get-branch", map[string]string{"branch": "claude/issue-1-x"}, nil, func() error {
			_, _, err := c.Repositories.GetBranch(ctx, o, r, "claude/issue-1-x", 0)
			return err
		}},
		{"branch protection", "repos/get-branch-protection", map[string]string{"branch": "main"}, nil, func() error {
			_, _, err := c.Repositories.GetBranchProtection(ctx, o, r, "main")
			return err
		}},
		{"check runs for a branch", "checks/list-for-ref", map[string]string{"ref": "claude/issue-1-x"}, url.Values{"check_name": {"test"}, "filter": {"latest"}}, func() error {
			_, _, err := c.Checks.ListCheckRunsForRef(ctx, o, r, "claude/issue-1-x", &github.ListCheckRunsOptions{CheckName: github.String("test"), Filter: github.String("latest"), Status: github.String("completed")})
			return err
		}},
		{"create check run", "checks/create", nil, nil, func() error {
			_, _, err := c.Checks.CreateCheckRun(ctx, o, r, github.CreateCheckRunOptions{
				Name: "test", HeadSHA: "aa218f56b14c9653891f9e74264a383fa43fefbd", Status: github.String("completed"), Conclusion: github.String("success"),
				CompletedAt: &github.Timestamp{Time: since}, Output: &github.CheckRunOutput{Title: github.String("ok"), Summary: github.String("all green")},
			})
			return err
		}},
		{"combined status", "repos/get-combined-status-for-ref", map[string]string{"ref": "claude/issue-1-x"}, nil, func() error {
			_, _, err := c.Repositories.GetCombinedStatus(ctx, o, r, "claude/issue-1-x", &github.ListOptions{PerPage: 100})
			return err
		}},
		{"create status", "repos/create-commit-status", map[string]string{"sha": "aa218f56b14c9653891f9e74264a383fa43fefbd"}, nil, func() error {
			_, _, err := c.Repositories.CreateStatus(ctx, o, r, "aa218f56b14c9653891f9e74264a383fa43fefbd", &github.RepoStatus{
				State: github.String("success"), Context: github.String("ci/test"), Description: github.String("passed"), TargetURL: github.String("https://example.com/run/1"),
			})
			return err
		}},
		{"list workflows", "actions/list-repo-workflows", nil, nil, func() error {
			_, _, err := c.Actions.ListWorkflows(ctx, o, r, &github.ListOptions{PerPage: 100})
			return err
		}},
		{"workflow by file name", "actions/get-workflow", map[string]string{"workflow_id": "nanobots.yml"}, nil, func() error {
			_, _, err := c.Actions.GetWorkflowByFileName(ctx, o, r, "nanobots.yml")
			return err
		}},
		{"workflow by id", "actions/get-workflow", map[string]string{"workflow_id": "161335"}, nil, func() error {
			_, _, err := c.Actions.GetWorkflowByID(ctx, o, r, 161335)
			return err
		}},
		{"enable a workflow", "actions/enable-workflow", map[string]string{"workflow_id": "nanobots-outer.yml"}, nil, func() error {
			_, err := c.Actions.EnableWorkflowByFileName(ctx, o, r, "nanobots-outer.yml")
			return err
		}},
		{"disable a workflow", "actions/disable-workflow", map[string]string{"workflow_id": "161335"}, nil, func() error {
			_, err := c.Actions.DisableWorkflowByID(ctx, o, r, 161335)
			return err
		}},
		{"authenticated user", "users/get-authenticated", nil, nil, func() error {
			_, _, err := c.Users.Get(ctx, "")
			return err
		}},
		{"user by name", "users/get-by-username", map[string]string{"username": "octocat"}, nil, func() error {
			_, _, err := c.Users.Get(ctx, "octocat")
			return err
		}},
		{"rate limit", "rate-limit/get", nil, nil, func() error {
			_, _, err := c.RateLimit.Get(ctx)
			return err
		}},
	}

	covered := map[string]bool{}
	var all []seen
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			got := rs.take()
			all = append(all, got...)
			if err != nil {
				t.Fatalf("go-github call: %v", err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d requests, want 1", len(got))
			}
			req := got[0]
			if req.err != nil {
				t.Fatalf("%s %s body %s: %v", req.method, req.path, string(req.body), req.err)
			}
			if req.route.OperationID != tc.want {
				t.Errorf("%s %s: got %q, want %q", req.method, req.path, req.route.OperationID, tc.want)
			}
			for k, v := range tc.params {
				if req.route.PathParams[k] != v {
					t.Errorf("%s %s: path parameter %s = %q, want %q", req.method, req.path, k, req.route.PathParams[k], v)
				}
			}
			u, err := url.ParseRequestURI(req.path)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.query {
				if got := u.Query()[k]; !slices.Equal(got, v) {
					t.Errorf("%s %s: query %s = %q, want %q", req.method, req.path, k, got, v)
				}
			}
			covered[req.route.OperationID] = true
		})
	}
	for _, id := range Served {
		if !covered[id] {
			t.Errorf("no go-github call exercised served operation %q", id)
		}
	}

	t.Run("kin's router agrees where it can match", func(t *testing.T) {
		// gorillamux over the same trimmed document, for every request whose
		// path parameters have no slash (the only ones it can match): the
		// index must not disagree with kin-openapi's own router.
		router, err := gorillamux.NewRouter(s.doc)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, req := range all {
			if req.route == nil || slices.ContainsFunc(slices.Collect(maps.Values(req.route.PathParams)), func(v string) bool { return strings.Contains(v, "/") }) {
				continue
			}
			// The description's only server is https://api.github.com.
			r := httptest.NewRequest(req.method, "https://api.github.com"+req.path, nil)
			kr, _, err := router.FindRoute(r)
			if err != nil {
				t.Errorf("gorillamux on %s %s: %v", req.method, req.path, err)
				continue
			}
			if kr.Operation.OperationID != req.route.OperationID {
				t.Errorf("%s %s: gorillamux says %q, index says %q", req.method, req.path, kr.Operation.OperationID, req.route.OperationID)
			}
			checked++
		}
		if checked < len(Served)/2 {
			t.Errorf("compared only %d requests with gorillamux", checked)
		}
	})
}
