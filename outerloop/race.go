package outerloop

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// Two cycles may run at once: the workflow's concurrency group failed, or a
// person ran one by hand. Most of what a cycle writes is the same whoever
// writes it (a card's Status, a label, the LEARNINGS.md append, which the
// contents API's blob SHA makes a compare-and-swap), but some writes must
// happen once: a dispatch starts the agent, the status issue is one pinned
// issue, one distill issue is open at a time, and a comment said twice
// (a summon mentions the maintainers) is noise. For these a cycle looks
// again after writing, and when another cycle wrote the same thing first (a
// smaller id: GitHub numbers comments and issues in the order they were
// made), it takes its own back. Both cycles may look before either posts;
// each sees every comment made before its own, so all but the first are
// taken back.

// withdrawDuplicates reads the issues of the comments just posted, in one
// request, and deletes each one another cycle posted first, recording it as
// skipped: for a dispatch (or a request for a missing pull request), another
// trusted one for the same attempt (or branch); for any other comment of the
// loop, a trusted comment with the same marker that the cycle had not seen
// when it planned (newer than the newest it read). The inner workflow waits
// a few seconds and starts the agent only if its triggering comment still
// exists. cl posted the comments and deletes them.
func (a *applier) withdrawDuplicates(ctx context.Context, cl *ghclient.Client, sent []*plan.Done, posted map[*plan.Done]int64) error {
	var ids []string
	for _, d := range sent {
		if posted[d] != 0 && !slices.Contains(ids, d.IssueID) {
			ids = append(ids, d.IssueID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	fresh, _, _, err := gql.ReadIssues(ctx, a.c.Dispatch, ids)
	if err != nil {
		return fmt.Errorf("look for comments another cycle made at the same time: %w", err)
	}
	byID := map[string]*gql.Issue{}
	for i := range fresh {
		byID[fresh[i].ID] = &fresh[i]
	}
	trust := a.s.Trust
	owner, repo := splitRepo(a.s.Repo)
	for _, d := range sent {
		mine := posted[d]
		if mine == 0 {
			continue
		}
		notes := trust.Notes(byID[d.IssueID])
		var first *ledger.Note
		if m := workMarker(d.Body); m.Kind != "" {
			first = firstOfSameWork(notes, m, mine)
		} else if ms := ledger.ParseMarkers(d.Body); len(ms) > 0 {
			first = firstUnseen(notes, ms[0], a.seen[d.Issue], mine)
		}
		if first == nil {
			continue
		}
		if _, err := cl.REST.Issues.DeleteComment(ctx, owner, repo, mine); err != nil && !errors.Is(ghclient.Classify(err), ghclient.ErrNotFound) {
			return fmt.Errorf("#%d: another cycle posted the same comment at the same time, and deleting this cycle's copy failed: %w (delete %s by hand)", d.Issue, err, d.URL)
		}
		d.Skipped, d.Skip = fmt.Sprintf("another cycle running at the same time posted it first (%s); this cycle's copy was deleted", first.Comment.URL), plan.SkipWithdrawn
		d.URL = ""
	}
	return nil
}

// firstUnseen returns the trusted note with the marker m in a comment newer
// than seen (the newest the cycle read when it planned) and older than mine.
func firstUnseen(notes []ledger.Note, m ledger.Marker, seen, mine int64) *ledger.Note {
	for i := range notes {
		n := &notes[i]
		if id := n.Comment.DatabaseID; id > seen && id < mine && n.Marker.String() == m.String() {
			return n
		}
	}
	return nil
}

// workMarker is the marker that says what a dispatch body asks for.
func workMarker(body string) ledger.Marker {
	for _, m := range ledger.ParseMarkers(body) {
		if m.Kind == ledger.MarkDispatch {
			return m
		}
	}
	return ledger.Marker{}
}

// firstOfSameWork returns the trusted note, in a comment older than the
// comment numbered mine, that asks for the same work as m: a dispatch of
// the same attempt (or a later one).
func firstOfSameWork(notes []ledger.Note, m ledger.Marker, mine int64) *ledger.Note {
	for i := range notes {
		n := &notes[i]
		if n.Comment.DatabaseID == 0 || n.Comment.DatabaseID >= mine || n.Kind != m.Kind {
			continue
		}
		switch m.Kind {
		case ledger.MarkDispatch:
			if n.Int("attempt") >= m.Int("attempt") {
				return n
			}
		}
	}
	return nil
}

// firstOpenIssue looks, just after this cycle created the issue mine
// (labelled label, its body opening with a marker of kind), for an open one
// a trusted login created before it: another cycle at the same time. When
// there is one, it closes mine, without its labels, and returns the other;
// otherwise it returns nil.
func firstOpenIssue(ctx context.Context, cl *ghclient.Client, owner, repo, label, kind string, mine *github.Issue, trust ledger.Trust) (*github.Issue, error) {
	list, _, err := cl.REST.Issues.ListByRepo(ctx, owner, repo, &github.IssueListByRepoOptions{
		Labels: []string{label}, State: "open", Sort: "created", Direction: "asc",
		ListOptions: github.ListOptions{PerPage: 10},
	})
	if err != nil {
		return nil, fmt.Errorf("look for an issue labelled %s that another cycle opened at the same time: %w", label, err)
	}
	for _, is := range list {
		if is.GetNumber() >= mine.GetNumber() || is.IsPullRequest() ||
			!trust.Trusted(gql.Actor{Login: is.GetUser().GetLogin(), Type: is.GetUser().GetType()}) || !ledger.HasMarker(is.GetBody(), kind) {
			continue
		}
		_, _, err := cl.REST.Issues.Edit(ctx, owner, repo, mine.GetNumber(), &github.IssueRequest{
			State: github.String("closed"), StateReason: github.String("not_planned"), Labels: &[]string{}})
		if err != nil {
			return nil, fmt.Errorf("close #%d, which another cycle opened too (#%d): %w", mine.GetNumber(), is.GetNumber(), err)
		}
		return is, nil
	}
	return nil, nil
}

// twinAnnouncement looks, just after this cycle posted mine on the status
// issue, for comments another cycle running at the same time posted first
// that announce some of the same items. When they announce all of mine's,
// mine is deleted; when some, mine is rewritten to announce only the rest.
// So every item is announced once however the two cycles' lists overlap.
// It reports whether mine was deleted.
func twinAnnouncement(ctx context.Context, c Clients, s *plan.Snapshot, cfg policy.Config, issueID string, mine gql.Comment, waits []plan.Wait) (bool, error) {
	fresh, _, _, err := gql.ReadIssues(ctx, c.Dispatch, []string{issueID})
	if err != nil || len(fresh) == 0 {
		return false, err
	}
	var seen int64
	if s.StatusIssue != nil {
		for _, cm := range s.StatusIssue.Comments {
			seen = max(seen, cm.DatabaseID)
		}
	}
	told := map[string]bool{}
	for _, cm := range fresh[0].Comments {
		if cm.DatabaseID > seen && cm.DatabaseID < mine.DatabaseID && s.Trust.Trusted(cm.Author) {
			for _, n := range neededIn(cm.Body) {
				told[n] = true
			}
		}
	}
	var rest []plan.Wait
	for _, w := range waits {
		if !told[fmt.Sprint(w.Issue)] {
			rest = append(rest, w)
		}
	}
	owner, repo := splitRepo(s.Repo)
	switch {
	case len(rest) == len(waits):
		return false, nil
	case len(rest) == 0:
		if _, err := c.bot().REST.Issues.DeleteComment(ctx, owner, repo, mine.DatabaseID); err != nil && !errors.Is(ghclient.Classify(err), ghclient.ErrNotFound) {
			return false, fmt.Errorf("another cycle announced the same items at the same time, and deleting this cycle's comment failed: %w", err)
		}
		return true, nil
	}
	body := plan.HumanComment(cfg, rest)
	if _, _, err := c.bot().REST.Issues.EditComment(ctx, owner, repo, mine.DatabaseID, &github.IssueComment{Body: &body}); err != nil && !errors.Is(ghclient.Classify(err), ghclient.ErrNotFound) {
		return false, fmt.Errorf("another cycle announced some of the same items at the same time, and narrowing this cycle's comment failed: %w", err)
	}
	return false, nil
}

// neededIn lists the items a status issue comment announces.
func neededIn(body string) []string {
	var out []string
	for _, m := range ledger.ParseMarkers(body) {
		if m.Kind == ledger.MarkNeeded {
			out = append(out, m.Fields["issue"])
		}
	}
	return out
}
