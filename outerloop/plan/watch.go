package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nanobots/nanobots/gql"
	"github.com/nanobots/nanobots/ledger"
	"github.com/nanobots/nanobots/policy"
)

// ciGrace is how long after a merge the loop waits for CI to report on the
// merge commit before it takes "no checks at all" to mean the repository
// runs no CI.
const ciGrace = 15 * time.Minute

// AgentBranchPrefix is where claude-code-action pushes work for issue N:
// claude/issue-N-<timestamp>.
const AgentBranchPrefix = "claude/issue-"

// closingPR picks the pull request that stands for an item's work: a merged
// one first, then an open one, then the newest closed one.
func closingPR(is *gql.Issue) (gql.PullRequest, bool) {
	prs := is.ClosingPRs
	for _, state := range []string{"MERGED", "OPEN"} {
		if i := slices.IndexFunc(prs, func(p gql.PullRequest) bool { return p.State == state }); i >= 0 {
			return prs[i], true
		}
	}
	if len(prs) > 0 {
		return prs[len(prs)-1], true
	}
	return gql.PullRequest{}, false
}

// agentBranch returns a branch the agent pushed for issue n, if any.
func (pl *planner) agentBranch(n int) string {
	prefix := fmt.Sprintf("%s%d-", AgentBranchPrefix, n)
	for _, r := range pl.s.Refs {
		if strings.HasPrefix(r, prefix) {
			return r
		}
	}
	return ""
}

// attempts returns the dispatch notes since the last time a human was
// summoned (a maintainer who hands an item back gives it a fresh budget)
// and the highest attempt number ever used, which the next attempt follows.
func attempts(notes []ledger.Note) (recent []ledger.Note, highest int) {
	for _, n := range notes {
		switch n.Kind {
		case ledger.MarkSummon:
			recent = nil
		case ledger.MarkDispatch:
			recent = append(recent, n)
			highest = max(highest, n.Int("attempt"))
		}
	}
	return recent, highest
}

// inProgress follows a dispatched item: to In Review once a pull request
// closes it; back to Ready for another attempt when the attempt made no
// pull request within the stale timeout; Blocked with a human summoned once
// the attempts are used up.
func (pl *planner) inProgress(it *Item) {
	is := it.Issue
	if pr, ok := closingPR(is); ok {
		pl.move(it, policy.StatusInReview, fmt.Sprintf("pull request #%d closes it", pr.Number))
		pl.inReview(it)
		return
	}
	if is.State == "CLOSED" {
		pl.wait(it, false, "closed by hand with no pull request: left alone")
		return
	}
	notes := pl.trust.Notes(is)
	last := ledger.Last(notes, ledger.MarkDispatch)
	newest := ledger.Last(notes, ledger.MarkDispatch, ledger.MarkRequeue, ledger.MarkSummon, ledger.MarkDone)
	if newest != nil && newest.Kind == ledger.MarkRequeue && !it.Set[policy.FieldStatus].After(newest.Comment.CreatedAt) {
		// An earlier cycle sent it back and stopped before moving it.
		pl.requeue(it, notes, fmt.Sprintf("attempt %d was given up by an earlier cycle", newest.Int("attempt")))
		return
	}
	if last == nil || newest != last {
		// Moved to In Progress by a person, not by a dispatch (the loop's
		// newest word on it is not one): theirs. The time of the move says
		// nothing: a cycle that finds its predecessor's dispatch without the
		// move makes the move itself, a cycle later.
		pl.wait(it, true, "In Progress without a dispatch by the loop: a person is on it")
		return
	}
	since := pl.now.Sub(last.Comment.CreatedAt)
	if branch := pl.agentBranch(is.Number); branch != "" && since > pl.innerTimeout() {
		pl.missingPR(it, branch, last)
		return
	}
	if since < pl.staleAfter() {
		pl.wait(it, false, fmt.Sprintf("attempt %d dispatched %s ago; no pull request yet", last.Int("attempt"), roundDur(since)))
		return
	}
	pl.requeue(it, notes, fmt.Sprintf("attempt %d made no pull request in %s", last.Int("attempt"), roundDur(since)))
}

