package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nanobots-dev/nanobots/internal/version"
)

func newVersionCmd(s streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the nanobots version and the commit it was built from",
		Long: `Print the nanobots version and the commit it was built from.

A release prints its tag; any other build prints "dev" (or the
pseudo-version go install recorded). The commit is the one the build was
made from; "unknown" when the build did not record it (go run, or
-buildvcs=false without make build).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := version.Get()
			if asJSON {
				return writeJSON(s.Out, in)
			}
			commit := in.Commit
			if commit == "" {
				commit = "unknown"
			}
			if in.Modified {
				commit += " (modified)"
			}
			_, err := fmt.Fprintf(s.Out, "nanobots %s\ncommit %s\n%s, %s/%s\n", in.Version, commit, in.Go, in.OS, in.Arch)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the version as JSON")
	return cmd
}
