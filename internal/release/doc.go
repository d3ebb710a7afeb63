// Package release checks, offline, how nanobots is released and installed:
// the GoReleaser configuration (.goreleaser.yaml), the release workflow,
// the root action.yml and the installer it runs (scripts/install.sh),
// against each other and against internal/version. It holds tests only;
// `make release-check` runs them. Nothing here talks to GitHub.
package release
