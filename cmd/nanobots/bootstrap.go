package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/setup"
)

type bootstrapOptions struct {
	dir    string
	dryRun bool
	link   bool
}

func newBootstrapCmd(s streams) *cobra.Command {
	opts := bootstrapOptions{}
	cmd := &cobra.Command{
		Use:   "bootstrap",
		Short: "Make the repository and its board ready for the loop: labels, fields, status issue",
		Long: `bootstrap sets up what the loop needs on GitHub, as .nanobots/config.json and
TRIAGE.md describe it, writing with the dispatcher's token
(NANOBOTS_DISPATCH_TOKEN):

  - the labels the loop uses, with colours and descriptions
  - the board's Status options (added to the Status field every board has,
    keeping the options that are there) and its Priority and Size fields,
    whose options are the rubric's priorities and sizes
  - the status issue, created and pinned (GitHub pins at most three)
  - the board linked to the repository, with --link or when you say yes

Each step is skipped when it is done already, so running bootstrap again
changes nothing. A step that needs you (a fourth pin, a field of the wrong
type) is listed with its fix, and bootstrap exits 1. Run "nanobots doctor"
for every check.

It reads GITHUB_API_URL and GITHUB_GRAPHQL_URL like every command; see
docs/setup.md.`,
		Example: `  nanobots bootstrap --dry-run
  nanobots bootstrap --link
  nanobots bootstrap --dir ../widgets`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return bootstrapRun(cmd.Context(), s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.dir, "dir", ".", "the repository's `directory`, holding .nanobots/")
	f.BoolVar(&opts.dryRun, "dry-run", false, "print each step bootstrap would take, and take none")
	f.BoolVar(&opts.link, "link", false, "link the board to the repository without asking")
	return cmd
}

func bootstrapRun(ctx context.Context, s streams, opts bootstrapOptions) error {
	settings, err := ghclient.SettingsFromEnv(s.getenv)
	if err != nil {
		return err
	}
	in := bufio.NewReader(s.In)
	link := func(board, repo string) bool {
		switch {
		case opts.link:
			return true
		case opts.dryRun || !s.InTTY:
			return false
		}
		fmt.Fprintf(s.Out, "Link board %s to %s, so it shows in the repository's Projects tab? [y/N] ", board, repo)
		answer, _ := in.ReadString('\n')
		answer = strings.ToLower(strings.TrimSpace(answer))
		return answer == "y" || answer == "yes"
	}
	if opts.dryRun {
		fmt.Fprintln(s.Out, "dry run: these are the steps bootstrap would take; nothing is written")
	}
	res, err := setup.Bootstrap(ctx, setup.BootstrapOptions{
		Options: setup.Options{Dir: opts.dir, Settings: settings},
		DryRun:  opts.dryRun,
		Link:    link,
		Out:     s.Out,
	})
	if err != nil {
		return err
	}
	n := res.Changes()
	switch {
	case opts.dryRun:
		fmt.Fprintf(s.Out, "dry run: %s planned; nothing was written\n", changes(n))
	case n == 0:
		fmt.Fprintln(s.Out, "nothing to change")
	default:
		fmt.Fprintf(s.Out, "%s made; run \"nanobots doctor\" to check everything a cycle needs\n", changes(n))
	}
	if blocked := len(res.Blocked()); blocked > 0 && !opts.dryRun {
		what := "1 step needs"
		if blocked > 1 {
			what = fmt.Sprintf("%d steps need", blocked)
		}
		return &exitError{code: 1, err: fmt.Errorf("%s you, as listed above", what)}
	}
	return nil
}

// changes says "1 change" or "n changes".
func changes(n int) string {
	if n == 1 {
		return "1 change"
	}
	return fmt.Sprintf("%d changes", n)
}
