package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/version"
	"github.com/nanobots-dev/nanobots/scaffold"
)

// TestInitAndUpdatePinTheEngine checks what the outer workflow runs, as the
// CLI renders it from what this binary knows about itself: a release pins
// its commit with the version in a comment, update moves the pin to the
// next release, --action-ref wins, and a build that knows nothing warns
// and pins a ref that does not exist.
func TestInitAndUpdatePinTheEngine(t *testing.T) {
	defer func(v, c string) { version.Version, version.Commit = v, c }(version.Version, version.Commit)
	const c1, c2 = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	outer := func(dir string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "nanobots-outer.yml"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	version.Version, version.Commit = "v1.2.3", c1
	dir := gitRepo(t)
	if code, _, errOut := nanobots(t, "", false, append([]string{"init", dir}, initFlags...)...); code != 0 || errOut != "" {
		t.Fatalf("init: exit %d\n%s", code, errOut)
	}
	if want := "uses: " + version.Repository + "@" + c1 + " # v1.2.3\n        with:\n          version: \"v1.2.3\""; !strings.Contains(outer(dir), want) {
		t.Fatalf("init as v1.2.3 does not pin itself: want\n%s", want)
	}
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-qm", "nanobots init")

	version.Version, version.Commit = "v1.3.0", c2
	if code, _, errOut := nanobots(t, "", false, "update", dir); code != 0 {
		t.Fatalf("update: exit %d\n%s", code, errOut)
	}
	if want := "@" + c2 + " # v1.3.0"; !strings.Contains(outer(dir), want) {
		t.Errorf("update as v1.3.0 does not move the pin to %s", want)
	}

	if code, _, errOut := nanobots(t, "", false, "update", "--action-ref", "v1.3.0-rc.1", dir); code != 0 {
		t.Fatalf("update --action-ref: exit %d\n%s", code, errOut)
	}
	if want := "@v1.3.0-rc.1 # not a release: the ref given by --action-ref"; !strings.Contains(outer(dir), want) {
		t.Errorf("update --action-ref does not pin the ref: want %s", want)
	}
	if code, _, errOut := nanobots(t, "", false, "update", "--action-ref", "latest", dir); code == 0 || !strings.Contains(errOut, "--action-ref") {
		t.Errorf("update --action-ref latest: exit %d, %q; want refused", code, errOut)
	}

	version.Version, version.Commit = "", ""
	dir = gitRepo(t)
	code, _, errOut := nanobots(t, "", false, append([]string{"init", dir}, initFlags...)...)
	if code != 0 || !strings.Contains(errOut, "warning:") || !strings.Contains(errOut, "--action-ref") {
		t.Fatalf("init from a build that knows nothing: exit %d, %q; want success and a warning", code, errOut)
	}
	if !strings.Contains(outer(dir), "@"+scaffold.Unpinned+" # not pinned") || strings.Contains(outer(dir), "@latest") {
		t.Error("init from a build that knows nothing pins something that exists")
	}
}
