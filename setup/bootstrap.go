package setup

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// BootstrapOptions configure Bootstrap.
type BootstrapOptions struct {
	Options
	// DryRun plans and prints every step, and takes none.
	DryRun bool
	// Link is asked whether to link the board to the repository when it is
	// not; nil, or an answer of false, leaves it unlinked and says how.
	Link func(board, repo string) bool
	// Out receives one line per step, as it is taken.
	Out io.Writer
}

// Step is one thing bootstrap does, or would do.
type Step struct {
	// Action is create, add, reopen, pin or link; offer for a step left to
	// the maintainer's choice; blocked for one a person must unblock.
	Action string
	// What says what the step changes, in one line.
	What string
	// Fix, for a blocked or offered step, says what a person can do.
	Fix string

	apply func(ctx context.Context, s *Step) error
}

// Changes reports whether the step changes GitHub.
func (s Step) Changes() bool { return s.apply != nil }

// BootstrapResult is every step bootstrap planned, in order.
type BootstrapResult struct {
	Steps  []Step
	DryRun bool
}

// Changes counts the steps that change GitHub (or would, in a dry run).
func (r BootstrapResult) Changes() int {
	n := 0
	for _, s := range r.Steps {
		if s.Changes() {
			n++
		}
	}
	return n
}

// Blocked returns the steps a person must unblock.
func (r BootstrapResult) Blocked() []Step {
	var out []Step
	for _, s := range r.Steps {
		if s.Action == "blocked" {
			out = append(out, s)
		}
	}
	return out
}

// Bootstrap makes the repository and board ready for the loop: the loop's
// labels, the board's Status options and Priority and Size fields, the
// pinned status issue, and (when Link agrees) the board linked to the
// repository. Every step is skipped when already done, so a second run makes
// no change. A step that needs a person (a fourth pin, a field of the wrong
// type) is reported blocked, with the fix, and the others still run.
func Bootstrap(ctx context.Context, o BootstrapOptions) (BootstrapResult, error) {
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	res := BootstrapResult{DryRun: o.DryRun}
	pol, err := policy.Read(os.DirFS(o.Dir))
	if err != nil {
		return res, err
	}
	if o.Settings.DispatchToken == "" {
		return res, fmt.Errorf("%s is not set: bootstrap writes with the dispatcher's classic PAT (scopes project and repo); see docs/setup.md", ghclient.EnvDispatchToken)
	}
	c, err := o.client()
	if err != nil {
		return res, err
	}
	p := &planner{o: o, cfg: pol.Config, rubric: pol.Rubric, c: c}
	if err := p.read(ctx); err != nil {
		return res, fmt.Errorf("%w\nrun \"nanobots doctor\" for every check and its fix", err)
	}
	steps, err := p.plan(ctx)
	if err != nil {
		return res, err
	}
	for i := range steps {
		s := &steps[i]
		if !o.DryRun && s.apply != nil {
			if err := s.apply(ctx, s); err != nil {
				res.Steps = append(res.Steps, steps[:i]...)
				return res, fmt.Errorf("%s %s: %w", s.Action, s.What, err)
			}
		}
		fmt.Fprintf(out, "%-7s %s\n", s.Action, s.What)
		if s.Fix != "" {
			fmt.Fprintf(out, "        %s\n", s.Fix)
		}
	}
	res.Steps = steps
	return res, nil
}

// planner reads what GitHub holds and plans the steps from it.
type planner struct {
	o      BootstrapOptions
	cfg    policy.Config
	rubric policy.Rubric
	c      *ghclient.Client

	owner, name string
	repo        *gql.SetupRepo
	labels      []*github.Label
	board       *gql.Board
	items       []gql.Item // read only when an existing field changes
}

func (p *planner) read(ctx context.Context) error {
	who, err := whoAmI(ctx, p.c)
	if err != nil {
		return fmt.Errorf("%s: %w", ghclient.EnvDispatchToken, err)
	}
	if !strings.EqualFold(who.Login, p.cfg.Dispatcher) {
		return fmt.Errorf("%s belongs to %s, but %s names %s as the dispatcher: the status issue and every dispatch must come from the dispatcher, so use %s's token (or make %s the dispatcher and run \"nanobots update\")",
			ghclient.EnvDispatchToken, who.Login, policy.ConfigFile, p.cfg.Dispatcher, p.cfg.Dispatcher, who.Login)
	}
	p.owner, p.name, _ = strings.Cut(p.cfg.Repo, "/")
	if p.repo, err = gql.ReadSetupRepo(ctx, p.c, p.cfg.Repo, policy.LabelStatus); err != nil {
		return fmt.Errorf("read %s: %w", p.cfg.Repo, err)
	}
	if p.labels, err = listLabels(ctx, p.c, p.owner, p.name); err != nil {
		return err
	}
	prj := p.cfg.Project
	if p.board, err = gql.ReadBoardSetup(ctx, p.c, gql.OwnerType(prj.OwnerType), prj.Owner, prj.Number); err != nil {
		return fmt.Errorf("read the %s %s's board %d: %w", prj.OwnerType, prj.Owner, prj.Number, err)
	}
	return nil
}

