package main

import (
	"context"
	"fmt"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nanobots/nanobots/internal/ghsim"
)

type simOptions struct {
	listen      string
	agent       string
	trigger     string
	dispatchers []string
	agentEvery  time.Duration
	tour        bool
	bare        bool
	users       []string
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
is the base URL; point nanobots at it with

  GITHUB_API_URL=<url> GITHUB_GRAPHQL_URL=<url>/graphql

With --agent scripted, a scripted agent answers dispatch comments the way
claude-code-action would: a claude/issue-N-… branch, a pull request that
closes the issue, a merge and a green CI run.

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
permissions for each.`,
		Example: `  nanobots sim
  nanobots sim --listen 127.0.0.1:8080 --agent scripted
  nanobots sim --tour
  nanobots sim --bare
  nanobots sim --user eve:none --user tess:triage --user max:maintain`,
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
	f.BoolVar(&opts.tour, "tour", false, "query the simulator through nanobots' client, print what it answered, and exit")
	f.BoolVar(&opts.bare, "bare", false, "serve the demo world before bootstrap: a new board, no loop labels, no status issue")
	f.StringArrayVar(&opts.users, "user", nil, "add a person `LOGIN:ROLE` to octo/demo (role: none, read, triage, write, maintain, admin; repeatable); their token is sim-LOGIN")
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
	world := ghsim.Demo(nil)
	if opts.bare {
		world = ghsim.Bare(nil)
	}
	if err := addPeople(world, opts.users); err != nil {
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

	if ctx == nil {
		ctx = context.Background()
	}
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
