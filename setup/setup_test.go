package setup_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/scaffold"
	"github.com/nanobots-dev/nanobots/setup"
)

const version = "v0.0.0-test"

var epoch = time.Date(2026, 11, 21, 9, 7, 0, 0, time.UTC)

// The tokens the tests hand out. None may ever appear in output.
const (
	octoPAT     = "ghp_octoFullScopes000000000000000000000"
	octoRepoPAT = "ghp_octoRepoOnly00000000000000000000000"
)

// env is a simulator and a work tree initialised for octo/demo and octo's
// board 1, as a maintainer has them after `nanobots init`.
type env struct {
	t     *testing.T
	world *ghsim.World
	sim   *simtest.Sim
	srv   *ghsim.Server
	dir   string
	token string
}

func newEnv(t *testing.T, w *ghsim.World, cfg policy.Config) *env {
	t.Helper()
	sim := simtest.Start(t, w)
	w.AddToken(octoPAT, "octo", "project", "repo")
	w.AddToken(octoRepoPAT, "octo", "repo")
	return &env{t: t, world: w, sim: sim, srv: sim.Server, dir: initRepo(t, cfg), token: octoPAT}
}

// octoConfig is the config of a repository whose board is octo's board 1.
func octoConfig(repo string) policy.Config {
	c := policy.Default()
	c.Project = policy.Project{Owner: "octo", OwnerType: "user", Number: 1}
	c.Repo = repo
	c.Dispatcher = "octo"
	c.Inner.AllowedTools = append(c.Inner.AllowedTools, "Bash(go test:*)") // as init --test-command "go test"
	return c
}

