package ghsim

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// World is the simulator's in-memory GitHub. Every exported method locks it;
// handlers and the scripted agent go through those methods, so one world can
// serve concurrent requests the way GitHub does.
type World struct {
	mu sync.Mutex

	now    func() time.Time
	nextID int64

	users    map[string]*User // by lower-case login
	repos    map[string]*Repo // by lower-case "owner/name"
	projects []*Project
	nodes    map[string]any // node ID → *User, *Repo, *Issue, *Comment, *Label, *Project, *Field, *Item
	tokens   map[string]*Token
	members  map[*User]map[*User]bool // organization → members

	// DefaultLogin is who an unknown token authenticates as ("" = reject it).
	DefaultLogin string

	// hooks run, unlocked, after a comment is created; the scripted agent
	// listens here, as claude-code-action listens to issue_comment events.
	hooks []func(CommentEvent)
}

// Token is what a token stands for: a login and the classic scopes GitHub
// reports in X-OAuth-Scopes.
type Token struct {
	Login  string
	Scopes []string
	// App marks an installation token (GITHUB_TOKEN is one): it has no
	// scopes, only Permissions, and GitHub refuses it what those lack with
	// "Resource not accessible by integration". See people.go.
	App         bool
	Permissions map[string]string // e.g. "issues" → "write"
}

// User is a user, an organization or a bot account.
type User struct {
	ID     int64
	NodeID string
	Login  string
	Name   string
	// Type is "User", "Organization" or "Bot".
	Type string
}

// Repo is a repository with its git data, issues and pull requests.
type Repo struct {
	ID            int64
	NodeID        string
	Owner         *User
	Name          string
	Private       bool
	DefaultBranch string
	CreatedAt     time.Time

	Branches map[string]string // branch → head commit SHA
	Commits  map[string]*Commit
	// Issues holds issues and pull requests, which share one numbering:
	// Issues[n-1] is number n.
	Issues        []*Issue
	Labels        map[string]*Label // by lower-case name
	Collaborators map[string]string // lower-case login → admin|maintain|write|triage|read
	Pinned        []*Issue
	CheckRuns     map[string][]*CheckRun // commit SHA → runs
	Statuses      map[string][]*Status   // commit SHA → statuses, newest last
	Workflows     []*Workflow
	// Parent is the repository this one is a fork of (nil when it is not a
	// fork); see forks.go.
	Parent *Repo
}

// FullName is "owner/name".
func (r *Repo) FullName() string { return r.Owner.Login + "/" + r.Name }

// Commit is a commit with the whole tree it points to.
type Commit struct {
	SHA     string
	Parents []string
	Message string
	Author  *User
	Date    time.Time
	Files   map[string]*Blob // path → blob
}

// Blob is a file's content and its git blob SHA.
type Blob struct {
	SHA     string
	Content []byte
}

// Issue is an issue or, when PR is set, a pull request.
type Issue struct {
	ID          int64
	NodeID      string
	Repo        *Repo
	Number      int
	Title       string
	Body        string
	Author      *User
	State       string // "open" | "closed"
	StateReason string // "", "completed", "not_planned", "reopened"
	Labels      []*Label
	Assignees   []*User
	Comments    []*Comment
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time
	// EditedAt is when the title or body was last edited (GraphQL
	// lastEditedAt); zero when never. Comments and labels move UpdatedAt only.
	EditedAt time.Time
	// Editor is who last edited the title or body (GraphQL editor); Edits
	// lists every such edit, oldest first (userContentEdits).
	Editor *User
	Edits  []*Edit
	// Events are the issue's label events, oldest first (REST issue
	// events, GraphQL LabeledEvent and UnlabeledEvent).
	Events []*IssueEvent
	PR     *PullRequest
}

// PullRequest is what a pull request has beyond its issue.
type PullRequest struct {
	NodeID     string
	Head, Base string // branch names
	// HeadRepo is the fork the head branch lives in; nil when it is the
	// pull request's own repository.
	HeadRepo       *Repo
	HeadSHA        string
	Draft          bool
	Merged         bool
	MergedAt       time.Time
	MergedBy       *User
	MergeCommitSHA string
}

