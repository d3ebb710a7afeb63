package ghsim

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
)

type mutationRoot struct{ g *gq }

func (m mutationRoot) TypeName() string { return "Mutation" }

func forbiddenf(format string, args ...any) error {
	return gqlengine.Errorf("FORBIDDEN", format, args...)
}

// refusef is forbiddenf for a person; an installation token gets GitHub's
// "Resource not accessible by integration" instead.
func (g *gq) refusef(format string, args ...any) error {
	if g.c.app() {
		return forbiddenf(integrationRefusal)
	}
	return forbiddenf(format, args...)
}

func unprocessable(format string, args ...any) error {
	return gqlengine.Errorf("UNPROCESSABLE", format, args...)
}

// lookup resolves a node ID to a T, with GitHub's NOT_FOUND when it names
// nothing of that kind.
func lookup[T any](g *gq, id string) (T, error) {
	var zero T
	if _, err := g.node(id); err != nil {
		return zero, err // unknown, gone, or not the viewer's to see
	}
	v, _ := g.w.Node(id)
	t, isT := v.(T)
	if !isT {
		return zero, notFoundf("Could not resolve to a node with the global id of '%s'", id)
	}
	return t, nil
}

// writableProject finds a board the viewer may change.
func (g *gq) writableProject(id string) (*Project, error) {
	if err := g.needProjectScope(true); err != nil {
		return nil, err
	}
	p, err := lookup[*Project](g, id)
	if err != nil || !g.canSeeProject(p) {
		return nil, notFoundf("Could not resolve to a node with the global id of '%s'", id)
	}
	if !g.canWriteProject(p) {
		return nil, g.refusef("%s does not have permission to update this project.", g.c.login())
	}
	return p, nil
}

// writableItem finds the board and item an input's projectId and itemId name.
func (g *gq) writableItem(in map[string]any) (*Project, *Item, error) {
	p, err := g.writableProject(argString(in, "projectId"))
	if err != nil {
		return nil, nil, err
	}
	id := argString(in, "itemId")
	it, err := lookup[*Item](g, id)
	if err != nil || it.Project != p {
		return nil, nil, notFoundf("Could not resolve to a node with the global id of '%s'", id)
	}
	return p, it, nil
}

func payload(typeName, clientID string, fields map[string]any) gqlengine.Object {
	fields["clientMutationId"] = nilIfEmpty(clientID)
	return gqlengine.NewRecord(typeName, fields)
}

