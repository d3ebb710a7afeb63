package gql_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

// startSim serves w for the test and connects to it.
func startSim(t *testing.T, w *ghsim.World) (*ghsim.Server, *ghclient.Client) {
	t.Helper()
	sim := simtest.Start(t, w)
	return sim.Server, sim.Client(t, "t")
}

// fill puts n issues on octo's board with Status Ready.
func fill(t *testing.T, w *ghsim.World, n int) {
	t.Helper()
	r, p, octo := w.Repo("octo/demo"), w.Project("octo", 1), w.User("octo")
	for i := 0; i < n; i++ {
		is := w.CreateIssue(r, octo, fmt.Sprintf("item %d", i), "", "nanobots:inbox")
		it, err := w.AddItem(p, is)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.SetOption(it, "Status", "Ready"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadBoardPagesAtGitHubsFloor(t *testing.T) {
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			w := ghsim.Demo(nil)
			fill(t, w, n)
			srv, c := startSim(t, w)
			b, err := gql.ReadBoard(context.Background(), c, gql.OwnerUser, "octo", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Items) != n {
				t.Fatalf("read %d items, want %d", len(b.Items), n)
			}
			pages := max((n+gql.PageSize-1)/gql.PageSize, 1)
			if got := srv.Log.Totals(); got.Requests != pages || got.Writes != 0 {
				t.Errorf("%d requests and %d writes, want %d and 0", got.Requests, got.Writes, pages)
			}
			if n > 0 {
				last := b.Items[n-1]
				if last.Values["Status"] != "Ready" || last.Content.Title != fmt.Sprintf("item %d", n-1) ||
					last.Content.Repository != "octo/demo" || strings.Join(last.Content.Labels, ",") != "nanobots:inbox" {
					t.Errorf("last item %+v", last)
				}
			}
			status := b.Field("Status")
			if status == nil || status.Option("In Review") == nil || status.DataType != "SINGLE_SELECT" {
				t.Errorf("Status field %+v", status)
			}
			if b.Points != srv.Log.Totals().GraphQLPoints {
				t.Errorf("board says %d points, the simulator charged %d", b.Points, srv.Log.Totals().GraphQLPoints)
			}
		})
	}
}

func TestReadBoardOfAnOrganization(t *testing.T) {
	w := ghsim.Demo(nil)
	org := w.AddUser("acme", "Organization")
	w.AddMember(org, w.User("octo"))
	w.AddProject(org, "acme board")
	_, c := startSim(t, w)
	b, err := gql.ReadBoard(context.Background(), c, gql.OwnerOrganization, "acme", 1)
	if err != nil || b.Title != "acme board" {
		t.Fatalf("board %+v, err %v", b, err)
	}
	if _, err := gql.ReadBoard(context.Background(), c, gql.OwnerOrganization, "octo", 1); err == nil {
		t.Error("reading a user's board as an organization's succeeded; want NOT_FOUND")
	}
}

// TestEveryFieldIsTagged walks every githubv4 struct the package sends.
func TestEveryFieldIsTagged(t *testing.T) {
	for _, v := range gql.Documents() {
		checkTags(t, reflect.TypeOf(v), reflect.TypeOf(v).String())
	}
}

func checkTags(t *testing.T, typ reflect.Type, path string) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	// githubv4 sends a struct that decodes itself (time.Time) as a scalar.
	if typ.Kind() != reflect.Struct || reflect.PointerTo(typ).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if _, ok := f.Tag.Lookup("graphql"); !ok {
			t.Errorf("%s.%s has no graphql tag", path, f.Name)
		}
		checkTags(t, f.Type, path+"."+f.Name)
	}
}
