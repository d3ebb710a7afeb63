package ghclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/shurcooL/githubv4"
)

// script answers the nth request with answers[n] (the last one repeats) and
// records what it received.
type script struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter, r *http.Request)
	got     []*http.Request
	bodies  []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.got)
	b, _ := io.ReadAll(r.Body)
	s.got = append(s.got, r)
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	s.answers[min(n, len(s.answers)-1)](w, r)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func status(code int, headers map[string]string, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// fakeClock records every wait instead of sleeping.
type fakeClock struct {
	now    time.Time
	waited []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.waited = append(c.waited, d)
	c.now = c.now.Add(d)
	return nil
}

func newTestClient(t *testing.T, s *script, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	set := Settings{APIURL: srv.URL, GraphQLURL: srv.URL + "/graphql"}
	opts = append([]Option{WithClock(clock.Now, clock.Sleep)}, opts...)
	c, err := New(set, Secret("ghp_secret"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, clock
}

const issueJSON = `{"number":7,"title":"t"}`

func TestRetriesOn429WithRetryAfter(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(429, map[string]string{"Retry-After": "7", "X-Ratelimit-Remaining": "10"}, `{"message":"too many"}`),
		status(200, map[string]string{"X-Ratelimit-Remaining": "4999", "X-Ratelimit-Limit": "5000", "X-Ratelimit-Resource": "core"}, issueJSON),
	}}
	c, clock := newTestClient(t, s)
	iss, _, err := c.REST.Issues.Get(context.Background(), "o", "r", 7)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if iss.GetNumber() != 7 || s.count() != 2 {
		t.Errorf("got issue %d after %d requests, want issue 7 after 2", iss.GetNumber(), s.count())
	}
	if want := []time.Duration{7 * time.Second}; fmt.Sprint(clock.waited) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v", clock.waited, want)
	}
	if r, _ := c.Rate.Get("core"); r.Remaining != 4999 || r.Limit != 5000 {
		t.Errorf("core rate = %+v, want remaining 4999 of 5000", r)
	}
	if got := s.got[1].Header.Get("Authorization"); got != "Bearer ghp_secret" {
		t.Errorf("retried request Authorization = %q, want the token sent again", got)
	}
}

