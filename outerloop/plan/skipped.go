package plan

// A SkipReason (Done.Skip) says, for code and tests, why apply did not carry
// an action out after all; Done.Skipped says it for people. Apply sets both;
// nothing may branch on Done.Skipped's text.
type SkipReason string

// Why apply skips an action.
const (
	// SkipWithdrawn: another cycle running at the same time posted the same
	// comment first; this cycle's copy was deleted.
	SkipWithdrawn SkipReason = "withdrawn"
	// SkipOnBoard: another cycle put the issue on the board first, so the
	// rest of its actions, planned from an older snapshot, are left alone.
	SkipOnBoard SkipReason = "on-board"
	// SkipDispatched: another cycle dispatched the attempt first.
	SkipDispatched SkipReason = "dispatched"
	// SkipLearned: the LEARNINGS.md entry is on the learnings branch already.
	SkipLearned SkipReason = "learned"
	// SkipPullExists: a pull request from the agent's branch exists
	// already (another cycle opened it).
	SkipPullExists SkipReason = "pull-exists"
	// SkipRefused: GitHub refused the write (for a pull request: nothing
	// to merge); nothing was done, and the next plan decides again.
	SkipRefused SkipReason = "refused"
)
