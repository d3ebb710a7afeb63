// Package demo runs the whole outer loop offline: the simulator with its
// scripted agent stands in for GitHub and claude-code-action, a temporary
// repository gets `nanobots init`, issues are filed through the rendered
// forms, and cycles run until the work settles. It is what `nanobots demo`
// shows a new user before they give nanobots a token.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nanobots/nanobots/internal/ghclient"
	"github.com/nanobots/nanobots/internal/ghsim"
	"github.com/nanobots/nanobots/outerloop"
	"github.com/nanobots/nanobots/outerloop/plan"
	"github.com/nanobots/nanobots/policy"
	"github.com/nanobots/nanobots/scaffold"
)

// Options are the inputs of Run.
type Options struct {
	// Dir is where the demo repository is initialised; empty means a
	// temporary directory, removed afterwards.
	Dir string
	// Version is the nanobots version recorded in the rendered files.
	Version string
	// Every is the simulated time between cycles (the cron interval).
	Every time.Duration
	// MaxCycles bounds the run.
	MaxCycles int
}

// start is the simulated morning the demo begins.
var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

const (
	patToken = "demo-dispatch-token"
	botToken = "demo-actions-token"
)

// issue is one issue the demo files through a form, and what the scripted
// agent does with it.
type issue struct {
	form, title string
	answers     map[string]string
	outcome     ghsim.Outcome
}

var issues = []issue{
	{"feature", "Add a --version flag", map[string]string{
		"kind": "feature", "area": "interface",
		"problem":    "Nobody can tell which build of demo is installed.",
		"acceptance": "- [ ] `demo --version` prints the version and exits 0\n- [ ] the version comes from the build, not a constant",
		"size_hint":  "S",
	}, ghsim.OutcomeGreen},
	{"bug", "Crash on empty input", map[string]string{
		"kind": "bug", "area": "core",
		"problem":    "Running demo with no input panics with an index out of range.",
		"reproduce":  "1. run `demo < /dev/null`",
		"acceptance": "- [ ] empty input prints a usage message and exits 2\n- [ ] a test covers it",
		"size_hint":  "XS",
	}, ghsim.OutcomeRed},
	{"feature", "Colour the output", map[string]string{
		"kind": "feature", "area": "interface",
		"problem": "Errors and results look the same.",
	}, ghsim.OutcomeGreen},
	{"chore", "Rotate the release signing key", map[string]string{
		"kind": "chore", "area": "security",
		"problem":    "The release key is two years old.",
		"acceptance": "- [ ] a new key signs the next release",
	}, ghsim.OutcomeGreen},
}

// Run plays the demo and writes what happens to w.
func Run(ctx context.Context, w io.Writer, opts Options) error {
	if opts.Every == 0 {
		opts.Every = 30 * time.Minute
	}
	if opts.MaxCycles == 0 {
		opts.MaxCycles = 20
	}
	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "nanobots-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}

	clock := ghsim.NewClock(start)
	world := ghsim.Demo(clock.Now)
	repo := world.Repo("octo/demo")
	for _, n := range []int{1, 2, 3} {
		world.CloseIssue(repo.Issue(n), "not_planned") // the seeded issues: this demo files its own
	}
	world.AddToken(patToken, "octo", "repo", "project")
	world.AddToken(botToken, ghsim.ActionsBot)
	agent := ghsim.NewAgent(world, "@claude", "octo")
	srv, err := ghsim.New(world)
	if err != nil {
		return fmt.Errorf("start the simulator: %w (run scripts/fetch-schemas.sh)", err)
	}
	url, stop := srv.Start()
	defer stop()

	cfg := policy.Default()
	cfg.Project = policy.Project{Owner: "octo", OwnerType: "user", Number: 1}
	cfg.Repo, cfg.Dispatcher, cfg.Maintainers = "octo/demo", "octo", []string{"octo"}
	cfg.StaleTimeout = policy.Duration(time.Hour)
	cfg.Inner.TimeoutMinutes = 30
	if err := gitInit(dir); err != nil {
		return err
	}
	if _, err := scaffold.Init(scaffold.InitOptions{Dir: dir, Config: cfg, Version: opts.Version}); err != nil {
		return err
	}
	fmt.Fprintf(w, "nanobots demo: GitHub is a simulator at %s; the coding agent is scripted.\n", url)
	fmt.Fprintf(w, "`nanobots init` rendered the workflows, forms and policy into %s.\n\n", dir)

	fmt.Fprintln(w, "mona files four issues through the rendered issue forms:")
	for _, is := range issues {
		form, err := os.ReadFile(filepath.Join(dir, ".github", "ISSUE_TEMPLATE", is.form+".yml"))
		if err != nil {
			return err
		}
		filed, err := world.FileForm(repo, world.User("mona"), form, is.title, is.answers)
		if err != nil {
			return err
		}
		agent.Outcomes[filed.Number] = is.outcome
		fmt.Fprintf(w, "  #%d %s (%s form)\n", filed.Number, is.title, is.form)
	}

	settings := ghclient.Settings{APIURL: url, GraphQLURL: url + "/graphql", Repository: "octo/demo", Token: botToken, DispatchToken: patToken}
	quiet := 0
	for n := 1; n <= opts.MaxCycles && quiet < 3; n++ {
		fmt.Fprintf(w, "\n── cycle %d, %s ──\n", n, clock.Now().Format("Mon 15:04 MST"))
		res, err := outerloop.Run(ctx, outerloop.Options{Dir: dir, Settings: settings, Now: clock.Now})
		if res != nil {
			if err := res.WriteText(w); err != nil {
				return err
			}
		}
		if err != nil {
			return fmt.Errorf("cycle %d: %w", n, err)
		}
		ran, err := agent.Work()
		if err != nil {
			return err
		}
		if ran > 0 {
			fmt.Fprintf(w, "(the scripted agent answers %s)\n", plural(ran, "dispatch"))
		}
		quiet++
		if len(res.Plan.Actions) > 0 || ran > 0 {
			quiet = 0
		}
		clock.Advance(opts.Every)
	}
	return summary(w, world, repo)
}

// summary prints the board, LEARNINGS.md and the status issue.
func summary(w io.Writer, world *ghsim.World, repo *ghsim.Repo) error {
	world.Lock()
	defer world.Unlock()
	fmt.Fprintln(w, "\n══ the board ══")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "issue\ttitle\tStatus\tPriority\tSize\tlabels")
	p := world.Project("octo", 1)
	for _, it := range p.Items {
		is := it.Content
		var labels []string
		for _, l := range is.Labels {
			labels = append(labels, l.Name)
		}
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%s\n", is.Number, is.Title, it.OptionName("Status"), it.OptionName("Priority"), it.OptionName("Size"), strings.Join(labels, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n══ .nanobots/LEARNINGS.md on the nanobots/learnings branch ══")
	if head := repo.Head("nanobots/learnings"); head != nil {
		if b, ok := head.Files[plan.LearningsFile]; ok {
			fmt.Fprintln(w, strings.TrimSpace(string(b.Content)))
		}
	}
	fmt.Fprintln(w, "\n══ the pinned status issue ══")
	for _, is := range repo.Pinned {
		fmt.Fprintf(w, "#%d %s\n\n%s\n", is.Number, is.Title, strings.TrimSpace(is.Body))
	}
	return nil
}

func gitInit(dir string) error {
	cmd := exec.Command("git", "-C", dir, "init", "-q")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git init %s: %v: %s (the demo needs git on PATH)", dir, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ses", n, word)
}