func (m mutationRoot) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g := m.g
	in, _ := args["input"].(map[string]any)
	cid := argString(in, "clientMutationId")
	switch name {
	case "addProjectV2ItemById":
		p, err := g.writableProject(argString(in, "projectId"))
		if err != nil {
			return nil, err
		}
		is, err := lookup[*Issue](g, argString(in, "contentId"))
		if err != nil {
			return nil, err
		}
		it, err := g.w.addItem(p, is)
		if err != nil {
			return nil, unprocessable("%s", err)
		}
		return payload("AddProjectV2ItemByIdPayload", cid, map[string]any{"item": itemObj{g, it}}), nil

	case "updateProjectV2ItemFieldValue", "clearProjectV2ItemFieldValue":
		p, it, err := g.writableItem(in)
		if err != nil {
			return nil, err
		}
		f, err := lookup[*Field](g, argString(in, "fieldId"))
		if err != nil || f.Project != p {
			return nil, notFoundf("Could not resolve to a node with the global id of '%s'", argString(in, "fieldId"))
		}
		if name == "clearProjectV2ItemFieldValue" {
			delete(it.Values, f)
		} else if err := setValue(it, f, in["value"], g.w.Now(), g.c.user); err != nil {
			return nil, err
		}
		it.UpdatedAt = g.w.Now()
		return payload(strings.ToUpper(name[:1])+name[1:]+"Payload", cid, map[string]any{"projectV2Item": itemObj{g, it}}), nil

	case "archiveProjectV2Item", "unarchiveProjectV2Item", "deleteProjectV2Item":
		_, it, err := g.writableItem(in)
		if err != nil {
			return nil, err
		}
		switch name {
		case "deleteProjectV2Item":
			g.w.deleteItem(it)
			return payload("DeleteProjectV2ItemPayload", cid, map[string]any{"deletedItemId": it.NodeID}), nil
		case "archiveProjectV2Item":
			it.Archived = true
		default:
			it.Archived = false
		}
		it.UpdatedAt = g.w.Now()
		return payload(strings.ToUpper(name[:1])+name[1:]+"Payload", cid, map[string]any{"item": itemObj{g, it}}), nil

	case "createProjectV2Field":
		p, err := g.writableProject(argString(in, "projectId"))
		if err != nil {
			return nil, err
		}
		opts, err := optionSpecs(in["singleSelectOptions"])
		if err != nil {
			return nil, err
		}
		dt := argString(in, "dataType")
		if dt == "SINGLE_SELECT" && len(opts) == 0 {
			return nil, unprocessable("Single select fields must have at least one option")
		}
		f, err := g.w.createField(p, argString(in, "name"), dt, opts)
		if err != nil {
			return nil, unprocessable("%s", err)
		}
		return payload("CreateProjectV2FieldPayload", cid, map[string]any{"projectV2Field": fieldObj{g, f}}), nil

	case "updateProjectV2Field":
		if err := g.needProjectScope(true); err != nil {
			return nil, err
		}
		f, err := lookup[*Field](g, argString(in, "fieldId"))
		if err != nil || !g.canSeeProject(f.Project) {
			return nil, notFoundf("Could not resolve to a node with the global id of '%s'", argString(in, "fieldId"))
		}
		if !g.canWriteProject(f.Project) {
			return nil, g.refusef("%s does not have permission to update this project.", g.c.login())
		}
		if n := argString(in, "name"); n != "" && n != f.Name {
			if f.Project.FieldByName(n) != nil {
				return nil, unprocessable("Name has already been taken")
			}
			f.Name = n
		}
		if raw, ok := in["singleSelectOptions"]; ok && raw != nil {
			opts, err := optionSpecs(raw)
			if err != nil {
				return nil, err
			}
			g.w.replaceOptions(f, opts)
		}
		return payload("UpdateProjectV2FieldPayload", cid, map[string]any{"projectV2Field": fieldObj{g, f}}), nil

	case "linkProjectV2ToRepository":
		p, err := g.writableProject(argString(in, "projectId"))
		if err != nil {
			return nil, err
		}
		r, err := lookup[*Repo](g, argString(in, "repositoryId"))
		if err != nil {
			return nil, err
		}
		if !g.c.can(r, "admin") && !g.c.can(r, "write") {
			return nil, g.refusef("%s does not have permission to link this repository.", g.c.login())
		}
		linked := false
		for _, x := range p.Repos {
			linked = linked || x == r
		}
		if !linked {
			p.Repos = append(p.Repos, r)
		}
		return payload("LinkProjectV2ToRepositoryPayload", cid, map[string]any{"repository": repoObj{g, r}}), nil

	case "addComment":
		is, err := lookup[*Issue](g, argString(in, "subjectId"))
		if err != nil {
			return nil, err
		}
		body := argString(in, "body")
		if n := len([]rune(body)); n > maxBodyChars {
			return nil, unprocessable("Body is too long (maximum is %d characters)", maxBodyChars)
		}
		c := g.w.addComment(is, g.c.user, body)
		g.c.events = append(g.c.events, CommentEvent{Repo: is.Repo, Issue: is, Comment: c})
		edge := gqlengine.NewRecord("IssueCommentEdge", map[string]any{"node": commentObj{g, c}, "cursor": "c" + c.NodeID})
		return payload("AddCommentPayload", cid, map[string]any{"commentEdge": edge, "subject": g.issueOrPull(is)}), nil

	case "updateIssueComment":
		c, err := lookup[*Comment](g, argString(in, "id"))
		if err != nil {
			return nil, err
		}
		if c.Author != g.c.user && !g.c.can(c.Issue.Repo, "write") {
			return nil, g.refusef("%s does not have the correct permissions to execute `UpdateIssueComment`", g.c.login())
		}
		c.Body, c.UpdatedAt = argString(in, "body"), g.w.Now()
		return payload("UpdateIssueCommentPayload", cid, map[string]any{"issueComment": commentObj{g, c}}), nil

	case "addLabelsToLabelable", "removeLabelsFromLabelable":
		is, err := lookup[*Issue](g, argString(in, "labelableId"))
		if err != nil {
			return nil, err
		}
		if !g.c.can(is.Repo, "triage") {
			return nil, g.refusef("%s does not have the correct permissions to execute `%s`", g.c.login(), strings.ToUpper(name[:1])+name[1:])
		}
		for _, id := range argStrings(in, "labelIds") {
			l, err := lookup[*Label](g, id)
			if err != nil {
				return nil, err
			}
			if name == "addLabelsToLabelable" {
				g.w.labelIssue(is, l, g.c.user)
			} else {
				g.w.unlabelIssue(is, l, g.c.user)
			}
		}
		return payload(strings.ToUpper(name[:1])+name[1:]+"Payload", cid, map[string]any{"labelable": g.issueOrPull(is)}), nil

	case "addAssigneesToAssignable":
		is, err := lookup[*Issue](g, argString(in, "assignableId"))
		if err != nil {
			return nil, err
		}
		if !g.c.can(is.Repo, "triage") {
			return nil, g.refusef("%s does not have the correct permissions to execute `AddAssigneesToAssignable`", g.c.login())
		}
		var logins []string
		for _, id := range argStrings(in, "assigneeIds") {
			u, err := lookup[*User](g, id)
			if err != nil {
				return nil, err
			}
			logins = append(logins, u.Login)
		}
		g.c.applyAssignees(is, logins, true)
		return payload("AddAssigneesToAssignablePayload", cid, map[string]any{"assignable": g.issueOrPull(is)}), nil

	case "pinIssue", "unpinIssue":
		is, err := lookup[*Issue](g, argString(in, "issueId"))
		if err != nil || is.PR != nil {
			return nil, notFoundf("Could not resolve to an Issue with the global id of '%s'", argString(in, "issueId"))
		}
		r := is.Repo
		if !g.c.can(r, "write") {
			return nil, g.refusef("%s does not have the correct permissions to execute `%s`", g.c.login(), strings.ToUpper(name[:1])+name[1:])
		}
		idx := -1
		for i, p := range r.Pinned {
			if p == is {
				idx = i
			}
		}
		switch {
		case name == "pinIssue" && idx < 0:
			if len(r.Pinned) >= MaxPinned {
				// The exact text GitHub sends is unverified (github-api.md §3).
				return nil, unprocessable("You can only pin up to %d issues per repository. Unpin an issue to pin another.", MaxPinned)
			}
			r.Pinned = append(r.Pinned, is)
		case name == "unpinIssue" && idx >= 0:
			r.Pinned = append(r.Pinned[:idx:idx], r.Pinned[idx+1:]...)
		}
		return payload(strings.ToUpper(name[:1])+name[1:]+"Payload", cid, map[string]any{"issue": issueObj{g, is}}), nil

	case "createIssue":
		r, err := lookup[*Repo](g, argString(in, "repositoryId"))
		if err != nil {
			return nil, err
		}
		title := argString(in, "title")
		if strings.TrimSpace(title) == "" {
			return nil, unprocessable("Title can't be blank")
		}
		is := g.w.createIssue(r, g.c.user, title, argString(in, "body"))
		if g.c.can(r, "triage") {
			for _, id := range argStrings(in, "labelIds") {
				if l, err := lookup[*Label](g, id); err == nil {
					g.w.labelIssue(is, l, g.c.user)
				}
			}
		}
		return payload("CreateIssuePayload", cid, map[string]any{"issue": issueObj{g, is}}), nil

	case "closeIssue", "reopenIssue":
		is, err := lookup[*Issue](g, argString(in, "issueId"))
		if err != nil {
			return nil, err
		}
		if is.Author != g.c.user && !g.c.can(is.Repo, "triage") {
			return nil, g.refusef("%s does not have the correct permissions to execute `%s`", g.c.login(), strings.ToUpper(name[:1])+name[1:])
		}
		if name == "closeIssue" {
			reason := strings.ToLower(argString(in, "stateReason"))
			if reason == "" {
				reason = "completed"
			}
			g.w.closeIssue(is, reason)
		} else {
			g.w.reopenIssue(is)
		}
		return payload(strings.ToUpper(name[:1])+name[1:]+"Payload", cid, map[string]any{"issue": issueObj{g, is}}), nil

	case "createCommitOnBranch":
		return g.createCommitOnBranch(in, cid)
	}
	return nil, g.notSimulated("Mutation", name)
}