func initRepo(t *testing.T, cfg policy.Config) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("git", "init", "-q", "-b", "main", dir)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	if _, err := scaffold.Init(scaffold.InitOptions{Dir: dir, Config: cfg, Version: version}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func (e *env) options() setup.Options {
	return setup.Options{Dir: e.dir, Settings: e.sim.Settings("", "", ghclient.Secret(e.token))}
}

func (e *env) doctor() setup.Report {
	e.t.Helper()
	rep := setup.Doctor(context.Background(), setup.DoctorOptions{Options: e.options(), Version: version, Now: e.world.Now})
	var out bytes.Buffer
	if err := rep.Print(&out); err != nil {
		e.t.Fatal(err)
	}
	for _, tok := range []string{octoPAT, octoRepoPAT} {
		if strings.Contains(out.String(), tok) {
			e.t.Fatalf("doctor printed a token:\n%s", out.String())
		}
	}
	e.t.Logf("doctor:\n%s", out.String())
	return rep
}

// bootstrap runs bootstrap, linking the board, and returns its result and
// how many writes it made.
func (e *env) bootstrap(dryRun bool) (setup.BootstrapResult, int, string) {
	e.t.Helper()
	var out bytes.Buffer
	before := e.srv.Log.Totals().Writes
	res, err := setup.Bootstrap(context.Background(), setup.BootstrapOptions{
		Options: e.options(), DryRun: dryRun, Out: &out,
		Link: func(string, string) bool { return true },
	})
	if err != nil {
		e.t.Fatalf("bootstrap: %v\n%s", err, out.String())
	}
	e.t.Logf("bootstrap:\n%s", out.String())
	return res, e.srv.Log.Totals().Writes - before, out.String()
}

func failed(rep setup.Report) []string {
	var ids []string
	for _, c := range rep.Failed() {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestBareRepositoryBecomesReady(t *testing.T) {
	w := ghsim.Bare(ghsim.NewClock(epoch).Now)
	e := newEnv(t, w, octoConfig("octo/demo"))

	rep := e.doctor()
	if got, want := strings.Join(failed(rep), " "), "field-status field-priority field-size labels status-issue"; got != want {
		t.Errorf("failed checks %q, want %q", got, want)
	}
	for id, want := range map[string][]string{
		"field-status":   {"lacks Inbox, Backlog, Ready, In Review, Verify, Blocked", "and Todo"},
		"field-priority": {"no Priority field (P0, P1, P2, P3)"},
		"field-size":     {"no Size field (XS, S, M, L, XL)"},
		"labels":         {"nanobots:inbox, summon-human, nanobots:status, nanobots:distill"},
		"status-issue":   {"there is no status issue"},
	} {
		c, _ := rep.Check(id)
		for _, w := range want {
			if !strings.Contains(c.Detail, w) {
				t.Errorf("%s: detail %q lacks %q", id, c.Detail, w)
			}
		}
		if !strings.Contains(c.Fix, "nanobots bootstrap") {
			t.Errorf("%s: fix %q does not say to run bootstrap", id, c.Fix)
		}
	}
	if c, _ := rep.Check("board-link"); c.Result != setup.Warn {
		t.Errorf("board-link is %s, want a warning", c.Result)
	}

	dry, writes, out := e.bootstrap(true)
	if writes != 0 || dry.Changes() != 11 {
		t.Errorf("dry run: %d writes and %d changes, want 0 and 11 (5 labels, 3 fields, issue, pin, link)", writes, dry.Changes())
	}
	for _, want := range []string{
		"create  label nanobots:inbox (#c5def5)",
		"add     options Inbox, Backlog, Ready, In Review, Verify, Blocked to field Status on board octo/1, keeping Todo",
		"create  field Priority on board octo/1: P0, P1, P2, P3",
		`create  status issue "nanobots status" in octo/demo, labelled nanobots:status`,
		"pin     the status issue to octo/demo",
		"link    board octo/1 to octo/demo",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}

	res, writes, _ := e.bootstrap(false)
	if res.Changes() != 11 || writes != 11 || len(res.Blocked()) != 0 {
		t.Errorf("bootstrap: %d changes, %d writes, %d blocked; want 11, 11, 0", res.Changes(), writes, len(res.Blocked()))
	}
	again, writes, out := e.bootstrap(false)
	if writes != 0 || len(again.Steps) != 0 {
		t.Errorf("bootstrap again: %d writes, steps:\n%s", writes, out)
	}

	rep = e.doctor()
	for _, c := range rep.Checks {
		if c.Result != setup.Pass {
			t.Errorf("after bootstrap, %s is %s: %s", c.ID, c.Result, c.Detail)
		}
	}

	w.Lock()
	defer w.Unlock()
	status := w.Project("octo", 1).FieldByName("Status")
	var opts []string
	for _, o := range status.Options {
		opts = append(opts, o.Name)
	}
	if got, want := strings.Join(opts, ","), "Todo,Inbox,Backlog,Ready,In Progress,In Review,Verify,Done,Blocked"; got != want {
		t.Errorf("Status options %s, want %s", got, want)
	}
	r := w.Repo("octo/demo")
	if len(r.Pinned) != 1 || !strings.HasPrefix(r.Pinned[0].Body, ledger.StatusMarker+"\n") || r.Pinned[0].Author.Login != "octo" {
		t.Errorf("pinned %+v, want the status issue by octo with the marker first", r.Pinned)
	}
}

// TestBootstrapKeepsWhatIsThere: a board in use keeps its items' values
// (GitHub renews option IDs when options are sent) and a maintainer's
// options; labels a maintainer recoloured keep their colour.
func TestBootstrapKeepsWhatIsThere(t *testing.T) {
	w := ghsim.Bare(ghsim.NewClock(epoch).Now)
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	w.SetOptions(p.FieldByName("Status"), ghsim.OptionSpec{Name: "Todo", Color: "GREEN"}, ghsim.OptionSpec{Name: "Icebox", Color: "BLUE"},
		ghsim.OptionSpec{Name: "In Progress", Color: "YELLOW"}, ghsim.OptionSpec{Name: "Done", Color: "PURPLE"})
	if _, err := w.AddSingleSelectField(p, "Priority", ghsim.OptionSpec{Name: "P0", Color: "RED"}, ghsim.OptionSpec{Name: "Urgent", Color: "PINK"}); err != nil {
		t.Fatal(err)
	}
	w.AddLabel(r, "summon-human", "000000", "mine")
	values := map[int][2]string{1: {"In Progress", "P0"}, 2: {"Icebox", "Urgent"}, 3: {"Done", ""}}
	for n, v := range values {
		it, err := w.AddItem(p, r.Issue(n))
		if err != nil {
			t.Fatal(err)
		}
		w.SetOption(it, "Status", v[0])
		if v[1] != "" {
			w.SetOption(it, "Priority", v[1])
		}
	}
	e := newEnv(t, w, octoConfig("octo/demo"))
	_, _, out := e.bootstrap(false)
	for _, want := range []string{
		"keeping Todo, Icebox, and set the Status of 3 items again",
		"add     options P1, P2, P3 to field Priority on board octo/1, keeping Urgent, and set the Priority of 2 items again",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("bootstrap output lacks %q", want)
		}
	}
	if strings.Contains(out, "label summon-human") {
		t.Error("bootstrap touched a label that exists")
	}
	if _, writes, _ := e.bootstrap(false); writes != 0 {
		t.Errorf("bootstrap again made %d writes", writes)
	}

	c, err := ghclient.New(e.options().Settings, octoPAT)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gql.ReadBoard(context.Background(), c, gql.OwnerUser, "octo", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range b.Items {
		want := values[it.Content.Number]
		if it.Values["Status"] != want[0] || it.Values["Priority"] != want[1] {
			t.Errorf("#%d: Status %q, Priority %q; want %q, %q", it.Content.Number, it.Values["Status"], it.Values["Priority"], want[0], want[1])
		}
	}
	var names []string
	for _, o := range b.Field("Priority").Options {
		names = append(names, o.Name)
	}
	if got := strings.Join(names, ","); got != "P0,Urgent,P1,P2,P3" {
		t.Errorf("Priority options %s, want P0,Urgent,P1,P2,P3", got)
	}
	if l := r.Labels["summon-human"]; l.Color != "000000" || l.Description != "mine" {
		t.Errorf("summon-human is %s %q, want the maintainer's", l.Color, l.Description)
	}
}

// TestEachFailureIsOneLine: from a ready repository, each thing that goes
// wrong fails exactly its own check, with its fix.
func TestEachFailureIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		repo   string
		setup  func(e *env) // before bootstrap
		break_ func(e *env)
		check  string
		want   []string // in the detail, then in the fix
		fix    []string
	}{
		{
			name:   "token without the project scope",
			break_: func(e *env) { e.token = octoRepoPAT },
			check:  "token-scopes",
			want:   []string{"has repo", "lacks project"},
			fix:    []string{"add project to the token's scopes", "/settings/tokens/new?scopes=project,public_repo"},
		},
		{
			name: "dispatcher without write access",
			repo: "acme/app",
			setup: func(e *env) {
				e.world.AddUser("acme", "Organization")
				r := e.world.AddRepo("acme", "app", map[string]string{"README.md": "app\n"})
				e.world.SetPermission(r, "octo", "write")
				e.world.AddLoopWorkflows(r)
			},
			break_: func(e *env) { e.world.SetPermission(e.world.Repo("acme/app"), "octo", "read") },
			check:  "repository",
			want:   []string{"octo has read access to acme/app", "claude-code-action ignores"},
			fix:    []string{"give octo the Write role", "/acme/app/settings/access"},
		},
		{
			name: "owner type user, written as organization",
			break_: func(e *env) {
				cfg := octoConfig("octo/demo")
				cfg.Project.OwnerType = "organization"
				e.dir = initRepo(e.t, cfg)
			},
			check: "board",
			want:  []string{"octo is a user, not an organization"},
			fix:   []string{`set "owner_type": "user" under "project"`},
		},
		{
			name: "three issues pinned already",
			setup: func(e *env) {
				r := e.world.Repo("octo/demo")
				for n := 1; n <= 3; n++ {
					if err := e.world.Pin(r.Issue(n)); err != nil {
						e.t.Fatal(err)
					}
				}
			},
			check: "status-issue",
			want:  []string{"#4 is not pinned", "pins 3 issues already (#1, #2, #3)"},
			fix:   []string{"unpin one of them"},
		},
		{
			name: "outer workflow disabled",
			break_: func(e *env) {
				e.world.SetWorkflowState(e.world.Repo("octo/demo"), ".github/workflows/nanobots-outer.yml", "disabled_inactivity")
			},
			check: "workflows",
			want:  []string{"nanobots-outer.yml is disabled_inactivity", "60 days"},
			fix:   []string{"gh workflow enable nanobots-outer.yml"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := tc.repo
			if repo == "" {
				repo = "octo/demo"
			}
			e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), octoConfig(repo))
			if tc.setup != nil {
				tc.setup(e)
			}
			e.bootstrap(false)
			if tc.break_ != nil {
				tc.break_(e)
			}
			rep := e.doctor()
			if got := failed(rep); len(got) != 1 || got[0] != tc.check {
				t.Fatalf("failed checks %v, want only %s", got, tc.check)
			}
			c, _ := rep.Check(tc.check)
			for _, w := range tc.want {
				if !strings.Contains(c.Detail, w) {
					t.Errorf("detail %q lacks %q", c.Detail, w)
				}
			}
			for _, w := range tc.fix {
				if !strings.Contains(c.Fix, w) {
					t.Errorf("fix %q lacks %q", c.Fix, w)
				}
			}
		})
	}
}

