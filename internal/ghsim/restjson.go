package ghsim

import (
	"encoding/base64"
	"fmt"
	"path"
	"strings"
	"time"
)

// The JSON shapes of GitHub's REST answers, with every field the OpenAPI
// description marks required (the tests validate answers against it).

type obj = map[string]any

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func (c *call) base() string { return "http://" + c.r.Host }

func (c *call) html() string { return c.base() + "/_html" }

func (c *call) userJSON(u *User) any {
	if u == nil {
		return nil
	}
	api := c.base() + "/users/" + u.Login
	return obj{
		"login": u.Login, "id": u.ID, "node_id": u.NodeID, "type": u.Type, "site_admin": false,
		"avatar_url": fmt.Sprintf("%s/avatars/u/%d", c.base(), u.ID), "gravatar_id": "",
		"url": api, "html_url": c.html() + "/" + u.Login,
		"followers_url": api + "/followers", "following_url": api + "/following{/other_user}",
		"gists_url": api + "/gists{/gist_id}", "starred_url": api + "/starred{/owner}{/repo}",
		"subscriptions_url": api + "/subscriptions", "organizations_url": api + "/orgs",
		"repos_url": api + "/repos", "events_url": api + "/events{/privacy}",
		"received_events_url": api + "/received_events",
	}
}

