package ghsim

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
)

// issueFields answers the fields Issue and PullRequest share (both are
// Comment, Labelable, Assignable, Closable and UniformResourceLocatable).
func (g *gq) issueFields(typ string, is *Issue, name string, args map[string]any) (any, bool, error) {
	r := is.Repo
	switch name {
	case "id":
		return is.NodeID, true, nil
	case "databaseId", "fullDatabaseId":
		return is.ID, true, nil
	case "number":
		return is.Number, true, nil
	case "title":
		return is.Title, true, nil
	case "body":
		return is.Body, true, nil
	case "bodyText":
		return is.Body, true, nil
	case "closed":
		return is.State == "closed", true, nil
	case "closedAt":
		return gtime(is.ClosedAt), true, nil
	case "createdAt":
		return gtime(is.CreatedAt), true, nil
	case "updatedAt":
		return gtime(is.UpdatedAt), true, nil
	case "lastEditedAt":
		if is.EditedAt.IsZero() {
			return nil, true, nil
		}
		return gtime(is.EditedAt), true, nil
	case "author":
		if is.Author == nil {
			return nil, true, nil
		}
		return g.owner(is.Author), true, nil
	case "editor":
		if is.Editor == nil {
			return nil, true, nil
		}
		return g.owner(is.Editor), true, nil
	case "userContentEdits":
		v, err := g.userContentEdits(is, args)
		return v, true, err
	case "authorAssociation":
		return association(r, is.Author), true, nil
	case "repository":
		return repoObj{g, r}, true, nil
	case "url":
		kind := "issues"
		if is.PR != nil {
			kind = "pull"
		}
		return fmt.Sprintf("%s/%s/%s/%d", g.c.html(), r.FullName(), kind, is.Number), true, nil
	case "labels":
		v, err := conn("LabelConnection", is.Labels, func(l *Label) any { return labelObj{g, l} }, args)
		return v, true, err
	case "assignees":
		v, err := conn("UserConnection", is.Assignees, func(u *User) any { return g.owner(u) }, args)
		return v, true, err
	case "comments":
		v, err := conn("IssueCommentConnection", is.Comments, func(c *Comment) any { return commentObj{g, c} }, args)
		return v, true, err
	case "projectItems":
		if err := g.needProjectScope(false); err != nil {
			return nil, true, err
		}
		include := true
		if v, ok := args["includeArchived"].(bool); ok {
			include = v
		}
		var items []*Item
		for _, p := range g.w.projects {
			if !g.canSeeProject(p) {
				continue
			}
			if it := p.ItemFor(is); it != nil && (include || !it.Archived) {
				items = append(items, it)
			}
		}
		v, err := conn("ProjectV2ItemConnection", items, func(it *Item) any { return itemObj{g, it} }, args)
		return v, true, err
	case "viewerCanUpdate":
		return g.c.user != nil && (is.Author == g.c.user || g.c.can(r, "triage")), true, nil
	}
	return nil, false, nil
}

type issueObj struct {
	g  *gq
	is *Issue
}

func (o issueObj) TypeName() string { return "Issue" }

func (o issueObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, is := o.g, o.is
	if v, ok, err := g.issueFields("Issue", is, name, args); ok {
		return v, err
	}
	switch name {
	case "state":
		return strings.ToUpper(is.State), nil
	case "stateReason":
		if is.StateReason == "" {
			return nil, nil
		}
		return strings.ToUpper(is.StateReason), nil
	case "isPinned":
		for _, p := range is.Repo.Pinned {
			if p == is {
				return true, nil
			}
		}
		return false, nil
	case "closedByPullRequestsReferences":
		prs := g.w.closingPulls(is, argBool(args, "includeClosedPrs"))
		return conn("PullRequestConnection", prs, func(pr *Issue) any { return pullObj{g, pr} }, args)
	case "timelineItems":
		return g.timeline(is, args)
	}
	return nil, g.notSimulated("Issue", name)
}

