package ghsim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/templates"
)

// rest sends one raw REST request with a token and decodes the answer.
func (s *sim) rest(token, method, path string) (int, http.Header, map[string]any) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.url+path, nil)
	req.Header.Set("Authorization", "token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

// gqlAs sends a GraphQL document with a token.
func (s *sim) gqlAs(token, query string, vars map[string]any) map[string]any {
	s.t.Helper()
	var out map[string]any
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(&out)
	return out
}

// dig walks a decoded JSON value by keys and indexes ("0").
func dig(v any, path ...string) any {
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, ch := range k {
				i = i*10 + int(ch-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (s *sim) person(login, role string) *github.Client {
	s.t.Helper()
	if _, err := s.world.AddPerson(s.world.Repo("octo/demo"), login, role); err != nil {
		s.t.Fatal(err)
	}
	return s.client(ghsim.PersonToken(login)).REST
}

func TestTokenIdentities(t *testing.T) {
	s := newSim(t)
	s.person("eve", "none")
	for _, tc := range []struct {
		token, login string
		scopes       bool
	}{
		{"sim-eve", "eve", true},
		{"sim-mona", "mona", true},
		{"ghp_anything", "octo", true},
	} {
		code, h, out := s.rest(tc.token, http.MethodGet, "/user")
		if code != http.StatusOK || out["login"] != tc.login {
			t.Errorf("%s: GET /user %d as %v, want 200 as %s", tc.token, code, out["login"], tc.login)
		}
		if _, has := h["X-Oauth-Scopes"]; has != tc.scopes {
			t.Errorf("%s: X-OAuth-Scopes sent = %v, want %v (installation tokens have no scopes)", tc.token, has, tc.scopes)
		}
	}
	// An unknown person, and an organization, are bad credentials.
	s.world.AddUser("acme", "Organization")
	for _, tok := range []string{"sim-nobody", "sim-acme"} {
		code, _, out := s.rest(tok, http.MethodGet, "/user")
		if code != http.StatusUnauthorized || out["message"] != "Bad credentials" {
			t.Errorf("%s: %d %v, want 401 Bad credentials", tok, code, out)
		}
	}
	// A ghs_ token is GITHUB_TOKEN: an installation, so no X-OAuth-Scopes
	// and no GET /user; GraphQL's viewer is the bot, as a User whose login
	// keeps its [bot], while an author or actor elsewhere is the Bot
	// "github-actions".
	const ghs = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
	code, h, _ := s.rest(ghs, http.MethodGet, "/user")
	if _, has := h["X-Oauth-Scopes"]; code != http.StatusForbidden || has {
		t.Errorf("GET /user with a ghs_ token: %d, X-OAuth-Scopes sent %v; want 403 and none", code, has)
	}
	out := s.gqlAs(ghs, `{ viewer { login __typename } }`, nil)
	if dig(out, "data", "viewer", "login") != "github-actions[bot]" || dig(out, "data", "viewer", "__typename") != "User" {
		t.Errorf("viewer for a ghs_ token: %v, want User github-actions[bot]", out)
	}
	if _, _, err := s.client(ghs).REST.Issues.CreateComment(context.Background(), "octo", "demo", 1, &github.IssueComment{Body: github.String("hi")}); err != nil {
		t.Fatal(err)
	}
	out = s.gqlAs(ghs, `{ repository(owner: "octo", name: "demo") { issue(number: 1) { comments(last: 1) { nodes { author { login __typename } } } } } }`, nil)
	if a := dig(out, "data", "repository", "issue", "comments", "nodes", "0", "author"); dig(a, "login") != "github-actions" || dig(a, "__typename") != "Bot" {
		t.Errorf("the bot's comment's author: %v, want Bot github-actions", a)
	}
}

func TestActionsTokenHasTheWorkflowsPermissions(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	bot := s.client("ghs_outer").REST

	// issues: write — comments, labels, issues.
	if _, _, err := bot.Issues.CreateComment(ctx, "octo", "demo", 1, &github.IssueComment{Body: github.String("triaged")}); err != nil {
		t.Errorf("comment: %v", err)
	}
	if _, _, err := bot.Issues.AddLabelsToIssue(ctx, "octo", "demo", 1, []string{"bug"}); err != nil {
		t.Errorf("label: %v", err)
	}
	// contents: write — the learnings file.
	if _, _, err := bot.Repositories.CreateFile(ctx, "octo", "demo", "LEARNINGS.md", &github.RepositoryContentFileOptions{
		Message: github.String("learn"), Content: []byte("# Learnings\n")}); err != nil {
		t.Errorf("contents: %v", err)
	}
	// pull-requests: read — no pull request; no fork; no Projects.
	s.world.CreateBranch(s.world.Repo("octo/demo"), "topic", "main")
	_, _, err := bot.PullRequests.Create(ctx, "octo", "demo", &github.NewPullRequest{Title: github.String("x"), Head: github.String("topic"), Base: github.String("main")})
	if status(err) != http.StatusForbidden || !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("open a PR with pull-requests: read: %v, want 403 Resource not accessible by integration", err)
	}
	_, _, err = bot.Repositories.CreateFork(ctx, "octo", "demo", nil)
	if status(err) != http.StatusForbidden || !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("fork: %v, want 403 Resource not accessible by integration", err)
	}
	out := s.gqlAs("ghs_outer", `{ user(login: "octo") { projectV2(number: 1) { title } } }`, nil)
	e := firstError(t, out)
	if e["type"] != "FORBIDDEN" || e["message"] != "Resource not accessible by integration" {
		t.Errorf("Projects v2 with GITHUB_TOKEN: %v, want FORBIDDEN Resource not accessible by integration", e)
	}
}

// TestActionsPermissionsMatchTheOuterWorkflow keeps ghsim.ActionsPermissions
// what the rendered outer workflow grants GITHUB_TOKEN.
func TestActionsPermissionsMatchTheOuterWorkflow(t *testing.T) {
	got := outerWorkflowPermissions(t)
	for k, v := range got {
		if ghsim.ActionsPermissions[k] != v {
			t.Errorf("outer workflow grants %s: %s; simulator has %q", k, v, ghsim.ActionsPermissions[k])
		}
	}
	for k, v := range ghsim.ActionsPermissions {
		if k != "metadata" && got[k] != v {
			t.Errorf("simulator grants %s: %s; the outer workflow has %q", k, v, got[k])
		}
	}
}

// action is one thing a person tries, and whether a role may do it.
type action struct {
	name    string
	least   string // the weakest role that may
	refused int    // GitHub's status for a role that may not
	try     func(t *testing.T, s *sim, c *github.Client, login string) error
}

func TestPermissionMatrix(t *testing.T) {
	ctx := context.Background()
	const o, r = "octo", "demo"
	actions := []action{
		{"comment", "none", 0, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			_, _, err := c.Issues.CreateComment(ctx, o, r, 1, &github.IssueComment{Body: github.String("me too")})
			return err
		}},
		{"open an issue", "none", 0, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			_, _, err := c.Issues.Create(ctx, o, r, &github.IssueRequest{Title: github.String("idea")})
			return err
		}},
		{"edit own issue", "none", 0, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			is, _, err := c.Issues.Create(ctx, o, r, &github.IssueRequest{Title: github.String("mine")})
			if err != nil {
				return err
			}
			_, _, err = c.Issues.Edit(ctx, o, r, is.GetNumber(), &github.IssueRequest{Title: github.String("mine, edited"), Body: github.String("more")})
			return err
		}},
		{"close own issue", "none", 0, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			is, _, err := c.Issues.Create(ctx, o, r, &github.IssueRequest{Title: github.String("mine")})
			if err != nil {
				return err
			}
			_, _, err = c.Issues.Edit(ctx, o, r, is.GetNumber(), &github.IssueRequest{State: github.String("closed")})
			return err
		}},
		{"edit another's issue", "write", 403, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			_, _, err := c.Issues.Edit(ctx, o, r, 1, &github.IssueRequest{Body: github.String("rewritten")})
			return err
		}},
		{"label another's issue", "triage", 403, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			_, _, err := c.Issues.AddLabelsToIssue(ctx, o, r, 2, []string{"bug"})
			return err
		}},
		{"close another's issue", "triage", 403, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			_, _, err := c.Issues.Edit(ctx, o, r, 3, &github.IssueRequest{State: github.String("closed")})
			return err
		}},
		{"edit another's comment", "write", 403, func(t *testing.T, s *sim, c *github.Client, _ string) error {
			cm, _, err := s.octo().Issues.CreateComment(ctx, o, r, 1, &github.IssueComment{Body: github.String("octo's")})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Issues.EditComment(ctx, o, r, cm.GetID(), &github.IssueComment{Body: github.String("not octo's")})
			return err
		}},
		{"push to the repository", "write", 404, func(t *testing.T, s *sim, c *github.Client, login string) error {
			_, _, err := c.Repositories.CreateFile(ctx, o, r, "by-"+login+".txt", &github.RepositoryContentFileOptions{
				Message: github.String("push"), Content: []byte("x")})
			return err
		}},
		{"create a branch in the repository", "write", 404, func(t *testing.T, s *sim, c *github.Client, login string) error {
			ref, _, err := c.Git.GetRef(ctx, o, r, "refs/heads/main")
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Git.CreateRef(ctx, o, r, &github.Reference{Ref: github.String("refs/heads/" + login), Object: ref.Object})
			return err
		}},
		{"merge", "write", 403, func(t *testing.T, s *sim, c *github.Client, login string) error {
			pr := octoPull(t, s, "merge-"+login)
			_, _, err := c.PullRequests.Merge(ctx, o, r, pr, "", nil)
			return err
		}},
		{"fork, push to the fork, open a PR from it and close it", "none", 0, func(t *testing.T, s *sim, c *github.Client, login string) error {
			if err := forkAndPush(ctx, c, login, "fix"); err != nil {
				return err
			}
			pr, _, err := c.PullRequests.Create(ctx, o, r, &github.NewPullRequest{Title: github.String("Fix it"),
				Head: github.String(login + ":fix"), Base: github.String("main"), Body: github.String("Closes #1")})
			if err != nil {
				return err
			}
			_, _, err = c.PullRequests.Edit(ctx, o, r, pr.GetNumber(), &github.PullRequest{State: github.String("closed")})
			return err
		}},
		{"close another's PR", "triage", 403, func(t *testing.T, s *sim, c *github.Client, login string) error {
			pr := octoPull(t, s, "close-"+login)
			_, _, err := c.PullRequests.Edit(ctx, o, r, pr, &github.PullRequest{State: github.String("closed")})
			return err
		}},
		{"retitle another's PR", "write", 403, func(t *testing.T, s *sim, c *github.Client, login string) error {
			pr := octoPull(t, s, "retitle-"+login)
			_, _, err := c.PullRequests.Edit(ctx, o, r, pr, &github.PullRequest{Title: github.String("mine now")})
			return err
		}},
	}
	for _, role := range ghsim.Roles {
		t.Run(role, func(t *testing.T) {
			s := newSim(t)
			login := "p-" + role
			c := s.person(login, role)
			for _, a := range actions {
				err := a.try(t, s, c, login)
				want := rank(role) >= rank(a.least)
				switch {
				case want && err != nil:
					t.Errorf("%s may %s; got %v", role, a.name, err)
				case !want && err == nil:
					t.Errorf("%s may not %s; it was allowed", role, a.name)
				case !want && status(err) != a.refused:
					t.Errorf("%s, %s: refused with %v, want GitHub's %d", role, a.name, err, a.refused)
				}
			}
			// What was refused left no trace.
			r := s.world.Repo("octo/demo")
			s.world.Lock()
			defer s.world.Unlock()
			if rewritten := r.Issue(1).Body == "rewritten"; rewritten != (rank(role) >= rank("write")) {
				t.Errorf("%s: #1 rewritten = %v", role, rewritten)
			}
			if labelled := len(r.Issue(2).Events) > 1; labelled != (rank(role) >= rank("triage")) {
				t.Errorf("%s: #2 labelled = %v (events %d)", role, labelled, len(r.Issue(2).Events))
			}
			if _, pushed := r.Branches[login]; pushed != (rank(role) >= rank("write")) {
				t.Errorf("%s: branch pushed = %v", role, pushed)
			}
		})
	}
}