// Comment is an issue or pull request comment.
type Comment struct {
	ID        int64
	NodeID    string
	Issue     *Issue
	Author    *User
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Label is a repository label.
type Label struct {
	ID          int64
	NodeID      string
	Name        string
	Color       string
	Description string
}

// CheckRun is a check run on a commit.
type CheckRun struct {
	ID          int64
	NodeID      string
	Name        string
	HeadSHA     string
	Status      string // queued | in_progress | completed
	Conclusion  string // success | failure | … when completed
	StartedAt   time.Time
	CompletedAt time.Time
}

// Status is a commit status.
type Status struct {
	ID          int64
	NodeID      string
	State       string // error | failure | pending | success
	Context     string
	Description string
	TargetURL   string
	Creator     *User
	CreatedAt   time.Time
}

// Workflow is an Actions workflow file, for `doctor`.
type Workflow struct {
	ID    int64
	Name  string
	Path  string
	State string // active | disabled_manually | disabled_inactivity
}

// Project is a Projects v2 board owned by a user or an organization.
type Project struct {
	ID        int64
	NodeID    string
	Number    int
	Owner     *User
	Title     string
	Closed    bool
	CreatedAt time.Time
	Fields    []*Field
	Items     []*Item
	Repos     []*Repo // linked repositories
	// CloseSetsDone is GitHub's built-in workflow, on by default on a new
	// board: when an item's issue or pull request closes, Status becomes Done.
	CloseSetsDone bool
	// Collaborators are people the board is shared with, by lower-case
	// login: READER, WRITER or ADMIN (see people.go).
	Collaborators map[string]string
}

// Field is a project field. DataType is GitHub's ProjectV2FieldType:
// TITLE, ASSIGNEES, LABELS, REPOSITORY, MILESTONE, LINKED_PULL_REQUESTS,
// REVIEWERS, TEXT, NUMBER, DATE, SINGLE_SELECT, ITERATION, …
type Field struct {
	ID       int64
	NodeID   string
	Project  *Project
	Name     string
	DataType string
	Options  []*SelectOption
}

// SelectOption is a single-select option.
type SelectOption struct {
	ID          string // a short hex string, as GitHub's are
	Name        string
	Color       string // GRAY, BLUE, GREEN, YELLOW, ORANGE, RED, PINK, PURPLE
	Description string
}

// Item is a card on a board.
type Item struct {
	ID        int64
	NodeID    string
	Project   *Project
	Content   *Issue // an issue or a pull request (never nil here: no drafts)
	Archived  bool
	Values    map[*Field]FieldValue
	CreatedAt time.Time
	UpdatedAt time.Time
	// History lists the single-select values set on the item, in the
	// order they were set, by any means: tests read the transitions a
	// card went through from it.
	History []FieldChange
}

// FieldChange is one single-select value set on an item, and who set it
// ("" when the world set it without an actor).
type FieldChange struct {
	Field, Option string
	At            time.Time
	By            string
}

// record notes a single-select value set on it by by (nil: nobody).
func (it *Item) record(f *Field, optionID string, at time.Time, by *User) {
	if o := f.Option(optionID); o != nil {
		ch := FieldChange{Field: f.Name, Option: o.Name, At: at}
		if by != nil {
			ch.By = by.Login
		}
		it.History = append(it.History, ch)
	}
}

// FieldValue is an item's value of one custom field.
type FieldValue struct {
	Text     string
	Number   *float64
	Date     string
	OptionID string
	// UpdatedAt is when the value was last set, and By who set it (GraphQL
	// creator); nil when the world set it without an actor.
	UpdatedAt time.Time
	By        *User
}

// CommentEvent tells hooks that a comment was created.
type CommentEvent struct {
	Repo    *Repo
	Issue   *Issue
	Comment *Comment
}

// NewWorld returns an empty world whose clock is now.
func NewWorld(now func() time.Time) *World {
	if now == nil {
		now = time.Now
	}
	return &World{
		now:    now,
		nextID: 1000,
		users:  map[string]*User{},
		repos:  map[string]*Repo{},
		nodes:  map[string]any{},
		tokens: map[string]*Token{},
	}
}

// Lock and Unlock give tests and the scripted agent a consistent view across
// several reads or writes.
func (w *World) Lock()   { w.mu.Lock() }
func (w *World) Unlock() { w.mu.Unlock() }

// Now is the world's clock.
func (w *World) Now() time.Time { return w.now().UTC().Truncate(time.Second) }

func (w *World) id() int64 { w.nextID++; return w.nextID }

// nodeID makes an ID in the shape of GitHub's current global IDs: a type
// prefix, an underscore and an opaque base64url string.
func (w *World) nodeID(prefix string, id int64, v any) string {
	n := prefix + "_" + base64.RawURLEncoding.EncodeToString([]byte("ghsim:"+strconv.FormatInt(id, 10)))
	w.nodes[n] = v
	return n
}

// Node returns what a node ID names.
func (w *World) Node(id string) (any, bool) {
	v, ok := w.nodes[id]
	return v, ok
}

// AddUser creates a user ("User"), organization ("Organization") or bot.
func (w *World) AddUser(login, typ string) *User {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addUser(login, typ)
}

func (w *World) addUser(login, typ string) *User {
	if u := w.users[strings.ToLower(login)]; u != nil {
		return u
	}
	u := &User{ID: w.id(), Login: login, Type: typ}
	prefix := map[string]string{"User": "U", "Organization": "O", "Bot": "BOT"}[typ]
	u.NodeID = w.nodeID(prefix, u.ID, u)
	w.users[strings.ToLower(login)] = u
	return u
}

// User returns a user or organization by login.
func (w *World) User(login string) *User { return w.users[strings.ToLower(login)] }

// AddToken makes token authenticate as login with the given scopes.
func (w *World) AddToken(token, login string, scopes ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.tokens[token] = &Token{Login: login, Scopes: scopes}
}

// DefaultScopes are the scopes of a token the world does not know: what a
// maintainer's classic PAT for nanobots carries.
var DefaultScopes = []string{"project", "repo", "workflow"}

// AddRepo creates a repository with one commit on its default branch.
func (w *World) AddRepo(owner, name string, files map[string]string) *Repo {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := w.User(owner)
	if o == nil {
		o = w.addUser(owner, "User")
	}
	r := &Repo{
		ID: w.id(), Owner: o, Name: name, DefaultBranch: "main", CreatedAt: w.Now(),
		Branches: map[string]string{}, Commits: map[string]*Commit{}, Labels: map[string]*Label{},
		Collaborators: map[string]string{strings.ToLower(o.Login): "admin"},
		CheckRuns:     map[string][]*CheckRun{}, Statuses: map[string][]*Status{},
	}
	r.NodeID = w.nodeID("R", r.ID, r)
	tree := map[string]*Blob{}
	for p, c := range files {
		tree[p] = newBlob([]byte(c))
	}
	c := w.commit(r, nil, "Initial commit", o, tree)
	r.Branches[r.DefaultBranch] = c.SHA
	w.repos[strings.ToLower(r.FullName())] = r
	return r
}

// Repo returns a repository by "owner/name".
func (w *World) Repo(fullName string) *Repo { return w.repos[strings.ToLower(fullName)] }

func newBlob(content []byte) *Blob {
	// git's blob SHA: sha1("blob <len>\0<content>").
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return &Blob{SHA: hex.EncodeToString(h.Sum(nil)), Content: content}
}

// commit records a commit whose tree is files, with parent as its parent.
func (w *World) commit(r *Repo, parent *Commit, msg string, author *User, files map[string]*Blob) *Commit {
	c := &Commit{Message: msg, Author: author, Date: w.Now(), Files: files}
	h := sha1.New()
	fmt.Fprintf(h, "%s\x00%d\x00%s", r.FullName(), w.id(), msg)
	if parent != nil {
		c.Parents = []string{parent.SHA}
		h.Write([]byte(parent.SHA))
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(h, "%s %s\n", p, files[p].SHA)
	}
	c.SHA = hex.EncodeToString(h.Sum(nil))
	r.Commits[c.SHA] = c
	return c
}

// reaches reports whether the commit want is from, or an ancestor of from.
func (r *Repo) reaches(from, want string) bool {
	seen := map[string]bool{}
	for stack := []string{from}; len(stack) > 0; {
		sha := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if sha == want {
			return true
		}
		if seen[sha] || r.Commits[sha] == nil {
			continue
		}
		seen[sha] = true
		stack = append(stack, r.Commits[sha].Parents...)
	}
	return false
}

// Head returns the head commit of a branch.
func (r *Repo) Head(branch string) *Commit {
	sha, ok := r.Branches[branch]
	if !ok {
		return nil
	}
	return r.Commits[sha]
}

// CommitFiles makes a commit on branch that sets (or, with a nil content,
// deletes) the given files, and returns it.
func (w *World) CommitFiles(r *Repo, branch, msg string, author *User, changes map[string][]byte) (*Commit, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.commitFiles(r, branch, msg, author, changes)
}

func (w *World) commitFiles(r *Repo, branch, msg string, author *User, changes map[string][]byte) (*Commit, error) {
	head := r.Head(branch)
	if head == nil {
		return nil, fmt.Errorf("branch %q not found", branch)
	}
	tree := make(map[string]*Blob, len(head.Files)+len(changes))
	for p, b := range head.Files {
		tree[p] = b
	}
	for p, c := range changes {
		if c == nil {
			delete(tree, p)
			continue
		}
		tree[p] = newBlob(c)
	}
	c := w.commit(r, head, msg, author, tree)
	r.Branches[branch] = c.SHA
	return c, nil
}

// CreateBranch points a new branch at the head of from.
func (w *World) CreateBranch(r *Repo, name, from string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	sha, ok := r.Branches[from]
	if !ok {
		return fmt.Errorf("branch %q not found", from)
	}
	if _, exists := r.Branches[name]; exists {
		return fmt.Errorf("branch %q already exists", name)
	}
	r.Branches[name] = sha
	return nil
}

// AddLabel creates a label, or returns the one with that name.
func (w *World) AddLabel(r *Repo, name, color, desc string) *Label {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addLabel(r, name, color, desc)
}

func (w *World) addLabel(r *Repo, name, color, desc string) *Label {
	if l := r.Labels[strings.ToLower(name)]; l != nil {
		return l
	}
	l := &Label{ID: w.id(), Name: name, Color: color, Description: desc}
	l.NodeID = w.nodeID("LA", l.ID, l)
	r.Labels[strings.ToLower(name)] = l
	return l
}

// CreateIssue opens an issue. Labels that do not exist are created, as the
// web UI's issue forms do not (they drop them); callers that want GitHub's
// exact REST behaviour go through the REST handler instead.
func (w *World) CreateIssue(r *Repo, author *User, title, body string, labels ...string) *Issue {
	w.mu.Lock()
	defer w.mu.Unlock()
	is := w.createIssue(r, author, title, body)
	for _, name := range labels {
		w.labelIssue(is, w.addLabel(r, name, "ededed", ""), author)
	}
	return is
}

func (w *World) createIssue(r *Repo, author *User, title, body string) *Issue {
	now := w.Now()
	is := &Issue{ID: w.id(), Repo: r, Number: len(r.Issues) + 1, Title: title, Body: body, Author: author,
		State: "open", CreatedAt: now, UpdatedAt: now}
	is.NodeID = w.nodeID("I", is.ID, is)
	r.Issues = append(r.Issues, is)
	return is
}

// EditIssue sets an issue's body, as its author editing it on the web does.
func (w *World) EditIssue(is *Issue, body string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.editIssue(is, is.Author, nil, &body)
}

// Issue returns issue or pull request number n of r.
func (r *Repo) Issue(n int) *Issue {
	if n < 1 || n > len(r.Issues) {
		return nil
	}
	return r.Issues[n-1]
}

// AddComment comments on an issue or pull request and tells the hooks.
func (w *World) AddComment(is *Issue, author *User, body string) *Comment {
	w.mu.Lock()
	c := w.addComment(is, author, body)
	hooks := w.hooks
	w.mu.Unlock()
	for _, h := range hooks {
		h(CommentEvent{Repo: is.Repo, Issue: is, Comment: c})
	}
	return c
}

func (w *World) addComment(is *Issue, author *User, body string) *Comment {
	now := w.Now()
	c := &Comment{ID: w.id(), Issue: is, Author: author, Body: body, CreatedAt: now, UpdatedAt: now}
	c.NodeID = w.nodeID("IC", c.ID, c)
	is.Comments = append(is.Comments, c)
	is.UpdatedAt = now
	return c
}

// OnComment registers a hook that runs after every new comment.
func (w *World) OnComment(h func(CommentEvent)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hooks = append(w.hooks, h)
}

// CreatePull opens a pull request from head into base.
func (w *World) CreatePull(r *Repo, author *User, title, body, head, base string) (*Issue, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.createPull(r, author, title, body, head, base)
}

func (w *World) createPull(r *Repo, author *User, title, body, head, base string) (*Issue, error) {
	hs, ok := r.Branches[head]
	if !ok {
		return nil, fmt.Errorf("head branch %q not found", head)
	}
	if _, ok := r.Branches[base]; !ok {
		return nil, fmt.Errorf("base branch %q not found", base)
	}
	for _, is := range r.Issues {
		if is.PR != nil && is.State == "open" && is.PR.Head == head && is.PR.Base == base {
			return nil, fmt.Errorf("a pull request already exists for %s:%s", r.Owner.Login, head)
		}
	}
	if r.reaches(r.Branches[base], hs) {
		// GitHub refuses a pull request with nothing to merge.
		return nil, fmt.Errorf("No commits between %s and %s", base, head)
	}
	is := w.createIssue(r, author, title, body)
	is.PR = &PullRequest{Head: head, Base: base, HeadSHA: hs}
	delete(w.nodes, is.NodeID)
	is.NodeID = w.nodeID("PR", is.ID, is)
	is.PR.NodeID = is.NodeID
	return is, nil
}

// MergePull merges a pull request: a merge commit on the base branch, the PR
// closed and merged, and the issues it closes closed as completed (GitHub
// closes them only when the base is the default branch).
func (w *World) MergePull(pr *Issue, by *User) (*Commit, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.mergePull(pr, by)
}

func (w *World) mergePull(pr *Issue, by *User) (*Commit, error) {
	r := pr.Repo
	switch {
	case pr.PR == nil:
		return nil, fmt.Errorf("#%d is not a pull request", pr.Number)
	case pr.PR.Merged:
		return nil, fmt.Errorf("pull request #%d is already merged", pr.Number)
	case pr.State != "open":
		return nil, fmt.Errorf("pull request #%d is closed", pr.Number)
	}
	head, base := pr.PR.headRepo(r).Head(pr.PR.Head), r.Head(pr.PR.Base)
	if head == nil || base == nil {
		return nil, fmt.Errorf("pull request #%d: head or base branch is gone", pr.Number)
	}
	w.fetchHead(pr)
	tree := make(map[string]*Blob, len(base.Files))
	for p, b := range base.Files {
		tree[p] = b
	}
	for p, b := range head.Files {
		tree[p] = b
	}
	c := w.commit(r, base, fmt.Sprintf("Merge pull request #%d from %s/%s", pr.Number, pr.PR.headRepo(r).Owner.Login, pr.PR.Head), by, tree)
	c.Parents = append(c.Parents, head.SHA)
	r.Branches[pr.PR.Base] = c.SHA
	now := w.Now()
	pr.PR.Merged, pr.PR.MergedAt, pr.PR.MergedBy, pr.PR.MergeCommitSHA = true, now, by, c.SHA
	w.closeIssue(pr, "")
	if pr.PR.Base == r.DefaultBranch {
		for _, n := range ClosingReferences(pr.Body) {
			if is := r.Issue(n); is != nil && is.PR == nil && is.State == "open" {
				w.closeIssue(is, "completed")
			}
		}
	}
	return c, nil
}

// ClosePull closes a pull request without merging it.
func (w *World) ClosePull(pr *Issue) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeIssue(pr, "")
}

