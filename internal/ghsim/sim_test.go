package ghsim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/shurcooL/githubv4"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

var epoch = time.Date(2026, 11, 21, 9, 7, 0, 0, time.UTC)

// sim is a running simulator over the demo world. Every REST answer it gives
// is checked against GitHub's OpenAPI description (the server does it; see
// ResponseErrors): a shape the simulator invents fails the test that
// provoked it.
type sim struct {
	t      *testing.T
	clock  *ghsim.Clock
	world  *ghsim.World
	server *ghsim.Server
	url    string
}

func newSim(t *testing.T, opts ...ghsim.Option) *sim {
	t.Helper()
	clock := ghsim.NewClock(epoch)
	started := simtest.Start(t, ghsim.Demo(clock.Now), simtest.WithServer(opts...))
	s := &sim{t: t, clock: clock, world: started.World, server: started.Server, url: started.URL}
	return s
}

// client returns a nanobots client for the simulator whose waits are free.
func (s *sim) client(token string) *ghclient.Client {
	s.t.Helper()
	c, err := ghclient.New(ghclient.Settings{APIURL: s.url, GraphQLURL: s.url + "/graphql"}, ghclient.Secret(token),
		ghclient.WithClock(s.clock.Now, func(_ context.Context, d time.Duration) error { s.clock.Advance(d); return nil }))
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// post sends a raw GraphQL document and returns the decoded answer.
func (s *sim) post(query string, vars map[string]any) (int, http.Header, map[string]any) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "bearer anything")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

func firstError(t *testing.T, out map[string]any) map[string]any {
	t.Helper()
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("answer has no errors: %v", out)
	}
	return errs[0].(map[string]any)
}

func TestBoardQueryThroughGithubv4(t *testing.T) {
	s := newSim(t)
	s.world.Lock()
	p := s.world.Project("octo", 1)
	r := s.world.Repo("octo/demo")
	s.world.Unlock()
	for _, is := range r.Issues {
		it, err := s.world.AddItem(p, is)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.world.SetOption(it, "Status", "Inbox"); err != nil {
			t.Fatal(err)
		}
	}
	c := s.client("ghp_octo")
	b, err := gql.ReadBoard(context.Background(), c, gql.OwnerUser, "octo", 1)
	if err != nil {
		t.Fatalf("ReadBoard: %v", err)
	}
	if b.Title != "demo roadmap" || len(b.Items) != 3 {
		t.Fatalf("board %q with %d items, want demo roadmap with 3", b.Title, len(b.Items))
	}
	var statusOptions []string
	for _, o := range b.Field("Status").Options {
		statusOptions = append(statusOptions, o.Name)
	}
	if got, want := strings.Join(statusOptions, ","), "Inbox,Backlog,Ready,In Progress,In Review,Verify,Done,Blocked"; got != want {
		t.Errorf("Status options %s, want %s", got, want)
	}
	first := b.Items[0]
	if first.Content.Number != 1 || first.Content.State != "OPEN" || first.Values["Status"] != "Inbox" {
		t.Errorf("first item %+v, want issue #1, OPEN, Status Inbox", first)
	}
	// GitHub's formula: fields 1 + items 1 + fieldValues 100 + labels 100 =
	// 202 requests, /100 rounds to 2 points.
	if b.Points != 2 {
		t.Errorf("cost %d, want 2", b.Points)
	}
	if got := c.Rate.GraphQLPoints(); got != 2 {
		t.Errorf("client counted %d points, want 2", got)
	}
	tot := s.server.Log.Totals()
	if tot.GraphQL != 1 || tot.GraphQLPoints != 2 || tot.Writes != 0 {
		t.Errorf("log totals %+v, want one GraphQL request of 2 points and no writes", tot)
	}
}

