package policy

// The board's states: the options of its Status field that the loop reads
// and writes. A board may have more options; the loop leaves items in them
// alone.
const (
	StatusInbox      = "Inbox"
	StatusBacklog    = "Backlog"
	StatusReady      = "Ready"
	StatusInProgress = "In Progress"
	StatusInReview   = "In Review"
	StatusVerify     = "Verify"
	StatusDone       = "Done"
	StatusBlocked    = "Blocked"
)

// Statuses are the Status options the loop needs, in board order.
var Statuses = []string{
	StatusInbox, StatusBacklog, StatusReady, StatusInProgress,
	StatusInReview, StatusVerify, StatusDone, StatusBlocked,
}

// The board fields the loop reads and writes. Status is built into every
// board; Priority and Size are single-select fields whose options are the
// rubric's priorities and sizes.
const (
	FieldStatus   = "Status"
	FieldPriority = "Priority"
	FieldSize     = "Size"
)

// Labels the loop uses that are not configurable: they only help the loop
// find its own issues, which it then trusts by author and marker.
const (
	LabelStatus  = "nanobots:status"
	LabelDistill = "nanobots:distill"
	// LabelBuilt marks every pull request that does an item's work, opened
	// by the loop or by the agent: the execution audit.
	LabelBuilt = "nanobots:built"
)

// LabelSpec is a label the loop needs, as `nanobots bootstrap` creates it.
type LabelSpec struct {
	Name        string
	Color       string // six hex digits, no '#'
	Description string // at most 100 characters, GitHub's limit
}

// LoopLabels are the labels the loop reads or writes, with the colour and
// description bootstrap gives them.
func (c Config) LoopLabels() []LabelSpec {
	return []LabelSpec{
		{c.Labels.Inbox, "c5def5", "Filed through a form; the nanobots loop triages it onto the board"},
		{c.Labels.SummonHuman, "d93f0b", "The nanobots loop waits for a maintainer; remove the label to resume"},
		{LabelStatus, "0e8a16", "The pinned nanobots status issue"},
		{LabelDistill, "5319e7", "Asks the agent to fold LEARNINGS.md into the rubric and recipes"},
		{LabelBuilt, "1d76db", "Work for a nanobots item, done by the coding agent"},
	}
}
