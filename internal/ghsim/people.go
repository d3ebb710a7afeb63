package ghsim

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
)

// People in the simulated world: who a token is, what each person may do to
// a repository, and who did what (label events, issue edits, field values).
//
// A token authenticates, in this order, as: the login AddToken gave it;
// <login> for "sim-<login>" (a classic PAT of an existing user; an unknown
// login is 401 Bad credentials); github-actions[bot] for a token that starts
// with "ghs_" (an installation token, as GITHUB_TOKEN is, with the outer
// workflow's permissions); otherwise World.DefaultLogin.

// ActionsPermissions are what GITHUB_TOKEN holds in nanobots' outer workflow
// (templates/files/.github/workflows/nanobots-outer.yml.tmpl), plus the
// metadata read every installation token has. A test compares them with the
// template.
var ActionsPermissions = map[string]string{
	"metadata":      "read",
	"contents":      "write",
	"issues":        "write",
	"pull_requests": "read",
	"checks":        "read",
	"statuses":      "read",
	"actions":       "read",
}

// ProjectAutomationBot is who GitHub's built-in project workflows act as
// (the item history says "github-project-automation").
const ProjectAutomationBot = "github-project-automation[bot]"

// Roles are the repository roles, weakest first. "none" is no role: on a
// public repository its holder still reads, comments and opens issues and
// pull requests, as anyone signed in to GitHub may.
var Roles = []string{"none", "read", "triage", "write", "maintain", "admin"}

func roleRank(role string) int {
	for i, r := range Roles {
		if r == role {
			return i
		}
	}
	return -1
}

// simTokenPrefix makes a token that authenticates as a person: sim-<login>.
const simTokenPrefix = "sim-"

// PersonToken is the token that authenticates as login: "sim-<login>".
func PersonToken(login string) string { return simTokenPrefix + login }

// authenticate returns who a token is, or nil.
func (w *World) authenticate(token string) (*User, *Token) {
	if t, ok := w.tokens[token]; ok {
		if strings.EqualFold(t.Login, ActionsBot) && !t.App {
			// github-actions[bot] only ever signs in with an installation
			// token: give it the workflow's permissions, never scopes.
			t = &Token{Login: t.Login, App: true, Permissions: ActionsPermissions}
		}
		return w.User(t.Login), t
	}
	if login, ok := strings.CutPrefix(token, simTokenPrefix); ok {
		u := w.User(login)
		if u == nil || u.Type != "User" {
			return nil, nil // GitHub: 401 Bad credentials
		}
		return u, &Token{Login: u.Login, Scopes: DefaultScopes}
	}
	if strings.HasPrefix(token, "ghs_") {
		bot := w.addUser(ActionsBot, "Bot")
		return bot, &Token{Login: bot.Login, App: true, Permissions: ActionsPermissions}
	}
	if token != "" && w.DefaultLogin != "" {
		return w.User(w.DefaultLogin), &Token{Login: w.DefaultLogin, Scopes: DefaultScopes}
	}
	return nil, nil
}

