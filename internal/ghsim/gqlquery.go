package ghsim

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
)

// The GraphQL side of the world: one Go type per GitHub object type, each
// answering the fields nanobots (and its tests) ask for. A field that is not
// here is an error, not a null, so a gap shows instead of passing for GitHub.

// gq is one GraphQL request's view of the world; the world is locked while
// it resolves.
type gq struct {
	c *call
	w *World
}

func (g *gq) notSimulated(typ, field string) error {
	return fmt.Errorf("ghsim does not simulate %s.%s", typ, field)
}

func notFoundf(format string, args ...any) error {
	return gqlengine.Errorf("NOT_FOUND", format, args...)
}

func gtime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func argString(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

func argInt(args map[string]any, name string) int {
	switch v := args[name].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return 0
}

func argBool(args map[string]any, name string) bool {
	b, _ := args[name].(bool)
	return b
}

func argStrings(args map[string]any, name string) []string {
	raw, _ := args[name].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// conn pages items, wrapping only the page's: a page of a long list costs
// what the page costs.
func conn[T any](typeName string, items []T, wrap func(T) any, args map[string]any) (any, error) {
	return gqlengine.NewConnectionOf(typeName, len(items), func(i int) any { return wrap(items[i]) }, args)
}

// hasScope reports whether the token carries a scope (or one implying it).
func (g *gq) hasScope(scope string) bool {
	if g.c.token == nil {
		return false
	}
	for _, s := range g.c.token.Scopes {
		if s == scope || (scope == "read:project" && s == "project") || (scope == "public_repo" && s == "repo") {
			return true
		}
	}
	return false
}

// needProjectScope is GitHub's answer to a token without the project scope.
func (g *gq) needProjectScope(write bool) error {
	if g.c.app() {
		// GITHUB_TOKEN "is scoped to the repository level and cannot
		// access Projects" (research/github-api.md §1.6).
		return forbiddenf(integrationRefusal)
	}
	want := "read:project"
	if write {
		want = "project"
	}
	if g.hasScope(want) {
		return nil
	}
	var have []string
	if g.c.token != nil {
		have = g.c.token.Scopes
	}
	return &gqlengine.Error{Type: "INSUFFICIENT_SCOPES", Message: fmt.Sprintf(
		"Your token has not been granted the required scopes to execute this query. The 'projectV2' field requires one of the following scopes: ['%s'], but your token has only been granted the: ['%s'] scopes. Please modify your token's scopes at: https://github.com/settings/tokens.",
		want, strings.Join(have, "', '"))}
}

// canSeeProject: a user's board is its owner's; an organization's is its
// members'. (Public boards are out of nanobots' scope.)
func (g *gq) canSeeProject(p *Project) bool {
	if g.c.user == nil || g.c.app() {
		return false
	}
	if p.Owner == g.c.user || p.Collaborators[strings.ToLower(g.c.user.Login)] != "" {
		return true
	}
	return p.Owner.Type == "Organization" && g.w.IsMember(p.Owner, g.c.user)
}

// --- Query ---

type queryRoot struct{ g *gq }

func (q queryRoot) TypeName() string { return "Query" }

func (q queryRoot) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g := q.g
	switch name {
	case "viewer":
		if g.c.user == nil {
			return nil, gqlengine.Errorf("", "This endpoint requires you to be authenticated.")
		}
		if g.c.user.Type == "Bot" {
			return botViewer{g.owner(g.c.user)}, nil
		}
		return g.owner(g.c.user), nil
	case "user", "organization":
		login := argString(args, "login")
		u := g.w.User(login)
		want := map[string]string{"user": "User", "organization": "Organization"}[name]
		if u == nil || (u.Type != want && !(want == "User" && u.Type == "Bot")) {
			return nil, notFoundf("Could not resolve to a%s %s with the login of '%s'.", map[string]string{"User": "", "Organization": "n"}[want], want, login)
		}
		return g.owner(u), nil
	case "repositoryOwner":
		u := g.w.User(argString(args, "login"))
		if u == nil {
			return nil, nil
		}
		return g.owner(u), nil
	case "repository":
		full := argString(args, "owner") + "/" + argString(args, "name")
		r := g.w.Repo(full)
		if r == nil || (r.Private && r.Permission(g.c.login()) == "none") {
			return nil, notFoundf("Could not resolve to a Repository with the name '%s'.", full)
		}
		return repoObj{g, r}, nil
	case "node":
		return g.node(argString(args, "id"))
	case "nodes":
		// Each id GitHub cannot resolve is a null in its place and an
		// error at its index; the others resolve as usual.
		ids := argStrings(args, "ids")
		out := make([]any, len(ids))
		for i, id := range ids {
			v, err := g.node(id)
			out[i] = v
			if err != nil {
				out[i] = err
			}
		}
		return out, nil
	case "rateLimit":
		return g.rateLimit(ctx, argBool(args, "dryRun")), nil
	}
	return nil, g.notSimulated("Query", name)
}

func (g *gq) rateLimit(ctx context.Context, dryRun bool) gqlengine.Object {
	cost, _ := gqlengine.CostFromContext(ctx)
	b, limit := g.c.s.lim.peek(g.c.limitHolder(), "graphql", g.w.Now())
	return gqlengine.NewRecord("RateLimit", map[string]any{
		"cost": cost.Points, "limit": limit, "nodeCount": cost.Nodes, "used": b.used,
		"remaining": max(limit-b.used, 0), "resetAt": gtime(b.reset),
	})
}

// node resolves a global ID as GitHub does: an ID that names nothing (never
// issued, deleted, transferred) or something the viewer cannot see (in a
// private repository they cannot read, on a board that is not theirs) is
// NOT_FOUND, never a silent null.
func (g *gq) node(id string) (any, error) {
	v, ok := g.w.Node(id)
	if ok {
		switch v := v.(type) {
		case *User:
			return g.owner(v), nil
		case *Repo:
			if g.canRead(v) {
				return repoObj{g, v}, nil
			}
		case *Issue:
			if g.canRead(v.Repo) {
				return g.issueOrPull(v), nil
			}
		case *Comment:
			if g.canRead(v.Issue.Repo) {
				return commentObj{g, v}, nil
			}
		case *Label:
			if r := g.w.labelRepo(v); r != nil && g.canRead(r) {
				return labelObj{g, v}, nil
			}
		case *Project:
			if g.canSeeProject(v) {
				return projectObj{g, v}, nil
			}
		case *Item:
			if g.canSeeProject(v.Project) {
				return itemObj{g, v}, nil
			}
		case *Field:
			if g.canSeeProject(v.Project) {
				return fieldObj{g, v}, nil
			}
		case *DraftIssue:
			return draftObj{g, v}, nil
		}
	}
	return nil, notFoundf("Could not resolve to a node with the global id of '%s'", id)
}

// canRead reports whether the viewer may read r: public, or a collaborator.
func (g *gq) canRead(r *Repo) bool {
	return !r.Private || r.Permission(g.c.login()) != "none"
}

// labelRepo finds the repository a label belongs to.
func (w *World) labelRepo(l *Label) *Repo {
	for _, r := range w.repos {
		if r.Labels[strings.ToLower(l.Name)] == l {
			return r
		}
	}
	return nil
}

func (g *gq) issueOrPull(is *Issue) gqlengine.Object {
	if is.PR != nil {
		return pullObj{g, is}
	}
	return issueObj{g, is}
}

// --- User, Organization, Bot ---

type ownerObj struct {
	g *gq
	u *User
}

func (g *gq) owner(u *User) ownerObj { return ownerObj{g, u} }

func (o ownerObj) TypeName() string { return o.u.Type }

func (o ownerObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, u := o.g, o.u
	switch name {
	case "id":
		return u.NodeID, nil
	case "databaseId":
		return u.ID, nil
	case "login":
		// GraphQL gives a bot's login without the "[bot]" that REST and
		// the web show: "github-actions", not "github-actions[bot]".
		if u.Type == "Bot" {
			return strings.TrimSuffix(u.Login, "[bot]"), nil
		}
		return u.Login, nil
	case "name":
		return nilIfEmpty(u.Name), nil
	case "url":
		return g.c.html() + "/" + u.Login, nil
	case "resourcePath":
		return "/" + u.Login, nil
	case "avatarUrl":
		return fmt.Sprintf("%s/avatars/u/%d", g.c.base(), u.ID), nil
	case "projectV2":
		if err := g.needProjectScope(false); err != nil {
			return nil, err
		}
		n := argInt(args, "number")
		p := g.w.Project(u.Login, n)
		if p == nil || !g.canSeeProject(p) {
			return nil, notFoundf("Could not resolve to a ProjectV2 with the number %d.", n)
		}
		return projectObj{g, p}, nil
	case "projectsV2":
		if err := g.needProjectScope(false); err != nil {
			return nil, err
		}
		var ps []*Project
		for _, p := range g.w.projects {
			if p.Owner == u && g.canSeeProject(p) {
				ps = append(ps, p)
			}
		}
		return conn("ProjectV2Connection", ps, func(p *Project) any { return projectObj{g, p} }, args)
	case "repository":
		r := g.w.Repo(u.Login + "/" + argString(args, "name"))
		if r == nil {
			return nil, nil
		}
		return repoObj{g, r}, nil
	}
	return nil, g.notSimulated(u.Type, name)
}

// --- Repository ---

type repoObj struct {
	g *gq
	r *Repo
}

func (o repoObj) TypeName() string { return "Repository" }

func (o repoObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, r := o.g, o.r
	switch name {
	case "id":
		return r.NodeID, nil
	case "databaseId":
		return r.ID, nil
	case "name":
		return r.Name, nil
	case "nameWithOwner":
		return r.FullName(), nil
	case "owner":
		return g.owner(r.Owner), nil
	case "url":
		return g.c.html() + "/" + r.FullName(), nil
	case "isPrivate":
		return r.Private, nil
	case "isFork":
		return r.Parent != nil, nil
	case "parent":
		if r.Parent == nil || r.Parent.Private && r.Parent.Permission(g.c.login()) == "none" {
			return nil, nil
		}
		return repoObj{g, r.Parent}, nil
	case "visibility":
		if r.Private {
			return "PRIVATE", nil
		}
		return "PUBLIC", nil
	case "viewerPermission":
		p := strings.ToUpper(r.Permission(g.c.login()))
		if p == "NONE" {
			return nil, nil
		}
		return p, nil
	case "defaultBranchRef":
		return refObj{g, r, r.DefaultBranch}, nil
	case "ref":
		q := argString(args, "qualifiedName")
		branch := strings.TrimPrefix(strings.TrimPrefix(q, "refs/"), "heads/")
		if _, ok := r.Branches[branch]; !ok {
			return nil, nil
		}
		return refObj{g, r, branch}, nil
	case "refs":
		prefix := argString(args, "refPrefix")
		if prefix != "refs/heads/" {
			return conn("RefConnection", []string{}, func(string) any { return nil }, args)
		}
		branches := sortedBranches(r)
		if q := argString(args, "query"); q != "" {
			// GitHub filters ref names by the query text.
			var keep []string
			for _, b := range branches {
				if strings.Contains(b, q) {
					keep = append(keep, b)
				}
			}
			branches = keep
		}
		return conn("RefConnection", branches, func(b string) any { return refObj{g, r, b} }, args)
	case "issue", "pullRequest", "issueOrPullRequest":
		n := argInt(args, "number")
		is := r.Issue(n)
		switch {
		case is == nil,
			name == "issue" && is.PR != nil,
			name == "pullRequest" && is.PR == nil:
			kind := map[string]string{"issue": "Issue", "pullRequest": "PullRequest", "issueOrPullRequest": "issue or pull request"}[name]
			return nil, notFoundf("Could not resolve to an %s with the number of %d.", kind, n)
		}
		return g.issueOrPull(is), nil
	case "issues":
		return g.issues(r, args, false)
	case "pullRequests":
		return g.issues(r, args, true)
	case "pinnedIssues":
		return conn("PinnedIssueConnection", r.Pinned, func(is *Issue) any {
			return gqlengine.NewRecord("PinnedIssue", map[string]any{"issue": issueObj{g, is}, "repository": o, "id": "PIN_" + is.NodeID,
				"pinnedBy": g.owner(r.Owner)})
		}, args)
	case "labels":
		ls := sortedLabels(r)
		if q := argString(args, "query"); q != "" {
			var keep []*Label
			for _, l := range ls {
				if strings.Contains(strings.ToLower(l.Name), strings.ToLower(q)) {
					keep = append(keep, l)
				}
			}
			ls = keep
		}
		return conn("LabelConnection", ls, func(l *Label) any { return labelObj{g, l} }, args)
	case "label":
		l := r.Labels[strings.ToLower(argString(args, "name"))]
		if l == nil {
			return nil, nil
		}
		return labelObj{g, l}, nil
	case "projectsV2":
		if err := g.needProjectScope(false); err != nil {
			return nil, err
		}
		var ps []*Project
		for _, p := range g.w.projects {
			for _, lr := range p.Repos {
				if lr == r && g.canSeeProject(p) {
					ps = append(ps, p)
				}
			}
		}
		return conn("ProjectV2Connection", ps, func(p *Project) any { return projectObj{g, p} }, args)
	}
	return nil, g.notSimulated("Repository", name)
}

// issues lists issues or pull requests with GitHub's filters.
func (g *gq) issues(r *Repo, args map[string]any, pulls bool) (any, error) {
	states := argStrings(args, "states")
	labels := argStrings(args, "labels")
	head, base := argString(args, "headRefName"), argString(args, "baseRefName")
	var out []*Issue
	for _, is := range r.Issues {
		if is.Gone != "" || (is.PR != nil) != pulls || !hasAnyLabel(is, labels) {
			continue
		}
		if len(states) > 0 {
			st := strings.ToUpper(is.State)
			if is.PR != nil && is.PR.Merged {
				st = "MERGED"
			}
			ok := false
			for _, s := range states {
				ok = ok || s == st
			}
			if !ok {
				continue
			}
		}
		if pulls && ((head != "" && is.PR.Head != head) || (base != "" && is.PR.Base != base)) {
			continue
		}
		out = append(out, is)
	}
	if ob, ok := args["orderBy"].(map[string]any); ok {
		field, _ := ob["field"].(string)
		desc := ob["direction"] == "DESC"
		key := func(is *Issue) time.Time { return is.CreatedAt }
		if field == "UPDATED_AT" {
			key = func(is *Issue) time.Time { return is.UpdatedAt }
		}
		sort.SliceStable(out, func(i, j int) bool {
			if desc {
				return key(out[i]).After(key(out[j]))
			}
			return key(out[i]).Before(key(out[j]))
		})
	}
	if pulls {
		return conn("PullRequestConnection", out, func(is *Issue) any { return pullObj{g, is} }, args)
	}
	return conn("IssueConnection", out, func(is *Issue) any { return issueObj{g, is} }, args)
}

// hasAnyLabel is GraphQL's labels: filter on issues and pull requests: an
// item with any one of the labels matches (REST's labels= wants them all).
func hasAnyLabel(is *Issue, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if hasAllLabels(is, []string{w}) {
			return true
		}
	}
	return false
}

