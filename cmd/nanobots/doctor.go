package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/version"
	"github.com/nanobots-dev/nanobots/setup"
)

type doctorOptions struct {
	dir  string
	json bool
}

func newDoctorCmd(s streams) *cobra.Command {
	opts := doctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check everything a cycle of the loop needs, and say how to fix what is missing",
		Long: `doctor checks, one line each, everything a cycle of the outer loop needs, and
prints the fix under each check that fails:

  - .nanobots/config.json, TRIAGE.md, RECIPES.md and the prompts parse
  - the engine-owned files are current and unedited (as "update --check"),
    and the loop's workflows pass actionlint
  - NANOBOTS_DISPATCH_TOKEN belongs to the dispatcher, a person; its classic
    scopes (project, and repo for a private repository); GITHUB_TOKEN is not
    the same token
  - the repository: the dispatcher has write access (claude-code-action
    ignores everyone else); the loop's workflows are there and enabled
  - the board: found as config.json says (user or organization), with the
    Status options and the Priority and Size fields, linked to the repository
  - the loop's labels, and the pinned status issue (or room to pin it)
  - the GraphQL points left against what a cycle of this board costs

It writes nothing. It exits 0 only when every check a cycle needs passes
(a warning does not count), 1 otherwise. Tokens are never printed.`,
		Example: `  nanobots doctor
  nanobots doctor --json | jq '.checks[] | select(.result == "fail")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return doctorRun(cmd.Context(), s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.dir, "dir", ".", "the repository's `directory`, holding .nanobots/")
	f.BoolVar(&opts.json, "json", false, "print the checks as JSON")
	return cmd
}

func doctorRun(ctx context.Context, s streams, opts doctorOptions) error {
	settings, err := ghclient.SettingsFromEnv(s.getenv)
	if err != nil {
		return err
	}
	rep := setup.Doctor(ctx, setup.DoctorOptions{
		Options: setup.Options{Dir: opts.dir, Settings: settings},
		Version: version.String(),
		Commit:  version.Get().Commit,
	})
	if opts.json {
		if err := writeJSON(s.Out, rep); err != nil {
			return err
		}
	} else {
		if err := rep.Print(s.Out); err != nil {
			return err
		}
		if rep.OK() {
			fmt.Fprintln(s.Out, "ready: everything a cycle needs is there")
		} else {
			n := len(rep.Failed())
			what := "1 check failed"
			if n > 1 {
				what = fmt.Sprintf("%d checks failed", n)
			}
			fmt.Fprintf(s.Out, "%s: fix as shown, then run \"nanobots doctor\" again\n", what)
		}
	}
	if !rep.OK() {
		return &exitError{code: 1, err: errSilent}
	}
	return nil
}