func TestGraphQLRefusesWhatGitHubRefuses(t *testing.T) {
	s := newSim(t)
	for _, tc := range []struct {
		name, query string
		wantType    string
		wantMsg     string
	}{
		{"unknown field", `{ viewer { login nickname } }`, "", "Field 'nickname' doesn't exist on type 'User'"},
		{"mangled V2 name", `{ user(login: "octo") { projectV2item(number: 1) { id } } }`, "", "Field 'projectV2item' doesn't exist on type 'User'"},
		{"unaliased state", `{ node(id: "x") { ... on Issue { state } ... on PullRequest { state } } }`, "", "state"},
		{"first over 100", `{ user(login: "octo") { projectV2(number: 1) { items(first: 101) { nodes { id } } } } }`, "EXCESSIVE_PAGINATION", "Requesting 101 records on the `items` connection exceeds the `first` limit of 100 records."},
		{"no first or last", `{ user(login: "octo") { projectV2(number: 1) { items { nodes { id } } } } }`, "MISSING_PAGINATION_BOUNDARIES", "You must provide a `first` or `last` value to properly paginate the `items` connection."},
		{"wrong argument type", `{ user(login: "octo") { projectV2(number: "1") { id } } }`, "", "number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, out := s.post(tc.query, nil)
			if code != http.StatusOK {
				t.Errorf("status %d, want 200 (GitHub answers GraphQL errors with 200)", code)
			}
			if _, ok := out["data"]; ok && out["data"] != nil {
				t.Errorf("data %v, want none for a refused document", out["data"])
			}
			e := firstError(t, out)
			if typ, _ := e["type"].(string); typ != tc.wantType {
				t.Errorf("error type %q, want %q", typ, tc.wantType)
			}
			if msg, _ := e["message"].(string); !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("message %q, want it to contain %q", msg, tc.wantMsg)
			}
		})
	}
	if n := len(s.server.Log.Entries()); n != 6 {
		t.Errorf("log has %d entries, want 6", n)
	}
}

func TestGraphQLNotFoundAndPartialData(t *testing.T) {
	s := newSim(t)
	_, _, out := s.post(`{ user(login: "nobody") { login } viewer { login } }`, nil)
	e := firstError(t, out)
	if e["type"] != "NOT_FOUND" || !strings.Contains(e["message"].(string), "'nobody'") {
		t.Errorf("error %v, want NOT_FOUND naming the login", e)
	}
	data, _ := out["data"].(map[string]any)
	if v, _ := data["viewer"].(map[string]any); v["login"] != "octo" {
		t.Errorf("data %v, want viewer octo next to the error", data)
	}
	// The typed error reaches Go callers through the client layer.
	var q struct {
		Organization struct {
			Login string `graphql:"login"`
		} `graphql:"organization(login: \"octo\")"`
	}
	err := s.client("t").Query(context.Background(), &q, nil)
	if !errors.Is(err, ghclient.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound (octo is a user, not an organization)", err)
	}
}

func TestProjectNeedsProjectScope(t *testing.T) {
	s := newSim(t)
	s.world.AddToken("ghp_reponly", "octo", "repo")
	_, err := gql.ReadBoard(context.Background(), s.client("ghp_reponly"), gql.OwnerUser, "octo", 1)
	var ge *ghclient.GraphQLError
	if !errors.As(err, &ge) || !ge.HasType("INSUFFICIENT_SCOPES") {
		t.Fatalf("err = %v, want INSUFFICIENT_SCOPES for a token without project", err)
	}
}

