package outerloop

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nanobots/nanobots/gql"
	"github.com/nanobots/nanobots/internal/ghclient"
	"github.com/nanobots/nanobots/outerloop/policy"
)

// Clients are the two identities a cycle acts as.
type Clients struct {
	// Dispatch holds the dispatcher's classic PAT (NANOBOTS_DISPATCH_TOKEN):
	// it reads and writes the board, which GITHUB_TOKEN cannot reach, and
	// posts dispatch comments, since a comment made with GITHUB_TOKEN starts
	// no workflow.
	Dispatch *ghclient.Client
	// Bot holds GITHUB_TOKEN: triage comments, labels and assignees, so the
	// loop's housekeeping shows as the Actions bot and spends the
	// repository's rate limit rather than the maintainer's. Nil when only
	// one token is given (a run by hand): Dispatch does everything.
	Bot *ghclient.Client
}

func (c Clients) bot() *ghclient.Client {
	if c.Bot != nil {
		return c.Bot
	}
	return c.Dispatch
}

// Done is an action carried out, or the one that failed.
type Done struct {
	Action
	At time.Time `json:"at"`
	// URL is the comment's address, for comments and dispatches.
	URL string `json:"url,omitempty"`
	// Skipped says why an action was not needed after all (a dispatch
	// another cycle made first).
	Skipped string `json:"skipped,omitempty"`
	Err     string `json:"error,omitempty"`
}

// Apply carries out the plan's actions in order and stops at the first that
// fails: every action is safe to repeat, so the next cycle converges from
// wherever this one stopped. It returns what it did.
func Apply(ctx context.Context, c Clients, s *Snapshot, p *policy.Policy, plan Plan, now func() time.Time) ([]Done, error) {
	a := applier{c: c, s: s, p: p, items: map[int]string{}}
	for _, it := range s.Items {
		a.items[it.Number()] = it.ID
	}
	var done []Done
	for _, act := range plan.Actions {
		d := Done{Action: act}
		err := a.apply(ctx, &d)
		d.At = now()
		if err != nil {
			d.Err = err.Error()
			done = append(done, d)
			return done, fmt.Errorf("%s: %w", act, err)
		}
		done = append(done, d)
	}
	return done, nil
}

type applier struct {
	c     Clients
	s     *Snapshot
	p     *policy.Policy
	items map[int]string // issue number → board item id
}

func (a *applier) apply(ctx context.Context, d *Done) error {
	act := d.Action
	switch act.Kind {
	case AddToBoard:
		id, err := gql.AddItem(ctx, a.c.Dispatch, a.s.Board.ID, act.IssueID)
		if err != nil {
			return err
		}
		a.items[act.Issue] = id
		return a.setOption(ctx, act.Issue, policy.FieldStatus, act.Value)
	case SetField:
		return a.setOption(ctx, act.Issue, act.Field, act.Value)
	case Comment:
		c, err := gql.AddComment(ctx, a.c.bot(), act.IssueID, act.Body)
		d.URL = c.URL
		return err
	case Dispatch:
		// Look again just before dispatching: another cycle running at the
		// same time may have dispatched this attempt already.
		fresh, _, _, err := gql.ReadIssues(ctx, a.c.Dispatch, []string{act.IssueID})
		if err != nil {
			return err
		}
		if len(fresh) == 1 {
			for _, n := range (Trust{Dispatcher: a.p.Config.Dispatcher}).Notes(&fresh[0]) {
				if n.Kind == MarkDispatch && n.Int("attempt") >= act.Attempt {
					d.Skipped = fmt.Sprintf("attempt %d was dispatched by another cycle at %s", n.Int("attempt"), n.Comment.CreatedAt.Format(time.RFC3339))
					return nil
				}
			}
		}
		c, err := gql.AddComment(ctx, a.c.Dispatch, act.IssueID, act.Body)
		d.URL = c.URL
		return err
	case Nudge:
		c, err := gql.AddComment(ctx, a.c.Dispatch, act.IssueID, act.Body)
		d.URL = c.URL
		return err
	case AddLabels:
		owner, repo := splitRepo(a.s.Repo)
		_, _, err := a.c.bot().REST.Issues.AddLabelsToIssue(ctx, owner, repo, act.Issue, act.Labels)
		return wrapREST("label", err)
	case Assign:
		owner, repo := splitRepo(a.s.Repo)
		_, _, err := a.c.bot().REST.Issues.AddAssignees(ctx, owner, repo, act.Issue, act.Users)
		return wrapREST("assign", err)
	case Learn:
		return a.learn(ctx, d)
	}
	return fmt.Errorf("unknown action %q", act.Kind)
}

// setOption sets a single-select field of the issue's item by names.
func (a *applier) setOption(ctx context.Context, issue int, field, option string) error {
	item := a.items[issue]
	if item == "" {
		return fmt.Errorf("#%d is not on the board", issue)
	}
	f := a.s.Board.Field(field)
	if f == nil {
		return fmt.Errorf("the board has no %s field: run `nanobots bootstrap`", field)
	}
	o := f.Option(option)
	if o == nil {
		return fmt.Errorf("the board's %s field has no option %q: run `nanobots bootstrap`", field, option)
	}
	return gql.SetOption(ctx, a.c.Dispatch, a.s.Board.ID, item, f.ID, o.ID)
}

func splitRepo(full string) (string, string) {
	owner, name, _ := strings.Cut(full, "/")
	return owner, name
}

func wrapREST(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
