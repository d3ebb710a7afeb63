package outerloop

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
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

// usage is what the clients counted so far: requests and GraphQL points,
// and the points the dispatch token has left this hour.
func (c Clients) usage() (requests, points, remaining int) {
	for _, cl := range []*ghclient.Client{c.Dispatch, c.Bot} {
		if cl != nil {
			requests += cl.Rate.Requests()
			points += cl.Rate.GraphQLPoints()
		}
	}
	if c.Dispatch != nil {
		if g, ok := c.Dispatch.Rate.Get("graphql"); ok {
			remaining = g.Remaining
		}
	}
	return requests, points, remaining
}

func (c Clients) bot() *ghclient.Client {
	if c.Bot != nil {
		return c.Bot
	}
	return c.Dispatch
}

// phase is a group of actions Apply carries out together.
type phase struct {
	name string
	has  func(plan.Action) bool
	// batch carries the actions out with as few requests as GitHub
	// allows; nil means one at a time with applier.apply.
	batch func(a *applier, ctx context.Context, ds []*plan.Done) error
}

// phases is the order of a cycle's writes. Each item's writes keep the
// order the plan gave them, and the move of its Status comes last: a
// cycle that stops half way leaves every item where it was, with any
// comment already posted carrying the marker that keeps it from being
// posted twice. Within a phase, mutations go in batches of gql.MaxBatch.
var phases = []phase{
	{"add to the board", func(a plan.Action) bool { return a.Kind == plan.AddToBoard }, (*applier).addItems},
	{"set fields", func(a plan.Action) bool { return a.Kind == plan.SetField && a.Field != policy.FieldStatus }, (*applier).setFields},
	{"learn", func(a plan.Action) bool { return a.Kind == plan.Learn || a.Kind == plan.Distill }, nil},
	{"comment", func(a plan.Action) bool { return a.Kind == plan.Comment }, (*applier).comments},
	{"label and assign", func(a plan.Action) bool { return a.Kind == plan.AddLabels || a.Kind == plan.Assign }, nil},
	{"open pull requests", func(a plan.Action) bool { return a.Kind == plan.OpenPR }, nil},
	{"dispatch", func(a plan.Action) bool { return a.Kind == plan.Dispatch }, (*applier).dispatches},
	{"move", func(a plan.Action) bool { return a.Kind == plan.SetField && a.Field == policy.FieldStatus }, (*applier).setFields},
}

// Apply carries out the plan's actions, phase by phase (see phases), and
// stops after the first phase in which one fails: every action is safe to
// repeat, so the next cycle converges from wherever this one stopped. It
// returns what it did, in the order it did it.
func Apply(ctx context.Context, c Clients, s *plan.Snapshot, p *policy.Policy, pl plan.Plan, now func() time.Time) ([]plan.Done, error) {
	a := applier{c: c, s: s, p: p, items: map[int]string{}, stale: map[int]string{}, moves: map[int]bool{}, now: now, errs: map[*plan.Done]error{}}
	for _, act := range pl.Actions {
		if act.Kind == plan.SetField && act.Field == policy.FieldStatus {
			a.moves[act.Issue] = true
		}
	}
	a.seen = map[int]int64{}
	for _, is := range append(issuesOf(s.Items), s.New...) {
		for _, c := range is.Comments {
			a.seen[is.Number] = max(a.seen[is.Number], c.DatabaseID)
		}
	}
	for _, it := range s.Items {
		a.items[it.Number()] = it.ID
	}
	var done []plan.Done
	for _, ph := range phases {
		var ds []*plan.Done
		for i, act := range pl.Actions {
			if !ph.has(act) {
				continue
			}
			if why := a.stale[act.Issue]; why != "" {
				done = append(done, plan.Done{Action: act, Step: i, At: now(), Skipped: why, Skip: plan.SkipOnBoard})
				continue
			}
			ds = append(ds, &plan.Done{Action: act, Step: i})
		}
		if len(ds) == 0 {
			continue
		}
		var err error
		if ph.batch != nil {
			err = ph.batch(&a, ctx, ds)
		} else {
			for _, d := range ds {
				if err = a.apply(ctx, d); err != nil {
					a.fail(d, err)
					break
				}
				d.At = now()
			}
		}
		var failed *plan.Done
		for _, d := range ds {
			if !d.At.IsZero() || d.Err != "" {
				done = append(done, *d)
			}
			if d.Err != "" && failed == nil {
				failed = d
			}
		}
		if err != nil || failed != nil {
			if cause := a.errs[failed]; cause != nil {
				return done, fmt.Errorf("%s: %w", failed.Action, cause)
			}
			if failed != nil {
				return done, fmt.Errorf("%s: %s", failed.Action, failed.Err)
			}
			return done, fmt.Errorf("%s: %w", ph.name, err)
		}
	}
	return done, nil
}