func TestMutationsMoveACard(t *testing.T) {
	s := newSim(t)
	c := s.client("t")
	ctx := context.Background()
	s.world.Lock()
	p := s.world.Project("octo", 1)
	is := s.world.Repo("octo/demo").Issue(1)
	status := p.FieldByName("Status")
	ready := status.OptionByName("Ready")
	s.world.Unlock()

	var add struct {
		AddProjectV2ItemByID struct {
			Item struct {
				ID string `graphql:"id"`
			} `graphql:"item"`
		} `graphql:"addProjectV2ItemById(input: $input)"`
	}
	in := githubv4.AddProjectV2ItemByIdInput{ProjectID: p.NodeID, ContentID: is.NodeID}
	if err := c.Mutate(ctx, &add, in, nil); err != nil {
		t.Fatalf("addProjectV2ItemById: %v", err)
	}
	again := add
	if err := c.Mutate(ctx, &again, in, nil); err != nil || again.AddProjectV2ItemByID.Item.ID != add.AddProjectV2ItemByID.Item.ID {
		t.Fatalf("adding twice: %v, item %q then %q; want the existing item back", err, add.AddProjectV2ItemByID.Item.ID, again.AddProjectV2ItemByID.Item.ID)
	}

	var upd struct {
		UpdateProjectV2ItemFieldValue struct {
			ProjectV2Item struct {
				ID string `graphql:"id"`
			} `graphql:"projectV2Item"`
		} `graphql:"updateProjectV2ItemFieldValue(input: $input)"`
	}
	optionID := githubv4.String(ready.ID)
	err := c.Mutate(ctx, &upd, githubv4.UpdateProjectV2ItemFieldValueInput{
		ProjectID: p.NodeID, ItemID: add.AddProjectV2ItemByID.Item.ID, FieldID: status.NodeID,
		Value: githubv4.ProjectV2FieldValue{SingleSelectOptionID: &optionID},
	}, nil)
	if err != nil {
		t.Fatalf("updateProjectV2ItemFieldValue: %v", err)
	}
	s.world.Lock()
	got := p.ItemFor(is).OptionName("Status")
	s.world.Unlock()
	if got != "Ready" {
		t.Errorf("Status %q, want Ready", got)
	}

	bogus := githubv4.String("nope")
	err = c.Mutate(ctx, &upd, githubv4.UpdateProjectV2ItemFieldValueInput{
		ProjectID: p.NodeID, ItemID: add.AddProjectV2ItemByID.Item.ID, FieldID: status.NodeID,
		Value: githubv4.ProjectV2FieldValue{SingleSelectOptionID: &bogus},
	}, nil)
	if !errors.Is(err, ghclient.ErrInvalid) {
		t.Errorf("an unknown option: err = %v, want UNPROCESSABLE", err)
	}
	tot := s.server.Log.Totals()
	if tot.Writes != 4 {
		t.Errorf("log counts %d writes, want 4 mutations", tot.Writes)
	}
}