// MaxPinned is how many issues one repository can pin.
const MaxPinned = 3

func optionSpecs(raw any) ([]OptionSpec, error) {
	list, _ := raw.([]any)
	var out []OptionSpec
	for _, v := range list {
		m, _ := v.(map[string]any)
		o := OptionSpec{Name: argString(m, "name"), Color: argString(m, "color"), Description: argString(m, "description")}
		if o.Name == "" {
			return nil, unprocessable("Option name can't be blank")
		}
		out = append(out, o)
	}
	return out, nil
}

// setValue sets an item's value as updateProjectV2ItemFieldValue does: the
// value's one key must fit the field's type.
func setValue(it *Item, f *Field, raw any, now time.Time, by *User) error {
	v, _ := raw.(map[string]any)
	fv := FieldValue{}
	switch f.DataType {
	case "SINGLE_SELECT":
		id, ok := v["singleSelectOptionId"].(string)
		if !ok || f.Option(id) == nil {
			return unprocessable("The single select option Id does not belong to the field")
		}
		fv.OptionID = id
	case "TEXT":
		s, ok := v["text"].(string)
		if !ok {
			return unprocessable("A text value is required for a text field")
		}
		fv.Text = s
	case "NUMBER":
		n, ok := v["number"].(float64)
		if !ok {
			if i, isInt := v["number"].(int); isInt {
				n, ok = float64(i), true
			}
		}
		if !ok {
			return unprocessable("A number value is required for a number field")
		}
		fv.Number = &n
	case "DATE":
		d, ok := v["date"].(string)
		if !ok {
			return unprocessable("A date value is required for a date field")
		}
		fv.Date = d
	default:
		return unprocessable("Field %q of type %s cannot be updated with updateProjectV2ItemFieldValue", f.Name, f.DataType)
	}
	fv.UpdatedAt, fv.By = now, by
	it.Values[f] = fv
	if fv.OptionID != "" {
		it.record(f, fv.OptionID, now, by)
	}
	return nil
}

