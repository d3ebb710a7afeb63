package main

import (
	"context"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/outerloop"
)

type statusOptions struct {
	dir  string
	json bool
}

func newStatusCmd(s streams) *cobra.Command {
	opts := statusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Print the loop's status report: the board, who is needed, the latest actions",
		Long: `status prints what the pinned status issue reports, as the board stands
now: the items per Status, work in progress against wip_limit, what waits on a
person and why, what is Blocked, the loop's latest actions (as the status issue
lists them), what the next cycle would do, and whether the loop is idle,
working, or waiting on people.

It reads the way "nanobots loop --dry-run" does (the policy in .nanobots/, the
board, the repository) and writes nothing.

Environment: the same as "nanobots loop" (NANOBOTS_DISPATCH_TOKEN, and
GITHUB_API_URL, GITHUB_GRAPHQL_URL, GITHUB_REPOSITORY where they apply).

Exit status: 0 when the report was read, 1 when the loop could not read it.`,
		Example: `  nanobots status
  nanobots status --json | jq '.on_human[].issue'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return statusRun(cmd.Context(), s, opts)
		},
	}
	cmd.Flags().StringVar(&opts.dir, "dir", ".", "the repository's checkout, where .nanobots/ is")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the report as JSON")
	return cmd
}

func statusRun(ctx context.Context, s streams, opts statusOptions) error {
	set, err := ghclient.SettingsFromEnv(s.getenv)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	res, runErr := outerloop.Run(ctx, outerloop.Options{Dir: opts.dir, Settings: set, DryRun: true})
	if res != nil {
		if st := res.Status(runURL(s.getenv)); st != nil {
			if opts.json {
				err = writeJSON(s.Out, st)
			} else {
				err = st.WriteText(s.Out)
			}
			if err != nil {
				return err
			}
		}
	}
	if runErr != nil {
		return &exitError{code: 1, err: runErr}
	}
	return nil
}

var (
	runIDRE = regexp.MustCompile(`^[0-9]{1,20}$`)
	repoRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	hostRE  = regexp.MustCompile(`^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9._/-]*)?$`)
)

// runURL is the address of the Actions run the command runs in, from the
// variables Actions sets (GITHUB_SERVER_URL, GITHUB_REPOSITORY,
// GITHUB_RUN_ID), or "" outside Actions or when one looks wrong: the status
// issue links it.
func runURL(getenv func(string) string) string {
	server := strings.TrimRight(strings.TrimSpace(getenv("GITHUB_SERVER_URL")), "/")
	repo := strings.TrimSpace(getenv(ghclient.EnvRepository))
	id := strings.TrimSpace(getenv("GITHUB_RUN_ID"))
	if !hostRE.MatchString(server) || !repoRE.MatchString(repo) || !runIDRE.MatchString(id) {
		return ""
	}
	return server + "/" + repo + "/actions/runs/" + id
}