func TestRESTShapesAndErrors(t *testing.T) {
	s := newSim(t)
	c := s.client("t").REST
	ctx := context.Background()

	// Unknown route: GitHub's 404 body.
	resp, err := http.Get(s.url + "/repos/octo/demo/nonsense")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 404 || body["message"] != "Not Found" || body["documentation_url"] == nil {
		t.Errorf("unknown route: %d %v, want 404 with GitHub's error body", resp.StatusCode, body)
	}

	// Rate-limit headers on every answer.
	iss, r, err := c.Issues.Get(ctx, "octo", "demo", 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rate.Limit != 5000 || r.Rate.Remaining != 4999 || r.Header.Get("X-Ratelimit-Resource") != "core" {
		t.Errorf("rate %+v (resource %q), want 4999 of 5000 core", r.Rate, r.Header.Get("X-Ratelimit-Resource"))
	}
	if iss.GetTitle() != "Add a --version flag" || iss.GetUser().GetLogin() != "mona" || !strings.HasPrefix(iss.GetNodeID(), "I_") {
		t.Errorf("issue %q by %q (%s)", iss.GetTitle(), iss.GetUser().GetLogin(), iss.GetNodeID())
	}

	// Validation: a comment without a body is refused as GitHub refuses it.
	req, _ := http.NewRequest(http.MethodPost, s.url+"/repos/octo/demo/issues/1/comments", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "token t")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Errorf("comment without body: %d, want 422", resp.StatusCode)
	}

	// Labels: filter, add (go-github sends a bare array), remove twice.
	list, _, err := c.Issues.ListByRepo(ctx, "octo", "demo", &github.IssueListByRepoOptions{Labels: []string{"nanobots:inbox"}})
	if err != nil || len(list) != 3 {
		t.Fatalf("issues labelled nanobots:inbox: %d (%v), want 3", len(list), err)
	}
	if _, _, err := c.Issues.AddLabelsToIssue(ctx, "octo", "demo", 1, []string{"summon-human"}); err != nil {
		t.Fatalf("AddLabelsToIssue: %v", err)
	}
	if _, err := c.Issues.RemoveLabelForIssue(ctx, "octo", "demo", 1, "summon-human"); err != nil {
		t.Fatalf("RemoveLabelForIssue: %v", err)
	}
	_, err = c.Issues.RemoveLabelForIssue(ctx, "octo", "demo", 1, "summon-human")
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 404 {
		t.Errorf("removing an absent label: %v, want 404", err)
	}

	// Comments carry their author and time; pagination follows Link.
	for i := 0; i < 5; i++ {
		if _, _, err := c.Issues.CreateComment(ctx, "octo", "demo", 2, &github.IssueComment{Body: github.String("note")}); err != nil {
			t.Fatal(err)
		}
	}
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 2}}
	var all []*github.IssueComment
	for {
		page, resp, err := c.Issues.ListComments(ctx, "octo", "demo", 2, opts)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(all) != 5 || all[0].GetUser().GetLogin() != "octo" || all[0].GetCreatedAt().Time != epoch {
		t.Errorf("paged %d comments, first by %q at %v; want 5 by octo at %v", len(all), all[0].GetUser().GetLogin(), all[0].GetCreatedAt(), epoch)
	}

	// Permissions.
	perm, _, err := c.Repositories.GetPermissionLevel(ctx, "octo", "demo", "mona")
	if err != nil || perm.GetPermission() != "read" {
		t.Errorf("mona's permission %q (%v), want read", perm.GetPermission(), err)
	}
}

func TestContentsAppendDetectsConflicts(t *testing.T) {
	s := newSim(t)
	c := s.client("t").REST
	ctx := context.Background()
	const path = ".nanobots/LEARNINGS.md"
	created, _, err := c.Repositories.CreateFile(ctx, "octo", "demo", path, &github.RepositoryContentFileOptions{
		Message: github.String("Start LEARNINGS.md"), Content: []byte("# Learnings\n"),
	})
	if err != nil {
		t.Fatalf("CreateFile: %v", err)
	}
	file, _, _, err := c.Repositories.GetContents(ctx, "octo", "demo", path, nil)
	if err != nil {
		t.Fatalf("GetContents: %v", err)
	}
	text, _ := file.GetContent()
	if text != "# Learnings\n" || file.GetSHA() != created.Content.GetSHA() {
		t.Errorf("read %q at %s, want what was written at %s", text, file.GetSHA(), created.Content.GetSHA())
	}
	// Someone else appends first: the stale blob SHA is refused with 409.
	if _, _, err := c.Repositories.UpdateFile(ctx, "octo", "demo", path, &github.RepositoryContentFileOptions{
		Message: github.String("append"), Content: []byte("# Learnings\n- a\n"), SHA: file.SHA,
	}); err != nil {
		t.Fatalf("first append: %v", err)
	}
	_, _, err = c.Repositories.UpdateFile(ctx, "octo", "demo", path, &github.RepositoryContentFileOptions{
		Message: github.String("append"), Content: []byte("# Learnings\n- b\n"), SHA: file.SHA,
	})
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != http.StatusConflict {
		t.Fatalf("append with a stale sha: %v, want 409", err)
	}
}