type applier struct {
	c     Clients
	s     *plan.Snapshot
	p     *policy.Policy
	items map[int]string // issue number → board item id
	// stale says why the rest of an issue's actions are skipped: another
	// cycle got to it first, so this cycle's snapshot of it is out of date.
	stale map[int]string
	// moves are the issues whose Status the plan sets in the move phase.
	moves map[int]bool
	// seen is, per issue, the databaseId of the newest comment the
	// snapshot holds: a comment newer than that came after the plan.
	seen map[int]int64
	now  func() time.Time
	// errs keeps the error of each failed action, whose Err holds only
	// its text, so Apply's error still tells its kind (errors.Is/As).
	errs map[*plan.Done]error
}

// fail records that d failed with err.
func (a *applier) fail(d *plan.Done, err error) {
	d.Err = err.Error()
	a.errs[d] = err
}

// runBatches sends ds's mutations, gql.MaxBatch to a request, as queue
// adds them, and records each outcome on its Done (with keep, when set, to
// read a result's value). It stops after the first request with a failure.
func (a *applier) runBatches(ctx context.Context, m *ghclient.Client, ds []*plan.Done, queue func(b *gql.Batch, d *plan.Done) error, keep func(d *plan.Done, r gql.BatchResult)) error {
	for start := 0; start < len(ds); start += gql.MaxBatch {
		chunk := ds[start:min(start+gql.MaxBatch, len(ds))]
		var b gql.Batch
		var sent []*plan.Done
		for _, d := range chunk {
			if err := queue(&b, d); err != nil {
				a.fail(d, err)
				return err
			}
			sent = append(sent, d)
		}
		results, err := b.Run(ctx, m)
		at := a.now()
		for i, d := range sent {
			switch {
			case i < len(results) && results[i].OK:
				d.At = at
				if keep != nil {
					keep(d, results[i])
				}
			case err != nil:
				a.fail(d, err)
			default:
				d.Err = "GitHub returned no result"
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addItems puts new issues on the board, then sets the Status they start
// in, unless the plan moves them on in this cycle (triage does): the move
// phase sets it then, and a card without a Status is triaged like one in
// Inbox if the cycle stops before. Writing Inbox first would let a second
// cycle running at the same time, with the same plan, set it back to Inbox
// after this one moved it on. An issue on the board already with a Status
// was put there by another cycle (adding returns the item as it is): its
// Status is left alone, and so are the rest of its actions, planned from a
// snapshot that no longer holds.
func (a *applier) addItems(ctx context.Context, ds []*plan.Done) error {
	err := a.runBatches(ctx, a.c.Dispatch, ds, func(b *gql.Batch, d *plan.Done) error {
		b.AddItem(a.s.Board.ID, d.IssueID)
		return nil
	}, func(d *plan.Done, r gql.BatchResult) {
		a.items[d.Issue] = r.Value
		if r.Status != "" {
			d.Skipped, d.Skip = fmt.Sprintf("on the board already, in %s: another cycle running at the same time put it there", r.Status), plan.SkipOnBoard
			a.stale[d.Issue] = d.Skipped
		}
	})
	if err != nil {
		return err
	}
	// The Status each new item starts in, as part of the same action.
	var status, of []*plan.Done
	for _, d := range ds {
		if d.Skipped == "" && !a.moves[d.Issue] {
			status = append(status, &plan.Done{Action: plan.Action{Issue: d.Issue, Field: policy.FieldStatus, Value: d.Value}})
			of = append(of, d)
		}
	}
	err = a.setFields(ctx, status)
	for i, st := range status {
		if st.Err != "" {
			of[i].At, of[i].Err = time.Time{}, st.Err
		}
	}
	return err
}

// setFields sets single-select fields by option name.
func (a *applier) setFields(ctx context.Context, ds []*plan.Done) error {
	return a.runBatches(ctx, a.c.Dispatch, ds, func(b *gql.Batch, d *plan.Done) error {
		item, fieldID, optionID, err := a.option(d.Issue, d.Field, d.Value)
		if err != nil {
			return err
		}
		b.SetOption(a.s.Board.ID, item, fieldID, optionID)
		return nil
	}, nil)
}

// comments posts the loop's comments as the Actions bot when it can, then
// takes back any another cycle running at the same time posted first (see
// withdrawDuplicates).
func (a *applier) comments(ctx context.Context, ds []*plan.Done) error {
	posted := map[*plan.Done]int64{}
	err := a.runBatches(ctx, a.c.bot(), ds, func(b *gql.Batch, d *plan.Done) error {
		b.AddComment(d.IssueID, d.Body)
		return nil
	}, func(d *plan.Done, r gql.BatchResult) { d.URL, posted[d] = r.Value, r.DatabaseID })
	if err != nil {
		return err
	}
	return a.withdrawDuplicates(ctx, a.c.bot(), ds, posted)
}

// dispatches posts dispatch comments with the dispatcher's token. It looks
// again just before, in one request for all of them: another cycle running
// at the same time may have dispatched an attempt already; and once more
// just after, since both may have looked before either posted (see
// withdrawDuplicates).
func (a *applier) dispatches(ctx context.Context, ds []*plan.Done) error {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.IssueID)
	}
	fresh, _, _, err := gql.ReadIssues(ctx, a.c.Dispatch, ids)
	if err != nil {
		return err
	}
	trust := a.s.Trust
	byID := map[string]*gql.Issue{}
	for i := range fresh {
		byID[fresh[i].ID] = &fresh[i]
	}
	var send []*plan.Done
	for _, d := range ds {
		if d.Kind == plan.Dispatch {
			if n := dispatchedAlready(trust.Notes(byID[d.IssueID]), d.Attempt); n != nil {
				d.Skipped, d.Skip = fmt.Sprintf("attempt %d was dispatched by another cycle at %s", n.Int("attempt"), n.Comment.CreatedAt.Format(time.RFC3339)), plan.SkipDispatched
				d.At = a.now()
				continue
			}
		}
		send = append(send, d)
	}
	posted := map[*plan.Done]int64{}
	err = a.runBatches(ctx, a.c.Dispatch, send, func(b *gql.Batch, d *plan.Done) error {
		b.AddComment(d.IssueID, d.Body)
		return nil
	}, func(d *plan.Done, r gql.BatchResult) { d.URL, posted[d] = r.Value, r.DatabaseID })
	if err != nil {
		return err
	}
	return a.withdrawDuplicates(ctx, a.c.Dispatch, send, posted)
}

// dispatchedAlready returns the trusted dispatch note of this attempt or a
// later one, if any.
func dispatchedAlready(notes []ledger.Note, attempt int) *ledger.Note {
	for i := range notes {
		if notes[i].Kind == ledger.MarkDispatch && notes[i].Int("attempt") >= attempt {
			return &notes[i]
		}
	}
	return nil
}

// apply carries out one action that is not batched.
func (a *applier) apply(ctx context.Context, d *plan.Done) error {
	act := d.Action
	switch act.Kind {
	case plan.AddLabels:
		owner, repo := splitRepo(a.s.Repo)
		n := act.Issue
		if act.PR != 0 {
			n = act.PR
		}
		_, _, err := a.c.bot().REST.Issues.AddLabelsToIssue(ctx, owner, repo, n, act.Labels)
		return wrapREST("label", err)
	case plan.OpenPR:
		return a.openPR(ctx, d)
	case plan.Assign:
		owner, repo := splitRepo(a.s.Repo)
		_, _, err := a.c.bot().REST.Issues.AddAssignees(ctx, owner, repo, act.Issue, act.Users)
		return wrapREST("assign", err)
	case plan.Learn:
		return a.learn(ctx, d)
	case plan.Distill:
		return a.distillNext(ctx)
	}
	return fmt.Errorf("unknown action %q", act.Kind)
}

// option finds the ids that set the issue's item's field to an option.
func (a *applier) option(issue int, field, option string) (item, fieldID, optionID string, err error) {
	item = a.items[issue]
	if item == "" {
		return "", "", "", fmt.Errorf("#%d is not on the board", issue)
	}
	f := a.s.Board.Field(field)
	if f == nil {
		return "", "", "", fmt.Errorf("the board has no %s field: run `nanobots bootstrap`", field)
	}
	o := f.Option(option)
	if o == nil {
		return "", "", "", fmt.Errorf("the board's %s field has no option %q: run `nanobots bootstrap`", field, option)
	}
	return item, f.ID, o.ID, nil
}

// setOption sets the issue's item's field to an option, in a request of
// its own.
func (a *applier) setOption(ctx context.Context, issue int, field, option string) error {
	item, fieldID, optionID, err := a.option(issue, field, option)
	if err != nil {
		return err
	}
	return gql.SetOption(ctx, a.c.Dispatch, a.s.Board.ID, item, fieldID, optionID)
}

// issuesOf returns the details of the items observe read them for.
func issuesOf(items []*plan.Item) []*gql.Issue {
	var out []*gql.Issue
	for _, it := range items {
		if it.Issue != nil {
			out = append(out, it.Issue)
		}
	}
	return out
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
