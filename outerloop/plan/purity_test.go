package plan

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/policy"
)

// makePure makes the plan and fails the test if the planner wrote into the
// snapshot it read: what the status report says about the board as
// observed is read from the snapshot, so a planner that moved its cards
// would report the board wrong.
func makePure(t *testing.T, s *Snapshot, p *policy.Policy, now time.Time) Plan {
	t.Helper()
	before := cloneSnapshot(t, s)
	pl := MakePlan(s, p, now)
	if diff := cmp.Diff(before, s); diff != "" {
		t.Errorf("MakePlan wrote into its snapshot (-before +after):\n%s", diff)
	}
	return pl
}

// cloneSnapshot is a deep copy of s, through JSON: every field of a
// snapshot is exported data.
func cloneSnapshot(t *testing.T, s *Snapshot) *Snapshot {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var c Snapshot
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&c, s); diff != "" {
		t.Fatalf("the copy of the snapshot differs from it (-copy +snapshot):\n%s", diff)
	}
	return &c
}

// TestPlannerDoesNoIO: the planner, and every package of this module it
// depends on, imports nothing that can reach the network, a process or a
// file: no client, no net/http, no os. So nothing but the snapshot, the
// policy and the time can change a plan.
func TestPlannerDoesNoIO(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports ","}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const module = "github.com/nanobots-dev/nanobots/"
	forbiddenDep := []string{"net", "net/http", "os/exec", "github.com/shurcooL/githubv4", "github.com/google/go-github/v66/github", module + "internal/ghclient"}
	forbiddenImport := []string{"os", "io/ioutil", "syscall"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if slices.Contains(forbiddenDep, pkg) {
			t.Errorf("the planner depends on %s", pkg)
		}
		if !strings.HasPrefix(pkg, module) {
			continue
		}
		for _, imp := range strings.Split(imports, ",") {
			if slices.Contains(forbiddenImport, imp) {
				t.Errorf("%s, which the planner depends on, imports %s", pkg, imp)
			}
		}
	}
}
