// Package demo runs the whole outer loop offline: the simulator with its
// scripted agent stands in for GitHub and claude-code-action, a temporary
// repository gets `nanobots init`, issues are filed through the rendered
// forms, and cycles run until the work settles. The agent plays
// claude-code-action as it is: each run pushes a branch and ends with a
// tracking comment, and opens no pull request; the loop opens it, and
// between cycles a maintainer (octo) reviews and merges it, as a person
// must. It is what `nanobots demo` shows a new user before they give
// nanobots a token.
//
// It composes the simulator, init and the loop, so it sits above all three
// rather than under internal/.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/scaffold"
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

// issue is one issue the demo files through a form, and how CI ends on the
// merge commit of the pull request that closes it.
type issue struct {
	form, title string
	answers     map[string]string
	mergeCI     string
}

// runTime is how long, on the simulated clock, one of the agent's runs takes.
const runTime = 12 * time.Minute

var issues = []issue{
	{"feature", "Add a --version flag", map[string]string{
		"kind": "feature", "area": "interface",
		"problem":    "Nobody can tell which build of demo is installed.",
		"acceptance": "- [ ] `demo --version` prints the version and exits 0\n- [ ] the version comes from the build, not a constant",
		"size_hint":  "S",
	}, "success"},
	{"bug", "Crash on empty input", map[string]string{
		"kind": "bug", "area": "core",
		"problem":    "Running demo with no input panics with an index out of range.",
		"reproduce":  "1. run `demo < /dev/null`",
		"acceptance": "- [ ] empty input prints a usage message and exits 2\n- [ ] a test covers it",
		"size_hint":  "XS",
	}, "failure"},
	{"feature", "Colour the output", map[string]string{
		"kind": "feature", "area": "interface",
		"problem": "Errors and results look the same.",
	}, "success"},
	{"chore", "Rotate the release signing key", map[string]string{
		"kind": "chore", "area": "security",
		"problem":    "The release key is two years old.",
		"acceptance": "- [ ] a new key signs the next release",
	}, "success"},
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
	// The repository's CI runs on pull requests and on pushes to main, as
	// a workflow would; the demo sets how it ends on each merge commit.
	world.EnableCI(repo, "ci", "success")
	agent := ghsim.NewAgent(world, "@claude", "octo") // claude-code-action as it is
	agent.RunTime = runTime
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
	mergeCI := map[int]string{}
	for _, is := range issues {
		form, err := os.ReadFile(filepath.Join(dir, ".github", "ISSUE_TEMPLATE", is.form+".yml"))
		if err != nil {
			return err
		}
		filed, err := world.FileForm(repo, world.User("mona"), form, is.title, is.answers)
		if err != nil {
			return err
		}
		mergeCI[filed.Number] = is.mergeCI
		fmt.Fprintf(w, "  #%d %s (%s form)\n", filed.Number, is.title, is.form)
	}

	settings := ghclient.Settings{APIURL: url, GraphQLURL: url + "/graphql", Repository: "octo/demo", Token: botToken, DispatchToken: patToken}
	told := map[int]bool{} // the agent's runs already narrated
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
		// Between cycles: the agent's runs start and end, then a
		// maintainer reviews what the loop opened.
		if _, err := agent.Work(); err != nil {
			return err
		}
		clock.Advance(opts.Every / 2)
		if _, err := agent.Work(); err != nil {
			return err
		}
		ran := tellRuns(w, agent, told)
		merged, err := review(w, world, repo, mergeCI)
		if err != nil {
			return err
		}
		clock.Advance(opts.Every - opts.Every/2)
		quiet++
		if len(res.Plan.Actions) > 0 || ran > 0 || merged > 0 || agent.Pending() > 0 {
			quiet = 0
		}
	}
	return summary(w, world, repo)
}

// tellRuns narrates the agent's runs that ended since it was last called,
// and returns how many did.
func tellRuns(w io.Writer, agent *ghsim.Agent, told map[int]bool) int {
	n := 0
	for _, run := range agent.Runs() {
		if told[run.Number] || run.State == ghsim.RunQueued || run.State == ghsim.RunRunning {
			continue
		}
		told[run.Number] = true
		n++
		what := fmt.Sprintf("pushed %s and left its final comment; no pull request", run.Branch)
		switch {
		case run.Pull != nil:
			what = fmt.Sprintf("pushed %s and opened #%d", run.Branch, run.Pull.Number)
		case run.State != ghsim.RunSucceeded:
			what = fmt.Sprintf("%s: %s", run.State, run.Reason)
		}
		fmt.Fprintf(w, "\n── %s the agent's run on #%d ends: %s ──\n", run.Due.Format("15:04"), run.Issue.Number, what)
	}
	return n
}

// review is the maintainer's turn: octo reviews and merges every open pull
// request the loop opened (its body opens with the loop's marker), oldest
// first, and the repository's CI runs on each merge commit, ending as
// mergeCI says for the issue the pull request closes. The agent never
// merges and neither does the loop: a person does. It returns how many it
// merged.
func review(w io.Writer, world *ghsim.World, repo *ghsim.Repo, mergeCI map[int]string) (int, error) {
	world.Lock()
	var open []*ghsim.Issue
	for _, x := range repo.Issues {
		if x.PR != nil && x.State == "open" && x.Author.Login == "octo" && ledger.HasMarker(x.Body, ledger.MarkOpened) {
			open = append(open, x)
		}
	}
	world.Unlock()
	slices.SortFunc(open, func(a, b *ghsim.Issue) int { return a.Number - b.Number })
	for _, pr := range open {
		closes := ghsim.ClosingReferences(pr.Body)
		refs := make([]string, len(closes))
		ci := "success"
		for i, n := range closes {
			refs[i] = fmt.Sprintf("#%d", n)
			if c := mergeCI[n]; c != "" {
				ci = c
			}
		}
		what := "closes no issue"
		if len(refs) > 0 {
			what = "Closes " + strings.Join(refs, ", ")
		}
		fmt.Fprintf(w, "\n── %s octo reviews and merges #%d (%s) ──\n", world.Now().Format("15:04"), pr.Number, what)
		world.Lock()
		var labels []string
		for _, l := range pr.Labels {
			labels = append(labels, l.Name)
		}
		fmt.Fprintf(w, "#%d %q, opened by the loop from %s, labelled %s; CI on its head: %s\n",
			pr.Number, pr.Title, pr.PR.Head, strings.Join(labels, ", "), checks(repo, pr.PR.HeadSHA))
		world.Unlock()
		world.SetCIConclusion(repo, ci)
		c, err := world.MergePull(pr, world.User("octo"))
		world.SetCIConclusion(repo, "success")
		if err != nil {
			return 0, fmt.Errorf("octo merges #%d: %w", pr.Number, err)
		}
		world.Lock()
		fmt.Fprintf(w, "CI on the merge commit %s: %s\n", c.SHA[:7], checks(repo, c.SHA))
		world.Unlock()
	}
	return len(open), nil
}

// checks lists the check runs on sha as "name (conclusion)"; the caller
// holds the world's lock.
func checks(repo *ghsim.Repo, sha string) string {
	var out []string
	for _, cr := range repo.CheckRuns[sha] {
		out = append(out, fmt.Sprintf("%s (%s)", cr.Name, cr.Conclusion))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
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
		if is == nil { // a draft card: no issue behind it
			title := ""
			if it.Draft != nil {
				title = it.Draft.Title
			}
			fmt.Fprintf(tw, "draft\t%s\t%s\t%s\t%s\t\n", title, it.OptionName("Status"), it.OptionName("Priority"), it.OptionName("Size"))
			continue
		}
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
