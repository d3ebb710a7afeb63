package ghsim_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

func TestNodesThatCannotResolveAreNotFound(t *testing.T) {
	s := newSim(t)
	w := s.world
	r := w.Repo("octo/demo")
	kept := r.Issue(1)
	deleted, moving := r.Issue(2), r.Issue(3)
	other := w.AddRepo("octo", "other", nil)
	hidden := w.AddRepo("hubot", "secret", nil)
	w.Lock()
	hidden.Private = true
	w.Unlock()
	secret := w.CreateIssue(hidden, w.User("hubot"), "not yours", "")
	deletedID, movingID := deleted.NodeID, moving.NodeID
	if err := w.DeleteIssue(deleted); err != nil {
		t.Fatal(err)
	}
	moved, err := w.TransferIssue(moving, other)
	if err != nil {
		t.Fatal(err)
	}
	if r.Issue(2) != nil || r.Issue(3) != nil || other.Issue(moved.Number) != moved {
		t.Fatal("a deleted or transferred issue is still found by its old number, or the moved one not by its new")
	}
	ids := []string{kept.NodeID, deletedID, movingID, secret.NodeID, "I_nonsense"}
	_, _, out := s.post(`query($ids:[ID!]!){nodes(ids:$ids){... on Issue{number}}}`, map[string]any{"ids": ids})
	nodes := out["data"].(map[string]any)["nodes"].([]any)
	if !reflect.DeepEqual(nodes, []any{map[string]any{"number": float64(1)}, nil, nil, nil, nil}) {
		t.Fatalf("nodes = %v, want issue 1 and four nulls", nodes)
	}
	errs, _ := out["errors"].([]any)
	if len(errs) != 4 {
		t.Fatalf("%d errors, want 4: %v", len(errs), errs)
	}
	for i, e := range errs {
		e := e.(map[string]any)
		want := fmt.Sprintf("Could not resolve to a node with the global id of '%s'", ids[i+1])
		if e["type"] != "NOT_FOUND" || e["message"] != want || !reflect.DeepEqual(e["path"], []any{"nodes", float64(i + 1)}) {
			t.Errorf("error %d = %v, want NOT_FOUND %q at nodes.%d", i, e, want, i+1)
		}
	}
	_, _, out = s.post(`query($id:ID!){node(id:$id){id}}`, map[string]any{"id": deletedID})
	if e := firstError(t, out); e["type"] != "NOT_FOUND" || out["data"].(map[string]any)["node"] != nil {
		t.Errorf("node(deleted) = %v, want null and NOT_FOUND", out)
	}
	// A write to an issue the viewer cannot see is NOT_FOUND too.
	_, _, out = s.post(`mutation($id:ID!){addComment(input:{subjectId:$id,body:"hi"}){clientMutationId}}`, map[string]any{"id": secret.NodeID})
	if e := firstError(t, out); e["type"] != "NOT_FOUND" {
		t.Errorf("addComment on a private issue: %v, want NOT_FOUND", out)
	}
	if len(secret.Comments) != 0 {
		t.Error("a comment was written to an issue the viewer cannot see")
	}
}