// octo is the repository owner's client.
func (s *sim) octo() *github.Client { return s.client("ghp_octo").REST }

func rank(role string) int {
	for i, r := range ghsim.Roles {
		if r == role {
			return i
		}
	}
	return -1
}

// octoPull opens a pull request of octo's from a new branch and returns its number.
func octoPull(t *testing.T, s *sim, branch string) int {
	t.Helper()
	w := s.world
	r := w.Repo("octo/demo")
	if err := w.CreateBranch(r, branch, "main"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CommitFiles(r, branch, "change", w.User("octo"), map[string][]byte{branch + ".txt": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	pr, err := w.CreatePull(r, w.User("octo"), "octo's change", "", branch, "main")
	if err != nil {
		t.Fatal(err)
	}
	return pr.Number
}

// forkAndPush forks octo/demo as login, branches it and commits a file
// there through the refs and contents APIs.
func forkAndPush(ctx context.Context, c *github.Client, login, branch string) error {
	if _, _, err := c.Repositories.CreateFork(ctx, "octo", "demo", nil); err != nil {
		if _, accepted := err.(*github.AcceptedError); !accepted {
			return err
		}
	}
	ref, _, err := c.Git.GetRef(ctx, login, "demo", "refs/heads/main")
	if err != nil {
		return err
	}
	if _, _, err := c.Git.CreateRef(ctx, login, "demo", &github.Reference{Ref: github.String("refs/heads/" + branch), Object: ref.Object}); err != nil {
		return err
	}
	_, _, err = c.Repositories.CreateFile(ctx, login, "demo", "fix-by-"+login+".txt", &github.RepositoryContentFileOptions{
		Message: github.String("fix"), Content: []byte("fixed\n"), Branch: github.String(branch)})
	return err
}

func TestPullRequestFromAForkMerges(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	eve := s.person("eve", "none")
	if err := forkAndPush(ctx, eve, "eve", "fix"); err != nil {
		t.Fatal(err)
	}
	// The fork is eve's; the upstream is untouched.
	fork, _, err := eve.Repositories.Get(ctx, "eve", "demo")
	if err != nil || !fork.GetFork() || fork.GetParent().GetFullName() != "octo/demo" {
		t.Fatalf("fork: %+v (%v), want eve/demo, a fork of octo/demo", fork, err)
	}
	out := s.gqlAs("sim-eve", `{ repository(owner: "eve", name: "demo") { isFork parent { nameWithOwner } } }`, nil)
	if dig(out, "data", "repository", "isFork") != true || dig(out, "data", "repository", "parent", "nameWithOwner") != "octo/demo" {
		t.Errorf("GraphQL eve/demo: %v, want a fork of octo/demo", out)
	}
	if _, _, _, err := eve.Repositories.GetContents(ctx, "octo", "demo", "fix-by-eve.txt", nil); status(err) != http.StatusNotFound {
		t.Fatalf("the fork's commit reached the upstream: %v", err)
	}
	// A fork asked for again is the same fork.
	if _, _, err := eve.Repositories.CreateFork(ctx, "octo", "demo", nil); err != nil {
		if _, ok := err.(*github.AcceptedError); !ok {
			t.Fatal(err)
		}
	}
	if s.world.Repo("eve/demo-1") != nil {
		t.Error("a second fork request made a second fork")
	}

	pr, _, err := eve.PullRequests.Create(ctx, "octo", "demo", &github.NewPullRequest{Title: github.String("Fix #1"),
		Head: github.String("eve:fix"), Base: github.String("main"), Body: github.String("Closes #1")})
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetHead().GetRepo().GetFullName() != "eve/demo" || pr.GetHead().GetLabel() != "eve:fix" || pr.GetUser().GetLogin() != "eve" {
		t.Errorf("PR head %s (%s) by %s, want eve:fix from eve/demo by eve", pr.GetHead().GetLabel(), pr.GetHead().GetRepo().GetFullName(), pr.GetUser().GetLogin())
	}
	// pulls/list finds it by LOGIN:branch, and only by its own owner.
	prs, _, err := s.octo().PullRequests.List(ctx, "octo", "demo", &github.PullRequestListOptions{Head: "eve:fix"})
	if err != nil || len(prs) != 1 {
		t.Errorf("list head=eve:fix: %d (%v), want 1", len(prs), err)
	}
	if prs, _, _ := s.octo().PullRequests.List(ctx, "octo", "demo", &github.PullRequestListOptions{Head: "octo:fix"}); len(prs) != 0 {
		t.Errorf("list head=octo:fix found %d, want 0", len(prs))
	}
	// eve may not merge; octo may, and the merge closes #1 and brings the file.
	if _, _, err := eve.PullRequests.Merge(ctx, "octo", "demo", pr.GetNumber(), "", nil); status(err) != http.StatusForbidden {
		t.Errorf("eve merges: %v, want 403", err)
	}
	if _, _, err := s.octo().PullRequests.Merge(ctx, "octo", "demo", pr.GetNumber(), "", nil); err != nil {
		t.Fatalf("octo merges: %v", err)
	}
	if _, _, _, err := s.octo().Repositories.GetContents(ctx, "octo", "demo", "fix-by-eve.txt", nil); err != nil {
		t.Errorf("the merged file: %v", err)
	}
	if is, _, _ := s.octo().Issues.Get(ctx, "octo", "demo", 1); is.GetState() != "closed" {
		t.Errorf("#1 is %s after the merge, want closed", is.GetState())
	}
}

func TestLabelEventsRecordTheActor(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	tess := s.person("tess", "triage")
	s.person("eve", "none")
	if _, _, err := tess.Issues.AddLabelsToIssue(ctx, "octo", "demo", 1, []string{"nanobots:approved"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tess.Issues.RemoveLabelForIssue(ctx, "octo", "demo", 1, "nanobots:inbox"); err != nil {
		t.Fatal(err)
	}
	// Someone without triage is refused, and leaves no event.
	eve := s.client("sim-eve").REST
	if _, _, err := eve.Issues.AddLabelsToIssue(ctx, "octo", "demo", 1, []string{"nanobots:approved"}); err == nil {
		t.Error("eve labelled an issue")
	}
	events, _, err := s.octo().Issues.ListIssueEvents(ctx, "octo", "demo", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		got = append(got, ev.GetEvent()+" "+ev.GetLabel().GetName()+" by "+ev.GetActor().GetLogin())
	}
	want := []string{"labeled nanobots:inbox by mona", "labeled nanobots:approved by tess", "unlabeled nanobots:inbox by tess"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("REST events:\n got %q\nwant %q", got, want)
	}

	// A label added through GraphQL records its actor too.
	s.world.Lock()
	is1, bug := s.world.Repo("octo/demo").Issue(1), s.world.Repo("octo/demo").Labels["bug"]
	s.world.Unlock()
	res := s.gqlAs("sim-tess", `mutation($i: ID!, $l: [ID!]!) { addLabelsToLabelable(input: {labelableId: $i, labelIds: $l}) { clientMutationId } }`,
		map[string]any{"i": is1.NodeID, "l": []string{bug.NodeID}})
	if res["errors"] != nil {
		t.Fatal(res["errors"])
	}
	res = s.gqlAs("sim-eve", `mutation($i: ID!, $l: [ID!]!) { removeLabelsFromLabelable(input: {labelableId: $i, labelIds: $l}) { clientMutationId } }`,
		map[string]any{"i": is1.NodeID, "l": []string{bug.NodeID}})
	if e := firstError(t, res); e["type"] != "FORBIDDEN" {
		t.Errorf("eve removes a label over GraphQL: %v, want FORBIDDEN", e)
	}

	out := s.gqlAs("ghp_octo", `query($n: Int!) { repository(owner: "octo", name: "demo") { issue(number: $n) {
		timelineItems(first: 50, itemTypes: [LABELED_EVENT]) { nodes { __typename ... on LabeledEvent { createdAt actor { login } label { name } } } } } } }`,
		map[string]any{"n": 1})
	nodes, _ := dig(out, "data", "repository", "issue", "timelineItems", "nodes").([]any)
	if len(nodes) != 3 || dig(nodes, "1", "actor", "login") != "tess" || dig(nodes, "1", "label", "name") != "nanobots:approved" ||
		dig(nodes, "2", "actor", "login") != "tess" || dig(nodes, "2", "label", "name") != "bug" {
		t.Errorf("GraphQL LABELED_EVENT items: %v, want three: inbox by mona, approved and bug by tess", out)
	}
}

func TestIssueEditsRecordTheEditor(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	mona := s.person("mona", "read") // the author of #1
	if _, _, err := mona.Issues.Edit(ctx, "octo", "demo", 1, &github.IssueRequest{Body: github.String("### Area\n\nsecurity")}); err != nil {
		t.Fatal(err)
	}
	const q = `{ repository(owner: "octo", name: "demo") { issue(number: 1) { lastEditedAt editor { login }
		userContentEdits(first: 10) { nodes { editor { login } editedAt diff } } } } }`
	out := s.gqlAs("ghp_octo", q, nil)
	if dig(out, "data", "repository", "issue", "editor", "login") != "mona" || dig(out, "data", "repository", "issue", "lastEditedAt") == nil {
		t.Errorf("after mona's edit: %v, want editor mona and lastEditedAt set", out)
	}
	// A maintainer's edit is the newest.
	s.clock.Advance(60e9)
	if _, _, err := s.octo().Issues.Edit(ctx, "octo", "demo", 1, &github.IssueRequest{Title: github.String("Add a --version flag (approved)")}); err != nil {
		t.Fatal(err)
	}
	out = s.gqlAs("ghp_octo", q, nil)
	nodes, _ := dig(out, "data", "repository", "issue", "userContentEdits", "nodes").([]any)
	if dig(out, "data", "repository", "issue", "editor", "login") != "octo" || len(nodes) != 2 ||
		dig(nodes, "0", "editor", "login") != "octo" || dig(nodes, "1", "editor", "login") != "mona" {
		t.Errorf("after octo's edit: %v, want editor octo and edits [octo, mona]", out)
	}
	// An edit that changes nothing is no edit.
	if _, _, err := s.octo().Issues.Edit(ctx, "octo", "demo", 1, &github.IssueRequest{Title: github.String("Add a --version flag (approved)")}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.world.Repo("octo/demo").Issue(1).Edits); n != 2 {
		t.Errorf("%d edits after a no-op edit, want 2", n)
	}
}

func TestFieldValuesRecordWhoSetThem(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	it, err := w.AddItem(p, r.Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	tess, _ := w.AddPerson(r, "tess", "triage")
	if err := w.SetOptionAs(it, "Status", "Backlog", tess); err != nil {
		t.Fatal(err)
	}
	const q = `query($id: ID!) { node(id: $id) { ... on ProjectV2Item { fieldValueByName(name: "Status") {
		... on ProjectV2ItemFieldSingleSelectValue { name creator { login } } } } } }`
	out := s.gqlAs("ghp_octo", q, map[string]any{"id": it.NodeID})
	if dig(out, "data", "node", "fieldValueByName", "creator", "login") != "tess" {
		t.Errorf("after tess set Backlog: %v, want creator tess", out)
	}
	// octo sets Ready through the API.
	status := p.FieldByName("Status")
	out = s.gqlAs("ghp_octo", `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }`,
		map[string]any{"p": p.NodeID, "i": it.NodeID, "f": status.NodeID, "o": status.OptionByName("Ready").ID})
	if out["errors"] != nil {
		t.Fatal(out["errors"])
	}
	out = s.gqlAs("ghp_octo", q, map[string]any{"id": it.NodeID})
	if dig(out, "data", "node", "fieldValueByName", "creator", "login") != "octo" {
		t.Errorf("after octo set Ready: %v, want creator octo", out)
	}
	// GitHub's built-in workflow sets Done soon after the issue closes.
	w.CloseIssue(r.Issue(1), "completed")
	w.RunWorkflows()
	w.Lock()
	var got []string
	for _, ch := range it.History {
		got = append(got, ch.Option+" by "+ch.By)
	}
	w.Unlock()
	want := "Backlog by tess; Ready by octo; Done by " + ghsim.ProjectAutomationBot
	if strings.Join(got, "; ") != want {
		t.Errorf("history %q, want %q", strings.Join(got, "; "), want)
	}
}

func TestParsePerson(t *testing.T) {
	for _, tc := range []struct {
		in          string
		login, role string
		ok          bool
	}{
		{"eve:none", "eve", "none", true},
		{"max:maintain", "max", "maintain", true},
		{"eve", "", "", false},
		{":write", "", "", false},
		{"eve:owner", "", "", false},
	} {
		login, role, err := ghsim.ParsePerson(tc.in)
		if (err == nil) != tc.ok || login != tc.login || role != tc.role {
			t.Errorf("ParsePerson(%q) = %q, %q, %v; want %q, %q, ok=%v", tc.in, login, role, err, tc.login, tc.role, tc.ok)
		}
	}
}

// outerWorkflowPermissions reads the permissions the outer workflow's job
// grants GITHUB_TOKEN, in the GitHub App names ("pull_requests").
func outerWorkflowPermissions(t *testing.T) map[string]string {
	t.Helper()
	b, err := templates.FS.ReadFile("files/.github/workflows/nanobots-outer.yml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case line == "    permissions:":
			in = true
		case !in || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(line, "      ") && strings.Contains(trimmed, ": "):
			k, v, _ := strings.Cut(trimmed, ": ")
			out[strings.ReplaceAll(k, "-", "_")] = v
		default:
			in = false
		}
	}
	if len(out) == 0 {
		t.Fatal("the outer workflow's job grants no permissions; has its layout changed?")
	}
	return out
}

func TestPrivateRepositoryHidesFromOutsiders(t *testing.T) {
	s := newSim(t)
	ctx := context.Background()
	w := s.world
	r := w.AddRepo("octo", "secret", map[string]string{"README.md": "x"})
	w.CreateIssue(r, w.User("octo"), "plans", "")
	w.Lock()
	r.Private = true
	w.Unlock()
	for login, role := range map[string]string{"eve": "none", "rita": "read"} {
		if _, err := w.AddPerson(r, login, role); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.client("sim-eve").REST.Issues.Get(ctx, "octo", "secret", 1); status(err) != http.StatusNotFound {
		t.Errorf("eve reads a private issue: %v, want 404", err)
	}
	if _, _, err := s.client("sim-eve").REST.Repositories.CreateFork(ctx, "octo", "secret", nil); status(err) != http.StatusNotFound {
		t.Errorf("eve forks a private repository: %v, want 404", err)
	}
	if _, _, err := s.client("sim-rita").REST.Issues.CreateComment(ctx, "octo", "secret", 1, &github.IssueComment{Body: github.String("hi")}); err != nil {
		t.Errorf("rita (read) comments: %v", err)
	}
}

func TestSharedBoardAndWhoMovesCards(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	it, err := w.AddItem(p, r.Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	for login, role := range map[string]string{"max": "maintain", "rita": "read", "eve": "none"} {
		if _, err := w.AddPerson(r, login, role); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.ShareProject(p, "max", "WRITER"); err != nil {
		t.Fatal(err)
	}
	if err := w.ShareProject(p, "rita", "READER"); err != nil {
		t.Fatal(err)
	}
	status := p.FieldByName("Status")
	const move = `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { name creator { login } } } } } }`
	vars := map[string]any{"p": p.NodeID, "i": it.NodeID, "f": status.NodeID, "o": status.OptionByName("Ready").ID}

	out := s.gqlAs("sim-max", move, vars)
	v := dig(out, "data", "updateProjectV2ItemFieldValue", "projectV2Item", "fieldValueByName")
	if dig(v, "name") != "Ready" || dig(v, "creator", "login") != "max" {
		t.Errorf("max (WRITER) moves the card: %v, want Ready set by max", out)
	}
	for tok, want := range map[string]string{"sim-rita": "FORBIDDEN", "sim-eve": "NOT_FOUND", "ghs_outer": "FORBIDDEN"} {
		if e := firstError(t, s.gqlAs(tok, move, vars)); e["type"] != want {
			t.Errorf("%s moves the card: %v, want %s", tok, e, want)
		}
	}
	w.Lock()
	defer w.Unlock()
	if got := it.OptionName("Status"); got != "Ready" || len(it.History) != 1 || it.History[0].By != "max" {
		t.Errorf("Status %q, history %+v; want Ready by max only", got, it.History)
	}
}
