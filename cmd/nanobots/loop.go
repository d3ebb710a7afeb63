package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/outerloop"
)

type loopOptions struct {
	dir    string
	dryRun bool
	json   bool
}

func newLoopCmd(s streams) *cobra.Command {
	opts := loopOptions{}
	cmd := &cobra.Command{
		Use:   "loop",
		Short: "Run one cycle of the outer loop: triage, dispatch, watch, report",
		Long: `loop runs one cycle of the outer loop, the way the scheduled workflow
nanobots-outer.yml calls it, from a checkout of the repository: it reads the
policy in .nanobots/ (config.json, TRIAGE.md, RECIPES.md, prompts/), reads the
board and the repository, plans, and carries the plan out.

  observe  the board (100 items a request), the inbox, and the details of
           every item the plan may act on
  plan     intake of new inbox issues; triage by the rubric (Priority, Size,
           Ready / Backlog / Blocked, a triage comment); dispatch of Ready
           items while fewer than wip_limit are in progress; following
           dispatched work through In Review and Verify to Done (CI on the
           merge commit, a LEARNINGS.md entry), or back to Ready, or to
           Blocked with a person summoned
  apply    in phases, mutations batched; each action is safe to repeat; a
           failure stops the cycle and the next one converges
  report   the pinned status issue (created and pinned when missing): its
           body is rewritten when what it reports changes, and otherwise
           every heartbeat_interval; it gets a comment only when an item
           newly needs a person. "nanobots status" prints the same report.

A cycle with nothing to do writes nothing. A broken policy file, a token that
is not the dispatcher's, or a board without the options the loop needs stops
the cycle before its first write; below 500 GraphQL points left this hour it
plans but writes nothing.

Environment:
  NANOBOTS_DISPATCH_TOKEN  the dispatcher's classic PAT (repo, project): reads
                           and writes the board, posts dispatch comments
  GITHUB_TOKEN             optional: comments, labels, assignees as the Actions bot
  GITHUB_API_URL, GITHUB_GRAPHQL_URL  where GitHub is (or the simulator)
  GITHUB_REPOSITORY        when set, must match "repo" in config.json
  GITHUB_SERVER_URL, GITHUB_RUN_ID  set by Actions: the status issue links the run

Exit status: 0 when the cycle ran (or had nothing to do), 1 when it stopped.`,
		Example: `  nanobots loop --dry-run
  nanobots loop
  nanobots loop --dry-run --json | jq '.plan.actions[].why'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return loopRun(cmd.Context(), s, opts)
		},
	}
	cmd.Flags().StringVar(&opts.dir, "dir", ".", "the repository's checkout, where .nanobots/ is")
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "print the plan and why; write nothing")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the cycle as JSON")
	return cmd
}

func loopRun(ctx context.Context, s streams, opts loopOptions) error {
	set, err := ghclient.SettingsFromEnv(s.getenv)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	actions := s.getenv("GITHUB_ACTIONS") == "true"
	if actions {
		// The runner hides these values in every later line of the log.
		for _, tok := range []ghclient.Secret{set.Token, set.DispatchToken} {
			if tok != "" {
				fmt.Fprintf(s.Out, "::add-mask::%s\n", tok.Reveal())
			}
		}
		fmt.Fprintln(s.Out, "::group::nanobots cycle")
		defer fmt.Fprintln(s.Out, "::endgroup::")
	}
	res, runErr := outerloop.Run(ctx, outerloop.Options{Dir: opts.dir, Settings: set, DryRun: opts.dryRun, RunURL: runURL(s.getenv)})
	if res != nil {
		if opts.json {
			if err := writeJSON(s.Out, res); err != nil {
				return err
			}
		} else if err := res.WriteText(s.Out); err != nil {
			return err
		}
		if path := s.getenv("GITHUB_STEP_SUMMARY"); path != "" {
			if err := appendSummary(path, res); err != nil {
				fmt.Fprintf(s.Err, "nanobots: job summary: %v\n", err)
			}
		}
	}
	if runErr != nil {
		return &exitError{code: 1, err: runErr}
	}
	return nil
}

func appendSummary(path string, res *outerloop.Result) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := res.WriteSummary(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
