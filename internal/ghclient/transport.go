package ghclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Transport is the one http.RoundTripper between nanobots and GitHub. It
// records rate limits, waits and retries where GitHub says waiting helps, and
// turns what is left into typed errors:
//
//   - 429, and 403 with x-ratelimit-remaining: 0 or a secondary-limit message:
//     wait for retry-after, else until x-ratelimit-reset, else back off; then
//     retry. These requests were refused, not carried out, so retrying a write
//     is safe.
//   - 502, 503, 504 and dropped connections: back off and retry reads and
//     GraphQL queries. A write is retried only on 503 (refused before work);
//     after 502/504 GitHub may have done it, so the caller must look first.
//   - GraphQL answers (HTTP 200) that say the rate limit was hit (type
//     RATE_LIMITED, or RATE_LIMIT with code graphql_rate_limit): a query waits
//     and is retried. A mutation is not: its answer may carry the results of
//     the aliased mutations that went through beside the limit, and sending
//     it again would repeat them; the caller gets the answer and its error.
//     Typed errors are handed to Client.Query through the request's context,
//     because githubv4 drops their type.
//
// Every wait is bounded by MaxWait and the number of tries by MaxRetries, so
// a cron cycle stops cleanly with a *RateLimitError or *ServerError instead of
// sleeping past its schedule.
type Transport struct {
	// Base sends the requests; http.DefaultTransport when nil.
	Base http.RoundTripper
	// Rate receives every answer's rate-limit state; may be nil.
	Rate *RateState
	// UserAgent is sent on every request (GitHub rejects requests without one).
	UserAgent string

	// MaxRetries bounds the retries of one request (default 4).
	MaxRetries int
	// MaxWait is the longest single wait the transport accepts (default 2m);
	// a longer retry-after or reset gives up with *RateLimitError at once.
	MaxWait time.Duration
	// BaseBackoff and MaxBackoff shape the exponential back-off used when
	// GitHub gives no time (defaults 1s and 30s).
	BaseBackoff, MaxBackoff time.Duration

	// Now and Sleep are the clock; tests drive hours in microseconds.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

func (t *Transport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func (t *Transport) maxRetries() int {
	if t.MaxRetries > 0 {
		return t.MaxRetries
	}
	return 4
}

func (t *Transport) maxWait() time.Duration {
	if t.MaxWait > 0 {
		return t.MaxWait
	}
	return 2 * time.Minute
}

func (t *Transport) backoff(attempt int) time.Duration {
	base, max := t.BaseBackoff, t.MaxBackoff
	if base <= 0 {
		base = time.Second
	}
	if max <= 0 {
		max = 30 * time.Second
	}
	d := base << attempt
	if d > max || d <= 0 {
		d = max
	}
	return d
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	kind := classify(req, body)
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		if t.UserAgent != "" && r.Header.Get("User-Agent") == "" {
			r.Header.Set("User-Agent", t.UserAgent)
		}
		if t.Rate != nil {
			t.Rate.countRequest()
		}
		resp, err := t.base().RoundTrip(r)
		last := attempt >= t.maxRetries()
		if err != nil {
			if ctx.Err() != nil || last || !kind.idempotent() || !transient(err) {
				return nil, err
			}
			if err := t.sleep(ctx, t.backoff(attempt)); err != nil {
				return nil, err
			}
			continue
		}
		if t.Rate != nil {
			t.Rate.observe(resp.Header)
		}
		wait, retry, final := t.decide(resp, kind, attempt)
		if final != nil {
			drain(resp)
			return nil, final
		}
		if !retry {
			return resp, nil
		}
		if last {
			return nil, t.giveUp(resp, kind, attempt)
		}
		drain(resp)
		if wait > t.maxWait() {
			return nil, t.rateLimitError(resp, wait)
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// decide says whether resp should be retried and after how long. It may
// replace resp's body (GraphQL answers are read to find their errors). final
// is an error to return at once instead of the response.
func (t *Transport) decide(resp *http.Response, kind requestKind, attempt int) (wait time.Duration, retry bool, final error) {
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		return t.limitWait(resp.Header, attempt), true, nil
	case code == http.StatusForbidden:
		msg := peekMessage(resp)
		if resp.Header.Get("X-Ratelimit-Remaining") == "0" || resp.Header.Get("Retry-After") != "" || isSecondaryMessage(msg) {
			return t.limitWait(resp.Header, attempt), true, nil
		}
		return 0, false, nil
	case code == http.StatusServiceUnavailable:
		return t.backoff(attempt), true, nil
	case code == http.StatusBadGateway || code == http.StatusGatewayTimeout:
		if !kind.idempotent() {
			return 0, false, &ServerError{Method: resp.Request.Method, URL: resp.Request.URL.Redacted(), Status: code, Retried: attempt, Unsafe: true}
		}
		return t.backoff(attempt), true, nil
	case code == http.StatusOK && kind.graphql:
		items, cost, err := readGraphQLAnswer(resp)
		if err != nil {
			return 0, false, nil // not JSON we understand: let githubv4 report it
		}
		if cost > 0 && t.Rate != nil {
			t.Rate.addGraphQLCost(cost)
		}
		for _, it := range items {
			if it.rateLimited() && !kind.mutation {
				return t.limitWait(resp.Header, attempt), true, nil
			}
		}
		if sink := sinkFrom(resp.Request.Context()); sink != nil {
			sink.items = items
		}
		return 0, false, nil
	}
	return 0, false, nil
}

// limitWait is how long GitHub asked to wait: retry-after, else the reset time
// when the bucket is empty, else at least a minute (GitHub's advice for a
// secondary limit that names no time), growing with each attempt.
func (t *Transport) limitWait(h http.Header, attempt int) time.Duration {
	if s := h.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if at, err := http.ParseTime(s); err == nil {
			return max(at.Sub(t.now()), 0)
		}
	}
	if h.Get("X-Ratelimit-Remaining") == "0" {
		if secs, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(secs, 0).Sub(t.now()), 0) + time.Second
		}
	}
	d := time.Minute << attempt
	if d > t.maxWait() {
		d = t.maxWait()
	}
	return d
}

