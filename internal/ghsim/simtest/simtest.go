// Package simtest starts a GitHub simulator for one test, as go-github's
// setup(t) starts an httptest server: one helper for every package whose
// tests talk to GitHub, instead of a copy in each. It is for tests only;
// no program may import it.
package simtest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// Sim is a simulator serving one test; it stops when the test ends.
type Sim struct {
	*ghsim.Server
	World *ghsim.World
	// URL is the REST base; GraphQLURL the GraphQL endpoint.
	URL, GraphQLURL string
}

// An Option changes how Start serves the simulator.
type Option func(*options)

type options struct {
	server []ghsim.Option
	wrap   func(http.Handler) http.Handler
}

// WithServer passes options to ghsim.New, such as ghsim.WithLimits.
func WithServer(opts ...ghsim.Option) Option {
	return func(o *options) { o.server = append(o.server, opts...) }
}

// WithWrap serves the simulator through wrap, for a test that watches or
// alters what crosses the wire.
func WithWrap(wrap func(http.Handler) http.Handler) Option {
	return func(o *options) { o.wrap = wrap }
}

// Start serves w (ghsim.Demo when nil) until the test ends. The test fails
// at once when the simulator cannot start, which is when the schemas are
// missing, and at its end when any REST answer the simulator gave does not
// match GitHub's published response schema for its operation.
func Start(t testing.TB, w *ghsim.World, opts ...Option) *Sim {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if w == nil {
		w = ghsim.Demo(nil)
	}
	srv, err := ghsim.New(w, o.server...)
	if err != nil {
		t.Fatalf("start the simulator: %v (run scripts/fetch-schemas.sh)", err)
	}
	var h http.Handler = srv
	if o.wrap != nil {
		h = o.wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ts.Close()
		for _, e := range srv.ResponseErrors() {
			t.Errorf("the simulator's answer does not match GitHub's description: %s", e)
		}
	})
	return &Sim{Server: srv, World: w, URL: ts.URL, GraphQLURL: ts.URL + "/graphql"}
}

// Settings point a ghclient at the simulator: token is GITHUB_TOKEN's,
// dispatch the dispatch token's, for repository repo ("" for none).
func (s *Sim) Settings(repo string, token, dispatch ghclient.Secret) ghclient.Settings {
	return ghclient.Settings{APIURL: s.URL, GraphQLURL: s.GraphQLURL, Repository: repo, Token: token, DispatchToken: dispatch}
}

// Client connects to the simulator with token.
func (s *Sim) Client(t testing.TB, token ghclient.Secret, opts ...ghclient.Option) *ghclient.Client {
	t.Helper()
	c, err := ghclient.New(s.Settings("", "", ""), token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Env is the environment a nanobots command reads to reach the simulator
// (GITHUB_API_URL and GITHUB_GRAPHQL_URL).
func (s *Sim) Env() map[string]string {
	return map[string]string{ghclient.EnvAPIURL: s.URL, ghclient.EnvGraphQLURL: s.GraphQLURL}
}
