package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// ciGrace is how long after a merge the loop waits for CI to report on the
// merge commit before it takes "no checks at all" to mean the repository
// runs no CI.
const ciGrace = 15 * time.Minute

// AgentBranchPrefix is where claude-code-action pushes work for issue N:
// claude/issue-N-<timestamp>.
const AgentBranchPrefix = "claude/issue-"

// branchTime is the minute an agent branch's name records
// (claude/issue-N-YYYYMMDD-HHMM: the runner's clock, UTC), or false when the
// name is not the agent's.
func branchTime(name string, n int) (time.Time, bool) {
	stamp, ok := strings.CutPrefix(name, fmt.Sprintf("%s%d-", AgentBranchPrefix, n))
	if !ok {
		return time.Time{}, false
	}
	const layout = "20060102-1504"
	if len(stamp) < len(layout) {
		return time.Time{}, false
	}
	// A branch template may add to the name after the minute.
	t, err := time.Parse(layout, stamp[:len(layout)])
	return t, err == nil
}

// attemptBranches are the agent's branches of issue n made for the attempt
// dispatched at since, newest first: claude-code-action makes a new branch
// on every run, named for the minute it started, so a branch whose minute
// is before the dispatch's belongs to an earlier attempt.
func (pl *planner) attemptBranches(n int, since time.Time) []model.Ref {
	var out []model.Ref
	for _, r := range pl.s.Branches[n] {
		if t, ok := branchTime(r.Name, n); ok && !t.Before(since.UTC().Truncate(time.Minute)) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b model.Ref) int { return strings.Compare(b.Name, a.Name) })
	return out
}

// previousBranch is the newest branch an earlier attempt of issue n left
// with commits of its own, or "".
func (pl *planner) previousBranch(n int, dispatch *ledger.Note) string {
	if dispatch == nil {
		return ""
	}
	for _, r := range pl.attemptBranches(n, dispatch.Comment.CreatedAt) {
		if !r.CommittedAt.Before(dispatch.Comment.CreatedAt) {
			return r.Name
		}
	}
	return ""
}

// closingPR picks the pull request that stands for an item's work: a merged
// one first, whenever it was opened (merging is a person's act with write
// access: the work is done); then, of the pull requests of the current
// attempt, an open one, then the newest closed one. A pull request belongs
// to the attempt dispatched at since when it comes from one of the
// attempt's branches, or was opened after the dispatch by the dispatcher or
// someone with write access; an earlier attempt's closed pull request, or
// anyone else's, never moves the card or spends an attempt.
// since is zero for work the loop did not dispatch: every pull request
// counts.
func (pl *planner) closingPR(is *model.Issue, since time.Time) (model.PullRequest, bool) {
	prs := is.ClosingPRs
	if i := slices.IndexFunc(prs, func(p model.PullRequest) bool { return p.State == "MERGED" }); i >= 0 {
		return prs[i], true
	}
	branches := pl.attemptBranches(is.Number, since)
	var ours []model.PullRequest
	for _, p := range prs {
		if !p.CreatedAt.Before(since) && pl.mayWrite(p.Author) || slices.ContainsFunc(branches, func(r model.Ref) bool { return r.Name == p.HeadRef }) {
			ours = append(ours, p)
		}
	}
	if i := slices.IndexFunc(ours, func(p model.PullRequest) bool { return p.State == "OPEN" }); i >= 0 {
		return ours[i], true
	}
	if len(ours) > 0 {
		return ours[len(ours)-1], true
	}
	return model.PullRequest{}, false
}

// mayWrite reports whether a pull request's author may push to the
// repository: the dispatcher, or a person observe found with write,
// maintain or admin permission.
func (pl *planner) mayWrite(a model.Actor) bool {
	if a.Type == "User" && strings.EqualFold(a.Login, pl.p.Config.Dispatcher) {
		return true
	}
	switch pl.s.Permissions[strings.ToLower(a.Login)] {
	case "admin", "maintain", "write":
		return true
	}
	return false
}

