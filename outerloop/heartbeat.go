package outerloop

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots/nanobots/gql"
	"github.com/nanobots/nanobots/internal/ghclient"
	"github.com/nanobots/nanobots/policy"
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
	Problem string  `json:"problem,omitempty"`
	Status  *Status `json:"status"`
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

// heartbeatSteps are the writes the report step decides on.
type heartbeatSteps struct {
	create, reopen, retitle, rewrite, pin bool
	why                                   string
	// newlyOnHuman are the items that need a person and that the status
	// issue did not list as such before.
	newlyOnHuman []Wait
}

// planHeartbeat decides what the report step writes, with no I/O: the body
// is rewritten only when what it says changed or heartbeat_interval has
// passed since its last rewrite, so an idle cycle writes nothing; the issue
// is pinned when fewer than three are; a comment goes out only for items
// that newly need a person.
func planHeartbeat(s *Snapshot, cfg policy.Config, st *Status) heartbeatSteps {
	var h heartbeatSteps
	is, prev := s.StatusIssue, st.prev
	every := time.Duration(cfg.HeartbeatInterval)
	switch {
	case is == nil:
		h.create, h.rewrite, h.why = true, true, "there is no status issue: created"
	case prev.hash == "":
		h.rewrite, h.why = true, "the loop has not written it before"
	case prev.hash != st.Hash:
		h.rewrite, h.why = true, "what it reports changed"
	case every > 0 && !st.Now.Before(prev.written.Add(every)):
		h.rewrite, h.why = true, fmt.Sprintf("heartbeat: unchanged for %s (heartbeat_interval)", cfg.HeartbeatInterval)
	default:
		h.why = "unchanged since " + prev.written.UTC().Format(eventTime)
		if every > 0 {
			h.why += "; the next heartbeat is due at " + prev.written.Add(every).UTC().Format(eventTime)
		}
	}
	if is != nil {
		h.reopen = is.State != "OPEN"
		h.retitle = cfg.StatusIssueTitle != "" && is.Title != cfg.StatusIssueTitle
	}
	h.pin = (is == nil || !is.Pinned) && s.Pinned < maxPinned
	told := announced(is, prev, Trust{Dispatcher: cfg.Dispatcher})
	for _, w := range st.OnHuman {
		if !slices.Contains(told, w.Issue) && !slices.ContainsFunc(h.newlyOnHuman, func(x Wait) bool { return x.Issue == w.Issue }) {
			h.newlyOnHuman = append(h.newlyOnHuman, w)
		}
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
func announced(is *gql.Issue, prev previousStatus, trust Trust) []int {
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
		for _, m := range ParseMarkers(c.Body) {
			if m.Kind == MarkNeeded {
				out = append(out, m.Int("issue"))
			}
		}
	}
	return out
}

// writeHeartbeat keeps the status issue current after apply: it creates the issue
// when there is none (as the Actions bot when its token is given), pins it
// when fewer than three issues are pinned, rewrites its body when planHeartbeat
// says so, and comments once for items that newly need a person. In a dry
// run it writes nothing and says what it would write.
func writeHeartbeat(ctx context.Context, c Clients, s *Snapshot, cfg policy.Config, st *Status, dryRun bool) (*Heartbeat, error) {
	h := planHeartbeat(s, cfg, st)
	hb := &Heartbeat{Status: st, Why: h.why, Problem: pinProblem(s)}
	if s.StatusIssue != nil {
		hb.Issue, hb.URL = s.StatusIssue.Number, s.StatusIssue.URL
	}
	var body string
	if h.rewrite {
		body = st.Markdown()
		hb.Body = body
	}
	name := "the status issue"
	if hb.Issue != 0 {
		name = fmt.Sprintf("status issue #%d", hb.Issue)
	}
	var edit []string
	switch {
	case h.create:
		hb.Writes = append(hb.Writes, fmt.Sprintf("create %s %q, labelled %s", name, cfg.StatusIssueTitle, policy.LabelStatus))
	case h.rewrite || h.reopen || h.retitle:
		if h.rewrite {
			edit = append(edit, "rewrite the body ("+h.why+")")
		}
		if h.reopen {
			edit = append(edit, "reopen it")
		}
		if h.retitle {
			edit = append(edit, fmt.Sprintf("retitle it %q", cfg.StatusIssueTitle))
		}
		hb.Writes = append(hb.Writes, name+": "+strings.Join(edit, ", "))
	}
	if h.pin {
		hb.Writes = append(hb.Writes, "pin "+name)
	}
	var comment string
	if len(h.newlyOnHuman) > 0 {
		comment = humanComment(cfg, h.newlyOnHuman)
		hb.Writes = append(hb.Writes, fmt.Sprintf("comment on %s: %s newly waiting on a person", name,
			issueList(waitIssues(h.newlyOnHuman))))
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
		if twin, err := twinAnnouncement(ctx, c, s, Trust{Dispatcher: cfg.Dispatcher}, id, posted); err != nil || twin {
			return err
		}
		return nil
	}
	switch {
	case h.create:
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
		first, err := firstOpenIssue(ctx, bot, owner, repo, policy.LabelStatus, MarkStatus, is, Trust{Dispatcher: cfg.Dispatcher})
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
		if h.rewrite {
			req.Body = github.String(body)
		}
		if h.reopen {
			req.State = github.String("open")
		}
		if h.retitle {
			req.Title = github.String(cfg.StatusIssueTitle)
		}
		if err := tell(); err != nil {
			return hb, err
		}
		if _, _, err := bot.REST.Issues.Edit(ctx, owner, repo, hb.Issue, req); err != nil {
			return hb, fmt.Errorf("edit status issue #%d: %w", hb.Issue, err)
		}
	}
	if h.rewrite {
		st.Issue, st.Written = hb.Issue, st.Now
	}
	// Pinning is done with the dispatcher's token: people with write
	// access may pin, and whether GITHUB_TOKEN may is not documented.
	if h.pin {
		if err := gql.PinIssue(ctx, c.Dispatch, id); err != nil {
			return hb, err
		}
	}
	if !h.create && len(edit) == 0 {
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
	in := StatusInput{Snapshot: r.Snapshot, Policy: r.Policy, Plan: r.Plan, Done: r.Done, RunURL: opts.RunURL}
	if opts.DryRun {
		in.Done = nil
		for _, a := range r.Plan.Actions {
			in.Done = append(in.Done, Done{Action: a, At: r.Plan.Now})
		}
	} else if len(r.Done) < len(r.Plan.Actions) {
		in.Pending = r.Plan.Actions[len(r.Done):]
	}
	in.Points, in.Remaining = spent(c)
	hb, err := writeHeartbeat(ctx, c, r.Snapshot, r.Policy.Config, MakeStatus(in), opts.DryRun)
	r.Heartbeat = hb
	if hb.Problem != "" {
		r.Plan.Problems = append(r.Plan.Problems, hb.Problem)
	}
	return err
}

// Status is the report as the board stands, with every planned action
// still to be carried out: what `nanobots status` prints after a dry run.
func (r *Result) Status(runURL string) *Status {
	if r.Snapshot == nil || r.Policy == nil {
		return nil
	}
	return MakeStatus(StatusInput{Snapshot: r.Snapshot, Policy: r.Policy, Plan: r.Plan, Pending: r.Plan.Actions,
		RunURL: runURL, Points: r.Points, Remaining: r.Remaining})
}

// spent is the GraphQL points the clients used so far and those left.
func spent(c Clients) (points, remaining int) {
	for _, cl := range []*ghclient.Client{c.Dispatch, c.Bot} {
		if cl != nil {
			points += cl.Rate.GraphQLPoints()
		}
	}
	if c.Dispatch != nil {
		if g, ok := c.Dispatch.Rate.Get("graphql"); ok {
			remaining = g.Remaining
		}
	}
	return points, remaining
}

func waitIssues(ws []Wait) []int {
	out := make([]int, len(ws))
	for i, w := range ws {
		out[i] = w.Issue
	}
	return out
}

// humanComment mentions the maintainers once and lists the items that newly
// need them.
func humanComment(cfg policy.Config, ws []Wait) string {
	var b strings.Builder
	what := "an item needs"
	if len(ws) > 1 {
		what = fmt.Sprintf("%d items need", len(ws))
	}
	fmt.Fprintf(&b, "%s: %s a person.\n\n", mentions(cfg.Maintainers), what)
	for _, w := range ws {
		b.WriteString(waitLine(w))
	}
	b.WriteString("\nThe list in this issue's description stays current; the loop comments here only when an item newly needs someone.\n\n")
	for _, w := range ws {
		b.WriteString(Marker{Kind: MarkNeeded, Fields: map[string]string{"issue": fmt.Sprint(w.Issue)}}.String())
		b.WriteString("\n")
	}
	return b.String()
}