func TestTransferredIssueKeepsItsCard(t *testing.T) {
	w := ghsim.Demo(nil)
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	it, err := w.AddItem(p, r.Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	gone, _ := w.AddItem(p, r.Issue(2))
	moved, err := w.TransferIssue(r.Issue(1), w.AddRepo("octo", "elsewhere", nil))
	if err != nil {
		t.Fatal(err)
	}
	if it.Content != moved {
		t.Error("the card did not follow the transferred issue")
	}
	if err := w.DeleteIssue(r.Issue(2)); err != nil {
		t.Fatal(err)
	}
	if p.ItemFor(gone.Content) != nil || len(p.Items) != 1 {
		t.Errorf("the deleted issue's card is still on the board (%d items)", len(p.Items))
	}
}

func TestGraphQLLabelsFilterIsOr(t *testing.T) {
	s := newSim(t)
	w := s.world
	r := w.Repo("octo/demo")
	w.CreateIssue(r, w.User("octo"), "a bug", "", "bug")
	w.CreateIssue(r, w.User("octo"), "both", "", "bug", "enhancement")
	w.CreateIssue(r, w.User("octo"), "an enhancement", "", "enhancement")
	_, _, out := s.post(`{repository(owner:"octo",name:"demo"){issues(first:10,labels:["bug","enhancement"]){nodes{title}}}}`, nil)
	nodes := out["data"].(map[string]any)["repository"].(map[string]any)["issues"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 3 {
		t.Errorf("labels:[bug, enhancement] matched %v, want the three issues with either label (GitHub ORs them)", nodes)
	}
}

// postAs sends a GraphQL document with token.
func (s *sim) postAs(token, query string, vars map[string]any) (int, http.Header, map[string]any) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

func TestRateLimitedAnswersComeInBothForms(t *testing.T) {
	for _, form := range []ghsim.RateLimitForm{ghsim.RateLimitedForm, ghsim.RateLimitCodeForm} {
		s := newSim(t)
		s.server.Inject(ghsim.Fault{Route: "graphql", RateLimit: form})
		status, h, out := s.post(`{viewer{login}}`, nil)
		e := firstError(t, out)
		if status != http.StatusOK || e["type"] != string(form) {
			t.Errorf("%s: status %d, error %v; want 200 and type %s", form, status, e, form)
		}
		if form == ghsim.RateLimitCodeForm && e["code"] != "graphql_rate_limit" {
			t.Errorf("%s: error %v lacks code graphql_rate_limit", form, e)
		}
		if h.Get("X-Ratelimit-Remaining") == "0" || h.Get("X-Ratelimit-Remaining") == "" {
			t.Errorf("%s: x-ratelimit-remaining %q; GitHub's need not be 0 on such an answer", form, h.Get("X-Ratelimit-Remaining"))
		}
	}
}

func TestActionsTokenHasAThousandPoints(t *testing.T) {
	s := newSim(t)
	for token, want := range map[string]string{"ghs_repoToken": "1000", "ghp_classic": "5000", "github_pat_fine": "5000"} {
		_, h, out := s.postAs(token, `{rateLimit{limit}}`, nil)
		if h.Get("X-Ratelimit-Limit") != want || fmt.Sprint(out["data"].(map[string]any)["rateLimit"].(map[string]any)["limit"]) != want {
			t.Errorf("%s: limit %s (%v), want %s", token, h.Get("X-Ratelimit-Limit"), out["data"], want)
		}
	}
	// The GITHUB_TOKEN's points are its repository's, not its login's.
	_, h, _ := s.postAs("ghp_classic", `{viewer{login}}`, nil)
	_, hs, _ := s.postAs("ghs_repoToken", `{viewer{login}}`, nil)
	// octo spent 3 points (two tokens of its own, one query each, and this);
	// the GITHUB_TOKEN 2.
	if h.Get("X-Ratelimit-Used") != "3" || hs.Get("X-Ratelimit-Used") != "2" {
		t.Errorf("used %s by the PAT and %s by the GITHUB_TOKEN, want 3 and 2: separate buckets", h.Get("X-Ratelimit-Used"), hs.Get("X-Ratelimit-Used"))
	}
}

func TestOAuthScopesOnlyForClassicTokens(t *testing.T) {
	s := newSim(t)
	for token, want := range map[string]bool{"ghp_classic": true, "0123456789abcdef0123456789abcdef01234567": true,
		"github_pat_fine": false, "ghs_actions": false, "ghu_appuser": false} {
		_, h, _ := s.postAs(token, `{viewer{login}}`, nil)
		if _, got := h["X-Oauth-Scopes"]; got != want {
			t.Errorf("%s: X-OAuth-Scopes sent = %v, want %v", token, got, want)
		}
	}
}

func TestGraphQLSecondaryLimitReadsAsREST(t *testing.T) {
	s := newSim(t, ghsim.WithLimits(ghsim.Limits{Core: 5000, GraphQL: 5000, ContentPerMinute: 1, ContentPerHour: 500}))
	id := s.world.Repo("octo/demo").Issue(1).NodeID
	const m = `mutation($id:ID!){addComment(input:{subjectId:$id,body:"x"}){clientMutationId}}`
	s.post(m, map[string]any{"id": id})
	status, h, out := s.post(m, map[string]any{"id": id})
	msg, _ := out["message"].(string)
	if status != http.StatusForbidden || !strings.Contains(msg, "secondary rate limit") || out["errors"] != nil || h.Get("Retry-After") == "" {
		t.Errorf("second mutation in a minute: %d %v; want GitHub's REST-style 403 with Retry-After", status, out)
	}
}

func TestContentLimitPerMutation(t *testing.T) {
	batch := func(n int) string {
		var b strings.Builder
		b.WriteString("mutation($id:ID!){")
		for i := range n {
			fmt.Fprintf(&b, `c%d: addComment(input:{subjectId:$id,body:"x"}){clientMutationId} `, i)
		}
		return b.String() + "}"
	}
	for _, perMutation := range []bool{false, true} {
		s := newSim(t, ghsim.WithLimits(ghsim.Limits{Core: 5000, GraphQL: 5000, ContentPerMinute: 3, ContentPerHour: 500, ContentPerMutation: perMutation}))
		id := s.world.Repo("octo/demo").Issue(1).NodeID
		status, _, _ := s.post(batch(3), map[string]any{"id": id})
		if status != http.StatusOK {
			t.Fatalf("per mutation %v: a batch of 3 under a limit of 3 got %d", perMutation, status)
		}
		status, _, _ = s.post(batch(2), map[string]any{"id": id})
		if want := map[bool]int{false: 200, true: 403}[perMutation]; status != want {
			t.Errorf("per mutation %v: a second batch of 2 in the minute got %d, want %d", perMutation, status, want)
		}
	}
}

// rest sends a REST request with the given Accept header (JSON when empty).
func (s *sim) restAccept(method, path, accept string, body any, header ...string) (*http.Response, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Authorization", "bearer anything")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestContentsOverOneMegabyte(t *testing.T) {
	s := newSim(t)
	r := s.world.Repo("octo/demo")
	big := bytes.Repeat([]byte("a learning, one line long\n"), 2<<20/26)
	if _, err := s.world.CommitFiles(r, "main", "grow", r.Owner, map[string][]byte{"LEARNINGS.md": big}); err != nil {
		t.Fatal(err)
	}
	resp, body := s.restAccept("GET", "/repos/octo/demo/contents/LEARNINGS.md", "", nil)
	var file map[string]any
	json.Unmarshal(body, &file)
	if resp.StatusCode != 200 || file["encoding"] != "none" || file["content"] != "" || file["size"] != float64(len(big)) {
		t.Errorf("a %d-byte file as JSON: %d, encoding %v, %d characters of content; want encoding none and no content",
			len(big), resp.StatusCode, file["encoding"], len(fmt.Sprint(file["content"])))
	}
	for _, accept := range []string{"application/vnd.github.raw+json", "application/vnd.github.raw", "application/vnd.github.v3.raw"} {
		resp, body = s.restAccept("GET", "/repos/octo/demo/contents/LEARNINGS.md", accept, nil)
		if resp.StatusCode != 200 || !bytes.Equal(body, big) || resp.Header.Get("ETag") == "" {
			t.Errorf("raw (%s): %d, %d bytes, ETag %q; want the %d bytes and an ETag", accept, resp.StatusCode, len(body), resp.Header.Get("ETag"), len(big))
		}
	}
	resp, _ = s.restAccept("GET", "/repos/octo/demo/contents/LEARNINGS.md", "application/vnd.github.raw+json", nil, "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("raw with a matching If-None-Match: %d, want 304", resp.StatusCode)
	}
	// A small file still comes inline.
	resp, body = s.restAccept("GET", "/repos/octo/demo/contents/README.md", "", nil)
	json.Unmarshal(body, &file)
	if file["encoding"] != "base64" || file["content"] == "" {
		t.Errorf("README.md: encoding %v; want base64 content", file["encoding"])
	}
}

func TestParallelContentsWritesConflict(t *testing.T) {
	s := newSim(t)
	// The first write is slow on its way in; the second, to another file,
	// lands meanwhile and moves the branch under it.
	s.server.Inject(ghsim.Fault{Route: "repos/create-or-update-file-contents", Latency: 300 * time.Millisecond})
	put := func(path string) int {
		resp, body := s.restAccept("PUT", "/repos/octo/demo/contents/"+path, "", map[string]any{
			"message": "add " + path, "content": base64.StdEncoding.EncodeToString([]byte(path))})
		if resp.StatusCode >= 300 {
			t.Logf("%s: %d %s", path, resp.StatusCode, body)
		}
		return resp.StatusCode
	}
	slow := make(chan int)
	go func() { slow <- put("a.md") }()
	time.Sleep(100 * time.Millisecond)
	if got := put("b.md"); got != http.StatusCreated {
		t.Fatalf("the second write got %d, want 201", got)
	}
	if got := <-slow; got != http.StatusConflict {
		t.Errorf("the write the other overtook got %d, want 409", got)
	}
	// One after the other, both go through.
	if got := put("c.md"); got != http.StatusCreated {
		t.Errorf("a write after the others got %d, want 201", got)
	}
}

func TestDraftAndRedactedCards(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	if _, err := w.AddItem(p, r.Issue(1)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.AddOddCards(p); err != nil {
		t.Fatal(err)
	}
	_, _, out := s.post(`{user(login:"octo"){projectV2(number:1){items(first:10){nodes{type,
		content{__typename,... on DraftIssue{title},... on Issue{title}},
		fieldValues(first:20){nodes{... on ProjectV2ItemFieldTextValue{text}}}}}}}}`, nil)
	nodes := out["data"].(map[string]any)["user"].(map[string]any)["projectV2"].(map[string]any)["items"].(map[string]any)["nodes"].([]any)
	var got []string
	for _, n := range nodes {
		n := n.(map[string]any)
		title := "-"
		if c, ok := n["content"].(map[string]any); ok {
			title = fmt.Sprint(c["__typename"], ":", c["title"])
		}
		got = append(got, fmt.Sprint(n["type"], " ", title))
	}
	want := []string{"ISSUE Issue:Add a --version flag", "DRAFT_ISSUE DraftIssue:An idea, not an issue yet", "REDACTED -"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cards %q, want %q", got, want)
	}
}

func TestCardsComeInPositionOrderAndMoveUnderAReader(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	for i := range 150 {
		if _, err := w.AddItem(p, w.CreateIssue(r, r.Owner, fmt.Sprint("card ", i), "")); err != nil {
			t.Fatal(err)
		}
	}
	const q = `query($after:String,$dir:OrderDirection!){user(login:"octo"){projectV2(number:1){
		items(first:100,after:$after,orderBy:{field:POSITION,direction:$dir}){pageInfo{endCursor},nodes{content{... on Issue{title}}}}}}}`
	read := func(after any, dir string) ([]string, any) {
		_, _, out := s.post(q, map[string]any{"after": after, "dir": dir})
		items := out["data"].(map[string]any)["user"].(map[string]any)["projectV2"].(map[string]any)["items"].(map[string]any)
		var titles []string
		for _, n := range items["nodes"].([]any) {
			titles = append(titles, n.(map[string]any)["content"].(map[string]any)["title"].(string))
		}
		return titles, items["pageInfo"].(map[string]any)["endCursor"]
	}
	if desc, _ := read(nil, "DESC"); desc[0] != "card 149" {
		t.Errorf("DESC starts with %q, want card 149", desc[0])
	}
	first, cursor := read(nil, "ASC")
	// A person drags card 120 to the top while the reader is between pages.
	if err := w.MoveItem(p.Items[120], nil); err != nil {
		t.Fatal(err)
	}
	second, _ := read(cursor, "ASC")
	seen := map[string]int{}
	for _, t := range append(first, second...) {
		seen[t]++
	}
	if seen["card 99"] != 2 || seen["card 120"] != 0 {
		t.Errorf("after the drag the reader saw card 99 %d times and card 120 %d times; want 2 and 0, as on GitHub", seen["card 99"], seen["card 120"])
	}
}

func TestReaddingAnArchivedCardRestoresIt(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, is := w.Project("octo", 1), w.Repo("octo/demo").Issue(1)
	it, err := w.AddItem(p, is)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"p": p.NodeID, "i": it.NodeID, "c": is.NodeID}
	s.post(`mutation($p:ID!,$i:ID!){archiveProjectV2Item(input:{projectId:$p,itemId:$i}){item{isArchived}}}`, vars)
	if !it.Archived {
		t.Fatal("archiveProjectV2Item did not archive the card")
	}
	_, _, out := s.post(`mutation($p:ID!,$c:ID!){addProjectV2ItemById(input:{projectId:$p,contentId:$c}){item{id,isArchived}}}`, vars)
	item := out["data"].(map[string]any)["addProjectV2ItemById"].(map[string]any)["item"].(map[string]any)
	if item["id"] != it.NodeID || item["isArchived"] != false || len(p.Items) != 1 {
		t.Errorf("re-adding an archived card gave %v (%d cards); want the same card, restored", item, len(p.Items))
	}
}

func TestDoneWorkflowRunsLaterAndByOptionID(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	var items []*ghsim.Item
	for n := 1; n <= 3; n++ {
		it, err := w.AddItem(p, r.Issue(n))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	closeIssue := func(n int) {
		_, _, out := s.post(`mutation($id:ID!){closeIssue(input:{issueId:$id}){issue{state}}}`, map[string]any{"id": r.Issue(n).NodeID})
		if out["errors"] != nil {
			t.Fatal(out["errors"])
		}
	}
	closeIssue(1)
	if got := items[0].OptionName("Status"); got == "Done" {
		t.Error("the workflow ran within the request that closed the issue; GitHub runs it afterwards")
	}
	s.post(`{viewer{login}}`, nil)
	if got := items[0].OptionName("Status"); got != "Done" {
		t.Errorf("after the next request Status is %q, want Done", got)
	}
	// Options recreated through the API get new IDs: the workflow, bound
	// to the old Done, sets nothing any more.
	status := p.FieldByName("Status")
	var opts []string
	for _, o := range ghsim.StatusOptions {
		opts = append(opts, fmt.Sprintf(`{name:%q,color:%s,description:%q}`, o.Name, o.Color, o.Description))
	}
	_, _, out := s.post(`mutation($f:ID!){updateProjectV2Field(input:{fieldId:$f,singleSelectOptions:[`+strings.Join(opts, ",")+`]}){clientMutationId}}`,
		map[string]any{"f": status.NodeID})
	if out["errors"] != nil {
		t.Fatal(out["errors"])
	}
	closeIssue(2)
	s.post(`{viewer{login}}`, nil)
	if got := items[1].OptionName("Status"); got == "Done" {
		t.Error("the workflow set Done by name after its option was recreated; GitHub's is bound to the old option's ID")
	}
	// A person points the workflow at the new Done in the settings.
	if err := w.SetDoneWorkflow(p, "Done"); err != nil {
		t.Fatal(err)
	}
	closeIssue(3)
	s.post(`{viewer{login}}`, nil)
	if got := items[2].OptionName("Status"); got != "Done" {
		t.Errorf("after rebinding, Status is %q, want Done", got)
	}
}

func TestManyFieldsCutStatusFromTheFirstTwenty(t *testing.T) {
	s := newSim(t)
	w := s.world
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	it, err := w.AddItem(p, r.Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetOption(it, "Status", "Ready"); err != nil {
		t.Fatal(err)
	}
	if err := w.CreateBranch(r, "fix", "main"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CommitFiles(r, "fix", "fix", r.Owner, map[string][]byte{"fix.txt": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreatePull(r, r.Owner, "Fix it", "Closes #1", "fix", "main"); err != nil {
		t.Fatal(err)
	}
	if err := w.CrowdFields(p, 19); err != nil {
		t.Fatal(err)
	}
	const q = `query($n:Int!){user(login:"octo"){projectV2(number:1){items(first:1){nodes{fieldValues(first:$n){totalCount,nodes{__typename,
		... on ProjectV2ItemFieldSingleSelectValue{name},... on ProjectV2ItemFieldIterationValue{title,duration},
		... on ProjectV2ItemFieldPullRequestValue{pullRequests(first:5){nodes{number}}}}}}}}}}`
	values := func(n int) (types map[string]int, status any, total float64) {
		_, _, out := s.post(q, map[string]any{"n": n})
		if out["errors"] != nil {
			t.Fatal(out["errors"])
		}
		fv := out["data"].(map[string]any)["user"].(map[string]any)["projectV2"].(map[string]any)["items"].(map[string]any)["nodes"].([]any)[0].(map[string]any)["fieldValues"].(map[string]any)
		types = map[string]int{}
		for _, v := range fv["nodes"].([]any) {
			v := v.(map[string]any)
			types[v["__typename"].(string)]++
			if name, ok := v["name"]; ok {
				status = name
			}
		}
		return types, status, fv["totalCount"].(float64)
	}
	types, status, total := values(20)
	if status != nil || total <= 20 {
		t.Errorf("first 20 of %v values hold Status %v; want Status cut", total, status)
	}
	for _, typ := range []string{"ProjectV2ItemFieldTextValue", "ProjectV2ItemFieldNumberValue", "ProjectV2ItemFieldDateValue", "ProjectV2ItemFieldIterationValue"} {
		if types[typ] == 0 {
			t.Errorf("no %s among %v", typ, types)
		}
	}
	types, status, _ = values(100)
	if status != "Ready" || types["ProjectV2ItemFieldPullRequestValue"] != 1 {
		t.Errorf("all values: Status %v, %d linked pull request values; want Ready and 1", status, types["ProjectV2ItemFieldPullRequestValue"])
	}
}
