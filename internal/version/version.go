// Package version reports which nanobots this binary is. Engine-owned files
// record it in their ownership marker, so it must be stable for one build.
package version

import "runtime/debug"

// Version is set at link time by release builds:
//
//	go build -ldflags "-X github.com/nanobots/nanobots/internal/version.Version=v1.2.3"
//
// Otherwise it falls back to the module version recorded by `go install`, and
// to "dev" in a work tree.
var Version = ""

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