// timeline gives an issue's cross-references from pull requests (every PR
// whose body mentions #N, with willCloseTarget when a closing keyword does)
// and its label events, in the order they happened. Other event types are
// not simulated and come back empty.
func (g *gq) timeline(is *Issue, args map[string]any) (any, error) {
	types := argStrings(args, "itemTypes")
	wants := func(typ string) bool { return len(types) == 0 || slices.Contains(types, typ) }
	want := wants("CROSS_REFERENCED_EVENT")
	var items []timelineItem
	if want {
		mention := fmt.Sprintf("#%d", is.Number)
		for _, pr := range is.Repo.Issues {
			if pr.PR == nil || !containsRef(pr.Body, mention) {
				continue
			}
			closes := false
			if pr.PR.Base == is.Repo.DefaultBranch {
				for _, n := range ClosingReferences(pr.Body) {
					closes = closes || n == is.Number
				}
			}
			items = append(items, timelineItem{pr.CreatedAt, gqlengine.NewRecord("CrossReferencedEvent", map[string]any{
				"id": "CRE_" + pr.NodeID, "createdAt": gtime(pr.CreatedAt), "referencedAt": gtime(pr.CreatedAt),
				"willCloseTarget": closes, "isCrossRepository": false,
				"source": pullObj{g, pr}, "target": issueObj{g, is}, "actor": g.owner(pr.Author),
			})})
		}
	}
	items = append(items, g.labelEvents(is, wants("LABELED_EVENT"), wants("UNLABELED_EVENT"))...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].at.Before(items[j].at) })
	events := make([]any, 0, len(items))
	for _, it := range items {
		events = append(events, it.item)
	}
	return gqlengine.NewConnection("IssueTimelineItemsConnection", events, args)
}

func containsRef(text, ref string) bool {
	for i := strings.Index(text, ref); i >= 0; {
		end := i + len(ref)
		if end == len(text) || text[end] < '0' || text[end] > '9' {
			return true
		}
		next := strings.Index(text[end:], ref)
		if next < 0 {
			return false
		}
		i = end + next
	}
	return false
}

type pullObj struct {
	g  *gq
	is *Issue
}

func (o pullObj) TypeName() string { return "PullRequest" }

func (o pullObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, is, pr := o.g, o.is, o.is.PR
	if v, ok, err := g.issueFields("PullRequest", is, name, args); ok {
		return v, err
	}
	r := is.Repo
	switch name {
	case "state":
		if pr.Merged {
			return "MERGED", nil
		}
		return strings.ToUpper(is.State), nil
	case "merged":
		return pr.Merged, nil
	case "mergedAt":
		return gtime(pr.MergedAt), nil
	case "mergedBy":
		if pr.MergedBy == nil {
			return nil, nil
		}
		return g.owner(pr.MergedBy), nil
	case "isDraft":
		return pr.Draft, nil
	case "headRefName":
		return pr.Head, nil
	case "baseRefName":
		return pr.Base, nil
	case "headRefOid":
		return pr.headSHA(r), nil
	case "isCrossRepository":
		return pr.headRepo(r) != r, nil
	case "headRepositoryOwner":
		return g.owner(pr.headRepo(r).Owner), nil
	case "headRepository":
		return repoObj{g, pr.headRepo(r)}, nil
	case "mergeCommit":
		if pr.MergeCommitSHA == "" {
			return nil, nil
		}
		return commitObj{g, r, r.Commits[pr.MergeCommitSHA]}, nil
	case "closingIssuesReferences":
		var out []*Issue
		if pr.Base == r.DefaultBranch {
			for _, n := range ClosingReferences(is.Body) {
				if t := r.Issue(n); t != nil && t.PR == nil {
					out = append(out, t)
				}
			}
		}
		return conn("IssueConnection", out, func(t *Issue) any { return issueObj{g, t} }, args)
	case "commits":
		sha := pr.headSHA(r)
		var commits []*Commit
		if cm := pr.headRepo(r).Commits[sha]; cm != nil {
			commits = append(commits, cm)
		}
		return conn("PullRequestCommitConnection", commits, func(cm *Commit) any {
			return gqlengine.NewRecord("PullRequestCommit", map[string]any{"id": "PRC_" + cm.SHA, "commit": commitObj{g, r, cm}, "pullRequest": o})
		}, args)
	case "mergeable":
		if is.State != "open" {
			return "UNKNOWN", nil
		}
		return "MERGEABLE", nil
	}
	return nil, g.notSimulated("PullRequest", name)
}

type commentObj struct {
	g *gq
	c *Comment
}

func (o commentObj) TypeName() string { return "IssueComment" }

func (o commentObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, c := o.g, o.c
	switch name {
	case "id":
		return c.NodeID, nil
	case "databaseId", "fullDatabaseId":
		return c.ID, nil
	case "body", "bodyText":
		return c.Body, nil
	case "author":
		if c.Author == nil {
			return nil, nil
		}
		return g.owner(c.Author), nil
	case "authorAssociation":
		return association(c.Issue.Repo, c.Author), nil
	case "createdAt":
		return gtime(c.CreatedAt), nil
	case "updatedAt", "lastEditedAt":
		return gtime(c.UpdatedAt), nil
	case "url":
		return fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", g.c.html(), c.Issue.Repo.FullName(), c.Issue.Number, c.ID), nil
	case "issue":
		return issueObj{g, c.Issue}, nil
	case "viewerDidAuthor":
		return g.c.user != nil && c.Author == g.c.user, nil
	case "isMinimized":
		return false, nil
	}
	return nil, g.notSimulated("IssueComment", name)
}
