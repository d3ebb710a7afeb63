package simtest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

// TestStart serves the demo world to a client made from the Sim's own
// settings, through a wrap that sees every request.
func TestStart(t *testing.T) {
	seen := 0
	sim := simtest.Start(t, nil, simtest.WithWrap(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen++
			h.ServeHTTP(w, r)
		})
	}))
	sim.World.AddToken("ghp_octo", "octo", "repo", "project")
	c := sim.Client(t, "ghp_octo")
	u, _, err := c.REST.Users.Get(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if u.GetLogin() != "octo" || seen != 1 || sim.Log.Totals().Requests != 1 {
		t.Errorf("login %q, %d requests wrapped, %d logged; want octo, 1, 1", u.GetLogin(), seen, sim.Log.Totals().Requests)
	}
	if sim.Env()["GITHUB_GRAPHQL_URL"] != sim.URL+"/graphql" || sim.GraphQLURL != sim.URL+"/graphql" {
		t.Errorf("env %v, want the GraphQL endpoint under %s", sim.Env(), sim.URL)
	}
}
