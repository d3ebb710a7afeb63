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

// HeartbeatSteps are the writes the report step decides on.
type HeartbeatSteps struct {
	Create, Reopen, Retitle, Rewrite, Pin bool
	// Why says why the body is, or is not, rewritten.
	Why string
	// Problem says why the status issue cannot be pinned, when that needs
	// a person.
	Problem string
	// NewlyOnHuman are the items that need a person and that the status
	// issue did not list as such before; Comment is the comment that
	// announces them ("" when there are none).
	NewlyOnHuman []Wait
	Comment      string
}

// PlanHeartbeat decides what the report step writes, with no I/O: the body
// is rewritten only when what it says changed or heartbeat_interval has
// passed since its last rewrite, so an idle cycle writes nothing; the issue
// is pinned when fewer than three are; a comment goes out only for items
// that newly need a person.
func PlanHeartbeat(s *Snapshot, cfg policy.Config, st *Status) HeartbeatSteps {
	h := HeartbeatSteps{Problem: pinProblem(s)}
	is, prev := s.StatusIssue, st.prev
	every := time.Duration(cfg.HeartbeatInterval)
	switch {
	case is == nil:
		h.Create, h.Rewrite, h.Why = true, true, "there is no status issue: created"
	case prev.hash == "":
		h.Rewrite, h.Why = true, "the loop has not written it before"
	case prev.hash != st.Hash:
		h.Rewrite, h.Why = true, "what it reports changed"
	case every > 0 && !st.Now.Before(prev.written.Add(every)):
		h.Rewrite, h.Why = true, fmt.Sprintf("heartbeat: unchanged for %s (heartbeat_interval)", cfg.HeartbeatInterval)
	default:
		h.Why = "unchanged since " + prev.written.UTC().Format(eventTime)
		if every > 0 {
			h.Why += "; the next heartbeat is due at " + prev.written.Add(every).UTC().Format(eventTime)
		}
	}
	if is != nil {
		h.Reopen = is.State != "OPEN"
		h.Retitle = cfg.StatusIssueTitle != "" && is.Title != cfg.StatusIssueTitle
	}
	h.Pin = (is == nil || !is.Pinned) && s.Pinned < maxPinned
	told := announced(is, prev, s.Trust)
	for _, w := range named(st.OnHuman) {
		if w.OnAuthor {
			continue // the triage comment asked the author; the maintainers need not act
		}
		if !slices.Contains(told, w.Issue) && !slices.ContainsFunc(h.NewlyOnHuman, func(x Wait) bool { return x.Issue == w.Issue }) {
			h.NewlyOnHuman = append(h.NewlyOnHuman, w)
		}
	}
	if len(h.NewlyOnHuman) > 0 {
		h.Comment = HumanComment(cfg, h.NewlyOnHuman)
	}
	return h
}

// announced are the items the loop has told people about, of those the
// status issue may list as needing a person: the ones its body lists, once
// the loop has rewritten the body since creating the issue (a rewrite comes
// after the comment that announces its new items), and the ones a comment
// of the loop named since the body's last rewrite (a cycle that stopped
// between the comment and the rewrite, or between creating the issue and
// the comment). So each item is announced once, even across a crash.
func announced(is *model.Issue, prev previousStatus, trust ledger.Trust) []int {
	if is == nil {
		return nil
	}
	var out []int
	if !is.EditedAt.IsZero() {
		out = append(out, prev.onHuman...)
	}
	for _, c := range is.Comments {
		if !trust.Trusted(c.Author) || c.CreatedAt.Before(prev.written) {
			continue
		}
		for _, m := range ledger.ParseMarkers(c.Body) {
			if m.Kind == ledger.MarkNeeded {
				out = append(out, m.Int("issue"))
			}
		}
	}
	return out
}

func WaitIssues(ws []Wait) []int {
	out := make([]int, len(ws))
	for i, w := range ws {
		out[i] = w.Issue
	}
	return out
}

// maxAnnounced is how many items one comment names, each with its marker:
// the comment stays short, and every marker is read back (a text carries at
// most 50). The description, written right after, lists the rest.
const maxAnnounced = 50

// HumanComment mentions the maintainers once and lists the items that newly
// need them.
func HumanComment(cfg policy.Config, ws []Wait) string {
	var b strings.Builder
	what := "an item needs"
	if len(ws) > 1 {
		what = fmt.Sprintf("%d items need", len(ws))
	}
	fmt.Fprintf(&b, "%s: %s a person.\n\n", mentions(cfg.Maintainers), what)
	shown := ws[:min(len(ws), maxAnnounced)]
	for _, w := range shown {
		b.WriteString(waitLine(w))
	}
	if more := len(ws) - len(shown); more > 0 {
		fmt.Fprintf(&b, "- and %d more: see this issue's description\n", more)
	}
	b.WriteString("\nThe list in this issue's description stays current; the loop comments here only when an item newly needs someone.\n\n")
	for _, w := range shown {
		b.WriteString(ledger.Marker{Kind: ledger.MarkNeeded, Fields: map[string]string{"issue": fmt.Sprint(w.Issue)}}.String())
		b.WriteString("\n")
	}
	return b.String()
}