func (t *Transport) giveUp(resp *http.Response, kind requestKind, attempt int) error {
	defer drain(resp)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusForbidden, http.StatusOK:
		return t.rateLimitError(resp, 0)
	}
	return &ServerError{Method: resp.Request.Method, URL: resp.Request.URL.Redacted(), Status: resp.StatusCode, Retried: attempt}
}

func (t *Transport) rateLimitError(resp *http.Response, wait time.Duration) error {
	h := resp.Header
	e := &RateLimitError{Resource: h.Get("X-Ratelimit-Resource"), Status: resp.StatusCode, RetryAfter: wait}
	if r, ok := parseRateHeaders(h); ok && r.Remaining == 0 {
		e.Reset = r.Reset
	} else {
		e.Secondary = true
	}
	if s := h.Get("Retry-After"); s != "" {
		e.Secondary = true
	}
	e.Message = peekMessage(resp)
	return e
}

// requestKind says what a retry of the request could do.
type requestKind struct {
	method   string
	graphql  bool
	mutation bool
}

func (k requestKind) idempotent() bool {
	if k.graphql {
		return !k.mutation
	}
	switch k.method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

func classify(req *http.Request, body []byte) requestKind {
	k := requestKind{method: req.Method}
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/graphql") {
		k.graphql = true
		var in struct {
			Query string `json:"query"`
		}
		if json.Unmarshal(body, &in) == nil {
			k.mutation = strings.HasPrefix(strings.TrimSpace(in.Query), "mutation")
		}
	}
	return k
}

func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// readGraphQLAnswer reads a GraphQL body's errors and top-level rateLimit.cost
// and puts the body back for githubv4 to decode.
func readGraphQLAnswer(resp *http.Response) ([]GraphQLErrorItem, int, error) {
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return nil, 0, err
	}
	var out struct {
		Data struct {
			RateLimit *struct {
				Cost int `json:"cost"`
			} `json:"rateLimit"`
		} `json:"data"`
		Errors []GraphQLErrorItem `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, 0, err
	}
	cost := 0
	if out.Data.RateLimit != nil {
		cost = out.Data.RateLimit.Cost
	}
	return out.Errors, cost, nil
}

// peekMessage reads the "message" of a JSON error body and puts the body back.
func peekMessage(resp *http.Response) string {
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	var out struct {
		Message string `json:"message"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(raw, &out) != nil {
		return ""
	}
	if out.Message == "" && len(out.Errors) > 0 {
		return out.Errors[0].Message
	}
	return out.Message
}

func isSecondaryMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "secondary rate limit") || strings.Contains(m, "abuse detection")
}

func transient(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "connection refused")
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

// errorSink carries a GraphQL answer's typed errors from the transport back
// to Client.Query, past githubv4, which keeps only their messages.
type errorSink struct{ items []GraphQLErrorItem }

type sinkKey struct{}

func withSink(ctx context.Context) (context.Context, *errorSink) {
	s := &errorSink{}
	return context.WithValue(ctx, sinkKey{}, s), s
}

func sinkFrom(ctx context.Context) *errorSink {
	s, _ := ctx.Value(sinkKey{}).(*errorSink)
	return s
}