// staleAfter is how long an attempt may go without a pull request: the
// stale timeout, but never less than the inner job's own timeout, so an
// attempt that may still be running is never dispatched again.
func (pl *planner) staleAfter() time.Duration {
	return max(time.Duration(pl.p.Config.StaleTimeout), pl.innerTimeout())
}

func (pl *planner) innerTimeout() time.Duration {
	return time.Duration(pl.p.Config.Inner.TimeoutMinutes) * time.Minute
}

// missingPR handles an attempt that pushed a branch and ended without a
// pull request that says Closes #N: ask the agent once, on the issue, to
// open it.
func (pl *planner) missingPR(it *Item, branch string, last *ledger.Note) {
	is := it.Issue
	attempt := last.Int("attempt")
	for _, n := range pl.trust.Notes(is) {
		if n.Kind == ledger.MarkAskPR && n.Fields["branch"] == branch {
			if pl.now.Sub(n.Comment.CreatedAt) < pl.staleAfter() {
				pl.wait(it, false, fmt.Sprintf("asked for a pull request from %s; waiting", branch))
				return
			}
			notes := pl.trust.Notes(is)
			pl.requeue(it, notes, fmt.Sprintf("attempt %d left %s without a pull request, and asking did not help", attempt, branch))
			return
		}
	}
	m := ledger.Marker{Kind: ledger.MarkAskPR, Fields: map[string]string{"issue": fmt.Sprint(is.Number), "attempt": fmt.Sprint(attempt), "branch": branch}}
	body := fmt.Sprintf("%s the branch `%s` has work for #%d but no pull request. Please open one from it with `Closes #%d` in its description; change nothing else.\n\n%s\n",
		pl.p.Config.TriggerPhrase, branch, is.Number, is.Number, m)
	pl.add(Action{Kind: Nudge, Issue: is.Number, IssueID: is.ID, ItemID: it.ID, Body: body, Attempt: attempt,
		Why: fmt.Sprintf("attempt %d pushed %s but opened no pull request that closes #%d", attempt, branch, is.Number)})
	pl.wait(it, false, fmt.Sprintf("asked for a pull request from %s", branch))
}

// requeue sends an item whose attempt failed back to Ready, with a comment
// saying why, or summons a human when the attempts are used up.
func (pl *planner) requeue(it *Item, notes []ledger.Note, why string) {
	recent, highest := attempts(notes)
	if len(recent) >= pl.p.Config.MaxAttempts {
		pl.summon(it, fmt.Sprintf("%s, and all %d attempts are used", why, pl.p.Config.MaxAttempts))
		return
	}
	if last := ledger.Last(notes, ledger.MarkDispatch, ledger.MarkRequeue); last == nil || last.Kind != ledger.MarkRequeue {
		m := ledger.Marker{Kind: ledger.MarkRequeue, Fields: map[string]string{"issue": fmt.Sprint(it.Number()), "attempt": fmt.Sprint(highest)}}
		pl.add(Action{Kind: Comment, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID,
			Body: fmt.Sprintf("%s\nThe nanobots loop is trying again: %s. The next attempt starts from the work spec above.\n", m, why),
			Why:  why})
	}
	pl.move(it, policy.StatusReady, why)
	pl.requeued = append(pl.requeued, it)
}

// inReview follows an item whose pull request exists: to Verify once it is
// merged; back to Ready (an attempt spent) when it was closed unmerged.
func (pl *planner) inReview(it *Item) {
	is := it.Issue
	pr, ok := closingPR(is)
	switch {
	case !ok:
		pl.wait(it, true, "In Review, but no pull request closes it any more")
	case pr.State == "MERGED":
		pl.move(it, policy.StatusVerify, fmt.Sprintf("pull request #%d merged", pr.Number))
		pl.verify(it)
	case pr.State == "OPEN":
		pl.wait(it, true, fmt.Sprintf("pull request #%d waits for review", pr.Number))
	case is.State == "CLOSED":
		pl.wait(it, false, fmt.Sprintf("pull request #%d closed unmerged and the issue closed by hand: left alone", pr.Number))
	default:
		pl.requeue(it, pl.trust.Notes(is), fmt.Sprintf("pull request #%d was closed without merging", pr.Number))
	}
}