func TestScriptedAgentPlaysClaude(t *testing.T) {
	s := newSim(t)
	agent := ghsim.NewAgent(s.world, "@claude", "octo")
	agent.Default = ghsim.OutcomeGreen // the kind agent, whatever NewAgent's default
	c := s.client("t").REST
	ctx := context.Background()

	// A contributor's mention starts nothing; the dispatcher's does.
	mona := "ghp_mona"
	s.world.AddToken(mona, "mona", "public_repo")
	if _, _, err := s.client(mona).REST.Issues.CreateComment(ctx, "octo", "demo", 1, &github.IssueComment{Body: github.String("@claude do it")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.CreateComment(ctx, "octo", "demo", 1, &github.IssueComment{Body: github.String("@claude please implement this.")}); err != nil {
		t.Fatal(err)
	}
	if n := agent.Pending(); n != 1 {
		t.Fatalf("%d runs queued, want 1 (only the dispatcher starts runs)", n)
	}
	item, err := s.world.AddItem(s.world.Project("octo", 1), s.world.Repo("octo/demo").Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	if done, err := agent.Work(); err != nil || done != 1 {
		t.Fatalf("Work: %d runs, %v", done, err)
	}
	prs, _, err := c.PullRequests.List(ctx, "octo", "demo", &github.PullRequestListOptions{State: "all"})
	if err != nil || len(prs) != 1 {
		t.Fatalf("%d PRs (%v), want 1", len(prs), err)
	}
	pr := prs[0]
	if !strings.HasPrefix(pr.GetHead().GetRef(), "claude/issue-1-") || !strings.Contains(pr.GetBody(), "Closes #1") || !strings.Contains(pr.GetBody(), "## Learnings") {
		t.Errorf("PR from %q with body %q", pr.GetHead().GetRef(), pr.GetBody())
	}
	full, _, err := c.PullRequests.Get(ctx, "octo", "demo", pr.GetNumber())
	if err != nil || !full.GetMerged() {
		t.Fatalf("PR merged=%v (%v), want merged", full.GetMerged(), err)
	}
	iss, _, _ := c.Issues.Get(ctx, "octo", "demo", 1)
	if iss.GetState() != "closed" || iss.GetStateReason() != "completed" {
		t.Errorf("issue #1 %s/%s, want closed as completed by the merge", iss.GetState(), iss.GetStateReason())
	}
	runs, _, err := c.Checks.ListCheckRunsForRef(ctx, "octo", "demo", full.GetMergeCommitSHA(), nil)
	if err != nil || runs.GetTotal() != 1 || runs.CheckRuns[0].GetConclusion() != "success" {
		t.Errorf("check runs on the merge commit: %+v (%v), want one success", runs, err)
	}
	// GitHub's built-in workflow sets Done when the issue closes.
	s.world.Lock()
	status := item.OptionName("Status")
	s.world.Unlock()
	if status != "Done" {
		t.Errorf("Status %q, want Done set by the built-in workflow", status)
	}

	// closedByPullRequestsReferences finds the merged PR only with includeClosedPrs.
	_, _, out := s.post(`{ repository(owner: "octo", name: "demo") { issue(number: 1) {
		open: closedByPullRequestsReferences(first: 10) { totalCount }
		all: closedByPullRequestsReferences(first: 10, includeClosedPrs: true) { nodes { number merged mergeCommit { oid statusCheckRollup { state } } } } } } }`, nil)
	issue := out["data"].(map[string]any)["repository"].(map[string]any)["issue"].(map[string]any)
	if n := issue["open"].(map[string]any)["totalCount"]; n != float64(0) {
		t.Errorf("open closers %v, want 0", n)
	}
	nodes := issue["all"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 1 || nodes[0].(map[string]any)["mergeCommit"].(map[string]any)["statusCheckRollup"].(map[string]any)["state"] != "SUCCESS" {
		t.Errorf("closers with closed PRs: %v, want the merged PR with a green rollup", nodes)
	}
}

func TestRateLimitsAndFaults(t *testing.T) {
	s := newSim(t, ghsim.WithLimits(ghsim.Limits{Core: 3, GraphQL: 5000, ContentPerMinute: 2, ContentPerHour: 500}))
	ctx := context.Background()
	raw := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "token t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// Secondary limit on content creation: the third write in a minute.
	for i, want := range []int{201, 201, 403} {
		resp := raw(http.MethodPost, "/repos/octo/demo/issues/1/comments", `{"body":"x"}`)
		if resp.StatusCode != want {
			t.Errorf("write %d: %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == 403 && resp.Header.Get("Retry-After") == "" {
			t.Errorf("secondary limit without Retry-After")
		}
	}
	// Primary limit: two writes and one read spend the 3 requests of the
	// hour (the refused write was not charged); the next is refused.
	if resp := raw(http.MethodGet, "/repos/octo/demo", ""); resp.StatusCode != 200 || resp.Header.Get("X-Ratelimit-Remaining") != "0" {
		t.Errorf("last request of the hour: %d, remaining %q; want 200 and 0", resp.StatusCode, resp.Header.Get("X-Ratelimit-Remaining"))
	}
	resp := raw(http.MethodGet, "/repos/octo/demo", "")
	if resp.StatusCode != 403 || resp.Header.Get("X-Ratelimit-Remaining") != "0" {
		t.Errorf("over the core limit: %d, remaining %q; want 403 and 0", resp.StatusCode, resp.Header.Get("X-Ratelimit-Remaining"))
	}
	// /rate_limit costs nothing.
	if resp := raw(http.MethodGet, "/rate_limit", ""); resp.StatusCode != 200 {
		t.Errorf("/rate_limit: %d, want 200", resp.StatusCode)
	}

	// Faults, retried by the client layer: 429, a secondary limit, a 502.
	s2 := newSim(t)
	s2.server.Inject(ghsim.Fault{Route: "issues/get", Status: 429, RetryAfter: 3})
	s2.server.Inject(ghsim.Fault{Route: "issues/get", Nth: 2, Secondary: true})
	s2.server.Inject(ghsim.Fault{Route: "issues/get", Nth: 3, Status: 502})
	c := s2.client("t")
	start := s2.clock.Now()
	iss, _, err := c.REST.Issues.Get(ctx, "octo", "demo", 2)
	if err != nil || iss.GetNumber() != 2 {
		t.Fatalf("Get through three faults: %v", err)
	}
	var faults []string
	for _, e := range s2.server.Log.Entries() {
		faults = append(faults, e.Fault)
	}
	if got := strings.Join(faults, ","); got != "429,secondary,502," {
		t.Errorf("faults in the log %q, want 429,secondary,502 then a clean answer", got)
	}
	if waited := s2.clock.Now().Sub(start); waited < 63*time.Second {
		t.Errorf("client waited %v, want at least Retry-After 3s + 60s", waited)
	}

	// GraphQL STALE_DATA from a fault reaches the caller typed.
	s2.server.Inject(ghsim.Fault{Route: "graphql:viewer", GraphQLType: "STALE_DATA", Message: "Expected branch to point to \"abc\" but it did not."})
	var q struct {
		Viewer struct {
			Login string `graphql:"login"`
		} `graphql:"viewer"`
	}
	if err := c.Query(ctx, &q, nil); !errors.Is(err, ghclient.ErrStaleData) {
		t.Errorf("err = %v, want ErrStaleData", err)
	}
}

func TestConditionalRequestIsFree(t *testing.T) {
	s := newSim(t)
	get := func(etag string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/repos/octo/demo/issues/1", nil)
		req.Header.Set("Authorization", "token t")
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	first := get("")
	second := get(first.Header.Get("ETag"))
	if second.StatusCode != http.StatusNotModified {
		t.Fatalf("second read: %d, want 304", second.StatusCode)
	}
	if a, b := first.Header.Get("X-Ratelimit-Remaining"), second.Header.Get("X-Ratelimit-Remaining"); a != b {
		t.Errorf("remaining %s then %s: a 304 must not be charged", a, b)
	}
}