// AddPerson adds a person with a role on r (one of Roles) and returns them;
// their token is PersonToken(login). "none" makes them no collaborator.
func (w *World) AddPerson(r *Repo, login, role string) (*User, error) {
	if roleRank(role) < 0 {
		return nil, fmt.Errorf("role %q: want one of %s", role, strings.Join(Roles, ", "))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	u := w.User(login)
	if u == nil {
		u = w.addUser(login, "User")
	}
	if u.Type != "User" {
		return nil, fmt.Errorf("%s is a %s, not a person", login, strings.ToLower(u.Type))
	}
	if role == "none" {
		delete(r.Collaborators, strings.ToLower(login))
	} else {
		r.Collaborators[strings.ToLower(login)] = role
	}
	return u, nil
}

// ParsePerson reads "LOGIN:ROLE", as `nanobots sim --user` takes it.
func ParsePerson(s string) (login, role string, err error) {
	login, role, ok := strings.Cut(s, ":")
	if !ok || login == "" || roleRank(role) < 0 {
		return "", "", fmt.Errorf("%q: want LOGIN:ROLE with ROLE one of %s", s, strings.Join(Roles, ", "))
	}
	return login, role, nil
}

// appPermission is the installation-token permission a role stands for
// where a handler asks for a role: reading is metadata, triaging is issues,
// writing is contents. Maintain and admin are beyond any workflow token.
var appPermission = map[string]string{
	"none": "metadata:read", "read": "metadata:read", "triage": "issues:write", "write": "contents:write",
}

// appHas reports whether an installation token holds a permission such as
// "issues:write" (write implies read).
func appHas(t *Token, want string) bool {
	name, level, _ := strings.Cut(want, ":")
	have := t.Permissions[name]
	return have == level || have == "write" && level == "read"
}

// can reports whether the caller holds at least role on r. An installation
// token is judged by its permissions, not by a role.
func (c *call) can(r *Repo, role string) bool {
	if c.user == nil {
		return false
	}
	if c.app() {
		p, ok := appPermission[role]
		return ok && appHas(c.token, p)
	}
	return roleRank(r.Permission(c.login())) >= roleRank(role)
}

// canApp reports whether an installation token holds permission (e.g.
// "pull_requests:write"); a person's token always passes this check.
func (c *call) canApp(permission string) bool {
	return !c.app() || appHas(c.token, permission)
}

// app reports whether the caller holds an installation token.
func (c *call) app() bool { return c.token != nil && c.token.App }

// refuse is GitHub's answer to a caller who may not do something: an
// installation token always gets 403 "Resource not accessible by
// integration"; a person gets status and msg, the answer documented (or,
// where the description is silent, observed) for that operation.
func (c *call) refuse(status int, msg string) *apiError {
	if c.app() {
		return forbidden(integrationRefusal)
	}
	return &apiError{status: status, message: msg}
}

const integrationRefusal = "Resource not accessible by integration"

// GitHub's messages to a person with a classic token who lacks a role.
const (
	needAdminRights = "Must have admin rights to Repository."
	needPushAccess  = "Must have push access to repository."
)

// personRefused is 403 with needAdminRights, what the issues API answers.
func (c *call) personRefused() *apiError { return c.refuse(http.StatusForbidden, needAdminRights) }

// Edit is one edit of an issue's title or body (GraphQL UserContentEdit).
type Edit struct {
	ID     int64
	NodeID string
	Editor *User
	At     time.Time
	// Diff is the body after the edit.
	Diff string
}

// IssueEvent is a "labeled" or "unlabeled" event of an issue.
type IssueEvent struct {
	ID         int64
	NodeID     string
	Event      string // labeled | unlabeled
	Actor      *User
	Label      string
	LabelColor string
	At         time.Time
	label      *Label
}

// editIssue sets title and/or body (nil leaves one as it is) as by, and
// records the edit when anything changed.
func (w *World) editIssue(is *Issue, by *User, title, body *string) {
	changed := false
	if title != nil && *title != is.Title {
		is.Title, changed = *title, true
	}
	if body != nil && *body != is.Body {
		is.Body, changed = *body, true
	}
	if !changed {
		return
	}
	now := w.Now()
	is.EditedAt, is.UpdatedAt, is.Editor = now, now, by
	e := &Edit{ID: w.id(), Editor: by, At: now, Diff: is.Body}
	e.NodeID = w.nodeID("UCE", e.ID, e)
	is.Edits = append(is.Edits, e)
}

// EditIssueAs edits an issue's title and/or body as by would on the web,
// whatever by's role: tests that check GitHub's refusals go through REST.
func (w *World) EditIssueAs(is *Issue, by *User, title, body *string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.editIssue(is, by, title, body)
}

// labelIssue adds l to is as by, with a "labeled" event; no-op if present.
func (w *World) labelIssue(is *Issue, l *Label, by *User) {
	if hasAllLabels(is, []string{l.Name}) {
		return
	}
	is.Labels = append(is.Labels, l)
	w.labelEvent(is, "labeled", l, by)
}

// unlabelIssue removes l from is as by, with an "unlabeled" event.
func (w *World) unlabelIssue(is *Issue, l *Label, by *User) bool {
	for i, x := range is.Labels {
		if strings.EqualFold(x.Name, l.Name) {
			is.Labels = append(is.Labels[:i:i], is.Labels[i+1:]...)
			w.labelEvent(is, "unlabeled", x, by)
			return true
		}
	}
	return false
}

func (w *World) labelEvent(is *Issue, event string, l *Label, by *User) {
	now := w.Now()
	ev := &IssueEvent{ID: w.id(), Event: event, Actor: by, Label: l.Name, LabelColor: l.Color, At: now, label: l}
	prefix := map[string]string{"labeled": "LE", "unlabeled": "UNLE"}[event]
	ev.NodeID = w.nodeID(prefix, ev.ID, ev)
	is.Events = append(is.Events, ev)
	is.UpdatedAt = now
}

// LabelIssue adds labels to an issue as by would on the web (creating any
// that do not exist), each with a "labeled" event whose actor is by.
func (w *World) LabelIssue(is *Issue, by *User, names ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, n := range names {
		w.labelIssue(is, w.addLabel(is.Repo, n, "ededed", ""), by)
	}
}

// UnlabelIssue removes a label from an issue as by, with an "unlabeled"
// event; it reports whether the issue had it.
func (w *World) UnlabelIssue(is *Issue, by *User, name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := is.Repo.Labels[strings.ToLower(name)]
	return l != nil && w.unlabelIssue(is, l, by)
}

// setLabels makes is's labels exactly ls as by, recording an event for each
// label added or removed.
func (w *World) setLabels(is *Issue, ls []*Label, by *User) {
	keep := map[*Label]bool{}
	for _, l := range ls {
		keep[l] = true
	}
	for _, l := range append([]*Label(nil), is.Labels...) {
		if !keep[l] {
			w.unlabelIssue(is, l, by)
		}
	}
	for _, l := range ls {
		w.labelIssue(is, l, by)
	}
}

// issueEventJSON is a labeled-issue-event or unlabeled-issue-event.
func (c *call) issueEventJSON(is *Issue, ev *IssueEvent) obj {
	return obj{
		"id": ev.ID, "node_id": ev.NodeID, "url": fmt.Sprintf("%s/issues/events/%d", c.repoAPI(is.Repo), ev.ID),
		"actor": c.userJSON(ev.Actor), "event": ev.Event, "commit_id": nil, "commit_url": nil,
		"created_at": ts(ev.At), "performed_via_github_app": nil,
		"label": obj{"name": ev.Label, "color": ev.LabelColor},
	}
}

// listIssueEvents is GET /repos/{owner}/{repo}/issues/{issue_number}/events:
// the label events, oldest first.
func listIssueEvents(c *call, p map[string]string) (int, any) {
	_, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	return http.StatusOK, list(page(c, is.Events), func(ev *IssueEvent) any { return c.issueEventJSON(is, ev) })
}

// labelEvents are is's label events as GraphQL timeline items.
func (g *gq) labelEvents(is *Issue, labeled, unlabeled bool) []timelineItem {
	var out []timelineItem
	for _, ev := range is.Events {
		typ := map[string]string{"labeled": "LabeledEvent", "unlabeled": "UnlabeledEvent"}[ev.Event]
		if typ == "LabeledEvent" && !labeled || typ == "UnlabeledEvent" && !unlabeled {
			continue
		}
		var actor any
		if ev.Actor != nil {
			actor = g.owner(ev.Actor)
		}
		out = append(out, timelineItem{ev.At, gqlengine.NewRecord(typ, map[string]any{
			"id": ev.NodeID, "createdAt": gtime(ev.At), "actor": actor,
			"label": labelObj{g, ev.label}, "labelable": g.issueOrPull(is),
		})})
	}
	return out
}

// userContentEdits are is's edits, newest first, as GitHub lists them.
func (g *gq) userContentEdits(is *Issue, args map[string]any) (any, error) {
	edits := make([]*Edit, 0, len(is.Edits))
	for i := len(is.Edits) - 1; i >= 0; i-- {
		edits = append(edits, is.Edits[i])
	}
	return conn("UserContentEditConnection", edits, func(e *Edit) any {
		var editor any
		if e.Editor != nil {
			editor = g.owner(e.Editor)
		}
		return gqlengine.NewRecord("UserContentEdit", map[string]any{
			"id": e.NodeID, "createdAt": gtime(e.At), "updatedAt": gtime(e.At), "editedAt": gtime(e.At),
			"editor": editor, "diff": e.Diff, "deletedAt": nil, "deletedBy": nil,
		})
	}, args)
}

// timelineItem is one item of an issue's timeline, with when it happened.
type timelineItem struct {
	at   time.Time
	item any
}

// botViewer is an installation token's viewer. Query.viewer is a User, so
// GitHub answers with the bot as a User whose login keeps its "[bot]"
// (e.g. "github-actions[bot]"), unlike the Bot the bot is everywhere else.
type botViewer struct{ ownerObj }

func (v botViewer) TypeName() string { return "User" }

func (v botViewer) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	if name == "login" {
		return v.u.Login, nil
	}
	return v.ownerObj.Field(ctx, name, args)
}