// CloseIssue closes an issue, as a person would by hand.
func (w *World) CloseIssue(is *Issue, reason string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeIssue(is, reason)
}

func (w *World) closeIssue(is *Issue, reason string) {
	if is.State == "closed" {
		return
	}
	now := w.Now()
	is.State, is.StateReason, is.ClosedAt, is.UpdatedAt = "closed", reason, now, now
	for _, p := range w.projects {
		if !p.CloseSetsDone {
			continue
		}
		status := p.FieldByName("Status")
		done := status.OptionByName("Done")
		if done == nil {
			continue
		}
		for _, it := range p.Items {
			if it.Content == is {
				bot := w.addUser(ProjectAutomationBot, "Bot")
				it.Values[status] = FieldValue{OptionID: done.ID, UpdatedAt: now, By: bot}
				it.UpdatedAt = now
				it.record(status, done.ID, now, bot)
			}
		}
	}
}

func (w *World) reopenIssue(is *Issue) {
	if is.State == "open" {
		return
	}
	is.State, is.StateReason, is.ClosedAt, is.UpdatedAt = "open", "reopened", time.Time{}, w.Now()
}

// closingKeyword matches GitHub's closing keywords followed by a reference to
// an issue of the same repository (#N) or by full name (owner/repo#N).
var closingKeyword = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:[\w.-]+/[\w.-]+)?#(\d+)\b`)

