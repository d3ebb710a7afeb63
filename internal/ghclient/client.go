// Package ghclient is nanobots' one way to GitHub: go-github for REST and
// githubv4 for GraphQL, over one http.Client per identity whose Transport
// handles authentication, rate limits, retries and typed errors.
//
// It must never print, log or wrap a token into an error, and nothing else in
// nanobots may build its own http.Client for GitHub.
package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/shurcooL/githubv4"
	"golang.org/x/oauth2"

	"github.com/nanobots-dev/nanobots/internal/version"
)

// Client talks to one GitHub (api.github.com, an Enterprise Server, or the
// simulator) as one identity.
type Client struct {
	// REST is go-github, based at Settings.APIURL.
	REST *github.Client
	// HTTP is the client both REST and GraphQL go through.
	HTTP *http.Client
	// Rate accumulates rate-limit state and GraphQL points of every answer.
	Rate *RateState

	graphql *githubv4.Client
}

// Option adjusts the transport of a new Client.
type Option func(*Transport)

// WithClock injects the clock the transport waits with.
func WithClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(t *Transport) { t.Now, t.Sleep = now, sleep }
}

// WithBase sends requests through rt instead of http.DefaultTransport.
func WithBase(rt http.RoundTripper) Option { return func(t *Transport) { t.Base = rt } }

// WithRetries bounds the retries and the longest single wait.
func WithRetries(maxRetries int, maxWait time.Duration) Option {
	return func(t *Transport) { t.MaxRetries, t.MaxWait = maxRetries, maxWait }
}

// WithBackoff sets the exponential back-off used when GitHub names no time.
func WithBackoff(base, max time.Duration) Option {
	return func(t *Transport) { t.BaseBackoff, t.MaxBackoff = base, max }
}

// New returns a Client for s, authenticated with token (s.Token or
// s.DispatchToken). An empty token is allowed: GitHub then answers as it does
// to anonymous callers.
func New(s Settings, token Secret, opts ...Option) (*Client, error) {
	api, err := url.Parse(s.APIURL + "/")
	if err != nil {
		return nil, fmt.Errorf("rest base %q: %w", s.APIURL, err)
	}
	t := &Transport{Rate: &RateState{}, UserAgent: "nanobots/" + version.String()}
	for _, o := range opts {
		o(t)
	}
	t.Base = newConditional(t.base())
	var rt http.RoundTripper = t
	if token != "" {
		rt = &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token.Reveal()}), Base: t}
	}
	hc := &http.Client{Transport: rt}
	rest := github.NewClient(hc)
	rest.BaseURL = api
	rest.UploadURL = api
	rest.UserAgent = t.UserAgent
	return &Client{REST: rest, HTTP: hc, Rate: t.Rate, graphql: githubv4.NewEnterpriseClient(s.GraphQLURL, hc)}, nil
}

// Query runs a githubv4 query. Every field of q must carry an explicit
// `graphql:"…"` tag: githubv4 otherwise turns ProjectV2Item into projectV2item,
// which GitHub rejects. Errors in the answer come back as *GraphQLError, with
// their types, after any data that came with them has been decoded into q.
func (c *Client) Query(ctx context.Context, q any, vars map[string]any) error {
	ctx, sink := withSink(ctx)
	return typed(c.graphql.Query(ctx, q, vars), sink)
}

// Mutate runs a githubv4 mutation; see Query.
func (c *Client) Mutate(ctx context.Context, m any, input githubv4.Input, vars map[string]any) error {
	ctx, sink := withSink(ctx)
	return typed(c.graphql.Mutate(ctx, m, input, vars), sink)
}

func typed(err error, sink *errorSink) error {
	if err == nil {
		return nil
	}
	if len(sink.items) > 0 {
		return &GraphQLError{Items: sink.items}
	}
	// Transport errors (*RateLimitError, *ServerError) arrive wrapped in
	// *url.Error; unwrap them so callers see the typed error first.
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
