package plan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// Plan is what one cycle will do, and what it saw that needs no action.
type Plan struct {
	Now     time.Time `json:"now"`
	Actions []Action  `json:"actions"`
	// Waiting lists the items that wait on something, and on what.
	Waiting []Wait `json:"waiting"`
	// WIP is how many items are In Progress or In Review once the plan
	// is carried out; WIPLimit is the config's limit.
	WIP      int `json:"wip"`
	WIPLimit int `json:"wip_limit"`
	// Problems are things the plan could not act on, in words a maintainer
	// can act on (a board option missing, a prompt that failed).
	Problems []string `json:"problems,omitempty"`
}

// Wait is an item the loop is not moving, and why.
type Wait struct {
	Issue  int    `json:"issue"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// OnHuman is true when a person must act (summon-human, a question
	// to the author); false when the loop will move it by itself later.
	OnHuman bool `json:"on_human"`
	// OnAuthor is true when that person is the issue's author, whom the
	// loop's triage comment asked already: the maintainers are not pinged
	// for it.
	OnAuthor bool   `json:"on_author,omitempty"`
	Why      string `json:"why"`
}

// Writes reports whether the plan writes anything.
func (p Plan) Writes() bool { return len(p.Actions) > 0 }

// planner holds what every step of the plan reads.
type planner struct {
	s     *Snapshot
	p     *policy.Policy
	now   time.Time
	trust ledger.Trust
	plan  Plan
	// requeued are items this plan sent back to Ready; they may be
	// dispatched again in the same cycle.
	requeued []*Item
	// requeueWhy says why this plan sent each requeued item back: its
	// requeue comment is only written when the plan is applied, and the
	// brief of an attempt dispatched in the same cycle must say it too.
	requeueWhy map[*Item]string
	// forms are the issues' parsed forms: the snapshot's, and those the
	// planner parsed itself.
	forms map[string]policy.Form
	// moved is the Status this plan moves each item to. The snapshot
	// keeps what was observed: the planner never writes into it.
	moved map[*Item]string
}

// MakePlan decides what one cycle does: it is a pure function of the
// snapshot, the policy and the time, with no I/O, so every transition can be
// tested from a table and a dry run is this plan printed.
func MakePlan(s *Snapshot, p *policy.Policy, now time.Time) Plan {
	pl := &planner{s: s, p: p, now: now, trust: s.Trust, moved: map[*Item]string{}, forms: maps.Clone(s.Forms),
		plan: Plan{Now: now, WIPLimit: p.Config.WIPLimit}}
	if missing := pl.missingOptions(); len(missing) > 0 {
		pl.plan.Problems = append(pl.plan.Problems, missing...)
		return pl.plan
	}
	for _, is := range s.New {
		if IsDistill(is, pl.trust) {
			// Opened by an earlier cycle that stopped before putting it on
			// the board: the loop wrote it, there is nothing to triage.
			pl.add(Action{Kind: AddToBoard, Issue: is.Number, IssueID: is.ID, Value: policy.StatusReady,
				Why: "a distill issue the loop opened, not on the board yet"})
			continue
		}
		if d := pl.running(is); d != nil {
			// A person deleted the card while an attempt runs: put it back
			// as it was, never triage and dispatch it again.
			pl.add(Action{Kind: AddToBoard, Issue: is.Number, IssueID: is.ID, Value: policy.StatusInProgress,
				Why: fmt.Sprintf("its card was deleted while attempt %d runs: put back In Progress", d.Int("attempt"))})
			continue
		}
		pl.add(Action{Kind: AddToBoard, Issue: is.Number, IssueID: is.ID, Value: policy.StatusInbox,
			Why: fmt.Sprintf("open and labelled %s, not on the board yet", p.Config.Labels.Inbox)})
		pl.triage(&Item{Item: model.Item{Values: map[string]string{}, Content: model.Content{ID: is.ID, Number: is.Number,
			Title: is.Title, State: is.State, Labels: is.Labels}}, Issue: is})
	}
	var ready []*Item
	for _, it := range s.Items {
		pl.built(it)
		if pl.finishSummon(it) {
			continue
		}
		if it.HasLabel(p.Config.Labels.SummonHuman) && pl.status(it) != policy.StatusDone {
			pl.wait(it, true, pl.summonReason(it))
			continue
		}
		if it.Issue == nil || !NeedsDetails(it.Item, p.Config.Labels.SummonHuman, now) {
			continue // history, or closed by hand: left where it is
		}
		switch pl.status(it) {
		case "":
			if d := pl.running(it.Issue); d != nil {
				// Its Status was cleared (an option deleted, say) while an
				// attempt runs: put it back, never triage it again.
				pl.move(it, policy.StatusInProgress, fmt.Sprintf("its Status was cleared while attempt %d runs: put back", d.Int("attempt")))
				break
			}
			fallthrough
		case policy.StatusInbox:
			if IsDistill(it.Issue, pl.trust) {
				pl.move(it, policy.StatusReady, "a distill issue the loop opened: its body is the work spec")
				break
			}
			pl.triage(it)
		case policy.StatusBlocked:
			pl.blocked(it)
		case policy.StatusBacklog:
			pl.backlog(it)
		case policy.StatusReady:
			if last := ledger.Last(pl.trust.Notes(it.Issue), ledger.MarkTriage); !IsDistill(it.Issue, pl.trust) &&
				(last == nil || editedSince(it.Issue, last)) {
				// Moved to Ready by hand before the loop triaged it, or its
				// title or body changed since triage accepted it (the area
				// may now be a hard gate, the text new instructions):
				// triage it again before anything is dispatched.
				pl.triage(it)
				break
			}
			ready = append(ready, it)
		case policy.StatusInProgress:
			pl.inProgress(it)
		case policy.StatusInReview:
			pl.inReview(it)
		case policy.StatusVerify:
			pl.verify(it)
		case policy.StatusDone:
			pl.doneByGitHub(it)
		}
	}
	pl.dispatch(append(ready, pl.requeued...))
	return pl.plan
}

// running returns the loop's dispatch note when it is the loop's newest
// word on the issue and its attempt may still be running (within the stale
// timeout), else nil.
func (pl *planner) running(is *model.Issue) *ledger.Note {
	last := ledger.Last(pl.trust.Notes(is), ledger.MarkTriage, ledger.MarkDispatch, ledger.MarkRequeue, ledger.MarkSummon, ledger.MarkDone)
	if last == nil || last.Kind != ledger.MarkDispatch || pl.now.Sub(dispatchTime(*last)) >= pl.staleAfter() {
		return nil
	}
	return last
}

// HoldsSlot reports whether an item whose Status is (or, once the plan is
// carried out, will be) status counts against wip_limit: it is In Progress
// or In Review and its issue is open. An item a person was summoned to
// keeps its slot: its work is still under way. The planner and the status
// report count with this one rule.
func HoldsSlot(it *Item, status string) bool {
	return (status == policy.StatusInProgress || status == policy.StatusInReview) && it.Content.State != "CLOSED"
}

// editedSince reports whether the issue's title or body changed since the
// loop's triage note was written. The note records a digest of the text it
// triaged, so an edit in the same second as the note (GitHub's times have
// whole seconds) is told apart exactly; a note without one (written before
// notes carried it) falls back to the times.
func editedSince(is *model.Issue, triage *ledger.Note) bool {
	if d := triage.Fields["text"]; d != "" {
		return d != textDigest(is)
	}
	return is.EditedAt.After(triage.Comment.CreatedAt)
}

// textDigest is a short digest of what the issue's author wrote: its title
// and body.
func textDigest(is *model.Issue) string {
	return digest(is.Title + "\x00" + is.Body)[:12]
}

// wip counts the items that hold a slot once the actions planned so far
// are carried out.
func (pl *planner) wip() int {
	n := 0
	for _, it := range pl.s.Items {
		if HoldsSlot(it, pl.status(it)) {
			n++
		}
	}
	return n
}

func (pl *planner) add(a Action) { pl.plan.Actions = append(pl.plan.Actions, a) }

func (pl *planner) wait(it *Item, human bool, why string) {
	pl.plan.Waiting = append(pl.plan.Waiting, Wait{Issue: it.Number(), Title: it.Content.Title,
		Status: pl.status(it), OnHuman: human, Why: why})
}

// form is the issue's form, parsed once a cycle.
func (pl *planner) form(is *model.Issue) policy.Form {
	f, ok := pl.forms[is.ID]
	if !ok {
		f = policy.ParseForm(is.Body, pl.p.Rubric)
		if pl.forms == nil {
			pl.forms = map[string]policy.Form{}
		}
		pl.forms[is.ID] = f
	}
	return f
}

// waitOnAuthor records an item that waits for its author to answer the
// loop's question.
func (pl *planner) waitOnAuthor(it *Item, why string) {
	pl.wait(it, true, why)
	pl.plan.Waiting[len(pl.plan.Waiting)-1].OnAuthor = true
}

// status is the item's Status once the actions planned so far are
// carried out.
func (pl *planner) status(it *Item) string {
	if to, ok := pl.moved[it]; ok {
		return to
	}
	return it.Status()
}

// move sets the item's Status, unless it already is there.
func (pl *planner) move(it *Item, to, why string) {
	pl.setField(it, policy.FieldStatus, to, why)
	pl.moved[it] = to
}

// setField sets one of the item's single-select fields, unless it already
// holds value.
func (pl *planner) setField(it *Item, field, value, why string) {
	from := it.Values[field]
	if field == policy.FieldStatus {
		from = pl.status(it)
	}
	if value == "" || from == value {
		return
	}
	pl.add(Action{Kind: SetField, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID,
		Field: field, Value: value, From: from, Why: why})
}

// missingOptions names the board fields and options the plan would need and
// the board lacks; the plan does nothing until `nanobots bootstrap` adds
// them, rather than fail half way.
func (pl *planner) missingOptions() []string {
	var out []string
	need := map[string][]string{policy.FieldStatus: policy.Statuses}
	for _, pr := range pl.p.Rubric.Priorities {
		need[policy.FieldPriority] = append(need[policy.FieldPriority], pr.Name)
	}
	for _, sz := range pl.p.Rubric.Sizes {
		need[policy.FieldSize] = append(need[policy.FieldSize], sz.Name)
	}
	for _, field := range []string{policy.FieldStatus, policy.FieldPriority, policy.FieldSize} {
		f := pl.s.Board.Field(field)
		if f == nil {
			out = append(out, fmt.Sprintf("the board has no %s field: run `nanobots bootstrap`", field))
			continue
		}
		var missing []string
		for _, o := range need[field] {
			if f.Option(o) == nil {
				missing = append(missing, o)
			}
		}
		if len(missing) > 0 {
			out = append(out, fmt.Sprintf("the board's %s field lacks the options %s: run `nanobots bootstrap`",
				field, strings.Join(missing, ", ")))
		}
	}
	return out
}

// backlog moves an item to Ready when what kept it in Backlog is gone: every
// blocker its form names is closed, and its size may be dispatched.
func (pl *planner) backlog(it *Item) {
	// Only an item the loop itself left in Backlog for its blockers moves
	// on by itself; one a person put there stays.
	if last := ledger.Last(pl.trust.Notes(it.Issue), ledger.MarkTriage); last == nil || last.Fields["outcome"] != outcomeWaiting {
		pl.wait(it, true, "in Backlog: a person moves it to Ready")
		return
	}
	d := pl.decide(it.Issue)
	switch d.Outcome {
	case outcomeReady:
		pl.move(it, policy.StatusReady, "every issue it was blocked by is closed")
	case outcomeWaiting:
		pl.wait(it, false, "blocked by "+IssueList(d.OpenBlockers)+", still open")
	case outcomeSplit:
		pl.wait(it, true, fmt.Sprintf("size %s is too large to dispatch whole: split it", d.Size))
	default:
		pl.wait(it, false, "in Backlog")
	}
}

// blocked re-triages a Blocked item whose author edited the issue after
// triage asked for what was missing; otherwise it waits.
func (pl *planner) blocked(it *Item) {
	notes := pl.trust.Notes(it.Issue)
	last := ledger.Last(notes, ledger.MarkTriage)
	if last != nil && last.Fields["outcome"] != outcomeMissing && last.Fields["outcome"] != outcomeGate &&
		!it.Set[policy.FieldStatus].After(last.Comment.CreatedAt) {
		// An earlier cycle triaged it again, after its author's edit, and
		// stopped before moving the card: finish that triage.
		pl.triage(it)
		return
	}
	if last != nil && last.Fields["outcome"] == outcomeMissing {
		if editedSince(it.Issue, last) {
			pl.triage(it)
			return
		}
		pl.waitOnAuthor(it, fmt.Sprintf("waiting for @%s to add %s", it.Issue.Author.Login, pl.decide(it.Issue).missingText()))
		return
	}
	pl.wait(it, true, "Blocked: a maintainer moves it when it can go on")
}

// dispatch sends the highest-priority Ready items, oldest first among
// equals, while fewer than wip_limit items are In Progress or In Review.
func (pl *planner) dispatch(ready []*Item) {
	rank := map[string]int{}
	for i, pr := range pl.p.Rubric.Priorities {
		rank[pr.Name] = i
	}
	prio := func(it *Item) int {
		if r, ok := rank[it.Values[policy.FieldPriority]]; ok {
			return r
		}
		return len(rank) // no priority: after every priority
	}
	pl.plan.WIP = pl.wip()
	slices.SortStableFunc(ready, func(a, b *Item) int {
		return cmp.Or(cmp.Compare(prio(a), prio(b)), a.Issue.CreatedAt.Compare(b.Issue.CreatedAt), cmp.Compare(a.Number(), b.Number()))
	})
	for _, it := range ready {
		notes := pl.trust.Notes(it.Issue)
		// A dispatch comment newer than the Status change means the last
		// cycle posted it and stopped before moving the card: finish the
		// move, never post it again.
		if last := ledger.Last(notes, ledger.MarkDispatch, ledger.MarkRequeue); last != nil && last.Kind == ledger.MarkDispatch &&
			!slices.Contains(pl.requeued, it) && !it.Set[policy.FieldStatus].After(last.Comment.CreatedAt) {
			pl.move(it, policy.StatusInProgress, fmt.Sprintf("dispatched (attempt %d) by an earlier cycle that stopped before moving it", last.Int("attempt")))
			pl.plan.WIP++
			continue
		}
		if c := pl.handDispatch(it.Issue, notes); c != nil {
			// Someone with write access started the agent by hand: that
			// run is this attempt. Record it, never dispatch again.
			_, highest := attempts(notes)
			attempt := highest + 1
			m := ledger.Marker{Kind: ledger.MarkDispatch, Fields: map[string]string{"issue": fmt.Sprint(it.Number()),
				"attempt": fmt.Sprint(attempt), "by": c.Author.Login, "at": fmt.Sprint(c.CreatedAt.Unix())}}
			why := fmt.Sprintf("%s started the agent by hand (attempt %d)", c.Author.Login, attempt)
			pl.add(Action{Kind: Comment, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID,
				Body: m.String() + "\nThe nanobots loop counts the run " + c.Author.Login + " started by hand as attempt " + fmt.Sprint(attempt) +
					" and follows it like its own.\n", Why: why})
			pl.move(it, policy.StatusInProgress, why)
			pl.plan.WIP++
			continue
		}
		if open := pl.openBlockers(it.Issue); len(open) > 0 {
			pl.wait(it, false, "Ready, but blocked by "+IssueList(open)+", still open")
			continue
		}
		if pl.plan.WIP >= pl.p.Config.WIPLimit {
			pl.wait(it, false, fmt.Sprintf("Ready: waiting for a free slot (%d of %d in progress)", pl.plan.WIP, pl.p.Config.WIPLimit))
			continue
		}
		recent, highest := attempts(notes)
		if len(recent) >= pl.p.Config.MaxAttempts {
			pl.summon(it, fmt.Sprintf("it was dispatched %d times (max_attempts) without finishing", len(recent)))
			continue
		}
		attempt := highest + 1
		body, err := pl.brief(it, notes, attempt, len(recent)+1)
		if err != nil {
			pl.plan.Problems = append(pl.plan.Problems, fmt.Sprintf("#%d: %v", it.Number(), err))
			continue
		}
		pl.add(Action{Kind: Dispatch, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, Body: body, Attempt: attempt,
			Why: fmt.Sprintf("Ready, priority %s, and a slot is free (%d of %d in progress)",
				cmp.Or(it.Values[policy.FieldPriority], "unset"), pl.plan.WIP, pl.p.Config.WIPLimit)})
		pl.move(it, policy.StatusInProgress, fmt.Sprintf("dispatched, attempt %d of %d", len(recent)+1, pl.p.Config.MaxAttempts))
		pl.plan.WIP++
	}
}

// summon moves an item to Blocked, labels it for a maintainer, assigns the
// maintainers and says why, once.
func (pl *planner) summon(it *Item, why string) {
	cfg := pl.p.Config
	notes := pl.trust.Notes(it.Issue)
	if last := ledger.Last(notes, ledger.MarkSummon); last == nil || last.Comment.CreatedAt.Before(it.Set[policy.FieldStatus]) {
		pl.add(Action{Kind: Comment, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID,
			Body: ledger.Marker{Kind: ledger.MarkSummon, Fields: map[string]string{"issue": fmt.Sprint(it.Number())}}.String() + "\n" +
				mentions(cfg.Maintainers) + summonIntro + why + ".\n\n" +
				fmt.Sprintf("It leaves this issue alone while it carries the `%s` label. Remove the label to hand it back; move the card first if it should go on from somewhere else.\n", cfg.Labels.SummonHuman),
			Why: why})
	}
	pl.add(Action{Kind: AddLabels, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, Labels: []string{cfg.Labels.SummonHuman}, Why: why})
	if len(cfg.Maintainers) > 0 {
		pl.add(Action{Kind: Assign, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, Users: cfg.Maintainers, Why: why})
	}
	pl.move(it, policy.StatusBlocked, why)
	pl.wait(it, true, why)
}

// summonReason says why an item carrying the summon label waits, in the
// words the loop used when it summoned the person, so the reason reads the
// same on every cycle until the label goes.
func (pl *planner) summonReason(it *Item) string {
	generic := fmt.Sprintf("carries %s: a maintainer removes the label to hand it back", pl.p.Config.Labels.SummonHuman)
	last := ledger.Last(pl.trust.Notes(it.Issue), ledger.MarkSummon, ledger.MarkTriage)
	switch {
	case last == nil:
		return generic
	case last.Kind == ledger.MarkTriage && last.Fields["outcome"] == outcomeGate && it.Issue != nil:
		return fmt.Sprintf("the %s area is a hard gate: a maintainer takes it", pl.decide(it.Issue).Area)
	case last.Kind == ledger.MarkSummon:
		_, why, ok := strings.Cut(last.Comment.Body, summonIntro)
		if why, _, ok2 := strings.Cut(why, ".\n"); ok && ok2 && why != "" {
			return why
		}
	}
	return generic
}

// summonIntro starts the reason in a summon comment.
const summonIntro = ": the nanobots loop needs a person here: "

// finishSummon finishes a summon that an earlier cycle began and stopped
// in the middle of, and reports whether it did: the loop's newest note on
// the issue summons a person (a summon comment, or a triage comment that
// found a hard-gate area), no move of the card came after it, and the card
// is not Blocked yet. The label, once there, would otherwise hold the card
// where it is for good, without the assignees; and a summon comment without
// the label would read as a maintainer handing the item back, with a fresh
// budget of attempts. The comment is not posted again.
func (pl *planner) finishSummon(it *Item) bool {
	if it.Issue == nil || pl.status(it) == policy.StatusBlocked {
		return false
	}
	last := ledger.Last(pl.trust.Notes(it.Issue), ledger.MarkTriage, ledger.MarkDispatch, ledger.MarkRequeue, ledger.MarkSummon, ledger.MarkDone)
	if last == nil || it.Set[policy.FieldStatus].After(last.Comment.CreatedAt) ||
		last.Kind != ledger.MarkSummon && (last.Kind != ledger.MarkTriage || last.Fields["outcome"] != outcomeGate) {
		return false
	}
	cfg := pl.p.Config
	why := "an earlier cycle summoned a person and stopped before it was done"
	if !it.HasLabel(cfg.Labels.SummonHuman) {
		pl.add(Action{Kind: AddLabels, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, Labels: []string{cfg.Labels.SummonHuman}, Why: why})
	}
	var unassigned []string
	for _, m := range cfg.Maintainers {
		if !contains(it.Issue.Assignees, m) {
			unassigned = append(unassigned, m)
		}
	}
	if len(unassigned) > 0 {
		pl.add(Action{Kind: Assign, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, Users: unassigned, Why: why})
	}
	pl.move(it, policy.StatusBlocked, why)
	pl.wait(it, true, "a person is summoned: see the loop's comment on the issue")
	return true
}

// openBlockers are the issues the form says must close first that are still
// open (or whose state is unknown because they do not exist: not blocking).
func (pl *planner) openBlockers(is *model.Issue) []int {
	var open []int
	for _, n := range pl.form(is).BlockedBy(pl.s.Repo) {
		if n != is.Number && pl.s.States[n] == "OPEN" {
			open = append(open, n)
		}
	}
	return open
}

func IssueList(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(s, ", ")
}

func mentions(logins []string) string {
	if len(logins) == 0 {
		return "Maintainers"
	}
	return "@" + strings.Join(logins, " @")
}
