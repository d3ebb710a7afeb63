package outerloop_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop"
	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/scaffold"
)

// epoch is the simulator's start: a weekday morning.
var epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// The simulator's tokens: the dispatcher's PAT and the Actions token.
const (
	patToken = "pat-octo"
	botToken = "gh-actions"
)

// harness is a repository as a new user sets it up: the demo world (octo's
// user-owned board 1 and octo/demo) with its demo issues closed, and a
// temporary checkout where `nanobots init` rendered the files.
type harness struct {
	t     testing.TB
	clock *ghsim.Clock
	world *ghsim.World
	srv   *ghsim.Server
	url   string
	dir   string
	repo  *ghsim.Repo
}

func newHarness(t testing.TB, edit func(*policy.Config), opts ...simtest.Option) *harness {
	t.Helper()
	clock := ghsim.NewClock(epoch)
	w := ghsim.Demo(clock.Now)
	r := w.Repo("octo/demo")
	for _, n := range []int{1, 2, 3} {
		w.CloseIssue(r.Issue(n), "not_planned")
	}
	w.AddToken(patToken, "octo", "repo", "project")
	w.AddToken(botToken, ghsim.ActionsBot)
	sim := simtest.Start(t, w, opts...)

	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	cfg := policy.Default()
	cfg.Project = policy.Project{Owner: "octo", OwnerType: "user", Number: 1}
	cfg.Repo = "octo/demo"
	cfg.Dispatcher = "octo"
	cfg.Maintainers = []string{"octo"}
	if edit != nil {
		edit(&cfg)
	}
	if _, err := scaffold.Init(scaffold.InitOptions{Dir: dir, Config: cfg, Version: "v0.0.0-test"}); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, clock: clock, world: w, srv: sim.Server, url: sim.URL, dir: dir, repo: r}
}

func git(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// file submits the issue form kind (feature, bug, chore) as mona would.
func (h *harness) file(kind, title string, answers map[string]string) *ghsim.Issue {
	h.t.Helper()
	form, err := os.ReadFile(filepath.Join(h.dir, ".github", "ISSUE_TEMPLATE", kind+".yml"))
	if err != nil {
		h.t.Fatal(err)
	}
	is, err := h.world.FileForm(h.repo, h.world.User("mona"), form, title, answers)
	if err != nil {
		h.t.Fatal(err)
	}
	return is
}

func (h *harness) settings() ghclient.Settings {
	return ghclient.Settings{APIURL: h.url, GraphQLURL: h.url + "/graphql", Repository: "octo/demo",
		Token: botToken, DispatchToken: patToken}
}

// cycle runs one cycle and fails the test if it fails.
func (h *harness) cycle(dryRun bool) *outerloop.Result {
	h.t.Helper()
	res, err := h.run(dryRun)
	if err != nil {
		h.t.Fatalf("cycle: %v", err)
	}
	return res
}

func (h *harness) run(dryRun bool) (*outerloop.Result, error) {
	return outerloop.Run(context.Background(), outerloop.Options{Dir: h.dir, Settings: h.settings(), DryRun: dryRun, Now: h.clock.Now})
}

// card returns the board values of an issue's item.
func (h *harness) card(is *ghsim.Issue) map[string]string {
	h.t.Helper()
	p := h.world.Project("octo", 1)
	it := p.ItemFor(is)
	if it == nil {
		return nil
	}
	out := map[string]string{}
	for _, f := range []string{"Status", "Priority", "Size"} {
		out[f] = it.OptionName(f)
	}
	return out
}

// comments returns an issue's comments by author login.
func comments(is *ghsim.Issue, login string) []*ghsim.Comment {
	var out []*ghsim.Comment
	for _, c := range is.Comments {
		if c.Author.Login == login {
			out = append(out, c)
		}
	}
	return out
}

func labels(is *ghsim.Issue) []string {
	var out []string
	for _, l := range is.Labels {
		out = append(out, l.Name)
	}
	return out
}

// mergeOpened is a maintainer's review: octo merges the open pull requests
// the loop opened (their bodies open with its marker) and CI passes on each
// merge commit. The agent never merges; a person does.
func (h *harness) mergeOpened(t testing.TB) {
	t.Helper()
	w := h.world
	w.Lock()
	var open []*ghsim.Issue
	for _, x := range h.repo.Issues {
		if x.PR != nil && x.State == "open" && x.Author.Login == "octo" && ledger.HasMarker(x.Body, ledger.MarkOpened) {
			open = append(open, x)
		}
	}
	w.Unlock()
	for _, pr := range open {
		c, err := w.MergePull(pr, w.User("octo"))
		if err != nil {
			t.Fatalf("octo merges #%d: %v", pr.Number, err)
		}
		w.AddCheckRun(h.repo, c.SHA, "ci", "success")
	}
}