// verify finishes an item whose pull request merged: Done when CI on the
// merge commit is green and the issue is closed; Blocked, with the failing
// checks and a human summoned, when CI failed.
func (pl *planner) verify(it *Item) {
	is := it.Issue
	pr, ok := closingPR(is)
	if !ok || pr.State != "MERGED" {
		pl.wait(it, true, "Verify, but no merged pull request closes it")
		return
	}
	switch pr.CI {
	case "FAILURE", "ERROR":
		pl.summon(it, fmt.Sprintf("CI failed on %s, the merge commit of #%d: %s", short(pr.MergeCommit), pr.Number, failing(pr.Checks)))
		return
	case "PENDING", "EXPECTED":
		pl.wait(it, false, fmt.Sprintf("CI is running on %s, the merge commit of #%d", short(pr.MergeCommit), pr.Number))
		return
	case "":
		if pl.now.Sub(pr.MergedAt) < ciGrace {
			pl.wait(it, false, fmt.Sprintf("waiting for CI to report on %s", short(pr.MergeCommit)))
			return
		}
	}
	if is.State != "CLOSED" {
		pl.wait(it, true, fmt.Sprintf("#%d merged and CI passed, but the issue is still open: close it if the work is done", pr.Number))
		return
	}
	pl.done(it, pr)
}

// done finishes a verified item: a comment saying what was checked, which
// marks it finished, and the move to Done.
func (pl *planner) done(it *Item, pr gql.PullRequest) {
	ci := fmt.Sprintf("CI passed on %s, the merge commit", short(pr.MergeCommit))
	if pr.CI == "" {
		ci = fmt.Sprintf("no CI reported on %s, the merge commit", short(pr.MergeCommit))
	}
	why := fmt.Sprintf("#%d merged, %s, issue closed", pr.Number, ci)
	if ledger.Last(pl.trust.Notes(it.Issue), ledger.MarkDone) == nil {
		pl.learn(it, pr)
		m := ledger.Marker{Kind: ledger.MarkDone, Fields: map[string]string{"issue": fmt.Sprint(it.Number()), "pr": fmt.Sprint(pr.Number)}}
		pl.add(Action{Kind: Comment, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID,
			Body: fmt.Sprintf("%s\nDone: #%d merged, and %s.\n", m, pr.Number, ci), Why: why})
	}
	pl.move(it, policy.StatusDone, why)
}

// doneByGitHub checks an item GitHub's built-in workflow moved to Done when
// its issue closed, before the loop verified it: work the loop dispatched
// and has not finished is verified now, as if it were in Verify.
func (pl *planner) doneByGitHub(it *Item) {
	notes := pl.trust.Notes(it.Issue)
	if ledger.Last(notes, ledger.MarkDone) != nil || ledger.Last(notes, ledger.MarkDispatch) == nil {
		return // finished, or not the loop's work
	}
	if pr, ok := closingPR(it.Issue); !ok || pr.State != "MERGED" {
		return // closed by hand
	}
	pl.verify(it)
}

func failing(checks []gql.Check) string {
	var bad []string
	for _, c := range checks {
		switch c.State {
		case "FAILURE", "ERROR", "TIMED_OUT", "CANCELLED", "STARTUP_FAILURE", "ACTION_REQUIRED":
			bad = append(bad, fmt.Sprintf("%s (%s)", c.Name, strings.ToLower(c.State)))
		}
	}
	if len(bad) == 0 {
		return "no failing check named"
	}
	return strings.Join(bad, ", ")
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func roundDur(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return policy.Duration(d.Round(time.Minute)).String()
	case d >= time.Minute:
		return policy.Duration(d.Round(time.Minute)).String()
	}
	return d.Round(time.Second).String()
}
