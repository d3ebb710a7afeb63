package main

import (
	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/demo"
	"github.com/nanobots-dev/nanobots/internal/version"
)

func newDemoCmd(s streams) *cobra.Command {
	opts := demo.Options{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Watch a whole outer loop run offline, against the simulator",
		Long: `demo runs the outer loop end to end with no token and no network: it starts
the GitHub simulator with the scripted agent in place of claude-code-action,
runs "nanobots init" into a temporary repository, files four issues through
the rendered issue forms, and runs cycles (30 simulated minutes apart) until
the work settles, printing each cycle's plan and what was done.

The agent plays claude-code-action as it is: each run pushes a branch and
ends with a tracking comment, and opens no pull request. The loop opens the
pull request from that branch; between cycles a maintainer, octo, reviews
and merges it, and the next cycle takes the work to Done.

It ends with the board, the LEARNINGS.md entries and the pinned status
issue's body. CI fails on one pull request's merge commit, one issue lacks
its acceptance criteria, and one is in a hard-gate area, so every kind of
outcome shows.`,
		Example: `  nanobots demo
  nanobots demo --dir /tmp/demo   # keep the rendered repository`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			opts.Version = version.String()
			return demo.Run(ctx, s.Out, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "initialise the demo repository here and keep it (default: a temporary directory)")
	return cmd
}