// ProjectRoles are the roles a board can be shared with.
var ProjectRoles = []string{"READER", "WRITER", "ADMIN"}

// ShareProject shares a board with a person as READER, WRITER or ADMIN,
// as its owner does in the board's settings ("Manage access"), so that
// person may read it or move its cards through the API.
func (w *World) ShareProject(p *Project, login, role string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	u := w.User(login)
	if u == nil || u.Type != "User" {
		return fmt.Errorf("no person %q", login)
	}
	if !slices.Contains(ProjectRoles, role) {
		return fmt.Errorf("project role %q: want one of %s", role, strings.Join(ProjectRoles, ", "))
	}
	if p.Collaborators == nil {
		p.Collaborators = map[string]string{}
	}
	p.Collaborators[strings.ToLower(login)] = role
	return nil
}

// canWriteProject: the owner, an organization's members, and people the
// board is shared with as WRITER or ADMIN may change it; a READER may not.
func (g *gq) canWriteProject(p *Project) bool {
	if !g.canSeeProject(p) {
		return false
	}
	role, shared := p.Collaborators[strings.ToLower(g.c.user.Login)]
	return !shared || role != "READER" || p.Owner == g.c.user ||
		p.Owner.Type == "Organization" && g.w.IsMember(p.Owner, g.c.user)
}
