package gql_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// TestAgentBranchesNewestFirstPerIssue: each issue's branches come newest
// first and only its own, however many other issues' branches sort before
// them, in one request.
func TestAgentBranchesNewestFirstPerIssue(t *testing.T) {
	clock := ghsim.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	w := ghsim.Demo(clock.Now)
	r, octo := w.Repo("octo/demo"), w.User("octo")
	branch := func(name string) {
		t.Helper()
		if err := w.CreateBranch(r, name, "main"); err != nil {
			t.Fatal(err)
		}
	}
	// 150 branches of issue 1 sort before issue 5's and 50's.
	for i := range 150 {
		branch(fmt.Sprintf("claude/issue-1-202611%02d-%04d", 1+i/100, i%100))
	}
	branch("claude/issue-5-20261102-0930")
	branch("claude/issue-5-20261102-1031")
	branch("claude/issue-50-20261102-1100")
	branch("feature/claude/issue-5-x")
	clock.Advance(time.Hour)
	if _, err := w.CommitFiles(r, "claude/issue-5-20261102-1031", "work", octo, map[string][]byte{"a.txt": []byte("a")}); err != nil {
		t.Fatal(err)
	}
	srv, c := startSim(t, w)
	got, err := gql.AgentBranches(context.Background(), c, "octo/demo", "claude/issue-", []int{1, 5, 7})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ref := range got[5] {
		names = append(names, ref.Name)
	}
	if want := []string{"claude/issue-5-20261102-1031", "claude/issue-5-20261102-0930"}; !slices.Equal(names, want) {
		t.Errorf("issue 5's branches %v, want %v", names, want)
	}
	if !got[5][0].CommittedAt.After(got[5][1].CommittedAt) {
		t.Errorf("the branch with a commit was committed at %v, the one without at %v", got[5][0].CommittedAt, got[5][1].CommittedAt)
	}
	if len(got[1]) != gql.BranchWindow || got[1][0].Name != "claude/issue-1-20261102-0049" {
		t.Errorf("issue 1: %d branches, newest %v; want %d, newest claude/issue-1-20261102-0049", len(got[1]), got[1][:1], gql.BranchWindow)
	}
	if len(got[7]) != 0 {
		t.Errorf("issue 7 has no branches, got %v", got[7])
	}
	if n := srv.Log.Totals().Requests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