func (p *planner) boardName() string {
	return fmt.Sprintf("%s/%d", p.cfg.Project.Owner, p.cfg.Project.Number)
}

func (p *planner) plan(ctx context.Context) ([]Step, error) {
	var steps []Step
	for _, l := range p.cfg.LoopLabels() {
		if findLabel(p.labels, l.Name) != nil {
			continue // a maintainer's colour and description stay
		}
		l := l
		steps = append(steps, Step{
			Action: "create",
			What:   fmt.Sprintf("label %s (#%s): %s", l.Name, l.Color, l.Description),
			apply: func(ctx context.Context, s *Step) error {
				_, _, err := p.c.REST.Issues.CreateLabel(ctx, p.owner, p.name, &github.Label{
					Name: github.String(l.Name), Color: github.String(l.Color), Description: github.String(l.Description)})
				return err
			},
		})
	}
	fieldSteps, err := p.planFields(ctx)
	if err != nil {
		return nil, err
	}
	steps = append(steps, fieldSteps...)
	steps = append(steps, p.planStatusIssue()...)
	steps = append(steps, p.planLink()...)
	return steps, nil
}

func (p *planner) planFields(ctx context.Context) ([]Step, error) {
	var steps []Step
	for _, spec := range wantFields(p.rubric) {
		spec := spec
		f := p.board.Field(spec.Name)
		switch {
		case f == nil && spec.Name == policy.FieldStatus:
			steps = append(steps, Step{Action: "blocked", What: fmt.Sprintf("field Status on board %s: there is none", p.boardName()),
				Fix: "every board has a Status field; rename the one that was renamed back to \"Status\", then run \"nanobots bootstrap\" again"})
		case len(spec.Options) == 0:
			steps = append(steps, Step{Action: "blocked", What: fmt.Sprintf("field %s on board %s: %s defines no options for it", spec.Name, p.boardName(), policy.TriageFile),
				Fix: fmt.Sprintf("add a %s table to %s (nanobots init writes one), then run \"nanobots bootstrap\" again", strings.ToLower(spec.Name), policy.TriageFile)})
		case f == nil:
			steps = append(steps, Step{
				Action: "create",
				What:   fmt.Sprintf("field %s on board %s: %s", spec.Name, p.boardName(), names(spec.Options)),
				apply: func(ctx context.Context, s *Step) error {
					_, err := gql.CreateSingleSelectField(ctx, p.c, p.board.ID, spec.Name, spec.Options)
					return err
				},
			})
		case f.DataType != "SINGLE_SELECT":
			steps = append(steps, Step{Action: "blocked", What: fmt.Sprintf("field %s on board %s is a %s field, not a single-select one", spec.Name, p.boardName(), f.DataType),
				Fix: fmt.Sprintf("rename or delete it in the board's settings, then run \"nanobots bootstrap\" again: the loop needs a single-select %s", spec.Name)})
		default:
			missing := missingOptions(f, spec.Options)
			if len(missing) == 0 {
				continue
			}
			if p.items == nil {
				prj := p.cfg.Project
				b, err := gql.ReadBoard(ctx, p.c, gql.OwnerType(prj.OwnerType), prj.Owner, prj.Number)
				if err != nil {
					return nil, fmt.Errorf("read the items of board %s: %w", p.boardName(), err)
				}
				p.items = b.Items
			}
			steps = append(steps, p.addOptions(*f, spec, missing))
		}
	}
	return steps, nil
}

