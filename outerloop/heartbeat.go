package outerloop

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// Heartbeat is what the report step did to the status issue, or in a dry
// run would do.
type Heartbeat struct {
	// Issue and URL name the status issue (0 and "" when a dry run would
	// create it).
	Issue int    `json:"issue,omitempty"`
	URL   string `json:"url,omitempty"`
	// Writes are the writes made (or, in a dry run, that would be made),
	// one line each; none in a cycle where nothing changed.
	Writes []string `json:"writes"`
	// Why says why the body was, or was not, rewritten.
	Why string `json:"why"`
	// Problem says why the status issue is not pinned, when that needs a
	// person.
	Problem string       `json:"problem,omitempty"`
	Status  *plan.Status `json:"status"`
	// Body is the body written, or that would be written; empty when the
	// body is left as it is.
	Body string `json:"body,omitempty"`
}

// writeText writes what the report step did, one line a write, or why it
// wrote nothing; nothing when h is nil.
func (h *Heartbeat) writeText(b *strings.Builder, dryRun bool) {
	if h == nil {
		return
	}
	if len(h.Writes) == 0 {
		name := "status issue"
		if h.Issue != 0 {
			name = fmt.Sprintf("status issue #%d", h.Issue)
		}
		fmt.Fprintf(b, "%s: %s: no writes\n", name, h.Why)
		return
	}
	for _, w := range h.Writes {
		if dryRun {
			fmt.Fprintf(b, "  %s (dry run: not written)\n", w)
		} else {
			fmt.Fprintf(b, "✓ %s\n", w)
		}
	}
}

// writeHeartbeat keeps the status issue current after apply: it creates the issue
// when there is none (as the Actions bot when its token is given), pins it
// when fewer than three issues are pinned, rewrites its body when plan.PlanHeartbeat
// says so, and comments once for items that newly need a person. In a dry
// run it writes nothing and says what it would write.
func writeHeartbeat(ctx context.Context, c Clients, s *plan.Snapshot, cfg policy.Config, st *plan.Status, dryRun bool) (*Heartbeat, error) {
	h := plan.PlanHeartbeat(s, cfg, st)
	hb := &Heartbeat{Status: st, Why: h.Why, Problem: h.Problem}
	if s.StatusIssue != nil {
		hb.Issue, hb.URL = s.StatusIssue.Number, s.StatusIssue.URL
	}
	var body string
	if h.Rewrite {
		body = st.Markdown()
		hb.Body = body
	}
	name := "the status issue"
	if hb.Issue != 0 {
		name = fmt.Sprintf("status issue #%d", hb.Issue)
	}
	var edit []string
	switch {
	case h.Create:
		hb.Writes = append(hb.Writes, fmt.Sprintf("create %s %q, labelled %s", name, cfg.StatusIssueTitle, policy.LabelStatus))
	case h.Rewrite || h.Reopen || h.Retitle:
		if h.Rewrite {
			edit = append(edit, "rewrite the body ("+h.Why+")")
		}
		if h.Reopen {
			edit = append(edit, "reopen it")
		}
		if h.Retitle {
			edit = append(edit, fmt.Sprintf("retitle it %q", cfg.StatusIssueTitle))
		}
		hb.Writes = append(hb.Writes, name+": "+strings.Join(edit, ", "))
	}
	if h.Pin {
		hb.Writes = append(hb.Writes, "pin "+name)
	}
	comment := h.Comment
	if comment != "" {
		hb.Writes = append(hb.Writes, fmt.Sprintf("comment on %s: %s newly waiting on a person", name,
			plan.IssueList(plan.WaitIssues(h.NewlyOnHuman))))
	}
	if dryRun {
		return hb, nil
	}

	owner, repo := splitRepo(s.Repo)
	bot := c.bot()
	id := ""
	if s.StatusIssue != nil {
		id = s.StatusIssue.ID
	}
	// The comment that tells people about newly waiting items goes out
	// before the body that lists them is written (right after the issue is
	// created, when it is), and names each item in a marker: a cycle that
	// stops between the two is followed by one that finds the comment and
	// does not post it again (see announced).
	tell := func() error {
		if comment == "" {
			return nil
		}
		posted, err := gql.AddComment(ctx, bot, id, comment)
		if err != nil {
			return fmt.Errorf("comment on status issue #%d: %w", hb.Issue, err)
		}
		if twin, err := twinAnnouncement(ctx, c, s, cfg, id, posted, h.NewlyOnHuman); err != nil || twin {
			return err
		}
		return nil
	}
	switch {
	case h.Create:
		is, _, err := bot.REST.Issues.Create(ctx, owner, repo, &github.IssueRequest{
			Title: github.String(cfg.StatusIssueTitle), Body: github.String(body), Labels: &[]string{policy.LabelStatus}})
		if err != nil {
			return hb, fmt.Errorf("create the status issue: %w", err)
		}
		id, hb.Issue, hb.URL = is.GetNodeID(), is.GetNumber(), is.GetHTMLURL()
		for i, w := range hb.Writes {
			hb.Writes[i] = strings.Replace(w, name, fmt.Sprintf("status issue #%d", hb.Issue), 1)
		}
		// Another cycle at the same time may have created one first: it
		// keeps it current, pins it and tells people; this one's is closed.
		first, err := firstOpenIssue(ctx, bot, owner, repo, policy.LabelStatus, ledger.MarkStatus, is, s.Trust)
		if err != nil {
			return hb, err
		}
		if first != nil {
			hb.Writes = []string{fmt.Sprintf("another cycle created status issue #%d at the same time: #%d closed", first.GetNumber(), hb.Issue)}
			hb.Issue, hb.URL = first.GetNumber(), first.GetHTMLURL()
			return hb, nil
		}
		if err := tell(); err != nil {
			return hb, err
		}
	case len(edit) > 0:
		req := &github.IssueRequest{}
		if h.Rewrite {
			req.Body = github.String(body)
		}
		if h.Reopen {
			req.State = github.String("open")
		}
		if h.Retitle {
			req.Title = github.String(cfg.StatusIssueTitle)
		}
		if err := tell(); err != nil {
			return hb, err
		}
		if _, _, err := bot.REST.Issues.Edit(ctx, owner, repo, hb.Issue, req); err != nil {
			return hb, fmt.Errorf("edit status issue #%d: %w", hb.Issue, err)
		}
	}
	if h.Rewrite {
		st.Issue, st.Written = hb.Issue, st.Now
	}
	// Pinning is done with the dispatcher's token: people with write
	// access may pin, and whether GITHUB_TOKEN may is not documented.
	if h.Pin {
		if err := gql.PinIssue(ctx, c.Dispatch, id); err != nil {
			return hb, err
		}
	}
	if !h.Create && len(edit) == 0 {
		if err := tell(); err != nil {
			return hb, err
		}
	}
	return hb, nil
}