// --- Ref and Commit ---

type refObj struct {
	g      *gq
	r      *Repo
	branch string
}

func (o refObj) TypeName() string { return "Ref" }

func (o refObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "id":
		return "REF_" + o.r.NodeID + ":" + o.branch, nil
	case "name":
		return o.branch, nil
	case "prefix":
		return "refs/heads/", nil
	case "target":
		return commitObj{o.g, o.r, o.r.Head(o.branch)}, nil
	case "repository":
		return repoObj{o.g, o.r}, nil
	}
	return nil, o.g.notSimulated("Ref", name)
}

type commitObj struct {
	g  *gq
	r  *Repo
	cm *Commit
}

func (o commitObj) TypeName() string { return "Commit" }

func (o commitObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, r, cm := o.g, o.r, o.cm
	switch name {
	case "id":
		return "C_" + cm.SHA, nil
	case "oid":
		return cm.SHA, nil
	case "abbreviatedOid":
		return cm.SHA[:7], nil
	case "message", "messageHeadline":
		if name == "messageHeadline" {
			h, _, _ := strings.Cut(cm.Message, "\n")
			return h, nil
		}
		return cm.Message, nil
	case "committedDate", "authoredDate", "pushedDate":
		return gtime(cm.Date), nil
	case "url":
		return g.c.html() + "/" + r.FullName() + "/commit/" + cm.SHA, nil
	case "statusCheckRollup":
		runs, sts := r.CheckRuns[cm.SHA], latestStatuses(r.Statuses[cm.SHA])
		if len(runs) == 0 && len(sts) == 0 {
			return nil, nil
		}
		return rollupObj{g, r, cm, runs, sts}, nil
	case "repository":
		return repoObj{g, r}, nil
	}
	return nil, g.notSimulated("Commit", name)
}

