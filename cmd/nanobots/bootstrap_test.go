package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

const dispatchPAT = "ghp_cliTestToken0000000000000000000000"

// bareRepo starts a simulator seeded bare, initialises a work tree for
// octo/demo and points the environment at both; it returns the simulator and
// the work tree.
func bareRepo(t *testing.T) (*ghsim.Server, string) {
	t.Helper()
	w := ghsim.Bare(nil)
	w.AddToken(dispatchPAT, "octo", "project", "repo")
	sim := simtest.Start(t, w)
	for k, v := range sim.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("GITHUB_REPOSITORY", "")
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("NANOBOTS_DISPATCH_TOKEN", dispatchPAT)
	dir := gitRepo(t)
	if code, _, errOut := nanobots(t, "", false, "init", dir, "--owner", "octo", "--owner-type", "user",
		"--project", "1", "--repo", "octo/demo", "--dispatcher", "octo"); code != 0 {
		t.Fatalf("init exited %d: %s", code, errOut)
	}
	return sim.Server, dir
}

func noToken(t *testing.T, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		if strings.Contains(o, dispatchPAT) {
			t.Fatalf("output shows the token:\n%s", o)
		}
	}
}

func TestBootstrapAndDoctorFromTheCommandLine(t *testing.T) {
	srv, dir := bareRepo(t)

	code, out, errOut := nanobots(t, "", false, "doctor", "--dir", dir)
	noToken(t, out, errOut)
	if code != 1 || !strings.Contains(out, "FAIL  field-status") || !strings.HasSuffix(out, "5 checks failed: fix as shown, then run \"nanobots doctor\" again\n") {
		t.Errorf("doctor on a bare board: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = nanobots(t, "", false, "doctor", "--dir", dir, "--json")
	var rep struct {
		OK     bool `json:"ok"`
		Checks []struct{ ID, Result, Detail, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.OK || len(rep.Checks) < 18 {
		t.Errorf("doctor --json: exit %d, %v, %+v", code, err, rep)
	}

	code, out, errOut = nanobots(t, "", false, "bootstrap", "--dir", dir, "--dry-run")
	noToken(t, out, errOut)
	if code != 0 || !strings.HasPrefix(out, "dry run: these are the steps") || !strings.Contains(out, "dry run: 10 changes planned; nothing was written") ||
		!strings.Contains(out, "offer   to link board octo/1 to octo/demo") {
		t.Errorf("bootstrap --dry-run: exit %d\n%s%s", code, out, errOut)
	}
	if n := srv.Log.Totals().Writes; n != 0 {
		t.Errorf("the dry run made %d writes", n)
	}

	code, out, errOut = nanobots(t, "yes\n", true, "bootstrap", "--dir", dir)
	if code != 0 || !strings.Contains(out, "Link board octo/1 to octo/demo, so it shows in the repository's Projects tab? [y/N] ") ||
		!strings.Contains(out, "link    board octo/1 to octo/demo") || !strings.Contains(out, "11 changes made") {
		t.Errorf("bootstrap: exit %d\n%s%s", code, out, errOut)
	}
	writes := srv.Log.Totals().Writes
	code, out, _ = nanobots(t, "", false, "bootstrap", "--dir", dir)
	if code != 0 || out != "nothing to change\n" || srv.Log.Totals().Writes != writes {
		t.Errorf("bootstrap again: exit %d, %d writes\n%s", code, srv.Log.Totals().Writes-writes, out)
	}

	code, out, errOut = nanobots(t, "", false, "doctor", "--dir", dir)
	noToken(t, out, errOut)
	if code != 0 || !strings.HasSuffix(out, "ready: everything a cycle needs is there\n") {
		t.Errorf("doctor after bootstrap: exit %d\n%s%s", code, out, errOut)
	}
}

func TestBootstrapExitsOneWhenAStepNeedsAPerson(t *testing.T) {
	srv, dir := bareRepo(t)
	w := srv.World
	r := w.Repo("octo/demo")
	for n := 1; n <= 3; n++ {
		if err := w.Pin(r.Issue(n)); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := nanobots(t, "", false, "bootstrap", "--dir", dir, "--link")
	if code != 1 || !strings.Contains(out, "blocked pin the status issue: octo/demo pins 3 issues already (#1, #2, #3)") ||
		!strings.Contains(errOut, "1 step needs you, as listed above") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = nanobots(t, "", false, "doctor", "--dir", dir)
	if code != 1 || strings.Count(out, "FAIL") != 1 || !strings.Contains(out, "FAIL  status-issue    #4 is not pinned") {
		t.Errorf("doctor: exit %d\n%s", code, out)
	}
}

func TestBootstrapWithoutATokenSaysWhatToSet(t *testing.T) {
	_, dir := bareRepo(t)
	t.Setenv("NANOBOTS_DISPATCH_TOKEN", "")
	code, _, errOut := nanobots(t, "", false, "bootstrap", "--dir", dir)
	if code != 2 || !strings.Contains(errOut, "NANOBOTS_DISPATCH_TOKEN is not set") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestSimBareServesANewBoard(t *testing.T) {
	code, out, errOut := runCLI(t, "sim", "--bare", "--tour")
	if code != 0 || !strings.Contains(out, "  Status  Todo · In Progress · Done\n") || !strings.Contains(out, "#1 Add a --version flag []") {
		t.Errorf("sim --bare --tour: exit %d\n%s%s", code, out, errOut)
	}
}
