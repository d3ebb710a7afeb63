// Package model is GitHub's objects as the outer loop reads them: the
// board, its fields and items, issues with their comments and closing pull
// requests, branches. Package gql decodes its answers into these; the
// planner reads nothing else of GitHub. It is data only: it must never do
// I/O or import anything that does.
package model

import (
	"strings"
	"time"
)

// Board is a Projects v2 board with its fields and every item (ReadBoard,
// ReadCycle), or with its fields and linked repositories (ReadBoardSetup).
type Board struct {
	ID     string
	Title  string
	URL    string
	Fields []Field
	Items  []Item
	// Repositories are the linked repositories, as owner/name; only
	// ReadBoardSetup reads them.
	Repositories []string
	// Points is what reading it cost, summed from rateLimit.cost.
	Points int
	// Remaining is the GraphQL points left this hour after the last page.
	Remaining int
}

// Field is a board field; Options are set for single-select fields.
type Field struct {
	ID       string
	Name     string
	DataType string
	Options  []Option
}

// Option is a single-select option. Color and Description are read with
// it because updateProjectV2Field wants them back for every option it keeps
// (reading two more scalars on a page costs no more points).
type Option struct {
	ID          string
	Name        string
	Color       string // GRAY, BLUE, GREEN, YELLOW, ORANGE, RED, PINK, PURPLE
	Description string
}

// Item is a card. Values maps a field's name to its single-select option
// name or text value.
type Item struct {
	ID       string
	Type     string // ISSUE, PULL_REQUEST, DRAFT_ISSUE, REDACTED
	Archived bool
	Values   map[string]string
	// Set maps a single-select field's name to when its value was set.
	Set     map[string]time.Time
	Content Content
}

// Content is the issue or pull request on a card.
type Content struct {
	ID         string
	Number     int
	Title      string
	State      string // OPEN, CLOSED, MERGED
	Repository string // owner/name
	Labels     []string
	IsPull     bool
}

// Field returns the field with the given name, or nil.
func (b *Board) Field(name string) *Field {
	for i := range b.Fields {
		if b.Fields[i].Name == name {
			return &b.Fields[i]
		}
	}
	return nil
}

// Linked reports whether the repository owner/name is linked to the board.
func (b *Board) Linked(repo string) bool {
	for _, r := range b.Repositories {
		if strings.EqualFold(r, repo) {
			return true
		}
	}
	return false
}

// Option returns the option with the given name, or nil.
func (f *Field) Option(name string) *Option {
	for i := range f.Options {
		if f.Options[i].Name == name {
			return &f.Options[i]
		}
	}
	return nil
}

// Ref is a branch and its newest commit.
type Ref struct {
	Name string
	// CommittedAt is when the branch's head commit was committed.
	CommittedAt time.Time
}

// Issue is an issue with what the planner needs to decide its next step.
type Issue struct {
	ID          string
	Number      int
	Title       string
	Body        string
	URL         string
	Author      Actor
	State       string // OPEN, CLOSED
	StateReason string // COMPLETED, NOT_PLANNED, REOPENED, or ""
	CreatedAt   time.Time
	// EditedAt is the last edit of the title or body; zero when never.
	EditedAt  time.Time
	ClosedAt  time.Time
	Pinned    bool
	Labels    []string
	Assignees []string
	// Comments are the latest comments, oldest first; CommentCount is how
	// many the issue has in all.
	Comments     []Comment
	CommentCount int
	// ClosingPRs are the pull requests that close the issue when merged,
	// closed ones included.
	ClosingPRs []PullRequest
}

// Actor is who wrote something: Type is "User", "Bot" or "Organization"
// (GraphQL gives a bot's login without "[bot]").
type Actor struct {
	Login string
	Type  string
}

// Comment is an issue comment.
type Comment struct {
	ID         string
	DatabaseID int64
	URL        string
	Author     Actor
	Body       string
	CreatedAt  time.Time
}

// PullRequest is a pull request that closes an issue.
type PullRequest struct {
	ID      string
	Number  int
	URL     string
	Title   string
	Body    string
	State   string // OPEN, CLOSED, MERGED
	Draft   bool
	HeadRef string
	// Author opened it; Labels are its labels.
	Author Actor
	Labels []string
	// CreatedAt is when the pull request was opened.
	CreatedAt time.Time
	MergedAt  time.Time
	ClosedAt  time.Time
	// MergeCommit is the merge commit's SHA once merged.
	MergeCommit string
	// CI is the merge commit's combined check state: SUCCESS, FAILURE,
	// ERROR, PENDING, EXPECTED, or "" when nothing reported.
	CI     string
	Checks []Check
}

// Check is one check run or commit status on a merge commit.
type Check struct {
	Name  string
	State string // a check run's conclusion or status, or a status's state
	URL   string
}
