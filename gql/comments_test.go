package gql_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// TestAllCommentsReadsEveryPage: 250 comments come back oldest first, all
// of them, in three requests of 100.
func TestAllCommentsReadsEveryPage(t *testing.T) {
	w := ghsim.Demo(nil)
	is := w.Repo("octo/demo").Issue(1)
	for i := range 250 {
		w.AddComment(is, w.User("mona"), fmt.Sprintf("comment %d", i))
	}
	srv, c := startSim(t, w)
	got, n, err := gql.AllComments(context.Background(), c, is.NodeID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 || got[0].Body != "comment 0" || got[249].Body != "comment 249" {
		t.Fatalf("%d comments, first %q, last %q; want 250, oldest first", len(got), got[0].Body, got[len(got)-1].Body)
	}
	if n != 3 || srv.Log.Totals().Requests != 3 {
		t.Errorf("%d requests (logged %d), want 3", n, srv.Log.Totals().Requests)
	}
}
