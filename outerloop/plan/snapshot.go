package plan

import (
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// Snapshot is what one cycle saw of GitHub. The planner reads nothing else.
type Snapshot struct {
	// Repo is "owner/name"; DefaultBranch its default branch.
	Repo, DefaultBranch string
	// Viewer is the login of the token that reads the board and dispatches.
	Viewer string
	// Trust says whose markers count: every step of the cycle reads it
	// from here.
	Trust ledger.Trust
	// Board is the board with its fields; Items are its cards that are
	// issues of Repo, in board order (pull requests, drafts and other
	// repositories' issues are left alone).
	Board *model.Board
	Items []*Item
	// New are open issues carrying the inbox label that are not on the
	// board yet, oldest first, with their details.
	New []*model.Issue
	// Permissions are the repository permissions (admin, write, read,
	// none) of the people who opened pull requests that close dispatched
	// work, by lower-case login.
	Permissions map[string]string
	// Forms are the issue-form answers of every issue read with its
	// details, by issue ID, parsed once. An issue absent here is parsed by
	// the planner when it needs it.
	Forms map[string]policy.Form
	// States maps issue numbers the plan may ask about (board items and
	// the blockers their forms name) to OPEN or CLOSED; a number absent
	// here is unknown (a blocker that does not exist).
	States map[int]string
	// StatusIssue is the loop's status issue, when one written by a
	// trusted login exists.
	StatusIssue *model.Issue
	// Pinned is how many issues the repository has pinned.
	Pinned int
	// Branches are the agent's newest branches (claude/issue-N-…) of
	// each item that is or was dispatched, newest first, by issue number.
	Branches map[int][]model.Ref
	// Remaining is the GraphQL points left this hour.
	Remaining int
}

// Item is a card on the board whose content is an issue of the repository.
type Item struct {
	model.Item
	// Issue holds the issue's details (body, comments, closing pull
	// requests). Observe reads them for every item the plan may act on;
	// nil for the rest (Done items).
	Issue *model.Issue
}

// Status is the item's Status option name ("" when unset).
func (it *Item) Status() string { return it.Values[policy.FieldStatus] }

// Number is the item's issue number.
func (it *Item) Number() int { return it.Content.Number }

// HasLabel reports whether the item's issue carries the label.
func (it *Item) HasLabel(name string) bool { return HasLabel(it.Content.Labels, name) }

func HasLabel(labels []string, name string) bool {
	for _, l := range labels {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

// DoneLookback is how long after an item reached Done the loop still reads
// it: GitHub's built-in board workflow moves an item to Done the moment its
// issue closes, before the loop has checked CI on the merge commit and
// written the LEARNINGS entry, so recent Done items are checked once more.
const DoneLookback = 7 * 24 * time.Hour

// NeedsDetails reports whether the plan may act on an item, so observe reads
// its issue's details. Done items are history once DoneLookback has passed,
// and an issue closed by hand is left where it is unless its work is being
// followed (In Progress, In Review, Verify: merging the pull request closes
// the issue).
func NeedsDetails(it model.Item, summon string, now time.Time) bool {
	if HasLabel(it.Content.Labels, summon) && it.Values[policy.FieldStatus] != policy.StatusDone {
		return true // to say why a person is needed, in the loop's words
	}
	switch it.Values[policy.FieldStatus] {
	case policy.StatusDone:
		return it.Content.State == "CLOSED" && now.Sub(it.Set[policy.FieldStatus]) < DoneLookback
	case policy.StatusInProgress, policy.StatusInReview, policy.StatusVerify:
		return true
	}
	return it.Content.State != "CLOSED"
}
