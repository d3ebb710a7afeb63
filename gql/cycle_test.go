package gql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

func TestReadCycleFoldsTheSmallReadsIntoTheFirstPage(t *testing.T) {
	w := ghsim.Demo(nil)
	r, octo := w.Repo("octo/demo"), w.User("octo")
	status := w.CreateIssue(r, octo, "nanobots status", "<!-- nanobots:status -->\n", "nanobots:status")
	if err := w.CreateBranch(r, "claude/issue-1-fix", "main"); err != nil {
		t.Fatal(err)
	}
	if err := w.CreateBranch(r, "feature/other", "main"); err != nil {
		t.Fatal(err)
	}
	fill(t, w, 150)
	srv, c := startSim(t, w)

	cy, err := gql.ReadCycle(context.Background(), c, gql.CycleQuery{
		OwnerType: gql.OwnerUser, Owner: "octo", Number: 1, Repo: "octo/demo",
		InboxLabel: "nanobots:inbox", StatusLabel: "nanobots:status",
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two board pages, and one more inbox page: 153 inbox issues do not fit
	// in the first page's 100.
	if got := srv.Log.Totals(); got.Requests != 3 || got.Writes != 0 || cy.Requests != 3 {
		t.Errorf("requests = %d (counted %d), writes = %d; want 3 and no writes", got.Requests, cy.Requests, got.Writes)
	}
	if len(cy.Board.Items) != 150 {
		t.Errorf("items = %d, want 150", len(cy.Board.Items))
	}
	// The three demo issues and the 150 filled ones all carry the inbox label.
	if len(cy.Inbox) != 153 || cy.Inbox[0].Number != 1 {
		t.Errorf("inbox = %d issues starting %v, want 153 oldest first", len(cy.Inbox), cy.Inbox[:1])
	}
	if cy.Viewer != "octo" || cy.DefaultBranch != "main" {
		t.Errorf("viewer %q, default branch %q", cy.Viewer, cy.DefaultBranch)
	}
	if len(cy.StatusIssues) != 1 || cy.StatusIssues[0].Number != status.Number || cy.StatusIssues[0].Author.Login != "octo" {
		t.Errorf("status issues = %+v", cy.StatusIssues)
	}
	if it := cy.Board.Items[0]; it.Values["Status"] != "Ready" || it.Set["Status"].IsZero() {
		t.Errorf("first item: values %v, set %v", it.Values, it.Set)
	}
}

func TestReadIssuesGivesCommentsAuthorsAndClosingPullRequests(t *testing.T) {
	w := ghsim.Demo(nil)
	r, octo := w.Repo("octo/demo"), w.User("octo")
	is := r.Issue(1)
	w.AddComment(is, w.User(ghsim.ActionsBot), "<!-- nanobots:triage -->")
	w.EditIssue(is, is.Body+"\nmore")
	if err := w.CreateBranch(r, "claude/issue-1-x", "main"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CommitFiles(r, "claude/issue-1-x", "fix", w.User(ghsim.ClaudeBot), map[string][]byte{"fix.txt": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	pr, err := w.CreatePull(r, w.User(ghsim.ClaudeBot), "Fix it", "Closes #1\n\n## Learnings\n- x", "claude/issue-1-x", "main")
	if err != nil {
		t.Fatal(err)
	}
	merge, err := w.MergePull(pr, octo)
	if err != nil {
		t.Fatal(err)
	}
	w.AddCheckRun(r, merge.SHA, "test", "failure")
	_, c := startSim(t, w)

	got, requests, _, err := gql.ReadIssues(context.Background(), c, []string{is.NodeID, r.Issue(2).NodeID})
	if err != nil {
		t.Fatal(err)
	}
	if requests != 1 || len(got) != 2 || got[0].Number != 1 || got[1].Number != 2 {
		t.Fatalf("read %d issues in %d requests", len(got), requests)
	}
	one := got[0]
	if one.EditedAt.IsZero() || !got[1].EditedAt.IsZero() {
		t.Errorf("edited at: #1 %v, #2 %v; want only #1 edited", one.EditedAt, got[1].EditedAt)
	}
	if len(one.Comments) != 1 || one.Comments[0].Author != (gql.Actor{Login: "github-actions", Type: "Bot"}) {
		t.Errorf("comments = %+v", one.Comments)
	}
	if len(one.ClosingPRs) != 1 {
		t.Fatalf("closing PRs = %+v", one.ClosingPRs)
	}
	p := one.ClosingPRs[0]
	if p.State != "MERGED" || p.MergeCommit != merge.SHA || p.CI != "FAILURE" || !strings.Contains(p.Body, "## Learnings") {
		t.Errorf("closing PR = %+v", p)
	}
	if len(p.Checks) != 1 || p.Checks[0].Name != "test" || p.Checks[0].State != "FAILURE" {
		t.Errorf("checks = %+v", p.Checks)
	}
}

func TestIssueStatesReadsManyNumbersInOneRequest(t *testing.T) {
	w := ghsim.Demo(nil)
	r := w.Repo("octo/demo")
	w.CloseIssue(r.Issue(2), "completed")
	srv, c := startSim(t, w)
	got, err := gql.IssueStates(context.Background(), c, "octo/demo", []int{1, 2, 99})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "OPEN", 2: "CLOSED"}
	if len(got) != len(want) || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("states = %v, want %v (99 does not exist)", got, want)
	}
	if n := srv.Log.Totals().Requests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