// ClosingReferences returns the issue numbers that text closes with GitHub's
// keywords (close, closes, closed, fix, fixes, fixed, resolve, resolves,
// resolved; any case; an optional colon), in order, without repeats.
func ClosingReferences(text string) []int {
	var out []int
	seen := map[int]bool{}
	for _, m := range closingKeyword.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// closingPulls returns the pull requests that reference is with a closing
// keyword, as closedByPullRequestsReferences does: only PRs into the default
// branch, open ones only unless includeClosed.
func (w *World) closingPulls(is *Issue, includeClosed bool) []*Issue {
	var out []*Issue
	for _, pr := range is.Repo.Issues {
		if pr.PR == nil || pr.PR.Base != is.Repo.DefaultBranch || (!includeClosed && pr.State != "open") {
			continue
		}
		for _, n := range ClosingReferences(pr.Body) {
			if n == is.Number {
				out = append(out, pr)
				break
			}
		}
	}
	return out
}

// AddCheckRun reports a completed check run on a commit.
func (w *World) AddCheckRun(r *Repo, sha, name, conclusion string) *CheckRun {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addCheckRun(r, sha, name, "completed", conclusion)
}

func (w *World) addCheckRun(r *Repo, sha, name, status, conclusion string) *CheckRun {
	now := w.Now()
	cr := &CheckRun{ID: w.id(), Name: name, HeadSHA: sha, Status: status, Conclusion: conclusion, StartedAt: now}
	if status == "completed" {
		cr.CompletedAt = now
	}
	cr.NodeID = w.nodeID("CR", cr.ID, cr)
	r.CheckRuns[sha] = append(r.CheckRuns[sha], cr)
	return cr
}

func (w *World) addStatus(r *Repo, sha, state, context, desc, target string, creator *User) *Status {
	s := &Status{ID: w.id(), State: state, Context: context, Description: desc, TargetURL: target, Creator: creator, CreatedAt: w.Now()}
	s.NodeID = w.nodeID("SC", s.ID, s)
	r.Statuses[sha] = append(r.Statuses[sha], s)
	return s
}

// latestStatuses returns the newest status per context.
func latestStatuses(all []*Status) []*Status {
	seen := map[string]bool{}
	var out []*Status
	for i := len(all) - 1; i >= 0; i-- {
		if !seen[all[i].Context] {
			seen[all[i].Context] = true
			out = append(out, all[i])
		}
	}
	return out
}

// combinedState is GitHub's combined status: failure if any is error or
// failure, pending if any is pending (or none exist), success otherwise.
func combinedState(sts []*Status) string {
	if len(sts) == 0 {
		return "pending"
	}
	state := "success"
	for _, s := range sts {
		switch s.State {
		case "error", "failure":
			return "failure"
		case "pending":
			state = "pending"
		}
	}
	return state
}

// SetPermission makes login a collaborator of r with the given permission.
func (w *World) SetPermission(r *Repo, login, perm string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.User(login) == nil {
		w.addUser(login, "User")
	}
	r.Collaborators[strings.ToLower(login)] = perm
}

// Permission returns login's permission on r: admin, maintain, write,
// triage, read (public repository) or none.
func (r *Repo) Permission(login string) string {
	if p, ok := r.Collaborators[strings.ToLower(login)]; ok {
		return p
	}
	if !r.Private {
		return "read"
	}
	return "none"
}
