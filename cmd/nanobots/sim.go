package main

import (
	"context"
	"fmt"
	"net"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

type simOptions struct {
	listen      string
	agent       string
	trigger     string
	dispatchers []string
	agentEvery  time.Duration
	runTime     time.Duration
	outcome     string
	ci          string
	tour        bool
	bare        bool
	users       []string
	boardItems  int
	openItems   int
}

func newSimCmd(s streams) *cobra.Command {
	opts := simOptions{}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve an offline GitHub simulator seeded with a demo repository and board",
		Long: `sim serves an in-memory GitHub on a loopback address: REST at / and GraphQL
at /graphql, checked against GitHub's published OpenAPI description and
GraphQL schema (fetch them first with scripts/fetch-schemas.sh).

It starts with user octo (any token authenticates as octo), the repository
octo/demo with three issues in the inbox, and octo's Projects v2 board 1 with
the Status, Priority and Size fields nanobots uses. The first line of output
is the base URL, printed once the world is ready; point nanobots at it with

  GITHUB_API_URL=<url> GITHUB_GRAPHQL_URL=<url>/graphql

With --agent scripted, a scripted agent answers dispatch comments. By
default (--agent-outcome real) it plays claude-code-action v1.0.200 as it
is: a tracking comment, a new claude/issue-N-YYYYMMDD-HHMM branch with a
commit after --agent-run-time, a "Create PR" link, and no pull request: the
loop opens the pull request, and a person merges it. kind opens a pull
request that closes the issue and merges it itself. See docs/simulator.md
for the others.

octo/demo has a CI workflow (--ci sets how its runs end) that runs on pull
requests and on pushes to main, except those made with GITHUB_TOKEN.

With --bare, the world is as a repository finds it before "nanobots
bootstrap": the board is new (Status has only GitHub's Todo, In Progress and
Done; no Priority or Size), not linked to octo/demo, and none of the loop's
labels or its status issue exist. Try "nanobots doctor" and "nanobots
bootstrap" against it from a repository initialised for octo/demo.

People: the token sim-LOGIN authenticates as LOGIN (an unknown login is
refused, 401), a token that starts with ghs_ as github-actions[bot] with the
outer workflow's GITHUB_TOKEN permissions (no Projects), and any other token
as octo. --user LOGIN:ROLE adds a person with that role on octo/demo (none,
read, triage, write, maintain or admin); the simulator enforces GitHub's
permissions for each.

--board-items N and --open-items M give the board a history to carry: N
closed issues whose cards are Done, closed and last updated at least 30
days ago, and M open issues filed by mona whose cards a person placed in
Backlog, all labelled nanobots:inbox as the issue forms label them. They
are seeded in process, not through the rate limits; a board holds at most
50,000 items, as on GitHub.`,
		Example: `  nanobots sim
  nanobots sim --listen 127.0.0.1:8080 --agent scripted
  nanobots sim --agent scripted --agent-outcome real --agent-run-time 30s
  nanobots sim --tour
  nanobots sim --bare
  nanobots sim --user eve:none --user tess:triage --user max:maintain
  nanobots sim --board-items 49900 --open-items 100`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return simRun(cmd.Context(), s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.listen, "listen", "127.0.0.1:0", "loopback `address` to serve on (port 0 picks a free one)")
	f.StringVar(&opts.agent, "agent", "none", "coding agent to simulate: none or scripted")
	f.StringVar(&opts.trigger, "trigger", "@claude", "trigger `phrase` the scripted agent answers")
	f.StringSliceVar(&opts.dispatchers, "dispatcher", []string{"octo"}, "`login` allowed to start agent runs (repeatable)")
	f.DurationVar(&opts.agentEvery, "agent-every", 2*time.Second, "how often the scripted agent works its queue")
	f.DurationVar(&opts.runTime, "agent-run-time", 5*time.Second, "how long one run of the scripted agent takes")
	f.StringVar(&opts.outcome, "agent-outcome", "", "what the scripted agent's runs do: "+outcomeNames()+" (default: the agent's own default)")
	f.StringVar(&opts.ci, "ci", "success", "how octo/demo's CI runs end: success or failure")
	f.BoolVar(&opts.tour, "tour", false, "query the simulator through nanobots' client, print what it answered, and exit")
	f.BoolVar(&opts.bare, "bare", false, "serve the demo world before bootstrap: a new board, no loop labels, no status issue")
	f.StringArrayVar(&opts.users, "user", nil, "add a person `LOGIN:ROLE` to octo/demo (role: none, read, triage, write, maintain, admin; repeatable); their token is sim-LOGIN")
	f.IntVar(&opts.boardItems, "board-items", 0, "seed `N` closed issues whose cards are Done, finished at least 30 days ago")
	f.IntVar(&opts.openItems, "open-items", 0, "seed `M` open issues whose cards a person placed in Backlog")
	return cmd
}

func simRun(ctx context.Context, s streams, opts simOptions) error {
	if opts.agent != "none" && opts.agent != "scripted" {
		return fmt.Errorf("--agent %q: want none or scripted", opts.agent)
	}
	host, _, err := net.SplitHostPort(opts.listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", opts.listen, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--listen %q: the simulator serves on loopback addresses only", opts.listen)
	}
	if _, ok := ghsim.NamedOutcomes[opts.outcome]; opts.outcome != "" && !ok {
		return fmt.Errorf("--agent-outcome %q: want one of %s", opts.outcome, outcomeNames())
	}
	if opts.ci != "success" && opts.ci != "failure" {
		return fmt.Errorf("--ci %q: want success or failure", opts.ci)
	}
	world := ghsim.Demo(nil)
	if opts.bare {
		if opts.boardItems > 0 || opts.openItems > 0 {
			return fmt.Errorf("--board-items and --open-items need the demo board's Done and Backlog options; drop --bare")
		}
		world = ghsim.Bare(nil)
	}
	world.EnableCI(world.Repo("octo/demo"), "ci", opts.ci)
	if err := addPeople(world, opts.users); err != nil {
		return err
	}
	if err := seedHistory(world, opts.boardItems, opts.openItems); err != nil {
		return err
	}
	srv, err := ghsim.New(world)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", opts.listen)
	if err != nil {
		return err
	}
	url := "http://" + l.Addr().String()
	fmt.Fprintln(s.Out, url)

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if opts.tour {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go srv.Serve(ctx, l)
		return ghsim.Tour(ctx, s.Out, url)
	}
	if opts.agent == "scripted" {
		agent := ghsim.NewAgent(world, opts.trigger, opts.dispatchers...)
		agent.RunTime = opts.runTime
		if opts.outcome != "" {
			agent.Default = ghsim.NamedOutcomes[opts.outcome]
		}
		done := make(chan struct{})
		defer close(done)
		go agent.RunEvery(opts.agentEvery, done)
	}
	fmt.Fprintf(s.Err, "serving GitHub's REST and GraphQL APIs for octo/demo; agent: %s; Ctrl-C stops\n", opts.agent)
	for _, u := range opts.users {
		login, role, _ := ghsim.ParsePerson(u)
		fmt.Fprintf(s.Err, "  %s (%s): token %s\n", login, role, ghsim.PersonToken(login))
	}
	if opts.bare {
		fmt.Fprintf(s.Err, "the board is bare; in a repository initialised with\n"+
			"  nanobots init --owner octo --owner-type user --project 1 --repo octo/demo --dispatcher octo\n"+
			"run, with GITHUB_API_URL=%[1]s GITHUB_GRAPHQL_URL=%[1]s/graphql NANOBOTS_DISPATCH_TOKEN=any:\n"+
			"  nanobots doctor; nanobots bootstrap --link; nanobots doctor\n", url)
	}
	return srv.Serve(ctx, l)
}