func TestDoctorWithoutToken(t *testing.T) {
	e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), octoConfig("octo/demo"))
	e.token = ""
	rep := e.doctor()
	if got := failed(rep); len(got) != 1 || got[0] != "dispatch-token" {
		t.Fatalf("failed %v, want only dispatch-token", got)
	}
	if c, _ := rep.Check("board"); c.Result != setup.Skip {
		t.Errorf("board is %s, want skip", c.Result)
	}
	if n := e.srv.Log.Totals().Requests; n != 0 {
		t.Errorf("doctor sent %d requests without a token", n)
	}
}

func TestGitHubTokenMustNotBeTheDispatchToken(t *testing.T) {
	e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), octoConfig("octo/demo"))
	e.bootstrap(false)
	opts := e.options()
	opts.Settings.Token = opts.Settings.DispatchToken
	rep := setup.Doctor(context.Background(), setup.DoctorOptions{Options: opts, Version: version})
	if got := failed(rep); len(got) != 1 || got[0] != "github-token" {
		t.Fatalf("failed %v, want only github-token", got)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if strings.Contains(out.String(), octoPAT) {
		t.Error("doctor printed the token")
	}
}

func TestBootstrapRefusesAnotherUsersToken(t *testing.T) {
	e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), octoConfig("octo/demo"))
	e.world.AddToken("ghp_mona", "mona", "project", "repo")
	e.token = "ghp_mona"
	_, err := setup.Bootstrap(context.Background(), setup.BootstrapOptions{Options: e.options()})
	if err == nil || !strings.Contains(err.Error(), "belongs to mona, but .nanobots/config.json names octo as the dispatcher") {
		t.Fatalf("err %v, want a refusal naming mona and octo", err)
	}
	if n := e.srv.Log.Totals().Writes; n != 0 {
		t.Errorf("%d writes", n)
	}
}

