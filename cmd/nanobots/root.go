package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// streams carries every input and output a command uses, so tests read what a
// command printed from a buffer (no command writes to os.Stdout directly).
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTTY says whether In is a terminal; commands prompt only when it is.
	InTTY bool
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

func (s streams) getenv(key string) string {
	if s.Getenv == nil {
		return os.Getenv(key)
	}
	return s.Getenv(key)
}

func defaultStreams() streams {
	return streams{
		In:    os.Stdin,
		Out:   os.Stdout,
		Err:   os.Stderr,
		InTTY: isatty.IsTerminal(os.Stdin.Fd()) || isatty.IsCygwinTerminal(os.Stdin.Fd()),
	}
}

// exitError carries a specific exit code out of a command, for example 1 from
// `update --check` when files drifted: a result, not a failure to run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errSilent is returned by a command that already printed what went wrong.
var errSilent = errors.New("silent")

// run executes the CLI and maps errors to exit codes in one place:
// 0 success, 1 a result that needs attention (drift, a failed check),
// 2 misuse or an error.
func run(args []string, s streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	// Every command's cmd.Context() is then non-nil.
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if !errors.Is(ee.err, errSilent) {
			fmt.Fprintln(s.Err, "nanobots:", ee.err)
		}
		return ee.code
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintln(s.Err, "nanobots:", err)
	}
	return 2
}

func newRootCmd(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "nanobots",
		Short: "Run a GitHub repository as two nested loops",
		Long: `nanobots runs a GitHub repository as two nested loops, with GitHub as its
only state store and audit trail.

The outer loop ("nanobots loop", on a cron schedule in GitHub Actions) triages
the repository's Projects v2 board, dispatches work to a coding agent with an
@claude comment, watches pull requests and CI, and keeps a pinned status issue
current. "nanobots init" renders everything both loops need into a repository.

"nanobots sim" serves an offline GitHub simulator, for trying it all without a
token.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.AddCommand(
		newVersionCmd(s),
		newInitCmd(s),
		newUpdateCmd(s),
		newSimCmd(s),
		newBootstrapCmd(s),
		newDoctorCmd(s),
		newLoopCmd(s),
		newDemoCmd(s),
		newStatusCmd(s),
	)
	return root
}