func outcomeNames() string {
	names := make([]string, 0, len(ghsim.NamedOutcomes))
	for n := range ghsim.NamedOutcomes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// addPeople adds each --user LOGIN:ROLE to octo/demo.
func addPeople(w *ghsim.World, users []string) error {
	w.Lock()
	r := w.Repo("octo/demo")
	w.Unlock()
	for _, u := range users {
		login, role, err := ghsim.ParsePerson(u)
		if err != nil {
			return fmt.Errorf("--user %w", err)
		}
		if _, err := w.AddPerson(r, login, role); err != nil {
			return fmt.Errorf("--user %q: %w", u, err)
		}
	}
	return nil
}

// seedHistory gives the demo board done finished items and open parked ones.
func seedHistory(w *ghsim.World, done, open int) error {
	if done == 0 && open == 0 {
		return nil
	}
	if done < 0 || open < 0 {
		return fmt.Errorf("--board-items %d --open-items %d: want numbers of items, at least 0", done, open)
	}
	w.Lock()
	p, r, mona := w.Project("octo", 1), w.Repo("octo/demo"), w.User("mona")
	w.Unlock()
	return w.SeedHistory(p, r, ghsim.History{Done: done, Backlog: open, BacklogAuthor: mona, Labels: []string{"nanobots:inbox"}})
}