// rollupObj is a commit's combined CI state over check runs and statuses.
type rollupObj struct {
	g    *gq
	r    *Repo
	cm   *Commit
	runs []*CheckRun
	sts  []*Status
}

func (o rollupObj) TypeName() string { return "StatusCheckRollup" }

func (o rollupObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "id":
		return "SCR_" + o.cm.SHA, nil
	case "state":
		return rollupState(o.runs, o.sts), nil
	case "commit":
		return commitObj{o.g, o.r, o.cm}, nil
	case "contexts":
		var all []any
		for _, cr := range o.runs {
			all = append(all, checkRunObj{o.g, o.r, cr})
		}
		for _, s := range o.sts {
			all = append(all, statusObj{o.g, s})
		}
		return gqlengine.NewConnection("StatusCheckRollupContextConnection", all, args)
	}
	return nil, o.g.notSimulated("StatusCheckRollup", name)
}

// rollupState is GitHub's StatusState over check runs and statuses: any
// failure fails it, anything unfinished keeps it pending.
func rollupState(runs []*CheckRun, sts []*Status) string {
	state := "SUCCESS"
	for _, cr := range runs {
		switch {
		case cr.Status != "completed":
			if state == "SUCCESS" {
				state = "PENDING"
			}
		case cr.Conclusion == "failure" || cr.Conclusion == "timed_out" || cr.Conclusion == "cancelled" || cr.Conclusion == "action_required" || cr.Conclusion == "startup_failure":
			return "FAILURE"
		}
	}
	switch combinedState(sts) {
	case "failure":
		if len(sts) > 0 {
			return "FAILURE"
		}
	case "pending":
		if len(sts) > 0 && state == "SUCCESS" {
			state = "PENDING"
		}
	}
	return state
}