// createCommitOnBranch commits file changes on top of expectedHeadOid, and
// fails with STALE_DATA when the branch has moved, as GitHub does.
func (g *gq) createCommitOnBranch(in map[string]any, cid string) (any, error) {
	br, _ := in["branch"].(map[string]any)
	var r *Repo
	if id := argString(br, "id"); id != "" {
		return nil, g.notSimulated("CommittableBranch", "id")
	}
	r = g.w.Repo(argString(br, "repositoryNameWithOwner"))
	if r == nil {
		return nil, notFoundf("Could not resolve to a Repository with the name '%s'.", argString(br, "repositoryNameWithOwner"))
	}
	if !g.c.can(r, "write") {
		return nil, g.refusef("%s does not have the correct permissions to execute `CreateCommitOnBranch`", g.c.login())
	}
	branch := argString(br, "branchName")
	head := r.Head(branch)
	if head == nil {
		return nil, notFoundf("Could not resolve to a Ref with the name 'refs/heads/%s'.", branch)
	}
	expected := argString(in, "expectedHeadOid")
	if expected != head.SHA {
		return nil, gqlengine.Errorf("STALE_DATA", "Expected branch to point to \"%s\" but it did not.  Pull and try again.", expected)
	}
	changes := map[string][]byte{}
	fc, _ := in["fileChanges"].(map[string]any)
	for _, d := range anyList(fc["deletions"]) {
		p := argString(d, "path")
		if _, ok := head.Files[p]; !ok {
			return nil, unprocessable("A path was requested for deletion which does not exist as of commit oid `%s`", head.SHA)
		}
		changes[p] = nil
	}
	for _, a := range anyList(fc["additions"]) {
		content, err := base64.StdEncoding.DecodeString(argString(a, "contents"))
		if err != nil {
			return nil, unprocessable("contents of %q are not valid Base64", argString(a, "path"))
		}
		changes[argString(a, "path")] = content
	}
	msg, _ := in["message"].(map[string]any)
	text := argString(msg, "headline")
	if b := argString(msg, "body"); b != "" {
		text += "\n\n" + b
	}
	cm, err := g.w.commitFiles(r, branch, text, g.c.user, changes)
	if err != nil {
		return nil, unprocessable("%s", err)
	}
	return payload("CreateCommitOnBranchPayload", cid, map[string]any{
		"commit": commitObj{g, r, cm}, "ref": refObj{g, r, branch},
	}), nil
}

func anyList(v any) []map[string]any {
	raw, _ := v.([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