// report is the cycle's last step, after apply: it makes the status report
// and keeps the status issue current. A dry run reports as if every planned
// action were carried out, and writes nothing.
func (r *Result) report(ctx context.Context, c Clients, opts Options) error {
	in := plan.StatusInput{Snapshot: r.Snapshot, Policy: r.Policy, Plan: r.Plan, Done: r.Done, RunURL: opts.RunURL}
	if opts.DryRun {
		in.Done = nil
		for _, a := range r.Plan.Actions {
			in.Done = append(in.Done, plan.Done{Action: a, At: r.Plan.Now})
		}
	} else if len(r.Done) < len(r.Plan.Actions) {
		in.Pending = r.Plan.Actions[len(r.Done):]
	}
	_, in.Points, in.Remaining = c.usage()
	hb, err := writeHeartbeat(ctx, c, r.Snapshot, r.Policy.Config, plan.MakeStatus(in), opts.DryRun)
	r.Heartbeat = hb
	if hb.Problem != "" {
		r.Plan.Problems = append(r.Plan.Problems, hb.Problem)
	}
	return err
}

// Status is the report as the board stands, with every planned action
// still to be carried out: what `nanobots status` prints after a dry run.
func (r *Result) Status(runURL string) *plan.Status {
	if r.Snapshot == nil || r.Policy == nil {
		return nil
	}
	return plan.MakeStatus(plan.StatusInput{Snapshot: r.Snapshot, Policy: r.Policy, Plan: r.Plan, Pending: r.Plan.Actions,
		RunURL: runURL, Points: r.Points, Remaining: r.Remaining})
}