// addOptions is the step that adds missing options to an existing field.
// GitHub renews every option's ID when the options are sent (see
// gql.ReplaceOptions), clearing items' values; the step sets them again.
func (p *planner) addOptions(f gql.Field, spec fieldSpec, missing []string) Step {
	var set []gql.Item
	for _, it := range p.items {
		if _, ok := it.Values[f.Name]; ok && !it.Archived && f.Option(it.Values[f.Name]) != nil {
			set = append(set, it)
		}
	}
	what := fmt.Sprintf("options %s to field %s on board %s", strings.Join(missing, ", "), f.Name, p.boardName())
	if extra := extraOptions(&f, spec.Options); len(extra) > 0 {
		what += ", keeping " + strings.Join(extra, ", ")
	}
	if len(set) > 0 {
		what += fmt.Sprintf(", and set the %s of %s again", f.Name, plural(len(set), "item"))
	}
	return Step{
		Action: "add",
		What:   what,
		apply: func(ctx context.Context, s *Step) error {
			nf, err := gql.ReplaceOptions(ctx, p.c, f.ID, mergeOptions(f.Options, spec.Options))
			if err != nil {
				return err
			}
			for _, it := range set {
				old, now := f.Option(it.Values[f.Name]), nf.Option(it.Values[f.Name])
				if now == nil || now.ID == old.ID {
					continue
				}
				if err := gql.SetOption(ctx, p.c, p.board.ID, it.ID, nf.ID, now.ID); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func (p *planner) planStatusIssue() []Step {
	cfg := p.cfg
	si := ledger.Trust{Dispatcher: cfg.Dispatcher}.StatusIssue(p.repo.Labelled)
	found := si != nil
	if !found {
		si = &gql.Issue{}
	}
	var steps []Step
	// ref names the issue in the pin step; creation fills in its number.
	ref := si
	switch {
	case !found:
		steps = append(steps, Step{
			Action: "create",
			What:   fmt.Sprintf("status issue %q in %s, labelled %s", cfg.StatusIssueTitle, cfg.Repo, policy.LabelStatus),
			apply: func(ctx context.Context, s *Step) error {
				is, _, err := p.c.REST.Issues.Create(ctx, p.owner, p.name, &github.IssueRequest{
					Title: github.String(cfg.StatusIssueTitle), Body: github.String(statusBody),
					Labels: &[]string{policy.LabelStatus}})
				if err != nil {
					return err
				}
				ref.ID, ref.Number = is.GetNodeID(), is.GetNumber()
				s.What += fmt.Sprintf(": #%d", is.GetNumber())
				return nil
			},
		})
	case si.State != "OPEN":
		steps = append(steps, Step{
			Action: "reopen",
			What:   fmt.Sprintf("status issue #%d in %s, which was closed", si.Number, cfg.Repo),
			apply: func(ctx context.Context, s *Step) error {
				_, _, err := p.c.REST.Issues.Edit(ctx, p.owner, p.name, si.Number, &github.IssueRequest{State: github.String("open")})
				return err
			},
		})
	}
	if found && si.Pinned {
		return steps
	}
	name := "the status issue"
	if found {
		name = fmt.Sprintf("status issue #%d", si.Number)
	}
	if len(p.repo.Pinned) >= maxPinned {
		return append(steps, Step{
			Action: "blocked",
			What:   fmt.Sprintf("pin %s: %s pins %d issues already (%s), GitHub's most", name, cfg.Repo, maxPinned, issueList(p.repo.Pinned)),
			Fix:    "unpin one of them (on the issue's page, \"Unpin issue\"), then run \"nanobots bootstrap\" again",
		})
	}
	return append(steps, Step{
		Action: "pin",
		What:   name + " to " + cfg.Repo,
		apply: func(ctx context.Context, s *Step) error {
			if !found {
				s.What = fmt.Sprintf("status issue #%d to %s", ref.Number, cfg.Repo)
			}
			return gql.PinIssue(ctx, p.c, ref.ID)
		},
	})
}

// maxPinned is how many issues GitHub lets a repository pin.
const maxPinned = 3

func (p *planner) planLink() []Step {
	if p.board.Linked(p.cfg.Repo) {
		return nil
	}
	what := fmt.Sprintf("board %s to %s", p.boardName(), p.cfg.Repo)
	if p.o.Link == nil || !p.o.Link(p.boardName(), p.cfg.Repo) {
		return []Step{{Action: "offer", What: "to link " + what + ": not linked",
			Fix: "run \"nanobots bootstrap --link\" to link it (it then shows in the repository's Projects tab)"}}
	}
	return []Step{{
		Action: "link",
		What:   what,
		apply: func(ctx context.Context, s *Step) error {
			return gql.LinkRepository(ctx, p.c, p.board.ID, p.repo.ID)
		},
	}}
}

func names(opts []gql.Option) string {
	var out []string
	for _, o := range opts {
		out = append(out, o.Name)
	}
	return strings.Join(out, ", ")
}

func issueList(issues []gql.Issue) string {
	var out []string
	for _, is := range issues {
		out = append(out, fmt.Sprintf("#%d", is.Number))
	}
	return strings.Join(out, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
