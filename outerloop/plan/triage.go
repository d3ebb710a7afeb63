package plan

import (
	"fmt"
	"strings"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// Triage outcomes, as the triage marker records them.
const (
	outcomeReady   = "ready"   // complete, not gated, dispatchable, no open blocker
	outcomeWaiting = "waiting" // ready but for open blockers: Backlog
	outcomeSplit   = "split"   // larger than the largest dispatchable size: Backlog
	outcomeMissing = "missing" // the form lacks what triage needs: Blocked, ask
	outcomeGate    = "gate"    // a hard-gate area: Blocked, summon a human
)

// decision is what the rubric says about one issue.
type decision struct {
	Outcome    string
	Kind, Area string
	Priority   string
	Size       string
	SizeFrom   string
	Recipe     string
	// Missing are the labels of required fields left empty; Problems are
	// answers the rubric has no row for.
	Missing  []string
	Problems []string
	// BlockedBy are the issues the form names; OpenBlockers those still open.
	BlockedBy, OpenBlockers []int
	Form                    policy.Form
}

// status is the board Status a decision leads to.
func (d decision) status() string {
	switch d.Outcome {
	case outcomeReady:
		return policy.StatusReady
	case outcomeWaiting, outcomeSplit:
		return policy.StatusBacklog
	}
	return policy.StatusBlocked
}

// decide applies the rubric to an issue's form. It reads nothing but its
// arguments.
func (pl *planner) decide(is *model.Issue) decision {
	r := pl.p.Rubric
	form := pl.form(is)
	d := decision{Form: form, Kind: strings.TrimSpace(form.Value("kind")), Area: strings.TrimSpace(form.Value("area"))}
	for _, f := range form.Missing(r) {
		d.Missing = append(d.Missing, f.Label)
	}
	var area *policy.Area
	for i := range r.Areas {
		if strings.EqualFold(r.Areas[i].Name, d.Area) {
			area = &r.Areas[i]
		}
	}
	if area == nil && d.Area != "" {
		d.Problems = append(d.Problems, fmt.Sprintf("the area %q is not one of the rubric's areas (%s)", d.Area, names(r.Areas, func(a policy.Area) string { return a.Name })))
	}
	var kind *policy.Kind
	for i := range r.Kinds {
		if strings.EqualFold(r.Kinds[i].Name, d.Kind) {
			kind = &r.Kinds[i]
		}
	}
	if kind == nil && d.Kind != "" {
		d.Problems = append(d.Problems, fmt.Sprintf("the kind %q is not one of the rubric's kinds (%s)", d.Kind, names(r.Kinds, func(k policy.Kind) string { return k.Name })))
	}
	if kind != nil {
		d.Kind, d.Recipe = kind.Name, kind.Recipe
	}
	if area != nil {
		d.Area, d.Priority, d.Size, d.SizeFrom = area.Name, area.Priority, area.Size, "the area's default"
		if hint := strings.TrimSpace(form.Value("size_hint")); hint != "" {
			for _, s := range r.Sizes {
				if strings.EqualFold(s.Name, hint) {
					d.Size, d.SizeFrom = s.Name, "the size hint"
				}
			}
		}
	}
	d.BlockedBy = form.BlockedBy(pl.s.Repo)
	for _, n := range d.BlockedBy {
		if n != is.Number && pl.s.States[n] == "OPEN" {
			d.OpenBlockers = append(d.OpenBlockers, n)
		}
	}
	dispatchable := false
	for _, s := range r.Sizes {
		if s.Name == d.Size {
			dispatchable = s.Dispatch
		}
	}
	switch {
	case area != nil && area.HardGate:
		d.Outcome = outcomeGate
	case len(d.Missing) > 0 || len(d.Problems) > 0 || area == nil || kind == nil:
		d.Outcome = outcomeMissing
	case !dispatchable:
		d.Outcome = outcomeSplit
	case len(d.OpenBlockers) > 0:
		d.Outcome = outcomeWaiting
	default:
		d.Outcome = outcomeReady
	}
	return d
}

func names[T any](xs []T, name func(T) string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = name(x)
	}
	return strings.Join(s, ", ")
}

