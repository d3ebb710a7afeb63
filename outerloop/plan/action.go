package plan

import (
	"fmt"
	"strings"
	"time"
)

// Kind is what an Action does.
type Kind string

// The kinds of action. Every one is safe to repeat: adding an item that is
// on the board returns it, setting a field to its value changes nothing, and
// a comment carries a marker the next plan finds, so it is posted once.
const (
	// AddToBoard puts the issue on the board with Status = Value.
	AddToBoard Kind = "add-to-board"
	// SetField sets the item's single-select Field to the option Value.
	SetField Kind = "set-field"
	// Comment posts Body on the issue (as the Actions bot when it can).
	Comment Kind = "comment"
	// Dispatch posts Body, which starts with the trigger phrase, on the
	// issue with the dispatcher's token, so the inner workflow starts.
	Dispatch Kind = "dispatch"
	// OpenPR opens a pull request from the branch Value into the default
	// branch, titled Title, with Body, with the dispatcher's token (so that
	// CI runs on it), and labels it Labels; unless one from that branch
	// exists already.
	OpenPR Kind = "open-pr"
	// AddLabels adds Labels to the issue, or to the pull request PR when
	// it is set.
	AddLabels Kind = "add-labels"
	// Assign assigns Users to the issue.
	Assign Kind = "assign"
	// Learn appends Body, the issue's LEARNINGS.md entry, on the learnings
	// branch Value, unless its marker is there already; then it opens a
	// distill issue when enough entries have gathered since the last.
	Learn Kind = "learn"
	// Distill opens the next distill issue when a distill issue reached
	// Done and enough entries have gathered since it (as Learn does after
	// its append).
	Distill Kind = "distill"
)

// Action is one write the plan asks for, with the reason a person reads in
// the dry run, the job summary and the status issue.
type Action struct {
	Kind    Kind     `json:"kind"`
	Issue   int      `json:"issue"`
	IssueID string   `json:"issue_id"`
	ItemID  string   `json:"item_id,omitempty"` // empty until AddToBoard ran
	Field   string   `json:"field,omitempty"`
	Value   string   `json:"value,omitempty"`
	From    string   `json:"from,omitempty"` // the field's value before
	Labels  []string `json:"labels,omitempty"`
	Users   []string `json:"users,omitempty"`
	Title   string   `json:"title,omitempty"`
	Body    string   `json:"body,omitempty"`
	// PR is the pull request an action writes to, when not the issue.
	PR int `json:"pr,omitempty"`
	// Attempt is the dispatch's attempt number.
	Attempt int    `json:"attempt,omitempty"`
	Why     string `json:"why"`
}

// String is the action in one line, as the dry run prints it.
func (a Action) String() string {
	switch a.Kind {
	case AddToBoard:
		return fmt.Sprintf("#%d: add to the board as %s", a.Issue, a.Value)
	case SetField:
		if a.From == "" {
			return fmt.Sprintf("#%d: set %s to %s", a.Issue, a.Field, a.Value)
		}
		return fmt.Sprintf("#%d: move %s %s → %s", a.Issue, a.Field, a.From, a.Value)
	case Comment:
		return fmt.Sprintf("#%d: comment (%s)", a.Issue, firstLine(a.Body))
	case Dispatch:
		return fmt.Sprintf("#%d: dispatch attempt %d", a.Issue, a.Attempt)
	case OpenPR:
		return fmt.Sprintf("#%d: open a pull request from %s", a.Issue, a.Value)
	case AddLabels:
		if a.PR != 0 {
			return fmt.Sprintf("#%d: label pull request #%d %s", a.Issue, a.PR, strings.Join(a.Labels, ", "))
		}
		return fmt.Sprintf("#%d: label %s", a.Issue, strings.Join(a.Labels, ", "))
	case Assign:
		return fmt.Sprintf("#%d: assign @%s", a.Issue, strings.Join(a.Users, ", @"))
	case Learn:
		return fmt.Sprintf("#%d: append its entry to LEARNINGS.md on %s", a.Issue, a.Value)
	case Distill:
		return fmt.Sprintf("#%d: open the next distill issue if enough entries have gathered on %s", a.Issue, a.Value)
	}
	return fmt.Sprintf("#%d: %s", a.Issue, a.Kind)
}

// firstLine is the first line of text that is not a marker, cut to 72
// characters.
func firstLine(body string) string {
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "<!--") {
			continue
		}
		if r := []rune(line); len(r) > 72 {
			line = string(r[:71]) + "…"
		}
		return line
	}
	return ""
}

// Done is an action carried out, or the one that failed.
type Done struct {
	Action
	// Step is the action's place in the plan.
	Step int       `json:"step"`
	At   time.Time `json:"at"`
	// URL is the comment's address, for comments and dispatches.
	URL string `json:"url,omitempty"`
	// Skipped says why an action was not needed after all (a dispatch
	// another cycle made first).
	Skipped string `json:"skipped,omitempty"`
	Err     string `json:"error,omitempty"`
}