// publicUserJSON adds the profile fields of GET /users/{username}.
func (c *call) publicUserJSON(u *User, private bool) obj {
	m := c.userJSON(u).(obj)
	for k, v := range (obj{"name": nilIfEmpty(u.Name), "company": nil, "blog": "", "location": nil, "email": nil,
		"hireable": nil, "bio": nil, "public_repos": 0, "public_gists": 0, "followers": 0, "following": 0,
		"created_at": ts(c.s.World.Now()), "updated_at": ts(c.s.World.Now())}) {
		m[k] = v
	}
	m["user_view_type"] = "public"
	if private {
		m["user_view_type"] = "private"
		for k, v := range (obj{"private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0,
			"disk_usage": 0, "collaborators": 0, "two_factor_authentication": true}) {
			m[k] = v
		}
	}
	return m
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (c *call) repoAPI(r *Repo) string { return c.base() + "/repos/" + r.FullName() }

func (c *call) labelJSON(r *Repo, l *Label) obj {
	return obj{"id": l.ID, "node_id": l.NodeID, "url": c.repoAPI(r) + "/labels/" + l.Name, "name": l.Name,
		"description": nilIfEmpty(l.Description), "color": l.Color, "default": false}
}

func (c *call) issueJSON(is *Issue) obj {
	r := is.Repo
	api := fmt.Sprintf("%s/issues/%d", c.repoAPI(r), is.Number)
	labels := make([]any, 0, len(is.Labels))
	for _, l := range is.Labels {
		labels = append(labels, c.labelJSON(r, l))
	}
	assignees := make([]any, 0, len(is.Assignees))
	var assignee any
	for i, u := range is.Assignees {
		if i == 0 {
			assignee = c.userJSON(u)
		}
		assignees = append(assignees, c.userJSON(u))
	}
	m := obj{
		"id": is.ID, "node_id": is.NodeID, "number": is.Number, "title": is.Title, "body": nilIfEmpty(is.Body),
		"user": c.userJSON(is.Author), "labels": labels, "assignee": assignee, "assignees": assignees,
		"milestone": nil, "locked": false, "active_lock_reason": nil, "comments": len(is.Comments),
		"state": is.State, "state_reason": nilIfEmpty(is.StateReason),
		"created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt), "closed_at": ts(is.ClosedAt),
		"url": api, "repository_url": c.repoAPI(r), "labels_url": api + "/labels{/name}",
		"comments_url": api + "/comments", "events_url": api + "/events",
		"html_url":           fmt.Sprintf("%s/%s/issues/%d", c.html(), r.FullName(), is.Number),
		"author_association": association(r, is.Author),
	}
	if is.PR != nil {
		pr := fmt.Sprintf("%s/pulls/%d", c.repoAPI(r), is.Number)
		m["pull_request"] = obj{"url": pr, "html_url": fmt.Sprintf("%s/%s/pull/%d", c.html(), r.FullName(), is.Number),
			"diff_url": pr + ".diff", "patch_url": pr + ".patch", "merged_at": ts(is.PR.MergedAt)}
		m["html_url"] = fmt.Sprintf("%s/%s/pull/%d", c.html(), r.FullName(), is.Number)
	}
	return m
}

// association is GitHub's author_association.
func association(r *Repo, u *User) string {
	if u == nil {
		return "NONE"
	}
	if strings.EqualFold(r.Owner.Login, u.Login) {
		return "OWNER"
	}
	switch r.Collaborators[strings.ToLower(u.Login)] {
	case "admin", "maintain", "write", "triage":
		return "COLLABORATOR"
	}
	return "NONE"
}

func (c *call) commentJSON(cm *Comment) obj {
	r := cm.Issue.Repo
	return obj{
		"id": cm.ID, "node_id": cm.NodeID, "body": cm.Body, "user": c.userJSON(cm.Author),
		"created_at": ts(cm.CreatedAt), "updated_at": ts(cm.UpdatedAt),
		"url":                fmt.Sprintf("%s/issues/comments/%d", c.repoAPI(r), cm.ID),
		"html_url":           fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", c.html(), r.FullName(), cm.Issue.Number, cm.ID),
		"issue_url":          fmt.Sprintf("%s/issues/%d", c.repoAPI(r), cm.Issue.Number),
		"author_association": association(r, cm.Author),
	}
}

func (c *call) repoJSON(r *Repo) obj {
	api := c.repoAPI(r)
	m := obj{
		"id": r.ID, "node_id": r.NodeID, "name": r.Name, "full_name": r.FullName(), "owner": c.userJSON(r.Owner),
		"private": r.Private, "visibility": map[bool]string{true: "private", false: "public"}[r.Private],
		"description": nil, "fork": r.Parent != nil, "homepage": nil, "language": nil, "default_branch": r.DefaultBranch,
		"archived": false, "disabled": false, "mirror_url": nil, "license": nil, "size": 0,
		"forks": 0, "forks_count": 0, "watchers": 0, "watchers_count": 0, "stargazers_count": 0,
		"open_issues": openCount(r), "open_issues_count": openCount(r), "network_count": 0, "subscribers_count": 0,
		"has_issues": true, "has_projects": true, "has_wiki": false, "has_pages": false, "has_downloads": true, "has_discussions": false,
		"created_at": ts(r.CreatedAt), "updated_at": ts(r.CreatedAt), "pushed_at": ts(r.CreatedAt),
		"url": api, "html_url": c.html() + "/" + r.FullName(),
		"clone_url": c.html() + "/" + r.FullName() + ".git", "git_url": "git://sim/" + r.FullName() + ".git",
		"ssh_url": "git@sim:" + r.FullName() + ".git", "svn_url": c.html() + "/" + r.FullName(),
	}
	for _, k := range []string{"archive_url:/{archive_format}{/ref}", "assignees_url:/assignees{/user}", "blobs_url:/git/blobs{/sha}",
		"branches_url:/branches{/branch}", "collaborators_url:/collaborators{/collaborator}", "comments_url:/comments{/number}",
		"commits_url:/commits{/sha}", "compare_url:/compare/{base}...{head}", "contents_url:/contents/{+path}",
		"contributors_url:/contributors", "deployments_url:/deployments", "downloads_url:/downloads", "events_url:/events",
		"forks_url:/forks", "git_commits_url:/git/commits{/sha}", "git_refs_url:/git/refs{/sha}", "git_tags_url:/git/tags{/sha}",
		"hooks_url:/hooks", "issue_comment_url:/issues/comments{/number}", "issue_events_url:/issues/events{/number}",
		"issues_url:/issues{/number}", "keys_url:/keys{/key_id}", "labels_url:/labels{/name}", "languages_url:/languages",
		"merges_url:/merges", "milestones_url:/milestones{/number}", "notifications_url:/notifications{?since,all,participating}",
		"pulls_url:/pulls{/number}", "releases_url:/releases{/id}", "stargazers_url:/stargazers", "statuses_url:/statuses/{sha}",
		"subscribers_url:/subscribers", "subscription_url:/subscription", "tags_url:/tags", "teams_url:/teams", "trees_url:/git/trees{/sha}"} {
		name, suffix, _ := strings.Cut(k, ":")
		m[name] = api + suffix
	}
	if r.Parent != nil {
		src := r.Parent
		for src.Parent != nil {
			src = src.Parent
		}
		m["parent"], m["source"] = c.repoJSON(r.Parent), c.repoJSON(src)
	}
	return m
}

func openCount(r *Repo) int {
	n := 0
	for _, is := range r.Issues {
		if is.State == "open" {
			n++
		}
	}
	return n
}

func (c *call) pullJSON(is *Issue) obj {
	r, pr := is.Repo, is.PR
	api := fmt.Sprintf("%s/pulls/%d", c.repoAPI(r), is.Number)
	issue := c.issueJSON(is)
	html := fmt.Sprintf("%s/%s/pull/%d", c.html(), r.FullName(), is.Number)
	ref := func(r *Repo, branch, sha string) obj {
		return obj{"label": r.Owner.Login + ":" + branch, "ref": branch, "sha": sha, "user": c.userJSON(r.Owner), "repo": c.repoJSON(r)}
	}
	baseSHA := r.Branches[pr.Base]
	headSHA := pr.headSHA(r)
	link := func(href string) obj { return obj{"href": href} }
	state := is.State
	var mergedBy any
	if pr.MergedBy != nil {
		mergedBy = c.userJSON(pr.MergedBy)
	}
	return obj{
		"id": is.ID, "node_id": is.NodeID, "number": is.Number, "title": is.Title, "body": nilIfEmpty(is.Body),
		"state": state, "locked": false, "user": c.userJSON(is.Author), "labels": issue["labels"],
		"assignee": issue["assignee"], "assignees": issue["assignees"], "milestone": nil, "draft": pr.Draft,
		"requested_reviewers": []any{}, "requested_teams": []any{},
		"created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt), "closed_at": ts(is.ClosedAt),
		"merged_at": ts(pr.MergedAt), "merged": pr.Merged, "merged_by": mergedBy,
		"merge_commit_sha": nilIfEmpty(pr.MergeCommitSHA), "mergeable": map[bool]any{true: nil, false: true}[pr.Merged],
		"mergeable_state": "clean", "rebaseable": true, "maintainer_can_modify": false, "auto_merge": nil,
		"head": ref(pr.headRepo(r), pr.Head, headSHA), "base": ref(r, pr.Base, baseSHA),
		"author_association": association(r, is.Author), "active_lock_reason": nil,
		"comments": len(is.Comments), "review_comments": 0, "commits": 1, "additions": 1, "deletions": 0, "changed_files": 1,
		"url": api, "html_url": html, "diff_url": html + ".diff", "patch_url": html + ".patch",
		"issue_url": fmt.Sprintf("%s/issues/%d", c.repoAPI(r), is.Number), "commits_url": api + "/commits",
		"review_comments_url": api + "/comments", "review_comment_url": c.repoAPI(r) + "/pulls/comments{/number}",
		"comments_url": fmt.Sprintf("%s/issues/%d/comments", c.repoAPI(r), is.Number),
		"statuses_url": c.repoAPI(r) + "/statuses/" + headSHA,
		"_links": obj{"self": link(api), "html": link(html), "issue": link(issue["url"].(string)),
			"comments": link(issue["comments_url"].(string)), "review_comments": link(api + "/comments"),
			"review_comment": link(c.repoAPI(r) + "/pulls/comments{/number}"), "commits": link(api + "/commits"),
			"statuses": link(c.repoAPI(r) + "/statuses/" + headSHA)},
	}
}

func (c *call) gitUser(u *User, t time.Time) obj {
	return obj{"name": u.Login, "email": u.Login + "@users.noreply.sim", "date": ts(t)}
}

func (c *call) gitCommitJSON(r *Repo, cm *Commit) obj {
	parents := make([]any, 0, len(cm.Parents))
	for _, p := range cm.Parents {
		parents = append(parents, obj{"sha": p, "url": c.repoAPI(r) + "/git/commits/" + p, "html_url": c.html() + "/" + r.FullName() + "/commit/" + p})
	}
	return obj{
		"sha": cm.SHA, "node_id": "C_" + cm.SHA[:16], "url": c.repoAPI(r) + "/git/commits/" + cm.SHA,
		"html_url": c.html() + "/" + r.FullName() + "/commit/" + cm.SHA, "message": cm.Message,
		"author": c.gitUser(cm.Author, cm.Date), "committer": c.gitUser(cm.Author, cm.Date),
		"tree":         obj{"sha": treeSHA(cm), "url": c.repoAPI(r) + "/git/trees/" + treeSHA(cm)},
		"parents":      parents,
		"verification": obj{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil, "verified_at": nil},
	}
}

func treeSHA(cm *Commit) string {
	// A stand-in: the simulator keeps no tree objects, only the flat file map.
	return cm.SHA[len(cm.SHA)-20:] + cm.SHA[:20]
}

// commitJSON is the REST "commit" shape (branches, commits endpoints).
func (c *call) commitJSON(r *Repo, cm *Commit) obj {
	g := c.gitCommitJSON(r, cm)
	parents := make([]any, 0, len(cm.Parents))
	for _, p := range cm.Parents {
		parents = append(parents, obj{"sha": p, "url": c.repoAPI(r) + "/commits/" + p, "html_url": c.html() + "/" + r.FullName() + "/commit/" + p})
	}
	return obj{
		"sha": cm.SHA, "node_id": g["node_id"], "url": c.repoAPI(r) + "/commits/" + cm.SHA, "html_url": g["html_url"],
		"comments_url": c.repoAPI(r) + "/commits/" + cm.SHA + "/comments",
		"commit": obj{"url": g["url"], "author": g["author"], "committer": g["committer"], "message": cm.Message,
			"comment_count": 0, "tree": g["tree"], "verification": g["verification"]},
		"author": c.userJSON(cm.Author), "committer": c.userJSON(cm.Author), "parents": parents,
	}
}

func (c *call) contentJSON(r *Repo, p, ref string, b *Blob, withContent bool) obj {
	api := c.repoAPI(r) + "/contents/" + p + "?ref=" + ref
	html := c.html() + "/" + r.FullName() + "/blob/" + ref + "/" + p
	git := c.repoAPI(r) + "/git/blobs/" + b.SHA
	m := obj{
		"type": "file", "name": path.Base(p), "path": p, "sha": b.SHA, "size": len(b.Content),
		"url": api, "html_url": html, "git_url": git, "download_url": c.base() + "/_raw/" + r.FullName() + "/" + ref + "/" + p,
		"_links": obj{"self": api, "git": git, "html": html},
	}
	if withContent {
		m["encoding"] = "base64"
		m["content"] = wrap60(base64.StdEncoding.EncodeToString(b.Content))
	}
	return m
}

// wrap60 breaks base64 into lines of 60 characters, as GitHub sends it.
func wrap60(s string) string {
	var b strings.Builder
	for len(s) > 60 {
		b.WriteString(s[:60])
		b.WriteByte('\n')
		s = s[60:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}

func (c *call) refJSON(r *Repo, name, sha string) obj {
	return obj{"ref": name, "node_id": "REF_" + base64.RawURLEncoding.EncodeToString([]byte(r.FullName()+":"+name)),
		"url":    c.repoAPI(r) + "/git/" + name,
		"object": obj{"type": "commit", "sha": sha, "url": c.repoAPI(r) + "/git/commits/" + sha}}
}

func (c *call) checkRunJSON(r *Repo, cr *CheckRun) obj {
	api := fmt.Sprintf("%s/check-runs/%d", c.repoAPI(r), cr.ID)
	return obj{
		"id": cr.ID, "node_id": cr.NodeID, "head_sha": cr.HeadSHA, "name": cr.Name, "external_id": "",
		"url": api, "html_url": fmt.Sprintf("%s/%s/runs/%d", c.html(), r.FullName(), cr.ID), "details_url": nil,
		"status": cr.Status, "conclusion": nilIfEmpty(cr.Conclusion),
		"started_at": ts(cr.StartedAt), "completed_at": ts(cr.CompletedAt),
		"output":      obj{"title": nil, "summary": nil, "text": nil, "annotations_count": 0, "annotations_url": api + "/annotations"},
		"check_suite": obj{"id": cr.ID}, "app": nil, "pull_requests": []any{},
	}
}

func (c *call) statusJSON(r *Repo, sha string, s *Status) obj {
	return obj{
		"id": s.ID, "node_id": s.NodeID, "state": s.State, "context": s.Context,
		"description": nilIfEmpty(s.Description), "target_url": nilIfEmpty(s.TargetURL),
		"avatar_url": nil, "url": c.repoAPI(r) + "/statuses/" + sha,
		"created_at": ts(s.CreatedAt), "updated_at": ts(s.CreatedAt), "creator": c.userJSON(s.Creator),
	}
}

func (c *call) workflowJSON(r *Repo, wf *Workflow) obj {
	return obj{
		"id": wf.ID, "node_id": fmt.Sprintf("W_%d", wf.ID), "name": wf.Name, "path": wf.Path, "state": wf.State,
		"created_at": ts(r.CreatedAt), "updated_at": ts(r.CreatedAt),
		"url":       fmt.Sprintf("%s/actions/workflows/%d", c.repoAPI(r), wf.ID),
		"html_url":  c.html() + "/" + r.FullName() + "/blob/main/" + wf.Path,
		"badge_url": c.html() + "/" + r.FullName() + "/workflows/" + path.Base(wf.Path) + "/badge.svg",
	}
}