// triage decides an Inbox item by the rubric: it sets Priority and Size,
// posts the triage comment once, labels and assigns a gated item, and moves
// the card to where the decision leads.
func (pl *planner) triage(it *Item) {
	cfg := pl.p.Config
	is := it.Issue
	d := pl.decide(is)
	why := "triaged: " + d.summary()
	pl.setField(it, policy.FieldPriority, d.Priority, why)
	pl.setField(it, policy.FieldSize, d.Size, why)

	// The triage comment is posted once per edit of the issue: a trusted
	// triage comment newer than the last edit means an earlier cycle
	// posted it and stopped before moving the card.
	notes := pl.trust.Notes(is)
	last := ledger.Last(notes, ledger.MarkTriage)
	if last == nil || editedSince(is, last) {
		body, err := pl.triageComment(is, d, ledger.Count(notes, ledger.MarkTriage)+1)
		if err != nil {
			pl.plan.Problems = append(pl.plan.Problems, fmt.Sprintf("#%d: %v", is.Number, err))
			return
		}
		pl.add(Action{Kind: Comment, Issue: is.Number, IssueID: is.ID, ItemID: it.ID, Body: body, Why: why})
	}
	if d.Outcome == outcomeGate {
		pl.add(Action{Kind: AddLabels, Issue: is.Number, IssueID: is.ID, ItemID: it.ID, Labels: []string{cfg.Labels.SummonHuman}, Why: why})
		if len(cfg.Maintainers) > 0 {
			pl.add(Action{Kind: Assign, Issue: is.Number, IssueID: is.ID, ItemID: it.ID, Users: cfg.Maintainers, Why: why})
		}
	}
	pl.move(it, d.status(), why)
	switch d.Outcome {
	case outcomeGate:
		pl.wait(it, true, fmt.Sprintf("the %s area is a hard gate: a maintainer takes it", d.Area))
	case outcomeMissing:
		pl.waitOnAuthor(it, fmt.Sprintf("waiting for @%s to add %s", is.Author.Login, d.missingText()))
	}
}

// summary says in a few words what triage decided.
func (d decision) summary() string {
	switch d.Outcome {
	case outcomeGate:
		return fmt.Sprintf("%s is a hard-gate area", d.Area)
	case outcomeMissing:
		return "missing " + d.missingText()
	case outcomeSplit:
		return fmt.Sprintf("%s %s, size %s: split before dispatch", d.Kind, d.Area, d.Size)
	case outcomeWaiting:
		return fmt.Sprintf("%s %s, %s, blocked by %s", d.Kind, d.Area, d.Priority, IssueList(d.OpenBlockers))
	}
	return fmt.Sprintf("%s %s, %s, size %s", d.Kind, d.Area, d.Priority, d.Size)
}

func (d decision) missingText() string {
	var parts []string
	for _, m := range d.Missing {
		parts = append(parts, strings.ToLower(m))
	}
	if d.Area == "" && !contains(d.Missing, "Area") {
		parts = append(parts, "area")
	}
	if d.Kind == "" && !contains(d.Missing, "Kind") {
		parts = append(parts, "kind")
	}
	if len(d.Problems) > 0 {
		parts = append(parts, "a valid "+strings.Join(problemsFields(d.Problems), " and "))
	}
	if len(parts) == 0 {
		return "what the form asks for"
	}
	return strings.Join(parts, ", ")
}

func problemsFields(problems []string) []string {
	var out []string
	for _, p := range problems {
		switch {
		case strings.Contains(p, "area"):
			out = append(out, "area")
		case strings.Contains(p, "kind"):
			out = append(out, "kind")
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
