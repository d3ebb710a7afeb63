package plan

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots/nanobots/policy"
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
