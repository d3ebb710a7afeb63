package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/version"
)

// TestVersionPrintsVersionAndCommit checks what `make build VERSION=…`
// links in is what `nanobots version` prints, as text and as JSON.
func TestVersionPrintsVersionAndCommit(t *testing.T) {
	defer func(v, c string) { version.Version, version.Commit = v, c }(version.Version, version.Commit)
	version.Version, version.Commit = "v1.2.3", "0a7d3932e86ce226fc838e94805702eb36b14cf0"

	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "nanobots v1.2.3\ncommit 0a7d3932e86ce226fc838e94805702eb36b14cf0") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "version", "--json")
	var got version.Info
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("version --json: exit %d, %v: %q", code, err, out)
	}
	if got.Version != "v1.2.3" || got.Commit != version.Commit || got.Module != version.Module {
		t.Errorf("version --json = %+v, want v1.2.3 at %s of %s", got, version.Commit, version.Module)
	}
}
