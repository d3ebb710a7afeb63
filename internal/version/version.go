// Package version reports which nanobots this binary is: its release, the
// commit it was built from, and where the project publishes it. Engine-owned
// files record the version in their ownership marker, and the outer workflow
// pins the action at the commit, so both must be stable for one build.
package version

import (
	"regexp"
	"runtime"
	"runtime/debug"
)

// Where the project lives. Every file nanobots renders or documents takes
// these from here: a rendered workflow that named another module or
// repository would install someone else's code with the dispatch token.
const (
	// Module is the Go module path of nanobots.
	Module = "github.com/nanobots-dev/nanobots"
	// Repository is the GitHub repository that holds the module, its
	// releases and the root action.yml that rendered workflows use.
	Repository = "nanobots-dev/nanobots"
	// ExtensionRepository is the companion repository that `gh extension
	// install` installs `gh nanobots` from: gh only accepts repositories
	// named gh-NAME. It holds no code, only the release assets.
	ExtensionRepository = "nanobots-dev/gh-nanobots"
	// Command is the import path of the nanobots command.
	Command = Module + "/cmd/nanobots"
)

// Version and Commit are set at link time by release builds and by
// `make build`:
//
//	go build -ldflags "-X MODULE/internal/version.Version=v1.2.3 -X MODULE/internal/version.Commit=$(git rev-parse HEAD)"
//
// Without them Version falls back to the module version `go install
// MODULE/cmd/nanobots@v1.2.3` records, and to "dev"; Commit falls back to
// the vcs.revision `go build -buildvcs=true` records, and to "".
var (
	Version = ""
	Commit  = ""
	// Modified is "true" when the work tree had changes Commit lacks.
	Modified = ""
)

var (
	releaseRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	commitRE  = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// String returns the version of this binary.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// IsRelease reports whether v names a release (vMAJOR.MINOR.PATCH, with an
// optional pre-release or build suffix), as opposed to "dev" or a
// pseudo-version of an untagged commit.
func IsRelease(v string) bool {
	return releaseRE.MatchString(v) && !pseudoRE.MatchString(v)
}

// pseudoRE matches the pseudo-versions the go command gives untagged
// commits (v0.0.0-20261203212514-0a7d3932e86c and its variants).
var pseudoRE = regexp.MustCompile(`-(0\.)?[0-9]{14}-[0-9a-f]{12}(\+dirty)?$`)

// IsCommit reports whether s is a full commit SHA (40 hex digits).
func IsCommit(s string) bool { return commitRE.MatchString(s) }

// Info is everything `nanobots version` reports.
type Info struct {
	Version string `json:"version"`
	// Commit is the full SHA of the commit this binary was built from, or
	// "" when the build did not record one.
	Commit string `json:"commit"`
	// Modified is true when the work tree had changes the commit lacks.
	Modified bool   `json:"modified"`
	Module   string `json:"module"`
	Go       string `json:"go"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
}

// Get returns what this binary knows about itself.
func Get() Info {
	in := Info{Version: String(), Commit: Commit, Modified: Modified == "true", Module: Module, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if !IsCommit(in.Commit) {
		in.Commit = ""
	}
	return in
}