func TestBootstrapWithoutLinkOffersIt(t *testing.T) {
	e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), octoConfig("octo/demo"))
	var out bytes.Buffer
	res, err := setup.Bootstrap(context.Background(), setup.BootstrapOptions{Options: e.options(), Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changes() != 10 || !strings.Contains(out.String(), `offer   to link board octo/1 to octo/demo: not linked`) ||
		!strings.Contains(out.String(), `run "nanobots bootstrap --link"`) {
		t.Errorf("%d changes; output:\n%s", res.Changes(), out.String())
	}
}

// TestDoctorReadsTheWorkTree: a problem in a file of the work tree fails
// its own check, at the file, line and column.
func TestDoctorReadsTheWorkTree(t *testing.T) {
	for _, tc := range []struct {
		name         string
		file, old, s string
		failed       string
		want         string
	}{
		{"config", ".nanobots/config.json", `"wip_limit": 2`, `"wip_limit": 0`, "config", ".nanobots/config.json:"},
		{"recipe", ".nanobots/RECIPES.md", "## bug\n", "## bugs\n", "recipes", `uses recipe "bug", which is not a section of .nanobots/RECIPES.md`},
		{"edited workflow", ".github/workflows/nanobots-outer.yml", "\non:\n", "\n# mine\non:\n", "engine-files", "nanobots-outer.yml"},
		{"broken workflow", ".github/workflows/nanobots-outer.yml", "runs-on: ubuntu-latest", "runs-on: ubuntu-latst", "engine-files actionlint", `.github/workflows/nanobots-outer.yml:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, ghsim.Bare(ghsim.NewClock(epoch).Now), octoConfig("octo/demo"))
			e.bootstrap(false)
			p := filepath.Join(e.dir, filepath.FromSlash(tc.file))
			b, err := os.ReadFile(p)
			if err != nil || !bytes.Contains(b, []byte(tc.old)) {
				t.Fatalf("%s lacks %q (%v)", tc.file, tc.old, err)
			}
			if err := os.WriteFile(p, bytes.Replace(b, []byte(tc.old), []byte(tc.s), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			rep := e.doctor()
			if got := strings.Join(failed(rep), " "); got != tc.failed {
				t.Fatalf("failed %q, want %q", got, tc.failed)
			}
			ids := strings.Fields(tc.failed)
			c, _ := rep.Check(ids[len(ids)-1])
			if !strings.Contains(c.Detail, tc.want) || c.Fix == "" {
				t.Errorf("detail %q lacks %q, or no fix", c.Detail, tc.want)
			}
		})
	}
}
