package outerloop_test

import (
	"testing"

	"github.com/shurcooL/githubv4"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
)

// TestArchivedCardIsLeftAlone: a maintainer archives an item's card; later
// cycles neither add the issue to the board again (which would restore the
// card) nor plan anything for it, though it is open and labelled for the
// inbox.
func TestArchivedCardIsLeftAlone(t *testing.T) {
	h := newHarness(t, nil)
	is := h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	h.cycle(false)
	p := h.world.Project("octo", 1)
	h.world.Lock()
	it := p.ItemFor(is)
	itemID, projectID := it.NodeID, p.NodeID
	h.world.Unlock()
	octo, err := ghclient.New(h.settings(), patToken)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ArchiveProjectV2Item struct {
			Item struct {
				ID string `graphql:"id"`
			} `graphql:"item"`
		} `graphql:"archiveProjectV2Item(input: $input)"`
	}
	in := githubv4.ArchiveProjectV2ItemInput{ProjectID: githubv4.ID(projectID), ItemID: githubv4.ID(itemID)}
	if err := octo.Mutate(t.Context(), &m, in, nil); err != nil {
		t.Fatalf("octo archives the card: %v", err)
	}
	for range 3 {
		res := h.cycle(false)
		for _, a := range res.Plan.Actions {
			if a.Issue == is.Number {
				t.Errorf("planned %s for the archived item", a)
			}
		}
		for _, w := range res.Plan.Waiting {
			if w.Issue == is.Number {
				t.Errorf("reports the archived item as waiting: %+v", w)
			}
		}
		for _, x := range res.Snapshot.Items {
			if x.Number() == is.Number {
				t.Errorf("the snapshot carries the archived item: %+v", x.Item)
			}
		}
	}
	h.world.Lock()
	defer h.world.Unlock()
	if !p.ItemFor(is).Archived {
		t.Errorf("the card is no longer archived")
	}
}
