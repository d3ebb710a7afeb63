package ghsim_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/nanobots/nanobots/internal/ghsim"
)

func TestNodesThatCannotResolveAreNotFound(t *testing.T) {
	s := newSim(t)
	w := s.world
	r := w.Repo("octo/demo")
	kept := r.Issue(1)
	deleted, moving := r.Issue(2), r.Issue(3)
	other := w.AddRepo("octo", "other", nil)
	hidden := w.AddRepo("hubot", "secret", nil)
	w.Lock()
	hidden.Private = true
	w.Unlock()
	secret := w.CreateIssue(hidden, w.User("hubot"), "not yours", "")
	deletedID, movingID := deleted.NodeID, moving.NodeID
	if err := w.DeleteIssue(deleted); err != nil {
		t.Fatal(err)
	}
	moved, err := w.TransferIssue(moving, other)
	if err != nil {
		t.Fatal(err)
	}
	if r.Issue(2) != nil || r.Issue(3) != nil || other.Issue(moved.Number) != moved {
		t.Fatal("a deleted or transferred issue is still found by its old number, or the moved one not by its new")
	}
	ids := []string{kept.NodeID, deletedID, movingID, secret.NodeID, "I_nonsense"}
	_, _, out := s.post(`query($ids:[ID!]!){nodes(ids:$ids){... on Issue{number}}}`, map[string]any{"ids": ids})
	nodes := out["data"].(map[string]any)["nodes"].([]any)
	if !reflect.DeepEqual(nodes, []any{map[string]any{"number": float64(1)}, nil, nil, nil, nil}) {
		t.Fatalf("nodes = %v, want issue 1 and four nulls", nodes)
	}
	errs, _ := out["errors"].([]any)
	if len(errs) != 4 {
		t.Fatalf("%d errors, want 4: %v", len(errs), errs)
	}
	for i, e := range errs {
		e := e.(map[string]any)
		want := fmt.Sprintf("Could not resolve to a node with the global id of '%s'", ids[i+1])
		if e["type"] != "NOT_FOUND" || e["message"] != want || !reflect.DeepEqual(e["path"], []any{"nodes", float64(i + 1)}) {
			t.Errorf("error %d = %v, want NOT_FOUND %q at nodes.%d", i, e, want, i+1)
		}
	}
	_, _, out = s.post(`query($id:ID!){node(id:$id){id}}`, map[string]any{"id": deletedID})
	if e := firstError(t, out); e["type"] != "NOT_FOUND" || out["data"].(map[string]any)["node"] != nil {
		t.Errorf("node(deleted) = %v, want null and NOT_FOUND", out)
	}
	// A write to an issue the viewer cannot see is NOT_FOUND too.
	_, _, out = s.post(`mutation($id:ID!){addComment(input:{subjectId:$id,body:"hi"}){clientMutationId}}`, map[string]any{"id": secret.NodeID})
	if e := firstError(t, out); e["type"] != "NOT_FOUND" {
		t.Errorf("addComment on a private issue: %v, want NOT_FOUND", out)
	}
	if len(secret.Comments) != 0 {
		t.Error("a comment was written to an issue the viewer cannot see")
	}
}

func TestTransferredIssueKeepsItsCard(t *testing.T) {
	w := ghsim.Demo(nil)
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	it, err := w.AddItem(p, r.Issue(1))
	if err != nil {
		t.Fatal(err)
	}
	gone, _ := w.AddItem(p, r.Issue(2))
	moved, err := w.TransferIssue(r.Issue(1), w.AddRepo("octo", "elsewhere", nil))
	if err != nil {
		t.Fatal(err)
	}
	if it.Content != moved {
		t.Error("the card did not follow the transferred issue")
	}
	if err := w.DeleteIssue(r.Issue(2)); err != nil {
		t.Fatal(err)
	}
	if p.ItemFor(gone.Content) != nil || len(p.Items) != 1 {
		t.Errorf("the deleted issue's card is still on the board (%d items)", len(p.Items))
	}
}

func TestGraphQLLabelsFilterIsOr(t *testing.T) {
	s := newSim(t)
	w := s.world
	r := w.Repo("octo/demo")
	w.CreateIssue(r, w.User("octo"), "a bug", "", "bug")
	w.CreateIssue(r, w.User("octo"), "both", "", "bug", "enhancement")
	w.CreateIssue(r, w.User("octo"), "an enhancement", "", "enhancement")
	_, _, out := s.post(`{repository(owner:"octo",name:"demo"){issues(first:10,labels:["bug","enhancement"]){nodes{title}}}}`, nil)
	nodes := out["data"].(map[string]any)["repository"].(map[string]any)["issues"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 3 {
		t.Errorf("labels:[bug, enhancement] matched %v, want the three issues with either label (GitHub ORs them)", nodes)
	}
}
