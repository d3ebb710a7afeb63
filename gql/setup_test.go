package gql_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

func TestSetupBoardOfAnOrganization(t *testing.T) {
	w := ghsim.Demo(nil)
	org := w.AddUser("acme", "Organization")
	w.AddMember(org, w.User("octo"))
	w.AddProject(org, "acme board")
	srv, c := startSim(t, w)
	ctx := context.Background()

	b, err := gql.ReadBoardSetup(ctx, c, gql.OwnerOrganization, "acme", 1)
	if err != nil {
		t.Fatal(err)
	}
	status := b.Field("Status")
	if b.Title != "acme board" || status == nil || status.DataType != "SINGLE_SELECT" || len(status.Options) != 3 || status.Options[0].Color != "GREEN" {
		t.Fatalf("board %+v", b)
	}
	if b.Points != 1 || srv.Log.Totals().Requests != 1 {
		t.Errorf("%d points, %d requests; want 1 and 1", b.Points, srv.Log.Totals().Requests)
	}
	if _, err := gql.ReadBoardSetup(ctx, c, gql.OwnerUser, "acme", 1); err == nil {
		t.Error("read an organization's board as a user's")
	}

	f, err := gql.CreateSingleSelectField(ctx, c, b.ID, "Size", []gql.Option{{Name: "S", Color: "BLUE"}, {Name: "L", Color: "RED", Description: "big"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "Size" || len(f.Options) != 2 || f.Option("L").Description != "big" || f.Option("S").ID == "" {
		t.Errorf("created %+v", f)
	}
	if _, err := gql.CreateSingleSelectField(ctx, c, b.ID, "Status", f.Options); err == nil {
		t.Error("created a second Status field")
	}
}

// TestSetupRepoReadsStatusIssuesAsTheCycleDoes: bootstrap and doctor read
// the status issue candidates with the cycle's own fragment, so the same
// issues decode to the same values, and a bot is an Actor of type Bot.
func TestSetupRepoReadsStatusIssuesAsTheCycleDoes(t *testing.T) {
	w := ghsim.Demo(nil)
	r := w.Repo("octo/demo")
	w.CreateIssue(r, w.User(ghsim.ActionsBot), "status", "<!-- nanobots:status -->", "nanobots:status")
	_, c := startSim(t, w)
	repo, err := gql.ReadSetupRepo(context.Background(), c, "octo/demo", "nanobots:status")
	if err != nil {
		t.Fatal(err)
	}
	bot := gql.Actor{Login: "github-actions", Type: "Bot"}
	if len(repo.Labelled) != 1 || repo.Labelled[0].Author != bot || repo.Labelled[0].State != "OPEN" || repo.Private {
		t.Errorf("repo %+v", repo)
	}
	cy, err := gql.ReadCycle(context.Background(), c, gql.CycleQuery{
		OwnerType: gql.OwnerUser, Owner: "octo", Number: 1, Repo: "octo/demo",
		InboxLabel: "nanobots:inbox", StatusLabel: "nanobots:status",
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cy.StatusIssues, repo.Labelled); diff != "" {
		t.Errorf("the cycle and bootstrap read the candidates differently (-cycle +setup):\n%s", diff)
	}
}
