package ghsim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

func TestBareWorldIsANewBoard(t *testing.T) {
	w := ghsim.Bare(nil)
	started := simtest.Start(t, w)
	s := &sim{t: t, url: started.URL, clock: ghsim.NewClock(epoch)}
	c := s.client("ghp_octo")
	ctx := context.Background()

	b, err := gql.ReadBoardSetup(ctx, c, gql.OwnerUser, "octo", 1)
	if err != nil {
		t.Fatal(err)
	}
	if f := b.Field("Status"); f == nil || names(f.Options) != "Todo,In Progress,Done" {
		t.Errorf("Status %+v, want GitHub's default options", f)
	}
	if b.Field("Priority") != nil || b.Field("Size") != nil || len(b.Repositories) != 0 {
		t.Errorf("board has Priority, Size or linked repositories: %+v", b)
	}
	r := w.Repo("octo/demo")
	for _, l := range r.Labels {
		if strings.HasPrefix(l.Name, "nanobots:") {
			t.Errorf("label %s exists", l.Name)
		}
	}
	for _, is := range r.Issues {
		if len(is.Labels) != 0 {
			t.Errorf("#%d carries labels", is.Number)
		}
	}
	var paths []string
	for _, wf := range r.Workflows {
		paths = append(paths, wf.Path+" "+wf.State)
	}
	if got := strings.Join(paths, ","); !strings.Contains(got, "nanobots-outer.yml active") || !strings.Contains(got, "nanobots-inner.yml active") {
		t.Errorf("workflows %s", got)
	}
}

// TestUpdateFieldRenewsOptions: updateProjectV2Field cannot name existing
// options in the published schema, so every option comes back with a new
// ID and values that pointed at the old ones are cleared.
func TestUpdateFieldRenewsOptions(t *testing.T) {
	s := newSim(t)
	p, r := s.world.Project("octo", 1), s.world.Repo("octo/demo")
	it, err := s.world.AddItem(p, r.Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.world.SetOption(it, "Size", "M"); err != nil {
		t.Fatal(err)
	}
	c := s.client("ghp_octo")
	ctx := context.Background()
	before, err := gql.ReadBoardSetup(ctx, c, gql.OwnerUser, "octo", 1)
	if err != nil {
		t.Fatal(err)
	}
	size := before.Field("Size")
	opts := append(size.Options, gql.Option{Name: "XXL", Color: "RED", Description: "Never"})
	after, err := gql.ReplaceOptions(ctx, c, size.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	if names(after.Options) != "XS,S,M,L,XL,XXL" {
		t.Errorf("options %s", names(after.Options))
	}
	for _, o := range after.Options {
		if prev := size.Option(o.Name); prev != nil && prev.ID == o.ID {
			t.Errorf("option %s kept its ID %s", o.Name, o.ID)
		}
	}
	if after.Option("M").Description != size.Option("M").Description {
		t.Error("the description sent back was not kept")
	}
	if v := it.OptionName("Size"); v != "" {
		t.Errorf("the item's Size is still %q", v)
	}
	if err := gql.SetOption(ctx, c, before.ID, it.NodeID, after.ID, after.Option("M").ID); err != nil {
		t.Fatal(err)
	}
	if v := it.OptionName("Size"); v != "M" {
		t.Errorf("the item's Size is %q after setting it again", v)
	}
}

// TestPinLimitAndLink: pinIssue refuses a fourth pin; linking twice links once.
func TestPinLimitAndLink(t *testing.T) {
	s := newSim(t)
	r := s.world.Repo("octo/demo")
	for n := 1; n <= 3; n++ {
		if err := s.world.Pin(r.Issue(n)); err != nil {
			t.Fatal(err)
		}
	}
	is := s.world.CreateIssue(r, s.world.User("octo"), "fourth", "")
	if err := s.world.Pin(is); err == nil {
		t.Error("World.Pin pinned a fourth issue")
	}
	c := s.client("ghp_octo")
	ctx := context.Background()
	if err := gql.PinIssue(ctx, c, is.NodeID); !errors.Is(err, ghclient.ErrInvalid) {
		t.Errorf("pinIssue of a fourth: %v, want UNPROCESSABLE", err)
	}
	repo, err := gql.ReadSetupRepo(ctx, c, "octo/demo", "nanobots:inbox")
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Pinned) != 3 || len(repo.Labelled) != 3 || repo.Labelled[0].Author.Login != "mona" || repo.ViewerPermission != "ADMIN" {
		t.Errorf("repo %+v", repo)
	}
	p := s.world.Project("octo", 1)
	for i := 0; i < 2; i++ {
		if err := gql.LinkRepository(ctx, c, p.NodeID, repo.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(p.Repos) != 1 {
		t.Errorf("%d linked repositories, want 1", len(p.Repos))
	}
}

func names(opts []gql.Option) string {
	var out []string
	for _, o := range opts {
		out = append(out, o.Name)
	}
	return strings.Join(out, ",")
}
