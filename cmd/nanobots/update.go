package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/version"
	"github.com/nanobots-dev/nanobots/scaffold"
)

type updateOptions struct {
	dir       string
	dryRun    bool
	check     bool
	actionRef string
}

func newUpdateCmd(s streams) *cobra.Command {
	opts := updateOptions{}
	cmd := &cobra.Command{
		Use:   "update [DIR]",
		Short: "Bring the engine-owned files up to this version, keeping every edit",
		Long: `update re-renders the engine-owned files of the repository at DIR (default:
the current directory) from its .nanobots/config.json and TRIAGE.md with this
version of nanobots.

  - untouched since rendered (the marker's hash matches): replaced
  - edited by hand: merged three ways with git merge-file, the base being the
    rendering the marker records, found in the repository's git history
  - no such base, or the merge conflicts: left as it is, and the new rendering
    written beside it as FILE.nanobots-new, with what to do
  - no longer rendered by this version: removed when untouched
  - repo-owned files (config.json, TRIAGE.md, RECIPES.md, LEARNINGS.md): never
    touched, only written when absent

--check writes nothing and exits 1 when anything is out of date or edited by
hand, naming each file: for CI.

The outer workflow runs the nanobots action pinned at the commit this build
was made from (with its release in a comment): update moves the pin, and the
version the action installs, to this build. --action-ref pins another ref.`,
		Example: `  nanobots update --dry-run
  nanobots update
  nanobots update --check`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = "."
			if len(args) == 1 {
				opts.dir = args[0]
			}
			return updateRun(s, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.dryRun, "dry-run", false, "show what would change, as a diff, without writing")
	cmd.Flags().BoolVar(&opts.check, "check", false, "write nothing; exit 1 if any file is out of date or edited by hand")
	cmd.Flags().StringVar(&opts.actionRef, "action-ref", "", "run the nanobots action at this commit, tag or branch instead of the commit this build was made from")
	cmd.MarkFlagsMutuallyExclusive("dry-run", "check")
	return cmd
}

func updateRun(s streams, opts updateOptions) error {
	in := version.Get()
	engine, err := scaffold.PinEngine(in.Version, in.Commit, opts.actionRef)
	if err != nil {
		return fmt.Errorf("--action-ref: %w", err)
	}
	res, err := scaffold.Update(scaffold.UpdateOptions{Dir: opts.dir, Version: in.Version, Commit: in.Commit, ActionRef: opts.actionRef, DryRun: opts.dryRun || opts.check})
	if err != nil {
		return err
	}
	if err := warnUnpinned(s, engine); err != nil {
		return err
	}
	if opts.check {
		drifted := res.Drifted()
		if len(drifted) == 0 {
			_, err := fmt.Fprintf(s.Out, "up to date with nanobots %s\n", version.String())
			return err
		}
		if err := (scaffold.Outcome{Changes: drifted}).Print(s.Out, true); err != nil {
			return err
		}
		return &exitError{code: 1, err: fmt.Errorf("%s out of date or edited by hand, as listed above", files(len(drifted)))}
	}
	if err := res.Print(s.Out, false); err != nil {
		return err
	}
	if opts.dryRun {
		if err := res.PrintDiff(s.Out); err != nil {
			return err
		}
		_, err := fmt.Fprintf(s.Out, "dry run: %s would change; nothing was written\n", files(res.Written()))
		return err
	}
	waiting := 0
	for _, c := range res.Changes {
		if c.NeedsPerson() {
			waiting++
		}
	}
	if waiting > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%s need you, as listed above", files(waiting))}
	}
	if res.Written() == 0 {
		_, err = fmt.Fprintln(s.Out, "nothing to change")
		return err
	}
	_, err = fmt.Fprintf(s.Out, "%s changed: review and commit them\n", files(res.Written()))
	return err
}

// files says "1 file" or "n files".
func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// warnUnpinned says so when this build could not pin the outer workflow to
// itself: the workflow then names a ref that does not exist and fails safe.
func warnUnpinned(s streams, e scaffold.EngineAction) error {
	if e.Pinned {
		return nil
	}
	_, err := fmt.Fprintf(s.Err, "warning: this nanobots (%s) knows neither its commit nor its release, so the outer workflow names %s@%s and will not run: pass --action-ref COMMIT, or use a release or a `make build` binary\n", version.String(), version.Repository, scaffold.Unpinned)
	return err
}
