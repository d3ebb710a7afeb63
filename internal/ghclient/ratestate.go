package ghclient

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Rate is what GitHub last said about one rate-limit bucket.
type Rate struct {
	Resource  string    `json:"resource"`
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	Used      int       `json:"used"`
	Reset     time.Time `json:"reset"`
}

// RateState collects the rate-limit headers and GraphQL rateLimit costs of
// every answer, so a cycle can report what it spent and keep a reserve.
// It is safe for concurrent use.
type RateState struct {
	mu        sync.Mutex
	buckets   map[string]Rate
	gqlPoints int
	requests  int
}

// Snapshot returns the latest Rate per bucket ("core", "graphql", …).
func (s *RateState) Snapshot() map[string]Rate {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Rate, len(s.buckets))
	for k, v := range s.buckets {
		out[k] = v
	}
	return out
}

// Get returns the latest Rate of one bucket.
func (s *RateState) Get(resource string) (Rate, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.buckets[resource]
	return r, ok
}

// GraphQLPoints is the sum of rateLimit.cost over the GraphQL answers that
// reported one.
func (s *RateState) GraphQLPoints() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gqlPoints
}

// Requests counts the HTTP requests sent, retries included.
func (s *RateState) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *RateState) countRequest() {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
}

func (s *RateState) addGraphQLCost(cost int) {
	s.mu.Lock()
	s.gqlPoints += cost
	s.mu.Unlock()
}

// observe records the x-ratelimit-* headers of one answer.
func (s *RateState) observe(h http.Header) {
	r, ok := parseRateHeaders(h)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets == nil {
		s.buckets = map[string]Rate{}
	}
	s.buckets[r.Resource] = r
}

func parseRateHeaders(h http.Header) (Rate, bool) {
	rem := h.Get("X-Ratelimit-Remaining")
	if rem == "" {
		return Rate{}, false
	}
	r := Rate{Resource: h.Get("X-Ratelimit-Resource")}
	if r.Resource == "" {
		r.Resource = "core"
	}
	r.Remaining, _ = strconv.Atoi(rem)
	r.Limit, _ = strconv.Atoi(h.Get("X-Ratelimit-Limit"))
	r.Used, _ = strconv.Atoi(h.Get("X-Ratelimit-Used"))
	if sec, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
		r.Reset = time.Unix(sec, 0).UTC()
	}
	return r, true
}