type checkRunObj struct {
	g  *gq
	r  *Repo
	cr *CheckRun
}

func (o checkRunObj) TypeName() string { return "CheckRun" }

func (o checkRunObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	cr := o.cr
	switch name {
	case "id":
		return cr.NodeID, nil
	case "databaseId":
		return cr.ID, nil
	case "name":
		return cr.Name, nil
	case "status":
		return strings.ToUpper(cr.Status), nil
	case "conclusion":
		if cr.Conclusion == "" {
			return nil, nil
		}
		return strings.ToUpper(cr.Conclusion), nil
	case "startedAt":
		return gtime(cr.StartedAt), nil
	case "completedAt":
		return gtime(cr.CompletedAt), nil
	case "detailsUrl", "url", "permalink":
		return fmt.Sprintf("%s/%s/runs/%d", o.g.c.html(), o.r.FullName(), cr.ID), nil
	case "isRequired":
		return false, nil
	}
	return nil, o.g.notSimulated("CheckRun", name)
}

type statusObj struct {
	g *gq
	s *Status
}

func (o statusObj) TypeName() string { return "StatusContext" }

func (o statusObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	s := o.s
	switch name {
	case "id":
		return s.NodeID, nil
	case "context":
		return s.Context, nil
	case "state":
		return strings.ToUpper(s.State), nil
	case "description":
		return nilIfEmpty(s.Description), nil
	case "targetUrl":
		return nilIfEmpty(s.TargetURL), nil
	case "createdAt":
		return gtime(s.CreatedAt), nil
	case "isRequired":
		return false, nil
	}
	return nil, o.g.notSimulated("StatusContext", name)
}

// --- Label ---

type labelObj struct {
	g *gq
	l *Label
}

func (o labelObj) TypeName() string { return "Label" }

func (o labelObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "id":
		return o.l.NodeID, nil
	case "name":
		return o.l.Name, nil
	case "color":
		return o.l.Color, nil
	case "description":
		return nilIfEmpty(o.l.Description), nil
	case "isDefault":
		return false, nil
	}
	return nil, o.g.notSimulated("Label", name)
}