func TestRetriesSecondaryLimit403(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(403, map[string]string{"Retry-After": "30"}, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`),
		status(201, nil, `{"id":1,"body":"hi"}`),
	}}
	c, clock := newTestClient(t, s)
	// A write: a refused request was not carried out, so retrying is safe.
	_, _, err := c.REST.Issues.CreateComment(context.Background(), "o", "r", 1, &github.IssueComment{Body: github.String("hi")})
	if err != nil {
		t.Fatalf("CreateComment: %v", err)
	}
	if s.count() != 2 || len(clock.waited) != 1 || clock.waited[0] != 30*time.Second {
		t.Errorf("requests %d, waits %v; want 2 requests and one 30s wait", s.count(), clock.waited)
	}
	if s.bodies[1] != s.bodies[0] || !strings.Contains(s.bodies[1], `"hi"`) {
		t.Errorf("retried body %q, want the original %q", s.bodies[1], s.bodies[0])
	}
}

func TestPlain403IsNotRetried(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(403, nil, `{"message":"Resource not accessible by integration"}`),
	}}
	c, _ := newTestClient(t, s)
	_, _, err := c.REST.Issues.Get(context.Background(), "o", "r", 1)
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 403 {
		t.Fatalf("err = %v, want go-github's 403 ErrorResponse", err)
	}
	if s.count() != 1 {
		t.Errorf("sent %d requests, want 1 (a permission error does not heal by waiting)", s.count())
	}
}

func TestPrimaryLimitWaitsUntilReset(t *testing.T) {
	reset := time.Unix(1_800_000_000, 0).Add(40 * time.Second).Unix()
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(403, map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": fmt.Sprint(reset)}, `{"message":"API rate limit exceeded"}`),
		status(200, nil, issueJSON),
	}}
	c, clock := newTestClient(t, s)
	if _, _, err := c.REST.Issues.Get(context.Background(), "o", "r", 7); err != nil {
		t.Fatal(err)
	}
	if len(clock.waited) != 1 || clock.waited[0] != 41*time.Second {
		t.Errorf("waits %v, want [41s] (until reset, plus a second)", clock.waited)
	}
}

func TestLongWaitGivesUpWithTypedError(t *testing.T) {
	reset := time.Unix(1_800_000_000, 0).Add(50 * time.Minute).Unix()
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(429, map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": fmt.Sprint(reset), "X-Ratelimit-Resource": "core"}, `{"message":"API rate limit exceeded"}`),
	}}
	c, clock := newTestClient(t, s)
	_, _, err := c.REST.Issues.Get(context.Background(), "o", "r", 7)
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v (%T), want *RateLimitError", err, err)
	}
	if rl.Secondary || rl.Resource != "core" || rl.Reset.Unix() != reset {
		t.Errorf("RateLimitError = %+v, want a primary core limit resetting at %d", rl, reset)
	}
	if !errors.Is(err, ErrRateLimited) || len(clock.waited) != 0 || s.count() != 1 {
		t.Errorf("waited %v over %d requests; want no wait longer than MaxWait", clock.waited, s.count())
	}
}

func TestRetriesBadGatewayForReadsWithBoundedBackoff(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(502, nil, `{"message":"Server Error"}`),
		status(504, nil, `{"message":"Server Error"}`),
		status(200, nil, issueJSON),
	}}
	c, clock := newTestClient(t, s, WithBackoff(time.Second, 10*time.Second))
	if _, _, err := c.REST.Issues.Get(context.Background(), "o", "r", 7); err != nil {
		t.Fatal(err)
	}
	if want := "[1s 2s]"; fmt.Sprint(clock.waited) != want {
		t.Errorf("waits %v, want %s", clock.waited, want)
	}

	always := &script{answers: []func(http.ResponseWriter, *http.Request){status(502, nil, `{}`)}}
	c, clock = newTestClient(t, always, WithRetries(3, time.Minute), WithBackoff(time.Second, 3*time.Second))
	_, _, err := c.REST.Issues.Get(context.Background(), "o", "r", 7)
	var se *ServerError
	if !errors.As(err, &se) || se.Status != 502 || se.Retried != 3 {
		t.Fatalf("err = %v, want *ServerError 502 after 3 retries", err)
	}
	if want := "[1s 2s 3s]"; fmt.Sprint(clock.waited) != want || always.count() != 4 {
		t.Errorf("waits %v over %d requests, want %s over 4 (capped back-off)", clock.waited, always.count(), want)
	}
}

func TestWriteIsNotRetriedAfter502(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){status(502, nil, `{}`), status(201, nil, `{}`)}}
	c, _ := newTestClient(t, s)
	_, _, err := c.REST.Issues.CreateComment(context.Background(), "o", "r", 1, &github.IssueComment{Body: github.String("x")})
	var se *ServerError
	if !errors.As(err, &se) || !se.Unsafe {
		t.Fatalf("err = %v, want an unsafe *ServerError", err)
	}
	if s.count() != 1 {
		t.Errorf("sent %d requests, want 1: GitHub may have posted the comment", s.count())
	}
}

type viewerQuery struct {
	Viewer struct {
		Login string `graphql:"login"`
	} `graphql:"viewer"`
	RateLimit struct {
		Cost      int `graphql:"cost"`
		Remaining int `graphql:"remaining"`
	} `graphql:"rateLimit"`
}

func TestGraphQLRateLimitedIsRetried(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(200, map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Resource": "graphql", "X-Ratelimit-Reset": fmt.Sprint(time.Unix(1_800_000_000, 0).Add(9 * time.Second).Unix())},
			`{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`),
		status(200, map[string]string{"X-Ratelimit-Remaining": "4990", "X-Ratelimit-Resource": "graphql"},
			`{"data":{"viewer":{"login":"octo"},"rateLimit":{"cost":3,"remaining":4990}}}`),
	}}
	c, clock := newTestClient(t, s)
	var q viewerQuery
	if err := c.Query(context.Background(), &q, nil); err != nil {
		t.Fatalf("Query: %v", err)
	}
	if q.Viewer.Login != "octo" || len(clock.waited) != 1 || clock.waited[0] != 10*time.Second {
		t.Errorf("login %q, waits %v; want octo after one 10s wait", q.Viewer.Login, clock.waited)
	}
	if c.Rate.GraphQLPoints() != 3 {
		t.Errorf("GraphQLPoints = %d, want 3 from rateLimit.cost", c.Rate.GraphQLPoints())
	}
	if !strings.HasPrefix(s.got[0].UserAgent(), "nanobots/") {
		t.Errorf("User-Agent %q, want nanobots/…", s.got[0].UserAgent())
	}
}

func TestGraphQLErrorsAreTyped(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		want error
	}{
		{"NOT_FOUND", ErrNotFound},
		{"STALE_DATA", ErrStaleData},
		{"FORBIDDEN", ErrForbidden},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{
				"data":   map[string]any{"viewer": map[string]any{"login": "octo"}, "rateLimit": nil},
				"errors": []any{map[string]any{"type": tc.typ, "path": []any{"rateLimit"}, "message": "it went wrong"}},
			})
			s := &script{answers: []func(http.ResponseWriter, *http.Request){status(200, nil, string(body))}}
			c, _ := newTestClient(t, s)
			var q viewerQuery
			err := c.Query(context.Background(), &q, nil)
			var ge *GraphQLError
			if !errors.As(err, &ge) || !errors.Is(err, tc.want) || !ge.HasType(tc.typ) {
				t.Fatalf("err = %v (%T), want *GraphQLError matching %v", err, err, tc.want)
			}
			if q.Viewer.Login != "octo" {
				t.Errorf("partial data lost: login %q, want octo", q.Viewer.Login)
			}
			if s.count() != 1 {
				t.Errorf("sent %d requests, want 1: %s does not heal by retrying", s.count(), tc.typ)
			}
		})
	}
}

func TestMutationNotRetriedAfter504(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){status(504, nil, ``), status(200, nil, `{"data":{}}`)}}
	c, _ := newTestClient(t, s)
	var m struct {
		AddComment struct {
			ClientMutationID string `graphql:"clientMutationId"`
		} `graphql:"addComment(input: $input)"`
	}
	err := c.Mutate(context.Background(), &m, githubv4.AddCommentInput{SubjectID: "I_1", Body: "x"}, nil)
	var se *ServerError
	if !errors.As(err, &se) || s.count() != 1 {
		t.Fatalf("err = %v after %d requests, want one unsafe *ServerError", err, s.count())
	}
}

func TestSettingsFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name    string
		env     map[string]string
		api, gq string
		wantErr string
	}{
		{name: "defaults", env: map[string]string{}, api: "https://api.github.com", gq: "https://api.github.com/graphql"},
		{name: "enterprise", env: map[string]string{EnvAPIURL: "https://ghe.example.com/api/v3/"}, api: "https://ghe.example.com/api/v3", gq: "https://ghe.example.com/api/graphql"},
		{name: "simulator", env: map[string]string{EnvAPIURL: "http://127.0.0.1:8080", EnvGraphQLURL: "http://127.0.0.1:8080/graphql"}, api: "http://127.0.0.1:8080", gq: "http://127.0.0.1:8080/graphql"},
		{name: "bad url", env: map[string]string{EnvAPIURL: "api.github.com"}, wantErr: "GITHUB_API_URL"},
		{name: "bad repo", env: map[string]string{EnvRepository: "justaname"}, wantErr: "owner/name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := SettingsFromEnv(env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.APIURL != tc.api || s.GraphQLURL != tc.gq {
				t.Errorf("got %q and %q, want %q and %q", s.APIURL, s.GraphQLURL, tc.api, tc.gq)
			}
		})
	}
}

func TestSecretNeverFormats(t *testing.T) {
	s := Settings{Token: "ghp_abc123", DispatchToken: "ghp_def456"}
	js, _ := json.Marshal(s)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%v %s", s.Token, s.DispatchToken), string(js)} {
		if strings.Contains(out, "ghp_") {
			t.Errorf("a token leaked into %q", out)
		}
	}
}

// TestGraphQLRateLimitOtherFormIsRetried: GitHub also answers a query over
// its limit with type RATE_LIMIT and code graphql_rate_limit, and
// x-ratelimit-remaining need not be 0 then; it is waited out the same way.
func TestGraphQLRateLimitOtherFormIsRetried(t *testing.T) {
	s := &script{answers: []func(http.ResponseWriter, *http.Request){
		status(200, map[string]string{"X-Ratelimit-Remaining": "12", "X-Ratelimit-Resource": "graphql", "Retry-After": "30"},
			`{"errors":[{"type":"RATE_LIMIT","code":"graphql_rate_limit","message":"API rate limit already exceeded for user ID 1."}]}`),
		status(200, map[string]string{"X-Ratelimit-Remaining": "4990", "X-Ratelimit-Resource": "graphql"},
			`{"data":{"viewer":{"login":"octo"},"rateLimit":{"cost":1,"remaining":4990}}}`),
	}}
	c, clock := newTestClient(t, s)
	var q viewerQuery
	if err := c.Query(context.Background(), &q, nil); err != nil {
		t.Fatalf("Query: %v", err)
	}
	if q.Viewer.Login != "octo" || len(clock.waited) != 1 || clock.waited[0] != 30*time.Second {
		t.Errorf("login %q, waits %v; want octo after one 30s wait", q.Viewer.Login, clock.waited)
	}
}

// TestRateLimitedMutationIsNotSentAgain: a mutation's answer that says the
// limit was hit may carry the aliases that went through; sending it again
// would repeat them, so the caller gets the answer and a rate-limit error.
func TestRateLimitedMutationIsNotSentAgain(t *testing.T) {
	for _, form := range []string{`{"type":"RATE_LIMITED"`, `{"type":"RATE_LIMIT","code":"graphql_rate_limit"`} {
		s := &script{answers: []func(http.ResponseWriter, *http.Request){
			status(200, map[string]string{"X-Ratelimit-Remaining": "0", "X-Ratelimit-Resource": "graphql", "Retry-After": "5"},
				`{"data":{"a0":{"clientMutationId":null},"a1":null},"errors":[`+form+`,"message":"API rate limit exceeded","path":["a1"]}]}`),
			status(200, nil, `{"data":{"a0":{"clientMutationId":null},"a1":{"clientMutationId":null}}}`),
		}}
		c, _ := newTestClient(t, s)
		var m struct {
			A0 *struct {
				ClientMutationID *string `graphql:"clientMutationId"`
			} `graphql:"a0: addComment(input: $input)"`
			A1 *struct {
				ClientMutationID *string `graphql:"clientMutationId"`
			} `graphql:"a1: addComment(input: $i1)"`
		}
		err := c.Mutate(context.Background(), &m, githubv4.AddCommentInput{}, map[string]any{"i1": githubv4.AddCommentInput{}})
		if !errors.Is(err, ErrRateLimited) {
			t.Errorf("%s: err = %v, want ErrRateLimited", form, err)
		}
		if s.count() != 1 {
			t.Errorf("%s: sent %d requests, want 1: the first alias went through", form, s.count())
		}
		if m.A0 == nil {
			t.Errorf("%s: the alias that went through was not decoded", form)
		}
	}
}