// dispatchedAt is when the item's current attempt was dispatched: the time
// of the loop's newest dispatch note, or zero when it has none.
func (pl *planner) dispatchedAt(is *model.Issue) time.Time {
	if last := ledger.Last(pl.trust.Notes(is), ledger.MarkDispatch); last != nil {
		return dispatchTime(*last)
	}
	return time.Time{}
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
// of the current attempt closes it; when the agent's run finished with
// work pushed to its branch and no pull request (claude-code-action's
// default), the loop opens the pull request itself; back to Ready for
// another attempt when the run failed, finished with nothing, or left
// nothing within the stale timeout (a failed or timed-out run's branch is
// named in the next brief, not turned into a pull request); Blocked with a
// human summoned once the attempts are used up.
func (pl *planner) inProgress(it *Item) {
	is := it.Issue
	if pr, ok := pl.closingPR(is, pl.dispatchedAt(is)); ok {
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
	attempt, at := last.Int("attempt"), dispatchTime(*last)
	since := pl.now.Sub(at)
	run := agentRun(is, at)
	var work string // the attempt's newest branch with a commit of its own
	if branches := pl.attemptBranches(is.Number, at); len(branches) > 0 && !branches[0].CommittedAt.Before(at) {
		work = branches[0].Name
	}
	switch {
	case run.state == runFinished && work != "":
		pl.openPR(it, work, attempt, run)
	case run.state == runFinished:
		pl.requeue(it, notes, fmt.Sprintf("attempt %d finished without pushing any work", attempt))
	case run.state == runFailed && work != "":
		pl.requeue(it, notes, fmt.Sprintf("attempt %d ended with an error; what it pushed is on %s", attempt, work))
	case run.state == runFailed:
		pl.requeue(it, notes, fmt.Sprintf("attempt %d ended with an error and pushed no work", attempt))
	case since < pl.staleAfter():
		pl.wait(it, false, fmt.Sprintf("attempt %d dispatched %s ago; no pull request yet", attempt, roundDur(since)))
	default:
		// A run cancelled at the job's timeout never says it ended.
		pl.requeue(it, notes, fmt.Sprintf("attempt %d made no pull request in %s", attempt, roundDur(since)))
	}
}

// built labels nanobots:built the pull request that does the work of an
// item the loop dispatched, wherever the item stands: GitHub may have moved
// it to Done when the pull request merged, or a summon may have moved it on
// before the label went on.
func (pl *planner) built(it *Item) {
	if it.Issue == nil || pl.dispatchedAt(it.Issue).IsZero() {
		return
	}
	pr, ok := pl.closingPR(it.Issue, pl.dispatchedAt(it.Issue))
	if !ok || slices.Contains(pr.Labels, policy.LabelBuilt) {
		return
	}
	pl.add(Action{Kind: AddLabels, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, PR: pr.Number,
		Labels: []string{policy.LabelBuilt}, Why: fmt.Sprintf("#%d does the work the loop dispatched", pr.Number)})
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

// openPR opens the pull request the agent's run left undone, from the
// attempt's newest branch, with the dispatch token so that CI runs on it:
// titled after the issue, saying Closes #N, with the agent's final text and
// learnings from its tracking comment. The pull request's head names the
// attempt, so the next cycle counts it for this attempt, and GitHub refuses
// a second one from the same branch.
func (pl *planner) openPR(it *Item, branch string, attempt int, run agentResult) {
	is := it.Issue
	m := ledger.Marker{Kind: ledger.MarkOpened, Fields: map[string]string{"issue": fmt.Sprint(is.Number), "attempt": fmt.Sprint(attempt)}}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nCloses #%d\n\n", m, is.Number)
	fmt.Fprintf(&b, "The nanobots outer loop opened this pull request from `%s`, which the coding agent pushed for attempt %d of #%d", branch, attempt, is.Number)
	if run.url != "" {
		fmt.Fprintf(&b, " (its [report](%s))", run.url)
	}
	b.WriteString(". A person reviews and merges it; the agent never merges.\n")
	if run.summary != "" {
		b.WriteString("\n## What the agent said\n\n")
		b.WriteString(quote(cutRunes(run.summary, maxAgentSummary, "(cut: the whole text is on the issue)")))
		b.WriteString("\n")
	}
	if run.learnings != "" {
		b.WriteString("\n## Learnings\n\n")
		b.WriteString(defuse(cutRunes(run.learnings, maxEntryLearnings, "(cut: the whole text is on the issue)")))
		b.WriteString("\n")
	}
	pl.add(Action{Kind: OpenPR, Issue: is.Number, IssueID: is.ID, ItemID: it.ID, Value: branch, Title: is.Title,
		Body: b.String(), Attempt: attempt, Labels: []string{policy.LabelBuilt},
		Why: fmt.Sprintf("attempt %d pushed %s and opened no pull request", attempt, branch)})
	pl.wait(it, false, fmt.Sprintf("its pull request from %s goes up for review this cycle; the next one follows it", branch))
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
			Body: fmt.Sprintf("%s\n%s\n", m, requeueText(why)),
			Why:  why})
	}
	pl.move(it, policy.StatusReady, why)
	pl.requeued = append(pl.requeued, it)
	if pl.requeueWhy == nil {
		pl.requeueWhy = map[*Item]string{}
	}
	pl.requeueWhy[it] = why
}

// requeueText is what the requeue comment says, and the next brief with it.
func requeueText(why string) string {
	return fmt.Sprintf("The nanobots loop is trying again: %s. The next attempt starts from the work spec above.", why)
}

// inReview follows an item whose pull request exists: to Verify once it is
// merged; back to Ready (an attempt spent) when it was closed unmerged.
func (pl *planner) inReview(it *Item) {
	is := it.Issue
	pr, ok := pl.closingPR(is, pl.dispatchedAt(is))
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
	pr, ok := pl.closingPR(is, pl.dispatchedAt(is))
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
func (pl *planner) done(it *Item, pr model.PullRequest) {
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
	if pr, ok := pl.closingPR(it.Issue, pl.dispatchedAt(it.Issue)); !ok || pr.State != "MERGED" {
		return // closed by hand
	}
	pl.verify(it)
}

func failing(checks []model.Check) string {
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
